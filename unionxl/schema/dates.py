"""Date field types: a calendar date, a year and month (出生年月), and the report period one cell gives."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from ..checks.findings import Invalid
from .fieldtype import FieldType, clean_text, is_blank, is_future, today

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})[日号]?(?:[\sT]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
    re.compile(r"^(\d{2})[-/.](\d{1,2})[-/.](\d{1,2})$"),
)


EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's date numbers (1900 system, after its 29 Feb 1900)


class Date(FieldType):
    """A calendar date: a real date cell, or text such as 2012.11.1, 2012年11月1日, 20121101."""

    name = "date"
    number_format = "yyyy-mm-dd"
    EARLIEST = dt.date(1900, 1, 1)

    def __init__(self, allow_future: bool = False) -> None:
        self.allow_future = allow_future

    def convert(self, raw, notes=None):
        if raw.__class__ in (int, float) and 10000 <= raw < 100000:  # a date pasted as its number (40909)
            day = EXCEL_EPOCH + dt.timedelta(days=int(raw))
            if notes is not None:
                notes.append(Invalid("date-serial", date=day.isoformat()))
            raw = day
        value = self._parse(raw)
        if value < self.EARLIEST:
            raise Invalid("too-old-date")
        if not self.allow_future and is_future(value):
            raise Invalid("future-date")
        return value

    def convert_common(self, raws):
        """Date cells (calamine gives a date, or a datetime when the cell has a time) of a possible day."""
        if type(self)._parse is not Date._parse:  # a subclass (YearMonth) reads cells its own way
            return {}
        last = dt.date.max if self.allow_future else today()
        low, high = dt.datetime.combine(self.EARLIEST, dt.time()), dt.datetime.combine(last, dt.time.max)
        first = self.EARLIEST
        return {r: r if r.__class__ is dt.date else r.date() for r in raws
                if r.__class__ is dt.date and first <= r <= last or r.__class__ is dt.datetime and low <= r <= high}

    def _parse(self, raw) -> dt.date:
        if isinstance(raw, dt.datetime):
            return raw.date()
        if isinstance(raw, dt.date):
            return raw
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = str(int(raw)) if float(raw).is_integer() else str(raw)
        text = clean_text(raw).replace(" ", "") if not re.search(r"\d:\d", str(raw)) else clean_text(raw)
        for pattern in _DATE_PATTERNS:
            m = pattern.match(text)
            if m:
                year, month, day = (int(g) for g in m.groups())
                if year < 100:  # 12-11-1: a two-digit year is this century unless that is the future
                    year += 2000 if 2000 + year <= today().year else 1900
                try:
                    return dt.date(year, month, day)
                except ValueError:
                    break
        raise Invalid("bad-date")

    def monthly(self) -> Date:
        """This type for a column headed …年月, where a year and month is enough."""
        return YearMonth(self.allow_future)

    def validation(self):
        return {
            "type": "date",
            "operator": "between",
            "formula1": "DATE(1900,1,1)",
            "formula2": "DATE(2099,12,31)",
        }


class Month(dt.date):
    """A year and month (出生年月 1990.02): a date on the 1st that checks compare at month precision."""

    __slots__ = ()

    def isoformat(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    __str__ = isoformat

    def same_month(self, other: dt.date) -> bool:
        return (self.year, self.month) == (other.year, other.month)


_MONTH_PATTERNS = (re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$"), re.compile(r"^(\d{4})(\d{2})$"))


class YearMonth(Date):
    """A date column headed …年月 (出生年月, 入会年月): a year and month — 1990.02, 1990年2月, 199002,
    1990-2, or a date cell (read as its month) — or a full date written as text."""

    name = "year_month"
    number_format = "yyyy-mm"

    def _parse(self, raw) -> dt.date:
        if isinstance(raw, dt.date):  # a date cell under 出生年月 is usually formatted yyyy-mm: its day means nothing
            return Month(raw.year, raw.month, 1)
        if isinstance(raw, float) and not raw.is_integer():
            raw = repr(raw)  # 1990.02 typed into a number cell
        elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raw = str(int(raw))
        text = clean_text(raw).replace(" ", "")
        for pattern in _MONTH_PATTERNS:
            m = pattern.match(text)
            if m and 1 <= int(m[2]) <= 12:
                return Month(int(m[1]), int(m[2]), 1)
        return super()._parse(raw)


_SAME_YEAR = re.compile(r"^(\d{4})年(\d{1,2})月?(?:份)?[—–\-~～至到]+(\d{1,2})月(?:份)?$")
_RANGE = re.compile(r"^(.+?)(?:至|到|~|～|—+|–|－|--?)(.+)$")


def period(text: Any) -> tuple[dt.date, dt.date] | None:
    """The report period one cell gives (统计期间：2012年1月1日至2012年10月31日, 2012.1.1-2012.10.31,
    2012年1—10月, 2012年1月至10月): (start, end), a month-only end meaning its last day; None if it is no period."""
    if isinstance(text, dt.date) or is_blank(text):
        return None
    text = clean_text(text).replace(" ", "")
    m = _SAME_YEAR.match(text)
    if m:
        year, first, last = (int(g) for g in m.groups())
        parts: tuple[str, str] = (f"{year}年{first}月", f"{year}年{last}月")
    else:
        m = re.match(r"^(\d{4}-\d{1,2}-\d{1,2})-(\d{4}-\d{1,2}-\d{1,2})$", text) or _RANGE.match(text)
        if not m:
            return None
        parts = (m[1], m[2])
    try:
        start, end = (_month_or_day(part, last=i == 1) for i, part in enumerate(parts))
    except (Invalid, ValueError):
        return None
    return start, end


def _month_or_day(text: str, last: bool) -> dt.date:
    """A date, or a month (2012年10月, 2012.10) as its first or last day."""
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?(?:份)?", text)
    if m is None:
        return Date(allow_future=True)._parse(text)
    year, month = int(m[1]), int(m[2])
    if not last:
        return dt.date(year, month, 1)
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
