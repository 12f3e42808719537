"""The page's state: the private work folder, the batch received, the last results, the job running.

One :class:`Workspace` per launch. Uploaded files land under ``收件/`` in the work folder (their
names cleaned, never outside it); the folders typed on the page are read where they are (inputs are
never modified). Each run writes its outputs in a fresh sub-folder (``校验-1/``, ``合并-2/``…), so a
download never meets a half-written file. A job runs in a background :class:`Task` whose progress the
page polls; whatever it raises ends as one Chinese line.
"""

from __future__ import annotations

import itertools
import logging
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from ... import jobs
from ...errors import UserError
from ...jobs.results import Checked, Merged, Received, Summarised

log = logging.getLogger(__name__)

UNEXPECTED = "出了意外的问题，未能完成。请检查收到的文件后重试；如仍出错，请用命令行 unionxl --debug 查看详细信息。"
OUT_OF_MEMORY = "内存不足，未能完成。请把村报表分成几批处理。"
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]')
MAX_NAME = 120  # characters of one name part


def clean_part(part: str) -> str:
    """One part of an uploaded file's path as a safe file name: no separators, control characters or
    characters Windows forbids, no leading dots (so no ``..``), not too long; "" when nothing is left."""
    part = _UNSAFE.sub("_", part).strip().lstrip(".").strip()
    return part[:MAX_NAME]


def clean_path(name: str) -> list[str]:
    """The parts of an uploaded path (``文件夹/子文件夹/文件.xlsx``, either slash) that are left after cleaning."""
    return [p for p in (clean_part(s) for s in re.split(r"[/\\]", name)) if p]


@dataclass
class Task:
    """One job running in a background thread: its progress, and at the end its result or its message."""

    id: int
    title: str  # 校验, 合并, 生成汇总
    done: int = 0
    total: int = 0
    what: str = ""
    state: str = "running"  # running | done | failed
    message: str = ""

    def progress(self, done: int, total: int, what: str) -> None:
        self.done, self.total, self.what = done, total, what

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "done": self.done, "total": self.total, "what": self.what,
                "state": self.state, "message": self.message}


@dataclass
class Workspace:
    """The work folder and what the page shows: the batch, the village list, the last results."""

    root: Path
    folders: list[Path] = field(default_factory=list)  # typed on the page, read where they are
    villages: Path | None = None
    checked: Checked | None = None  # the last 校验
    merged: Merged | None = None  # the last 合并
    summarised: Summarised | None = None  # the last 生成汇总
    last: str = ""  # which of them the page shows first: "checked" or "merged"
    task: Task | None = None
    message: str = ""  # the last job's message (an error or what it did)
    failed: bool = False
    uploaded_bytes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    @property
    def inbox(self) -> Path:
        return self.root / "收件"

    def fresh(self, name: str) -> Path:
        """A new, empty sub-folder for one run's outputs."""
        folder = self.root / f"{name}-{next(self._ids)}"
        folder.mkdir(parents=True)
        return folder

    # -- the batch -----------------------------------------------------------------------------

    def save_upload(self, name: str, stream: BinaryIO, into: Path | None = None) -> Path | None:
        """Store one uploaded file under the inbox (or ``into``) by its cleaned relative path; a name
        taken gets `` (2)``. None when nothing is left of the name."""
        parts = clean_path(name)
        if not parts:
            return None
        folder = (into or self.inbox).joinpath(*parts[:-1])
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / parts[-1]
        for n in itertools.count(2):
            try:
                with open(target, "xb") as out:
                    while chunk := stream.read(1 << 20):
                        out.write(chunk)
                        self.uploaded_bytes += len(chunk)
                return target
            except FileExistsError:
                target = folder / f"{Path(parts[-1]).stem} ({n}){Path(parts[-1]).suffix}"
        return None  # pragma: no cover - the loop returns

    def save_villages(self, name: str, stream: BinaryIO) -> Path | None:
        folder = self.fresh("村名单")
        self.villages = self.save_upload(name, stream, folder)
        return self.villages

    def inputs(self) -> list[Path]:
        """The uploads folder (when it holds anything) and the typed folders."""
        uploaded = [self.inbox] if self.inbox.is_dir() and any(self.inbox.iterdir()) else []
        return uploaded + self.folders

    def received(self) -> Received:
        """The workbooks of the batch and the files set aside, with why (nothing read yet)."""
        inputs = self.inputs()
        return jobs.receive(inputs) if inputs else Received()

    def shown(self, path: Path) -> str:
        """A path as the page names it: relative to the inbox for an upload, from its folder's name for a
        file of a typed folder."""
        for base, prefix in [(self.inbox, Path()), *((f, Path(f.name)) for f in self.folders)]:
            if path.is_relative_to(base):
                return str(prefix / path.relative_to(base))
        return str(path)

    def clear(self) -> None:
        """Forget the batch (the uploads are deleted; typed folders are only forgotten)."""
        self.idle()
        shutil.rmtree(self.inbox, ignore_errors=True)
        self.folders, self.uploaded_bytes = [], 0

    # -- running a job -------------------------------------------------------------------------

    def idle(self) -> None:
        """Refuse to change the batch or start a job while a job runs."""
        task = self.task
        if task is not None and task.state == "running":
            raise UserError(f"正在{task.title}，请等它完成。")

    def start(self, title: str, action: Callable[[Task], str]) -> Task:
        """Run ``action`` in a background thread (one job at a time); its return value is the page's message."""
        with self.lock:
            self.idle()
            task = self.task = Task(next(self._ids), title)
        threading.Thread(target=self._run, args=(task, action), name=f"unionxl-{title}", daemon=True).start()
        return task

    def _run(self, task: Task, action: Callable[[Task], str]) -> None:
        try:
            message, failed = action(task), False
        except UserError as exc:
            message, failed = f"{task.title}未完成：{exc}", True
        except MemoryError:
            message, failed = f"{task.title}未完成：{OUT_OF_MEMORY}", True
        except Exception:  # the last resort: a Chinese line on the page, the traceback only in the terminal
            log.exception("%s failed", task.title)
            message, failed = f"{task.title}未完成：{UNEXPECTED}", True
        with self.lock:
            self.message, self.failed = message, failed
            task.message, task.state = message, "failed" if failed else "done"
