"""``--mask``: ID numbers and phones hidden in every text the township workbook holds."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

# A run of 10 or more digits, spaces or dashes allowed between them, an X at the end: ID numbers and phones
# as typed, valid or not (17 or 19 digits, 「ID」 in front, 4331 0119…, 138-0000-0000, a 10-digit phone).
_DIGITS = re.compile(r"(?<!\d)\d(?:[ \-\u3000]?\d){9,}(?:[ \-\u3000]?[Xx])?(?![\dXx])")


def _masked(match: re.Match[str]) -> str:
    digits = re.sub(r"[ \-\u3000]", "", match[0])
    head, tail = (4, 3 if len(digits) == 15 else 4) if len(digits) >= 15 else (3, 4)
    return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]


def mask(text: str) -> str:
    """4331**********123X for ID numbers, 138****0000 for mobiles: any run of 10 or more digits."""
    return _DIGITS.sub(_masked, text)


def masker(masked: bool) -> Callable[[list[Any]], list[Any]]:
    """What a row of values goes through before it is written: with ``masked``, :func:`mask` on its texts."""
    if not masked:
        return lambda values: values
    return lambda values: [mask(v) if v.__class__ is str else v for v in values]
