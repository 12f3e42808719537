"""The merged data inside the township workbook, keyed by schema field keys, and reading it back.

The township workbook's display sheets are for people: staff rename headers, delete columns,
add a 合计 row, and ``--mask`` hides ID numbers. ``unionxl summary`` therefore computes from a
very hidden sheet (:data:`DATA_SHEET`) that the merge writes beside them: one record a row, the
first cell saying what it is —

- ``unionxl-data``, format version, ``masked`` or ``plain``, level (1 township, 2 county…:
  :mod:`unionxl.merging.levels`), the name of the merged unit (寨阳乡), the latest 填报日期 merged;
- ``#village``, name, code, status, 本级 or blank: each expected unit (village; township in a county
  workbook), then the township's own;
- ``#reporter``, 乡镇名称, 填报单位, 单位负责人, 填表人, 联系电话, 报送日期: who reports the summary
  (:class:`~unionxl.schema.reporter.Reporter`; the office's, not a village's: never masked);
- ``#period``, village, start, end: each merged submission's statistics period;
- ``#fields``, register key, field keys…: the columns of that register's rows;
- ``#source``, register key, village, source file[, township, township workbook…]: where the rows
  below come from, innermost first (a county workbook adds the township and its workbook);
- source cell (``会员名册!A2``), clean values…: one register row;
- ``#digest``, SHA-256 of the records between the first and it (:class:`Digest`): a figure changed
  in this sheet after the merge no longer matches.

A sheet rather than a custom XML part because a sheet survives what staff do to the file:
Excel, WPS, LibreOffice and openpyxl all keep a very hidden sheet when they save, while openpyxl
drops custom XML parts. Clean values are typed cells (dates as dates, money as the exact decimal
text of its number) and are converted back by the field's type. In a masked workbook every text
goes through the same :func:`~unionxl.writing.masking.mask` as the display sheets, ID numbers
are salted hashes (a random salt per workbook, never stored: the same person gives the same hash
within the workbook, so distinct-people counts hold), and the sex an ID number carries is stored
as the derived value ``sex``. Registers are taken from :data:`unionxl.schema.registers.REGISTERS`
when called, so a register added there is carried without code here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import operator
import re
import secrets
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

from ..merging import levels
from ..merging.merge import MergeResult
from ..schema import registers
from ..schema.fields import IdNumber, id_sex
from ..schema.registers import Register
from .masking import masker
from .package import NewSheet
from .parallel import aside
from .sheetxml import Layout, SheetStream

DATA_SHEET = "unionxl数据"
MARKER, VERSION = "unionxl-data", 1
VILLAGE, PERIOD, FIELDS, SOURCE, REPORTER = "#village", "#period", "#fields", "#source", "#reporter"
DIGEST = "#digest"  # the last record: SHA-256 of every record between the first and it (:class:`Digest`)
OWN = "本级"  # the fifth cell of a #village record: the township's own submission
SEX = "sex"  # the derived value the indicators need from an ID number
_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")  # a hash without digits: never looks like an ID


def hasher() -> Callable[[str], str]:
    """Salted hashes of ID numbers, with a fresh random salt that is never stored."""
    salt = secrets.token_bytes(16)
    return lambda number: "#" + hashlib.blake2b(number.encode(), key=salt, digest_size=10).hexdigest().translate(_LETTERS)


def _ids(register: Register) -> list[str]:
    return [f.key for f in register.fields if isinstance(f.type, IdNumber)]


def data_keys(register: Register, masked: bool) -> list[str]:
    """The field keys of ``register``'s rows in the data part (with the derived ``sex`` when masked)."""
    keys = [f.key for f in register.fields]
    if masked and _ids(register) and SEX not in keys:
        keys.append(SEX)
    return keys


def _records(result: MergeResult, masked: bool, id_hash: Callable[[str], str]) -> Iterator[list[Any]]:
    """The data part's records, ID numbers hashed with ``id_hash`` when masked."""
    hide = masker(masked)
    filled = [r.cover["fill_date"] for _, r in result.used if r.cover.get("fill_date")]
    yield [MARKER, VERSION, "masked" if masked else "plain", result.level, result.reporter.township,
           max(filled, default=None)]
    for e in result.units:  # the expected villages, then the township's own (本级)
        yield hide([VILLAGE, e.village.name, e.village.code, e.status, OWN if e.own else ""])
    yield [REPORTER, *result.reporter.values()]
    for village, report in result.used:
        yield hide([PERIOD, village, report.cover.get("period_start"), report.cover.get("period_end")])
    for register in registers.REGISTERS:
        keys = data_keys(register, masked)
        yield [FIELDS, register.key, *keys]
        ids = [1 + keys.index(k) for k in _ids(register)] if masked else []  # in a record: after the source cell
        sex = 1 + keys.index(SEX) if ids else None
        for village, report in result.used:
            rows = report.rows.get(register.key)
            if not rows:
                continue
            index = rows[0].index
            pick = operator.itemgetter(len(index), *(index.get(k, len(index)) for k in keys))  # None, then the values
            sheet = report.sheets.get(register.key, register.sheet)
            yield hide([SOURCE, register.key, *(text for place in levels.chain(village, report) for text in place)])
            for row in rows:
                values = list(pick(row.cells + (None,)))
                values[0] = f"{sheet}!A{row.number}"
                if ids:
                    person = values[ids[0]]
                    if person and not values[sex]:
                        values[sex] = id_sex(person)
                    for i in ids:
                        values[i] = id_hash(values[i]) if values[i] else values[i]
                yield hide(values)


def data_sheet(result: MergeResult, masked: bool) -> NewSheet:
    """The very hidden sheet holding ``result``'s merged data (rows streamed, never held)."""
    regs = registers.REGISTERS
    rows = 2 + len(result.units) + len(result.used) + len(regs)
    rows += sum(len(r.rows[reg.key]) + 1 for _, r in result.used for reg in regs if r.rows.get(reg.key))
    columns = max([6, 1 + len(result.reporter.values()), 2 + 2 * result.level,
                   *(2 + len(data_keys(reg, masked)) for reg in regs)])  # #fields, key, keys…

    def write(stream: SheetStream) -> None:
        attrs = [""] * columns
        row = stream.row
        ids = hasher()  # one salt for both passes below
        records = _records(result, masked, ids)
        row(next(records), attrs)  # the first record says when: not digested
        later = aside(lambda: _digest(_records(result, masked, ids)))  # by a helper, when this is a child
        digest = Digest() if later is None else None  # else here, as the records go by
        for record in records:
            if digest is not None:
                digest.add(record)
            row(record, attrs)
        row([DIGEST, later() if digest is None else digest.hexdigest()], attrs)

    return NewSheet(DATA_SHEET, Layout([], landscape=False, hidden="veryHidden", compact=True), rows + 1, columns,
                    write, ahead=True)


def _digest(records: Iterator[list[Any]]) -> str:
    """The digest of the records after the first (which says when the data were merged)."""
    next(records)
    digest = Digest()
    for record in records:
        digest.add(record)
    return digest.hexdigest()


_NOISE = re.compile(r"[\x00-\x1f\x7f]|_x[0-9A-Fa-f]{4}_")  # what a cell's text may lose or gain in the round trip
_SEP = "\u241f"  # ␟: printable, so a line of plain text needs no cleaning


class Digest:
    """SHA-256 of data-part records as written and as read back (numbers, dates and texts in one canonical
    form each: a float read back equals the Decimal or int written), so that a change of a figure in the
    very hidden sheet after the merge is known (a county roll-up reports it)."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._texts: dict[Any, str] = {None: ""}  # a value that is not a text -> its canonical text
        self._lines: list[str] = []  # hashed 1,024 at a time: one encode and update for them all

    def add(self, record: list[Any]) -> None:
        texts = self._texts
        try:
            line = _SEP.join(map(texts.get, record, record))  # a text is not a key: it stands for itself
        except TypeError:  # a value not met yet (equal values share a key and, as they must, a text)
            if len(texts) > 1 << 16:
                texts.clear()
                texts[None] = ""
            parts = list(map(texts.get, record, record))
            for i, value in enumerate(parts):
                if not isinstance(value, str):
                    parts[i] = texts[value] = _canonical(value)
            line = _SEP.join(parts)
        line = line.rstrip(_SEP)
        if "_x" in line or not line.isprintable():
            line = _NOISE.sub("", line)
        lines = self._lines
        lines.append(line)
        if len(lines) >= 1024:
            self._hash_lines()

    def _hash_lines(self) -> None:
        self._lines.append("")  # each line ends in a newline
        self._hash.update("\n".join(self._lines).encode("utf-8", "surrogatepass"))
        self._lines = []

    def hexdigest(self) -> str:
        if self._lines:
            self._hash_lines()
        return self._hash.hexdigest()


def _canonical(value: Any) -> str:
    """One text for a number however stored (1, 1.0, Decimal("1.00"), TRUE: equal values, one text, which
    is what makes :class:`Digest`'s cache safe), a date or a midnight datetime."""
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
