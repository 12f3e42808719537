"""The schema and its code lists are consistent with themselves: one header, one field; examples that pass."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from unionxl.schema import codes
from unionxl.schema.fields import Choice, Date, FieldType, IdNumber, id_birth_date, id_sex
from unionxl.checks.findings import Invalid
from unionxl.reading.reader import header_key
from unionxl.schema.registers import ACTIVITIES, AID, CASES, COVER, MEMBERS, ORGANISATIONS, REGISTERS, Register

ALL_REGISTERS = (COVER, *REGISTERS)
FIELDS = [(r, f) for r in ALL_REGISTERS for f in r.fields]
FIELD_IDS = [f"{r.key}.{f.key}" for r, f in FIELDS]


def duplicates(items) -> list:
    return [item for item, n in Counter(items).items() if n > 1]


def test_registers_are_members_aid_cases_then_the_version_2_ones():
    assert REGISTERS == (MEMBERS, AID, CASES, ACTIVITIES, ORGANISATIONS)
    assert [r.since for r in REGISTERS] == [1, 1, 1, 2, 2] and [r.optional for r in REGISTERS] == [False] * 3 + [True] * 2


@pytest.mark.parametrize("register", ALL_REGISTERS, ids=lambda r: r.key)
def test_field_keys_and_labels_are_unique(register: Register):
    assert duplicates(f.key for f in register.fields) == []
    assert duplicates(f.label for f in register.fields) == []


@pytest.mark.parametrize("register", ALL_REGISTERS, ids=lambda r: r.key)
def test_no_header_maps_to_two_fields(register: Register):
    """Labels and synonyms, compared the way the reader compares headers, name one field each."""
    owner: dict[str, str] = {}
    for f in register.fields:
        for header in f.headers:
            key = header_key(header)
            assert owner.setdefault(key, f.key) == f.key, f"{header!r} names both {owner[key]} and {f.key}"


@pytest.mark.parametrize("register", ALL_REGISTERS, ids=lambda r: r.key)
def test_register_basics(register: Register):
    assert register.key and register.sheet and register.title and register.description
    assert any(f.required for f in register.fields)
    assert register.field(register.fields[0].key) is register.fields[0]


def test_sheet_names_are_distinct_across_registers():
    names = [header_key(n) for r in ALL_REGISTERS for n in dict.fromkeys(header_key(s) for s in r.sheet_names)]
    assert duplicates(names) == []
    assert duplicates(r.key for r in ALL_REGISTERS) == []


@pytest.mark.parametrize(("register", "field"), FIELDS, ids=FIELD_IDS)
def test_every_field_has_a_type_hint_and_width(register, field):
    assert isinstance(field.type, FieldType)
    assert field.hint.strip()
    assert 4 <= field.width <= 60
    assert field.key.isidentifier()


@pytest.mark.parametrize(("register", "field"), FIELDS, ids=FIELD_IDS)
def test_required_fields_have_an_example(register, field):
    if field.required:
        assert field.example


@pytest.mark.parametrize(("register", "field"), [(r, f) for r, f in FIELDS if f.example],
                         ids=[i for i, (_, f) in zip(FIELD_IDS, FIELDS) if f.example])
def test_example_converts_with_its_own_type(register, field):
    if isinstance(field.type, Date) and not field.type.allow_future:
        assert dt.date.fromisoformat(field.example) <= dt.date.today()
    notes: list[Invalid] = []
    try:
        field.type.convert(field.example, notes)
    except Invalid as problem:
        pytest.fail(f"{register.key}.{field.key} example {field.example!r}: {problem.code} {problem.params}")
    assert notes == [], [n.code for n in notes]


def test_member_example_agrees_with_its_id():
    example = {f.key: f.example for f in MEMBERS.fields}
    assert id_sex(example["id_number"]) == example["sex"]
    assert id_birth_date(example["id_number"]).isoformat() == example["birth_date"]


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.key)
def test_registers_of_people_identify_them_by_id_and_the_others_hold_no_id(register):
    """Members, aid and cases are about people (a required ID); activities and organisations are not, and
    hold no personal ID number (personal data only where the register needs it)."""
    ids = [f for f in register.fields if isinstance(f.type, IdNumber)]
    if register in (MEMBERS, AID, CASES):
        assert any(f.required for f in ids)
    else:
        assert ids == []


# --------------------------------------------------------------------------- code lists


def test_every_choice_uses_a_listed_code_list():
    for register, field in FIELDS:
        if isinstance(field.type, Choice):
            assert field.type.codes in codes.ALL, f"{register.key}.{field.key}"


def test_code_list_keys_and_names_are_unique():
    assert duplicates(c.key for c in codes.ALL) == []
    assert duplicates(c.name for c in codes.ALL) == []
    assert duplicates(c.defined_name for c in codes.ALL) == []


@pytest.mark.parametrize("code_list", codes.ALL, ids=lambda c: c.key)
def test_code_list_entries_are_unique(code_list):
    assert code_list.entries
    assert duplicates(e.code for e in code_list.entries) == []
    assert duplicates(e.label for e in code_list.entries) == []
    assert all(e.code.isdigit() for e in code_list.entries)


@pytest.mark.parametrize("code_list", codes.ALL, ids=lambda c: c.key)
def test_aliases_do_not_collide_with_other_entries(code_list):
    """An alias may not be another entry's label, code or alias (after the same cleaning a Choice applies)."""
    key = Choice._key
    owner: dict[str, str] = {}
    for e in code_list.entries:
        for spelling in dict.fromkeys(key(s) for s in (e.label, e.code, *e.aliases)):
            assert owner.setdefault(spelling, e.label) == e.label, (
                f"{code_list.key}: {spelling!r} is both {owner[spelling]} and {e.label}"
            )


def test_national_standard_lists():
    assert len(codes.ETHNICITY.entries) == 56
    assert (codes.ETHNICITY.entries[0].code, codes.ETHNICITY.entries[0].label) == ("01", "汉族")
    assert (codes.ETHNICITY.entries[-1].code, codes.ETHNICITY.entries[-1].label) == ("56", "基诺族")
    assert [e.code for e in codes.POLITICAL.entries] == [f"{i:02d}" for i in range(1, 14)]
    assert codes.POLITICAL.entries[-1].label == "群众"
    assert {e.code: e.label for e in codes.EDUCATION.entries}["30"] == "大学专科"
    assert codes.SEX.labels == ["男", "女"]
