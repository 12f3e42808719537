"""The marked-up copy sent back to a village: problem cells filled and commented, plus 问题清单.

Only fills and comments of problem cells change; values, formats and drop-downs stay as
they were, and the input file is only read. .xlsx/.xlsm are annotated in place of a copy
(macros kept); .xls/.ods become an .xlsx copy built from their values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import re
from collections import defaultdict
from pathlib import Path

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from ..errors import UserError
from . import marks, printing

from ..reading import safety
from ..checks.findings import ERROR, Finding
from ..reading.reader import ReadError, load, open_book, parsing
from ..checks.validate import FileReport
from .outputs import OutputError
from .vml import unique_shape_ids
from .xlsxio import ILLEGAL, OutputLocked, atomic_write, set_value

ISSUES_SHEET = "问题清单"
AUTHOR = "unionxl"
FILLS = {ERROR: PatternFill("solid", fgColor="FFC7CE"), "warning": PatternFill("solid", fgColor="FFEB9C")}
SEVERITY_LABEL = {ERROR: "错误", "warning": "警告"}
COLUMNS = (("序号", 5), ("级别", 5), ("位置", 14), ("字段", 10), ("填写内容", 16), ("问题及修改方法", 40), ("代码", 20))


class AnnotateError(UserError):
    """No marked-up copy could be written; the message is one Chinese line."""


def annotate(report: FileReport, out: str | Path, data: bytes | None = None) -> Path:
    """Write the marked-up copy of ``report.path`` to ``out``; returns the path written.

    ``data`` are the input's bytes when the caller has them (so the copy is made from what was
    validated, even if the file changed since). A workbook openpyxl cannot load or save as it
    is gets a copy of its values instead; AnnotateError when no copy can be written at all."""
    src, out = report.path, Path(out)
    try:
        if data is None:
            data = load(src)
        kind = report.kind or safety.inspect(data, src.name)
    except (ReadError, safety.UnsafeFile) as exc:
        raise AnnotateError(f"无法生成标注副本：{exc}") from None
    source = hashlib.sha256(data).hexdigest()
    if kind == "xlsx" and src.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            wb = load_workbook(io.BytesIO(data), keep_vba=src.suffix.lower() == ".xlsm", keep_links=True)
            return _write(wb, report.findings, out, {}, source, issues_title(report))
        except (OutputLocked, AnnotateError):
            raise
        except MemoryError:
            raise AnnotateError("无法生成标注副本：文件太大，内存不足。") from None
        except Exception:  # openpyxl cannot read or write it as it is: mark a copy of its values
            pass
    try:
        wb, names = _copy_values(src, data)
    except ReadError as exc:
        raise AnnotateError(f"无法生成标注副本：{exc.reason}") from None
    values = out.with_suffix(".xlsx")
    if values != out and values.exists() and marks.read(values) is None:  # a name nobody checked: never over a user's file
        raise AnnotateError(f"无法生成标注副本：{values.name} 已存在，且不是 unionxl 写的标注副本。")
    return _write(wb, report.findings, values, names, source, issues_title(report))


def _write(wb: Workbook, findings: list[Finding], out: Path, names: dict[str, str], source: str, title: str) -> Path:
    """Mark ``wb`` and save it to ``out``; ``source`` is the sha256 of the file it was made from, ``title``
    that of 问题清单."""
    if ISSUES_SHEET in wb.sheetnames:  # a file annotated before and sent back again
        del wb[ISSUES_SHEET]
    escape_control_characters(wb)
    _mark_cells(wb, findings, names)
    _issues_sheet(wb, findings, names, title)
    marks.mark_openpyxl(wb, marks.ANNOTATED, source)

    def save(tmp: Path) -> None:
        with unique_shape_ids(wb):
            wb.save(tmp)

    try:
        return atomic_write(out, save)
    except (OutputLocked, OutputError) as exc:
        raise AnnotateError(str(exc)) from None


_ESCAPES = re.compile(r"_x[0-9A-Fa-f]{4}_|[\x00-\x08\x0b\x0c\x0e-\x1f]")
_OWN_FILLS = {fill.fgColor.rgb[-6:] for fill in FILLS.values()}  # Excel saves them again as FFFFC7CE
_MARK = re.compile(r"^【(?:错误|警告)】", re.M)


def _escaped(match: re.Match[str]) -> str:
    text = match[0]
    return f"_x005F{text}" if len(text) > 1 else f"_x{ord(text):04X}_"


def escape_control_characters(wb: Workbook) -> None:
    """Prepare every cell of a workbook read by openpyxl to be written again, and remove unionxl's marks.

    Control characters are written back the way Excel stores them (``_x0007_``), so the copy stays valid
    XML; text a village typed that looks like such an escape (``_x0041_``) is escaped itself
    (``_x005F_x0041_``), since openpyxl writes it as it is and Excel would read ``A``. The fills and
    comments of an earlier annotation (a marked copy sent back) are removed: a cell fixed since loses
    its red fill and stale comment; a village's own comment is kept.
    """
    for ws in wb.worksheets:
        # the cells the sheet has (iter_rows would make one for every empty place in the used range)
        for cell in list(ws._cells.values()):
            value = cell.value
            if isinstance(value, str) and ("_x" in value or ILLEGAL.search(value)):
                cell.value = _ESCAPES.sub(_escaped, value)
            elif isinstance(value, float) and not math.isfinite(value):  # <v>inf</v>: no number Excel reads
                cell.value = str(value)
            if cell.has_style and cell.fill.fill_type == "solid" and str(cell.fill.fgColor.rgb)[-6:] in _OWN_FILLS:
                cell.fill = PatternFill()
            comment = cell.comment
            if comment is not None and (comment.author == AUTHOR or _MARK.search(comment.text or "")):
                # ours: by author, or (LibreOffice and WPS drop the author) by our 【错误】/【警告】 lines,
                # always written after the village's own text
                own = comment.text[:m.start()] if (m := _MARK.search(comment.text or "")) else ""
                cell.comment = Comment(own.rstrip("\n"), comment.author) if own.strip() else None


MAX_COMMENT = 32_767  # characters Excel keeps in a comment
COMMENTED = 2_000  # cells that get a comment; past them a problem cell is filled and listed in 问题清单 only


def _mark_cells(wb: Workbook, findings: list[Finding], names: dict[str, str]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        sheet = names.get(f.sheet, f.sheet)
        if sheet in wb.sheetnames and f.cell:
            cell = _target(wb[sheet], f.row, f.col)
            if cell is not None:
                by_cell[(sheet, cell.coordinate)].append(f)
    for n, ((sheet, ref), found) in enumerate(by_cell.items()):
        cell = wb[sheet][ref]
        worst = ERROR if any(f.severity == ERROR for f in found) else "warning"
        cell.fill = FILLS[worst]
        if n >= COMMENTED:  # thousands of comments make a copy slow to write and to open, and help no one
            continue
        text = "\n".join(f"【{SEVERITY_LABEL[f.severity]}】{f.message}" for f in found)
        if cell.comment is not None:
            text = f"{cell.comment.text}\n{text}"
        comment = Comment(ILLEGAL.sub("", text)[:MAX_COMMENT], AUTHOR)
        comment.width, comment.height = 320, 40 + 40 * min(len(found), 20)
        cell.comment = comment


def _inside(row: int, col: int) -> bool:
    """A cell a sheet can have (up to XFD1048576)."""
    return row <= 1_048_576 and col <= 16_384


def _target(ws, row: int, col: int):
    """The cell to mark at (row, col): itself, or the top-left cell of the merged range it is in
    (the other cells of a merged range hold nothing and take no comment); None beyond XFD1048576."""
    if not _inside(row, col):
        return None
    cell = ws.cell(row, col)
    if isinstance(cell, MergedCell):
        for merged in ws.merged_cells.ranges:
            if cell.coordinate in merged:
                return ws.cell(merged.min_row, merged.min_col)
        return None
    return cell


def issues_title(report: FileReport) -> str:
    """The title of a copy's 问题清单: village, report period (as the cover gives them) and 问题清单."""
    start, end = report.cover.get("period_start"), report.cover.get("period_end")
    period = ""
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        same = start.year == end.year
        period = f"{start.year}年{start.month}月—{'' if same else f'{end.year}年'}{end.month}月"
    return " ".join(t for t in (report.village or "", period, ISSUES_SHEET) if t)


HEAD_ROW = 2  # row 1 is the title


def _issues_sheet(wb: Workbook, findings: list[Finding], names: dict[str, str], title: str) -> None:
    """问题清单: a title, one row per finding, each tall enough for its wrapped message; A4 one page wide,
    the code (for machines) in a hidden column outside the printed area."""
    ws = wb.create_sheet(ISSUES_SHEET)
    shown = len(COLUMNS) - 1  # the code column is not printed
    set_value(ws.cell(1, 1), title)  # the village's name as typed: text, never a formula
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, end_row=1, start_column=1, end_column=shown)
    ws.row_dimensions[1].height = 24
    for col, (label, width) in enumerate(COLUMNS, start=1):
        ws.cell(HEAD_ROW, col, label).font = Font(bold=True)
        ws.column_dimensions[ws.cell(HEAD_ROW, col).column_letter].width = width
    ws.column_dimensions[ws.cell(HEAD_ROW, len(COLUMNS)).column_letter].hidden = True
    top = Alignment(wrap_text=True, vertical="top")
    for i, f in enumerate(findings, start=1):
        row = HEAD_ROW + i
        values = (i, SEVERITY_LABEL[f.severity], f.location, f.field, f.value, f.message, f.code)
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row, col)
            set_value(cell, None if value is None else value if isinstance(value, int) else str(value))
            cell.alignment = top
        ws.cell(row, 2).fill = FILLS[f.severity]
        ws.row_dimensions[row].height = printing.row_height(
            [(str(v), w) for v, (_, w) in zip(values[:shown], COLUMNS) if v is not None])
        sheet = names.get(f.sheet, f.sheet)
        if sheet in wb.sheetnames and f.cell and _inside(f.row, f.col):
            link = ws.cell(row, 3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{sheet}'!{f.cell}", display=f.location)
            link.font = Font(color="0563C1", underline="single")
    if not findings:
        ws.cell(HEAD_ROW + 1, 1, "未发现问题。")
    last = HEAD_ROW + max(1, len(findings))
    ws.freeze_panes = ws.cell(HEAD_ROW + 1, 1).coordinate
    ws.auto_filter.ref = f"A{HEAD_ROW}:{ws.cell(HEAD_ROW, len(COLUMNS)).column_letter}{last}"
    for sheet in wb.worksheets:
        sheet.sheet_view.tabSelected = False
    wb.active = wb.sheetnames.index(ISSUES_SHEET)
    ws.sheet_view.tabSelected = True
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0  # narrow enough to stay at 8 pt or more
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for side, inches in printing.MARGINS.items():
        setattr(ws.page_margins, side, inches)
    ws.print_title_rows = f"{HEAD_ROW}:{HEAD_ROW}"
    ws.print_area = f"A1:{ws.cell(HEAD_ROW, shown).column_letter}{last}"
    ws.oddFooter.center.text = f"{ISSUES_SHEET}  第 &P 页 / 共 &N 页"


_BAD_TITLE = re.compile(r"[\\*?:/\[\]]")


def sheet_title(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (no ``\\ * ? : / [ ]``, at most 31 characters, not blank, not
    ``History``) and not already in ``taken`` (compared as Excel does, ignoring case)."""
    base = _BAD_TITLE.sub("_", ILLEGAL.sub("", name)).strip("'")[:31] or "Sheet"
    if base.lower() == "history":
        base = "History_"
    title, n = base, 1
    while title.lower() in taken:
        n += 1
        title = f"{base[:31 - len(str(n)) - 1]}_{n}"
    taken.add(title.lower())
    return title


def _copy_values(src: Path, data: bytes) -> tuple[Workbook, dict[str, str]]:
    """An .xlsx workbook holding the values of every sheet of a file, and the sheet names that had
    to change (original -> new)."""
    wb = Workbook()
    wb.remove(wb.active)
    names: dict[str, str] = {}
    taken: set[str] = {ISSUES_SHEET.lower()}
    book = open_book(src, data)
    try:
        with parsing(src, "工作表内容无法读取，文件可能已损坏。"):
            sheets = book.sheet_names
        for name in sheets:
            ws = wb.create_sheet(sheet_title(name, taken))
            if ws.title != name:
                names[name] = ws.title
            try:
                with parsing(src, ""):
                    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except ReadError:  # one broken sheet: the others are still copied
                set_value(ws.cell(1, 1), "（这张工作表已损坏，无法读取，请村里重新填写后发送。）")
                continue
            for r, row in enumerate(rows[:1_048_576], start=1):
                for c, value in enumerate(row[:16_384], start=1):
                    if value != "":
                        set_value(ws.cell(r, c), str(value) if isinstance(value, float)
                                  and not math.isfinite(value) else value)
    finally:
        book.close()
    return wb, names
