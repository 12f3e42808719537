"""Merge speed and memory: ``unionxl merge`` against a naive openpyxl script on the same files.

    python bench/bench_merge.py                  # 200 files x 500 rows, then the memory series
    python bench/bench_merge.py --json
    python bench/bench_merge.py --profile 25     # plus cProfile of a worker's share and of the write
    python bench/bench_merge.py --files 200 --rows 500 --repeat 3 --counts 50,100,200 --total 100000

Every measurement runs in a fresh interpreter. It reports its own time (imports excluded) and
peak RSS, ``ru_maxrss`` of itself (RUSAGE_SELF) and of its largest pool worker
(RUSAGE_CHILDREN: on Linux the peak of the largest waited-for child, not a sum).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import json
import os
import platform
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import python_calamine

from generate import OUT, batch_dir, generate
from naive_merge import REGISTER_SHEETS, naive_merge

TARGET_SPEEDUP = 10.0


# -- what a fresh interpreter runs ------------------------------------------------------------------


def run_unionxl(paths: list[Path], out: Path) -> dict[str, Any]:
    """``unionxl merge`` as the CLI does it: scan, merge (validates every file), write with the summary."""
    from unionxl.bundled import summary_template
    from unionxl.merging.merge import merge
    from unionxl.reading.inbox import scan
    from unionxl.writing.township import write_township

    start = time.perf_counter()
    files, skipped = scan(paths)
    scanned = time.perf_counter()
    result = merge(files, skipped=skipped)
    merged = time.perf_counter()
    write_township(result, out, summary_template=summary_template())
    done = time.perf_counter()
    return {"seconds": done - start,
            "stages": {"scan": scanned - start, "merge": merged - scanned, "write": done - merged},
            "villages": len(result.used),
            "findings": sum(len(r.findings) for r in result.reports) + len(result.cross)}


def run_naive(paths: list[Path], out: Path) -> dict[str, Any]:
    start = time.perf_counter()
    naive_merge(paths, out)
    return {"seconds": time.perf_counter() - start}


TASKS = {"unionxl": run_unionxl, "naive": run_naive}


def rows_out(path: Path) -> int:
    """Rows under the header of the register sheets of a merged workbook (read back, not timed)."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return sum(max(len(book.get_sheet_by_name(s).to_python()) - 1, 0)
                   for s in REGISTER_SHEETS if s in book.sheet_names)
    finally:
        book.close()


def rss_mb(who: int) -> float:
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)  # KiB on Linux


def worker(task: str, paths: list[Path]) -> dict[str, Any]:
    """One run of ``task`` in this (fresh) interpreter."""
    if task == "unionxl":  # imports are not timed, as for the naive script
        importlib.import_module("unionxl.writing.township")
    baseline = rss_mb(resource.RUSAGE_SELF)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        out = Path(tmp) / "乡镇汇总.xlsx"
        before = resource.getrusage(resource.RUSAGE_SELF)
        result = TASKS[task](paths, out)
        after = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        peaks = rss_mb(resource.RUSAGE_SELF), rss_mb(resource.RUSAGE_CHILDREN)  # before the read-back below
        size = out.stat().st_size
        written = rows_out(out)
    return {"task": task, "files": len(paths), **result, "rows_out": written, "out_bytes": size,
            "baseline_rss_mb": baseline, "peak_rss_mb": peaks[0], "worker_peak_rss_mb": peaks[1],
            "cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
            "worker_cpu_s": round(children.ru_utime + children.ru_stime, 2)}  # the pool workers together


def measure(task: str, paths: list[Path], rows: int, repeat: int = 1) -> dict[str, Any]:
    """``worker`` in ``repeat`` fresh interpreters: the fastest run, and the highest peaks of all.

    One run per interpreter, as the CLI runs: a pool forked from a process that has already
    merged once would start with (and count) that process's larger heap.
    """
    cmd = [sys.executable, __file__, "--worker", task, *map(str, paths)]
    print(f"  {task}: {len(paths)} files, {rows:,} rows, {repeat} run(s) ...", file=sys.stderr, flush=True)
    runs = [json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout) for _ in range(repeat)]
    result = min(runs, key=lambda r: r["seconds"])
    result.update(runs=len(runs), first_seconds=runs[0]["seconds"],
                  **{k: max(r[k] for r in runs) for k in ("peak_rss_mb", "worker_peak_rss_mb")})
    result["rows"] = rows
    if result["rows_out"] != rows:
        sys.exit(f"{task} wrote {result['rows_out']:,} register rows, expected {rows:,}")
    if task == "unionxl" and result["villages"] != len(paths):  # one file per village is merged
        sys.exit(f"{len(paths)} files but {result['villages']} villages merged: generated village names must differ")
    result["rows_per_s"] = round(rows / result["seconds"])
    workers = min(os.cpu_count() or 1, len(paths)) if task == "unionxl" and result["worker_peak_rss_mb"] else 0
    result["workers"] = workers
    # parent + every worker at its own peak: an upper bound, the peaks need not coincide
    result["total_rss_bound_mb"] = round(result["peak_rss_mb"] + workers * result["worker_peak_rss_mb"], 1)
    return result


# -- inputs -------------------------------------------------------------------------------------------


def batch(files: int, rows: int) -> list[Path]:
    """``files`` generated village files of ``rows`` roster rows (generated when missing)."""
    folder = batch_dir(OUT, files, rows)
    paths = sorted(folder.glob("*.xlsx"))
    if len(paths) != files:
        print(f"generating {files} files of {rows} rows in {folder} ...", file=sys.stderr, flush=True)
        paths = sorted(generate(OUT, rows, files))
    return paths


# -- profile ------------------------------------------------------------------------------------------


def profile(paths: list[Path], top: int) -> None:
    """cProfile of a pool worker's share (validation, run here with the pool off) and of the write."""
    import unionxl.merging.merge
    from unionxl.bundled import summary_template
    from unionxl.writing.township import write_township

    from unionxl.jobs.batch import check

    share = paths[: max(1, len(paths) // (os.cpu_count() or 1))]
    prof = cProfile.Profile()
    prof.runcall(lambda: [check(p, None, None, True) for p in share])
    print(f"\ncProfile of batch.check() on {len(share)} files (one worker's share), in this process, top {top} by tottime:")
    pstats.Stats(prof).strip_dirs().sort_stats("tottime").print_stats(top)
    result = unionxl.merging.merge.merge(paths)
    prof = cProfile.Profile()
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        prof.runcall(write_township, result, Path(tmp) / "o.xlsx", summary_template=summary_template())
    print(f"\ncProfile of write_township() for {len(paths)} files, top {top} by tottime:")
    pstats.Stats(prof).strip_dirs().sort_stats("tottime").print_stats(top)


# -- report -------------------------------------------------------------------------------------------


def table(head: list[str], rows: list[list[Any]]) -> str:
    cells = [head, *[[f"{v:,}" if isinstance(v, int) else str(v) for v in row] for row in rows]]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    return "\n".join("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
                     for r in cells)


def series_table(series: list[dict[str, Any]]) -> str:
    return table(["files", "rows/file", "rows", "seconds", "peak RSS MiB", "worker peak MiB", "bound MiB"],
                 [[s["files"], s["rows"] // s["files"], s["rows"], f"{s['seconds']:.2f}", s["peak_rss_mb"],
                   s["worker_peak_rss_mb"], s["total_rss_bound_mb"]] for s in series])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200, help="village files in the comparison (default 200)")
    parser.add_argument("--rows", type=int, default=500, help="roster rows per file (default 500)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="unionxl runs in the comparison, each in a fresh interpreter; the fastest counts (default 3)")
    parser.add_argument("--naive-repeat", type=int, default=1, help="naive runs, likewise (default 1)")
    parser.add_argument("--counts", default="50,100,200", help="file counts for the memory series")
    parser.add_argument("--total", type=int, default=100_000,
                        help="total rows of the constant-total series (rows per file = total / files)")
    parser.add_argument("--skip-naive", action="store_true", help="measure unionxl only")
    parser.add_argument("--profile", type=int, metavar="N", help="also print cProfile's top N functions")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--worker", choices=TASKS, help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker, args.paths)))
        return

    started = time.perf_counter()
    paths = batch(args.files, args.rows)
    rows = args.files * args.rows
    print("comparison:", file=sys.stderr)
    compare = [measure("unionxl", paths, rows, args.repeat)]
    if not args.skip_naive:
        compare.append(measure("naive", paths, rows, args.naive_repeat))
    speedup = compare[1]["seconds"] / compare[0]["seconds"] if len(compare) > 1 else None

    counts = [int(n) for n in args.counts.split(",") if n]
    print("memory, same rows per file:", file=sys.stderr)
    per_file = [measure("unionxl", paths[:n], n * args.rows) if n <= len(paths)
                else measure("unionxl", batch(n, args.rows), n * args.rows) for n in counts]
    print("memory, same total rows:", file=sys.stderr)
    same_total = [measure("unionxl", batch(n, args.total // n), n * (args.total // n)) for n in counts]

    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    **{name: version(name) for name in ("python-calamine", "xlsxwriter", "openpyxl")}},
        "input": {"files": args.files, "rows_per_file": args.rows, "rows": rows, "villages": compare[0]["villages"],
                  "bytes": sum(p.stat().st_size for p in paths)},
        "comparison": compare,
        "speedup": round(speedup, 2) if speedup else None,
        "target_met": speedup >= TARGET_SPEEDUP if speedup else None,
        "same_rows_per_file": per_file,
        "same_total_rows": same_total,
        "bench_seconds": round(time.perf_counter() - started, 1),
    }
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
    else:
        m, i = results["machine"], results["input"]
        print(f"{i['files']} village files x {i['rows_per_file']} roster rows = {i['rows']:,} rows "
              f"({i['bytes'] / 2**20:.1f} MiB), {i['villages']} villages; Python {m['python']}, {m['cpus']} CPUs\n")
        print(table(["measurement", "runs", "best s", "first s", "rows/s", "rows out", "out MiB", "peak RSS MiB",
                     "worker peak MiB", "CPU s (workers)"],
                    [[r["task"], r["runs"], f"{r['seconds']:.2f}", f"{r['first_seconds']:.2f}", r["rows_per_s"],
                      r["rows_out"], f"{r['out_bytes'] / 2**20:.1f}", r["peak_rss_mb"], r["worker_peak_rss_mb"],
                      f"{r['cpu_s']} ({r['worker_cpu_s']})"] for r in compare]))
        stages = compare[0]["stages"]
        print("\nunionxl stages (best run): " + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()))
        if speedup:
            verdict = "ok" if results["target_met"] else "MISSED"
            print(f"speed-up over the naive script: {speedup:.1f}x (target >= {TARGET_SPEEDUP:g}x: {verdict})")
        print(f"\nunionxl merge, {args.rows} rows per file (rows grow with files):")
        print(series_table(per_file))
        print(f"\nunionxl merge, {args.total:,} rows in all (memory flat in the number of files?):")
        print(series_table(same_total))
        print("\nbound = peak RSS + workers x worker peak (an upper bound: the peaks need not coincide)")
        print(f"bench took {results['bench_seconds']:.0f} s")
    if args.profile:
        profile(paths, args.profile)


if __name__ == "__main__":
    main()
