"""Small helpers for writing workbooks safely: text never becomes a formula, saves are atomic."""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import outputs

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook import Workbook

# Characters openpyxl refuses in cell text (XML 1.0 control characters).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def set_value(cell: Cell, value: Any, number_format: str | None = None) -> None:
    """Write ``value``; a string is always stored as text, never as a formula."""
    if isinstance(value, str):
        value = ILLEGAL.sub("", value) or None
    cell.value = value
    if isinstance(value, str) and cell.data_type == "f":
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object], password: str | None = None) -> Path:
    """Call ``write(tmp)`` for a temporary file beside ``path``, then move it into place.

    A half-written output never replaces a good one. The file gets the permissions of any file
    the user creates (``0o666 & ~umask``, or the mode of the file it replaces), not mkstemp's 0600.
    When the target is open in Excel (Windows refuses the replace) a Chinese message says to close
    it; any other ``OSError`` (read-only folder, disk full…) becomes one Chinese line too
    (:class:`~unionxl.writing.outputs.OutputError`). With ``password`` the workbook is encrypted (ECMA-376
    agile encryption, msoffcrypto-tool): Excel and WPS ask for the password to open it.
    """
    path = Path(path)
    if password is not None:
        write = _encrypting(write, password)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale(path.parent)
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise outputs.os_error(exc, path) from None
    os.close(fd)
    try:
        try:
            write(Path(tmp))
        except Exception as exc:
            cause = _os_error_in(exc)
            if cause is None:
                raise
            _abandon_zips(exc)
            raise outputs.os_error(cause, path) from None
        try:
            os.chmod(tmp, _mode(path))
            os.replace(tmp, path)
        except PermissionError:
            raise OutputLocked(path) from None
        except OSError as exc:
            raise outputs.os_error(exc, path) from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


TEMP_PREFIX = ".~unionxl-"
_TEMP = re.compile(re.escape(TEMP_PREFIX) + r"(?:(\d+)-)?")
STALE_SECONDS = 24 * 3600  # a temporary file this old is left over, whoever made it


def remove_stale(folder: Path) -> None:
    """Remove temporary files that earlier runs left in ``folder`` (killed mid-write): those of a
    process on this machine that no longer runs, and any a day old."""
    try:
        entries = [p for p in folder.iterdir() if p.name.startswith(TEMP_PREFIX)]
    except OSError:
        return
    now = time.time()
    for p in entries:
        try:
            age = now - p.stat().st_mtime
            pid = _TEMP.match(p.name)[1]
            if age > STALE_SECONDS or (age > 60 and pid is not None and not _alive(int(pid))):
                p.unlink()
        except OSError:
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # no cheap check: leave it to the age rule
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _encrypting(write: Callable[[Path], object], password: str) -> Callable[[Path], None]:
    """``write`` into a private temporary folder, then encrypt that workbook into the real temporary file."""
    from msoffcrypto.format.ooxml import OOXMLFile

    def encrypted(target: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="unionxl-") as folder:  # mode 0700: only this user
            plain = Path(folder) / f"plain{target.suffix}"
            write(plain)
            with open(plain, "rb") as source, open(target, "wb") as out:
                OOXMLFile(source).encrypt(password, out)

    return encrypted


def _mode(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return 0o666 & ~outputs.umask()


def _os_error_in(exc: BaseException | None) -> OSError | None:
    """The ``OSError`` behind ``exc`` (XlsxWriter wraps it in its FileCreateError), if any."""
    seen = 0
    while exc is not None and seen < 8:
        if isinstance(exc, OSError):
            return exc
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _abandon_zips(exc: BaseException) -> None:
    """Close the zip files a failed writer left open, so that their ``__del__`` does not try again.

    A writer that fails half-way (disk full) leaves its ``ZipFile`` open in a frame of the traceback;
    when it is collected, ``ZipFile.__del__`` writes the central directory, fails again and prints a
    traceback ("Exception ignored in …"). Its file is the temporary one, deleted anyway.
    """
    while exc is not None:
        tb = exc.__traceback__
        while tb is not None:
            for value in list(tb.tb_frame.f_locals.values()):
                if isinstance(value, zipfile.ZipFile) and value.fp is not None:
                    fp, value.fp = value.fp, None
                    try:
                        fp.close()
                    except OSError:
                        pass
            tb = tb.tb_next
        exc = exc.__cause__ or exc.__context__


def atomic_save(wb: Workbook, path: str | os.PathLike[str]) -> Path:
    """Save an openpyxl workbook atomically."""
    return atomic_write(path, wb.save)


class OutputLocked(outputs.OutputError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"无法写入 {path.name}：文件可能正在 Excel 或 WPS 中打开，请关闭后重试。")
        self.path = path


def open_elsewhere(path: Path) -> bool:
    """True when Excel/WPS (``~$name``) or LibreOffice (``.~lock.name#``) has ``path`` open."""
    return (path.parent / f"~${path.name}").exists() or (path.parent / f".~lock.{path.name}#").exists()
