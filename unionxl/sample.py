"""Fictional but realistic village submissions: the bundled examples and benchmark inputs.

``python -m unionxl.sample workbooks`` regenerates the 13 example submissions of 寨阳乡 and the
township's own (寨阳乡本级) in ``workbooks/examples/``, and its village list (Faker zh_CN names, valid ID
numbers). Their totals reproduce the seed report: 580 members; 22 rights cases with 18,000 yuan
recovered; 13 college students aided with 65,000 yuan; 15 hardship workers with 20,000 yuan; 65 低保
people with 35,720 yuan (30,500 and 12 families' 435 yuan each from a donation campaign: 10+ families,
5,000+ yuan); and the organisations and activities of :mod:`unionxl.sample_work`.
Everything is drawn from one seeded ``random.Random``, so the output is reproducible.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from . import sample_work
from .bundled import VILLAGE_LIST
from .schema.fields import id_check_char
from .schema.idnumber import CREDIT_ALPHABET, credit_check_char
from .writing.template import build_workbook
from .writing.xlsxio import atomic_save

TOWNSHIP = "寨阳乡"
TOWNSHIP_CODE = "433101206"
OWN = (f"{TOWNSHIP}{sample_work.OWN_NAME}", f"{TOWNSHIP_CODE}000", f"{TOWNSHIP}{sample_work.OWN_NAME}工会报表.xlsx")
PERIOD = (dt.date(2012, 1, 1), dt.date(2012, 10, 31))
# name, members, file name as it reached the township (chat apps rename files)
VILLAGES: tuple[tuple[str, int, str], ...] = (
    ("寨阳村", 58, "寨阳村工会报表.xlsx"),
    ("坪朗村", 62, "坪朗村(1).xlsx"),
    ("补点村", 51, "补点村2012年工会报表.xlsx"),
    ("排兄村", 44, "排兄村.xlsx"),
    ("中黄村", 46, "中黄村工会.xlsx"),
    ("杨柳坪村", 38, "新建 Microsoft Excel 工作表.xlsx"),
    ("排杉村", 41, "排杉村.xlsx"),
    ("社塘坡村", 40, "社塘坡村报表.xlsx"),
    ("小坪村", 36, "小坪村.xlsx"),
    ("雅留村", 43, "雅留村工会报表(最终版).xlsx"),
    ("排吼村", 39, "排吼村.xlsx"),
    ("大坪村", 42, "大坪村.xlsx"),
    ("双塘村", 40, "双塘村工会报表.xlsx"),
)
AREAS = ("433101",) * 8 + ("433122", "433123", "433124", "433125")
COUNTIES = {"433101": "吉首市", "433122": "泸溪县", "433123": "凤凰县", "433124": "花垣县", "433125": "保靖县"}
GRADES = ("无",) * 12 + ("初级工",) * 3 + ("中级工", "中级工", "高级工")
ETHNIC = ("苗族",) * 5 + ("土家族",) * 3 + ("汉族",) * 3 + ("侗族",)
EDUCATION = ("初中",) * 5 + ("普通高中",) * 2 + ("小学", "中等专科", "大学专科", "职业高中", "大学本科")
EMPLOYERS = ("务农", "吉首市寨阳花卉苗木专业合作社", "吉首市寨阳生态农业有限公司", "湘西寨阳食品有限公司")
CASE_RESULTS = ("调解成功",) * 16 + ("调解不成", "转仲裁", "转仲裁", "撤回", "转诉讼", "办理中")
RECOVERED = (1500, 800, 2000, 600, 1200, 900, 1000, 1500, 700, 1300, 1100, 1400, 800, 1000, 1200, 1000)


@dataclass
class Person:
    name: str
    sex: str
    id_number: str
    birth: dt.date
    phone: str


@dataclass
class Village:
    name: str
    code: str
    file_name: str
    members: list[dict[str, Any]] = field(default_factory=list)
    aid: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    activities: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    cover: dict[str, Any] = field(default_factory=dict)


class Generator:
    def __init__(self, seed: int = 2012) -> None:
        from faker import Faker  # sample data only; not needed to run unionxl

        self.rng = random.Random(seed)
        self.fake = Faker("zh_CN")
        self.fake.seed_instance(seed)
        self._ids: set[str] = set()
        self._phones: set[str] = set()
        self.extra = random.Random(seed + 1)  # the roster's optional columns: own draws, the rest stays as it was

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, (end - start).days))

    def id_number(self, birth: dt.date, sex: str) -> str:
        while True:
            order = self.rng.randrange(1, 999)
            if (order % 2 == 1) != (sex == "男"):
                order += 1
            body = f"{self.rng.choice(AREAS)}{birth:%Y%m%d}{order % 1000:03d}"
            number = body + id_check_char(body)
            if number not in self._ids:
                self._ids.add(number)
                return number

    def phone(self) -> str:
        while True:
            number = f"1{self.rng.choice('3578')}{self.rng.randrange(10**9):09d}"
            if number not in self._phones:
                self._phones.add(number)
                return number

    def person(self, min_age: int = 20, max_age: int = 58) -> Person:
        sex = "女" if self.rng.random() < 0.42 else "男"
        birth = self.date_between(dt.date(2012 - max_age, 1, 1), dt.date(2012 - min_age, 12, 31))
        name = self.fake.name_female() if sex == "女" else self.fake.name_male()
        return Person(name, sex, self.id_number(birth, sex), birth, self.phone())

    def credit_code(self, kind: str = "91") -> str:
        """A valid 统一社会信用代码: 91 a company, 81 a union."""
        body = f"{kind}{TOWNSHIP_CODE[:6]}MA4L" + "".join(self.rng.choice(CREDIT_ALPHABET) for _ in range(5))
        return body + credit_check_char(body)

    def member(self, village: str, p: Person) -> dict[str, Any]:
        age = 2012 - p.birth.year
        retired = age >= 55 and self.rng.random() < 0.5
        migrant = not retired and self.rng.random() < 0.6
        employer = self.rng.choice(EMPLOYERS)
        row = {
            "name": p.name,
            "sex": p.sex,
            "ethnicity": self.rng.choice(ETHNIC),
            "id_number": p.id_number,
            "birth_date": p.birth if self.rng.random() < 0.7 else None,
            "phone": p.phone if self.rng.random() < 0.9 else None,
            "political": "中共党员" if self.rng.random() < 0.12 else ("共青团员" if age < 28 else "群众"),
            "education": self.rng.choice(EDUCATION),
            "hukou": "农业" if self.rng.random() < 0.85 else "非农业",
            "migrant": "是" if migrant else "否",
            "employment": "退休" if retired else self.rng.choice(("在岗",) * 6 + ("灵活就业",)),
            "employer": "" if retired else ("外出务工" if migrant and employer == "务农" else employer),
            "union": f"{TOWNSHIP}{village}工会联合会",
            "join_date": self.date_between(max(dt.date(2005, 1, 1), dt.date(p.birth.year + 19, 1, 1)),
                                           dt.date(2012, 9, 30)),
            "membership": "保留会籍" if retired else "正常",
            "remark": None,
        }
        return row | self.form_columns(village, p, row)

    def form_columns(self, village: str, p: Person, row: dict[str, Any]) -> dict[str, Any]:
        """The optional columns the provincial member form needs, filled for most members (not all:
        ``unionxl export`` lists who lacks what)."""
        if self.extra.random() < 0.15:
            return {}
        county = COUNTIES[p.id_number[:6]]
        home = f"湖南省吉首市{TOWNSHIP}{village}" if county == "吉首市" else f"湖南省湘西州{county}"
        kept = row["membership"] == "保留会籍"  # retired: membership kept
        joined = row["join_date"]
        return {"tech_grade": self.extra.choice(GRADES), "hukou_place": home, "native_place": f"湖南{county[:-1]}",
                "membership_change": "保留" if kept else "入会",
                "membership_date": joined + dt.timedelta(days=self.extra.randint(0, (dt.date(2012, 9, 30) - joined).days))
                if kept else joined,
                "membership_reason": "劳动（工作）关系发生变化" if kept else None}


def _aid_plan() -> list[tuple[str, str, str, list[int]]]:
    """(困难类别, 致困原因, 帮扶类型, amounts) per aided person: 13 + 15 + 65 people."""
    plan = [("困难大学生", "子女上学", "子女助学", [5000])] * 13
    hardship = [2000] * 2 + [1500] * 6 + [1000] * 7  # 15 people, 20,000
    causes = ("患重特大疾病", "意外事故", "下岗失业", "自然灾害")
    plan += [("低保边缘户" if i % 3 else "意外致困户", causes[i % 4], "医疗救助" if i % 2 else "生活救助", [a])
             for i, a in enumerate(hardship)]
    plan += [("低保户", "无劳动能力" if i % 2 else "患重特大疾病", "生活救助", [400] if i < 50 else [300, 400])
             for i in range(65)]  # 50 × 400 + 15 × 700 = 30,500
    return plan


def generate(seed: int = 2012) -> list[Village]:
    g = Generator(seed)
    villages = [Village(name, f"{TOWNSHIP_CODE}{201 + i}", file_name) for i, (name, _, file_name) in enumerate(VILLAGES)]
    people: list[list[Person]] = []
    for v, (_, n, _) in zip(villages, VILLAGES):
        crowd = [g.person(20, 60) for _ in range(n)]
        people.append(crowd)
        v.members = [dict(g.member(v.name, p), seq=i) for i, p in enumerate(crowd, start=1)]
    # aid: spread the plan over villages, recipients drawn from each village's roster
    plan = _aid_plan()
    g.rng.shuffle(plan)
    taken: list[set[int]] = [set() for _ in villages]
    for k, (hardship, cause, aid_type, amounts) in enumerate(plan):
        vi = k % len(villages)
        pi = g.rng.choice([i for i in range(len(people[vi])) if i not in taken[vi]])
        taken[vi].add(pi)
        p = people[vi][pi]
        for amount in amounts:
            villages[vi].aid.append({
                "name": p.name,
                "id_number": p.id_number,
                "hardship": hardship,
                "cause": cause,
                "aid_type": aid_type,
                "aid_date": g.date_between(*PERIOD) if aid_type != "子女助学" else dt.date(2012, 8, g.rng.randint(20, 31)),
                "amount": Decimal(amount),
                "fund_source": g.rng.choice(("上级工会拨款", "上级工会拨款", "本级工会经费", "财政资金")),
                "payment": "银行转账" if amount >= 1000 else g.rng.choice(("银行转账", "现金")),
                "handler": villages[vi].members[0]["name"],
                "single_parent": "是" if p.sex == "女" and g.rng.random() < 0.15 else "否",
            })
    # cases: 22, recovered 18,000 in total
    results = list(CASE_RESULTS)
    g.rng.shuffle(results)
    recovered = iter(RECOVERED)
    for k, result in enumerate(results):
        vi = (k * 5) % len(villages)
        p = g.rng.choice(people[vi])
        accepted = g.date_between(PERIOD[0], dt.date(2012, 9, 30))
        amount = next(recovered) if result == "调解成功" else 0
        claimed = amount if result == "调解成功" and g.rng.random() < 0.6 else amount + g.rng.choice((500, 1000, 2000, 3000))
        villages[vi].cases.append({
            "accept_date": accepted,
            "applicant": p.name,
            "applicant_id": p.id_number,
            "phone": p.phone,
            "respondent": g.fake.company(),
            "credit_code": g.credit_code() if g.rng.random() < 0.7 else None,
            "case_type": g.rng.choice(("追索劳动报酬",) * 4 + ("劳动合同纠纷", "工伤保险待遇", "经济补偿金", "确认劳动关系")),
            "people": g.rng.choice((1, 1, 1, 2, 3, 5, 8)),
            "claimed": Decimal(claimed),
            "method": "调解" if result != "转诉讼" else "法律援助",
            "result": result,
            "recovered": Decimal(amount),
            "close_date": None if result == "办理中" else accepted + dt.timedelta(days=g.rng.randint(3, 30)),
            "handler": villages[vi].members[0]["name"],
        })
    sample_work.donations(g, villages)
    for v in villages:
        for register in (v.aid, v.cases):
            register.sort(key=lambda row: row.get("aid_date") or row.get("accept_date"))
            for i, row in enumerate(register, start=1):
                row["seq"] = i
        preparer = v.members[0]
        v.cover = {
            "village": v.name,
            "village_code": v.code,
            "union_name": f"{TOWNSHIP}{v.name}工会联合会",
            "preparer": preparer["name"],
            "preparer_phone": g.phone(),
            "period_start": PERIOD[0],
            "period_end": PERIOD[1],
            "fill_date": dt.date(2012, 10, 31) + dt.timedelta(days=g.rng.randint(0, 5)),
        }
        sample_work.village_rows(g, v, TOWNSHIP)
    own = Village(*OWN)
    own.cover = {"village": own.name, "village_code": own.code, "union_name": f"{TOWNSHIP}工会工作委员会",
                 "preparer": g.fake.name(), "preparer_phone": g.phone(), "period_start": PERIOD[0],
                 "period_end": PERIOD[1], "fill_date": dt.date(2012, 11, 1)}
    sample_work.own_rows(g, own, TOWNSHIP)
    for v in (*villages, own):
        for register in (v.activities, v.organisations):
            register.sort(key=lambda row: row.get("held") or dt.date.min)  # stable: organisations keep their order
            for i, row in enumerate(register, start=1):
                row["seq"] = i
    return [*villages, own]


def write_examples(workbooks: str | Path, seed: int = 2012) -> list[Path]:
    """The village submissions into ``workbooks/examples/`` and the village list into ``workbooks/``."""
    workbooks = Path(workbooks)
    villages = generate(seed)
    paths = []
    for v in villages:
        wb = build_workbook(v.cover, rows_of(v))
        paths.append(atomic_save(wb, workbooks / "examples" / v.file_name))
    paths.append(write_village_list(villages, workbooks / VILLAGE_LIST))
    return paths


def rows_of(v: Village) -> dict[str, list[dict[str, Any]]]:
    """The unit's rows by register key."""
    return {"members": v.members, "aid": v.aid, "cases": v.cases, "activities": v.activities,
            "organisations": v.organisations}


# the header block above the list: who reports the summary upward (made up, like the villages' people)
TOWNSHIP_DETAILS = (("乡镇名称", "寨阳乡"), ("填报单位", "寨阳乡总工会"), ("单位负责人", "龙海生"),
                    ("填表人", "石秀兰"), ("联系电话", "0743-5261238"))


def write_village_list(villages: list[Village], path: Path) -> Path:
    """The township's details (「乡镇名称：寨阳乡」…), then the villages, then the township's own
    (寨阳乡本级: a name ending in 本级)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "村名单"
    for label, value in TOWNSHIP_DETAILS:
        ws.append([f"{label}：{value}"])
    ws.append([])
    ws.append(["序号", "村（社区）名称", "村（社区）代码"])
    for i, v in enumerate(villages, start=1):
        ws.append([i, v.name, v.code])
    for letter, width in (("A", 6), ("B", 16), ("C", 16)):
        ws.column_dimensions[letter].width = width
        ws.column_dimensions[letter].number_format = "@" if letter == "C" else "General"
    return atomic_save(wb, path)


def iter_members(g: Generator, village: str, n: int) -> Iterator[dict[str, Any]]:
    """``n`` roster rows for one village (benchmark inputs)."""
    for i in range(1, n + 1):
        yield dict(g.member(village, g.person()), seq=i)


if __name__ == "__main__":  # pragma: no cover - exercised by tests/test_examples.py
    for path in write_examples(sys.argv[1] if len(sys.argv) > 1 else "workbooks"):
        print(path)
