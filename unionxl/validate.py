"""Validate a village submission: read it, convert every cell, run the checks.

The result, :class:`FileReport`, carries the findings (each at its sheet and cell) and the
clean rows, so merge and summary reuse one pass over the file.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import checks
from .fields import Choice, FieldType, is_blank
from .findings import ERROR, WARNING, Finding, Invalid
from .reader import ReadError, Submission, Table, cell_name, read
from .schema import COVER, REGISTERS, Field
from .villages import VillageList


@dataclass
class CleanRow:
    number: int  # 1-based row in the village's sheet
    values: dict[str, Any]  # field key -> clean value; None when blank or invalid
    columns: dict[str, int]  # field key -> zero-based column (shared by the rows of a table)
    has_error: bool = False
    invalid: dict[str, Any] = field(default_factory=dict)  # field key -> raw value that did not convert

    def cell(self, key: str) -> str | None:
        """A1 name of this row's cell for ``key``; None when the sheet has no such column."""
        col = self.columns.get(key)
        return None if col is None else cell_name(self.number - 1, col)


@dataclass
class FileReport:
    path: Path
    submission: Submission | None = None
    error: str | None = None  # why the file could not be read
    findings: list[Finding] = field(default_factory=list)
    cover: dict[str, Any] = field(default_factory=dict)  # clean cover values
    rows: dict[str, list[CleanRow]] = field(default_factory=dict)  # register key -> rows
    sheets: dict[str, str] = field(default_factory=dict)  # register key -> sheet name as found

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

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": str(self.path), "village": self.village, "readable": self.readable}
        if self.error is not None:
            out["error"] = self.error
        out["findings"] = [f.as_dict() for f in self.findings]
        return out


class Converter:
    """Converts cells of one field, remembering results for repeated values (codes, dates)."""

    def __init__(self, field: Field) -> None:
        self.field = field
        self.type: FieldType = field.type
        self._cache: dict[tuple[type, Any], tuple[Any, Invalid | None, list[Invalid]]] | None = (
            {} if isinstance(field.type, Choice) or field.type.name in ("date", "money", "integer", "text") else None
        )

    def __call__(self, raw: Any) -> tuple[Any, Invalid | None, list[Invalid]]:
        if self._cache is None:
            return self._convert(raw)
        key = raw if raw.__class__ is str else (raw.__class__, raw)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._convert(raw)
        return hit

    def _convert(self, raw: Any) -> tuple[Any, Invalid | None, list[Invalid]]:
        notes: list[Invalid] = []
        try:
            return self.type.convert(raw, notes), None, notes
        except Invalid as problem:
            return None, problem, notes


def shown(raw: Any) -> Any:
    """A raw value as a person would see it in a finding."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime) and raw.time() == dt.time():
        return raw.date().isoformat()
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return raw


def convert_table(table: Table, findings: list[Finding]) -> list[CleanRow]:
    converters = {key: Converter(table.register.field(key)) for key in table.columns}
    required = [f.key for f in table.register.fields if f.required and f.key in table.columns]
    sheet = table.sheet
    out: list[CleanRow] = []
    for row in table.rows:
        values: dict[str, Any] = {}
        invalid: dict[str, Any] = {}
        for key, raw in row.values.items():
            if raw is None:
                values[key] = None
                continue
            value, problem, notes = converters[key](raw)
            values[key] = value
            if problem is None and not notes:
                continue
            where = {"sheet": sheet, "cell": row.cell(key), "field": converters[key].field.label}
            if problem is not None:  # the error says what to fix; warnings about the same cell would distract
                invalid[key] = raw
                findings.append(problem.finding(shown(raw), **where))
            else:
                findings.extend(note.finding(shown(raw), **where) for note in notes)
        for key in required:
            if row.values[key] is None:
                invalid.setdefault(key, None)
                findings.append(Finding("required", sheet=sheet, cell=row.cell(key),
                                        field=table.register.field(key).label))
        has_error = bool(invalid)
        invalid = {k: v for k, v in invalid.items() if v is not None}
        out.append(CleanRow(row.number, values, table.columns, has_error, invalid))
    return out


def convert_cover(sub: Submission, findings: list[Finding]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    for f in COVER.fields:
        found = sub.cover.get(f.key)
        if found is None:
            if f.required:
                findings.append(Finding("missing-cover-field", {"column": f.label}, sheet=sub.cover_sheet, field=f.label))
            continue
        where = {"sheet": sub.cover_sheet, "cell": found.cell, "field": f.label}
        if is_blank(found.raw):
            if f.required:
                findings.append(Finding("required", **where))
            continue
        notes: list[Invalid] = []
        try:
            clean[f.key] = f.type.convert(found.raw, notes)
        except Invalid as problem:
            findings.append(problem.finding(shown(found.raw), **where))
        findings.extend(n.finding(shown(found.raw), **where) for n in notes)
    return clean


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic GC: validating and merging make millions of objects and no cycles; a full
    collection over 100k rows costs a tenth of a second, and allocation sets one off again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate_file(path: str | Path, villages: VillageList | None = None) -> FileReport:
    """Validate one file (with the cyclic GC paused: the objects made here hold no cycles)."""
    with gc_paused():
        return _validate_file(Path(path), villages)


def _validate_file(path: Path, villages: VillageList | None) -> FileReport:
    try:
        sub = read(path)
    except ReadError as exc:
        return FileReport(path, error=exc.reason)
    report = FileReport(path, sub)
    findings = report.findings
    if sub.cover_sheet is None:
        findings.append(Finding("missing-cover", sheet=COVER.sheet))
    else:
        report.cover = convert_cover(sub, findings)
        findings.extend(checks.cover(report.cover, sub, villages))
    for register in sub.missing_sheets:
        findings.append(Finding("missing-sheet", {"sheet": register.sheet}, sheet=register.sheet))
    for register in REGISTERS:
        table = sub.tables.get(register.key)
        if table is None:
            continue
        report.sheets[register.key] = table.sheet
        findings.extend(checks.structure(table))
        report.rows[register.key] = convert_table(table, findings)
    findings.extend(checks.rows(report))
    # cover first, then the registers in schema order; within a sheet by row, then column
    rank = {name: i for i, name in enumerate([sub.cover_sheet, *(report.sheets.get(r.key, r.sheet) for r in REGISTERS)])}
    findings.sort(key=lambda f: (rank.get(f.sheet, len(rank)), *checks.split_cell(f.cell)))
    return report
