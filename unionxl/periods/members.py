"""The roster of two periods compared person by person, matched by ID number, never by name.

Who joined (in this period only), whose 会籍 changed, whose details changed (field by field),
who moved village, who vanished without a 会籍 change (「未说明去向」), and the rows that cannot be
matched (no valid ID number). The fields compared are read from the roster's schema: every field
but the ID number, what follows from it (性别, 出生日期), the 会籍 field (its own list), the fields
a template fills in advance (序号, 所属工会) and 备注.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..checks.findings import Invalid
from ..schema import codes
from ..schema.fields import Choice, IdNumber
from ..schema.model import BIRTH_DATE, JOIN_DATE, PERSON_ID, PERSON_NAME, REMARK, SEX, Field, Register
from ..summary.indicators import LEFT, Dataset, Row

_IDS = IdNumber()


def person_id(value: Any) -> str | None:
    """The 18-character ID number of a cell's value (a 15-digit one upgraded), or None when it is none."""
    if value in (None, ""):
        return None
    try:
        return _IDS.convert(value)
    except (Invalid, ArithmeticError, ValueError, TypeError):
        return None


def membership_field(register: Register) -> Field | None:
    """The register's 会籍 field: the one whose values come from the membership code list."""
    return next((f for f in register.fields if isinstance(f.type, Choice) and f.type.codes is codes.MEMBERSHIP), None)


def compared_fields(register: Register) -> list[Field]:
    """The fields whose change is a 信息变更 (see the module's docstring)."""
    derived = {PERSON_ID, SEX, BIRTH_DATE}
    status = membership_field(register)
    return [f for f in register.fields
            if not f.prefilled and f is not REMARK and f is not status and not derived & set(f.roles)]


def shown(value: Any) -> str:
    """A value as the change lists write it: dates as 2012-01-31, blank as empty text."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return str(value).strip()


@dataclass(frozen=True)
class Person:
    village: str
    name: str
    id_number: str


@dataclass(frozen=True)
class Change:
    """One field of one person: ``old`` → ``new`` (as shown)."""

    person: Person
    field: str  # the field's label (手机号码, 工作单位…)
    old: str
    new: str


@dataclass(frozen=True)
class Move:
    person: Person  # under the village of this period
    was: str  # the village of last period


@dataclass(frozen=True)
class Unmatched:
    period: str  # 上期 or 本期
    village: str
    sheet: str
    name: str
    value: str  # what the ID cell holds (empty when blank or invalid)


@dataclass
class Roster:
    """The roster compared: every list the workbook and the screen show."""

    joined: list[tuple[Person, str]] = field(default_factory=list)  # (person, note)
    membership: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)
    vanished: list[tuple[Person, str]] = field(default_factory=list)  # (person, 会籍 last period)
    unmatched: list[Unmatched] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _index(ds: Dataset, register: Register, label: str, unmatched: list[Unmatched]) -> dict[str, dict[str, Row]]:
    """ID number -> village -> row (the first row of an ID in a village); rows without an ID listed."""
    id_key, name_key = register.by_role(PERSON_ID).key, register.by_role(PERSON_NAME).key
    out: dict[str, dict[str, Row]] = {}
    for village, row in ds.rows.get(register.key, ()):
        number = person_id(row.get(id_key))
        if number is None:
            unmatched.append(Unmatched(label, village, register.sheet, shown(row.get(name_key)), shown(row.get(id_key))))
            continue
        out.setdefault(number, {}).setdefault(village, row)
    return out


def merged_villages(ds: Dataset) -> set[str]:
    """The villages (and 本级) whose submission is in the dataset."""
    return {v.name for v in ds.villages if v.merged} | {v for rows in ds.rows.values() for v, _ in rows}


def compare_roster(last: Dataset, this: Dataset, register: Register) -> Roster:
    """The people of ``register`` (the roster) in ``last`` and ``this``."""
    out = Roster()
    before = _index(last, register, "上期", out.unmatched)
    after = _index(this, register, "本期", out.unmatched)
    both = merged_villages(last) & merged_villages(this)
    name_key = register.by_role(PERSON_NAME).key
    status = membership_field(register)
    fields = compared_fields(register)
    join = register.by_role(JOIN_DATE)
    for number, places in after.items():
        old = before.get(number)
        for village, row in places.items():
            person = Person(village, shown(row.get(name_key)), number)
            if old is None:
                if village in both:
                    out.joined.append((person, _join_note(row, join, last.period[1])))
                continue
            was = village if village in old else next(iter(old))
            if was not in places or was == village:
                if was != village:
                    out.moved.append(Move(person, was))
                out.changed.extend(_changes(person, old[was], row, fields))
                if status is not None:
                    out.membership.extend(_changes(person, old[was], row, [status]))
    for number, places in before.items():
        for village, row in places.items():
            gone = number not in after
            state = shown(row.get(status.key)) if status is not None else ""
            if gone and village in both and state not in LEFT:
                out.vanished.append((Person(village, shown(row.get(name_key)), number), state))
    out.notes.extend(_one_sided(last, this))
    return out


def _changes(person: Person, old: Row, new: Row, fields: Iterable[Field]) -> list[Change]:
    return [Change(person, f.label, shown(old.get(f.key)), shown(new.get(f.key))) for f in fields
            if shown(old.get(f.key)) != shown(new.get(f.key))]


def _join_note(row: Row, join: Field | None, last_end: dt.date | None) -> str:
    """Why a newcomer may not be new: a 入会时间 before the end of last period."""
    day = row.get(join.key) if join is not None else None
    if isinstance(day, dt.date) and last_end is not None and day <= last_end:
        return f"入会时间 {shown(day)} 不晚于上期截止 {last_end}：上期漏报或本期补录？"
    return ""


def _one_sided(last: Dataset, this: Dataset) -> list[str]:
    """Notes on the villages whose submission is in one period only (their people are not listed as
    新入会 or 未说明去向: the village, not the people, is what changed)."""
    a, b = merged_villages(last), merged_villages(this)
    notes = [f"{v} 上期未报送（或不在上期的汇总中），其会员未列为新入会。" for v in sorted(b - a)]
    notes += [f"{v} 本期未报送，其上期会员未列为未说明去向。" for v in sorted(a - b)]
    return notes
