"""Merging village submissions into the township workbook."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections import Counter
from pathlib import Path

import pytest
import python_calamine
from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl.bundled import village_list
from unionxl.doors.cli import main
from unionxl.merging.merge import merge
from unionxl.reading.inbox import scan
from unionxl.reading.reader import read
from unionxl.writing.township import mask, write_township
from unionxl.reading.villages import Village, VillageList, read_villages

from .conftest import convert
from .test_validate import LONG, WANG, aid, make_id, member, submission


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sheets(path: Path) -> dict[str, list]:
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}


def table(path: Path, sheet: str) -> list[dict]:
    rows = sheets(path)[sheet]
    return [dict(zip(rows[0], r)) for r in rows[1:]]


@pytest.fixture
def inbox(tmp_path, examples) -> Path:
    """A realistic township inbox: renamed files, one village twice, an .xls, broken and stray files."""
    box = tmp_path / "收到的报表"
    box.mkdir()
    pinglang = next(p for p in examples if p.name == "坪朗村(1).xlsx")
    as_xls, *rest = [p for p in examples if p != pinglang]
    for p in rest:
        shutil.copy(p, box / p.name)
    # one village sent as .xls by older WPS
    xls = convert(as_xls, "xls", tmp_path)
    shutil.copy(xls, box / "来自微信的文件.xls")
    # 坪朗村 sent twice: an older draft (earlier fill date, fewer members) and the final file
    shutil.copy(pinglang, box / "坪朗村(1).xlsx")
    draft = load_workbook(pinglang)
    draft["封面"]["B10"] = dt.date(2012, 10, 20)
    draft["会员名册"].delete_rows(10, 5)
    draft.save(box / "坪朗村.xlsx")
    (box / "损坏的文件.xlsx").write_bytes(b"PK\x03\x04 truncated download")
    (box / "~$坪朗村.xlsx").write_bytes(b"lock")
    (box / "说明.docx").write_bytes(b"not a workbook")
    return box


def test_merge_inbox(inbox, tmp_path, examples):
    before = {p.name: sha(p) for p in inbox.iterdir()}
    out = tmp_path / "乡镇汇总.xlsx"
    villages = village_list()
    result = CliRunner().invoke(main, ["merge", str(inbox), "-o", str(out), "--villages", str(villages)])
    assert result.exit_code == 2, result.output  # the broken file could not be read
    assert {p.name: sha(p) for p in inbox.iterdir()} == before  # inputs untouched
    assert "损坏的文件.xlsx" in result.output and "~$坪朗村.xlsx" in result.output

    expected = {v.name: 0 for v in read_villages(villages).villages}
    for p in examples:
        sub = read(p)
        expected[sub.village] = len(sub.tables["members"].rows)
    members = table(out, "会员名册")
    assert Counter(m["村（社区）名称"] for m in members) == Counter(expected)  # per village and in total
    assert len(members) == sum(expected.values()) == 580

    status = {r["村（社区）名称"]: r for r in table(out, "报送情况") if r.get("村（社区）名称")}
    assert status["坪朗村"]["文件"] == "坪朗村(1).xlsx"  # the newer fill date wins
    assert "坪朗村.xlsx" in status["坪朗村"]["说明"]
    xls_village = read(next(p for p in examples if p.name != "坪朗村(1).xlsx")).village
    assert status[xls_village]["文件"] == "来自微信的文件.xls"
    flat = [str(v) for row in sheets(out)["报送情况"] for v in row]
    assert "损坏的文件.xlsx" in flat and "说明.docx" in flat and "~$坪朗村.xlsx" in flat


def test_provenance_and_stable_order(tmp_path, examples):
    out = tmp_path / "t.xlsx"
    write_township(merge(examples, read_villages(village_list())), out)[0]
    members = table(out, "会员名册")
    first = members[0]
    sub = read(next(p for p in examples if p.name == first["来源文件"]))
    row = sub.tables["members"].rows[0]
    assert first["来源位置"] == f"会员名册!A{row.number}"
    assert first["身份证号"] == row.values["id_number"] and first["村（社区）名称"] == sub.village
    order = [v.name for v in read_villages(village_list()).villages]
    keys = [(order.index(m["村（社区）名称"]), int(m["来源位置"].split("!A")[1])) for m in members]
    assert keys == sorted(keys)
    assert [m["序号"] for m in members] == list(range(1, 581))


def test_missing_village_and_unknown_village(tmp_path, examples):
    listed = read_villages(village_list())
    known = VillageList([*listed.villages, Village("新村", "433101206299")], listed.own)
    odd = submission(tmp_path, cover={"village": "外乡某村"}, name="外乡.xlsx")
    result = merge([*examples, odd], known)
    entry = next(e for e in result.entries if e.village.name == "新村")
    assert entry.report is None and entry.status == "未报送"
    assert [r.path.name for r in result.unknown] == ["外乡.xlsx"]
    assert all(r.village != "外乡某村" for _, r in result.used)


def test_same_person_in_two_villages_is_flagged(tmp_path):
    a = submission(tmp_path, aids=[aid()], cover={"village": "甲村"}, name="a.xlsx")
    b = submission(tmp_path, members=[member(), member(make_id("19600101", "011"), name="赵", sex="男")],
                   aids=[aid()], cover={"village": "乙村"}, name="b.xlsx")
    result = merge([a, b])
    codes = Counter(f.code for _, _, f in result.cross)
    assert codes == {"member-in-two-villages": 2, "aid-in-two-villages": 2}
    village, report, finding = next(x for x in result.cross if x[2].code == "aid-in-two-villages")
    assert finding.value == WANG and finding.cell == "C2"
    assert "甲村" in finding.message and "乙村" in finding.message
    out, _ = write_township(result, tmp_path / "o.xlsx")
    issues = table(out, "问题清单")
    assert sum(1 for i in issues if i["代码"] == "aid-in-two-villages") == 2
    assert LONG not in {i["填写内容"] for i in issues if i["代码"] == "member-in-two-villages"}  # only one village


def test_two_runs_give_identical_sheets(tmp_path, examples):
    runner = CliRunner()
    outs = [tmp_path / "1.xlsx", tmp_path / "2.xlsx"]
    for out in outs:
        assert runner.invoke(main, ["merge", *map(str, examples), "-o", str(out)]).exit_code == 0
    assert sheets(outs[0]) == sheets(outs[1])


def test_formula_like_village_text_arrives_as_text(tmp_path):
    evil = '=HYPERLINK("http://x","点我")'
    path = submission(tmp_path, cover={"village": evil},
                      members=[member(name="=1+1"), member(LONG, name="龙海", sex="男")])
    out = tmp_path / "o.xlsx"
    result = CliRunner().invoke(main, ["merge", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    wb = load_workbook(out)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)
             and c.value.startswith("=")]
    assert {c.value for c in cells} == {evil, "=1+1"}
    assert all(c.data_type == "s" for c in cells)


def test_strict_leaves_out_villages_with_errors(tmp_path):
    good = submission(tmp_path, cover={"village": "甲村"}, name="a.xlsx")
    bad = submission(tmp_path, cover={"village": "乙村"}, name="b.xlsx",
                     edit=lambda wb: wb["会员名册"].__setitem__("E2", 433101198503152023))
    out = tmp_path / "o.xlsx"
    loose = CliRunner().invoke(main, ["merge", str(good), str(bad), "-o", str(out)])
    assert loose.exit_code == 1
    members = table(out, "会员名册")
    assert len(members) == 4
    marked = next(m for m in members if m["村（社区）名称"] == "乙村" and m["来源位置"] == "会员名册!A2")
    assert marked["身份证号"] == "433101198503152000" and "错误" in marked["问题"]  # kept as typed, marked
    strict = CliRunner().invoke(main, ["merge", str(good), str(bad), "-o", str(out), "--strict"])
    assert strict.exit_code == 1 and "有错误，未合并" in strict.output
    assert {m["村（社区）名称"] for m in table(out, "会员名册")} == {"甲村"}


def test_mask_hides_ids_and_phones(tmp_path, examples):
    out = tmp_path / "o.xlsx"
    assert CliRunner().invoke(main, ["merge", str(examples[0]), "-o", str(out), "--mask"]).exit_code == 0
    members = table(out, "会员名册")
    real = read(examples[0]).tables["members"].rows[0].values
    assert members[0]["身份证号"] == real["id_number"][:4] + "*" * 10 + real["id_number"][-4:]
    text = "\n".join(str(v) for rows in sheets(out).values() for row in rows for v in row)
    for row in read(examples[0]).tables["members"].rows:
        assert row.values["id_number"] not in text
        assert not row.values.get("phone") or str(row.values["phone"]) not in text


def test_mask_hides_what_villages_typed_when_it_was_invalid(tmp_path, examples):
    village = tmp_path / "村.xlsx"
    shutil.copy(examples[0], village)
    wb = load_workbook(village)
    ws = wb["会员名册"]
    head = {c.value: c.column_letter for c in ws[1] if c.value}
    ids, phones = head["身份证号"], next(v for k, v in head.items() if "手机" in k)
    typed = {f"{ids}2": "4331 0119 8503 1520 23", f"{ids}3": "4331-0119-8503-1520-23", f"{ids}4": "43310119850315202",
             f"{ids}5": "4331011985031520231", f"{ids}6": "ID433101198503152023", f"{phones}2": "1380000000",
             f"{phones}3": "138-0000-00001"}
    for ref, value in typed.items():
        ws[ref].value = value
        ws[ref].data_type = "s"
    wb.save(village)
    before = sha(village)
    out = tmp_path / "外发.xlsx"
    result = CliRunner().invoke(main, ["merge", str(village), "-o", str(out), "--mask"])
    assert result.exit_code == 1, result.output  # the invalid values are errors
    assert sha(village) == before
    found = sheets(out)
    assert any("4331**" in str(v) for row in found["问题清单"] for v in row)
    for name, rows in found.items():
        text = "\n".join(str(v) for row in rows for v in row).replace(" ", "").replace("-", "")
        for value in typed.values():
            digits = value.replace(" ", "").replace("-", "").removeprefix("ID")
            assert digits not in text, (name, value)
            assert digits[4:12] not in text, (name, value)


def test_password_encrypts_the_township_workbook(tmp_path, examples):
    import io

    import msoffcrypto

    out = tmp_path / "加密.xlsx"
    before = sha(examples[0])
    result = CliRunner().invoke(main, ["merge", str(examples[0]), "-o", str(out), "--password", "寨阳2024"])
    assert result.exit_code == 0, result.output
    assert sha(examples[0]) == before
    assert out.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an encrypted OOXML file is an OLE file
    office = msoffcrypto.OfficeFile(open(out, "rb"))
    assert office.is_encrypted()
    plain = io.BytesIO()
    office.load_key(password="寨阳2024")
    office.decrypt(plain)
    members = load_workbook(plain, read_only=True)["会员名册"]
    assert members.max_row == 1 + len(read(examples[0]).tables["members"].rows)
    refused = CliRunner().invoke(main, ["merge", str(examples[0]), "-o", str(out), "--password", " "])
    assert refused.exit_code == 2 and "密码不能为空" in refused.output


def test_mask_patterns():
    assert mask("433101198503152023") == "4331**********2023"
    assert mask("证号 43310119850315202X 重复") == "证号 4331**********202X 重复"
    assert mask("13800000000") == "138****0000"
    assert mask("91433101MA4L0XXXX1") == "91433101MA4L0XXXX1"  # a credit code is not an ID
    assert mask("ID433101198503152023") == "ID4331**********2023"
    assert mask("4331 0119 8503 1520 23") == "4331**********2023"
    assert mask("43310119850315202") == "4331*********5202"
    assert mask("1380000000") == "138***0000"
    assert mask("433101850315202") == "4331********202"
    assert mask("2012-11-01") == "2012-11-01"


def test_output_open_in_excel_gives_a_clear_message(tmp_path, examples):
    out = tmp_path / "乡镇汇总.xlsx"
    (tmp_path / "~$乡镇汇总.xlsx").write_bytes(b"")
    result = CliRunner().invoke(main, ["merge", str(examples[0]), "-o", str(out)])
    assert result.exit_code == 2 and "请先关闭" in result.output and not out.exists()


def test_scan_then_merge_many_files_in_parallel(tmp_path, examples):
    files, skipped = scan([examples[0].parent])
    assert len(files) == 14 and not skipped
    result = merge(files)  # 14 files (13 villages and 寨阳乡本级): validated on a process pool
    assert sum(len(r.rows["members"]) for _, r in result.used) == 580
    assert len(result.entries) == 13 and result.own.village.name == "寨阳乡本级"  # known from its cover
    assert [e.village.name for e in result.entries] == sorted(e.village.name for e in result.entries)


def test_a_village_submission_given_as_the_village_list_is_refused(tmp_path, examples):
    before = sha(examples[0])
    result = CliRunner().invoke(main, ["merge", *map(str, examples), "-o", str(tmp_path / "o.xlsx"),
                                       "--villages", str(examples[0])])
    assert result.exit_code == 2 and "这是一份村报表，不是村名单" in result.output and "村名" in result.output
    assert "应报" not in result.output and not (tmp_path / "o.xlsx").exists()
    assert sha(examples[0]) == before
    rows = tmp_path / "栏目.xlsx"  # a sheet of form labels, no header row
    from openpyxl import Workbook

    wb = Workbook()
    for label in ("村（社区）名称", "填报人", "填报人电话"):
        wb.active.append([label, "x"])
    wb.save(rows)
    result = CliRunner().invoke(main, ["validate", str(examples[0]), "--villages", str(rows)])
    assert result.exit_code == 2 and "“填报人”这样的栏目名，不像村名单" in result.output, result.output


def test_an_unknown_village_gets_the_nearest_listed_name_in_merge_too(tmp_path):
    box = tmp_path / "in"
    box.mkdir()
    submission(box, cover={"village": "坪郎村"}, name="a.xlsx")
    known = tmp_path / "村名单.xlsx"
    from .conftest import make_workbook
    make_workbook(known, {"村名单": [["村名"], ["小坪村"], ["坪朗村"]]})
    out = CliRunner().invoke(main, ["merge", str(box), "-o", str(tmp_path / "t.xlsx"), "--villages", str(known)])
    assert out.exit_code == 1 and "坪郎村" in out.output and "是否应为「坪朗村」" in out.output, out.output
    others = [r for r in sheets(tmp_path / "t.xlsx")["报送情况"] if "a.xlsx" in r]
    assert others and "是否应为「坪朗村」" in others[0][3]
