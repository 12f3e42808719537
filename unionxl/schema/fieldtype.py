"""The base of every field type, and the text helpers all of them use (see :mod:`unionxl.schema.fields`)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Collection
from typing import Any

from ..checks.findings import Invalid

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def clean_text(raw: Any) -> str:
    """NFKC-normalise, drop invisible characters, collapse and trim white space."""
    text = unicodedata.normalize("NFKC", str(raw)).translate(_INVISIBLE)
    return " ".join(text.split())


_UNCLEAN = re.compile("[^\\S ]|  |(?:^|\x00) | (?:\x00|$)|[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def clean_already(texts: list[str], batch: int = 512) -> list[str]:
    """Those of ``texts`` that are their own :func:`clean_text`, found ``batch`` texts at a time by one
    pass over them joined by NUL (which NFKC leaves alone); a batch holding any other text is left out
    whole, for :func:`clean_text` to see each of its texts."""
    clean: list[str] = []
    for start in range(0, len(texts), batch):
        part = texts[start : start + batch]
        joined = "\x00".join(part)
        if (joined.count("\x00") == len(part) - 1 and unicodedata.is_normalized("NFKC", joined)
                and _UNCLEAN.search(joined) is None):
            clean += part
    return clean


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

    def convert_common(self, raws: Collection[Any]) -> dict[Any, Any]:
        """The clean values of those of ``raws`` (a column's distinct values) that take the common path:
        what :meth:`convert` gives each of them, with no error and no note, found a column at a time
        instead of one call per value. The others are left to :meth:`convert`; none by default."""
        return {}

    def validation(self) -> dict[str, Any] | None:
        """Keyword arguments for openpyxl's DataValidation, or None."""
        return None

    def display(self, value: Any) -> Any:
        """The clean value as it is written back into a workbook."""
        return value
