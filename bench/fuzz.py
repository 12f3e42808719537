"""The long mutation run: thousands of mutants of the bundled examples, each validated and annotated
in an isolated worker, with the slowest files and any file that escaped with a non-Chinese error.

    python bench/fuzz.py [--count 3000] [--seed 1] [--keep DIR]

The test suite runs a few hundred of the same mutants through the CLI (tests/test_fuzz.py);
this run is for finding new failures. Each one found becomes a named test in
tests/test_isolation.py. Prints a table of outcomes and the ten slowest files.
"""

from __future__ import annotations

import argparse
import collections
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.data.mutate import mutants  # noqa: E402
from unionxl.jobs.batch import check  # noqa: E402
from unionxl.jobs.isolation import Crashed, run_each  # noqa: E402

EXAMPLES = ROOT / "workbooks" / "examples"


def timed(item: tuple[Path, Path]) -> tuple[float, int, str]:
    """Seconds, the peak memory (MiB) for this file and an outcome, validated and annotated."""
    path, out = item
    _reset_peak()
    start = time.perf_counter()
    report = check(path, None, out, keep_rows=False)
    seconds = time.perf_counter() - start
    peak = _peak()
    if not report.readable:
        return seconds, peak, f"无法读取：{report.error[:40]}"
    if report.annotate_error:
        return seconds, peak, f"未标注：{report.annotate_error[:40]}"
    return seconds, peak, "已校验并标注"


def _reset_peak() -> None:
    """Linux: reset this process's peak RSS, so the next reading is this file's alone."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak() -> int:
    """Peak RSS in MiB since the reset (Linux), else of the worker's life."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def sources(work: Path) -> list[Path]:
    found = [EXAMPLES / "排兄村.xlsx", EXAMPLES / "大坪村.xlsx"]
    office = shutil.which("soffice")
    if office:
        import subprocess

        for fmt in ("xls", "ods"):
            subprocess.run([office, "--headless", f"-env:UserInstallation=file://{work}/lo", "--convert-to", fmt,
                            "--outdir", str(work), str(found[0])], check=True, capture_output=True, timeout=300)
            found.append(work / f"{found[0].stem}.{fmt}")
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep the mutants in this folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="unionxl-fuzz-"))
    folder = args.keep or work / "mutants"
    files = mutants(sources(work), folder, args.count, args.seed)
    start = time.perf_counter()
    outcomes = collections.Counter()
    slow = []
    crashed = []  # files whose worker died: each is a failure the checks before parsing do not yet catch
    for path, result in zip(files, run_each(timed, [(p, work / "out" / f"{p.stem}_已标注.xlsx") for p in files])):
        if isinstance(result, Crashed):
            outcomes[f"工作进程：{result.reason[:40]}"] += 1
            crashed.append(path.name)
            continue
        seconds, peak, outcome = result
        outcomes[re.sub(r"[0-9]+", "N", outcome)] += 1
        slow.append((seconds, peak, path.name))
    total = time.perf_counter() - start
    print(f"{len(files)} mutants in {total:.1f} s ({total / len(files) * 1000:.0f} ms a file, 2 workers)")
    for outcome, n in outcomes.most_common():
        print(f"{n:6d}  {outcome}")
    print("slowest (seconds, peak MiB, file):")
    for seconds, peak, name in sorted(slow, reverse=True)[:10]:
        print(f"  {seconds:6.2f} {peak:6d}  {name}")
    print("largest (seconds, peak MiB, file):")
    for seconds, peak, name in sorted(slow, key=lambda s: s[1], reverse=True)[:10]:
        print(f"  {seconds:6.2f} {peak:6d}  {name}")
    if crashed:
        print("worker died on (keep them with --keep):", " ".join(crashed))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
