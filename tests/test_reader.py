"""Reading submissions: sheets and headers found through the schema, whatever the layout."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from unionxl.reading.inbox import folders, scan
from unionxl.reading.reader import ReadError, read, template_version

from .conftest import convert, make_workbook

COVER_ROWS = [["村（社区）工会工作报表"], [], ["村（社区）名称", "坪朗村"], ["填报日期", dt.date(2012, 11, 1)]]
ID = "433101198503152023"


def test_header_not_on_row_one_synonyms_reordered_blank_and_total_rows(tmp_path):
    path = make_workbook(tmp_path / "a.xlsx", {
        "封面": COVER_ROWS,
        "会员花名册": [  # a sheet-name synonym
            ["坪朗村会员名册（2012 年）"],
            [],
            ["身份证号码", "会员姓名", "性别", "联系电话", "自编号"],  # synonyms, reordered, one extra
            [ID, "王秀英", "女", "13907431234", "x1"],
            [None, None, None, None, None],
            ["433101198503152031", "龙海", "男", None, None],
            ["合计", "2 人", None, None, None],
        ],
    })
    sub = read(path)
    assert sub.village == "坪朗村"
    assert sub.cover["village"].cell == "B3"
    table = sub.tables["members"]
    assert table.sheet == "会员花名册" and table.header_row == 3
    assert table.columns == {"id_number": 0, "name": 1, "sex": 2, "phone": 3}
    assert table.extra == [(4, "自编号")]
    assert [r.number for r in table.rows] == [4, 6]
    assert table.rows[0].values["name"] == "王秀英" and table.rows[0].cell("name") == "B4"
    assert table.rows[1].values["phone"] is None
    assert table.total_rows == [7]
    assert {f.key for f in table.missing} >= {"ethnicity", "join_date"}
    assert [r.key for r in sub.missing_sheets] == ["aid", "cases", "activities", "organisations"]


def test_two_row_merged_header(tmp_path):
    path = make_workbook(
        tmp_path / "b.xlsx",
        {
            "封面": COVER_ROWS,
            "帮扶台账": [
                ["受助人", None, "帮扶情况", None],
                ["姓名", "身份证号", "帮扶日期", "金额"],
                ["龙海军", ID, dt.date(2012, 1, 18), 500],
            ],
        },
        merged={"帮扶台账": ["A1:B1", "C1:D1"]},
    )
    table = read(path).tables["aid"]
    assert table.header_row == 2
    assert table.columns == {"name": 0, "id_number": 1, "aid_date": 2, "amount": 3}
    assert table.rows[0].values["amount"] == 500 and table.rows[0].cell("amount") == "D3"


def test_unreadable_file_gives_a_chinese_message_naming_the_file(tmp_path):
    bad = tmp_path / "坪朗村.xlsx"
    bad.write_bytes(b"this is not a workbook")
    with pytest.raises(ReadError) as err:
        read(bad)
    assert "坪朗村.xlsx" in str(err.value) and "不是 Excel 工作簿" in str(err.value)


def test_template_version_absent_in_a_plain_workbook(tmp_path):
    path = make_workbook(tmp_path / "c.xlsx", {"封面": COVER_ROWS})
    assert template_version(path) is None
    assert read(path).template_version is None


def test_scan_skips_lock_files_and_other_files_with_a_note(tmp_path):
    for name in ("b.xlsx", "a.xls", "~$b.xlsx", "notes.txt", "c.ods", "D.XLSX"):
        (tmp_path / name).write_bytes(b"")
    files, skipped = scan([tmp_path / "notes.txt", tmp_path])
    assert [p.name for p in files] == ["notes.txt", "D.XLSX", "a.xls", "b.xlsx", "c.ods"]  # a named file is read
    assert [(p.name, "锁文件" in why or "文本文件" in why) for p, why in skipped] == [
        ("notes.txt", True), ("~$b.xlsx", True)]


def test_scan_reads_sub_folders_and_names_what_each_skipped_file_is(tmp_path):
    (tmp_path / "补报" / "二次").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    for name in ("a.xlsx", "补报/b.xls", "补报/二次/c.et", "补报/说明.docx", "d.pdf", "e.bin", ".git/x.xlsx"):
        (tmp_path / name).write_bytes(b"")
    files, skipped = scan([tmp_path])
    assert [p.relative_to(tmp_path).as_posix() for p in files] == ["a.xlsx", "补报/b.xls", "补报/二次/c.et"]
    reasons = {p.name: why for p, why in skipped}
    assert "PDF" in reasons["d.pdf"] and "Word" in reasons["说明.docx"] and "不是 Excel" in reasons["e.bin"]
    assert folders([tmp_path], files) == [(tmp_path / "补报", 1), (tmp_path / "补报" / "二次", 1)]


@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_reads_xls_and_ods_the_same_as_xlsx(examples, tmp_path, fmt):
    source = tmp_path / "village.xlsx"
    shutil.copy(examples[0], source)
    converted = convert(source, fmt, tmp_path)
    a, b = read(source), read(converted)
    assert a.village == b.village
    for key, table in a.tables.items():
        other = b.tables[key]
        assert len(other.rows) == len(table.rows) > 0
        column = {"cases": "applicant_id", "activities": "title", "organisations": "name"}.get(key, "id_number")
        assert [r.values[column] for r in other.rows] == [r.values[column] for r in table.rows]


def test_register_chosen_by_content_also_from_an_unnamed_sheet(tmp_path):
    header = ["序号", "姓名", "性别", "民族", "身份证号", "政治面貌", "学历", "户籍类型", "是否农民工", "就业状态",
              "入会时间", "会籍状态"]
    person = [1, "王秀英", "女", "苗族", ID, "群众", "初中", "农业", "是", "在岗", dt.date(2011, 5, 1), "正常"]
    path = make_workbook(tmp_path / "s.xlsx", {"封面": COVER_ROWS, "会员名册": [header], "Sheet1": [header, person],
                                               "填表说明": [header, person]})
    table = read(path).tables["members"]
    assert table.sheet == "Sheet1" and table.numbers == [2]
    assert table.rivals == [("会员名册", 0)]


def test_placeholder_dashes_and_slashes_are_blank(tmp_path):
    path = make_workbook(tmp_path / "p.xlsx", {"封面": COVER_ROWS, "会员名册": [
        ["姓名", "身份证号", "手机号码", "备注"], ["王秀英", ID, "/", "—"], ["/", "/", "/", "/"]]})
    table = read(path).tables["members"]
    assert table.numbers == [2] and table.raw["phone"] == [None] and table.raw["remark"] == [None]


def test_header_cells_merged_down_over_two_rows(tmp_path):
    path = make_workbook(tmp_path / "m.xlsx", {"封面": COVER_ROWS, "会员名册": [
        ["会员名册"], ["姓名", "身份证号", "联系方式", None], [None, None, "手机", "固定电话"],
        ["王秀英", ID, "13907431234", None]]}, merged={"会员名册": ["A2:A3", "B2:B3", "C2:D2"]})
    table = read(path).tables["members"]
    assert table.header_row == 3 and table.numbers == [4] and not table.header_again
    assert table.columns == {"name": 0, "id_number": 1, "phone": 2}


def test_a_report_period_over_three_cells(tmp_path):
    path = make_workbook(tmp_path / "pp.xlsx", {"封面": [
        ["村名", "坪朗村"], ["统计期间", dt.date(2012, 1, 1), "至", dt.date(2012, 10, 31)], ["报表期间：2011年1—12月"]]})
    cover = read(path).cover
    assert (cover["period_start"].raw, cover["period_start"].cell) == (dt.date(2012, 1, 1), "B2")
    assert (cover["period_end"].raw, cover["period_end"].cell) == (dt.date(2012, 10, 31), "D2")


def test_the_size_limits_are_read_from_the_environment_when_used(monkeypatch):
    from unionxl.reading import safety

    size = 3 * safety.MiB
    monkeypatch.delenv("UNIONXL_MAX_FILE_MB", raising=False)
    assert safety.too_big(size) is None and safety.Limits.from_env() == safety.Limits()
    monkeypatch.setenv("UNIONXL_MAX_FILE_MB", "2")  # after import: still applies
    assert "超过上限 2 MB" in safety.too_big(size)
    assert safety.too_big(size, safety.Limits()) is None  # limits given: the environment is not asked
    monkeypatch.setenv("UNIONXL_MAX_FILE_MB", "两兆")
    assert safety.Limits.from_env().file_bytes == safety.Limits().file_bytes


def test_blanks_found_in_one_search_are_those_of_the_rule_for_one_text():
    import random

    from unionxl.reading.body import _is_blank_text, blanks

    pieces = ["", " ", "\u3000", "\t", "\u200b", "/", "／", "\\", "-", "－", "—", "——", "–", "--", "a", "张", "1", "x\x00"]
    rng = random.Random(19)
    for _ in range(300):
        values = {"".join(rng.choice(pieces) for _ in range(rng.randint(0, 3))) for _ in range(rng.randint(0, 12))}
        if rng.random() < 0.3:
            values |= {1.0, dt.date(2012, 1, 1)}
        assert blanks(values) == {v for v in values if _is_blank_text(v)}, values
