"""Township indicators computed from the merged registers: counts and amounts, never people.

A :class:`Dataset` is the merged registers (clean values, one row per register line, with
its village) and each expected village's status. It comes from a merge in memory or from a
township workbook written earlier (:func:`unionxl.writing.readback.read_dataset`). :data:`SCALARS`
and :data:`TABLES` are the indicators a summary template can name; each is a small function of
the dataset.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..merging import levels
from ..schema import codes
from ..schema.fields import id_sex
from ..schema.registers import REGISTERS
from ..schema.reporter import Reporter

Row = dict[str, Any]
LEFT = ("已转出", "已退会")  # membership states that no longer count as members
HARDSHIP_WORKERS = ("低保边缘户", "意外致困户")  # 困难职工 in the seed report's sense


@dataclass
class VillageStatus:
    name: str
    code: str = ""
    status: str = "已报送"
    own: bool = False  # the township's own submission (乡镇本级): a row of the per-unit table, but no village

    @property
    def merged(self) -> bool:
        return self.status.startswith("已报送")


@dataclass
class Dataset:
    villages: list[VillageStatus]
    rows: dict[str, list[tuple[str, Row]]] = field(default_factory=dict)  # register key -> (village, values)
    period: tuple[dt.date | None, dt.date | None] = (None, None)
    notes: list[str] = field(default_factory=list)  # Chinese lines about the data, shown with the summary
    reporter: Reporter = field(default_factory=Reporter)  # who reports the summary upward
    level: int = 1  # 1: a township's (units are villages), 2: a county's (units are townships)… (merging.levels)
    masked: bool = False  # read from a --mask workbook: ID numbers are salted hashes, phones masked

    _by_village: dict[str, dict[str, list[Row]]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _members: dict[str | None, list[Row]] = field(default_factory=dict, init=False, repr=False, compare=False)

    def of(self, key: str, village: str | None = None) -> list[Row]:
        if village is None:
            return [r for _, r in self.rows.get(key, ())]
        index = self._by_village.get(key)
        if index is None:  # one pass per register, not one per village: 200 villages x 100k rows add up
            index = self._by_village[key] = defaultdict(list)
            for v, r in self.rows.get(key, ()):
                index[v].append(r)
        return list(index.get(village, ()))


# -- building a dataset -------------------------------------------------------------------


def from_merge(result) -> Dataset:
    """From a :class:`~unionxl.merging.merge.MergeResult` (only the merged submissions count)."""
    villages = [VillageStatus(e.village.name, e.village.code, e.status, e.own) for e in result.units]
    rows: dict[str, list[tuple[str, Row]]] = defaultdict(list)
    periods: Counter = Counter()
    for village, report in result.used:
        periods[(report.cover.get("period_start"), report.cover.get("period_end"))] += 1
        for register in REGISTERS:
            rows[register.key].extend((village, r.values) for r in report.rows.get(register.key, ()))
    period = periods.most_common(1)[0][0] if periods else (None, None)
    return Dataset(villages, dict(rows), period, reporter=result.reporter, level=result.level)


# -- the indicators ---------------------------------------------------------------------------


def _members(ds: Dataset, village: str | None = None) -> list[Row]:
    """The roster's rows of people still members (of ``village``), made once per dataset: every
    indicator of the township asks for them."""
    found = ds._members.get(village)
    if found is None:
        found = ds._members[village] = [r for r in ds.of("members", village) if r.get("membership") not in LEFT]
    return found


def _female(row: Row, id_key: str = "id_number") -> bool:
    sex = row.get("sex") or (id_sex(row[id_key]) if row.get(id_key) else None)
    return sex == "女"


def _person(row: Row, id_key: str = "id_number", name_key: str = "name") -> str:
    return row.get(id_key) or f"姓名:{row.get(name_key)}"


def _money(rows: Iterable[Row], key: str) -> Decimal:
    return sum((r.get(key) or Decimal(0) for r in rows), Decimal(0)).quantize(Decimal("0.01"))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _in_period(ds: Dataset, day: dt.date | None) -> bool:
    start, end = ds.period
    return day is not None and (start is None or day >= start) and (end is None or day <= end)


def _aided(rows: list[Row], *hardship: str) -> list[Row]:
    return [r for r in rows if r.get("hardship") in hardship]


def _people(rows: Iterable[Row]) -> int:
    return len({_person(r) for r in rows})


def _closed(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.get("result") and r.get("result") != "办理中"]


@dataclass(frozen=True)
class Indicator:
    name: str  # the defined name a template uses
    section: str
    kind: str  # count | money | ratio | text | date
    compute: Callable[[Dataset], Any]
    unit: str = ""


def _scalars() -> list[Indicator]:
    def period_text(ds: Dataset) -> str:
        start, end = ds.period
        return f"{start} 至 {end}" if start and end else "（封面未填统计期间）"

    aid = lambda ds: ds.of("aid")  # noqa: E731 - short selectors read best inline
    cases = lambda ds: ds.of("cases")  # noqa: E731
    return [
        Indicator("统计期间", "概况", "text", period_text),
        Indicator("生成日期", "概况", "date", lambda ds: dt.date.today()),
        Indicator("应报村数", "组织", "count", lambda ds: sum(not v.own for v in ds.villages), "个"),
        Indicator("报送村数", "组织", "count", lambda ds: sum(not v.own and v.status != "未报送" for v in ds.villages),
                  "个"),
        Indicator("未报送村", "组织", "text",  # 无 on paper: a blank could be a line left unfilled
                  lambda ds: "、".join(v.name for v in ds.villages if not v.own and v.status == "未报送") or "无"),
        Indicator("会员总数", "会员", "count", lambda ds: len(_members(ds)), "人"),
        Indicator("女会员数", "会员", "count", lambda ds: sum(map(_female, _members(ds))), "人"),
        Indicator("女会员占比", "会员", "ratio",
                  lambda ds: _share(sum(map(_female, _members(ds))), len(_members(ds)))),
        Indicator("农民工会员数", "会员", "count", lambda ds: sum(r.get("migrant") == "是" for r in _members(ds)), "人"),
        Indicator("新入会会员数", "会员", "count",
                  lambda ds: sum(_in_period(ds, r.get("join_date")) for r in _members(ds)), "人"),
        Indicator("维权案件数", "维权", "count", lambda ds: len(cases(ds)), "件"),
        Indicator("维权涉及人数", "维权", "count", lambda ds: sum(r.get("people") or 0 for r in cases(ds)), "人"),
        Indicator("诉求金额", "维权", "money", lambda ds: _money(cases(ds), "claimed"), "元"),
        Indicator("追回金额", "维权", "money", lambda ds: _money(cases(ds), "recovered"), "元"),
        Indicator("已结案件数", "维权", "count", lambda ds: len(_closed(cases(ds))), "件"),
        Indicator("结案率", "维权", "ratio", lambda ds: _share(len(_closed(cases(ds))), len(cases(ds)))),
        Indicator("帮扶人数", "帮扶", "count", lambda ds: _people(aid(ds)), "人"),
        Indicator("帮扶人次", "帮扶", "count", lambda ds: len(aid(ds)), "人次"),
        Indicator("帮扶金额", "帮扶", "money", lambda ds: _money(aid(ds), "amount"), "元"),
        Indicator("困难大学生人数", "帮扶", "count", lambda ds: _people(_aided(aid(ds), "困难大学生")), "人"),
        Indicator("困难大学生金额", "帮扶", "money", lambda ds: _money(_aided(aid(ds), "困难大学生"), "amount"), "元"),
        Indicator("困难职工帮扶人数", "帮扶", "count", lambda ds: _people(_aided(aid(ds), *HARDSHIP_WORKERS)), "人"),
        Indicator("困难职工帮扶金额", "帮扶", "money",
                  lambda ds: _money(_aided(aid(ds), *HARDSHIP_WORKERS), "amount"), "元"),
        Indicator("低保户帮扶人数", "帮扶", "count", lambda ds: _people(_aided(aid(ds), "低保户")), "人"),
        Indicator("低保户帮扶金额", "帮扶", "money", lambda ds: _money(_aided(aid(ds), "低保户"), "amount"), "元"),
        Indicator("单亲女职工帮扶人数", "帮扶", "count",
                  lambda ds: _people(r for r in aid(ds) if r.get("single_parent") == "是" and _female(r)), "人"),
    ]


GRASSROOTS = tuple(label for label in codes.ORG_TYPE.labels if label != "乡镇（街道）工会")  # the township's own is none


def _of_kind(rows: Iterable[Row], key: str, *labels: str) -> list[Row]:
    return [r for r in rows if r.get(key) in labels]


def _total(rows: Iterable[Row], key: str) -> int:
    return sum(r.get(key) or 0 for r in rows)


def _yes(rows: Iterable[Row], key: str) -> list[Row]:
    return [r for r in rows if r.get(key) == "是"]


def _work_scalars() -> list[Indicator]:
    """The seed report's organisation, contract, employment and activity lines (template version 2)."""
    orgs = lambda ds: ds.of("organisations")  # noqa: E731
    acts = lambda ds: ds.of("activities")  # noqa: E731
    donated = lambda ds: [r for r in ds.of("aid") if r.get("fund_source") == "社会捐赠"]  # noqa: E731
    kind = lambda ds, *labels: _of_kind(acts(ds), "activity_type", *labels)  # noqa: E731
    return [
        Indicator("基层工会组织数", "组织", "count", lambda ds: len(_of_kind(orgs(ds), "org_type", *GRASSROOTS)), "个"),
        Indicator("企业工会数", "组织", "count", lambda ds: len(_of_kind(orgs(ds), "org_type", "企业工会")), "个"),
        Indicator("行业工会联合会数", "组织", "count", lambda ds: len(_of_kind(orgs(ds), "org_type", "行业工会联合会")), "个"),
        Indicator("村级工会联合会数", "组织", "count", lambda ds: len(_of_kind(orgs(ds), "org_type", "村级工会联合会")), "个"),
        Indicator("签订集体合同单位数", "组织", "count", lambda ds: len(_yes(orgs(ds), "contract")), "个"),
        Indicator("集体合同覆盖职工数", "组织", "count", lambda ds: _total(_yes(orgs(ds), "contract"), "covered"), "人"),
        Indicator("职工之家数", "组织", "count", lambda ds: len(_yes(orgs(ds), "workers_home")), "个"),
        Indicator("女职工委员会数", "组织", "count", lambda ds: len(_yes(orgs(ds), "women_committee")), "个"),
        Indicator("就业培训期数", "就业", "count", lambda ds: len(kind(ds, "就业培训")), "期"),
        Indicator("培训人次", "就业", "count", lambda ds: _total(kind(ds, "就业培训"), "participants"), "人次"),
        Indicator("发布就业信息条数", "就业", "count", lambda ds: _total(acts(ds), "postings"), "条"),
        Indicator("安置就业人数", "就业", "count", lambda ds: _total(acts(ds), "placed"), "人"),
        Indicator("文体活动次数", "活动", "count", lambda ds: len(kind(ds, "文体活动")), "次"),
        Indicator("健康体检人次", "活动", "count", lambda ds: _total(kind(ds, "健康体检"), "participants"), "人次"),
        Indicator("社会捐赠帮扶户数", "帮扶", "count", lambda ds: _people(donated(ds)), "户"),
        Indicator("社会捐赠帮扶金额", "帮扶", "money", lambda ds: _money(donated(ds), "amount"), "元"),
    ]


def _reporter_scalars() -> list[Indicator]:
    """Who reports the summary upward (:class:`~unionxl.schema.reporter.Reporter`): the title names the
    township; the report date is the day of filling unless given."""
    return [
        Indicator("标题", REPORTING, "text", lambda ds: ds.reporter.title),
        Indicator("填报单位", REPORTING, "text", lambda ds: ds.reporter.unit),
        Indicator("单位负责人", REPORTING, "text", lambda ds: ds.reporter.head),
        Indicator("填表人", REPORTING, "text", lambda ds: ds.reporter.preparer),
        Indicator("联系电话", REPORTING, "text", lambda ds: ds.reporter.phone),
        Indicator("报送日期", REPORTING, "date", lambda ds: ds.reporter.report_date or dt.date.today()),
    ]


REPORTING = "报送"  # the section of who reports the figures: no figure itself


SCALARS: tuple[Indicator, ...] = (*_scalars(), *_work_scalars(), *_reporter_scalars())


@dataclass(frozen=True)
class TableSpec:
    name: str  # defined name of the table's top-left (header) cell
    section: str
    columns: tuple[tuple[str, str], ...]  # (header, kind)
    compute: Callable[[Dataset], list[list[Any]]]
    total: bool = True  # add a 合计 row summing the numeric columns


POLITICAL_GROUPS = (
    ("中共党员（含预备党员）", ("中共党员", "中共预备党员")),
    ("共青团员", ("共青团员",)),
    ("民主党派成员", tuple(e.label for e in codes.POLITICAL.entries[3:11])),
    ("无党派人士", ("无党派人士",)),
    ("群众", ("群众",)),
)
EDUCATION_GROUPS = (
    ("研究生", ("博士研究生", "硕士研究生")),
    ("大学本科", ("大学本科",)),
    ("大学专科", ("大学专科",)),
    ("中专、职高、技校", ("中等专科", "职业高中", "技工学校")),
    ("普通高中", ("普通高中",)),
    ("初中及以下", ("初中", "小学", "其他")),
)


def _grouped(key: str, groups) -> Callable[[Dataset], list[list[Any]]]:
    def compute(ds: Dataset) -> list[list[Any]]:
        counts = Counter(r.get(key) for r in _members(ds))
        out = [[label, sum(counts[v] for v in values)] for label, values in groups]
        return out + [["未填", counts[None]]]
    return compute


def _by(key: str, code_list: codes.CodeList, register: str,
        measures: Callable[[list[Row]], list[Any]]) -> Callable[[Dataset], list[list[Any]]]:
    def compute(ds: Dataset) -> list[list[Any]]:
        rows = ds.of(register)
        return [[label, *measures([r for r in rows if r.get(key) == label])] for label in code_list.labels]
    return compute


def _aid_measures(rows: list[Row]) -> list[Any]:
    return [_people(rows), len(rows), _money(rows, "amount")]


def _case_measures(rows: list[Row]) -> list[Any]:
    return [len(rows), sum(r.get("people") or 0 for r in rows), _money(rows, "recovered")]


def _per_village(ds: Dataset) -> list[list[Any]]:
    out = []
    for v in ds.villages:
        members, cases, aid = _members(ds, v.name), ds.of("cases", v.name), ds.of("aid", v.name)
        orgs, trainings = ds.of("organisations", v.name), _of_kind(ds.of("activities", v.name), "activity_type", "就业培训")
        out.append([v.name, v.status, len(members), sum(map(_female, members)),
                    sum(r.get("migrant") == "是" for r in members), len(cases), _money(cases, "recovered"),
                    _people(aid), _money(aid, "amount"), len(_of_kind(orgs, "org_type", *GRASSROOTS)),
                    _total(_yes(orgs, "contract"), "covered"), _total(trainings, "participants"),
                    _total(ds.of("activities", v.name), "placed")])
    return out


TABLES: tuple[TableSpec, ...] = (
    TableSpec("政治面貌表", "会员", (("政治面貌", "text"), ("人数", "count")),
              _grouped("political", POLITICAL_GROUPS)),
    TableSpec("学历表", "会员", (("学历", "text"), ("人数", "count")), _grouped("education", EDUCATION_GROUPS)),
    TableSpec("案件类型表", "维权", (("案件类型", "text"), ("件数", "count"), ("涉及人数", "count"), ("追回金额", "money")),
              _by("case_type", codes.CASE_TYPE, "cases", _case_measures)),
    TableSpec("处理结果表", "维权", (("处理结果", "text"), ("件数", "count")),
              _by("result", codes.CASE_RESULT, "cases", lambda rows: [len(rows)])),
    TableSpec("帮扶类型表", "帮扶", (("帮扶类型", "text"), ("人数", "count"), ("人次", "count"), ("金额", "money")),
              _by("aid_type", codes.AID_TYPE, "aid", _aid_measures)),
    TableSpec("困难类别表", "帮扶", (("困难类别", "text"), ("人数", "count"), ("人次", "count"), ("金额", "money")),
              _by("hardship", codes.HARDSHIP, "aid", _aid_measures)),
    TableSpec("分村表", "分村", (("村（社区）", "text"), ("报送情况", "text"), ("会员数", "count"), ("女会员", "count"),
                                ("农民工", "count"), ("维权案件", "count"), ("追回金额", "money"), ("帮扶人数", "count"),
                                ("帮扶金额", "money"), ("工会组织", "count"), ("集体合同覆盖", "count"),
                                ("培训人次", "count"), ("安置就业", "count")), _per_village),
)


UNIT_TABLE = "分村表"  # one row per unit of the level below: villages in a township's summary, townships in a county's


def headers(spec: TableSpec, ds: Dataset) -> list[str]:
    """The headers of ``spec`` for ``ds``: the per-unit table's first names the units of ``ds.level``."""
    titles = [title for title, _ in spec.columns]
    if spec.name == UNIT_TABLE and ds.level > 1:
        titles[0] = levels.unit_title(ds.level)
    return titles


def compute(ds: Dataset) -> tuple[dict[str, Any], dict[str, list[list[Any]]]]:
    """All scalar indicators and all tables (with their 合计 rows) for a dataset."""
    scalars = {i.name: i.compute(ds) for i in SCALARS}
    tables = {}
    for t in TABLES:
        rows = t.compute(ds)
        if t.total:
            total: list[Any] = ["合计"]
            for col, (_, kind) in enumerate(t.columns[1:], start=1):
                total.append(sum((r[col] for r in rows), Decimal(0) if kind == "money" else 0)
                             if kind in ("count", "money") else None)
            rows = [*rows, total]
        tables[t.name] = rows
    # people are distinct across the whole table, not summable row by row: the 合计 says so
    for name in ("帮扶类型表", "困难类别表"):
        tables[name][-1][1] = scalars["帮扶人数"]
    tables["分村表"][-1][7] = scalars["帮扶人数"]
    return scalars, tables
