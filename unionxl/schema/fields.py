"""Field types, in the manner of click's ParamType.

``FieldType.convert(raw, notes)`` takes a raw cell value as a reader gives it (str, int,
float, bool, date, datetime or None) and returns the clean value, or raises
:class:`~unionxl.checks.findings.Invalid`. Values that are accepted after a repair worth telling
the village about (a lower-case x, a legacy 15-digit ID) append an ``Invalid`` to
``notes`` — a warning, not an error.

Each type also says how the template presents it: ``number_format`` and ``validation``
(keyword arguments for an Excel data validation).
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from decimal import Decimal
from typing import Any

from stdnum import numdb
from stdnum.cn import ric, uscc

from .codes import CodeList
from ..checks.findings import Invalid

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def clean_text(raw: Any) -> str:
    """NFKC-normalise, drop invisible characters, collapse and trim white space."""
    text = unicodedata.normalize("NFKC", str(raw)).translate(_INVISIBLE)
    return " ".join(text.split())


_BLANK = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\u00ad]*\Z")


def is_blank(raw: Any) -> bool:
    """None, or text of nothing but white space and invisible characters."""
    return raw is None or (raw.__class__ is str and _BLANK.match(raw) is not None)


def today() -> dt.date:
    return dt.date.today()


_STARTED = today()


def is_future(day: dt.date) -> bool:
    """After today (asks the clock only for days after the day this module was loaded)."""
    return day > _STARTED and day > today()


class FieldType:
    name = "text"
    number_format = "General"

    def convert(self, raw: Any, notes: list[Invalid] | None = None) -> Any:
        raise NotImplementedError

    def validation(self) -> dict[str, Any] | None:
        """Keyword arguments for openpyxl's DataValidation, or None."""
        return None

    def display(self, value: Any) -> Any:
        """The clean value as it is written back into a workbook."""
        return value


class Text(FieldType):
    name = "text"

    def __init__(self, max_length: int = 200) -> None:
        self.max_length = max_length

    def convert(self, raw, notes=None):
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = clean_text(raw)
        if len(text) > self.max_length:
            raise Invalid("text-too-long", maximum=self.max_length)
        return text

    def validation(self):
        return {"type": "textLength", "operator": "lessThanOrEqual", "formula1": str(self.max_length)}


class Choice(FieldType):
    """One value of a code list; accepts the label, the code, ``code label`` and aliases."""

    name = "choice"

    def __init__(self, codes: CodeList) -> None:
        self.codes = codes
        lookup: dict[str, str] = {}
        for e in codes.entries:
            for key in (e.label, e.code, f"{e.code}{e.label}", *e.aliases):
                lookup[self._key(key)] = e.label
        self._lookup = lookup

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"[\s()（）\-_.、:：]", "", clean_text(text)).upper()

    def convert(self, raw, notes=None):
        if isinstance(raw, bool):  # an Excel TRUE/FALSE cell in a 是/否 column
            raw = "是" if raw else "否"
        elif isinstance(raw, (int, float)) and float(raw).is_integer():
            raw = int(raw)
        if re.fullmatch(r"\d*\.\d+", clean_text(raw)):  # 1.5 is no code; _key would make it 15
            raise Invalid("not-in-list", suggestion=self.suggest(clean_text(raw)))
        key = self._key(str(raw))
        if key in self._lookup:
            return self._lookup[key]
        if key.isdigit() and key.zfill(2) in self._lookup:
            return self._lookup[key.zfill(2)]
        for suffix in self.SUFFIXES:  # 农业户口 (the provincial forms' wording), 退休人员, 苗族
            if key.endswith(suffix) and key[: -len(suffix)] in self._lookup:
                return self._lookup[key[: -len(suffix)]]
        raise Invalid("not-in-list", suggestion=self.suggest(clean_text(raw)))

    SUFFIXES = ("户口", "户籍", "人口", "人员", "职工", "户", "族", "性")
    NEGATIONS = "非不无未没"

    @classmethod
    def _negates(cls, text: str, inner: str) -> bool:
        """``text`` holds ``inner`` only after a negation (非农业户口 holds 农业 negated)."""
        at = text.find(inner)
        return at > 0 and text[at - 1] in cls.NEGATIONS

    def suggest(self, text: str) -> str:
        """The label meant: the most specific label the text contains, else the closest label containing
        it, else the nearest spelling — never a label the text negates (非农业户口 is never told 农业)."""
        labels = self.codes.labels
        inside = sorted((label for label in labels if text and label in text and not self._negates(text, label)),
                        key=len, reverse=True)
        around = sorted((label for label in labels if text and text in label and not self._negates(label, text)),
                        key=len)
        near = inside or around or [label for label in difflib.get_close_matches(text, labels, n=3, cutoff=0.4)
                                    if not self._negates(text, label) and not self._negates(label, text)]
        if near:
            return f"，是否应为「{near[0]}」"
        shown = "、".join(labels[:8]) + ("等" if len(labels) > 8 else "")
        return f"（可选：{shown}）"

    def validation(self):
        # stored without "=" (<formula1>代码_性别</formula1>), as Excel, LibreOffice and XlsxWriter write it
        return {"type": "list", "formula1": self.codes.defined_name}


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


TOO_LARGE = Decimal(10) ** 13  # more than any union register holds; also keeps Decimal arithmetic exact


def _number(raw) -> Decimal:
    if isinstance(raw, bool):
        raise Invalid("bad-number")
    if isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(f"{raw:.15g}")  # Excel's 15 significant digits: 0.1 stays 0.1, =0.1+0.2 is 0.3
    else:
        value = _parse_number(raw)
    if not value.is_finite():
        raise Invalid("bad-number")
    if abs(value) >= TOO_LARGE:
        raise Invalid("number-too-large")
    return value


def _parse_number(raw) -> Decimal:
    text = clean_text(raw).replace(",", "").replace(" ", "").removesuffix("整")  # 500元整
    scale = Decimal(1)
    for unit, factor in (("万元", 10000), ("万", 10000), ("元", 1)):
        if text.endswith(unit):
            text, scale = text[: -len(unit)], Decimal(factor)
            break
    text = text.lstrip("¥￥")
    try:
        return Decimal(text) * scale
    except ArithmeticError:  # InvalidOperation for "abc", Overflow for "1e999999万"
        raise Invalid("bad-number") from None


class Integer(FieldType):
    name = "integer"
    number_format = "0"

    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def convert(self, raw, notes=None):
        if raw.__class__ is float and raw.is_integer() and self.minimum <= raw < TOO_LARGE:
            return int(raw)  # the common case, e.g. 序号 1, 2, 3…
        value = _number(raw)
        if value != value.to_integral_value():
            raise Invalid("not-integer")
        if value < self.minimum:
            raise Invalid("negative", minimum=self.minimum)
        return int(value)

    def validation(self):
        return {"type": "whole", "operator": "greaterThanOrEqual", "formula1": str(self.minimum)}


class Money(FieldType):
    """Yuan, at most two decimals, not below ``minimum``; returns a Decimal with two places."""

    name = "money"
    number_format = "#,##0.00"

    def __init__(self, minimum: int = 0) -> None:
        self.minimum = minimum

    def convert(self, raw, notes=None):
        value = _number(raw)
        if value < self.minimum:
            raise Invalid("negative", minimum=self.minimum)
        if value.as_tuple().exponent < -2 and value != value.quantize(Decimal("0.01")):
            raise Invalid("too-many-decimals")
        return value.quantize(Decimal("0.01"))

    def validation(self):
        return {"type": "decimal", "operator": "greaterThanOrEqual", "formula1": str(self.minimum)}

    def display(self, value):
        return float(value)


_MOBILE = re.compile(r"1[3-9][0-9]{9}\Z")
_LANDLINE = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}\Z")
_PHONE_NOISE = re.compile(r"[\s()（）]")
_COUNTRY = re.compile(r"^(\+?86|0086)(?=1[0-9]{10}$)")


class Phone(FieldType):
    """A mainland mobile number (11 digits) or a landline with area code."""

    name = "phone"
    number_format = "@"

    def convert(self, raw, notes=None):
        if raw.__class__ is str and _MOBILE.match(raw):  # the common case: nothing to clean
            return raw
        if isinstance(raw, (int, float)) and not isinstance(raw, bool) and float(raw).is_integer():
            raw = str(int(raw))
        text = _PHONE_NOISE.sub("", clean_text(raw))
        digits = _COUNTRY.sub("", text.replace("-", ""))  # +86 138-0743-1234
        if _MOBILE.match(digits):
            return digits
        if _LANDLINE.match(text):
            return text
        raise Invalid("bad-phone")

    def validation(self):
        return {"type": "textLength", "operator": "between", "formula1": "7", "formula2": "13"}


_AREAS = numdb.get("cn/loc")


def area_known(number: str) -> bool:
    """True when the first six digits name a county in python-stdnum's area table."""
    return _area_known(number[:6])


@functools.lru_cache(maxsize=8192)
def _area_known(area: str) -> bool:
    info = _AREAS.info(area)
    return sum(len(part) for part, _ in info) == 6 and bool(info[-1][1])


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    return ric.calc_check_digit(first17[:17] + "0")  # stdnum expects a number with a check place


def id_birth_date(number: str) -> dt.date:
    """Birth date of a clean 18-character ID number (raises ValueError when impossible)."""
    return ymd_date(number[6:14])


@functools.lru_cache(maxsize=65536)  # a roster of 100k people has some 20k distinct birthdays
def ymd_date(ymd: str) -> dt.date:
    """The date written YYYYMMDD (raises ValueError when impossible)."""
    return dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))


def id_sex(number: str) -> str:
    """男 or 女 from the order code of a clean 18-character ID number."""
    return "男" if int(number[16]) % 2 else "女"


_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ID15 = re.compile(r"[0-9]{15}")
_SPACE = re.compile(r"\s")
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+\d+")


class IdNumber(FieldType):
    """居民身份证号码 (GB 11643-1999). Returns the 18-character number with an upper-case X.

    A number stored as a number has lost its last digits: that is an error, never repaired.
    Full-width digits, a lower-case x and spaces are normalised (warning). A legacy 15-digit
    number is upgraded (warning). An unknown area code is only a warning: codes are retired
    over the years and stay valid for life.
    """

    name = "id_number"
    number_format = "@"

    def convert(self, raw, notes=None):
        number = raw if raw.__class__ is str and _ID18.fullmatch(raw) else self._normalise(raw, notes)
        try:
            birth = ymd_date(number[6:14])
        except ValueError:
            birth = None
        if birth is None or birth.year < 1900 or is_future(birth):
            raise Invalid("id-birth-date", birth=number[6:14])
        expected = ric.calc_check_digit(number)  # of the first 17 characters
        if number[17] != expected:
            raise Invalid("id-checksum", expected=expected)
        if notes is not None and not _area_known(number[:6]):
            notes.append(Invalid("id-unknown-area", area=number[:6]))
        return number

    def _normalise(self, raw, notes) -> str:
        """An 18-character number from anything else the cell holds, or raise."""
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raise Invalid("id-as-number")
        original = str(raw).strip()
        number = _SPACE.sub("", clean_text(raw)).upper().lstrip("'`‘’")  # '433101… typed to force text
        if _SCIENTIFIC.fullmatch(number):  # 4.33101E+17 typed or pasted as text
            raise Invalid("id-as-number")
        self._note(notes, original != number, "id-normalised", clean=number)
        if _ID15.fullmatch(number):
            number = self._upgrade(number, notes)
        if not _ID18.fullmatch(number):
            raise Invalid("id-format")
        return number

    @staticmethod
    def _note(notes, condition: bool, code: str, **params) -> None:
        if condition and notes is not None:
            notes.append(Invalid(code, **params))

    def _upgrade(self, number: str, notes) -> str:
        body = number[:6] + "19" + number[6:]
        try:
            id_birth_date(body + "0")
        except ValueError:
            raise Invalid("id-birth-date", birth=body[6:14]) from None
        upgraded = body + id_check_char(body)
        self._note(notes, True, "id-15-digit", upgraded=upgraded)
        return upgraded

    def validation(self):
        return {"type": "textLength", "operator": "equal", "formula1": "18"}


class CreditCode(FieldType):
    """统一社会信用代码 (GB 32100-2015), checked with python-stdnum."""

    name = "credit_code"
    number_format = "@"

    def convert(self, raw, notes=None):
        try:
            return uscc.validate(re.sub(r"\s", "", clean_text(raw)).upper())
        except Exception:
            raise Invalid("bad-credit-code") from None

    def validation(self):
        return {"type": "textLength", "operator": "equal", "formula1": "18"}
