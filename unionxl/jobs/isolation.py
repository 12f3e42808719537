"""Work on untrusted files in worker processes that may die: a crash costs only that file.

python-calamine can abort the whole process (a failed allocation is ``abort()`` in Rust) or
panic; openpyxl can run out of memory on a file the checks let through. :func:`run_each`
calls a function once per item in a pool of worker processes (pebble's, which survives a
worker's death and stops a task that runs too long) and yields, in order, each result or a
:class:`Crashed` with one Chinese sentence. Each worker caps its own memory where the OS
allows, and dies with the process that started it.
"""

from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, TypeVar

from pebble import ProcessExpired, ProcessPool

from ..reading import safety

T = TypeVar("T")


@dataclass(frozen=True)
class Crashed:
    """An item whose worker died, ran out of memory or time; ``reason`` is Chinese."""

    reason: str


def _seconds() -> float:
    return float(safety.env_int("UNIONXL_FILE_TIMEOUT", 600))


def _worker_megabytes() -> int:
    return safety.env_int("UNIONXL_WORKER_MEMORY_MB", 4096)


def _signal_name(code: int | None) -> str:
    if code is None or code >= 0:
        return f"退出码 {code}"
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"信号 {-code}"


def _start_worker(megabytes: int) -> None:
    """In each worker: a memory cap, the cyclic GC back on (forked while it was paused), stdout and
    stderr silenced, and an exit when the parent goes away (kill -9 of unionxl must leave no worker)."""
    gc.enable()
    faulthandler.disable()  # a test runner's crash report would print what a crash costs anyway
    if sys.platform == "win32":
        _windows_memory_cap(megabytes)
    else:
        safety.limit_memory(megabytes)
    try:  # a Rust panic prints its report to stderr, and libraries print warnings: not into the user's
        devnull = os.open(os.devnull, os.O_WRONLY)  # terminal, nor into the JSON on stdout
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:  # pragma: no cover
        pass
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except Exception:  # pragma: no cover - no libc prctl
            pass
    if os.name == "posix":
        parent = os.getppid()

        def watch() -> None:  # where prctl is missing (macOS): poll for the parent
            while True:
                threading.Event().wait(1.0)
                if os.getppid() != parent:
                    os._exit(1)

        threading.Thread(target=watch, daemon=True).start()


def job_limits():
    """ctypes layout of Windows' JOBOBJECT_EXTENDED_LIMIT_INFORMATION (144 bytes on 64-bit Windows)."""
    import ctypes

    class Basic(ctypes.Structure):
        _fields_ = [("PerProcessUserTimeLimit", ctypes.c_int64), ("PerJobUserTimeLimit", ctypes.c_int64),
                    ("LimitFlags", ctypes.c_uint32), ("MinimumWorkingSetSize", ctypes.c_size_t),
                    ("MaximumWorkingSetSize", ctypes.c_size_t), ("ActiveProcessLimit", ctypes.c_uint32),
                    ("Affinity", ctypes.c_size_t), ("PriorityClass", ctypes.c_uint32),
                    ("SchedulingClass", ctypes.c_uint32)]

    class Extended(ctypes.Structure):
        _fields_ = [("BasicLimitInformation", Basic), ("IoInfo", ctypes.c_uint64 * 6),
                    ("ProcessMemoryLimit", ctypes.c_size_t), ("JobMemoryLimit", ctypes.c_size_t),
                    ("PeakProcessMemoryUsed", ctypes.c_size_t), ("PeakJobMemoryUsed", ctypes.c_size_t)]

    return Extended


def _windows_memory_cap(megabytes: int) -> None:
    """Windows has no RLIMIT_AS: put this worker in a job object whose per-process memory limit
    makes allocations past it fail (MemoryError, or calamine's abort: this worker's death)."""
    if megabytes <= 0:
        return
    try:
        import ctypes
        from ctypes import wintypes

        kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
        kernel32.CreateJobObjectW.restype = wintypes.HANDLE
        kernel32.GetCurrentProcess.restype = wintypes.HANDLE
        job = kernel32.CreateJobObjectW(None, None)
        info = job_limits()()
        info.BasicLimitInformation.LimitFlags = 0x100  # JOB_OBJECT_LIMIT_PROCESS_MEMORY
        info.ProcessMemoryLimit = megabytes * safety.MiB
        limits = 9  # JobObjectExtendedLimitInformation
        if job and kernel32.SetInformationJobObject(wintypes.HANDLE(job), limits, ctypes.byref(info), ctypes.sizeof(info)):
            kernel32.AssignProcessToJobObject(wintypes.HANDLE(job), wintypes.HANDLE(kernel32.GetCurrentProcess()))
    except Exception:  # pragma: no cover - the cap is a backstop; without it the worker still runs
        pass


def _context():
    """fork where it is safe and cheap (Linux): workers start in milliseconds, imports done."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def run_each(function: Callable[..., T], items: Iterable[Any], *args: Any, workers: int | None = None,
             timeout: float | None = None) -> Iterator[T | Crashed]:
    """``function(item, *args)`` for every item, each in a worker process; results in order.

    A worker that dies (abort, segfault, the memory cap) or takes longer than ``timeout``
    seconds gives a :class:`Crashed` for its item; the pool starts a new worker and goes on.
    """
    items = list(items)
    if not items:
        return
    timeout = _seconds() if timeout is None else timeout
    count = max(1, min(workers or os.cpu_count() or 1, len(items)))
    pool = ProcessPool(max_workers=count, initializer=_start_worker, initargs=(_worker_megabytes(),),
                       context=_context())
    try:
        futures = [pool.schedule(function, args=(item, *args), timeout=timeout) for item in items]
        for future in futures:
            yield _outcome(future, timeout)
        pool.close()
    finally:
        pool.stop()
        pool.join()


def _outcome(future, timeout: float) -> Any:
    try:
        return future.result()
    except FutureTimeout:
        return Crashed(f"处理超过 {timeout:.0f} 秒仍未完成，已停止（文件可能异常）；可设置 UNIONXL_FILE_TIMEOUT。")
    except ProcessExpired as exc:
        return Crashed(f"读取时程序异常退出（{_signal_name(exc.exitcode)}），文件可能已损坏、被篡改或太大，"
                       "请让村里用 Excel 或 WPS 重新保存后发送。")
    except MemoryError:
        return Crashed("文件太大，内存不足，无法读取。")
    except Exception as exc:  # the function's own failure, or its result could not be sent back
        return Crashed(f"处理时出错（{type(exc).__name__}），文件可能已损坏。")
