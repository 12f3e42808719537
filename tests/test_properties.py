"""Property-based tests (hypothesis) for the conversions every cell goes through."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from unionxl.schema.fields import Date, IdNumber, Money, Phone, id_check_char
from unionxl.checks.findings import Invalid

AREAS = st.sampled_from(["433101", "433122", "110101", "440305", "990101"])
BIRTHS = st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date.today())
ORDERS = st.integers(min_value=0, max_value=999)
ANY_TEXT = st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
                     st.dates(), st.datetimes())


@st.composite
def valid_ids(draw) -> str:
    body = f"{draw(AREAS)}{draw(BIRTHS):%Y%m%d}{draw(ORDERS):03d}"
    return body + id_check_char(body)


def outcome(convert, raw):
    try:
        return convert(raw, []), None
    except Invalid as problem:
        return None, problem.code


@given(valid_ids())
def test_a_valid_id_is_accepted_as_it_is(number):
    notes: list = []
    assert IdNumber().convert(number, notes) == number
    assert {n.code for n in notes} <= {"id-unknown-area"}


@given(valid_ids(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_changing_any_one_digit_is_caught(number, position, delta):
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1:]
    value, code = outcome(IdNumber().convert, changed)
    assert value is None and code in ("id-checksum", "id-birth-date")


@given(valid_ids())
def test_lower_case_and_full_width_ids_are_normalised_with_a_warning(number):
    messy = "".join(chr(ord(c) + 0xFEE0) for c in number[:9]) + " " + number[9:].lower()
    notes: list = []
    assert IdNumber().convert(messy, notes) == number
    assert "id-normalised" in {n.code for n in notes}


@given(AREAS, st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(1999, 12, 31)), ORDERS)
def test_a_15_digit_id_upgrades_to_its_18_digit_form(area, birth, order):
    legacy = f"{area}{birth:%y%m%d}{order:03d}"
    body = f"{area}{birth:%Y%m%d}{order:03d}"
    notes: list = []
    assert IdNumber().convert(legacy, notes) == body + id_check_char(body)
    assert "id-15-digit" in {n.code for n in notes}


@given(st.one_of(st.integers(min_value=10**14, max_value=10**18), st.floats(min_value=1e14, max_value=1e18)))
def test_an_id_stored_as_a_number_is_never_repaired(raw):
    assert outcome(IdNumber().convert, raw) == (None, "id-as-number")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date.today()))
def test_every_written_form_of_a_date_reads_the_same(day):
    forms = [day, dt.datetime.combine(day, dt.time()), day.isoformat(), f"{day.year}.{day.month}.{day.day}",
             f"{day.year}年{day.month}月{day.day}日", f"{day:%Y%m%d}", f"{day:%Y/%m/%d}", int(f"{day:%Y%m%d}")]
    for form in forms:
        assert Date().convert(form) == day, form


@given(st.dates(min_value=dt.date.today() + dt.timedelta(days=1)))
def test_future_dates_are_refused_unless_allowed(day):
    assert outcome(Date().convert, day) == (None, "future-date")
    assert Date(allow_future=True).convert(day) == day


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_money_with_two_decimals_reads_back_exactly(amount):
    assert Money().convert(str(amount)) == amount
    assert Money().convert(f"{amount:,}") == amount
    assert Money().convert(float(amount)) == amount


@given(st.decimals(min_value=-10**9, max_value=Decimal("-0.01"), places=2))
def test_negative_money_is_refused(amount):
    assert outcome(Money().convert, str(amount)) == (None, "negative")


@given(st.decimals(min_value=0, max_value=10**6, places=3).filter(lambda d: d != d.quantize(Decimal("0.01"))))
def test_three_decimals_are_refused(amount):
    assert outcome(Money().convert, str(amount)) == (None, "too-many-decimals")


@settings(max_examples=300)
@given(ANY_TEXT)
def test_no_input_crashes_a_conversion(raw):
    """Whatever a cell holds, a conversion returns a value or a finding, never another exception."""
    for field_type in (IdNumber(), Date(), Money(), Phone()):
        if raw is None:
            continue
        outcome(field_type.convert, raw)
