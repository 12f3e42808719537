"""Inserting rows as Excel does (unionxl.summary.grow): what points at moved rows moves with them."""

from __future__ import annotations

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.formula import ArrayFormula
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.table import Table

from unionxl.summary.grow import Shift, insert_rows


@pytest.mark.parametrize("ref, here, want", [
    ("A5", True, "A8"), ("$B$10", True, "$B$13"), ("A4", True, "A4"),  # above the insertion row: unmoved
    ("A3:B7", True, "A3:B10"),  # across it: the range grows
    ("'汇总'!C5", False, "'汇总'!C8"), ("汇总!C5", False, "汇总!C8"), ("'其他'!C5", True, "'其他'!C5"),
    ("A5", False, "A5"),  # no sheet part, and the formula is on another sheet
    ("5:6", True, "8:9"), ("$5:$6", True, "$8:$9"), ("A:C", True, "A:C"),
    ("会员总数", True, "会员总数"), ("表1[金额]", True, "表1[金额]"), ("[1]汇总!A5", False, "[1]汇总!A5"),
])
def test_references(ref, here, want):
    assert Shift("汇总", 5, 3).reference(ref, here) == want


def test_formulas_keep_text_and_functions():
    shift = Shift("汇总", 5, 3)
    assert shift.formula('=IF(A5>"A5",SUM(汇总!B2:B9),0)', True) == '=IF(A8>"A5",SUM(汇总!B2:B12),0)'
    assert shift.formula("=1+", True) == "=1+"  # does not parse: unchanged
    assert shift.expression("$A$6", True) == "$A$9" and shift.expression(None, True) is None


def test_merged_ranges_arrays_tables_and_links(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.merge_cells("A2:A6")  # across the insertion: grows
    ws.merge_cells("B8:D8")  # below: moves
    ws["F7"] = ArrayFormula("F7:F8", "=B8:B9*2")
    ws["B10"], ws["C10"] = "金额", "人数"
    ws.add_table(Table(displayName="明细", ref="B10:C11"))
    ws["A1"].hyperlink = Hyperlink(ref="A1", location="'汇总'!B10")  # a link inside the workbook
    ws["E9"] = "链接"
    ws["E9"].hyperlink = "https://example.org"
    insert_rows(ws, 4, 2)
    assert {str(m) for m in ws.merged_cells.ranges} == {"A2:A8", "B10:D10"}
    assert ws["F9"].value.ref == "F9:F10" and ws["F9"].value.text == "=B10:B11*2"
    assert ws.tables["明细"].ref == "B12:C13" and ws["B12"].value == "金额"
    assert ws["E11"].hyperlink.ref == "E11" and ws["A1"].hyperlink.location == "'汇总'!B12"
    path = tmp_path / "g.xlsx"
    wb.save(path)
    again = load_workbook(path)["汇总"]
    assert {str(m) for m in again.merged_cells.ranges} == {"A2:A8", "B10:D10"}
    assert again["E11"].hyperlink.target == "https://example.org" and again["E9"].hyperlink is None
