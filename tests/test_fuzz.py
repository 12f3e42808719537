"""A few hundred mutants of the bundled examples (.xlsx, .xls, .ods; fixed seed) through the real
command line: the batch always finishes, each file with one Chinese line, within time and memory.
``bench/fuzz.py`` runs thousands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from .conftest import EXAMPLES, convert, soffice
from .data.mutate import mutants
from .test_isolation import assert_clean_output, run

SOURCES = ["排兄村.xlsx", "大坪村.xlsx", "小坪村.xlsx"]
XLSX, OTHER = 240, 30  # mutants of the .xlsx examples; of each of .xls and .ods


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> tuple[Path, list[Path]]:
    work = tmp_path_factory.mktemp("fuzz")
    folder = work / "收件箱"
    files = mutants([EXAMPLES / name for name in SOURCES], folder, XLSX)
    if soffice():
        converted = [convert(EXAMPLES / SOURCES[0], fmt, work) for fmt in ("xls", "ods")]
        for i, src in enumerate(converted):
            files += mutants([src], folder, OTHER, seed=100 + i)
    return folder, files


def test_validate_and_annotate_every_mutant_without_a_crash(inbox, tmp_path):
    folder, files = inbox
    done, seconds, rss = run("validate", str(folder), "--format", "json", "--annotate-dir", str(tmp_path / "退回"))
    assert_clean_output(done)
    assert done.returncode in (0, 1, 2), done.stderr[-2000:]
    reports = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    assert set(reports) == {p.name for p in files}
    for name, report in reports.items():
        if not report["readable"]:
            assert report["error"] and report["error"].isprintable(), name
            assert any("\u4e00" <= ch <= "\u9fff" for ch in report["error"]), (name, report["error"])
    readable = [r for r in reports.values() if r["readable"]]
    assert readable and len(readable) < len(reports)  # the mutants are really of both kinds
    annotated = [r for r in readable if "annotated" in r]
    assert annotated and all(Path(r["annotated"]).exists() for r in annotated)
    assert seconds < 2.0 * len(files), seconds  # the limit for one file is 10 s: on average far less
    assert rss < 1024, rss


def test_merge_of_mutants_and_clean_villages_keeps_every_clean_village(inbox, tmp_path):
    folder, files = inbox
    for example in EXAMPLES.glob("*.xlsx"):
        (folder / example.name).write_bytes(example.read_bytes())
    out = tmp_path / "乡镇汇总.xlsx"
    done, seconds, rss = run("merge", str(folder), "-o", str(out), "--villages", str(EXAMPLES.parent / "寨阳乡村名单.xlsx"),
                             "--no-summary")
    assert_clean_output(done)
    assert done.returncode in (1, 2) and out.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    status = [[c.value for c in row] for row in load_workbook(out, read_only=True)["报送情况"].iter_rows()]
    sent = [row for row in status[1:14] if row[3] and str(row[3]).startswith("已报送")]
    assert len(sent) == 13, status[:14]
    assert rss < 1024, rss
