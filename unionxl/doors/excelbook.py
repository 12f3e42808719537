"""Build 乡镇工会汇总.xlsm: the township workbook whose buttons run unionxl through xlwings.

Two steps, each done by the tool that does it best:

1. **The VBA project** is xlwings' own standalone project, taken from
   ``quickstart_standalone.xlsm`` of the *installed* xlwings, so its ``xlwings`` module
   (RunPython) and ``Dictionary`` class match the Python package exactly. pyOpenVBA
   replaces the sample ``Module1`` (which builds its Python command from the workbook's
   name) by the modules in ``macros/*.bas`` and writes ``vbaProject.bin``; the project's
   compiled cache is dropped, so Excel compiles the source on first open.
2. **The workbook** (操作 sheet with labels, input cells with defined names, buttons;
   empty 报送情况 / 问题清单 / 汇总 sheets; the ``xlwings.conf`` sheet) is written by
   XlsxWriter around that ``vbaProject.bin`` (``add_vba_project``, ``insert_button``:
   legacy form buttons, which every Excel since 2007 and LibreOffice read). Nothing passes
   through openpyxl, which would drop button parts.

The output depends only on ``macros/*.bas`` and the installed xlwings: building twice gives
the same workbook. ``unionxl excel-workbook [-o PATH]`` (or ``python -m unionxl.doors.excelbook``) runs
:func:`unionxl.jobs.excel_workbook`, which calls :func:`build_excel_workbook`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import quote_sheetname

from .. import bundled
from ..errors import UserError
from .panel import BUTTONS, INPUTS, ISSUES_SHEET, OPS, RESULTS, STATUS_SHEET, SUMMARY_SHEET
from ..writing.outputs import with_extension
from ..writing.xlsxio import atomic_write

WORKBOOK_NAME = bundled.WORKBOOK_NAME
CONF_SHEET = "xlwings.conf"
SAMPLE_MODULE = "Module1"  # the quickstart's sample macro, replaced by ours
CREATED = dt.datetime(2024, 1, 1)  # fixed, so two builds are identical
_VB_NAME = re.compile(r'^Attribute VB_Name = "([A-Za-z][A-Za-z0-9_]*)"\s*$', re.M)

# xlwings reads the settings from A1 down to the first blank cell in column A of the
# xlwings.conf sheet (key in A, value in B). Booleans must be real TRUE/FALSE values.
CONF = (
    ("Interpreter_Win", None, ("python.exe 的完整路径，例如 "
                               "C:\\Users\\张三\\AppData\\Local\\Programs\\Python\\Python312\\python.exe；"
                               "留空则用 PATH 中的 python")),
    ("Interpreter_Mac", None, "macOS：python 的完整路径，例如 /usr/local/bin/python3；留空则用 PATH 中的 python"),
    ("PYTHONPATH", None, "一般留空"),
    ("Conda Path", None, "用 Anaconda/Miniconda 时：conda 的安装文件夹，例如 C:\\Users\\张三\\miniconda3"),
    ("Conda Env", None, "用 conda 时：装了 unionxl 的环境名，例如 base"),
    ("Show Console", False, "改成 TRUE 可在运行时显示命令行窗口（排查问题时用）"),
    ("Use UDF Server", False, "保持 FALSE"),
)

RESULT_SHEETS = {
    STATUS_SHEET: ("（点“操作”工作表上的“校验”或“合并”后，这里列出每个村的报送情况）",
                   (6, 14, 14, 16, 30, 10, 12, 12, 12, 10, 10, 10, 7, 7, 50)),
    ISSUES_SHEET: ("（点“操作”工作表上的“校验”或“合并”后，这里列出每个问题：哪个村、哪个单元格、怎么改）",
                   (6, 12, 28, 10, 8, 12, 22, 6, 60, 22)),
    SUMMARY_SHEET: ("（先“合并”，再点“操作”工作表上的“生成汇总”，这里显示填好的汇总表）",
                    (24, 14, 10, 14, 10, 16, 10, 10, 14)),
}

INSTALL = r"pip install D:\unionxl"  # the README's line (tests/test_excel.py checks they agree)
SETUP = (
    "首次使用（每台电脑一次，详见 unionxl 的 README）：",
    f"1. 安装 Python 3.11 或更新版本，在命令行运行：{INSTALL}（unionxl 源码所在文件夹；xlwings 随之安装）",
    ("2. 打开本工作簿时点“启用内容”。若提示宏已被阻止：右键本文件 → 属性 → 勾选“解除锁定”，"
     "或在 Excel 选项 → 信任中心 → 受信任位置 中添加本文件所在的文件夹。"),
    ("3. 在“xlwings.conf”工作表的 B1 填写 python.exe 的完整路径（在命令行运行 where python 可查到）；"
     "留空则使用 PATH 中的 python。不需要安装 xlwings 加载项。"),
    "4. WPS 表格不支持 xlwings 按钮：WPS 用户请用命令行 unionxl validate / merge / summary。",
)


class BuildError(UserError):
    """The workbook with buttons cannot be built here; the message is one Chinese line."""


def read_modules(folder: Path | None = None) -> dict[str, str]:
    """Module name -> source (CRLF) for every ``.bas`` file; each must be ASCII and name itself."""
    modules: dict[str, str] = {}
    for path in sorted((folder or bundled.macros_dir()).glob("*.bas")):
        raw = path.read_bytes()
        try:
            text = raw.decode("ascii")
        except UnicodeDecodeError:
            raise ValueError(f"{path.name}: VBA source must be ASCII (Chinese belongs in cells)") from None
        found = _VB_NAME.search(text)
        if found is None or found.group(1) != path.stem:
            raise ValueError(f'{path.name}: the first line must be Attribute VB_Name = "{path.stem}"')
        modules[path.stem] = "\r\n".join(text.replace("\r\n", "\n").split("\n"))
    if not modules:
        raise ValueError(f"no .bas files in {folder or bundled.macros_dir()}")
    return modules


def xlwings_quickstart() -> Path:
    """The installed xlwings' standalone quickstart workbook (its VBA matches the package)."""
    try:
        import xlwings
    except ImportError:
        raise BuildError("生成带按钮的工作簿需要 xlwings：请先安装 unionxl（它会装上匹配的 xlwings）。") from None
    return Path(xlwings.__file__).resolve().parent / "quickstart_standalone.xlsm"


def vba_project(modules: dict[str, str] | None = None) -> bytes:
    """``vbaProject.bin``: xlwings' standalone project with ``Module1`` replaced by ``modules``."""
    try:
        from pyopenvba import ExcelFile
    except ImportError:
        raise BuildError("生成带按钮的工作簿需要 pyOpenVBA：请先安装 unionxl（它会装上 pyOpenVBA）。") from None
    modules = modules or read_modules()
    with tempfile.TemporaryDirectory(prefix="unionxl-") as tmp:
        source, target = Path(tmp) / "quickstart.xlsm", Path(tmp) / "project.xlsm"
        shutil.copyfile(xlwings_quickstart(), source)
        with ExcelFile(source) as wb:
            project = wb.vba_project()
            present = set(wb.module_names())
            if SAMPLE_MODULE in present:
                project.delete_module(SAMPLE_MODULE)
            for name, text in modules.items():
                if name in present:
                    raise ValueError(f"module {name} is already in xlwings' project")
                project.add_module(name, text)
            wb.save(target)
        with zipfile.ZipFile(target) as z:
            return z.read("xl/vbaProject.bin")


def build_excel_workbook(out: str | Path | None = None) -> Path:
    """Write the macro-enabled workbook (default ``workbooks/乡镇工会汇总.xlsm``); returns its path."""
    out = Path(out) if out is not None else bundled.workbooks_dir() / WORKBOOK_NAME
    out = with_extension(out, ".xlsm")
    project = vba_project()
    return atomic_write(out, lambda tmp: _write(tmp, project))


def _write(path: Path, project: bytes) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                           "strings_to_numbers": False})
    book.add_vba_project(io.BytesIO(project), is_stream=True)
    book.set_vba_name("ThisWorkbook")
    book.set_properties({"title": "乡镇工会汇总（按钮版）", "creator": "unionxl", "created": CREATED})
    _ops(book)
    for name, (note, widths) in RESULT_SHEETS.items():
        ws = book.add_worksheet(name)
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        ws.write_string(0, 0, note, book.add_format({"italic": True, "font_color": "#808080"}))
        ws.freeze_panes(1, 0)
    _conf(book)
    book.close()


def _ops(book: xlsxwriter.Workbook) -> None:
    ws = book.add_worksheet(OPS)
    ws.activate()
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 64)
    ws.set_column(2, 2, 60)
    ws.hide_gridlines(2)
    title = book.add_format({"bold": True, "font_size": 16})
    section = book.add_format({"bold": True, "font_size": 12, "bottom": 1})
    label = book.add_format({"bold": True, "align": "right", "valign": "vcenter"})
    hint = book.add_format({"font_color": "#666666", "text_wrap": True, "valign": "vcenter", "font_size": 9})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    box = {"border": 1, "border_color": "#A6A6A6", "valign": "vcenter"}
    inputs = {"path": book.add_format({**box, "bg_color": "#FFF2CC", "num_format": "@"}),
              "date": book.add_format({**box, "bg_color": "#FFF2CC", "num_format": "yyyy-mm-dd", "align": "left"})}
    results = {"text": book.add_format({**box, "bg_color": "#F2F2F2", "text_wrap": True, "bold": True}),
               "count": book.add_format({**box, "bg_color": "#F2F2F2", "num_format": "#,##0", "align": "left"}),
               "time": book.add_format({**box, "bg_color": "#F2F2F2", "num_format": "yyyy-mm-dd hh:mm:ss",
                                        "align": "left"}),
               "path": book.add_format({**box, "bg_color": "#F2F2F2", "num_format": "@"})}

    ws.write_string(0, 0, "乡镇工会报表汇总（按钮版）", title)
    ws.merge_range(1, 0, 1, 2, "填好下面的黄色格子，再依次点击按钮：校验 → 合并 → 生成汇总。结果写在“三、结果”和"
                   "“报送情况”“问题清单”“汇总”工作表；出了问题，“状态”一格会用中文说明原因和办法。", wrap)
    ws.set_row(1, 32)
    row = 3
    ws.write_string(row, 0, "一、填写", section)
    for cell in INPUTS:
        row += 1
        ws.set_row(row, 22)
        ws.write_string(row, 0, cell.label, label)
        ws.write_blank(row, 1, None, inputs[cell.kind])
        ws.write_string(row, 2, cell.hint, hint)
        book.define_name(cell.name, f"={quote_sheetname(OPS)}!$B${row + 1}")
    row += 2
    ws.write_string(row, 0, "二、点击按钮", section)
    for macro, (caption, what) in BUTTONS.items():
        row += 1
        ws.set_row(row, 33)
        ws.insert_button(row, 0, {"macro": macro, "caption": caption, "width": 136, "height": 36,
                                  "x_offset": 4, "y_offset": 4})
        ws.write_string(row, 1, what, hint)
    row += 2
    ws.write_string(row, 0, "三、结果", section)
    for cell in RESULTS:
        row += 1
        ws.set_row(row, 36 if cell.name == "状态" else 20)
        ws.write_string(row, 0, cell.label, label)
        ws.write_blank(row, 1, None, results[cell.kind])
        book.define_name(cell.name, f"={quote_sheetname(OPS)}!$B${row + 1}")
    row += 1
    for line in SETUP:
        row += 1
        ws.set_row(row, 30 if line[0].isdigit() else 18)
        ws.merge_range(row, 0, row, 2, line, section if not line[0].isdigit() else wrap)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 1)


def _conf(book: xlsxwriter.Workbook) -> None:
    ws = book.add_worksheet(CONF_SHEET)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 50)
    ws.set_column(2, 2, 90)
    note = book.add_format({"font_color": "#666666"})
    text = book.add_format({"num_format": "@"})
    for row, (key, value, hint) in enumerate(CONF):
        ws.write_string(row, 0, key)
        if isinstance(value, bool):
            ws.write_boolean(row, 1, value)
        else:
            ws.write_blank(row, 1, None, text)
        ws.write_string(row, 2, hint, note)
    lines = ("xlwings 的设置：A 列是设置项，B 列是值（从 A1 起连续填写，中间不能有空行）。",
             "通常只需在 B1 填写 python.exe 的完整路径；本表的设置优先于 xlwings 加载项和 xlwings.conf 文件。",
             "想改用 xlwings 加载项（功能区）里的设置时，把本表改名为 _xlwings.conf（本表即不再生效）。")
    for offset, line in enumerate(lines, start=len(CONF) + 1):
        ws.write_string(offset, 0, line, note)


if __name__ == "__main__":  # python -m unionxl.doors.excelbook [-o PATH]: the command excel-workbook
    import sys

    from .cli import main

    main(["excel-workbook", *sys.argv[1:]], prog_name="python -m unionxl.doors.excelbook")
