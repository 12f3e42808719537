"""Word boxes of a PDF (``pdftotext -bbox``) for tests that measure how a workbook prints.

A word box is about 1.3 × the type size high (NotoSans CJK and DejaVu, as LibreOffice embeds
them), so type of ``size`` pt has boxes of at least ``1.3 * size``.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

BOX = 1.3  # word box height / type size
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]

    def body(self, top: float, bottom: float) -> list[Word]:
        """The words between the top and bottom margins (pt): not the page header and footer."""
        return [w for w in self.words if w.y0 >= top - 1 and w.y1 <= self.height - bottom + 1]

    def footer(self, bottom: float) -> str:
        return " ".join(w.text for w in self.words if w.y0 > self.height - bottom)

    def covered(self, top: float, bottom: float) -> float:
        """The share of the printable height (page height less the top and bottom margins) that the
        page's words span: from the top of the highest word to the bottom of the lowest one."""
        words = self.body(top, bottom)
        if not words:
            return 0.0
        return (max(w.y1 for w in words) - min(w.y0 for w in words)) / (self.height - top - bottom)


def pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its word boxes (pt, y down from the top)."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [Page(float(w), float(h), [Word(float(a), float(b), float(c), float(d), t)
                                      for a, b, c, d, t in _WORD.findall(body)])
            for w, h, body in _PAGE.findall(text)]
