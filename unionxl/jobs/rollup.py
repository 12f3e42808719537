"""The county roll-up as a job: ``unionxl merge`` given merged workbooks (township workbooks) instead of
village files builds the workbook one level up, the same way.

The rule for a batch: it is a roll-up when it holds more merged workbooks (by their mark) than other
workbooks — the output itself, which is about to be replaced, not counted. Then the other workbooks
are not read and are listed as not unionxl's (a township that sent a workbook of its own making).
Otherwise the village files are merged and any merged workbook among them is set aside, as always (a
township's own 乡镇汇总.xlsx lying in its inbox). Merged workbooks of different levels (a township's and
a county's) are refused: a county's already holds its townships.
"""

from __future__ import annotations

from pathlib import Path

from ..merging import levels
from ..reading.inbox import scan
from ..writing import marks
from .errors import UserError

NOT_MERGED = ("不是 unionxl 生成的汇总工作簿（没有它的标记），未合并；上级汇总只合并 unionxl merge 生成的汇总工作簿"
              "（加了打开密码的，请先在 Excel 或 WPS 中去掉密码再发送）")


def merged_workbooks(paths: list[Path], out: Path) -> tuple[list[Path], list[tuple[Path, str]]] | None:
    """(the merged workbooks, every other file set aside with why) when ``paths`` are a roll-up; None when
    they are an ordinary merge of village files."""
    files, skipped = scan(paths)
    found: dict[Path, int] = {}
    for path, _ in skipped:
        mark = marks.read(path) if path.is_file() else None
        level = levels.level_of(mark.kind) if mark else None
        if level is not None and not _same(path, out):
            found[path] = level
    if len(found) <= len(files):
        return None
    kinds = sorted(set(found.values()))
    if len(kinds) > 1:
        named = "；".join(f"{levels.kind(k)}：{'、'.join(p.name for p, v in found.items() if v == k)}" for k in kinds)
        raise UserError(f"这批汇总工作簿不是同一级的（{named}），不能一起合并：上一级的汇总已包含下一级的数据。"
                        "请只合并同一级的汇总工作簿。")
    others = [(p, NOT_MERGED) for p in files] + [(p, why) for p, why in skipped if p not in found]
    return list(found), others


def _same(path: Path, out: Path) -> bool:
    try:
        return out.exists() and path.samefile(out)
    except OSError:
        return False
