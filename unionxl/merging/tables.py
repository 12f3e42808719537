"""The rows of 报送情况 and 问题清单, built once for every door and for the township workbook.

:func:`status_rows` and :func:`issue_rows` give what the township workbook's sheets of those
names hold below their header (:func:`status_columns`, :data:`ISSUE_COLUMNS`): the Excel
buttons show them in the calling workbook, the web page on screen, and the township writer
writes them (the 报送情况 cell of a village coloured when :func:`status_flagged`, the 级别 cell by
its severity). Values are plain Python values
(str, int, date, None); a blank line is an empty list.
"""

from __future__ import annotations

from typing import Any

from ..checks.findings import ERROR
from . import levels
from .merge import Entry, MergeResult, unknown_reason
from ..schema.registers import REGISTERS

PERIOD_COLUMNS = ("统计期间开始", "统计期间结束")


def status_columns(level: int = levels.TOWNSHIP) -> list[tuple[str, float]]:
    """(title, width) of 报送情况's columns (a county's names 乡镇): a row count per register, so built when asked."""
    return [("序号", 6), (levels.unit_title(level), 14), ("代码", 14), ("报送情况", 16), ("文件", 30), ("填报人", 10),
            ("填报日期", 12), *((p, 12) for p in PERIOD_COLUMNS), *((r.sheet, 10) for r in REGISTERS),
            ("错误", 7), ("警告", 7), ("说明", 50)]



STATUS_COLUMN = 3  # the 报送情况 column: red when the village sent nothing, was left out or has errors
OTHERS_TITLE = "其他文件"
OTHERS_COLUMNS = ("序号", "文件", "封面村名", "情况")
ISSUE_COLUMNS: list[tuple[str, float]] = [
    ("序号", 6), ("村（社区）名称", 12), ("文件", 28), ("工作表", 10), ("单元格", 8), ("字段", 12),
    ("填写内容", 22), ("级别", 6), ("问题说明", 60), ("代码", 22)]
SEVERITY_COLUMN = 7
SEVERITY = {ERROR: "错误", "warning": "警告"}

Rows = list[list[Any]]


def status_flagged(entry: Entry) -> bool:
    """Whether the village's 报送情况 cell is marked: nothing sent, left out, or errors."""
    return entry.report is None or entry.excluded or entry.report.errors > 0


def _entry_row(i: int, e: Entry) -> list[Any]:
    r = e.report
    notes = [*levels.inside(r), *(f"另有较早的一份未采用：{s.path.name}" for s in e.superseded)]
    if e.excluded:
        notes.insert(0, "有错误，按 --strict 未合并，请村里改正后重报")
    values: list[Any] = [i, e.village.name, e.village.code or (r.cover.get("village_code") if r else ""), e.status]
    if r is not None:
        values += [r.path.name, r.cover.get("preparer"), r.cover.get("fill_date"), r.cover.get("period_start"),
                   r.cover.get("period_end"), *(len(r.rows.get(reg.key, ())) for reg in REGISTERS), r.errors,
                   r.warnings]
    else:
        values += [None] * (7 + len(REGISTERS))
    return values + ["；".join(notes)]


def other_files(result: MergeResult) -> list[tuple[str, str | None, str]]:
    """(file name, the village its cover names, what happened) for every file no village stands on."""
    others = [(r.path.name, r.village, "另一份较早的报表，未采用") for e in result.units for r in e.superseded]
    others += [(r.path.name, r.village, unknown_reason(r)) for r in result.unknown]
    others += [(r.path.name, None, f"无法读取：{r.error}") for r in result.unreadable]
    return others + [(p.name, None, reason) for p, reason in result.skipped]


def status_rows(result: MergeResult) -> Rows:
    """报送情况 below its header: one row per expected village, then 其他文件 (superseded, unknown,
    unreadable and skipped files) under its own header, then the one-line tally."""
    rows: Rows = [_entry_row(i, e) for i, e in enumerate(result.units, start=1)]  # villages, then 本级
    others = other_files(result)
    if others:
        rows += [[], [OTHERS_TITLE], list(OTHERS_COLUMNS)]
        rows += [[i, name, village, reason] for i, (name, village, reason) in enumerate(others, start=1)]
    sent = sum(1 for e in result.entries if e.report is not None)
    expected = len(result.entries)
    word = levels.unit_word(result.level)
    return rows + [[], [f"应报 {expected} 个{word}，已报 {sent} 个，未报 {expected - sent} 个。"]]


def issue_rows(result: MergeResult) -> Rows:
    """问题清单 below its header: every finding of every readable file, then those across villages."""
    located = [(r.village or "", r, f) for r in result.reports if r.readable for f in r.findings]
    located += result.cross
    return [[i, village, report.path.name, f.sheet, f.cell, f.field, None if f.value is None else str(f.value),
             SEVERITY[f.severity], f.message, f.code] for i, (village, report, f) in enumerate(located, start=1)]
