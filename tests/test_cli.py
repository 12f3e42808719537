"""The command line, through click's CliRunner."""

from __future__ import annotations

import ast
import subprocess
import sys

from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl.doors.cli import main
from unionxl.writing.template import TEMPLATE_NAME


def test_help_is_chinese_and_lists_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "乡镇工会" in result.output
    for command in ("template", "demo"):
        assert command in result.output
    for command in ("template", "demo"):
        sub = CliRunner().invoke(main, [command, "--help"])
        assert sub.exit_code == 0 and "文件夹" in sub.output


def test_template_writes_the_workbook(tmp_path):
    result = CliRunner().invoke(main, ["template", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    path = tmp_path / "out" / TEMPLATE_NAME
    assert str(path) in result.output
    assert load_workbook(path).sheetnames[:7] == ["填表说明", "封面", "会员名册", "帮扶台账", "维权案件", "活动台账", "组织情况"]
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".~unionxl")]  # no temp file left


def test_demo_validates_merges_and_prints_totals(tmp_path):
    result = CliRunner().invoke(main, ["demo", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "应报 13 个村" in result.output and "新建 Microsoft Excel 工作表.xlsx" in result.output
    assert "杨柳坪村" in result.output  # the village of 新建 Microsoft Excel 工作表.xlsx, from its cover
    total = next(line for line in result.output.splitlines() if "合计" in line)
    # members, aid rows, cases, activities, organisations, errors, warnings of all merged: 13 villages and 本级
    assert [t for t in total.replace("│", " ").split() if t.isdigit()] == ["580", "120", "22", "38", "28", "0", "1"]
    assert "寨阳乡本级" in result.output
    seed = result.output[result.output.index("对照寨阳乡工会工作报告"):]  # every headline of the seed report, met
    assert "在乡政府、坪朗村、补点村建有职工之家" in seed and seed.count("✓") == 20 and "✗" not in seed
    assert (tmp_path / TEMPLATE_NAME).exists()
    # a copy only for the one file with a finding (寨阳村's warning); the 13 others are named as clean
    assert [p.name for p in (tmp_path / "退回各村").glob("*_已标注.xlsx")] == ["寨阳村工会报表_已标注.xlsx"]
    assert "无问题的村（未生成标注副本）：" in result.output and "寨阳乡本级" in result.output.split("无问题的村")[1]
    township = load_workbook(tmp_path / "乡镇汇总.xlsx", read_only=True)
    assert township["会员名册"].max_row == 581


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "unionxl", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("unionxl ")


def test_the_console_script_ends_with_the_exit_code_and_all_its_output(tmp_path):
    """`run` ends the process at once after the command (:func:`unionxl.doors.cli.leave`): what was printed
    still arrives whole through a pipe, and the exit code is the command's."""
    import json

    from unionxl import bundled

    out = subprocess.run([sys.executable, "-m", "unionxl", "validate", str(bundled.examples_dir()), "--format", "json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)["files"]) == len(list(bundled.examples_dir().glob("*.xls*")))
    out = subprocess.run([sys.executable, "-m", "unionxl", "validate", str(tmp_path / "无此文件.xlsx")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and "找不到这个文件" in out.stdout, out.stdout + out.stderr
    out = subprocess.run([sys.executable, "-m", "unionxl", "merge", "--no-such-option"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2 and "--no-such-option" in out.stderr


def test_merge_names_the_villages_that_sent_nothing(tmp_path):
    from unionxl import bundled
    from unionxl.reading.villages import read_villages

    sent = [bundled.examples_dir() / "小坪村.xlsx", bundled.examples_dir() / "排兄村.xlsx"]
    result = CliRunner().invoke(main, ["merge", *map(str, sent), "--villages", str(bundled.village_list()),
                                       "-o", str(tmp_path / "乡镇汇总.xlsx"), "--no-summary"])
    missing = [n for n in read_villages(bundled.village_list()).names if n not in ("小坪村", "排兄村", "寨阳乡本级")]
    assert f"未报送 {len(missing)} 个村：{'、'.join(missing)}。" in result.output, result.output
    assert "未报送 0" not in result.output and "寨阳乡本级" not in result.output.split("未报送 ")[-1]


# Modules a one-file `unionxl validate` must not import, in the parent or the worker (start-up, issue 19): the
# writers, the roll-up, the periods and the summary (other jobs), stdnum's util (pydoc, ssl), rapidfuzz
# (names not found exactly), olefile (old binary formats) and rich's emoji table.
NOT_FOR_VALIDATE = ("openpyxl", "xlsxwriter", "unionxl.merging.rollup", "unionxl.periods", "unionxl.summary.indicators",
                    "unionxl.exporting.form", "stdnum.util", "pydoc", "ssl", "rapidfuzz", "olefile", "rich._emoji_codes")


def test_validating_one_file_imports_only_what_it_needs():
    from unionxl import bundled

    example = next(bundled.examples_dir().glob("*.xlsx"))
    script = ("import sys; before = set(sys.modules)\n"
              "from pathlib import Path; from unionxl.jobs.batch import check\n"  # what a worker imports
              "assert check(Path(sys.argv[1]), None, None, False).readable\n"
              "sys.argv = ['unionxl', 'validate', sys.argv[1]]\n"
              "from unionxl.doors import cli\n"
              "cli.leave = sys.exit  # ends the process at once otherwise, before the print below\n"
              "try:\n    cli.run()\nexcept SystemExit:\n    pass\n"
              "print('IMPORTED', sorted(set(sys.modules) - before))")
    out = subprocess.run([sys.executable, "-c", script, str(example)], capture_output=True, text=True, timeout=120)
    assert "错误 0 条" in out.stdout, out.stdout + out.stderr
    last = out.stdout.splitlines()[-1]
    assert last.startswith("IMPORTED "), out.stdout + out.stderr
    imported = ast.literal_eval(last.removeprefix("IMPORTED "))
    assert [m for m in imported if any(m == n or m.startswith(n + ".") for n in NOT_FOR_VALIDATE)] == []


def test_a_long_batch_lists_only_the_villages_that_need_a_look():
    """Past FOLD_ABOVE villages, the clean ones are one row (their counts in it); the missing, those with errors
    and the township's own are still a row each, and the totals are those of all."""
    from io import StringIO

    from rich.console import Console

    from unionxl.checks.findings import Finding
    from unionxl.checks.report import in_memory
    from unionxl.doors.report import FOLD_ABOVE, show_merge
    from unionxl.jobs.results import Checked
    from unionxl.merging.merge import Entry, MergeResult
    from unionxl.reading.villages import Village
    from unionxl.schema.registers import MEMBERS

    def sent(name: str, people: int, error: bool = False, own: bool = False) -> Entry:
        report = in_memory({MEMBERS: [{"name": f"{name}{i}"} for i in range(people)]}, {"village": name},
                           f"{name}.xlsx")
        if error:
            report.findings.append(Finding("id-checksum", {"expected": "1"}, "会员名册", "E2", "身份证号"))
        return Entry(Village(name, own=own), report)

    def shown(entries: list[Entry], own: Entry | None = None) -> str:
        console = Console(file=StringIO(), width=200, highlight=False)
        show_merge(console, Checked(merged=MergeResult(entries, [], [], [], [], own=own)))
        return console.file.getvalue()

    many = [sent(f"甲{i:03d}村", 2) for i in range(FOLD_ABOVE + 5)]
    many[3] = sent("乙村", 3, error=True)
    many[7] = Entry(Village("丙村"))  # sent nothing
    out = shown(many, own=sent("寨阳乡本级", 1, own=True))
    assert "乙村" in out and "丙村" in out and "寨阳乡本级" in out and "甲000村" not in out
    folded = len(many) - 2
    row = next(line for line in out.splitlines() if f"其余 {folded} 个村" in line)
    assert [t for t in row.replace("│", " ").split() if t.isdigit()][1:3] == [str(2 * folded), "0"]
    total = next(line for line in out.splitlines() if "合计" in line)
    assert [t for t in total.replace("│", " ").split() if t.isdigit()][0] == str(2 * folded + 3 + 1)
    assert f"其余 {folded} 个村已报送、无错误" in out

    few = [sent(f"甲{i:03d}村", 2) for i in range(FOLD_ABOVE)]
    out = shown(few)
    assert all(e.village.name in out for e in few) and "其余" not in out
