"""Large, reproducible village submissions for benchmarks.

    python bench/generate.py --rows 100000 --out bench/out/           # one file, 100k roster rows
    python bench/generate.py --files 200 --rows 500 --out bench/out/  # 200 small villages

Rows come from ``unionxl.sample.Generator`` (seeded); sheets, headers and cover labels come
from ``unionxl.schema.registers``, laid out as ``unionxl.writing.template`` does. Written with XlsxWriter, which
is several times faster and leaner than openpyxl for 100k rows; ``--inline-strings`` streams
rows to disk for even larger files. The same arguments give byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterable, Mapping
from itertools import zip_longest
from pathlib import Path
from typing import Any

import xlsxwriter

from unionxl.schema import codes
from unionxl.schema.fields import Date
from unionxl.sample import PERIOD, TOWNSHIP, TOWNSHIP_CODE, Generator, iter_members
from unionxl.schema.registers import COVER, MEMBERS, REGISTERS, TEMPLATE_VERSION, TEMPLATE_VERSION_PROPERTY, Register
from unionxl.writing.template import CODE_SHEET, GUIDE_SHEET

OUT = Path(__file__).resolve().parent / "out"


def default_path(out: Path, rows: int) -> Path:
    """Where ``generate`` puts a single file of ``rows`` roster rows."""
    return out / f"members-{rows}.xlsx"


def batch_dir(out: Path, files: int, rows: int) -> Path:
    """Where ``generate`` puts ``files`` small files."""
    return out / f"villages-{files}x{rows}"


def _write(ws, row: int, col: int, value: Any, date_format) -> None:
    """One clean value as the template stores it: dates as dates, text always as text."""
    if value is None:
        return
    if isinstance(value, dt.date):
        ws.write_datetime(row, col, value, date_format)
    elif isinstance(value, str):
        ws.write_string(row, col, value)
    else:
        ws.write_number(row, col, value)


def write_submission(path: Path, cover: Mapping[str, Any], rows: Mapping[str, Iterable[Mapping[str, Any]]],
                     inline_strings: bool = False) -> Path:
    """A submission with the template's sheets; ``rows`` maps register key -> row dicts.

    Text goes to a shared-string table, as Excel and WPS write it; ``inline_strings`` streams
    rows to disk instead (XlsxWriter's constant-memory mode) for files too large to hold.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": inline_strings})
    wb.set_properties({"created": dt.datetime(2012, 11, 1)})  # byte-for-byte reproducible
    wb.set_custom_property(TEMPLATE_VERSION_PROPERTY, TEMPLATE_VERSION)
    date_format = wb.add_format({"num_format": Date.number_format})
    wb.add_worksheet(GUIDE_SHEET)  # left empty: nothing reads it
    ws = wb.add_worksheet(COVER.sheet)
    for row, f in enumerate(COVER.fields, start=2):  # labels in A3.., values in B3..
        ws.write_string(row, 0, f.label)
        _write(ws, row, 1, f.type.display(cover.get(f.key)), date_format)
    for register in REGISTERS:
        _write_register(wb.add_worksheet(register.sheet), date_format, register, rows.get(register.key, ()))
    code_sheet = wb.add_worksheet(CODE_SHEET)  # row by row: constant-memory mode requires it
    for row, labels in enumerate(zip_longest(*([c.name, *c.labels] for c in codes.ALL))):
        code_sheet.write_row(row, 0, labels)
    code_sheet.hide()
    wb.close()
    return path


def _write_register(ws, date_format, register: Register, rows: Iterable[Mapping[str, Any]]) -> None:
    for col, f in enumerate(register.fields):
        ws.write_string(0, col, f.label)
    for row, values in enumerate(rows, start=1):
        for col, f in enumerate(register.fields):
            _write(ws, row, col, f.type.display(values.get(f.key)), date_format)


def village_cover(g: Generator, index: int) -> dict[str, Any]:
    name = f"基准{index:03d}村"
    return {
        "village": name,
        "village_code": f"{TOWNSHIP_CODE}{index:03d}",
        "union_name": f"{TOWNSHIP}{name}工会联合会",
        "preparer": g.person().name,
        "preparer_phone": g.phone(),
        "period_start": PERIOD[0],
        "period_end": PERIOD[1],
        "fill_date": PERIOD[1],
    }


def generate(out: Path, rows: int, files: int = 1, seed: int = 2012, inline_strings: bool = False) -> list[Path]:
    """``files`` submissions of ``rows`` roster rows each; the same arguments give the same files."""
    g = Generator(seed)  # one generator: ID numbers and phones stay unique across files
    paths = []
    for i in range(1, files + 1):
        cover = village_cover(g, i)
        members = iter_members(g, cover["village"], rows)
        path = default_path(out, rows) if files == 1 else batch_dir(out, files, rows) / f"{cover['village']}.xlsx"
        paths.append(write_submission(path, cover, {MEMBERS.key: members}, inline_strings))
    return paths


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="roster rows per file (default 100000)")
    parser.add_argument("--files", type=int, default=1, help="number of files (default 1)")
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default bench/out/)")
    parser.add_argument("--inline-strings", action="store_true",
                        help="stream rows with inline strings (constant memory) instead of a shared-string table")
    args = parser.parse_args(argv)
    paths = generate(args.out, args.rows, args.files, args.seed, args.inline_strings)
    print(paths[0] if len(paths) == 1 else f"{len(paths)} files in {paths[0].parent}")


if __name__ == "__main__":
    main()
