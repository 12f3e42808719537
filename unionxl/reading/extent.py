"""How large a grid python-calamine will allocate for a sheet, found before it does.

calamine turns a sheet's cells into one dense ``rows x columns`` array (tafia/calamine#693):
a lone value in XFD1048576, a cell whose ``r`` names a far row, or thousands of cells without
``r`` (placed one after another) make it request hundreds of gigabytes and abort the process.
:class:`Extent` is fed the inflated XML in chunks and gives an upper bound of the grid's last
row and column.

The fast path is one regular-expression pass that skips every ordinary cell tag, ``<c r="B17"``
(one column letter, a row below 100,000), and looks only at the others. From the first ordinary
tag of a six-digit row on, a chunk's six-digit rows are bounded at once: by the last such tag of
the chunk, when a search for any larger one (a pattern made from its digits) finds none, else by
the largest of a ``findall`` (same length: the text's order is the number's); the pass goes on
skipping them. A 300,000-row roster costs no Python work per cell. Anything it cannot
vouch for (cells without ``r`` or with other attributes first, prefixed elements, odd
references) sends the part to :func:`exact`, which reads every ``<row>`` and ``<c>`` tag the
way calamine places them. Ordinary village files never take that path.

An .xls names each cell's row and column in binary records, and its used range in a
DIMENSIONS record that calamine reserves room for: :func:`biff` reads them all. An .ods
repeats rows and cells by count: :func:`ods` adds the counts up to the last value.

Each reader also counts the cells that hold something, so a sheet whose used range is far
larger than its contents (one stray value in A1000000) can be told from a large one.
:class:`Counts` watches the other declared numbers parsers trust: merged ranges (openpyxl
makes one object per merged cell), a shared-string table's declared size (calamine reserves
room for it) and an ODS's repeated spaces (``<text:s text:c="…"/>``).
"""

from __future__ import annotations

import functools
import re
import struct
from collections.abc import Iterable, Iterator
from itertools import chain

# A cell without any reference, of the form our own data part writes (only t and s, plain values)
_BARE = re.compile(rb'<c(?:\s+[ts]="[^"<>]*")*\s*/?>')


def _unusual(wide: bool, bare: bool) -> re.Pattern[bytes]:
    """A cell tag not of the ordinary form (one letter and a row below 100,000, or 1,000,000 when
    ``wide``), nor a bare cell once one was seen (``bare``); group 1-2 when it has a plain reference first."""
    ordinary = rb'(?! r="[A-Z][1-9][0-9]{0,%d}")' % (5 if wide else 4)
    skip = rb'(?!(?:\s+[ts]="[^"<>]*")*\s*/?>)' if bare else b""
    return re.compile(rb"<c(?=[\s>/])" + ordinary + skip + rb'(?: r="([A-Z]{1,3})([1-9][0-9]{0,6})")?')


_UNUSUAL = {(wide, bare): _unusual(wide, bare) for wide in (False, True) for bare in (False, True)}
_SIX_DIGITS = re.compile(rb'<c r="[A-Z]([1-9][0-9]{5})"')  # ordinary tags in rows 100,000 to 999,999
_PREFIXED = re.compile(rb":c[\s>/]")  # <x:c ...>: namespace-prefixed cells, read by calamine too
_TAG = re.compile(rb"""<(?:[\w.-]+:)?(row|c)(?=[\s>/])([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>""")
_R = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"([A-Za-z]*)([0-9]*)")
# calamine matches ODS elements by their qualified names, table:table-row and so on
_ODS_TAG = re.compile(rb"""<table:(table-row|table-cell|covered-table-cell|table)(?=[\s>/])([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)>""")
_REPEATED = re.compile(rb"""number-(?:rows|columns)-repeated\s*=\s*["']\s*([0-9]+)""")
_ANY_TAG = re.compile(rb"""<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""")
MAX_TAG = 1024 * 1024  # no tag in a real sheet comes near
ORDINARY_ROWS = 99_999  # the largest row an ordinary tag can name
OVERLAP = 32  # bytes kept between chunks: longer than any ordinary tag


class Unusual(Exception):
    """The fast path met a cell it cannot place; read the part again with :func:`exact`."""


class Malformed(Exception):
    """A tag longer than any sheet has: the part is not read further."""


class Extent:
    """Feed chunks of one part's XML; ``rows`` and ``columns`` bound the grid calamine builds."""

    def __init__(self) -> None:
        self.rows = self.columns = 0
        self.cells = 0  # cell tags seen (an over-count: <col> and <cfRule> start alike)
        self.ordinary = False
        self.bare = False  # cells without any r (placed after the cell before them): see compact()
        self._tail = b""

    def feed(self, chunk: bytes, final: bool = False) -> None:
        text = self._tail + chunk
        end = len(text) if final else max(len(text) - OVERLAP, 0)
        self._tail = text[end:]
        if _PREFIXED.search(text):
            raise Unusual
        self.cells += text.count(b"<c", 0, end)
        wide, pos = False, 0
        pattern = _UNUSUAL[wide, self.bare]
        while (m := pattern.search(text, pos)) is not None and m.start() < end:  # past end: seen with the next chunk
            letters, digits = m.groups()
            pos = m.end()
            if letters is None:
                if not _BARE.match(text, m.start()):
                    raise Unusual
                self.bare = True  # no reference at all: bounded by compact(), which reads the part again;
                pattern = _UNUSUAL[wide, True]  # the next such cells are passed over like ordinary ones
                continue
            if not wide and len(letters) == 1 and len(digits) == 6:  # ordinary, row ≥ 100,000
                self.rows = max(self.rows, _six_digit_rows(text, m.start(), digits))  # a tag read twice (the
                wide = True  # overlap) changes no maximum
                pattern = _UNUSUAL[wide, self.bare]
                continue
            self.rows = max(self.rows, int(digits))
            self.columns = max(self.columns, column(letters))
        self.ordinary = self.ordinary or b'<c r="' in text

    def bound(self) -> tuple[int, int]:
        """(last row, last column) at most of the cells with a reference: ordinary tags may name any row up
        to 99,999 in A-Z (the rows above are counted). Cells without one (``bare``) are not in it."""
        if self.ordinary:
            return max(self.rows, ORDINARY_ROWS), max(self.columns, 26)
        return self.rows, self.columns


def _six_digit_rows(text: bytes, start: int, digits: bytes) -> int:
    """The largest six-digit row an ordinary tag of ``text`` names from ``start`` on (where the first
    such tag names row ``digits``)."""
    candidate, pos = digits, len(text)
    for _ in range(16):  # the last such tag, near the end in a file written row by row
        pos = text.rfind(b'<c r="', start, pos)
        if pos < 0:
            break
        if (m := _SIX_DIGITS.match(text, pos)) is not None:
            candidate = max(candidate, m.group(1))
            break
    if _larger(candidate).search(text, start) is None:
        return int(candidate)
    return int(max(_SIX_DIGITS.findall(text, start)))


@functools.lru_cache(maxsize=256)
def _larger(digits: bytes) -> re.Pattern[bytes]:
    """An ordinary tag naming a six-digit row above ``digits``: 123456 gives [2-9]…|1[3-9]…|…|12345[7-9]."""
    parts = [digits[:i] + b"[%d-9][0-9]{%d}" % (digits[i] - 47, 5 - i) for i in range(6) if digits[i] < ord("9")]
    return re.compile(rb'<c r="[A-Z](?:' + b"|".join(parts or [b"(?!)"]) + rb')"')


def _tags(chunks: Iterable[bytes], pattern: re.Pattern[bytes]) -> Iterator[re.Match[bytes]]:
    """Matches of ``pattern`` (a whole tag) over a part read in chunks; a tag cut by a chunk's
    end waits for the next chunk."""
    for text, cut in _cut(chunks):
        yield from pattern.finditer(text, 0, cut)


def exact(chunks: Iterable[bytes]) -> tuple[int, int, int]:
    """(last row, last column, cells) as calamine places cells: by ``r``, else after the previous one."""
    rows = columns = cells = 0
    row = col = 0  # the current row; the column of the previous cell in it
    for m in _tags(chunks, _TAG):
        name, attrs = m.groups()
        r = _R.search(attrs)
        ref = _REF.fullmatch(r.group(1) if r.group(1) is not None else r.group(2)) if r else None
        letters, digits = ref.groups() if ref else (b"", b"")
        if name == b"row":
            row, col = (int(digits) if digits else max(row, rows) + 1), 0
            rows = max(rows, row)
            continue
        col = column(letters.upper()) if letters else col + 1
        rows, columns = max(rows, int(digits) if digits else max(row, 1)), max(columns, col)
        cells += 1
    return rows, columns, cells


_ROW_TAG = re.compile(rb'<row(?=[\s>/])(?: r="([1-9][0-9]{0,6})"(?=[\s>/]))?([^>]*)>')  # group 1: a plain r first
_ORDINARY = re.compile(rb'<c r="([A-Z])([1-9][0-9]{0,5})"')  # the tags the first pass passed over
ORDINARY_PLACED = 100_000  # ordinary tags compact() places; past them it takes the first pass's bound


def compact(chunks: Iterable[bytes], grid: Extent) -> tuple[int, int, int]:
    """(last row, last column, cells) at most, for a part whose only unusual cells are cells without any
    reference (our own data part writes them so): each is placed after the cell before it in its row, so
    no cell lies past the last column a reference names plus the cells its row holds, and a row without
    ``r`` lies at most one below the last row named anywhere before it. One pass over the row tags,
    counting the cells between them, instead of :func:`exact`'s step per cell. The ordinary tags the
    first pass skipped (a header row's, with ``r``) are placed here too, up to :data:`ORDINARY_PLACED` of
    them: else they could lie anywhere in A1:Z99999, a bound that a sheet of 10,000 rows fails."""
    named_rows, named_columns = grid.rows, grid.columns  # the other referenced cells, placed by the first pass
    ordinary = 0
    most = bare_rows = 0
    count = 0  # cells of the row being read, so far
    for text, cut in _cut(chunks):
        if ordinary <= ORDINARY_PLACED and (found := _ORDINARY.findall(text, 0, cut)):
            ordinary += len(found)
            named_rows = max(named_rows, max(int(row) for _, row in found))
            named_columns = max(named_columns, column(max(letter for letter, _ in found)))
        pos = 0
        for m in _ROW_TAG.finditer(text, 0, cut):
            count += text.count(b"<c", pos, m.start())
            if count > most:
                most = count
            count, pos = 0, m.end()
            plain, attrs = m.groups()
            if plain is not None:  # the usual <row r="17" …>: its first attribute, the one that counts
                if int(plain) > named_rows:
                    named_rows = int(plain)
                continue
            r = _R.search(attrs)
            ref = _REF.fullmatch(r.group(1) if r.group(1) is not None else r.group(2)) if r else None
            if ref is None or ref.group(1) or not ref.group(2):
                bare_rows += 1
            else:
                named_rows = max(named_rows, int(ref.group(2)))
        count += text.count(b"<c", pos, cut)
    most = max(most, count)
    if ordinary > ORDINARY_PLACED:
        named_rows, named_columns = (max(a, b) for a, b in zip((named_rows, named_columns), grid.bound()))
    return named_rows + bare_rows, named_columns + most, grid.cells  # the cells the first pass counted


def _cut(chunks: Iterable[bytes]) -> Iterator[tuple[bytes, int]]:
    """(text, cut) over a part read in chunks: ``text[:cut]`` ends before a tag cut by the chunk's end,
    which begins the next text."""
    rest = b""
    for chunk in chain(chunks, [None]):
        text = rest + (chunk or b"")
        cut = text.rfind(b"<")
        if chunk is None or cut < 0 or _ANY_TAG.match(text, cut):
            cut = len(text)
        elif len(text) - cut > MAX_TAG:
            raise Malformed
        rest = text[cut:]
        yield text, cut


def ods(chunks: Iterable[bytes]) -> tuple[int, int, int]:
    """(last row, last column, valued cells) holding a value in any table of an ODS content.xml.

    Rows and cells repeat (``number-rows-repeated``, ``number-columns-repeated``); LibreOffice
    ends every sheet with a million repeated empty rows, which calamine drops, so only cells
    with a value type or content count, at the position the repeats before them give."""
    rows = columns = cells = 0
    row = col = repeat_row = 0  # rows before the current one and its repeat; cells before this one
    valued = False
    for m in chain(_tags(chunks, _ODS_TAG), [None]):
        name, attrs = m.groups() if m else (b"table", b"")
        repeated = _REPEATED.search(attrs) if b"repeated" in attrs else None
        times = int(repeated.group(1)) if repeated else 1
        if name in (b"table-cell", b"covered-table-cell"):
            if not attrs.endswith(b"/") or b"value-type" in attrs:
                valued, columns = True, max(columns, col + times)
                cells += times * max(repeat_row, 1)
            col += times
            continue
        if valued:  # a new row or table: the row before it is done
            rows = max(rows, row + repeat_row)
        row, repeat_row, col, valued = row + repeat_row, times, 0, False
        if name == b"table":
            row = repeat_row = 0
    return rows, columns, cells


def column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


# BIFF records that place one cell by (row, column) in their first four bytes; MULRK and MULBLANK
# place a run of cells and end with the last column; DIMENSIONS gives the used range calamine
# reserves room for.
_BIFF_CELLS = {0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204,
               0x0205, 0x0206, 0x027E, 0x0406}
_BIFF_RUNS = {0x00BD, 0x00BE}
_BIFF_DIMENSIONS = 0x0200


def biff(stream: bytes) -> tuple[int, int, int]:
    """(last row, last column, cells) of any sheet in an .xls Workbook stream, as calamine would size it."""
    rows = columns = cells = 0
    pos, end = 0, len(stream)
    unpack = struct.unpack_from
    while pos + 4 <= end:
        record, length = unpack("<HH", stream, pos)
        body = pos + 4
        pos = body + length
        if length < 4 or pos > end:
            continue
        if record in _BIFF_CELLS:
            row, col = unpack("<HH", stream, body)
            cells += 1
        elif record in _BIFF_RUNS:
            row, col = unpack("<H", stream, body)[0], unpack("<H", stream, pos - 2)[0]
            cells += max(col - unpack("<H", stream, body + 2)[0] + 1, 1)
        elif record == _BIFF_DIMENSIONS and length >= 8:  # its last row and column are one past the end
            first_row, row, first_col, col = unpack("<IIHH" if length >= 14 else "<HHHH", stream, body)
            height, width = reserved(first_row, row, first_col, col)
            rows, columns = max(rows, row, height), max(columns, col, width)
            continue
        else:
            continue
        rows, columns = max(rows, row + 1), max(columns, col + 1)
    return rows, columns, cells


def reserved(first_row: int, last_row: int, first_col: int, last_col: int) -> tuple[int, int]:
    """The rows and columns calamine reserves for an .xls DIMENSIONS record, as it computes them:
    in 32-bit unsigned arithmetic, so a first row past the last one wraps to some four billion."""
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    if last_row < 1 or last_col < 1:
        return 1, 1
    return (last_row - first_row) % 2**32, (last_col - first_col) % 2**32


_MERGE = re.compile(rb"""<(?:[\w.-]+:)?mergeCell(?=[\s/>])[^>]*?\sref\s*=\s*["']([^"']*)["']""")
_RANGE = re.compile(rb"\$?([A-Za-z]{1,4})\$?([0-9]{1,8})(?::\$?([A-Za-z]{1,4})\$?([0-9]{1,8}))?")
_SST = re.compile(rb"<(?:[\w.-]+:)?sst(?=[\s>/])([^>]*)>")
# calamine reserves room for uniqueCount strings (a huge one aborts it); count, the cells that refer to
# them, it ignores: a large roster's count is rightly millions above the strings the table holds
_SST_COUNT = re.compile(rb"""(?<![\w.-])uniqueCount\s*=\s*["']\s*\+?([0-9]+)""")
_SPACES = re.compile(rb"""<text:s(?=[\s/>])[^>]*?text:c\s*=\s*["']\s*\+?([0-9]+)""")


class Counts:
    """Declared numbers in one part, fed in chunks: merged cells, shared strings, repeated spaces."""

    def __init__(self, ods: bool = True) -> None:
        self.merged = 0  # cells inside merged ranges, added up
        self.strings = 0  # the largest count a shared-string table declares
        self.spaces = 0  # the largest <text:s text:c> of an ODS (looked for only in one: ``ods``)
        self.ods = ods
        self._tail = b""

    def feed(self, chunk: bytes, first: bool = False) -> None:
        if first and (m := _SST.search(chunk, 0, 4096)):
            self.strings = max((int(n) for n in _SST_COUNT.findall(m.group(1))), default=0)
        text = self._tail + chunk
        end = max(len(text) - 256, 0)  # a tag cut at the chunk's end is read, whole, with the next chunk
        self._tail = text[end:]
        self._scan(text, end)

    def close(self) -> None:
        self._scan(self._tail, len(self._tail))
        self._tail = b""

    def _scan(self, text: bytes, end: int) -> None:
        if b"mergeCell" in text:
            for m in _MERGE.finditer(text):
                if m.start() >= end:
                    break
                self.merged += area(m.group(1))
        if self.ods and b"text:s" in text:
            for m in _SPACES.finditer(text):
                if m.start() >= end:
                    break
                self.spaces = max(self.spaces, int(m.group(1)))


def area(ref: bytes) -> int:
    """Cells in a range like ``A1:D3`` (1 for a single cell, 0 when it is not a reference)."""
    m = _RANGE.fullmatch(ref.strip())
    if m is None:
        return 0
    c0, r0, c1, r1 = m.groups()
    if c1 is None:
        return 1
    rows = abs(int(r1) - int(r0)) + 1
    cols = abs(column(c1.upper()) - column(c0.upper())) + 1
    return rows * cols
