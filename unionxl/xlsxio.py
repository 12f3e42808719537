"""Small helpers for writing workbooks safely: text never becomes a formula, saves are atomic."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.workbook import Workbook

# Characters openpyxl refuses in cell text (XML 1.0 control characters).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def set_value(cell: Cell, value: Any, number_format: str | None = None) -> None:
    """Write ``value``; a string is always stored as text, never as a formula."""
    if isinstance(value, str):
        value = _ILLEGAL.sub("", value) or None
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format


def atomic_save(wb: Workbook, path: str | os.PathLike[str]) -> Path:
    """Save to a temporary file beside ``path`` and move it into place."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~unionxl-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
