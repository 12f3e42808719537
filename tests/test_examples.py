"""The bundled examples: reproducible, valid, and their totals are the seed report's figures.

Totals are computed here with openpyxl (a second reader), not with unionxl's reader.
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal

from openpyxl import load_workbook

from unionxl.schema.fields import id_check_char
from unionxl.checks.findings import Invalid
from unionxl.reading.reader import read
from unionxl.bundled import VILLAGE_LIST, workbooks_dir
from unionxl.sample import write_examples
from unionxl.reading.villages import read_villages
from unionxl.schema.registers import COVER, REGISTERS

from .test_template import _members


def rows(ws) -> list[dict]:
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, r)) for r in values[1:] if any(v is not None for v in r)]


def load_all(examples):
    out = []
    for path in examples:
        wb = load_workbook(path)
        cover = {wb["封面"].cell(r, 1).value: wb["封面"].cell(r, 2).value for r in range(3, 11)}
        out.append((cover, {name: rows(wb[name]) for name in ("会员名册", "帮扶台账", "维权案件")}))
    return out


def test_thirteen_villages_with_distinct_names_on_their_covers(examples):
    data = load_all(examples)
    names = {cover["村（社区）名称"] for cover, _ in data}
    assert len(examples) == 13 and len(names) == 13
    assert all(name.endswith("村") for name in names)
    # the village is never the file name in some cases: chat apps rename files
    assert any(not p.stem.startswith(tuple(names)) for p in examples)


def test_totals_reproduce_the_seed_report(examples):
    data = load_all(examples)
    members = [m for _, regs in data for m in regs["会员名册"]]
    cases = [c for _, regs in data for c in regs["维权案件"]]
    aid = [a for _, regs in data for a in regs["帮扶台账"]]
    assert len(members) == 580
    assert len(cases) == 22
    assert sum(Decimal(str(c["追回金额(元)"])) for c in cases) == Decimal(18000)
    people: dict[str, set[str]] = defaultdict(set)
    money: dict[str, Decimal] = defaultdict(Decimal)
    for a in aid:
        group = "困难职工" if a["困难类别"] in ("低保边缘户", "意外致困户") else a["困难类别"]
        people[group].add(a["身份证号"])
        money[group] += Decimal(str(a["金额(元)"]))
    assert (len(people["困难大学生"]), money["困难大学生"]) == (13, Decimal(65000))
    assert (len(people["困难职工"]), money["困难职工"]) == (15, Decimal(20000))
    assert len(people["低保户"]) == 65 and money["低保户"] > Decimal(30000)


def test_ids_are_valid_unique_and_agree_with_sex(examples):
    seen = set()
    for _, regs in load_all(examples):
        for m in regs["会员名册"]:
            idn = m["身份证号"]
            assert re.fullmatch(r"\d{17}[\dX]", idn) and idn not in seen
            # the GB 11643 check, written out here independently of unionxl
            weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
            check = (12 - sum(int(d) * w for d, w in zip(idn, weights)) % 11) % 11
            assert idn[17] == ("X" if check == 10 else str(check)) == id_check_char(idn)
            assert (int(idn[16]) % 2 == 1) == (m["性别"] == "男")
            seen.add(idn)


def test_every_value_converts_with_the_schema(examples):
    for path in examples:
        sub = read(path)
        assert not sub.missing_sheets
        for f in COVER.fields:
            f.type.convert(sub.cover[f.key].raw)
        for register in REGISTERS:
            table = sub.tables[register.key]
            assert not table.missing and not table.extra
            for row in table.rows:
                for key, raw in row.values.items():
                    field = register.field(key)
                    if raw is None:
                        assert not field.required, f"{path.name} {row.cell(key)} {field.label}"
                        continue
                    notes: list[Invalid] = []
                    field.type.convert(raw, notes)
                    assert not notes, f"{path.name} {row.cell(key)}: {notes[0].code}"


def test_committed_examples_match_the_generator(tmp_path):
    generated = write_examples(tmp_path)
    committed = workbooks_dir()
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*.xlsx")) == sorted(
        p.relative_to(tmp_path) for p in generated
    )
    for path in generated:
        assert _members(path) == _members(committed / path.relative_to(tmp_path)), (
            "run `python -m unionxl.sample workbooks` and commit the result"
        )


def test_village_list_names_every_example_village(examples):
    known = read_villages(workbooks_dir() / VILLAGE_LIST)
    assert len(known.villages) == 13
    for path in examples:
        sub = read(path)
        village = known.find(sub.village)
        assert village is not None and village.code == str(sub.cover["village_code"].raw)
