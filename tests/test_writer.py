"""The streaming writer: values round-trip through python-calamine and openpyxl, text never becomes a
formula, a base workbook keeps its sheets, names and charts, and memory does not grow with the rows."""

from __future__ import annotations

import datetime as dt
import tracemalloc
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import python_calamine
from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl.bundled import summary_template, village_list
from unionxl.doors.cli import main
from unionxl.merging.merge import merge
from unionxl.reading.villages import read_villages
from unionxl.summary.fill import write_summary
from unionxl.summary.indicators import from_merge
from unionxl.writing import marks
from unionxl.writing.package import NewSheet, Package
from unionxl.writing.sheetxml import Layout
from unionxl.writing.styles import DATE_FORMAT, Style
from unionxl.writing.township import write_township

from .conftest import convert
from .test_validate import LONG, member, submission

RICH = "<r><t>a</t></r></is><f>1+1</f><is><r><t>b</t></r>"
TEXTS = ["plain", "中文 村名", " leading", "trailing ", "a&b<c>d\"e'", "ctl\x01x\x1f", "_x0041_ literal",
         "\ufffe\uffff", "line\nbreak", "tab\tin", "cr\rin", "\u3000全角空格\u3000", RICH, "=1+1", "=HYPERLINK(\"x\")",
         "{0} %s {}", "x" * 40_000]
NUMBERS = [0, 1, -2.5, 1e20, 123456789012345, Decimal("12.30"), Decimal("-0.01"), Decimal("9999999999999.99")]
DATES = [dt.date(2012, 1, 1), dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1),
         dt.datetime(2012, 1, 2, 3, 4, 5)]
ROWS = [TEXTS, NUMBERS, DATES, [True, False, None, "", "after blanks"], list(reversed(TEXTS)),
        ["plain", 7, dt.date(2012, 1, 1), None, Decimal("1.50")]]


# What a reader that does not decode OOXML's _xHHHH_ escapes (openpyxl) shows; U+FFFE/U+FFFF are not XML
# characters at all, so no reader gets them back.
ESCAPED = {"ctl\x01x\x1f": "ctl_x0001_x_x001F_", "_x0041_ literal": "_x005F_x0041_ literal",
           "\ufffe\uffff": "_xFFFE__xFFFF_", "cr\rin": "cr_x000D_in"}


def expected(value, decodes: bool = True):
    if value == "\ufffe\uffff" or (not decodes and value in ESCAPED):
        return ESCAPED[value]
    if isinstance(value, str):
        return value[:32767] or None
    if isinstance(value, Decimal):
        return float(value)
    return value


def write(path: Path, rows: list[list], base: Path | None = None, compact: bool = False, name: str = "s") -> Path:
    package = Package(base)
    attrs = [package.styles.attr(Style(DATE_FORMAT)) if isinstance(v, dt.date) else "" for v in max(rows, key=len)]

    def fill(stream) -> None:
        for values in rows:
            stream.row(values, [package.styles.attr(Style(DATE_FORMAT)) if isinstance(v, dt.date) else ""
                                for v in values])

    sheet = NewSheet(name, Layout([10] * len(attrs), (1, 0), True, True, compact=compact), len(rows),
                     max(map(len, rows)), fill)
    package.write(path, [sheet], marks.TOWNSHIP, "测试")
    return path


@pytest.mark.parametrize("compact", [False, True])
def test_values_round_trip_through_both_readers(tmp_path, compact):
    path = write(tmp_path / "t.xlsx", ROWS, compact=compact)
    grid = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("s").to_python()
    ws = load_workbook(path)["s"]
    for r, values in enumerate(ROWS):
        for c, value in enumerate(values):
            want = expected(value)
            got_calamine = grid[r][c]
            got_openpyxl = ws.cell(r + 1, c + 1).value
            if isinstance(value, dt.datetime):
                assert got_calamine == got_openpyxl == value
            elif isinstance(value, dt.date):
                assert got_calamine == value and got_openpyxl == dt.datetime.combine(value, dt.time())
            else:
                assert (got_calamine if got_calamine != "" else None) == want, (r, c, value)
                assert got_openpyxl == expected(value, decodes=False), (r, c, value)
    texts = [ws.cell(1, c + 1) for c in range(len(TEXTS))]
    assert all(cell.data_type == "s" for cell in texts)  # never a formula, whatever the text


def test_a_compact_sheet_writes_blanks_only_between_values(tmp_path):
    """Cells without a reference are placed one after another: a blank between two values is written, the
    blanks after a row's last value are not (nor a row of blanks), and every value stays in its column."""
    rows = [[1, None, "x", None, None], [None, None, None], ["a", None, dt.date(2020, 1, 2), None]]
    path = write(tmp_path / "t.xlsx", rows, compact=True)
    with zipfile.ZipFile(path) as z:
        xml = z.read(next(n for n in z.namelist() if n.startswith("xl/worksheets/"))).decode()
    assert "<c/></row>" not in xml and xml.count("<row") == 2 and xml.count("<c/>") == 2
    grid = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("s").to_python()
    assert grid[0][:3] == [1, "", "x"] and grid[2][:3] == ["a", "", dt.date(2020, 1, 2)]
    ws = load_workbook(path)["s"]
    assert ws["C1"].value == "x" and ws["C3"].value == dt.datetime(2020, 1, 2) and ws["A2"].value is None


def test_a_lone_surrogate_does_not_stop_the_write(tmp_path):
    path = write(tmp_path / "t.xlsx", [["ok", "bad\udcff name"]])
    assert load_workbook(path)["s"]["A1"].value == "ok"


def test_memory_stays_flat_in_the_rows(tmp_path):
    def peak(rows: int) -> int:
        package = Package(None)

        def fill(stream) -> None:
            for n in range(rows):
                stream.row([n, f"会员{n}", "433101198503152024", dt.date(2012, 1, 1 + n % 28), Decimal("1.50")],
                           ["", "", "", package.styles.attr(Style(DATE_FORMAT)), ""])

        tracemalloc.start()
        package.write(tmp_path / f"{rows}.xlsx", [NewSheet("s", Layout([]), rows, 5, fill)], marks.TOWNSHIP, "t")
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    small, large = peak(2_000), peak(40_000)
    assert large < small * 1.5 + 2**20  # twenty times the rows, about the same peak


def test_a_base_with_charts_and_names_keeps_them_and_gains_the_sheets(tmp_path, examples):
    result = merge(examples, read_villages(village_list()))
    base, _ = write_summary(from_merge(result), summary_template(), tmp_path / "base.xlsx")
    before = load_workbook(base)
    path = write(tmp_path / "t.xlsx", ROWS, base=base, name="追加的表")
    wb = load_workbook(path)
    assert wb.sheetnames == [*before.sheetnames, "追加的表"]
    assert set(wb.defined_names) == set(before.defined_names)
    assert wb["追加的表"].print_title_rows == "$1:$1" and wb["追加的表"].auto_filter.ref
    assert wb["追加的表"].freeze_panes == "A2"
    with zipfile.ZipFile(path) as z:
        assert [n for n in z.namelist() if n.startswith("xl/charts/")] == \
            [n for n in zipfile.ZipFile(base).namelist() if n.startswith("xl/charts/")]
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    assert book.sheet_names == wb.sheetnames
    assert book.get_sheet_by_name("汇总").to_python() == \
        python_calamine.CalamineWorkbook.from_path(str(base)).get_sheet_by_name("汇总").to_python()
    assert marks.read(path) == marks.Mark(marks.TOWNSHIP) and wb.properties.title == "测试"
    assert marks.read(base) == marks.Mark(marks.SUMMARY)
    again = convert(path, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    assert load_workbook(again).sheetnames == wb.sheetnames


def test_libreoffice_opens_the_township_workbook_with_every_sheet(tmp_path, examples):
    out, _ = write_township(merge(examples, read_villages(village_list())), tmp_path / "乡镇汇总.xlsx",
                            summary_template=summary_template())
    names = load_workbook(out).sheetnames
    assert names[:2] == ["汇总", "图表"] and "unionxl数据" in names
    pdf = convert(out, "pdf", tmp_path)
    assert pdf.stat().st_size > 10_000
    again = convert(out, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    assert load_workbook(again).sheetnames == names


def test_register_formats_come_from_the_field_types(tmp_path, examples):
    out, _ = write_township(merge(examples[:2]), tmp_path / "o.xlsx")
    ws = load_workbook(out)["会员名册"]
    head = {c.value: c.column for c in ws[1]}
    assert ws.cell(2, head["身份证号"]).number_format == "@"
    assert ws.cell(2, head["入会时间"]).number_format == "yyyy-mm-dd"
    assert isinstance(ws.cell(2, head["入会时间"]).value, dt.datetime)
    aid = load_workbook(out)["帮扶台账"]
    money = {c.value: c.column for c in aid[1]}["金额(元)"]
    assert aid.cell(2, money).number_format == "#,##0.00" and isinstance(aid.cell(2, money).value, (int, float))
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFDDEBF7"
    # 序号, 村 and 姓名 stay in view and are repeated on every printed page across
    assert ws.freeze_panes == "D2" and ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_cols == "$A:$C" and ws.print_title_rows == "$1:$1" and ws.page_setup.pageOrder == "overThenDown"
    assert int(ws.page_setup.scale) >= 73 and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.oddFooter.center.text == "会员名册  第 &P 页 / 共 &N 页"


def test_village_text_cannot_inject_a_formula_into_the_township_workbook(tmp_path):
    path = submission(tmp_path, members=[member(remark=RICH), member(LONG, name="龙海", sex="男", remark="<r>x</r>")])
    out = tmp_path / "o.xlsx"
    result = CliRunner().invoke(main, ["merge", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    assert not [c.coordinate for ws in wb for row in ws.iter_rows() for c in row if c.data_type == "f"]
    ws = wb["会员名册"]
    column = next(c.column_letter for c in ws[1] if c.value == "备注")
    remarks = [c.value for c in ws[column][1:]]
    assert remarks == [RICH, "<r>x</r>"]


def test_a_base_saved_by_openpyxl_takes_the_sheets_too(tmp_path):
    """The summary is filled in place with openpyxl: its package (shared strings, its own styles and names,
    a custom property of the user's) must take the streamed sheets as well."""
    from openpyxl import Workbook
    from openpyxl.packaging.custom import StringProperty
    from openpyxl.styles import Font
    from openpyxl.workbook.defined_name import DefinedName

    wb = Workbook()
    wb.active.title = "汇总"
    wb.active["A1"] = "会员总数"
    wb.active["A1"].font = Font(bold=True, size=16)
    wb.active["B1"] = 580
    wb.active["B1"].number_format = "0.0%"
    wb.defined_names["会员总数"] = DefinedName("会员总数", attr_text="汇总!$B$1")
    wb.custom_doc_props.append(StringProperty(name="部门", value="寨阳乡工会"))
    marks.mark_openpyxl(wb, marks.SUMMARY)
    base = tmp_path / "base.xlsx"
    wb.save(base)
    path = write(tmp_path / "t.xlsx", ROWS, base=base, name="会员名册")
    out = load_workbook(path)
    assert out.sheetnames == ["汇总", "会员名册"]
    assert out["汇总"]["A1"].font.b and out["汇总"]["A1"].font.sz == 16 and out["汇总"]["B1"].number_format == "0.0%"
    assert out["会员名册"]["A3"].value == dt.datetime(2012, 1, 1) and out["会员名册"]["A3"].number_format == DATE_FORMAT
    assert out.defined_names["会员总数"].attr_text == "汇总!$B$1"
    assert marks.read(path) == marks.Mark(marks.TOWNSHIP) and marks.properties(path)["部门"] == "寨阳乡工会"
    grid = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_name("会员名册").to_python()
    assert grid[0][0] == "plain" and grid[2][0] == dt.date(2012, 1, 1)
    assert convert(path, "pdf", tmp_path).stat().st_size > 0
