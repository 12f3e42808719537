"""What every job checks before it reads anything: the batch, the village list, the period, the outputs."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..reading.inbox import scan
from ..reading.villages import VillageList, read_villages
from ..writing.outputs import check_outputs, with_extension
from ..writing.xlsxio import open_elsewhere
from .errors import NoWorkbooks, OutputOpen, UserError
from .results import Period

TOWNSHIP_NAME = "乡镇汇总.xlsx"


def workbooks(inputs: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The workbooks in ``inputs`` (files and folders, sub-folders included) and the files set aside
    with why; :class:`NoWorkbooks` when there is none."""
    files, skipped = scan(inputs)
    if not files:
        raise NoWorkbooks(inputs, skipped)
    return files, skipped


def village_list(path: Path | None) -> VillageList | None:
    if path is None:
        return None
    if not path.is_file():
        raise UserError(f"找不到村名单：{path}")
    return read_villages(path)


def period(given: Period | None) -> Period:
    start, end = given or (None, None)
    if start and end and end < start:
        raise UserError(f"统计期间结束 {end} 早于开始 {start}。")
    return start, end


def with_period(found: Period, given: Period) -> Period:
    """The period the user gave, each end falling back to the one found (the covers' most common)."""
    return given[0] or found[0], given[1] or found[1]


def output_file(output: Path, name: str) -> Path:
    """The workbook to write: ``name`` inside a folder, ``.xlsx`` appended to a bare name."""
    output = Path(output)
    if output.is_dir():
        output = output / name
    return with_extension(output, ".xlsx")


def township_output(output: Path) -> Path:
    """The township workbook to write: ``乡镇汇总.xlsx`` inside a folder, ``.xlsx`` appended to a bare name."""
    return output_file(output, TOWNSHIP_NAME)


def writable(outputs: Iterable[Path | None], inputs: Iterable[Path | None], doing: str,
             copies: Iterable[Path] = ()) -> None:
    """Refuse (before anything is read) an output or marked-up copy that is an input, two that are one
    file, and an output open in Excel, WPS or LibreOffice (a copy open there is that file's own
    problem, reported with it)."""
    outputs = [p for p in outputs if p is not None]
    check_outputs([*outputs, *copies], [p for p in inputs if p is not None])
    for out in outputs:
        if open_elsewhere(out):
            raise OutputOpen(out, doing)
