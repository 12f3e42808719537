"""No command overwrites an input; outputs get normal permissions and the right extension; OS errors are
one Chinese line. Every slip through CliRunner: the inputs' bytes, the exit code and the message."""

from __future__ import annotations

import errno
import gc
import hashlib
import os
import shutil
import stat
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from click.testing import CliRunner

from tests.conftest import EXAMPLES
from unionxl.writing import outputs
from unionxl.doors.cli import main
from unionxl.writing.xlsxio import atomic_write


def hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def inbox(tmp_path) -> Path:
    box = tmp_path / "收件箱"
    shutil.copytree(EXAMPLES, box)
    return box


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def refused(result, text: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[-1].startswith("错误：") and text in lines[-1], result.output
    assert "Traceback" not in result.output and "Error" not in result.output


def test_merge_into_the_inbox_over_a_village_file_is_refused(inbox):
    before = hashes(inbox)
    refused(run("merge", inbox, "-o", inbox / "排吼村.xlsx"), "就是输入文件")
    assert hashes(inbox) == before


def test_validate_annotate_onto_its_input_is_refused(inbox):
    before = hashes(inbox)
    target = inbox / "排吼村.xlsx"
    refused(run("validate", target, "--annotate", target), "就是输入文件")
    assert hashes(inbox) == before


def test_the_same_file_by_another_path_is_refused(inbox, tmp_path):
    before = hashes(inbox)
    link = tmp_path / "链接.xlsx"
    link.symlink_to(inbox / "排吼村.xlsx")
    hard = tmp_path / "硬链接.xlsx"
    os.link(inbox / "中黄村工会.xlsx", hard)
    refused(run("validate", inbox / "排吼村.xlsx", "--annotate", link), "就是输入文件")
    refused(run("merge", inbox, "-o", hard), "中黄村工会.xlsx")
    refused(run("merge", inbox, "-o", inbox / ".." / "收件箱" / "坪朗村(1).xlsx"), "就是输入文件")
    assert hashes(inbox) == before


def test_annotate_dir_whose_copy_name_is_an_input_is_refused(inbox):
    shutil.copyfile(inbox / "排吼村.xlsx", inbox / "排吼村_已标注.xlsx")
    before = hashes(inbox)
    refused(run("validate", inbox, "--annotate-dir", inbox), "排吼村_已标注.xlsx")
    assert hashes(inbox) == before


def test_summary_over_the_township_workbook_is_refused(inbox, tmp_path):
    township = tmp_path / "乡镇汇总.xlsx"
    assert run("merge", inbox, "-o", township, "--no-summary").exit_code == 0
    before = hashlib.sha256(township.read_bytes()).hexdigest()
    refused(run("summary", township, "-o", township), "就是输入文件")
    assert hashlib.sha256(township.read_bytes()).hexdigest() == before


def test_demo_into_the_bundled_examples_is_refused(tmp_path, monkeypatch):
    examples = tmp_path / "examples"
    shutil.copytree(EXAMPLES, examples)
    monkeypatch.setattr("unionxl.bundled.examples_dir", lambda: examples)
    shutil.copyfile(examples / "排吼村.xlsx", examples / "乡镇汇总.xlsx")  # an input demo would overwrite
    before = hashes(examples)
    refused(run("demo", "-o", examples), "就是输入文件")
    assert hashes(examples) == before


def test_outputs_get_the_users_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        out = atomic_write(tmp_path / "新.xlsx", lambda p: p.write_bytes(b"x"))
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        out.chmod(0o664)
        atomic_write(out, lambda p: p.write_bytes(b"y"))
        assert stat.S_IMODE(out.stat().st_mode) == 0o664  # a replaced file keeps its mode
    finally:
        os.umask(old)


def test_merge_output_is_mode_644_under_umask_022(inbox, tmp_path):
    old = os.umask(0o022)
    try:
        assert run("merge", inbox, "-o", tmp_path / "乡镇汇总").exit_code == 0
    finally:
        os.umask(old)
    out = tmp_path / "乡镇汇总.xlsx"  # no extension: .xlsx appended
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


@pytest.mark.parametrize("name", ["输出.csv", "输出.xls", "输出.pdf"])
def test_a_wrong_extension_is_refused(inbox, tmp_path, name):
    before = hashes(inbox)
    refused(run("merge", inbox, "-o", tmp_path / name), "扩展名不对")
    assert hashes(inbox) == before and not (tmp_path / name).exists()


def test_extension_rule():
    assert outputs.with_extension(Path("无后缀"), ".xlsx") == Path("无后缀.xlsx")
    assert outputs.with_extension(Path("2024.05"), ".xlsx") == Path("2024.05.xlsx")
    assert outputs.with_extension(Path("a.XLSX"), ".xlsx") == Path("a.XLSX")
    with pytest.raises(outputs.WrongExtension):
        outputs.with_extension(Path("a.xlsx"), ".xlsm")


def test_an_empty_folder_is_exit_2(tmp_path):
    (tmp_path / "空").mkdir()
    refused(run("validate", tmp_path / "空"), "没有找到村报表")
    refused(run("merge", tmp_path / "空", "-o", tmp_path / "x.xlsx"), "没有找到村报表")


@pytest.mark.parametrize("code, text", [(errno.EACCES, "没有写入权限"), (errno.EROFS, "只读")])
def test_a_read_only_folder_is_one_chinese_line(inbox, tmp_path, monkeypatch, code, text):
    def refuse(*args, **kwargs):  # tests run as root here, which chmod cannot stop
        raise OSError(code, os.strerror(code), str(tmp_path / "x"))

    monkeypatch.setattr("unionxl.writing.xlsxio.tempfile.mkstemp", refuse)
    before = hashes(inbox)
    refused(run("merge", inbox, "-o", tmp_path / "乡镇汇总.xlsx"), text)
    assert hashes(inbox) == before


def test_an_output_under_a_file_is_one_chinese_line(inbox, tmp_path):
    (tmp_path / "文件").write_text("x")
    before = hashes(inbox)
    refused(run("merge", inbox, "-o", tmp_path / "文件" / "乡镇汇总.xlsx"), "不是文件夹")
    assert hashes(inbox) == before


def test_a_full_disk_is_one_chinese_line_without_a_zipfile_traceback(inbox, tmp_path, monkeypatch):
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", full)
    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    before = hashes(inbox)
    refused(run("merge", inbox, "-o", tmp_path / "乡镇汇总.xlsx"), "磁盘空间不足")
    annotated = run("validate", inbox / "排吼村.xlsx", "--annotate", tmp_path / "退回.xlsx")
    assert annotated.exit_code == 2  # that file's copy could not be written: its line says why, the batch goes on
    assert "✗ 排吼村.xlsx：无法写入" in annotated.output and "磁盘空间不足" in annotated.output, annotated.output
    assert "Traceback" not in annotated.output
    gc.collect()
    assert unraisable == []
    assert hashes(inbox) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".~unionxl")]


def test_an_output_open_in_excel_is_exit_2(inbox, tmp_path):
    (tmp_path / "~$乡镇汇总.xlsx").write_bytes(b"lock")
    refused(run("merge", inbox, "-o", tmp_path / "乡镇汇总.xlsx"), "请先关闭")


def test_output_locked_is_exit_2_not_3(inbox, tmp_path, monkeypatch):
    replace = os.replace

    def locked(src, dst):  # the output is locked; the temporary files on the way are not
        if Path(dst) == tmp_path / "乡镇汇总.xlsx":
            raise PermissionError(errno.EACCES, "denied")
        replace(src, dst)

    monkeypatch.setattr("unionxl.writing.xlsxio.os.replace", locked)
    refused(run("merge", inbox, "-o", tmp_path / "乡镇汇总.xlsx"), "请关闭后重试")


def test_two_copies_with_one_name_are_both_kept(inbox, tmp_path):
    """X.xls and X.xlsx would both be annotated as X_已标注.xlsx: the second copy is numbered."""
    box = tmp_path / "两份"
    box.mkdir()
    for source, name in (("排吼村.xlsx", "排吼村.xlsx"), ("小坪村.xlsx", "排吼村.xls")):  # the .xls read by content
        wb = load_workbook(inbox / source)
        wb["会员名册"]["D2"] = "火星族"  # an error: only a file with findings gets a copy
        wb.save(box / name)
    before = hashes(box)
    result = run("validate", box, "--annotate-dir", tmp_path / "退回")
    assert result.exit_code == 1, result.output
    copies = sorted(p.name for p in (tmp_path / "退回").iterdir())
    assert copies == ["排吼村_已标注(2).xlsx", "排吼村_已标注.xlsx"]
    villages = {load_workbook(tmp_path / "退回" / name)["封面"]["B3"].value for name in copies}
    assert hashes(box) == before and len(villages) == 2


def test_a_fresh_folder_of_copies_through_every_command(tmp_path):
    """The real program in a child process (umask 022): inputs keep their bytes, outputs are mode 644."""
    import subprocess

    box = tmp_path / "收件箱"
    shutil.copytree(EXAMPLES, box)
    before = hashes(box)
    out = tmp_path / "输出"

    def unionxl(*args) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", "import os, sys; os.umask(0o022); from unionxl.doors.cli import run; "
                               "sys.argv[0] = 'unionxl'; run()", *map(str, args)],
                              capture_output=True, text=True, cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(
                                  Path(__file__).resolve().parent.parent)})

    for args, code in [(("template", "-o", out), 0),
                       (("validate", box, "--annotate-dir", out / "退回"), 0),
                       (("merge", box, "-o", out / "乡镇汇总"), 0),
                       (("summary", out / "乡镇汇总.xlsx", "-o", out / "汇总表"), 0),
                       (("demo", "-o", out / "演示"), 0),
                       (("merge", box, "-o", box / "排吼村.xlsx"), 2),
                       (("summary", out / "乡镇汇总.xlsx", "-o", out / "乡镇汇总.xlsx"), 2),
                       (("validate", tmp_path / "空"), 2)]:
        if args[1] == tmp_path / "空":
            (tmp_path / "空").mkdir()
        done = unionxl(*args)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        if code == 2:
            assert done.stderr.startswith("错误：") and len(done.stderr.strip().splitlines()) == 1, done.stderr
        assert hashes(box) == before, args
    written = [p for p in out.rglob("*") if p.is_file()]
    assert len(written) >= 8 and (out / "退回" / "寨阳村工会报表_已标注.xlsx") in written  # a copy: the file with findings
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in written} == {"0o644"}
