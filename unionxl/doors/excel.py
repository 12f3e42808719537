"""The Python behind the buttons of 乡镇工会汇总.xlsm, run by xlwings ``RunPython``.

Each button's macro is one line, e.g. ``RunPython "import unionxl.excel as x; x.merge()"``.
:func:`validate`, :func:`merge`, :func:`summary` and :func:`open_issues` read their inputs
from defined names on the 操作 sheet (输入文件夹, 村名单, 期间开始, 期间结束, 输出文件,
退回文件夹; :mod:`unionxl.doors.panel`), run the same job as the command line
(:mod:`unionxl.jobs`) and write its result back into the calling workbook: one Chinese status
line (状态), a few counts, and the 报送情况, 问题清单 and 汇总 sheets, with the rows the
township workbook holds. Whatever goes wrong ends as a status message in the workbook, never
as a traceback in a VBA pop-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from .. import jobs
from ..errors import UserError
from ..jobs.inputs import TOWNSHIP_NAME, township_output
from ..jobs.results import Checked, Period
from ..merging.tables import ISSUE_COLUMNS
from .panel import (INPUTS, ISSUES_SHEET, STATUS_SHEET, SUMMARY_SHEET, Panel, Problem, blank, copy_sheet,
                    write_table)

FOLDER, VILLAGES, START, END, OUTPUT, BACK = INPUTS


def caller():
    """The workbook whose button was pressed. Tests replace ``xlwings.Book.caller``."""
    import xlwings

    return xlwings.Book.caller()


# -- the buttons ---------------------------------------------------------------------------------


def validate() -> None:
    """校验: validate every file in the folder; 报送情况 and 问题清单; marked-up copies on request."""
    _run("校验", _validate)


def merge() -> None:
    """合并: validate and merge into the township workbook; 报送情况 and 问题清单."""
    _run("合并", _merge)


def summary() -> None:
    """生成汇总: fill the summary from the township workbook; the 汇总 sheet."""
    _run("生成汇总", _summary)


def open_issues() -> None:
    """打开问题清单: go to the 问题清单 sheet."""
    _run("打开问题清单", _open_issues, busy=False)


def _run(title: str, action: Callable[[Panel], str | None], busy: bool = True) -> None:
    panel = Panel(caller())
    try:
        if busy:
            panel.set("状态", f"正在{title}，请稍候……")
        message = action(panel)
    except UserError as exc:
        message = f"{title}未完成：{exc}"
    except MemoryError:
        message = f"{title}未完成：内存不足。请把村报表分成几个文件夹分批处理。"
    except Exception as exc:  # the last resort: a message in the workbook, not a traceback
        message = f"{title}出错（{type(exc).__name__}）：{exc}。请检查输入，或用命令行 unionxl 重试。"
    if message is not None:
        panel.set("状态", message)
        panel.set("更新时间", dt.datetime.now().replace(microsecond=0))


# -- inputs --------------------------------------------------------------------------------------


def _folder(panel: Panel) -> Path:
    folder = panel.path(FOLDER)
    if folder is None:
        raise Problem("请先在“村报表文件夹”一格填写存放各村报表的文件夹。")
    if not folder.exists():
        raise Problem(f"找不到村报表文件夹：{folder}")
    if not folder.is_dir():
        raise Problem(f"“村报表文件夹”应是一个文件夹，现在填的是文件：{folder}")
    return folder


def _output(panel: Panel, folder: Path | None) -> Path:
    """The township workbook: as typed, or 乡镇汇总.xlsx beside the folder of submissions."""
    out = panel.path(OUTPUT)
    if out is not None:
        return out
    if folder is None:
        raise Problem("请填写“村报表文件夹”或“乡镇汇总文件”。")
    return folder.absolute().parent / TOWNSHIP_NAME


def _period(panel: Panel) -> Period:
    return panel.date(START), panel.date(END)


# -- the actions ---------------------------------------------------------------------------------


def _show(panel: Panel, checked: Checked) -> None:
    """报送情况 and 问题清单 as the township workbook holds them; the counts."""
    write_table(panel.sheet(STATUS_SHEET), [t for t, _ in checked.status_columns()], checked.status_rows())
    write_table(panel.sheet(ISSUES_SHEET), [t for t, _ in ISSUE_COLUMNS], checked.issue_rows())
    panel.counts(文件数=len(checked.files), 应报村数=checked.expected, 报送村数=checked.sent,
                 错误条数=checked.errors, 警告条数=checked.warnings, 无法读取=len(checked.unreadable))


def _validate(panel: Panel) -> str:
    folder = _folder(panel)
    back = panel.path(BACK)
    checked = jobs.validate([folder], villages=panel.path(VILLAGES), annotate_dir=back, period=_period(panel))
    _show(panel, checked)
    message = (f"校验完成：收到 {len(checked.files)} 个文件，{checked.tally()}。{checked.missing_note()}"
               "详见“报送情况”“问题清单”。")
    if back is not None:
        message += f"标注副本 {len(checked.copies)} 个在：{back}。{checked.clean_note()}"
        if checked.copies_failed:
            path, why = checked.copies_failed[0]
            message += f"{len(checked.copies_failed)} 个文件未能生成标注副本（{path.name}：{why}）。"
    return message + checked.period_note()


def _merge(panel: Panel) -> str:
    folder = _folder(panel)
    merged = jobs.merge([folder], _output(panel, folder), villages=panel.path(VILLAGES), period=_period(panel))
    _show(panel, merged)
    blank(panel.sheet(SUMMARY_SHEET), "合并已更新：请点“操作”工作表上的“生成汇总”。")
    panel.set("会员总数", merged.values.get("会员总数"))
    panel.set("结果文件", str(merged.township))
    return (f"合并完成：{merged.tally()}。{merged.missing_note()}乡镇汇总：{merged.township}。下一步：点“生成汇总”。"
            + merged.period_note())


def _summary(panel: Panel) -> str:
    township = township_output(_output(panel, panel.path(FOLDER)))
    done = jobs.summarise(township, period=_period(panel))
    copy_sheet(done.summary, SUMMARY_SHEET, panel.sheet(SUMMARY_SHEET))
    values = done.values
    panel.counts(应报村数=values["应报村数"], 报送村数=values["报送村数"], 会员总数=values["会员总数"])
    panel.set("结果文件", str(done.summary))
    return (f"汇总完成：应报 {values['应报村数']} 个村，报送 {values['报送村数']} 个；会员 {values['会员总数']} 人，"
            f"帮扶 {values['帮扶人次']} 人次 {values['帮扶金额']:,.2f} 元，维权案件 {values['维权案件数']} 件。"
            f"汇总表：{done.summary}。{''.join(done.messages)}")


def _open_issues(panel: Panel) -> str | None:
    sheet = panel.sheet(ISSUES_SHEET)
    sheet.activate()
    if sheet.range("A1").value != ISSUE_COLUMNS[0][0]:  # the first header of 问题清单
        return "问题清单还是空的：请先点“校验”或“合并”。"
    if sheet.range("A2").value in (None, ""):
        return "问题清单中没有问题：各村报表未发现错误或警告。"
    return None
