"""Every workflow a door offers, as one function each: the doors (command line, Excel buttons, web
page) only gather arguments, call one of these and show the result.

Each job checks its outputs before it reads anything, takes an optional ``progress(done, total,
what)`` callback, returns a result object (:mod:`unionxl.jobs.results`) and raises nothing but
:class:`~unionxl.errors.UserError` for what the user can fix (:func:`unionxl.jobs.errors.job`).
Every stage (scan, merge, the township workbook, the summary) is called from one place here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from .. import bundled
from ..merging import levels
from ..merging.merge import MergeResult
from ..merging.merge import merge as merge_files
from ..reading.inbox import scan
from ..reading.villages import VillageList
from ..schema.reporter import Reporter
from ..writing.outputs import output_name, same_file, with_extension
from .batch import annotation_targets
from .errors import UserError, job
from .inputs import period as checked_period
from .inputs import output_file, township_output, village_list, with_period, workbooks, writable
from .results import Checked, Compared, Demo, Exported, Merged, Period, Progress, Received, Summarised, Written
from .rollup import merged_workbooks

if TYPE_CHECKING:
    from ..summary.fill import FillReport
    from ..summary.indicators import Dataset

# The writers (openpyxl, XlsxWriter), the roll-up, the periods' comparison and the forms are imported by
# the jobs that use them: `unionxl validate` and the buttons' import stay free of them (bench/peers.py
# measures start-up).

COPIES_FOLDER = "退回各村"  # where the demo writes its marked-up copies


def _paths(inputs: Iterable[str | Path]) -> list[Path]:
    return [Path(p) for p in inputs]


def _say(progress: Progress | None, done: int, total: int, what: str) -> None:
    if progress is not None:
        progress(done, total, what)


def _check(files: list[Path], skipped: list[tuple[Path, str]], villages: VillageList | None, strict: bool,
           targets: dict[Path, Path] | None, progress: Progress | None, rolled: bool = False) -> MergeResult:
    """Every file validated in a worker (marked-up copies where ``targets`` says) and sorted by village;
    ``rolled``: every file a merged workbook, read in a worker and sorted by its unit (the roll-up)."""
    total = len(files) + 1  # the last step writes the outputs

    def each(done: int, _: int) -> None:
        _say(progress, done, total, files[done - 1].name)

    if rolled:
        from ..merging.rollup import roll_up  # the data part's reader: only for merged workbooks

        return roll_up(files, villages, strict, skipped, each)
    return merge_files(files, villages, strict, skipped, each, targets or None)


@job
def receive(inputs: Iterable[str | Path]) -> Received:
    """What 收件 lists before anything is read: the workbooks in ``inputs`` and the files set aside, with why
    (none at all is no refusal here: the batch is still being gathered)."""
    files, skipped = scan(_paths(inputs))
    return Received(files=files, skipped=skipped)


@job
def validate(inputs: Iterable[str | Path], villages: str | Path | None = None, annotate_to: str | Path | None = None,
             annotate_dir: str | Path | None = None, period: Period | None = None,
             progress: Progress | None = None) -> Checked:
    """Validate every workbook in ``inputs`` (files and folders) and sort them by village.

    ``villages`` is the village list workbook (without it the covers' names are expected);
    ``annotate_to`` the marked-up copy of the one input, or ``annotate_dir`` a folder for the copies
    of all (``<name>_已标注.xlsx``); ``period`` the report period the covers should give.
    """
    paths = _paths(inputs)
    given = checked_period(period)
    villages = Path(villages) if villages is not None else None
    files, skipped = workbooks(paths)
    targets: dict[Path, Path] = {}
    if annotate_to is not None:
        if len(files) != 1:
            raise UserError(f"标注副本写到一个文件只能用于一个村报表，这里有 {len(files)} 个；请写到一个文件夹。")
        targets = {files[0]: with_extension(Path(annotate_to), Path(output_name(files[0])).suffix)}
    elif annotate_dir is not None:
        folder = Path(annotate_dir)
        if folder.exists() and not folder.is_dir():
            raise UserError(f"标注副本文件夹应是一个文件夹，现在是一个文件：{folder}")
        targets = annotation_targets(files, folder)
    writable([], [*files, villages], "校验", copies=targets.values())
    result = _check(files, skipped, village_list(villages), False, targets, progress)
    _say(progress, len(files) + 1, len(files) + 1, "校验完成")
    return Checked(inputs=paths, files=files, skipped=skipped, merged=result, period=given,
                   copies_dir=Path(annotate_dir) if annotate_to is None and annotate_dir is not None else None)


@job
def merge(inputs: Iterable[str | Path], output: str | Path, villages: str | Path | None = None, strict: bool = False,
          mask: bool = False, password: str | None = None, summary: bool = True,
          summary_template: str | Path | None = None, period: Period | None = None,
          progress: Progress | None = None, reporter: Reporter | None = None) -> Merged:
    """Validate and merge every workbook in ``inputs`` into the township workbook ``output``; given only
    merged workbooks (township workbooks, by their mark), merge those into the workbook one level up
    (a county's: :mod:`unionxl.jobs.rollup`).

    ``output`` may be a folder (``乡镇汇总.xlsx`` inside it) or a name without extension. With
    ``strict`` villages with errors are left out; ``mask`` masks ID and phone numbers; ``password``
    encrypts the file; ``summary`` fills the summary sheets from ``summary_template`` (default the
    bundled one); ``period`` names the villages whose cover gives another period; ``reporter`` who
    reports the summary (each detail not given taken from the village list's header block; the unit's
    name, 乡镇名称, by default the list's 本级 line or the covers' union names), which the roll-up above shows.
    """
    paths = _paths(inputs)
    given = checked_period(period)
    if password is not None and not password.strip():
        raise UserError("--password 的密码不能为空。")
    villages = Path(villages) if villages is not None else None
    template = (Path(summary_template) if summary_template is not None else bundled.summary_template()) \
        if summary else None
    out = township_output(Path(output))
    rolled = merged_workbooks(paths, out)
    files, skipped = rolled or workbooks(paths)
    writable([out], [*files, villages, summary_template], "合并")
    listed = village_list(villages)
    result = _check(files, skipped, listed, strict, None, progress, rolled=rolled is not None)
    result.reporter = _reporter(reporter, listed, result)
    mask = mask or levels.masked(result)  # a masked township workbook holds no ID numbers to write plain
    _say(progress, len(files), len(files) + 1, f"写出 {out.name}")
    township, filled = _township(result, out, mask, template, password)
    _say(progress, len(files) + 1, len(files) + 1, "合并完成")
    return Merged(outputs={levels.kind(result.level): township}, inputs=paths, files=files, skipped=skipped,
                  merged=result, period=given, township=township, filled=filled)


def _reporter(given: Reporter | None, listed: VillageList | None, result: MergeResult) -> Reporter:
    """Who reports: the details given, each one missing taken from the village list; the unit's name
    (乡镇名称) failing both from what was merged (:func:`unionxl.merging.levels.default_name`)."""
    found = (given or Reporter()).over(listed.reporter if listed is not None else None)
    return found if found.township else replace(found, township=levels.default_name(result))


def _township(result: MergeResult, out: Path, mask: bool, template: Path | None,
              password: str | None) -> tuple[Path, FillReport | None]:
    """The one call of the township writer."""
    from ..writing.township import write_township

    return write_township(result, out, mask, template, password)


def _dataset(township: Path) -> Dataset:
    """The one read of a township workbook's data."""
    from ..writing.readback import read_dataset

    return read_dataset(township)


def _pdf(summary: Path) -> tuple[Path | None, str | None]:
    """The summary as PDF, or why not (LibreOffice absent or failing: the .xlsx stands)."""
    from ..summary.pdf import PdfUnavailable, export_pdf

    try:
        return export_pdf(summary), None
    except PdfUnavailable as exc:
        return None, str(exc)


@job
def summarise(township: str | Path, output: str | Path | None = None, template: str | Path | None = None,
              pdf: bool = False, period: Period | None = None, progress: Progress | None = None,
              reporter: Reporter | None = None) -> Summarised:
    """Fill the summary template (default the bundled one) from a township workbook written by
    :func:`merge`; ``output`` defaults to ``<township>_汇总表.xlsx``; ``pdf`` also exports a PDF
    (through LibreOffice); ``period`` replaces the covers' period (each end where given); ``reporter``
    replaces the details the merge kept (each one where given)."""
    from ..summary.fill import summary_output, write_summary

    township = Path(township)
    given = checked_period(period)
    if not township.is_file():
        raise UserError(f"还没有乡镇汇总文件 {township}，请先合并。")
    out = with_extension(Path(output), ".xlsx") if output is not None else summary_output(township)
    template = Path(template) if template is not None else None
    writable([out, out.with_suffix(".pdf") if pdf else None], [township, template], "生成汇总")
    total = 3 if pdf else 2
    _say(progress, 0, total, f"读取 {township.name}")
    ds = _dataset(township)
    ds.period = with_period(ds.period, given)
    ds.reporter = (reporter or Reporter()).over(ds.reporter)
    _say(progress, 1, total, f"写出 {out.name}")
    path, filled = write_summary(ds, template or bundled.summary_template(), out)
    outputs = {"汇总表": path}
    made, why = None, None
    if pdf:
        _say(progress, 2, total, "导出 PDF")
        made, why = _pdf(path)
        if made is not None:
            outputs["PDF"] = made
    _say(progress, total, total, "汇总完成")
    return Summarised(outputs=outputs, township=township, summary=path, filled=filled, pdf=made, pdf_error=why)


@job
def write_templates(folder: str | Path = ".", progress: Progress | None = None) -> Written:
    """The village template (村工会报表模板.xlsx) and the summary template (乡镇汇总模板.xlsx) in ``folder``."""
    from ..summary.template import write_summary_template
    from ..writing.template import write_template

    folder = Path(folder)
    village = write_template(folder)
    _say(progress, 1, 2, village.name)
    summary = write_summary_template(folder)
    _say(progress, 2, 2, summary.name)
    return Written({"村工会报表模板": village, "乡镇汇总模板": summary})


@job
def demo(folder: str | Path = "unionxl-demo", progress: Progress | None = None,
         reporter: Reporter | None = None) -> Demo:
    """The main job on the bundled examples: the template, the 13 villages validated (marked-up copies
    in ``folder/退回各村``) and merged by the bundled village list into ``folder/乡镇汇总.xlsx``."""
    folder = Path(folder)
    township, copies = folder / "乡镇汇总.xlsx", folder / COPIES_FOLDER
    village_path, template = bundled.village_list(), bundled.summary_template()
    files, skipped = workbooks([bundled.examples_dir()])
    targets = annotation_targets(files, copies)
    writable([folder / bundled.TEMPLATE_NAME, township], [*files, village_path, template], "演示", copies=targets.values())
    made = _village_template(folder)
    listed = village_list(village_path)
    result = _check(files, skipped, listed, False, targets, progress)
    result.reporter = _reporter(reporter, listed, result)
    _say(progress, len(files), len(files) + 1, f"写出 {township.name}")
    path, filled = _township(result, township, False, template, None)
    _say(progress, len(files) + 1, len(files) + 1, "演示完成")
    merged = Merged(outputs={"乡镇汇总": path}, inputs=[bundled.examples_dir()], files=files, skipped=skipped,
                    merged=result, township=path, filled=filled, copies_dir=copies)
    return Demo({"村工会报表模板": made, "退回各村的标注副本": copies, "乡镇汇总": path}, merged)


def _village_template(folder: Path) -> Path:
    """The village template in ``folder``: the committed one copied (the same workbook, but for its save
    time: 0.25 s less of the demo), made from the schema where there is none."""
    committed = bundled.village_template()
    if not committed.is_file():
        from ..writing.template import write_template

        return write_template(folder)
    from ..writing.xlsxio import atomic_write

    return atomic_write(folder / bundled.TEMPLATE_NAME, lambda tmp: shutil.copyfile(committed, tmp))


@job
def excel_workbook(output: str | Path | None = None, progress: Progress | None = None) -> Written:
    """The macro-enabled workbook with the buttons (default ``workbooks/乡镇工会汇总.xlsm``)."""
    from ..doors.excelbook import build_excel_workbook

    path = build_excel_workbook(output)
    _say(progress, 1, 1, path.name)
    return Written({"带按钮的工作簿": path})



@job
def compare(last: str | Path, this: str | Path, output: str | Path | None = None, aid_caps=None,
            progress: Progress | None = None) -> Compared:
    """What changed from the period of ``last`` to that of ``this`` (two township workbooks written by
    :func:`merge`, or two submissions of one village), written to ``output`` (default ``变动情况.xlsx``;
    a folder: that name inside it). ``aid_caps``: ``["生活救助=3000", "5000"]`` or a mapping, a person's
    yearly aid cap per type (a bare amount: all types together)."""
    from ..periods import compare as compare_periods
    from ..periods.aid import parse_caps
    from ..writing.changes import OUTPUT_NAME as CHANGES_NAME, write_changes
    from .periods import load_both

    last, this = Path(last), Path(this)
    caps = parse_caps(aid_caps)
    out = output_file(Path(output) if output is not None else Path(CHANGES_NAME), CHANGES_NAME)
    if last.is_file() and this.is_file() and same_file(last, this):
        raise UserError(f"上期和本期是同一个文件：{this}。请给出两期的文件。")
    writable([out], [last, this], "比较")
    _say(progress, 0, 3, f"读取 {last.name}、{this.name}")
    before, after, notes = load_both(last, this)
    _say(progress, 1, 3, "比较两期")
    comparison = compare_periods(before.dataset, after.dataset, before.kind, caps)
    comparison.notes[:0] = notes
    _say(progress, 2, 3, f"写出 {out.name}")
    path = write_changes(comparison, out, last, this)
    _say(progress, 3, 3, "比较完成")
    return Compared(outputs={"变动情况": path}, last=last, this=this, comparison=comparison)


@job
def export_form(form: str | Path, township: str | Path, output: str | Path | None = None, villages: Iterable[str] = (),
                progress: Progress | None = None) -> Exported:
    """The members of a township workbook (of ``villages`` only, when given) in the layout of ``form``
    (a bundled form's name, see :func:`forms`, or a form file's path), written to ``output`` (default
    ``<township>_<form>.xlsx`` beside it)."""
    from ..exporting.export import fill, write_form
    from ..exporting.form import find

    layout = find(form)
    township = Path(township)
    out = township.with_name(f"{township.stem}_{layout.name}.xlsx") if output is None else Path(output)
    out = with_extension(out, ".xlsx")
    if not township.is_file():
        raise UserError(f"还没有乡镇汇总文件 {township}，请先合并。")
    writable([out], [township, layout.path], "导出")
    _say(progress, 0, 2, f"读取 {township.name}")
    filled = fill(layout, _dataset(township), township, list(villages))
    _say(progress, 1, 2, f"写出 {out.name}")
    path = write_form(filled, out)
    _say(progress, 2, 2, "导出完成")
    return Exported({layout.name: path}, layout.name, township, len(filled.lines), filled.villages, filled.lacking)


def forms() -> list[str]:
    """The names of the bundled upstream forms ``export_form`` knows."""
    from ..exporting.form import available

    return available()
