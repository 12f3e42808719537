"""The bundled examples: reproducible, valid, and their totals are the seed report's figures.

Totals are computed here with openpyxl (a second reader), not with unionxl's reader.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from decimal import Decimal

from openpyxl import load_workbook

from unionxl.schema.fields import id_check_char
from unionxl.checks.findings import Invalid
from unionxl.reading.reader import read, template_version
from unionxl.bundled import VILLAGE_LIST, workbooks_dir
from unionxl.sample import write_examples
from unionxl.reading.villages import read_villages
from unionxl.schema.registers import COVER, REGISTERS

from .test_template import _members


def rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, r)) for r in values[1:] if any(v is not None for v in r)]


SHEETS = ("会员名册", "帮扶台账", "维权案件", "活动台账", "组织情况")


def load_all(examples):
    out = []
    for path in examples:
        wb = load_workbook(path)
        cover = {wb["封面"].cell(r, 1).value: wb["封面"].cell(r, 2).value for r in range(3, 11)}
        out.append((cover, {name: rows(wb[name]) for name in SHEETS}))
    return out


def every(examples, sheet: str) -> list[dict]:
    return [row for _, regs in load_all(examples) for row in regs[sheet]]


def test_thirteen_villages_and_the_townships_own_with_distinct_names_on_their_covers(examples):
    data = load_all(examples)
    names = {cover["村（社区）名称"] for cover, _ in data}
    assert len(examples) == 14 and len(names) == 14
    assert sorted(name for name in names if not name.endswith("村")) == ["寨阳乡本级"]
    # the village is never the file name in some cases: chat apps rename files
    assert any(not p.stem.startswith(tuple(names)) for p in examples)


def test_totals_reproduce_the_seed_report(examples):
    data = load_all(examples)
    members = [m for _, regs in data for m in regs["会员名册"]]
    cases = [c for _, regs in data for c in regs["维权案件"]]
    aid = [a for _, regs in data for a in regs["帮扶台账"]]
    assert len(members) == 580
    assert len(cases) == 22
    assert sum(Decimal(str(c["追回金额(元)"])) for c in cases) == Decimal(18000)
    people: dict[str, set[str]] = defaultdict(set)
    money: dict[str, Decimal] = defaultdict(Decimal)
    for a in aid:
        group = "困难职工" if a["困难类别"] in ("低保边缘户", "意外致困户") else a["困难类别"]
        people[group].add(a["身份证号"])
        money[group] += Decimal(str(a["金额(元)"]))
    assert (len(people["困难大学生"]), money["困难大学生"]) == (13, Decimal(65000))
    assert (len(people["困难职工"]), money["困难职工"]) == (15, Decimal(20000))
    assert len(people["低保户"]) == 65 and money["低保户"] > Decimal(30000)
    donated = [a for a in aid if a["资金来源"] == "社会捐赠"]  # 筹集资金5000多元，帮扶困难家庭10多户
    assert len({a["身份证号"] for a in donated}) >= 10 and sum(Decimal(str(a["金额(元)"])) for a in donated) > 5000


def test_organisations_reproduce_the_seed_report(examples):
    orgs = every(examples, "组织情况")
    types = Counter(o["组织类型"] for o in orgs)
    # 企业工会13家，行业工会联合会1家，村级工会联合会13家
    assert (types["企业工会"], types["行业工会联合会"], types["村级工会联合会"]) == (13, 1, 13)
    [industry] = [o for o in orgs if o["组织类型"] == "行业工会联合会"]
    assert "花卉苗木" in industry["组织名称"] and industry["会员人数"] > 500  # 拥有会员500多人
    covered = sum(o["集体合同覆盖职工(人)"] or 0 for o in orgs if o["是否签订集体合同"] == "是")
    assert 500 < covered < 600  # 推行集体合同制度，覆盖职工500多人
    homes = sorted(o["组织名称"] for o in orgs if o["是否建有职工之家"] == "是")  # 在乡政府、坪朗村、补点村建有职工之家
    assert len(homes) == 3 and any("坪朗村" in h for h in homes) and any("补点村" in h for h in homes)
    assert any(o["所在单位"] == "寨阳乡人民政府" for o in orgs if o["是否建有职工之家"] == "是")
    for o in orgs:
        assert o["会员人数"] <= o["职工人数"] and (o["其中女职工"] or 0) <= o["职工人数"]


def test_activities_reproduce_the_seed_report(examples):
    acts = every(examples, "活动台账")
    trainings = [a for a in acts if a["活动类型"] == "就业培训"]
    assert len(trainings) == 3 and sum(a["参加人数"] for a in trainings) == 387  # 就业培训3期，培训人员387人
    assert 210 < sum(a["发布信息(条)"] or 0 for a in acts) < 220  # 发布各类就业信息210多条
    assert sum(a["安置就业(人)"] or 0 for a in acts) == 497  # 安置待业人员497人
    assert {a["活动名称"] for a in acts if a["活动类型"] == "学习考察"} >= {"组织全乡干部赴云南考察旅游产业发展"}


def test_the_townships_own_submission_holds_what_it_runs_itself(examples):
    [own] = [p for p in examples if read(p).village == "寨阳乡本级"]
    wb = load_workbook(own)
    assert len(rows(wb["会员名册"])) == 0
    types = Counter(o["组织类型"] for o in rows(wb["组织情况"]))
    assert (types["企业工会"], types["行业工会联合会"], types["村级工会联合会"]) == (13, 1, 0)
    assert sum(a["活动类型"] == "就业培训" for a in rows(wb["活动台账"])) == 3


def test_ids_are_valid_unique_and_agree_with_sex(examples):
    seen = set()
    for _, regs in load_all(examples):
        for m in regs["会员名册"]:
            idn = m["身份证号"]
            assert re.fullmatch(r"\d{17}[\dX]", idn) and idn not in seen
            # the GB 11643 check, written out here independently of unionxl
            weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
            check = (12 - sum(int(d) * w for d, w in zip(idn, weights)) % 11) % 11
            assert idn[17] == ("X" if check == 10 else str(check)) == id_check_char(idn)
            assert (int(idn[16]) % 2 == 1) == (m["性别"] == "男")
            seen.add(idn)


def test_every_value_converts_with_the_schema(examples):
    for path in examples:
        sub = read(path)
        assert not sub.missing_sheets
        for f in COVER.fields:
            f.type.convert(sub.cover[f.key].raw)
        for register in REGISTERS:
            table = sub.tables[register.key]
            assert not table.missing and not table.extra
            for row in table.rows:
                for key, raw in row.values.items():
                    field = register.field(key)
                    if raw is None:
                        assert not field.required, f"{path.name} {row.cell(key)} {field.label}"
                        continue
                    notes: list[Invalid] = []
                    field.type.convert(raw, notes)
                    assert not notes, f"{path.name} {row.cell(key)}: {notes[0].code}"


def test_committed_examples_match_the_generator(tmp_path):
    generated = write_examples(tmp_path)
    committed = workbooks_dir()
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.xlsx")) == sorted(
        p.relative_to(tmp_path) for p in generated
    )
    for path in generated:
        assert _members(path) == _members(committed / path.relative_to(tmp_path)), (
            "run `python -m unionxl.sample workbooks` and commit the result"
        )


def test_village_list_names_every_example_village(examples):
    known = read_villages(workbooks_dir() / VILLAGE_LIST)
    assert len(known.villages) == 13 and known.own is not None and known.own.name == "寨阳乡本级"
    for path in examples:
        sub = read(path)
        village = known.find(sub.village)
        assert village is not None and village.code == str(sub.cover["village_code"].raw)


OLD_INDICATORS = ("应报村数", "报送村数", "会员总数", "女会员数", "女会员占比", "农民工会员数", "新入会会员数", "维权案件数",
                  "维权涉及人数", "诉求金额", "追回金额", "已结案件数", "结案率", "帮扶人数", "帮扶人次", "帮扶金额",
                  "困难大学生人数", "困难大学生金额", "困难职工帮扶人数", "困难职工帮扶金额", "低保户帮扶人数", "低保户帮扶金额",
                  "单亲女职工帮扶人数")
OLD_TABLES = ("政治面貌表", "学历表", "案件类型表", "处理结果表", "帮扶类型表", "困难类别表")


def test_the_examples_as_version_1_workbooks_merge_to_the_same_totals(tmp_path):
    """The same submissions made from the version 1 template (no 活动台账, 组织情况) validate without errors,
    with a warning per absent register, and give the same figures for the indicators version 1 had."""
    from unionxl.merging.merge import merge
    from unionxl.sample import generate, rows_of
    from unionxl.summary.indicators import compute, from_merge
    from unionxl.writing.template import build_workbook
    from unionxl.writing.xlsxio import atomic_save

    known = read_villages(workbooks_dir() / VILLAGE_LIST)
    old = [atomic_save(build_workbook(v.cover, rows_of(v), version="1"), tmp_path / v.file_name) for v in generate()]
    result = merge(old, known)
    for _, report in result.used:
        assert report.errors == 0 and template_version(report.path) == "1"
        absent = [(f.code, f.sheet) for f in report.findings if f.code == "register-absent"]
        assert absent == [("register-absent", "活动台账"), ("register-absent", "组织情况")]
    assert len(result.used) == 14 and result.own is not None and result.own.report is not None
    scalars, tables = compute(from_merge(result))
    new_scalars, new_tables = compute(from_merge(merge(sorted(workbooks_dir().glob("examples/*.xlsx")), known)))
    assert {k: scalars[k] for k in OLD_INDICATORS} == {k: new_scalars[k] for k in OLD_INDICATORS}
    assert {k: tables[k] for k in OLD_TABLES} == {k: new_tables[k] for k in OLD_TABLES}
    assert (scalars["会员总数"], scalars["维权案件数"], scalars["追回金额"], scalars["应报村数"]) == (580, 22, 18000, 13)
