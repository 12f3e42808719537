"""The summary names who reports it upward, keeps a township's own lines, and prints legibly."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl import bundled, jobs
from unionxl.doors.cli import main
from unionxl.reading.villages import read_villages
from unionxl.schema.reporter import Reporter
from unionxl.summary.fill import _destinations, fill, write_summary
from unionxl.summary.indicators import Dataset, VillageStatus, compute
from unionxl.writing.readback import read_dataset

from .conftest import EXAMPLES, convert, make_workbook, soffice

ZHAIYANG = Reporter("寨阳乡", "寨阳乡总工会", "龙海生", "石秀兰", "0743-5261238")
VILLAGE_ROWS = [["序号", "村（社区）名称", "村（社区）代码"], [1, "寨阳村", "433101206201"], [2, "坪朗村", "433101206202"],
                [3, "寨阳乡本级", "433101206000"]]


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    """The township workbook of the bundled examples (its village list carries 寨阳乡's details)."""
    return jobs.demo(tmp_path_factory.mktemp("demo")).merged.township


def named(path: Path) -> dict:
    """Defined name -> the value of its cell in a filled workbook."""
    wb = load_workbook(path)
    return {name: wb[s].cell(r, c).value for name, (s, r, c) in _destinations(wb).items()}


# -- where the details come from ------------------------------------------------------------------


def test_the_bundled_village_list_carries_the_townships_details():
    listed = read_villages(bundled.village_list())
    assert listed.reporter == ZHAIYANG and listed.township == "寨阳乡"
    assert len(listed.names) == 13 and listed.own.name == "寨阳乡本级"


def test_a_header_block_as_label_and_value_cells_above_the_header(tmp_path):
    path = make_workbook(tmp_path / "名单.xlsx", {"村名单": [
        ["寨阳乡村名单"], ["填报单位", "寨阳乡总工会"], ["单位负责人", None, "填表人：", "石秀兰"],
        ["联系电话:", 7435261238], [], *VILLAGE_ROWS]})
    listed = read_villages(path)
    assert listed.names == ["寨阳村", "坪朗村"] and listed.own.code == "433101206000"
    # no head given (a label comes next), the township's name from its own unit, a phone typed as a number
    assert listed.reporter == Reporter("寨阳乡", "寨阳乡总工会", "", "石秀兰", "7435261238")


def test_a_list_without_header_row_may_start_with_the_block(tmp_path):
    path = make_workbook(tmp_path / "名单.xlsx", {"Sheet": [["乡镇名称：排吼镇"], ["填表人：施建华"], ["小坪村"], ["雅留村"]]})
    listed = read_villages(path)
    assert listed.names == ["小坪村", "雅留村"] and listed.reporter == Reporter("排吼镇", preparer="施建华")


def test_a_list_without_the_block_reads_as_before(tmp_path):
    path = make_workbook(tmp_path / "名单.xlsx", {"村名单": VILLAGE_ROWS})
    listed = read_villages(path)
    assert listed.names == ["寨阳村", "坪朗村"] and listed.reporter == Reporter("寨阳乡")
    plain = make_workbook(tmp_path / "只有村名.xlsx", {"Sheet": [["小坪村"], ["雅留村"]]})
    assert read_villages(plain).names == ["小坪村", "雅留村"] and read_villages(plain).reporter == Reporter()


def test_options_over_the_list():
    given = Reporter(preparer="张三", report_date=dt.date(2012, 11, 5))
    assert given.over(ZHAIYANG) == Reporter("寨阳乡", "寨阳乡总工会", "龙海生", "张三", "0743-5261238",
                                            dt.date(2012, 11, 5))
    assert Reporter().title == "乡镇工会工作统计汇总表" and ZHAIYANG.title == "寨阳乡工会工作统计汇总表"


# -- through the township workbook into the summary ---------------------------------------------------


def test_the_township_workbook_fills_the_details_and_keeps_them_for_summary(demo, tmp_path):
    values = named(demo)
    assert values["标题"] == "寨阳乡工会工作统计汇总表"
    assert (values["填报单位"], values["单位负责人"], values["填表人"], values["联系电话"]) == \
        ("寨阳乡总工会", "龙海生", "石秀兰", "0743-5261238")
    assert values["报送日期"].date() == dt.date.today() and values["未报送村"] == "无"
    assert read_dataset(demo).reporter == ZHAIYANG  # the data part (#reporter) carries them
    done = jobs.summarise(demo, tmp_path / "汇总表.xlsx")
    again = named(done.summary)
    assert again["标题"] == "寨阳乡工会工作统计汇总表" and again["填表人"] == "石秀兰"
    assert load_workbook(done.summary).properties.title == "寨阳乡工会工作统计汇总表"
    over = jobs.summarise(demo, tmp_path / "改.xlsx", reporter=Reporter(preparer="张三",
                                                                         report_date=dt.date(2012, 11, 5)))
    changed = named(over.summary)
    assert changed["填表人"] == "张三" and changed["单位负责人"] == "龙海生"
    assert changed["报送日期"].date() == dt.date(2012, 11, 5)


def test_the_command_line_options(tmp_path):
    inbox = tmp_path / "收件"
    shutil.copytree(EXAMPLES, inbox)
    (inbox / "排吼村.xlsx").unlink()
    result = CliRunner().invoke(main, ["merge", str(inbox), "-o", str(tmp_path / "乡镇汇总.xlsx"), "--township", "寨阳乡",
                                       "--unit", "寨阳乡工会", "--phone", "0743-5260000", "--report-date", "2012-11-05"])
    assert result.exit_code == 0, result.output
    values = named(tmp_path / "乡镇汇总.xlsx")
    assert values["标题"] == "寨阳乡工会工作统计汇总表" and values["填报单位"] == "寨阳乡工会"
    assert values["联系电话"] == "0743-5260000" and values["报送日期"].date() == dt.date(2012, 11, 5)
    assert values["填表人"] in (None, "")  # no village list, no option: left blank
    result = CliRunner().invoke(main, ["summary", str(tmp_path / "乡镇汇总.xlsx"), "--preparer", "张三"])
    assert result.exit_code == 0, result.output
    values = named(tmp_path / "乡镇汇总_汇总表.xlsx")
    assert values["填表人"] == "张三" and values["填报单位"] == "寨阳乡工会"


def test_the_villages_that_did_not_report_are_named(tmp_path):
    villages = [VillageStatus("寨阳村"), VillageStatus("坪朗村", status="未报送"), VillageStatus("补点村", status="未报送"),
                VillageStatus("寨阳乡本级", status="未报送", own=True)]
    scalars, _ = compute(Dataset(villages))
    assert scalars["报送村数"] == 1 and scalars["未报送村"] == "坪朗村、补点村"  # 本级 is no village
    assert compute(Dataset(villages[:1]))[0]["未报送村"] == "无"  # all reported


def test_a_template_without_a_name_says_so(tmp_path):
    wb = load_workbook(bundled.summary_template())
    del wb.defined_names["填表人"]
    wb.save(tmp_path / "旧模板.xlsx")
    _, report = fill(tmp_path / "旧模板.xlsx", Dataset([VillageStatus("寨阳村")], reporter=ZHAIYANG))
    assert report.missing == ["填表人"]
    assert any(m.startswith("汇总模板：模板缺少这些指标的名称") and "填表人" in m for m in report.messages())


# -- a township's own lines below a table ----------------------------------------------------------


def test_lines_below_the_village_table_are_kept(demo, tmp_path):
    """A township's own lines: a note right below the 分村表's header and the room of one row (as A79
    under a header at A77) and 「单位负责人： 填表人：」 two rows further (A81): the 13 villages, 本级 and
    合计 are written into rows inserted above them, not over them."""
    wb = load_workbook(bundled.summary_template())
    sheet, row, _ = _destinations(wb)["分村表"]
    ws = wb[sheet]
    ws.delete_rows(row + 2, ws.max_row)  # the bundled note and lines go: the township writes its own
    for name in ("单位负责人", "填表人", "联系电话"):
        del wb.defined_names[name]
    ws.cell(row + 2, 1, "注：数据截至 10 月底。")
    ws.cell(row + 4, 1, "单位负责人：")
    ws.cell(row + 4, 6, "填表人：")
    template = tmp_path / "本乡模板.xlsx"
    wb.save(template)
    out, report = write_summary(read_dataset(demo), template, tmp_path / "汇总表.xlsx")
    filled = load_workbook(out)[sheet]
    column = [filled.cell(r, 1).value for r in range(row, row + 22)]
    assert column[1:15] == [*read_villages(bundled.village_list()).names, "寨阳乡本级"]
    assert column[15] == "合计" and column[16] == "注：数据截至 10 月底。" and column[17] is None
    assert column[18] == "单位负责人：" and filled.cell(row + 18, 6).value == "填表人："
    assert {"单位负责人", "填表人", "联系电话"} <= set(report.missing)  # this template names none of them


# -- charts --------------------------------------------------------------------------------------------


def chart_xml(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return [z.read(n).decode() for n in sorted(z.namelist()) if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]


def test_charts_carry_their_values_and_no_zero_labels(demo, tmp_path):
    summary = jobs.summarise(demo, tmp_path / "汇总表.xlsx").summary
    for path in (demo, summary):
        members, aid = chart_xml(path)
        assert "<strCache>" in members and "<v>寨阳村</v>" in members and "<v>坪朗村</v>" in members
        cached = [float(v) for v in re.findall(r"<v>([\d.]+)</v>", members.split("<numCache>")[1])]
        assert cached[:2] == [58, 62] and sum(cached) == 580
        assert "<v>65000" in aid and "<v>子女助学</v>" in aid  # the aid amount by type, 0 for the empty types
        labels = [re.search(r"<dLbls>.*</dLbls>", xml)[0] for xml in (members, aid)]
        assert 'formatCode="#,##0;-#,##0;;" sourceLinked="0"' in labels[0]
        assert 'formatCode="#,##0.00;-#,##0.00;;" sourceLinked="0"' in labels[1]


@pytest.mark.skipif(not soffice() or not shutil.which("pdftotext"), reason="LibreOffice or pdftotext is not installed")
def test_libreoffice_draws_no_zero_labels(demo, tmp_path):
    summary = jobs.summarise(demo, tmp_path / "汇总表.xlsx").summary
    words = [w for *_, w in pages(convert(summary, "pdf", tmp_path))[-1]["words"]]  # 图表, the last sheet
    assert "65,000.00" in words and "46,220.00" in words and "62" in words
    assert "0.00" not in words  # 法律援助, 创业就业服务, 节日慰问, 其他: no label; the axis counts whole yuan


# -- printing ------------------------------------------------------------------------------------------


def pages(pdf: Path) -> list[dict]:
    """Per page of a PDF: its height, the texts and boxes of its words (pdftotext -bbox)."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    out = []
    for page in text.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page)[1])
        words = [(float(y0), float(y1), w) for y0, y1, w in
                 re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>', page)]
        out.append({"height": height, "words": words})
    return out


@pytest.mark.skipif(not soffice() or not shutil.which("pdftotext"), reason="LibreOffice or pdftotext is not installed")
def test_the_summary_prints_legibly(demo, tmp_path):
    """The 汇总 sheet of the filled bundled summary: type ≥ 7.5 pt on every page (word boxes are ~1.3×
    the type size), the township on page 1, the lines below the tables on paper, no page more than 80 %
    empty but the last."""
    summary = jobs.summarise(demo, tmp_path / "汇总表.xlsx").summary
    wb = load_workbook(summary)
    del wb["图表"]
    wb.save(tmp_path / "汇总.xlsx")
    printed = pages(convert(tmp_path / "汇总.xlsx", "pdf", tmp_path))
    assert len(printed) >= 2
    assert any("寨阳乡工会工作统计汇总表" in w for *_, w in printed[0]["words"])
    text = "".join(w for page in printed for *_, w in page["words"])
    for line in ("填报单位（盖章）", "寨阳乡总工会", "单位负责人", "龙海生", "填表人", "石秀兰", "0743-5261238", "注："):
        assert line in text
    for number, page in enumerate(printed, start=1):
        heights = [y1 - y0 for y0, y1, _ in page["words"]]
        assert min(heights) >= 7.5 * 1.3, (number, min(heights))
        top, bottom = min(y0 for y0, _, _ in page["words"]), max(y1 for _, y1, _ in page["words"])
        if number < len(printed):
            assert (bottom - top) / page["height"] >= 0.2, number
