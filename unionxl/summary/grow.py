"""Insert rows into an openpyxl worksheet as Excel does: everything at and below the row moves down.

``Worksheet.insert_rows`` moves only the cells (values and styles). :func:`insert_rows` also moves
what points at rows: merged ranges (one across the row grows), row heights, defined names
(workbook and sheet scoped), conditional formats and data validations (ranges and formulas),
print area and print titles, auto filter, tables, page breaks, hyperlinks, image and chart
anchors, chart series, and the references inside the formulas of every sheet that point into
this one (at or below the row they move; a range across it grows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from openpyxl.cell.cell import MergedCell
from openpyxl.formatting.formatting import ConditionalFormatting, ConditionalFormattingList
from openpyxl.formula import Tokenizer
from openpyxl.formula.tokenizer import Token
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.worksheet import Worksheet

_CELL = re.compile(r"^(\$?[A-Za-z]{1,3}\$?)(\d+)$")
_ROW = re.compile(r"^(\$?)(\d+)$")
_COLUMN = re.compile(r"^\$?[A-Za-z]{1,3}$")


class Shift:
    """Rows ``at`` and below move down by ``amount`` in sheet ``sheet``."""

    def __init__(self, sheet: str, at: int, amount: int) -> None:
        self.sheet, self.at, self.amount = sheet, at, amount

    def row(self, row: int) -> int:
        return row + self.amount if row >= self.at else row

    def is_here(self, sheet: str) -> bool:
        """Whether the sheet part of a reference (quoted or not) names this sheet."""
        if len(sheet) > 1 and sheet[0] == sheet[-1] == "'":
            sheet = sheet[1:-1].replace("''", "'")
        return sheet.casefold() == self.sheet.casefold()

    def range(self, cr: CellRange) -> str:
        return CellRange(min_col=cr.min_col, max_col=cr.max_col, min_row=self.row(cr.min_row),
                         max_row=self.row(cr.max_row)).coord

    def ranges(self, sqref: MultiCellRange | str) -> MultiCellRange:
        ranges = MultiCellRange(sqref) if isinstance(sqref, str) else sqref
        return MultiCellRange(" ".join(self.range(cr) for cr in ranges.ranges))

    def reference(self, ref: str, here: bool) -> str:
        """A reference as written in a formula (``'汇总'!$A$1:$B$2``, ``A1``, ``3:5``), moved when it
        points into the sheet: with a sheet part naming it, or without one when ``here``."""
        sheet, bang, cells = ref.rpartition("!")
        if not (self.is_here(sheet) if bang else here):
            return ref
        parts = cells.split(":")
        if len(parts) > 2:
            return ref
        cell = [_CELL.match(p) for p in parts]
        if all(cell):
            return sheet + bang + ":".join(f"{m[1]}{self.row(int(m[2]))}" for m in cell)
        rows = [_ROW.match(p) for p in parts]
        if len(parts) == 2 and all(rows):  # whole rows, 3:5
            return sheet + bang + ":".join(f"{m[1]}{self.row(int(m[2]))}" for m in rows)
        return ref  # whole columns, a name, a table's column, an external or 3-D reference

    def formula(self, text: str, here: bool) -> str:
        """A formula ("=…") with its references into the sheet moved; unchanged when it does not parse."""
        try:
            tokens = Tokenizer(text)
        except Exception:
            return text
        changed = False
        for token in tokens.items:
            if token.type == Token.OPERAND and token.subtype == Token.RANGE:
                moved = self.reference(token.value, here)
                changed |= moved != token.value
                token.value = moved
        return tokens.render() if changed else text

    def expression(self, text: str | None, here: bool) -> str | None:
        """A formula written without its "=" (defined names, rules, validations, chart series)."""
        return self.formula(f"={text}", here)[1:] if text else text


def insert_rows(ws: Worksheet, at: int, amount: int) -> None:
    """Insert ``amount`` empty rows before row ``at`` (1-based) of ``ws``, moving everything below."""
    if amount <= 0:
        return
    shift = Shift(ws.title, at, amount)
    ws.insert_rows(at, amount)
    _merged(ws, shift)
    _heights(ws, shift)
    _rules(ws, shift)
    _print(ws, shift)
    _drawings(ws, shift)
    for cell in ws._cells.values():
        if cell.hyperlink is not None:
            cell.hyperlink.ref = cell.coordinate
    wb = ws.parent
    _names(wb.defined_names.values(), shift, here=False)
    for sheet in wb.worksheets:
        _names(sheet.defined_names.values(), shift, here=sheet is ws)
        _formulas(sheet, shift, here=sheet is ws)
        for link in (c.hyperlink for c in sheet._cells.values() if c.hyperlink is not None):
            link.location = shift.expression(link.location, here=False)
    for sheet in (*wb.worksheets, *wb.chartsheets):
        _series(sheet, shift)


def _merged(ws: Worksheet, shift: Shift) -> None:
    ranges = list(ws.merged_cells.ranges)
    for mcr in ranges:
        if mcr.min_row >= shift.at:
            mcr.shift(row_shift=shift.amount)  # its MergedCells moved with the cells
        elif mcr.max_row >= shift.at:  # across the inserted rows: it grows, the new rows are part of it
            mcr.expand(down=shift.amount)
            for row in range(shift.at, shift.at + shift.amount):
                for col in range(mcr.min_col, mcr.max_col + 1):
                    ws._cells[row, col] = MergedCell(ws, row, col)
    ws.merged_cells = MultiCellRange(ranges)


def _heights(ws: Worksheet, shift: Shift) -> None:
    dims = ws.row_dimensions
    for row in sorted((r for r in dims if r >= shift.at), reverse=True):
        dim = dims.pop(row)
        dim.index = row + shift.amount
        dims[dim.index] = dim


def _rules(ws: Worksheet, shift: Shift) -> None:
    """Conditional formats and data validations: their ranges and the references in their formulas."""
    moved = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        target = ConditionalFormatting(sqref=shift.ranges(cf.sqref), pivot=cf.pivot)
        for rule in cf.rules:
            rule.formula = [shift.expression(f, here=True) for f in rule.formula]
            moved.add(target, rule)
    ws.conditional_formatting = moved
    for dv in ws.data_validations.dataValidation:
        dv.sqref = shift.ranges(dv.sqref)
        dv.formula1 = shift.expression(dv.formula1, here=True)
        dv.formula2 = shift.expression(dv.formula2, here=True)


def _print(ws: Worksheet, shift: Shift) -> None:
    """Print area and titles, auto filter, tables, page breaks."""
    if ws._print_area.ranges:
        ws.print_area = [shift.range(cr) for cr in ws._print_area.sorted()]
    rows = ws._print_rows
    if rows is not None:
        rows.min_row, rows.max_row = shift.row(rows.min_row), shift.row(rows.max_row)
    if ws.auto_filter.ref:
        ws.auto_filter.ref = shift.reference(ws.auto_filter.ref, here=True)
    for table in ws.tables.values():
        table.ref = shift.reference(table.ref, here=True)
        if table.autoFilter is not None and table.autoFilter.ref:
            table.autoFilter.ref = shift.reference(table.autoFilter.ref, here=True)
    for brk in ws.row_breaks.brk:  # a break after row id: the page from row id + 1 moves with that row
        brk.id = shift.row(brk.id + 1) - 1


def _drawings(ws: Worksheet, shift: Shift) -> None:
    """Images and charts anchored at or below the row move down (one anchored across it grows)."""
    for item in (*ws._images, *ws._charts):
        anchor = item.anchor
        if isinstance(anchor, str):
            item.anchor = shift.reference(anchor, here=True)
            continue
        for marker in (getattr(anchor, "_from", None), getattr(anchor, "to", None)):
            if marker is not None:
                marker.row = shift.row(marker.row + 1) - 1  # markers count rows from 0


def _names(names: Iterable, shift: Shift, here: bool) -> None:
    for dn in names:
        if dn.attr_text:
            dn.attr_text = shift.expression(dn.attr_text, here)


def _formulas(ws: Worksheet, shift: Shift, here: bool) -> None:
    for cell in ws._cells.values():
        if cell.data_type != "f":
            continue
        value = cell.value
        if isinstance(value, ArrayFormula):
            value.text = shift.formula(value.text, here) if value.text else value.text
            if here:
                value.ref = shift.reference(value.ref, here=True)
        elif isinstance(value, str):
            cell.value = shift.formula(value, here)


def _series(sheet, shift: Shift) -> None:
    """The data references of the charts on ``sheet`` that point into the shifted sheet."""
    for chart in sheet._charts:
        for series in chart.series:
            sources = [getattr(series, name, None) for name in ("val", "cat", "xVal", "yVal", "bubbleSize")]
            refs = [getattr(src, kind, None) for src in sources if src is not None
                    for kind in ("numRef", "strRef", "multiLvlStrRef")]
            if series.tx is not None:
                refs.append(series.tx.strRef)
            for ref in refs:
                if ref is not None and ref.f:
                    ref.f = shift.expression(ref.f, here=False)
