"""The township's own submission (乡镇本级): named on the village list, recognised from its cover, merged
into every total, and kept apart from the villages."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from unionxl.checks.validate import validate_file
from unionxl.merging.merge import merge
from unionxl.reading.villages import Village, VillageList, is_own, read_villages

from .test_work import organisation, workbook


def village_list(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    for row in (["村名", "代码"], ["坪朗村", "433101206202"], ["排杉村", "433101206207"], ["寨阳乡本级", "433101206000"]):
        ws.append(row)
    wb.save(path)
    return path


def test_the_village_list_names_the_townships_own_apart_from_the_villages(tmp_path):
    known = read_villages(village_list(tmp_path / "村名单.xlsx"))
    assert known.names == ["坪朗村", "排杉村"] and known.township == "寨阳乡"
    assert known.own == Village("寨阳乡本级", "433101206000", own=True)
    assert [v.name for v in known.units] == ["坪朗村", "排杉村", "寨阳乡本级"]
    for said in ("寨阳乡本级", "本级", "乡镇本级", "寨阳乡", " 寨阳乡本级 "):
        assert known.find(said) is known.own, said
    assert known.find("寨阳村") is None and known.by_code("433101206000") is known.own
    assert VillageList([Village("坪朗村")]).find("本级") is None  # no own on the list: nothing to be
    assert is_own("寨阳乡本级") and not is_own("本级村")


def test_the_townships_own_counts_in_every_total_but_is_no_village(tmp_path):
    known = read_villages(village_list(tmp_path / "村名单.xlsx"))
    files = [workbook(tmp_path, "a.xlsx"), workbook(tmp_path, "b.xlsx", village="本级",
                                                    organisations=[organisation(), organisation(name="某企业工会",
                                                                                                org_type="企业工会",
                                                                                                credit_code=None)])]
    assert validate_file(files[1], known).errors == 0  # 本级 is on the list
    result = merge(files, known)
    assert [(e.village.name, e.own, e.status) for e in result.units] == [
        ("坪朗村", False, "已报送"), ("排杉村", False, "未报送"), ("寨阳乡本级", True, "已报送")]
    assert result.own is result.units[-1] and result.own.report.path == files[1]
    assert [e.village.name for e in result.entries] == ["坪朗村", "排杉村"]  # the villages: 应报 2 个村
    assert result.own.report in result.reports
    assert [v for v, _ in result.used] == ["坪朗村", "寨阳乡本级"]  # every total counts it
    assert sum(len(r.rows.get("organisations", ())) for _, r in result.used) == 2


def test_without_a_list_a_cover_named_as_the_townships_own_is_recognised(tmp_path):
    files = [workbook(tmp_path, "a.xlsx"), workbook(tmp_path, "b.xlsx", village="寨阳乡本级")]
    result = merge(files)
    assert [(e.village.name, e.own) for e in result.units] == [("坪朗村", False), ("寨阳乡本级", True)]
    assert [e.village.name for e in result.entries] == ["坪朗村"]
    assert result.own.report is not None and not result.unknown


def test_a_township_that_sent_nothing_of_its_own_is_listed_as_not_sent(tmp_path):
    result = merge([workbook(tmp_path, "a.xlsx")], read_villages(village_list(tmp_path / "村名单.xlsx")))
    assert result.own.status == "未报送" and [v for v, _ in result.used] == ["坪朗村"]
