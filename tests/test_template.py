"""The village template: structure, drop-downs, formats, print setup, drift and a second reader."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
import python_calamine
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from unionxl.bundled import workbooks_dir
from unionxl.schema.fields import Choice, Date, IdNumber, Money, Phone
from unionxl.reading.reader import template_version
from unionxl.schema.registers import COVER, REGISTERS, TEMPLATE_VERSION
from unionxl.writing.template import CODE_SHEET, TEMPLATE_NAME, write_template

from . import pdfbox
from .conftest import convert, soffice


@pytest.fixture(scope="module")
def path(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("tpl"))


@pytest.fixture(scope="module")
def wb(path):
    return load_workbook(path)


def validations_by_column(ws) -> dict[str, list]:
    out: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            out.setdefault(get_column_letter(rng.min_col), []).append(dv)
    return out


def test_sheet_order_and_hidden_code_sheet(wb):
    assert wb.sheetnames == ["填表说明", "封面", "会员名册", "帮扶台账", "维权案件", "活动台账", "组织情况", CODE_SHEET]
    assert wb[CODE_SHEET].sheet_state == "hidden"
    assert all(wb[n].sheet_state == "visible" for n in wb.sheetnames[:-1])


def test_template_version_is_readable(path):
    assert template_version(path) == TEMPLATE_VERSION


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.key)
def test_register_headers_formats_and_validations(wb, register):
    ws = wb[register.sheet]
    assert [c.value for c in ws[1]] == [f.label for f in register.fields]
    dvs = validations_by_column(ws)
    for col, field in enumerate(register.fields, start=1):
        letter = get_column_letter(col)
        assert field.hint and len(dvs[letter]) == 1, f"{field.label} needs one validation with a hint"
        dv = dvs[letter][0]
        assert dv.showInputMessage and dv.prompt == field.hint and dv.promptTitle == field.label
        assert str(dv.sqref) == f"{letter}2:{letter}1048576"
        fmt = ws.column_dimensions[letter].number_format
        if isinstance(field.type, Choice):
            assert dv.type == "list" and dv.formula1 == field.type.codes.defined_name  # no "="
        if isinstance(field.type, (IdNumber, Phone)):
            assert fmt == "@", f"{field.label} must be a text column"
        if isinstance(field.type, Date):
            assert dv.type == "date" and fmt == "yyyy-mm-dd"
        if isinstance(field.type, Money):
            assert dv.type == "decimal" and dv.operator == "greaterThanOrEqual" and dv.formula1 == "0"
            assert fmt == "#,##0.00"
        # the header shows whole on the two lines of its row (a Chinese character is two units wide)
        assert ws.column_dimensions[letter].width >= len(field.label) + 3 and ws.row_dimensions[1].height >= 30
        assert ws.cell(1, col).font.b
        color = ws.cell(1, col).font.color
        assert (color is not None and color.rgb == "00C00000") == field.required


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.key)
def test_register_print_setup(wb, register):
    ws = wb[register.sheet]
    assert ws.freeze_panes == "A2"
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.page_setup.fitToWidth >= 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    if ws.page_setup.fitToWidth > 1:  # more pages across: the identifying columns on each, across then down
        assert ws.print_title_cols == "$A:$B" and ws.page_setup.pageOrder == "overThenDown"


def test_drop_down_names_resolve_to_the_code_lists(wb):
    """Every list validation points at a defined name whose cells hold exactly the code list labels."""
    seen = 0
    for register in REGISTERS:
        for field in register.fields:
            if not isinstance(field.type, Choice):
                continue
            dn = wb.defined_names[field.type.codes.defined_name]
            (sheet, ref), = dn.destinations
            assert sheet == CODE_SHEET
            values = [c.value for row in wb[sheet][ref.replace("$", "")] for c in row]
            assert values == field.type.codes.labels
            seen += 1
    assert seen == 26  # 11 in the roster, 6 in the aid ledger, 3 in the case log, 2 activities, 4 organisations


def test_cover_has_every_field_with_hint_and_format(wb):
    ws = wb[COVER.sheet]
    labels = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    for field in COVER.fields:
        row = labels[field.label]
        assert dvs[f"B{row}"].prompt == field.hint
        if isinstance(field.type, Phone):
            assert ws.cell(row, 2).number_format == "@"


def test_guide_explains_every_field(wb):
    text = {str(c.value) for row in wb["填表说明"].iter_rows() for c in row if c.value}
    for register in (COVER, *REGISTERS):
        for field in register.fields:
            assert field.label in text and field.hint in text


def test_list_validations_are_stored_without_an_equals_sign(path):
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet3.xml").decode()
    formulas = re.findall(r"<formula1>([^<]*)</formula1>", xml)
    assert "代码_性别" in formulas and not [f for f in formulas if f.startswith("=")]


def test_second_reader_sees_the_same_headers(path):
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    for register in REGISTERS:
        rows = book.get_sheet_by_name(register.sheet).to_python()
        assert rows[0] == [f.label for f in register.fields]


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}  # core.xml has the save time


def test_committed_template_matches_the_schema(path):
    committed = workbooks_dir() / TEMPLATE_NAME
    assert _members(committed) == _members(path), "run `unionxl template -o workbooks` and commit the result"


def test_libreoffice_renders_the_template(path, tmp_path):
    pdf = convert(path, "pdf", tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for register in REGISTERS:
        assert register.fields[1].label in text
    assert "填表说明" in text and "统计期间开始" in text


@pytest.mark.skipif(not soffice(), reason="LibreOffice is not installed")
def test_every_register_prints_at_a_legible_size(tmp_path):
    """A register too wide for one A4 page prints on more pages across (序号 and the name repeated)
    rather than shrunk: type stays at 7.5 pt or more (pdftotext word boxes are ~1.3× the type size)."""
    from unionxl.schema.registers import REGISTERS
    from unionxl.writing.template import build_workbook

    wb = build_workbook()
    for name in [n for n in wb.sheetnames if n not in {r.sheet for r in REGISTERS}]:
        del wb[name]
    wb.save(tmp_path / "registers.xlsx")
    printed = pdfbox.pages(convert(tmp_path / "registers.xlsx", "pdf", tmp_path))
    assert len(printed) >= len(REGISTERS)
    for page in printed:
        heights = [w.height for w in page.words]
        assert heights and min(heights) >= 7.5 * pdfbox.BOX, [w.text for w in page.words[:3]]
    assert "组织名称" in {w.text for w in printed[-1].words}  # the name column repeated on the page across
