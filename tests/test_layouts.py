"""Village workbooks made by hand, not from the template (tests/data/make_layouts.py): read right, counted right.

The truth (members, aid rows and amounts, cases) comes from the records the layouts were written
from, never from unionxl's reading of them.
"""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from click.testing import CliRunner

from unionxl.bundled import village_list
from unionxl.doors.cli import main
from unionxl.checks.findings import ERROR
from unionxl.merging.merge import merge
from unionxl.reading.inbox import scan
from unionxl.checks.validate import validate_file
from unionxl.reading.villages import read_villages

from .conftest import convert
from .data.make_layouts import build
from .test_merge import table


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("layouts") / "收到的报表"
    villages, drafts = build(out)
    return out, villages, drafts


@pytest.fixture(scope="module")
def merged(corpus):
    out, _, _ = corpus
    return merge(scan([out])[0], read_villages(village_list()))


def totals(report) -> tuple[int, int, Decimal, int]:
    aid = report.rows.get("aid", [])
    return (len(report.rows.get("members", [])), len(aid), sum((r.get("amount") or 0 for r in aid), Decimal(0)),
            len(report.rows.get("cases", [])))


def truth(v) -> tuple[int, int, Decimal, int]:
    return len(v.members), len(v.aids), sum((a.amount for a in v.aids), Decimal(0)), len(v.cases)


def test_every_village_that_sent_a_file_is_counted_with_its_true_totals(corpus, merged):
    _, villages, _ = corpus
    entries = {e.village.name: e for e in merged.entries}
    for v in villages:
        entry = entries[v.name]
        assert entry.report is not None and entry.status.startswith("已报送"), v.name
        assert totals(entry.report) == truth(v), v.name
    assert not merged.unknown and not merged.unreadable
    assert [s.path.name for s in entries["中黄村"].superseded] == ["中黄村.xlsx"]
    assert entries["杨柳坪村"].report.path.name == "小坪村.xlsx"  # named after another village: the cover decides
    assert entries["小坪村"].report is None


def test_every_planted_error_is_found_at_its_cell_and_nothing_else_is_an_error(corpus, merged):
    _, villages, _ = corpus
    entries = {e.village.name: e for e in merged.entries}
    for v in villages:
        report = entries[v.name].report
        errors = sorted((f.sheet, f.cell, f.code) for f in report.findings if f.severity == ERROR)
        assert errors == sorted(v.planted), (v.name, [f.message for f in report.findings if f.severity == ERROR])


def test_footers_totals_guesses_and_second_sheets_are_said_at_their_cells(corpus, merged):
    _, villages, _ = corpus
    entries = {e.village.name: e for e in merged.entries}
    for v in villages:
        found = {(f.sheet, f.cell, f.code) for f in entries[v.name].report.findings}
        found |= {(f.sheet, None, f.code) for f in entries[v.name].report.findings}
        found |= {(f.sheet, None, f.code) for name, _, f in merged.cross if name == v.name}
        assert set(v.warned) <= found, (v.name, set(v.warned) - found)


def test_the_title_names_the_village_also_without_a_list(corpus):
    out, _, _ = corpus
    report = validate_file(out / "排杉村工作报表.xlsx")
    assert report.village == "排杉村"
    assert [f.cell for f in report.findings if f.code == "village-inferred"] == ["A1"]


def test_the_township_workbook_lists_every_sender(corpus, tmp_path):
    out, villages, _ = corpus
    township = tmp_path / "乡镇汇总.xlsx"
    run = CliRunner().invoke(main, ["merge", str(out), "-o", str(township), "--villages", str(village_list()),
                                    "--no-summary"])
    assert run.exit_code == 1, run.output  # two villages have planted errors
    status = {r["村（社区）名称"]: r["报送情况"] for r in table(township, "报送情况") if r.get("报送情况")}
    for v in villages:
        assert status[v.name].startswith("已报送"), v.name
    members = [r for r in table(township, "会员名册") if r.get("村（社区）名称")]
    assert len(members) == sum(len(v.members) for v in villages)


def test_xls_and_ods_copies_read_the_same(corpus, tmp_path):
    out, villages, _ = corpus
    by_name = {v.name: v for v in villages}
    for name, fmt, village in (("寨阳村报表.xlsx", "xls", "寨阳村"), ("坪朗村(1).xlsx", "ods", "坪朗村"),
                               ("排杉村工作报表.xlsx", "xls", "排杉村")):
        copy = convert(shutil.copy(out / name, tmp_path / name), fmt, tmp_path)
        report = validate_file(copy, read_villages(village_list()))
        assert report.village == village and report.errors == 0, [f.message for f in report.findings]
        assert totals(report) == truth(by_name[village])
