"""The command line: click options -> a job (:mod:`unionxl.jobs`) -> its result printed (:mod:`.report`).

Help text is Chinese first. A :class:`~unionxl.errors.UserError` from a job becomes one line
「错误：…」 and its exit code (2: refused), in :meth:`Unionxl.invoke`, the one place.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn
from pathlib import Path

import click
from rich.console import Console

from .. import __version__, jobs
from ..errors import UserError
from ..jobs.errors import NoWorkbooks
from .process import prepare
from .clicn import ChineseGroup
from ..bundled import WORKBOOK_NAME
from .report import (CleanStream, make_console, safe, show_copies, show_folders, show_indicators, show_merge, show_notes,
                     show_messages, show_outputs, show_report, show_seed, show_skipped)
from .report import show_compare
from .report import show_export

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def run() -> None:
    """The console script: a memory backstop, and no Python traceback unless --debug."""
    debug = "--debug" in sys.argv[1:]
    prepare()
    sys.stdout, sys.stderr = CleanStream(sys.stdout), CleanStream(sys.stderr)
    try:
        main(standalone_mode=True)
    except SystemExit as done:
        leave(done.code)
    except MemoryError:
        click.echo("unionxl：内存不足，已停止。请分批处理文件，或设置 UNIONXL_MAX_MEMORY_MB。", err=True)
        raise SystemExit(3) from None
    except Exception as exc:
        if debug:
            raise
        click.echo(f"unionxl 出错：{type(exc).__name__}：{exc}（加 --debug 可查看详细信息）", err=True)
        raise SystemExit(3) from None


def leave(code: object) -> NoReturn:
    """End the process once its command is done: outputs written and closed, workers ended, the report
    printed. Only the freeing of what the command held is skipped (the objects of every row merged, one
    by one: 0.15–0.25 s after merging 100k rows)."""
    if code is not None and not isinstance(code, int):  # SystemExit("…"): printed, exit code 1
        print(code, file=sys.stderr)
        code = 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (unionxl … | head): nothing more can reach it
            pass
    os._exit(code or 0)


class Refused(click.ClickException):
    """A :class:`UserError` as click shows it: one Chinese line (「错误：…」) and the error's exit code."""

    def __init__(self, error: UserError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code


class Unionxl(ChineseGroup):
    """The unionxl group: click's messages in Chinese, a job's refusal as one line with its exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except UserError as exc:
            if isinstance(exc, NoWorkbooks):  # the files set aside, each with what it is, then the line
                show_skipped(make_console(), exc.skipped)
            raise Refused(exc) from None


@contextmanager
def progress_bar(what: str) -> Iterator[Callable[[int, int, str], None]]:
    """A job's progress on stderr while it runs (nothing when stderr is not a terminal)."""
    if not sys.stderr.isatty():  # rich.progress is 50 ms of imports: only where it shows
        yield lambda done, total, _: None
        return
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=None)
        yield lambda done, total, _: bar.update(task, completed=done, total=total)


@click.group(cls=Unionxl, context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", message="unionxl %(version)s", help="显示版本号并退出。")
@click.option("--debug", is_flag=True, help="出错时显示 Python 详细信息 / show tracebacks.")
def main(debug: bool) -> None:
    """乡镇工会 Excel 报表工具 (unionxl)。

    \b
    村工会填写统一模板（封面、会员名册、帮扶台账、维权案件、活动台账、组织情况），乡镇工会用本工具
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
    村工会报表模板.xlsx：填表说明、封面、会员名册、帮扶台账、维权案件、活动台账、组织情况七张表，编码列带下拉列表，
    每列有输入提示，身份证号、手机号码列为文本格式。
    乡镇汇总模板.xlsx：各项指标所在单元格用“定义的名称”标出，可自行调整格式和位置。
    """
    show_outputs(make_console(), jobs.write_templates(output_dir).outputs)


FILES = click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
VILLAGES = click.option(
    "--villages",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="村名单工作簿（村名、代码），用于核对封面村名 / list of expected villages.",
)


REPORTER_OPTIONS = (
    ("--township", "本汇总的单位名称（如 寨阳乡；县级汇总时为县名），写进汇总表标题，上一级合并时显示（默认取自村名单）/ the unit's name."),
    ("--unit", "填报单位（默认取自村名单）/ reporting unit."),
    ("--head", "单位负责人（默认取自村名单）/ head of the unit."),
    ("--preparer", "填表人（默认取自村名单）/ who prepared the form."),
    ("--phone", "联系电话：乡镇工会办公电话（默认取自村名单）/ the office phone."),
)


def reporter_options(command: Callable) -> Callable:
    """The options naming who reports the summary, gathered into one ``reporter`` argument."""
    command = click.option("--report-date", "who_report_date", type=click.DateTime(["%Y-%m-%d"]),
                           help="报送日期，如 2012-11-05（默认：当天）/ report date.")(command)
    for flag, text in reversed(REPORTER_OPTIONS):
        command = click.option(flag, f"who_{flag[2:]}", help=text)(command)  # summary's TOWNSHIP is a path
    return command


def reporter(options: dict) -> object:
    """A ``jobs.Reporter`` from the options (popped from ``options``)."""
    day = options.pop("who_report_date")
    given = {flag[2:]: options.pop(f"who_{flag[2:]}") for flag, _ in REPORTER_OPTIONS}
    return jobs.Reporter(**{k: v.strip() for k, v in given.items() if v}, report_date=day.date() if day else None)


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
    with progress_bar("校验各村报表") as progress:
        checked = jobs.validate(list(inputs), villages, annotate_to, annotate_dir, progress=progress)
    if fmt == "json":
        skips = [{"path": str(p), "reason": why} for p, why in checked.skipped]
        click.echo(json_text({"files": [r.as_dict() for r in checked.reports], "skipped": skips}))
        raise SystemExit(checked.exit_code)
    console = make_console()
    show_folders(console, checked.sub_folders)
    show_skipped(console, checked.skipped)
    for report in checked.reports:
        show_copies(console, report)
        show_report(console, report)
    bad = sum(1 for r in checked.reports if r.errors)
    console.print(f"共 {len(checked.files)} 个文件：{bad} 个有错误，{len(checked.unreadable)} 个无法读取。")
    console.print(f"{checked.tally()}。")
    show_notes(console, checked)
    raise SystemExit(checked.exit_code)


_C1 = re.compile(r"[\x7f-\x9f]")


def json_text(value: object) -> str:
    """JSON for scripts: control characters escaped (json escapes C0 itself; C1 too here, since a
    terminal may read 0x9B as the start of a command)."""
    return _C1.sub(lambda m: f"\\u{ord(m[0]):04x}", json.dumps(value, ensure_ascii=False, indent=2))


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
@reporter_options
def merge_command(inputs: tuple[Path, ...], output: Path, villages: Path | None, strict: bool, mask: bool,
                  password: str | None, summary_template: Path | None, no_summary: bool, **who: object) -> None:
    """合并各村报表为乡镇汇总工作簿。Merge village submissions into the township workbook.

    \b
    INPUTS 是村报表文件或文件夹（含子文件夹），.xlsx/.xlsm/.xls/.ods/.et 均可，文件名随意：村名取自每个文件的封面。
    汇总工作簿含：汇总（各项指标、分村表）、图表、报送情况（应报、已报、未报、重复报送、
    无法读取）、会员名册、帮扶台账、维权案件（每行注明村名、来源文件和单元格）、
    问题清单（含跨村重复登记、重复帮扶）。
    同一个村报了两份时，采用填报日期较新的一份。
    汇总表的填报单位、单位负责人、填表人、联系电话取自村名单表头，或用下面的选项填写。
    县级汇总：INPUTS 只给各乡镇的汇总工作簿（unionxl merge 生成的）时，合并为县级汇总工作簿
    （各乡镇报送情况、各表注明乡镇和村、跨乡镇重复核查、分乡镇表），--villages 给乡镇名单；市级同理。
    退出码 / exit code: 0 正常; 1 有村的报表有错误或村名不在名单中; 2 有文件无法读取，或命令被拒绝。
    """
    with progress_bar("校验各村报表") as progress:
        merged = jobs.merge(list(inputs), output, villages, strict, mask, password, not no_summary,
                            summary_template, progress=progress, reporter=reporter(who))
    console = make_console()
    show_folders(console, merged.sub_folders)
    show_merge(console, merged)
    raise SystemExit(merged.exit_code)


@main.command()
@output_dir("unionxl-demo", "演示结果写到哪个文件夹 / output folder.")
@reporter_options
def demo(output_dir: Path, **who: object) -> None:
    """在自带的寨阳乡 13 个示例村报表上演示。Run the main job on the bundled examples.

    \b
    1. 生成村工会报表模板；
    2. 校验 13 个示例村报表，标注副本写到 输出文件夹/退回各村/；
    3. 按寨阳乡村名单合并为 输出文件夹/乡镇汇总.xlsx，并填好其中的“汇总”表。
    """
    with progress_bar("校验示例村报表") as progress:
        done = jobs.demo(output_dir, progress=progress, reporter=reporter(who))
    console = make_console()
    show_merge(console, done.merged)
    for report in done.merged.reports:
        if report.annotate_error is not None:
            show_copies(console, report)
    show_indicators(console, done.merged.values)
    show_seed(console, done.merged.values)
    show_outputs(console, done.outputs)
    raise SystemExit(done.exit_code)


@main.command("excel-workbook")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path(WORKBOOK_NAME),
              show_default=True, help="写到哪个文件（.xlsm）/ output workbook.")
def excel_workbook(output: Path) -> None:
    """生成带按钮的乡镇工会汇总工作簿（.xlsm）。Build the macro-enabled workbook with buttons.

    \b
    在 Excel（Windows 或 macOS）中打开，启用宏，在“操作”工作表填写村报表文件夹等，
    点击“校验”“合并”“生成汇总”按钮（通过 xlwings 调用 unionxl）。
    其中的 xlwings VBA 模块取自本机安装的 xlwings，两者版本一致。WPS 不支持，请用命令行。
    """
    show_outputs(make_console(), jobs.excel_workbook(output).outputs)


@main.command()
@click.argument("township", type=click.Path(path_type=Path))
@click.option("--template", "template_path", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="汇总模板（默认自带的乡镇汇总模板.xlsx）/ summary template.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="汇总表文件（默认：<乡镇汇总>_汇总表.xlsx）/ output workbook.")
@click.option("--pdf", is_flag=True, help="同时用 LibreOffice 导出 PDF / also export a PDF.")
@reporter_options
def summary(township: Path, template_path: Path | None, output: Path | None, pdf: bool, **who: object) -> None:
    """按汇总模板填写乡镇汇总表。Fill the township summary from a merged workbook.

    \b
    TOWNSHIP 是 unionxl merge 生成的乡镇汇总工作簿。模板中的指标单元格按“定义的名称”查找
    （会员总数、追回金额、分村表……），可自行调整格式和位置；模板里不认识的名称和缺少的
    指标会列出来。汇总表只含人数、件数和金额，不含村民的姓名、身份证号、电话。
    填报单位、单位负责人、填表人、联系电话默认沿用合并时的（取自村名单），给出的选项优先。
    """
    with progress_bar("生成汇总") as progress:
        done = jobs.summarise(township, output, template_path, pdf, progress=progress, reporter=reporter(who))
    console = make_console()
    show_indicators(console, done.values)
    show_messages(console, done.messages)
    show_outputs(console, done.outputs)
    if done.pdf_error:
        console.print(f"[red]{safe(done.pdf_error)}[/]")
    raise SystemExit(done.exit_code)


@main.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, show_default=True,
              help="端口（0：自动选一个空闲端口）/ port, 0 for a free one.")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器 / do not open the browser.")
def web(port: int, no_browser: bool) -> None:
    """在浏览器中使用（本机网页版，适合 WPS 和不用命令行的办公室）。Open the local web page.

    \b
    在本机 127.0.0.1 上启动网页，第一行显示带 token 的网址，并打开默认浏览器：
    收件（拖入各村报表或文件夹，或填写文件夹路径）、校验、合并、生成汇总，结果可直接下载。
    只能在本机访问；上传的文件和生成的结果在退出时删除（请先下载需要的结果）。按 Ctrl-C 结束。
    """
    from .web.server import serve  # Flask and waitress only when the page is wanted

    serve(port, browser=not no_browser)


@main.command("compare")
@click.argument("last", type=click.Path(path_type=Path))
@click.argument("this", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), default=Path("变动情况.xlsx"), show_default=True,
              help="变动情况工作簿 / workbook to write.")
@click.option("--aid-cap", "aid_caps", multiple=True, metavar="[类型=]金额",
              help="每人每年帮扶限额，如 生活救助=3000（可写多次）；只写金额为各类合计的限额 / yearly aid cap per person.")
def compare_command(last: Path, this: Path, output: Path, aid_caps: tuple[str, ...]) -> None:
    """与上期比较：新入会、会籍变动、信息变更、转村、未说明去向、重复帮扶、指标变化。Compare two periods.

    \b
    LAST、THIS 是上期和本期的乡镇汇总工作簿（unionxl merge 生成），或同一个村的两份报表。
    按身份证号比对（15 位号码升为 18 位），不按姓名；没有有效身份证号的行列入“无法比对”。
    变动情况.xlsx 每类一张表，含村名、姓名、身份证号；屏幕上只显示人数。
    退出码 / exit code: 0 正常; 1 有人未说明去向或帮扶超限额; 2 命令被拒绝。
    """
    with progress_bar("比较两期") as progress:
        compared = jobs.compare(last, this, output, list(aid_caps), progress=progress)
    show_compare(make_console(), compared)
    raise SystemExit(compared.exit_code)


@main.command("export")
@click.argument("form", required=False)
@click.argument("township", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="写到哪个文件（默认：<乡镇汇总>_<表式>.xlsx）/ output workbook.")
@click.option("--village", "villages", multiple=True,
              help="只导出这个村（社区）的会员，可多次给出（默认全部，含本级）/ only this village.")
@click.option("--list", "list_forms", is_flag=True, help="列出可用的表式 / list the forms.")
def export(form: str | None, township: Path | None, output: Path | None, villages: tuple[str, ...],
           list_forms: bool) -> None:
    """按上级系统的表式导出会员信息（如会员信息采集表）。Export the roster in an upstream form.

    \b
    FORM 是表式名称（unionxl export --list 列出自带的表式，如 会员信息采集表）或表式文件（.toml）的路径；
    TOWNSHIP 是 unionxl merge 生成的乡镇汇总工作簿（不加 --mask 的一份）。
    代码按表式换算（如 大学本科 → 本科，农业 → 农业户口）；缺少必填项、代码无法对应、身份证号重复的会员
    逐人列出，并写入输出文件的“缺项清单”工作表，请补齐后再上报。
    退出码 / exit code: 0 全部齐全; 1 有会员缺项; 2 命令被拒绝。
    """
    if list_forms or form is None:
        console = make_console()
        console.print("可用的表式：" + "、".join(jobs.forms()))
        if not list_forms:
            console.print("用法：unionxl export 表式 乡镇汇总.xlsx -o 输出.xlsx")
        raise SystemExit(0 if list_forms else 2)
    if township is None:
        raise click.UsageError("请给出乡镇汇总工作簿：unionxl export 表式 乡镇汇总.xlsx -o 输出.xlsx")
    with progress_bar("导出") as progress:
        done = jobs.export_form(form, township, output, villages, progress=progress)
    show_export(make_console(), done)
    raise SystemExit(done.exit_code)
