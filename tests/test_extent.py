"""The grid bound found before calamine allocates: the fast path, the exact reading, and calamine itself."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import python_calamine
from openpyxl import Workbook

from unionxl.reading import extent

from .data.make_corpus import _rezip, ods_file

ORDINARY = b'<sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="Q1"><v>2</v></c></row>' \
           b'<row r="2"><c r="B2" s="1"><v>3</v></c></row></sheetData>'


def fast(xml: bytes, size: int = 1 << 20) -> tuple[int, int]:
    grid = extent.Extent()
    for i in range(0, len(xml), size):
        grid.feed(xml[i:i + size])
    grid.feed(b"", final=True)
    return grid.bound()


def exact(xml: bytes, size: int = 1 << 20) -> tuple[int, int]:
    return extent.exact(xml[i:i + size] for i in range(0, len(xml), size))[:2]


def test_ordinary_cells_are_vouched_for_by_the_fast_path():
    # one letter and a row below 100,000: the bound is what such cells can reach, whatever the chunks
    for size in (1, 7, 1 << 20):
        assert fast(ORDINARY, size) == (extent.ORDINARY_ROWS, 26)
    assert exact(ORDINARY) == (2, 17)


def test_far_references_are_read_by_the_fast_path():
    xml = ORDINARY.replace(b"</row>", b'<c r="XFD1048576"><v>1</v></c></row>', 1)
    for size in (5, 64, 1 << 20):
        assert fast(xml, size) == (1_048_576, 16_384)
    assert fast(b'<row r="1"><c r="AB123456"/></row>') == (123_456, 28)


def _rows(numbers, letters: str = "ABC") -> bytes:
    return b"".join(b'<row r="%d">' % n + b"".join(b'<c r="%s%d" t="s"><v>0</v></c>' % (c.encode(), n)
                                                    for c in letters) + b"</row>" for n in numbers)


def test_six_digit_rows_are_bounded_by_their_largest_whatever_the_order_and_chunks():
    # ordinary tags of rows 100,000 on are bounded in bulk: the largest row counts wherever it is
    in_order = _rows(range(99_990, 100_400))
    hidden = _rows([100_001, 654_321, 100_002, 100_003])  # the largest before the last
    for size in (3, 97, 1 << 20):
        assert fast(in_order, size) == (100_399, 26)
        assert fast(hidden, size) == (654_321, 26)
    assert fast(_rows([150_000], "A") + b'<row r="150001"><c r="AB150001"/></row>') == (150_001, 28)
    with pytest.raises(extent.Unusual):  # an unusual tag after the six-digit ones is still seen
        fast(_rows([100_000, 100_001]) + b'<c r="A01"><v>1</v></c>')
    assert bare(_rows([100_000, 100_001]) + b"<c><v>1</v></c>")  # and so is a cell without a reference


def bare(xml: bytes, size: int = 1 << 20) -> bool:
    grid = extent.Extent()
    for i in range(0, len(xml), size):
        grid.feed(xml[i:i + size])
    grid.feed(b"", final=True)
    return grid.bare


def compact(xml: bytes, size: int = 1 << 20) -> tuple[int, int]:
    grid = extent.Extent()
    chunks = [xml[i:i + size] for i in range(0, len(xml), size)]
    for chunk in chunks:
        grid.feed(chunk)
    grid.feed(b"", final=True)
    assert grid.bare
    return extent.compact(chunks, grid)[:2]


COMPACT = [  # (sheetData, where exact places its cells)
    b'<row r="3"><c r="C3"/><c/><c/></row><row><c/></row><row r="700000">' + b"<c/>" * 300 + b"</row>",
    b'<row r="1"><c t="s"><v>0</v></c><c><v>1</v></c></row>' * 3 + b'<row r="2"><c r="Z2"/><c/></row>',
    b"<row><c/><c/></row>" * 50 + b'<row r="7"><c r="B7"/></row><row><c/></row>',
    b'<cols><col min="1" max="3"/></cols><sheetData><c/><c/><row r="5"><c r="A900000"/><c/></row></sheetData>',
    b'<row r="4">' + b'<c r="A4"/>' + b"<c/>" * 20 + b"</row>" + b'<row r="123456"><c r="B123456"/><c/></row>',
    b'<row r="5" spans="1:3" customFormat="1" ht="20"><c/><c/></row><row spans="1:2" r="900"><c/></row>'
    b"<row r='70000'><c/></row><row r=\"8\"x><c/></row>",
    b'<row r="1"><c r="A1"/><c r="C1"/></row><row r="2"><c/><c/></row><row r="3"><c r="Z99999"/><c/></row>',
    b'<row r="2"><c r="B99998"/></row><row><c/><c/><c r="Y7"/><c/></row>',
]


@pytest.mark.parametrize("xml", COMPACT)
def test_cells_without_a_reference_are_bounded_by_counting_the_cells_of_each_row(xml):
    for size in (1, 5, 64, 1 << 20):
        rows, columns = compact(xml, size)
        placed = exact(xml)
        assert rows >= placed[0] and columns >= placed[1], (size, rows, columns, placed)
    assert compact(b'<row r="9"><c/><c/><c/></row>') == (9, 3)  # a tight bound where no other cell is named


def test_a_header_with_references_over_rows_without_them_is_bounded_tightly(monkeypatch):
    """The township registers: a header row of ordinary tags (A1…W1), then rows of cells without ``r``. The
    bound is the header's last column plus a row's cells, not all of A1:Z99999 (which a sheet of 10,000
    rows fails as too sparse); past ORDINARY_PLACED ordinary tags it falls back to that wide bound."""
    header = b'<row r="1">' + b"".join(b'<c r="%s1" t="s"><v>0</v></c>' % bytes([65 + i]) for i in range(23)) + b"</row>"
    body = b"".join(b'<row r="%d">' % n + b"<c><v>1</v></c>" * 23 + b"</row>" for n in range(2, 10_002))
    assert compact(header + body, 1 << 16) == (10_001, 23 + 23)
    monkeypatch.setattr(extent, "ORDINARY_PLACED", 5)
    assert compact(header + body, 1 << 16) == (99_999, 26 + 23)


@pytest.mark.parametrize("cell", [
    b'<c t="s" r="A1"><v>1</v></c>',  # r not first
    b"<c r='A1'><v>1</v></c>",  # single quotes
    b'<c r="A01"><v>1</v></c>',  # a leading zero
    b'<c r="A12345678"><v>1</v></c>',  # more digits than any sheet has rows
    b'<x:c r="A1"><v>1</v></x:c>',  # a namespace prefix
    b"<c\tr=\"A1\"/>",
])
def test_unusual_cells_send_the_part_to_the_exact_reading(cell):
    with pytest.raises(extent.Unusual):
        fast(b'<sheetData><row r="1">' + cell + b"</row></sheetData>")


def test_cells_without_r_follow_the_previous_cell_and_rows_without_r_the_previous_row():
    xml = (b'<row r="3"><c r="C3"/><c/><c/></row>'  # E3
           b"<row><c/></row>"  # A4
           b'<row r="700000">' + b"<c/>" * 300 + b"</row>")
    assert exact(xml) == (700_000, 300)
    assert exact(xml, 3) == exact(xml)  # tags cut by chunk ends wait for the next chunk


def test_a_reference_hidden_behind_a_quoted_angle_bracket_is_still_read():
    xml = b'<row r="1"><c foo=">" r="XFD5"/><x:c r="A900000"/></row>'
    assert exact(xml) == (900_000, 16_384)
    assert exact(xml, 4) == (900_000, 16_384)


def test_a_tag_longer_than_any_sheet_has_is_refused():
    with pytest.raises(extent.Malformed):
        exact(b'<row r="1"><c r="A1" x="' + b"a" * (2 * extent.MAX_TAG) + b'"/></row>', 4096)


def _sheet(tmp_path: Path, sheet_data: bytes) -> Path:
    src, dest = tmp_path / "src.xlsx", tmp_path / "crafted.xlsx"
    wb = Workbook()
    wb.active["A1"] = "x"
    wb.save(src)
    with zipfile.ZipFile(src) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb"<sheetData>.*</sheetData>|<sheetData\s*/>", lambda _: sheet_data, sheet, flags=re.S)
    _rezip(src, dest, {"xl/worksheets/sheet1.xml": sheet})
    return dest


@pytest.mark.parametrize("sheet_data", [
    b'<sheetData><row r="2"><c r="B2"><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>'
    b"<row><c><v>4</v></c></row></sheetData>",
    b'<sheetData><row r="5"><c><v>1</v></c><c r="F9"><v>2</v></c><c><v>3</v></c></row></sheetData>',
    b"<sheetData><row><c><v>1</v></c></row><row><c><v>2</v></c><c><v>3</v></c></row></sheetData>",
])
def test_the_bound_holds_calamine(tmp_path, sheet_data):
    """Wherever calamine puts the cells, the bound is at least as far."""
    path = _sheet(tmp_path, sheet_data)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_name(book.sheet_names[0])
    r1, c1 = sheet.end
    for rows, columns in (exact(sheet_data), compact(sheet_data)):
        assert r1 + 1 <= rows and c1 + 1 <= columns, (sheet.end, rows, columns)


ODS_ROW = b'<table:table-row%s><table:table-cell office:value-type="string"%s><text:p>x</text:p></table:table-cell>' \
          b'<table:table-cell table:number-columns-repeated="1007"/></table:table-row>'


def ods_bound(chunks) -> tuple[int, int]:
    return extent.ods(chunks)[:2]


def ods(*rows: bytes) -> bytes:
    return b'<table:table table:name="s">' + b"".join(rows) + b"</table:table>"


def test_ods_counts_cells_with_values_where_the_repeats_put_them():
    empty_tail = b'<table:table-row table:number-rows-repeated="1048000"><table:table-cell ' \
                 b'table:number-columns-repeated="1024"/></table:table-row>'
    # LibreOffice ends every sheet with a million empty rows: they hold no value
    assert ods_bound([ods(ODS_ROW % (b"", b""), ODS_ROW % (b"", b""), empty_tail)]) == (2, 1)
    # a value repeated down and across is as large as it looks
    assert ods_bound([ods(ODS_ROW % (b' table:number-rows-repeated="700000"', b' table:number-columns-repeated="30"'))]) \
        == (700_000, 30)
    # a value after the empty rows is placed after them, and each table starts again at the top
    xml = ods(empty_tail, ODS_ROW % (b"", b"")) + ods(ODS_ROW % (b"", b""))
    assert ods_bound([xml]) == (1_048_001, 1)
    assert ods_bound(xml[i:i + 9] for i in range(0, len(xml), 9)) == (1_048_001, 1)


def test_ods_bound_holds_calamine(tmp_path):
    path = tmp_path / "t.ods"
    content = ods_file(path, ods(ODS_ROW % (b"", b""),
                                 b'<table:table-row table:number-rows-repeated="5"><table:table-cell/></table:table-row>',
                                 ODS_ROW % (b' table:number-rows-repeated="3"', b' table:number-columns-repeated="4"')))
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("s")
    rows, columns = ods_bound([content])
    assert (rows, columns) == (9, 4) and sheet.end[0] + 1 <= rows and sheet.end[1] + 1 <= columns


def test_ods_text_that_only_mentions_repeats_is_not_a_repeat():
    cell = b'<table:table-cell table:formula="of:=&quot;number-rows-repeated&quot;" office:value-type="string"/>'
    assert ods_bound([ods(b"<table:table-row>" + cell + b"</table:table-row>")]) == (1, 1)


@pytest.mark.parametrize("cell", [b'<c foo=">" r="XFD5"/>', b'<c t="s" r="XFD5"/>', b'<c s=">" r="XFD5"/>',
                                  b"<c t='s' r='XFD5'/>", b'<c  r="XFD5"/>'])
def test_after_a_bare_cell_a_cell_naming_a_far_reference_is_still_seen(cell):
    for size in (3, 1 << 20):
        with pytest.raises(extent.Unusual):
            fast(b'<row r="1"><c t="s"><v>0</v></c><c/>' + cell + b"</row>", size)
