"""Page arithmetic for printed sheets: A4, type kept legible, wrapped text given tall enough rows.

A sheet is printed at a fixed scale that keeps the body font at :data:`MIN_TYPE` pt or more
(:func:`legible_scale`), or fitted to one page wide when that scale is as large (:func:`plan`).
Column widths are in characters as the sheets give them; a character of the default font is 7
pixels (Calibri 11, as Excel and LibreOffice measure columns), a pixel 0.75 pt, a CJK
character two characters wide. Rows are 15 pt unless wrapped text needs more (:func:`row_height`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

A4 = (595.3, 841.9)  # pt, portrait
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6, "header": 0.25, "footer": 0.25}  # inches
MIN_TYPE = 8.0  # pt: the smallest type a printed sheet may have
LINE = 15.0  # pt: one line of 11 pt type, the default row height
FIT_SAFETY = 0.72  # LibreOffice prints columns ~1.33 × wider than Excel's 7 px a character (measured): fit to
# one page wide only when that leaves the scale legible there too
ROOM = 0.9  # the share of a page's height the rows are planned to fill (fonts vary: a row may be taller)


def units(text: str) -> int:
    """The width of ``text`` in characters of the default font (a CJK character counts two)."""
    return sum(2 if ord(ch) >= 0x2E80 else 1 for ch in text)


def column_points(width: float) -> float:
    """The printed width (pt, at 100 %) of a column ``width`` characters wide."""
    return (int(width * 7 + 0.5) + 5) * 0.75


def lines(text: str, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (an estimate on the safe side)."""
    per_line = max(1, int((width * 7 - 8) / 7.7))
    return sum(max(1, math.ceil(units(part) / per_line)) for part in str(text).split("\n"))


def row_height(texts: list[tuple[str, float]], lowest: float = LINE) -> float:
    """The height (pt) of a row whose wrapped cells hold ``texts``: (text, column width) pairs."""
    most = max((lines(t, w) for t, w in texts if t), default=1)
    return max(lowest, most * LINE + 2)


def legible_scale(font_size: float) -> int:
    """The smallest print scale (%) at which ``font_size`` pt type prints at :data:`MIN_TYPE` pt or more."""
    return min(100, math.ceil(MIN_TYPE / font_size * 100) + 1)


def printable(landscape: bool) -> tuple[float, float]:
    """(width, height) in pt of the body of an A4 page within :data:`MARGINS`."""
    short, long = A4
    width, height = (long, short) if landscape else (short, long)
    return (width - 72 * (MARGINS["left"] + MARGINS["right"]),
            height - 72 * (MARGINS["top"] + MARGINS["bottom"]))


@dataclass(frozen=True)
class Plan:
    """How a sheet prints: fitted to one page wide or at ``scale`` %, and the rows after which a page ends."""

    landscape: bool
    fit_width: bool
    scale: int
    breaks: tuple[int, ...] = ()


def plan(widths: list[float], rows: int, font_size: float, head: float = LINE, landscape: bool = True) -> Plan:
    """The print set-up of a sheet: ``widths`` of its columns, ``rows`` rows of one line below a header
    ``head`` pt tall (repeated on every page).

    One page wide when that needs no scale below :func:`legible_scale`; otherwise at that scale, across
    then down, the rows split into blocks of equal size (page breaks), so that the last row of pages
    across is about as full as the others instead of holding a few rows."""
    scale = legible_scale(font_size)
    width, height = printable(landscape)
    total = sum(column_points(w) for w in widths)
    fit = 100 * width / total if total else 100
    if fit * FIT_SAFETY >= scale:
        return Plan(landscape, True, min(100, int(fit)))
    per_page = max(1, int((height * ROOM * 100 / scale - head) / LINE))
    blocks = math.ceil(rows / per_page) if rows else 1
    if blocks <= 1:
        return Plan(landscape, False, scale)
    size = math.ceil(rows / blocks)
    return Plan(landscape, False, scale, tuple(1 + size * i for i in range(1, blocks) if 1 + size * i < rows + 1))
