"""The registers of template version 2: the unit's activities (活动台账) and the union organisations it
covers (组织情况). A workbook made from an older template has neither sheet (``Register.since``)."""

from __future__ import annotations

from . import codes
from .fields import Choice, CreditCode, Date, Integer, Money, Phone, Text
from .model import (CONTRACT, COVERED, CREDIT_CODE, HEADCOUNT, KIND, MEMBER_COUNT, MONEY, PERIOD_DATE, PHONE, REMARK, SEQ,
                    WOMEN, WOMEN_MEMBERS, Field, Register)

POSTINGS_KINDS = ("就业信息发布",)
PLACED_KINDS = ("就业安置",)

ACTIVITIES = Register(
    key="activities",
    sheet="活动台账",
    title="活动台账",
    description="每开展一次活动一行：就业培训、就业信息发布、就业安置、文体活动、健康体检、走访慰问等。"
    "“发布信息(条)”只在就业信息发布一行填写，“安置就业(人)”只在就业安置一行填写；其中女职工不多于参加人数。",
    sheet_synonyms=("活动登记", "活动登记表", "工作台账", "活动情况"),
    checks=("in-period", "counts-within", "kind-counts"),
    since=2,
    fields=(
        SEQ,
        Field("held", "活动日期", Date(), True, ("日期", "活动时间", "举办日期", "开展日期", "时间"), 12,
              "活动举办（开始）的日期，如 2012-04-10。", "2012-04-10", role=PERIOD_DATE),
        Field("activity_type", "活动类型", Choice(codes.ACTIVITY_TYPE), True, ("类型", "活动类别", "项目类型"), 14,
              "从下拉列表选择。", "就业培训", role=KIND),
        Field("title", "活动名称", Text(60), True, ("活动内容", "活动主题", "项目名称", "名称", "内容"), 28,
              "如：2012 年第一期农民工就业技能培训班。", "2012年第一期农民工就业技能培训班"),
        Field("participants", "参加人数", Integer(), False, ("参加人次", "参与人数", "培训人数", "人数", "参加人员"), 10,
              "参加（培训、体检、慰问）的人数；就业信息发布可不填。", "142", role=HEADCOUNT),
        Field("women", "其中女职工", Integer(), False, ("女职工", "女职工人数", "其中女", "其中：女职工"), 10,
              "参加人中的女职工人数，不多于参加人数。", "61", role=WOMEN),
        Field("postings", "发布信息(条)", Integer(), False, ("发布信息", "发布就业信息", "信息条数", "发布信息条数", "发布信息（条）"),
              12, "发布的就业信息条数，只在“就业信息发布”一行填写。", "", kinds=POSTINGS_KINDS),
        Field("placed", "安置就业(人)", Integer(), False, ("安置就业", "安置人数", "安置就业人数", "安置就业（人）"), 12,
              "安置就业的人数，只在“就业安置”一行填写。", "", kinds=PLACED_KINDS),
        Field("amount", "金额(元)", Money(), False, ("金额", "经费", "活动经费", "金额（元）", "捐款金额"), 12,
              "活动花费或筹集的金额，元，最多两位小数；没有可不填。", "3000.00", role=MONEY),
        Field("fund_source", "资金来源", Choice(codes.FUND_SOURCE), False, ("经费来源",), 13, "有金额时从下拉列表选择。",
              "上级工会拨款"),
        Field("handler", "经办人", Text(20), True, ("负责人", "组织人"), 9, "经办人姓名。", "张三", prefilled=True),
        REMARK,
    ),
)

ORGANISATIONS = Register(
    key="organisations",
    sheet="组织情况",
    title="工会组织情况",
    description="本村（社区）或本级所联系的每个工会组织一行：村级工会联合会、企业工会、行业工会联合会等。"
    "职工、会员人数填本期末的人数；其中女职工、女会员不多于职工、会员人数。",
    sheet_synonyms=("工会组织情况", "组织建设", "工会组织", "基层工会情况", "工会组织信息"),
    checks=("counts-within", "contract-coverage"),
    cross_village=((CREDIT_CODE, "org-in-two-villages"),),
    since=2,
    fields=(
        SEQ,
        Field("name", "组织名称", Text(60), True, ("工会组织名称", "基层工会名称", "工会全称"), 24,
              "工会全称，如：寨阳乡花卉苗木行业工会联合会。", "寨阳乡花卉苗木行业工会联合会"),
        Field("org_type", "组织类型", Choice(codes.ORG_TYPE), True, ("工会类型", "基层工会类型", "类型"), 16,
              "从下拉列表选择。", "行业工会联合会", role=KIND),
        Field("unit", "所在单位", Text(60), False, ("所在企业", "依托单位", "企业名称", "所在单位名称"), 20,
              "工会所在的企业、村委会或机关；联合会可不填。", "寨阳乡花卉苗木协会"),
        Field("credit_code", "统一社会信用代码", CreditCode(), False, ("信用代码", "社会信用代码", "工会统一社会信用代码"), 20,
              "工会的 18 位统一社会信用代码（工会法人资格证书上，81 开头），没有可填所在单位的；不清楚可不填。",
              "81433101MC0000010W", role=CREDIT_CODE),
        Field("founded", "建会日期", Date(), False, ("成立日期", "建会时间", "成立时间"), 12, "如 2010-05-01。", "2010-05-01"),
        Field("workers", "职工人数", Integer(), True, ("职工数", "职工总数", "从业人数"), 10, "本期末的职工人数。", "620",
              role=HEADCOUNT),
        Field("women", "其中女职工", Integer(), False, ("女职工", "女职工人数", "其中：女职工"), 10, "不多于职工人数。", "230",
              role=WOMEN),
        Field("members", "会员人数", Integer(), True, ("会员数", "工会会员数", "会员总数"), 10, "本期末的工会会员人数。", "512",
              role=MEMBER_COUNT),
        Field("women_members", "其中女会员", Integer(), False, ("女会员", "女会员数", "其中：女会员"), 10, "不多于会员人数。", "190",
              role=WOMEN_MEMBERS),
        Field("chair", "工会主席", Text(20), False, ("工会负责人", "主席", "负责人"), 10, "工会主席（负责人）姓名。", "张三"),
        Field("staff", "专职工会干部(人)", Integer(), False, ("专职工会干部", "专职干部", "专职工会工作人员", "专职工会干部（人）"), 10,
              "专职工会干部人数，没有填 0。", "1"),
        Field("units", "涵盖单位数", Integer(), False, ("覆盖单位数", "涵盖单位", "联合单位数"), 10,
              "联合会、联合基层工会涵盖的单位数；企业工会可不填。", "30"),
        Field("contract", "是否签订集体合同", Choice(codes.YES_NO), True, ("集体合同", "签订集体合同", "是否签订工资集体合同"), 10,
              "是 / 否。", "是", role=CONTRACT),
        Field("covered", "集体合同覆盖职工(人)", Integer(), False, ("覆盖职工", "覆盖职工人数", "集体合同覆盖人数", "集体合同覆盖职工",
                                                           "集体合同覆盖职工（人）"), 12,
              "签订集体合同时填写所覆盖的职工人数，不多于职工人数。", "300", role=COVERED),
        Field("workers_home", "是否建有职工之家", Choice(codes.YES_NO), True, ("职工之家", "建有职工之家"), 10, "是 / 否。", "否"),
        Field("women_committee", "是否建立女职工委员会", Choice(codes.YES_NO), True, ("女职工委员会", "女工委", "建立女职工委员会"), 12,
              "是 / 否。", "是"),
        Field("phone", "联系电话", Phone(), False, ("电话", "手机", "联系方式", "手机号码"), 14, "工会主席或联系人的电话。",
              "13807431234", role=PHONE),
        REMARK,
    ),
)
