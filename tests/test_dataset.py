"""The township workbook's machine-readable data: ``unionxl summary`` gives the figures of the merge that
wrote it, whatever staff did to its display sheets, and a masked workbook holds no ID number or phone."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl import bundled
from unionxl.checks.validate import CleanRow
from unionxl.doors.cli import main
from unionxl.merging.merge import merge
from unionxl.reading.reader import ReadError
from unionxl.reading.villages import read_villages
from unionxl.schema import registers
from unionxl.schema.fields import Date, Text
from unionxl.schema.registers import Field, Register
from unionxl.summary.indicators import compute, from_merge
from unionxl.writing.readback import read_dataset
from unionxl.writing.township import write_township


@pytest.fixture(scope="module")
def result():
    examples = sorted(bundled.examples_dir().glob("*.xlsx"))
    return merge(examples, read_villages(bundled.village_list()))


@pytest.fixture(scope="module")
def expected(result):
    return compute(from_merge(result))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("dataset")


@pytest.fixture(scope="module")
def plain(result, folder) -> Path:
    return write_township(result, folder / "乡镇汇总.xlsx", summary_template=bundled.summary_template())[0]


@pytest.fixture(scope="module")
def masked(result, folder) -> Path:
    return write_township(result, folder / "外发.xlsx", masked=True)[0]


@pytest.fixture(scope="module")
def with_total(plain, folder) -> Path:
    """A 合计 row typed below 会员名册 and a person added by hand, as staff do, saved with openpyxl."""
    wb = load_workbook(plain)
    ws = wb["会员名册"]
    ws.append(["合计", None, None, None, None, None, None, None, None, None, None, None, None, None, None, None, None,
               None, None, None, 580])
    ws.append([None, "坪朗村", "新来的", "女", "汉族", "433101199001010021"])
    out = folder / "加了合计.xlsx"
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def edited(plain, folder) -> Path:
    """Headers of 报送情况 and of every register renamed, and columns deleted."""
    wb = load_workbook(plain)
    for name in ("报送情况", *(r.sheet for r in registers.REGISTERS)):
        for cell in wb[name][1]:
            if cell.value:
                cell.value = f"改过的{cell.value}"
    wb["报送情况"].delete_cols(2, 3)
    wb["会员名册"].delete_cols(3, 4)  # 姓名, 性别, 民族, 身份证号
    wb["帮扶台账"].delete_cols(1, 2)
    out = folder / "改过表头.xlsx"
    wb.save(out)
    return out


def test_the_plain_workbook_gives_the_figures_of_the_merge(plain, expected):
    ds = read_dataset(plain)
    assert compute(ds) == expected and ds.notes == []
    assert expected[0]["会员总数"] == 580 and expected[0]["单亲女职工帮扶人数"] == 7


def test_the_masked_workbook_gives_the_same_figures(masked, expected):
    ds = read_dataset(masked)
    assert compute(ds) == expected
    assert compute(ds)[0]["单亲女职工帮扶人数"] == 7


def test_a_masked_workbook_holds_no_id_number_or_phone_anywhere(masked, result):
    people = {v for _, report in result.used for rows in report.rows.values() for row in rows
              for v in row.cells if isinstance(v, str) and re.fullmatch(r"\d{17}[\dX]|1\d{10}", v)}
    people |= {v for _, report in result.used for v in report.cover.values() if isinstance(v, str)
               and re.fullmatch(r"1\d{10}", v)}
    assert len(people) > 500
    with zipfile.ZipFile(masked) as z:
        text = "\n".join(z.read(name).decode("utf-8", "replace") for name in z.namelist())
    found = {p for p in people if p in text}
    assert not found
    assert not re.search(r"(?<!\d)\d{17}[\dX](?!\d)", text)


def test_two_masked_workbooks_hash_the_same_person_differently(result, folder, masked):
    other = write_township(result, folder / "外发2.xlsx", masked=True)[0]
    ids = [{v for row in _data_rows(p) for v in row[1:] if isinstance(v, str) and re.fullmatch("#[a-p]{20}", v)}
           for p in (masked, other)]
    assert ids[0] and ids[1] and not ids[0] & ids[1]  # a salt per workbook, never stored


def _data_rows(path: Path) -> list[list]:
    import python_calamine

    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("unionxl数据").to_python()


def test_rows_staff_added_are_named_and_not_counted(with_total, expected):
    ds = read_dataset(with_total)
    assert compute(ds) == expected and compute(ds)[0]["会员总数"] == 580
    assert ds.notes == ["会员名册 第 582 行不是合并时写入的（合计行或手工添加），未计入汇总。",
                        "会员名册 第 583 行不是合并时写入的（合计行或手工添加），未计入汇总。"]


def test_many_added_rows_are_capped_with_a_count(plain, folder):
    wb = load_workbook(plain)
    for n in range(12):
        wb["帮扶台账"].append([None, f"手工{n}"])
    out = folder / "很多手工行.xlsx"
    wb.save(out)
    notes = read_dataset(out).notes
    assert len(notes) == 6 and notes[-1] == "另有 7 行不是合并时写入的（合计行或手工添加），未计入汇总。"


def test_renamed_headers_and_deleted_columns_change_nothing(edited, expected):
    ds = read_dataset(edited)
    assert compute(ds) == expected


def test_deleted_rows_are_reported_and_still_counted(plain, folder, expected):
    wb = load_workbook(plain)
    wb["维权案件"].delete_rows(2, 3)
    out = folder / "删了行.xlsx"
    wb.save(out)
    ds = read_dataset(out)
    assert compute(ds) == expected
    assert ds.notes == ["维权案件 有 3 行合并时写入的数据已从工作表中删除，汇总仍按合并时的数据计算。"]


@pytest.mark.parametrize("name", ["plain", "masked", "with_total", "edited"])
def test_unionxl_summary_works_on_each(name, request, tmp_path):
    township = request.getfixturevalue(name)
    out = tmp_path / "汇总表.xlsx"
    run = CliRunner().invoke(main, ["summary", str(township), "-o", str(out)])
    assert run.exit_code == 0, run.output
    assert "580 人" in run.output and out.exists()
    assert ("第 582 行不是合并时写入的" in run.output) == (name == "with_total")


def test_a_workbook_without_the_data_part_is_one_chinese_line(plain, folder, tmp_path):
    wb = load_workbook(plain)
    del wb["unionxl数据"]
    older = folder / "旧版.xlsx"
    wb.save(older)
    with pytest.raises(ReadError, match="缺少工作表“unionxl数据”"):
        read_dataset(older)
    run = CliRunner().invoke(main, ["summary", str(older), "-o", str(tmp_path / "o.xlsx")])
    assert run.exit_code == 2 and "缺少工作表" in run.output and "Traceback" not in run.output


def test_an_encrypted_workbook_is_one_chinese_line(result, tmp_path):
    secret = write_township(result, tmp_path / "加密.xlsx", password="寨阳2024")[0]
    run = CliRunner().invoke(main, ["summary", str(secret), "-o", str(tmp_path / "o.xlsx")])
    assert run.exit_code == 2 and "密码" in run.output and "不加 --password" in run.output
    assert "Traceback" not in run.output


def test_a_register_added_at_run_time_is_carried(result, tmp_path, monkeypatch):
    toy = Register("plantings", "植树台账", "植树台账", "每次植树一行。",
                   (Field("title", "活动名称", Text(30)), Field("day", "活动日期", Date())))
    monkeypatch.setattr(registers, "REGISTERS", (*registers.REGISTERS, toy))
    village, report = result.used[0]
    row = CleanRow(2, ("植树", dt.date(2012, 3, 12)), {"title": 0, "day": 1}, {"title": 0, "day": 1})
    changed = dataclasses.replace(report, rows={**report.rows, "plantings": [row]})
    entries = [dataclasses.replace(e, report=changed) if e.report is report else e for e in result.entries]
    out = write_township(dataclasses.replace(result, entries=entries), tmp_path / "o.xlsx")[0]
    assert "植树台账" in load_workbook(out).sheetnames
    ds = read_dataset(out)
    assert ds.rows["plantings"] == [(village, {"title": "植树", "day": dt.date(2012, 3, 12)})]
    assert ds.notes == []
