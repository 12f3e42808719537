"""Village workbooks built by hand, *not* from unionxl's template: the layouts officers make themselves.

``python -m tests.data.make_layouts DIR`` writes them; tests import :func:`build`. Every file is
described by a :class:`Village` (its people, payments and cases: the truth) and written by a
layout of its own: title rows, two-row headers, reordered, renamed and extra columns, 合计 and
signature lines, blank and pre-numbered rows, IDs stored as numbers, text dates, money as text,
a 会员花名册 sheet, a trailing-space sheet copy, a cover named only in its title, punctuated
cover labels, two versions of one village, a file named after another village, a person in two
villages. ``planted`` lists the errors put in on purpose, at their cells; nothing else is an error.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from unionxl.schema.fields import id_check_char

PERIOD = (dt.date(2012, 1, 1), dt.date(2012, 10, 31))
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "秀英海军建华明芳丽强伟敏静磊洋勇艳杰娟涛超霞平刚桂兰"


@dataclass
class Person:
    name: str
    idn: str
    sex: str
    birth: dt.date
    joined: dt.date
    ethnicity: str = "苗族"
    political: str = "群众"
    education: str = "初中"
    hukou: str = "农业"
    migrant: str = "是"
    employment: str = "在岗"
    phone: str = "13907431234"


@dataclass
class Aid:
    person: Person
    day: dt.date
    amount: Decimal
    hardship: str = "低保户"
    cause: str = "患重特大疾病"
    kind: str = "生活救助"


@dataclass
class Case:
    person: Person
    accepted: dt.date
    closed: dt.date
    claimed: Decimal
    recovered: Decimal


@dataclass
class Village:
    name: str
    code: str
    members: list[Person] = field(default_factory=list)
    aids: list[Aid] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    planted: list[tuple[str, str, str]] = field(default_factory=list)  # (sheet, cell, code) of errors put in
    warned: list[tuple[str, str, str]] = field(default_factory=list)  # (sheet, cell, code) of warnings expected


def make_id(rng: random.Random, birth: dt.date, sex: str) -> str:
    order = rng.randrange(0, 100) * 10 + (rng.choice((1, 3, 5, 7, 9)) if sex == "男" else rng.choice((0, 2, 4, 6, 8)))
    body = f"433101{birth:%Y%m%d}{order:03d}"
    return body + id_check_char(body)


def people(rng: random.Random, n: int) -> list[Person]:
    out = []
    for _ in range(n):
        sex = rng.choice("男女")
        birth = dt.date(rng.randrange(1960, 1992), rng.randrange(1, 13), rng.randrange(1, 29))
        joined = dt.date(rng.randrange(2009, 2012), rng.randrange(1, 13), rng.randrange(1, 29))
        name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))
        out.append(Person(name, make_id(rng, birth, sex), sex, birth, joined, phone=f"139{rng.randrange(10**8):08d}"))
    return out


def village(rng: random.Random, name: str, code: str, members: int, aids: int, cases: int,
            amounts: list[Decimal] | None = None, shared: tuple[int, Person] | None = None) -> Village:
    v = Village(name, code, people(rng, members))
    if shared:
        v.members[shared[0]] = shared[1]
    for i in range(aids):
        amount = amounts[i] if amounts else Decimal(rng.randrange(2, 20) * 100)
        v.aids.append(Aid(v.members[i % len(v.members)], dt.date(2012, rng.randrange(1, 10), rng.randrange(1, 29)), amount))
    for i in range(cases):
        accepted = dt.date(2012, rng.randrange(1, 9), rng.randrange(1, 20))
        claimed = Decimal(rng.randrange(10, 80) * 100)
        v.cases.append(Case(v.members[-1 - i], accepted, accepted + dt.timedelta(days=10), claimed, claimed))
    return v


# -- writing ----------------------------------------------------------------------------------

Column = tuple[str, Callable[[Any], Any]]  # (header, value of one record)


def member_columns(birth: Callable[[Person], Any] = lambda p: p.birth, idn: Callable[[Person], Any] = lambda p: p.idn,
                   hukou: Callable[[Person], Any] = lambda p: p.hukou, birth_header: str = "出生日期",
                   joined: Callable[[Person], Any] = lambda p: p.joined, joined_header: str = "入会时间") -> list[Column]:
    return [("姓名", lambda p: p.name), ("性别", lambda p: p.sex), ("民族", lambda p: p.ethnicity), ("身份证号", idn),
            (birth_header, birth), ("手机号码", lambda p: p.phone), ("政治面貌", lambda p: p.political),
            ("学历", lambda p: p.education), ("户籍类型", hukou), ("是否农民工", lambda p: p.migrant),
            ("就业状态", lambda p: p.employment), (joined_header, joined), ("会籍状态", lambda p: "正常")]


def aid_columns(amount: Callable[[Aid], Any] = lambda a: float(a.amount), day: Callable[[Aid], Any] = lambda a: a.day
                ) -> list[Column]:
    return [("姓名", lambda a: a.person.name), ("身份证号", lambda a: a.person.idn), ("困难类别", lambda a: a.hardship),
            ("主要致困原因", lambda a: a.cause), ("帮扶类型", lambda a: a.kind), ("帮扶日期", day), ("金额(元)", amount),
            ("资金来源", lambda a: "上级工会拨款"), ("发放方式", lambda a: "银行转账"), ("经办人", lambda a: "施建华")]


def case_columns(day: Callable[[dt.date], Any] = lambda d: d) -> list[Column]:
    return [("受理日期", lambda c: day(c.accepted)), ("申请人姓名", lambda c: c.person.name),
            ("申请人身份证号", lambda c: c.person.idn), ("被申请单位", lambda c: "吉首市某建筑公司"),
            ("案件类型", lambda c: "追索劳动报酬"), ("涉及人数", lambda c: 1), ("诉求金额", lambda c: float(c.claimed)),
            ("处理方式", lambda c: "调解"), ("处理结果", lambda c: "调解成功"), ("追回金额", lambda c: float(c.recovered)),
            ("结案日期", lambda c: day(c.closed)), ("经办人", lambda c: "施建华")]


def register(ws, top: int, columns: list[Column], records: list, numbered: bool = True, first: int = 1) -> int:
    """Header at row ``top`` (with 序号 first when ``numbered``), one row per record; returns the next free row."""
    heads = (["序号"] if numbered else []) + [h for h, _ in columns]
    for c, h in enumerate(heads, start=first):
        ws.cell(top, c, h)
    r, i = top, 0
    for rec in records:
        r += 1
        if rec is None:  # a blank row
            continue
        i += 1
        values = ([i] if numbered else []) + [get(rec) for _, get in columns]
        for c, v in enumerate(values, start=first):
            ws.cell(r, c, v)
    return r + 1


def cover(ws, v: Village | None, labels: dict[str, str] | None = None, fill: dt.date = dt.date(2012, 11, 2),
          name: str | None = None, title: str = "村工会工作报表") -> None:
    """A cover of label/value pairs; ``labels`` renames items (村（社区）名称：, * 填报人 …)."""
    labels = {"village": "村（社区）名称", "union": "工会名称", "preparer": "填报人", "phone": "联系电话",
              "start": "统计期间开始", "end": "统计期间结束", "fill": "填报日期", **(labels or {})}
    shown = name if name is not None else v.name
    values = {"village": shown, "union": f"寨阳乡{shown}工会联合会", "preparer": "施建华", "phone": "13807431234",
              "start": PERIOD[0], "end": PERIOD[1], "fill": fill}
    ws["A1"] = title
    for r, key in enumerate(values, start=3):
        ws.cell(r, 1, labels[key])
        ws.cell(r, 2, values[key])


def footer(ws, row: int, cells: dict[int, str]) -> None:
    for c, text in cells.items():
        ws.cell(row, c, text)


def ledgers(wb: Workbook, sheets: tuple, path: Path, v: Village, aids: list[Column] | None = None,
            cases: list[Column] | None = None) -> Village:
    """The aid and case sheets ``sheets`` from row 1, then save."""
    register(sheets[0], 1, aids or aid_columns(), v.aids)
    register(sheets[1], 1, cases or case_columns(), v.cases)
    wb.save(path)
    return v


def book(*names: str) -> tuple[Workbook, list]:
    wb = Workbook()
    wb.remove(wb.active)
    return wb, [wb.create_sheet(n) for n in names]


# -- the villages ---------------------------------------------------------------------------------


def zhaiyang(rng, out: Path, shared: Person) -> Village:
    """Title rows, a two-row merged header, money as text, 合计 and a signature block spread over cells."""
    v = village(rng, "寨阳村", "433101206201", 12, 4, 2,
                amounts=[Decimal("1500.00"), Decimal("800"), Decimal("5000"), Decimal("300.5")], shared=(3, shared))
    wb, (cv, ms, ad, cs) = book("封面", "会员名册", "帮扶台账", "维权案件")
    cover(cv, v, {"village": "村（社区）名称：", "preparer": "填报人:", "phone": "* 联系电话"})
    ms["A1"] = "寨阳村工会会员名册"
    ms.merge_cells("A1:N1")
    ms["A2"] = "填报单位：寨阳村工会"
    ms["B3"], ms["F3"] = "基本信息", "其他情况"
    ms.merge_cells("B3:E3")
    ms.merge_cells("F3:N3")
    end = register(ms, 4, member_columns(), v.members)
    ms.cell(end, 1, "合计")
    ms.cell(end, 2, f"{len(v.members)}人")
    footer(ms, end + 2, {1: "填表人：施建华", 3: "审核人：龙海军", 4: "填报日期", 5: "2012年11月2日"})  # E: the ID column
    ms.cell(end + 3, 2, "施建华")  # the name written under 填表人
    v.warned += [("会员名册", f"A{end}", "total-row"), ("会员名册", f"A{end + 2}", "footer-row"),
                 ("会员名册", f"B{end + 3}", "after-footer")]
    texts = ["1,500.00", "￥800", "0.5万", "300.50"]
    end = register(ad, 1, aid_columns(amount=lambda a: texts[v.aids.index(a)]), v.aids)
    footer(ad, end, {2: "单位负责人（签字）：", 6: "制表：施建华"})
    footer(ad, end + 1, {5: "寨阳村工会（盖章）"})
    v.warned += [("帮扶台账", f"B{end}", "footer-row"), ("帮扶台账", f"E{end + 1}", "footer-row")]
    end = register(cs, 1, case_columns(), v.cases)
    cs.cell(end, 1, "总计")
    v.warned.append(("维权案件", f"A{end}", "total-row"))
    wb.save(out / "寨阳村报表.xlsx")
    return v


def pinglang(rng, out: Path) -> Village:
    """Columns reordered and renamed, an extra column, provincial wording (农业户口), 出生年月 as 1990.02,
    the cover's name after a colon in one cell, rows numbered far below the data."""
    v = village(rng, "坪朗村", "433101206202", 10, 2, 1)
    for p in v.members[::2]:
        p.hukou = "非农业"
    wb, (cv, ms, ad, cs) = book("封面", "会员名册", "帮扶台账", "维权案件")
    cover(cv, v, {"preparer": "填报人（必填）", "fill": "填报日期："})
    cv["A3"], cv["B3"] = "村名：坪朗村", None
    month_forms = ["{:%Y.%m}", "{:%Y}年{d.month}月", "{:%Y%m}", "{:%Y}-{d.month}"]
    cols = [("身份证号码", lambda p: p.idn), ("会员姓名", lambda p: p.name), ("自编号", lambda p: "ZY-" + p.idn[-4:]),
            ("性别", lambda p: p.sex), ("民族", lambda p: p.ethnicity[:-1]), ("文化程度", lambda p: p.education),
            ("户口性质", lambda p: p.hukou + "户口"), ("出生年月", lambda p: month_forms[v.members.index(p) % 4].format(p.birth, d=p.birth)),
            ("政治面貌", lambda p: p.political), ("是否农民工会员", lambda p: p.migrant),
            ("就业状况", lambda p: p.employment), ("入会年月（yyyy.mm）", lambda p: f"{p.joined:%Y.%m}"),
            ("会籍", lambda p: "正常"), ("手机号码(11位)", lambda p: p.phone)]
    end = register(ms, 2, cols, v.members)
    ms["A1"] = "坪朗村会员花名册（2012年）"
    for i in range(len(v.members) + 1, 61):  # 序号 filled down far
        ms.cell(end - 1 + i - len(v.members), 1, i)
    v.warned.append(("会员名册", "D2", "extra-column"))
    return ledgers(wb, (ad, cs), out / "坪朗村(1).xlsx", v, aid_columns(day=lambda a: f"{a.day:%Y.%m.%d}"),
                   case_columns(day=lambda d: f"{d.year}年{d.month}月{d.day}日"))


def budian(rng, out: Path) -> Village:
    """The template's 会员名册 left empty, the roster in 会员花名册; IDs stored as numbers (planted)."""
    v = village(rng, "补点村", "433101206203", 8, 2, 0)
    wb, (cv, empty, ms, ad, cs) = book("封面", "会员名册", "会员花名册", "帮扶台账", "维权案件")
    cover(cv, v)
    register(empty, 1, member_columns(), [])
    as_number = {1, 5}
    register(ms, 1, member_columns(idn=lambda p: int(p.idn[:15]) * 1000 if v.members.index(p) in as_number else p.idn),
             v.members)
    v.planted += [("会员花名册", f"E{i + 2}", "id-as-number") for i in sorted(as_number)]
    v.warned.append(("会员花名册", None, "two-register-sheets"))
    return ledgers(wb, (ad, cs), out / "新建 Microsoft Excel 工作表.xlsx", v, aid_columns(day=lambda a: f"{a.day:%Y/%m/%d}"))


def paixiong(rng, out: Path) -> Village:
    """A copy of the roster named 「会员名册 」 (trailing space) holding 3 rows; one wrong check digit (planted)."""
    v = village(rng, "排兄村", "433101206204", 9, 1, 1)
    wb, (cv, ms, copy, ad, cs) = book("封面", "会员名册", "会员名册 ", "帮扶台账", "维权案件")
    cover(cv, v, {"preparer": "填 表 人：", "phone": "联系电话（必填）："})
    bad = v.members[4].idn[:17] + ("0" if v.members[4].idn[17] != "0" else "1")
    register(ms, 1, member_columns(idn=lambda p: bad if p is v.members[4] else p.idn), v.members)
    register(copy, 1, member_columns(), v.members[:3])
    v.planted.append(("会员名册", "E6", "id-checksum"))
    v.warned.append(("会员名册", None, "two-register-sheets"))
    return ledgers(wb, (ad, cs), out / "排兄村.xlsx", v)


def paishan(rng, out: Path) -> Village:
    """The village named only in the cover's merged title; blank rows in the middle; 注： under the register."""
    v = village(rng, "排杉村", "433101206207", 7, 3, 1)
    wb, (cv, ms, ad, cs) = book("封面", "会员名册", "帮扶台账", "维权案件")
    cover(cv, v, name="", title="寨阳乡排杉村工会2012年1—10月工作报表")
    cv["B4"] = "乡工会"  # the union name does not name the village either
    cv.merge_cells("A1:D1")
    v.warned.append(("封面", "A1", "village-inferred"))
    end = register(ms, 1, member_columns(), [*v.members[:4], None, None, *v.members[4:]])
    footer(ms, end + 1, {1: "注：1. 本表由村工会填写；2. 身份证号请用文本格式。"})
    ms.merge_cells(start_row=end + 1, start_column=1, end_row=end + 1, end_column=8)
    v.warned.append(("会员名册", f"A{end + 1}", "footer-row"))
    return ledgers(wb, (ad, cs), out / "排杉村工作报表.xlsx", v)


def zhonghuang(rng, out: Path) -> tuple[Village, Village]:
    """Sent twice: a draft (earlier fill date, fewer members) and the final file."""
    final = village(rng, "中黄村", "433101206205", 11, 2, 2)
    draft = Village(final.name, final.code, final.members[:6], final.aids[:1], final.cases[:1])
    for v, name, fill in ((draft, "中黄村.xlsx", dt.date(2012, 10, 20)), (final, "中黄村(1).xlsx", dt.date(2012, 11, 3))):
        wb, (cv, ms, ad, cs) = book("封面", "会员名册", "帮扶台账", "维权案件")
        cover(cv, v, fill=fill)
        register(ms, 1, member_columns(), v.members)
        if v is final:  # the header copied again at a page break
            ms.insert_rows(7)
            for c in range(1, ms.max_column + 1):
                ms.cell(7, c, ms.cell(1, c).value)
            v.warned.append(("会员名册", "A7", "header-again"))
        ledgers(wb, (ad, cs), out / name, v)
    return final, draft


def yangliuping(rng, out: Path, shared: Person) -> Village:
    """A file named after another village (小坪村.xlsx); cover values below their labels; a member also in 寨阳村."""
    v = village(rng, "杨柳坪村", "433101206206", 6, 1, 0, shared=(2, shared))
    wb, (cv, ms, ad, cs) = book("封面", "会员信息", "困难职工帮扶台账", "维权台账")
    items = [("村（社区）名称：", v.name), ("工会名称：", "寨阳乡杨柳坪村工会"), ("填表人：", "杨海"),
             ("联系电话：", "13807431299"), ("统计期间", "2012年1月1日至2012年10月31日"), ("填报日期", dt.date(2012, 11, 1))]
    cv["A1"] = "工会工作报表"
    for c, (label, value) in enumerate(items, start=1):  # labels across row 3, values below them
        cv.cell(3, c, label)
        cv.cell(4, c, value)
    register(ms, 1, member_columns(), v.members, numbered=False, first=2)  # starts in column B
    register(ad, 1, aid_columns(), v.aids, numbered=False)
    register(cs, 1, case_columns(), [])
    v.warned.append(("会员信息", None, "member-in-two-villages"))
    wb.save(out / "小坪村.xlsx")
    return v


def shetangpo(rng, out: Path) -> Village:
    """Every register with a title, 小计 rows and footers with 联系电话：; a member with 出生年月 as a date cell."""
    v = village(rng, "社塘坡村", "433101206208", 5, 2, 1)
    wb, (cv, ms, ad, cs) = book("封面", "会员名册", "帮扶明细", "维权案件登记表")
    cover(cv, v, {"village": "村名", "union": "基层工会名称", "preparer": "经办人", "fill": "报送日期"})
    cv["A7"], cv["B7"], cv["A8"], cv["B8"] = "统计期间：", "2012年1—10月", None, None  # one cell for the period
    for ws, columns, records, title in ((ms, member_columns(birth=lambda p: dt.date(p.birth.year, p.birth.month, 1),
                                                            birth_header="出生年月"), v.members, "会员名册"),
                                        (ad, aid_columns(), v.aids, "帮扶明细"), (cs, case_columns(), v.cases, "维权台账")):
        ws["A1"] = f"社塘坡村{title}"
        end = register(ws, 3, columns, records)
        ws.cell(end, 5, "共计")  # a total not in the first columns
        footer(ws, end + 1, {1: "制表人", 2: "施建华", 4: "联系电话：13807431234"})
        v.warned += [(ws.title, f"A{end}", "total-row"), (ws.title, f"A{end + 1}", "footer-row")]
    wb.save(out / "社塘坡村.xlsx")
    return v


def yaliu(rng, out: Path) -> Village:
    """No cover sheet: the cover's items in the roster's title lines, several in one cell."""
    v = village(rng, "雅留村", "433101206210", 6, 1, 1)
    wb, (ms, ad, cs) = book("会员名册", "帮扶台账", "维权案件")
    ms["A1"] = "雅留村工会会员名册"
    ms["A2"] = "村名：雅留村　　填报人：杨海　　联系电话：13807431299"
    ms["A3"] = "统计期间：2012年1月1日至2012年10月31日　　填报日期：2012年11月1日"
    ms["A4"] = "工会名称：寨阳乡雅留村工会联合会"
    register(ms, 5, member_columns(), v.members)
    v.warned.append(("会员名册", None, "cover-by-content"))
    return ledgers(wb, (ad, cs), out / "雅留村会员.xlsx", v)


def build(out: Path) -> tuple[list[Village], list[Village]]:
    """Write the corpus into ``out``; the villages as they count (final versions) and the superseded drafts."""
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(12)
    shared = people(rng, 1)[0]
    final, draft = zhonghuang(rng, out)
    villages = [zhaiyang(rng, out, shared), pinglang(rng, out), budian(rng, out), paixiong(rng, out),
                paishan(rng, out), final, yangliuping(rng, out, shared), shetangpo(rng, out), yaliu(rng, out)]
    return villages, [draft]


if __name__ == "__main__":
    done, _ = build(Path(sys.argv[1] if len(sys.argv) > 1 else "layouts"))
    print("\n".join(f"{v.name}: {len(v.members)} 会员, {len(v.aids)} 帮扶, {len(v.cases)} 案件" for v in done))
