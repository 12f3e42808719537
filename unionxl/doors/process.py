"""What a door's process sets up before anything else: a memory backstop, and SIGTERM ending it like Ctrl-C."""

from __future__ import annotations

import signal
import threading

from ..reading import safety


def prepare() -> None:
    """Cap this process's memory (workers and LibreOffice get their own), and make SIGTERM raise
    SystemExit so temporary files and work folders are removed on the way out (main thread only:
    Python takes signal handlers there alone)."""
    safety.limit_memory()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminated)


def _terminated(signum, frame) -> None:
    raise SystemExit(128 + signum)
