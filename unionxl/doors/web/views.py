"""A job's result as the rows the page shows: plain strings and numbers, nothing to compute in the template.

Village text reaches the page only through Jinja's autoescaping; dates are shown as 2026-01-31.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from typing import Any

from ...jobs.results import Checked, Merged, Summarised
from ...merging.tables import ISSUE_COLUMNS, OTHERS_COLUMNS, PERIOD_COLUMNS
from ..report import indicator_lines
from .work import Workspace


def text(value: Any) -> str:
    """A cell as the page shows it."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def has_libreoffice() -> bool:
    """Whether the summary can also be exported as PDF here."""
    return bool(shutil.which("soffice") or shutil.which("libreoffice"))


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Finding:
    village: str
    file: str
    sheet: str
    cell: str
    field: str
    value: str
    severity: str  # 错误 | 警告
    message: str


@dataclass
class Batch:
    """The last 校验 or 合并 as the page shows it."""

    kind: str  # 校验 | 合并
    tally: str
    notes: list[str]
    status: Table  # 报送情况: one row per expected village
    others: Table  # files no village stands on, with what happened
    files: list[dict[str, Any]]  # 校验: one per file read, with its copy
    findings: list[Finding]
    villages: list[str]  # the findings' villages, sheets (for the filters)
    sheets: list[str]
    indicators: list[tuple[str, str]]
    township: str = ""  # the township workbook's name (合并)


def _status(checked: Checked) -> tuple[Table, Table]:
    """报送情况 split into the villages' rows and the other files' rows (the tally line is shown apart);
    the village codes and the cover periods are left to the township workbook."""
    columns = checked.status_columns()
    shown = [i for i, (t, _) in enumerate(columns) if t not in ("代码", *PERIOD_COLUMNS)]  # fits the screen
    main, others = Table([columns[i][0] for i in shown]), Table(list(OTHERS_COLUMNS))
    for row in checked.status_rows():
        if len(row) == len(columns):
            main.rows.append([text(row[i]) for i in shown])
        elif len(row) == len(OTHERS_COLUMNS) and row != list(OTHERS_COLUMNS):
            others.rows.append([text(v) for v in row])
    return main, others


def _files(ws: Workspace, checked: Checked) -> list[dict[str, Any]]:
    return [{"index": i, "file": ws.shown(r.path), "village": r.village or "", "readable": r.readable,
             "error": r.error or "", "errors": r.errors, "warnings": r.warnings, "copied": r.annotated is not None,
             "copy_error": r.annotate_error or "", "clean": r.readable and not r.findings} for i, r in enumerate(checked.reports)]


def _findings(checked: Checked) -> list[Finding]:
    assert [t for t, _ in ISSUE_COLUMNS][1:9] == ["村（社区）名称", "文件", "工作表", "单元格", "字段", "填写内容",
                                                   "级别", "问题说明"]
    return [Finding(*(text(v) for v in row[1:9])) for row in checked.issue_rows()]


def batch(ws: Workspace) -> Batch | None:
    checked: Checked | None = ws.merged if ws.last == "merged" else ws.checked
    if checked is None:
        return None
    status, others = _status(checked)
    findings = _findings(checked)
    merged = isinstance(checked, Merged)
    notes = [n for n in (checked.missing_note(), checked.clean_note(), checked.period_note(),
                         *(checked.messages if merged else ())) if n]
    return Batch(kind="合并" if merged else "校验", tally=checked.tally(), notes=notes, status=status, others=others,
                 files=[] if merged else _files(ws, checked), findings=findings,
                 villages=sorted({f.village for f in findings if f.village}),
                 sheets=sorted({f.sheet for f in findings if f.sheet}),
                 indicators=indicator_lines(checked.values) if merged and checked.values else [],
                 township=checked.township.name if merged and checked.township else "")


def summary(done: Summarised | None) -> dict[str, Any] | None:
    if done is None:
        return None
    return {"indicators": indicator_lines(done.values), "messages": done.messages, "name": done.summary.name,
            "pdf": done.pdf is not None, "pdf_error": done.pdf_error or ""}


def page(ws: Workspace) -> dict[str, Any]:
    """Everything the page template shows."""
    received = ws.received()
    task = ws.task
    return {"folders": [str(f) for f in ws.folders], "files": [ws.shown(p) for p in received.files],
            "skipped": [(ws.shown(p), why) for p, why in received.skipped],
            "villages": ws.villages.name if ws.villages else "", "batch": batch(ws), "summary": summary(ws.summarised),
            "merged": ws.merged is not None, "message": ws.message, "failed": ws.failed,
            "running": task.as_dict() if task is not None and task.state == "running" else None,
            "pdf_available": has_libreoffice()}
