"""RowStream writes the register sheets' rows as the same XML that write_cell gives."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import python_calamine
import xlsxwriter
from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl.doors.cli import main
from unionxl.writing.township import OPTIONS
from unionxl.writing.xlsxio import RowStream, fast_zip, write_cell

from .test_validate import LONG, member, submission

RICH = "<r><t>a</t></r></is><f>1+1</f><is><r><t>b</t></r>"
VALUES = [
    "plain", "中文 村名", "", None, " leading", "trailing ", "a&b<c>d\"e'", "ctl\x01x\x1f", "_x0041_ literal",
    "\ufffe\uffff", "line\nbreak", "tab\tin", "x" * 40_000, 0, 1, -2.5, 1e20, 123456789012345678,
    Decimal("12.30"), Decimal("-0.01"), dt.date(2012, 1, 1), dt.date(1900, 1, 1), dt.date(1900, 3, 1),
    dt.datetime(2012, 1, 2, 3, 4, 5), True, False,
]


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def book(path: Path, rows: list[tuple[list, list]], stream: bool) -> Path:
    wb = xlsxwriter.Workbook(str(path), OPTIONS)
    ws = wb.add_worksheet("s")
    formats = {"none": None, "bad": wb.add_format({"bg_color": "#FFC7CE"}), "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
               "text": wb.add_format({"num_format": "@"})}
    width = max(len(values) for values, _ in rows)
    for col in range(width):
        ws.write_string(0, col, f"h{col}", formats["text"])
    rs = RowStream(ws, width) if stream else None
    for n, (values, fmts) in enumerate(rows, start=1):
        fmts = [formats[f] for f in fmts]
        if rs is not None:
            rs.write(n, values, fmts)
        else:
            for col, (value, fmt) in enumerate(zip(values, fmts)):
                write_cell(ws, n, col, value, fmt)
    wb.close()
    return path


@pytest.mark.parametrize("fmt", ["none", "bad", "date", "text"])
def test_same_xml_as_write_cell(tmp_path, fmt):
    # rows where no text needs escaping take the template path (twice: the second from the cache)
    plain = ["plain", "中文村名", "x_y", None, 7, -3, 1234567890123456, Decimal("12.30"), dt.date(2012, 1, 1),
             dt.datetime(2012, 1, 2, 3, 4, 5)]
    plain += [None] * (len(VALUES) - len(plain))
    rows = [(VALUES, [fmt] * len(VALUES)), (list(reversed(VALUES)), [fmt] * len(VALUES)), ([None] * len(VALUES), [fmt] * len(VALUES)),
            (plain, [fmt] * len(VALUES)), (plain, [fmt] * len(VALUES)), (["", *plain[1:]], [fmt] * len(VALUES))]
    slow = book(tmp_path / "slow.xlsx", rows, stream=False)
    fast = book(tmp_path / "fast.xlsx", rows, stream=True)
    assert sheet_xml(fast) == sheet_xml(slow)


def test_rich_string_markup_stays_text(tmp_path):
    for stream in (False, True):
        path = book(tmp_path / f"{stream}.xlsx", [([RICH, "ok"], ["none", "bad"])], stream=stream)
        assert python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("s").to_python()[1] == [RICH, "ok"]
        cell = load_workbook(path)["s"]["A2"]
        assert cell.value == RICH and cell.data_type == "s"


def test_village_text_cannot_inject_a_formula_into_the_township_workbook(tmp_path):
    path = submission(tmp_path, members=[member(remark=RICH), member(LONG, name="龙海", sex="男", remark="<r>x</r>")])
    out = tmp_path / "o.xlsx"
    result = CliRunner().invoke(main, ["merge", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    remarks = [c.value for c in wb["会员名册"]["R"][1:]]
    assert remarks == [RICH, "<r>x</r>"]


def test_fast_zip_deflates_xlsxwriter_output_at_level_one(tmp_path):
    def write(path: Path, fast: bool) -> int:
        wb = xlsxwriter.Workbook(str(path), OPTIONS)
        ws = wb.add_worksheet("s")
        for row in range(3000):
            ws.write_row(row, 0, [f"村{row % 97}", row, "寨阳乡坪朗村工会联合会", f"会员名册!A{row}"])
        if fast:
            with fast_zip():
                wb.close()
        else:
            wb.close()
        with zipfile.ZipFile(path) as z:
            return z.getinfo("xl/worksheets/sheet1.xml").compress_size

    default, fast = write(tmp_path / "default.xlsx", False), write(tmp_path / "fast.xlsx", True)
    assert fast > default * 1.1  # level 1 took effect (a bigger file), and only inside the block
    assert write(tmp_path / "again.xlsx", False) == default
    assert load_workbook(tmp_path / "fast.xlsx")["s"]["C3"].value == "寨阳乡坪朗村工会联合会"
