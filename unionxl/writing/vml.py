"""Comment drawings (VML) whose shape ids are unique in the workbook, as Excel expects.

openpyxl writes every sheet's comment drawing with ``<o:idmap data="1"/>`` and shapes from
``_x0000_s1026``: with comments on two sheets, or beside an .xlsm's buttons (their shapes are in the
same id space), ids collide and Excel may repair the file or drop comments. ISO/IEC 29500-1
§14.2.2.14 (and the VML of [MS-OI29500]): a drawing claims blocks of 1024 ids in ``o:idmap data``; a
shape id ``_x0000_s<n>`` lies in block ``n // 1024``. Here the comments of sheet n get block n (the
next free blocks when n is taken or one block is too small), shapes ``n*1024+1`` on, and every
block already used by a drawing in the source (.xlsm) is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from xml.etree import ElementTree

from openpyxl.comments.comment_sheet import CommentSheet
from openpyxl.workbook import Workbook

V = "urn:schemas-microsoft-com:vml"
O = "urn:schemas-microsoft-com:office:office"
BLOCK = 1024
_SHAPE_ID = re.compile(rb"_x0000_s(\d+)")
_IDMAP = re.compile(rb"<o:idmap\b[^>]*\bdata=\"([\d,\s]*)\"")


def used_blocks(data: bytes) -> set[int]:
    """The id blocks a VML drawing claims or uses."""
    blocks = {int(n) // BLOCK for n in _SHAPE_ID.findall(data)}
    for listed in _IDMAP.findall(data):
        blocks |= {int(b) for b in re.split(rb"[,\s]+", listed) if b}
    return blocks


def _source_blocks(wb: Workbook) -> set[int]:
    archive = wb.vba_archive  # an .xlsm loaded with keep_vba: its drawings are copied or extended
    if archive is None:
        return set()
    return {b for name in archive.namelist() if name.lower().endswith(".vml") for b in used_blocks(archive.read(name))}


def renumber(data: bytes, sheet: int, taken: set[int]) -> bytes:
    """One drawing's comment shapes moved into free blocks from ``sheet`` on; ``taken`` is updated."""
    ElementTree.register_namespace("v", V)
    ElementTree.register_namespace("o", O)
    ElementTree.register_namespace("x", "urn:schemas-microsoft-com:office:excel")
    root = ElementTree.fromstring(data)
    notes = [s for s in root.findall(f"{{{V}}}shape") if s.get("type") == "#_x0000_t202"]
    own = used_blocks(b"".join(ElementTree.tostring(e) for e in root if e not in notes and not e.tag.endswith("shapelayout")))
    blocks: list[int] = []
    candidate = max(sheet, 1)
    while len(blocks) * (BLOCK - 1) < len(notes):
        if candidate not in taken:
            blocks.append(candidate)
            taken.add(candidate)
        candidate += 1
    for i, shape in enumerate(notes):
        shape.set("id", f"_x0000_s{blocks[i // (BLOCK - 1)] * BLOCK + 1 + i % (BLOCK - 1)}")
    for layout in root.findall(f"{{{O}}}shapelayout"):
        root.remove(layout)
    layout = ElementTree.Element(f"{{{O}}}shapelayout", {f"{{{V}}}ext": "edit"})
    ElementTree.SubElement(layout, f"{{{O}}}idmap", {f"{{{V}}}ext": "edit",
                                                      "data": ",".join(map(str, sorted(own | set(blocks))))})
    root.insert(0, layout)
    return ElementTree.tostring(root)


@contextmanager
def unique_shape_ids(wb: Workbook) -> Iterator[None]:
    """While saving ``wb`` with openpyxl, give each sheet's comment drawing its own id blocks."""
    sheets = [n for n, ws in enumerate(wb.worksheets, 1) if any(c.comment for c in ws._cells.values())]
    taken = _source_blocks(wb)
    original = CommentSheet.write_shapes

    def write_shapes(self, vml=None):
        return renumber(original(self, vml), sheets.pop(0) if sheets else max(taken, default=0) + 1, taken)

    CommentSheet.write_shapes = write_shapes
    try:
        yield
    finally:
        CommentSheet.write_shapes = original
