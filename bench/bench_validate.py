"""Validation speed and memory against a plain python-calamine read of the same file.

    python bench/bench_validate.py                       # 100k-row file (generated if missing)
    python bench/bench_validate.py FILE --repeat 5 --json
    python bench/bench_validate.py --profile 25          # plus cProfile of validate_file

Every measurement runs in a fresh interpreter, so its peak RSS (``ru_maxrss``) is its own.
Times are the best of ``--repeat`` runs and exclude interpreter start and imports.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import python_calamine

from generate import OUT, batch_dir, default_path, generate
from unionxl.schema.registers import REGISTERS
from unionxl.checks.validate import validate_file

TARGET_RATIO = 2.0  # validate within 2x of the plain read
TARGET_RATE = 25_000  # rows/s on a 100k-row file


def calamine_read(path: Path) -> dict[str, list[list[Any]]]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    finally:
        book.close()


def grid_rows(grids: dict[str, list[list[Any]]]) -> int:
    """Rows under the header of the register sheets."""
    return sum(max(len(grids[r.sheet]) - 1, 0) for r in REGISTERS if r.sheet in grids)


# name -> (run on one file, register rows in its result)
TASKS: dict[str, tuple[Callable[[Path], Any], Callable[[Any], int]]] = {
    "calamine": (calamine_read, grid_rows),
    "validate": (validate_file, lambda report: sum(map(len, report.rows.values()))),
}


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def worker(task: str, paths: list[Path], repeat: int, keep: bool) -> dict[str, Any]:
    """Run ``task`` over ``paths`` in this process; ``keep`` holds every result, as the CLI does."""
    run, count = TASKS[task]
    baseline = peak_rss_mb()
    times = []
    for _ in range(repeat):
        kept, rows = [], 0
        start = time.perf_counter()
        for path in paths:
            result = run(path)
            rows += count(result)
            if keep:
                if hasattr(result, "release"):
                    result.release()  # as `unionxl validate` does: keep the findings
                kept.append(result)
        times.append(time.perf_counter() - start)
        del kept, result
    return {"task": task, "files": len(paths), "rows": rows, "keep": keep, "seconds": min(times),
            "first_seconds": times[0], "baseline_rss_mb": round(baseline, 1), "peak_rss_mb": round(peak_rss_mb(), 1)}


def measure(task: str, paths: list[Path], repeat: int = 1, keep: bool = False) -> dict[str, Any]:
    """``worker`` in a fresh interpreter."""
    cmd = [sys.executable, __file__, "--worker", task, "--repeat", str(repeat), *(["--keep"] if keep else []),
           *map(str, paths)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    result = json.loads(out)
    result["rows_per_s"] = round(result["rows"] / result["seconds"]) if result["seconds"] else None
    return result


def small_files(rows: int, count: int) -> list[Path]:
    folder = batch_dir(OUT, count, rows)
    paths = sorted(folder.glob("*.xlsx"))
    if len(paths) != count:
        print(f"generating {count} files of {rows} rows in {folder} ...", file=sys.stderr)
        paths = generate(OUT, rows, count)
    return paths


def profile(path: Path, top: int) -> None:
    profiler = cProfile.Profile()
    profiler.runcall(validate_file, path)
    for order in ("cumulative", "tottime"):
        print(f"\ncProfile of validate_file({path.name}), top {top} by {order}:")
        pstats.Stats(profiler).strip_dirs().sort_stats(order).print_stats(top)


def table(head: list[str], rows: list[list[Any]]) -> str:
    cells = [head, *[[f"{v:,}" if isinstance(v, int) else str(v) for v in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in cells)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="*", type=Path, help="workbook to measure (default: a generated 100k-row file)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the generated default file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best counts (default 3)")
    parser.add_argument("--counts", default="1,10,50", help="numbers of small files validated in sequence")
    parser.add_argument("--small-rows", type=int, default=500, help="rows per small file (default 500)")
    parser.add_argument("--profile", type=int, metavar="N", help="also print cProfile's top N functions")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--worker", choices=TASKS, help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.file, args.repeat, args.keep)))
        return
    if len(args.file) > 1:
        parser.error("give one workbook (small files for the sequence are generated)")
    path = args.file[0] if args.file else default_path(OUT, args.rows)
    if not path.exists():
        print(f"generating {path} ...", file=sys.stderr)
        path = generate(OUT, args.rows)[0]

    big = [measure(task, [path], args.repeat) for task in TASKS]
    ratio = big[1]["seconds"] / big[0]["seconds"]
    counts = [int(n) for n in args.counts.split(",") if n]
    batch = small_files(args.small_rows, max(counts)) if counts else []
    sequence = [{"dropped": measure("validate", batch[:n]), "kept": measure("validate", batch[:n], keep=True)}
                for n in counts]
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "file": {"path": str(path), "bytes": path.stat().st_size},
        "single_file": big,
        "validate_over_calamine": round(ratio, 2),
        "targets_met": {"ratio": ratio <= TARGET_RATIO, "rows_per_s": big[1]["rows_per_s"] >= TARGET_RATE},
        "sequence": sequence,
    }
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        m = results["machine"]
        print(f"{path} ({path.stat().st_size / 2**20:.1f} MiB)  Python {m['python']}, {m['cpus']} CPUs, "
              f"best of {args.repeat}\n")
        print(table(["measurement", "rows", "best s", "first s", "rows/s", "peak RSS MiB", "after imports MiB"],
                    [[r["task"], r["rows"], f"{r['seconds']:.2f}", f"{r['first_seconds']:.2f}", r["rows_per_s"],
                      r["peak_rss_mb"], r["baseline_rss_mb"]] for r in big]))
        verdict = lambda ok: "ok" if ok else "MISSED"  # noqa: E731
        print(f"\nvalidate / calamine: {ratio:.2f}x (target <= {TARGET_RATIO:g}x: {verdict(ratio <= TARGET_RATIO)}); "
              f"validate {big[1]['rows_per_s']:,} rows/s (target >= {TARGET_RATE:,}: "
              f"{verdict(results['targets_met']['rows_per_s'])})\n")
        if sequence:
            print(f"validate_file over files of {args.small_rows} rows in sequence, one fresh process per line:")
            print(table(["files", "rows", "seconds", "peak RSS MiB, reports dropped", "reports kept (as the CLI)"],
                        [[s["dropped"]["files"], s["dropped"]["rows"], f"{s['dropped']['seconds']:.2f}",
                          s["dropped"]["peak_rss_mb"], s["kept"]["peak_rss_mb"]] for s in sequence]))
    if args.profile:
        profile(path, args.profile)


if __name__ == "__main__":
    main()
