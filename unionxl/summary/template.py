"""Write the township summary template (乡镇汇总模板.xlsx).

An ordinary workbook: every indicator cell, table anchor and chart anchor is a defined
name (会员总数, 分村表, 图表_分村会员数 …), so staff may restyle it and move cells freely;
:mod:`unionxl.summary.fill` finds them by name.
"""

from __future__ import annotations

import os
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.page import PageMargins

from ..schema import codes
from ..schema.reporter import DEFAULT_TITLE
from .indicators import EDUCATION_GROUPS, POLITICAL_GROUPS, SCALARS, TABLES, Indicator
from ..writing.xlsxio import atomic_save

SUMMARY_TEMPLATE_NAME = "乡镇汇总模板.xlsx"
SHEET = "汇总"
CHARTS = {"图表_分村会员数": "分村表", "图表_帮扶类型金额": "帮扶类型表"}  # chart anchor -> its data table
FORMATS = {"count": "#,##0", "money": "#,##0.00", "ratio": "0.0%", "date": "yyyy-mm-dd", "text": "@"}
SECTIONS = (
    ("一、组织与报送", ("组织",), ()),
    ("二、会员情况", ("会员",), ("政治面貌表", "学历表")),
    ("三、维权工作", ("维权",), ("案件类型表", "处理结果表")),
    ("四、困难职工帮扶", ("帮扶",), ("帮扶类型表", "困难类别表")),
    ("五、就业服务与职工活动", ("就业", "活动"), ()),
    ("六、分村情况", (), ("分村表",)),
)
CHART_SHEET = "图表"
TABLE_COLUMNS = {"first": 1, "second": 6}  # tables side by side start in A and F

THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


WIDTHS = (22, 16, 8, 11, 8, 17, 11, 8, 12, 8, 11, 8, 8)  # A..M: labels, values, the 13 columns of 分村表
# the lines naming who reports: (label, defined name, first column of the label, of the value, last of the value)
TOP_LINES = (("填报单位（盖章）：", "填报单位", 1, 2, 4), ("报送日期：", "报送日期", 6, 7, 8))
BOTTOM_LINES = (("单位负责人：", "单位负责人", 1, 2, 3), ("填表人：", "填表人", 4, 5, 6),
                ("联系电话：", "联系电话", 7, 9, 10))
NOTE = "注：本表只含人数、件数和金额，不含会员、帮扶对象和案件当事人的个人信息。由 unionxl 根据各村报表生成。"


def build_summary_template() -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for column, width in enumerate(WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width
    by_name = {i.name: i for i in SCALARS}
    title = ws["A1"]
    title.font, title.alignment = Font(name="黑体", size=18, bold=True), Alignment(horizontal="center")
    _name(wb, "标题", title, by_name["标题"])
    title.border, title.alignment = Border(), Alignment(horizontal="center")
    title.value = DEFAULT_TITLE
    ws.merge_cells("A1:I1")
    ws.row_dimensions[1].height = 32
    ws["A2"], ws["F2"] = "统计期间：", "生成日期："
    ws.merge_cells("B2:D2")
    _name(wb, "统计期间", ws["B2"], by_name["统计期间"])
    _name(wb, "生成日期", ws["G2"], by_name["生成日期"])
    _lines(wb, 3, TOP_LINES, by_name)
    row = 5
    for heading, sections, tables in SECTIONS:
        ws.cell(row, 1, heading).font = Font(name="黑体", size=13, bold=True)
        for indicator in (i for i in SCALARS if i.section in sections):
            row += 1
            label = ws.cell(row, 1, indicator.name)
            label.border, label.fill = BOX, HEAD_FILL
            _name(wb, indicator.name, ws.cell(row, 2), indicator)
            if indicator.kind == "text":  # names of villages: the width of the tables
                ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=9)
            else:
                ws.cell(row, 3, indicator.unit).border = BOX
        row += 2
        height = 0
        for table, column in zip(tables, TABLE_COLUMNS.values()):
            spec = next(t for t in TABLES if t.name == table)
            _anchor(wb, spec.name, ws.cell(row, column))
            for offset, (header, _) in enumerate(spec.columns):
                cell = ws.cell(row, column + offset, header)
                cell.font, cell.fill, cell.border = Font(bold=True), HEAD_FILL, BOX
                cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if len(spec.columns) > 4:  # the village table's headers take two lines in its narrow columns
                ws.row_dimensions[row].height = 30
            height = max(height, _rows(spec.name))
        row += height + 2
    ws.cell(row, 1, NOTE).font = Font(color="666666")  # full size: it prints at ~76 %
    _lines(wb, row + 2, BOTTOM_LINES, by_name)
    _print_setup(ws, f"A1:{get_column_letter(len(WIDTHS))}{row + 2}")
    charts = wb.create_sheet(CHART_SHEET)
    charts["A1"] = "图表"
    charts["A1"].font = Font(name="黑体", size=16, bold=True)
    for row, name in zip((3, 24), CHARTS):
        _anchor(wb, name, charts.cell(row, 1))
    charts.page_setup.orientation = "portrait"
    charts.page_setup.paperSize = charts.PAPERSIZE_A4
    charts.page_setup.fitToWidth, charts.page_setup.fitToHeight = 1, 1
    charts.sheet_properties.pageSetUpPr.fitToPage = True
    wb.properties.title = DEFAULT_TITLE
    wb.properties.creator = "unionxl"
    return wb


def _lines(wb: Workbook, row: int, lines, by_name: dict[str, Indicator]) -> None:
    """A row of 「label：value」 pairs, each value cell named (merged over its columns, underlined)."""
    ws = wb[SHEET]
    for label, name, at, first, last in lines:
        ws.cell(row, at, label).alignment = Alignment(horizontal="right" if at > 1 else "left")
        cell = ws.cell(row, first)
        _name(wb, name, cell, by_name[name])
        cell.border = Border(bottom=THIN)
        cell.alignment = Alignment(horizontal="left")
        if last > first:
            ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)
    ws.row_dimensions[row].height = 22


def _print_setup(ws, area: str) -> None:
    """A4 landscape, one page wide and as many tall as needed (the 13 columns of 分村表 at a legible size),
    the page number in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.print_area = area
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"


def _rows(table: str) -> int:
    """Rows a table needs below its anchor when filled (the village table grows at the end)."""
    sizes = {"政治面貌表": len(POLITICAL_GROUPS) + 1, "学历表": len(EDUCATION_GROUPS) + 1,
             "案件类型表": len(codes.CASE_TYPE.entries), "处理结果表": len(codes.CASE_RESULT.entries),
             "帮扶类型表": len(codes.AID_TYPE.entries), "困难类别表": len(codes.HARDSHIP.entries), "分村表": 1}
    return sizes[table] + 2  # header and 合计


def _name(wb: Workbook, name: str, cell, indicator: Indicator) -> None:
    cell.number_format = FORMATS[indicator.kind]
    cell.border = BOX
    cell.alignment = Alignment(horizontal="right" if indicator.kind != "text" else "left")
    _anchor(wb, name, cell)


def _anchor(wb: Workbook, name: str, cell) -> None:
    ref = f"{quote_sheetname(cell.parent.title)}!${get_column_letter(cell.column)}${cell.row}"
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def write_summary_template(directory: str | os.PathLike[str]) -> Path:
    return atomic_save(build_summary_template(), Path(directory) / SUMMARY_TEMPLATE_NAME)
