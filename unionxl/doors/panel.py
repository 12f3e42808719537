"""The calling workbook of the Excel buttons: the 操作 sheet's named cells and the result sheets.

:data:`INPUTS`, :data:`RESULTS` and :data:`BUTTONS` describe the 操作 sheet (the builder,
:mod:`unionxl.doors.excelbook`, lays it out from them); :class:`Panel` reads and writes its cells
through xlwings; :func:`write_table` and :func:`copy_sheet` fill a result sheet.

Every string goes to Excel with a leading apostrophe. xlwings hands strings to Excel as if
typed, so ``=…`` would become a formula, ``001`` the number 1, an 18-digit ID number
4.33101E+17 and ``1/2`` a date; with the apostrophe Excel stores the rest as text, exactly,
and reads it back without the apostrophe.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..schema.fields import Date
from ..checks.findings import Invalid, column_letter
from ..writing.xlsxio import ILLEGAL

OPS = "操作"
STATUS_SHEET, ISSUES_SHEET, SUMMARY_SHEET = "报送情况", "问题清单", "汇总"


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


class Problem(UserError):
    """Something the user can fix in the calling workbook; the message goes to the status cell."""


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

    def counts(self, **values: int | None) -> None:
        for name, value in values.items():
            self.set(name, value)


Grid = list[list[tuple[Any, str | None]]]  # rows of (value, number format)


def _format(value: Any) -> str | None:
    """The number format a township sheet gives a value of this type."""
    if isinstance(value, Decimal):
        return "#,##0.00"
    if isinstance(value, dt.date):
        return "yyyy-mm-dd"
    return None


def write_table(sheet, header: list[str], rows: list[list[Any]]) -> None:
    """Replace ``sheet``'s contents by a header and rows of plain values (dates and money formatted)."""
    _write_grid(sheet, [[(v, _format(v)) for v in row] for row in [header, *rows]])


def copy_sheet(source: Path, name: str, sheet) -> None:
    """Replace ``sheet``'s contents by the values and number formats of sheet ``name`` of ``source``."""
    from openpyxl import load_workbook  # the buttons' import stays free of openpyxl (bench/peers.py)

    wb = load_workbook(source, read_only=True)
    try:
        grid = [[(c.value, c.number_format) for c in row] for row in wb[name].iter_rows()]
    finally:
        wb.close()
    _write_grid(sheet, grid)


def _write_grid(sheet, rows: Grid) -> None:
    """One write for all values; then one number format per run of equal formats down a column."""
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
                    letter = column_letter(col + 1)
                    sheet.range(f"{letter}{start + 1}:{letter}{i}").number_format = formats[start]
                start = i


def blank(sheet, note: str) -> None:
    sheet.clear()
    sheet.range("A1").value = cell_value(note)
