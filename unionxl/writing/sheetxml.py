"""Worksheet XML written row by row: cells and a sheet's layout (their formats: :mod:`.styles`).

:class:`SheetStream` writes one worksheet part into a binary stream (a member of a
zip being written) a row at a time, so memory does not grow with the rows. Text is always an
inline string, never a formula: control characters become ``_xHHHH_``, a literal ``_xHHHH_`` is
escaped, ``&<>`` are entities, leading and trailing spaces are preserved, and a text is cut at
Excel's 32,767 characters.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from ..checks.findings import column_letter
from .printing import MARGINS
from .styles import MAIN, escape

_PLAIN_TEXT = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
# In a row's texts joined by "|": any of these (or "_x") and each text is looked at with _PLAIN_TEXT.
_SUSPECT = re.compile(r"[&<>\x00-\x08\x0b-\x1f\ufffe\uffff\s]")
_ESCAPED_ESCAPE = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
STRMAX = 32767
_EPOCH = dt.datetime(1899, 12, 31)


def inline_text(text: str) -> str:
    """The ``<is>`` element of an inline-string cell holding ``text`` exactly (cut at 32,767 characters)."""
    if len(text) > STRMAX // 2 and len(text.encode("utf-16-le", "surrogatepass")) // 2 > STRMAX:
        text = text.encode("utf-16-le", "surrogatepass")[: 2 * STRMAX].decode("utf-16-le", "ignore")
    if _PLAIN_TEXT.search(text) is None:
        return f"<is><t>{text}</t></is>"
    text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m[1]):04X}_", text).replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f"<is><t{preserve}>{text}</t></is>"


def serial(value: dt.date) -> float | None:
    """Excel's 1900 date serial of a date or datetime (its phantom 1900-02-29 included); None before 1900."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
    if moment.tzinfo is not None:
        moment = moment.replace(tzinfo=None)
    if moment.year < 1900:
        return None
    delta = moment - _EPOCH
    days = delta.days + (1 if moment >= dt.datetime(1900, 3, 1) else 0)
    return days + delta.seconds / 86400 + delta.microseconds / 86400e6


def _nothing(text: str) -> None:
    return None


def _picker(positions: list[int]):
    """A function giving the values at ``positions`` of a row as a tuple (None for no positions)."""
    if not positions:
        return None
    if len(positions) == 1:
        return lambda values, i=positions[0]: (values[i],)
    return operator.itemgetter(*positions)


class _Serials(dict):
    """Date -> its serial as cell text (None before 1900), computed once a date."""

    def __missing__(self, value: dt.date) -> str | None:
        number = serial(value)
        text = self[value] = None if number is None else f"{number:.16G}"
        return text


@dataclass
class Layout:
    """How a streamed sheet looks: widths (in characters), frozen rows/columns, filter, printing."""

    widths: list[float]
    freeze: tuple[int, int] = (0, 0)
    autofilter: bool = False  # on the header row (row 1)
    print_titles: bool = False  # row 1 repeated on every printed page
    footer: str = ""  # centre footer, Excel's header/footer codes (&P, &N)
    landscape: bool = True  # A4 landscape (else no page set-up: a sheet nobody prints)
    fit_width: bool = True  # one page wide; else printed at ``scale`` %, pages across then down
    scale: int = 100
    title_columns: int = 0  # the first columns repeated on every page across
    row_breaks: tuple[int, ...] = ()  # a printed page ends after each of these rows
    portrait: bool = False  # A4 portrait instead of landscape
    printed_columns: int = 0  # only the first columns are printed (0: all); the others are for machines
    hidden: str = ""  # "" or "veryHidden"
    compact: bool = False  # cells without their reference (it is optional): less XML for a sheet of many rows


def _width(chars: float) -> float:
    """A column width in characters as Excel stores it (the padding of the default font added)."""
    pixels = int(chars * 7 + 0.5) + 5 if chars >= 1 else int(chars * 12 + 0.5)
    return int(pixels / 7 * 256) / 256


class SheetStream:
    """One worksheet part written row by row into ``fh``. ``rows`` and ``columns`` give its extent.

    :meth:`row` takes the values of the next row and the ``s`` attributes of its columns
    (:meth:`Styles.attr`); rows mostly share one list of attributes. Values by type: text always
    as text, numbers (Decimal exactly as written), dates and datetimes as serials (their style
    should carry a date format; before 1900 as ISO text), booleans as booleans; None and ""
    are blank (written only when styled).
    """

    def __init__(self, fh: BinaryIO, layout: Layout, rows: int, columns: int, date_attr: str,
                 first: int = 1, last: int | None = None) -> None:
        """Only rows ``first`` to ``last`` are written (the others counted): the head when ``first`` is 1,
        the tail when ``last`` is None (a sheet made in two parts: :class:`.parallel.Ahead`)."""
        self.fh = fh
        self.first, self.last = first, last
        self.layout = layout
        self.refs = [column_letter(c + 1) for c in range(max(columns, 1))]
        self.date_attr = date_attr  # for a date in an unstyled cell
        self.number = 0  # the last row written
        self.buffer: list[str] = []
        self.dates = _Serials()
        self.shapes: dict[tuple, dict] = {}  # attributes -> value types of a row -> how to write it
        self.last_attrs: list[str] | None = None
        self.last_shapes: dict[tuple, tuple] = {}
        self.upto = last if last is not None else 1 << 62
        if first <= 1:
            fh.write(self._head(max(rows, 1), max(columns, 1)).encode("utf-8"))

    def _head(self, rows: int, columns: int) -> str:
        lay = self.layout
        parts = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                 f'<worksheet xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">']
        if lay.landscape and lay.fit_width:
            parts.append('<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
        parts.append(f'<dimension ref="A1:{column_letter(columns)}{rows}"/>')
        fr, fc = lay.freeze
        if fr or fc:
            corner = f"{column_letter(fc + 1)}{fr + 1}"
            pane = "bottomRight" if fr and fc else "bottomLeft" if fr else "topRight"
            split = (f' xSplit="{fc}"' if fc else "") + (f' ySplit="{fr}"' if fr else "")
            parts.append(f'<sheetViews><sheetView workbookViewId="0"><pane{split} topLeftCell="{corner}" '
                         f'activePane="{pane}" state="frozen"/><selection pane="{pane}" activeCell="{corner}" '
                         f'sqref="{corner}"/></sheetView></sheetViews>')
        else:
            parts.append('<sheetViews><sheetView workbookViewId="0"/></sheetViews>')
        parts.append('<sheetFormatPr defaultRowHeight="15"/>')
        if lay.widths:
            parts.append("<cols>" + "".join(f'<col min="{i}" max="{i}" width="{_width(w)}" customWidth="1"/>'
                                             for i, w in enumerate(lay.widths, start=1)) + "</cols>")
        parts.append("<sheetData>")
        return "".join(parts)

    def _tail(self) -> str:
        lay = self.layout
        parts = ["</sheetData>"]
        if lay.autofilter:
            parts.append(f'<autoFilter ref="A1:{self.refs[-1]}1"/>')
        parts.append("<pageMargins " + " ".join(f'{side}="{inches}"' for side, inches in MARGINS.items()) + "/>")
        if lay.landscape:
            fit = ' fitToWidth="1" fitToHeight="0"' if lay.fit_width else f' scale="{lay.scale}" pageOrder="overThenDown"'
            parts.append(f'<pageSetup paperSize="9"{fit} orientation="{"portrait" if lay.portrait else "landscape"}"/>')
        if lay.footer:
            parts.append(f"<headerFooter><oddFooter>{escape(lay.footer)}</oddFooter></headerFooter>")
        if lay.row_breaks:
            parts.append(f'<rowBreaks count="{len(lay.row_breaks)}" manualBreakCount="{len(lay.row_breaks)}">'
                         + "".join(f'<brk id="{r}" max="16383" man="1"/>' for r in lay.row_breaks) + "</rowBreaks>")
        parts.append("</worksheet>")
        return "".join(parts)

    def skip(self, rows: int = 1) -> None:
        """Leave ``rows`` rows empty."""
        self.number += rows

    def elsewhere(self, rows: int) -> bool:
        """Whether the next ``rows`` rows are all in the other part (a caller may :meth:`skip` them)."""
        return self.number + rows < self.first or self.number >= self.upto

    def _date(self, value: dt.date) -> str | None:
        return self.dates[value]

    def _cell(self, ref: str, value: Any, attr: str) -> str:
        """Any value but plain text (the fast paths of :meth:`row` take that)."""
        kind = value.__class__
        if kind is bool:
            return f'<c r="{ref}"{attr} t="b"><v>{int(value)}</v></c>'
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            if not math.isfinite(value):
                return f'<c r="{ref}"{attr} t="inlineStr">{inline_text(str(value))}</c>'
            number = value if kind is int and abs(value) < 2**53 else str(value) if kind is Decimal else f"{float(value)!r}"
            return f'<c r="{ref}"{attr}><v>{number}</v></c>'
        if isinstance(value, dt.date):
            number = self._date(value)
            if number is None:
                return f'<c r="{ref}"{attr} t="inlineStr">{inline_text(value.isoformat())}</c>'
            return f'<c r="{ref}"{attr or self.date_attr}><v>{number}</v></c>'
        return f'<c r="{ref}"{attr} t="inlineStr">{inline_text(str(value))}</c>'

    def row(self, values: list[Any], attrs: list[str], height: float | None = None) -> None:
        """The next row: ``values[c]`` in column c with the ``s`` attribute ``attrs[c]``; ``height`` in pt
        for a row of wrapped text (Excel does not fit the height of a row it did not write itself)."""
        self.number += 1
        if not self.first <= self.number <= self.upto:  # in the other part
            return None
        if height is not None:
            return self._slow(self.number, values, attrs, f' ht="{height:g}" customHeight="1"')
        if attrs is not self.last_attrs:  # rows mostly share one list of attributes
            self.last_attrs = attrs
            self.last_shapes = self.shapes.setdefault(tuple(attrs), {})
        kinds = tuple(map(type, values))
        shape = self.last_shapes.get(kinds)
        if shape is None:
            if len(self.last_shapes) > 4096:
                self.last_shapes.clear()
            shape = self.last_shapes[kinds] = self._shape(kinds, attrs)
        template, slots, texts, dates, decimals = shape
        if template is not None:
            joined = "|".join(texts(values)) if texts else "x"
            if (joined.isprintable() and "&" not in joined and "<" not in joined and ">" not in joined
                    and "_x" not in joined and " |" not in joined and "| " not in joined and "||" not in joined
                    and joined[0] not in " |" and joined[-1] not in " |" and len(joined) <= STRMAX // 2
                    and (not decimals or all(values[i].is_finite() for i in decimals))):
                # no text needs escaping (the test is conservative: the careful path takes the rest), none
                # is blank, and every number is finite
                if not template:
                    return None
                full = [str(self.number), *values]
                if dates:
                    serials = self.dates
                    for i in dates:
                        full[i] = serials[full[i]]
                        if full[i] is None:  # before 1900
                            return self._slow(self.number, values, attrs)
                self.buffer.append(template % slots(full))
                if len(self.buffer) >= 512:
                    self.flush()
                return None
        return self._slow(self.number, values, attrs)

    def _shape(self, kinds: tuple[type, ...], attrs: list[str]):
        """A %-template for rows of these value types and styles, and which of ``[row number, *values]``
        fill its fields (template None when the slow path must take them; "" for a row without cells)."""
        parts, slots, texts, dates, decimals = [], [0], [], [], []
        compact = self.layout.compact
        if compact:  # a cell without its reference is placed after the one before it: blanks at the end need none
            while kinds and kinds[-1] is type(None) and not (attrs[len(kinds) - 1] if len(kinds) <= len(attrs) else ""):
                kinds = kinds[:-1]
        for i, (ref, kind, attr) in enumerate(zip(self.refs, kinds, attrs)):
            if kind is not type(None) or attr or compact:
                if not compact:
                    slots.append(0)
                cell = "<c" if compact else f'<c r="{ref}%s"'
            if kind is type(None):
                if attr or compact:
                    parts.append(f"{cell}{attr}/>")
                continue
            if kind is str:
                texts.append(i)
                parts.append(f'{cell}{attr} t="inlineStr"><is><t>%s</t></is></c>')
            elif kind is int or kind is Decimal:
                (decimals.append(i) if kind is Decimal else None)
                parts.append(f"{cell}{attr}><v>%s</v></c>")
            elif kind is dt.date:
                dates.append(i + 1)
                parts.append(f"{cell}{attr or self.date_attr}><v>%s</v></c>")
            else:
                return None, None, None, (), ()
            slots.append(i + 1)
        if len(slots) == 1 and not any(attrs):  # nothing but blanks
            return "", None, None, (), ()
        return (f'<row r="%s">{"".join(parts)}</row>', operator.itemgetter(*slots) if len(slots) > 1 else
                (lambda full: (full[0],)), _picker(texts), tuple(dates), tuple(decimals))

    def _slow(self, number: int, values: list[Any], attrs: list[str], height: str = "") -> None:
        r = str(number)
        texts = "|".join([v for v in values if v.__class__ is str])
        plain = _PLAIN_TEXT.search if "_x" in texts or _SUSPECT.search(texts) else _nothing  # one search a row
        parts = [f'<row r="{r}"{height}>']
        add = parts.append
        for ref, value, attr in zip(self.refs, values, attrs):
            kind = value.__class__
            if kind is str and value:
                if len(value) <= STRMAX // 2 and plain(value) is None:
                    add(f'<c r="{ref}{r}"{attr} t="inlineStr"><is><t>{value}</t></is></c>')
                else:
                    add(f'<c r="{ref}{r}"{attr} t="inlineStr">{inline_text(value)}</c>')
            elif value is None or kind is str:
                if attr:
                    add(f'<c r="{ref}{r}"{attr}/>')
            else:
                add(self._cell(ref + r, value, attr))
        if len(parts) > 1 or height:
            add("</row>")
            self._add("".join(parts))

    def _add(self, xml: str) -> None:
        self.buffer.append(xml)
        if len(self.buffer) >= 512:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            self.fh.write("".join(self.buffer).encode("utf-8", "replace"))  # a lone surrogate becomes "?"
            self.buffer = []

    def close(self) -> None:
        self.flush()
        if self.last is None:
            self.fh.write(self._tail().encode("utf-8"))
