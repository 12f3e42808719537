"""Filling the summary template in place: what the template holds is kept, tables grow by inserted rows."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.drawing.image import Image
from openpyxl.formatting.rule import CellIsRule, FormulaRule
from openpyxl.styles import Color, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from PIL import Image as PILImage
from python_calamine import CalamineWorkbook

from unionxl.bundled import summary_template
from unionxl.summary.fill import fill, write_summary
from unionxl.summary.indicators import Dataset, VillageStatus
from unionxl.summary.pdf import PdfUnavailable, export_pdf
from unionxl.writing import marks

ANCHOR = 95  # the 分村表 header row of the bundled template; its room ends where the lines below start
SHIFT = 30  # 30 villages and 合计 need 31 rows, the room left below is 1: 30 rows are inserted at row 97
VILLAGES = 30
TRICKY = '=HYPERLINK("http://x","点我")'  # a village named like a formula stays text


def moved(row: int) -> int:
    return row + SHIFT if row >= ANCHOR + 2 else row


def dataset() -> Dataset:
    villages = [VillageStatus(TRICKY if i == 5 else f"第{i:02d}村", f"C{i}", "已报送") for i in range(1, VILLAGES + 1)]
    members = [(v.name, {"sex": "女" if j % 2 else "男"}) for i, v in enumerate(villages, start=1) for j in range(i)]
    return Dataset(villages, {"members": members}, notes=["乡镇汇总工作簿里有 2 行手工添加的会员，未计入。"])


def rich_template(folder: Path) -> Path:
    """The bundled template with what staff add: lines, a formula, rules, validations, images, names."""
    wb = load_workbook(summary_template())
    assert wb.defined_names["分村表"].attr_text == f"'汇总'!$A${ANCHOR}"
    ws = wb["汇总"]
    ws["A97"], ws["E97"] = "单位负责人：", "填表人："
    ws.merge_cells("A97:C97")
    ws["A97"].fill = PatternFill("solid", fgColor=Color(theme=4, tint=0.4))
    ws.row_dimensions[97].height = 30
    ws["A98"], ws["E98"] = "审核数", "=SUM(B104:B106)"  # below the table, sums cells below it
    for row, value in zip((104, 105, 106), (1, 2, 3)):
        ws.cell(row, 2, value)
    ws["K1"] = "=SUM(B104:B106)+COUNTA(A95:A106)"  # above the table: one range below, one across
    ws.conditional_formatting.add("B104:B106", CellIsRule(operator="greaterThan", formula=["1"],
                                                        fill=PatternFill("solid", fgColor="FFC7CE")))
    ws.conditional_formatting.add("C104:C106", FormulaRule(formula=["$B104>2"], fill=PatternFill("solid", fgColor="FFEB9C")))
    yes_no = DataValidation(type="list", formula1='"是,否"')
    yes_no.add("D104:D106")
    source = DataValidation(type="list", formula1="$B$104:$B$106")
    source.add("E104")
    ws.add_data_validation(yes_no)
    ws.add_data_validation(source)
    wb.defined_names["签字行"] = DefinedName("签字行", attr_text="'汇总'!$A$97")
    wb.defined_names["小计区"] = DefinedName("小计区", attr_text="'汇总'!$B$104:$B$106")
    ws.defined_names["审核合计"] = DefinedName("审核合计", attr_text="'汇总'!$E$98")
    ws.print_area = "A1:I110"
    ws.row_breaks.append(Break(id=98))
    png = folder / "logo.png"
    PILImage.new("RGB", (40, 20), "red").save(png)
    ws.add_image(Image(png), "G105")
    ws.add_image(Image(png), "K3")
    wb["图表"]["K1"] = "='汇总'!B104*2"
    other = wb.create_sheet("说明")
    other["A1"], other["A2"] = "本表由乡镇工会填写", "=汇总!E98"
    path = folder / "我的汇总模板.xlsx"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> tuple[Path, Path, object]:
    folder = tmp_path_factory.mktemp("fill")
    template = rich_template(folder)
    before = template.read_bytes()
    out, report = write_summary(dataset(), template, folder / "汇总表.xlsx")
    assert template.read_bytes() == before  # the template is never modified
    return template, out, report


def test_lines_below_the_table_move_down_intact(filled):
    template, out, _ = filled
    ws = load_workbook(out)["汇总"]
    assert ws["A127"].value == "单位负责人：" and ws["E127"].value == "填表人："
    assert "A127:C127" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.row_dimensions[127].height == 30
    assert ws["A127"].fill.fgColor.theme == 4 and ws["A127"].fill.fgColor.tint == pytest.approx(0.4)
    assert ws["A130"].value.startswith("注：本表只含人数")
    assert [ws.cell(r, 2).value for r in (134, 135, 136)] == [1, 2, 3]
    # nothing the template holds is overwritten: every value is at its place, moved down below the insertion
    old = load_workbook(template)["汇总"]
    named = {(r, c) for r, c in [(ANCHOR, c) for c in range(1, 10)]}
    for row in old.iter_rows():
        for cell in row:
            if cell.value is not None and cell.data_type != "f" and (cell.row, cell.column) not in named:
                assert ws.cell(moved(cell.row), cell.column).value == cell.value, cell.coordinate


def test_the_village_table_grows_into_inserted_rows(filled):
    _, out, _ = filled
    grid = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("汇总").to_python()  # a second reader
    body = grid[ANCHOR: ANCHOR + VILLAGES]
    assert [r[0] for r in body] == [v.name for v in dataset().villages]
    assert [r[2] for r in body] == list(range(1, VILLAGES + 1))
    total = grid[ANCHOR + VILLAGES]
    assert total[0] == "合计" and total[2] == sum(range(1, VILLAGES + 1)) == 465
    assert grid[ANCHOR + VILLAGES + 1][0] == "单位负责人："
    wb = load_workbook(out)
    (sheet, ref), = wb.defined_names["会员总数"].destinations
    row, col = wb[sheet][ref.replace("$", "")].row, wb[sheet][ref.replace("$", "")].column
    assert grid[row - 1][col - 1] == 465
    assert wb["汇总"].cell(ANCHOR + VILLAGES + 1, 3).font.b and not wb["汇总"].cell(ANCHOR + VILLAGES, 3).font.b
    assert wb["汇总"].cell(ANCHOR + VILLAGES, 3).number_format == "#,##0"
    cell = wb["汇总"].cell(ANCHOR + 5, 1)
    assert cell.value == TRICKY and cell.data_type == "s"  # village text is never a formula
    with zipfile.ZipFile(out) as z:
        formulas = [f for n in z.namelist() if n.startswith("xl/worksheets/")
                    for f in re.findall(r"<f>(.*?)</f>", z.read(n).decode())]
    assert len(formulas) == 4 and not any("HYPERLINK" in f for f in formulas)  # the template's four


def test_formulas_names_rules_and_print_setup_follow_the_rows(filled):
    _, out, _ = filled
    wb = load_workbook(out)
    ws = wb["汇总"]
    assert ws["E128"].value == "=SUM(B134:B136)"
    assert ws["K1"].value == "=SUM(B134:B136)+COUNTA(A95:A136)"
    assert wb["图表"]["K1"].value == "='汇总'!B134*2"  # formulas on other sheets that point in
    assert wb["说明"]["A2"].value == "=汇总!E128" and wb["说明"]["A1"].value == "本表由乡镇工会填写"
    assert wb.defined_names["签字行"].attr_text == "'汇总'!$A$127"
    assert wb.defined_names["小计区"].attr_text == "'汇总'!$B$134:$B$136"
    assert ws.defined_names["审核合计"].attr_text == "'汇总'!$E$128"
    assert wb.defined_names["分村表"].attr_text == f"'汇总'!$A${ANCHOR}"  # above the insertion: unmoved
    rules = {str(cf.sqref): [f for rule in cf.rules for f in rule.formula] for cf in ws.conditional_formatting}
    assert rules == {"B134:B136": ["1"], "C134:C136": ["$B134>2"]}
    validations = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    assert validations == {"D134:D136": '"是,否"', "E134": "$B$134:$B$136"}
    assert ws.print_area == "'汇总'!$A$1:$I$140"
    assert [b.id for b in ws.row_breaks.brk] == [128]
    assert sorted(img.anchor._from.row for img in ws._images) == [2, 134]  # K3 stays, G105 moves to G135


def test_charts_point_at_the_grown_table(filled):
    _, out, _ = filled
    charts = load_workbook(out)["图表"]._charts
    refs = [s.val.numRef.f for chart in charts for s in chart.series]
    assert f"'汇总'!$C${ANCHOR + 1}:$C${ANCHOR + VILLAGES}" in refs


def test_report_marks_and_notes(filled):
    _, out, report = filled
    assert marks.read(out) == marks.Mark(marks.SUMMARY)
    assert report.values["会员总数"] == 465
    assert "注意：乡镇汇总工作簿里有 2 行手工添加的会员，未计入。" in report.messages()
    assert report.sheets == ["汇总", "图表", "说明"] and report.unknown_names == ["审核合计", "小计区", "签字行"]
    assert load_workbook(out).properties.title == "乡镇工会工作统计汇总表"


def test_libreoffice_prints_the_lines_below_the_table(filled, tmp_path):
    _, out, _ = filled
    try:
        pdf = export_pdf(out, tmp_path / "汇总表.pdf")
    except PdfUnavailable as exc:
        if "未安装" in str(exc):
            pytest.skip("LibreOffice is not installed")
        raise
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "单位负责人" in text and "填表人" in text and "第30村" in text
    assert text.index("第30村") < text.index("单位负责人")


def test_tables_side_by_side_grow_together(tmp_path):
    """Two tables in one row, a merged line right below both: rows are inserted for the longer one."""
    wb = load_workbook(summary_template())
    ws = wb["汇总"]
    (_, ref), = wb.defined_names["政治面貌表"].destinations
    row = ws[ref.replace("$", "")].row
    assert wb.defined_names["学历表"].attr_text == f"'汇总'!$F${row}"
    for r in range(row + 1, row + 12):  # clear the template's room, then close it two rows down
        for c in range(1, 10):
            ws.cell(r, c).value = None
    ws.cell(row + 3, 1, "以上两表人数相同")
    ws.merge_cells(start_row=row + 3, start_column=1, end_row=row + 3, end_column=9)
    template = tmp_path / "并排.xlsx"
    wb.save(template)
    out, _ = write_summary(dataset(), template, tmp_path / "out.xlsx")
    grid = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("汇总").to_python()
    left = [r[0] for r in grid[row - 1: row + 7]]
    right = [r[5] for r in grid[row - 1: row + 8]]
    assert left[0] == "政治面貌" and left[-1] == "合计" and right[0] == "学历" and right[-1] == "合计"
    assert grid[row + 7][0] == "" and grid[row + 8][0] == "以上两表人数相同"  # below the longer table (8 rows)
    assert f"A{row + 9}:I{row + 9}" in {str(m) for m in load_workbook(out)["汇总"].merged_cells.ranges}


def test_what_openpyxl_cannot_keep_is_said(tmp_path):
    template = tmp_path / "带扩展.xlsx"
    with zipfile.ZipFile(summary_template()) as src, zipfile.ZipFile(template, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # an x14 data validation Excel wrote
                data = data.replace(b"</worksheet>", b'<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"/>'
                                                     b"</extLst></worksheet>")
            out.writestr(item, data)
    _, report = fill(template, dataset())
    assert "汇总模板中的部分数据验证（Excel 扩展格式）无法保留，汇总表里没有它们。" in report.messages()
    _, plain = fill(summary_template(), dataset())
    assert not plain.dropped


def test_a_sheet_scoped_name_is_found(tmp_path):
    wb = load_workbook(summary_template())
    del wb.defined_names["会员总数"]
    wb["汇总"].defined_names["会员总数"] = DefinedName("会员总数", attr_text="'汇总'!$K$5")
    template = tmp_path / "工作表名称.xlsx"
    wb.save(template)
    filled, report = fill(template, dataset())
    assert filled["汇总"]["K5"].value == 465 and "会员总数" not in report.missing


def test_fill_keeps_the_template_in_memory_untouched_on_disk(tmp_path):
    wb, report = fill(summary_template(), dataset())
    assert wb["汇总"].cell(ANCHOR + 1, 1).value == "第01村" and not report.unknown_names
    assert load_workbook(summary_template())["汇总"].cell(ANCHOR + 1, 1).value is None
