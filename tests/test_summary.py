"""The township summary: indicators recomputed here from the register rows, templates found by name."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl.bundled import summary_template, village_list, workbooks_dir
from unionxl.doors.cli import main
from unionxl.summary.indicators import SCALARS, TABLES, from_merge
from unionxl.writing.readback import read_dataset
from unionxl.merging.merge import merge
from unionxl.summary.fill import TemplateError, write_summary
from unionxl.summary.template import SUMMARY_TEMPLATE_NAME, write_summary_template
from unionxl.writing.township import write_township
from unionxl.reading.villages import read_villages

from .conftest import convert
from .test_template import _members

REQUIRED = ("报送村数", "会员总数", "女会员数", "农民工会员数", "维权案件数", "维权涉及人数", "追回金额", "帮扶人数",
            "帮扶人次", "帮扶金额")


def named(path: Path) -> dict[str, object]:
    """Defined name -> value of the cell it points at (a second reader: openpyxl)."""
    wb = load_workbook(path)
    out = {}
    for name, dn in wb.defined_names.items():
        (sheet, ref), = dn.destinations
        out[name] = wb[sheet][ref.replace("$", "")].value
    return out


def table_at(path: Path, name: str) -> list[list]:
    wb = load_workbook(path)
    (sheet, ref), = wb.defined_names[name].destinations
    ws = wb[sheet]
    anchor = ws[ref.replace("$", "")]
    rows = []
    for row in ws.iter_rows(min_row=anchor.row, min_col=anchor.column, values_only=True):
        if row[0] is None:
            break
        rows.append(list(row))
        if row[0] == "合计":  # the template's own lines may follow right below
            break
    return rows


@pytest.fixture(scope="module")
def township(tmp_path_factory, examples_module) -> Path:
    out = tmp_path_factory.mktemp("t") / "乡镇汇总.xlsx"
    result = merge(examples_module, read_villages(village_list()))
    write_township(result, out, summary_template=summary_template())
    return out


@pytest.fixture(scope="module")
def examples_module() -> list[Path]:
    return sorted((workbooks_dir() / "examples").glob("*.xlsx"))


def expected_from_raw_cells(examples: list[Path]) -> dict[str, object]:
    """The indicators, computed directly from the example workbooks' cells with openpyxl."""
    members, aid, cases = [], [], []
    for path in examples:
        wb = load_workbook(path)
        for ws, sink in ((wb["会员名册"], members), (wb["帮扶台账"], aid), (wb["维权案件"], cases)):
            rows = list(ws.iter_rows(values_only=True))
            sink += [dict(zip(rows[0], r)) for r in rows[1:] if any(v is not None for v in r)]
    members = [m for m in members if m["会籍状态"] not in ("已转出", "已退会")]
    people = lambda rows: len({r["身份证号"] for r in rows})  # noqa: E731
    money = lambda rows, col: Decimal(str(round(sum(float(r[col] or 0) for r in rows), 2)))  # noqa: E731
    cat = defaultdict(list)
    for a in aid:
        cat[a["困难类别"]].append(a)
    return {
        "应报村数": 13, "报送村数": len(examples) - 1,  # 寨阳乡本级 counts in every total but is no village
        "会员总数": len(members), "女会员数": sum(m["性别"] == "女" for m in members),
        "农民工会员数": sum(m["是否农民工"] == "是" for m in members),
        "新入会会员数": sum(dt.datetime(2012, 1, 1) <= m["入会时间"] <= dt.datetime(2012, 10, 31) for m in members),
        "维权案件数": len(cases), "维权涉及人数": sum(c["涉及人数"] for c in cases),
        "追回金额": money(cases, "追回金额(元)"), "诉求金额": money(cases, "诉求金额(元)"),
        "已结案件数": sum(c["处理结果"] != "办理中" for c in cases),
        "帮扶人数": people(aid), "帮扶人次": len(aid), "帮扶金额": money(aid, "金额(元)"),
        "困难大学生人数": people(cat["困难大学生"]), "困难大学生金额": money(cat["困难大学生"], "金额(元)"),
        "困难职工帮扶人数": people(cat["低保边缘户"] + cat["意外致困户"]),
        "困难职工帮扶金额": money(cat["低保边缘户"] + cat["意外致困户"], "金额(元)"),
        "低保户帮扶人数": people(cat["低保户"]), "低保户帮扶金额": money(cat["低保户"], "金额(元)"),
        "单亲女职工帮扶人数": len({a["身份证号"] for a in aid if a["是否单亲"] == "是" and int(a["身份证号"][16]) % 2 == 0}),
    }


def test_filled_indicators_equal_an_independent_count(township, examples_module):
    values = named(township)
    expected = expected_from_raw_cells(examples_module)
    for name, want in expected.items():
        got = values[name]
        assert (Decimal(str(got)).quantize(Decimal("0.01")) if isinstance(want, Decimal) else got) == want, name
    assert values["女会员占比"] == pytest.approx(expected["女会员数"] / expected["会员总数"], abs=1e-4)


def test_seed_report_figures(township):
    v = named(township)
    assert (v["会员总数"], v["维权案件数"], v["追回金额"]) == (580, 22, 18000)
    assert (v["困难大学生人数"], v["困难大学生金额"]) == (13, 65000)
    assert (v["困难职工帮扶人数"], v["困难职工帮扶金额"]) == (15, 20000)
    assert v["低保户帮扶人数"] == 65 and v["低保户帮扶金额"] > 30000
    assert v["报送村数"] == 13


def test_tables_add_up(township, examples_module):
    village_rows = table_at(township, "分村表")
    header, body, total = village_rows[0], village_rows[1:-1], village_rows[-1]
    assert header[0] == "村（社区）" and total[0] == "合计" and len(body) == 14  # 13 villages and 寨阳乡本级
    assert sum(r[2] for r in body) == total[2] == 580
    assert [r[0] for r in body] == [v.name for v in read_villages(village_list()).units]
    by_type = table_at(township, "帮扶类型表")
    assert sum(r[3] for r in by_type[1:-1]) == pytest.approx(by_type[-1][3]) == named(township)["帮扶金额"]
    case_types = table_at(township, "案件类型表")
    assert sum(r[1] for r in case_types[1:-1]) == 22


def test_required_names_are_in_the_template_and_output(township):
    template_names = set(load_workbook(summary_template()).defined_names.keys())
    assert set(REQUIRED) <= template_names
    assert {i.name for i in SCALARS} | {t.name for t in TABLES} <= template_names
    assert set(REQUIRED) <= set(named(township))


def test_summary_holds_no_personal_data(township, examples_module):
    wb = load_workbook(township)
    text = " ".join(str(c.value) for name in ("汇总", "图表") for row in wb[name].iter_rows() for c in row
                    if c.value is not None)
    assert not re.search(r"\d{17}[\dX]|1[3-9]\d{9}", text)
    names = {r[1].value for path in examples_module for r in load_workbook(path)["会员名册"].iter_rows(min_row=2)}
    assert not any(n and n in text for n in names)


def test_rearranged_template_fills_correctly(tmp_path, township):
    """Staff move cells and restyle: names are kept, so values follow them."""
    wb = load_workbook(summary_template())
    ws = wb["汇总"]
    ws["K40"].number_format = "0"
    wb.defined_names["会员总数"].attr_text = "'汇总'!$K$40"
    wb.defined_names["分村表"].attr_text = "'汇总'!$K$50"
    del wb.defined_names["结案率"]  # an indicator this template no longer shows
    from openpyxl.workbook.defined_name import DefinedName
    wb.defined_names["我的指标"] = DefinedName("我的指标", attr_text="'汇总'!$K$45")
    ws.insert_rows(1, 3)  # everything shifts down; openpyxl does not move the names, so move them too
    for dn in wb.defined_names.values():
        sheet, ref = next(iter(dn.destinations))
        col, row = re.match(r"\$?([A-Z]+)\$?(\d+)", ref).groups()
        dn.attr_text = f"'{sheet}'!${col}${int(row) + 3}"
    template = tmp_path / "改过的模板.xlsx"
    wb.save(template)
    out, report = write_summary(read_dataset(township), template, tmp_path / "out.xlsx")
    values = named(out)
    assert load_workbook(out)["汇总"]["K43"].value == 580 == values["会员总数"]
    assert table_at(out, "分村表")[-1][2] == 580
    assert report.unknown_names == ["我的指标"] and report.missing == ["结案率"]
    assert any("我的指标" in m for m in report.messages()) and any("结案率" in m for m in report.messages())


def test_template_sheet_names_must_not_clash(tmp_path, examples_module):
    wb = load_workbook(summary_template())
    wb["汇总"].title = "会员名册"
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)
    with pytest.raises(TemplateError):
        write_township(merge(examples_module[:1]), tmp_path / "o.xlsx", summary_template=bad)


def test_township_reader_gives_the_same_figures_as_the_merge(township, examples_module):
    from unionxl.summary.indicators import compute

    again = compute(read_dataset(township))
    direct = compute(from_merge(merge(examples_module, read_villages(village_list()))))
    assert again == direct


def test_summary_command_and_pdf(township, tmp_path):
    out = tmp_path / "汇总表.xlsx"
    result = CliRunner().invoke(main, ["summary", str(township), "-o", str(out), "--pdf"])
    if "未安装 LibreOffice" in result.output:
        pytest.skip("LibreOffice is not installed")
    assert result.exit_code == 0, result.output
    assert "580 人" in result.output and "18,000.00 元" in result.output
    pdf = out.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "乡镇工会工作统计汇总表" in text and "会员总数" in text and "580" in text
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 5000  # a rendered page, not an empty one


def test_summary_of_a_file_that_is_not_a_township_workbook(tmp_path, examples_module):
    result = CliRunner().invoke(main, ["summary", str(examples_module[0]), "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 2 and "缺少工作表" in result.output


def test_libreoffice_opens_the_summary(township, tmp_path):
    pdf = convert(township, "pdf", tmp_path)
    assert pdf.stat().st_size > 0


def test_committed_summary_template_matches_the_code(tmp_path):
    generated = write_summary_template(tmp_path)
    assert _members(generated) == _members(workbooks_dir() / SUMMARY_TEMPLATE_NAME), (
        "run `unionxl template -o workbooks` and commit the result"
    )


def test_a_template_without_any_indicator_name_is_refused(tmp_path, township):
    from openpyxl import Workbook

    plain = tmp_path / "随便一个表.xlsx"
    wb = Workbook()
    wb.active["A1"] = "这不是汇总模板"
    wb.save(plain)
    before = plain.read_bytes()
    result = CliRunner().invoke(main, ["summary", str(township), "--template", str(plain), "-o", str(tmp_path / "o")])
    assert result.exit_code == 2 and "没有任何指标" in result.output, result.output
    assert plain.read_bytes() == before and not (tmp_path / "o.xlsx").exists()


def test_a_formula_in_the_template_stays_a_formula(tmp_path, township):
    import zipfile

    wb = load_workbook(summary_template())
    ws = wb["汇总"]
    ws["M2"] = "=1+1"
    ws["M3"] = "=SUM(M2,会员总数)"
    template = tmp_path / "带公式的模板.xlsx"
    wb.save(template)
    out, _ = write_summary(read_dataset(township), template, tmp_path / "out.xlsx")
    filled = load_workbook(out)["汇总"]
    assert filled["M2"].data_type == "f" and filled["M2"].value == "=1+1"
    assert filled["M3"].value == "=SUM(M2,会员总数)"
    with zipfile.ZipFile(out) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sum(xml.count("<f>") for xml in sheets) == 2  # the template's two; no village text became one


def test_summary_of_an_encrypted_or_pdf_file_does_not_ask_the_village(tmp_path, examples_module):
    pdf = tmp_path / "乡镇汇总.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"x" * 100)
    result = CliRunner().invoke(main, ["summary", str(pdf), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 2 and "这是 PDF 文件，不是 Excel 工作簿" in result.output, result.output
    assert "请让村里" not in result.output and "改成了表格的扩展名" not in result.output
    locked = tmp_path / "加密.xlsx"
    assert CliRunner().invoke(main, ["merge", str(examples_module[0]), "-o", str(locked), "--password", "p"]).exit_code == 0
    result = CliRunner().invoke(main, ["summary", str(locked)])
    assert result.exit_code == 2 and "密码" in result.output and "请让村里" not in result.output, result.output
