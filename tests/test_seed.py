"""The indicators of 活动台账 and 组织情况, each computed here independently from the example workbooks'
cells (openpyxl, not unionxl's reader), and the seed report's headline figures they give."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from unionxl.bundled import village_list, workbooks_dir
from unionxl.merging.merge import merge
from unionxl.reading.villages import read_villages
from unionxl.sample_work import SEED_FIGURES
from unionxl.summary.indicators import TABLES, compute, from_merge

from .test_examples import rows

EXAMPLES = sorted((workbooks_dir() / "examples").glob("*.xlsx"))


def cells(sheet: str) -> list[dict]:
    return [row for path in EXAMPLES for row in rows(load_workbook(path)[sheet])]


def expected() -> dict[str, object]:
    orgs, acts, aid = cells("组织情况"), cells("活动台账"), cells("帮扶台账")
    typed = lambda t: [o for o in orgs if o["组织类型"] == t]  # noqa: E731
    kind = lambda t: [a for a in acts if a["活动类型"] == t]  # noqa: E731
    signed = [o for o in orgs if o["是否签订集体合同"] == "是"]
    donated = [a for a in aid if a["资金来源"] == "社会捐赠"]
    return {
        "基层工会组织数": sum(o["组织类型"] != "乡镇（街道）工会" for o in orgs),
        "企业工会数": len(typed("企业工会")), "行业工会联合会数": len(typed("行业工会联合会")),
        "村级工会联合会数": len(typed("村级工会联合会")),
        "集体合同覆盖职工数": sum(o["集体合同覆盖职工(人)"] or 0 for o in signed), "签订集体合同单位数": len(signed),
        "职工之家数": sum(o["是否建有职工之家"] == "是" for o in orgs),
        "女职工委员会数": sum(o["是否建立女职工委员会"] == "是" for o in orgs),
        "就业培训期数": len(kind("就业培训")), "培训人次": sum(a["参加人数"] for a in kind("就业培训")),
        "发布就业信息条数": sum(a["发布信息(条)"] or 0 for a in acts),
        "安置就业人数": sum(a["安置就业(人)"] or 0 for a in acts),
        "文体活动次数": len(kind("文体活动")), "健康体检人次": sum(a["参加人数"] for a in kind("健康体检")),
        "社会捐赠帮扶户数": len({a["身份证号"] for a in donated}),
        "社会捐赠帮扶金额": sum((Decimal(str(a["金额(元)"])) for a in donated), Decimal(0)),
    }


@pytest.fixture(scope="module")
def computed() -> tuple[dict, dict]:
    return compute(from_merge(merge(EXAMPLES, read_villages(village_list()))))


def test_each_new_indicator_equals_an_independent_count(computed):
    scalars, _ = computed
    for name, want in expected().items():
        assert scalars[name] == want, name


def test_the_seed_reports_headline_figures(computed):
    v, _ = computed
    assert (v["企业工会数"], v["行业工会联合会数"], v["村级工会联合会数"]) == (13, 1, 13)  # 13 / 1 / 13
    assert v["基层工会组织数"] == 27  # the township union's own row is no grassroots union
    assert 500 < v["集体合同覆盖职工数"] < 600  # 覆盖职工500多人
    assert v["职工之家数"] == 3  # 乡政府、坪朗村、补点村
    assert (v["就业培训期数"], v["培训人次"], v["安置就业人数"]) == (3, 387, 497)
    assert 210 < v["发布就业信息条数"] < 220  # 210多条
    assert 10 < v["社会捐赠帮扶户数"] < 20 and 5000 < v["社会捐赠帮扶金额"] < 6000  # 10多户，5000多元
    assert (v["会员总数"], v["维权案件数"], v["追回金额"]) == (580, 22, 18000)
    assert (v["应报村数"], v["报送村数"]) == (13, 13)  # 寨阳乡本级 is counted in the totals, not as a village


def test_the_per_unit_table_has_the_townships_own_row_and_adds_up(computed):
    scalars, tables = computed
    *body, total = tables["分村表"]
    assert [r[0] for r in body] == [*read_villages(village_list()).names, "寨阳乡本级"]
    assert total[0] == "合计"
    columns = [h for h, _ in next(t for t in TABLES if t.name == "分村表").columns]
    for title, name in (("工会组织", "基层工会组织数"), ("集体合同覆盖", "集体合同覆盖职工数"), ("培训人次", "培训人次"),
                        ("安置就业", "安置就业人数")):
        col = columns.index(title)
        assert sum(r[col] for r in body) == total[col] == scalars[name], title
    own = body[-1]
    assert own[columns.index("培训人次")] == 387 and own[columns.index("会员数")] == 0


def test_a_version_1_example_gives_none_of_the_new_figures(tmp_path: Path):
    from unionxl.sample import generate, rows_of
    from unionxl.writing.template import build_workbook
    from unionxl.writing.xlsxio import atomic_save

    old = [atomic_save(build_workbook(v.cover, rows_of(v), version="1"), tmp_path / v.file_name) for v in generate()]
    scalars, _ = compute(from_merge(merge(old, read_villages(village_list()))))
    assert all(scalars[name] == 0 for name in expected() if not name.startswith("社会捐赠"))
    assert scalars["社会捐赠帮扶户数"] == 12  # the aid ledger was in version 1 too


def test_the_demos_summary_read_back_by_defined_name_gives_the_seed_figures(tmp_path):
    from click.testing import CliRunner

    from unionxl.doors.cli import main

    from .test_summary import named

    result = CliRunner().invoke(main, ["demo", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    values = named(tmp_path / "乡镇汇总.xlsx")
    wrong = {said: values.get(name) for said, name, low, high in SEED_FIGURES
             if values.get(name) is None or not low <= values[name] <= high}
    assert wrong == {} and len(SEED_FIGURES) == 20
