"""The Python behind the buttons of 乡镇工会汇总.xlsm, run by xlwings ``RunPython``.

Each button's macro is one line, e.g. ``RunPython "import unionxl.doors.excel as x; x.merge()"``.
:func:`validate`, :func:`merge`, :func:`summary` and :func:`open_issues` read their inputs
from defined names on the 操作 sheet (输入文件夹, 村名单, 期间开始, 期间结束, 输出文件,
退回文件夹), call the same library functions as the command line (scan, merge,
write_township, annotate, read_dataset, write_summary) and write back into the calling
workbook: one Chinese status line (状态), a few counts, and the 报送情况, 问题清单 and 汇总
sheets, copied (values and number formats) from the workbooks unionxl wrote, so they look
exactly like the CLI's. Whatever goes wrong ends as a status message in the workbook, never
as a traceback in a VBA pop-up.

Every string goes to Excel with a leading apostrophe. xlwings hands strings to Excel as if
typed, so ``=…`` would become a formula, ``001`` the number 1, an 18-digit ID number
4.33101E+17 and ``1/2`` a date; with the apostrophe Excel stores the rest as text, exactly,
and reads it back without the apostrophe.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from .. import bundled
from ..jobs.batch import annotation_targets
from ..schema.fields import Date
from ..checks.findings import ERROR, Invalid
from ..writing.readback import read_dataset
from ..merging.merge import MergeResult
from ..merging.merge import merge as merge_files
from ..reading.inbox import scan
from ..reading.reader import ReadError
from ..summary.fill import TemplateError, summary_output, write_summary
from ..writing.township import write_township
from ..reading.villages import VillageList, read_villages
from ..writing.outputs import OutputError, check_outputs, os_error
from ..writing.xlsxio import ILLEGAL, open_elsewhere

OPS = "操作"
STATUS_SHEET, ISSUES_SHEET, SUMMARY_SHEET = "报送情况", "问题清单", "汇总"
TOWNSHIP_NAME = "乡镇汇总.xlsx"


@dataclass(frozen=True)
class Cell:
    """A named cell on the 操作 sheet: its defined name, its label and a hint beside it."""

    name: str
    label: str
    hint: str = ""
    kind: str = "text"  # path | date | text | count | time


INPUTS = (
    Cell("输入文件夹", "村报表文件夹",
         "必填。存放各村报表（.xlsx/.xlsm/.xls/.ods）的文件夹，如 D:\\工会\\2024年\\收到的报表", "path"),
    Cell("村名单", "村名单", "可留空。村名单工作簿（村名、代码）：核对封面村名，列出未报送的村", "path"),
    Cell("期间开始", "统计期间开始", "可留空。填写后：汇总表按此期间；封面期间不同的村在状态中提示", "date"),
    Cell("期间结束", "统计期间结束", "可留空。同上", "date"),
    Cell("输出文件", "乡镇汇总文件", "可留空：写到村报表文件夹旁边的 乡镇汇总.xlsx", "path"),
    Cell("退回文件夹", "标注副本文件夹", "可留空。填写后，“校验”把标出问题的副本写到这里，退回各村修改", "path"),
)
RESULTS = (
    Cell("状态", "状态"),
    Cell("更新时间", "更新时间", kind="time"),
    Cell("文件数", "收到文件", kind="count"),
    Cell("应报村数", "应报村数", kind="count"),
    Cell("报送村数", "报送村数", kind="count"),
    Cell("错误条数", "错误（条）", kind="count"),
    Cell("警告条数", "警告（条）", kind="count"),
    Cell("无法读取", "无法读取的文件", kind="count"),
    Cell("会员总数", "会员总数", kind="count"),
    Cell("结果文件", "结果文件", kind="path"),
)
# name of each button's macro in macros/unionxl.bas -> (caption, what it does)
BUTTONS = {
    "UnionxlValidate": ("校验", "逐个检查村报表：结果写到“报送情况”“问题清单”；填了标注副本文件夹时写出退回各村的副本"),
    "UnionxlMerge": ("合并", "校验并合并各村报表，写出乡镇汇总文件（会员名册、帮扶台账、维权案件、问题清单）"),
    "UnionxlSummary": ("生成汇总", "按乡镇汇总文件填写汇总表（另存为 …_汇总表.xlsx），并显示在“汇总”工作表"),
    "UnionxlOpenIssues": ("打开问题清单", "转到“问题清单”工作表"),
}


class Problem(Exception):
    """Something the user can fix; the message (Chinese, one line) goes to the status cell."""


def caller():
    """The workbook whose button was pressed. Tests replace ``xlwings.Book.caller``."""
    import xlwings

    return xlwings.Book.caller()


# -- the buttons ---------------------------------------------------------------------------------


def validate() -> None:
    """校验: validate every file in the folder; 报送情况 and 问题清单; marked-up copies on request."""
    _run("校验", _validate)


def merge() -> None:
    """合并: validate and merge into the township workbook; 报送情况 and 问题清单."""
    _run("合并", _merge)


def summary() -> None:
    """生成汇总: fill the summary from the township workbook; the 汇总 sheet."""
    _run("生成汇总", _summary)


def open_issues() -> None:
    """打开问题清单: go to the 问题清单 sheet."""
    _run("打开问题清单", _open_issues, busy=False)


def _run(title: str, action: Callable[[Panel], str | None], busy: bool = True) -> None:
    panel = Panel(caller())
    try:
        if busy:
            panel.set("状态", f"正在{title}，请稍候……")
        message = action(panel)
    except (Problem, OutputError, TemplateError, ReadError) as exc:
        message = f"{title}未完成：{exc}"
    except OSError as exc:
        message = f"{title}未完成：{os_error(exc, doing='读写')}"
    except MemoryError:
        message = f"{title}未完成：内存不足。请把村报表分成几个文件夹分批处理。"
    except Exception as exc:  # the last resort: a message in the workbook, not a traceback
        message = f"{title}出错（{type(exc).__name__}）：{exc}。请检查输入，或用命令行 unionxl 重试。"
    if message is not None:
        panel.set("状态", message)
        panel.set("更新时间", dt.datetime.now().replace(microsecond=0))


# -- talking to the workbook ---------------------------------------------------------------------


def cell_value(value: Any) -> Any:
    """A Python value as xlwings should write it: strings as literal text, Decimal as float."""
    if isinstance(value, str):
        value = ILLEGAL.sub("", value)  # Excel refuses control characters in cells
        return f"'{value}" if value else None
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


class Panel:
    """The 操作 sheet's named cells and the result sheets of the calling book."""

    def __init__(self, book) -> None:
        self.book = book

    def range(self, name: str):
        try:
            return self.book.names[name].refers_to_range
        except Exception:
            raise Problem(f"本工作簿缺少名称“{name}”（“操作”工作表被改动过？），"
                          "请用 unionxl excel-workbook 重新生成。") from None

    def get(self, name: str) -> Any:
        return self.range(name).value

    def set(self, name: str, value: Any) -> None:
        self.range(name).value = cell_value(value)

    def sheet(self, name: str):
        try:
            return self.book.sheets[name]
        except Exception:
            raise Problem(f"本工作簿缺少“{name}”工作表，请用 unionxl excel-workbook 重新生成。") from None

    def text(self, name: str) -> str:
        value = self.get(name)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip().strip('"“”').strip()  # not NFKC: paths may hold full-width characters

    def path(self, cell: Cell) -> Path | None:
        """A path typed or pasted into a cell ("Copy as path" adds quotes); relative to this workbook."""
        text = self.text(cell.name)
        if not text:
            return None
        path = Path(text).expanduser()
        if not path.is_absolute():
            try:  # xlwings maps OneDrive/SharePoint names to local paths, and may fail to
                here = Path(str(self.book.fullname)).parent
            except Exception:
                here = Path()
            if not here.is_absolute():
                raise Problem(f"“{cell.label}”请填写完整路径，例如 D:\\工会\\收到的报表。")
            path = here / path
        return path

    def date(self, cell: Cell) -> dt.date | None:
        value = self.get(cell.name)
        if value is None or value == "":
            return None
        try:
            return Date(allow_future=True).convert(value)
        except Invalid:
            raise Problem(f"“{cell.label}”「{value}」不是日期，请按 2024-01-01 的格式填写。") from None

    def counts(self, **values: int) -> None:
        for name, value in values.items():
            self.set(name, value)


def copy_sheet(source: Path, name: str, sheet) -> None:
    """Replace ``sheet``'s contents by the values and number formats of sheet ``name`` of ``source``.

    One write for all values; then one number format per run of equal formats down a column.
    """
    wb = load_workbook(source, read_only=True)
    try:
        rows = [[(c.value, c.number_format) for c in row] for row in wb[name].iter_rows()]
    finally:
        wb.close()
    while rows and all(v is None for v, _ in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    sheet.clear()
    if rows and width:
        sheet.range("A1").value = [[cell_value(v) for v, _ in r] + [None] * (width - len(r)) for r in rows]
    for col in range(width):
        formats = [r[col][1] if col < len(r) and r[col][0] is not None else None for r in rows]
        start = 0
        for i in range(1, len(formats) + 1):
            if i == len(formats) or formats[i] != formats[start]:
                if formats[start] not in (None, "General"):
                    letter = get_column_letter(col + 1)
                    sheet.range(f"{letter}{start + 1}:{letter}{i}").number_format = formats[start]
                start = i


def _blank(sheet, note: str) -> None:
    sheet.clear()
    sheet.range("A1").value = cell_value(note)


# -- inputs --------------------------------------------------------------------------------------

FOLDER, VILLAGES, START, END, OUTPUT, BACK = INPUTS


def _folder(panel: Panel) -> Path:
    folder = panel.path(FOLDER)
    if folder is None:
        raise Problem("请先在“村报表文件夹”一格填写存放各村报表的文件夹。")
    if not folder.exists():
        raise Problem(f"找不到村报表文件夹：{folder}")
    if not folder.is_dir():
        raise Problem(f"“村报表文件夹”应是一个文件夹，现在填的是文件：{folder}")
    return folder


def _villages(panel: Panel) -> VillageList | None:
    path = panel.path(VILLAGES)
    if path is None:
        return None
    if not path.is_file():
        raise Problem(f"找不到村名单：{path}")
    try:
        return read_villages(path)
    except ReadError as exc:
        raise Problem(str(exc)) from None


def _output(panel: Panel, folder: Path | None) -> Path:
    out = panel.path(OUTPUT)
    if out is None:
        if folder is None:
            raise Problem("请填写“村报表文件夹”或“乡镇汇总文件”。")
        return folder.absolute().parent / TOWNSHIP_NAME
    if out.is_dir():
        out = out / TOWNSHIP_NAME
    if out.suffix.lower() in (".xls", ".xlsm", ".xlsb", ".ods", ".et"):
        out = out.with_suffix(".xlsx")  # the township workbook is always .xlsx (never this .xlsm)
    elif out.suffix.lower() != ".xlsx":
        out = out.with_name(out.name + ".xlsx")
    if folder is not None and out.resolve().parent == folder.resolve():
        raise Problem("乡镇汇总文件不能放在村报表文件夹里（下次会被当成村报表），请换一个位置。")
    return out


def _files(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    files, skipped = scan([folder])
    if not files:
        raise Problem(f"文件夹里没有村报表（含子文件夹，.xlsx/.xlsm/.xls/.ods/.et）：{folder}")
    return files, skipped


def _period(panel: Panel) -> tuple[dt.date | None, dt.date | None]:
    start, end = panel.date(START), panel.date(END)
    if start and end and end < start:
        raise Problem(f"统计期间结束 {end} 早于开始 {start}。")
    return start, end


# -- the actions ---------------------------------------------------------------------------------


def _checked(panel: Panel, folder: Path, back: Path | None = None) -> tuple[MergeResult, list[Path], tuple]:
    """Every file validated (as ``unionxl validate``; marked-up copies into ``back`` when given) and
    assigned to its village (as ``unionxl merge``)."""
    files, skipped = _files(folder)
    targets = annotation_targets(files, back) if back is not None else None
    if targets:
        check_outputs(targets.values(), files)  # before anything is read
    villages = _villages(panel)
    period = _period(panel)
    return merge_files(files, villages, skipped=skipped, annotate_to=targets), files, period


def _show(panel: Panel, result: MergeResult, township: Path, files: list[Path]) -> tuple[int, int]:
    """报送情况 and 问题清单 from a township workbook; the counts. Returns (errors, warnings)."""
    copy_sheet(township, STATUS_SHEET, panel.sheet(STATUS_SHEET))
    copy_sheet(township, ISSUES_SHEET, panel.sheet(ISSUES_SHEET))
    findings = [f for r in result.reports if r.readable for f in r.findings] + [f for _, _, f in result.cross]
    errors = sum(1 for f in findings if f.severity == ERROR)
    panel.counts(文件数=len(files), 应报村数=len(result.entries),
                 报送村数=sum(1 for e in result.entries if e.report is not None), 错误条数=errors,
                 警告条数=len(findings) - errors, 无法读取=len(result.unreadable))
    return errors, len(findings) - errors


def _tally(result: MergeResult, errors: int, warnings: int) -> str:
    sent = sum(1 for e in result.entries if e.report is not None)
    text = f"应报 {len(result.entries)} 个村，已报 {sent} 个"
    if sent < len(result.entries):
        text += f"，未报 {len(result.entries) - sent} 个"
    text += f"；错误 {errors} 条，警告 {warnings} 条"
    if result.unreadable:
        text += f"；{len(result.unreadable)} 个文件无法读取"
    if result.unknown:
        text += f"；{len(result.unknown)} 个文件的村名不在村名单中，未合并"
    return text


def _period_note(result: MergeResult, period: tuple) -> str:
    start, end = period
    if not (start or end):
        return ""
    off = [village for village, r in result.used
           if (start and r.cover.get("period_start") != start) or (end and r.cover.get("period_end") != end)]
    if not off:
        return ""
    more = "等" if len(off) > 5 else ""
    return f"注意：{len(off)} 个村封面上的统计期间与上面填写的不同（{'、'.join(off[:5])}{more}）。"


def _validate(panel: Panel) -> str:
    folder = _folder(panel)
    back = panel.path(BACK)
    if back is not None and back.exists() and not back.is_dir():
        raise Problem(f"“{BACK.label}”应是一个文件夹，现在填的是文件：{back}")
    result, files, period = _checked(panel, folder, back)
    with tempfile.TemporaryDirectory(prefix="unionxl-") as tmp:
        township, _ = write_township(result, Path(tmp) / TOWNSHIP_NAME)
        errors, warnings = _show(panel, result, township, files)
    message = f"校验完成：收到 {len(files)} 个文件，{_tally(result, errors, warnings)}。详见“报送情况”“问题清单”。"
    if back is not None:
        written = [r for r in result.reports if r.annotated is not None]
        failed = [r for r in result.reports if r.annotate_error is not None]
        message += f"标注副本 {len(written)} 个在：{back}。"
        if failed:
            message += f"{len(failed)} 个文件未能生成标注副本（{failed[0].path.name}：{failed[0].annotate_error}）。"
    return message + _period_note(result, period)


def _merge(panel: Panel) -> str:
    folder = _folder(panel)
    out = _output(panel, folder)
    if open_elsewhere(out):
        raise Problem(f"{out.name} 正在 Excel、WPS 或 LibreOffice 中打开，请先关闭再合并。")
    check_outputs([out], _files(folder)[0])
    result, files, period = _checked(panel, folder)
    township, _ = write_township(result, out, False, bundled.summary_template())
    errors, warnings = _show(panel, result, township, files)
    _blank(panel.sheet(SUMMARY_SHEET), "合并已更新：请点“操作”工作表上的“生成汇总”。")
    panel.set("会员总数", None)
    panel.set("结果文件", str(township))
    return (f"合并完成：{_tally(result, errors, warnings)}。乡镇汇总：{township}。下一步：点“生成汇总”。"
            + _period_note(result, period))


def _summary(panel: Panel) -> str:
    folder = panel.path(FOLDER)
    township = _output(panel, folder)
    if not township.is_file():
        raise Problem(f"还没有乡镇汇总文件 {township}，请先点“合并”。")
    out = summary_output(township)
    check_outputs([out], [township])
    ds = read_dataset(township)
    start, end = _period(panel)
    if start or end:
        ds.period = (start or ds.period[0], end or ds.period[1])
    if open_elsewhere(out):
        raise Problem(f"{out.name} 正在 Excel、WPS 或 LibreOffice 中打开，请先关闭。")
    path, filled = write_summary(ds, bundled.summary_template(), out)
    copy_sheet(path, SUMMARY_SHEET, panel.sheet(SUMMARY_SHEET))
    values = filled.values
    panel.counts(应报村数=values["应报村数"], 报送村数=values["报送村数"], 会员总数=values["会员总数"])
    panel.set("结果文件", str(path))
    notes = "".join(filled.messages())
    return (f"汇总完成：应报 {values['应报村数']} 个村，报送 {values['报送村数']} 个；会员 {values['会员总数']} 人，"
            f"帮扶 {values['帮扶人次']} 人次 {values['帮扶金额']:,.2f} 元，维权案件 {values['维权案件数']} 件。"
            f"汇总表：{path}。{notes}")


def _open_issues(panel: Panel) -> str | None:
    sheet = panel.sheet(ISSUES_SHEET)
    sheet.activate()
    if sheet.range("A1").value != "序号":  # the first header of the township workbook's 问题清单
        return "问题清单还是空的：请先点“校验”或“合并”。"
    if sheet.range("A2").value in (None, ""):
        return "问题清单中没有问题：各村报表未发现错误或警告。"
    return None
