"""居民身份证号码 and 统一社会信用代码: check digits, birth dates, area codes."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
import re
from pathlib import Path

from ..checks.findings import Invalid
from . import fieldtype
from .fieldtype import FieldType, clean_text, is_future


# python-stdnum's area table (stdnum/cn/loc.dat): a line "11 province=…" names a province, the
# indented lines under it "  0105 county=…" its counties. Read here rather than through stdnum.numdb:
# importing any stdnum module runs stdnum.util, which imports pydoc and ssl (20 ms of every start),
# and numdb's general parser takes 40 ms for what is a set of six-digit codes.
_AREA_LINE = re.compile(r"^(?:([0-9]{2}) |  ([0-9]{4}) )\S", re.M)


@functools.cache
def _areas() -> frozenset[str]:
    """The six-digit codes of python-stdnum's area table (province + county), read on the first ID number."""
    folder = importlib.util.find_spec("stdnum").submodule_search_locations[0]  # stdnum itself not run
    text = (Path(folder) / "cn" / "loc.dat").read_text(encoding="utf-8")
    known, province = set(), ""
    for top, county in _AREA_LINE.findall(text):
        if top:
            province = top
        else:
            known.add(province + county)
    return frozenset(known)



def area_known(number: str) -> bool:
    """True when the first six digits name a county in python-stdnum's area table."""
    return number[:6] in _areas()


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number (python-stdnum's
    ``cn.ric.calc_check_digit``: weights 2^(17-i) mod 11 are the digits read in base 13, doubled)."""
    checksum = (1 - 2 * int(first17[:17], 13)) % 11
    return "X" if checksum == 10 else str(checksum)


def id_birth_date(number: str) -> dt.date:
    """Birth date of a clean 18-character ID number (raises ValueError when impossible)."""
    return ymd_date(number[6:14])


@functools.lru_cache(maxsize=65536)  # a roster of 100k people has some 20k distinct birthdays
def ymd_date(ymd: str) -> dt.date:
    """The date written YYYYMMDD (raises ValueError when impossible)."""
    return dt.date(int(ymd[:4]), int(ymd[4:6]), int(ymd[6:]))


def id_sex(number: str) -> str:
    """男 or 女 from the order code of a clean 18-character ID number."""
    return "男" if int(number[16]) % 2 else "女"


_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_ID15 = re.compile(r"[0-9]{15}")
_SPACE = re.compile(r"\s")
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+\d+")


class IdNumber(FieldType):
    """居民身份证号码 (GB 11643-1999). Returns the 18-character number with an upper-case X.

    A number stored as a number has lost its last digits: that is an error, never repaired.
    Full-width digits, a lower-case x and spaces are normalised (warning). A legacy 15-digit
    number is upgraded (warning). An unknown area code is only a warning: codes are retired
    over the years and stay valid for life.
    """

    name = "id_number"
    number_format = "@"

    def convert(self, raw, notes=None):
        number = raw if raw.__class__ is str and _ID18.fullmatch(raw) else self._normalise(raw, notes)
        try:
            birth = ymd_date(number[6:14])
        except ValueError:
            birth = None
        if birth is None or birth.year < 1900 or is_future(birth):
            raise Invalid("id-birth-date", birth=number[6:14])
        expected = id_check_char(number)  # of the first 17 characters
        if number[17] != expected:
            raise Invalid("id-checksum", expected=expected)
        if notes is not None and not area_known(number):
            notes.append(Invalid("id-unknown-area", area=number[:6]))
        return number

    def convert_common(self, raws):
        """The numbers written as 18 clean characters with a possible birth date, the right check
        character and a known area: the same steps as :meth:`convert`, in one loop."""
        areas, started, common = _areas(), fieldtype._STARTED, {}
        for number in filter(_ID18.fullmatch, [r for r in raws if r.__class__ is str]):
            try:
                birth = ymd_date(number[6:14])
            except ValueError:
                continue
            if (birth.year >= 1900 and (birth <= started or not is_future(birth)) and number[:6] in areas
                    and number[17] == id_check_char(number)):
                common[number] = number
        return common

    def _normalise(self, raw, notes) -> str:
        """An 18-character number from anything else the cell holds, or raise."""
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            raise Invalid("id-as-number")
        original = str(raw).strip()
        number = _SPACE.sub("", clean_text(raw)).upper().lstrip("'`‘’")  # '433101… typed to force text
        if _SCIENTIFIC.fullmatch(number):  # 4.33101E+17 typed or pasted as text
            raise Invalid("id-as-number")
        self._note(notes, original != number, "id-normalised", clean=number)
        if _ID15.fullmatch(number):
            number = self._upgrade(number, notes)
        if not _ID18.fullmatch(number):
            raise Invalid("id-format")
        return number

    @staticmethod
    def _note(notes, condition: bool, code: str, **params) -> None:
        if condition and notes is not None:
            notes.append(Invalid(code, **params))

    def _upgrade(self, number: str, notes) -> str:
        body = number[:6] + "19" + number[6:]
        try:
            id_birth_date(body + "0")
        except ValueError:
            raise Invalid("id-birth-date", birth=body[6:14]) from None
        upgraded = body + id_check_char(body)
        self._note(notes, True, "id-15-digit", upgraded=upgraded)
        return upgraded

    def validation(self):
        return {"type": "textLength", "operator": "equal", "formula1": "18"}


# 统一社会信用代码 (GB 32100-2015): 18 characters of this alphabet (no I O S V Z), the first 8 digits,
# the last a check character; python-stdnum's cn.uscc, written out (importing it costs 40 ms, see above)
CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT = re.compile(f"[0-9]{{8}}[{CREDIT_ALPHABET}]{{10}}")
_CREDIT_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212]")


def credit_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a 统一社会信用代码."""
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(first17, _CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total) % 31]


class CreditCode(FieldType):
    """统一社会信用代码 (GB 32100-2015): its format and check character."""

    name = "credit_code"
    number_format = "@"

    def convert(self, raw, notes=None):
        code = _CREDIT_SEPARATORS.sub("", clean_text(raw)).upper()
        if not _CREDIT.fullmatch(code) or code[17] != credit_check_char(code):
            raise Invalid("bad-credit-code")
        return code

    def validation(self):
        return {"type": "textLength", "operator": "equal", "formula1": "18"}
