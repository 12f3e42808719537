"""The township write on both cores: a sheet made ahead by a forked child, or by the parent when the child
fails, gives the same workbook; deflate in a thread raises what the member's write raises."""

from __future__ import annotations

import datetime as dt
import io
import os
import sys
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from unionxl.writing import marks, parallel
from unionxl.writing.package import NewSheet, Package
from unionxl.writing.sheetxml import Layout
from unionxl.writing.styles import Style

linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Ahead forks on Linux only")
ROWS = [[n, f"会员{n}", "a&b <c>", dt.date(2012, 1, 1 + n % 28), Decimal("1.50"), None] for n in range(300)]
PARENT = os.getpid()


def _book(path, ahead_write, before_write=None):
    package = Package(None)

    def plain(stream) -> None:
        for values in ROWS[:20]:
            stream.row(values, [""] * 6)

    sheets = [NewSheet("前", Layout([8] * 6), 20, 6, before_write or plain),
              NewSheet("数据", Layout([], landscape=False, hidden="veryHidden", compact=True), len(ROWS), 6,
                       ahead_write, ahead=True)]
    package.write(path, sheets, marks.TOWNSHIP, "测试")
    return path


def _rows(stream) -> None:
    for values in ROWS:
        stream.row(values, [""] * 6)


def _parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


@pytest.fixture
def spy(monkeypatch):
    """The children forked and what each copy gave."""
    seen = {"pids": [], "copied": []}
    start, copy = parallel.Ahead.__init__, parallel.Ahead.copy_into

    def init(self, *args, **kwargs):
        start(self, *args, **kwargs)
        seen["pids"].append(self.pid)

    def copy_into(self, fh):
        seen["copied"].append(copy(self, fh))
        return seen["copied"][-1]

    monkeypatch.setattr(parallel.Ahead, "__init__", init)
    monkeypatch.setattr(parallel.Ahead, "copy_into", copy_into)
    return seen


@linux
def test_a_sheet_made_by_the_child_is_the_sheet_the_parent_makes(tmp_path, monkeypatch, spy):
    serial = _parts(_book(tmp_path / "serial.xlsx", _rows))  # fewer rows than AHEAD_ROWS: no child
    assert spy["pids"] == [0]
    monkeypatch.setattr(parallel, "AHEAD_ROWS", 1)
    ahead = _parts(_book(tmp_path / "ahead.xlsx", _rows))
    assert spy["pids"][1] > 0 and spy["copied"] == [False, True]
    differ = [n for n in serial if serial[n] != ahead[n]]
    assert differ == [] and list(serial) == list(ahead)


@linux
def test_a_child_that_fails_leaves_the_sheet_to_the_parent(tmp_path, monkeypatch, spy):
    monkeypatch.setattr(parallel, "AHEAD_ROWS", 1)

    def only_here(stream) -> None:
        if os.getpid() != PARENT:
            raise MemoryError("the child's share")
        _rows(stream)

    path = _book(tmp_path / "t.xlsx", only_here)
    assert spy["pids"][0] > 0 and spy["copied"] == [False]
    assert load_workbook(path)["数据"].max_row == len(ROWS)


@linux
def test_a_format_asked_for_in_the_child_is_asked_for_again_in_the_parent(tmp_path, monkeypatch, spy):
    monkeypatch.setattr(parallel, "AHEAD_ROWS", 1)
    package_styles = []

    def bold(stream) -> None:
        attr = package_styles[0].attr(Style(bold=True))  # a format the base has not got yet
        for values in ROWS:
            stream.row(values, [attr] * 6)

    start = Package.__init__

    def init(self, base):
        start(self, base)
        package_styles.append(self.styles)

    monkeypatch.setattr(Package, "__init__", init)
    path = _book(tmp_path / "t.xlsx", bold)
    assert spy["copied"] == [False]  # the child's format would be lost with it
    assert load_workbook(path)["数据"]["B2"].font.b


@linux
def test_a_write_that_fails_before_the_sheet_ends_the_child(tmp_path, monkeypatch, spy):
    monkeypatch.setattr(parallel, "AHEAD_ROWS", 1)

    def broken(stream) -> None:
        raise ValueError("before the data")

    with pytest.raises(ValueError):
        _book(tmp_path / "t.xlsx", _rows, before_write=broken)
    with pytest.raises(ChildProcessError):  # reaped: no zombie, nothing left running
        os.waitpid(spy["pids"][0], os.WNOHANG)


def _township(path, result):
    from unionxl.writing.township import write_township
    from unionxl.bundled import summary_template

    return _parts(write_township(result, path, summary_template=summary_template())[0])


@linux
def test_the_data_part_made_before_the_summary_is_filled_is_the_one_the_parent_makes(tmp_path, monkeypatch, spy,
                                                                                     examples):
    from unionxl.bundled import village_list
    from unionxl.merging.merge import merge
    from unionxl.reading.villages import read_villages

    result = merge(examples, read_villages(village_list()))
    monkeypatch.setattr(parallel, "AHEAD_ROWS", 10**9)
    serial = _township(tmp_path / "serial.xlsx", result)
    forked = len(spy["pids"])
    monkeypatch.setattr(parallel, "AHEAD_ROWS", 1)
    ahead = _township(tmp_path / "ahead.xlsx", result)
    assert not any(spy["pids"][:forked]) and all(spy["pids"][forked:]) and spy["copied"] == [False, True]
    assert len(spy["pids"]) - forked == 1 + 5  # the data part; the second half of each register
    differ = [n for n in serial if serial[n] != ahead[n] and n != "docProps/core.xml"]  # core: its time
    assert differ == [] and list(serial) == list(ahead)
    assert b"#digest" in ahead["xl/worksheets/sheet10.xml"]


@linux
@pytest.mark.parametrize("masked", [False, True])
def test_the_digest_made_aside_matches_the_records_the_child_wrote(tmp_path, monkeypatch, spy, examples, masked):
    """The data part's child has a helper make the digest from the records a second time: with ``--mask``
    both passes hash ID numbers with one salt, so the roll-up finds the data part as the merge wrote it."""
    from unionxl.merging.merge import merge
    from unionxl.merging.rollup import read_workbook
    from unionxl.writing.township import write_township

    monkeypatch.setattr(parallel, "AHEAD_ROWS", 1)
    path, _ = write_township(merge(examples), tmp_path / "寨阳乡汇总.xlsx", masked=masked)
    assert spy["pids"][0] > 0 and spy["copied"][-1] is True  # the data part came from the child
    codes = [f.code for f in read_workbook(path).findings]
    assert "data-altered" not in codes and ("masked-workbook" in codes) == masked


@linux
def test_a_summary_that_fails_ends_the_child_forked_before_it(tmp_path, monkeypatch, spy, examples):
    from unionxl.merging.merge import merge
    from unionxl.writing import township

    def broken(*args):
        raise ValueError("the template")

    monkeypatch.setattr(parallel, "AHEAD_ROWS", 1)
    monkeypatch.setattr(township, "write_summary", broken)
    with pytest.raises(ValueError):
        township.write_township(merge(examples[:2]), tmp_path / "t.xlsx", summary_template=tmp_path / "any.xlsx")
    assert spy["pids"][0] > 0 and not (tmp_path / "t.xlsx").exists()
    with pytest.raises(ChildProcessError):  # reaped: no zombie, nothing left running
        os.waitpid(spy["pids"][0], os.WNOHANG)


@linux
def test_a_child_forked_early_puts_in_the_date_format_sent_after_it_made_the_rows(tmp_path, monkeypatch, spy):
    monkeypatch.setattr(parallel, "AHEAD_ROWS", 1)
    sheet = NewSheet("数据", Layout([], landscape=False, hidden="veryHidden", compact=True), len(ROWS), 6, _rows,
                     ahead=True)
    early = parallel.Ahead(sheet, tmp_path)
    assert early.pid > 0 and early.pipe >= 0
    package = Package(None)
    package.styles.attr(Style(bold=True))  # the date format's index is not the first new one
    package.write(tmp_path / "t.xlsx", [sheet], marks.TOWNSHIP, "测试", started=(early,))
    assert spy["copied"] == [True]
    xml = _parts(tmp_path / "t.xlsx")["xl/worksheets/sheet1.xml"]
    assert parallel.MARK_BYTES not in xml and xml.count(b' s="2"><v>') == len(ROWS)  # 0 plain, 1 bold, 2 date
    ws = load_workbook(tmp_path / "t.xlsx")["数据"]
    assert ws.max_row == len(ROWS) and ws["D1"].is_date and ws["D1"].value.date() == dt.date(2012, 1, 1)
    assert ws["B2"].value == "会员1" and ws["C3"].value == "a&b <c>"


@linux
def test_a_child_forked_early_that_never_gets_the_date_format_leaves_the_sheet_to_the_parent(tmp_path, monkeypatch,
                                                                                             spy):
    monkeypatch.setattr(parallel, "AHEAD_ROWS", 1)
    sheet = NewSheet("数据", Layout([]), len(ROWS), 6, _rows, ahead=True)
    early = parallel.Ahead(sheet, tmp_path)
    import zipfile as zf
    with zf.ZipFile(tmp_path / "t.zip", "w", zf.ZIP_DEFLATED) as z, z.open("s.xml", "w") as member:
        assert early.copy_into(member) is False  # hung up on: the child fails
    assert early.pid == 0
    with pytest.raises(ChildProcessError):
        os.waitpid(spy["pids"][0], os.WNOHANG)


@pytest.mark.parametrize("isal", [True, False])
def test_members_deflated_by_isa_l_or_zlib_read_back_the_same(tmp_path, monkeypatch, isal):
    if isal:
        pytest.importorskip("isal")
    else:
        monkeypatch.setitem(sys.modules, "isal", None)  # not installed: zlib's deflate
    data = b"".join(b'<row r="%d"><c t="inlineStr"><is><t>\xe4\xbc\x9a\xe5\x91\x98%d</t></is></c></row>' % (n, n)
                    for n in range(20000))
    with zipfile.ZipFile(tmp_path / "t.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        with z.open("s.xml", "w") as member:
            fast = parallel.fast_member(member, 1)
            assert type(fast._compressor).__module__.startswith("isal") is isal
            for i in range(0, len(data), 1 << 16):
                fast.write(data[i:i + (1 << 16)])
    with zipfile.ZipFile(tmp_path / "t.zip") as z:
        assert z.testzip() is None and z.read("s.xml") == data
        assert z.getinfo("s.xml").compress_size < len(data) // 5


@linux
@pytest.mark.parametrize("fails", [False, True])
def test_a_sheet_split_between_parent_and_child_is_the_sheet_the_parent_makes(tmp_path, monkeypatch, spy, fails):
    def halves(stream) -> None:
        if fails and os.getpid() != PARENT:
            raise MemoryError("the child's share")
        for values in ROWS:
            stream.row(values, [""] * 5 + [' s="0"'], 30 if values[0] == 200 else None)  # one row tall

    def book(path):
        sheets = [NewSheet("表", Layout([8] * 6, autofilter=True, print_titles=True), len(ROWS), 6, halves, split=True)]
        Package(None).write(path, sheets, marks.TOWNSHIP, "测试")
        return _parts(path)

    serial = book(tmp_path / "serial.xlsx")
    monkeypatch.setattr(parallel, "AHEAD_ROWS", 1)
    split = book(tmp_path / "split.xlsx")
    assert spy["pids"][0] == 0 and spy["pids"][1] > 0
    assert split == serial
    ws = load_workbook(tmp_path / "split.xlsx")["表"]
    assert ws.max_row == len(ROWS) and ws["B300"].value == "会员299" and ws.row_dimensions[201].height == 30
    with pytest.raises(ChildProcessError):  # waited for
        os.waitpid(spy["pids"][1], os.WNOHANG)


class Full(io.RawIOBase):
    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        raise OSError(28, "No space left on device")


def test_an_error_of_the_deflate_thread_reaches_the_writer():
    with pytest.raises(OSError, match="No space"):
        with parallel.Behind(Full()) as fh:
            for _ in range(100):
                fh.write(b"x" * 1000)


@linux
def test_a_child_computes_a_line_aside_and_makes_it_itself_when_the_helper_fails(monkeypatch):
    """aside: nothing outside an Ahead child; there, the line made by another process, or, when that
    process fails, by the caller when it asks."""
    import ctypes

    assert parallel.aside(lambda: "x") is None  # not a child: the caller computes as it goes
    monkeypatch.setattr(parallel, "_LIBC", ctypes.CDLL(None, use_errno=True))
    here = os.getpid()
    assert parallel.aside(lambda: str(os.getpid()))() not in ("", str(here))  # made by the helper

    def only_here() -> str:
        if os.getpid() != here:
            raise RuntimeError("the helper fails")
        return "made here"

    assert parallel.aside(only_here)() == "made here"
    with pytest.raises(ChildProcessError):  # both helpers reaped
        os.waitpid(-1, os.WNOHANG)
