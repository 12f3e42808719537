"""The township write on both cores: deflate in a thread, a large sheet made in a child process.

Making rows' XML is Python work that holds the GIL; a zip member's deflate and CRC release it.
:class:`Behind` therefore hands a member's chunks to a thread of its own, and :class:`Ahead` has a
forked child make the XML of one large sheet (the data part) into a temporary file while the parent
makes the others, then copies it into its member. The bytes written are the same either way: a
child that fails, or where there is no fork (Windows, macOS), means the parent makes that sheet itself.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import sys
import threading
from pathlib import Path
from typing import Any, BinaryIO

from .sheetxml import SheetStream
from .styles import Styles

AHEAD_ROWS = 5000  # a smaller sheet is not worth a process


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


def _formats(styles: Styles) -> int:
    return sum(map(len, styles.new.values()))


def _quiet_orphan(parent: int, libc: Any) -> None:
    """In the child: killed when the parent dies (kill -9 of unionxl leaves nothing running), and
    silent (the parent reports what goes wrong, when it makes the sheet itself)."""
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the parent died before the call
        os._exit(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)


class Ahead:
    """``sheet``'s XML (a :class:`.package.NewSheet`) made by a forked child into a file in ``folder`` (0700) while the parent goes on.

    :meth:`copy_into` waits for it and copies it into the sheet's member; False when the parent must
    make the sheet itself (no child, the child failed, or it needed a cell format the parent lacks).
    """

    def __init__(self, sheet: Any, date_attr: str, styles: Styles, folder: Path) -> None:
        self.path = folder / "ahead.xml"
        self.pid = 0
        if not sys.platform.startswith("linux") or sheet.rows < AHEAD_ROWS:
            return
        import ctypes  # here: the child imports nothing (a lock another thread held at the fork stays held)

        libc = ctypes.CDLL(None, use_errno=True)
        formats = _formats(styles)
        sys.stdout.flush(), sys.stderr.flush()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: make the XML, and exit without running the parent's clean-ups
            code = 1
            try:
                _quiet_orphan(parent, libc)
                with open(self.path, "wb") as fh:
                    stream = SheetStream(fh, sheet.layout, sheet.rows, sheet.columns, date_attr)
                    sheet.write(stream)
                    stream.close()
                code = 0 if _formats(styles) == formats else 2  # a new format would be lost with the child
            except BaseException:  # the parent writes the sheet itself, and meets the error there
                pass
            finally:
                os._exit(code)
        self.pid = pid

    def copy_into(self, fh: Behind) -> bool:
        if not self.pid:
            return False
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        if os.waitstatus_to_exitcode(status) != 0:
            return False
        with open(self.path, "rb") as xml:
            shutil.copyfileobj(xml, fh, 1 << 20)
        return True

    def cancel(self) -> None:
        """End a child that is still at work (the write failed before its sheet)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(self.pid, 0)
            self.pid = 0
