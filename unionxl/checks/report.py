"""What validating one file gives: :class:`FileReport` (its findings, clean cover and clean rows),
and :func:`in_memory`, a report made from plain values so that a check can be tested without a workbook."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..reading.tables import Row, Submission
from ..schema.registers import Register
from .findings import ERROR, WARNING, Finding

CleanRow = Row  # a register row after conversion: its cells hold clean values


@dataclass
class FileReport:
    path: Path
    submission: Submission | None = None
    error: str | None = None  # why the file could not be read
    findings: list[Finding] = field(default_factory=list)
    cover: dict[str, Any] = field(default_factory=dict)  # clean cover values
    rows: dict[str, list[Row]] = field(default_factory=dict)  # register key -> rows
    sheets: dict[str, str] = field(default_factory=dict)  # register key -> sheet name as found
    kind: str | None = None  # what the file really is: "xlsx", "xls" or "ods"
    annotated: Path | None = None  # the marked-up copy written for it
    annotate_error: str | None = None  # why no marked-up copy could be written

    @property
    def readable(self) -> bool:
        return self.error is None

    @property
    def village(self) -> str | None:
        return self.cover.get("village") or (self.submission.village if self.submission else None)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count(ERROR)

    @property
    def warnings(self) -> int:
        return self.count(WARNING)

    def release(self) -> None:
        """Drop the cells and rows, keeping the village, the cover and the findings."""
        self.submission = None
        self.rows = {}

    def __getstate__(self) -> dict[str, Any]:
        """Rows pickled by column (merge sends reports between processes): a third of the time."""
        state = self.__dict__.copy()
        state["rows"] = {key: _pack(rows) for key, rows in self.rows.items()}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state["rows"] = {key: _unpack(packed) for key, packed in state["rows"].items()}
        self.__dict__.update(state)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": str(self.path), "village": self.village, "readable": self.readable}
        if self.error is not None:
            out["error"] = self.error
        if self.annotated is not None:
            out["annotated"] = str(self.annotated)
        if self.annotate_error is not None:
            out["annotate_error"] = self.annotate_error
        out["findings"] = [f.as_dict() for f in self.findings]
        return out


def _pack(rows: list[Row]) -> tuple | None:
    if not rows:
        return None
    marked = {i: (r.has_error, r.invalid) for i, r in enumerate(rows) if r.has_error or r.invalid}
    return rows[0].index, rows[0].columns, [r.number for r in rows], [r.cells for r in rows], marked


def _unpack(packed: tuple | None) -> list[Row]:
    if packed is None:
        return []
    index, columns, numbers, cells, marked = packed
    rows = [Row(n, c, index, columns) for n, c in zip(numbers, cells)]
    for i, (has_error, invalid) in marked.items():
        rows[i].has_error, rows[i].invalid = has_error, invalid
    return rows



def in_memory(rows: Mapping[Register, Iterable[Mapping[str, Any]]], cover: Mapping[str, Any] | None = None,
              path: str | Path = "内存.xlsx") -> FileReport:
    """A report of clean values, as validation would give them, for testing a check without a workbook:
    ``rows`` gives each register's rows as dicts of field key -> clean value (a missing key is a blank
    cell). The rows are sheet rows 2, 3, …; each register's fields are columns A, B, … in schema order,
    its sheet named as the template names it."""
    report = FileReport(Path(path), cover=dict(cover or {}))
    for register, values in rows.items():
        keys = [f.key for f in register.fields]
        index = {key: i for i, key in enumerate(keys)}
        report.sheets[register.key] = register.sheet
        report.rows[register.key] = [Row(n, tuple(map(v.get, keys)), index, index) for n, v in enumerate(values, 2)]
    return report
