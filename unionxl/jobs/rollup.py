"""The county roll-up as a job: ``unionxl merge`` given merged workbooks (township workbooks) instead of
village files builds the workbook one level up, the same way.

The rule for a batch: when the inputs hold village files, they are merged and any merged workbook
among them is set aside (as always: a township's own 乡镇汇总.xlsx in its inbox). When they hold only
merged workbooks (by their mark), those are rolled up; merged workbooks of different levels (a
township's and a county's) are refused, since a county's already holds its townships.
"""

from __future__ import annotations

from pathlib import Path

from ..merging import levels
from ..reading.inbox import scan
from ..writing import marks
from .errors import UserError


def merged_workbooks(paths: list[Path]) -> tuple[list[Path], list[tuple[Path, str]], int] | None:
    """(the merged workbooks, the other files set aside, their level) when ``paths`` hold merged workbooks
    and no village file; None otherwise (an ordinary merge)."""
    files, skipped = scan(paths)
    if files:
        return None
    found: dict[Path, int] = {}
    for path, _ in skipped:
        mark = marks.read(path) if path.is_file() else None
        level = levels.level_of(mark.kind) if mark else None
        if level is not None:
            found[path] = level
    if not found:
        return None
    kinds = sorted(set(found.values()))
    if len(kinds) > 1:
        named = "；".join(f"{levels.kind(k)}：{'、'.join(p.name for p, v in found.items() if v == k)}" for k in kinds)
        raise UserError(f"这批汇总工作簿不是同一级的（{named}），不能一起合并：上一级的汇总已包含下一级的数据。"
                        "请只合并同一级的汇总工作簿。")
    return list(found), [(p, why) for p, why in skipped if p not in found], kinds[0]
