"""Work on untrusted files in worker processes that may die: a crash costs only that file.

python-calamine can abort the whole process (a failed allocation is ``abort()`` in Rust) or
panic; openpyxl can run out of memory on a file the checks let through. :func:`run_each`
calls a function once per item in worker processes (forked on Linux: they start in
milliseconds, with the imports done) and yields, in order, each result or a :class:`Crashed`
with one Chinese sentence: a worker that dies or runs too long costs its item, and a new one
takes the next. Each worker caps its own memory where the OS allows, and dies with the process
that started it. The parent never polls: it waits on the workers' pipes and sentinels.
"""

from __future__ import annotations

import faulthandler
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from collections import deque
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from typing import Any, TypeVar

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
    seconds gives a :class:`Crashed` for its item; a new worker takes the next item. Workers
    (at most one per core, one per item) start on first need and serve item after item.
    """
    items = list(items)
    if not items:
        return
    timeout = _seconds() if timeout is None else timeout
    pool = _Pool(function, args, max(1, min(workers or os.cpu_count() or 1, len(items))), timeout)
    try:
        yield from pool.run(items)
    finally:
        pool.stop()


@dataclass
class _Worker:
    process: Any
    conn: Any
    tasks: deque[int] = field(default_factory=deque)  # items sent, in order: the first is being worked on
    deadline: float = 0.0  # for the first


def _serve(conn, function: Callable[..., Any], args: tuple[Any, ...], megabytes: int) -> None:
    """A worker's loop: an item in, ``("ok", result)`` or why not out; ``None`` ends it."""
    _start_worker(megabytes)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        gc.disable()  # until the result is sent and dropped (see below)
        try:
            reply: tuple[str, Any] = ("ok", function(task[0], *args))
        except MemoryError:
            reply = ("memory", None)
        except Exception as exc:
            reply = ("error", type(exc).__name__)
        try:
            conn.send(reply)
        except Exception as exc:  # the result could not be pickled: nothing was sent yet
            conn.send(("error", type(exc).__name__))
        # Collected only now: a collection while the result was alive (set off by the first allocation
        # after validation's own pause) would traverse its million objects, 0.25 s on 100k rows, for nothing.
        del reply
        gc.enable()
        gc.collect(0)


class _Pool:
    """Worker processes fed through a pipe each, ``AHEAD`` items at a time (the next one waits in the
    pipe while the parent reads a result: no worker idles meanwhile). No polling: the parent waits on
    the pipes and the processes' sentinels, with the nearest deadline as timeout. The items queued
    behind one that kills its worker go to another worker."""

    AHEAD = 2

    def __init__(self, function: Callable[..., Any], args: tuple[Any, ...], size: int, timeout: float) -> None:
        self.function, self.args, self.size, self.timeout = function, args, size, timeout
        self.workers: list[_Worker] = []
        self.megabytes = _worker_megabytes()
        self.context = _context()
        self.queue: deque[int] = deque()

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(child, self.function, self.args, self.megabytes),
                                       daemon=True)
        gc.freeze()  # what the parent has (its imports) out of the worker's collections: not traversed, not
        try:  # copied page by page by them (a forked worker's first file took 3-5 times the next one's)
            process.start()
        finally:
            gc.unfreeze()
        child.close()
        worker = _Worker(process, parent)
        self.workers.append(worker)
        return worker

    def _worker(self) -> _Worker | None:
        """The worker to send the next item to: an idle one, a new one, else one with room in its pipe."""
        idle = next((w for w in self.workers if not w.tasks), None)
        if idle is None and len(self.workers) < self.size:
            idle = self._start()
        return idle or min((w for w in self.workers if len(w.tasks) < self.AHEAD), key=lambda w: len(w.tasks),
                           default=None)

    def run(self, items: list[Any]) -> Iterator[Any]:
        done: dict[int, Any] = {}
        self.queue = deque(range(len(items)))
        following = 0
        while following < len(items):
            while self.queue and (worker := self._worker()) is not None:
                index = self.queue[0]
                try:
                    worker.conn.send((items[index],))
                except OSError:  # it died between items (killed from outside): another one takes them
                    self._lost(worker)
                    continue
                self.queue.popleft()
                if not worker.tasks:
                    worker.deadline = time.monotonic() + self.timeout
                worker.tasks.append(index)
            while following in done:
                yield done.pop(following)
                following += 1
            if following < len(items):
                self._wait(done)

    def _wait(self, done: dict[int, Any]) -> None:
        busy = [w for w in self.workers if w.tasks]
        ready = set(wait([x for w in busy for x in (w.conn, w.process.sentinel)],
                         max(0.0, min(w.deadline for w in busy) - time.monotonic())))
        for w in busy:
            if w.conn in ready:
                try:
                    status, value = w.conn.recv()
                except (EOFError, OSError):  # died while sending
                    ready.add(w.process.sentinel)
                else:
                    done[w.tasks.popleft()] = value if status == "ok" else _failed(status, value)
                    w.deadline = time.monotonic() + self.timeout
                    continue
            if w.process.sentinel in ready:
                w.process.join()
                done[w.tasks.popleft()] = _died(w.process.exitcode)
                self._lost(w)
            elif time.monotonic() >= w.deadline:
                w.process.kill()
                w.process.join()
                done[w.tasks.popleft()] = Crashed(f"处理超过 {self.timeout:.0f} 秒仍未完成，已停止（文件可能异常）；"
                                                  "可设置 UNIONXL_FILE_TIMEOUT。")
                self._lost(w)

    def _lost(self, worker: _Worker) -> None:
        """A dead worker: the items it had not started go back to the front of the queue."""
        worker.process.join()
        self.queue.extendleft(reversed(worker.tasks))
        worker.conn.close()
        self.workers.remove(worker)

    def stop(self) -> None:
        """Idle workers are told to end, busy ones (the caller stopped early) killed; all waited for."""
        for w in self.workers:
            try:
                if not w.tasks:
                    w.conn.send(None)
                else:
                    w.process.kill()
            except OSError:
                w.process.kill()
        for w in self.workers:
            w.process.join(5)
            if w.process.exitcode is None:
                w.process.kill()
                w.process.join()
            w.conn.close()
        self.workers = []


def _died(code: int | None) -> Crashed:
    return Crashed(f"读取时程序异常退出（{_signal_name(code)}），文件可能已损坏、被篡改或太大，"
                   "请让村里用 Excel 或 WPS 重新保存后发送。")


def _failed(status: str, name: str | None) -> Crashed:
    if status == "memory":
        return Crashed("文件太大，内存不足，无法读取。")
    return Crashed(f"处理时出错（{name}），文件可能已损坏。")  # the function's own failure, or an unpicklable result
