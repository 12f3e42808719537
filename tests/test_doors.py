"""Door parity: the same inputs through the command line and through the Excel buttons give the same
counts and the same files, since both are thin adapters over the same jobs (unionxl.jobs)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from unionxl import bundled
from unionxl.doors.cli import main
from unionxl.doors.excelbook import WORKBOOK_NAME
from unionxl.writing.xlsxio import set_value

from .conftest import EXAMPLES
from .test_excel import COMMITTED, FakeBook, press

xlwings = pytest.importorskip("xlwings")

TALLY = re.compile(r"应报 (\d+) 个村，已报 (\d+) 个(?:，未报 \d+ 个)?；错误 (\d+) 条，警告 (\d+) 条(?:；(\d+) 个文件无法读取)?")
OWN = ("报送情况", "会员名册", "帮扶台账", "维权案件", "问题清单")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    """The 13 examples, one file that is no workbook, and 排兄村 sent twice (the copy is the newer, and
    has an ID number with a wrong check digit: an error)."""
    folder = tmp_path_factory.mktemp("parity") / "收到的报表"
    shutil.copytree(EXAMPLES, folder)
    (folder / "坏文件.xlsx").write_bytes(b"not a workbook at all")
    again = folder / "排兄村(1).xlsx"
    wb = load_workbook(folder / "排兄村.xlsx")
    set_value(wb["会员名册"]["E3"], "433122195812220085")
    wb.save(again)
    later = (folder / "排兄村.xlsx").stat().st_mtime + 60
    os.utime(again, (later, later))
    return folder


def grid(path: Path, sheet: str) -> list[list]:
    """A sheet's values as calamine reads them, dates as dates, whole numbers as int, blanks as None."""
    def plain(v):
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, float) and v.is_integer():
            return int(v)
        return None if v == "" else v

    rows = [[plain(v) for v in row] for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return [r for r in rows]


def sheets(path: Path) -> list[str]:
    return CalamineWorkbook.from_path(str(path)).sheet_names


def cli(*args) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.output


def counts_from_cli(validated: str, summarised: str) -> dict[str, int]:
    expected, sent, errors, warnings, unreadable = TALLY.search(validated).groups()
    files = re.search(r"共 (\d+) 个文件", validated).group(1)
    members = re.search(r"会员总数\s*│\s*(\d+)", summarised).group(1)
    return {"files": int(files), "expected": int(expected), "sent": int(sent), "errors": int(errors),
            "warnings": int(warnings), "unreadable": int(unreadable or 0), "members": int(members)}


@pytest.fixture(scope="module")
def through_cli(inbox, tmp_path_factory) -> tuple[dict[str, int], Path, Path]:
    out = tmp_path_factory.mktemp("cli")
    villages = bundled.village_list()
    code, validated = cli("validate", inbox, "--villages", villages, "--annotate-dir", out / "退回")
    assert code == 2, validated  # a file could not be read
    code, merged = cli("merge", inbox, "--villages", villages, "-o", out / "乡镇汇总.xlsx")
    assert code == 2 and TALLY.search(merged).group(0) == TALLY.search(validated).group(0), merged
    code, summarised = cli("summary", out / "乡镇汇总.xlsx")
    assert code == 0, summarised
    return counts_from_cli(validated, summarised), out / "乡镇汇总.xlsx", out / "退回"


@pytest.fixture(scope="module")
def through_buttons(inbox, tmp_path_factory) -> tuple[dict[str, int], Path, Path, dict[str, list]]:
    out = tmp_path_factory.mktemp("buttons")
    book = FakeBook(COMMITTED, out / WORKBOOK_NAME)
    patch = pytest.MonkeyPatch()
    patch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
    try:
        book.fill(输入文件夹=inbox, 村名单=bundled.village_list(), 退回文件夹=out / "退回", 输出文件=out / "乡镇汇总.xlsx")
        press("校验")
        assert book.value("状态").startswith("校验完成"), book.value("状态")
        counts = {key: book.value(name) for key, name in (("files", "文件数"), ("expected", "应报村数"),
                  ("sent", "报送村数"), ("errors", "错误条数"), ("warnings", "警告条数"), ("unreadable", "无法读取"))}
        shown = {name: book.sheets[name].rows() for name in ("报送情况", "问题清单")}  # what 校验 showed
        press("合并")
        assert book.value("状态").startswith("合并完成"), book.value("状态")
        press("生成汇总")
        assert book.value("状态").startswith("汇总完成"), book.value("状态")
        counts["members"] = book.value("会员总数")
    finally:
        patch.undo()
    return counts, out / "乡镇汇总.xlsx", out / "退回", shown


def test_both_doors_give_the_same_counts(through_cli, through_buttons):
    assert through_cli[0] == through_buttons[0]
    assert through_cli[0] == {"files": 16, "expected": 13, "sent": 13, "errors": 1, "warnings": 1, "unreadable": 1,
                              "members": 580}


def test_both_doors_write_the_same_township_workbook(through_cli, through_buttons):
    ours, theirs = through_cli[1], through_buttons[1]
    assert sheets(ours) == sheets(theirs)
    assert set(OWN) <= set(sheets(ours))
    for name in OWN:
        assert grid(ours, name) == grid(theirs, name), name
    status = grid(ours, "报送情况")
    assert any(r[1] == "坏文件.xlsx" and str(r[3]).startswith("无法读取") for r in status)
    assert any(r[1] == "排兄村.xlsx" and r[3] == "另一份较早的报表，未采用" for r in status)


def test_both_doors_write_the_same_marked_up_copies(through_cli, through_buttons):
    ours, theirs = through_cli[2], through_buttons[2]
    names = sorted(p.name for p in ours.iterdir())
    # every readable file with findings (寨阳村's warning, 排兄村(1)'s error); both doors name the clean ones
    assert names == sorted(p.name for p in theirs.iterdir()) == ["寨阳村工会报表_已标注.xlsx", "排兄村(1)_已标注.xlsx"]
    for name in names:
        assert sheets(ours / name) == sheets(theirs / name), name
        for sheet in sheets(ours / name):
            assert grid(ours / name, sheet) == grid(theirs / name, sheet), (name, sheet)


def test_validate_shows_the_rows_the_township_workbook_holds(through_cli, through_buttons):
    """校验 writes no township workbook, yet its 报送情况 and 问题清单 are the township workbook's."""
    township, shown = through_cli[1], through_buttons[3]
    for name, rows in shown.items():
        plain = [[v.date() if isinstance(v, dt.datetime) else v for v in row] for row in rows]
        written = grid(township, name)
        width = max(len(r) for r in written)
        assert plain == [r + [None] * (width - len(r)) for r in written], name
