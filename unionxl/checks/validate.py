"""Validate a village submission: read it, convert every cell, run the checks.

Cells are converted here (each field type raises its own codes); the checks beyond one cell are
declared units (:mod:`unionxl.checks.registry`) run in order: the cover checks, each register's
structure checks, then the row checks each register lists. The result, :class:`FileReport`, carries
the findings (each at its sheet, row and column) and the clean rows, so merge and summary reuse one
pass over the file.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import registry, rows, structure
from ..schema.fields import FieldType, is_blank
from .findings import LISTED, Finding, Invalid, capped, more
from .naming import infer_village
from .report import CleanRow, FileReport
from ..reading.reader import ReadError, Submission, Table, read
from ..schema.registers import COVER, REGISTERS, Register
from ..reading.villages import VillageList

__all__ = ["CleanRow", "FileReport", "convert_column", "convert_table", "gc_paused", "run_rows", "shown", "validate_file"]
CHECK_MODULES = (structure, rows)  # where the checks are declared (importing them fills ``registry.CHECKS``)


_NUMERIC = {bool, int, float}


Problem = tuple[Invalid | None, list[Invalid]]  # (the error or None, warnings) for one cell


def convert_column(ftype: FieldType, raws: Sequence[Any], distinct: set[Any] | None = None
                   ) -> tuple[Sequence[Any], dict[int, Problem]]:
    """Clean values of a column of raw values (None stays None), and the problems by position.
    Each distinct value is converted once: codes, dates and names repeat a lot. ``distinct``, when
    the caller has it, holds at least every value of ``raws``."""
    keys = raws
    if distinct is None:
        distinct = set(raws)
    # 1, 1.0 and TRUE are one set member but not one value: then key by type too (the types are taken
    # down the column, not across the set: its members lie all over memory, the column's in order)
    if len(set(map(type, raws)) & _NUMERIC) > 1:
        keys = [(raw.__class__, raw) for raw in raws]
        distinct = set(keys)
    # and for the same reason a column of mostly distinct values (ID numbers, phones) is walked in order
    unique = 2 * len(distinct) > len(raws)
    values: dict[Any, Any] = {} if keys is not raws else ftype.convert_common(raws if unique else distinct)
    common = len(values)
    bad: dict[Any, Problem] = {}
    notes: list[Invalid] = []
    for key in distinct.difference(values) if common else distinct:
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
    if unique and not bad and common == len(distinct) - (None in distinct) and all(k is v for k, v in values.items()):
        return raws, problems  # every value is its own clean value (ID numbers, phones…)
    # else mapped: equal values become one object (a code column holds a few strings, not 100,000 copies)
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
    if not table.numbers:  # a register with its header only (most villages' 维权案件): nothing to convert
        return []
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
    out = [CleanRow(n, cells, index, table.columns) for n, cells in zip(table.numbers, zip(*clean))]
    for i, bad in invalid.items():
        out[i].has_error = True
        out[i].invalid = {k: v for k, v in bad.items() if v is not None}
    return out


class _Column:
    """The findings of one column: past ``LISTED`` of one code they are counted, not made."""

    def __init__(self, findings: list[Finding], sheet: str, col: int, label: str) -> None:
        self.findings, self.sheet, self.col, self.label = findings, sheet, col, label
        self.counts: dict[str, int] = {}
        self.firsts: dict[str, Finding] = {}

    def add(self, row: int, make, code: str) -> None:
        n = self.counts[code] = self.counts.get(code, 0) + 1
        if n <= LISTED:
            found = make({"sheet": self.sheet, "row": row, "col": self.col + 1, "field": self.label})
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
        where = {"sheet": sub.cover_sheet, "row": found.row, "col": found.col, "field": f.label}
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

    Pauses nest (an inner one leaves the GC off); the outermost sets the collector back as it found
    it. Nothing is frozen: the objects made stay the collector's, as in any other process."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def validate_file(path: str | Path, villages: VillageList | None = None, data: bytes | None = None,
                  checks: Iterable[str] | None = None, skip: Iterable[str] = ()) -> FileReport:
    """Validate one file (with the cyclic GC paused: the objects made here hold no cycles).

    ``data`` are the file's bytes when the caller has read them already. ``checks`` names the checks
    to run (all when None; ``registry.CHECKS`` has their names), ``skip`` those not to run; cells are
    always converted, so their findings (and missing sheets and cover items) are always there."""
    chosen = registry.chosen(checks, skip)
    with gc_paused():
        return _validate_file(Path(path), villages, data, chosen)


def _validate_file(path: Path, villages: VillageList | None, data: bytes | None,
                   chosen: list[registry.Check]) -> FileReport:
    try:
        sub = read(path, data)
    except ReadError as exc:
        return FileReport(path, error=exc.reason)
    registers = list(REGISTERS)
    report = FileReport(path, sub, kind=sub.kind)
    findings = report.findings
    if sub.cover_sheet is None:
        findings.append(Finding("missing-cover", sheet=COVER.sheet))
    else:
        inferred = infer_village(sub, villages)
        findings.extend([inferred] if inferred else [])
        report.cover = convert_cover(sub, findings)
        for check in registry.of_kind(chosen, registry.COVER):
            findings.extend(check(report, sub, villages))
    for register in sub.missing_sheets:  # a register newer than the workbook's template is absent, not missing
        code = "register-absent" if register.optional else "missing-sheet"
        findings.append(Finding(code, {"sheet": register.sheet, "since": register.since, "title": register.title},
                                sheet=register.sheet))
    for register in registers:
        table = sub.tables.get(register.key)
        if table is None:
            continue
        report.sheets[register.key] = table.sheet
        for check in registry.of_kind(chosen, registry.STRUCTURE):
            findings.extend(check(table))
        report.rows[register.key] = convert_table(table, findings)
    for register in registers:
        if register.key in report.rows:
            for check in registry.for_register(chosen, register):
                findings.extend(check(report, register))
    report.findings = findings = capped(findings)
    # cover first, then the registers in schema order; within a sheet by row, then column
    rank = {name: i for i, name in enumerate([sub.cover_sheet, *(report.sheets.get(r.key, r.sheet) for r in registers)])}
    findings.sort(key=lambda f: (rank.get(f.sheet, len(rank)), f.row or 0, f.col or 0))
    return report


def run_rows(check: str, report: FileReport, register: Register) -> list[Finding]:
    """The findings of the row check named ``check`` on ``register``'s rows of ``report`` (e.g. one
    made by :func:`unionxl.checks.report.in_memory`)."""
    return list(registry.CHECKS[check](report, register))
