"""The refusals of the service layer, and the one place a stray ``OSError`` becomes a :class:`UserError`.

Every job runs inside :func:`user_errors`: what the user can fix leaves a job as a
:class:`UserError` (one Chinese line, an exit code), whichever stage raised it, so a door maps
one exception type. Every stage's own refusal (``ReadError``, ``UnsafeFile``, ``OutputError``,
``TemplateError``, ``AnnotateError``, ``PdfUnavailable``…) subclasses :class:`UserError`; an
``OSError`` no stage turned into a Chinese line becomes one here.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from ..errors import UserError
from ..writing.outputs import os_error

__all__ = ["NoWorkbooks", "OutputOpen", "UserError", "job", "user_errors"]


class NoWorkbooks(UserError):
    """The inputs hold no workbook at all; ``skipped`` lists the files set aside, with why."""

    def __init__(self, inputs: list[Path], skipped: list[tuple[Path, str]]) -> None:
        shown = "、".join(str(p) for p in inputs)
        other = f"（另有 {len(skipped)} 个文件不是村报表，已跳过）" if skipped else ""
        super().__init__(f"没有找到村报表：{shown} 中没有 .xlsx/.xlsm/.xls/.ods/.et 工作簿{other}。请检查文件夹是否选对。")
        self.inputs, self.skipped = inputs, skipped


class OutputOpen(UserError):
    """An output is open in Excel, WPS or LibreOffice (its lock file is there)."""

    def __init__(self, path: Path, doing: str) -> None:
        super().__init__(f"{path.name} 正在 Excel、WPS 或 LibreOffice 中打开，请先关闭再{doing}。")
        self.path = path


@contextmanager
def user_errors() -> Iterator[None]:
    """Inside: whatever the user can fix is raised as a :class:`UserError`."""
    try:
        yield
    except UserError:
        raise
    except OSError as exc:  # one the stages did not turn into a Chinese line themselves
        raise os_error(exc, doing="读写") from exc


F = TypeVar("F", bound=Callable)


def job(function: F) -> F:
    """A public job: runs inside :func:`user_errors`."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with user_errors():
            return function(*args, **kwargs)

    return run  # type: ignore[return-value]
