"""The marked copy sent back to a village: re-annotation, VML shape ids, escapes; opened by other readers."""

from __future__ import annotations

import posixpath
import re
import zipfile
from xml.etree import ElementTree
from pathlib import Path

import python_calamine
import xlsxwriter
from click.testing import CliRunner
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from unionxl import bundled
from unionxl.writing.annotate import FILLS, ISSUES_SHEET
from unionxl.doors.cli import main
from unionxl.writing.vml import renumber

from .conftest import convert
from .test_validate import aid, sha, submission

RED = FILLS["error"].fgColor.rgb


def annotate_cli(src: Path, out: Path) -> None:
    before = sha(src)
    result = CliRunner().invoke(main, ["validate", str(src), "--annotate", str(out)])
    assert result.exit_code == 1, result.output
    assert sha(src) == before


def test_a_marked_copy_sent_back_loses_the_old_marks(tmp_path):
    def edit(wb):
        wb["会员名册"]["D2"] = "火星族"
        wb["会员名册"]["D3"] = "木星族"
        wb["会员名册"]["L3"].comment = Comment("村里自己的批注", "李四")

    src = submission(tmp_path, edit=edit)
    first = tmp_path / "v_已标注.xlsx"
    annotate_cli(src, first)
    wb = load_workbook(first)
    assert wb["会员名册"]["D2"].fill.fgColor.rgb == RED
    wb["会员名册"]["D2"] = "汉族"  # the village fixes one cell and sends the marked copy back
    wb["会员名册"]["D2"].fill = PatternFill("solid", fgColor="FFFFC7CE")  # as Excel saves the fill again
    wb.save(tmp_path / "改过.xlsx")
    second = tmp_path / "改过_已标注.xlsx"
    annotate_cli(tmp_path / "改过.xlsx", second)
    ws = load_workbook(second)["会员名册"]
    assert ws["D2"].fill.fgColor.rgb != RED and ws["D2"].comment is None
    assert ws["D3"].fill.fgColor.rgb == RED
    assert ws["D3"].comment.text.count("【错误】") == 1
    assert ws["L3"].comment.text == "村里自己的批注"
    assert load_workbook(second).sheetnames.count(ISSUES_SHEET) == 1


def vml_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.endswith(".vml")}


def _targets(z: zipfile.ZipFile, rels: str, base: str) -> dict[str, str]:
    """Relationship id -> part name, from a .rels part (targets relative to ``base`` or absolute)."""
    out = {}
    for rel in ElementTree.fromstring(z.read(rels)):
        target = rel.get("Target")
        out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{base}/{target}")
    return out


def sheet_of_drawing(path: Path) -> dict[str, int]:
    """VML part -> position of its sheet in the workbook (1-based)."""
    with zipfile.ZipFile(path) as z:
        parts = _targets(z, "xl/_rels/workbook.xml.rels", "xl")
        r = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        sheets = ElementTree.fromstring(z.read("xl/workbook.xml")).iter(
            "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet")
        out = {}
        for n, sheet in enumerate(sheets, 1):
            part = parts[sheet.get(r)]
            rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
            if rels in z.namelist():
                for target in _targets(z, rels, posixpath.dirname(part)).values():
                    if target.endswith(".vml"):
                        out[target] = n
        return out


def ids(data: bytes) -> list[int]:
    return [int(n) for n in re.findall(rb'\bid="_x0000_s(\d+)"', data)]


def test_each_sheets_comments_get_their_own_vml_block(tmp_path):
    def edit(wb):
        wb["会员名册"]["D2"] = "火星族"
        wb["帮扶台账"]["E2"] = "不知道"

    src = submission(tmp_path, aids=[aid()], edit=edit)
    out = tmp_path / "out.xlsx"
    annotate_cli(src, out)
    parts, owner = vml_parts(out), sheet_of_drawing(out)
    assert len(parts) == 2
    seen: list[int] = []
    for name, data in parts.items():
        n = owner[name]
        assert re.findall(rb'data="([^"]+)"', data) == [str(n).encode()]
        assert ids(data) and all(n * 1024 < i < (n + 1) * 1024 for i in ids(data))
        seen += ids(data)
    assert len(seen) == len(set(seen))
    python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("会员名册").to_python()
    pdf = convert(out, "pdf", tmp_path)
    assert pdf.stat().st_size > 1000


def test_more_than_1023_comments_take_more_blocks():
    xml = (b'<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
           b'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>'
           + b'<v:shape id="_x0000_s1025" type="#_x0000_t201"/>'
           + b'<v:shape type="#_x0000_t202"/>' * 1500 + b"</xml>")
    taken = {1}  # the button's block
    out = renumber(xml, 1, taken)
    assert re.findall(rb'data="([^"]+)"', out) == [b"1,2,3"]
    numbers = ids(out)
    assert numbers[0] == 1025 and len(set(numbers)) == 1501 and min(numbers[1:]) == 2049
    assert taken == {1, 2, 3}


def xlsm_submission(tmp_path: Path, src: Path) -> Path:
    """``src`` again as an .xlsm written by XlsxWriter, with a macro button on 会员名册 and ``_x0041_`` typed."""
    book = python_calamine.CalamineWorkbook.from_path(str(src))
    with zipfile.ZipFile(bundled.workbooks_dir() / "乡镇工会汇总.xlsm") as z:
        project = z.read("xl/vbaProject.bin")
    out = tmp_path / "村.xlsm"
    wb = xlsxwriter.Workbook(str(out), {"strings_to_numbers": False, "strings_to_formulas": False})
    wb.add_vba_project(__import__("io").BytesIO(project), is_stream=True)
    for name in book.sheet_names:
        ws = wb.add_worksheet(name)
        for r, row in enumerate(book.get_sheet_by_name(name).to_python()):
            for c, value in enumerate(row):
                if value != "":
                    ws.write(r, c, value)
        if name == "会员名册":
            ws.insert_button("T2", {"macro": "UnionxlValidate", "caption": "按钮"})
            ws.write_string(2, 11, "_x0041_")  # 工作单位 typed so by the village
    wb.close()
    return out


def test_an_xlsm_keeps_its_button_shapes_and_escapes(tmp_path):
    src = submission(tmp_path, edit=lambda wb: wb["会员名册"].__setitem__("D2", "火星族"))
    xlsm = xlsm_submission(tmp_path, src)
    assert python_calamine.CalamineWorkbook.from_path(str(xlsm)).get_sheet_by_name("会员名册").to_python()[2][11] \
        == "_x0041_"
    out = tmp_path / "村_已标注.xlsm"
    annotate_cli(xlsm, out)
    parts, owner = vml_parts(out), sheet_of_drawing(out)
    (name, data), = [(n, d) for n, d in parts.items() if b'ObjectType="Button"' in d]
    assert owner[name] == 3 and 1025 in ids(data)  # 会员名册's button keeps its id
    assert re.findall(rb'data="([^"]+)"', data) == [b"1,3"]  # the button's block 1; the comments block 3
    everything = [i for d in parts.values() for i in ids(d)]
    assert len(everything) == len(set(everything)) > 2
    rows = python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("会员名册").to_python()
    assert rows[2][11] == "_x0041_"
    pdf = convert(out, "pdf", tmp_path)
    assert pdf.stat().st_size > 1000


def test_a_marked_copy_saved_again_by_libreoffice_loses_the_old_marks(tmp_path):
    """LibreOffice (and WPS) drop the comments' author: unionxl's lines are recognised by their 【错误】."""
    def edit(wb):
        wb["会员名册"]["D2"] = "火星族"
        wb["会员名册"]["D3"] = "木星族"

    src = submission(tmp_path, edit=edit)
    marked = tmp_path / "标注.xlsx"
    annotate_cli(src, marked)
    (tmp_path / "lo").mkdir()
    saved = convert(marked, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    wb = load_workbook(saved)
    assert wb["会员名册"]["D3"].comment.author != "unionxl"  # what this test is about
    wb["会员名册"]["D2"] = "汉族"
    wb.save(tmp_path / "改过.xlsx")
    again = tmp_path / "再标注.xlsx"
    annotate_cli(tmp_path / "改过.xlsx", again)
    ws = load_workbook(again)["会员名册"]
    assert ws["D2"].comment is None and str(ws["D2"].fill.fgColor.rgb)[-6:] != RED[-6:]
    assert ws["D3"].comment.text.count("【错误】") == 1
