"""Read a township workbook back as a :class:`~unionxl.summary.indicators.Dataset`, from its data part.

:func:`read_dataset` never reads display headers: the figures come from the very hidden data
sheet (:mod:`.datapart`). The visible register sheets are only looked at for rows staff added by
hand (a 合计 row, a person typed in): any non-blank row without a 来源文件/来源位置 pair the merge
wrote is named in ``Dataset.notes`` and not counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from ..checks.findings import Invalid
from ..reading.reader import ReadError, open_book, parsing
from ..schema import registers
from ..schema.reporter import Reporter
from ..summary.indicators import Dataset, Row, VillageStatus
from .datapart import DATA_SHEET, DIGEST, FIELDS, MARKER, OWN, PERIOD, REPORTER, SOURCE, VILLAGE

CONTROL = (MARKER, VILLAGE, PERIOD, FIELDS, SOURCE, REPORTER, DIGEST)
MAX_NOTES = 5  # lines naming rows; the rest are counted in one more line
ADVICE = "请用 unionxl merge 生成的乡镇汇总工作簿（不加 --password 的一份）。"


def read_dataset(path: str | Path, watch=None) -> Dataset:
    """The merged data of a township workbook written by ``unionxl merge`` (one Chinese ``ReadError`` line
    for a file that is not one: older, not unionxl's, encrypted or broken). A ``watch`` (the roll-up's
    :class:`~unionxl.merging.rollup.Watch`) sees the data part's records and each row as they are read."""
    path = Path(path)
    try:
        book = open_book(path)
    except ReadError as exc:  # its advice is for a village's file: this one comes from the township
        reason = re.split(r"[，；。]?\s*请让村里", exc.reason)[0].rstrip("，；。")
        raise ReadError(path, f"{reason}。{ADVICE}") from None
    with parsing(path, "无法打开乡镇汇总工作簿，请确认它是 unionxl merge 生成的文件。"):
        if DATA_SHEET not in book.sheet_names:
            raise ReadError(path, f"缺少工作表“{DATA_SHEET}”（合并时写入的数据）：不是 unionxl merge 生成的乡镇汇总"
                                  "工作簿，或由较早的版本生成。请用 unionxl merge 重新生成。")
        records = book.get_sheet_by_name(DATA_SHEET).iter_rows()
        ds, sources = _data(path, watch.records(records) if watch else records, watch.row if watch else None)
        for register in registers.REGISTERS:
            if register.sheet in book.sheet_names:
                sheet = book.get_sheet_by_name(register.sheet)
                _hand_rows(ds.notes, register.sheet, sheet.start[0] if sheet.start else 0, sheet.iter_rows(),
                           sources.get(register.key, {}))
    _cap(ds.notes)
    return ds


class Column:
    """Clean values of one field back from cells: text as stored, anything else through the field's type."""

    def __init__(self, ftype) -> None:
        self.type = ftype
        self.cache: dict[tuple[type, Any], Any] = {}

    def __call__(self, value: Any) -> Any:
        if value is None or value == "" or value.__class__ is str or self.type is None:
            return None if value == "" else value
        key = (value.__class__, value)
        if key not in self.cache:
            try:
                self.cache[key] = self.type.convert(value)
            except (Invalid, ArithmeticError, ValueError, TypeError):
                self.cache[key] = value.date() if isinstance(value, dt.datetime) else value
        return self.cache[key]


def _data(path: Path, records, on_row=None) -> tuple[Dataset, dict[str, dict[str, set[str]]]]:
    """The dataset, and register key -> source cell -> source files of the rows the merge wrote;
    ``on_row(register key, chain, source cell, values)`` for each row where given (the roll-up)."""
    first = next(records, None)
    if not first or first[0] != MARKER:
        raise ReadError(path, f"工作表“{DATA_SHEET}”不是 unionxl 写入的合并数据。{ADVICE}")
    known = {r.key: r for r in registers.REGISTERS}
    villages: list[VillageStatus] = []
    periods: Counter = Counter()
    rows: dict[str, list[tuple[str, Row]]] = defaultdict(list)
    columns: dict[str, tuple[list[str], list[Column]]] = {}
    sources: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    source = None  # (register key, village, file) of the rows that follow
    reporter = Reporter()  # a workbook written before the record was: nobody named
    for record in records:
        kind = record[0] if record else None
        if kind not in CONTROL:  # a register row: its source cell, then its values
            if source is not None and kind not in ("", None):
                keys, convert = columns[source[0]]
                values = dict(zip(keys, [c(v) for c, v in zip(convert, record[1:])]))
                rows[source[0]].append((source[1], values))
                sources[source[0]][cell_text(kind)].add(source[2])
                if on_row is not None:
                    on_row(source[0], source[3], cell_text(kind), values)
        elif kind == SOURCE and len(record) > 3 and record[1] in columns:
            chain = _chain(record[2:])  # (village, file), (township, workbook)…: the unit is the outermost
            source = (record[1], chain[-1][0], chain[0][1], chain)
        elif kind == FIELDS and len(record) > 1:
            register = known.get(record[1])
            keys = [k for k in record[2:] if k not in ("", None)]
            types = {f.key: f.type for f in register.fields} if register else {}
            columns[record[1]] = (keys, [Column(types.get(k)) for k in keys])
            rows.setdefault(record[1], [])
        elif kind == VILLAGE and len(record) > 3:
            villages.append(VillageStatus(cell_text(record[1]), cell_text(record[2]), cell_text(record[3]),
                                          len(record) > 4 and record[4] == OWN))
        elif kind == PERIOD and len(record) > 3:
            periods[(cell_day(record[2]), cell_day(record[3]))] += 1
        elif kind == REPORTER:
            reporter = Reporter.from_values([cell_text(v) if not isinstance(v, dt.date) else v for v in record[1:]])
    period = periods.most_common(1)[0][0] if periods else (None, None)
    for register in registers.REGISTERS:
        rows.setdefault(register.key, [])
    level = int(first[3]) if len(first) > 3 and isinstance(first[3], (int, float)) and first[3] >= 1 else 1
    masked = len(first) > 2 and first[2] == "masked"
    return Dataset(villages, dict(rows), period, reporter=reporter, level=level, masked=masked), sources


def _chain(cells) -> tuple[tuple[str, str], ...]:
    """The (place, file) pairs of a #source record, trailing blank cells dropped."""
    texts = [cell_text(v) for v in cells]
    while len(texts) > 2 and not any(texts[-2:]):
        texts = texts[:-2]
    return tuple(zip(texts[0::2], texts[1::2]))


def cell_text(value: Any) -> str:
    """A data-part cell as text: blank as "", a whole number stored as a float without its ".0"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def cell_day(value: Any) -> dt.date | None:
    """A data-part cell as a date (a datetime's day), or None when it holds none."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def _hand_rows(notes: list[str], sheet: str, start: int, grid, sources: dict[str, set[str]]) -> None:
    """Notes on the rows of a visible register sheet that the merge did not write."""
    added: list[int] = []
    seen: set[tuple[str, str]] = set()
    blank = {"", None}
    for number, line in enumerate(grid, start=start + 1):
        values = set(line)  # a source cell and file are texts: other values are never keys of sources
        if number == 1 or values <= blank:
            continue  # the header the merge wrote, and blank lines
        pair = next(((cell, file) for cell in sources.keys() & values for file in sources[cell] if file in values), None)
        if pair is None:
            added.append(number)
        else:
            seen.add(pair)
    written = sum(len(files) for files in sources.values())
    if added and not seen and written:
        notes.append(f"“{sheet}”里找不到合并时写入的来源文件、来源位置，无法核对手工添加的行；汇总按合并时的数据计算。")
        return
    notes.extend(f"{sheet} 第 {n} 行不是合并时写入的（合计行或手工添加），未计入汇总。" for n in added)
    if seen and len(seen) < written:
        notes.append(f"{sheet} 有 {written - len(seen)} 行合并时写入的数据已从工作表中删除，汇总仍按合并时的数据计算。")


def _cap(notes: list[str]) -> None:
    """At most :data:`MAX_NOTES` lines naming rows; the others in one line with their count."""
    named = [i for i, n in enumerate(notes) if "不是合并时写入的" in n]
    if len(named) > MAX_NOTES:
        rest = len(named) - MAX_NOTES
        drop = set(named[MAX_NOTES:])
        notes[:] = [n for i, n in enumerate(notes) if i not in drop]
        notes.insert(named[MAX_NOTES - 1] + 1, f"另有 {rest} 行不是合并时写入的（合计行或手工添加），未计入汇总。")
