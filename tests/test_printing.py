"""How the township workbook and a marked-up copy print, measured on LibreOffice's PDF.

One render of the township workbook of the bundled examples (merged by the bundled village list)
and one of a marked-up copy with long messages. On the pages of the sheets unionxl streams in
(报送情况, the registers, 问题清单): type at 7.5 pt or more (word boxes 1.3 × the type size), the
identifying columns repeated on every page across, and no page more than 80 % empty but the last
of its sheet (:meth:`pdfbox.Page.covered`: the share of the printable height the words span).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from unionxl import bundled, jobs
from unionxl.schema.registers import REGISTERS
from unionxl.writing.printing import MARGINS
from unionxl.writing.township import ISSUES_SHEET, STATUS_SHEET

from . import pdfbox
from .conftest import EXAMPLES, convert, soffice

pytestmark = pytest.mark.skipif(not soffice() or not shutil.which("pdftotext"),
                                reason="LibreOffice or pdftotext is not installed")
TOP, BOTTOM = 72 * MARGINS["top"], 72 * MARGINS["bottom"]
LONG = "身份证号被存成了数字（433101196805132032），后几位已丢失，无法自动修复。请把该列设为“文本”格式后重新录入。"


def by_sheet(printed: list[pdfbox.Page], names: list[str]) -> dict[str, list[pdfbox.Page]]:
    """The pages of each of ``names``, known by the footer (「会员名册  第 5 页 / 共 66 页」)."""
    out: dict[str, list[pdfbox.Page]] = {name: [] for name in names}
    for page in printed:
        footer = page.footer(BOTTOM).split(" ")
        if footer and footer[0] in out:
            out[footer[0]].append(page)
    return out


@pytest.fixture(scope="module")
def township(tmp_path_factory) -> dict[str, list[pdfbox.Page]]:
    folder = tmp_path_factory.mktemp("township")
    merged = jobs.merge([EXAMPLES], folder / "乡镇汇总.xlsx", villages=bundled.village_list())
    sheets = [STATUS_SHEET, *(r.sheet for r in REGISTERS), ISSUES_SHEET]
    pages = by_sheet(pdfbox.pages(convert(merged.township, "pdf", folder)), sheets)
    assert all(pages.values()), {k: len(v) for k, v in pages.items()}
    return pages


def test_every_page_of_the_township_sheets_prints_at_a_legible_size(township):
    for sheet, pages in township.items():
        for n, page in enumerate(pages, start=1):
            small = [w.text for w in page.body(TOP, BOTTOM) if w.height < 7.5 * pdfbox.BOX]
            assert not small, (sheet, n, small[:5])


def test_no_page_is_mostly_empty_but_the_last_of_its_sheet(township):
    for sheet, pages in township.items():
        for n, page in enumerate(pages[:-1], start=1):
            assert page.covered(TOP, BOTTOM) >= 0.2, (sheet, n, round(page.covered(TOP, BOTTOM), 2))


def test_the_identifying_columns_are_on_every_register_page(township):
    members = township["会员名册"]
    assert len(members) > 3  # more pages across and down than one
    for page in members:
        texts = {w.text for w in page.words}
        assert {"序号", "姓名"} <= texts  # 村（社区）名称 wraps in its header
    cases = {w.text for page in township["维权案件"] for w in page.words}
    assert "申请人姓名" in cases and "2012-06-10" in cases  # a date printed whole, not cut by its column


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    """The marked-up copy of 坪朗村's example with two ID numbers stored as numbers (a long message each)."""
    folder = tmp_path_factory.mktemp("copy")
    src = folder / "坪朗村.xlsx"
    wb = load_workbook(next(EXAMPLES.glob("坪朗村*.xlsx")))
    wb["会员名册"]["E2"] = 433101196805132003
    wb["会员名册"]["E3"] = 433101196805132004
    wb.save(src)
    checked = jobs.validate([src], annotate_to=folder / "坪朗村_已标注.xlsx")
    assert [f.message for f in checked.findings].count(LONG) == 2
    return checked.copies[0]


def test_the_copys_issue_list_prints_whole_and_titled(copy, tmp_path):
    pdf = convert(copy, "pdf", tmp_path)
    pages = by_sheet(pdfbox.pages(pdf), [ISSUES_SHEET])[ISSUES_SHEET]
    assert len(pages) == 1 and pages[0].width < pages[0].height  # A4 portrait, one page wide
    words = pages[0].body(TOP, BOTTOM)
    assert min(w.height for w in words) >= 7.5 * pdfbox.BOX
    shown = "".join(w.text for w in words)
    assert "坪朗村2012年1月—10月问题清单" in shown  # the title: village and period
    left = next(w.x0 for w in words if w.text == "问题及修改方法")  # the message column, read on its own
    assert "".join(w.text for w in words if w.x0 >= left - 1).count(LONG) == 2  # whole: rows tall enough
    assert "id-as-number" not in shown and "代码" not in shown  # the code is for machines, not printed
