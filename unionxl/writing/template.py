"""Write the village template workbook from the schema (optionally filled with data).

Sheets: 填表说明, 封面, one per register (会员名册, 帮扶台账, 维权案件, 活动台账, 组织情况) and a hidden 代码表 whose columns are
reached through defined names (``代码_民族`` …), so drop-downs survive openpyxl and work
in Excel, WPS and LibreOffice.
"""

from __future__ import annotations

import math

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from ..bundled import TEMPLATE_NAME
from ..schema import codes
from ..schema.fields import Choice
from ..schema.registers import COVER, REGISTERS, TEMPLATE_VERSION, TEMPLATE_VERSION_PROPERTY, Field, Register
from .xlsxio import atomic_save, set_value

GUIDE_SHEET = "填表说明"
CODE_SHEET = "代码表"
LAST_ROW = 1048576

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
# Column-width units across an A4 landscape page at about 75 % (LibreOffice, measured): 11 pt type stays at 8 pt. A
# register wider than this prints on as many pages across, 序号 and the name repeated on each.
PAGE_WIDTH = 150
HEADER_FONT = Font(name="宋体", bold=True, size=11)
REQUIRED_FONT = Font(name="宋体", bold=True, size=11, color="C00000")
BODY_FONT = Font(name="宋体", size=11)
TITLE_FONT = Font(name="黑体", bold=True, size=16)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

Rows = Mapping[str, Iterable[Mapping[str, Any]]]


def build_workbook(cover: Mapping[str, Any] | None = None, rows: Rows | None = None,
                   version: str = TEMPLATE_VERSION) -> Workbook:
    """The template as an openpyxl Workbook; ``cover`` and ``rows`` fill it (for examples). An older
    ``version`` has only the registers it had (``Register.since``), as villages still using it send them."""
    registers = [r for r in REGISTERS if r.since <= int(version)]
    wb = Workbook()
    guide = wb.active
    guide.title = GUIDE_SHEET
    _write_codes(wb)
    _write_guide(guide, registers, version)
    _write_cover(wb.create_sheet(COVER.sheet), cover or {})
    for register in registers:
        _write_register(wb.create_sheet(register.sheet), register, (rows or {}).get(register.key, ()))
    wb.move_sheet(CODE_SHEET, offset=len(wb.sheetnames))
    wb.active = 1 if cover is None else 0
    wb.custom_doc_props.append(StringProperty(name=TEMPLATE_VERSION_PROPERTY, value=version))
    wb.properties.title = "村工会报表"
    wb.properties.creator = "unionxl"
    return wb


def write_template(directory: str | os.PathLike[str], name: str = TEMPLATE_NAME) -> Path:
    return atomic_save(build_workbook(), Path(directory) / name)


def _write_codes(wb: Workbook) -> None:
    ws = wb.create_sheet(CODE_SHEET)
    ws.sheet_state = "hidden"
    for col, code_list in enumerate(codes.ALL, start=1):
        letter = get_column_letter(col)
        ws.cell(1, col, code_list.name).font = HEADER_FONT
        for row, entry in enumerate(code_list.entries, start=2):
            ws.cell(row, col, entry.label)
        ws.column_dimensions[letter].width = 16
        ref = f"{quote_sheetname(CODE_SHEET)}!${letter}$2:${letter}${len(code_list.entries) + 1}"
        wb.defined_names[code_list.defined_name] = DefinedName(code_list.defined_name, attr_text=ref)


def _validation(field: Field, sqref: str) -> DataValidation:
    spec = field.type.validation() or {"type": None}
    is_list = isinstance(field.type, Choice)
    dv = DataValidation(
        **spec,
        sqref=sqref,
        allow_blank=True,
        showInputMessage=True,
        promptTitle=field.label[:32],
        prompt=field.hint[:255],
        showErrorMessage=spec["type"] is not None,
        errorStyle="stop" if is_list else "warning",
        errorTitle="输入有误",
        error=("请从下拉列表中选择。" if is_list else field.hint)[:255],
    )
    return dv


def _write_guide(ws: Worksheet, registers: list[Register], version: str) -> None:
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 60
    ws.column_dimensions["D"].width = 26
    ws["A1"] = "村（社区）工会报表 填表说明"
    ws["A1"].font = TITLE_FONT
    ws.merge_cells("A1:D1")
    lines = [
        f"模板版本：{version}。请勿修改工作表名称和第 1 行列标题，不要插入合并单元格。",
        "红色列标题为必填项。带下拉箭头的列请从列表中选择；日期请按 2012-11-01 格式填写。",
        "身份证号、手机号码列已设为文本格式，直接输入即可；若从其他表格粘贴，请使用“选择性粘贴 → 数值”。",
        "填好后将整个文件发送给乡镇工会，文件名可以随意，乡镇按“封面”上的村名识别。",
    ]
    row = 2
    for line in lines:
        ws.cell(row, 1, line).alignment = WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.row_dimensions[row].height = _height(line, 52)
        row += 1
    for register in (COVER, *registers):
        row += 1
        ws.cell(row, 1, f"【{register.sheet}】{register.title}").font = Font(name="黑体", bold=True, size=12)
        row += 1
        ws.cell(row, 1, register.description).alignment = WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        ws.row_dimensions[row].height = _height(register.description, 52)
        row += 1
        for col, text in enumerate(("项目", "必填", "填写要求", "示例"), start=1):
            c = ws.cell(row, col, text)
            c.font, c.fill, c.border, c.alignment = HEADER_FONT, HEADER_FILL, BORDER, CENTER
        for field in register.fields:
            row += 1
            values = (field.label, "是" if field.required else "", field.hint, field.example)
            for col, text in enumerate(values, start=1):
                c = ws.cell(row, col)
                set_value(c, text)
                c.border, c.alignment, c.font = BORDER, WRAP, BODY_FONT
            ws.row_dimensions[row].height = max(_height(field.hint, 28), _height(field.example, 11))
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _height(text: str, chars_per_line: int) -> float:
    """Row height (points) for wrapped Chinese text; Excel and LibreOffice don't grow rows of merged cells."""
    lines = max(1, -(-len(text) // chars_per_line))
    return 6 + 15 * lines


def _write_cover(ws: Worksheet, values: Mapping[str, Any]) -> None:
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 42
    ws["A1"] = "村（社区）工会工作报表"
    ws["A1"].font = TITLE_FONT
    ws["A1"].alignment = CENTER
    ws.merge_cells("A1:B1")
    ws.row_dimensions[1].height = 36
    for row, field in enumerate(COVER.fields, start=3):
        label = ws.cell(row, 1, field.label)
        label.font = REQUIRED_FONT if field.required else HEADER_FONT
        label.fill, label.border, label.alignment = HEADER_FILL, BORDER, CENTER
        cell = ws.cell(row, 2)
        cell.border, cell.font = BORDER, BODY_FONT
        set_value(cell, field.type.display(values.get(field.key)), field.type.number_format)
        cell.alignment = Alignment(horizontal="left", vertical="center")
        ws.row_dimensions[row].height = 24
        ws.add_data_validation(_validation(field, cell.coordinate))
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.print_area = f"A1:B{len(COVER.fields) + 2}"


def _write_register(ws: Worksheet, register: Register, rows: Iterable[Mapping[str, Any]]) -> None:
    for col, field in enumerate(register.fields, start=1):
        letter = get_column_letter(col)
        head = ws.cell(1, col, field.label)
        head.font = REQUIRED_FONT if field.required else HEADER_FONT
        head.fill, head.border, head.alignment = HEADER_FILL, BORDER, CENTER
        dim = ws.column_dimensions[letter]
        dim.width = max(field.width, len(field.label) + 3)  # a long header wraps onto the row's two lines
        dim.number_format = field.type.number_format
        ws.add_data_validation(_validation(field, f"{letter}2:{letter}{LAST_ROW}"))
    ws.row_dimensions[1].height = 30
    for r, values in enumerate(rows, start=2):
        for col, field in enumerate(register.fields, start=1):
            value = values.get(field.key)
            if value is not None:
                set_value(ws.cell(r, col), field.type.display(value), field.type.number_format)
    last = get_column_letter(len(register.fields))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}1"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    widths = [ws.column_dimensions[get_column_letter(c)].width for c in range(1, len(register.fields) + 1)]
    kept = sum(widths[:2])  # 序号 and the name, repeated on every page across
    across = max(1, math.ceil((sum(widths) - kept) / (PAGE_WIDTH - kept)))
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = across, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if across > 1:
        ws.print_title_cols = "A:B"
        ws.page_setup.pageOrder = "overThenDown"
    ws.oddFooter.center.text = f"{register.sheet}  第 &P 页 / 共 &N 页"
