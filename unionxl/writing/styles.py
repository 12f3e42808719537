"""Cell formats for streamed sheets, added to a base workbook's ``styles.xml``.

:class:`Styles` reads the base's styles part, gives each :class:`Style` a streamed sheet asks for
its ``cellXfs`` index (after the base's own), and returns the part with the new number formats,
fonts, fills, borders and cell formats appended, edited as text so that the base's prefixes and
extensions survive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from defusedxml import ElementTree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "@": 49}
DATE_FORMAT = "yyyy-mm-dd"


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@dataclass(frozen=True)
class Style:
    """A cell format: number format, font, fill, border and alignment."""

    num_format: str = "General"
    bold: bool = False
    size: float | None = None  # font size; None keeps the base workbook's
    fill: str | None = None  # solid background, "RRGGBB"
    border: bool = False  # thin on all four sides
    wrap: bool = False
    center: bool = False  # centred both ways


PLAIN = Style()
_COLLECTIONS = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs")


class Styles:
    """The base workbook's ``styles.xml`` plus the formats streamed sheets ask for (:meth:`attr`)."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        root = ElementTree.fromstring(xml.encode("utf-8"))
        found = {name: root.find(f"{{{MAIN}}}{name}") for name in _COLLECTIONS}
        self.base = {name: 0 if e is None else len(e) for name, e in found.items()}
        ids = [int(e.get("numFmtId", 0)) for e in root.iter(f"{{{MAIN}}}numFmt")]
        self.next_format = max([163, *ids]) + 1
        font = root.find(f"{{{MAIN}}}fonts/{{{MAIN}}}font")
        self.font_name, self.font_size = "Calibri", 11.0
        if font is not None:
            for child in font:
                if child.tag == f"{{{MAIN}}}name":
                    self.font_name = child.get("val") or self.font_name
                elif child.tag == f"{{{MAIN}}}sz":
                    self.font_size = float(child.get("val") or self.font_size)
        self.formats: dict[str, int] = {}
        self.fonts: dict[tuple, int] = {}
        self.fills: dict[str, int] = {}
        self.border: int | None = None
        self.xfs: dict[Style, int] = {}
        self.new: dict[str, list[str]] = {name: [] for name in _COLLECTIONS}

    def _add(self, collection: str, xml: str) -> int:
        self.new[collection].append(xml)
        return self.base[collection] + len(self.new[collection]) - 1

    def index(self, style: Style) -> int:
        """The ``cellXfs`` index of ``style`` in the merged styles (0, the default, for :data:`PLAIN`)."""
        if style == PLAIN:
            return 0
        found = self.xfs.get(style)
        if found is not None:
            return found
        fmt = BUILTIN_FORMATS.get(style.num_format)
        if fmt is None:
            fmt = self.formats.get(style.num_format)
            if fmt is None:
                fmt = self.formats[style.num_format] = self.next_format
                self.next_format += 1
                self.new["numFmts"].append(f'<numFmt numFmtId="{fmt}" formatCode="{escape(style.num_format)}"/>')
        font = 0
        if style.bold or style.size:
            key = (style.bold, style.size or self.font_size)
            font = self.fonts.get(key, -1)
            if font < 0:
                font = self.fonts[key] = self._add(
                    "fonts", f'<font>{"<b/>" if style.bold else ""}<sz val="{key[1]:g}"/>'
                             f'<name val="{escape(self.font_name)}"/></font>')
        fill = 0
        if style.fill:
            fill = self.fills.get(style.fill, -1)
            if fill < 0:
                fill = self.fills[style.fill] = self._add(
                    "fills", f'<fill><patternFill patternType="solid"><fgColor rgb="FF{style.fill}"/>'
                             '<bgColor indexed="64"/></patternFill></fill>')
        border = 0
        if style.border:
            if self.border is None:
                sides = "".join(f'<{s} style="thin"><color auto="1"/></{s}>' for s in ("left", "right", "top", "bottom"))
                self.border = self._add("borders", f"<border>{sides}<diagonal/></border>")
            border = self.border
        align = ""
        if style.wrap or style.center:
            align = ('<alignment' + (' horizontal="center" vertical="center"' if style.center else "")
                     + (' wrapText="1"' if style.wrap else "") + "/>")
        xf = (f'<xf numFmtId="{fmt}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0"'
              + "".join(f' apply{name}="1"' for name, on in (("NumberFormat", fmt), ("Font", font), ("Fill", fill),
                                                                ("Border", border), ("Alignment", align)) if on)
              + (f">{align}</xf>" if align else "/>"))
        self.xfs[style] = self._add("cellXfs", xf)
        return self.xfs[style]

    def attr(self, style: Style | None) -> str:
        """The ``s`` attribute of a cell in ``style``: ``' s="N"'``, or "" for the default."""
        n = 0 if style is None else self.index(style)
        return f' s="{n}"' if n else ""

    def merged(self) -> str:
        """The base ``styles.xml`` with the formats asked for added to its collections."""
        xml = self.xml
        for name in _COLLECTIONS:
            if self.new[name]:
                xml = _append(xml, name, "".join(self.new[name]), self.base[name] + len(self.new[name]))
        return xml


def _append(xml: str, name: str, children: str, count: int) -> str:
    """``children`` appended to the collection ``name`` of a styles part, given as text (prefixes kept)."""
    opening = re.search(rf"<(?:(\w+):)?{name}\b([^>]*?)(/?)>", xml)
    if opening is None:  # no such collection yet: after the one before it, or first in the styleSheet
        prefix = re.search(r"<(?:(\w+):)?styleSheet\b", xml)[1]
        tag = f"{prefix}:{name}" if prefix else name
        block = f'<{tag} count="{count}">{children}</{tag}>'
        for before in reversed(_COLLECTIONS[: _COLLECTIONS.index(name)]):
            close = re.search(rf"</(?:\w+:)?{before}>|<(?:\w+:)?{before}\b[^>]*/>", xml)
            if close is not None:
                return xml[: close.end()] + block + xml[close.end():]
        root = re.search(r"<(?:\w+:)?styleSheet\b[^>]*>", xml)
        return xml[: root.end()] + block + xml[root.end():]
    prefix = opening[1]
    tag = f"{prefix}:{name}" if prefix else name
    if prefix:
        children = re.sub(r"<(/?)(?=[a-zA-Z])", rf"<\1{prefix}:", children)
    attrs = re.sub(r'\s+count="\d*"', "", opening[2])
    head = f'<{tag}{attrs} count="{count}">'
    if opening[3]:  # <fonts count="0"/>
        return xml[: opening.start()] + head + children + f"</{tag}>" + xml[opening.end():]
    close = xml.index(f"</{tag}>", opening.end())
    return xml[: opening.start()] + head + xml[opening.end(): close] + children + xml[close:]
