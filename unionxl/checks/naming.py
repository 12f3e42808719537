"""Which village a cover means when its name cell is empty: from the 村代码, the 工会名称 or the title.

Only what the village wrote inside the workbook counts, never the file name (chat apps rename
files, and villages copy each other's files). With a village list only a listed village is taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..schema.fields import clean_text, is_blank
from .findings import Finding
from ..reading.tables import CoverValue, Submission
from ..reading.villages import VillageList

# 寨阳乡排杉村工会2012年1—10月工作报表 -> 排杉村; the name ends in 村 or 社区 and is followed by what a title says next
_NAMED = re.compile(r"([\u4e00-\u9fff]{1,12}?(?:村|社区))"
                    r"(?=工会|村委|委员会|居委|联合会|会员|帮扶|维权|困难|基本|统计|花名册|名册|台账|情况|\d|年|[(（]|工作|报表|$)")
_PLACE = re.compile(r"^.*(?:[乡镇]|街道|办事处)")
_SUFFIX = re.compile(r"(?:村民委员会|居民委员会|村委会|居委会|工会联合会|工会委员会|工会|联合会|委员会)$")
_NOT_NAMES = {"本村", "该村", "各村", "全村", "行政村", "自然村", "农村", "社区", "本社区", "各社区"}


def village_in_text(text: str, villages: VillageList | None) -> str | None:
    """The village a text names: a listed village (the longest one named), or without a list the
    first name ending in 村/社区 (without the township before it)."""
    text = clean_text(text).replace(" ", "")
    if villages is not None:
        return villages.named_in(text)
    for m in _NAMED.finditer(text):
        name = _PLACE.sub("", m[1])
        if len(name) >= 2 and name not in _NOT_NAMES:
            return name
    return None


def _sources(sub: Submission) -> Iterator[tuple[str, CoverValue]]:
    """(what it is, the cell) of the cover cells that may name the village, most reliable first."""
    for key, what in (("union_name", "工会名称"),):
        value = sub.cover.get(key)
        if value is not None and not is_blank(value.raw):
            yield what, value
    for value in sub.cover_texts:
        yield "封面标题", value


def as_listed(sub: Submission, villages: VillageList | None) -> Finding | None:
    """A cover name that is not on the list but plainly means one listed village — with the township
    before it (寨阳乡坪朗村), 村委会 or 工会 after it, or without 村 (坪朗): read as that village, with a warning."""
    given = sub.cover.get("village")
    if villages is None or given is None or is_blank(given.raw):
        return None
    name = clean_text(given.raw).replace(" ", "")
    if villages.find(name) is not None:
        return None
    bare = _SUFFIX.sub("", _PLACE.sub("", name))  # without the township before it and 村委会/工会 after it
    found = next((v for v in (villages.find(bare), villages.find(bare + "村"), villages.find(bare + "社区")) if v), None)
    if found is None:
        return None
    listed = found.name
    sub.cover["village"] = CoverValue(listed, given.row, given.col)
    return Finding("village-as-listed", {"village": listed}, sheet=sub.cover_sheet, row=given.row, col=given.col,
                   field="村（社区）名称", value=name)


def infer_village(sub: Submission, villages: VillageList | None) -> Finding | None:
    """When the cover's name cell is empty, fill ``sub.cover["village"]`` from the cover and say so;
    a name written otherwise than on the list is read as the listed one (:func:`as_listed`)."""
    given = sub.cover.get("village")
    if sub.cover_sheet is None:
        return None
    if given is not None and not is_blank(given.raw):
        return as_listed(sub, villages)
    found: tuple[str, CoverValue, str, str] | None = None
    code = sub.cover.get("village_code")
    if villages is not None and code is not None and not is_blank(code.raw):
        listed = villages.by_code(code.raw)
        if listed is not None:
            found = ("村代码", code, clean_text(code.raw), listed.name)
    for what, value in () if found else _sources(sub):
        name = village_in_text(str(value.raw), villages)
        if name:
            found = (what, value, clean_text(value.raw), name)
            break
    if found is None:
        return None
    what, where, text, name = found
    sub.cover["village"] = CoverValue(name, where.row, where.col)
    return Finding("village-inferred", {"source": what, "village": name}, sheet=sub.cover_sheet, row=where.row,
                   col=where.col, field="村（社区）名称", value=text)
