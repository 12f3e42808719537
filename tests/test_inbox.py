"""What lands in a township's inbox besides village workbooks: sub-folders, PDFs, unionxl's own outputs, .et."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from unionxl.writing import marks
from unionxl.writing.annotate import annotate
from unionxl.doors.cli import main
from unionxl.merging.merge import merge
from unionxl.reading.inbox import scan
from unionxl.reading.reader import ReadError, read
from unionxl.summary.fill import write_summary
from unionxl.writing.township import write_township
from unionxl.writing.readback import read_dataset
from unionxl.bundled import summary_template
from unionxl.checks.validate import validate_file

from .conftest import EXAMPLES, convert
from .data.make_corpus import _rezip


@pytest.fixture
def two(tmp_path, examples) -> Path:
    box = tmp_path / "收到的报表"
    box.mkdir()
    for p in examples[:2]:
        shutil.copy(p, box / p.name)
    return box


def test_outputs_carry_a_mark_and_are_set_aside_in_a_batch(two, tmp_path):
    result = merge(scan([two])[0])
    township, _ = write_township(result, two / "乡镇汇总.xlsx")
    summary, _ = write_summary(read_dataset(township), summary_template(), two / "汇总.xlsx")
    original = sorted(two.glob("*.xlsx"))[0]
    copy = annotate(validate_file(original), two / "随便起的名字.xlsx")
    assert marks.read(township) == marks.Mark(marks.TOWNSHIP)
    assert marks.read(summary) == marks.Mark(marks.SUMMARY)
    assert marks.read(copy) == marks.Mark(marks.ANNOTATED, marks.sha256(original))
    assert marks.read(original) is None
    files, skipped = scan([two])
    assert sorted(p.name for p in files) == sorted(p.name for p in marks_free(two))
    reasons = {p.name: why for p, why in skipped}
    assert "乡镇汇总工作簿" in reasons["乡镇汇总.xlsx"] and "汇总表" in reasons["汇总.xlsx"]
    assert original.name in reasons["随便起的名字.xlsx"]


def marks_free(folder: Path) -> list[Path]:
    return [p for p in folder.glob("*.xlsx") if marks.read(p) is None]


def test_an_annotated_copy_sent_back_alone_is_the_villages_resubmission(two, tmp_path):
    original = sorted(two.glob("*.xlsx"))[0]
    copy = annotate(validate_file(original), tmp_path / "退回" / "x_已标注.xlsx")
    original.unlink()
    shutil.copy(copy, two / "改好了.xlsx")
    files, skipped = scan([two])
    assert two / "改好了.xlsx" in files and not skipped
    report = validate_file(two / "改好了.xlsx")
    assert report.errors == 0 and report.village and len(report.rows["members"]) > 0
    assert "问题清单" not in report.sheets.values()


@pytest.mark.parametrize("xml", [b"", b"<not xml", b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'])
def test_a_broken_custom_xml_is_no_mark_and_does_not_raise(two, xml):
    source = sorted(two.glob("*.xlsx"))[0]
    path = two / "broken.xlsx"
    _rezip(source, path, {"docProps/custom.xml": xml})
    assert marks.read(path) is None and marks.properties(path) == {}
    assert scan([path]) == ([path], [])
    if b"ENTITY" in xml:  # refused by the safety checks before any parser, as always
        with pytest.raises(ReadError):
            read(path)
    else:
        assert read(path).template_version is None and read(path).village == read(source).village


def test_validate_lists_skipped_files_reads_sub_folders_and_fails_on_no_workbook(two, tmp_path):
    (two / "补报").mkdir()
    shutil.move(sorted(two.glob("*.xlsx"))[0], two / "补报")
    (two / "排杉村报表.pdf").write_bytes(b"%PDF-1.4")
    out = CliRunner().invoke(main, ["validate", str(two)])
    assert out.exit_code == 0, out.output
    assert "读取子文件夹" in out.output and "补报" in out.output
    assert "排杉村报表.pdf" in out.output and "PDF" in out.output
    assert "共 2 个文件" in out.output
    empty = tmp_path / "空"
    empty.mkdir()
    (empty / "说明.docx").write_bytes(b"PK")
    for command in (["validate", str(empty)], ["merge", str(empty), "-o", str(tmp_path / "t.xlsx")]):
        out = CliRunner().invoke(main, command)
        assert out.exit_code == 2 and "没有找到村报表" in out.output and "说明.docx" in out.output
    assert not (tmp_path / "t.xlsx").exists()


def test_wps_et_read_when_it_holds_a_workbook_else_asked_to_save_as_xlsx(examples, tmp_path):
    as_xlsx = tmp_path / "坪朗村.et"
    shutil.copy(examples[0], as_xlsx)
    assert read(as_xlsx).village == read(examples[0]).village
    xls = convert(examples[0], "xls", tmp_path)
    as_xls = tmp_path / "xls.et"
    shutil.copy(xls, as_xls)
    assert len(read(as_xls).tables["members"].numbers) == len(read(examples[0]).tables["members"].numbers)
    odd = tmp_path / "wps.et"
    odd.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    with pytest.raises(ReadError) as err:
        read(odd)
    assert "请在 WPS 中另存为 .xlsx" in str(err.value)


def test_a_sub_folder_that_cannot_be_listed_is_noted_and_the_rest_read(tmp_path, monkeypatch):
    box = tmp_path / "收件箱"
    (box / "锁住的").mkdir(parents=True)
    shutil.copy(EXAMPLES / "排兄村.xlsx", box / "排兄村.xlsx")
    real = Path.iterdir

    def iterdir(self):
        if self.name == "锁住的":
            raise PermissionError(13, "Permission denied")
        return real(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    files, skipped = scan([box])
    assert [p.name for p in files] == ["排兄村.xlsx"]
    assert [(p.name, "无法打开" in why) for p, why in skipped] == [("锁住的", True)]
