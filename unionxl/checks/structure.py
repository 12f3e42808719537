"""Checks on a workbook's structure (which sheet, which header, which lines were left out) and on its cover."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..reading.tables import Submission, Table
from ..schema.registers import COVER as COVER_REGISTER
from ..reading.villages import VillageList
from .findings import Finding
from .registry import COVER, STRUCTURE, check
from .report import FileReport


@check("sheet-choice", STRUCTURE, ("register-by-content", "two-register-sheets"))
def sheet_choice(table: Table) -> Iterator[Finding]:
    """The register was taken from a sheet of another name, or from one of several sheets like it."""
    if not table.named:
        yield Finding("register-by-content", {"register": table.register.sheet, "sheet": table.sheet}, sheet=table.sheet)
    if table.rivals:
        sheets = "、".join(f"“{name}”（{rows} 行）" for name, rows in [(table.sheet, len(table.numbers)), *table.rivals])
        yield Finding("two-register-sheets", {"register": table.register.sheet, "sheets": sheets, "used": table.sheet},
                      sheet=table.sheet)


@check("header", STRUCTURE, ("no-header", "missing-column", "extra-column"))
def header(table: Table) -> Iterator[Finding]:
    """No header row; required columns missing; columns the template does not have."""
    if not table.columns:
        yield Finding("no-header", {"sheet": table.sheet}, sheet=table.sheet)
        return
    for f in table.missing:
        yield Finding("missing-column", {"column": f.label}, sheet=table.sheet, field=f.label)
    for col, text in table.extra:
        yield Finding("extra-column", sheet=table.sheet, row=table.header_row, col=col + 1, value=text)


@check("left-out-rows", STRUCTURE, ("total-row", "header-again", "footer-row", "after-footer"))
def left_out_rows(table: Table) -> Iterator[Finding]:
    """The lines below the header that are not data: 合计, the header again, footers and what follows them."""
    for row in table.total_rows:
        yield Finding("total-row", sheet=table.sheet, row=row, col=1)
    for row in table.header_again:
        yield Finding("header-again", sheet=table.sheet, row=row, col=1)
    for row, col, text in table.footer_rows:
        yield Finding("footer-row", sheet=table.sheet, row=row, col=col, value=text)
    for row, col in table.after_footer:
        yield Finding("after-footer", {"footer": table.footer_rows[0][0]}, sheet=table.sheet, row=row, col=col)


def _at(sub: Submission, key: str, code: str, value: Any, **params: Any) -> Finding:
    where = sub.cover[key]
    return Finding(code, params, sheet=sub.cover_sheet, row=where.row, col=where.col, field=COVER_REGISTER.field(key).label,
                   value=value)


@check("cover-by-content", COVER, ("cover-by-content",))
def cover_by_content(report: FileReport, sub: Submission, villages: VillageList | None) -> Iterator[Finding]:
    """No sheet is named 封面: the cover items were found on another sheet."""
    if sub.cover_by_content:
        yield Finding("cover-by-content", {"sheet": sub.cover_sheet}, sheet=sub.cover_sheet)


@check("period-order", COVER, ("period-reversed",))
def period_order(report: FileReport, sub: Submission, villages: VillageList | None) -> Iterator[Finding]:
    """The report period ends before it starts."""
    start, end = report.cover.get("period_start"), report.cover.get("period_end")
    if start and end and end < start:
        yield _at(sub, "period_end", "period-reversed", end, start=start)


@check("village-listed", COVER, ("unknown-village",))
def village_listed(report: FileReport, sub: Submission, villages: VillageList | None) -> Iterator[Finding]:
    """The cover's village is on the village list (when there is one)."""
    village = report.cover.get("village")
    if village and villages is not None and villages.find(village) is None:
        code = sub.cover["village_code"].raw if "village_code" in sub.cover else None
        yield _at(sub, "village", "unknown-village", village, suggestion=villages.suggest(village, code))
