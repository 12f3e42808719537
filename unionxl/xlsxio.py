"""Small helpers for writing workbooks safely: text never becomes a formula, saves are atomic."""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from pathlib import Path
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.workbook import Workbook

# Characters openpyxl refuses in cell text (XML 1.0 control characters).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def set_value(cell: Cell, value: Any, number_format: str | None = None) -> None:
    """Write ``value``; a string is always stored as text, never as a formula."""
    if isinstance(value, str):
        value = ILLEGAL.sub("", value) or None
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` for a temporary file beside ``path``, then move it into place.

    A half-written output never replaces a good one. When the target is open in Excel
    (Windows refuses the replace) a Chinese message says to close it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".~unionxl-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        try:
            os.replace(tmp, path)
        except PermissionError:
            raise OutputLocked(path) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def atomic_save(wb: Workbook, path: str | os.PathLike[str]) -> Path:
    """Save an openpyxl workbook atomically."""
    return atomic_write(path, wb.save)


class OutputLocked(Exception):
    def __init__(self, path: Path) -> None:
        super().__init__(f"无法写入 {path.name}：文件可能正在 Excel 或 WPS 中打开，请关闭后重试。")
        self.path = path


def open_elsewhere(path: Path) -> bool:
    """True when Excel/WPS (``~$name``) or LibreOffice (``.~lock.name#``) has ``path`` open."""
    return (path.parent / f"~${path.name}").exists() or (path.parent / f".~lock.{path.name}#").exists()


def write_cell(ws, row: int, col: int, value: Any, fmt=None) -> None:
    """Write a Python value into an XlsxWriter worksheet by its type; text always as text."""
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, (int, float, Decimal)):
        ws.write_number(row, col, float(value) if isinstance(value, Decimal) else value, fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    else:
        ws.write_string(row, col, str(value), fmt)
