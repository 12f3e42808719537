"""The naive baseline: the merge script a township clerk would write with plain openpyxl.

    python bench/naive_merge.py bench/out/villages-200x500/ -o /tmp/naive.xlsx

For each file, ``openpyxl.load_workbook(path)`` in normal mode (as people usually write it:
not read-only, not values-only), the village name from the 封面, and every non-empty row
under the header of the three register sheets, appended with its village and source file
to one openpyxl ``Workbook`` (normal mode), saved with openpyxl. Same inputs and the same
number of output rows as ``unionxl merge``.

It does no validation at all: no safety checks, no header matching by synonyms, no cell
conversion, no checks, no findings, no choice of a file per village, no status sheet, no
summary. ``unionxl merge`` does all of that; this script only copies cells.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import openpyxl

COVER_SHEET = "封面"
VILLAGE_LABEL = "村（社区）名称"
REGISTER_SHEETS = ("会员名册", "帮扶台账", "维权案件")


def village_of(wb) -> str | None:
    """The value to the right of the 村（社区）名称 label on the cover."""
    if COVER_SHEET not in wb.sheetnames:
        return None
    for row in wb[COVER_SHEET].iter_rows(values_only=True):
        for i, value in enumerate(row[:-1]):
            if value == VILLAGE_LABEL:
                return row[i + 1]
    return None


def naive_merge(paths: list[Path], out: Path) -> dict[str, int]:
    """Copy the register rows of ``paths`` into one workbook at ``out``; rows written per sheet."""
    merged = openpyxl.Workbook()
    merged.remove(merged.active)
    targets = {name: merged.create_sheet(name) for name in REGISTER_SHEETS}
    written = dict.fromkeys(REGISTER_SHEETS, 0)
    headed: set[str] = set()
    for path in paths:
        wb = openpyxl.load_workbook(path)
        village = village_of(wb)
        for name in REGISTER_SHEETS:
            if name not in wb.sheetnames:
                continue
            rows = wb[name].iter_rows(values_only=True)
            header = next(rows, None)
            target = targets[name]
            if name not in headed and header:
                target.append(["村（社区）名称", "来源文件", *header])
                headed.add(name)
            for row in rows:
                if any(v is not None and v != "" for v in row):
                    target.append([village, path.name, *row])
                    written[name] += 1
        wb.close()
    merged.save(out)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path, help="files or folders of .xlsx submissions")
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args(argv)
    paths = [p for item in args.inputs for p in (sorted(item.glob("*.xlsx")) if item.is_dir() else [item])]
    start = time.perf_counter()
    written = naive_merge(paths, args.out)
    print(f"{len(paths)} files, {sum(written.values()):,} rows {written} -> {args.out} "
          f"in {time.perf_counter() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
