"""A register added in one place (a schema entry that names its checks and cross-village key) is read,
validated and merged like the template's own: nothing else in unionxl names the registers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from unionxl.checks.validate import validate_file
from unionxl.merging.merge import merge
from unionxl.reading.reader import read
from unionxl.reading.villages import Village, VillageList
from unionxl.schema.fields import Date, IdNumber, Money, Text
from unionxl.schema.registers import (MEMBERS, MONEY, PERIOD_DATE, PERSON_ID, PERSON_NAME, REGISTERS, SEQ, Field,
                                      Register)

from .conftest import make_workbook
from .test_validate import LONG, WANG

TOY = Register(
    key="visits",
    sheet="慰问登记",
    title="慰问登记",
    description="每次慰问的每位受慰问者一行。",
    sheet_synonyms=("慰问台账",),
    fields=(
        SEQ,
        Field("name", "姓名", Text(30), True, ("参加人",), role=PERSON_NAME),
        Field("id_number", "身份证号", IdNumber(), True, ("身份证号码",), role=PERSON_ID),
        Field("held", "慰问日期", Date(), True, ("日期",), role=PERIOD_DATE),
        Field("cost", "经费(元)", Money(), False, ("经费",), role=MONEY),
    ),
    checks=("in-period",),
    cross_village=((PERSON_ID, "aid-in-two-villages"),),
)

COVER_ROWS = [["村（社区）名称", None], ["工会名称", "工会联合会"], ["填报人", "张三"], ["填报人电话", "13807431234"],
              ["统计期间开始", dt.date(2012, 1, 1)], ["统计期间结束", dt.date(2012, 10, 31)],
              ["填报日期", dt.date(2012, 11, 1)]]
MEMBER_HEADER = [f.label for f in MEMBERS.fields]


def village_file(tmp_path: Path, village: str, visits: list[list]) -> Path:
    """A workbook built by hand: its cover, an empty roster and the toy register's sheet."""
    cover = [[label, village if label == "村（社区）名称" else value] for label, value in COVER_ROWS]
    sheets = {"封面": cover, "会员名册": [MEMBER_HEADER], "帮扶台账": [["姓名", "身份证号"]],
              "维权案件": [["申请人姓名", "申请人身份证号"]],
              "慰问登记": [["序号", "姓名", "身份证号", "慰问日期", "经费(元)"], *visits]}
    return make_workbook(tmp_path / f"{village}.xlsx", sheets)


ROWS = [[1, "王秀英", WANG, dt.date(2012, 3, 1), 100], [2, "龙海", LONG, dt.date(2013, 1, 5), "一百"]]


def test_the_registry_adds_a_register_for_a_while_and_iterates_like_a_tuple():
    before = tuple(REGISTERS)
    with REGISTERS.added(TOY):
        assert tuple(REGISTERS)[-1] is TOY and len(REGISTERS) == len(before) + 1 and REGISTERS.get("visits") is TOY
        with pytest.raises(ValueError):
            with REGISTERS.added(TOY):
                pass
    assert REGISTERS == before and REGISTERS.get("visits") is None


def test_a_toy_register_is_read_validated_and_its_checks_run(tmp_path):
    path = village_file(tmp_path, "坪朗村", ROWS)
    with REGISTERS.added(TOY):
        table = read(path).tables["visits"]
        assert [(r.number, r.values["name"]) for r in table.rows] == [(2, "王秀英"), (3, "龙海")]
        report = validate_file(path)
    assert [r.get("cost") for r in report.rows["visits"]] == [100, None]
    found = {(f.code, f.sheet, f.cell, f.row, f.col) for f in report.findings if f.sheet == "慰问登记"}
    assert found == {("outside-period", "慰问登记", "D3", 3, 4),  # its row check, by the period-date role
                     ("bad-number", "慰问登记", "E3", 3, 5)}  # its cell check, by the field type
    assert "visits" not in validate_file(path).rows  # once the block is left it is gone


def test_a_toy_register_is_merged_and_its_cross_village_key_flagged(tmp_path):
    paths = [village_file(tmp_path, "坪朗村", ROWS), village_file(tmp_path, "排杉村", [[1, "王秀英", WANG, dt.date(2012, 4, 1)]])]
    villages = VillageList([Village("坪朗村"), Village("排杉村")])
    with REGISTERS.added(TOY):  # the workers are forked, so they have it too
        result = merge(paths, villages)
    assert {v: len(r.rows["visits"]) for v, r in result.used} == {"坪朗村": 2, "排杉村": 1}
    cross = sorted((v, f.code, f.sheet, f.cell, f.field, f.value) for v, _, f in result.cross)
    assert cross == [("坪朗村", "aid-in-two-villages", "慰问登记", "C2", "身份证号", WANG),
                     ("排杉村", "aid-in-two-villages", "慰问登记", "C2", "身份证号", WANG)]
    assert "坪朗村、排杉村" in next(f for _, _, f in result.cross).message


def test_every_register_names_checks_that_exist_and_has_their_roles():
    from unionxl.checks.registry import CHECKS, ROWS as ROW_KIND
    for register in (*REGISTERS, TOY):
        for name in register.checks:
            assert CHECKS[name].kind == ROW_KIND and register.has(*CHECKS[name].needs), (register.key, name)
        for role, code in register.cross_village:
            assert register.by_role(role) is not None and code.endswith("-in-two-villages")


def test_a_toy_register_reaches_the_template_the_township_workbook_and_the_summary(tmp_path):
    """The rest of the pipeline: the village template gets its sheet (headers, hints), the township workbook
    its register sheet with provenance, a 报送情况 column and its rows in the data part the summary reads."""
    from python_calamine import CalamineWorkbook

    from unionxl.bundled import summary_template
    from unionxl.summary.fill import write_summary
    from unionxl.summary.indicators import compute
    from unionxl.writing.readback import read_dataset
    from unionxl.writing.template import build_workbook
    from unionxl.writing.township import write_township

    paths = [village_file(tmp_path, "坪朗村", ROWS), village_file(tmp_path, "排杉村", [[1, "王秀英", WANG, dt.date(2012, 4, 1)]])]
    with REGISTERS.added(TOY):
        template = build_workbook()
        result = merge(paths, VillageList([Village("坪朗村"), Village("排杉村")]))
        township, _ = write_township(result, tmp_path / "乡镇汇总.xlsx", summary_template=summary_template())
        ds = read_dataset(township)
        _, filled = write_summary(ds, summary_template(), tmp_path / "汇总表.xlsx")
    sheet = template["慰问登记"]
    assert [c.value for c in sheet[1]][:5] == ["序号", "姓名", "身份证号", "慰问日期", "经费(元)"]
    assert any(v.prompt for v in sheet.data_validations.dataValidation)  # the input hints come from the schema
    book = CalamineWorkbook.from_path(str(township))
    rows = book.get_sheet_by_name("慰问登记").to_python()
    assert [r[1] for r in rows[1:]] == ["坪朗村", "坪朗村", "排杉村"] and rows[0][-2:] == ["来源文件", "来源位置"]
    assert rows[1][-1] == "慰问登记!A2" and rows[2][2] == "龙海"
    status = book.get_sheet_by_name("报送情况").to_python()
    column = status[0].index("慰问登记")
    assert [status[1][column], status[2][column]] == [2, 1]
    assert [v for v, _ in ds.rows["visits"]] == ["坪朗村", "坪朗村", "排杉村"]
    assert [r["cost"] for _, r in ds.rows["visits"]] == [100, None, None]
    assert compute(ds)[0]["会员总数"] == 0 and filled.values["报送村数"] == 2
    assert not ds.notes  # every row of its sheet is one the merge wrote
