"""Read a village submission (.xlsx, .xlsm, .xls, .ods, WPS .et) with python-calamine.

Finds the cover and each register by sheet name (or synonym) and, where names do not tell,
by content (the sheet with the most data rows, the sheet holding the cover's items); the
header row by the schema's labels and synonyms (anywhere in the first rows, merged or
two-row headers included); leaves out blank, pre-numbered, 合计, repeated-header and footer
lines; and returns raw values with their cell positions. Nothing is converted here: that is
the validator's job. (:mod:`unionxl.reading.inbox` lists the files of a batch.)

Here: opening a file, choosing each register's sheet and finding its header. The cover's items
are found in :mod:`.cover`, the data rows below a header in :mod:`.body`; the types read are in
:mod:`.tables`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import python_calamine

from ..errors import UserError
from ..writing import marks

from . import safety
from .body import read_body
from .cover import cover_by_content, read_cover
from .tables import NOT_REGISTERS, Submission, Table, grid_of, header_key
from ..schema.fields import Date, clean_text, is_blank
from ..schema.registers import COVER, REGISTERS, TEMPLATE_VERSION_PROPERTY, Register

__all__ = ["ReadError", "Submission", "Table", "header_key", "is_panic", "load", "open_book", "parsing", "read",
           "template_version"]

HEADER_SEARCH_ROWS = 15


class ReadError(UserError):
    """A file that cannot be read as a village workbook; the message is Chinese, one line."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path.name}：{message}")
        self.path = path
        self.reason = message


def is_panic(exc: BaseException) -> bool:
    """A Rust panic inside python-calamine (``pyo3_runtime.PanicException``, a BaseException that
    ``except Exception`` misses; its class exists only after the first panic)."""
    return type(exc).__name__ == "PanicException"


@contextmanager
def parsing(path: Path, message: str) -> Iterator[None]:
    """Whatever python-calamine raises or panics with inside the block becomes ``ReadError(path, message)``."""
    try:
        yield
    except ReadError:
        raise
    except MemoryError:
        raise ReadError(path, "文件太大，内存不足，无法读取。") from None
    except Exception:
        raise ReadError(path, message) from None
    except BaseException as exc:
        if not is_panic(exc):
            raise
        raise ReadError(path, message) from None


WPS_ET = "这是 WPS 表格自己的 .et 格式，无法读取；请在 WPS 中另存为 .xlsx 后重新发送。"


def load(path: Path) -> bytes:
    """The file's bytes, read once (refused unread when too large); a missing file is a ReadError."""
    try:
        if (reason := safety.too_big(path.stat().st_size)) is not None:
            raise ReadError(path, reason)
        if not path.is_file():
            raise ReadError(path, "找不到这个文件（或它是文件夹）。")
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise ReadError(path, "找不到这个文件（或它是文件夹）。") from None
    except PermissionError:
        raise ReadError(path, "没有权限读取这个文件。") from None
    except OSError as exc:
        raise ReadError(path, f"读取文件失败（{exc.strerror or type(exc).__name__}）。") from None


def open_book(path: str | Path, data: bytes | None = None) -> python_calamine.CalamineWorkbook:
    """Open a workbook with python-calamine after the safety checks, whatever its file name says.

    ``data`` are the file's bytes when the caller has read them (:func:`load`); the checks and
    calamine read the same bytes."""
    return _open(Path(path), data)[1]


def _open(path: Path, data: bytes | None) -> tuple[str, python_calamine.CalamineWorkbook]:
    """The real kind ("xlsx", "xls" or "ods") and the opened workbook."""
    if data is None:
        data = load(path)
    try:
        kind = safety.inspect(data, path.name)
    except safety.UnsafeFile as exc:
        raise ReadError(path, WPS_ET if path.suffix.lower() == ".et" and "密码" not in str(exc) else str(exc)) from None
    with parsing(path, "无法作为 Excel 工作簿打开（文件损坏或格式不对），请让村里重新发送。"):
        try:
            return kind, python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except python_calamine.PasswordError:
            raise ReadError(path, "文件设置了打开密码，请让村里取消密码后重新发送。") from None


def read(path: str | Path, data: bytes | None = None) -> Submission:
    path = Path(path)
    if data is None:
        data = load(path)
    kind, book = _open(path, data)
    try:
        with parsing(path, "工作表中有读取程序无法解析的内容（如超出范围的日期），文件可能已损坏或被篡改，请让村里重新保存后发送。"):
            names = book.sheet_names
            cover_name = next((n for n in names if _sheet_key(n) in _names(COVER)), None)
            cover, texts = read_cover(book.get_sheet_by_name(cover_name)) if cover_name else ({}, [])
            tables: dict[str, Table] = {}
            missing: list[Register] = []
            named = {n for n in names for r in REGISTERS if _sheet_key(n) in _names(r)} | {cover_name}
            for register in REGISTERS:
                table = _choose_table(book, register, names, named)
                if table is None:
                    missing.append(register)
                else:
                    tables[register.key] = table
            guessed = cover_name is None
            if guessed:
                cover_name, cover, texts = cover_by_content(book, names, tables)
    finally:
        book.close()
    return Submission(path, kind, cover_name, cover, tables, missing, template_version(data), texts,
                      cover_by_content=guessed and cover_name is not None)


def _sheet_key(name: str) -> str:
    return header_key(name)


def _names(register: Register) -> set[str]:
    """The compared names of a register's sheet (and its synonyms)."""
    return _cached(register, "names", lambda: {header_key(n) for n in register.sheet_names})


def _lookup(register: Register) -> dict[str, str]:
    """Compared header -> field key (NFKC and a regex for every synonym add up)."""
    return _cached(register, "lookup", lambda: {header_key(h): f.key for f in register.fields for h in f.headers})


_CACHE: dict[tuple[int, str], tuple[Register, Any]] = {}


def _cached(register: Register, what: str, make):
    """What ``make()`` gives for ``register``, made once per register object (a register a test adds
    later, or one of the same key, gets its own)."""
    found = _CACHE.get((id(register), what))
    if found is None or found[0] is not register:
        found = _CACHE[id(register), what] = (register, make())
    return found[1]


def _choose_table(book, register: Register, names: list[str], named: set[str | None]) -> Table | None:
    """The register's table, chosen by content among the sheets that could hold it: those named after it
    (or a synonym, also with stray spaces); when none is, or none has data rows, also any other sheet
    whose header row has at least half the register's required columns (Sheet1). The one with the most
    data rows wins (then a named one, then the most columns); the others are named. ``named`` (sheets
    taken) gets the one chosen."""
    candidates = [n for n in names if _sheet_key(n) in _names(register)]
    tables = [_read_table(book.get_sheet_by_name(n), register) for n in candidates]
    if not any(t.numbers for t in tables):
        required = sum(f.required for f in register.fields)
        others = [n for n in names if n not in named and _sheet_key(n) not in NOT_REGISTERS]
        tables += [t for t in (_read_table(book.get_sheet_by_name(n), register) for n in others)
                   if 2 * sum(register.field(k).required for k in t.columns) >= required]
    if not tables:
        return None
    for t in tables:
        t.named = _sheet_key(t.sheet) in _names(register)
    best = max(tables, key=lambda t: (len(t.numbers), t.named, len(t.columns), t.sheet == register.sheet))
    best.rivals = [(t.sheet, len(t.numbers)) for t in tables if t is not best and t.columns]
    named.add(best.sheet)
    return best


def _fill_merged(grid: list[list[Any]], merged, last_row: int) -> None:
    """Copy each merged header cell's value across its range (header rows only)."""
    for (r0, c0), (r1, c1) in merged or ():
        if r0 > last_row or r0 >= len(grid):
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, last_row, len(grid) - 1) + 1):
            for c in range(c0, min(c1, len(grid[r]) - 1) + 1):
                grid[r][c] = value


_NOTE = re.compile(r"\([^()]*\)$")  # 身份证号(18位), 金额(元), 工作单位(全称), 出生日期(yyyy-mm-dd)


def _header_field(lookup: dict[str, str], value: Any) -> str | None:
    """The field a header names: as written, else without a note in parentheses at its end."""
    key = header_key(value)
    return lookup.get(key) or (lookup.get(_NOTE.sub("", key)) if key.endswith(")") else None)


def _match_row(register: Register, row: list[Any], above: list[Any] | None
               ) -> tuple[dict[str, int], list[tuple[int, str]], set[str]]:
    """Field key -> column, the extra headers, and the date columns headed …年月."""
    lookup = _lookup(register)
    columns: dict[str, int] = {}
    months: set[str] = set()
    extra: list[tuple[int, str]] = []
    for c, value in enumerate(row):
        candidates = [value]
        if above is not None and c < len(above):
            candidates += [above[c], f"{above[c]}{value}"]
        keys = [(_header_field(lookup, v), v) for v in candidates if not is_blank(v)]
        key, text = next(((k, v) for k, v in keys if k and k not in columns), (None, None))
        if key:
            columns[key] = c
            if _NOTE.sub("", header_key(text)).endswith("年月"):  # 出生年月, 入会年月: a year and month is enough
                months.add(key)
        elif not is_blank(value):
            extra.append((c, clean_text(value)))
    return columns, extra, {k for k in months if isinstance(register.field(k).type, Date)}


def _read_table(sheet, register: Register) -> Table:
    grid, merged, name = grid_of(sheet), sheet.merged_cell_ranges, sheet.name
    del sheet  # calamine's own copy of the cells (some 50 MB at 100k rows) is not needed once they are Python's
    _fill_merged(grid, merged, HEADER_SEARCH_ROWS)
    best: tuple[int, int, dict[str, int], list[tuple[int, str]], set[str]] | None = None
    enough = max(2, sum(f.required for f in register.fields) // 2)
    for r in range(min(HEADER_SEARCH_ROWS, len(grid))):
        if best is not None and best[0] >= enough and r > best[1] + 1:
            break  # a header found, and the row under it (a header's second row) seen: the rest is data
        columns, extra, months = _match_row(register, grid[r], grid[r - 1] if r else None)
        if best is None or len(columns) > len(best[2]):
            best = (len(columns), r, columns, extra, months)
        if len(columns) == len(register.fields):  # every column found: no later row can do better
            break
    if best is None or best[0] == 0:
        return Table(register, name, 1, {}, [f for f in register.fields if f.required], [])
    _, header, columns, extra, months = best
    header = _header_end(merged, header, columns)
    table = Table(
        register,
        name,
        header + 1,
        columns,
        [f for f in register.fields if f.required and f.key not in columns],
        extra,
        month_keys=months,
    )
    read_body(table, grid[header + 1 :], header + 2, grid[header])
    return table


def _header_end(merged, header: int, columns: dict[str, int]) -> int:
    """The last row of a header whose cells are merged down over more rows (序号 in A3:A4): the data
    start below it, not in its merged copy."""
    spans = [r1 for (r0, c0), (r1, c1) in merged or () if r0 <= header < r1 < HEADER_SEARCH_ROWS
             and any(c0 <= c <= c1 for c in columns.values())]
    return max(spans, default=header)


def template_version(source: Path | bytes) -> str | None:
    """The template version stored as a custom document property (xlsx/xlsm only)."""
    return marks.properties(io.BytesIO(source) if isinstance(source, bytes) else source).get(
        TEMPLATE_VERSION_PROPERTY) or None
