"""The roll-up: merged workbooks of one level (township workbooks) merged into one of the level above (county).

:func:`read_workbook` reads one merged workbook — in a worker process, as village files are read
(:mod:`unionxl.jobs.isolation`): the file came from elsewhere and may be anything. It reads the data
part (:func:`unionxl.writing.readback.read_dataset`), never the display sheets' figures, and gives a
:class:`~unionxl.merging.levels.Rolled`: its unit (the township), its rows by village file with their
chain of places, and findings for what was done to it by hand since the merge:

- ``data-altered`` (error): the very hidden data part no longer matches the digest written with it;
- ``edited-after-merge`` (warning): a register cell on a visible sheet differs from the data part
  (compared by each row's 来源文件 and 来源位置, field by field under the schema's labels);
- ``rows-after-merge`` (warning): rows typed in or deleted (the notes of ``read_dataset``);
- ``masked-workbook`` (warning): a ``--mask`` copy, whose ID numbers cannot be compared across units.

:func:`roll_up` reads every workbook and sorts them by unit like :func:`~unionxl.merging.merge.merge`
sorts village files (newest of a unit stands, unknown units set aside), then checks across units.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from ..checks.findings import Finding, capped
from ..checks.validate import gc_paused, shown
from ..jobs.isolation import Crashed, run_each
from ..reading.reader import ReadError, open_book, parsing
from ..reading.tables import Row
from ..reading.villages import VillageList
from ..schema import registers
from ..schema.fields import IdNumber
from ..writing import marks
from ..writing.datapart import DIGEST, Digest
from ..writing.readback import Column, cell_day, cell_text, read_dataset
from . import levels
from .levels import Part, Rolled
from .merge import MergeResult, assign

LISTED_EDITS = 20  # cells listed per column of a register; more are counted in one line
FILE, CELL = "来源文件", "来源位置"


class Watch:
    """What :func:`read_dataset` passes by: the data part's first record, its digest, each row with its chain."""

    def __init__(self) -> None:
        self.header: list[Any] = []
        self.stored: str | None = None  # the digest written with the data part (None: written before digests)
        self.digest = Digest()
        self.rows: dict[tuple, list[tuple[str, str, dict[str, Any]]]] = defaultdict(list)  # chain -> rows

    def records(self, records: Iterable[list[Any]]) -> Iterator[list[Any]]:
        for record in records:
            if not self.header:
                self.header = list(record)
            elif record and record[0] == DIGEST:
                self.stored = cell_text(record[1]) if len(record) > 1 else ""
                continue
            else:
                self.digest.add(record)
            yield record

    def row(self, key: str, chain: tuple, cell: str, values: dict[str, Any]) -> None:
        self.rows[chain].append((key, cell, values))

    def cell(self, i: int) -> Any:
        return self.header[i] if i < len(self.header) else None


def read_workbook(path: Path) -> Rolled:
    """One merged workbook read for the roll-up (runs in a worker; never raises for what the file holds)."""
    report = Rolled(path)
    mark = marks.read(path)
    if levels.level_of(mark.kind if mark else None) is None:
        report.error = "不是 unionxl merge 生成的汇总工作簿（没有它的标记），未合并。"
        return report
    watch = Watch()
    try:
        ds = read_dataset(path, watch)
    except ReadError as exc:
        report.error = exc.reason
        return report
    except MemoryError:
        report.error = "文件太大，内存不足，无法读取。"
        return report
    report.level, report.units, report.kind = ds.level, ds.villages, "xlsx"
    name = cell_text(watch.cell(4)).strip() or path.stem
    report.cover = {"village": name, "period_start": ds.period[0], "period_end": ds.period[1],
                    "fill_date": cell_day(watch.cell(5))}
    unit = levels.word(ds.level)  # who should fix it: the township
    report.parts = _parts(watch, name, path, ds.period, report.cover["fill_date"])
    if watch.stored is not None and watch.stored != watch.digest.hexdigest():
        report.findings.append(Finding("data-altered", {"unit": unit}, sheet=None))
    if ds.masked:
        report.findings.append(Finding("masked-workbook", {"unit": unit}))
    report.findings += [Finding("rows-after-merge", {"note": note}) for note in ds.notes]
    try:
        report.findings += edits(path, watch.rows, ds.masked, unit)
    except ReadError as exc:  # the data part was read: the display sheets only add notes
        report.findings.append(Finding("rows-after-merge", {"note": f"无法核对显示的登记表：{exc.reason}"}))
    return report


_ROW = re.compile(r"[A-Za-z]+(\d+)$")


def _parts(watch: Watch, name: str, path: Path, period: tuple, filled: dt.date | None) -> list[Part]:
    """One :class:`Part` per village file in the workbook, its rows as clean :class:`Row` objects."""
    out: list[Part] = []
    indexes: dict[tuple[str, ...], dict[str, int]] = {}
    for chain, rows in watch.rows.items():
        part = Part(Path(chain[0][1] or "（未注明来源文件）"))
        part.chain = (*chain, (name, path.name))
        part.cover = {"village": chain[0][0], "period_start": period[0], "period_end": period[1], "fill_date": filled}
        for key, cell, values in rows:
            sheet, _, ref = cell.rpartition("!")
            found = _ROW.search(ref)
            keys = tuple(values)
            index = indexes.setdefault(keys, {k: i for i, k in enumerate(keys)})
            part.sheets.setdefault(key, sheet or key)
            part.rows.setdefault(key, []).append(Row(int(found[1]) if found else 0, tuple(values.values()), index, {}))
        out.append(part)
    return out


def edits(path: Path, rows: dict[tuple, list[tuple[str, str, dict[str, Any]]]], masked: bool,
          unit: str) -> list[Finding]:
    """An ``edited-after-merge`` finding for every register cell on a visible sheet that differs from the
    data part, the row found by its 来源文件 and 来源位置 (cells the merge left blank are not compared:
    what a village typed wrongly is shown there as typed)."""
    by_source: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for chain, items in rows.items():
        for key, cell, values in items:
            by_source[(key, chain[0][1], cell)].append(values)
    book = open_book(path)
    findings: list[Finding] = []
    with parsing(path, "显示的登记表无法读取"):
        for register in registers.REGISTERS:
            if register.sheet in book.sheet_names:
                sheet = book.get_sheet_by_name(register.sheet)
                start = sheet.start[0] if sheet.start else 0
                findings += _sheet_edits(register, sheet.iter_rows(), start, by_source, masked, unit)
    return capped(findings, LISTED_EDITS)


def _sheet_edits(register, grid, start: int, by_source, masked: bool, unit: str) -> list[Finding]:
    header = [str(v).strip() if v is not None else "" for v in next(grid, [])]
    if FILE not in header or CELL not in header:
        return []
    file_col, cell_col = header.index(FILE), header.index(CELL)
    labels = {f.label: f for f in register.fields if f.key != "seq" and not (masked and isinstance(f.type, IdNumber))}
    columns = [(c, labels[t], Column(labels[t].type)) for c, t in enumerate(header) if t in labels]
    out: list[Finding] = []
    for number, line in enumerate(grid, start=start + 2):
        if max(file_col, cell_col) >= len(line):
            continue
        merged = by_source.get((register.key, cell_text(line[file_col]), cell_text(line[cell_col])))
        if not merged:
            continue  # a row typed in: read_dataset's notes say so
        for c, f, convert in columns:
            now = convert(line[c]) if c < len(line) else None
            old = [values.get(f.key) for values in merged]
            if any(o is None or o == now for o in old):
                continue
            out.append(Finding("edited-after-merge", {"old": shown(old[0]), "unit": unit, "field": f.label},
                               sheet=register.sheet,
                               row=number, col=c + 1, field=f.label, value=None if now is None else shown(now)))
    return out


def roll_up(paths: list[Path], units: VillageList | None = None, strict: bool = False,
            skipped: list[tuple[Path, str]] | None = None,
            progress: Callable[[int, int], None] | None = None) -> MergeResult:
    """Read the merged workbooks ``paths`` (each in a worker) and merge them one level up: the county's
    :class:`MergeResult`, its units the townships (``units`` the list of those expected)."""
    with gc_paused():
        reports: list[Rolled] = []
        for done, (path, read) in enumerate(zip(paths, run_each(read_workbook, paths)), start=1):
            if isinstance(read, Crashed):
                read = Rolled(path, error=read.reason)
            read.rows = {r.key: [row for p in read.parts for row in p.rows.get(r.key, ())] for r in registers.REGISTERS}
            reports.append(read)
            if progress:
                progress(done, len(paths))
        level = 1 + max((r.level for r in reports if r.readable), default=levels.TOWNSHIP)
        return assign(reports, units, strict, skipped, level)  # which checks across units too
