"""What the commands print: rich tables and one line per finding, Chinese first.

Village text is escaped before printing (a village name may contain rich markup such as
``[red]``, or an escape sequence that clears the screen), and lines are not wrapped when the
output goes to a file or a pipe.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from ..checks.findings import ERROR
from ..merging import levels
from ..merging.merge import unknown_reason
from ..schema.registers import REGISTERS
from ..checks.validate import FileReport
from ..jobs.results import Checked, Merged


# C0 controls but tab and newline, DEL and C1 (ESC starts terminal commands; 0x9B is CSI on its own)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# what rich itself writes: colours (SGR) only
_ANSI = re.compile(r"\x1b\[[0-9;]*m|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def safe(text: Any) -> str:
    """Text from a file, or a file's name, ready to print: control characters removed, markup escaped."""
    return escape(CONTROL.sub("", str(text)))


class CleanStream:
    """A text stream that lets through colour codes and drops every other control character:
    the backstop for text that reaches the terminal without :func:`safe` (click's messages)."""

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(_ANSI.sub(lambda m: m[0] if m[0].startswith("\x1b[") else "", text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def make_console() -> Console:
    """Rich output; wide enough for Chinese file names when printing to a pipe or a file; emoji codes
    (:smile:) in a village's text are printed as typed (and rich's table of them is not imported)."""
    return Console(highlight=False, emoji=False, soft_wrap=True, width=None if sys.stdout.isatty() else 160)


def show_report(console: Console, report: FileReport) -> None:
    name = safe(report.path.name)
    if not report.readable:
        console.print(f"[bold red]✗ {name}[/]：{safe(report.error or '')}")
        return
    village = safe(report.village or "封面未填村名")
    status = "[green]✓[/]" if not report.errors else "[red]✗[/]"
    console.print(f"{status} [bold]{village}[/]（{name}）：错误 {report.errors} 条，警告 {report.warnings} 条")
    for f in report.findings:
        level = "[red]错误[/]" if f.severity == ERROR else "[yellow]警告[/]"
        value = "" if f.value is None else f"「{safe(str(f.value))}」"
        console.print(f"  {level} {safe(f.location)} {safe(f.field or '')}{value}：{safe(f.message)}")


def show_copies(console: Console, report: FileReport) -> None:
    """The marked-up copy written for a file, or why none could be."""
    if report.annotated is not None:
        console.print(f"标注副本：{safe(report.annotated)}")
    if report.annotate_error is not None:
        console.print(f"[red]✗ {safe(report.path.name)}[/]：{safe(report.annotate_error)}")


def show_notes(console: Console, checked: Checked) -> None:
    """The villages that sent nothing, and those whose file needed no marked-up copy."""
    for note in (checked.missing_note(), checked.clean_note()):
        if note:
            console.print(safe(note))


def show_folders(console: Console, read: list[tuple[Path, int]]) -> None:
    """One line per sub-folder read (补报/, one folder per village)."""
    for folder, count in read:
        console.print(f"读取子文件夹 {safe(folder)}：{count} 个工作簿")


def show_skipped(console: Console, skipped: list[tuple[Path, str]]) -> None:
    for path, reason in skipped:
        console.print(f"  已跳过 {safe(path)}：{safe(reason)}")


def show_messages(console: Console, messages: list[str]) -> None:
    """What the summary template lacked or held unknown."""
    for message in messages:
        console.print(f"  [yellow]{safe(message)}[/]")


def show_outputs(console: Console, outputs: dict[str, Path]) -> None:
    for label, path in outputs.items():
        console.print(f"{label}：{safe(str(path))}")


def show_merge(console: Console, checked: Checked) -> None:
    """One line per expected village: status, file, rows per register, errors, warnings; then the rest,
    the tally, and for a merge the summary template's messages and the township workbook."""
    result = checked.merged
    word = levels.unit_word(result.level)  # 村; 乡镇 in a county roll-up
    table = RichTable(title=f"{levels.status_sheet(result.level)}（应报 {len(result.entries)} 个{word}）")
    numbers = (*(r.sheet for r in REGISTERS), "错误", "警告")
    for title in (levels.unit_title(result.level), "报送情况", "文件", *numbers):
        table.add_column(title, justify="right" if title in numbers else "left")
    totals = [0] * (len(REGISTERS) + 2)
    folded = _folded(result.units)
    rest = [0] * len(totals)
    for e in result.units:  # villages, then 本级
        r = e.report
        style = "red" if r is None or e.excluded or r.errors else "green"
        if r is None:
            table.add_row(safe(e.village.name), f"[{style}]{e.status}[/]", "", *[""] * (len(REGISTERS) + 2))
            continue
        counts = [len(r.rows.get(reg.key, ())) for reg in REGISTERS] + [r.errors, r.warnings]
        if not e.excluded:
            totals = [a + b for a, b in zip(totals, counts)]
        if id(e) in folded:
            rest = [a + b for a, b in zip(rest, counts)]
        else:
            table.add_row(safe(e.village.name), f"[{style}]{e.status}[/]", safe(r.path.name), *map(str, counts))
    some = "全部" if len(folded) == len(result.units) else "其余"
    if folded:
        table.add_row(f"{some} {len(folded)} 个{word}", "[green]已报送[/]", "", *map(str, rest))
    table.add_section()
    table.add_row("合计（已合并）", "", "", *map(str, totals))
    console.print(table)
    if folded:
        where = "汇总工作簿的" if isinstance(checked, Merged) else ""
        console.print(f"  {some} {len(folded)} 个{word}已报送、无错误，合为一行；逐{word}情况见{where}"
                      f"“{levels.status_sheet(result.level)}”表。")
    for e in result.units:
        for old in e.superseded:
            console.print(f"  {safe(e.village.name)} 报了两份，采用 {safe(e.report.path.name)}，"
                          f"未采用较早的 {safe(old.path.name)}")
    for r in result.unknown:
        console.print(f"  [yellow]未合并[/] {safe(r.path.name)}：{safe(unknown_reason(r))}")
    for r in result.unreadable:
        console.print(f"  [red]无法读取[/] {safe(r.path.name)}：{safe(r.error or '')}")
    show_skipped(console, result.skipped)
    if result.cross:
        console.print(f"  [yellow]跨{word}核查[/]：{len(result.cross)} 条（同一人在两个{word}登记或受助），见“问题清单”。")
    console.print(f"{checked.tally()}。{checked.period_note()}")
    show_notes(console, checked)
    if isinstance(checked, Merged):
        show_messages(console, checked.messages)
        show_outputs(console, checked.outputs)


FOLD_ABOVE = 40  # a longer table lists only the units that need a look; the rest fold into one row


def _folded(units: list) -> set[int]:
    """The units shown as one row "其余 N 个村" when the table would be longer than :data:`FOLD_ABOVE`:
    each sent one file, merged, with no error (200 such lines would hide the few that matter)."""
    if len(units) <= FOLD_ABOVE:
        return set()
    plain = {id(e) for e in units if e.report is not None and not e.excluded and not e.superseded
             and not e.report.errors and not e.own}
    return plain if len(plain) > 1 else set()


def show_indicators(console: Console, values: dict) -> None:
    """The figures (who reports them on one line under the table: 填报单位 … 报送日期)."""
    from ..summary.indicators import REPORTING, SCALARS  # the summary's modules: not for a plain validate

    table = RichTable(title=f"{safe(values.get('标题') or '')} 主要指标".strip())
    table.add_column("指标")
    table.add_column("数值", justify="right")
    for name, shown in indicator_lines(values):
        table.add_row(name, safe(shown))
    console.print(table)
    who = [f"{i.name}：{safe(str(values[i.name]))}" for i in SCALARS if i.section == REPORTING and i.name != "标题"
           and values.get(i.name)]
    if who:
        console.print("  ".join(who))


def show_seed(console: Console, values: dict) -> None:
    """The demo's figures beside the wording of the township report the examples reproduce."""
    from ..sample_work import SEED_FIGURES

    table = RichTable(title="对照寨阳乡工会工作报告")
    for title in ("报告原文", "指标", "本次汇总", ""):
        table.add_column(title, justify="right" if title == "本次汇总" else "left")
    shown = dict(indicator_lines(values))
    for wording, name, lowest, highest in SEED_FIGURES:
        value = values.get(name)
        ok = value is not None and lowest <= value <= highest
        table.add_row(wording, name, safe(shown.get(name, "")), "[green]✓[/]" if ok else "[red]✗[/]")
    console.print(table)


def indicator_lines(values: dict) -> list[tuple[str, str]]:
    """(indicator, its value as shown: 1,234.00 元, 93.3%, 580 人) for every scalar indicator but who
    reports them (the 报送 section)."""
    from ..summary.indicators import REPORTING, SCALARS  # the summary's modules: not for a plain validate

    lines = []
    for indicator in SCALARS:
        if indicator.section == REPORTING:
            continue
        value = values.get(indicator.name)
        if indicator.kind == "money":
            shown = f"{value:,.2f} 元"
        elif indicator.kind == "ratio":
            shown = "—" if value is None else f"{value:.1%}"
        else:
            shown = f"{value} {indicator.unit}".strip()
        lines.append((indicator.name, shown))
    return lines


def show_compare(console: Console, compared) -> None:
    """``unionxl compare``: the indicators' changes, then per village how many people each list holds
    (names and ID numbers are in the workbook only), the notes and the workbook written."""
    c = compared.comparison
    console.print(c.heading(safe(compared.last.name), safe(compared.this.name)))
    table = RichTable(title="指标变化")
    for title in ("指标", "上期", "本期", "变化"):
        table.add_column(title, justify="left" if title == "指标" else "right")
    changed = [d for d in c.indicators if d.change != 0]
    for d in changed:
        table.add_row(d.name, d.text(d.last), d.text(d.this), d.text(d.change, signed=True))
    if changed:
        console.print(table)
    rest = len(c.indicators) - len(changed)
    if rest:
        console.print(f"{'其余 ' if changed else ''}{rest} 项指标两期相同。")
    counts = c.counts()
    if counts:
        people = RichTable(title="人员变动（人数；姓名、身份证号见变动情况工作簿）")
        for title in ("村（社区）", *c.count_columns):
            people.add_column(title, justify="left" if title == "村（社区）" else "right")
        for village, numbers in counts:
            people.add_row(safe(village), *(str(n) if n else "" for n in numbers))
        console.print(people)
    else:
        console.print("两期之间没有人员变动。")
    unmatched = len(c.roster.unmatched) + len(c.aid.unmatched)
    if unmatched:
        console.print(f"  [yellow]无法比对[/]：{unmatched} 行没有有效的身份证号，见“无法比对”表。")
    if c.roster.vanished:
        console.print(f"  [yellow]未说明去向[/]：{len(c.roster.vanished)} 人本期名册中没有，会籍也未改为已转出或已退会。")
    if c.aid.over_cap:
        console.print(f"  [yellow]超限额[/]：{len(c.aid.over_cap)} 条（某人某年的帮扶合计超过限额）。")
    show_messages(console, c.notes)
    show_outputs(console, compared.outputs)


MAX_LACKING = 30  # members listed on screen; the rest in the 缺项清单 sheet


def show_export(console: Console, exported) -> None:
    """The members exported, then who lacks what (before upload), at most :data:`MAX_LACKING` lines."""
    console.print(f"已导出 {exported.members} 名会员（{len(exported.villages)} 个村（社区））。")
    lacking = exported.lacking
    if lacking:
        table = RichTable(title=f"上报前需补齐（{len(lacking)} 人）")
        for title in ("序号", "村（社区）", "姓名", "缺少的项", "无法对应的代码"):
            table.add_column(title, justify="right" if title == "序号" else "left")
        for lack in lacking[:MAX_LACKING]:
            table.add_row(str(lack.number), safe(lack.village), safe(lack.name), safe("、".join(lack.missing)),
                          safe("；".join(lack.unmapped)))
        console.print(table)
        more = f"另有 {len(lacking) - MAX_LACKING} 人未列出，" if len(lacking) > MAX_LACKING else ""
        console.print(f"[yellow]{more}完整清单见输出文件的“缺项清单”工作表；补齐后重新合并、导出再上报。[/]")
    else:
        console.print("[green]每名会员的必填项都已齐全。[/]")
    show_outputs(console, exported.outputs)
