"""The rows below a register's header: which are data, and which are left out (blank, 合计, the header
written again, footer lines such as 填表人：…, and the lines below a footer without an ID number)."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

from ..schema.fields import IdNumber, clean_text, is_blank
from .tables import Table

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


# where a blank or placeholder text can begin: after the NUL that ends the text before it
_MAYBE_BLANK = re.compile(r"\x00(?=[\s\u200b\u200c\u200d\u2060\ufeff\u00ad/／\\\-－—–]|\x00|\Z)")


def blanks(values: set[Any]) -> set[str]:
    """The texts among ``values`` that mean an empty cell: white space only, or a placeholder such as /
    or —. Found by one search of the texts joined by NUL, not a Python step per value: a column of ID
    numbers has 100,000 of them."""
    texts: Collection[Any] = values
    try:
        joined = "\x00".join(values)
    except TypeError:  # numbers or dates among them
        texts = [v for v in values if v.__class__ is str]
        joined = "\x00".join(texts)
    if not texts:
        return set()
    if joined.count("\x00") != len(texts) - 1:  # a text holding a NUL itself: one step per text
        return {v for v in texts if _is_blank_text(v)}
    joined = "\x00" + joined
    found = set()
    for m in _MAYBE_BLANK.finditer(joined):
        end = joined.find("\x00", m.end())
        text = joined[m.end() : end if end >= 0 else len(joined)]
        if _is_blank_text(text):
            found.add(text)
    return found


def _is_blank_text(v: Any) -> bool:
    return v.__class__ is str and not v[:1].isalnum() and (is_blank(v) or v.strip() in PLACEHOLDERS)


def read_body(table: Table, body: list[list[Any]], first: int, heads: Sequence[Any] = ()) -> None:
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
        blank = blanks(distinct[c])
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
    table.footer_rows = [(first + i, found[i][0] + 1, clean_text(found[i][1])) for i in footers]
    after = [i for i in keep if i > footers[0] and i not in found and i not in skip]
    for i in after:
        c = next((c for c, values in enumerate(grid) if not is_blank(values[i])), 0)
        table.after_footer.append((first + i, c + 1))
    return set(footers) | set(after) | totals


def _looks_like_id(value: Any) -> bool:
    """A raw ID cell that is a person's (a number, or text of 15 or more characters starting with a digit),
    not blank and not a footer's text (填报日期 2012年11月2日 under the ID column)."""
    return value is not None and (value.__class__ is not str or len(value) >= 15 and value.lstrip()[:1].isdigit())
