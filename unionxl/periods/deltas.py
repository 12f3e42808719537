"""The summary's indicators of two periods side by side: township-wide (:data:`SCALARS`) and per
village (the 分村表), each with its change. Computed by :mod:`unionxl.summary.indicators`, never here."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ..summary.indicators import SCALARS, TABLES, Dataset

NUMERIC = ("count", "money", "ratio")
PER_VILLAGE = "分村表"


@dataclass(frozen=True)
class Delta:
    name: str
    kind: str  # count | money | ratio
    unit: str
    last: Any
    this: Any

    @property
    def change(self) -> Any:
        """This period less the last; None where either is unknown (a ratio of nothing)."""
        if self.last is None or self.this is None:
            return None
        change = self.this - self.last
        return round(change, 4) if self.kind == "ratio" else change

    def text(self, value: Any, signed: bool = False) -> str:
        """A value (or, ``signed``, a change) as shown: +12 人, −3 件, 1,234.00 元, +2.5 个百分点."""
        if value is None:
            return "—"
        sign = ("+" if value > 0 else "−" if value < 0 else "±") if signed else ("−" if value < 0 else "")
        size = abs(value)
        if self.kind == "ratio":
            return f"{sign}{size * 100:.1f} 个百分点" if signed else f"{sign}{size:.1%}"
        number = f"{size:,.2f}" if self.kind == "money" else f"{size}"
        return f"{sign}{number} {self.unit}".strip()


def indicator_deltas(last: Dataset, this: Dataset) -> list[Delta]:
    """Every numeric township indicator of both periods."""
    return [Delta(i.name, i.kind, i.unit, i.compute(last), i.compute(this)) for i in SCALARS if i.kind in NUMERIC]


def village_deltas(last: Dataset, this: Dataset) -> list[tuple[str, Delta]]:
    """(village, delta) for every numeric column of the per-village table where either period has a figure;
    villages in this period's order, then those of the last period only."""
    spec = next((t for t in TABLES if t.name == PER_VILLAGE), None)
    if spec is None:
        return []
    columns = [(i, title, kind) for i, (title, kind) in enumerate(spec.columns) if kind in NUMERIC]
    before = {row[0]: row for row in spec.compute(last)}
    after = {row[0]: row for row in spec.compute(this)}
    out = []
    for village in [*after, *(v for v in before if v not in after)]:
        old, new = before.get(village), after.get(village)
        for i, title, kind in columns:
            a = old[i] if old is not None else _zero(kind)
            b = new[i] if new is not None else _zero(kind)
            if a or b:
                out.append((village, Delta(title, kind, "", a, b)))
    return out


def _zero(kind: str) -> Any:
    return Decimal("0.00") if kind == "money" else 0
