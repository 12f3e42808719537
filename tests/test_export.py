"""``unionxl export``: the roster in an upstream form's layout, read back with python-calamine (a second
reader) and checked against the examples read with openpyxl (a third), never against unionxl's reader."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from unionxl import bundled, jobs
from unionxl.doors.cli import main
from unionxl.errors import UserError
from unionxl.exporting.export import fill, write_form
from unionxl.exporting.form import FORMS, FormError, find
from unionxl.reading.inbox import scan
from unionxl.schema.fields import id_check_char
from unionxl.summary.indicators import Dataset, VillageStatus
from unionxl.writing import marks
from unionxl.writing.template import build_workbook

ROOT = Path(__file__).resolve().parent.parent
SECOND = Path(__file__).parent / "data" / "forms" / "会员简表.toml"
# the provincial 工会会员信息采集表 as the issue gives it: header on row 4, its drop-down lists
HEADERS = ["序号", "姓名", "性别", "出生日期(yyyy/MM/dd)", "民族", "就业状况", "有效证件类别", "证件号码", "学历", "技术等级",
           "移动电话", "户籍类型", "户籍所在地", "会籍变化类型", "会籍变化日期", "会籍变化原因", "政治面貌", "工作单位(全称)",
           "籍贯", "是否农民工会员"]
LISTS = {
    "性别": "男 女", "有效证件类别": "居民身份证", "是否农民工会员": "是 否",
    "学历": "博士 硕士 本科 大专 中专 高中 初中 小学及以下",
    "就业状况": "在岗 待（下）岗 失业 退休 退职 退养（内退） 病休 其他",
    "户籍类型": "农业户口 非农业户口",
    "会籍变化类型": "入会 转入 保留 转出 除名 退会",
    "会籍变化原因": "劳动（工作）关系发生变化 在本单位下岗后待岗 失业 所在企业破产 个人要求退会 因犯罪被开除会籍",
    "技术等级": "无 职业资格一级（高级技师） 职业资格二级（技师） 职业资格三级（高级） 职业资格四级（中级） 职业资格五级（初级）",
}
NOT_REQUIRED = {"序号", "会籍变化原因"}  # the form's reasons have none for 入会/转入


@pytest.fixture(scope="module")
def townships(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("township")
    out = {}
    for kind, mask in (("plain", False), ("masked", True)):
        merged = jobs.merge([bundled.examples_dir()], folder / f"{kind}.xlsx", bundled.village_list(), mask=mask,
                            summary=False)
        out[kind] = merged.township
    return out


@pytest.fixture(scope="module")
def exported(townships, tmp_path_factory):
    out = tmp_path_factory.mktemp("export") / "会员信息采集表.xlsx"
    return jobs.export_form("会员信息采集表", townships["plain"], out), out


@pytest.fixture(scope="module")
def roster() -> dict[str, tuple[str, dict]]:
    """ID number -> (village, the roster row by header) of every member of the examples, read with openpyxl."""
    people = {}
    for path in sorted(bundled.examples_dir().glob("*.xlsx")):
        wb = load_workbook(path, read_only=True)
        village = next(r[1] for r in wb["封面"].iter_rows(values_only=True) if r[0] == "村（社区）名称")
        lines = list(wb["会员名册"].iter_rows(values_only=True))
        for line in lines[1:]:
            row = dict(zip(lines[0], line))
            if row.get("身份证号"):
                people[row["身份证号"]] = (village, row)
    return people


def sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def lacking(path: Path) -> dict[int, tuple[str, str, set[str], str]]:
    """序号 -> (village, name, the items missing, the codes that could not be mapped) from 缺项清单."""
    return {int(r[0]): (r[1], r[2], set(filter(None, r[3].split("、"))), r[4]) for r in sheet(path, "缺项清单")[1:]}


def test_the_header_is_on_row_4_and_every_member_is_a_line(exported, roster):
    result, out = exported
    rows = sheet(out, "会员信息")
    assert rows[0][0] == "工会会员信息采集表" and "填表单位（盖章）：" in rows[2] and "单位负责人(签字)：" in rows[2]
    assert rows[3] == HEADERS
    lines = [r for r in rows[4:] if any(v != "" for v in r)]
    assert len(lines) == len(roster) == result.members == 580
    assert [int(r[0]) for r in lines] == list(range(1, 581))
    assert len(result.villages) == 14


def test_coded_cells_are_in_the_forms_lists_and_codes_are_mapped(exported, roster):
    _, out = exported
    rows = sheet(out, "会员信息")
    at = {h: i for i, h in enumerate(rows[3])}
    for line in rows[4:]:
        for header, allowed in LISTS.items():
            assert line[at[header]] in ("", *allowed.split()), (header, line[at[header]])
        _, member = roster[line[at["证件号码"]]]
        expected = {"大学本科": "本科", "大学专科": "大专", "普通高中": "高中", "中等专科": "中专", "职业高中": "中专",
                    "小学": "小学及以下", "初中": "初中"}[member["学历"]]
        assert line[at["学历"]] == expected
        assert line[at["户籍类型"]] == {"农业": "农业户口", "非农业": "非农业户口"}[member["户籍类型"]]
        assert line[at["就业状况"]] == {"在岗": "在岗", "退休": "退休", "灵活就业": "其他"}[member["就业状态"]]
        # 会籍变化类型 where filled, else the 会籍状态 it leaves
        change = member["会籍变化类型"] or {"正常": "入会", "保留会籍": "保留"}[member["会籍状态"]]
        assert line[at["会籍变化类型"]] == change


def test_ids_phones_and_dates_are_text_in_the_forms_format(exported, roster):
    _, out = exported
    rows = sheet(out, "会员信息")
    at = {h: i for i, h in enumerate(rows[3])}
    for line in rows[4:]:
        number = line[at["证件号码"]]
        assert isinstance(number, str) and re.fullmatch(r"\d{17}[\dX]", number) and id_check_char(number[:17]) == number[17]
        _, member = roster[number]
        assert line[at["姓名"]] == member["姓名"]
        assert line[at["出生日期(yyyy/MM/dd)"]] == f"{number[6:10]}/{number[10:12]}/{number[12:14]}"  # from the ID if blank
        phone = line[at["移动电话"]]
        assert phone == (member["手机号码"] or "") and (phone == "" or isinstance(phone, str))
        changed = line[at["会籍变化日期"]]
        assert changed == "" or re.fullmatch(r"\d{4}/\d{2}/\d{2}", changed)
        if member["会籍变化日期"] is not None:
            assert changed == member["会籍变化日期"].strftime("%Y/%m/%d")
    with zipfile.ZipFile(out) as z:  # the ID numbers are text cells, not numbers
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert re.search(r'<c r="H5"[^>]*t="(?:s|inlineStr)"', xml)


def test_every_required_cell_is_filled_or_its_member_listed(exported, roster):
    result, out = exported
    rows = sheet(out, "会员信息")
    listed = lacking(out)
    assert result.exit_code == 1 and len(listed) == len(result.lacking) > 0
    for line in rows[4:]:
        blank = {h for h, v in zip(HEADERS, line) if v == "" and h not in NOT_REQUIRED}
        number = int(line[0])
        assert listed.get(number, (None, None, set()))[2] == blank, number
        if number in listed:
            village, member = roster[line[7]]
            assert listed[number][:2] == (village, member["姓名"])


def test_the_listing_agrees_with_the_village_files(exported, roster):
    """Who lacks a phone, a 技术等级 or an employer, from the examples themselves."""
    result, _ = exported
    by_name = {(lack.village, lack.name): set(lack.missing) for lack in result.lacking}
    for village, member in roster.values():
        missing = by_name.get((village, member["姓名"]), set())
        assert ("移动电话" in missing) == (not member["手机号码"])
        assert ("技术等级" in missing) == (not member["技术等级"])
        assert ("籍贯" in missing) == (not member["籍贯"])
        assert ("工作单位(全称)" in missing) == (not member["工作单位"])
    assert any("技术等级" in m for m in by_name.values()) and any("移动电话" in m for m in by_name.values())


def test_the_export_is_marked_and_never_read_as_a_village_submission(exported, tmp_path):
    _, out = exported
    assert marks.read(out).kind == marks.EXPORTED
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "坪朗村.xlsx").write_bytes(out.read_bytes())
    files, skipped = scan([inbox])
    assert files == [] and "上报表" in skipped[0][1]


def test_a_village_can_be_picked(townships, tmp_path, roster):
    result = jobs.export_form("会员信息采集表", townships["plain"], tmp_path / "排兄村", villages=["排兄村"])
    out = result.outputs["会员信息采集表"]
    assert out == tmp_path / "排兄村.xlsx"
    lines = sheet(out, "会员信息")[4:]
    assert len(lines) == sum(1 for v, _ in roster.values() if v == "排兄村") == 44
    assert {roster[line[7]][0] for line in lines} == {"排兄村"} and result.villages == ["排兄村"]
    with pytest.raises(UserError, match="没有 无此村"):
        jobs.export_form("会员信息采集表", townships["plain"], tmp_path / "x.xlsx", villages=["无此村"])


def test_a_masked_township_workbook_is_refused(townships, tmp_path):
    with pytest.raises(UserError, match="--mask"):
        jobs.export_form("会员信息采集表", townships["masked"], tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()
    result = CliRunner().invoke(main, ["export", "会员信息采集表", str(townships["masked"]), "-o", str(tmp_path / "x")])
    assert result.exit_code == 2 and "错误：" in result.output and "身份证号已隐去" in result.output


def test_a_second_form_file_needs_no_code(townships, tmp_path, roster):
    result = jobs.export_form(SECOND, townships["plain"], tmp_path / "简表.xlsx")
    out = result.outputs["会员简表"]
    rows = sheet(out, "花名册")
    assert rows[0][0] == "会员花名册（简表）"
    assert rows[1] == ["编号", "会员姓名", "公民身份号码", "出生年月日", "文化程度", "户口性质", "证件类型"]
    primary = [r for r in rows[2:] if roster[r[2]][1]["学历"] == "小学"]
    assert primary and all(r[4] == "" for r in primary)  # no 小学 in this form's map: blank and listed
    for line in rows[2:]:
        assert line[3] == line[2][6:14] and line[6] == "身份证"
        assert line[4] in ("", "研究生", "大学", "中专或高中", "初中") and line[5] in ("农村", "城镇")
    listed = lacking(out)
    assert set(listed) == {int(r[0]) for r in primary}
    assert all(v[3] == "文化程度：小学" and v[2] == set() for v in listed.values())
    assert result.exit_code == 1


def test_a_complete_export_exits_0_without_a_lack_sheet(tmp_path):
    form = tmp_path / "两列.toml"
    form.write_text('name = "两列"\nheader_row = 1\n[[columns]]\nheader = "姓名"\nfield = "name"\nrequired = true\n'
                    '[[columns]]\nheader = "性别"\nfield = "sex"\nrequired = true\nchoices = ["男", "女"]\n', encoding="utf-8")
    ds = Dataset([VillageStatus("甲村")], {"members": [("甲村", {"name": "王一", "sex": "男"})]})
    filled = fill(find(form), ds, tmp_path / "t.xlsx")
    out = write_form(filled, tmp_path / "out.xlsx")
    assert filled.lacking == [] and CalamineWorkbook.from_path(str(out)).sheet_names == ["两列"]
    assert sheet(out, "两列") == [["姓名", "性别"], ["王一", "男"]]


def test_village_text_is_never_a_formula_and_bad_ids_and_duplicates_are_listed(tmp_path):
    people = [("甲村", {"name": "=1+1", "id_number": "433101198503152024", "employer": "=HYPERLINK(\"x\")"}),
              ("甲村", {"name": "李二", "id_number": "433101198503152024"}),
              ("本级", {"name": "张三", "id_number": "433101198503152025", "education": "其他"})]
    ds = Dataset([VillageStatus("甲村"), VillageStatus("本级", own=True)], {"members": people})
    filled = fill(find("会员信息采集表"), ds, tmp_path / "t.xlsx")
    out = write_form(filled, tmp_path / "out.xlsx")
    ws = load_workbook(out)["会员信息"]
    assert ws["B5"].value == "=1+1" and ws["B5"].data_type == "s" and ws["R5"].data_type == "s"
    unmapped = {lack.name: lack.unmapped for lack in filled.lacking}
    assert unmapped["李二"] == ["证件号码：与另一名会员重复"] and unmapped["=1+1"] == ["证件号码：与另一名会员重复"]
    assert "证件号码：433101198503152025（不是有效的身份证号）" in unmapped["张三"] and "学历：其他" in unmapped["张三"]
    assert ws["D7"].value is None  # no birth date from a wrong ID number
    assert "出生日期(yyyy/MM/dd)" in next(lack.missing for lack in filled.lacking if lack.name == "张三")


@pytest.mark.parametrize(("text", "says"), [
    ('[[columns]]\nheader = "甲"\n', "来源"),
    ('[[columns]]\nheader = "甲"\nfield = "nothing"\n', "不是会员名册的字段"),
    ('[[columns]]\nheader = "甲"\nfield = "hukou"\nchoices = ["农村"]\nmap = { "农业" = "农户" }\n', "不在 choices"),
    ('[[columns]]\nheader = "甲"\nderived = "age"\n', "derived"),
    ('header_row = 1\nrows = [["标题"]]\n[[columns]]\nheader = "甲"\nvalue = "1"\n', "表头行"),
    ("columns = [", "无法读取"),
    ('name = "x"\n', "缺少"),
])
def test_a_broken_form_file_is_one_chinese_line(tmp_path, text, says):
    form = tmp_path / "坏.toml"
    form.write_text(text, encoding="utf-8")
    with pytest.raises(FormError, match=says) as caught:
        find(form)
    assert "坏.toml" in str(caught.value)


def test_the_command_lists_the_forms_and_lists_who_lacks_what(townships, tmp_path):
    listed = CliRunner().invoke(main, ["export", "--list"])
    assert listed.exit_code == 0 and "会员信息采集表" in listed.output
    assert "--list" in CliRunner().invoke(main, ["export", "--help"]).output
    out = tmp_path / "上报.xlsx"
    result = CliRunner().invoke(main, ["export", "会员信息采集表", str(townships["plain"]), "-o", str(out),
                                       "--village", "坪朗村"])
    assert result.exit_code == 1, result.output
    assert "已导出 62 名会员" in result.output and "上报前需补齐" in result.output and "缺项清单" in result.output
    assert str(out) in result.output and out.exists()
    refused = CliRunner().invoke(main, ["export", "省里的表", str(townships["plain"])])
    assert refused.exit_code == 2 and "可用的表式：会员信息采集表" in refused.output
    missing = CliRunner().invoke(main, ["export", "会员信息采集表", str(tmp_path / "无.xlsx")])
    assert missing.exit_code == 2 and "请先合并" in missing.output


def test_an_output_that_is_the_township_workbook_is_refused(townships):
    before = townships["plain"].read_bytes()
    with pytest.raises(UserError):
        jobs.export_form("会员信息采集表", townships["plain"], townships["plain"])
    assert townships["plain"].read_bytes() == before


def test_a_roster_without_the_new_optional_columns_still_validates(tmp_path):
    """A village template older than the form's columns (no 技术等级 … 会籍变化原因) gives no finding about them."""
    member = {"seq": 1, "name": "王秀英", "sex": "女", "ethnicity": "苗族", "id_number": "433101198503152024",
              "political": "群众", "education": "初中", "hukou": "农业", "migrant": "是", "employment": "在岗",
              "join_date": dt.date(2011, 5, 1), "membership": "正常"}
    cover = {"village": "坪朗村", "union_name": "坪朗村工会联合会", "preparer": "张三", "preparer_phone": "13807431234",
             "period_start": dt.date(2012, 1, 1), "period_end": dt.date(2012, 10, 31), "fill_date": dt.date(2012, 11, 1)}
    wb = build_workbook(cover, {"members": [member]})
    ws = wb["会员名册"]
    header = [c.value for c in ws[1]]
    first = header.index("技术等级") + 1
    ws.delete_cols(first, header.index("会籍变化原因") + 2 - first)
    assert "籍贯" not in [c.value for c in ws[1]] and "备注" in [c.value for c in ws[1]]
    wb.save(tmp_path / "旧模板.xlsx")
    report, = jobs.validate([tmp_path / "旧模板.xlsx"]).reports
    assert report.errors == 0, [f.message for f in report.findings]
    assert not [f for f in report.findings if f.sheet == "会员名册"]


def test_the_wheel_carries_the_form_files(tmp_path):
    pytest.importorskip("hatchling")
    from hatchling.builders.wheel import WheelBuilder

    wheel, = WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
    assert {f"unionxl/exporting/forms/{p.name}" for p in FORMS.glob("*.toml")} <= set(names)
