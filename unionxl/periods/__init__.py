"""Two periods compared (``unionxl compare LAST THIS``): what changed, as data.

:func:`compare` takes the two periods' :class:`~unionxl.summary.indicators.Dataset` (two township
workbooks read back, or two submissions of one village) and returns a :class:`Comparison`: the
roster's changes (:mod:`.members`), aid across the periods (:mod:`.aid`) and the indicators'
changes (:mod:`.deltas`). The workbook is :mod:`unionxl.writing.changes`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ..schema.registers import REGISTERS
from ..summary.indicators import Dataset
from .aid import Aid, aid_register, compare_aid
from .deltas import Delta, indicator_deltas, village_deltas
from .members import Roster, compare_roster

Period = tuple[dt.date | None, dt.date | None]

COUNT_COLUMNS = ("新入会", "会籍变动", "信息变更", "转入", "转出", "未说明去向", "重复帮扶", "超限额")


def period_text(period: Period) -> str:
    start, end = period
    return f"{start} 至 {end}" if start and end else "（封面未填统计期间）"


@dataclass
class Comparison:
    kind: str  # what was compared: 乡镇汇总工作簿 or 村报表
    last_period: Period
    this_period: Period
    roster: Roster
    aid: Aid
    indicators: list[Delta]
    villages: list[tuple[str, Delta]]
    notes: list[str] = field(default_factory=list)  # Chinese lines: the order of periods, one-sided villages…

    count_columns = COUNT_COLUMNS

    def heading(self, last: str, this: str) -> str:
        """One line naming what was compared: the two files and their periods."""
        return (f"比较{self.kind}：上期 {last}（{period_text(self.last_period)}）→ "
                f"本期 {this}（{period_text(self.this_period)}）")

    def counts(self) -> list[tuple[str, list[int]]]:
        """(village, one count per :data:`COUNT_COLUMNS`) for every village with something to show."""
        r, a = self.roster, self.aid
        lists = (
            [p.village for p, _ in r.joined],
            [c.person.village for c in r.membership],
            [c.person.village for c in {c.person: c for c in r.changed}.values()],  # people, not fields
            [m.person.village for m in r.moved],
            [m.was for m in r.moved],
            [p.village for p, _ in r.vanished],
            [x.person.village for x in a.repeated],
            [o.person.village for o in {o.person: o for o in a.over_cap}.values()],
        )
        tallies = [Counter(villages) for villages in lists]
        order = list(dict.fromkeys(v for villages in lists for v in villages))
        return [(v, [t[v] for t in tallies]) for v in order]


def compare(last: Dataset, this: Dataset, kind: str, caps: Mapping[str, Decimal] | None = None) -> Comparison:
    """What changed from ``last`` to ``this`` (``caps``: aid type label, or "" for all types, -> yearly cap)."""
    roster = REGISTERS.roster
    members = compare_roster(last, this, roster) if roster is not None else Roster()
    register = aid_register(REGISTERS)
    aid = compare_aid(last, this, register, caps or {}) if register is not None else Aid()
    notes = _order(last.period, this.period)
    notes += [f"上期：{n}" for n in last.notes] + [f"本期：{n}" for n in this.notes]
    notes += members.notes + aid.notes
    return Comparison(kind, last.period, this.period, members, aid, indicator_deltas(last, this),
                      village_deltas(last, this), notes)


def _order(last: Period, this: Period) -> list[str]:
    """A warning when this period is not after the last one (the files are compared as given, never swapped)."""
    if last == this and last[1] is not None:
        return [f"注意：上期和本期的统计期间相同（{period_text(last)}），请确认没有选错文件。"]
    if last[1] and this[1] and this[1] < last[1]:
        return [f"注意：本期（{period_text(this)}）早于上期（{period_text(last)}），请确认两个文件的顺序："
                "先写上期，再写本期。以下按所给顺序比较。"]
    return []
