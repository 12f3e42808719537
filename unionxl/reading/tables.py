"""What the reader gives: a submission's cover values and register tables, the rows, and cell names.

A :class:`Row` is one register row, raw (``Table.rows``) or clean (``FileReport.rows``, after
:mod:`unionxl.checks.validate`): one type for both.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..checks.findings import a1
from ..schema.fields import clean_text, is_blank
from ..schema.registers import Field, Register


def cell_name(row: int, col: int) -> str:
    """A1 name of a zero-based (row, col)."""
    return a1(row + 1, col + 1)


_MARKERS = re.compile(r"[\s*※★]|\(必填\)|\(选填\)")


@functools.lru_cache(maxsize=4096)  # labels repeat in every file
def header_key(text: Any) -> str:
    """How headers and labels are compared: NFKC, no spaces, no required-markers (* 必填), ASCII
    parentheses, no leading or trailing colons (填报人：)."""
    return _MARKERS.sub("", unicodedata.normalize("NFKC", str(text))).lower().strip(":")


NOT_REGISTERS = {header_key(n) for n in ("问题清单", "填表说明", "代码表", "说明")}


def grid_of(sheet) -> list[list[Any]]:
    return sheet.to_python(skip_empty_area=False)


@dataclass(slots=True)
class Row:
    """One register row: ``cells[index[key]]`` is its value of field ``key`` — raw as read (``Table.rows``),
    or clean after conversion (``FileReport.rows``: None when blank or invalid). ``index`` and ``columns``
    are shared by the rows of a table."""

    number: int  # 1-based row in the village's sheet
    cells: tuple[Any, ...]
    index: dict[str, int]  # field key -> position in cells
    columns: dict[str, int]  # field key -> zero-based column in the village's sheet
    has_error: bool = False  # a cell of it did not convert, or a required one is blank
    invalid: dict[str, Any] = field(default_factory=dict)  # field key -> raw value that did not convert

    def get(self, key: str) -> Any:
        """The value of field ``key``; None when blank, invalid or not in the sheet."""
        i = self.index.get(key)
        return None if i is None else self.cells[i]

    @property
    def values(self) -> dict[str, Any]:
        """Field key -> value, for every column the sheet has."""
        return dict(zip(self.index, self.cells))

    def col(self, key: str) -> int | None:
        """1-based column of this row's cell for ``key``; None when the sheet has no such column."""
        col = self.columns.get(key)
        return None if col is None else col + 1

    def cell(self, key: str) -> str | None:
        """A1 name of this row's cell for ``key``; None when the sheet has no such column."""
        col = self.columns.get(key)
        return None if col is None else cell_name(self.number - 1, col)


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
    # (row, column, text) of 填表人：… lines, 1-based, the column of the footer's cell
    footer_rows: list[tuple[int, int, str]] = field(default_factory=list)
    after_footer: list[tuple[int, int]] = field(default_factory=list)  # (row, first filled column) below a footer
    month_keys: set[str] = field(default_factory=set)  # date columns headed …年月 (出生年月): a month is enough
    rivals: list[tuple[str, int]] = field(default_factory=list)  # (sheet, data rows) of other sheets that could be it
    named: bool = True  # the sheet's name is the register's (or a synonym); else it was taken by its header

    @property
    def rows(self) -> list[Row]:
        """The data rows one by one (a view for callers that want rows; validation works by column)."""
        index = {key: i for i, key in enumerate(self.raw)}
        return [Row(n, values, index, self.columns) for n, values in zip(self.numbers, zip(*self.raw.values(), strict=True))]


@dataclass
class CoverValue:
    """A value on the cover (or a text of it) and where it is: 1-based row and column."""

    raw: Any
    row: int
    col: int

    @property
    def cell(self) -> str:
        return a1(self.row, self.col)


@dataclass
class Submission:
    path: Path
    kind: str  # what the file really is: "xlsx", "xls" or "ods"
    cover_sheet: str | None
    cover: dict[str, CoverValue]
    tables: dict[str, Table]  # register key -> table
    missing_sheets: list[Register]
    template_version: str | None
    cover_texts: list[CoverValue] = field(default_factory=list)  # the cover's texts that are no item (its title)
    cover_by_content: bool = False  # no sheet is named 封面: the items were found on ``cover_sheet`` by their labels

    @property
    def village(self) -> str | None:
        value = self.cover.get("village")
        return None if value is None or is_blank(value.raw) else clean_text(value.raw)
