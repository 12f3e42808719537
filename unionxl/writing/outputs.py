"""Where unionxl may write: never over one of its inputs, always under the right extension.

The jobs (:mod:`unionxl.jobs`) call :func:`check_outputs` before any input is read. Every refusal
is an :class:`OutputError` (a :class:`~unionxl.errors.UserError`): one Chinese line naming the file.
:func:`os_error` turns an ``OSError`` met while writing (read-only folder, disk full, not a
folder…) into one too, never raw English errno text.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import UserError


class OutputError(UserError):
    """An output unionxl refuses or cannot write; the message is one Chinese line."""


class SameAsInput(OutputError):
    def __init__(self, output: Path, source: Path) -> None:
        alias = "" if str(output) == str(source) else f" {source}（同一个文件的另一个路径）"
        super().__init__(f"输出文件 {output} 就是输入文件{alias}，写出会覆盖原文件；"
                         "请换一个输出文件名或文件夹。")
        self.output, self.source = output, source


class WrongExtension(OutputError):
    pass


NAME_BYTES = 250  # most file systems allow 255 bytes for a name


def output_name(path: Path) -> str:
    """File name of the annotated copy: same stem, 已标注, .xlsx unless the input was .xlsm;
    the stem shortened when the name would be too long for the file system."""
    suffix = ".xlsm" if path.suffix.lower() == ".xlsm" else ".xlsx"
    tail = f"_已标注{suffix}"
    stem = path.stem
    while len((stem + tail).encode()) > NAME_BYTES:
        stem = stem[:-1]
    return f"{stem}{tail}"


# Extensions of other file types: an output named so is refused rather than renamed.
KNOWN_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".xltx", ".xltm", ".ods", ".et", ".ett", ".csv", ".txt",
                    ".tsv", ".pdf", ".json", ".doc", ".docx", ".wps", ".zip", ".rar", ".7z", ".html", ".htm", ".xml"}


def with_extension(path: Path, wanted: str) -> Path:
    """``path`` ending in ``wanted`` (e.g. ``.xlsx``): appended when the name has no known extension.

    ``输出`` and ``2024.05`` become ``输出.xlsx`` and ``2024.05.xlsx``; ``输出.csv`` is refused, since
    the file would hold a workbook under a name that says otherwise.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == wanted:
        return path
    if suffix in KNOWN_EXTENSIONS:
        raise WrongExtension(f"输出文件 {path.name} 的扩展名不对：写出的是 {wanted} 工作簿，"
                             f"请改为 {path.stem}{wanted}（或不写扩展名，自动加上 {wanted}）。")
    return path.with_name(path.name + wanted)


def _identity(path: Path) -> tuple[int, int] | str:
    """What makes two paths the same file: device and inode if it exists, else the normalised real path."""
    try:
        st = os.stat(path)
    except OSError:
        return os.path.normcase(os.path.realpath(path))
    return st.st_dev, st.st_ino


def same_file(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` name one file (symlink, hard link, case on Windows/macOS, ``..``)."""
    ia, ib = _identity(a), _identity(b)
    if ia == ib:
        return True
    # one exists and the other not: compare names too (a case-insensitive name of a missing file)
    return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))


def check_outputs(outputs: Iterable[Path], inputs: Iterable[Path]) -> None:
    """Raise :class:`SameAsInput` when an output would replace an input, :class:`OutputError` when two
    outputs are one file (before anything is read)."""
    sources = [Path(p) for p in inputs if p is not None]
    written: list[Path] = []
    for out in outputs:
        if out is None:
            continue
        twin = next((w for w in written if same_file(w, Path(out))), None)
        if twin is not None:
            raise OutputError(f"两个输出都要写到 {out}，后一个会覆盖前一个（例如同名的 .xlsx 和 .xls）；"
                              "请把其中一个文件改名后再试。")
        written.append(Path(out))
        for source in sources:
            if source.is_dir():
                continue
            if same_file(Path(out), source):
                raise SameAsInput(Path(out), source)


REASONS = {
    errno.EACCES: "没有写入权限",
    errno.EPERM: "没有写入权限",
    errno.EROFS: "所在位置是只读的（如光盘、写保护的 U 盘）",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.ENOTDIR: "路径中有一部分是文件而不是文件夹",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENOENT: "找不到所在的文件夹",
    errno.ENAMETOOLONG: "路径或文件名太长",
    errno.EEXIST: "路径中有一部分是文件而不是文件夹",
    errno.EBUSY: "文件正被其他程序使用",
    errno.EIO: "磁盘读写出错",
}


def os_error(exc: OSError, path: Path | str | None = None, doing: str = "写入") -> OutputError:
    """One Chinese line for an ``OSError`` met while writing ``path`` (or the file the error names)."""
    where = path if path is not None else exc.filename or ""
    reason = REASONS.get(exc.errno, f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统错误")
    return OutputError(f"无法{doing} {where}：{reason}。请换一个位置，或处理后重试。".replace(" ：", "："))


def umask() -> int:
    """The process's umask (read without changing it where /proc allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
