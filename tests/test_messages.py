"""Every message a user sees is Chinese, click's own included (through CliRunner)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from unionxl.doors.cli import main
from unionxl.doors.clicn import MESSAGES, MODULES

ENGLISH = re.compile(r"\b(Error|Usage|Missing|Invalid|Try|Show|Options|Commands|default|does not exist|is a)\b")


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def chinese_error(result, text: str) -> None:
    assert result.exit_code == 2, result.output
    assert text in result.output and "错误：" in result.output, result.output
    assert not ENGLISH.search(result.output.replace("INPUTS", "").replace("OPTIONS", "")), result.output


def test_help_is_chinese_through_and_through():
    for args in ([], ["--help"], ["validate", "--help"], ["merge", "-h"], ["demo", "--help"]):
        result = run(*args)
        assert result.exit_code in (0, 2), result.output
        assert "用法:" in result.output and "显示本帮助并退出" in result.output, result.output
        assert "Usage" not in result.output and "Show this message" not in result.output
        assert "Options" not in result.output and "[default:" not in result.output


@pytest.mark.parametrize("args, text", [
    (["validate"], "缺少参数 'INPUTS...'"),
    (["merge"], "缺少参数"),
    (["nosuch"], "没有命令 'nosuch'"),
    (["validate", "x.xlsx", "--nosuch"], "没有选项 '--nosuch'"),
    (["validate", "x.xlsx", "--format", "xml"], "'xml' 无效"),
    (["validate", "x.xlsx", "--annotate"], "后面需要一个值"),
    (["summary", "a.xlsx", "b.xlsx"], "多了参数"),
])
def test_usage_errors_are_chinese(args, text):
    chinese_error(run(*args), text)


def test_a_directory_where_a_file_is_wanted(tmp_path):
    (tmp_path / "退回").mkdir()
    result = run("validate", tmp_path / "x.xlsx", "--annotate", tmp_path / "退回")
    chinese_error(result, "是文件夹，这里需要文件")
    result = run("merge", tmp_path / "x.xlsx", "--villages", tmp_path / "没有这个.xlsx")
    chinese_error(result, "不存在")


def test_other_click_programs_in_the_process_keep_english():
    run("validate")

    @click.command()
    @click.argument("name")
    def other(name):
        pass

    result = CliRunner().invoke(other, [])
    assert "Error: Missing argument 'NAME'" in result.output


USER_FACING = ("core.py", "exceptions.py", "types.py", "parser.py", "decorators.py", "formatting.py", "termui.py")
# click's messages a user of unionxl cannot meet: mistakes in the program's own declarations, and the
# type names of parameter kinds unionxl does not use.
FOR_DEVELOPERS = {
    "Could not determine name for option with declarations {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.",
    "Name '{name}' defined twice",
    "Boolean option {decl!r} cannot use the same flag for true/false.",
    "Unknown color {colour!r}",
}


def test_every_message_click_can_show_a_user_is_translated():
    """A click upgrade that adds a message fails here until it is in clicn.MESSAGES."""
    folder = Path(click.__file__).parent
    assert {m.__name__.split(".")[-1] + ".py" for m in MODULES} >= set(USER_FACING)
    missing = []
    for name in USER_FACING:
        for node in ast.walk(ast.parse((folder / name).read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        if arg.value not in MESSAGES and arg.value not in FOR_DEVELOPERS:
                            missing.append(arg.value)
    assert missing == []
