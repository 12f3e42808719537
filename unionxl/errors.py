"""The one kind of error a user can fix: a Chinese line and the exit code the command line ends with.

It lives at the bottom of the package (it imports nothing) so that every stage can raise it: the
library's own refusals (``OutputError``, ``ReadError``, ``TemplateError``…) are, or are mapped to,
:class:`UserError`s, and each door maps :class:`UserError` once — the command line to 「错误：…」 and
its exit code, the Excel buttons to the 状态 cell, the web page to its message.
"""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix. ``str()`` is one Chinese line; ``exit_code`` 2 means refused."""

    exit_code = 2

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code
