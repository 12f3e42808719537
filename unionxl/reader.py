"""Read a village submission (.xlsx, .xlsm, .xls, .ods) with python-calamine.

Finds the cover and each register by sheet name (or synonym), the header row by the
schema's labels and synonyms (anywhere in the first rows, merged or two-row headers
included), and returns raw values with their cell positions. Nothing is converted here:
that is the validator's job.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine
from defusedxml import ElementTree

from . import safety
from .fields import clean_text, is_blank
from .schema import COVER, REGISTERS, TEMPLATE_VERSION_PROPERTY, Field, Register

HEADER_SEARCH_ROWS = 15
TOTAL_LABEL = re.compile(r"^(合\s*计|总\s*计|小\s*计)")
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")


class ReadError(Exception):
    """A file that cannot be read as a village workbook; the message is Chinese, one line."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path.name}：{message}")
        self.path = path
        self.reason = message


@functools.lru_cache(maxsize=1024)
def column_letter(col: int) -> str:
    """Letters of a zero-based column: 0 is A, 26 is AA (any width: a broken file may go past XFD)."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_name(row: int, col: int) -> str:
    """A1 name of a zero-based (row, col)."""
    return f"{column_letter(col)}{row + 1}"


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


_MARKERS = re.compile(r"[\s*※★]|\(必填\)|\(选填\)")


@functools.lru_cache(maxsize=4096)  # labels repeat in every file
def header_key(text: Any) -> str:
    """How headers are compared: NFKC, no spaces, no required-markers, ASCII parentheses."""
    return _MARKERS.sub("", unicodedata.normalize("NFKC", str(text))).lower()


@dataclass
class Row:
    number: int  # 1-based row number in the sheet
    values: dict[str, Any]  # field key -> raw value
    columns: dict[str, int]  # field key -> zero-based column

    def cell(self, key: str) -> str:
        return cell_name(self.number - 1, self.columns[key])


@dataclass
class Table:
    """A register's data rows, column by column: ``raw[key][i]`` is the raw value in sheet row
    ``numbers[i]`` (None when blank). Blank rows and 合计 rows are left out."""

    register: Register
    sheet: str
    header_row: int  # 1-based; the last header row when the header spans two rows
    columns: dict[str, int]  # field key -> zero-based column
    missing: list[Field]  # required fields with no column
    extra: list[tuple[int, str]]  # (zero-based column, header) not in the schema
    numbers: list[int] = field(default_factory=list)  # 1-based sheet row of each data row
    raw: dict[str, Sequence[Any]] = field(default_factory=dict)  # field key -> raw values, one per data row
    # field key -> its column's distinct raw values (None for blanks; may hold values of left-out rows)
    distinct: dict[str, set[Any]] = field(default_factory=dict)
    total_rows: list[int] = field(default_factory=list)  # 1-based rows recognised as 合计

    @property
    def rows(self) -> list[Row]:
        """The data rows one by one (a view for callers that want rows; validation works by column)."""
        keys = list(self.raw)
        return [Row(n, dict(zip(keys, values)), self.columns)
                for n, values in zip(self.numbers, zip(*self.raw.values(), strict=True))]


@dataclass
class CoverValue:
    raw: Any
    cell: str


@dataclass
class Submission:
    path: Path
    kind: str  # what the file really is: "xlsx", "xls" or "ods"
    cover_sheet: str | None
    cover: dict[str, CoverValue]
    tables: dict[str, Table]  # register key -> table
    missing_sheets: list[Register]
    template_version: str | None

    @property
    def village(self) -> str | None:
        value = self.cover.get("village")
        return None if value is None or is_blank(value.raw) else clean_text(value.raw)


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
        raise ReadError(path, str(exc)) from None
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
            sheets = {_sheet_key(name): name for name in book.sheet_names}
            cover_name = _find_sheet(sheets, COVER)
            cover = _read_cover(book.get_sheet_by_name(cover_name)) if cover_name else {}
            tables: dict[str, Table] = {}
            missing: list[Register] = []
            for register in REGISTERS:
                name = _find_sheet(sheets, register)
                if name is None:
                    missing.append(register)
                else:
                    tables[register.key] = _read_table(book.get_sheet_by_name(name), register)
    finally:
        book.close()
    return Submission(path, kind, cover_name, cover, tables, missing, template_version(data))


def _sheet_key(name: str) -> str:
    return header_key(name)


def _find_sheet(sheets: dict[str, str], register: Register) -> str | None:
    for candidate in register.sheet_names:
        if header_key(candidate) in sheets:
            return sheets[header_key(candidate)]
    return None


def _grid(sheet) -> list[list[Any]]:
    return sheet.to_python(skip_empty_area=False)


def _read_cover(sheet) -> dict[str, CoverValue]:
    labels = {header_key(h): f for f in COVER.fields for h in f.headers}
    found: dict[str, CoverValue] = {}
    for r, row in enumerate(_grid(sheet)):
        for c, value in enumerate(row):
            f = labels.get(header_key(value)) if isinstance(value, str) else None
            if f is None or f.key in found:
                continue
            right = next(((cc, v) for cc, v in enumerate(row[c + 1 : c + 4], c + 1) if not is_blank(v)), None)
            cc, raw = right if right else (c + 1, None)
            found[f.key] = CoverValue(raw, cell_name(r, cc))
    return found


def _fill_merged(grid: list[list[Any]], merged, last_row: int) -> None:
    """Copy each merged header cell's value across its range (header rows only)."""
    for (r0, c0), (r1, c1) in merged or ():
        if r0 > last_row or r0 >= len(grid):
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, last_row, len(grid) - 1) + 1):
            for c in range(c0, min(c1, len(grid[r]) - 1) + 1):
                grid[r][c] = value


def _lookup(register: Register) -> dict[str, str]:
    """Compared header -> field key; made once per register (NFKC and a regex for every synonym add up)."""
    found = _LOOKUPS.get(register.key)
    if found is None or found[0] is not register:
        found = _LOOKUPS[register.key] = (register, {header_key(h): f.key for f in register.fields for h in f.headers})
    return found[1]


_LOOKUPS: dict[str, tuple[Register, dict[str, str]]] = {}


def _match_row(register: Register, row: list[Any], above: list[Any] | None) -> tuple[dict[str, int], list[tuple[int, str]]]:
    lookup = _lookup(register)
    columns: dict[str, int] = {}
    extra: list[tuple[int, str]] = []
    for c, value in enumerate(row):
        candidates = [value]
        if above is not None and c < len(above):
            candidates += [above[c], f"{above[c]}{value}"]
        keys = [lookup.get(header_key(v)) for v in candidates if not is_blank(v)]
        key = next((k for k in keys if k and k not in columns), None)
        if key:
            columns[key] = c
        elif not is_blank(value):
            extra.append((c, clean_text(value)))
    return columns, extra


def _read_table(sheet, register: Register) -> Table:
    grid = _grid(sheet)
    _fill_merged(grid, sheet.merged_cell_ranges, HEADER_SEARCH_ROWS)
    best: tuple[int, int, dict[str, int], list[tuple[int, str]]] | None = None
    for r in range(min(HEADER_SEARCH_ROWS, len(grid))):
        columns, extra = _match_row(register, grid[r], grid[r - 1] if r else None)
        if best is None or len(columns) > len(best[2]):
            best = (len(columns), r, columns, extra)
        if len(columns) == len(register.fields):  # every column found: no later row can do better
            break
    if best is None or best[0] == 0:
        return Table(register, sheet.name, 1, {}, [f for f in register.fields if f.required], [])
    _, header, columns, extra = best
    table = Table(
        register,
        sheet.name,
        header + 1,
        columns,
        [f for f in register.fields if f.required and f.key not in columns],
        extra,
    )
    _read_body(table, grid[header + 1 :], header + 2)
    return table


def _read_body(table: Table, body: list[list[Any]], first: int) -> None:
    """Fill ``table.numbers`` and ``table.raw`` from the rows below the header (``first`` is the
    1-based row of ``body[0]``). Works on columns: a row-by-row loop over 1.7 M cells is slow."""
    if not body:
        table.raw, table.distinct = {key: [] for key in table.columns}, {key: set() for key in table.columns}
        return
    width = max(map(len, body))
    if min(map(len, body)) < width:
        body = [line + [""] * (width - len(line)) for line in body]
    grid = list(zip(*body))  # one tuple per sheet column
    distinct = {c: set(grid[c]) for c in {0, 1, 2, *table.columns.values()} if c < len(grid)}
    skip: set[int] = set()  # 合计 rows, recognised by a label in one of the first three columns
    for c in range(min(3, len(grid))):
        labels = {v for v in distinct[c] if v.__class__ is str and "计" in v and TOTAL_LABEL.match(clean_text(v))}
        if labels:
            skip.update(i for i, v in enumerate(grid[c]) if v in labels)
    table.total_rows = sorted(first + i for i in skip)
    raw: dict[str, Sequence[Any]] = {}
    for key, c in table.columns.items():
        blank = {v for v in distinct[c] if v.__class__ is str and not v[:1].isalnum() and is_blank(v)}
        raw[key] = [None if v in blank else v for v in grid[c]] if blank else grid[c]
        table.distinct[key] = (distinct[c] - blank) | {None} if blank else distinct[c]
    keep = range(len(body))
    if all(None in values for values in raw.values()):  # else no row is blank in every column
        keep = [i for i, values in enumerate(zip(*raw.values())) if values.count(None) < len(raw)]
    if skip:
        keep = [i for i in keep if i not in skip]
    if len(keep) < len(body):
        raw = {key: [values[i] for i in keep] for key, values in raw.items()}
    table.numbers = [first + i for i in keep]
    table.raw = raw


def template_version(source: Path | bytes) -> str | None:
    """The template version stored as a custom document property (xlsx/xlsm only)."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as z:
            root = ElementTree.fromstring(z.read("docProps/custom.xml"))
    except Exception:  # no such part, not a zip, or XML that does not parse: no version
        return None
    for prop in root:
        if prop.get("name") == TEMPLATE_VERSION_PROPERTY:
            return "".join(prop.itertext()).strip() or None
    return None


def scan(inputs: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to read, and files in the given folders that were skipped (with the reason).

    Files named directly are always read. In a folder (not its sub-folders), workbooks are
    taken in name order; Excel/WPS lock files ``~$…`` and other files are skipped.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for item in inputs:
        if not item.is_dir():
            files.append(item)
            continue
        for p in sorted(item.iterdir()):
            if not p.is_file() or p.name.startswith(".~unionxl-"):
                continue
            if p.name.startswith("~$") or p.name.startswith(".~lock."):
                skipped.append((p, "Excel/WPS 打开文件时留下的临时锁文件，已跳过"))
            elif p.suffix.lower() in SUFFIXES:
                files.append(p)
            else:
                skipped.append((p, "不是 Excel 工作簿（.xlsx/.xlsm/.xls/.ods），已跳过"))
    return files, skipped
