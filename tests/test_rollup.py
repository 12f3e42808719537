"""The county roll-up: township workbooks written by ``unionxl merge`` merged into a county workbook (and
county workbooks into a city's), with the edits made by hand since each merge reported."""

from __future__ import annotations

import os
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from unionxl import jobs
from unionxl.doors.cli import main
from unionxl.errors import UserError
from unionxl.merging import rollup
from unionxl.summary.indicators import TABLES, compute, headers
from unionxl.writing import marks
from unionxl.writing.datapart import DATA_SHEET
from unionxl.writing.readback import read_dataset
from unionxl.schema.reporter import Reporter

from .conftest import EXAMPLES

ADDITIVE = ("会员总数", "女会员数", "帮扶人次", "帮扶金额", "维权案件数", "追回金额", "基层工会组织数", "培训人次")
COPIED = "寨阳村工会报表.xlsx"  # sent by a village of 乙镇, and (as 新添村) by one of 丙乡: the same people twice


def _cover_village(path: Path, name: str) -> None:
    """Rename the village on a copy's cover (the cell right of the 村（社区）名称 label)."""
    wb = load_workbook(path)
    ws = wb["封面"]
    label = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("村（社区）名称"))
    ws.cell(label.row, label.column + 1).value = name
    wb.save(path)


def _column(ws, title: str) -> int:
    return next(c.column for c in ws[1] if c.value == title)


@pytest.fixture(scope="module")
def townships(tmp_path_factory) -> dict[str, Path]:
    """Three township workbooks from the 13 examples (and 寨阳乡本级): 寨阳乡 (named by its 本级 file), 乙镇
    and 丙乡 (named with ``name``); 丙乡 holds a copy of one of 乙镇's villages and is edited afterwards."""
    root = tmp_path_factory.mktemp("rollup")
    files = sorted(EXAMPLES.glob("*.xlsx"))
    groups = {"寨阳乡": files[0:5], "乙镇": files[5:9], "丙乡": files[9:]}
    out = {}
    for name, group in groups.items():
        inbox = root / name
        inbox.mkdir()
        for p in group:
            shutil.copy(p, inbox / p.name)
        if name == "丙乡":
            shutil.copy(EXAMPLES / COPIED, inbox / "新添村.xlsx")
            _cover_village(inbox / "新添村.xlsx", "新添村")
        merged = jobs.merge([inbox], root / f"{name}汇总.xlsx", reporter=Reporter(township="" if name == "寨阳乡" else name))
        assert merged.merged.reporter.township == name
        out[name] = merged.township
    return out


def _figures(path: Path) -> dict:
    return compute(read_dataset(path))[0]


@pytest.fixture(scope="module")
def edited(townships, tmp_path_factory) -> tuple[Path, dict, Decimal]:
    """丙乡's workbook with an aid amount changed and a member typed in by hand (its figures before the edit)."""
    path = tmp_path_factory.mktemp("edited") / "丙乡汇总.xlsx"
    shutil.copy(townships["丙乡"], path)
    before = _figures(path)
    wb = load_workbook(path)
    aid = wb["帮扶台账"]
    col = _column(aid, "金额(元)")
    old = aid.cell(2, col).value
    aid.cell(2, col).value = float(old) + 1000
    members = wb["会员名册"]
    members.append([None, "丙乡", "手工村", "手工添加", "男", "汉族", "433101198001010011"])
    wb.save(path)
    assert marks.read(path) == marks.Mark(marks.TOWNSHIP)  # openpyxl keeps the mark and the very hidden sheet
    return path, before, Decimal(str(old))


@pytest.fixture(scope="module")
def county(townships, edited, tmp_path_factory):
    folder = tmp_path_factory.mktemp("county")
    inputs = [townships["寨阳乡"], townships["乙镇"], edited[0]]
    return jobs.merge(inputs, folder / "县级汇总.xlsx", reporter=Reporter(township="甲县"))


def test_the_county_totals_are_the_sums_of_the_townships(county, townships, edited):
    figures = [_figures(townships["寨阳乡"]), _figures(townships["乙镇"]), edited[1]]
    assert _figures(edited[0]) == {**edited[1], "生成日期": _figures(edited[0])["生成日期"]}  # the edit is not counted
    mine = _figures(county.township)
    for name in ADDITIVE:
        assert mine[name] == sum(f[name] for f in figures), name
    assert mine["会员总数"] > 500 and mine["帮扶金额"] > 0
    assert mine["帮扶人数"] < sum(f["帮扶人数"] for f in figures)  # 新添村's people are 乙镇's: counted once
    assert county.values["会员总数"] == mine["会员总数"]  # the summary sheets filled into the county workbook
    assert county.merged.level == 2 and county.outputs == {"县级汇总": county.township}
    assert marks.read(county.township) == marks.Mark("县级汇总")


def test_the_per_township_table_and_its_header(county, townships, edited):
    ds = read_dataset(county.township)
    assert ds.level == 2 and [v.name for v in ds.villages] == ["丙乡", "乙镇", "寨阳乡"]
    table = compute(ds)[1]["分村表"]
    by_name = {row[0]: row for row in table}
    assert by_name["乙镇"][2] == _figures(townships["乙镇"])["会员总数"]
    assert by_name["丙乡"][2] == edited[1]["会员总数"] and by_name["合计"][2] == _figures(county.township)["会员总数"]
    spec = next(t for t in TABLES if t.name == "分村表")
    assert headers(spec, ds)[0] == "乡镇" and headers(spec, read_dataset(townships["乙镇"]))[0] == "村（社区）"
    wb = load_workbook(county.township)
    assert any(row[0].value == "乡镇" and row[1].value == "报送情况" for row in wb["汇总"].iter_rows(max_col=2))
    charts = {}
    for path in (county.township, townships["乙镇"]):
        with zipfile.ZipFile(path) as z:
            charts[path] = " ".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart"))
    assert "各乡镇会员数" in charts[county.township] and "各村会员数" not in charts[county.township]
    assert "各村会员数" in charts[townships["乙镇"]]


def test_the_registers_keep_township_village_and_source(county, townships):
    wb = load_workbook(county.township, read_only=True)
    assert "各乡镇报送情况" in wb.sheetnames and "报送情况" not in wb.sheetnames
    rows = list(wb["会员名册"].iter_rows(values_only=True))
    head = list(rows[0])
    assert head[:3] == ["序号", "乡镇", "村（社区）名称"]
    assert head[-4:] == ["问题", "来源文件", "来源位置", "乡镇汇总文件"]
    lines = [dict(zip(head, r)) for r in rows[1:]]
    pinglang = [r for r in lines if r["村（社区）名称"] == "坪朗村"]
    assert pinglang and {r["乡镇"] for r in pinglang} == {"寨阳乡"}
    assert {r["来源文件"] for r in pinglang} == {"坪朗村(1).xlsx"} and {r["乡镇汇总文件"] for r in pinglang} == {"寨阳乡汇总.xlsx"}
    first = pinglang[0]
    source = load_workbook(EXAMPLES / "坪朗村(1).xlsx", read_only=True)
    sheet, cell = first["来源位置"].split("!")
    row = next(source[sheet].iter_rows(min_row=int(cell[1:]), max_row=int(cell[1:]), values_only=True))
    assert first["身份证号"] in row and first["姓名"] in row  # the cell named is the village's own row


def test_edits_by_hand_are_reported_naming_the_file(county, edited):
    entry = next(e for e in county.merged.entries if e.village.name == "丙乡")
    codes = [f.code for f in entry.report.findings]
    changed = next(f for f in entry.report.findings if f.code == "edited-after-merge")
    assert changed.sheet == "帮扶台账" and changed.row == 2 and changed.field == "金额(元)"
    assert f"「{edited[2]:.2f}」" in changed.message and "合并后被手工改过" in changed.message
    assert "rows-after-merge" in codes and "data-altered" not in codes
    issues = county.issue_rows()
    assert any(row[2] == "丙乡汇总.xlsx" and row[-1] == "edited-after-merge" for row in issues)
    others = [f.code for e in county.merged.entries if e.village.name != "丙乡" for f in e.report.findings]
    assert others == []  # the untouched workbooks say nothing


def test_a_changed_data_part_is_an_error(townships, tmp_path):
    path = tmp_path / "乙镇汇总.xlsx"
    shutil.copy(townships["乙镇"], path)
    wb = load_workbook(path)
    data = wb[DATA_SHEET]
    fields = next(r for r in data.iter_rows() if r[0].value == "#fields" and r[1].value == "aid")
    col = next(c.column for c in fields if c.value == "amount") - 1  # a row: its source cell, then the values
    row = next(r for r in data.iter_rows() if str(r[0].value).startswith("帮扶台账!") and r[col - 1].value)
    row[col - 1].value = float(row[col - 1].value) + 1
    wb.save(path)
    merged = jobs.merge([path, townships["寨阳乡"]], tmp_path / "县.xlsx", summary=False)
    entry = next(e for e in merged.merged.entries if e.village.name == "乙镇")
    codes = [f.code for f in entry.report.findings]
    assert codes == ["data-altered", "edited-after-merge"] and entry.status == "已报送（有错误）"  # and the sheet
    assert entry.report.findings[1].sheet == "帮扶台账"  # now differs from the (changed) data
    assert merged.exit_code == 1
    strict = jobs.merge([path, townships["寨阳乡"]], tmp_path / "县2.xlsx", strict=True, summary=False)
    assert [v for v, _ in strict.merged.used][:1] == ["寨阳乡"] and {v for v, _ in strict.merged.used} == {"寨阳乡"}


def test_the_same_people_in_two_townships_are_found(county):
    cross = [f for _, _, f in county.merged.cross]
    members = [f for f in cross if f.code == "member-in-two-villages"]
    aid = [f for f in cross if f.code == "aid-in-two-villages"]
    assert members and aid
    assert all("乙镇寨阳村" in f.message and "丙乡新添村" in f.message for f in members + aid)
    # two villages of one township are the township's business: only across townships here
    assert len({f.value for f in members}) * 2 == len(members)


def test_the_township_list_missing_duplicates_and_unreadable(townships, tmp_path):
    listing = tmp_path / "乡镇名单.xlsx"
    wb = Workbook()
    for row in (["乡镇名称", "乡镇代码"], ["寨阳乡", "433101206"], ["乙镇", "433101207"], ["丙乡", ""], ["丁乡", ""]):
        wb.active.append(row)
    wb.save(listing)
    inbox = tmp_path / "收到的"
    inbox.mkdir()
    shutil.copy(townships["寨阳乡"], inbox / "寨阳乡.xlsx")
    shutil.copy(townships["乙镇"], inbox / "乙镇(旧).xlsx")
    shutil.copy(townships["乙镇"], inbox / "乙镇.xlsx")
    os.utime(inbox / "乙镇(旧).xlsx", (1_000_000_000, 1_000_000_000))
    broken = Workbook()
    broken.active["A1"] = "不是汇总"
    marks.mark_openpyxl(broken, marks.TOWNSHIP)
    broken.save(inbox / "坏的.xlsx")
    (inbox / "说明.txt").write_text("附件", encoding="utf-8")
    shutil.copy(EXAMPLES / "小坪村.xlsx", inbox / "丙乡自己做的汇总.xlsx")  # no mark: not read, listed
    merged = jobs.merge([inbox], tmp_path / "县级汇总.xlsx", villages=listing, summary=False)
    assert [(e.village.name, e.status) for e in merged.merged.entries] == [
        ("寨阳乡", "已报送"), ("乙镇", "已报送"), ("丙乡", "未报送"), ("丁乡", "未报送")]
    assert merged.duplicates == [("乙镇", inbox / "乙镇.xlsx", [inbox / "乙镇(旧).xlsx"])]
    assert [r.path.name for r in merged.unreadable] == ["坏的.xlsx"] and "unionxl数据" in merged.unreadable[0].error
    assert merged.tally().startswith("应报 4 个乡镇，已报 2 个，未报 2 个") and merged.exit_code == 2
    rows = merged.status_rows()
    assert merged.status_columns()[1][0] == "乡镇"  # what every door shows above these rows
    assert rows[0][1] == "寨阳乡" and rows[0][2] == "433101206" and "村：应报 4 个，已合并 4 个" in rows[0][-1]
    flat = [str(v) for row in rows for v in row]
    assert "说明.txt" in flat and any("另一份较早的报表" in v for v in flat)
    assert dict(merged.skipped)[inbox / "丙乡自己做的汇总.xlsx"].startswith("不是 unionxl 生成的汇总工作簿")
    assert merged.members == sum(len(read_dataset(townships[t]).of("members")) for t in ("寨阳乡", "乙镇"))


def test_village_files_with_township_workbooks_merge_the_villages(townships, tmp_path):
    """No more merged workbooks than village files: the villages are merged, the workbooks set aside."""
    merged = jobs.merge([EXAMPLES / "坪朗村(1).xlsx", townships["乙镇"]], tmp_path / "乡镇汇总.xlsx", summary=False)
    assert merged.merged.level == 1 and [v for v, _ in merged.merged.used] == ["坪朗村"]
    assert [(p, "乡镇汇总工作簿" in why) for p, why in merged.skipped] == [(townships["乙镇"], True)]
    again = jobs.merge([EXAMPLES / "坪朗村(1).xlsx", merged.township], merged.township, summary=False)
    assert again.merged.level == 1  # the output lying among the inputs is not counted: it is replaced


def test_workbooks_of_two_levels_are_refused(county, townships, tmp_path):
    with pytest.raises(UserError, match="不是同一级"):
        jobs.merge([county.township, townships["乙镇"]], tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_a_city_rolls_up_county_workbooks_the_same_way(county, townships, tmp_path):
    other = jobs.merge([townships["乙镇"]], tmp_path / "乙县.xlsx", reporter=Reporter(township="乙县"), summary=False)
    city = jobs.merge([county.township, other.township], tmp_path / "市级汇总.xlsx", reporter=Reporter(township="某市"))
    assert city.merged.level == 3 and marks.read(city.township) == marks.Mark("市级汇总")
    assert [e.village.name for e in city.merged.entries] == ["乙县", "甲县"]
    mine, parts = _figures(city.township), [_figures(county.township), _figures(other.township)]
    for name in ADDITIVE:
        assert mine[name] == sum(f[name] for f in parts), name
    assert [f.code for e in city.merged.entries for f in e.report.findings] == []  # no edits in either
    wb = load_workbook(city.township, read_only=True)
    head = next(wb["帮扶台账"].iter_rows(max_row=1, values_only=True))
    assert head[:4] == ("序号", "县（市、区）", "乡镇", "村（社区）名称") and head[-2:] == ("乡镇汇总文件", "县级汇总文件")
    second = next(wb["帮扶台账"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert second[1] == "乙县" and second[2] == "乙镇" and second[-1] == "乙县.xlsx"
    assert "各县（市、区）报送情况" not in wb.sheetnames and "各县报送情况" in wb.sheetnames
    assert compute(read_dataset(city.township))[1]["分村表"][0][0] == "乙县"


def test_the_command_line_rolls_up(townships, tmp_path):
    out = tmp_path / "县级汇总.xlsx"
    result = CliRunner().invoke(main, ["merge", str(townships["寨阳乡"]), str(townships["乙镇"]), "-o", str(out),
                                       "--township", "甲县", "--no-summary"])
    assert result.exit_code == 0, result.output
    assert "各乡镇报送情况（应报 2 个乡镇）" in result.output and "应报 2 个乡镇，已报 2 个" in result.output
    assert "县级汇总：" in result.output and out.is_file()
    assert read_dataset(out).level == 2


def test_a_masked_township_workbook_rolls_up_masked_with_a_warning(townships, tmp_path):
    masked = jobs.merge([EXAMPLES], tmp_path / "丁乡汇总.xlsx", mask=True, reporter=Reporter(township="丁乡"), summary=False)
    county = jobs.merge([masked.township, townships["乙镇"]], tmp_path / "县.xlsx", summary=False)
    entry = next(e for e in county.merged.entries if e.village.name == "丁乡")
    assert [f.code for f in entry.report.findings] == ["masked-workbook"]  # masked cells compare as masked
    wb = load_workbook(county.township, read_only=True)
    head, *rows = wb["会员名册"].iter_rows(values_only=True)
    ids = {r[head.index("乡镇")]: r[head.index("身份证号")] for r in rows}
    assert ids["丁乡"].startswith("#")  # its stand-ins: no number at all
    assert "*" in ids["乙镇"] and ids["乙镇"][:4].isdigit()  # 乙镇's plain IDs are masked in the county's copy
    assert next(r for r in wb[DATA_SHEET].iter_rows(max_row=1, values_only=True))[2] == "masked"
    figures = _figures(county.township)
    assert figures["女会员数"] == _figures(masked.township)["女会员数"] + _figures(townships["乙镇"])["女会员数"]


def test_the_data_part_keeps_every_key_of_the_widest_register(townships):
    """The #fields record of 组织情况 (the widest) used to lose its last key (备注) to the sheet's width."""
    orgs = read_dataset(townships["寨阳乡"]).of("organisations")
    assert orgs and all("remark" in row for row in orgs)


READ = rollup.read_workbook


def _abort_on_copy(path: Path):
    """read_workbook, but the parser dies on one file (as python-calamine's abort() kills its process)."""
    if path.name.startswith("崩溃"):
        os.abort()
    return READ(path)


def test_a_workbook_that_kills_its_reader_costs_only_that_workbook(townships, tmp_path, monkeypatch):
    shutil.copy(townships["乙镇"], tmp_path / "崩溃.xlsx")
    monkeypatch.setattr(rollup, "read_workbook", _abort_on_copy)  # the workers are forked after this
    merged = jobs.merge([townships["寨阳乡"], tmp_path / "崩溃.xlsx"], tmp_path / "县.xlsx", summary=False)
    assert [(e.village.name, e.status) for e in merged.merged.entries] == [("寨阳乡", "已报送")]
    assert [r.path.name for r in merged.unreadable] == ["崩溃.xlsx"] and "异常退出" in merged.unreadable[0].error
    assert merged.exit_code == 2 and (tmp_path / "县.xlsx").is_file()


def test_the_digest_is_the_hash_of_one_canonical_line_per_record():
    """Digest hashes its lines in batches; the bytes hashed are still each record's canonical line and a
    newline, so digests stored by earlier versions of the merge still match (across the batches' edges)."""
    import datetime as dt
    import hashlib

    from unionxl.writing.datapart import Digest

    records = []
    for i in range(2500):
        records.append([f"会员名册!A{i + 2}", f"张{i}", None, dt.date(1980, 1, 1 + i % 28), i, Decimal("12.50"),
                        1.0 if i % 3 else True, "a_x000D_b" if i % 700 == 0 else "乙\x07" if i % 900 == 0 else "丙",
                        None, None])
    digest = Digest()
    for record in records:
        digest.add(record)
    expected = hashlib.sha256()
    for cell, name, _, day, number, _, _, text, *_ in records:  # 1.0 and True are both "1"; blanks at the end dropped
        clean = text.replace("_x000D_", "").replace("\x07", "")
        line = "\u241f".join([cell, name, "", day.isoformat(), str(number), "12.5", "1", clean])
        expected.update(line.encode("utf-8") + b"\n")
    assert digest.hexdigest() == expected.hexdigest()
