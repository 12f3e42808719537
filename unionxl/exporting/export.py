"""The township's roster in an upstream form's layout (:mod:`.form`), and what each member lacks.

:func:`fill` turns the members of a :class:`~unionxl.summary.indicators.Dataset` (read from a township
workbook's data part) into the form's lines, codes mapped, and lists per person the required cells
left blank and the values the form's lists have no counterpart for; :func:`write_form` writes them
(the form's sheet, then 缺项清单 when someone lacks something), marked as unionxl's output.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..checks.findings import Invalid
from ..errors import UserError
from ..schema.fields import IdNumber, id_birth_date
from ..schema.registers import MEMBERS
from ..summary.indicators import Dataset
from ..writing import marks
from ..writing.template import BORDER, CENTER, HEADER_FILL, HEADER_FONT, TITLE_FONT
from ..writing.xlsxio import atomic_save, set_value
from .form import FORMATS, Column, Form

LACK_SHEET = "缺项清单"
LACK_HEADERS = ("序号", "村（社区）", "姓名", "缺少的项", "无法对应的代码")
HEAD = (HEADER_FONT, HEADER_FILL, BORDER, CENTER)  # the village template's header style
MAX_LIST = 255  # characters of an in-cell drop-down list Excel accepts
_ID = IdNumber()


class MaskedWorkbook(UserError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path.name} 是加了 --mask 的乡镇汇总工作簿，身份证号已隐去，不能导出会员信息；"
                         "请用不加 --mask 合并的乡镇汇总工作簿。")


@dataclass
class Lack:
    """One member's gaps: the form's headers left blank, and ``header：value`` the form cannot take."""

    number: int  # the member's 序号 (line) in the form
    village: str
    name: str
    missing: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)


@dataclass
class Filled:
    form: Form
    lines: list[list[Any]]  # one per member, the form's columns in order
    lacking: list[Lack]
    villages: list[str]  # the units whose members are in it, in order


def fill(form: Form, ds: Dataset, path: Path, villages: Sequence[str] = ()) -> Filled:
    """The members of ``ds`` (of ``villages`` only, when given) in ``form``'s columns."""
    members = ds.rows.get(MEMBERS.key, [])
    if ds.masked:  # the ID numbers are salted hashes
        raise MaskedWorkbook(path)
    units = [v.name for v in ds.villages]
    unknown = [v for v in villages if v not in units]
    if unknown:
        raise UserError(f"乡镇汇总工作簿中没有 {'、'.join(unknown)}。其中的村（社区）：{'、'.join(units)}。")
    chosen = set(villages or units)
    picked = [(v, row) for v, row in members if v in chosen]
    ids = Counter(row.get("id_number") for _, row in picked if row.get("id_number"))
    lines, lacking = [], []
    for number, (village, row) in enumerate(picked, start=1):
        lack = Lack(number, village, str(row.get("name") or ""))
        lines.append([_cell(c, row, number, lack, ids) for c in form.columns])
        if lack.missing or lack.unmapped:
            lacking.append(lack)
    return Filled(form, lines, lacking, [u for u in units if u in chosen])


def _cell(column: Column, row: dict[str, Any], number: int, lack: Lack, ids: Counter) -> Any:
    value = _source(column, row, number)
    if isinstance(value, dt.date):
        value = value.strftime(FORMATS[column.format or "yyyy-MM-dd"])
    elif value is not None and not isinstance(value, int):
        value = str(value).strip() or None
    if value is None:
        if column.required:
            lack.missing.append(column.header)
        return None
    if column.kind == "id":
        if not _valid_id(value):
            lack.unmapped.append(f"{column.header}：{value}（不是有效的身份证号）")
        elif ids[value] > 1:
            lack.unmapped.append(f"{column.header}：与另一名会员重复")
        return value
    mapped = column.map.get(value) if column.map else value
    if mapped is None or (column.choices and mapped not in column.choices):
        lack.unmapped.append(f"{column.header}：{value}")
        return None
    return mapped


def _source(column: Column, row: dict[str, Any], number: int) -> Any:
    if column.value is not None:
        return column.value
    if column.derived == "seq":
        return number
    if column.derived == "birth_date":
        birth = row.get("birth_date")
        if isinstance(birth, dt.date):
            return birth
        person = row.get("id_number")
        return id_birth_date(person) if _valid_id(person) else None
    return next((row[k] for k in column.fields if row.get(k) not in (None, "")), None)


def _valid_id(value: Any) -> bool:
    try:
        return isinstance(value, str) and _ID.convert(value) == value
    except Invalid:
        return False


def write_form(filled: Filled, out: Path) -> Path:
    """``filled`` into ``out``: the form's sheet (title rows, header, one line a member, every cell text
    but 序号), then 缺项清单 when someone lacks something; marked as unionxl's upstream form."""
    form = filled.form
    wb = Workbook()
    ws = wb.active
    ws.title = form.sheet
    width = len(form.columns)
    for r, line in enumerate(form.rows, start=1):
        for c, text in enumerate(line, start=1):
            set_value(ws.cell(r, c), text)
        if len(line) == 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
            ws.cell(r, 1).font, ws.cell(r, 1).alignment = TITLE_FONT, Alignment(horizontal="center", vertical="center")
            ws.row_dimensions[r].height = 30
    top = form.header_row
    _header(ws, top, form.headers)
    for i, column in enumerate(form.columns, start=1):
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = column.width
        if column.choices and len(",".join(column.choices)) <= MAX_LIST:
            dv = DataValidation(type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True)
            dv.add(f"{letter}{top + 1}:{letter}{top + max(1, len(filled.lines))}")
            ws.add_data_validation(dv)
    for r, line in enumerate(filled.lines, start=top + 1):
        for c, value in enumerate(line, start=1):
            cell = ws.cell(r, c)
            set_value(cell, value, None if isinstance(value, int) else "@")
            cell.border = BORDER
    ws.freeze_panes = ws.cell(top + 1, 1)
    if filled.lacking:
        _lack_sheet(wb.create_sheet(LACK_SHEET), filled.lacking)
    marks.mark_openpyxl(wb, marks.EXPORTED)
    wb.properties.creator = "unionxl"
    return atomic_save(wb, out)


def _header(ws, row: int, headers: Sequence[str]) -> None:
    for c, text in enumerate(headers, start=1):
        cell = ws.cell(row, c)
        set_value(cell, text)
        cell.font, cell.fill, cell.border, cell.alignment = HEAD


def _lack_sheet(ws, lacking: list[Lack]) -> None:
    _header(ws, 1, LACK_HEADERS)
    for r, lack in enumerate(lacking, start=2):
        for c, value in enumerate((lack.number, lack.village, lack.name, "、".join(lack.missing),
                                   "；".join(lack.unmapped)), start=1):
            set_value(ws.cell(r, c), value or None)
    for letter, w in zip("ABCDE", (6, 14, 10, 40, 40)):
        ws.column_dimensions[letter].width = w
    ws.freeze_panes = "A2"
