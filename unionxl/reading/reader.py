"""Read a village submission (.xlsx, .xlsm, .xls, .ods, WPS .et) with python-calamine.

Finds the cover and each register by sheet name (or synonym) and, where names do not tell,
by content (the sheet with the most data rows, the sheet holding the cover's items); the
header row by the schema's labels and synonyms (anywhere in the first rows, merged or
two-row headers included); leaves out blank, pre-numbered, 合计, repeated-header and footer
lines; and returns raw values with their cell positions. Nothing is converted here: that is
the validator's job. (:mod:`unionxl.reading.inbox` lists the files of a batch.)
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from ..writing import marks

from . import safety
from ..schema.fields import Date, IdNumber, clean_text, is_blank, period
from ..schema.registers import COVER, REGISTERS, TEMPLATE_VERSION_PROPERTY, Field, Register

HEADER_SEARCH_ROWS = 15
TOTAL_LABEL = re.compile(r"^(合\s*计|总\s*计|小\s*计|共\s*计|累\s*计|本页小计|总人数)")
# A signature or note line under a register: 填表人：施建华, 单位负责人（签字）：, 注：…, 填报日期：2012年11月2日.
# Searched in a column's distinct texts joined by NUL: one regex scan in C, not a Python loop per cell.
PEOPLE = "填表人|填报人|制表人|统计人|审核人|复核人|审批人|经办人|单位负责人|工会负责人|负责人|联系人|主管领导|分管领导|工会主席|主席|主任|书记"
FOOTER_LABELS = (PEOPLE + "|制表|审核|审批|联系电话|电话|(?:填报|填表|报送|制表|统计|报表)(?:日期|时间)|日期|注\\d*|说明|备注|"
                 "盖章|签字|签名|填报单位|填表单位|单位")
_FOOTER = re.compile(
    r"(?:" + FOOTER_LABELS + r")(?:签字|签名|签章|盖章)?[\s\u3000]*(?:[(（][^)）\x00]{0,12}[)）])?[\s\u3000]*"
    r"(?:[:：][^\x00]*|(?=\x00)|\Z)"
    r"|(?:" + PEOPLE + r")[\s\u3000]+[^\x00]+"
    r"|[^\x00:：]{0,20}?[(（](?:盖章|公章|签字|签名|签章)[)）][^\x00]*")  # 村工会（盖章）, 寨阳村（公章）
_LEAD = " \t\u3000*"  # what may stand before the label in its cell


def footer_texts(joined: str) -> set[str]:
    """The cells of ``joined`` (texts separated by NUL) that are footer lines: a footer label at the start
    of the cell (after spaces or *), followed by a colon, a name, or nothing."""
    if joined.isascii():  # every label is Chinese: numbers, IDs and phones are passed over at once
        return set()
    found = set()
    for m in _FOOTER.finditer(joined):
        begin = m.start()
        while begin and joined[begin - 1] in _LEAD:
            begin -= 1
        if begin == 0 or joined[begin - 1] == "\x00":
            found.add(joined[begin : m.end()])
    return found


PLACEHOLDERS = {"/", "／", "\\", "-", "－", "--", "—", "——", "–"}  # written in a cell meaning "nothing here"


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
    """How headers and labels are compared: NFKC, no spaces, no required-markers (* 必填), ASCII
    parentheses, no leading or trailing colons (填报人：)."""
    return _MARKERS.sub("", unicodedata.normalize("NFKC", str(text))).lower().strip(":")


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
    header_again: list[int] = field(default_factory=list)  # 1-based rows repeating the header row
    footer_rows: list[tuple[int, str, str]] = field(default_factory=list)  # (row, cell, text) of 填表人：… lines
    after_footer: list[tuple[int, str]] = field(default_factory=list)  # (row, first cell) of lines below a footer
    month_keys: set[str] = field(default_factory=set)  # date columns headed …年月 (出生年月): a month is enough
    rivals: list[tuple[str, int]] = field(default_factory=list)  # (sheet, data rows) of other sheets that could be it
    named: bool = True  # the sheet's name is the register's (or a synonym); else it was taken by its header

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
    cover_texts: list[tuple[str, str]] = field(default_factory=list)  # (cell, text) of cover cells that are no item
    cover_by_content: bool = False  # no sheet is named 封面: the items were found on ``cover_sheet`` by their labels

    @property
    def village(self) -> str | None:
        value = self.cover.get("village")
        return None if value is None or is_blank(value.raw) else clean_text(value.raw)


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
            cover, texts = _read_cover(book.get_sheet_by_name(cover_name)) if cover_name else ({}, [])
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
                cover_name, cover, texts = _cover_by_content(book, names, tables)
    finally:
        book.close()
    return Submission(path, kind, cover_name, cover, tables, missing, template_version(data), texts,
                      cover_by_content=guessed and cover_name is not None)


def _cover_by_content(book, names: list[str], tables: dict[str, Table]
                      ) -> tuple[str | None, dict[str, CoverValue], list[tuple[str, str]]]:
    """With no sheet named 封面: the first sheet holding the village's name item, or three cover items, by
    their labels; on a register's sheet only the rows above its header (村名：坪朗村 in a title line)."""
    headers = {t.sheet: t.header_row - 1 for t in tables.values()}
    for name in names:
        if _sheet_key(name) in NOT_REGISTERS or headers.get(name, 1) == 0:
            continue
        found, texts = _read_cover(book.get_sheet_by_name(name), headers.get(name))
        if "village" in found or len(found) >= 3:
            return name, found, texts
    return None, {}, []


def _sheet_key(name: str) -> str:
    return header_key(name)


def _names(register: Register) -> set[str]:
    return {header_key(n) for n in register.sheet_names}


NOT_REGISTERS = {header_key(n) for n in ("问题清单", "填表说明", "代码表", "说明")}


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


def _grid(sheet) -> list[list[Any]]:
    return sheet.to_python(skip_empty_area=False)


PERIOD_LABELS = {header_key(h) for h in ("统计期间", "报表期间", "报告期", "报告期间", "所属期间", "填报期间", "统计时段",
                                         "统计时间", "报表所属期", "起止日期", "起止时间", "统计起止日期")}


def _read_cover(sheet, rows: int | None = None) -> tuple[dict[str, CoverValue], list[tuple[str, str]]]:
    """The cover's items, each found by its label (compared without colons, asterisks, 必填 and spaces):
    the value is after the colon in the label's cell (村名：坪朗村), else the first filled cell to its
    right, else the cell below. A 统计期间 given in one cell (2012年1月1日至2012年10月31日) gives both
    period items. Also the other texts of the cover (its title), with their cells. ``rows``: only the first rows."""
    labels = {header_key(h): f for f in COVER.fields for h in f.headers}
    grid = _grid(sheet)[:rows]
    found: dict[str, CoverValue] = {}
    used: set[tuple[int, int]] = set()
    periods: list[tuple[int, int, CoverValue]] = []  # (row, column) of a 统计期间 label, its value
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            if not isinstance(value, str) or (r, c) in used:
                continue
            for label, inline in _items(value):  # 村名：坪朗村　填报人：施建华 holds two items
                key = header_key(label)
                f = labels.get(key)
                if (f is None or f.key in found) and key not in PERIOD_LABELS:
                    continue
                used.add((r, c))
                item = (CoverValue(inline, cell_name(r, c)) if inline is not None
                        else _value_right_or_below(grid, r, c, labels, used))
                if f is None:
                    periods.append((r, c, item))
                else:
                    found[f.key] = item
    for r, c, item in periods:  # only where the two items are not given on their own
        if not all(found.get(k) is None or is_blank(found[k].raw) for k in ("period_start", "period_end")):
            break
        both = period(item.raw)
        if both:
            found["period_start"], found["period_end"] = (CoverValue(day, item.cell) for day in both)
            continue
        days = [(cc, v) for cc, v in enumerate(grid[r][c + 1 : c + 7], c + 1) if not is_blank(v) and v != "至"]
        if len(days) >= 2:  # 统计期间 | 2012-01-01 | 至 | 2012-10-31
            found["period_start"], found["period_end"] = (CoverValue(v, cell_name(r, cc)) for cc, v in days[:2])
    texts = [(cell_name(r, c), v) for r, row in enumerate(grid) for c, v in enumerate(row)
             if (r, c) not in used and isinstance(v, str) and not is_blank(v)]
    return found, texts


def _value_right_or_below(grid: list[list[Any]], r: int, c: int, labels: dict[str, Field],
                          used: set[tuple[int, int]]) -> CoverValue:
    """The value of the label at (r, c): the first filled cell of the next three to its right unless that
    is another label, else the cell below unless that is a label; an empty value at the cell to the right."""
    row = grid[r]
    right = next(((cc, v) for cc, v in enumerate(row[c + 1 : c + 4], c + 1) if not is_blank(v)), None)
    below = grid[r + 1][c] if r + 1 < len(grid) and c < len(grid[r + 1]) else None
    if right is not None and not _is_label(right[1], labels):
        used.add((r, right[0]))
        return CoverValue(right[1], cell_name(r, right[0]))
    if not is_blank(below) and not _is_label(below, labels):
        used.add((r + 1, c))
        return CoverValue(below, cell_name(r + 1, c))
    return CoverValue(None, cell_name(r, c + 1))


def _is_label(value: Any, labels: dict[str, Field]) -> bool:
    if not isinstance(value, str):
        return False
    key = header_key(_split_label(value)[0])
    return key in labels or key in PERIOD_LABELS


_LABEL_VALUE = re.compile(r"^([^:：]{1,20}?)\s*[:：]\s*(.*)$", re.S)
_LABEL = r"[^\d\s:：][^:：\s]{0,15}"
_ITEM = re.compile(rf"({_LABEL})\s*[:：]\s*(.*?)\s*(?=\s+{_LABEL}\s*[:：]|$)", re.S)


def _items(text: str) -> list[tuple[str, Any]]:
    """(label, the value written after its colon or None) for each item of a cell: 「村名：坪朗村」 ->
    [(村名, 坪朗村)]; 「村名：坪朗村　填报人：施建华」 -> two items; a cell without a colon is one label."""
    text = text.strip()
    if text.count(":") + text.count("：") > 1:
        found = [(m[1], None if is_blank(m[2]) else m[2]) for m in _ITEM.finditer(text)]
        if len(found) > 1:
            return found
    m = _LABEL_VALUE.match(text)  # one item: its label may have spaces (填 表 人：)
    return [(text, None) if m is None or is_blank(m[2]) else (m[1], m[2].strip())]


def _split_label(text: str) -> tuple[str, Any]:
    return _items(text)[0]


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
    grid = _grid(sheet)
    _fill_merged(grid, sheet.merged_cell_ranges, HEADER_SEARCH_ROWS)
    best: tuple[int, int, dict[str, int], list[tuple[int, str]], set[str]] | None = None
    for r in range(min(HEADER_SEARCH_ROWS, len(grid))):
        columns, extra, months = _match_row(register, grid[r], grid[r - 1] if r else None)
        if best is None or len(columns) > len(best[2]):
            best = (len(columns), r, columns, extra, months)
        if len(columns) == len(register.fields):  # every column found: no later row can do better
            break
    if best is None or best[0] == 0:
        return Table(register, sheet.name, 1, {}, [f for f in register.fields if f.required], [])
    _, header, columns, extra, months = best
    header = _header_end(sheet.merged_cell_ranges, header, columns)
    table = Table(
        register,
        sheet.name,
        header + 1,
        columns,
        [f for f in register.fields if f.required and f.key not in columns],
        extra,
        month_keys=months,
    )
    _read_body(table, grid[header + 1 :], header + 2, grid[header])
    return table


def _header_end(merged, header: int, columns: dict[str, int]) -> int:
    """The last row of a header whose cells are merged down over more rows (序号 in A3:A4): the data
    start below it, not in its merged copy."""
    spans = [r1 for (r0, c0), (r1, c1) in merged or () if r0 <= header < r1 < HEADER_SEARCH_ROWS
             and any(c0 <= c <= c1 for c in columns.values())]
    return max(spans, default=header)


def _read_body(table: Table, body: list[list[Any]], first: int, heads: Sequence[Any] = ()) -> None:
    """Fill ``table.numbers`` and ``table.raw`` from the rows below the header (``first`` is the
    1-based row of ``body[0]``). Works on columns: a row-by-row loop over 1.7 M cells is slow.

    Left out: blank rows (also rows holding only a 序号 or other pre-filled cells), 合计 rows, the
    header row written again (``heads``, at page breaks), footer lines (填表人：…, 注：…) and the lines
    after the first footer that carry no ID number."""
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
    again = _headers_again(table, grid, distinct, heads)
    table.header_again = [first + i for i in sorted(again)]
    skip |= again
    raw: dict[str, Sequence[Any]] = {}
    for key, c in table.columns.items():
        blank = {v for v in distinct[c] if v.__class__ is str and not v[:1].isalnum()
                 and (is_blank(v) or v.strip() in PLACEHOLDERS)}
        raw[key] = [None if v in blank else v for v in grid[c]] if blank else grid[c]
        table.distinct[key] = (distinct[c] - blank) | {None} if blank else distinct[c]
    content = [values for key, values in raw.items() if not table.register.field(key).prefilled] or list(raw.values())
    keep = range(len(body))
    if all(None in values for values in content):  # else no row is blank in every column
        keep = [i for i, values in enumerate(zip(*content)) if values.count(None) < len(content)]
    skip |= _footers(table, grid, raw, first, keep, skip)
    if skip:
        keep = [i for i in keep if i not in skip]
    if len(keep) < len(body):
        raw = {key: [values[i] for i in keep] for key, values in raw.items()}
    table.numbers = [first + i for i in keep]
    table.raw = raw


def _headers_again(table: Table, grid: list[tuple], distinct: dict[int, set[Any]], heads: Sequence[Any]) -> set[int]:
    """Rows that repeat the header (copied at every printed page): at least half their columns hold the
    column's own header text. Looked for only in columns whose header text occurs below it."""
    seen: dict[int, int] = {}
    for c in table.columns.values():
        head = heads[c] if c < len(heads) else None
        if isinstance(head, str) and head in distinct.get(c, ()):
            for i, v in enumerate(grid[c]):
                if v == head:
                    seen[i] = seen.get(i, 0) + 1
    return {i for i, n in seen.items() if 2 * n >= len(table.columns)}


def _footers(table: Table, grid: list[tuple], raw: dict[str, Sequence[Any]], first: int, keep: Sequence[int],
             skip: set[int]) -> set[int]:
    """Rows (0-based in the body) of footer lines under the register, and of the non-blank lines after the
    first one that hold no ID number; records them on ``table``. Only the rows below the last row with an
    ID number are searched (a line with an ID number is a person, whatever it says), so the cost does not
    grow with the register."""
    ids = [raw[key] for key, c in table.columns.items() if isinstance(table.register.field(key).type, IdNumber)]
    start = len(grid[0]) if grid else 0
    while start and not any(_looks_like_id(values[start - 1]) for values in ids):
        start -= 1
    found: dict[int, tuple[int, str]] = {}  # body row -> (column, text) of its first footer cell
    totals: set[int] = set()  # 合计 rows whose label is not in the first three columns
    for c, column in enumerate(grid):
        tail = column[start:]
        texts = [v for v in set(tail) if v.__class__ is str]
        labels = footer_texts("\x00".join(texts)) if texts else ()
        sums = {v for v in texts if TOTAL_LABEL.match(clean_text(v))}
        for i, v in enumerate(tail, start):
            if v in sums and i not in skip:
                totals.add(i)
            elif v in labels and i not in found:
                found[i] = (c, v)
    if totals:
        skip |= totals
        table.total_rows = sorted({*table.total_rows, *(first + i for i in totals)})
    for i in totals:
        found.pop(i, None)
    if not found:
        return totals
    footers = sorted(found)
    table.footer_rows = [(first + i, cell_name(first + i - 1, found[i][0]), clean_text(found[i][1])) for i in footers]
    after = [i for i in keep if i > footers[0] and i not in found and i not in skip]
    for i in after:
        c = next((c for c, values in enumerate(grid) if not is_blank(values[i])), 0)
        table.after_footer.append((first + i, cell_name(first + i - 1, c)))
    return set(footers) | set(after) | totals


def _looks_like_id(value: Any) -> bool:
    """A raw ID cell that is a person's (a number, or text of 15 or more characters starting with a digit),
    not blank and not a footer's text (填报日期 2012年11月2日 under the ID column)."""
    return value is not None and (value.__class__ is not str or len(value) >= 15 and value.lstrip()[:1].isdigit())


def template_version(source: Path | bytes) -> str | None:
    """The template version stored as a custom document property (xlsx/xlsm only)."""
    return marks.properties(io.BytesIO(source) if isinstance(source, bytes) else source).get(
        TEMPLATE_VERSION_PROPERTY) or None
