"""The two files ``unionxl compare`` reads, each in a worker process (:mod:`.isolation`).

A township workbook (recognised by its mark) is read back from its data part
(:func:`~unionxl.writing.readback.read_dataset`); anything else is a village submission, read and
validated like any file of a batch (:func:`.batch.check`), its clean rows making a one-village
dataset. Two files of different kinds, or submissions of two villages, are refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..checks.validate import FileReport
from ..reading.reader import ReadError
from ..schema.registers import REGISTERS
from ..summary.indicators import Dataset, VillageStatus
from ..writing import marks
from ..writing.readback import read_dataset
from .batch import check
from .errors import UserError
from .isolation import Crashed, run_each

TOWNSHIP, VILLAGE = "乡镇汇总工作簿", "村报表"


@dataclass
class Loaded:
    path: Path
    kind: str = ""
    dataset: Dataset | None = None
    error: str | None = None  # one Chinese line: why the file cannot be compared
    errors: int = 0  # a village submission's validation errors (their cells are left out)


def load(path: Path) -> Loaded:
    """One file as a dataset (in a worker process: never raises for what the file holds)."""
    mark = marks.read(path)
    if mark is not None and mark.kind == marks.TOWNSHIP:
        try:
            return Loaded(path, TOWNSHIP, read_dataset(path))
        except ReadError as exc:
            return Loaded(path, TOWNSHIP, error=exc.reason)
    if mark is not None and mark.kind != marks.ANNOTATED:  # a marked copy sent back is the village's file
        return Loaded(path, error=f"这是 unionxl 生成的{mark.kind}，不是乡镇汇总工作簿，也不是村报表")
    report = check(path, None, None, keep_rows=True)
    if not report.readable:
        return Loaded(path, VILLAGE, error=report.error)
    return Loaded(path, VILLAGE, village_dataset(report), errors=report.errors)


def village_dataset(report: FileReport) -> Dataset:
    """One village's clean rows as a dataset (the village named by its cover)."""
    village = report.village or "（封面未填村名）"
    rows = {r.key: [(village, row.values) for row in report.rows.get(r.key, ())] for r in REGISTERS}
    return Dataset([VillageStatus(village)], rows, (report.cover.get("period_start"), report.cover.get("period_end")))


def _loaded(path: Path, result: Loaded | Crashed) -> Loaded:
    if isinstance(result, Crashed):
        raise UserError(f"{path.name}：{result.reason}")
    if result.error is not None:
        raise UserError(f"{path.name}：{result.error}")
    return result


def load_both(last: Path, this: Path) -> tuple[Loaded, Loaded, list[str]]:
    """Both periods (each file in its own worker), and notes on them; refusals as :class:`UserError`."""
    for path in (last, this):
        if not path.is_file():
            raise UserError(f"找不到文件：{path}")
    before, after = (_loaded(p, r) for p, r in zip((last, this), run_each(load, [last, this])))
    if before.kind != after.kind:
        raise UserError(f"两个文件不是同一类：上期 {last.name} 是{before.kind}，本期 {this.name} 是{after.kind}。"
                        "请比较两个乡镇汇总工作簿，或同一个村的两份报表。")
    for path, loaded in ((last, before), (this, after)):
        if loaded.dataset.masked:
            raise UserError(f"{path.name} 的身份证号已打码（合并时加了 --mask），无法按身份证号比对。"
                            "请用不加 --mask 合并的乡镇汇总工作簿。")
    notes = []
    if before.kind == VILLAGE:
        a, b = before.dataset.villages[0].name, after.dataset.villages[0].name
        if a != b:
            raise UserError(f"两份村报表不是同一个村：上期 {last.name} 是“{a}”，本期 {this.name} 是“{b}”。"
                            "请比较同一个村的两份报表，或两个乡镇汇总工作簿。")
        notes = [f"{label} {p.name} 有 {n} 条错误，出错的单元格不参与比较（可用 unionxl validate 查看）。"
                 for label, p, n in (("上期", last, before.errors), ("本期", this, after.errors)) if n]
    return before, after, notes
