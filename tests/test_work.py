"""The registers of template version 2 (活动台账, 组织情况): their checks by role, a credit code's check
character, and workbooks of version 1 (without their sheets), which still validate and merge."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from stdnum.cn import uscc

from unionxl.checks.report import in_memory
from unionxl.checks.validate import run_rows, validate_file
from unionxl.merging.merge import merge
from unionxl.reading.reader import read, template_version
from unionxl.reading.villages import Village, VillageList
from unionxl.schema.registers import ACTIVITIES, ORGANISATIONS
from unionxl.writing.template import build_workbook
from unionxl.writing.xlsxio import atomic_save

from .test_validate import COVER, LONG, aid, case, member

PERIOD = {"period_start": dt.date(2012, 1, 1), "period_end": dt.date(2012, 10, 31)}
CODE = "81433101MC0000010W"  # a valid code: 81 (a union), area 433101


def activity(**over) -> dict:
    row = {"held": dt.date(2012, 4, 10), "activity_type": "就业培训", "title": "农民工就业技能培训班", "participants": 142,
           "women": 61, "handler": "张三"}
    return {**row, **over}


def organisation(**over) -> dict:
    row = {"name": "寨阳乡花卉苗木行业工会联合会", "org_type": "行业工会联合会", "credit_code": CODE, "workers": 620,
           "women": 230, "members": 512, "women_members": 190, "contract": "是", "covered": 300,
           "workers_home": "否", "women_committee": "是"}
    return {**row, **over}


def workbook(tmp_path: Path, name: str = "v.xlsx", version: str = "2", village: str = "坪朗村",
             activities=(), organisations=()) -> Path:
    rows = {"members": [member(), member(LONG, name="龙海", sex="男")], "aid": [aid()], "cases": [case()],
            "activities": activities, "organisations": organisations}
    wb = build_workbook({**COVER, "village": village}, rows, version=version)
    return atomic_save(wb, tmp_path / name)


def found(check: str, register, rows: list[dict]) -> list[tuple[str, str, str]]:
    report = in_memory({register: rows}, PERIOD)
    return [(f.code, f.cell, f.severity) for f in run_rows(check, report, register)]


def test_a_filled_version_2_workbook_has_no_findings(tmp_path):
    path = workbook(tmp_path, activities=[activity(), activity(activity_type="就业信息发布", participants=None, women=None,
                                                               postings=60)],
                    organisations=[organisation()])
    report = validate_file(path)
    assert report.findings == [] and template_version(path) == "2"
    assert [r.get("postings") for r in report.rows["activities"]] == [None, 60]
    assert report.rows["organisations"][0].get("credit_code") == CODE


def test_women_are_never_more_than_their_total_and_members_workers_are_checked_as_warnings():
    # activities: B 活动日期, C 活动类型, D 活动名称, E 参加人数, F 其中女职工
    assert found("counts-within", ACTIVITIES, [activity(), activity(women=150)]) == [("part-exceeds-whole", "F3", "error")]
    # organisations: G 职工人数, H 其中女职工, I 会员人数, J 其中女会员, O 集体合同覆盖职工(人)
    rows = [organisation(), organisation(women=700), organisation(women_members=600),
            organisation(members=650, women_members=100), organisation(covered=621)]
    assert found("counts-within", ORGANISATIONS, rows) == [
        ("part-exceeds-whole", "H3", "error"), ("part-exceeds-whole", "J4", "error"),
        ("members-exceed-workers", "I5", "warning"), ("covered-exceed-workers", "O6", "warning")]
    report = in_memory({ORGANISATIONS: [organisation(women=700)]})
    [finding] = run_rows("counts-within", report, ORGANISATIONS)
    assert finding.message == "700 人多于职工人数（620 人），“其中”不能多于总数。"


def test_coverage_only_where_a_contract_was_signed():
    rows = [organisation(), organisation(contract="否", covered=20), organisation(contract="否", covered=None),
            organisation(covered=None)]
    assert found("contract-coverage", ORGANISATIONS, rows) == [
        ("coverage-without-contract", "O3", "warning"), ("contract-without-coverage", "O5", "warning")]


def test_postings_and_placements_on_the_activity_types_they_belong_to():
    # G 发布信息(条), H 安置就业(人)
    rows = [activity(activity_type="就业信息发布", postings=60), activity(activity_type="就业安置", placed=80),
            activity(postings=5), activity(activity_type="就业安置"), activity(activity_type="文体活动", placed=0)]
    assert found("kind-counts", ACTIVITIES, rows) == [
        ("count-on-other-kind", "G4", "warning"), ("count-missing-for-kind", "H5", "warning")]
    report = in_memory({ACTIVITIES: [activity(postings=5)]})
    [finding] = run_rows("kind-counts", report, ACTIVITIES)
    assert finding.message == "“发布信息(条)”只在类型为“就业信息发布”的一行填写，这一行是“就业培训”，请核对（仍计入合计）。"


def test_activity_dates_in_the_period_by_the_period_date_role():
    rows = [activity(), activity(held=dt.date(2012, 11, 2))]
    assert found("in-period", ACTIVITIES, rows) == [("outside-period", "B3", "warning")]


def test_a_credit_code_with_a_wrong_check_character_is_an_error_at_its_cell(tmp_path):
    wrong = CODE[:-1] + ("X" if CODE[-1] != "X" else "Y")
    assert uscc.is_valid(CODE) and not uscc.is_valid(wrong)
    path = workbook(tmp_path, organisations=[organisation(), organisation(name="某企业工会", org_type="企业工会",
                                                                         credit_code=wrong)])
    report = validate_file(path)
    assert [(f.code, f.sheet, f.cell, f.severity) for f in report.findings] == [
        ("bad-credit-code", "组织情况", "E3", "error")]


def test_a_version_1_workbook_validates_with_a_warning_per_absent_register(tmp_path):
    path = workbook(tmp_path, version="1")
    assert read(path).template_version == "1" and "活动台账" not in read(path).tables
    report = validate_file(path)
    assert report.errors == 0
    assert [(f.code, f.sheet, f.severity) for f in report.findings] == [
        ("register-absent", "活动台账", "warning"), ("register-absent", "组织情况", "warning")]
    assert report.findings[0].message == "没有“活动台账”工作表（第 2 版模板起才有此表），本期活动台账未统计；如有，请用最新模板填写。"
    assert set(report.rows) == {"members", "aid", "cases"}


def test_version_1_and_2_workbooks_merge_together(tmp_path):
    old = workbook(tmp_path, "old.xlsx", version="1", village="排杉村")
    new = workbook(tmp_path, "new.xlsx", activities=[activity()], organisations=[organisation()])
    result = merge([old, new], VillageList([Village("坪朗村"), Village("排杉村")]))
    assert [(v, r.errors) for v, r in result.used] == [("坪朗村", 0), ("排杉村", 0)]
    assert {v: len(r.rows.get("organisations", ())) for v, r in result.used} == {"坪朗村": 1, "排杉村": 0}
    assert {v: sum(r.get("amount") for r in rep.rows["aid"]) for v, rep in result.used} == {
        "坪朗村": Decimal(500), "排杉村": Decimal(500)}


def test_the_same_union_in_two_villages_is_flagged(tmp_path):
    a = workbook(tmp_path, "a.xlsx", organisations=[organisation()])
    b = workbook(tmp_path, "b.xlsx", village="排杉村", organisations=[organisation(name="花卉苗木行业工会")])
    result = merge([a, b], VillageList([Village("坪朗村"), Village("排杉村")]))
    cross = sorted((v, f.sheet, f.cell, f.value) for v, _, f in result.cross if f.code == "org-in-two-villages")
    assert cross == [("坪朗村", "组织情况", "E2", CODE), ("排杉村", "组织情况", "E2", CODE)]


def test_any_register_newer_than_the_workbook_is_absent_not_missing(tmp_path):
    """Nothing names the version-2 registers: a register of a later version (a toy one) is absent too."""
    from dataclasses import replace

    from unionxl.schema.registers import REGISTERS

    from .test_registers import TOY

    path = workbook(tmp_path, activities=[activity()], organisations=[organisation()])
    with REGISTERS.added(replace(TOY, since=3)):
        report = validate_file(path)
    assert [(f.code, f.sheet, f.severity) for f in report.findings] == [("register-absent", "慰问登记", "warning")]
    assert "第 3 版模板" in report.findings[0].message
    with REGISTERS.added(TOY):  # a register of version 1 is required
        assert [f.code for f in validate_file(path).findings] == ["missing-sheet"]
