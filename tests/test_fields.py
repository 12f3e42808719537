"""Field types, one value at a time: what is accepted, how it is cleaned, and which code a rejection carries."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import string
from decimal import Decimal

import pytest
from stdnum.cn import ric, uscc

from unionxl.schema import codes

from unionxl.schema import dates, fields, fieldtype, idnumber
from unionxl.checks.findings import CODES, ERROR, WARNING, Finding, Invalid, UnknownCode
from unionxl.schema.fields import (
    Choice,
    CreditCode,
    Date,
    IdNumber,
    Integer,
    Money,
    Month,
    Phone,
    Text,
    area_known,
    clean_text,
    id_birth_date,
    id_sex,
    is_blank,
)

TODAY = dt.date.today()


def make_id(first17: str) -> str:
    """A valid 18-character ID: the check character from python-stdnum, not from the code under test."""
    assert len(first17) == 17
    return first17 + ric.calc_check_digit(first17 + "0")


def make_credit_code(first17: str) -> str:
    return first17 + uscc.calc_check_digit(first17)


def wrong_check(number: str) -> str:
    return number[:17] + ("1" if number[17] != "1" else "2")


# Woman born 1985-03-15 in 吉首市 (433101); man born 1978-02-11. Both check digits from stdnum.
WOMAN = make_id("43310119850315202")
MAN = make_id("43310119780211001")
# A number whose check character is X, so the lower-case x case is real.
WITH_X = next(n for n in (make_id(f"43310119850315{i:03d}") for i in range(1000)) if n.endswith("X"))


def convert(field_type, raw):
    """(value, notes) of a successful conversion."""
    notes: list[Invalid] = []
    value = field_type.convert(raw, notes)
    return value, notes


def rejected(field_type, raw) -> Invalid:
    with pytest.raises(Invalid) as info:
        field_type.convert(raw, [])
    return info.value


def codes_of(notes: list[Invalid]) -> list[str]:
    return [n.code for n in notes]


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  坪朗村  ", "坪朗村"),
        ("坪朗\u3000村", "坪朗 村"),  # ideographic space
        ("坪\u200b朗村\ufeff", "坪朗村"),  # zero-width space, BOM
        ("张\u00a0 \t三", "张 三"),  # non-breaking space and tab collapse to one space
        ("ＡＢＣ１２３", "ABC123"),  # full width
        (123, "123"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(("raw", "blank"), [(None, True), ("", True), ("  \u3000\u200b", True), ("0", False), (0, False)])
def test_is_blank(raw, blank):
    assert is_blank(raw) is blank


# --------------------------------------------------------------------------- ID numbers


def gb11643_check(first17: str) -> str:
    """The check character by the formula in GB 11643 (an independent second opinion)."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = (12 - sum(int(d) * w for d, w in zip(first17, weights)) % 11) % 11
    return "X" if check == 10 else str(check)


def test_test_ids_agree_with_the_standard_formula():
    for number in (WOMAN, MAN, WITH_X):
        assert number[17] == gb11643_check(number[:17])
    assert WITH_X.endswith("X")


@pytest.mark.parametrize("number", [WOMAN, MAN, WITH_X])
def test_valid_id_is_returned_unchanged_without_notes(number):
    assert convert(IdNumber(), number) == (number, [])


def test_id_surrounding_spaces_are_stripped_silently():
    assert convert(IdNumber(), f"  {WOMAN} ") == (WOMAN, [])


def test_id_wrong_check_digit_names_the_expected_one():
    problem = rejected(IdNumber(), wrong_check(WOMAN))
    assert problem.code == "id-checksum"
    assert problem.params == {"expected": WOMAN[17]}


@pytest.mark.parametrize(
    ("first17", "birth"),
    [
        ("43310119850230202", "19850230"),  # 30 February
        ("43310119851301202", "19851301"),  # month 13
        ("43310119850000202", "19850000"),
        ("43310118991231202", "18991231"),  # before 1900
    ],
)
def test_id_impossible_birth_date(first17, birth):
    problem = rejected(IdNumber(), make_id(first17))
    assert problem.code == "id-birth-date"
    assert problem.params == {"birth": birth}


def test_id_birth_date_in_the_future():
    tomorrow = TODAY + dt.timedelta(days=1)
    number = make_id(f"433101{tomorrow:%Y%m%d}202")
    problem = rejected(IdNumber(), number)
    assert problem.code == "id-birth-date"
    assert problem.params == {"birth": f"{tomorrow:%Y%m%d}"}


def test_id_born_today_is_accepted():
    number = make_id(f"433101{TODAY:%Y%m%d}202")
    assert convert(IdNumber(), number) == (number, [])


def test_id_lower_case_x_is_upper_cased_with_a_note():
    value, notes = convert(IdNumber(), WITH_X[:17] + "x")
    assert value == WITH_X
    assert codes_of(notes) == ["id-normalised"]
    assert notes[0].params == {"clean": WITH_X}


@pytest.mark.parametrize(
    "raw",
    [
        WOMAN.translate(str.maketrans(string.digits, "０１２３４５６７８９")),  # full-width digits
        WITH_X[:17].translate(str.maketrans(string.digits, "０１２３４５６７８９")) + "Ｘ",  # and a full-width X
        f"{WOMAN[:6]} {WOMAN[6:14]} {WOMAN[14:]}",  # spaces inside
        f"{WOMAN[:6]}\u200b{WOMAN[6:]}",  # zero-width space
    ],
)
def test_id_full_width_and_inner_spaces_are_normalised_with_a_note(raw):
    value, notes = convert(IdNumber(), raw)
    assert value in (WOMAN, WITH_X)
    assert codes_of(notes) == ["id-normalised"]
    assert notes[0].params == {"clean": value}


def test_id_legacy_15_digit_is_upgraded_with_a_note():
    legacy = WOMAN[:6] + WOMAN[8:17]  # drop "19" and the check character
    assert len(legacy) == 15
    value, notes = convert(IdNumber(), legacy)
    assert value == WOMAN
    assert codes_of(notes) == ["id-15-digit"]
    assert notes[0].params == {"upgraded": WOMAN}


def test_id_legacy_15_digit_with_impossible_date():
    problem = rejected(IdNumber(), "433101850230202")
    assert problem.code == "id-birth-date"
    assert problem.params == {"birth": "19850230"}


@pytest.mark.parametrize(
    "raw",
    [
        int(WOMAN),  # typed into a Number cell
        float(WOMAN),  # what a reader gives for the same cell
        4.33101198503152e17,
        433101850315202,  # even a legacy 15-digit one: the cell may have been reformatted
        "4.33101E+17",  # the cell as Excel shows it, copied as text
        "4.33101e+17",
        "4.33101Ｅ＋17",
    ],
)
def test_id_stored_as_a_number_is_an_error_never_repaired(raw):
    problem = rejected(IdNumber(), raw)
    assert problem.code == "id-as-number"


def test_id_unknown_area_is_only_a_warning():
    number = make_id("99010119850315202")
    value, notes = convert(IdNumber(), number)
    assert value == number
    assert codes_of(notes) == ["id-unknown-area"]
    assert notes[0].params == {"area": "990101"}


@pytest.mark.parametrize("area", ["433101", "433122", "110101", "810000"])
def test_known_areas(area):
    assert area_known(make_id(area + "19850315202"))
    assert convert(IdNumber(), make_id(area + "19850315202"))[1] == []


@pytest.mark.parametrize(
    "raw",
    [
        WOMAN[:17],  # 17 characters
        WOMAN + "1",  # 19
        WOMAN[:16],
        "4331011985031520X4",  # X not at the end
        "43310119850315202Y",
        "ABCDEFGHIJKLMNOPQR",
        "无",
        "",
    ],
)
def test_id_wrong_format(raw):
    assert rejected(IdNumber(), raw).code == "id-format"


def test_id_convert_without_a_notes_list():
    assert IdNumber().convert(WITH_X[:17] + "x") == WITH_X


@pytest.mark.parametrize(("number", "sex"), [(WOMAN, "女"), (MAN, "男"), (make_id("43310119900101001"), "男")])
def test_id_sex(number, sex):
    assert id_sex(number) == sex


@pytest.mark.parametrize(("number", "birth"), [(WOMAN, dt.date(1985, 3, 15)), (MAN, dt.date(1978, 2, 11))])
def test_id_birth_date(number, birth):
    assert id_birth_date(number) == birth


def test_id_birth_date_raises_when_impossible():
    with pytest.raises(ValueError):
        id_birth_date(make_id("43310119850230202"))


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "raw",
    [
        dt.date(2012, 11, 1),
        dt.datetime(2012, 11, 1),
        dt.datetime(2012, 11, 1, 15, 30),
        "2012-11-01",
        "2012.11.1",
        "2012年11月1日",
        "2012 年 11 月 1 日",
        "２０１２年１１月１日",
        "20121101",
        20121101,
        "2012/11/01",
        "2012/11/1",
        "12-11-1",
        "12.11.01",
        "2012-11-01 00:00:00",
        "2012-11-01 8:30",
        " 2012-11-01 ",
    ],
)
def test_date_forms(raw):
    assert convert(Date(), raw) == (dt.date(2012, 11, 1), [])


def test_two_digit_year_in_the_past_century():
    assert Date().convert("99-1-1") == dt.date(1999, 1, 1)


@pytest.mark.parametrize(
    "raw",
    ["abc", "2012-02-30", "2013-02-29", "2012-13-01", "2012-11", "十一月一日", "2012-11-01-02", "", "201211011", True],
)
def test_bad_date(raw):
    assert rejected(Date(), raw).code == "bad-date"


def test_leap_day():
    assert Date().convert("2012-02-29") == dt.date(2012, 2, 29)


@pytest.mark.parametrize("delta", [1, 400])
def test_future_date(delta):
    future = TODAY + dt.timedelta(days=delta)
    assert rejected(Date(), future).code == "future-date"
    assert rejected(Date(), future.isoformat()).code == "future-date"
    assert Date(allow_future=True).convert(future) == future
    assert Date(allow_future=True).convert(future.isoformat()) == future


def test_today_is_not_the_future():
    assert Date().convert(TODAY) == TODAY


@pytest.mark.parametrize("raw", [dt.date(1899, 12, 31), "1899-12-31", dt.datetime(1850, 1, 1)])
def test_date_before_1900(raw):
    assert rejected(Date(), raw).code == "too-old-date"


def test_first_of_1900_is_accepted():
    assert Date().convert("1900-01-01") == dt.date(1900, 1, 1)


# --------------------------------------------------------------------------- money and integers


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        (500, Decimal("500.00")),
        (0, Decimal("0.00")),
        (0.1, Decimal("0.10")),
        (1234.5, Decimal("1234.50")),
        (500.0, Decimal("500.00")),
        (0.1 + 0.2, Decimal("0.30")),  # a formula result: Excel shows 0.3
        (3 * 1.1, Decimal("3.30")),
        ("1,234.50", Decimal("1234.50")),
        ("1，234.50", Decimal("1234.50")),  # full-width comma
        ("￥500", Decimal("500.00")),
        ("¥500", Decimal("500.00")),
        ("500元", Decimal("500.00")),
        ("1.8万", Decimal("18000.00")),
        ("1.8万元", Decimal("18000.00")),
        ("６５０００", Decimal("65000.00")),
        (" 1 234 ", Decimal("1234.00")),
        ("1.230", Decimal("1.23")),  # a trailing zero is not a third decimal
    ],
)
def test_money_accepted(raw, value):
    got, notes = convert(Money(), raw)
    assert got == value and notes == []
    assert got.as_tuple().exponent == -2


def test_money_negative():
    problem = rejected(Money(), -5)
    assert problem.code == "negative"
    assert problem.params == {"minimum": 0}
    assert rejected(Money(), "-0.01").code == "negative"


@pytest.mark.parametrize("raw", ["1.234", 0.125, "0.001", "1.2345元"])
def test_money_too_many_decimals(raw):
    assert rejected(Money(), raw).code == "too-many-decimals"


@pytest.mark.parametrize("raw", ["abc", "五百", "", "NaN", "inf", "1.2.3", True, False, "1e999999万"])
def test_money_not_a_number(raw):
    assert rejected(Money(), raw).code == "bad-number"


@pytest.mark.parametrize("raw", [10**13, 1e20, "1e20万", "100000000000000000000000000000", -(10**14)])
def test_absurdly_large_numbers_are_findings_not_crashes(raw):
    assert rejected(Money(), raw).code == "number-too-large"
    assert rejected(Integer(), raw).code == "number-too-large"


@pytest.mark.parametrize(("raw", "value"), [(3, 3), (3.0, 3), ("3", 3), ("1,000", 1000), ("１２", 12)])
def test_integer_accepted(raw, value):
    got = Integer(minimum=1).convert(raw)
    assert got == value and type(got) is int


@pytest.mark.parametrize("raw", [2.5, "2.5", "0.1"])
def test_integer_rejects_fractions(raw):
    assert rejected(Integer(), raw).code == "not-integer"


def test_integer_minimum():
    problem = rejected(Integer(minimum=1), 0)
    assert problem.code == "negative"
    assert problem.params == {"minimum": 1}
    assert Integer(minimum=0).convert(0) == 0
    assert rejected(Integer(), -1).code == "negative"


@pytest.mark.parametrize("raw", ["三", "3人", True, ""])
def test_integer_not_a_number(raw):
    assert rejected(Integer(), raw).code == "bad-number"


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("13807431234", "13807431234"),
        ("138 0743 1234", "13807431234"),
        ("138-0743-1234", "13807431234"),
        ("+86 13807431234", "13807431234"),
        ("+86 138 0743 1234", "13807431234"),
        ("+86 138-0743-1234", "13807431234"),
        ("+86-138-0743-1234", "13807431234"),
        ("8613807431234", "13807431234"),
        ("１３８０７４３１２３４", "13807431234"),
        (13807431234, "13807431234"),  # a mobile stored as a number loses nothing
        (13807431234.0, "13807431234"),
        ("19907431234", "19907431234"),
        ("0743-8221234", "0743-8221234"),
        ("07438221234", "07438221234"),
        ("0743 8221234", "07438221234"),
        ("(0743)8221234", "07438221234"),
        ("010-12345678", "010-12345678"),
    ],
)
def test_phone_accepted(raw, value):
    assert convert(Phone(), raw) == (value, [])


@pytest.mark.parametrize(
    "raw",
    [
        "1380743123",  # 10 digits
        "138074312345",  # 12 digits
        "12807431234",  # 12x is not a mobile prefix
        "8221234",  # landline without area code
        "0743-822",
        "abc",
        "无",
        "",
        7438221234,  # landline stored as a number: the leading 0 is gone
        True,
    ],
)
def test_phone_rejected(raw):
    assert rejected(Phone(), raw).code == "bad-phone"


# --------------------------------------------------------------------------- choices


@pytest.mark.parametrize(
    ("codes_list", "raw", "label"),
    [
        (codes.ETHNICITY, "汉族", "汉族"),
        (codes.ETHNICITY, "01", "汉族"),
        (codes.ETHNICITY, 1, "汉族"),
        (codes.ETHNICITY, 1.0, "汉族"),
        (codes.ETHNICITY, "1", "汉族"),
        (codes.ETHNICITY, "01汉族", "汉族"),
        (codes.ETHNICITY, "01 汉族", "汉族"),
        (codes.ETHNICITY, "汉", "汉族"),
        (codes.ETHNICITY, " 汉 族 ", "汉族"),
        (codes.ETHNICITY, "汉\u3000族", "汉族"),
        (codes.ETHNICITY, "苗族\u200b", "苗族"),
        (codes.ETHNICITY, "土家", "土家族"),
        (codes.ETHNICITY, "土", "土族"),
        (codes.ETHNICITY, 15, "土家族"),
        (codes.ETHNICITY, "56", "基诺族"),
        (codes.EDUCATION, "大专", "大学专科"),
        (codes.EDUCATION, "30", "大学专科"),
        (codes.EDUCATION, "本科", "大学本科"),
        (codes.EDUCATION, "中专", "中等专科"),
        (codes.POLITICAL, "党员", "中共党员"),
        (codes.POLITICAL, "13", "群众"),
        (codes.POLITICAL, "无党派民主人士", "无党派人士"),
        (codes.SEX, "男", "男"),
        (codes.SEX, 2, "女"),
        (codes.SEX, "女性", "女"),
        (codes.YES_NO, "是", "是"),
        (codes.YES_NO, "y", "是"),
        (codes.YES_NO, "Ｙｅｓ", "是"),
        (codes.YES_NO, "√", "是"),
        (codes.YES_NO, 0, "否"),
        (codes.EMPLOYMENT, "下(待)岗", "下岗待岗"),
        (codes.EMPLOYMENT, "下（待）岗", "下岗待岗"),
        (codes.EMPLOYMENT, "失(无)业", "失业无业"),
        (codes.CASE_TYPE, "欠薪", "追索劳动报酬"),
        (codes.CASE_TYPE, "追索劳动报酬（欠薪）", "追索劳动报酬"),
        (codes.CASE_RESULT, "未结", "办理中"),
        (codes.HARDSHIP, "低保", "低保户"),
        (codes.AID_TYPE, "金秋助学", "子女助学"),
    ],
)
def test_choice_accepts_label_code_and_aliases(codes_list, raw, label):
    assert convert(Choice(codes_list), raw) == (label, [])


@pytest.mark.parametrize("codes_list", codes.ALL, ids=lambda c: c.key)
def test_choice_every_spelling_of_every_entry_maps_back_to_it(codes_list):
    """Label, code, code+label and each alias of an entry give that entry: no spelling is shadowed by another."""
    choice = Choice(codes_list)
    for entry in codes_list.entries:
        for spelling in (entry.label, entry.code, f"{entry.code}{entry.label}", f"{entry.code} {entry.label}",
                         *entry.aliases):
            assert choice.convert(spelling) == entry.label, (codes_list.key, spelling)


@pytest.mark.parametrize(
    ("codes_list", "raw", "suggested"),
    [
        (codes.ETHNICITY, "土家族人", "土家族"),
        (codes.ETHNICITY, "苗族人", "苗族"),
        (codes.EDUCATION, "大学", "大学本科"),
        (codes.POLITICAL, "中共", "中共党员"),
        (codes.CASE_RESULT, "调解", "调解成功"),
    ],
)
def test_choice_unknown_value_suggests_a_near_label(codes_list, raw, suggested):
    problem = rejected(Choice(codes_list), raw)
    assert problem.code == "not-in-list"
    assert f"「{suggested}」" in problem.params["suggestion"]
    message = problem.finding(raw).message
    assert raw in message and suggested in message
    assert "{" not in message and "}" not in message


@pytest.mark.parametrize(
    ("codes_list", "raw"),
    [(codes.SEX, "未知"), (codes.ETHNICITY, "ＺＺ"), (codes.ETHNICITY, "99"), (codes.EDUCATION, "12"), (codes.YES_NO, "")],
)
def test_choice_unknown_value_far_from_everything_lists_the_options(codes_list, raw):
    problem = rejected(Choice(codes_list), raw)
    assert problem.code == "not-in-list"
    assert problem.params["suggestion"].startswith("（可选：")
    assert codes_list.labels[0] in problem.params["suggestion"]
    message = problem.finding(raw).message
    assert "{" not in message and "}" not in message


@pytest.mark.parametrize("raw", [1.5, "1.5", 0.1, True])
def test_choice_rejects_numbers_that_are_not_codes(raw):
    """1.5 must not become code 15 (土家族) by dropping the decimal point."""
    assert rejected(Choice(codes.ETHNICITY), raw).code == "not-in-list"


# --------------------------------------------------------------------------- text and credit codes


def test_text_is_cleaned_and_limited():
    assert Text(10).convert("  坪朗\u3000村 ") == "坪朗 村"
    assert Text(10).convert(12.0) == "12"
    problem = rejected(Text(3), "寨阳乡坪朗村")
    assert problem.code == "text-too-long"
    assert problem.params == {"maximum": 3}


VALID_CREDIT_CODE = make_credit_code("91433101MA4L0ABCD")


def test_test_credit_code_is_valid_by_stdnum():
    assert uscc.is_valid(VALID_CREDIT_CODE)


@pytest.mark.parametrize(
    "raw", [VALID_CREDIT_CODE, VALID_CREDIT_CODE.lower(), f" {VALID_CREDIT_CODE[:9]} {VALID_CREDIT_CODE[9:]} "]
)
def test_credit_code_accepted(raw):
    assert convert(CreditCode(), raw) == (VALID_CREDIT_CODE, [])


@pytest.mark.parametrize(
    "raw",
    [
        wrong_check(VALID_CREDIT_CODE),
        VALID_CREDIT_CODE[:17],
        "91433101MA4L0XXXXX",
        "9143310IMA4L0ABCD" + "1",  # I is not in the alphabet
        "无",
        914331010000000000,
    ],
)
def test_credit_code_rejected(raw):
    assert rejected(CreditCode(), raw).code == "bad-credit-code"


# --------------------------------------------------------------------------- the taxonomy

# One real conversion per field-level code: (field type, raw value, code).
RAISED = [
    (Text(2), "坪朗村", "text-too-long"),
    (Choice(codes.SEX), "未知", "not-in-list"),
    (Choice(codes.ETHNICITY), "土家族人", "not-in-list"),
    (Date(), "abc", "bad-date"),
    (Date(), TODAY + dt.timedelta(days=1), "future-date"),
    (Date(), "1899-12-31", "too-old-date"),
    (Money(), "abc", "bad-number"),
    (Integer(), 2.5, "not-integer"),
    (Integer(minimum=1), 0, "negative"),
    (Money(), "1.234", "too-many-decimals"),
    (Money(), 10**27, "number-too-large"),
    (Phone(), "123", "bad-phone"),
    (IdNumber(), float(WOMAN), "id-as-number"),
    (IdNumber(), "123", "id-format"),
    (IdNumber(), wrong_check(WOMAN), "id-checksum"),
    (IdNumber(), make_id("43310119850230202"), "id-birth-date"),
    (CreditCode(), "91433101MA4L0XXXXX", "bad-credit-code"),
]
NOTED = [
    (IdNumber(), "433101850315202", "id-15-digit"),
    (IdNumber(), WITH_X[:17] + "x", "id-normalised"),
    (IdNumber(), make_id("99010119850315202"), "id-unknown-area"),
    (Date(), 40909, "date-serial"),
]


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_has_a_severity_a_meaning_and_named_placeholders(code):
    entry = CODES[code]
    assert entry.severity in (ERROR, WARNING)
    assert entry.template and entry.meaning
    assert all(name.isidentifier() for name in placeholders(entry.template)), entry.template


@pytest.mark.parametrize(("field_type", "raw", "code"), RAISED, ids=[c for _, _, c in RAISED])
def test_raised_codes_render_with_their_own_params(field_type, raw, code):
    problem = rejected(field_type, raw)
    assert problem.code == code
    assert CODES[code].severity == ERROR
    assert placeholders(CODES[code].template) <= {"value", *problem.params}
    finding = problem.finding(raw, sheet="会员名册", cell="E3", field="身份证号")
    assert finding.severity == ERROR
    assert "{" not in finding.message and "}" not in finding.message
    assert finding.as_dict()["message"] == finding.message


@pytest.mark.parametrize(("field_type", "raw", "code"), NOTED, ids=[c for _, _, c in NOTED])
def test_noted_codes_are_warnings_and_render(field_type, raw, code):
    _, notes = convert(field_type, raw)
    assert codes_of(notes) == [code]
    assert CODES[code].severity == WARNING
    assert placeholders(CODES[code].template) <= {"value", *notes[0].params}
    message = notes[0].finding(raw).message
    assert "{" not in message and "}" not in message


def test_every_code_fields_can_produce_is_exercised_above():
    source = "".join(inspect.getsource(m) for m in (fieldtype, fields, dates, idnumber))
    produced = set(re.findall(r'Invalid\("([\w-]+)"', source)) | set(re.findall(r'_note\(notes, [^,]+, "([\w-]+)"', source))
    assert {"id-15-digit", "id-normalised", "id-unknown-area", "id-checksum"} <= produced  # the pattern finds them
    assert produced == {c for _, _, c in RAISED + NOTED}


def test_unknown_codes_raise():
    with pytest.raises(UnknownCode):
        Finding("no-such-code")
    with pytest.raises(UnknownCode):
        Invalid("no-such-code")


def test_finding_location():
    assert Finding("required", sheet="会员名册", cell="B3").location == "会员名册!B3"
    assert Finding("required", sheet="会员名册").location == "会员名册"
    assert Finding("required").location == ""


@pytest.mark.parametrize(
    ("field_type", "raw", "value"),
    [
        (Choice(codes.YES_NO), True, "是"),  # an Excel TRUE/FALSE cell
        (Choice(codes.YES_NO), False, "否"),
        (Choice(codes.EDUCATION), "10", "硕士研究生"),  # GB/T 4658's group code for 研究生
        (Phone(), "0086 138 0743 1234", "13807431234"),
        (Date(), "2012-11-01T00:00:00", dt.date(2012, 11, 1)),
    ],
)
def test_tolerant_inputs(field_type, raw, value):
    assert field_type.convert(raw) == value


def test_a_boolean_is_no_sex():
    assert rejected(Choice(codes.SEX), True).code == "not-in-list"


# -- issue 12: provincial spellings, year-month columns ---------------------------------------


@pytest.mark.parametrize("typed, label", [("农业户口", "农业"), ("非农业户口", "非农业"), ("农业户", "农业"),
                                          ("城镇户口", "非农业"), ("农村户口", "农业")])
def test_hukou_in_the_provincial_forms_wording(typed, label):
    assert Choice(codes.HUKOU).convert(typed) == label


def test_other_common_suffixes_are_accepted():
    assert Choice(codes.EMPLOYMENT).convert("退休人员") == "退休"
    assert Choice(codes.EMPLOYMENT).convert("在岗职工") == "在岗"
    assert Choice(codes.HARDSHIP).convert("低保户") == "低保户"


@pytest.mark.parametrize("typed, meant", [("非农业户口性质", "非农业"), ("非农业人员类", "非农业"), ("农", "农业")])
def test_suggestion_is_the_most_specific_label_never_a_negated_one(typed, meant):
    with pytest.raises(Invalid) as err:
        Choice(codes.HUKOU).convert(typed)
    assert err.value.params["suggestion"] == f"，是否应为「{meant}」"


@pytest.mark.parametrize("raw", ["1990.02", "1990年2月", "1990年02月", "199002", "1990-2", "1990/02", 1990.02, 199002,
                                 dt.datetime(1990, 2, 1), dt.date(1990, 2, 17)])
def test_year_month_values_under_a_year_month_header(raw):
    value = Date().monthly().convert(raw)
    assert isinstance(value, Month) and (value.year, value.month) == (1990, 2) and str(value) == "1990-02"


def test_year_month_type_still_takes_full_text_dates_and_rejects_nonsense():
    ym = Date().monthly()
    assert ym.convert("1990-02-15") == dt.date(1990, 2, 15) and not isinstance(ym.convert("1990-02-15"), Month)
    for bad in ("1990.13", "19900", "abc"):
        with pytest.raises(Invalid):
            ym.convert(bad)
    with pytest.raises(Invalid):
        Date().convert("1990.02")  # a plain date column still wants a day


@pytest.mark.parametrize("codes_list, typed, label", [
    (codes.EDUCATION, "小学及以下", "小学"), (codes.EMPLOYMENT, "待（下）岗", "下岗待岗"),
    (codes.EMPLOYMENT, "退养（内退）", "内退"), (codes.MEMBERSHIP, "保留", "保留会籍"), (codes.MEMBERSHIP, "转入", "正常"),
    (codes.MEMBERSHIP, "除名", "已退会"), (codes.CASE_RESULT, "处理中", "办理中"), (codes.CASE_TYPE, "拖欠工资", "追索劳动报酬"),
    (codes.HARDSHIP, "低保边缘", "低保边缘户"), (codes.PAYMENT, "现金发放", "现金"), (codes.AID_TYPE, "助学金", "子女助学")])
def test_the_provincial_forms_and_everyday_wordings_are_read(codes_list, typed, label):
    assert Choice(codes_list).convert(typed) == label


@pytest.mark.parametrize("text", ["2012年1月1日至2012年10月31日", "2012.1.1-2012.10.31", "2012年1—10月", "2012年1月至10月",
                                  "2012-01-01-2012-10-31", "2012年1月-2012年10月", "2012.01～2012.10"])
def test_a_report_period_in_one_cell(text):
    assert fields.period(text) == (dt.date(2012, 1, 1), dt.date(2012, 10, 31))


@pytest.mark.parametrize("text", ["坪朗村", "2012-01-01", "2012年13月至14月", None, ""])
def test_no_period(text):
    assert fields.period(text) is None


def test_everyday_spellings_of_dates_and_amounts():
    assert Date().convert("2012年3月5号") == dt.date(2012, 3, 5)
    assert Money().convert("500元整") == Decimal("500.00")


def test_a_date_pasted_as_its_excel_day_number_is_read_with_a_warning():
    notes: list[Invalid] = []
    assert Date().convert(40909, notes) == dt.date(2012, 1, 1) and [n.code for n in notes] == ["date-serial"]
    assert Date().monthly().convert(32911.0, []) == dt.date(1990, 2, 7).replace(day=1)
    assert Date().convert(20121101) == dt.date(2012, 11, 1)  # YYYYMMDD typed as a number is no day number


def test_check_characters_and_areas_agree_with_python_stdnum():
    """The ID check digit, the credit code's check character and the area table, read without importing
    python-stdnum (start-up), give what python-stdnum's own functions give."""
    import random

    from stdnum import numdb

    from unionxl.schema.idnumber import CREDIT_ALPHABET, _areas, credit_check_char, id_check_char

    rng = random.Random(19)
    for _ in range(2000):
        body = "".join(rng.choice("0123456789") for _ in range(17))
        assert id_check_char(body) == ric.calc_check_digit(body + "0")
        code = body[:8] + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
        assert credit_check_char(code) == uscc.calc_check_digit(code)
    table = numdb.get("cn/loc")
    listed = {area for area in (f"{n:06d}" for n in range(110000, 830000))
              if sum(len(part) for part, _ in table.info(area)) == 6 and table.info(area)[-1][1]}
    assert _areas() == listed and len(listed) > 3000


# convert_common: the column-at-a-time path must give exactly what convert gives, and only where
# convert gives a value without any note.
_TRICKY_TEXT = ["张三", " 张三", "张三 ", "张  三", "张 三", "张\u3000三", "张\t三", "张\u200b三", "ｱｲｳ", "①", "ﬁ",
                "e\u0301", "é", "Ｚ", "", " ", "a\x00b", "x" * 201, "x" * 200, "汉", "汉族", " 汉族", "汉族人",
                "01", "1", "苗", "土家", "男", "女", "男性", "否", "是", "正常", "转出", "农业", "非农业户口"]
_TRICKY_NUMBERS = [1.0, 2.0, 1.5, -1.0, 0.0, 1e20, 7, True, False, float("nan"), float("inf")]
_TRICKY_IDS = [WOMAN, MAN, WITH_X, WITH_X.lower(), " " + WOMAN, WOMAN + " ", wrong_check(WOMAN), WOMAN[:15],
               "99" + WOMAN[2:17] + gb11643_check("99" + WOMAN[2:17]), "４" + WOMAN[1:],
               make_id("43310120991231001"), make_id("43310118991231001"), make_id("43310119850230001"),
               float(WOMAN[:17] + "0"), "4.33101E+17"]
_TRICKY_PHONES = ["13807431234", "138 0743 1234", "+8613807431234", "0743-8221234", "1380743123", "12807431234",
                  13807431234.0, "１３８０７４３１２３４"]


def _convert_alone(ftype, raw):
    notes = []
    try:
        value = ftype.convert(raw, notes)
    except Invalid:
        return "error"
    return (value, type(value)) if not notes else "notes"


_TRICKY_DATES = [dt.datetime(2012, 1, 3), dt.datetime(2012, 1, 3, 14, 30), dt.datetime(1899, 12, 31), dt.datetime(1900, 1, 1),
                 dt.datetime.combine(TODAY, dt.time()), dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time()),
                 dt.datetime(2099, 1, 1), dt.date(2012, 1, 3), TODAY, TODAY + dt.timedelta(days=1), dt.date(1899, 12, 31),
                 dt.date(1900, 1, 1), dt.datetime.combine(TODAY, dt.time(23, 59)), 40909.0, "2012-01-03", "2012年1月3日"]


@pytest.mark.parametrize("ftype", [Text(), Text(max_length=3), Integer(), Integer(minimum=1), Phone(), IdNumber(),
                                   Date(), Date(allow_future=True), Date().monthly(),
                                   *{f.type for r in __import__("unionxl.schema.registers", fromlist=["REGISTERS"]).REGISTERS
                                     for f in r.fields if isinstance(f.type, Choice)}], ids=lambda t: type(t).__name__)
def test_convert_common_agrees_with_convert(ftype):
    raws = set(_TRICKY_TEXT + _TRICKY_NUMBERS + _TRICKY_IDS + _TRICKY_PHONES + _TRICKY_DATES)
    if isinstance(ftype, Choice):
        raws |= set(ftype.codes.labels) | {f" {label}" for label in ftype.codes.labels}
    alone = {}
    for raw in raws:
        alone.update(ftype.convert_common({raw}))
    together = ftype.convert_common(raws)
    assert alone or isinstance(ftype, dates.YearMonth), "the common path takes the ordinary values"
    assert together.items() <= alone.items()  # a batch with an unusual value may leave the others to convert
    for raw, value in alone.items():
        assert _convert_alone(ftype, raw) == (value, type(value)), raw


def test_clean_already_leaves_out_a_batch_with_any_unclean_text():
    texts = [f"名{i}" for i in range(2000)]
    assert fieldtype.clean_already(texts) == texts
    texts[700] = "名 "
    kept = fieldtype.clean_already(texts, batch=512)
    assert "名 " not in kept and len(kept) == 2000 - 512 and all(clean_text(t) == t for t in kept)
    for text in _TRICKY_TEXT:
        expected = [text] if clean_text(text) == text and "\x00" not in text else []  # NUL: left to clean_text
        assert fieldtype.clean_already([text]) == expected, repr(text)
