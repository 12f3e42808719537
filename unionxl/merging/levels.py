"""Levels of a merge: villages (村) merge into a township workbook (乡镇), township workbooks into a county
workbook (县), county workbooks into a city workbook (市), and so on up.

A :class:`~unionxl.merging.merge.MergeResult` and a :class:`~unionxl.summary.indicators.Dataset` carry their
``level``: 1 for a township workbook (its units are villages), 2 for a county (its units are townships),
3 for a city. A row rolled up keeps its chain of places, innermost first: (village, village file),
(township, township workbook), … — its :attr:`Part.chain`. Everything here is plain data about levels:
names of the units, the columns that show a row's places, the mark a workbook of the level carries.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from ..checks.report import FileReport
from ..writing import marks

LEVELS = ("村", "乡镇", "县", "市", "省")  # level n merges units of level n - 1
TOWNSHIP = 1
UNIT_TITLES = ("村（社区）名称", "乡镇", "县（市、区）", "市（州）")  # the column naming a unit of each level
FILE_TITLES = ("来源文件", "乡镇汇总文件", "县级汇总文件", "市级汇总文件")  # the file a row came through
KINDS = ("", *marks.MERGED)  # the mark (marks.KIND) of a merged workbook of each level


def word(level: int) -> str:
    """The word for a level (1 -> 乡镇); beyond the list, 第 n 级."""
    return LEVELS[level] if 0 <= level < len(LEVELS) else f"第{level}级"


def unit_word(level: int) -> str:
    """What a workbook of ``level`` is merged from: 村 for a township workbook, 乡镇 for a county's."""
    return word(level - 1)


def kind(level: int) -> str:
    """The mark of a merged workbook of ``level`` (乡镇汇总, 县级汇总 …)."""
    return KINDS[level] if 0 < level < len(KINDS) else f"{word(level)}汇总"


def level_of(mark_kind: str | None) -> int | None:
    """The level of a workbook marked ``mark_kind``; None for anything that is no merged workbook."""
    return KINDS.index(mark_kind) if mark_kind in KINDS[1:] else None


def status_sheet(level: int) -> str:
    """报送情况 for a township workbook, 各乡镇报送情况 for a county's."""
    return "报送情况" if level <= TOWNSHIP else f"各{unit_word(level)}报送情况"


def _title(titles: tuple[str, ...], i: int, suffix: str) -> str:
    return titles[i] if i < len(titles) else f"{word(i)}{suffix}"


def unit_title(level: int) -> str:
    """The column naming the units merged at ``level``: 村（社区）名称 in a township workbook, 乡镇 in a county's."""
    return _title(UNIT_TITLES, level - 1, "名称")


def name_titles(level: int) -> list[tuple[str, float]]:
    """The columns naming a row's places, outermost first: 乡镇, 村（社区）名称 in a county workbook."""
    return [(_title(UNIT_TITLES, i, "名称"), 14 if i == 0 else 12) for i in range(level - 1, -1, -1)]


def file_titles(level: int) -> list[tuple[str, float]]:
    """The columns after 来源位置 naming the merged workbooks a row came through (乡镇汇总文件 …)."""
    return [(_title(FILE_TITLES, i, "汇总文件"), 24) for i in range(1, level)]


@dataclass
class Part(FileReport):
    """The rows one village file gave, as a merged workbook of the level below holds them: a report
    without findings whose ``chain`` names its places, innermost first ((village, file), (township,
    township workbook), …). ``path`` is the village file's name, ``cover`` its village and period."""

    chain: tuple[tuple[str, str], ...] = ()


@dataclass
class Rolled(FileReport):
    """A merged workbook of the level below read for a roll-up: ``cover`` holds its unit's name
    (``village``) and period, ``findings`` what was edited by hand since it was written, ``parts`` its
    rows by village file, ``units`` the statuses of its own units (the villages of a township)."""

    parts: list[Part] = field(default_factory=list)
    units: list[Any] = field(default_factory=list)  # VillageStatus of each unit it merged
    level: int = TOWNSHIP


def parts(report: FileReport) -> list[FileReport]:
    """The reports whose rows a merged unit stands for: a rolled-up workbook's parts, else itself."""
    return (report.parts or [report]) if isinstance(report, Rolled) else [report]


def chain(unit: str, report: FileReport) -> tuple[tuple[str, str], ...]:
    """A row's places: a village file's (its unit, the file), or a part's chain."""
    return report.chain if isinstance(report, Part) else ((unit, report.path.name),)


def names(unit: str, report: FileReport) -> list[Any]:
    """The cells of :func:`name_titles` for the rows of ``report`` (outermost first)."""
    return [name for name, _ in reversed(chain(unit, report))]


def files(unit: str, report: FileReport) -> list[Any]:
    """The cells of :func:`file_titles`: the merged workbooks the rows came through (innermost first)."""
    return [file for _, file in chain(unit, report)[1:]]


def place(unit: str, report: FileReport) -> str:
    """Where a row is, for a message: 坪朗村; 寨阳乡坪朗村 in a county workbook."""
    return "".join(names(unit, report))


def default_name(result) -> str:
    """The unit a merge is for when not named: the list's 本级 line (寨阳乡本级 -> 寨阳乡); for a township
    the covers' union names up to 乡/镇/街道 (寨阳乡坪朗村工会联合会 -> 寨阳乡); else ""."""
    own = result.own.village.name.strip() if result.own is not None else ""
    if own.endswith("本级") and len(own) > 2:
        return own.removesuffix("本级")
    if result.level == TOWNSHIP:
        unions = [r.cover.get("union_name") or "" for _, r in result.used]
        found = re.match(r".*(?:乡|镇|街道)", os.path.commonprefix(unions)) if unions else None
        return found[0] if found else ""
    return ""


def masked(result) -> bool:
    """Whether a roll-up holds a masked workbook (its ID numbers are stand-ins: the result is masked too)."""
    return any(f.code == "masked-workbook" for e in result.units if e.report for f in e.report.findings)


def inside(report: FileReport | None) -> list[str]:
    """What a rolled-up workbook says of its own units, for 各乡镇报送情况: 村：应报 13 个，已报 12 个（未报：雅留村）."""
    if not isinstance(report, Rolled) or not report.units:
        return []
    units = [u for u in report.units if not u.own]
    missing = [u.name for u in units if not u.merged]
    text = f"{unit_word(report.level)}：应报 {len(units)} 个，已合并 {len(units) - len(missing)} 个"
    return [text + (f"（未合并：{'、'.join(missing)}）" if missing else "")]
