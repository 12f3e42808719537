"""The service layer called as a library, without any door: every job reports progress and hands back
what a door shows; whatever the user can fix is a UserError with its Chinese line and exit code."""

from __future__ import annotations

import ast
import datetime as dt
import errno
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from unionxl import bundled, jobs
from unionxl.errors import UserError
from unionxl.merging.tables import ISSUE_COLUMNS, status_columns
from unionxl.reading.reader import ReadError
from unionxl.reading.villages import read_villages
from unionxl.writing.outputs import OutputError

from .conftest import EXAMPLES
from .test_template import _members


class Recorder:
    """A progress callback that keeps every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int, str]] = []

    def __call__(self, done: int, total: int, what: str) -> None:
        self.calls.append((done, total, what))

    def check(self, steps: int) -> None:
        """At least ``steps`` calls, counting up to the one total, the last one saying it is done."""
        assert len(self.calls) >= steps, self.calls
        done = [d for d, _, _ in self.calls]
        assert done == sorted(done) and len({t for _, t, _ in self.calls}) == 1, self.calls
        assert done[-1] == self.calls[-1][1] and all(isinstance(w, str) and w for _, _, w in self.calls)


@pytest.fixture
def inbox(tmp_path) -> Path:
    folder = tmp_path / "收到的报表"
    shutil.copytree(EXAMPLES, folder)
    (folder / "说明.pdf").write_bytes(b"%PDF-1.4")
    return folder


def test_validate_as_a_library(inbox, tmp_path):
    progress = Recorder()
    checked = jobs.validate([inbox], villages=bundled.village_list(), annotate_dir=tmp_path / "退回", progress=progress)
    progress.check(len(checked.files) + 1)
    assert [name for _, _, name in progress.calls[:14]] == [p.name for p in checked.files]
    assert len(checked.files) == 14 and [(p.name, "PDF" in why) for p, why in checked.skipped] == [("说明.pdf", True)]
    assert (checked.expected, checked.sent, checked.missing, checked.duplicates) == (13, 13, [], [])
    assert (checked.errors, checked.warnings, checked.unreadable, checked.unknown) == (0, 1, [], [])
    assert checked.members == 580 and checked.row_counts == {"members": 580, "aid": 120, "cases": 22, "activities": 38, "organisations": 28}
    # a copy only for the file with a finding; the 13 files without any are named instead
    assert [p.name for p in checked.copies] == ["寨阳村工会报表_已标注.xlsx"] and checked.copies_failed == []
    assert sorted(p.name for p in (tmp_path / "退回").iterdir()) == ["寨阳村工会报表_已标注.xlsx"]
    assert len(checked.clean) == 13 and "寨阳村" not in checked.clean and "寨阳乡本级" in checked.clean
    assert checked.clean_note() == f"无问题的村（未生成标注副本）：{'、'.join(checked.clean)}。"
    assert checked.missing_note() == ""
    assert checked.tally() == "应报 13 个村，已报 13 个；错误 0 条，警告 1 条" and checked.exit_code == 0
    status = checked.status_rows()
    assert [r[1] for r in status[:13]] == bundled_names()
    assert all(len(r) == len(status_columns()) for r in status[:13])
    assert [len(r) for r in checked.issue_rows()] == [len(ISSUE_COLUMNS)]
    assert not (tmp_path / "乡镇汇总.xlsx").exists()  # validating writes no township workbook


def bundled_names() -> list[str]:
    return read_villages(bundled.village_list()).names


def test_merge_and_summarise_as_a_library(inbox, tmp_path):
    progress = Recorder()
    merged = jobs.merge([inbox], tmp_path / "乡镇汇总", villages=bundled.village_list(), progress=progress)
    progress.check(len(merged.files) + 2)
    township = tmp_path / "乡镇汇总.xlsx"
    assert merged.township == township and merged.outputs == {"乡镇汇总": township} and merged.exit_code == 0
    assert merged.values["会员总数"] == 580 and merged.messages == []
    book = CalamineWorkbook.from_path(str(township))
    written = book.get_sheet_by_name("报送情况").to_python()
    assert [r[1] for r in written[1:14]] == [r[1] for r in merged.status_rows()[:13]]
    assert len(book.get_sheet_by_name("问题清单").to_python()) == 1 + len(merged.issue_rows())

    progress = Recorder()
    done = jobs.summarise(township, period=(dt.date(2012, 1, 1), dt.date(2012, 12, 31)), progress=progress)
    progress.check(3)
    assert done.summary == tmp_path / "乡镇汇总_汇总表.xlsx" and done.summary.is_file()
    assert done.values["会员总数"] == 580 and done.values["统计期间"] == "2012-01-01 至 2012-12-31"
    assert done.pdf is None and done.pdf_error is None and done.exit_code == 0


def test_templates_demo_and_workbook_as_a_library(tmp_path):
    progress = Recorder()
    written = jobs.write_templates(tmp_path / "模板", progress=progress)
    progress.check(2)
    assert [p.name for p in written.outputs.values()] == ["村工会报表模板.xlsx", "乡镇汇总模板.xlsx"]
    assert all(p.is_file() for p in written.outputs.values())

    progress = Recorder()
    demo = jobs.demo(tmp_path / "演示", progress=progress)
    progress.check(14)
    assert demo.exit_code == 0 and demo.merged.members == 580 and len(demo.merged.copies) == 1
    assert [p.name for p in (tmp_path / "演示" / "退回各村").iterdir()] == ["寨阳村工会报表_已标注.xlsx"]
    assert all(p.exists() for p in demo.outputs.values())
    # the demo's template is the schema's, as write_templates makes it (but for its save time)
    assert _members(demo.outputs["村工会报表模板"]) == _members(written.outputs["村工会报表模板"])

    pytest.importorskip("pyopenvba")
    progress = Recorder()
    built = jobs.excel_workbook(tmp_path / "按钮.xlsm", progress=progress)
    progress.check(1)
    assert built.outputs == {"带按钮的工作簿": tmp_path / "按钮.xlsm"} and (tmp_path / "按钮.xlsm").is_file()


def test_refusals_are_user_errors_with_their_exit_code(inbox, tmp_path):
    (tmp_path / "空").mkdir()
    with pytest.raises(UserError, match="没有找到村报表") as why:
        jobs.validate([tmp_path / "空"])
    assert why.value.exit_code == 2
    with pytest.raises(OutputError, match="就是输入文件"):  # the library's own refusal, a UserError itself
        jobs.merge([inbox], inbox / "排吼村.xlsx")
    (tmp_path / "~$乡镇汇总.xlsx").write_bytes(b"")
    with pytest.raises(UserError, match="正在 Excel、WPS 或 LibreOffice 中打开，请先关闭再合并"):
        jobs.merge([inbox], tmp_path / "乡镇汇总.xlsx")
    with pytest.raises(UserError, match="早于开始"):
        jobs.validate([inbox], period=(dt.date(2012, 12, 31), dt.date(2012, 1, 1)))
    (tmp_path / "不是工作簿.xlsx").write_bytes(b"garbage")
    with pytest.raises(UserError) as why:  # a ReadError from the reader, passed on as a UserError
        jobs.summarise(tmp_path / "不是工作簿.xlsx")
    assert isinstance(why.value, ReadError) or isinstance(why.value.__cause__, ReadError)
    assert "不是工作簿.xlsx" in str(why.value) and why.value.exit_code == 2
    with pytest.raises(UserError, match="还没有乡镇汇总文件"):
        jobs.summarise(tmp_path / "没有.xlsx")


def test_an_os_error_leaves_a_job_as_one_chinese_line(inbox, tmp_path, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("unionxl.writing.xlsxio.tempfile.mkstemp", refuse)
    with pytest.raises(UserError, match="只读"):
        jobs.write_templates(tmp_path / "模板")


def test_the_readmes_library_example_runs(inbox, tmp_path, monkeypatch, capsys):
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("## 作为库使用 / Library use", 1)[1]
    code = section.split("```python\n", 1)[1].split("\n```", 1)[0]
    shutil.copyfile(bundled.village_list(), inbox.parent / "村名单.xlsx")
    monkeypatch.chdir(inbox.parent)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "应报 13 个村，已报 13 个" in printed
    assert any("580" in line and "乡镇汇总_汇总表.xlsx" in line for line in printed.splitlines()), printed  # the last print
    assert (inbox.parent / "乡镇汇总_汇总表.xlsx").is_file() and len(list((inbox.parent / "退回各村").iterdir())) == 1
    assert "无问题的村（未生成标注副本）：坪朗村、补点村、" in printed  # the 13 files without findings get no copy


def test_the_doors_leave_every_stage_to_the_jobs():
    """No door imports a stage the jobs own: scanning, output checks, lock checks, merge, writers, summary."""
    stages = {"scan", "check_outputs", "open_elsewhere", "merge", "check_all", "annotate", "write_township",
              "from_township", "read_dataset", "write_summary", "export_pdf", "write_template",
              "write_summary_template", "read_villages"}
    doors = Path(__file__).resolve().parent.parent / "unionxl" / "doors"
    for path in doors.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and "jobs" not in (node.module or "").split("."):
                assert not {a.name for a in node.names} & stages, (path.name, node.module)


def test_one_copy_asked_for_by_name_is_written_even_without_findings(tmp_path):
    """--annotate FILE: the user asked for that copy, so a clean file still gets one (saying so);
    --annotate-dir leaves a clean file without."""
    clean = next(EXAMPLES.glob("中黄村*.xlsx"))
    one = jobs.validate([clean], annotate_to=tmp_path / "中黄村_已标注.xlsx")
    assert one.findings == [] and one.copies == [tmp_path / "中黄村_已标注.xlsx"] and one.clean_note() == ""
    issues = load_workbook(one.copies[0])["问题清单"]
    assert issues["A1"].value.startswith("中黄村 2012年") and issues["A3"].value == "未发现问题。"
    folder = jobs.validate([clean], annotate_dir=tmp_path / "退回")
    assert folder.copies == [] and not (tmp_path / "退回").exists()
    assert folder.clean_note() == "无问题的村（未生成标注副本）：中黄村。"
