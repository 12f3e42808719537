"""The command line: a thin click layer over the library. Help text is Chinese first."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from . import __version__
from .annotate import annotate, output_name
from .bundled import examples_dir, workbooks_dir
from .findings import ERROR
from .reader import ReadError, find_workbooks
from .sample import VILLAGE_LIST
from .schema import REGISTERS
from .template import write_template
from .validate import FileReport, validate_file
from .villages import VillageList, read_villages

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def make_console() -> Console:
    """Rich output; wide enough for Chinese file names when printing to a pipe or a file."""
    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="unionxl %(version)s")
def main() -> None:
    """乡镇工会 Excel 报表工具 (unionxl)。

    \b
    村工会填写统一模板（封面、会员名册、帮扶台账、维权案件），乡镇工会用本工具
    生成模板、逐格校验、合并汇总。Township trade-union registers: template,
    validation, merge and summary.

    \b
    先试试：unionxl demo      （在自带的 13 个示例村报表上跑一遍）
    """


@main.command()
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="模板写到哪个文件夹 / output folder.",
)
def template(output_dir: Path) -> None:
    """生成村工会报表模板（村工会报表模板.xlsx）。Write the village template workbook.

    模板含填表说明、封面、会员名册、帮扶台账、维权案件五张表，编码列带下拉列表，
    每列有输入提示，身份证号、手机号码列为文本格式。
    """
    path = write_template(output_dir)
    click.echo(f"模板已生成：{path}")


@main.command()
@click.option(
    "-o",
    "--output-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("unionxl-demo"),
    show_default=True,
    help="演示结果写到哪个文件夹 / output folder.",
)
def demo(output_dir: Path) -> None:
    """在自带的寨阳乡 13 个示例村报表上演示。Run the main job on the bundled examples.

    生成模板，校验 workbooks/examples 下的每个村报表，按封面上的村名列出各登记表行数和问题数，
    并把每个村的标注副本写到 输出文件夹/退回各村/。
    """
    console = make_console()
    template_path = write_template(output_dir)
    files = list(find_workbooks([examples_dir()]))
    known = read_villages(workbooks_dir() / VILLAGE_LIST)
    reports = [validate_file(path, known) for path in files]
    for report in reports:
        if report.readable:
            annotate(report, output_dir / "退回各村" / output_name(report.path))
    show_counts(console, reports)
    console.print(f"模板：{escape(str(template_path))}")
    console.print(f"标注副本：{escape(str(output_dir / '退回各村'))}")
    raise SystemExit(exit_status(reports))


def show_counts(console: Console, reports: list[FileReport]) -> None:
    """One line per village submission: rows per register, errors and warnings, and a total."""
    table = RichTable(title=f"村报表校验结果（{len(reports)} 个文件）")
    table.add_column("村（封面）")
    table.add_column("文件")
    for register in REGISTERS:
        table.add_column(register.sheet, justify="right")
    table.add_column("错误", justify="right")
    table.add_column("警告", justify="right")
    totals = [0] * (len(REGISTERS) + 2)
    for report in reports:
        if not report.readable:
            table.add_row("[red]无法读取[/]", escape(report.path.name), *[""] * len(REGISTERS), "", "")
            continue
        counts = [len(report.rows.get(r.key, ())) for r in REGISTERS] + [report.errors, report.warnings]
        totals = [a + b for a, b in zip(totals, counts)]
        table.add_row(escape(report.village or "（封面未填村名）"), escape(report.path.name), *map(str, counts))
    table.add_section()
    table.add_row("合计", "", *map(str, totals))
    console.print(table)

FILES = click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
VILLAGES = click.option(
    "--villages",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="村名单工作簿（村名、代码），用于核对封面村名 / list of expected villages.",
)


def load_villages(path: Path | None) -> VillageList | None:
    if path is None:
        return None
    try:
        return read_villages(path)
    except ReadError as exc:
        raise click.ClickException(str(exc)) from None


@main.command()
@FILES
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="输出格式 / output format.")
@click.option("--annotate", "annotate_to", type=click.Path(dir_okay=False, path_type=Path),
              help="把标注好的副本写到这个文件（只校验一个文件时）/ marked-up copy of the one input.")
@click.option("--annotate-dir", type=click.Path(file_okay=False, path_type=Path),
              help="把每个文件的标注副本写到这个文件夹 / marked-up copies of all inputs.")
@VILLAGES
def validate(inputs: tuple[Path, ...], fmt: str, annotate_to: Path | None, annotate_dir: Path | None,
             villages: Path | None) -> None:
    """校验村报表：每个问题定位到工作表和单元格。Validate village submissions.

    \b
    INPUTS 是村报表文件（.xlsx/.xlsm/.xls/.ods）或包含它们的文件夹。
    退出码 / exit code: 0 无错误（可有警告）; 1 有错误; 2 有文件无法读取。
    --annotate / --annotate-dir 生成退回村里的标注副本：问题单元格标红（错误）或标黄（警告）
    并加批注，另附“问题清单”表；原文件不会被修改。
    """
    files = list(find_workbooks(list(inputs)))
    if annotate_to is not None and len(files) != 1:
        raise click.UsageError("--annotate 只能用于一个文件；多个文件请用 --annotate-dir 文件夹。")
    known = load_villages(villages)
    console = make_console()
    reports = []
    for path in files:
        report = validate_file(path, known)
        reports.append(report)
        target = annotate_to or (annotate_dir / output_name(path) if annotate_dir else None)
        if target is not None and report.readable:
            try:
                written = annotate(report, target)
            except PermissionError:
                raise click.ClickException(f"无法写入 {target}：文件可能正在 Excel 中打开，请关闭后重试。") from None
            if fmt == "text":
                console.print(f"标注副本：{escape(str(written))}")
        if fmt == "text":
            show_report(console, report)
    if fmt == "json":
        click.echo(json.dumps({"files": [r.as_dict() for r in reports]}, ensure_ascii=False, indent=2))
    else:
        bad = sum(1 for r in reports if r.errors)
        unreadable = sum(1 for r in reports if not r.readable)
        console.print(f"共 {len(reports)} 个文件：{bad} 个有错误，{unreadable} 个无法读取。")
    raise SystemExit(exit_status(reports))


def exit_status(reports: list[FileReport]) -> int:
    if any(not r.readable for r in reports):
        return 2
    return 1 if any(r.errors for r in reports) else 0


def show_report(console: Console, report: FileReport) -> None:
    name = escape(report.path.name)
    if not report.readable:
        console.print(f"[bold red]✗ {name}[/]：{escape(report.error or '')}")
        return
    village = escape(report.village or "封面未填村名")
    status = "[green]✓[/]" if not report.errors else "[red]✗[/]"
    console.print(f"{status} [bold]{village}[/]（{name}）：错误 {report.errors} 条，警告 {report.warnings} 条")
    for f in report.findings:
        level = "[red]错误[/]" if f.severity == ERROR else "[yellow]警告[/]"
        value = "" if f.value is None else f"「{escape(str(f.value))}」"
        console.print(f"  {level} {escape(f.location)} {escape(f.field or '')}{value}：{escape(f.message)}")
