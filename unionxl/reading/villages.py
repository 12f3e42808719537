"""The list of villages a township expects: names and codes, read from a simple workbook.

The list may also name the township's own submission (乡镇本级: what the township union runs itself,
filled in the same template), as a line whose name ends in 本级 (寨阳乡本级). It counts in every total
but is no village: :attr:`VillageList.own`, :attr:`Village.own`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..schema.fields import clean_text, is_blank
from ..schema.reporter import LABELS, Reporter
from .reader import ReadError, header_key, open_book, parsing
from ..schema.registers import COVER, REGISTERS

LOOKS_LIKE = ("村名单是一个工作簿：第一张表第一行是列标题“村名”（可再加一列“代码”），下面每行一个村，"
              "例如自带的 workbooks/寨阳乡村名单.xlsx。")


def submission_sheets() -> set[str]:
    """The compared names of every sheet a village workbook has (the cover's and the registers')."""
    return {header_key(n) for register in (COVER, *REGISTERS) for n in register.sheet_names}


def field_labels() -> set[str]:
    """The compared headers and labels of every field of the cover and the registers."""
    return {header_key(label) for register in (COVER, *REGISTERS) for f in register.fields for label in f.headers}


NAME_HEADERS = {header_key(h) for h in ("村名", "村（社区）名称", "村(社区)名称", "名称", "村", "单位名称", "村名称",
                                         # a county's list of townships (县级汇总), a city's of counties
                                         "乡镇", "乡镇名称", "乡镇（街道）", "乡镇（街道）名称", "乡镇名", "街道",
                                         "县", "县名", "县（市、区）", "县（市、区）名称", "县名称")}
CODE_HEADERS = {header_key(h) for h in ("代码", "村代码", "村（社区）代码", "区划代码", "统计用区划代码", "乡镇代码",
                                         "乡镇（街道）代码", "县代码")}


OWN_SUFFIX = "本级"
OWN_NAMES = ("本级", "乡本级", "镇本级", "乡镇本级", "街道本级")  # what a township's cover may say for itself


@dataclass(frozen=True)
class Village:
    name: str
    code: str = ""
    own: bool = False  # the township's own submission (乡镇本级), not a village


def _key(name: str) -> str:
    return clean_text(name).replace(" ", "")


def is_own(name: str) -> bool:
    """The name is a township's own unit (寨阳乡本级, 本级)."""
    return _key(name).endswith(OWN_SUFFIX)


def code_text(value: Any) -> str:
    """A 村代码 as text: a code stored as a number (433101206204.0) without its ".0"; "" when blank."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if is_blank(value) else clean_text(value)


@dataclass
class VillageList:
    villages: list[Village]  # the villages, in list order
    own: Village | None = None  # the township's own submission (乡镇本级), when the list names it
    details: Reporter = field(default_factory=Reporter)  # the header block above the list (乡镇名称：…)

    def __post_init__(self) -> None:
        if self.own is not None and not self.own.own:
            self.own = Village(self.own.name, self.own.code, own=True)

    @property
    def units(self) -> list[Village]:
        """Every unit expected to submit: the villages, then the township's own."""
        return [*self.villages, *([self.own] if self.own else [])]

    @property
    def township(self) -> str:
        """The township's name: the header block's 乡镇名称, else as its own unit gives it (寨阳乡本级 ->
        寨阳乡); "" without either."""
        if self.details.township:
            return _key(self.details.township)
        return _key(self.own.name).removesuffix(OWN_SUFFIX) if self.own else ""

    @property
    def reporter(self) -> Reporter:
        """Who reports the summary, as the list gives it (the township's name as :attr:`township`)."""
        return replace(self.details, township=self.township)

    def find(self, name: str) -> Village | None:
        """The listed unit of this name; the township's own also as 本级, 乡镇本级 or the township's name."""
        wanted = _key(name)
        found = next((v for v in self.villages if _key(v.name) == wanted), None)
        if found is None and self.own is not None and (
                wanted == _key(self.own.name) or wanted in OWN_NAMES or wanted == self.township):
            return self.own
        return found

    def by_code(self, code: Any) -> Village | None:
        """The listed unit with this 村代码 (a code stored as a number included)."""
        wanted = _key(code_text(code))
        return next((v for v in self.units if v.code and _key(v.code) == wanted), None) if wanted else None

    def named_in(self, text: str) -> str | None:
        """The longest listed village name that ``text`` contains (工会名称, a title)."""
        text = _key(text)
        named = [v.name for v in self.villages if _key(v.name) in text]
        return max(named, key=len) if named else None

    def nearest(self, name: str, code: Any = None) -> Village | None:
        """The village probably meant: the one with the cover's 村代码, else the closest name by edit
        distance (坪郎村 -> 坪朗村, not 小坪村), if it is close enough."""
        if code is not None and not is_blank(code):
            listed = self.by_code(code)
            if listed is not None:
                return listed
        keys = [_key(v.name) for v in self.villages]
        from rapidfuzz import process  # 25 ms of imports: only where a name is not found exactly
        from rapidfuzz.distance import Levenshtein

        best = process.extractOne(_key(name), keys, scorer=Levenshtein.normalized_similarity, score_cutoff=0.5)
        return self.villages[best[2]] if best else None

    def suggest(self, name: str, code: Any = None) -> str:
        near = self.nearest(name, code)
        return f"，是否应为「{near.name}」" if near else ""

    @property
    def names(self) -> list[str]:
        return [v.name for v in self.villages]


def read_villages(path: str | Path) -> VillageList:
    """First sheet: a header row with 村名 (and optionally 代码), or simply names in column A."""
    path = Path(path)
    book = open_book(path)
    with parsing(path, "村名单无法打开，请提供 .xlsx/.xls/.ods 文件，第一张表列出村名（和代码）。"):
        rows = book.get_sheet_by_index(0).to_python()
    sheets = submission_sheets()
    if any(header_key(name) in sheets for name in book.sheet_names):
        raise ReadError(path, f"这是一份村报表，不是村名单。{LOOKS_LIKE}")
    name_col, code_col, start = 0, None, 0
    for i, row in enumerate(rows[:HEADER_ROWS]):
        keys = [header_key(v) for v in row]
        if any(k in NAME_HEADERS for k in keys):
            name_col = next(c for c, k in enumerate(keys) if k in NAME_HEADERS)
            code_col = next((c for c, k in enumerate(keys) if k in CODE_HEADERS), None)
            start = i + 1
            break
    details, block = header_block(rows[:start - 1] if start else rows, above_header=bool(start))
    villages, own = [], None
    for row in rows[max(start, block):]:
        name = row[name_col] if name_col < len(row) else None
        if is_blank(name):
            continue
        code = row[code_col] if code_col is not None and code_col < len(row) else ""
        if own is None and is_own(clean_text(name)):
            own = Village(clean_text(name), code_text(code), own=True)
        else:
            villages.append(Village(clean_text(name), code_text(code)))
    if not villages:
        raise ReadError(path, f"村名单中没有找到村名。{LOOKS_LIKE}")
    not_names = field_labels() - NAME_HEADERS
    labels = [v.name for v in villages if header_key(v.name) in not_names]
    if labels:
        raise ReadError(path, f"村名一列里有“{labels[0]}”这样的栏目名，不像村名单。{LOOKS_LIKE}")
    return VillageList(villages, own, details)


HEADER_ROWS = 15  # the 村名 header is looked for in these first rows (below a header block)
_LABEL_FIELDS = {header_key(label): key for key, labels in LABELS.items() for label in labels}


def _label(text: str) -> tuple[str | None, str]:
    """(the field a cell's label names, the value after its colon) for 「填报单位：寨阳乡总工会」,
    (field, "") for 「填报单位」 alone; (None, "") for anything else."""
    label, colon, value = text.replace(":", "：").partition("：")
    key = _LABEL_FIELDS.get(header_key(label))
    return (key, clean_text(value) if colon else "") if key else (None, "")


def _next_value(cells: list[str]) -> str:
    """The first filled cell before the next label ("" when a label comes first)."""
    for text in cells:
        if text:
            return "" if _label(text)[0] else text
    return ""


def header_block(rows: list[list[Any]], above_header: bool) -> tuple[Reporter, int]:
    """The township's details written above the list (「乡镇名称：寨阳乡」「填报单位 | 寨阳乡总工会」: the label
    in one cell, its value after the colon or in the next filled cell), and the number of leading rows
    that hold them. Above a 村名 header every line is looked at (a title may stand among them); in a
    list without a header the block ends at the first other line, the first village."""
    found: dict[str, str] = {}
    block = 0
    for i, row in enumerate(rows[:HEADER_ROWS]):
        cells = [code_text(v) for v in row]
        labelled = False
        for c, text in enumerate(cells):
            key, value = _label(text) if text else (None, "")
            if key is None:
                continue
            labelled = True
            found.setdefault(key, value or _next_value(cells[c + 1:]))
        if labelled:
            block = i + 1
        elif any(cells) and not above_header:
            break
    return Reporter(**{k: v for k, v in found.items() if v}), block
