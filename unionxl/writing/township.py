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
from ..schema.registers import Register
from ..summary.fill import FillReport, TemplateError, write_summary
from ..summary.indicators import from_merge
from .datapart import DATA_SHEET, data_sheet
from .masking import mask, masker
from .package import NewSheet, Package
from .sheetxml import Layout, SheetStream
from .styles import PLAIN, Style, Styles
from .xlsxio import atomic_write

STATUS_SHEET = "报送情况"
ISSUES_SHEET = "问题清单"
HEAD = Style(bold=True, fill="DDEBF7", border=True, wrap=True, center=True)
BAD, WARN = Style(fill="FFC7CE"), Style(fill="FFEB9C")
def _layout(name: str, titles: list[tuple[str, float]], freeze: tuple[int, int], autofilter: bool = True) -> Layout:
    """Column widths, frozen panes, A4 landscape printing with the header on every page, the footer."""
    return Layout([w for _, w in titles], freeze, autofilter, print_titles=True, footer=f"&C{name}  第 &P 页 / 共 &N 页")


def _header(styles: Styles, titles: list[tuple[str, float]]) -> tuple[list[str], list[str]]:
    return [t for t, _ in titles], [styles.attr(HEAD)] * len(titles)


def write_township(result: MergeResult, out: str | Path, masked: bool = False,
                   summary_template: str | Path | None = None,
                   password: str | None = None) -> tuple[Path, FillReport | None]:
    """The township workbook; with ``summary_template`` its filled sheets (汇总, 图表) come first.

    With ``password`` the file is encrypted: Excel and WPS ask for the password to open it.
    """
    filled: list[FillReport] = []

    def write(tmp: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="unionxl-") as folder:  # mode 0700: only this user
            base = None
            if summary_template is not None:
                base, report = write_summary(from_merge(result), summary_template, Path(folder) / "base.xlsx")
                filled.append(report)
            package = Package(base)
            sheets = [_status(package.styles, result, masked),
                      *(_register(package.styles, r, result, masked) for r in registers.REGISTERS),
                      _issues(package.styles, result, masked), data_sheet(result, masked)]
            own = {s.name.casefold() for s in sheets}
            clash = [n for n in package.sheet_names if n.casefold() in own]
            if clash:
                raise TemplateError(f"汇总模板的工作表名与汇总工作簿重名：{'、'.join(clash)}，请改名。")
            package.write(tmp, sheets, levels.kind(result.level), f"{levels.word(result.level)}工会汇总")

    with gc_paused():  # millions of strings, no cycles
        return atomic_write(out, write, password), (filled[0] if filled else None)


def _status(styles: Styles, result: MergeResult, masked: bool) -> NewSheet:
    titles = tables.status_columns(result.level)
    plain, bad, head, title = "", styles.attr(BAD), styles.attr(HEAD), styles.attr(Style(bold=True, size=12))
    flagged = [tables.status_flagged(e) for e in result.units]
    lines: list[tuple[list[Any], list[str]] | None] = [_header(styles, titles)]  # None: an empty line
    for i, values in enumerate(tables.status_rows(result)):
        if not values:
            lines.append(None)
        elif i < len(flagged):  # one row per expected village first
            attrs = [plain] * len(values)
            attrs[tables.STATUS_COLUMN] = bad if flagged[i] else plain
            lines.append((values, attrs))
        elif values == [tables.OTHERS_TITLE]:
            lines.append((values, [title]))
        elif values == list(tables.OTHERS_COLUMNS):
            lines.append((values, [head] * len(values)))
        else:
            lines.append((values, [plain] * len(values)))
    hide = masker(masked)

    def write(stream: SheetStream) -> None:
        for line in lines:
            if line is None:
                stream.skip()
            else:
                stream.row(hide(line[0]), line[1])

    name = levels.status_sheet(result.level)  # 报送情况; 各乡镇报送情况 in a county workbook
    return NewSheet(name, _layout(name, titles, (1, 0), autofilter=False), len(lines), len(titles), write)


def _problems(report: FileReport, register: Register) -> dict[int, dict[str, set[str]]]:
    """Row number -> severity -> field labels with findings, for one register of one file."""
    out: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    sheet = report.sheets.get(register.key)
    for f in report.findings:
        if f.sheet == sheet and f.cell:
            out[f.row or 0][f.severity].add(f.field or "")
    return out


def _register(styles: Styles, register: Register, result: MergeResult, masked: bool) -> NewSheet:
    fields = [f for f in register.fields if f.key != "seq"]
    places, through = levels.name_titles(result.level), levels.file_titles(result.level)  # 乡镇 … in a county's
    titles = [("序号", 7), *places, *((f.label, max(f.width, 2 * len(f.label) + 3)) for f in fields),
              ("问题", 24), ("来源文件", 28), ("来源位置", 16), *through]
    keys = [f.key for f in fields]
    at = {key: c for c, key in enumerate(keys, start=1 + len(places))}  # field key -> column in this sheet
    problem = -3 - len(through)  # the 问题 column
    # formats by field type (clean values always have their field's type); a problem cell is marked red
    formats = ["", *[""] * len(places), *(styles.attr(Style(f.type.number_format)) for f in fields), "", "", "",
               *[""] * len(through)]
    bad, warn = styles.attr(BAD), styles.attr(WARN)
    used = [(v, r) for v, r in result.used if r.rows.get(register.key)]
    hide = masker(masked)

    def write(stream: SheetStream) -> None:
        stream.row(*_header(styles, titles))
        n = 0
        for village, report in used:
            rows = report.rows[register.key]
            problems = _problems(report, register)
            sheet = report.sheets.get(register.key, register.sheet)
            source = report.path.name
            index = rows[0].index  # shared by the rows of a table; a field the sheet lacks picks the None at the end
            pick = operator.itemgetter(*(index.get(key, len(index)) for key in keys))
            names, files = levels.names(village, report), levels.files(village, report)
            for row in rows:
                n += 1
                values = [n, *names, *pick(row.cells + (None,)), None, source, f"{sheet}!A{row.number}", *files]
                attrs = formats
                found = problems.get(row.number)
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
    return NewSheet(register.sheet, _layout(register.sheet, titles, (1, 2)), count + 1, len(titles), write)


def _issues(styles: Styles, result: MergeResult, masked: bool) -> NewSheet:
    titles = tables.ISSUE_COLUMNS
    rows = tables.issue_rows(result)
    plain = [styles.attr(PLAIN)] * len(titles)
    at = tables.SEVERITY_COLUMN
    marked = {label: [*plain[:at], styles.attr(BAD if sev == ERROR else WARN), *plain[at + 1:]]
              for sev, label in tables.SEVERITY.items()}
    hide = masker(masked)

    def write(stream: SheetStream) -> None:
        stream.row(*_header(styles, titles))
        for values in rows:
            stream.row(hide(values), marked[values[at]])

    return NewSheet(ISSUES_SHEET, _layout(ISSUES_SHEET, titles, (1, 0)), len(rows) + 1, len(titles), write)


__all__ = ["DATA_SHEET", "ISSUES_SHEET", "STATUS_SHEET", "mask", "write_township"]
