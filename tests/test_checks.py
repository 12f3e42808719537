"""Checks as declared units: each names the codes it can raise and what it applies to; a registry runs
them, a caller picks or skips them, and a check runs in memory on clean values without a workbook."""

from __future__ import annotations

import datetime as dt
import inspect
import re
import subprocess
import sys
from decimal import Decimal

import pytest

from unionxl.checks import registry
from unionxl.checks.findings import CODES, Finding
from unionxl.checks.report import in_memory
from unionxl.checks.validate import run_rows, validate_file
from unionxl.schema.registers import AID, CASES, MEMBERS, PERSON_ID, REGISTERS

from .test_validate import LONG, WANG, aid, case, member, submission

PERIOD = {"period_start": dt.date(2012, 1, 1), "period_end": dt.date(2012, 10, 31)}


def test_every_check_declares_known_codes_and_a_kind():
    assert registry.CHECKS, "the checks are declared when unionxl.checks.validate is imported"
    for check in registry.CHECKS.values():
        assert check.codes and set(check.codes) <= set(CODES), check.name
        assert check.kind in (registry.STRUCTURE, registry.COVER, registry.ROWS) and check.doc, check.name
        assert check.kind == registry.ROWS or not check.needs


def test_each_check_raises_just_the_codes_it_declares_in_its_source():
    for check in registry.CHECKS.values():
        body = "\n".join(line for line in inspect.getsource(check.run).splitlines() if not line.startswith("@"))
        raised = {c for c in re.findall(r'"([a-z0-9-]+)"', body) if c in CODES}
        assert raised == set(check.codes), check.name


def test_a_check_that_raises_an_undeclared_code_is_stopped():
    rogue = registry.Check("rogue", registry.STRUCTURE, ("total-row",), lambda table: iter([Finding("header-again")]))
    with pytest.raises(registry.UndeclaredCode):
        list(rogue(None))


def test_duplicate_ids_in_memory_at_the_id_cell():
    report = in_memory({MEMBERS: [member(), member(LONG), member(name="王二")]})
    [found] = run_rows("duplicate-ids", report, MEMBERS)
    # members' columns in schema order: 身份证号 is the fifth (E); the third data row is sheet row 4
    assert (found.code, found.sheet, found.cell, found.row, found.col) == ("duplicate-id", "会员名册", "E4", 4, 5)
    assert found.params == {"other": 2} and found.field == "身份证号"


def test_agrees_with_id_in_memory():
    report = in_memory({MEMBERS: [member(sex="男", birth_date=dt.date(1985, 3, 16))]})
    assert [(f.code, f.cell) for f in run_rows("agrees-with-id", report, MEMBERS)] == [
        ("sex-mismatch", "C2"), ("birth-mismatch", "F2")]


def test_in_roster_finds_the_roster_by_its_declaration_and_the_people_by_role():
    report = in_memory({MEMBERS: [member()], AID: [aid(), aid(LONG, name="龙海")], CASES: [case(WANG, applicant="王秀")]})
    assert [(f.code, f.sheet, f.cell) for f in run_rows("in-roster", report, AID)] == [("not-in-roster", "帮扶台账", "C3")]
    assert [(f.code, f.sheet, f.cell, f.params) for f in run_rows("in-roster", report, CASES)] == [
        ("name-mismatch", "维权案件", "C2", {"expected": "王秀英"})]
    assert run_rows("in-roster", in_memory({AID: [aid()]}), AID) == []  # no roster sheet: its own error


def test_in_period_uses_the_period_date_of_each_register():
    report = in_memory({AID: [aid(aid_date=dt.date(2013, 1, 1))], CASES: [case(accept_date=dt.date(2011, 12, 1))]},
                       cover=PERIOD)
    assert [(f.code, f.cell) for f in run_rows("in-period", report, AID)] == [("outside-period", "G2")]
    assert [(f.code, f.cell) for f in run_rows("in-period", report, CASES)] == [("outside-period", "B2")]
    assert run_rows("in-period", in_memory({AID: [aid(aid_date=dt.date(2013, 1, 1))]}), AID) == []  # no period


def test_case_checks_in_memory():
    rows = [case(close_date=dt.date(2012, 3, 1)), case(result="办理中", close_date=None),
            case(recovered=Decimal(7000))]
    report = in_memory({CASES: rows}, cover=PERIOD)
    assert [(f.code, f.cell) for f in run_rows("case-dates", report, CASES)] == [
        ("closed-before-accepted", "N2"), ("mediation-overdue", "L3")]
    assert [(f.code, f.cell) for f in run_rows("recovered-vs-claimed", report, CASES)] == [
        ("recovered-exceeds-claim", "M4")]


def test_the_row_checks_of_a_register_are_those_it_declares():
    assert [c.name for c in registry.for_register(registry.chosen(), CASES)] == list(CASES.checks)
    assert [c.name for c in registry.for_register(registry.chosen(skip=["in-period"]), AID)] == ["in-roster"]


def test_a_caller_picks_or_skips_checks_by_name(tmp_path):
    path = submission(tmp_path, aids=[aid(aid_date=dt.date(2012, 11, 15)), aid(LONG, name="龙")],
                      edit=lambda wb: wb["会员名册"].cell(1, 30, "多余列"))
    everything = {f.code for f in validate_file(path).findings}
    assert {"outside-period", "name-mismatch", "extra-column"} <= everything
    skipped = {f.code for f in validate_file(path, skip=["in-period", "header"]).findings}
    assert skipped == everything - {"outside-period", "extra-column"}
    only = {f.code for f in validate_file(path, checks=["in-roster"]).findings}
    assert "name-mismatch" in only and not only & {"outside-period", "extra-column"}
    with pytest.raises(ValueError, match="no-such-check"):
        validate_file(path, skip=["no-such-check"])


def test_cross_village_keys_are_declared_by_the_registers():
    assert {(r.key, code) for r in REGISTERS for role, code in r.cross_village if role is PERSON_ID} == {
        ("members", "member-in-two-villages"), ("aid", "aid-in-two-villages")}


def test_the_check_modules_do_not_import_validate():
    code = ("import sys, unionxl.checks.rows, unionxl.checks.structure, unionxl.checks.report; "
            "print('unionxl.checks.validate' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
