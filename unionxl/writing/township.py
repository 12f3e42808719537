"""Write the township workbook (乡镇汇总.xlsx) from a :class:`~unionxl.merging.merge.MergeResult`.

Written with XlsxWriter in constant-memory mode (rows stream to disk), strings always as
strings (never formulas or links), atomically. Sheets: 报送情况, 会员名册, 帮扶台账, 维权案件,
问题清单. Every register row carries its village and its source: file name and sheet!cell.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from . import marks
from ..checks.rows import split_cell
from ..schema.fields import Date, IdNumber, Money, Phone
from ..checks.findings import ERROR
from ..merging.merge import MergeResult, gc_paused, unknown_reason
from ..summary.indicators import PERIOD_COLUMNS, from_merge
from ..schema.registers import REGISTERS, Register
from ..summary.redraw import FillReport, render_summary
from ..checks.validate import FileReport, shown
from .xlsxio import RowStream, atomic_write, fast_zip, write_cell

STATUS_SHEET = "报送情况"
ISSUES_SHEET = "问题清单"
OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
    "default_date_format": "yyyy-mm-dd",
}
# A run of 10 or more digits, spaces or dashes allowed between them, an X at the end: ID numbers and phones
# as typed, valid or not (17 or 19 digits, 「ID」 in front, 4331 0119…, 138-0000-0000, a 10-digit phone).
_DIGITS = re.compile(r"(?<!\d)\d(?:[ \-\u3000]?\d){9,}(?:[ \-\u3000]?[Xx])?(?![\dXx])")


def _masked(match: re.Match[str]) -> str:
    digits = re.sub(r"[ \-\u3000]", "", match[0])
    head, tail = (4, 3 if len(digits) == 15 else 4) if len(digits) >= 15 else (3, 4)
    return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]


def mask(text: str) -> str:
    """4331**********123X for ID numbers, 138****0000 for mobiles: any run of 10 or more digits."""
    return _DIGITS.sub(_masked, text)


class _Writer:
    def __init__(self, book: xlsxwriter.Workbook, masked: bool) -> None:
        self.book = book
        self.masked = masked
        self.head = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                     "align": "center", "valign": "vcenter"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.text = book.add_format({"num_format": "@"})
        self.bad = book.add_format({"bg_color": "#FFC7CE"})
        self.warn = book.add_format({"bg_color": "#FFEB9C"})
        self.title = book.add_format({"bold": True, "font_size": 12})

    def cell(self, ws, row: int, col: int, value: Any, fmt=None) -> None:
        """Money and dates get their formats; with ``masked`` ID and phone numbers in text are masked."""
        if fmt is None and isinstance(value, Decimal):
            fmt = self.money
        elif fmt is None and isinstance(value, dt.date):
            fmt = self.date
        elif self.masked and isinstance(value, str):
            value = mask(value)
        write_cell(ws, row, col, value, fmt)

    def header(self, ws, row: int, titles: list[tuple[str, float]]) -> None:
        """Header row, column widths, and A4 landscape printing with the header on every page."""
        for col, (title, width) in enumerate(titles):
            ws.write_string(row, col, title, self.head)
            ws.set_column(col, col, width)
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(row)
        ws.set_footer(f"&C{ws.name}  第 &P 页 / 共 &N 页")


OWN_SHEETS = (STATUS_SHEET, *(r.sheet for r in REGISTERS), ISSUES_SHEET)


def write_township(result: MergeResult, out: str | Path, masked: bool = False,
                   summary_template: str | Path | None = None,
                   password: str | None = None) -> tuple[Path, FillReport | None]:
    """The township workbook; with ``summary_template`` its filled sheets (汇总, 图表) come first.

    With ``password`` the file is encrypted: Excel and WPS ask for the password to open it.
    """
    filled: list[FillReport] = []

    def write(tmp: Path) -> None:
        book = xlsxwriter.Workbook(str(tmp), OPTIONS)
        if summary_template is not None:
            filled.append(render_summary(book, summary_template, from_merge(result), reserved=OWN_SHEETS))
        w = _Writer(book, masked)
        _status(w, result)
        for register in REGISTERS:
            _register(w, register, result)
        _issues(w, result)
        book.set_properties({"title": "乡镇工会汇总", "creator": "unionxl"})
        marks.mark_xlsxwriter(book, marks.TOWNSHIP)
        with fast_zip():  # the register sheets are large: zlib level 1 halves the time of close()
            book.close()

    with gc_paused():  # millions of strings, no cycles
        return atomic_write(out, write, password), (filled[0] if filled else None)


def _status(w: _Writer, result: MergeResult) -> None:
    ws = w.book.add_worksheet(STATUS_SHEET)
    titles = [("序号", 6), ("村（社区）名称", 14), ("代码", 14), ("报送情况", 16), ("文件", 30), ("填报人", 10),
              ("填报日期", 12), *((p, 12) for p in PERIOD_COLUMNS), *((r.sheet, 10) for r in REGISTERS),
              ("错误", 7), ("警告", 7), ("说明", 50)]
    w.header(ws, 0, titles)
    ws.freeze_panes(1, 0)
    row = 0
    for i, e in enumerate(result.entries, start=1):
        row += 1
        r = e.report
        notes = [f"另有较早的一份未采用：{s.path.name}" for s in e.superseded]
        if e.excluded:
            notes.insert(0, "有错误，按 --strict 未合并，请村里改正后重报")
        values = [i, e.village.name, e.village.code or (r.cover.get("village_code") if r else ""), e.status]
        if r is not None:
            values += [r.path.name, r.cover.get("preparer"), r.cover.get("fill_date"), r.cover.get("period_start"),
                       r.cover.get("period_end"), *(len(r.rows.get(reg.key, ())) for reg in REGISTERS), r.errors,
                       r.warnings]
        else:
            values += [None] * (7 + len(REGISTERS))
        values.append("；".join(notes))
        for col, value in enumerate(values):
            fmt = (w.bad if r is None or e.excluded or r.errors else None) if col == 3 else None
            w.cell(ws, row, col, value, fmt)
    others = [(r.path.name, r.village, "另一份较早的报表，未采用") for e in result.entries for r in e.superseded]
    others += [(r.path.name, r.village, unknown_reason(r)) for r in result.unknown]
    others += [(r.path.name, None, f"无法读取：{r.error}") for r in result.unreadable]
    others += [(p.name, None, reason) for p, reason in result.skipped]
    if others:
        row += 2
        ws.write_string(row, 0, "其他文件", w.title)
        row += 1
        for col, title in enumerate(("序号", "文件", "封面村名", "情况")):
            ws.write_string(row, col, title, w.head)
        for i, (name, village, reason) in enumerate(others, start=1):
            row += 1
            for col, value in enumerate((i, name, village, reason)):
                w.cell(ws, row, col, value)
    row += 2
    submitted = sum(1 for e in result.entries if e.report is not None)
    ws.write_string(row, 0, f"应报 {len(result.entries)} 个村，已报 {submitted} 个，未报 {len(result.entries) - submitted} 个。")


def _problems(report: FileReport, register: Register) -> dict[int, dict[str, set[str]]]:
    """Row number -> severity -> field labels with findings, for one register of one file."""
    out: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    sheet = report.sheets.get(register.key)
    for f in report.findings:
        if f.sheet == sheet and f.cell:
            out[split_cell(f.cell)[0]][f.severity].add(f.field or "")
    return out


def _register(w: _Writer, register: Register, result: MergeResult) -> None:
    ws = w.book.add_worksheet(register.sheet)
    fields = [f for f in register.fields if f.key != "seq"]
    titles = [("序号", 7), ("村（社区）名称", 12), *((f.label, max(f.width, 2 * len(f.label) + 3)) for f in fields),
              ("问题", 24), ("来源文件", 28), ("来源位置", 16)]
    w.header(ws, 0, titles)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, 0, len(titles) - 1)
    keys = [f.key for f in fields]
    at = {key: c for c, key in enumerate(keys, start=2)}  # field key -> column in this sheet
    # formats by field type (clean values always have their field's type); a problem cell is marked red
    formats = [None, None, *(w.text if isinstance(f.type, (IdNumber, Phone)) else w.money if isinstance(f.type, Money)
                             else w.date if isinstance(f.type, Date) else None for f in fields), None, None, None]
    stream = RowStream(ws, len(titles))
    n = 0
    for village, report in result.used:
        rows = report.rows.get(register.key)
        if not rows:
            continue
        problems = _problems(report, register)
        sheet = report.sheets.get(register.key, register.sheet)
        source = report.path.name
        index = rows[0].index  # shared by the rows of a table; a field the sheet lacks picks the None at the end
        pick = operator.itemgetter(*(index.get(key, len(index)) for key in keys))
        for row in rows:
            n += 1
            values = [n, village, *pick(row.cells + (None,)), None, source, f"{sheet}!A{row.number}"]
            fmts = formats
            found = problems.get(row.number)
            if row.invalid or found:
                fmts = formats.copy()
                for key, raw in row.invalid.items():  # keep what the village typed, marked: nothing is lost
                    if key in at:
                        values[at[key]], fmts[at[key]] = str(shown(raw)), w.bad
                if found:
                    values[-3] = "；".join(f"{'错误' if sev == ERROR else '警告'}：{'、'.join(sorted(labels))}"
                                           for sev, labels in sorted(found.items()))
                    fmts[-3] = w.bad if ERROR in found else w.warn
            if w.masked:
                values = [mask(v) if isinstance(v, str) else v for v in values]
            stream.write(n, values, fmts)


def _issues(w: _Writer, result: MergeResult) -> None:
    ws = w.book.add_worksheet(ISSUES_SHEET)
    titles = [("序号", 6), ("村（社区）名称", 12), ("文件", 28), ("工作表", 10), ("单元格", 8), ("字段", 12),
              ("填写内容", 22), ("级别", 6), ("问题说明", 60), ("代码", 22)]
    w.header(ws, 0, titles)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, 0, len(titles) - 1)
    located = [(r.village or "", r, f) for r in result.reports if r.readable for f in r.findings]
    located += result.cross
    for i, (village, report, f) in enumerate(located, start=1):
        values = (i, village, report.path.name, f.sheet, f.cell, f.field,
                  None if f.value is None else str(f.value), "错误" if f.severity == ERROR else "警告", f.message, f.code)
        for col, value in enumerate(values):
            w.cell(ws, i, col, value, (w.bad if f.severity == ERROR else w.warn) if col == 7 else None)
