"""The command line: a thin click layer over the library. Help text is Chinese first."""

from __future__ import annotations

import json
import re
import signal
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import Progress

from .. import __version__
from .. import bundled
from ..reading import safety
from ..writing.annotate import AnnotateError, annotate, output_name
from ..jobs.batch import annotation_targets, check_all
from .clicn import ChineseGroup
from .excelbook import BuildError, command as excel_workbook_command
from ..merging.merge import MergeResult, merge
from .report import (CleanStream, make_console, no_workbooks, safe, show_folders, show_indicators, show_merge,
                     show_report, show_skipped)
from ..reading.inbox import scan
from ..reading.reader import ReadError
from ..writing.readback import read_dataset
from ..summary.fill import FillReport, PdfUnavailable, TemplateError, export_pdf, summary_output, write_summary
from ..summary.template import write_summary_template
from ..writing.template import TEMPLATE_NAME, write_template
from ..writing.township import write_township
from ..checks.validate import FileReport
from ..reading.villages import VillageList, read_villages
from ..writing.outputs import OutputError, check_outputs, os_error, with_extension
from ..writing.xlsxio import open_elsewhere

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def run() -> None:
    """The console script: a memory backstop, and no Python traceback unless --debug."""
    debug = "--debug" in sys.argv[1:]
    safety.limit_memory()
    sys.stdout, sys.stderr = CleanStream(sys.stdout), CleanStream(sys.stderr)
    signal.signal(signal.SIGTERM, _terminated)
    try:
        main(standalone_mode=True)
    except MemoryError:
        click.echo("unionxl：内存不足，已停止。请分批处理文件，或设置 UNIONXL_MAX_MEMORY_MB。", err=True)
        raise SystemExit(3) from None
    except Exception as exc:
        if debug:
            raise
        click.echo(f"unionxl 出错：{type(exc).__name__}：{exc}（加 --debug 可查看详细信息）", err=True)
        raise SystemExit(3) from None


def _terminated(signum, frame) -> None:
    """SIGTERM ends the run like Ctrl-C: temporary files are removed on the way out."""
    raise SystemExit(128 + signum)


class Refused(click.ClickException):
    """A mistake the user can fix: one Chinese line (「错误：…」), exit code 2."""

    exit_code = 2


class Unionxl(ChineseGroup):
    """The unionxl group: click's messages in Chinese, library refusals as one line with exit code 2."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (OutputError, TemplateError, ReadError, BuildError) as exc:
            raise Refused(str(exc)) from None
        except OSError as exc:  # not one the library turned into an OutputError: still one Chinese line
            raise Refused(str(os_error(exc, doing="读写"))) from None


@click.group(cls=Unionxl, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="unionxl %(version)s", help="显示版本号并退出。")
@click.option("--debug", is_flag=True, help="出错时显示 Python 详细信息 / show tracebacks.")
def main(debug: bool) -> None:
    """乡镇工会 Excel 报表工具 (unionxl)。

    \b
    村工会填写统一模板（封面、会员名册、帮扶台账、维权案件），乡镇工会用本工具
    生成模板、逐格校验、合并汇总。Township trade-union registers: template,
    validation, merge and summary.

    \b
    先试试：unionxl demo      （在自带的 13 个示例村报表上跑一遍）
    """


def output_dir(default: str, help: str):
    return click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path(default),
                        show_default=True, help=help)


@main.command()
@output_dir(".", "模板写到哪个文件夹 / output folder.")
def template(output_dir: Path) -> None:
    """生成村工会报表模板和乡镇汇总模板。Write the village template and the summary template.

    \b
    村工会报表模板.xlsx：填表说明、封面、会员名册、帮扶台账、维权案件五张表，编码列带下拉列表，
    每列有输入提示，身份证号、手机号码列为文本格式。
    乡镇汇总模板.xlsx：各项指标所在单元格用“定义的名称”标出，可自行调整格式和位置。
    """
    click.echo(f"村工会报表模板：{write_template(output_dir)}")
    click.echo(f"乡镇汇总模板：{write_summary_template(output_dir)}")


FILES = click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
VILLAGES = click.option(
    "--villages",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="村名单工作簿（村名、代码），用于核对封面村名 / list of expected villages.",
)


def load_villages(path: Path | None) -> VillageList | None:
    return None if path is None else read_villages(path)


def workbooks(inputs: list[Path], console: Console | None = None, skips: bool = True
              ) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to read in ``inputs`` (sub-folders included) and the files skipped, with why; the
    sub-folders read and (``skips``) the skipped files shown on ``console``. No workbook at all is
    refused (exit code 2)."""
    files, skipped = scan(inputs)
    if console is not None:
        show_folders(console, inputs, files)
        if skips or not files:
            show_skipped(console, skipped)
    if not files:
        raise Refused(no_workbooks(inputs, skipped))
    return files, skipped


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
    INPUTS 是村报表文件（.xlsx/.xlsm/.xls/.ods/.et）或包含它们的文件夹（含子文件夹）。
    退出码 / exit code: 0 无错误（可有警告）; 1 有错误; 2 有文件无法读取，或命令被拒绝（见 README）。
    --annotate / --annotate-dir 生成退回村里的标注副本：问题单元格标红（错误）或标黄（警告）
    并加批注，另附“问题清单”表；原文件不会被修改。
    """
    console = make_console()
    files, skipped = workbooks(list(inputs), console if fmt == "text" else None)
    if annotate_to is not None and len(files) != 1:
        raise click.UsageError("--annotate 只能用于一个文件；多个文件请用 --annotate-dir 文件夹。")
    if annotate_to is not None:
        annotate_to = with_extension(annotate_to, Path(output_name(files[0])).suffix)
    targets = {files[0]: annotate_to} if annotate_to else annotation_targets(files, annotate_dir) if annotate_dir else {}
    check_outputs(targets.values(), [*files, villages])
    known = load_villages(villages)
    reports = []
    for report in check_all(files, known, targets):  # each file in a worker: one bad file costs only itself
        reports.append(report)
        if fmt == "text":
            if report.annotated is not None:
                console.print(f"标注副本：{safe(report.annotated)}")
            if report.annotate_error is not None:
                console.print(f"[red]✗ {safe(report.path.name)}[/]：{safe(report.annotate_error)}")
            show_report(console, report)
    if fmt == "json":
        skips = [{"path": str(p), "reason": why} for p, why in skipped]
        click.echo(json_text({"files": [r.as_dict() for r in reports], "skipped": skips}))
    else:
        bad = sum(1 for r in reports if r.errors)
        unreadable = sum(1 for r in reports if not r.readable)
        console.print(f"共 {len(reports)} 个文件：{bad} 个有错误，{unreadable} 个无法读取。")
    raise SystemExit(exit_status(reports))


_C1 = re.compile(r"[\x7f-\x9f]")


def json_text(value: object) -> str:
    """JSON for scripts: control characters escaped (json escapes C0 itself; C1 too here, since a
    terminal may read 0x9B as the start of a command)."""
    return _C1.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(value, ensure_ascii=False, indent=2))


def exit_status(reports: list[FileReport]) -> int:
    if any(not r.readable or r.annotate_error for r in reports):
        return 2
    return 1 if any(r.errors for r in reports) else 0


@main.command("merge")
@FILES
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("乡镇汇总.xlsx"),
              show_default=True, help="乡镇汇总工作簿 / township workbook to write.")
@VILLAGES
@click.option("--strict", is_flag=True, help="有错误的村不合并（并注明）/ leave out villages with errors.")
@click.option("--mask", is_flag=True, help="身份证号、手机号打码，用于外发 / mask ID and phone numbers.")
@click.option("--password", help="给乡镇汇总工作簿设打开密码（通过微信、QQ、邮件发送名册时用）/ encrypt the workbook.")
@click.option("--summary-template", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="汇总模板（默认自带的乡镇汇总模板.xlsx）/ summary template.")
@click.option("--no-summary", is_flag=True, help="不生成“汇总”表 / leave out the summary sheets.")
def merge_command(inputs: tuple[Path, ...], output: Path, villages: Path | None, strict: bool, mask: bool,
                  password: str | None, summary_template: Path | None, no_summary: bool) -> None:
    """合并各村报表为乡镇汇总工作簿。Merge village submissions into the township workbook.

    \b
    INPUTS 是村报表文件或文件夹（含子文件夹），.xlsx/.xlsm/.xls/.ods/.et 均可，文件名随意：村名取自每个文件的封面。
    汇总工作簿含：汇总（各项指标、分村表）、图表、报送情况（应报、已报、未报、重复报送、
    无法读取）、会员名册、帮扶台账、维权案件（每行注明村名、来源文件和单元格）、
    问题清单（含跨村重复登记、重复帮扶）。
    同一个村报了两份时，采用填报日期较新的一份。
    退出码 / exit code: 0 正常; 1 有村的报表有错误或村名不在名单中; 2 有文件无法读取，或命令被拒绝。
    """
    console = make_console()
    template = None if no_summary else summary_template or bundled.summary_template()
    output = with_extension(output, ".xlsx")
    if password is not None and not password.strip():
        raise Refused("--password 的密码不能为空。")
    files, skipped = workbooks(list(inputs), console, skips=False)
    check_outputs([output], [*files, villages, summary_template])
    result, _ = run_merge(console, files, skipped, output, load_villages(villages), strict, mask, template, password)
    raise SystemExit(merge_status(result))


def run_merge(console: Console, files: list[Path], skipped: list[tuple[Path, str]], output: Path,
              known: VillageList | None, strict: bool, mask: bool, template: Path | None,
              password: str | None = None) -> tuple[MergeResult, FillReport | None]:
    if open_elsewhere(output):
        raise Refused(f"{output.name} 正在 Excel、WPS 或 LibreOffice 中打开，请先关闭再合并。")
    with Progress(console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty()) as bar:
        task = bar.add_task("校验各村报表", total=len(files))
        result = merge(files, known, strict, skipped, lambda done, total: bar.update(task, completed=done))
    path, filled = write_township(result, output, mask, template, password)
    show_merge(console, result)
    for message in filled.messages() if filled else ():
        console.print(f"  [yellow]汇总模板[/]：{safe(message)}")
    console.print(f"乡镇汇总：{safe(str(path))}")
    return result, filled


def merge_status(result: MergeResult) -> int:
    if result.unreadable:
        return 2
    return 1 if result.unknown or any(r.errors for _, r in result.used) or result.strict and any(
        e.excluded for e in result.entries) else 0


@main.command()
@output_dir("unionxl-demo", "演示结果写到哪个文件夹 / output folder.")
def demo(output_dir: Path) -> None:
    """在自带的寨阳乡 13 个示例村报表上演示。Run the main job on the bundled examples.

    \b
    1. 生成村工会报表模板；
    2. 校验 13 个示例村报表，标注副本写到 输出文件夹/退回各村/；
    3. 按寨阳乡村名单合并为 输出文件夹/乡镇汇总.xlsx，并填好其中的“汇总”表。
    """
    console = make_console()
    township = output_dir / "乡镇汇总.xlsx"
    files, skipped = scan([bundled.examples_dir()])
    targets = annotation_targets(files, output_dir / "退回各村")
    check_outputs([output_dir / TEMPLATE_NAME, township, *targets.values()],
                  [*files, bundled.village_list(), bundled.summary_template()])
    template_path = write_template(output_dir)
    result, filled = run_merge(console, files, skipped, township, read_villages(bundled.village_list()),
                               strict=False, mask=False, template=bundled.summary_template())
    for report in result.reports:
        if report.readable:
            try:
                annotate(report, targets[report.path])
            except AnnotateError as exc:
                console.print(f"[red]✗ {safe(report.path.name)}[/]：{safe(exc)}")
    if filled is not None:
        show_indicators(console, filled.values)
    console.print(f"村工会报表模板：{safe(str(template_path))}")
    console.print(f"退回各村的标注副本：{safe(str(output_dir / '退回各村'))}")
    console.print(f"填好的汇总表：{safe(str(township))} 的“汇总”“图表”工作表")
    raise SystemExit(merge_status(result))


main.add_command(excel_workbook_command)


@main.command()
@click.argument("township", type=click.Path(path_type=Path))
@click.option("--template", "template_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="汇总模板（默认自带的乡镇汇总模板.xlsx）/ summary template.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="汇总表文件（默认：<乡镇汇总>_汇总表.xlsx）/ output workbook.")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 导出 PDF / also export a PDF.")
def summary(township: Path, template_path: Path | None, output: Path | None, pdf: bool) -> None:
    """按汇总模板填写乡镇汇总表。Fill the township summary from a merged workbook.

    \b
    TOWNSHIP 是 unionxl merge 生成的乡镇汇总工作簿。模板中的指标单元格按“定义的名称”查找
    （会员总数、追回金额、分村表……），可自行调整格式和位置；模板里不认识的名称和缺少的
    指标会列出来。汇总表只含人数、件数和金额，不含姓名、身份证号、电话。
    """
    console = make_console()
    output = with_extension(output, ".xlsx") if output else summary_output(township)
    check_outputs([output, output.with_suffix(".pdf") if pdf else None], [township, template_path])
    if open_elsewhere(output):
        raise Refused(f"{output.name} 正在 Excel、WPS 或 LibreOffice 中打开，请先关闭。")
    ds = read_dataset(township)
    path, filled = write_summary(ds, template_path or bundled.summary_template(), output)
    show_indicators(console, filled.values)
    for note in ds.notes:  # rows staff added to the township workbook, not counted
        console.print(f"  [yellow]注意[/]：{safe(note)}")
    for message in filled.messages():
        console.print(f"  [yellow]汇总模板[/]：{safe(message)}")
    console.print(f"汇总表：{safe(str(path))}")
    if pdf:
        try:
            console.print(f"PDF：{safe(str(export_pdf(path)))}")
        except PdfUnavailable as exc:
            console.print(f"[red]{safe(str(exc))}[/]")
            raise SystemExit(1) from None


