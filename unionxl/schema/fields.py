"""Field types, in the manner of click's ParamType.

``FieldType.convert(raw, notes)`` takes a raw cell value as a reader gives it (str, int,
float, bool, date, datetime or None) and returns the clean value, or raises
:class:`~unionxl.checks.findings.Invalid`. Values that are accepted after a repair worth telling
the village about (a lower-case x, a legacy 15-digit ID) append an ``Invalid`` to
``notes`` — a warning, not an error.

Each type also says how the template presents it: ``number_format`` and ``validation``
(keyword arguments for an Excel data validation).

Text, code lists, numbers and phones are here; dates in :mod:`.dates`, ID numbers and credit codes
in :mod:`.idnumber`, the base class in :mod:`.fieldtype`. Every type is importable from here.
"""

from __future__ import annotations

import difflib
import functools
import re
from decimal import Decimal

from .codes import CodeList
from ..checks.findings import Invalid
from .dates import EXCEL_EPOCH, Date, Month, YearMonth, period
from .fieldtype import FieldType, clean_already, clean_text, is_blank, is_future, today
from .idnumber import CreditCode, IdNumber, area_known, id_birth_date, id_check_char, id_sex, ymd_date

__all__ = ["EXCEL_EPOCH", "TOO_LARGE", "Choice", "CreditCode", "Date", "FieldType", "IdNumber", "Integer", "Money",
           "Month", "Phone", "Text", "YearMonth", "area_known", "clean_text", "id_birth_date", "id_check_char",
           "id_sex", "is_blank", "is_future", "period", "today", "ymd_date"]


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

    def convert_common(self, raws):
        texts = clean_already([r for r in raws if r.__class__ is str and len(r) <= self.max_length])
        return dict(zip(texts, texts))

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

    def convert_common(self, raws):
        same = self._same
        return {r: same[r] for r in raws if r.__class__ is str and r in same}

    @functools.cached_property
    def _same(self) -> dict[str, str]:
        """The labels that are their own clean value, each to the one object every cell gets."""
        return {label: label for label in self.codes.labels if self.convert(label) == label}

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

    def convert_common(self, raws):
        low = self.minimum
        return {r: int(r) for r in raws if r.__class__ is float and r.is_integer() and low <= r < TOO_LARGE}

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

    def convert_common(self, raws):
        mobile = _MOBILE.match
        return {r: r for r in raws if r.__class__ is str and mobile(r)}

    def validation(self):
        return {"type": "textLength", "operator": "between", "formula1": "7", "formula2": "13"}
