"""Validation: each check on a small workbook built here, plus the CLI contract and the annotated copy."""

from __future__ import annotations

import datetime as dt
import pickle
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import pytest
import python_calamine
from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl.writing.annotate import ISSUES_SHEET, annotate
from unionxl.doors.cli import main
from unionxl.schema.fields import id_check_char
from unionxl.checks.findings import CODES
from unionxl.writing.template import build_workbook
from unionxl.checks.validate import validate_file
from unionxl.reading.villages import Village, VillageList, is_own
from unionxl.writing.xlsxio import atomic_save

from .conftest import convert, make_workbook

COVER = {
    "village": "坪朗村", "union_name": "寨阳乡坪朗村工会联合会", "preparer": "张三", "preparer_phone": "13807431234",
    "period_start": dt.date(2012, 1, 1), "period_end": dt.date(2012, 10, 31), "fill_date": dt.date(2012, 11, 1),
}


def make_id(birth: str = "19850315", order: str = "202", area: str = "433101") -> str:
    body = f"{area}{birth}{order}"
    return body + id_check_char(body)


WANG = make_id()  # order 202: female
LONG = make_id("19780211", "011")  # male


def member(idn: str = WANG, **over) -> dict:
    row = {"seq": 1, "name": "王秀英", "sex": "女", "ethnicity": "苗族", "id_number": idn, "political": "群众",
           "education": "初中", "hukou": "农业", "migrant": "是", "employment": "在岗",
           "join_date": dt.date(2011, 5, 1), "membership": "正常"}
    return {**row, **over}


def aid(idn: str = WANG, **over) -> dict:
    row = {"name": "王秀英", "id_number": idn, "hardship": "低保户", "cause": "患重特大疾病", "aid_type": "生活救助",
           "aid_date": dt.date(2012, 1, 18), "amount": Decimal("500"), "fund_source": "上级工会拨款",
           "payment": "银行转账", "handler": "张三"}
    return {**row, **over}


def case(idn: str = LONG, **over) -> dict:
    row = {"accept_date": dt.date(2012, 3, 5), "applicant": "龙海", "applicant_id": idn, "respondent": "某公司",
           "case_type": "追索劳动报酬", "people": 3, "claimed": Decimal(6000), "method": "调解", "result": "调解成功",
           "recovered": Decimal(6000), "close_date": dt.date(2012, 3, 20), "handler": "张三"}
    return {**row, **over}


def submission(tmp_path: Path, members=None, aids=(), cases=(), cover=None, edit=None, name="v.xlsx") -> Path:
    members = [member(), member(LONG, name="龙海", sex="男")] if members is None else members
    wb = build_workbook({**COVER, **(cover or {})}, {"members": members, "aid": aids, "cases": cases})
    if edit:
        edit(wb)
    return atomic_save(wb, tmp_path / name)


def codes_at(path: Path, **kw) -> list[tuple[str, str | None]]:
    return [(f.code, f.cell) for f in validate_file(path, **kw).findings]


def test_clean_examples_have_no_errors(examples):
    for path in examples:
        report = validate_file(path)
        assert report.readable and report.errors == 0, [f.as_dict() for f in report.findings]
        assert report.village and (len(report.rows["members"]) > 0 or is_own(report.village))  # 本级 has no roster


def test_a_clean_submission_has_no_findings(tmp_path):
    assert codes_at(submission(tmp_path, aids=[aid()], cases=[case()])) == []


# -- structure ----------------------------------------------------------------------------


def test_missing_sheets_and_cover(tmp_path):
    path = make_workbook(tmp_path / "x.xlsx", {"会员名册": [["姓名"], ["王秀英"]]})
    found = codes_at(path)
    assert ("missing-cover", None) in found
    assert [c for c, _ in found].count("missing-sheet") == 2  # aid, cases
    assert [c for c, _ in found].count("register-absent") == 2  # activities, organisations: newer, not errors
    assert ("missing-column", None) in found  # 身份证号 etc.


def test_missing_required_column_and_extra_column(tmp_path):
    def edit(wb):
        ws = wb["会员名册"]
        ws["E1"] = "证件号"  # 身份证号 renamed to something unknown
        ws["R1"] = "自定义列"
    report = validate_file(submission(tmp_path, edit=edit))
    by_code = {f.code: f for f in report.findings}
    assert by_code["missing-column"].field == "身份证号"
    assert {(f.code, f.cell) for f in report.findings if f.severity == "warning"} >= {("extra-column", "E1"),
                                                                                     ("extra-column", "R1")}


def test_renamed_reordered_columns_and_header_below_a_title_are_read_without_errors(tmp_path):
    rows = [["坪朗村 2012 年帮扶台账"], ["受助人姓名", "金额（元）", "身份证号码", "困难类型", "致困原因", "救助类型",
                                   "发放日期", "资金来源", "发放方式", "经办人"]]
    rows.append(["王秀英", 500, WANG, "低保户", "患重特大疾病", "生活救助", dt.date(2012, 1, 18), "上级工会拨款", "现金", "张三"])

    def edit(wb):
        del wb["帮扶台账"]
        ws = wb.create_sheet("帮扶台账")
        for r in rows:
            ws.append(r)
    report = validate_file(submission(tmp_path, edit=edit))
    assert report.findings == []
    assert report.rows["aid"][0].values["amount"] == Decimal("500.00")
    assert report.rows["aid"][0].cell("amount") == "B3"


def test_total_row_is_a_warning_and_not_counted(tmp_path):
    def edit(wb):
        wb["帮扶台账"]["B4"] = "合计"
        wb["帮扶台账"]["H4"] = 500
    report = validate_file(submission(tmp_path, aids=[aid()], edit=edit))
    assert [(f.code, f.cell) for f in report.findings] == [("total-row", "A4")]
    assert len(report.rows["aid"]) == 1


def test_blank_rows_in_the_middle_are_skipped(tmp_path):
    members = [member(), {}, {}, member(LONG, name="龙海", sex="男")]
    report = validate_file(submission(tmp_path, members=members))
    assert report.findings == [] and [r.number for r in report.rows["members"]] == [2, 5]


def test_rows_of_nothing_but_spaces_are_blank_rows(tmp_path):
    def edit(wb):
        wb["会员名册"]["B3"], wb["会员名册"]["C3"], wb["会员名册"]["N3"] = "   ", "\u3000", "\u200b"
    report = validate_file(submission(tmp_path, members=[member(), {}, member(LONG, name="龙海", sex="男")], edit=edit))
    assert report.findings == [] and [r.number for r in report.rows["members"]] == [2, 4]


def test_equal_values_of_different_types_are_converted_each_on_its_own(tmp_path):
    # 1 == 1.0 == TRUE in Python, but a TRUE in 序号 is no number, and a TRUE in 是否农民工 means 是
    members = [member(seq=1, migrant=1), member(LONG, name="龙海", sex="男", seq=True, migrant=True)]
    report = validate_file(submission(tmp_path, members=members))
    assert [(f.code, f.cell) for f in report.findings] == [("bad-number", "A3")]
    first, second = report.rows["members"]
    assert (first.get("seq"), second.get("seq"), second.get("migrant")) == (1, None, "是")
    assert second.has_error and second.invalid == {"seq": True}


def test_a_report_survives_pickling_as_merge_sends_it_between_processes(tmp_path):
    def edit(wb):
        wb["会员名册"]["E3"] = "12345"  # invalid ID
        wb["会员名册"]["B4"] = None  # required name missing
    members = [member(), member(LONG, name="龙海", sex="男"), member(make_id("19900101", "123"), name="石光")]
    report = validate_file(submission(tmp_path, members=members, aids=[aid()], edit=edit))
    back = pickle.loads(pickle.dumps(report))
    def rows(r):
        return {k: [(x.number, x.values, x.cell("name"), x.has_error, x.invalid) for x in v] for k, v in r.rows.items()}
    assert rows(back) == rows(report) and back.findings == report.findings and back.cover == report.cover
    assert [x.has_error for x in back.rows["members"]] == [False, True, True] and back.rows["cases"] == []


# -- cells ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "column, value, code",
    [
        ("D", "土家族人", "not-in-list"),
        ("O", "2012.13.1", "bad-date"),
        ("O", "2099-01-01", "future-date"),
        ("E", 433101198503152023, "id-as-number"),
        ("E", WANG[:-1] + ("0" if WANG[-1] != "0" else "1"), "id-checksum"),
        ("E", "43310119850315202", "id-format"),
        ("G", "1380743123", "bad-phone"),
        ("B", None, "required"),
    ],
)
def test_roster_cell_errors_at_their_cell(tmp_path, column, value, code):
    def edit(wb):
        wb["会员名册"][f"{column}2"] = value
    found = validate_file(submission(tmp_path, edit=edit)).findings
    assert (code, f"{column}2", "error") in [(f.code, f.cell, f.severity) for f in found]
    assert all(CODES[f.code].severity == f.severity for f in found)


def test_code_list_suggests_the_nearest_value(tmp_path):
    def edit(wb):
        wb["会员名册"]["I2"] = "大学本科毕业"
    f = next(f for f in validate_file(submission(tmp_path, edit=edit)).findings if f.code == "not-in-list")
    assert f.field == "学历" and "大学本科" in f.message


@pytest.mark.parametrize("text", ["2011.5.1", "2011年5月1日", "20110501", "2011/05/01", "11-5-1"])
def test_dates_typed_as_text_are_accepted(tmp_path, text):
    def edit(wb):
        wb["会员名册"]["O2"] = text
    report = validate_file(submission(tmp_path, edit=edit))
    assert report.findings == [] and report.rows["members"][0].values["join_date"] == dt.date(2011, 5, 1)


@pytest.mark.parametrize(
    "value, code",
    [(-5, "negative"), (1.234, "too-many-decimals"), ("五百", "bad-number")],
)
def test_money_checks(tmp_path, value, code):
    def edit(wb):
        wb["帮扶台账"]["H2"] = value
    assert (code, "H2") in codes_at(submission(tmp_path, aids=[aid()], edit=edit))


def test_id_warnings_are_normalised_not_errors(tmp_path):
    legacy = "433101850315202"  # 15 digits: 1985-03-15, order 202
    lower = make_id("19800101", "123")
    lower = lower[:-1] + "x" if lower.endswith("X") else lower
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in make_id("19790101", "031"))
    members = [member(legacy), member(lower, sex="男"), member(fullwidth, sex="男"),
               member(make_id(area="990101"), name="外地")]
    report = validate_file(submission(tmp_path, members=members))
    assert report.errors == 0
    found = {(f.code, f.cell) for f in report.findings}
    assert ("id-15-digit", "E2") in found and ("id-normalised", "E4") in found and ("id-unknown-area", "E5") in found
    assert report.rows["members"][0].values["id_number"] == "43310119850315202" + id_check_char("43310119850315202")
    assert report.rows["members"][2].values["id_number"] == make_id("19790101", "031")


# -- rows ------------------------------------------------------------------------------------


def test_roster_row_checks(tmp_path):
    members = [
        member(),
        member(WANG, name="王秀英2"),  # same ID twice
        member(LONG, name="龙海", sex="女"),  # the ID says male
        member(make_id("19900101", "013"), name="石", sex="男", birth_date=dt.date(1990, 1, 2)),
        member(make_id("20000101", "013"), name="小", sex="男", join_date=dt.date(2012, 1, 1)),
    ]
    found = codes_at(submission(tmp_path, members=members))
    assert ("duplicate-id", "E3") in found
    assert ("sex-mismatch", "C4") in found
    assert ("birth-mismatch", "F5") in found
    assert ("join-too-young", "O6") in found


def test_aid_and_case_cross_checks(tmp_path):
    stranger = make_id("19700101", "015")
    aids = [aid(), aid(stranger, name="路人"), aid(name="王秀"), aid(aid_date=dt.date(2011, 12, 31))]
    cases = [
        case(),
        case(close_date=dt.date(2012, 3, 1)),  # closed before accepted
        case(recovered=Decimal(7000)),  # more than claimed
        case(result="办理中", close_date=None, recovered=Decimal(0)),  # open since March: overdue
        case(result="调解不成", close_date=None, recovered=Decimal(0)),
        case(accept_date=dt.date(2012, 11, 5), close_date=dt.date(2012, 11, 6)),
    ]
    found = codes_at(submission(tmp_path, aids=aids, cases=cases))
    assert ("not-in-roster", "C3") in found
    assert ("name-mismatch", "B4") in found
    assert ("outside-period", "G5") in found
    assert ("closed-before-accepted", "N3") in found
    assert ("recovered-exceeds-claim", "M4") in found
    assert ("mediation-overdue", "L5") in found
    assert ("missing-close-date", "N6") in found
    assert ("outside-period", "B7") in found


def test_cover_checks(tmp_path):
    path = submission(tmp_path, cover={"village": "坪郎村", "period_end": dt.date(2011, 1, 1)})
    known = VillageList([Village("小坪村"), Village("坪朗村"), Village("补点村")])  # 坪郎村: one edit from 坪朗村
    report = validate_file(path, known)
    f = {f.code: f for f in report.findings}
    assert f["unknown-village"].cell == "B3" and "「坪朗村」" in f["unknown-village"].message
    assert f["period-reversed"].cell == "B9"
    assert "unknown-village" not in {x.code for x in validate_file(path).findings}  # no list, no check


def test_cover_without_village_name(tmp_path):
    report = validate_file(submission(tmp_path, cover={"village": None, "union_name": "乡工会"}))
    assert ("required", "B3") in [(f.code, f.cell) for f in report.findings] and report.village is None


def test_cover_without_village_name_takes_it_from_the_union_name_and_says_so(tmp_path):
    path = submission(tmp_path, cover={"village": None, "union_name": "寨阳乡排杉村工会联合会"})
    report = validate_file(path)
    assert report.village == "排杉村" and "required" not in {f.code for f in report.findings}
    inferred = next(f for f in report.findings if f.code == "village-inferred")
    assert inferred.cell == "B5" and inferred.severity == "warning" and "排杉村" in inferred.message
    listed = validate_file(path, VillageList([Village("排杉村", "433101206203"), Village("杉木村")]))
    assert listed.village == "排杉村" and listed.errors == 0
    assert validate_file(path, VillageList([Village("坪朗村")])).village is None  # only a listed village


def test_village_suggestion_uses_the_cover_code_first(tmp_path):
    path = submission(tmp_path, cover={"village": "新村", "village_code": "433101206205"})
    known = VillageList([Village("新建村", "433101206201"), Village("中黄村", "433101206205")])
    assert "「中黄村」" in next(f for f in validate_file(path, known).findings if f.code == "unknown-village").message


# -- CLI contract --------------------------------------------------------------------------


def test_json_contract_and_exit_codes(tmp_path, examples):
    bad = tmp_path / "坏文件.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    wrong = submission(tmp_path, edit=lambda wb: wb["会员名册"].__setitem__("E2", 433101198503152023))
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(examples[0]), "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert runner.invoke(main, ["validate", str(wrong)]).exit_code == 1
    result = runner.invoke(main, ["validate", str(bad), str(wrong), "--format", "json"])
    assert result.exit_code == 2
    data = json.loads(result.output)
    first, second = data["files"]
    assert first == {"path": str(bad), "village": None, "readable": False, "error": first["error"], "findings": []}
    assert "文件不完整" in first["error"]
    assert second["readable"] and second["village"] == "坪朗村"
    finding = second["findings"][0]
    assert set(finding) == {"code", "severity", "sheet", "cell", "field", "value", "message"}
    assert (finding["code"], finding["sheet"], finding["cell"]) == ("id-as-number", "会员名册", "E2")


def test_text_output_names_file_cell_field_and_reason(tmp_path):
    path = submission(tmp_path, edit=lambda wb: wb["会员名册"].__setitem__("D2", "火星族"))
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert "坪朗村" in result.output and "会员名册!D2" in result.output and "民族" in result.output
    assert "火星族" in result.output and "下拉列表" in result.output


def test_missing_file_is_reported_and_the_batch_goes_on(tmp_path, examples):
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope.xlsx"), str(examples[0])])
    assert result.exit_code == 2
    assert "nope.xlsx" in result.output and "错误 0 条" in result.output


# -- annotated copy ------------------------------------------------------------------------


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def values(path: Path) -> dict[str, list]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names if n != ISSUES_SHEET}


def test_annotated_copy_marks_cells_and_keeps_everything_else(tmp_path):
    def edit(wb):
        wb["会员名册"]["E2"] = 433101198503152023
        wb["会员名册"]["D3"] = "=HYPERLINK(\"http://x\",\"点我\")"  # an invalid value that looks like a formula
        wb["会员名册"]["D3"].data_type = "s"
        wb["帮扶台账"]["C2"] = make_id("19700101", "015")
    src = submission(tmp_path, aids=[aid()], edit=edit)
    before = sha(src)
    report = validate_file(src)
    out = tmp_path / "out" / "v_已标注.xlsx"
    result = CliRunner().invoke(main, ["validate", str(src), "--annotate", str(out)])
    assert result.exit_code == 1 and out.exists()
    assert sha(src) == before  # the input is never modified
    assert values(out) == values(src)  # every original value, read by a second reader
    a, b = load_workbook(src), load_workbook(out)
    for name in a.sheetnames:
        dv_a = [(str(d.sqref), d.type, d.formula1) for d in a[name].data_validations.dataValidation]
        dv_b = [(str(d.sqref), d.type, d.formula1) for d in b[name].data_validations.dataValidation]
        assert dv_a == dv_b
    assert dict(a.defined_names.items()).keys() == dict(b.defined_names.items()).keys()
    ws = b["会员名册"]
    assert ws["E2"].fill.fgColor.rgb.endswith("FFC7CE") and "后几位已丢失" in ws["E2"].comment.text
    assert ws["E2"].number_format == a["会员名册"]["E2"].number_format
    assert b["帮扶台账"]["C2"].fill.fgColor.rgb.endswith("FFEB9C")  # a warning is yellow
    assert ws["E3"].fill.fgColor.rgb != "00FFC7CE"  # untouched cells keep their fill
    issues = b[ISSUES_SHEET]
    assert b.active.title == ISSUES_SHEET
    rows = list(issues.iter_rows(min_row=3, values_only=True))  # a title, the header, one row per finding
    assert len(rows) == len(report.findings)
    link = issues["C3"].hyperlink
    assert link.location == "'会员名册'!E2"
    formula_like = next(r for r in issues.iter_rows(min_row=2) if r[4].value and str(r[4].value).startswith("="))
    assert issues.print_area == "'问题清单'!$A$1:$F$" + str(2 + len(rows))  # the code column G is not printed
    assert issues.column_dimensions["G"].hidden and rows[0][6] == report.findings[0].code  # but kept for machines
    assert formula_like[4].data_type == "s"  # village text is never written as a formula


def test_annotating_twice_replaces_the_issue_sheet(tmp_path):
    src = submission(tmp_path, edit=lambda wb: wb["会员名册"].__setitem__("D2", "火星族"))
    first = annotate(validate_file(src), tmp_path / "a.xlsx")
    second = annotate(validate_file(first), tmp_path / "b.xlsx")
    assert load_workbook(second).sheetnames.count(ISSUES_SHEET) == 1


def test_annotate_dir_writes_an_xlsx_copy_of_an_xls(tmp_path):
    src = submission(tmp_path, edit=lambda wb: wb["会员名册"].__setitem__("D2", "火星族"), name="村.xlsx")
    xls = convert(src, "xls", tmp_path)
    before = sha(xls)
    result = CliRunner().invoke(main, ["validate", str(xls), "--annotate-dir", str(tmp_path / "back")])
    assert result.exit_code == 1, result.output
    out = tmp_path / "back" / "村_已标注.xlsx"
    assert sha(xls) == before and out.exists()
    wb = load_workbook(out)
    assert wb["会员名册"]["D2"].value == "火星族" and wb["会员名册"]["D2"].comment is not None


def test_an_invalid_cell_reports_its_error_only(tmp_path):
    bad = WANG[:-1] + ("0" if WANG[-1] != "0" else "1")
    messy = bad[:-4] + " " + bad[-4:]  # a space (normalised) in a number with a wrong check digit
    found = codes_at(submission(tmp_path, edit=lambda wb: wb["会员名册"].__setitem__("E2", messy)))
    assert [c for c, cell in found if cell == "E2"] == ["id-checksum"]


def test_year_month_columns_compare_with_the_id_at_month_precision(tmp_path):
    def edit(wb):
        ws = wb["会员名册"]
        ws["F1"], ws["O1"] = "出生年月", "入会年月"
        ws["F2"], ws["O2"] = "1985.03", "2001年3月"  # WANG: born 1985-03-15, 16 on 2001-03-15: same month
        ws["F3"], ws["O3"] = "1978.02", "199402"  # LONG: born 1978-02-11, 16 on 1994-02-11
        ws["F4"], ws["O4"] = "1985.04", "2001.02"  # a third member: wrong month, joined a month before 16

    members = [member(), member(LONG, name="龙海", sex="男"), member(make_id(order="212"), name="王芳")]
    found = codes_at(submission(tmp_path, members=members, edit=edit))
    assert sorted(found) == [("birth-mismatch", "F4"), ("join-too-young", "O4")]


def test_cover_without_village_name_takes_a_listed_village_by_its_code(tmp_path):
    path = submission(tmp_path, cover={"village": None, "village_code": "433101206207", "union_name": "乡工会"})
    known = VillageList([Village("坪朗村", "433101206202"), Village("排杉村", "433101206207")])
    report = validate_file(path, known)
    inferred = next(f for f in report.findings if f.code == "village-inferred")
    assert report.village == "排杉村" and inferred.cell == "B4" and "村代码" in inferred.message
    assert validate_file(path).village is None  # a code alone names no village without the list


@pytest.mark.parametrize("written", ["寨阳乡排杉村", "排杉村村民委员会", "排杉"])
def test_a_cover_name_written_otherwise_is_read_as_the_listed_village(tmp_path, written):
    path = submission(tmp_path, cover={"village": written})
    known = VillageList([Village("排杉村"), Village("杉木村"), Village("坪朗村")])
    report = validate_file(path, known)
    assert report.village == "排杉村" and report.errors == 0
    assert [(f.code, f.cell) for f in report.findings] == [("village-as-listed", "B3")]
    assert validate_file(path).village == written  # without the list the name is kept as written


def test_a_different_village_containing_a_listed_name_stays_unknown(tmp_path):
    path = submission(tmp_path, cover={"village": "新排杉村"})
    report = validate_file(path, VillageList([Village("排杉村")]))
    assert report.village == "新排杉村" and "unknown-village" in {f.code for f in report.findings}


def test_gc_paused_nests_and_freezes_nothing(tmp_path):
    import gc

    from unionxl.checks.validate import gc_paused

    frozen = gc.get_freeze_count()
    with gc_paused():
        assert not gc.isenabled()
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner pause leaves it off
    assert gc.isenabled()
    validate_file(submission(tmp_path))
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_findings_hold_numbers_and_render_a1_only_as_text(tmp_path):
    report = validate_file(submission(tmp_path, members=[member(sex="男")]))
    [found] = [f for f in report.findings if f.code == "sex-mismatch"]
    assert (found.row, found.col, found.cell, found.location) == (2, 3, "C2", "会员名册!C2")
    assert found.as_dict()["cell"] == "C2"
    assert pickle.loads(pickle.dumps(found)) == found
