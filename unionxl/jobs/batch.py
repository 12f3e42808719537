"""A batch of village files: each read once, validated and (on request) annotated in a worker process.

Every job that reads a batch (:mod:`unionxl.jobs.workflows`: validate, merge, the demo) runs its
files through :func:`check_all`, by way of the merge stage: whatever one file does to the parser — abort, panic, hang, exhaust memory —
that file gets a Chinese error and the rest of the batch goes on (:mod:`unionxl.jobs.isolation`).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

from .isolation import Crashed, run_each
from ..reading.reader import ReadError, is_panic, load
from ..checks.validate import FileReport, validate_file
from ..reading.villages import VillageList
from ..writing.outputs import output_name
from ..writing.xlsxio import OutputLocked


def check(path: Path, villages: VillageList | None, annotate_to: Path | None, keep_rows: bool,
          clean: bool = True) -> FileReport:
    """Read ``path`` once, validate it, write its marked-up copy to ``annotate_to`` (if given; with
    ``clean`` False only when the file has findings).

    Runs in a worker process; never raises for anything the file contains."""
    try:
        try:
            data = load(path)
        except ReadError as exc:
            return FileReport(path, error=exc.reason)
        report = validate_file(path, villages, data)
        if annotate_to is not None and report.readable and (clean or report.findings):
            AnnotateError, annotate = _annotating()
            try:
                report.annotated = annotate(report, annotate_to, data)
            except (AnnotateError, OutputLocked) as exc:
                report.annotate_error = str(exc)
            except MemoryError:  # the file was validated: keep its findings, say why there is no copy
                report.annotate_error = "无法生成标注副本：文件太大，内存不足。"
            gc.collect()  # openpyxl's workbook is all cycles: gone now, not frozen by the next file's pause
        if keep_rows:
            report.submission = None  # the raw cells are not needed any more: pickling stays cheap
        else:
            report.release()
        return report
    except (KeyboardInterrupt, SystemExit):
        raise
    except MemoryError:
        return FileReport(path, error="文件太大，内存不足，无法读取。")
    except BaseException as exc:  # a panic or a bug met on this file: this file's error, not the batch's
        what = "读取程序无法解析" if is_panic(exc) else f"处理时出错（{type(exc).__name__}）"
        return FileReport(path, error=f"{what}，文件可能已损坏或被篡改，请让村里重新保存后发送。")


def _annotating():
    """The marked-up copy's writer, imported on first need (it brings openpyxl: 0.2 s)."""
    from ..writing.annotate import AnnotateError, annotate

    return AnnotateError, annotate


def check_all(
    paths: list[Path],
    villages: VillageList | None = None,
    annotate_to: dict[Path, Path] | None = None,
    keep_rows: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[FileReport]:
    """:func:`check` for every path, each in a worker process; reports in the order of ``paths``.

    ``annotate_to`` maps a path to its marked-up copy (see :func:`annotation_targets`: :class:`Targets`
    write copies only of files with findings; a plain mapping writes them all)."""
    targets = annotate_to or {}
    if targets:
        _annotating()  # imported once here, before the workers fork, rather than in each worker
    clean = getattr(targets, "clean", True)
    items = [(p, targets.get(p), clean) for p in paths]
    for done, ((path, _, _), result) in enumerate(zip(items, run_each(_check, items, villages, keep_rows)), start=1):
        if isinstance(result, Crashed):
            result = FileReport(path, error=result.reason)
        if progress:
            progress(done, len(paths))
        yield result


def _check(item: tuple[Path, Path | None, bool], villages: VillageList | None, keep_rows: bool) -> FileReport:
    return check(item[0], villages, item[1], keep_rows, item[2])


class Targets(dict):
    """File -> where its marked-up copy goes; ``clean`` False: a file without findings gets none."""

    clean = False


def annotation_targets(paths: list[Path], folder: Path) -> Targets:
    """Where each file's marked-up copy goes in ``folder``: ``<name>_已标注.xlsx``, numbered when two
    inputs (in different folders) share a name, so no copy replaces another. Only files with findings
    get theirs (a village with nothing to fix needs nothing sent back)."""
    taken: set[str] = set()
    out = Targets()
    for path in paths:
        name = output_name(path)
        stem, suffix = name.rsplit(".", 1)
        n = 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}({n}).{suffix}"
        taken.add(name.lower())
        out[path] = folder / name
    return out
