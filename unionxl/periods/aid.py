"""Aid across two periods, by ID number: who was aided in both, and yearly totals against a cap.

A payment is (ID number, date, aid type, amount). One that both periods register (a cumulative
report repeats the months of the last one) is one payment, not two: it is counted once in the
yearly totals and does not make the person "aided in both periods". Caps are per person and
calendar year, for one aid type (``生活救助=3000``) or for all types together (``3000``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..errors import UserError
from ..schema import codes
from ..schema.fields import Choice
from ..schema.model import MONEY, PERIOD_DATE, PERSON_ID, PERSON_NAME, Register
from ..summary.indicators import Dataset
from .members import Person, Unmatched, person_id, shown

ALL = ""  # the cap key for all aid types together
ALL_LABEL = "全部类型"
_TYPES = Choice(codes.AID_TYPE)

Payment = tuple[str, object, str, Decimal]  # (ID number, date, aid type, amount)


def type_field(register: Register):
    return next((f for f in register.fields if isinstance(f.type, Choice) and f.type.codes is codes.AID_TYPE), None)


def aid_register(registers: Iterable[Register]) -> Register | None:
    """The register of aid payments: the one whose rows have an aid type, a person, a date and an amount."""
    return next((r for r in registers if type_field(r) is not None and r.has(PERSON_ID, PERIOD_DATE, MONEY)), None)


def parse_caps(given: Iterable[str] | Mapping[str, object] | None) -> dict[str, Decimal]:
    """``["生活救助=3000", "5000"]`` (or a mapping type -> amount) as aid type label -> cap; a bare
    amount caps all types together. Unknown types and amounts that are not numbers are refused."""
    if not given:
        return {}
    pairs = given.items() if isinstance(given, Mapping) else (_split(str(t)) for t in given)
    caps: dict[str, Decimal] = {}
    for kind, amount in pairs:
        label = ALL
        if kind not in (None, "", ALL_LABEL):
            try:
                label = _TYPES.convert(kind)
            except Exception:
                raise UserError(f"--aid-cap 的帮扶类型“{kind}”不在帮扶类型代码表中（{'、'.join(codes.AID_TYPE.labels)}）。") \
                    from None
        try:
            cap = Decimal(str(amount).strip().replace(",", ""))
        except InvalidOperation:
            raise UserError(f"--aid-cap 的限额“{amount}”不是金额，应写成 3000 或 生活救助=3000。") from None
        if not cap.is_finite() or cap < 0:
            raise UserError(f"--aid-cap 的限额“{amount}”应是不小于 0 的金额。")
        caps[label] = cap
    return caps


def _split(text: str) -> tuple[str, str]:
    kind, _, amount = text.replace("＝", "=").rpartition("=")
    return kind.strip(), amount


@dataclass(frozen=True)
class Repeat:
    """A person aided in both periods: (payments, amount, types) of each."""

    person: Person
    last: tuple[int, Decimal, str]
    this: tuple[int, Decimal, str]


@dataclass(frozen=True)
class OverCap:
    person: Person
    year: int
    kind: str  # an aid type, or 全部类型
    payments: int
    total: Decimal
    cap: Decimal

    @property
    def excess(self) -> Decimal:
        return self.total - self.cap


@dataclass
class Aid:
    repeated: list[Repeat] = field(default_factory=list)
    over_cap: list[OverCap] = field(default_factory=list)
    caps: dict[str, Decimal] = field(default_factory=dict)
    unmatched: list[Unmatched] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _payments(ds: Dataset, register: Register, label: str, out: Aid,
              people: dict[str, Person]) -> Counter:
    id_key, name_key = register.by_role(PERSON_ID).key, register.by_role(PERSON_NAME)
    day, money, kind = register.by_role(PERIOD_DATE).key, register.by_role(MONEY).key, type_field(register).key
    paid: Counter = Counter()
    for village, row in ds.rows.get(register.key, ()):
        name = shown(row.get(name_key.key)) if name_key else ""
        number = person_id(row.get(id_key))
        if number is None:
            out.unmatched.append(Unmatched(label, village, register.sheet, name, shown(row.get(id_key))))
            continue
        people[number] = Person(village, name, number)
        paid[(number, row.get(day), shown(row.get(kind)), row.get(money) or Decimal(0))] += 1
    return paid


def compare_aid(last: Dataset, this: Dataset, register: Register, caps: Mapping[str, Decimal]) -> Aid:
    out = Aid(caps=dict(caps))
    people: dict[str, Person] = {}
    before = _payments(last, register, "上期", out, people)
    after = _payments(this, register, "本期", out, people)  # a person is shown as this period has them
    both = before & after
    if both:
        out.notes.append(f"{sum(both.values())} 笔帮扶两期都登记了（同一人、日期、类型、金额），按一笔计。")
    first = _by_person(before)
    for number, mine in sorted(_by_person(after - before).items()):
        if number in first:
            out.repeated.append(Repeat(people[number], _sums(first[number]), _sums(mine)))
    out.over_cap = _over(before | after, caps, people)
    return out


def _by_person(paid: Counter) -> dict[str, list[Payment]]:
    out: dict[str, list[Payment]] = defaultdict(list)
    for payment, times in paid.items():
        out[payment[0]].extend([payment] * times)
    return out


def _sums(payments: list[Payment]) -> tuple[int, Decimal, str]:
    kinds = "、".join(sorted({p[2] for p in payments if p[2]}))
    return len(payments), sum((p[3] for p in payments), Decimal(0)), kinds


def _over(paid: Counter, caps: Mapping[str, Decimal], people: dict[str, Person]) -> list[OverCap]:
    """Per person and calendar year: each capped type's total, and all types' total, above its cap."""
    if not caps:
        return []
    totals: dict[tuple[str, int, str], list[Decimal]] = defaultdict(list)
    for (number, day, kind, amount), times in paid.items():
        year = getattr(day, "year", None)
        if year is None:
            continue
        for key in {kind, ALL} & set(caps):
            totals[(number, year, key)].extend([amount] * times)
    out = [OverCap(people[n], year, kind or ALL_LABEL, len(amounts), sum(amounts, Decimal(0)), caps[kind])
           for (n, year, kind), amounts in totals.items() if sum(amounts, Decimal(0)) > caps[kind]]
    return sorted(out, key=lambda o: (o.year, o.person.village, o.person.id_number, o.kind))
