"""The one error taxonomy: every finding has a stable code, a severity and a message template.

Checks never write free text: they raise or collect a :class:`Finding` with a code from
``CODES`` and the parameters its template needs. The README's code table is generated
from this module (see ``tests/test_readme.py``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Code:
    severity: str
    template: str  # Chinese, str.format() with the finding's params
    meaning: str  # one line for the README table


CODES: dict[str, Code] = {
    # -- a single value (field types) --
    "required": Code(ERROR, "必填项为空，请填写。", "required value is empty"),
    "not-in-list": Code(
        ERROR, "「{value}」不在可选项中{suggestion}。请从下拉列表选择。", "value not in the code list"
    ),
    "bad-date": Code(
        ERROR, "「{value}」不是有效日期，请按 2012-11-01 的格式填写。", "not a date"
    ),
    "date-serial": Code(
        WARNING, "日期被存成了数字 {value}，已按 Excel 的日期序号读作 {date}；请把该列设为日期格式。",
        "a date stored as its Excel day number, read as that date",
    ),
    "future-date": Code(ERROR, "日期 {value} 晚于今天，请核对。", "date in the future"),
    "too-old-date": Code(ERROR, "日期 {value} 早于 1900 年，请核对。", "date before 1900"),
    "bad-number": Code(ERROR, "「{value}」不是数字，请只填数字。", "not a number"),
    "not-integer": Code(ERROR, "「{value}」应为整数。", "not a whole number"),
    "number-too-large": Code(ERROR, "数字 {value} 大得不合常理，请核对。", "number of 10^13 or more"),
    "negative": Code(ERROR, "{value} 小于 {minimum}，请核对。", "number below the minimum"),
    "too-many-decimals": Code(
        ERROR, "金额 {value} 超过两位小数，请保留到分。", "money with more than two decimals"
    ),
    "bad-phone": Code(
        ERROR, "「{value}」不是有效的手机号码（11 位，以 1 开头）或固定电话。", "not a phone number"
    ),
    "id-as-number": Code(
        ERROR,
        "身份证号被存成了数字（{value}），后几位已丢失，无法自动修复。"
        "请把该列设为“文本”格式后重新录入。",
        "ID number stored as a number: digits lost",
    ),
    "id-format": Code(
        ERROR, "身份证号「{value}」格式不对：应为 18 位（前 17 位数字，末位数字或 X）。", "malformed ID"
    ),
    "id-checksum": Code(
        ERROR, "身份证号「{value}」校验位不对（按前 17 位应为 {expected}），请核对。", "ID check digit wrong"
    ),
    "id-birth-date": Code(
        ERROR, "身份证号「{value}」中的出生日期 {birth} 不存在或晚于今天。", "ID birth date impossible"
    ),
    "id-15-digit": Code(
        WARNING, "15 位旧身份证号，对应 18 位为 {upgraded}，建议改为 18 位。", "legacy 15-digit ID"
    ),
    "id-normalised": Code(
        WARNING,
        "身份证号含全角字符、小写 x 或空格，已按「{clean}」读取，建议改正。",
        "ID read after normalising width, case or spaces",
    ),
    "id-unknown-area": Code(
        WARNING,
        "身份证号前 6 位 {area} 不在行政区划代码表中，请核对（已撤销的旧代码仍然有效）。",
        "unknown area code (warning only)",
    ),
    "bad-credit-code": Code(
        ERROR, "「{value}」不是有效的统一社会信用代码（18 位，含校验位）。", "invalid unified social credit code"
    ),
    "text-too-long": Code(ERROR, "内容超过 {maximum} 个字，请精简。", "text too long"),
    # -- the workbook's structure --
    "missing-cover": Code(ERROR, "缺少“封面”工作表，无法确定是哪个村的报表。请使用统一模板。", "no cover sheet"),
    "cover-by-content": Code(
        WARNING, "没有“封面”工作表，已在工作表“{sheet}”中按项目名称找到村名等封面内容；建议按模板加上“封面”表。",
        "no sheet named 封面: the cover items were found on another sheet",
    ),
    "missing-cover-field": Code(ERROR, "封面缺少“{column}”一项，请按模板补上。", "cover item missing"),
    "missing-sheet": Code(ERROR, "缺少“{sheet}”工作表（没有数据也请保留空表）。", "register sheet missing"),
    "register-absent": Code(
        WARNING, "没有“{sheet}”工作表（第 {since} 版模板起才有此表），本期{title}未统计；如有，请用最新模板填写。",
        "a register newer than the workbook's template is absent (counted as none)",
    ),
    "no-header": Code(ERROR, "“{sheet}”前 15 行中找不到列标题，请按模板第 1 行的列名填写。", "no header row found"),
    "missing-column": Code(ERROR, "缺少必填列“{column}”，请按模板补上该列。", "required column missing"),
    "extra-column": Code(WARNING, "列“{value}”不在模板中，已忽略。", "unknown extra column (ignored)"),
    "total-row": Code(WARNING, "这一行是合计行，已跳过，不计入人数和金额。", "a 合计/总计 row (not counted)"),
    "more-findings": Code(
        WARNING, "这一列还有 {count} 处同样的问题（{first}）未逐一列出，请一并修改。",
        "more of one problem in one column than are listed (1,000 are)",
    ),
    "header-again": Code(WARNING, "这一行重复了列标题（打印分页时复制的？），已跳过。", "the header row written again (not counted)"),
    "footer-row": Code(
        WARNING, "这一行是表尾的签名或说明（「{value}」），已跳过，不计入人数和金额。",
        "a footer line: 填表人/审核人/填报日期/注… (not counted)",
    ),
    "after-footer": Code(
        WARNING, "这一行在表尾签名行（第 {footer} 行）之下，又没有身份证号，已跳过，不计入；如是登记内容，请移到表尾之上并填写身份证号。",
        "a line below the footer without an ID number (not counted)",
    ),
    "two-register-sheets": Code(
        WARNING, "有多张工作表像是“{register}”：{sheets}；已采用“{used}”（数据行最多），其余未读取，请删除多余的表。",
        "two sheets could be the register: the one used is named",
    ),
    "register-by-content": Code(
        WARNING, "没有名为“{register}”的工作表，已按列标题采用工作表“{sheet}”；请把它改名为“{register}”。",
        "register taken from a sheet of another name, by its header",
    ),
    "village-as-listed": Code(
        WARNING, "封面村名「{value}」与村名单的写法不同，已认作「{village}」；请在封面填写村名单中的村名。",
        "cover village written otherwise (寨阳乡坪朗村村委会), read as the listed name",
    ),
    "village-inferred": Code(
        WARNING, "封面没有填村名，已按{source}「{value}」认作「{village}」；请在封面“村（社区）名称”一栏填写村名。",
        "village name taken from the cover's code, union name or title",
    ),
    # -- the cover --
    "unknown-village": Code(ERROR, "村名「{value}」不在村名单中{suggestion}。", "village not in the village list"),
    "period-reversed": Code(ERROR, "统计期间结束 {value} 早于开始 {start}。", "report period ends before it starts"),
    # -- rows --
    "duplicate-id": Code(ERROR, "身份证号与第 {other} 行重复，同一人登记了两次？", "same ID twice in the roster"),
    "sex-mismatch": Code(ERROR, "性别“{value}”与身份证号不符（第 17 位表示{expected}）。", "sex disagrees with the ID"),
    "birth-mismatch": Code(ERROR, "出生日期 {value} 与身份证号中的 {expected} 不符。", "birth date disagrees with the ID"),
    "join-too-young": Code(WARNING, "入会时间 {value} 时未满 16 周岁，请核对。", "joined before age 16"),
    "not-in-roster": Code(WARNING, "身份证号 {value} 不在本村会员名册中，请核对。", "aid recipient or applicant not in the roster"),
    "name-mismatch": Code(
        WARNING, "姓名“{value}”与会员名册中同一身份证号的姓名“{expected}”不一致。", "name differs from the roster"
    ),
    "outside-period": Code(
        WARNING, "日期 {value} 不在本期统计期间（{start} 至 {end}）内。", "date outside the cover's report period"
    ),
    "closed-before-accepted": Code(ERROR, "结案日期 {value} 早于受理日期 {accepted}。", "case closed before accepted"),
    "recovered-exceeds-claim": Code(
        WARNING, "追回金额 {value} 元大于诉求金额 {claimed} 元，请核对。", "recovered more than claimed"
    ),
    "open-case-closed": Code(WARNING, "处理结果为“办理中”，却填了结案日期 {value}。", "open case has a close date"),
    "missing-close-date": Code(WARNING, "处理结果为“{value}”，但没有填结案日期。", "finished case without close date"),
    "mediation-overdue": Code(
        WARNING,
        "受理已 {days} 天仍在办理中，超过 15 天的调解可告知职工申请劳动仲裁。",
        "case open more than 15 days after acceptance",
    ),
    "part-exceeds-whole": Code(ERROR, "{value} 人多于{whole}（{total} 人），“其中”不能多于总数。", "a 其中 count above its total"),
    "members-exceed-workers": Code(
        WARNING, "会员人数 {value} 多于职工人数 {total}，请核对（退休会员保留会籍时可能如此）。", "more members than workers"
    ),
    "covered-exceed-workers": Code(
        WARNING, "集体合同覆盖职工 {value} 人多于职工人数 {total}，请核对。", "contract covers more than the workers"
    ),
    "coverage-without-contract": Code(
        WARNING, "未签订集体合同，却填了覆盖职工 {value} 人，请核对。", "workers covered without a contract"
    ),
    "contract-without-coverage": Code(
        WARNING, "已签订集体合同，请填写“{column}”。", "a contract without the workers it covers"
    ),
    "count-on-other-kind": Code(
        WARNING, "“{column}”只在类型为{kinds}的一行填写，这一行是“{kind}”，请核对（仍计入合计）。",
        "a count filled on a row of another kind (still counted)",
    ),
    "count-missing-for-kind": Code(
        WARNING, "类型为“{kind}”，请填写“{column}”，否则不计入汇总。", "a row of a kind without the count it is for"
    ),
    # -- across villages (merge) --
    "member-in-two-villages": Code(
        WARNING, "身份证号 {value} 同时登记在{villages}的会员名册中，请核实会籍归属。", "same ID in two villages' rosters"
    ),
    "aid-in-two-villages": Code(
        WARNING, "身份证号 {value} 本期在{villages}都领取了帮扶（重复帮扶？），请核实。", "same person aided by two villages"
    ),
    "org-in-two-villages": Code(
        WARNING, "统一社会信用代码 {value} 的工会同时登记在{villages}的组织情况中，请核实，避免重复统计。",
        "same union organisation listed by two villages",
    ),
    # -- a merged workbook rolled up (县级汇总) --
    "edited-after-merge": Code(
        WARNING, "合并后被手工改过：{field}合并时为「{old}」，现为「{value}」。上级汇总按合并时的数据计算；如改动是对的，"
        "请{unit}改正原报表后重新合并、重新报送。", "a merged workbook's register cell differs from its data part"
    ),
    "rows-after-merge": Code(WARNING, "{note}", "rows added to or deleted from a merged workbook by hand (not counted)"),
    "data-altered": Code(
        ERROR, "工作簿里合并时写入的数据（隐藏的“unionxl数据”）被改动过，与合并时的校验值不符，数字不可信；"
        "请{unit}重新合并后报送。", "a merged workbook's hidden data part no longer matches its digest"
    ),
    "masked-workbook": Code(
        WARNING, "这是打码的汇总工作簿（--mask）：身份证号已换成代号，无法与其他{unit}核对重复登记、重复帮扶，"
        "上级汇总也只能打码；请报送不打码的一份（可加 --password）。", "a masked merged workbook rolled up"
    ),
}


class UnknownCode(KeyError):
    pass


@dataclass(init=False)
class Finding:
    """One problem at one place: ``sheet`` (the name as found), ``row`` and ``col`` (1-based; either may
    be None). ``cell`` (A1), ``location`` and :meth:`as_dict` render the place as text for the writers.

    ``cell="B3"`` is accepted in place of ``row``/``col`` (it is turned into numbers)."""

    code: str
    params: dict[str, Any]
    sheet: str | None
    field: str | None  # Chinese label of the field
    value: Any
    row: int | None
    col: int | None

    def __init__(self, code: str, params: dict[str, Any] | None = None, sheet: str | None = None,
                 cell: str | None = None, field: str | None = None, value: Any = None, *,
                 row: int | None = None, col: int | None = None) -> None:
        if code not in CODES:
            raise UnknownCode(code)
        if cell is not None:
            row, col = a1_numbers(cell)
        self.code, self.params, self.sheet, self.field, self.value = code, params or {}, sheet, field, value
        self.row, self.col = row, col

    @property
    def cell(self) -> str | None:
        """A1 name of the cell; None unless both row and column are known."""
        return None if self.row is None or self.col is None else a1(self.row, self.col)

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    @property
    def message(self) -> str:
        params = {"value": self.value, **self.params}
        return CODES[self.code].template.format(**params)

    @property
    def location(self) -> str:
        cell = self.cell
        if self.sheet and cell:
            return f"{self.sheet}!{cell}"
        return self.sheet or ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "sheet": self.sheet,
            "cell": self.cell,
            "field": self.field,
            "value": None if self.value is None else str(self.value),
            "message": self.message,
        }


@functools.lru_cache(maxsize=1024)
def column_letter(col: int) -> str:
    """Letters of a 1-based column: 1 is A, 27 is AA (any width: a broken file may go past XFD)."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def a1(row: int, col: int) -> str:
    """A1 name of a 1-based (row, col)."""
    return f"{column_letter(col)}{row}"


_A1 = re.compile(r"([A-Z]+)(\d+)")


def a1_numbers(cell: str) -> tuple[int | None, int | None]:
    """1-based (row, col) of an A1 name; (None, None) when it is none."""
    m = _A1.fullmatch(cell)
    if m is None:
        return None, None
    col = 0
    for letter in m[1]:
        col = col * 26 + ord(letter) - 64
    return int(m[2]), col


class Invalid(Exception):
    """Raised by a field type's ``convert`` when a raw value cannot be accepted."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in CODES:
            raise UnknownCode(code)
        super().__init__(code)
        self.code = code
        self.params = params

    def finding(self, value: Any, **where: Any) -> Finding:
        return Finding(self.code, self.params, value=value, **where)


LISTED = 1000  # findings of one code in one column of one sheet that are listed; the rest are counted


def capped(findings: list[Finding], listed: int = LISTED) -> list[Finding]:
    """``findings`` with at most ``listed`` of one code in one column of one sheet, in order, and one
    ``more-findings`` for each group cut: a file with the same slip in 100,000 rows costs seconds and
    megabytes, not minutes and gigabytes, and its report stays readable."""
    seen: dict[tuple, int] = {}
    firsts: dict[tuple, Finding] = {}
    out: list[Finding] = []
    for f in findings:
        if f.code == "more-findings":
            out.append(f)
            continue
        key = (f.code, f.sheet, f.col, f.field)
        n = seen[key] = seen.get(key, 0) + 1
        if n <= listed:
            out.append(f)
            firsts.setdefault(key, f)
    for key, n in seen.items():
        if n > listed:
            out.append(more(firsts[key], n - listed))
    return out


def more(first: Finding, count: int) -> Finding:
    """The one finding that stands for ``count`` more like ``first`` in its column."""
    return Finding("more-findings", {"count": count, "first": CODES[first.code].template.split("，")[0]
                                     .split("。")[0].format_map(_Blank())}, sheet=first.sheet, field=first.field)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "…"
