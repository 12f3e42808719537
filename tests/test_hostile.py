"""Hostile and broken files: one Chinese line, the right exit code, bounded time and memory, input untouched."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from unionxl.doors import cli
from unionxl.writing.annotate import annotate
from unionxl.checks.validate import validate_file

from .data.make_corpus import Case, make

RUNNER = """
import resource, sys
from unionxl.doors import cli
sys.argv = ["unionxl", *sys.argv[1:]]
cli.leave = sys.exit  # the console script's quick end would skip the report below
try:
    cli.run()
finally:
    sys.stderr.write(f"\\nMAXRSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}\\n")
"""
MAX_SECONDS = 5
MAX_RSS_MB = 500


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, list[Case]]:
    folder = tmp_path_factory.mktemp("corpus")
    return folder, make(folder)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def unionxl(*args: str) -> tuple[subprocess.CompletedProcess, float, float]:
    """Run the real console entry point in a fresh process: result, seconds, peak memory in MB."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", RUNNER, *args], capture_output=True, text=True, timeout=120)
    seconds = time.perf_counter() - start
    rss = int(done.stderr.rsplit("MAXRSS_KB=", 1)[1].split()[0]) / 1024
    return done, seconds, rss


def test_corpus_has_every_kind_of_trouble(corpus):
    _, cases = corpus
    names = {c.name for c in cases}
    for expected in ("设了密码.xlsx", "下载一半.xlsx", "照片.xlsx", "名单.csv", "空工作簿.xlsx", "改了表名.xlsx",
                     "~$坪朗村.xlsx", "带宏.xlsm", "最后一格有字.xlsx", "实体膨胀.xlsx", "外部实体.xlsx", "压缩炸弹.xlsx",
                     "伪造大小.xlsx", "远处的引用.xlsx", "无坐标的单元格.xlsx", "不写坐标.xlsx"):
        assert expected in names


def test_each_file_gets_one_clear_line(corpus):
    folder, cases = corpus
    for case in cases:
        path = folder / case.name
        before = sha(path)
        done, seconds, rss = unionxl("validate", str(path))
        out = done.stdout + done.stderr
        assert done.returncode == case.exit_code, (case.name, out)
        assert case.name in done.stdout and case.says in done.stdout, (case.name, out)
        assert "Traceback" not in out
        assert seconds < MAX_SECONDS and rss < MAX_RSS_MB, (case.name, seconds, rss)
        assert sha(path) == before, f"{case.name} was modified"


def test_a_batch_goes_on_past_bad_files(corpus):
    folder, cases = corpus
    result = CliRunner().invoke(cli.main, ["validate", str(folder), "--format", "json"])
    assert result.exit_code == 2
    import json

    files = {Path(f["path"]).name: f for f in json.loads(result.output)["files"]}
    assert files["正常.xlsx"]["readable"] and files["正常.xlsx"]["village"] == "排兄村"
    assert not files["压缩炸弹.xlsx"]["readable"] and "压缩炸弹" in files["压缩炸弹.xlsx"]["error"]
    assert "~$坪朗村.xlsx" not in files  # a lock file in a folder is skipped, not read


def test_merge_of_the_corpus_lists_what_it_could_not_read(corpus, tmp_path):
    folder, cases = corpus
    out = tmp_path / "乡镇汇总.xlsx"
    done, seconds, rss = unionxl("merge", str(folder), "-o", str(out))
    assert done.returncode == 2 and out.exists(), done.stdout + done.stderr
    status = [str(c.value) for row in load_workbook(out)["报送情况"].iter_rows() for c in row if c.value]
    for bad in ("设了密码.xlsx", "压缩炸弹.xlsx", "实体膨胀.xlsx", "最后一格有字.xlsx"):
        assert bad in status
    assert seconds < 30 and rss < MAX_RSS_MB


def test_macros_are_kept_in_the_annotated_copy_and_never_run(corpus, tmp_path):
    folder, _ = corpus
    src = folder / "带宏.xlsm"
    out = annotate(validate_file(src), tmp_path / "带宏_已标注.xlsm")
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert a.read("xl/vbaProject.bin") == b.read("xl/vbaProject.bin")


def test_control_characters_from_a_village_do_not_break_outputs(tmp_path, examples):
    """Excel stores a control character as _x0007_; it must not crash annotate or merge."""
    src = examples[0]
    bad = tmp_path / "控制字符.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = data.replace("<t>群众</t>".encode(), "<t>群_x0007_众</t>".encode(), 1)
            zout.writestr(info.filename, data)
    report = validate_file(bad)
    assert report.readable and report.errors >= 1  # 群\x07众 is not in the list
    annotated = annotate(report, tmp_path / "a.xlsx")
    assert load_workbook(annotated)["问题清单"].max_row > 1
    result = CliRunner().invoke(cli.main, ["merge", str(bad), "-o", str(tmp_path / "m.xlsx")])
    assert result.exit_code == 1, result.output


def test_unexpected_errors_are_one_line_unless_debug(monkeypatch, capsys):
    def boom(*args, **kwargs):
        raise RuntimeError("模拟的意外")

    monkeypatch.setattr(cli, "main", boom)
    monkeypatch.setattr(cli, "prepare", lambda: None)  # no memory cap or SIGTERM handler on the test process
    monkeypatch.setattr(sys, "argv", ["unionxl", "validate", "x.xlsx"])
    with pytest.raises(SystemExit) as stop:
        cli.run()
    assert stop.value.code == 3
    err = capsys.readouterr().err
    assert "模拟的意外" in err and "--debug" in err and "Traceback" not in err
    monkeypatch.setattr(sys, "argv", ["unionxl", "--debug", "validate", "x.xlsx"])
    with pytest.raises(RuntimeError):
        cli.run()


def _move_first_cell(xls: Path, dest: Path, record: int, fields: str, values: tuple[int, ...]) -> Path:
    """A copy of ``xls`` whose first BIFF ``record`` has its leading fields rewritten."""
    import shutil
    import struct

    import olefile

    with olefile.OleFileIO(str(xls)) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
    pos = 0
    while struct.unpack_from("<H", stream, pos)[0] != record:
        pos += 4 + struct.unpack_from("<H", stream, pos + 2)[0]
    struct.pack_into(fields, stream, pos + 4, *values)
    shutil.copy(xls, dest)
    with olefile.OleFileIO(str(dest), write_mode=True) as ole:
        ole.write_stream("Workbook", bytes(stream))
    return dest


def test_far_cells_in_an_xls_are_refused_before_calamine_sizes_its_grid(tmp_path, examples):
    """An .xls names each cell's row and column, and its used range, in binary records; calamine
    would reserve the whole 65,536 x 65,536 grid and abort. The rest of the batch goes on."""
    from .conftest import convert

    xls = convert(examples[0], "xls", tmp_path)
    far = _move_first_cell(xls, tmp_path / "远处的单元格.xls", 0x00FD, "<HH", (65535, 65535))  # LABELSST
    wide = _move_first_cell(xls, tmp_path / "用过的范围.xls", 0x0200, "<IIHH", (0, 65536, 0, 16384))  # DIMENSIONS
    for bad in (far, wide):
        done, seconds, rss = unionxl("validate", str(bad), str(xls))
        assert done.returncode == 2, done.stdout + done.stderr
        assert f"{bad.name}：工作表的使用范围" in done.stdout and "错误 0 条" in done.stdout
        assert "Traceback" not in done.stdout + done.stderr and rss < MAX_RSS_MB
