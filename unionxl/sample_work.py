"""The examples' activities and union organisations (template version 2), and the township's own
submission (寨阳乡本级), so that the demo reproduces the seed report's figures on them:

13 enterprise unions, 1 industry federation (花卉苗木, 500+ members) and 13 village federations;
collective contracts covering 500+ workers; 职工之家 in the township government, 坪朗村 and 补点村;
3 employment trainings with 387 trainees, 214 job postings, 497 people placed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

# ``g`` below is a ``sample.Generator`` and ``v`` a ``sample.Village`` (sample.py imports this module)
Generator = Village = Any

OWN_NAME = "本级"
WORKERS_HOMES = ("坪朗村", "补点村")  # and the township government's (the township union's own row)
WOMEN_COMMITTEES = ("寨阳村", "坪朗村", "补点村", "中黄村", "雅留村")
# (name, workers): the 13 enterprise unions the township union runs; the 5 largest signed collective contracts
ENTERPRISES = (
    ("吉首市寨阳花卉苗木专业合作社", 58), ("吉首市寨阳生态农业有限公司", 46), ("湘西寨阳食品有限公司", 42),
    ("吉首市寨阳湿地旅游开发有限公司", 38), ("吉首市坪朗苗木有限公司", 35), ("吉首市补点园林绿化有限公司", 30),
    ("湘西寨阳山泉水有限公司", 28), ("吉首市寨阳农家乐餐饮有限公司", 26), ("吉首市排兄花木有限公司", 22),
    ("湘西寨阳腊味食品厂", 20), ("吉首市中黄建材有限公司", 18), ("吉首市雅留茶业有限公司", 16),
    ("吉首市双塘养殖专业合作社", 15),
)
CONTRACTS = 5
# (date, type, name, participants, women, postings, placed, amount, fund source): what the township ran itself
OWN_ACTIVITIES: tuple[tuple[Any, ...], ...] = (
    ((2, 20), "就业信息发布", "“春风行动”就业信息发布", None, None, 68, None, None, None),
    ((3, 8), "文体活动", "庆“三八”女职工趣味运动会", 86, 86, None, None, 1200, "本级工会经费"),
    ((3, 15), "就业培训", "2012年第一期农民工就业技能培训班", 142, 61, None, None, 8000, "上级工会拨款"),
    ((3, 15), "法律宣传", "劳动法律法规宣传咨询（职工维权工作站）", 150, 58, None, None, None, None),
    ((3, 30), "就业安置", "春季就业安置（花卉苗木企业）", None, None, None, 186, None, None),
    ((4, 16), "学习考察", "组织全乡干部赴云南考察旅游产业发展", 32, 9, None, None, 9600, "财政资金"),
    ((4, 18), "就业信息发布", "花卉苗木企业用工信息发布", None, None, 52, None, None, None),
    ((5, 1), "文体活动", "庆“五一”职工篮球赛", 120, 24, None, None, 2000, "本级工会经费"),
    ((5, 20), "就业培训", "花卉苗木种植技术培训班", 126, 58, None, None, 6000, "上级工会拨款"),
    ((6, 12), "健康体检", "乡机关职工年度全面体检", 46, 17, None, None, 9200, "财政资金"),
    ((6, 15), "公益捐款", "“万民党员帮扶万民困难家庭”募捐", 210, 72, None, None, 5220, "社会捐赠"),
    ((6, 28), "就业安置", "劳务输出就业安置", None, None, None, 165, None, None),
    ((7, 10), "就业信息发布", "暑期就业信息发布", None, None, 47, None, None, None),
    ((8, 30), "文体活动", "吉首市30周年市庆演讲比赛、知识抢答赛", 45, 21, None, None, 1500, "上级工会拨款"),
    ((9, 12), "就业培训", "乡村旅游服务技能培训班", 119, 66, None, None, 6000, "上级工会拨款"),
    ((9, 25), "就业信息发布", "秋季招聘就业信息发布", None, None, 47, None, None, None),
    ((9, 28), "文体活动", "庆国庆乒乓球、下棋比赛", 64, 15, None, None, 800, "本级工会经费"),
    ((10, 12), "文体活动", "寨阳乡文化艺术节", 650, 280, None, None, 15000, "财政资金"),
    ((10, 15), "就业安置", "秋季就业安置", None, None, None, 146, None, None),
    ((10, 18), "学习考察", "各村分工会负责人赴贵州千户苗寨考察学习", 26, 8, None, None, 7800, "上级工会拨款"),
)
KEYS = ("held", "activity_type", "title", "participants", "women", "postings", "placed", "amount", "fund_source")
DONATION = (12, 435)  # families aided from the campaign's money, yuan each: 5,220


def organisation(g: Generator, **values: Any) -> dict[str, Any]:
    """One 组织情况 row; the yes/no answers default to 否."""
    row = {"founded": g.date_between(dt.date(2006, 1, 1), dt.date(2011, 12, 31)), "contract": "否",
           "workers_home": "否", "women_committee": "否", "phone": g.phone(), "chair": g.fake.name()}
    return {**row, **values}


def village_rows(g: Generator, v: Village, township: str) -> None:
    """The village's own federation (its roster's members) and its activities: the New Year visits, 三八."""
    women = sum(m["sex"] == "女" for m in v.members)
    v.organisations = [organisation(
        g, name=f"{township}{v.name}工会联合会", org_type="村级工会联合会", unit=f"{v.name}村民委员会",
        credit_code=g.credit_code("81"), workers=len(v.members) + g.rng.randint(4, 20), women=women + g.rng.randint(2, 6),
        members=len(v.members), women_members=women, chair=v.members[0]["name"], staff=g.rng.choice((0, 1)),
        workers_home="是" if v.name in WORKERS_HOMES else "否",
        women_committee="是" if v.name in WOMEN_COMMITTEES else "否", phone=v.members[0]["phone"] or g.phone())]
    handler = v.members[0]["name"]
    visited = len({a["id_number"] for a in v.aid if a["aid_type"] in ("生活救助", "医疗救助")})
    v.activities = [{"held": dt.date(2012, 1, g.rng.randint(10, 20)), "activity_type": "走访慰问",
                     "title": "春节走访慰问困难职工", "participants": max(visited, 1), "handler": handler}]
    if v.name in WOMEN_COMMITTEES:
        n = g.rng.randint(15, 30)
        v.activities.append({"held": dt.date(2012, 3, 8), "activity_type": "文体活动", "title": "庆“三八”女职工联谊活动",
                             "participants": n, "women": n, "amount": Decimal(300), "fund_source": "本级工会经费",
                             "handler": handler})


def own_rows(g: Generator, own: Village, township: str) -> None:
    """What the township union runs itself: its own row, the industry federation, the enterprise unions
    and the trainings, postings, placements and campaigns of the seed."""
    own.organisations = [
        organisation(g, name=f"{township}工会工作委员会", org_type="乡镇（街道）工会", unit=f"{township}人民政府",
                     credit_code=g.credit_code("81"), workers=48, women=17, members=46, women_members=16, staff=3,
                     workers_home="是", women_committee="是"),
        organisation(g, name=f"{township}花卉苗木行业工会联合会", org_type="行业工会联合会", unit=f"{township}花卉苗木协会",
                     credit_code=g.credit_code("81"), workers=560, women=214, members=516, women_members=198, staff=1,
                     units=32, contract="是", covered=326, women_committee="是"),
    ]
    for i, (name, workers) in enumerate(ENTERPRISES):
        women = workers * 2 // 5
        signed = i < CONTRACTS
        own.organisations.append(organisation(
            g, name=f"{name}工会委员会", org_type="企业工会", unit=name, credit_code=g.credit_code(),
            workers=workers, women=women, members=workers - g.rng.randint(0, 3), women_members=women - 1,
            staff=0, contract="是" if signed else "否", covered=workers if signed else None,
            women_committee="是" if i % 3 == 0 else "否"))
    handler = own.cover["preparer"]
    own.activities = [dict(zip(KEYS, ((dt.date(2012, *when), *rest))), handler=handler)
                      for when, *rest in OWN_ACTIVITIES]
    for row in own.activities:
        if row["amount"] is not None:
            row["amount"] = Decimal(row["amount"])


def donations(g: Generator, villages: list[Village]) -> None:
    """The campaign's money paid out: one aid row each to 12 of the 低保 families (资金来源 社会捐赠)."""
    families, amount = DONATION
    aided = [(v, a) for v in villages for a in v.aid if a["hardship"] == "低保户"]
    seen: set[str] = set()
    chosen = []
    for v, a in g.rng.sample(aided, len(aided)):
        if a["id_number"] not in seen and len(chosen) < families:
            seen.add(a["id_number"])
            chosen.append((v, a))
    for v, a in chosen:
        v.aid.append({**a, "aid_type": "生活救助", "aid_date": dt.date(2012, 6, g.rng.randint(18, 29)),
                      "amount": Decimal(amount), "fund_source": "社会捐赠", "payment": "现金",
                      "remark": "“万民党员帮扶万民困难家庭”活动筹集资金"})


# the seed report's wording -> (the indicator that gives it, its lowest and highest value in that wording):
# what the bundled examples' summary must show, and what a demo can print beside it
SEED_FIGURES: tuple[tuple[str, str, int, int], ...] = (
    ("企业工会13家", "企业工会数", 13, 13), ("行业工会联合会1家", "行业工会联合会数", 1, 1),
    ("村级工会联合会13家", "村级工会联合会数", 13, 13), ("拥有会员580人", "会员总数", 580, 580),
    ("集体合同覆盖职工500多人", "集体合同覆盖职工数", 501, 599),
    ("在乡政府、坪朗村、补点村建有职工之家", "职工之家数", 3, 3),
    ("共处理各类职工维权案件22起", "维权案件数", 22, 22), ("追讨各类资金1.8万元", "追回金额", 18000, 18000),
    ("开展就业培训3期", "就业培训期数", 3, 3), ("培训人员387人", "培训人次", 387, 387),
    ("发布各类就业信息210多条", "发布就业信息条数", 211, 219), ("安置待业人员497人", "安置就业人数", 497, 497),
    ("支助困难大学生13人", "困难大学生人数", 13, 13), ("总金额6.5万元", "困难大学生金额", 65000, 65000),
    ("帮扶困难职工15人", "困难职工帮扶人数", 15, 15), ("帮扶资金2万元", "困难职工帮扶金额", 20000, 20000),
    ("低保群众65人", "低保户帮扶人数", 65, 65), ("资金3万多元", "低保户帮扶金额", 30001, 39999),
    ("帮扶困难家庭10多户", "社会捐赠帮扶户数", 11, 19), ("筹集资金5000多元", "社会捐赠帮扶金额", 5001, 5999),
)
