"""Who reports the township summary upward: the township, the reporting unit, its head, the preparer,
the office phone and the date it is sent.

These come from the options of a job (``--township``, ``--unit`` …), else from the header block of
the village list (:func:`unionxl.reading.villages.read_villages`), and are kept in the township
workbook's data part so that a later ``unionxl summary`` fills them again. The phone is the
reporting office's (a landline on the form), not a member's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields, replace

# field -> the labels it is written under (compared as headers are: no colons, spaces or （必填）)
LABELS = {
    "township": ("乡镇名称", "乡镇（街道）名称", "乡镇", "乡镇（街道）"),
    "unit": ("填报单位", "填报单位（盖章）", "报送单位"),
    "head": ("单位负责人", "负责人"),
    "preparer": ("填表人", "填报人"),
    "phone": ("联系电话", "电话"),
}
DEFAULT_TITLE = "乡镇工会工作统计汇总表"


@dataclass(frozen=True)
class Reporter:
    township: str = ""  # 乡镇名称 (寨阳乡)
    unit: str = ""  # 填报单位 (寨阳乡总工会)
    head: str = ""  # 单位负责人
    preparer: str = ""  # 填表人
    phone: str = ""  # 联系电话: the office's
    report_date: dt.date | None = None  # 报送日期; None: the day the summary is filled

    def over(self, other: Reporter | None) -> Reporter:
        """These details, each one not given taken from ``other`` (options over the village list)."""
        if other is None:
            return self
        return replace(other, **{f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name)})

    @property
    def title(self) -> str:
        """The summary's title: 寨阳乡工会工作统计汇总表 (乡镇工会工作统计汇总表 without a township)."""
        return f"{self.township}工会工作统计汇总表" if self.township else DEFAULT_TITLE

    def values(self) -> list[str]:
        """The texts in field order (the report date as yyyy-mm-dd, "" when not given)."""
        return [*(getattr(self, key) for key in LABELS),
                self.report_date.isoformat() if self.report_date else ""]

    @classmethod
    def from_values(cls, values: list[object]) -> Reporter:
        """The inverse of :meth:`values` (a date cell or its text; anything else is left out)."""
        texts = [("" if v is None else str(v).strip()) for v in values]
        texts += [""] * (len(LABELS) + 1 - len(texts))
        day = values[len(LABELS)] if len(values) > len(LABELS) else None
        if isinstance(day, dt.datetime):
            day = day.date()
        elif not isinstance(day, dt.date):
            try:
                day = dt.date.fromisoformat(texts[len(LABELS)]) if texts[len(LABELS)] else None
            except ValueError:
                day = None
        return cls(*texts[:len(LABELS)], report_date=day)
