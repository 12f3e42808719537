"""Write the township workbook (乡镇汇总.xlsx) from a :class:`~unionxl.merging.merge.MergeResult`.

The workbook is a base — the filled summary (汇总, 图表) when there is a template — plus sheets
streamed in row by row (:mod:`.package`): 报送情况, the registers, 问题清单, and the merged data
for ``unionxl summary`` (:mod:`.datapart`, a very hidden sheet). Strings are always strings
(never formulas or links); the file is written atomically. Every register row carries its
village and its source: file name and sheet!cell.
"""

from __future__ import annotations

import operator
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..checks.findings import ERROR
from ..checks.validate import FileReport, shown
from ..merging import levels, tables
from ..merging.merge import MergeResult, gc_paused
from ..schema import registers
from ..schema.model import Field
from ..schema.registers import PERSON_NAME, Register
from ..summary.fill import FillReport, TemplateError, write_summary
from ..summary.indicators import from_merge
from .datapart import DATA_SHEET, data_sheet
from .masking import mask, masker
from . import printing
from .package import NewSheet, Package
from .parallel import Ahead
from .printing import LINE
from .sheetxml import Layout, SheetStream
from .styles import DATE_FORMAT, Style, Styles
from .xlsxio import atomic_write

STATUS_SHEET = "报送情况"
ISSUES_SHEET = "问题清单"
HEAD = Style(bold=True, fill="DDEBF7", border=True, wrap=True, center=True)
BAD, WARN = Style(fill="FFC7CE", border=True), Style(fill="FFEB9C", border=True)
CELL = Style(border=True)
WRAPPED = Style(border=True, wrap=True)  # long text in a column of its width, the row made tall enough
NARROW = 6  # the width of a column no row has a value in


def _layout(styles: Styles, name: str, titles: list[tuple[str, float]], rows: int, freeze: tuple[int, int],
            autofilter: bool = True, repeat: int = 0, head: float = LINE, printed: int = 0,
            compact: bool = False) -> Layout:
    """Column widths, frozen panes, A4 printing at a legible size (:func:`printing.plan`) with the header
    and the first ``repeat`` columns on every page, the sheet name and page number in the footer; only
    the first ``printed`` columns printed (0: all); ``compact``: cells without their (optional) reference."""
    widths = [w for _, w in titles]
    page = printing.plan(widths[:printed or None], rows, styles.font_size, head)
    return Layout(widths, freeze, autofilter, print_titles=True, footer=f"&C{name}  第 &P 页 / 共 &N 页",
                  fit_width=page.fit_width, scale=page.scale, title_columns=repeat if not page.fit_width else 0,
                  row_breaks=page.breaks, printed_columns=printed, compact=compact)


def _header(styles: Styles, titles: list[tuple[str, float]]) -> tuple[list[str], list[str], float]:
    """The header row: its titles, styles (wrapped) and height (every title wrapped in its width shown)."""
    return [t for t, _ in titles], [styles.attr(HEAD)] * len(titles), printing.row_height(titles)


def write_township(result: MergeResult, out: str | Path, masked: bool = False,
                   summary_template: str | Path | None = None,
                   password: str | None = None) -> tuple[Path, FillReport | None]:
    """The township workbook; with ``summary_template`` its filled sheets (汇总, 图表) come first.

    With ``password`` the file is encrypted: Excel and WPS ask for the password to open it.
    """
    filled: list[FillReport] = []

    def write(tmp: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="unionxl-") as folder:  # mode 0700: only this user
            data = data_sheet(result, masked)
            ahead = Ahead(data, Path(folder))  # a child makes the data part meanwhile
            try:
                base = None
                if summary_template is not None:
                    base, report = write_summary(from_merge(result), summary_template, Path(folder) / "base.xlsx")
                    filled.append(report)
                package = Package(base)
                sheets = [_status(package.styles, result, masked),
                          *(_register(package.styles, r, result, masked) for r in registers.REGISTERS),
                          _issues(package.styles, result, masked), data]
                own = {s.name.casefold() for s in sheets}
                clash = [n for n in package.sheet_names if n.casefold() in own]
                if clash:
                    raise TemplateError(f"汇总模板的工作表名与汇总工作簿重名：{'、'.join(clash)}，请改名。")
                package.write(tmp, sheets, levels.kind(result.level), f"{levels.word(result.level)}工会汇总",
                              started=(ahead,))
            finally:
                ahead.cancel()

    with gc_paused():  # millions of strings, no cycles
        return atomic_write(out, write, password), (filled[0] if filled else None)


def _status(styles: Styles, result: MergeResult, masked: bool) -> NewSheet:
    titles = tables.status_columns(result.level)
    wrapped = [c for c, (t, _) in enumerate(titles) if t in ("文件", "说明")]
    cell, bad, head = styles.attr(CELL), styles.attr(BAD), styles.attr(HEAD)
    title = styles.attr(Style(bold=True, size=12))
    plain = [cell] * len(titles)
    for c in wrapped:
        plain[c] = styles.attr(WRAPPED)
    for c, (t, _) in enumerate(titles):
        if t in ("填报日期", *tables.PERIOD_COLUMNS):
            plain[c] = styles.attr(Style(DATE_FORMAT, border=True))
    flagged = [tables.status_flagged(e) for e in result.units]
    lines: list[tuple[list[Any], list[str], float | None] | None] = [_header(styles, titles)]  # None: an empty line
    for i, values in enumerate(tables.status_rows(result)):
        if not values:
            lines.append(None)
            continue
        attrs = plain[:len(values)]
        if i < len(flagged):  # one row per expected village first
            attrs = plain.copy()
            attrs[tables.STATUS_COLUMN] = bad if flagged[i] else cell
        elif values == [tables.OTHERS_TITLE]:
            attrs = [title]
        elif values == list(tables.OTHERS_COLUMNS):
            attrs = [head] * len(values)
        lines.append((values, attrs, _height(values, titles, wrapped)))
    hide = masker(masked)

    def write(stream: SheetStream) -> None:
        for line in lines:
            if line is None:
                stream.skip()
            else:
                stream.row(hide(line[0]), line[1], line[2])

    name = levels.status_sheet(result.level)  # 报送情况; 各乡镇报送情况 in a county workbook
    layout = _layout(styles, name, titles, len(lines), (1, 0), autofilter=False, repeat=2, head=lines[0][2])
    return NewSheet(name, layout, len(lines), len(titles), write)


def _height(values: list[Any], titles: list[tuple[str, float]], wrapped: list[int]) -> float | None:
    """The height of a row whose ``wrapped`` columns need more than one line; None when one line does."""
    texts = [(str(values[c]), titles[c][1]) for c in wrapped if c < len(values) and values[c] not in (None, "")]
    height = printing.row_height(texts)
    return height if height > LINE else None


def _problems(report: FileReport, register: Register) -> dict[int, dict[str, set[str]]]:
    """Row number -> severity -> field labels with findings, for one register of one file."""
    out: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    sheet = report.sheets.get(register.key)
    for f in report.findings:
        if f.sheet == sheet and f.cell:
            out[f.row or 0][f.severity].add(f.field or "")
    return out


def _identifying(register: Register) -> list[Field]:
    """The fields that say whom a row is about, repeated on every page across: the person's name, or
    (a register about no person) its first field after 序号."""
    fields = [f for f in register.fields if f.key != "seq"]
    return [register.by_role(PERSON_NAME) or fields[0]] if fields else []


def _filled(register: Register, used: list[tuple[str, FileReport]], keys: list[str]) -> set[str]:
    """The field keys some row has a value in, clean or as typed (the others print narrow)."""
    found: set[str] = set()
    for _, report in used:
        rows = report.rows[register.key]
        index = rows[0].index
        typed = [r.invalid for r in rows if r.invalid]
        for key in keys:
            if key not in found and key in index:
                i = index[key]
                if any(r.cells[i] is not None for r in rows) or any(key in t for t in typed):
                    found.add(key)
        if len(found) == len(keys):
            break
    return found


def _register(styles: Styles, register: Register, result: MergeResult, masked: bool) -> NewSheet:
    first = _identifying(register)
    fields = [*first, *(f for f in register.fields if f.key != "seq" and f not in first)]
    keys = [f.key for f in fields]
    used = [(v, r) for v, r in result.used if r.rows.get(register.key)]
    filled = _filled(register, used, keys)
    problems = {id(r): _problems(r, register) for _, r in used}
    places, through = levels.name_titles(result.level), levels.file_titles(result.level)  # 乡镇 … in a county's
    titles = [("序号", 6), *places,
              *((f.label, f.width if f.key in filled else min(f.width, NARROW)) for f in fields),
              ("问题", 24 if any(problems.values()) else NARROW), ("来源文件", 22), ("来源位置", 13), *through]
    at = {key: c for c, key in enumerate(keys, start=1 + len(places))}  # field key -> column in this sheet
    problem = -3 - len(through)  # the 问题 column
    # formats by field type (clean values always have their field's type); a problem cell is marked red
    cell = styles.attr(CELL)
    formats = [cell, *[cell] * len(places), *(styles.attr(Style(f.type.number_format, border=True)) for f in fields),
               cell, cell, cell, *[cell] * len(through)]
    bad, warn = styles.attr(BAD), styles.attr(WARN)
    hide = masker(masked)
    header = _header(styles, titles)

    def write(stream: SheetStream) -> None:
        stream.row(*header)
        n = 0
        for village, report in used:
            rows = report.rows[register.key]
            if stream.elsewhere(len(rows)):  # made by the other process (:class:`.parallel.Ahead`)
                stream.skip(len(rows))
                n += len(rows)
                continue
            found_in = problems[id(report)]
            sheet = report.sheets.get(register.key, register.sheet)
            source = report.path.name
            index = rows[0].index  # shared by the rows of a table; a field the sheet lacks picks the None at the end
            pick = operator.itemgetter(*(index.get(key, len(index)) for key in keys))
            names, files = levels.names(village, report), levels.files(village, report)
            for row in rows:
                n += 1
                values = [n, *names, *pick(row.cells + (None,)), None, source, f"{sheet}!A{row.number}", *files]
                attrs = formats
                found = found_in.get(row.number)
                if row.invalid or found:
                    attrs = formats.copy()
                    for key, raw in row.invalid.items():  # keep what the village typed, marked: nothing is lost
                        if key in at:
                            values[at[key]], attrs[at[key]] = str(shown(raw)), bad
                    if found:
                        values[problem] = "；".join(f"{'错误' if sev == ERROR else '警告'}：{'、'.join(sorted(labels))}"
                                                    for sev, labels in sorted(found.items()))
                        attrs[problem] = bad if ERROR in found else warn
                stream.row(hide(values), attrs)

    count = sum(len(r.rows[register.key]) for _, r in used)
    ids = 1 + len(places) + len(first)  # 序号, the places, the name: on every page across
    layout = _layout(styles, register.sheet, titles, count, (1, ids), repeat=ids, head=header[2],
                     compact=True)  # a tenth less XML to make and deflate; every cell is written (all styled)
    return NewSheet(register.sheet, layout, count + 1, len(titles), write, split=True)


PRINTED_WIDTHS = {"文件": 20, "填写内容": 16, "问题说明": 44}  # wrapped: 问题清单 fits one page wide at 8 pt


def _issues(styles: Styles, result: MergeResult, masked: bool) -> NewSheet:
    titles = [(t, PRINTED_WIDTHS.get(t, w)) for t, w in tables.ISSUE_COLUMNS]
    rows = tables.issue_rows(result)
    wrapped = [c for c, (t, _) in enumerate(titles) if t in ("文件", "填写内容", "问题说明")]
    plain = [styles.attr(CELL)] * len(titles)
    for c in wrapped:
        plain[c] = styles.attr(WRAPPED)
    at = tables.SEVERITY_COLUMN
    marked = {label: [*plain[:at], styles.attr(BAD if sev == ERROR else WARN), *plain[at + 1:]]
              for sev, label in tables.SEVERITY.items()}
    hide = masker(masked)
    header = _header(styles, titles)

    def write(stream: SheetStream) -> None:
        stream.row(*header)
        for values in rows:
            stream.row(hide(values), marked[values[at]], _height(values, titles, wrapped))

    layout = _layout(styles, ISSUES_SHEET, titles, len(rows), (1, 0), repeat=2, head=header[2],
                     printed=len(titles) - 1)  # the code (last) is for machines: not printed
    return NewSheet(ISSUES_SHEET, layout, len(rows) + 1, len(titles), write)


__all__ = ["DATA_SHEET", "ISSUES_SHEET", "STATUS_SHEET", "mask", "write_township"]
