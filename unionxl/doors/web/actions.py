"""The page's three buttons — 校验, 合并, 生成汇总 — as calls of the jobs, each returning the line the page shows.

The options come from the page as JSON (``start``/``end`` ISO dates, ``strict``, ``mask``,
``password``, ``pdf``); :func:`options` turns them into the jobs' arguments and refuses what is
malformed with a Chinese line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ... import jobs
from ...errors import UserError
from ...jobs.inputs import TOWNSHIP_NAME
from ...jobs.results import Period
from .work import Task, Workspace


@dataclass
class Options:
    period: Period = (None, None)
    strict: bool = False
    mask: bool = False
    password: str | None = None
    pdf: bool = False


def _date(value: Any, label: str) -> dt.date | None:
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UserError(f"{label}「{value}」不是日期，请按 2026-01-01 的格式填写。") from None


def options(data: Any) -> Options:
    """The page's options (a JSON object); anything missing is off."""
    if not isinstance(data, dict):
        data = {}
    password = data.get("password")
    password = str(password) if password not in (None, "") else None
    return Options(period=(_date(data.get("start"), "统计期间开始"), _date(data.get("end"), "统计期间结束")),
                   strict=data.get("strict") is True, mask=data.get("mask") is True, password=password,
                   pdf=data.get("pdf") is True)


def _inputs(ws: Workspace) -> list:
    inputs = ws.inputs()
    if not inputs:
        raise UserError("还没有收到村报表：请把各村的报表文件（或整个文件夹）拖到上面，或填写文件夹路径。")
    return inputs


def validate(ws: Workspace, opts: Options) -> Callable[[Task], str]:
    inputs = _inputs(ws)

    def run(task: Task) -> str:
        copies = ws.fresh("校验") / "退回各村"
        checked = jobs.validate(inputs, ws.villages, annotate_dir=copies, period=opts.period, progress=task.progress)
        with ws.lock:
            ws.checked, ws.last = checked, "checked"
        failed = f"{len(checked.copies_failed)} 个文件未能生成标注副本。" if checked.copies_failed else ""
        return (f"校验完成：收到 {len(checked.files)} 个文件，{checked.tally()}。{checked.missing_note()}{failed}"
                f"{checked.clean_note()}{checked.period_note()}")

    return run


def merge(ws: Workspace, opts: Options) -> Callable[[Task], str]:
    inputs = _inputs(ws)

    def run(task: Task) -> str:
        out = ws.fresh("合并") / TOWNSHIP_NAME
        merged = jobs.merge(inputs, out, ws.villages, strict=opts.strict, mask=opts.mask, password=opts.password,
                            period=opts.period, progress=task.progress)
        with ws.lock:
            ws.merged, ws.summarised, ws.last = merged, None, "merged"
        locked = "（已设打开密码）" if opts.password else ""
        return (f"合并完成：{merged.tally()}。{merged.missing_note()}可下载乡镇汇总{locked}，或点“生成汇总”。"
                f"{merged.period_note()}")

    return run


def summarise(ws: Workspace, opts: Options) -> Callable[[Task], str]:
    merged = ws.merged
    if merged is None or merged.township is None:
        raise UserError("还没有合并：请先点“合并”，再生成汇总。")

    def run(task: Task) -> str:
        out = ws.fresh("汇总") / f"{merged.township.stem}_汇总表.xlsx"
        done = jobs.summarise(merged.township, out, pdf=opts.pdf, period=opts.period, progress=task.progress)
        with ws.lock:
            ws.summarised = done
        values = done.values
        line = (f"汇总完成：应报 {values['应报村数']} 个村，报送 {values['报送村数']} 个；会员 {values['会员总数']} 人，"
                f"帮扶 {values['帮扶人次']} 人次，维权案件 {values['维权案件数']} 件。")
        if done.pdf_error:
            line += f"未导出 PDF：{done.pdf_error}"
        return line

    return run


ACTIONS = {"validate": ("校验", validate), "merge": ("合并", merge), "summary": ("生成汇总", summarise)}
