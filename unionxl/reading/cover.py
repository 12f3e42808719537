"""Find the cover's items in a sheet by their labels (村名：坪朗村, a label and the cell to its right or below,
a 统计期间 in one cell), and the sheet that holds them when no sheet is named 封面."""

from __future__ import annotations

import re
from typing import Any

from ..schema.fields import is_blank, period
from ..schema.registers import COVER, Field
from .tables import NOT_REGISTERS, CoverValue, Table, grid_of, header_key


def cover_by_content(book, names: list[str], tables: dict[str, Table]
                      ) -> tuple[str | None, dict[str, CoverValue], list[CoverValue]]:
    """With no sheet named 封面: the first sheet holding the village's name item, or three cover items, by
    their labels; on a register's sheet only the rows above its header (村名：坪朗村 in a title line)."""
    headers = {t.sheet: t.header_row - 1 for t in tables.values()}
    for name in names:
        if header_key(name) in NOT_REGISTERS or headers.get(name, 1) == 0:
            continue
        found, texts = read_cover(book.get_sheet_by_name(name), headers.get(name))
        if "village" in found or len(found) >= 3:
            return name, found, texts
    return None, {}, []


PERIOD_LABELS = {header_key(h) for h in ("统计期间", "报表期间", "报告期", "报告期间", "所属期间", "填报期间", "统计时段",
                                         "统计时间", "报表所属期", "起止日期", "起止时间", "统计起止日期")}


def read_cover(sheet, rows: int | None = None) -> tuple[dict[str, CoverValue], list[CoverValue]]:
    """The cover's items, each found by its label (compared without colons, asterisks, 必填 and spaces):
    the value is after the colon in the label's cell (村名：坪朗村), else the first filled cell to its
    right, else the cell below. A 统计期间 given in one cell (2012年1月1日至2012年10月31日) gives both
    period items. Also the other texts of the cover (its title), with their cells. ``rows``: only the first rows."""
    labels = {header_key(h): f for f in COVER.fields for h in f.headers}
    grid = grid_of(sheet)[:rows]
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
                item = (CoverValue(inline, r + 1, c + 1) if inline is not None
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
            found["period_start"], found["period_end"] = (CoverValue(day, item.row, item.col) for day in both)
            continue
        days = [(cc, v) for cc, v in enumerate(grid[r][c + 1 : c + 7], c + 1) if not is_blank(v) and v != "至"]
        if len(days) >= 2:  # 统计期间 | 2012-01-01 | 至 | 2012-10-31
            found["period_start"], found["period_end"] = (CoverValue(v, r + 1, cc + 1) for cc, v in days[:2])
    texts = [CoverValue(v, r + 1, c + 1) for r, row in enumerate(grid) for c, v in enumerate(row)
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
        return CoverValue(right[1], r + 1, right[0] + 1)
    if not is_blank(below) and not _is_label(below, labels):
        used.add((r + 1, c))
        return CoverValue(below, r + 2, c + 1)
    return CoverValue(None, r + 1, c + 2)


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
