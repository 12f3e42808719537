"""The base of every field type, and the text helpers all of them use (see :mod:`unionxl.schema.fields`)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

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
