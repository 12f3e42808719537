"""Merge village submissions: choose one file per village, check across villages, keep provenance.

:func:`merge` validates every file (each in a worker process, on all cores), decides which file
stands for each village (the latest fill date; the others are superseded), sets aside
files of unknown villages and — with ``strict`` — villages with errors, and finds the same
person in two villages. The township's own submission (乡镇本级, :attr:`MergeResult.own`) is merged
like a village's and counted in every total, but is not one of the villages (``entries``).
:mod:`unionxl.writing.township` writes the result.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..jobs.batch import check_all
from ..checks.findings import Finding
from ..checks.validate import FileReport, gc_paused
from ..reading.villages import Village, VillageList, is_own
from . import levels
from ..schema.registers import REGISTERS, Field, Register
from ..schema.reporter import Reporter

Located = tuple[str, FileReport, Finding]  # (village, the file it is in, the finding)


@dataclass
class Entry:
    """One expected village and what it sent."""

    village: Village  # a village, or the township's own submission (``village.own``)
    report: FileReport | None = None  # the submission used
    superseded: list[FileReport] = field(default_factory=list)
    excluded: bool = False  # strict mode left it out for its errors

    @property
    def own(self) -> bool:
        """The township's own submission (乡镇本级): in every total, but not a village."""
        return self.village.own

    @property
    def status(self) -> str:
        if self.report is None:
            return "未报送"
        if self.excluded:
            return "有错误，未合并"
        return "已报送（有错误）" if self.report.errors else "已报送"


@dataclass
class MergeResult:
    entries: list[Entry]  # expected villages, in list order
    unknown: list[FileReport]  # readable files whose village is not expected (or not named)
    unreadable: list[FileReport]
    skipped: list[tuple[Path, str]]  # files in folders that are not submissions
    cross: list[Located]  # findings across villages
    strict: bool = False
    own: Entry | None = None  # the township's own submission (乡镇本级), when the list names it or a cover is one
    reporter: Reporter = field(default_factory=Reporter)  # who reports the summary upward (set by the job)
    level: int = levels.TOWNSHIP  # what is merged: 1 villages into a township workbook, 2 townships into a county's…

    @property
    def units(self) -> list[Entry]:
        """Every expected unit: the villages, then the township's own (in every total, but no village)."""
        return [*self.entries, *([self.own] if self.own else [])]

    @property
    def used(self) -> list[tuple[str, FileReport]]:
        """(village name, report) for every merged submission, in village order, the township's own last;
        a rolled-up workbook gives one (its unit, part) per village file it holds (:mod:`.levels`)."""
        return [(e.village.name, part) for e in self.units if e.report is not None and not e.excluded
                for part in levels.parts(e.report)]

    @property
    def reports(self) -> list[FileReport]:
        out = [r for e in self.units for r in ([e.report] if e.report else []) + e.superseded]
        return out + self.unknown + self.unreadable


def validate_all(
    paths: list[Path],
    villages: VillageList | None = None,
    progress: Callable[[int, int], None] | None = None,
    annotate_to: dict[Path, Path] | None = None,
) -> list[FileReport]:
    """Validate files in order, each in a worker process (a file that crashes the parser is that
    file's error), keeping the clean rows for the merge; marked-up copies where ``annotate_to`` says."""
    with gc_paused():  # unpickling 100k rows would otherwise set off full collections
        return list(check_all(paths, villages, annotate_to, keep_rows=True, progress=progress))


def _newest_first(report: FileReport) -> tuple:
    fill = report.cover.get("fill_date") or dt.date.min
    try:
        mtime = report.path.stat().st_mtime
    except OSError:  # deleted or moved since it was read
        mtime = 0
    return (fill, mtime, report.path.name)


def merge(
    paths: list[Path],
    villages: VillageList | None = None,
    strict: bool = False,
    skipped: list[tuple[Path, str]] | None = None,
    progress: Callable[[int, int], None] | None = None,
    annotate_to: dict[Path, Path] | None = None,
) -> MergeResult:
    """Validate ``paths`` (writing marked-up copies where ``annotate_to`` says) and sort them by village."""
    with gc_paused():
        return _merge(paths, villages, strict, skipped, progress, annotate_to)


def _merge(
    paths: list[Path],
    villages: VillageList | None,
    strict: bool,
    skipped: list[tuple[Path, str]] | None,
    progress: Callable[[int, int], None] | None,
    annotate_to: dict[Path, Path] | None,
) -> MergeResult:
    return assign(validate_all(paths, villages, progress, annotate_to), villages, strict, skipped)


def assign(reports: list[FileReport], villages: VillageList | None, strict: bool,
           skipped: list[tuple[Path, str]] | None, level: int = levels.TOWNSHIP) -> MergeResult:
    """Sort read reports by the unit they name (village files, or the merged workbooks of a roll-up):
    the newest of a unit's files stands for it, the others are superseded; unknown units set aside."""
    readable = [r for r in reports if r.readable]
    if villages is None:  # expected = the villages found, by name
        names = sorted({r.village for r in readable if r.village})
        codes = {r.village: r.cover.get("village_code") or "" for r in readable}
        own = next((n for n in names if is_own(n)), None)
        villages = VillageList([Village(n, codes.get(n, "")) for n in names if n != own],
                               Village(own, codes.get(own, ""), own=True) if own else None)
    entries = [Entry(v) for v in villages.units]
    by_name = {e.village.name: e for e in entries}
    unknown: list[FileReport] = []
    sent: dict[str, list[FileReport]] = defaultdict(list)
    for r in readable:
        found = villages.find(r.village) if r.village else None
        if found is None:
            unknown.append(r)
        else:
            sent[found.name].append(r)
    for name, files in sent.items():
        files.sort(key=_newest_first, reverse=True)
        entry = by_name[name]
        entry.report, entry.superseded = files[0], files[1:]
        entry.excluded = strict and files[0].errors > 0
    villages_only = [e for e in entries if not e.own]
    own = next((e for e in entries if e.own), None)
    result = MergeResult(villages_only, unknown, [r for r in reports if not r.readable], skipped or [], [], strict, own,
                         level=level)
    result.cross = cross_village(result.used)
    return result


def unknown_reason(report: FileReport) -> str:
    """Why a readable file was not merged, with the listed village it probably means (Chinese, one line)."""
    if isinstance(report, levels.Rolled):
        word = levels.unit_word(report.level + 1)
        return f"汇总工作簿的{word}名「{report.village}」不在{word}名单中，未合并"
    if not report.village:
        return "封面未填村名，未合并"
    hint = next((f.params.get("suggestion", "") for f in report.findings if f.code == "unknown-village"), "")
    return f"封面村名「{report.village}」不在村名单中{hint}，未合并"


def cross_village(used: list[tuple[str, FileReport]]) -> list[Located]:
    """The same value in two villages where a register says it may not be (``Register.cross_village``):
    the same ID in two villages' rosters, the same person aided by two villages."""
    findings: list[Located] = []
    for register in REGISTERS:
        for role, code in register.cross_village:
            field = register.by_role(role)
            if field is not None:
                findings += _shared(used, register, field, code)
    return findings


def _shared(used: list[tuple[str, FileReport]], register: Register, field: Field, code: str) -> list[Located]:
    """A ``code`` finding at each row of ``register`` whose ``field`` value is in more than one village."""
    key, id_key = register.key, field.key
    first: dict[str, str] = {}  # value -> the first village it is in
    shared: set[str] = set()  # values in more than one village
    for village, report in used:
        for row in report.rows.get(key, ()):
            idn = row.get(id_key)
            if idn and first.setdefault(idn, village) != village:
                shared.add(idn)
    if not shared:
        return []
    places: dict[str, list[tuple[str, FileReport, int, int | None]]] = defaultdict(list)
    for village, report in used:
        for row in report.rows.get(key, ()):
            idn = row.get(id_key)
            if idn in shared:
                places[idn].append((village, report, row.number, row.col(id_key)))
    findings: list[Located] = []
    for idn, where in places.items():
        shown = "、".join(dict.fromkeys(levels.place(v, r) for v, r, _, _ in where))
        for village, report, number, col in where:
            finding = Finding(code, {"villages": shown}, sheet=report.sheets.get(key), row=number, col=col,
                              field=field.label, value=idn)
            findings.append((village, report, finding))
    return findings
