"""The old re-draw of a summary template into an XlsxWriter workbook, kept only for township.py.

Moved here verbatim from :mod:`unionxl.summary.fill` while township.py is rewritten to build on
:func:`unionxl.summary.fill.write_summary`; it is deleted when that lands. Nothing else uses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import xlsxwriter
from openpyxl import load_workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.utils import column_index_from_string, get_column_letter, quote_sheetname

from .fill import FillReport, TemplateError
from .indicators import SCALARS, TABLES, Dataset, compute
from .template import CHARTS, FORMATS
from ..writing.xlsxio import write_cell

__all__ = ["FillReport", "render_summary"]

BORDERS = {"thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6, "hair": 7}
ALIGN = {"center": "center", "left": "left", "right": "right", "centerContinuous": "center_across",
         "justify": "justify", "fill": "fill", "distributed": "distributed"}
VALIGN = {"center": "vcenter", "top": "top", "bottom": "bottom", "justify": "vjustify"}


@dataclass(frozen=True)
class Formula:
    """A formula the template's author wrote: written as a formula again (village text never is one)."""

    text: str
    ref: str | None = None  # the range of an array formula


def _template_value(cell) -> Any:
    if cell.data_type != "f":
        return cell.value
    if isinstance(cell.value, ArrayFormula):
        return Formula(cell.value.text or "", cell.value.ref)
    return Formula(cell.value) if isinstance(cell.value, str) else None


def _write(out, r: int, c: int, value: Any, fmt) -> None:
    if not isinstance(value, Formula):
        write_cell(out, r, c, value, fmt)
    elif value.ref:
        out.write_array_formula(value.ref, value.text, fmt)
    else:
        out.write_formula(r, c, value.text, fmt)



def _rgb(color) -> str | None:
    rgb = getattr(color, "rgb", None) if color is not None and getattr(color, "type", "rgb") == "rgb" else None
    return f"#{rgb[-6:]}" if isinstance(rgb, str) and len(rgb) >= 6 else None


def _style(cell) -> dict[str, Any]:
    """XlsxWriter format properties equal to an openpyxl cell's style."""
    props: dict[str, Any] = {}
    f = cell.font
    if f is not None:
        props.update({k: v for k, v in (("font_name", f.name), ("font_size", f.sz), ("bold", f.b),
                                          ("italic", f.i), ("font_color", _rgb(f.color))) if v})
        if f.u:
            props["underline"] = 1
    if cell.fill is not None and cell.fill.fill_type == "solid" and _rgb(cell.fill.fgColor):
        props["bg_color"] = _rgb(cell.fill.fgColor)
    for side in ("left", "right", "top", "bottom"):
        border = getattr(cell.border, side)
        if border is not None and border.style in BORDERS:
            props[side] = BORDERS[border.style]
            if _rgb(border.color):
                props[f"{side}_color"] = _rgb(border.color)
    a = cell.alignment
    if a.horizontal in ALIGN:
        props["align"] = ALIGN[a.horizontal]
    if a.vertical in VALIGN:
        props["valign"] = VALIGN[a.vertical]
    if a.wrap_text:
        props["text_wrap"] = True
    if cell.number_format and cell.number_format != "General":
        props["num_format"] = cell.number_format
    return props


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self._cache: dict[tuple, Any] = {}

    def __call__(self, props: dict[str, Any]):
        if not props:
            return None
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            self._cache[key] = self.book.add_format(dict(props))
        return self._cache[key]


def _destinations(wb) -> dict[str, tuple[str, int, int]]:
    """Defined name -> (sheet, zero-based row, col) for names that point at one cell."""
    out = {}
    for name, dn in wb.defined_names.items():
        try:
            dests = list(dn.destinations)
        except Exception:
            continue
        if len(dests) != 1:
            continue
        sheet, ref = dests[0]
        ref = ref.replace("$", "").split(":")[0]
        letters = "".join(ch for ch in ref if ch.isalpha())
        digits = "".join(ch for ch in ref if ch.isdigit())
        if sheet in wb.sheetnames and letters and digits:
            out[name] = (sheet, int(digits) - 1, column_index_from_string(letters) - 1)
    return out


def render_summary(book: xlsxwriter.Workbook, template: str | Path, ds: Dataset,
                   reserved: tuple[str, ...] = ()) -> FillReport:
    """Add the template's sheets, filled from ``ds``, to ``book`` (sheet names in ``reserved`` are taken)."""
    try:
        wb = load_workbook(template)
    except Exception as exc:
        raise TemplateError(f"汇总模板 {Path(template).name} 无法打开（{type(exc).__name__}）。") from None
    clash = [n for n in wb.sheetnames if n in reserved]
    if clash:
        raise TemplateError(f"汇总模板的工作表名与汇总工作簿重名：{'、'.join(clash)}，请改名。")
    scalars, tables = compute(ds)
    names = _destinations(wb)
    known = {i.name for i in SCALARS} | {t.name for t in TABLES} | set(CHARTS)
    if not set(names) & known:
        raise TemplateError(f"汇总模板 {Path(template).name} 里没有任何指标的“定义的名称”（如 会员总数、分村表），"
                            "不像汇总模板；请在 unionxl template 写出的 乡镇汇总模板.xlsx 上修改。")
    report = FillReport(sorted(set(names) - known), [n for n in (*scalars, *tables) if n not in names],
                        values=scalars)
    fmt = _Formats(book)
    kinds = {i.name: i.kind for i in SCALARS}
    grids: dict[str, dict[tuple[int, int], tuple[Any, dict]]] = {}
    for ws in wb.worksheets:
        grids[ws.title] = {(c.row - 1, c.column - 1): (_template_value(c), _style(c))
                           for row in ws.iter_rows() for c in row if c.value is not None or c.has_style}
    placed: dict[str, tuple[str, int, int, int]] = {}  # table -> sheet, first data row, col, rows
    for name, (sheet, r, c) in names.items():
        grid = grids[sheet]
        style = grid.get((r, c), (None, {}))[1]
        if name in scalars:
            grid[(r, c)] = (scalars[name], {**style, "num_format": FORMATS[kinds[name]]})
        elif name in tables:
            spec = next(t for t in TABLES if t.name == name)
            head = {**style, "bold": True, "border": 1}
            for j, (title, _) in enumerate(spec.columns):
                grid[(r, c + j)] = (title, grid.get((r, c + j), (None, head))[1] or head)
            for i, values in enumerate(tables[name], start=1):
                for j, ((_, kind), value) in enumerate(zip(spec.columns, values)):
                    props = {"border": 1, "num_format": FORMATS[kind]}
                    if i == len(tables[name]):
                        props["bold"] = True
                    grid[(r + i, c + j)] = (value, props)
            placed[name] = (sheet, r + 1, c, len(tables[name]) - 1)
    for ws in wb.worksheets:
        out = book.add_worksheet(ws.title)
        report.sheets.append(ws.title)
        _copy_layout(ws, out, fmt)
        merged = {(m.min_row - 1, m.min_col - 1): m for m in ws.merged_cells.ranges}
        for corner in merged:
            grids[ws.title].setdefault(corner, (None, {}))
        for (r, c), (value, props) in sorted(grids[ws.title].items()):
            if (r, c) in merged:
                m = merged[(r, c)]
                out.merge_range(r, c, m.max_row - 1, m.max_col - 1, None, fmt(props))
            _write(out, r, c, value, fmt(props))
        for name, table in CHARTS.items():
            if name in names and names[name][0] == ws.title and table in placed:
                _chart(book, out, names[name][1:], placed[table], table)
    for name, (sheet, r, c) in names.items():
        if name in known:
            book.define_name(name, f"={quote_sheetname(sheet)}!${get_column_letter(c + 1)}${r + 1}")
    return report


def _copy_layout(src, out, fmt: _Formats) -> None:
    for letter, dim in src.column_dimensions.items():
        if dim.width:
            first = (dim.min or column_index_from_string(letter)) - 1
            out.set_column(first, max(first, (dim.max or first + 1) - 1), dim.width)
    for r, dim in src.row_dimensions.items():
        if dim.height:
            out.set_row(r - 1, dim.height)
    ps = src.page_setup
    if ps.orientation == "landscape":
        out.set_landscape()
    else:
        out.set_portrait()
    if ps.paperSize:
        out.set_paper(int(ps.paperSize))
    if src.sheet_properties.pageSetUpPr is not None and src.sheet_properties.pageSetUpPr.fitToPage:
        out.fit_to_pages(int(ps.fitToWidth or 1), int(ps.fitToHeight or 0))
    if src.oddFooter.center.text:
        out.set_footer(f"&C{src.oddFooter.center.text}")
    if src.print_title_rows:
        first, last = (int(x.replace("$", "")) - 1 for x in src.print_title_rows.split(":"))
        out.repeat_rows(first, last)


def _chart(book, ws, at: tuple[int, int], data: tuple[str, int, int, int], table: str) -> None:
    sheet, first, col, rows = data
    if rows <= 0:
        return
    last = first + rows - 1
    if table == "分村表":
        chart = book.add_chart({"type": "column"})
        chart.add_series({"name": "会员数", "categories": [sheet, first, col, last, col],
                          "values": [sheet, first, col + 2, last, col + 2], "data_labels": {"value": True}})
        chart.set_title({"name": "各村会员数"})
        chart.set_y_axis({"name": "人"})
    else:
        chart = book.add_chart({"type": "bar"})
        chart.add_series({"name": "帮扶金额（元）", "categories": [sheet, first, col, last, col],
                          "values": [sheet, first, col + 3, last, col + 3], "data_labels": {"value": True}})
        chart.set_title({"name": "帮扶金额（按帮扶类型）"})
        chart.set_x_axis({"name": "元"})
    chart.set_legend({"none": True})
    chart.set_size({"width": 600, "height": 320})
    ws.insert_chart(at[0], at[1], chart)
