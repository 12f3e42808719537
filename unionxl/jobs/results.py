"""What a job hands back to a door: every count, name and path the door shows, and nothing to compute.

:class:`Checked` (a batch validated and sorted by village: 校验) and :class:`Merged` (that, plus the
township workbook: 合并) carry the files received and skipped, the villages expected, sent,
missing, sent twice, unreadable and unknown, the findings, the marked-up copies, the rows of
报送情况 and 问题清单 (:mod:`unionxl.merging.tables`) and the Chinese one-line tally the doors print.
:class:`Summarised` carries the summary's figures and files, :class:`Written` the files a job wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..checks.findings import ERROR, Finding
from ..checks.validate import FileReport
from ..merging.merge import MergeResult
from ..reading.inbox import folders
from ..schema.registers import MEMBERS, REGISTERS
from ..merging import levels, tables

if TYPE_CHECKING:
    from ..periods import Comparison  # the comparison's modules: imported by the compare job
    from ..summary.fill import FillReport  # openpyxl: imported where a summary is filled

Progress = Callable[[int, int, str], None]  # (steps done, steps in all, what was just done)
Period = tuple[dt.date | None, dt.date | None]  # (start, end); None where not given


@dataclass
class Written:
    """The files a job wrote: label (as the doors show it) -> path, in the order to show them."""

    outputs: dict[str, Path] = field(default_factory=dict)


@dataclass
class Received:
    """The workbooks a batch holds and the files set aside, with why (what 收件 lists)."""

    files: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


@dataclass
class Checked(Written):
    """A batch validated and sorted by village (what 校验 and ``unionxl validate`` show)."""

    inputs: list[Path] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)  # the workbooks read, in order
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # files set aside, with why
    merged: MergeResult | None = None  # every file validated and assigned to its village
    period: Period = (None, None)  # the report period the user gave, if any
    copies_dir: Path | None = None  # the folder of the marked-up copies, when asked for (only files with findings)

    @property
    def _result(self) -> MergeResult:
        assert self.merged is not None
        return self.merged

    @property
    def sub_folders(self) -> list[tuple[Path, int]]:
        """(sub-folder, workbooks read from it) for the sub-folders of the input folders that held some."""
        return folders(self.inputs, self.files)

    @property
    def reports(self) -> list[FileReport]:
        """One report per file read, in the order of :attr:`files`."""
        order = {p: i for i, p in enumerate(self.files)}
        return sorted(self._result.reports, key=lambda r: order.get(r.path, len(order)))

    @property
    def expected(self) -> int:
        return len(self._result.entries)

    @property
    def sent(self) -> int:
        return sum(1 for e in self._result.entries if e.report is not None)

    @property
    def missing(self) -> list[str]:
        """Names of the expected villages that sent nothing."""
        return [e.village.name for e in self._result.entries if e.report is None]

    @property
    def duplicates(self) -> list[tuple[str, Path, list[Path]]]:
        """(village, the file used, the earlier files not used) for every village that sent twice."""
        return [(e.village.name, e.report.path, [s.path for s in e.superseded])
                for e in self._result.entries if e.report is not None and e.superseded]

    @property
    def unreadable(self) -> list[FileReport]:
        return self._result.unreadable

    @property
    def unknown(self) -> list[FileReport]:
        """Readable files whose cover names no expected village (not merged)."""
        return self._result.unknown

    @property
    def findings(self) -> list[Finding]:
        """Every finding: those of each readable file, then those across villages."""
        return [f for r in self._result.reports if r.readable for f in r.findings] + [f for _, _, f in self._result.cross]

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    @property
    def warnings(self) -> int:
        return len(self.findings) - self.errors

    @property
    def row_counts(self) -> dict[str, int]:
        """Register key -> rows of the villages merged (a strict run leaves villages with errors out)."""
        return {reg.key: sum(len(r.rows.get(reg.key, ())) for _, r in self._result.used) for reg in REGISTERS}

    @property
    def members(self) -> int:
        """Rows of 会员名册 merged."""
        return self.row_counts[MEMBERS.key]

    @property
    def copies(self) -> list[Path]:
        """The marked-up copies written."""
        return [r.annotated for r in self.reports if r.annotated is not None]

    @property
    def clean(self) -> list[str]:
        """The villages (file names where the cover names none) whose file has no findings, in list order."""
        units = self.merged.units if self.merged is not None else []
        order = {id(e.report): i for i, e in enumerate(units) if e.report is not None}
        reports = sorted(self.reports, key=lambda r: order.get(id(r), len(order)))
        return list(dict.fromkeys(r.village or r.path.name for r in reports if r.readable and not r.findings))

    def clean_note(self) -> str:
        """「无问题的村（未生成标注副本）：…」 when copies went to a folder and some files needed none, else ""."""
        if self.copies_dir is None or not self.clean:
            return ""
        return f"无问题的村（未生成标注副本）：{'、'.join(self.clean)}。"

    def missing_note(self) -> str:
        """「未报送 N 个村：甲村、乙村。」 for the expected villages that sent nothing, else ""."""
        missing = self.missing
        return f"未报送 {len(missing)} 个村：{'、'.join(missing)}。" if missing else ""

    @property
    def copies_failed(self) -> list[tuple[Path, str]]:
        """(file, why) for every file whose marked-up copy could not be written."""
        return [(r.path, r.annotate_error) for r in self.reports if r.annotate_error is not None]

    @property
    def period_mismatch(self) -> list[str]:
        """Villages whose cover gives another report period than the one the user gave."""
        start, end = self.period
        if not (start or end):
            return []
        return [village for village, r in self._result.used
                if (start and r.cover.get("period_start") != start) or (end and r.cover.get("period_end") != end)]

    def status_columns(self) -> list[tuple[str, float]]:
        """(title, width) of 报送情况's columns: its unit column says 乡镇 in a county roll-up."""
        return tables.status_columns(self._result.level)

    def status_rows(self) -> tables.Rows:
        """报送情况 below its header (:func:`tables.status_columns`)."""
        return tables.status_rows(self._result)

    def issue_rows(self) -> tables.Rows:
        """问题清单 below its header (:data:`tables.ISSUE_COLUMNS`)."""
        return tables.issue_rows(self._result)

    def tally(self) -> str:
        """One Chinese line: villages expected and sent, errors, warnings, unreadable and unknown files."""
        word = levels.unit_word(self._result.level)  # 村; 乡镇 in a county roll-up
        text = f"应报 {self.expected} 个{word}，已报 {self.sent} 个"
        if self.missing:
            text += f"，未报 {len(self.missing)} 个"
        text += f"；错误 {self.errors} 条，警告 {self.warnings} 条"
        if self.unreadable:
            text += f"；{len(self.unreadable)} 个文件无法读取"
        if self.unknown:
            text += f"；{len(self.unknown)} 个文件的{word}名不在{word}名单中，未合并"
        return text

    def period_note(self) -> str:
        """A warning naming the villages whose cover period differs from the one given, or ""."""
        off = self.period_mismatch
        if not off:
            return ""
        more = "等" if len(off) > 5 else ""
        return f"注意：{len(off)} 个村封面上的统计期间与上面填写的不同（{'、'.join(off[:5])}{more}）。"

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read or its copy not written, 1 when a file has errors, else 0."""
        reports = self.reports
        if any(not r.readable or r.annotate_error for r in reports):
            return 2
        return 1 if any(r.errors for r in reports) else 0


@dataclass
class Merged(Checked):
    """A batch merged into the township workbook (what 合并 and ``unionxl merge`` show)."""

    township: Path | None = None
    filled: FillReport | None = None  # the summary sheets filled into it, if any

    @property
    def messages(self) -> list[str]:
        """What the summary template lacked or held unknown (one Chinese line each)."""
        return self.filled.messages() if self.filled else []

    @property
    def values(self) -> dict[str, Any]:
        """The summary's scalar indicators (会员总数, 帮扶金额…); empty without summary sheets."""
        return self.filled.values if self.filled else {}

    @property
    def exit_code(self) -> int:
        """2 when a file could not be read; 1 when a merged village has errors, a village is unknown or
        a strict run left one out; else 0."""
        result = self._result
        if result.unreadable:
            return 2
        left_out = result.strict and any(e.excluded for e in result.entries)
        merged = [e.report for e in result.units if e.report is not None and not e.excluded]
        return 1 if result.unknown or any(r.errors for r in merged) or left_out else 0


def _empty_fill() -> FillReport:
    from ..summary.fill import FillReport

    return FillReport()


@dataclass
class Summarised(Written):
    """A summary filled from a township workbook (what 生成汇总 and ``unionxl summary`` show)."""

    township: Path | None = None
    summary: Path | None = None
    filled: FillReport = field(default_factory=_empty_fill)
    pdf: Path | None = None
    pdf_error: str | None = None  # why no PDF was written (asked for, LibreOffice absent or failed)

    @property
    def values(self) -> dict[str, Any]:
        return self.filled.values

    @property
    def messages(self) -> list[str]:
        return self.filled.messages()

    @property
    def exit_code(self) -> int:
        return 1 if self.pdf_error else 0


@dataclass
class Demo(Written):
    """The demo: the template written, the examples validated (copies) and merged."""

    merged: Merged = field(default_factory=Merged)

    @property
    def exit_code(self) -> int:
        return self.merged.exit_code


@dataclass
class Compared(Written):
    """Two periods compared (what ``unionxl compare`` shows): the lists are in ``comparison``."""

    last: Path | None = None
    this: Path | None = None
    comparison: Comparison | None = None

    @property
    def exit_code(self) -> int:
        """1 when someone vanished without a 会籍 change or was aided above a cap, else 0."""
        c = self.comparison
        return 1 if c is not None and (c.roster.vanished or c.aid.over_cap) else 0


@dataclass
class Exported(Written):
    """The roster written in an upstream form's layout (what ``unionxl export`` shows)."""

    form: str = ""
    township: Path | None = None
    members: int = 0
    villages: list[str] = field(default_factory=list)
    lacking: list[Any] = field(default_factory=list)  # exporting.export.Lack: who lacks what, in form order

    @property
    def exit_code(self) -> int:
        """1 when a member lacks a required item or has a value the form cannot take, else 0."""
        return 1 if self.lacking else 0
