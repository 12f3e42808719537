"""The command line: a thin click layer over the library. Help text is Chinese first."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.table import Table as RichTable

from . import __version__
from .bundled import examples_dir
from .reader import ReadError, find_workbooks, read
from .schema import REGISTERS
from .template import write_template

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


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

    生成模板，读取 workbooks/examples 下的每个村报表，按封面上的村名列出各登记表的行数。
    """
    console = Console(highlight=False)
    template_path = write_template(output_dir)
    files = list(find_workbooks([examples_dir()]))
    status = show_counts(console, files)
    console.print(f"模板已生成：{template_path}")
    raise SystemExit(status)


def show_counts(console: Console, files: list[Path]) -> int:
    """Print one line per village submission with its row counts; 2 when a file was unreadable."""
    table = RichTable(title=f"村报表行数（{len(files)} 个文件）")
    table.add_column("村（封面）")
    table.add_column("文件")
    for register in REGISTERS:
        table.add_column(register.sheet, justify="right")
    totals = [0] * len(REGISTERS)
    status = 0
    for path in files:
        try:
            submission = read(path)
        except ReadError as exc:
            console.print(f"[red]无法读取[/red] {exc}")
            status = 2
            continue
        counts = [len(submission.tables[r.key].rows) if r.key in submission.tables else 0 for r in REGISTERS]
        totals = [a + b for a, b in zip(totals, counts)]
        table.add_row(submission.village or "（封面未填村名）", path.name, *map(str, counts))
    table.add_section()
    table.add_row("合计", "", *map(str, totals))
    console.print(table)
    return status
