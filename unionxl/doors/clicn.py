"""click's own messages in Chinese: 「错误：缺少参数 'INPUTS...'」 rather than "Error: Missing argument".

click passes every message it prints through ``gettext`` (``_`` and ``ngettext`` imported into each of
its modules). :func:`chinese` swaps those names for a lookup in :data:`MESSAGES` while unionxl's
command runs (a context variable, so another click program in the same process keeps English).
tests/test_messages.py checks that every message click can show a user is in the table, so a click
upgrade that adds one fails there.
"""

from __future__ import annotations

import contextvars
import gettext
from collections.abc import Iterator
from contextlib import contextmanager

import click

MESSAGES = {
    # help and usage
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本号并退出。",
    "%(prog)s, version %(version)s": "%(prog)s %(version)s",
    "default: {default}": "默认：{default}",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
    "deprecated": "已弃用",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Do you want to continue?": "要继续吗？",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "请再输入一次确认",
    # errors
    "Error: {message}": "错误：{message}",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
    "Aborted!": "已中止。",
    "Missing command.": "缺少命令。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是其中之一：{possibilities}？）",
    "Got unexpected extra argument ({args})": "多了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多了参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 后面需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 后面需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "Value must be an iterable.": "值必须是一组。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    # parameter types
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} is a file.": "{filename!r} 是文件，这里需要文件夹。",
    "{name} {filename!r} is a directory.": "{filename!r} 是文件夹，这里需要文件。",
    "{name} {filename!r} is not readable.": "{filename!r} 没有读取权限。",
    "{name} {filename!r} is not writable.": "{filename!r} 没有写入权限。",
    "{name} {filename!r} is not executable.": "{filename!r} 不能执行。",
    "{name} {filename!r} does not exist.": "{filename!r} 不存在。",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not {choice}.": "{value!r} 无效，只能是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 无效，可选：{choices}。",
    "Choice({choices})": "Choice({choices})",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合这些格式：{formats}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是是/否值，可用：{states}",
    "{len_type} values are required, but {len_value} was given.": "需要 {len_type} 个值，给了 {len_value} 个。",
    "{len_type} values are required, but {len_value} were given.": "需要 {len_type} 个值，给了 {len_value} 个。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}": "提示：命令 {name!r} 已弃用。{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "提示：{param_type} {name!r} 已弃用。{extra_message}",
}

MODULES = (click.core, click.exceptions, click.types, click.parser, click.decorators, click.formatting,
           click.termui, click.utils)

_active: contextvars.ContextVar[bool] = contextvars.ContextVar("unionxl_chinese", default=False)


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message) if _active.get() else gettext.gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return _gettext(singular if n == 1 else plural) if _active.get() else gettext.ngettext(singular, plural, n)


def _install() -> None:
    for module in MODULES:
        if hasattr(module, "_"):
            module._ = _gettext
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext


@contextmanager
def chinese() -> Iterator[None]:
    """click speaks Chinese inside this block."""
    _install()
    token = _active.set(True)
    try:
        yield
    finally:
        _active.reset(token)


class ChineseGroup(click.Group):
    """A click group whose run (help, usage errors, click's messages) is in Chinese."""

    def main(self, *args, **kwargs):
        with chinese():
            return super().main(*args, **kwargs)
