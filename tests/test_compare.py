"""unionxl compare: two periods of the bundled examples, where known people join, leave, vanish,
change their details, move village and are aided in both periods / above a cap."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl import bundled, jobs
from unionxl.doors.cli import main
from unionxl.errors import UserError
from unionxl.reading.inbox import scan
from unionxl.schema.idnumber import id_check_char
from unionxl.periods.members import compare_roster
from unionxl.schema.registers import REGISTERS
from unionxl.summary.indicators import SCALARS, TABLES, Dataset, VillageStatus
from unionxl.writing import marks
from unionxl.writing.readback import read_dataset
from unionxl.writing.xlsxio import set_value

A, B, GONE = "寨阳村", "坪朗村", "排吼村"  # A loses and gains people, B takes one of A's, GONE sends nothing
A_FILE, B_FILE, GONE_FILE = "寨阳村工会报表.xlsx", "坪朗村(1).xlsx", "排吼村.xlsx"
NEW_ID = "43310119950315002" + id_check_char("43310119950315002")
AIDED = "433124196810090375"  # 舒杨: aided in 寨阳村 in 2012, and twice in 2013


def _columns(ws) -> tuple[int, dict[str, int]]:
    """(header row, header -> column) of a register sheet: the first row with a 姓名 cell."""
    for row in ws.iter_rows(min_row=1, max_row=6):
        headers = {c.value: c.column for c in row if isinstance(c.value, str)}
        if "姓名" in headers:
            return row[0].row, headers
    raise AssertionError(f"no header in {ws.title}")


def _last_row(ws, column: int) -> int:
    return max((c.row for c in ws.iter_cols(min_col=column, max_col=column).__next__() if c.value is not None),
               default=1)


def _next_year(path: Path) -> None:
    """The cover's period and fill date a year on; the aid register emptied."""
    wb = load_workbook(path)
    cover = wb["封面"]
    days = {"统计期间开始": dt.date(2013, 1, 1), "统计期间结束": dt.date(2013, 10, 31), "填报日期": dt.date(2013, 11, 1)}
    for row in cover.iter_rows():
        for cell in row:
            if cell.value in days:
                cover.cell(cell.row, cell.column + 1).value = days[cell.value]
    aid = wb["帮扶台账"]
    top, _ = _columns(aid)
    for row in aid.iter_rows(min_row=top + 1):
        for cell in row:
            cell.value = None
    wb.save(path)


def _member(ws, number: int, cols: dict[str, int]) -> dict[str, object]:
    return {h: ws.cell(number, c).value for h, c in cols.items()}


def _put(ws, number: int, cols: dict[str, int], values: dict[str, object]) -> None:
    for header, value in values.items():
        set_value(ws.cell(number, cols[header]), value)  # text stays text (=SUM(1,2) too)


@pytest.fixture(scope="module")
def periods(tmp_path_factory):
    """LAST: the examples merged. THIS: the examples a year on, edited, merged. Returns the two workbooks,
    the second period's folder and who was edited (name and ID of each)."""
    root = tmp_path_factory.mktemp("compare")
    villages = bundled.village_list()
    last = jobs.merge([bundled.examples_dir()], root / "2012.xlsx", villages=villages).township
    inbox = root / "2013"
    shutil.copytree(bundled.examples_dir(), inbox)
    (inbox / GONE_FILE).unlink()
    for path in inbox.glob("*.xlsx"):
        _next_year(path)
    wb = load_workbook(inbox / A_FILE)
    ws = wb["会员名册"]
    top, cols = _columns(ws)
    people = [_member(ws, top + i, cols) for i in range(1, 8)]
    who = {k: (p["姓名"], p["身份证号"]) for k, p in zip(("phone", "employer", "left", "vanished", "moved", "formula",
                                                          "id15"), people)}
    _put(ws, top + 1, cols, {"手机号码": "13900000001"})
    _put(ws, top + 2, cols, {"工作单位": "湘西寨阳食品有限公司"})
    _put(ws, top + 3, cols, {"会籍状态": "已退会"})
    for column in cols.values():  # vanished and moved: gone from 寨阳村
        ws.cell(top + 4, column).value = ws.cell(top + 5, column).value = None
    _put(ws, top + 6, cols, {"工作单位": "=SUM(1,2)"})
    fifteen = who["id15"][1][:6] + who["id15"][1][8:17]
    _put(ws, top + 7, cols, {"身份证号": fifteen})
    end = _last_row(ws, cols["姓名"])
    newcomer = {**people[0], "姓名": "龙新月", "身份证号": NEW_ID, "性别": "女", "出生日期": None, "手机号码": "13900000002",
                "入会时间": dt.datetime(2013, 3, 1)}
    _put(ws, end + 1, cols, newcomer)
    _put(ws, end + 2, cols, {**people[0], "姓名": "吴无号", "身份证号": "12345", "手机号码": None})
    aid = wb["帮扶台账"]
    top_aid, aid_cols = _columns(aid)
    paid = {"困难类别": "低保户", "主要致困原因": "患重特大疾病", "资金来源": "上级工会拨款", "发放方式": "银行转账", "经办人": "马想"}
    for i, (name, number, kind, day, amount) in enumerate((
            ("舒杨", AIDED, "生活救助", dt.datetime(2013, 2, 1), 2000),
            ("舒杨", AIDED, "生活救助", dt.datetime(2013, 6, 1), 1500),
            ("龙新月", NEW_ID, "节日慰问", dt.datetime(2013, 1, 20), 200)), start=1):
        _put(aid, top_aid + i, aid_cols, {**paid, "序号": i, "姓名": name, "身份证号": number, "帮扶类型": kind,
                                          "帮扶日期": day, "金额(元)": amount})
    wb.save(inbox / A_FILE)
    wb = load_workbook(inbox / B_FILE)
    ws = wb["会员名册"]
    _, bcols = _columns(ws)
    _put(ws, _last_row(ws, bcols["姓名"]) + 1, bcols, {**people[4], "所属工会": "寨阳乡坪朗村工会联合会"})
    wb.save(inbox / B_FILE)
    this = jobs.merge([inbox], root / "2013.xlsx", villages=villages).township
    return last, this, inbox, who


@pytest.fixture(scope="module")
def compared(periods, tmp_path_factory):
    last, this, _, _ = periods
    out = tmp_path_factory.mktemp("out") / "变动情况.xlsx"
    return jobs.compare(last, this, out, ["生活救助=3000"])


def _people(persons) -> set[tuple[str, str, str]]:
    return {(p.village, p.name, p.id_number) for p in persons}


def test_the_people_of_each_list_are_exactly_those_edited(periods, compared):
    _, _, _, who = periods
    r = compared.comparison.roster
    assert _people(p for p, _ in r.joined) == {(A, "龙新月", NEW_ID)}
    assert [(c.person.id_number, c.field, c.old, c.new) for c in r.membership] == [(who["left"][1], "会籍状态", "正常", "已退会")]
    assert {(c.person.name, c.field, c.new) for c in r.changed} == {
        (who["phone"][0], "手机号码", "13900000001"), (who["employer"][0], "工作单位", "湘西寨阳食品有限公司"),
        (who["formula"][0], "工作单位", "=SUM(1,2)")}
    assert [(m.was, m.person.village, m.person.id_number) for m in r.moved] == [(A, B, who["moved"][1])]
    assert _people(p for p, _ in r.vanished) == {(A, *who["vanished"])}  # not 排吼村's: it sent nothing
    assert [(u.period, u.village, u.name, u.value) for u in r.unmatched] == [("本期", A, "吴无号", "")]
    assert any(GONE in n and "本期未报送" in n for n in compared.comparison.notes)
    # per village, as the screen shows: 新入会 会籍变动 信息变更 转入 转出 未说明去向 重复帮扶 超限额
    assert dict(compared.comparison.counts()) == {A: [1, 1, 3, 0, 1, 1, 1, 1], B: [0, 0, 0, 1, 0, 0, 0, 0]}
    # the 15-digit number is the same person: neither new nor vanished
    assert who["id15"][1] not in {p.id_number for p, _ in (*r.joined, *r.vanished)}


def test_aid_in_both_periods_and_above_the_cap(compared):
    a = compared.comparison.aid
    assert [(x.person.id_number, x.this[:2]) for x in a.repeated] == [(AIDED, (2, Decimal("3500.00")))]
    assert [(o.year, o.person.id_number, o.kind, o.payments, o.total, o.cap) for o in a.over_cap] == [
        (2013, AIDED, "生活救助", 2, Decimal("3500.00"), Decimal("3000"))]


def test_a_cap_on_all_types_counts_each_year_apart(periods, tmp_path):
    last, this, _, _ = periods
    done = jobs.compare(last, this, tmp_path / "c.xlsx", ["4999"])
    totals: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for path in (last, this):
        for _, row in read_dataset(path).rows["aid"]:
            totals[(row["id_number"], row["aid_date"].year)] += row["amount"]
    expected = {key for key, total in totals.items() if total > Decimal(4999)}
    assert expected and {(o.person.id_number, o.year) for o in done.comparison.aid.over_cap} == expected
    assert {o.kind for o in done.comparison.aid.over_cap} == {"全部类型"}


def test_indicator_deltas_are_this_less_last(periods, compared):
    last, this, _, _ = periods
    before, after = read_dataset(last), read_dataset(this)
    deltas = {d.name: d for d in compared.comparison.indicators}
    for indicator in SCALARS:
        if indicator.kind in ("count", "money"):
            assert deltas[indicator.name].change == indicator.compute(after) - indicator.compute(before), indicator.name
    gone = sum(1 for v, r in before.rows["members"] if v == GONE and r["membership"] not in ("已转出", "已退会"))
    # +龙新月 +吴无号 −马丹 (已退会) −the vanished; the mover stays; 排吼村's members are not in this period
    assert deltas["会员总数"].change == 2 - 1 - 1 - gone
    assert deltas["报送村数"].change == -1
    assert deltas["帮扶金额"].this == Decimal("3700.00")
    per_village = {(v, d.name): d for v, d in compared.comparison.villages}
    assert per_village[(A, "会员数")].change == 2 - 1 - 2  # the mover left 寨阳村
    assert per_village[(B, "会员数")].change == 1
    spec = next(t for t in TABLES if t.name == "分村表")
    assert per_village[(GONE, "会员数")].last == {r[0]: r[2] for r in spec.compute(before)}[GONE]


def test_the_workbook_lists_them_as_text_and_is_marked(compared):
    path = compared.outputs["变动情况"]
    assert marks.read(path).kind == marks.CHANGES
    wb = load_workbook(path)
    assert wb.sheetnames == ["说明", "指标变化", "分村指标变化", "新入会", "会籍变动", "信息变更", "转村", "未说明去向",
                             "重复帮扶", "超限额", "无法比对"]
    rows = list(wb["新入会"].iter_rows(values_only=True))
    assert rows[0][:3] == ("村（社区）", "姓名", "身份证号") and rows[1][:3] == (A, "龙新月", NEW_ID)
    changed = wb["信息变更"]
    formula = [row for row in changed.iter_rows(min_row=2) if row[5].value == "=SUM(1,2)"]
    assert formula and formula[0][5].data_type == "s"
    members = {row[0]: row[1:] for row in wb["指标变化"].iter_rows(min_row=2, values_only=True)}
    d = next(d for d in compared.comparison.indicators if d.name == "会员总数")
    assert members["会员总数"] == (d.last, d.this, d.change)


def test_an_inbox_sets_the_workbook_aside(compared, tmp_path):
    folder = tmp_path / "收件"
    folder.mkdir()
    shutil.copy(compared.outputs["变动情况"], folder / "变动情况.xlsx")
    shutil.copy(bundled.examples_dir() / A_FILE, folder / A_FILE)
    files, skipped = scan([folder])
    assert [p.name for p in files] == [A_FILE] and "变动情况" in skipped[0][1]
    with pytest.raises(UserError, match="变动情况，不是乡镇汇总工作簿"):
        jobs.compare(folder / "变动情况.xlsx", folder / A_FILE, tmp_path / "x.xlsx")


def test_who_left_with_a_word_is_not_missing():
    """Gone after 已转出 is no warning; gone from 正常 or 保留会籍 is; a 15-digit number is its 18-digit self."""
    eighteen = [f"{body}{id_check_char(body)}" for body in ("43310119800101001", "43310119800101002",
                                                             "43310119800101003", "43310119800101004")]
    people = [("转走", eighteen[0], "已转出"), ("不见", eighteen[1], "正常"), ("退休", eighteen[2], "保留会籍"),
              ("老号", eighteen[3], "正常")]
    last = Dataset([VillageStatus(A)], {"members": [(A, {"name": n, "id_number": i, "membership": m})
                                                    for n, i, m in people]})
    fifteen = eighteen[3][:6] + eighteen[3][8:17]
    this = Dataset([VillageStatus(A)], {"members": [(A, {"name": "老号", "id_number": fifteen, "membership": "正常"})]})
    roster = compare_roster(last, this, REGISTERS.roster)
    assert {p.name for p, _ in roster.vanished} == {"不见", "退休"}
    assert not roster.joined and not roster.changed and not roster.unmatched


def test_two_submissions_of_one_village(periods, tmp_path):
    _, _, inbox, who = periods
    done = jobs.compare(bundled.examples_dir() / A_FILE, inbox / A_FILE, tmp_path / "村.xlsx")
    c = done.comparison
    assert c.kind == "村报表" and c.last_period == (dt.date(2012, 1, 1), dt.date(2012, 10, 31))
    assert _people(p for p, _ in c.roster.joined) == {(A, "龙新月", NEW_ID)}
    # without 坪朗村 in view, the mover is one more who vanished without a word
    assert _people(p for p, _ in c.roster.vanished) == {(A, *who["vanished"]), (A, *who["moved"])}
    assert not c.roster.moved and done.exit_code == 1
    assert [x.person.id_number for x in c.aid.repeated] == [AIDED]
    assert any("错误" in n for n in c.notes)  # 吴无号's ID: the village file has an error


def test_a_later_period_given_first_is_warned_not_swapped(periods, tmp_path):
    last, this, _, _ = periods
    done = jobs.compare(this, last, tmp_path / "反.xlsx")
    assert any("早于上期" in n for n in done.comparison.notes)
    assert _people(p for p, _ in done.comparison.roster.joined) >= {(A, *periods[3]["vanished"])}


def test_refusals(periods, tmp_path):
    last, this, inbox, _ = periods
    with pytest.raises(UserError, match="不是同一类"):
        jobs.compare(last, inbox / A_FILE, tmp_path / "x.xlsx")
    with pytest.raises(UserError, match="不是同一个村"):
        jobs.compare(inbox / A_FILE, inbox / B_FILE, tmp_path / "x.xlsx")
    with pytest.raises(UserError, match="同一个文件"):
        jobs.compare(last, last, tmp_path / "x.xlsx")
    with pytest.raises(UserError):
        jobs.compare(last, this, this)  # the output would replace an input
    with pytest.raises(UserError, match="不在帮扶类型代码表"):
        jobs.compare(last, this, tmp_path / "x.xlsx", ["救济=100"])
    with pytest.raises(UserError, match="不是金额"):
        jobs.compare(last, this, tmp_path / "x.xlsx", ["生活救助=三千"])
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a workbook")
    with pytest.raises(UserError, match="坏.xlsx"):
        jobs.compare(inbox / A_FILE, broken, tmp_path / "x.xlsx")
    with pytest.raises(UserError, match="找不到"):
        jobs.compare(last, tmp_path / "没有.xlsx", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_masked_township_workbook_is_refused(periods, tmp_path):
    last, _, inbox, _ = periods
    masked = jobs.merge([inbox], tmp_path / "打码.xlsx", villages=bundled.village_list(), mask=True,
                        summary=False).township
    with pytest.raises(UserError, match="打码"):
        jobs.compare(last, masked, tmp_path / "x.xlsx")


def test_the_command_prints_the_changes(periods, tmp_path):
    last, this, _, _ = periods
    out = tmp_path / "变动"
    result = CliRunner().invoke(main, ["compare", str(last), str(this), "-o", str(out), "--aid-cap", "生活救助=3000"])
    assert result.exit_code == 1, result.output
    assert "会员总数" in result.output and "未说明去向" in result.output and "超限额" in result.output
    assert NEW_ID not in result.output  # the screen shows counts; the workbook has the people
    assert (tmp_path / "变动.xlsx").is_file()
    refused = CliRunner().invoke(main, ["compare", str(last), str(last)])
    assert refused.exit_code == 2 and "错误" in refused.output
