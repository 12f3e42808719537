"""unionxl and its peers side by side, in one run: whole processes, so imports count.

    python bench/peers.py            # the issue's sizes: validate 10k/100k/300k, merge 200 files/100k rows
    python bench/peers.py --quick    # a few minutes: smaller files, naive openpyxl left out
    python bench/peers.py --markdown # the table as Markdown (bench/README.md)

Every measurement is one child process (``python -c …`` for a peer, ``python -m unionxl …``
for unionxl), timed from spawn to exit; its peak RSS is ``ru_maxrss`` from ``os.wait4`` (the
child and the workers it waited for). Each round runs a group's commands in a rotated order;
the table gives medians of ``--rounds`` rounds (at least 3) and each one's ratio to the group's
baseline. Peers are in the ``bench`` extra: ``pip install -e .[bench]``. A peer that is not
installed is left out of the table. Each unionxl measured is first compiled to ``.pyc`` files, as a pip
install does (``--no-compile``: as it is; with PYTHONDONTWRITEBYTECODE set, compiled on every start).

Groups (baseline first):
- validate N rows: a bare python-calamine read of every sheet; pandas (calamine engine) and
  polars (fastexcel) reads; ``unionxl validate``. The peers validate nothing.
- merge F files / R rows: polars + rustpy-xlsxwriter, polars ``write_excel``, pandas concat +
  XlsxWriter, the naive openpyxl script (``naive_merge.py``), ``unionxl merge`` (validates every
  file, keeps each row's source cell, writes the summary sheets). The peers add the village and
  the file name to each row and write the three registers.
- start-up: ``python -c "import openpyxl"``; ``unionxl validate`` of one small file; the Excel
  buttons' import (``import unionxl.excel``); ``unionxl demo``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHEETS = ("会员名册", "帮扶台账", "维权案件")

# -- the peers' programs (python -c; argv: input, output) ----------------------------------------

CALAMINE = """
import sys
from python_calamine import CalamineWorkbook
wb = CalamineWorkbook.from_path(sys.argv[1])
for name in wb.sheet_names:
    wb.get_sheet_by_name(name).to_python()
"""

PANDAS_READ = """
import sys, pandas as pd
pd.read_excel(sys.argv[1], sheet_name=None, engine="calamine")
"""

POLARS_READ = """
import sys, polars as pl
pl.read_excel(sys.argv[1], sheet_id=0, engine="calamine", raise_if_empty=False)
"""

# Merge peers: every register of every file, with 村 (from the 封面, B3) and 来源文件 added.
_FILES = """
import sys
from pathlib import Path
paths = sorted(Path(sys.argv[1]).glob("*.xlsx"))
SHEETS = %r
""" % (SHEETS,)

POLARS_FRAMES = _FILES + """
import polars as pl
frames = {s: [] for s in SHEETS}
for p in paths:
    book = pl.read_excel(p, sheet_name=["封面", *SHEETS], engine="calamine", has_header=True,
                         raise_if_empty=False, infer_schema_length=0)
    cover = pl.read_excel(p, sheet_name="封面", engine="calamine", has_header=False, infer_schema_length=0)
    village = cover.row(2)[1]
    for s in SHEETS:
        df = book[s]
        if df.height:
            frames[s].append(df.with_columns(pl.lit(village).alias("村"), pl.lit(p.name).alias("来源文件")))
merged = {s: pl.concat(f, how="diagonal") if f else pl.DataFrame() for s, f in frames.items()}
"""

POLARS_WRITE_EXCEL = POLARS_FRAMES + """
import xlsxwriter
with xlsxwriter.Workbook(sys.argv[2]) as wb:
    for s, df in merged.items():
        df.write_excel(wb, worksheet=s)
"""

POLARS_RUSTPY = POLARS_FRAMES + """
from rustpy_xlsxwriter import FastExcel
book = FastExcel(sys.argv[2])
for s, df in merged.items():
    book.sheet(s, df.to_dicts() or [{}])
book.save()
"""

PANDAS_MERGE = _FILES + """
import pandas as pd
frames = {s: [] for s in SHEETS}
for p in paths:
    book = pd.read_excel(p, sheet_name=["封面", *SHEETS], engine="calamine", header=None, dtype=object)
    village = book["封面"].iat[2, 1]
    for s in SHEETS:
        df = book[s]
        if len(df) > 1:
            df = df.iloc[1:].set_axis(df.iloc[0].astype(str), axis=1)
            frames[s].append(df.assign(村=village, 来源文件=p.name))
with pd.ExcelWriter(sys.argv[2], engine="xlsxwriter") as w:
    for s, f in frames.items():
        (pd.concat(f) if f else pd.DataFrame()).to_excel(w, sheet_name=s, index=False)
"""

IMPORT_OPENPYXL = "import openpyxl"
IMPORT_EXCEL = "import unionxl.excel"


def python(code: str, *args: object) -> list[str]:
    return [sys.executable, "-c", code, *map(str, args)]


def unionxl(*args: object) -> list[str]:
    return [sys.executable, "-m", "unionxl", *map(str, args)]


# -- running -------------------------------------------------------------------------------------


@dataclass
class Entry:
    name: str
    argv: list[str]
    needs: tuple[str, ...] = ()  # modules the peer imports
    root: Path = ROOT  # the unionxl source tree it imports
    seconds: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)  # MiB
    error: str | None = None

    @property
    def available(self) -> bool:
        return all(importlib.util.find_spec(m) is not None for m in self.needs)


@dataclass
class Group:
    title: str
    entries: list[Entry]  # the first is the baseline
    goal: dict[str, str] = field(default_factory=dict)  # entry name -> goal text
    memory: bool = False


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS in MiB, the exit code, and the tail of stderr."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=env['PYTHONPATH'].split(os.pathsep)[0])
        _, status, usage = os.wait4(p.pid, 0)
        seconds = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read()[-400:].decode("utf-8", "replace")
    return seconds, usage.ru_maxrss / 1024, p.returncode, tail


def environment(root: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}


def measure(groups: list[Group], rounds: int, ok_codes: dict[str, set[int]]) -> None:
    for r in range(rounds):
        for g in groups:
            live = [e for e in g.entries if e.error is None]
            shift = r % max(len(live), 1)
            for e in live[shift:] + live[:shift]:
                seconds, rss, code, tail = run(e.argv, environment(e.root))
                if code not in ok_codes.get(e.name, {0}):
                    e.error = f"exit {code}: {tail.strip().splitlines()[-1] if tail.strip() else ''}"
                    continue
                e.seconds.append(seconds)
                e.rss.append(rss)
            print(f"round {r + 1}/{rounds}: {g.title} done", file=sys.stderr)


def compiled(roots: set[Path]) -> None:
    """Each unionxl source tree measured compiled to .pyc files, as pip installs a package: where
    PYTHONDONTWRITEBYTECODE is set (these machines) nothing else writes them, and every start would
    compile unionxl's modules from source (some 0.13 s) while openpyxl and the peers load theirs."""
    for root in sorted(roots):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(root / "unionxl")], check=True,
                       stdout=subprocess.DEVNULL)


# -- the groups ----------------------------------------------------------------------------------


def generate(out: Path, rows: int, files: int = 1) -> None:
    """``generate.py`` in its own process: ``ru_maxrss`` survives fork and exec, so this process stays
    small, or every child would inherit its peak."""
    print(f"generating {files} x {rows} rows", file=sys.stderr)
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--rows", str(rows), "--files", str(files),
                    "--out", str(out)], check=True, stdout=subprocess.DEVNULL,
                   env=environment(ROOT))


def files(out: Path, rows: list[int], merge_files: int, merge_rows: int) -> tuple[dict[int, Path], Path, Path]:
    """The files measured (generated when missing), named as ``generate.py`` names them."""
    singles = {}
    for n in [*rows, 50]:
        singles[n] = out / f"members-{n}.xlsx"
        if not singles[n].exists():
            generate(out, n)
    folder = out / f"villages-{merge_files}x{merge_rows // merge_files}"
    if not folder.exists() or len(list(folder.glob("*.xlsx"))) != merge_files:
        generate(out, merge_rows // merge_files, merge_files)
    small = singles.pop(50) if 50 not in rows else singles[50]
    return singles, folder, small


def groups(singles: dict[int, Path], folder: Path, small: Path, tmp: Path, naive: bool) -> list[Group]:
    result = []
    for n, path in singles.items():
        result.append(Group(f"validate {n:,} rows", [
            Entry("python-calamine read", python(CALAMINE, path), ("python_calamine",)),
            Entry("pandas + calamine read", python(PANDAS_READ, path), ("pandas",)),
            Entry("polars read", python(POLARS_READ, path), ("polars", "fastexcel")),
            Entry("unionxl validate", unionxl("validate", path)),
        ], {"unionxl validate": "≤ 1.3×, memory ≤ 1.2×"}, memory=True))
    count = len(list(folder.glob("*.xlsx")))
    merge = [
        Entry("polars + rustpy-xlsxwriter", python(POLARS_RUSTPY, folder, tmp / "rustpy.xlsx"),
              ("polars", "fastexcel", "rustpy_xlsxwriter")),
        Entry("polars write_excel", python(POLARS_WRITE_EXCEL, folder, tmp / "polars.xlsx"),
              ("polars", "fastexcel", "xlsxwriter")),
        Entry("pandas concat + XlsxWriter", python(PANDAS_MERGE, folder, tmp / "pandas.xlsx"), ("pandas",)),
        Entry("unionxl merge", unionxl("merge", folder, "-o", tmp / "township.xlsx")),
    ]
    if naive:
        merge.insert(3, Entry("naive openpyxl", [sys.executable, str(HERE / "naive_merge.py"), folder,
                                                 "-o", tmp / "naive.xlsx"]))
    result.append(Group(f"merge {count} files", merge, {"unionxl merge": "≤ 1.0× (faster than the baseline)"},
                        memory=True))
    result.append(Group("start-up", [
        Entry('python -c "import openpyxl"', python(IMPORT_OPENPYXL)),
        Entry("unionxl validate (one small file)", unionxl("validate", small)),
        Entry("import unionxl.excel (the buttons)", python(IMPORT_EXCEL)),
        Entry("unionxl demo", unionxl("demo", "-o", tmp / "demo")),
    ], {"unionxl validate (one small file)": "≤ 1.3×", "import unionxl.excel (the buttons)": "≤ 1.3×",
        "unionxl demo": "≤ 4×"}))
    return result


def compared(groups: list[Group], root: Path) -> None:
    """Each unionxl entry once more, importing the unionxl under ``root`` (another checkout: before/after)."""
    for g in groups:
        g.entries += [Entry(f"{e.name} [{root.name}]", e.argv, e.needs, root.resolve())
                      for e in list(g.entries) if "unionxl" in e.name]


# -- the table -----------------------------------------------------------------------------------


def table(groups: list[Group]) -> list[dict[str, object]]:
    rows = []
    for g in groups:
        base = g.entries[0]
        t0 = statistics.median(base.seconds) if base.seconds else None
        m0 = statistics.median(base.rss) if base.rss else None
        for e in g.entries:
            row: dict[str, object] = {"group": g.title, "name": e.name, "error": e.error}
            if e.seconds:
                t, m = statistics.median(e.seconds), statistics.median(e.rss)
                row.update(seconds=round(t, 3), runs=len(e.seconds), rss=round(m, 1),
                           ratio=round(t / t0, 2) if t0 else None,
                           rss_ratio=round(m / m0, 2) if m0 and g.memory else None)
            row["goal"] = g.goal.get(e.name, "")
            rows.append(row)
    return rows


def show(rows: list[dict[str, object]], markdown: bool) -> str:
    head = ["work", "program", "median s", "× baseline", "peak MiB", "memory ×", "goal"]
    lines = []
    for r in rows:
        if r.get("seconds") is None:
            cells = [r["group"], r["name"], r["error"] or "not installed", "", "", "", r["goal"]]
        else:
            cells = [r["group"], r["name"], f"{r['seconds']:.2f}", f"{r['ratio']:.2f}", f"{r['rss']:.0f}",
                     "" if r["rss_ratio"] is None else f"{r['rss_ratio']:.2f}", r["goal"]]
        lines.append([str(c) for c in cells])
    if markdown:
        out = ["| " + " | ".join(head) + " |", "|" + "|".join(["---", "---", "---:", "---:", "---:", "---:", "---"]) + "|"]
        out += ["| " + " | ".join(c) + " |" for c in lines]
        return "\n".join(out)
    widths = [max(len(x[i]) for x in [head, *lines]) for i in range(len(head))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(x, widths)) for x in [head, *lines])


def machine() -> str:
    from importlib.metadata import PackageNotFoundError, version

    def v(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "-"

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, load {load:.1f}, "
            f"Python {platform.python_version()}; python-calamine {v('python-calamine')}, polars {v('polars')}, "
            f"fastexcel {v('fastexcel')}, pandas {v('pandas')}, rustpy-xlsxwriter {v('rustpy-xlsxwriter')}, "
            f"XlsxWriter {v('xlsxwriter')}, openpyxl {v('openpyxl')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="validate 10k rows, merge 40 files / 10k rows, no naive openpyxl (a few minutes)")
    parser.add_argument("--rows", help="validate sizes, comma-separated (default 10000,100000,300000)")
    parser.add_argument("--merge", help="FILES,ROWS in all (default 200,100000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="groups whose title starts with one of these, comma-separated")
    parser.add_argument("--no-naive", action="store_true", help="leave out the naive openpyxl merge")
    parser.add_argument("--skip", help="leave out the programs whose name starts with one of these, comma-separated "
                        "(e.g. 'pandas,polars write' for a shorter merge run)")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--compare", type=Path, help="also run every unionxl entry with the unionxl of this "
                        "source tree (e.g. an exported older commit), named [its folder]")
    parser.add_argument("--no-compile", action="store_true", help="leave unionxl's .pyc files as they are "
                        "(with PYTHONDONTWRITEBYTECODE set, every start then compiles unionxl from source)")
    parser.add_argument("--markdown", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    rows = [int(n) for n in (args.rows or ("10000" if args.quick else "10000,100000,300000")).split(",")]
    merge_files, merge_rows = (int(n) for n in (args.merge or ("40,10000" if args.quick else "200,100000")).split(","))
    singles, folder, small = files(args.out, rows, merge_files, merge_rows)
    with tempfile.TemporaryDirectory() as tmp:
        chosen = groups(singles, folder, small, Path(tmp), not (args.quick or args.no_naive))
        if args.compare:
            compared(chosen, args.compare)
        if args.only:
            chosen = [g for g in chosen if g.title.startswith(tuple(args.only.split(",")))]
        if args.skip:
            for g in chosen:
                g.entries = [e for e in g.entries if not e.name.startswith(tuple(args.skip.split(",")))]
        for g in chosen:
            for e in g.entries:
                if not e.available:
                    e.error = "not installed (pip install -e .[bench])"
        if not args.no_compile:
            compiled({e.root for g in chosen for e in g.entries})
        # unionxl exits 1 when a file has errors and 0 when clean; the generated files are clean
        measure(chosen, max(args.rounds, 1), {})
    rows_out = table(chosen)
    if args.json:
        print(json.dumps({"machine": machine(), "rows": rows_out}, ensure_ascii=False, indent=2))
    else:
        print(f"{time.strftime('%Y-%m-%d')}, {machine()}; medians of {args.rounds} rounds")
        print(show(rows_out, args.markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
