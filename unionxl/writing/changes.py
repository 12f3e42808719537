"""变动情况.xlsx: what changed between two periods (:class:`unionxl.periods.Comparison`), one sheet per list.

A register-like output: the lists about people carry village, name and ID number, since the
township acts on them. Written in openpyxl's write-only mode (a first comparison lists every
member as new), every text through :func:`~.xlsxio.set_value` (never a formula), atomically, and
marked ``unionxl输出 = 变动情况`` so that an inbox never takes it for a village submission.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..periods import Comparison, period_text
from ..periods.deltas import Delta
from . import marks
from .xlsxio import atomic_write, set_value

OUTPUT_NAME = "变动情况.xlsx"
HEADER = Font(bold=True)
FORMATS = {"money": "#,##0.00", "ratio": "0.0%", "id": "@", "count": "0"}
Column = tuple[str, float, str]  # (header, width, format key or "")

PERSON: tuple[Column, ...] = (("村（社区）", 14, ""), ("姓名", 10, ""), ("身份证号", 21, "id"))
VALUES: tuple[Column, ...] = (("上期", 16, "value"), ("本期", 16, "value"), ("变化", 16, "value"))


def write_changes(comparison: Comparison, out: Path, last: Path, this: Path) -> Path:
    """The workbook at ``out`` (atomically); ``last`` and ``this`` are named on its first sheet."""

    def write(target: Path) -> None:
        wb = Workbook(write_only=True)
        marks.mark_openpyxl(wb, marks.CHANGES)
        for name, columns, rows in _sheets(comparison, last, this):
            _sheet(wb, name, columns, rows)
        wb.save(target)

    return atomic_write(out, write)


def _sheet(wb: Workbook, name: str, columns: Iterable[Column], rows: Iterable[list[Any]]) -> None:
    columns = list(columns)
    ws = wb.create_sheet(name)
    for i, (_, width, _) in enumerate(columns):
        ws.column_dimensions[get_column_letter(i + 1)].width = width
    ws.freeze_panes = "A2"
    header = []
    for title, _, _ in columns:
        cell = WriteOnlyCell(ws)
        set_value(cell, title)
        cell.font = HEADER
        header.append(cell)
    ws.append(header)
    for row in rows:
        cells = []
        for (_, _, fmt), value in zip(columns, row):
            kind = fmt
            if isinstance(value, tuple):  # (value, kind) of an indicator
                value, kind = value
            cell = WriteOnlyCell(ws)
            set_value(cell, value, FORMATS.get(kind))
            cells.append(cell)
        ws.append(cells)


def _figures(delta: Delta) -> list[Any]:
    return [(delta.last, delta.kind), (delta.this, delta.kind), (delta.change, delta.kind)]


def _sheets(c: Comparison, last: Path, this: Path):
    r, a = c.roster, c.aid
    caps = "；".join(f"{k or '全部类型合计'} {v} 元" for k, v in a.caps.items()) or "未设限额（--aid-cap）"
    about = [["比较", c.kind], ["上期文件", last.name], ["上期统计期间", period_text(c.last_period)],
             ["本期文件", this.name], ["本期统计期间", period_text(c.this_period)], ["每人每年帮扶限额", caps],
             *(["说明", n] for n in c.notes)]
    yield "说明", (("项目", 16, ""), ("内容", 90, "")), about
    yield "指标变化", (("指标", 20, ""), *VALUES), ([d.name, *_figures(d)] for d in c.indicators)
    yield "分村指标变化", (("村（社区）", 14, ""), ("指标", 14, ""), *VALUES), \
        ([v, d.name, *_figures(d)] for v, d in c.villages)
    yield "新入会", (*PERSON, ("说明", 50, "")), ([*_who(p), note] for p, note in r.joined)
    yield "会籍变动", (*PERSON, ("上期会籍", 12, ""), ("本期会籍", 12, "")), \
        ([*_who(x.person), x.old, x.new] for x in r.membership)
    yield "信息变更", (*PERSON, ("项目", 12, ""), ("上期", 30, ""), ("本期", 30, "")), \
        ([*_who(x.person), x.field, x.old, x.new] for x in r.changed)
    yield "转村", (("上期所在村", 14, ""), ("本期所在村", 14, ""), ("姓名", 10, ""), ("身份证号", 21, "id")), \
        ([m.was, m.person.village, m.person.name, m.person.id_number] for m in r.moved)
    yield "未说明去向", (*PERSON, ("上期会籍", 12, ""), ("说明", 50, "")), \
        ([*_who(p), state, "本期名册中没有此人，会籍也未改为已转出或已退会"] for p, state in r.vanished)
    money = ("money",)
    yield "重复帮扶", (*PERSON, ("上期笔数", 9, "count"), ("上期金额", 12, *money), ("上期帮扶类型", 20, ""),
                     ("本期笔数", 9, "count"), ("本期金额", 12, *money), ("本期帮扶类型", 20, "")), \
        ([*_who(x.person), *x.last, *x.this] for x in a.repeated)
    yield "超限额", (("年度", 8, ""), *PERSON, ("帮扶类型", 12, ""), ("笔数", 8, "count"), ("合计金额", 12, *money),
                   ("限额", 12, *money), ("超出", 12, *money)), \
        ([o.year, *_who(o.person), o.kind, o.payments, o.total, o.cap, o.excess] for o in a.over_cap)
    yield "无法比对", (("期", 6, ""), ("村（社区）", 14, ""), ("工作表", 10, ""), ("姓名", 10, ""),
                     ("身份证号（原值）", 21, "id"), ("说明", 40, "")), \
        ([u.period, u.village, u.sheet, u.name, u.value, "没有有效的身份证号，无法与另一期比对"]
         for u in (*r.unmatched, *a.unmatched))


def _who(person) -> list[str]:
    return [person.village, person.name, person.id_number]
