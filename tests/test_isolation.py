"""One bad file never stops the batch: each failure found on altered examples, as a named test.

Every hostile file is validated (text and JSON) and annotated in one run together with a clean
village: that file gets one Chinese line, the clean one is still checked and marked up.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl.doors import cli

from unionxl.jobs import isolation
from unionxl.writing.annotate import AnnotateError, annotate
from unionxl.writing.outputs import output_name
from unionxl.jobs.batch import annotation_targets, check
from unionxl.checks.validate import validate_file
from unionxl.writing.xlsxio import TEMP_PREFIX, atomic_write

from .conftest import EXAMPLES, convert
from .data.make_corpus import _rezip, ods_file

CLEAN = EXAMPLES / "排兄村.xlsx"
ROSTER = "xl/worksheets/sheet3.xml"  # 会员名册 in the bundled examples
MAX_SECONDS, MAX_MB = 10, 1024


def part(name: str, src: Path = CLEAN) -> bytes:
    with zipfile.ZipFile(src) as z:
        return z.read(name)


def altered(tmp: Path, name: str, edits: dict[str, bytes], src: Path = CLEAN) -> Path:
    dest = tmp / name
    _rezip(src, dest, edits)
    return dest


def run(*args: str, env: dict | None = None) -> tuple[subprocess.CompletedProcess, float, float]:
    """The real console script in a fresh process: result, seconds, peak MB of it and its workers."""
    code = ("import resource, sys\nfrom unionxl.doors import cli\nsys.argv = ['unionxl', *sys.argv[1:]]\n"
            "cli.leave = sys.exit\n"  # the console script's quick end would skip the report below
            "try:\n    cli.run()\nfinally:\n    r = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
            " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "    sys.stderr.write(f'\\nMAXRSS_KB={r}\\n')\n")
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})
    rss = int(done.stderr.rsplit("MAXRSS_KB=", 1)[1].split()[0]) / 1024
    return done, time.perf_counter() - start, rss


def assert_clean_output(done: subprocess.CompletedProcess) -> None:
    out = done.stdout + done.stderr
    for bad in ("Traceback", "panicked", "PanicException", "unionxl 出错", "\x1b[2J"):
        assert bad not in out, out[-3000:]


def assert_one_bad_file(tmp_path: Path, bad: Path, says: str) -> None:
    """validate (JSON, annotated) of the bad file and a good village with a finding (寨阳村's warning): the
    bad one unreadable with ``says``, the good one validated and marked up; bounded time and memory."""
    folder = tmp_path / "收件箱"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / bad.name
    if bad != target:
        bad.replace(target)
    (folder / "寨阳村.xlsx").write_bytes((EXAMPLES / "寨阳村工会报表.xlsx").read_bytes())
    before = hashlib.sha256(target.read_bytes()).hexdigest()
    done, seconds, rss = run("validate", str(folder), "--format", "json", "--annotate-dir", str(tmp_path / "退回"))
    assert_clean_output(done)
    assert done.returncode == 2, done.stdout + done.stderr
    files = {Path(f["path"]).name: f for f in json.loads(done.stdout)["files"]}
    assert not files[target.name]["readable"] and says in files[target.name]["error"], files[target.name]
    assert files["寨阳村.xlsx"]["readable"] and files["寨阳村.xlsx"]["village"] == "寨阳村"
    assert (tmp_path / "退回" / "寨阳村_已标注.xlsx").exists()
    assert seconds < MAX_SECONDS and rss < MAX_MB, (seconds, rss)
    assert hashlib.sha256(target.read_bytes()).hexdigest() == before


# -- what aborts or panics inside python-calamine ---------------------------------------------------------


def test_a_huge_shared_string_count_is_refused_before_calamine_reserves_it(tmp_path):
    rels = part("xl/_rels/workbook.xml.rels").replace(b"</Relationships>", b'<Relationship Id="rIdS" Type="http://'
                                                      b'schemas.openxmlformats.org/officeDocument/2006/relationships/'
                                                      b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    types = part("[Content_Types].xml").replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType='
                                                b'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                                b'sharedStrings+xml"/></Types>')
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
           b'uniqueCount="1000000000000"><si><t>x</t></si></sst>')
    bad = altered(tmp_path, "字符串表.xlsx", {"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types})
    with zipfile.ZipFile(bad, "a") as z:
        z.writestr("xl/sharedStrings.xml", sst)
    assert_one_bad_file(tmp_path, bad, "字符串个数")


def test_a_date_cell_far_out_of_range_panics_calamine_and_is_that_files_error(tmp_path):
    roster = part(ROSTER)
    assert b'<c r="O3" s="13" t="n"><v>40781</v>' in roster  # a date-formatted 入会时间
    bad = altered(tmp_path, "日期溢出.xlsx", {ROSTER: roster.replace(b"<v>40781</v>", b"<v>-1e15</v>", 1)})
    report = validate_file(bad)  # in this process too: the panic is caught, not a BaseException escaping
    assert not report.readable and "无法解析" in report.error
    assert_one_bad_file(tmp_path, bad, "无法解析")


def _xls_records(xls: Path, dest: Path, change) -> Path:
    """A copy of ``xls`` whose Workbook stream records are changed by ``change(record, body) -> body``."""
    import shutil

    import olefile

    with olefile.OleFileIO(str(xls)) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
    pos = 0
    while pos + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, pos)
        body = bytes(stream[pos + 4:pos + 4 + length])
        new = change(record, body)
        assert len(new) == length
        stream[pos + 4:pos + 4 + length] = new
        pos += 4 + length
    shutil.copy(xls, dest)
    with olefile.OleFileIO(str(dest), write_mode=True) as ole:
        ole.write_stream("Workbook", bytes(stream))
    return dest


@pytest.fixture(scope="module")
def xls(tmp_path_factory) -> Path:
    return convert(CLEAN, "xls", tmp_path_factory.mktemp("xls"))


def test_xls_rk_cells_far_out_of_range_and_a_sheet_offset_past_the_end(tmp_path, xls):
    rk = -1e15
    high = struct.unpack("<Q", struct.pack("<d", rk))[0] >> 32 & ~3

    def rk_cells(record: int, body: bytes) -> bytes:
        return body[:6] + struct.pack("<I", high) if record == 0x027E else body  # RK: row, col, xf, value

    def sheet_offsets(record: int, body: bytes) -> bytes:
        return struct.pack("<I", 0xFFFFFFFF) + body[4:] if record == 0x0085 else body  # BOUNDSHEET

    for name, change in (("RK溢出.xls", rk_cells), ("表偏移.xls", sheet_offsets)):
        bad = _xls_records(xls, tmp_path / name, change)
        report = validate_file(bad)
        assert not report.readable, name
        assert_one_bad_file(tmp_path / name.split(".")[0], bad, "")


def test_an_empty_custom_properties_part_is_no_template_version(tmp_path):
    bad = altered(tmp_path, "空属性.xlsx", {"docProps/custom.xml": b""})
    report = validate_file(bad)
    assert report.readable and report.submission.template_version is None and report.errors == 0


def test_a_cell_past_column_xfd_is_read_and_named(tmp_path):
    roster = part(ROSTER)
    far = roster.replace(b"</row>", b'<c r="AAAA1" t="inlineStr"><is><t>x</t></is></c></row>', 1)
    bad = altered(tmp_path, "很宽.xlsx", {ROSTER: far})
    result = CliRunner().invoke(cli.main, ["validate", str(bad), "--annotate-dir", str(tmp_path / "out")])
    assert result.exit_code in (0, 1), result.output
    assert "AAAA" in result.output  # the unknown column is reported where it is
    assert (tmp_path / "out" / "很宽_已标注.xlsx").exists()


# -- what stopped --annotate-dir on files validate accepts -----------------------------------------------


def annotated_ok(tmp_path: Path, bad: Path) -> Path:
    """The copy of ``bad`` asked for by name (written with or without findings: --annotate-dir writes
    only those with findings), as --annotate-dir would name it."""
    out = tmp_path / "退回" / output_name(bad)
    result = CliRunner().invoke(cli.main, ["validate", str(bad), "--annotate", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert out.exists(), result.output
    wb = load_workbook(out)
    assert wb.sheetnames[-1] == "问题清单"
    return out


def test_a_merged_range_over_a_problem_cell_marks_its_top_left_cell(tmp_path):
    wb = load_workbook(CLEAN)
    ws = wb["会员名册"]
    ws.merge_cells("B20:B21")  # 姓名 of rows 20 and 21 merged: B21 is empty now (a required error there)
    src = tmp_path / "合并单元格.xlsx"
    wb.save(src)
    report = validate_file(src)
    assert any(f.cell == "B21" and f.code == "required" for f in report.findings)
    out = annotated_ok(tmp_path, src)
    marked = load_workbook(out)["会员名册"]["B20"]
    assert marked.comment is not None and "必填" in marked.comment.text


def test_odd_workbooks_openpyxl_cannot_keep_get_a_values_copy(tmp_path):
    workbook = part("xl/workbook.xml")
    types = part("[Content_Types].xml")
    roster = part(ROSTER)
    cases = {
        "斜杠表名.xlsx": {"xl/workbook.xml": workbook.replace("name=\"填表说明\"".encode(), "name=\"填表/说明\"".encode())},
        "无穷大.xlsx": {ROSTER: roster.replace(b'<c r="A3" s="11" t="n"><v>2</v>', b'<c r="A3" s="11" t="n"><v>inf</v>')},
        "样式越界.xlsx": {ROSTER: roster.replace(b'<c r="A3" s="11"', b'<c r="A3" s="9999"')},
        "名称范围.xlsx": {"xl/workbook.xml": workbook.replace(b"<definedName name=", b'<definedName localSheetId="x" name=', 1)},
        "内容类型.xlsx": {"[Content_Types].xml": re.sub(rb'ContentType="[^"]*worksheet\+xml"', b'ContentType="text/x-odd"', types, count=1)},
    }
    for name, edits in cases.items():
        folder = tmp_path / name.split(".")[0]
        folder.mkdir()
        bad = altered(folder, name, edits)
        annotated_ok(folder, bad)


def test_xls_and_ods_sheet_names_excel_refuses_are_renamed_in_the_copy(tmp_path):
    src = tmp_path / "奇怪表名.ods"
    ods_file(src, '<table:table table:name="会员/名册*?[1]:\\x"><table:table-row><table:table-cell office:value-type='
             '"string"><text:p>姓名</text:p></table:table-cell></table:table-row></table:table>'.encode())
    out = annotated_ok(tmp_path, src)
    assert load_workbook(out).sheetnames[0] == "会员_名册___1___x"


def test_a_long_file_name_gets_a_shortened_copy_name(tmp_path):
    long = tmp_path / ("很长的村名" * 16 + "ab.xlsx")  # 247 bytes; with "_已标注" past 255
    long.write_bytes((EXAMPLES / "寨阳村工会报表.xlsx").read_bytes())  # a warning: --annotate-dir marks it up
    assert len(long.name.encode()) < 255 < len((long.stem + "_已标注.xlsx").encode())
    result = CliRunner().invoke(cli.main, ["validate", str(long), "--annotate-dir", str(tmp_path / "退回")])
    assert result.exit_code in (0, 1), result.output
    [out] = (tmp_path / "退回").iterdir()
    assert len(out.name.encode()) <= 255 and out.name.endswith("_已标注.xlsx") and out.name == output_name(long)


def test_the_copy_is_made_from_the_bytes_that_were_validated(tmp_path):
    """Read once: the file deleted (or swapped) after reading changes nothing for this run."""
    src = tmp_path / "排兄村.xlsx"
    src.write_bytes(CLEAN.read_bytes())
    data = src.read_bytes()
    report = validate_file(src, data=data)
    src.unlink()
    out = annotate(report, tmp_path / "copy.xlsx", data)
    assert load_workbook(out)["封面"] is not None
    gone = check(src, None, tmp_path / "x.xlsx", keep_rows=False)
    assert not gone.readable and "找不到" in gone.error


def test_two_inputs_with_one_name_get_two_copies(tmp_path):
    a, b = Path("甲/坪朗村.xlsx"), Path("乙/坪朗村.xlsx")
    targets = annotation_targets([a, b], tmp_path)
    assert len({t.name for t in targets.values()}) == 2


# -- memory and time ---------------------------------------------------------------------------------------


def test_a_stray_value_far_down_is_refused_quickly(tmp_path):
    wb = load_workbook(CLEAN)
    wb["会员名册"]["A1000000"] = "x"
    bad = tmp_path / "远处一格.xlsx"
    wb.save(bad)
    assert_one_bad_file(tmp_path, bad, "使用范围")


def test_a_serial_number_filled_down_100000_rows_costs_seconds_not_gigabytes(tmp_path):
    wb = load_workbook(CLEAN)
    ws = wb["会员名册"]
    for r in range(100, 100_100):
        ws.cell(r, 1, r)
    src = tmp_path / "序号填满.xlsx"
    wb.save(src)
    done, seconds, rss = run("validate", str(src), "--format", "json", "--annotate-dir", str(tmp_path / "out"))
    assert_clean_output(done)
    assert done.returncode in (0, 1)
    findings = json.loads(done.stdout)["files"][0]["findings"]
    assert len(findings) < 30_000  # 1,000 of one code in one column at most, and a line for the rest
    assert seconds < 2 * MAX_SECONDS and rss < MAX_MB, (seconds, rss)  # 5 s here; room for a busy CI machine


def test_a_merged_range_over_the_whole_sheet_is_refused(tmp_path):
    roster = part(ROSTER)
    huge = roster.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')
    bad = altered(tmp_path, "全表合并.xlsx", {ROSTER: huge})
    assert_one_bad_file(tmp_path, bad, "合并单元格")


def test_an_ods_with_half_a_billion_spaces_is_refused(tmp_path):
    bad = tmp_path / "空格.ods"
    ods_file(bad, b'<table:table table:name="s"><table:table-row><table:table-cell office:value-type="string">'
             b'<text:p>a<text:s text:c="500000000"/></text:p></table:table-cell></table:table-row></table:table>')
    assert_one_bad_file(tmp_path, bad, "空格")


def test_an_xls_used_range_that_starts_after_it_ends_is_refused(tmp_path, xls):
    """DIMENSIONS with its first row past its last: calamine's 32-bit subtraction wraps and it
    reserves hundreds of gigabytes (an abort found by bench/fuzz.py)."""
    def dimensions(record: int, body: bytes) -> bytes:
        if record == 0x0200:
            first, last, first_col, last_col = struct.unpack_from("<IIHH", body)
            return struct.pack("<IIHH", 0x7FFF0000, last, first_col, last_col) + body[12:]
        return body

    bad = _xls_records(xls, tmp_path / "范围颠倒.xls", dimensions)
    assert_one_bad_file(tmp_path, bad, "使用范围")


def test_an_xls_cell_moved_to_the_last_row_and_column_is_refused(tmp_path, xls):
    moved = [False]

    def move(record: int, body: bytes) -> bytes:
        if record == 0x00FD and not moved[0]:  # the first LABELSST cell
            moved[0] = True
            return struct.pack("<HH", 65535, 255) + body[4:]
        return body

    bad = _xls_records(xls, tmp_path / "远处单元格.xls", move)
    assert_one_bad_file(tmp_path, bad, "使用范围")


# -- the workers -----------------------------------------------------------------------------------------


def _abort(item):
    if item == "abort":
        os.abort()
    return item


def test_a_worker_that_aborts_or_hangs_costs_only_its_item():
    results = list(isolation.run_each(_abort, ["a", "abort", "b"]))
    assert results[0] == "a" and results[2] == "b"
    assert isinstance(results[1], isolation.Crashed) and "SIGABRT" in results[1].reason
    slow = list(isolation.run_each(time.sleep, [0, 30], timeout=1))
    assert slow[0] is None and isinstance(slow[1], isolation.Crashed) and "秒" in slow[1].reason


def test_items_queued_behind_a_crash_go_to_another_worker():
    # a worker has the next item waiting in its pipe; when it dies, that item is not lost
    items = ["a", "abort", "b", "c", "abort", "d", "e", "f"]
    results = list(isolation.run_each(_abort, items, workers=2))
    assert [r for r in results if not isinstance(r, isolation.Crashed)] == ["a", "b", "c", "d", "e", "f"]
    assert [i for i, r in enumerate(results) if isinstance(r, isolation.Crashed)] == [1, 4]


def _allocate(megabytes):
    return len(bytearray(megabytes * 1024 * 1024))


def test_a_worker_has_its_own_memory_cap(monkeypatch):
    # the cap is on address space, and a forked worker starts with the test process's (some 650 MB late in the
    # suite, with Pillow loaded by openpyxl): 600 left it no room at all and the pool hung
    monkeypatch.setenv("UNIONXL_WORKER_MEMORY_MB", "1500")
    results = list(isolation.run_each(_allocate, [10, 4000]))
    assert results[0] == 10 * 1024 * 1024
    assert isinstance(results[1], isolation.Crashed) and "内存" in results[1].reason


def test_the_windows_memory_cap_uses_the_sdk_layout():
    """No Windows here: at least the job-limit structure must be the SDK's (64-bit: 144 bytes, the
    memory limit at offset 112), or SetInformationJobObject would read garbage."""
    import ctypes

    layout = isolation.job_limits()
    if ctypes.sizeof(ctypes.c_void_p) == 8:
        assert ctypes.sizeof(layout) == 144 and layout.ProcessMemoryLimit.offset == 112


WATCHED = """
import multiprocessing, sys, time
from unionxl.jobs import isolation
results = isolation.run_each(time.sleep, [60, 60])
next_result = iter(results)
import threading
threading.Thread(target=lambda: next(next_result), daemon=True).start()
time.sleep(1.5)
print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
time.sleep(60)
"""


@pytest.mark.skipif(os.name != "posix", reason="kill -9 is POSIX")
def test_workers_die_with_a_killed_parent():
    parent = subprocess.Popen([sys.executable, "-c", WATCHED], stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in parent.stdout.readline().split()]
    assert pids
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.time() + 10
    alive = pids
    while alive and time.time() < deadline:
        time.sleep(0.2)
        alive = [p for p in pids if _running(p)]
    assert not alive


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def test_stale_temporary_files_of_earlier_runs_are_removed(tmp_path):
    dead = tmp_path / f"{TEMP_PREFIX}999999999-abc.xlsx"
    old = tmp_path / f"{TEMP_PREFIX}xyz.xlsx"
    mine = tmp_path / f"{TEMP_PREFIX}{os.getpid()}-new.xlsx"
    for p in (dead, old, mine):
        p.write_bytes(b"x")
    os.utime(dead, (time.time() - 120, time.time() - 120))
    os.utime(old, (time.time() - 2 * 86400, time.time() - 2 * 86400))
    atomic_write(tmp_path / "out.xlsx", lambda tmp: tmp.write_bytes(b"data"))
    assert not dead.exists() and not old.exists() and mine.exists()
    assert (tmp_path / "out.xlsx").read_bytes() == b"data"


# -- what reaches the terminal ---------------------------------------------------------------------------


def test_escape_sequences_from_a_village_never_reach_the_terminal(tmp_path):
    cover = part("xl/worksheets/sheet2.xml")
    assert "<t>排兄村</t>".encode() in cover
    src = tmp_path / "排兄村\x1b[31m.xlsx"
    _rezip(CLEAN, src, {"xl/worksheets/sheet2.xml": cover.replace("<t>排兄村</t>".encode(),
                                                                    "<t>排兄村_x001B_[2J\x9b2J</t>".encode())})
    done, _, _ = run("validate", str(src))
    assert "\x1b[2J" not in done.stdout and "\x9b" not in done.stdout and "\x1b[31m" not in done.stdout
    done, _, _ = run("validate", str(src), "--format", "json")
    assert "\x1b" not in done.stdout and "\x9b" not in done.stdout
    assert json.loads(done.stdout)["files"][0]["village"].startswith("排兄村")


def test_merge_writes_the_township_workbook_past_every_hostile_file(tmp_path):
    folder = tmp_path / "收件箱"
    folder.mkdir()
    for example in EXAMPLES.glob("*.xlsx"):
        (folder / example.name).write_bytes(example.read_bytes())
    roster = part(ROSTER)
    altered(folder, "日期溢出.xlsx", {ROSTER: roster.replace(b"<v>40781</v>", b"<v>-1e15</v>", 1)})
    altered(folder, "全表合并.xlsx", {ROSTER: roster.replace(
        b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>')})
    out = tmp_path / "乡镇汇总.xlsx"
    done, seconds, rss = run("merge", str(folder), "-o", str(out), "--villages",
                             str(EXAMPLES.parent / "寨阳乡村名单.xlsx"))
    assert_clean_output(done)
    assert done.returncode == 2 and out.exists(), done.stdout + done.stderr
    status = [[c.value for c in row] for row in load_workbook(out)["报送情况"].iter_rows()]
    sent = [row for row in status if row[3] and str(row[3]).startswith("已报送")]
    assert len(sent) == 14 and sent[-1][1] == "寨阳乡本级", status  # the 13 villages, then the township's own
    text = " ".join(str(v) for row in status for v in row if v)
    assert "日期溢出.xlsx" in text and "全表合并.xlsx" in text


def test_a_values_copy_of_an_xlsm_never_replaces_a_file_of_that_name(tmp_path):
    """An .xlsm openpyxl cannot load is copied by value as .xlsx: a user's file of that name stays."""
    workbook = part("xl/workbook.xml").replace("name=\"填表说明\"".encode(), "name=\"填表/说明\"".encode())
    src = altered(tmp_path, "排兄村.xlsm", {"xl/workbook.xml": workbook})
    report = validate_file(src)
    theirs = tmp_path / "排兄村_已标注.xlsx"
    theirs.write_bytes(b"a file of the township's own")
    with pytest.raises(AnnotateError, match="已存在"):
        annotate(report, tmp_path / "排兄村_已标注.xlsm")
    assert theirs.read_bytes() == b"a file of the township's own"
    theirs.unlink()
    written = annotate(report, tmp_path / "排兄村_已标注.xlsm")
    assert written == theirs and load_workbook(written)["问题清单"] is not None


def test_what_a_library_prints_in_a_worker_never_reaches_the_json(tmp_path):
    """openpyxl print()s "9999 is out of range" for a named style past the style table (then fails
    to load it: a values copy is made): on stdout that would break the JSON a script reads."""
    styles = part("xl/styles.xml")
    assert b'<cellStyle name="Normal" xfId="0"' in styles
    bad = altered(tmp_path, "命名样式越界.xlsx", {"xl/styles.xml": styles.replace(b'xfId="0" builtinId', b'xfId="9999" builtinId')})
    done, _, _ = run("validate", str(bad), "--format", "json", "--annotate-dir", str(tmp_path / "退回"))
    assert "out of range" not in done.stdout + done.stderr
    assert json.loads(done.stdout)["files"][0]["readable"]


def test_a_large_count_of_string_cells_is_no_reason_to_refuse_a_file(tmp_path):
    # count is how many cells refer to the table (a 300,000-row roster: millions), uniqueCount how many
    # strings it holds: only uniqueCount makes calamine reserve room
    from unionxl.checks.validate import validate_file

    src = Path(__file__).parent.parent / "bench" / "generate.py"
    out = tmp_path / "many.xlsx"
    subprocess.run([sys.executable, str(src), "--rows", "60", "--out", str(tmp_path)], check=True, capture_output=True)
    made = next(tmp_path.glob("members-60*.xlsx"))
    with zipfile.ZipFile(made) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sst = parts["xl/sharedStrings.xml"]
    parts["xl/sharedStrings.xml"] = re.sub(rb'count="\d+"', b'count="%d"' % (len(sst) * 10), sst, count=1)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    report = validate_file(out)
    assert report.readable, report.error
    assert len(report.rows["members"]) == 60
