"""The marked-up copy sent back to a village: problem cells filled and commented, plus 问题清单.

Only fills and comments of problem cells change; values, formats and drop-downs stay as
they were, and the input file is only read. .xlsx/.xlsm are annotated in place of a copy
(macros kept); .xls/.ods become an .xlsx copy built from their values.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from . import marks, safety
from .findings import ERROR, Finding
from .reader import open_book
from .validate import FileReport
from .xlsxio import ILLEGAL, atomic_save, set_value

ISSUES_SHEET = "问题清单"
FILLS = {ERROR: PatternFill("solid", fgColor="FFC7CE"), "warning": PatternFill("solid", fgColor="FFEB9C")}
SEVERITY_LABEL = {ERROR: "错误", "warning": "警告"}
COLUMNS = (("序号", 6), ("级别", 6), ("位置", 16), ("字段", 14), ("填写内容", 22), ("问题及修改方法", 70), ("代码", 20))


def output_name(path: Path) -> str:
    """File name of the annotated copy: same stem, 已标注, .xlsx unless the input was .xlsm."""
    suffix = ".xlsm" if path.suffix.lower() == ".xlsm" else ".xlsx"
    return f"{path.stem}_已标注{suffix}"


def annotate(report: FileReport, out: str | Path) -> Path:
    """Write the marked-up copy of ``report.path`` to ``out``; returns the path written."""
    src = report.path
    out = Path(out)
    if src.suffix.lower() in (".xlsx", ".xlsm") and safety.inspect(src) == "xlsx":
        wb = load_workbook(src, keep_vba=src.suffix.lower() == ".xlsm", keep_links=True)
    else:
        wb = _copy_values(src)
        out = out.with_suffix(".xlsx")
    escape_control_characters(wb)
    if ISSUES_SHEET in wb.sheetnames:  # a file annotated before and sent back again
        del wb[ISSUES_SHEET]
    _mark_cells(wb, report.findings)
    _issues_sheet(wb, report.findings)
    marks.mark_openpyxl(wb, marks.ANNOTATED, marks.sha256(src))
    return atomic_save(wb, out)


def escape_control_characters(wb: Workbook) -> None:
    """Write control characters back the way Excel stores them (``_x0007_``), so the copy stays valid XML.

    openpyxl turns ``_x0007_`` into a real control character when it reads and cannot write it again.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and ILLEGAL.search(cell.value):
                    cell.value = ILLEGAL.sub(lambda m: f"_x{ord(m[0]):04X}_", cell.value)


def _mark_cells(wb: Workbook, findings: list[Finding]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.sheet in wb.sheetnames and f.cell:
            by_cell[(f.sheet, f.cell)].append(f)
    for (sheet, ref), found in by_cell.items():
        cell = wb[sheet][ref]
        worst = ERROR if any(f.severity == ERROR for f in found) else "warning"
        cell.fill = FILLS[worst]
        text = "\n".join(f"【{SEVERITY_LABEL[f.severity]}】{f.message}" for f in found)
        if cell.comment is not None:
            text = f"{cell.comment.text}\n{text}"
        comment = Comment(ILLEGAL.sub("", text), "unionxl")
        comment.width, comment.height = 320, 40 + 40 * len(found)
        cell.comment = comment


def _issues_sheet(wb: Workbook, findings: list[Finding]) -> None:
    ws = wb.create_sheet(ISSUES_SHEET)
    for col, (title, width) in enumerate(COLUMNS, start=1):
        ws.cell(1, col, title).font = Font(bold=True)
        ws.column_dimensions[ws.cell(1, col).column_letter].width = width
    for i, f in enumerate(findings, start=1):
        row = i + 1
        values = (i, SEVERITY_LABEL[f.severity], f.location, f.field, f.value, f.message, f.code)
        for col, value in enumerate(values, start=1):
            set_value(ws.cell(row, col), None if value is None else value if isinstance(value, int) else str(value))
        ws.cell(row, 2).fill = FILLS[f.severity]
        ws.cell(row, 6).alignment = Alignment(wrap_text=True, vertical="top")
        if f.sheet in wb.sheetnames and f.cell:
            link = ws.cell(row, 3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{f.sheet}'!{f.cell}", display=f.location)
            link.font = Font(color="0563C1", underline="single")
    if not findings:
        ws.cell(2, 1, "未发现问题。")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:G{max(1, len(findings)) + 1}"
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    wb.active = wb.sheetnames.index(ISSUES_SHEET)
    ws.sheet_view.tabSelected = True
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"


def _copy_values(src: Path) -> Workbook:
    """An .xlsx workbook holding the values of every sheet of an .xls/.ods file."""
    book = open_book(src)
    wb = Workbook()
    wb.remove(wb.active)
    for name in book.sheet_names:
        ws = wb.create_sheet(name[:31])
        for r, row in enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False), start=1):
            for c, value in enumerate(row, start=1):
                if value != "":
                    set_value(ws.cell(r, c), value)
    book.close()
    return wb
