"""The township write on both cores: deflate in a thread, a large sheet made in a child process.

Making rows' XML is Python work that holds the GIL; a zip member's deflate and CRC release it.
:class:`Behind` therefore hands a member's chunks to a thread of its own, and :class:`Ahead` has a
forked child make and deflate the XML of one large sheet (the data part) into a temporary file while
the parent makes the others (forked before the summary is filled, it does its style-free share first),
then copies the deflated bytes into its member. The parts are the same either way: a child that
fails, or where there is no fork (Windows, macOS), means the parent makes that sheet itself.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import sys
import threading
import zlib
from pathlib import Path
from collections.abc import Callable
from typing import Any, BinaryIO

from .sheetxml import SheetStream
from .styles import Styles

AHEAD_ROWS = 5000  # a smaller sheet is not worth a process
MARK = ' s="\x01"'  # a date's format in a sheet made before the styles exist (:class:`Ahead`)
MARK_BYTES = MARK.encode("ascii")
_MEMBER = ("_compressor", "_crc", "_file_size", "_compress_size")  # what is set on zipfile's member writer


class Behind:
    """Writes to ``fh`` from a thread of its own, a few chunks behind the caller: a zip member's deflate
    and CRC (which release the GIL) run on the other core while the next rows' XML is made. At most
    ``depth`` chunks wait (memory stays flat); an error in the thread is raised by :meth:`write` or on exit."""

    def __init__(self, fh: BinaryIO, depth: int = 4) -> None:
        self.fh = fh
        self.chunks: queue.Queue[bytes | None] = queue.Queue(depth)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._drain, name="unionxl-deflate", daemon=True)
        self.thread.start()

    def _drain(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.error is None:
                try:
                    self.fh.write(chunk)
                except BaseException as e:  # raised in the caller's thread
                    self.error = e

    def write(self, data: bytes) -> None:
        if self.error is not None:
            raise self.error
        self.chunks.put(data)

    def __enter__(self) -> Behind:
        return self

    def __exit__(self, *exc: object) -> None:
        self.chunks.put(None)
        self.thread.join()
        if self.error is not None and exc[0] is None:
            raise self.error


def deflater(level: int) -> Callable[[], Any]:
    """What makes a raw-deflate compressor at ``level`` (a zip member's): ISA-L's when installed and
    ``level`` is one it has (0–3; four times zlib's speed at 1, the same size), else zlib's. Called in
    the parent: a child imports nothing."""
    try:
        from isal import isal_zlib
    except ImportError:
        isal_zlib = None
    if isal_zlib is None or level > isal_zlib.Z_BEST_COMPRESSION:
        return lambda: zlib.compressobj(level, zlib.DEFLATED, -15)
    return lambda: isal_zlib.compressobj(level, isal_zlib.DEFLATED, -15)


def _known(member: BinaryIO) -> bool:
    """``member`` is zipfile's member writer as this module knows it (the attributes it sets are there)."""
    return all(hasattr(member, a) for a in _MEMBER)


def fast_member(member: BinaryIO, level: int) -> BinaryIO:
    """``member`` (from ``ZipFile.open(name, "w")`` with ZIP_DEFLATED at ``level``) deflating with
    :func:`deflater`'s compressor; as it was where zipfile's writer is not the one known here."""
    if _known(member) and member._compressor is not None:
        member._compressor = deflater(level)()
    return member


def _formats(styles: Styles) -> int:
    return sum(map(len, styles.new.values()))


def _fork(work: Callable[[], int], libc: Any) -> int:
    """A child process that runs ``work`` and exits with what it returns (1 when it raises), without running
    this process's clean-ups, silent and killed with this process (:func:`_quiet_orphan`); its pid here."""
    sys.stdout.flush(), sys.stderr.flush()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            _quiet_orphan(parent, libc)
            code = work()
        except BaseException:
            pass
        finally:
            os._exit(code)
    return pid


def _quiet_orphan(parent: int, libc: Any) -> None:
    """In the child: killed when the parent dies (kill -9 of unionxl leaves nothing running), and
    silent (the parent reports what goes wrong, when it makes the sheet itself)."""
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


class _Deflating:
    """Writes to ``fh`` deflated as a zip member holds its data (raw, at ``level``), counting the CRC and
    size of what was written."""

    def __init__(self, fh: BinaryIO, deflate: Any) -> None:
        self.fh, self.crc, self.size = fh, 0, 0
        self.deflate = deflate

    def write(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        self.fh.write(self.deflate.compress(data))

    def close(self) -> None:
        self.fh.write(self.deflate.flush())


class _Chunks:
    """Writes to ``fh``, keeping the size of each write."""

    def __init__(self, fh: BinaryIO) -> None:
        self.fh, self.sizes = fh, []

    def write(self, data: bytes) -> None:
        self.sizes.append(len(data))
        self.fh.write(data)


def _make(sheet: Any, fh: Any, date_attr: str, first: int = 1) -> None:
    stream = SheetStream(fh, sheet.layout, sheet.rows, sheet.columns, date_attr, first)
    sheet.write(stream)
    stream.close()


class _Deflated:
    """In place of a zip member's compressor: the bytes written to it are deflated already."""

    def compress(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


class Ahead:
    """``sheet``'s XML (a :class:`.package.NewSheet`) made and deflated by a forked child into a file in
    ``folder`` (0700) while the parent goes on.

    With ``date_attr`` None the child is forked before the workbook's styles exist (while the parent
    fills the summary): it makes the XML at once with a mark where a date's format goes (:data:`MARK`,
    which no cell's XML holds: control characters are escaped), and puts in the format :meth:`send`
    gives it as it deflates. Such a sheet must ask for no cell format; given ``styles``, a child that
    asked for one leaves the sheet to the parent. :meth:`copy_into` waits for the child and copies its
    deflated bytes into the sheet's zip member; False when the parent must make the sheet itself (no
    child, the child failed, or it needed a cell format the parent lacks). With ``first`` above 1 the
    child makes only the rows from ``first`` on and the tail, not deflated: the parent makes the rows
    before them meanwhile and then :meth:`append_to` adds the child's (or it makes them itself).
    """

    def __init__(self, sheet: Any, folder: Path, date_attr: str | None = None, styles: Styles | None = None,
                 level: int = 1, first: int = 1) -> None:
        self.sheet, self.first = sheet, first
        self.path = folder / f"ahead-{id(sheet)}-{first}.xml"
        self.pid = 0
        self.pipe = -1  # the parent's end: date_attr goes down it
        if not sys.platform.startswith("linux") or sheet.rows - first + 1 < AHEAD_ROWS:
            return
        import ctypes  # here: the child imports nothing (a lock another thread held at the fork stays held)

        libc = ctypes.CDLL(None, use_errno=True)
        formats = _formats(styles) if styles is not None else 0
        compressor = deflater(level)
        down, up = os.pipe() if date_attr is None else (-1, -1)

        def make() -> int:  # in the child: the XML; an error there leaves the sheet to the parent, which meets it
            global _LIBC
            _LIBC = libc  # this process may fork a helper of its own (:func:`aside`)
            if first > 1:  # the sheet's later rows and its tail, for the parent to deflate after its own
                with open(self.path, "wb") as fh:
                    _make(sheet, fh, date_attr, first)
            else:
                self._deflated(compressor(), date_attr, down, up)
            return 0 if styles is None or _formats(styles) == formats else 2  # a new format would be lost

        self.pid = _fork(make, libc)
        if date_attr is None:
            os.close(down)
            self.pipe = up

    def _deflated(self, deflate: Any, date_attr: str | None, down: int, up: int) -> None:
        """In the child: the sheet's XML deflated into ``path``, the CRC and size of the XML beside it."""
        if date_attr is None:
            os.close(up)
            raw = self.path.with_suffix(".raw")
            with open(raw, "wb") as fh:
                chunks = _Chunks(fh)
                _make(self.sheet, chunks, MARK)
            attr = _receive(down).encode("ascii")
            with open(raw, "rb") as xml, open(self.path, "wb") as fh:
                sink = _Deflating(fh, deflate)
                for size in chunks.sizes:  # whole rows each: a mark is never cut in two
                    sink.write(xml.read(size).replace(MARK_BYTES, attr))
                sink.close()
            raw.unlink()
        else:
            with open(self.path, "wb") as fh:
                sink = _Deflating(fh, deflate)
                _make(self.sheet, sink, date_attr)
                sink.close()
        self.path.with_suffix(".crc").write_text(f"{sink.crc} {sink.size}")

    def send(self, date_attr: str) -> None:
        """The ``s`` attribute of a date in an unstyled cell, to a child forked before the styles existed."""
        if self.pipe >= 0:
            try:
                os.write(self.pipe, date_attr.encode("ascii") + b"\n")
            except OSError:  # the child is gone: copy_into says so
                pass
            self._hang_up()

    def copy_into(self, member: BinaryIO) -> bool:
        """The child's deflated XML as ``member``'s data (``member`` from ``ZipFile.open(name, "w")``)."""
        if not _known(member):
            self.cancel()
            return False
        if not self._done():
            return False
        crc, size = map(int, self.path.with_suffix(".crc").read_text().split())
        member._compressor = _Deflated()
        with open(self.path, "rb") as deflated:
            shutil.copyfileobj(deflated, member, 1 << 20)
        member._crc, member._file_size = crc, size  # of the XML, not of the bytes written
        return True

    def append_to(self, fh: BinaryIO) -> bool:
        """The rows from ``first`` on and the sheet's tail, made by the child, written to ``fh``."""
        if not self._done():
            return False
        with open(self.path, "rb") as xml:
            shutil.copyfileobj(xml, fh, 1 << 20)
        return True

    @property
    def started(self) -> bool:
        return self.pid > 0

    def _done(self) -> bool:
        """Waited for the child: True when it made its file."""
        if not self.pid:
            return False
        self._hang_up()  # a child still waiting for send gets nothing: it fails, and the parent makes the sheet
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        return os.waitstatus_to_exitcode(status) == 0

    def _hang_up(self) -> None:
        if self.pipe >= 0:
            os.close(self.pipe)
            self.pipe = -1

    def cancel(self) -> None:
        """End a child that is still at work (the write failed before its sheet)."""
        self._hang_up()
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0


def aside(compute: Callable[[], str]) -> Callable[[], str] | None:
    """``compute()`` (a line of ASCII, such as a digest) made by a process forked here while the caller goes
    on; the callable returned waits for it, or makes it itself when the helper failed. Only in an
    :class:`Ahead` child, which runs no other thread: elsewhere None, and the caller makes it as it goes."""
    if _LIBC is None:
        return None

    def send() -> int:
        os.close(down)
        os.write(up, compute().encode("ascii") + b"\n")
        return 0

    down, up = os.pipe()
    try:
        pid = _fork(send, _LIBC)
    except OSError:  # no process to be had: the caller makes it when it asks
        os.close(down)
        os.close(up)
        return compute
    os.close(up)

    def result() -> str:
        try:
            return _receive(down)
        except (EOFError, OSError, UnicodeDecodeError):
            return compute()
        finally:
            os.close(down)
            os.waitpid(pid, 0)

    return result


_LIBC: Any = None  # set in an Ahead child: libc, for the helpers :func:`aside` forks


def _receive(fd: int) -> str:
    """A line from the other end of a pipe; an error when it closed the pipe without one."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 256)
        if not chunk:
            raise EOFError("the pipe closed before a whole line")
        data += chunk
    return data[:-1].decode("ascii")
