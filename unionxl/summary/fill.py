"""Fill a summary template in place: indicators into the cells its defined names point at.

The template is loaded with openpyxl and filled where it stands, so all it holds is kept: styles
and theme colours, merged cells, widths and heights, print set-up, conditional formats, data
validations, images, formulas and its other sheets. A scalar indicator goes into the cell its
name points at (the cell keeps its look and gets the indicator's number format). A table is
written from its named anchor: the header row, the data rows, the 合计 row. Its room is the rows
below the anchor down to the first row that holds something in its columns (a value, a merged
cell, another named cell); a table that needs more rows gets rows inserted there
(:func:`~unionxl.summary.grow.insert_rows`), so the lines below it move down intact, and one that
needs fewer leaves the rest blank. Tables side by side are grown one after the other before any
is written: rows inserted for one are blank in the other's columns and only add to its room.
Charts (openpyxl charts) are drawn at their named anchors.
"""

from __future__ import annotations

import re
import warnings
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.descriptors import Typed
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.data_source import AxDataSource, NumData, NumFmt, NumVal, StrData, StrRef, StrVal
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import SeriesLabel
from openpyxl.styles import Border, Font, Side
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..errors import UserError
from ..merging import levels
from ..writing import marks
from ..writing.xlsxio import atomic_save, set_value
from .grow import insert_rows
from .indicators import SCALARS, TABLES, Dataset, TableSpec, compute, headers
from .template import CHARTS, FORMATS

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)  # table cells the template left unstyled
# table -> chart type, series name, value column (from the table's first), title, unit of the value axis
CHART_SPECS = {"分村表": ("col", "会员数", 2, "各村会员数", "人"),
               "帮扶类型表": ("bar", "帮扶金额（元）", 3, "帮扶金额（按帮扶类型）", "元")}
# what openpyxl's warnings on loading say it drops -> the Chinese words for it
DROPPED = (("DrawingML", "形状、文本框等图形"), ("Data Validation extension", "部分数据验证（Excel 扩展格式）"),
           ("Conditional Formatting extension", "部分条件格式（Excel 扩展格式）"), ("image", "一些无法读取的图片"),
           ("extension is not supported", "一些 Excel 扩展内容（如迷你图、切片器）"))


_CORNER = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d+)")


class _Labels(DataLabelList):
    """Data labels with their own number format: openpyxl writes ``<numFmt>`` without ``sourceLinked="0"``,
    and LibreOffice then takes the cells' format (and prints 0.00 for an empty category)."""

    numFmt = Typed(expected_type=NumFmt, allow_none=True)
    __elements__ = DataLabelList.__elements__
    __nested__ = tuple(n for n in DataLabelList.__nested__ if n != "numFmt")


class TemplateError(UserError):
    """A summary template unionxl cannot fill; the message is one Chinese line."""


@dataclass
class FillReport:
    unknown_names: list[str] = field(default_factory=list)  # names in the template that are no indicator
    missing: list[str] = field(default_factory=list)  # indicators the template has no name for
    sheets: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)  # the scalar indicators written
    dropped: list[str] = field(default_factory=list)  # what of the template openpyxl could not keep (Chinese)
    notes: list[str] = field(default_factory=list)  # lines about the data (Dataset.notes)

    def messages(self) -> list[str]:
        """What the template lacked, held unknown or lost (「汇总模板：…」), then the notes on the data."""
        out = [f"模板中的名称「{n}」不是已知指标，已忽略。" for n in self.unknown_names]
        if self.missing:
            out.append(f"模板缺少这些指标的名称，未填写：{'、'.join(self.missing)}。")
        return [f"汇总模板：{m}" for m in out] + self.dropped + [f"注意：{n}" for n in self.notes]


def _load(template: str | Path) -> tuple[Workbook, list[str]]:
    """The template, and what openpyxl said it dropped while reading it (Chinese lines)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            wb = load_workbook(template, rich_text=True)
        except Exception as exc:
            raise TemplateError(f"汇总模板 {Path(template).name} 无法打开（{type(exc).__name__}）。") from None
    lost = dict.fromkeys(what for w in caught for key, what in DROPPED if key in str(w.message))
    return wb, [f"汇总模板中的{what}无法保留，汇总表里没有它们。" for what in lost]


def _destinations(wb: Workbook) -> dict[str, tuple[str, int, int]]:
    """Defined name -> (sheet, row, column), 1-based, for the names that point at one cell or range
    (of a range, its top-left cell); a workbook's name before a sheet's name of the same spelling."""
    out = {}
    scoped = [dn for ws in reversed(wb.worksheets) for dn in ws.defined_names.values()]
    for dn in (*scoped, *wb.defined_names.values()):
        name = dn.name
        try:
            (sheet, ref), = dn.destinations
            letters, digits = _CORNER.match(ref).groups()
            if isinstance(wb[sheet], Worksheet):
                out[name] = (sheet, int(digits), column_index_from_string(letters))
        except Exception:  # a constant or formula, several areas, an unknown sheet, a column past XFD
            continue
    return out


def fill(template: str | Path, ds: Dataset, reserved: tuple[str, ...] = ()) -> tuple[Workbook, FillReport]:
    """The template filled from ``ds``, in memory (sheet names in ``reserved`` are taken)."""
    wb, dropped = _load(template)
    clash = [n for n in wb.sheetnames if n in reserved]
    if clash:
        raise TemplateError(f"汇总模板的工作表名与汇总工作簿重名：{'、'.join(clash)}，请改名。")
    names = _destinations(wb)
    known = {i.name for i in SCALARS} | {t.name for t in TABLES} | set(CHARTS)
    if not set(names) & known:
        raise TemplateError(f"汇总模板 {Path(template).name} 里没有任何指标的“定义的名称”（如 会员总数、分村表），"
                            "不像汇总模板；请在 unionxl template 写出的 乡镇汇总模板.xlsx 上修改。")
    scalars, tables = compute(ds)
    report = FillReport(sorted(set(names) - known), [n for n in (*scalars, *tables) if n not in names],
                        list(wb.sheetnames), scalars, dropped, list(ds.notes))
    wb.template = False  # an .xltx template still gives an ordinary workbook
    for spec in TABLES:
        _make_room(wb, spec, len(tables[spec.name]))
    names = _destinations(wb)  # moved by the rows inserted
    kinds = {i.name: i.kind for i in SCALARS}
    for name, value in scalars.items():
        if name in names:
            sheet, row, col = names[name]
            set_value(_target(wb[sheet], row, col, corner=True), value, FORMATS[kinds[name]])
    for spec in TABLES:
        if spec.name in names:
            sheet, row, col = names[spec.name]
            _table(wb[sheet], row, col, spec, tables[spec.name], headers(spec, ds))
    for anchor, table in CHARTS.items():
        if anchor in names and table in names:
            _chart(wb, names[anchor], names[table], table, tables[table][:-1], ds.level)
    return wb, report


def _make_room(wb: Workbook, spec: TableSpec, rows: int) -> None:
    """Insert rows below the table's anchor when its room is less than ``rows`` (data and 合计)."""
    names = _destinations(wb)
    if spec.name not in names:
        return
    sheet, row, first = names[spec.name]
    ws = wb[sheet]
    stop = _stop(ws, row, first, first + len(spec.columns) - 1, names)
    room = None if stop is None else stop - row - 1
    if room is not None and room < rows:
        insert_rows(ws, stop, rows - room)


def _stop(ws: Worksheet, row: int, first: int, last: int, names: dict[str, tuple[str, int, int]]) -> int | None:
    """The first row below ``row`` with something in columns ``first``..``last``: a value, a merged
    range, a cell another defined name points at (None when there is nothing below)."""
    rows = [max(m.min_row, row + 1) for m in ws.merged_cells.ranges
            if m.max_row > row and m.min_col <= last and m.max_col >= first]
    rows += [r for s, r, c in names.values() if s == ws.title and r > row and first <= c <= last]
    for r, values in enumerate(ws.iter_rows(min_row=row + 1, max_row=min(rows, default=ws.max_row),
                                            min_col=first, max_col=last, values_only=True), start=row + 1):
        if any(v is not None for v in values):
            rows.append(r)
            break
    return min(rows, default=None)


def _target(ws: Worksheet, row: int, col: int, corner: bool):
    """The cell to write at (row, col). Inside a merged range: its top-left cell with ``corner``
    (a named cell), else the range is unmerged first (a table cell: nothing written is hidden)."""
    cell = ws.cell(row, col)
    if not isinstance(cell, MergedCell):
        return cell
    merged = next(m for m in ws.merged_cells.ranges
                  if m.min_row <= row <= m.max_row and m.min_col <= col <= m.max_col)
    if corner:
        return ws.cell(merged.min_row, merged.min_col)
    ws.unmerge_cells(merged.coord)
    return ws.cell(row, col)


def _table(ws: Worksheet, row: int, col: int, spec: TableSpec, rows: list[list[Any]], titles: list[str]) -> None:
    """Header (the template's own text where it has one, unless it is the default of another level: 村（社区）
    in a county's per-unit table), data rows, 合计 row in bold."""
    for j, ((default, _), title) in enumerate(zip(spec.columns, titles)):
        cell = ws.cell(row, col + j)
        if not isinstance(cell, MergedCell) and (cell.value is None or (cell.value == default != title)):
            if not cell.has_style:
                cell.font, cell.border = Font(bold=True), BOX
            set_value(cell, title)
    styled: dict[tuple[tuple[int, ...], bool], Any] = {}  # a cell's style before -> after, made once
    for i, values in enumerate(rows, start=1):
        for j, ((_, kind), value) in enumerate(zip(spec.columns, values)):
            cell = _target(ws, row + i, col + j, corner=False)
            _style(cell, i == len(rows), styled)
            set_value(cell, value, FORMATS[kind])


def _style(cell: Cell, bold: bool, styled: dict[tuple[tuple[int, ...], bool], Any]) -> None:
    """A thin box where the template gave the cell no style, bold in the 合计 row. Each style the table's
    cells start from is worked out once and copied (openpyxl's ``_style``: the indices into the
    workbook's styles): setting a Border or Font through openpyxl hashes and compares it with every
    style of the workbook, some 0.2 ms a cell, 0.5 s for a table of 200 villages."""
    key = (tuple(cell._style or ()), bold)  # a new cell has no style array yet
    done = styled.get(key)
    if done is not None:
        cell._style = copy(done)
        return
    if not cell.has_style:
        cell.border = BOX
    if bold:
        font = copy(cell.font)
        font.b = True
        cell.font = font
    styled[key] = copy(cell._style)


def _chart(wb: Workbook, at: tuple[str, int, int], table_at: tuple[str, int, int], table: str,
           rows: list[list[Any]], level: int = 1) -> None:
    """A bar chart of one column of ``table`` (its data ``rows``, not 合计) at the cell ``at``. The series
    carry their values as a cache (phone and chat-app previews show a chart without recalculating)
    and the labels show no 0 (an empty category has no label)."""
    if not rows or table not in CHART_SPECS:
        return
    kind, series, offset, title, unit = CHART_SPECS[table]
    if level > 1:  # a county's per-township table: 各乡镇会员数
        title = title.replace("各村", f"各{levels.unit_title(level)}")
    sheet, row, col = table_at
    data = wb[sheet]
    chart = BarChart()
    chart.type, chart.title, chart.legend = kind, title, None
    chart.add_data(Reference(data, min_col=col + offset, min_row=row + 1, max_row=row + len(rows)))
    chart.set_categories(Reference(data, min_col=col, min_row=row + 1, max_row=row + len(rows)))
    bars = chart.series[0]
    bars.tx = SeriesLabel(v=series)
    values = [float(r[offset] or 0) for r in rows]
    bars.val.numRef.numCache = NumData(pt=[NumVal(idx=i, v=v) for i, v in enumerate(values)], ptCount=len(values))
    names = [str(r[0]) for r in rows]
    bars.cat = AxDataSource(strRef=StrRef(f=bars.cat.numRef.f, strCache=StrData(
        ptCount=len(names), pt=[StrVal(idx=i, v=v) for i, v in enumerate(names)])))
    fmt = FORMATS["money" if unit == "元" else "count"]
    chart.dataLabels = _Labels(numFmt=NumFmt(formatCode=f"{fmt};-{fmt};;", sourceLinked=False), showVal=True,
                               showSerName=False, showCatName=False, showLegendKey=False, showPercent=False)
    chart.y_axis.title = unit  # the value axis, also when the bars lie
    chart.y_axis.numFmt = NumFmt(formatCode=FORMATS["count"], sourceLinked=False)  # whole yuan on the axis
    chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides axes unless told
    chart.width, chart.height = 16, 8.5  # cm
    wb[at[0]].add_chart(chart, f"{get_column_letter(at[2])}{at[1]}")


def summary_output(township: Path) -> Path:
    """Where the summary of a township workbook goes by default: 乡镇汇总.xlsx -> 乡镇汇总_汇总表.xlsx."""
    return township.with_name(f"{township.stem}_汇总表.xlsx")


def write_summary(ds: Dataset, template: str | Path, out: str | Path) -> tuple[Path, FillReport]:
    """A standalone summary workbook: the template filled from ``ds``, marked, saved atomically."""
    wb, report = fill(template, ds)
    wb.properties.title = ds.reporter.title
    wb.properties.creator = "unionxl"
    marks.mark_openpyxl(wb, marks.SUMMARY)
    return atomic_save(wb, out), report
