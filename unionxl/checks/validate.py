"""Validate a village submission: read it, convert every cell, run the checks.

The result, :class:`FileReport`, carries the findings (each at its sheet and cell) and the
clean rows, so merge and summary reuse one pass over the file.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import rows as checks
from ..schema.fields import FieldType, is_blank
from .findings import ERROR, LISTED, WARNING, Finding, Invalid, capped, more
from .naming import infer_village
from ..reading.reader import ReadError, Submission, Table, cell_name, read
from ..schema.registers import COVER, REGISTERS
from ..reading.villages import VillageList


@dataclass(slots=True)
class CleanRow:
    """One register row after conversion. ``cells[index[key]]`` is the clean value of field ``key``
    (None when blank or invalid); ``index`` and ``columns`` are shared by the rows of a table."""

    number: int  # 1-based row in the village's sheet
    cells: tuple[Any, ...]
    index: dict[str, int]  # field key -> position in cells
    columns: dict[str, int]  # field key -> zero-based column in the village's sheet
    has_error: bool = False
    invalid: dict[str, Any] = field(default_factory=dict)  # field key -> raw value that did not convert

    def get(self, key: str) -> Any:
        """The clean value of field ``key``; None when blank, invalid or not in the sheet."""
        i = self.index.get(key)
        return None if i is None else self.cells[i]

    @property
    def values(self) -> dict[str, Any]:
        """Field key -> clean value, for every column the sheet has."""
        return dict(zip(self.index, self.cells))

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


def _pack(rows: list[CleanRow]) -> tuple | None:
    if not rows:
        return None
    marked = {i: (r.has_error, r.invalid) for i, r in enumerate(rows) if r.has_error or r.invalid}
    return rows[0].index, rows[0].columns, [r.number for r in rows], [r.cells for r in rows], marked


def _unpack(packed: tuple | None) -> list[CleanRow]:
    if packed is None:
        return []
    index, columns, numbers, cells, marked = packed
    rows = [CleanRow(n, c, index, columns) for n, c in zip(numbers, cells)]
    for i, (has_error, invalid) in marked.items():
        rows[i].has_error, rows[i].invalid = has_error, invalid
    return rows


_NUMERIC = {bool, int, float}


Problem = tuple[Invalid | None, list[Invalid]]  # (the error or None, warnings) for one cell


def convert_column(ftype: FieldType, raws: Sequence[Any], distinct: set[Any] | None = None
                   ) -> tuple[list[Any], dict[int, Problem]]:
    """Clean values of a column of raw values (None stays None), and the problems by position.
    Each distinct value is converted once: codes, dates and names repeat a lot. ``distinct``, when
    the caller has it, holds at least every value of ``raws``."""
    keys = raws
    if distinct is None:
        distinct = set(raws)
    # 1, 1.0 and TRUE are one set member but not one value: then key by type too
    if set(map(type, distinct)) & _NUMERIC and len(set(map(type, raws)) & _NUMERIC) > 1:
        keys = [(raw.__class__, raw) for raw in raws]
        distinct = set(keys)
    values: dict[Any, Any] = {}
    bad: dict[Any, Problem] = {}
    notes: list[Invalid] = []
    for key in distinct:
        raw = key if keys is raws else key[1]
        if raw is None:
            values[key] = None
            continue
        try:
            values[key] = ftype.convert(raw, notes)
        except Invalid as problem:
            values[key] = None
            bad[key], notes = (problem, notes), []
            continue
        if notes:
            bad[key], notes = (None, notes), []
    problems = {i: bad[key] for i, key in enumerate(keys) if key in bad} if bad else {}
    return list(map(values.__getitem__, keys)), problems


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
    """Convert a register column by column; findings for bad cells and blank required cells."""
    keys = list(table.raw)
    clean: list[list[Any]] = []
    invalid: dict[int, dict[str, Any]] = {}  # data row index -> field key -> raw value (None: blank)
    for key in keys:
        f, raws, col = table.register.field(key), table.raw[key], table.columns[key]
        ftype = f.type.monthly() if key in table.month_keys else f.type
        values, problems = convert_column(ftype, raws, table.distinct.get(key))
        clean.append(values)
        column = _Column(findings, table.sheet, col, f.label)
        for i, (problem, notes) in problems.items():
            if problem is not None:  # the error says what to fix; warnings about the same cell would distract
                invalid.setdefault(i, {})[key] = raws[i]
            for found in [problem] if problem is not None else notes:
                column.add(table.numbers[i], lambda where, found=found, i=i: found.finding(shown(raws[i]), **where),
                           found.code)
        if f.required and None in raws:
            for i in [i for i, raw in enumerate(raws) if raw is None]:
                invalid.setdefault(i, {})[key] = None
                column.add(table.numbers[i], lambda where: Finding("required", **where), "required")
        column.close()
    index = {key: i for i, key in enumerate(keys)}
    rows = [CleanRow(n, cells, index, table.columns) for n, cells in zip(table.numbers, zip(*clean))]
    for i, bad in invalid.items():
        rows[i].has_error = True
        rows[i].invalid = {k: v for k, v in bad.items() if v is not None}
    return rows


class _Column:
    """The findings of one column: past ``LISTED`` of one code they are counted, not made."""

    def __init__(self, findings: list[Finding], sheet: str, col: int, label: str) -> None:
        self.findings, self.sheet, self.col, self.label = findings, sheet, col, label
        self.counts: dict[str, int] = {}
        self.firsts: dict[str, Finding] = {}

    def add(self, row: int, make, code: str) -> None:
        n = self.counts[code] = self.counts.get(code, 0) + 1
        if n <= LISTED:
            found = make({"sheet": self.sheet, "cell": cell_name(row - 1, self.col), "field": self.label})
            self.findings.append(found)
            self.firsts.setdefault(code, found)

    def close(self) -> None:
        self.findings.extend(more(self.firsts[code], n - LISTED) for code, n in self.counts.items() if n > LISTED)


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
    collection over 100k rows costs a tenth of a second, and allocation sets one off again and again.

    On the way out the objects made are frozen (``gc.freeze``) rather than traversed by the next
    young collection, which alone costs 0.08 s after 100k rows. The next pause unfreezes them into
    the oldest generation, where later full collections see them again."""
    enabled = gc.isenabled()
    gc.disable()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def validate_file(path: str | Path, villages: VillageList | None = None, data: bytes | None = None) -> FileReport:
    """Validate one file (with the cyclic GC paused: the objects made here hold no cycles).

    ``data`` are the file's bytes when the caller has read them already."""
    with gc_paused():
        return _validate_file(Path(path), villages, data)


def _validate_file(path: Path, villages: VillageList | None, data: bytes | None) -> FileReport:
    try:
        sub = read(path, data)
    except ReadError as exc:
        return FileReport(path, error=exc.reason)
    report = FileReport(path, sub, kind=sub.kind)
    findings = report.findings
    if sub.cover_sheet is None:
        findings.append(Finding("missing-cover", sheet=COVER.sheet))
    else:
        inferred = infer_village(sub, villages)
        findings.extend([inferred] if inferred else [])
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
    report.findings = findings = capped(findings)
    # cover first, then the registers in schema order; within a sheet by row, then column
    rank = {name: i for i, name in enumerate([sub.cover_sheet, *(report.sheets.get(r.key, r.sheet) for r in REGISTERS)])}
    findings.sort(key=lambda f: (rank.get(f.sheet, len(rank)), *checks.split_cell(f.cell)))
    return report
