"""The one description of the village workbook: its cover and its registers.

The template, the reader/validator, the merge mapping and the summary all read this
module; nothing else restates a field, a label or a code list. The types are in
:mod:`unionxl.schema.model`; the registers of template version 2 (活动台账, 组织情况) in
:mod:`unionxl.schema.work`. Everything is importable from here.
"""

from __future__ import annotations

from . import codes
from .fields import Choice, CreditCode, Date, IdNumber, Integer, Money, Phone, Text
from .model import (BIRTH_DATE, CLAIMED, CLOSED, CONTRACT, COVERED, CREDIT_CODE, HEADCOUNT, ID_HINT, JOIN_DATE, KIND,
                    MEMBER_COUNT, MONEY, OPENED, OUTCOME, PERIOD_DATE, PERSON_ID, PERSON_NAME, PHONE, RECOVERED, REMARK,
                    SEQ, SEX, WOMEN, WOMEN_MEMBERS, Field, Register, Registry, Role)
from .work import ACTIVITIES, ORGANISATIONS

__all__ = ["ACTIVITIES", "AID", "BIRTH_DATE", "CASES", "CLAIMED", "CLOSED", "CONTRACT", "COVER", "COVERED", "CREDIT_CODE",
           "HEADCOUNT", "ID_HINT", "JOIN_DATE", "KIND", "MEMBERS", "MEMBER_COUNT", "MONEY", "OPENED", "ORGANISATIONS",
           "OUTCOME", "PERIOD_DATE", "PERSON_ID", "PERSON_NAME", "PHONE", "RECOVERED", "REGISTERS", "REMARK", "SEQ", "SEX",
           "TEMPLATE_VERSION", "TEMPLATE_VERSION_PROPERTY", "WOMEN", "WOMEN_MEMBERS", "Field", "Register", "Registry",
           "Role"]

TEMPLATE_VERSION = "2"  # 2: 活动台账 and 组织情况
TEMPLATE_VERSION_PROPERTY = "unionxl模板版本"


COVER = Register(
    key="cover",
    sheet="封面",
    title="封面",
    description="填写本村（社区）工会的基本信息和本期报表的统计期间。乡镇按封面上的村名识别报表，与文件名无关。",
    sheet_synonyms=("封面信息", "报表封面", "封皮", "首页", "基本情况", "基本信息"),
    fields=(
        Field("village", "村（社区）名称", Text(50), True, ("村名", "村名称", "村(社区)", "单位名称", "村", "社区名称", "村委会名称", "村(居)名称",
                                                  "村居名称", "行政村名称", "村(社区)名"),
              hint="填写村（社区）全称，如：坪朗村。", example="坪朗村"),
        Field("village_code", "村（社区）代码", Text(20), False, ("村代码", "区划代码", "统计用区划代码"),
              hint="12 位统计用区划代码，不清楚可不填。", example="433101206201"),
        Field("union_name", "工会名称", Text(60), True, ("村工会名称", "基层工会名称", "工会全称", "工会组织名称"),
              hint="如：寨阳乡坪朗村工会联合会。", example="寨阳乡坪朗村工会联合会"),
        Field("preparer", "填报人", Text(20), True, ("填表人", "经办人", "制表人", "填报人姓名", "联系人"), hint="填表人姓名。", example="张三"),
        Field("preparer_phone", "填报人电话", Phone(), True, ("联系电话", "电话", "手机", "填报人联系电话", "联系人电话", "填报人手机"),
              hint="手机号码 11 位，或带区号的固定电话。", example="13807431234"),
        Field("period_start", "统计期间开始", Date(allow_future=True), True, ("起始日期", "开始日期", "统计起始日期", "起始时间", "开始时间"),
              hint="本期报表统计的开始日期，如 2012-01-01。", example="2012-01-01"),
        Field("period_end", "统计期间结束", Date(allow_future=True), True, ("截止日期", "结束日期", "统计截止日期", "截止时间", "结束时间"),
              hint="本期报表统计的结束日期，如 2012-10-31。", example="2012-10-31"),
        Field("fill_date", "填报日期", Date(), True, ("填表日期", "报送日期", "填报时间", "报表日期", "制表日期"),
              hint="填写本表的日期。", example="2012-11-01"),
    ),
)

MEMBERS = Register(
    key="members",
    sheet="会员名册",
    title="会员名册",
    description="每位工会会员一行。身份证号、手机号码列为文本格式；性别、出生日期应与身份证号一致。"
    "退休、下岗的会员可保留会籍（会籍状态选“保留会籍”）。",
    sheet_synonyms=("会员花名册", "会员名单", "会员信息"),
    checks=("duplicate-ids", "agrees-with-id"),
    cross_village=((PERSON_ID, "member-in-two-villages"),),
    roster=True,
    fields=(
        SEQ,
        Field("name", "姓名", Text(30), True, ("会员姓名",), 10, "会员本人姓名。", "王秀英", role=PERSON_NAME),
        Field("sex", "性别", Choice(codes.SEX), True, (), 6, "从下拉列表选择：男 / 女。", "女", role=SEX),
        Field("ethnicity", "民族", Choice(codes.ETHNICITY), True, (), 9, "从下拉列表选择，如：汉族、苗族、土家族。", "苗族"),
        Field("id_number", "身份证号", IdNumber(), True, ("身份证号码", "公民身份号码", "身份证", "证件号码", "居民身份证号"), 21,
              ID_HINT, "433101198503152024", role=PERSON_ID),
        Field("birth_date", "出生日期", Date(), False, ("出生年月", "出生年月日"), 12, "可不填；填写时须与身份证号一致。", "1985-03-15", role=BIRTH_DATE),
        Field("phone", "手机号码", Phone(), False, ("手机", "联系电话", "电话", "移动电话", "手机号", "联系方式"), 14, "11 位手机号码，文本格式。",
              "13907431234", role=PHONE),
        Field("political", "政治面貌", Choice(codes.POLITICAL), True, (), 12, "从下拉列表选择。", "群众"),
        Field("education", "学历", Choice(codes.EDUCATION), True, ("文化程度", "最高学历"), 11, "从下拉列表选择最高学历。", "初中"),
        Field("hukou", "户籍类型", Choice(codes.HUKOU), True, ("户口性质", "户籍性质", "户口类型", "户籍", "户口"), 10, "农业 / 非农业 / 农转居。", "农业"),
        Field("migrant", "是否农民工", Choice(codes.YES_NO), True, ("农民工", "是否农民工会员"), 10, "是 / 否。", "是"),
        Field("employment", "就业状态", Choice(codes.EMPLOYMENT), True, ("身份", "人员状态", "就业状况", "工作状态"), 11, "从下拉列表选择。", "在岗"),
        Field("employer", "工作单位", Text(60), False, ("单位", "工作单位名称"), 24, "单位全称；务农可填“务农”。",
              "吉首市寨阳花卉苗木专业合作社"),
        Field("union", "所属工会", Text(60), False, ("所在工会",), 20, "会员所在的基层工会。", "坪朗村工会联合会",
              prefilled=True),
        Field("join_date", "入会时间", Date(), True, ("入会日期", "入会年月"), 12, "如 2011-05-01。", "2011-05-01", role=JOIN_DATE),
        Field("membership", "会籍状态", Choice(codes.MEMBERSHIP), True, ("会籍",), 10,
              "正常 / 保留会籍 / 已转出 / 已退会。", "正常", prefilled=True),
        # optional: what the provincial member form (会员信息采集表) asks besides (``unionxl export``)
        Field("tech_grade", "技术等级", Choice(codes.TECH_GRADE), False, ("职业技能等级", "技能等级", "职业资格等级"), 10,
              "无 / 初级工 / 中级工 / 高级工 / 技师 / 高级技师；上报会员系统时需要。", "无"),
        Field("hukou_place", "户籍所在地", Text(60), False, ("户口所在地", "户籍地址", "户籍地"), 22,
              "户口簿上的地址；上报会员系统时需要。", "湖南省吉首市寨阳乡坪朗村"),
        Field("native_place", "籍贯", Text(30), False, (), 12, "如：湖南吉首；上报会员系统时需要。", "湖南吉首"),
        Field("membership_change", "会籍变化类型", Choice(codes.MEMBERSHIP_CHANGE), False, ("会籍变动类型",), 10,
              "入会 / 转入 / 保留 / 转出 / 除名 / 退会；上报会员系统时需要。", "入会"),
        Field("membership_date", "会籍变化日期", Date(), False, ("会籍变动日期", "会籍变化时间"), 12,
              "入会、转入、保留、转出的日期，如 2011-05-01。", "2011-05-01"),
        Field("membership_reason", "会籍变化原因", Choice(codes.MEMBERSHIP_REASON), False, ("会籍变动原因",), 16,
              "保留、转出、除名、退会时从下拉列表选择；入会可不填。", "劳动（工作）关系发生变化"),
        REMARK,
    ),
)

AID = Register(
    key="aid",
    sheet="帮扶台账",
    title="困难职工帮扶台账",
    description="每发放一笔帮扶一行（同一人多次帮扶填多行）。受助人应在会员名册中；金额以元为单位，保留两位小数。",
    sheet_synonyms=("困难职工帮扶台账", "帮扶登记", "帮扶明细"),
    checks=("in-roster", "in-period"),
    cross_village=((PERSON_ID, "aid-in-two-villages"),),
    fields=(
        SEQ,
        Field("name", "姓名", Text(30), True, ("受助人", "受助人姓名", "帮扶对象"), 10, "受助人姓名。", "龙海军", role=PERSON_NAME),
        Field("id_number", "身份证号", IdNumber(), True, ("身份证号码", "受助人身份证号", "公民身份号码"), 21, ID_HINT,
              "433101197802110014", role=PERSON_ID),
        Field("hardship", "困难类别", Choice(codes.HARDSHIP), True, ("困难类型", "类别"), 12, "从下拉列表选择。", "低保户"),
        Field("cause", "主要致困原因", Choice(codes.HARDSHIP_CAUSE), True, ("致困原因", "困难原因"), 16,
              "从下拉列表选择主要原因。", "患重特大疾病"),
        Field("aid_type", "帮扶类型", Choice(codes.AID_TYPE), True, ("帮扶方式", "救助类型", "帮扶项目", "帮扶内容", "救助方式"), 12, "从下拉列表选择。", "生活救助"),
        Field("aid_date", "帮扶日期", Date(), True, ("发放日期", "日期", "帮扶时间", "发放时间"), 12, "实际发放日期，如 2012-01-18。", "2012-01-18", role=PERIOD_DATE),
        Field("amount", "金额(元)", Money(), True, ("金额", "帮扶金额", "金额（元）", "发放金额", "救助金额", "慰问金额"), 12,
              "以元为单位，最多两位小数，不小于 0。", "500.00", role=MONEY),
        Field("fund_source", "资金来源", Choice(codes.FUND_SOURCE), True, (), 13, "从下拉列表选择。", "上级工会拨款"),
        Field("payment", "发放方式", Choice(codes.PAYMENT), True, (), 10, "从下拉列表选择。", "银行转账"),
        Field("handler", "经办人", Text(20), True, (), 9, "经办人姓名。", "张三", prefilled=True),
        Field("single_parent", "是否单亲", Choice(codes.YES_NO), False, ("单亲",), 9, "单亲职工选“是”。", "否", prefilled=True),
        REMARK,
    ),
)

CASES = Register(
    key="cases",
    sheet="维权案件",
    title="维权案件登记",
    description="每受理一起案件一行。结案日期不早于受理日期；追回金额一般不超过诉求金额；办理中的案件结案日期留空。",
    sheet_synonyms=("维权案件登记", "维权案件登记表", "维权台账"),
    checks=("in-roster", "in-period", "case-dates", "recovered-vs-claimed"),
    fields=(
        SEQ,
        Field("accept_date", "受理日期", Date(), True, ("受理时间", "登记日期"), 12, "如 2012-03-05。", "2012-03-05", role=(OPENED, PERIOD_DATE)),
        Field("applicant", "申请人姓名", Text(30), True, ("申请人", "当事人", "姓名"), 10, "提出维权申请的职工姓名。", "石光明", role=PERSON_NAME),
        Field("applicant_id", "申请人身份证号", IdNumber(), True, ("身份证号", "身份证号码"), 21, ID_HINT,
              "433101198811230039", role=PERSON_ID),
        Field("phone", "联系电话", Phone(), False, ("手机号码", "电话", "手机"), 14, "申请人联系电话。", "13974361234", role=PHONE),
        Field("respondent", "被申请单位", Text(60), True, ("被申请人", "用人单位", "被诉单位", "被投诉单位", "用人单位名称"), 26, "单位全称。",
              "吉首市某某建筑劳务有限公司"),
        Field("credit_code", "统一社会信用代码", CreditCode(), False, ("信用代码", "社会信用代码"), 21,
              "18 位统一社会信用代码，不清楚可不填。", "91433101MA4L0XXXX1"),
        Field("case_type", "案件类型", Choice(codes.CASE_TYPE), True, ("案由", "类型", "案件类别", "纠纷类型"), 14, "从下拉列表选择。", "追索劳动报酬"),
        Field("people", "涉及人数", Integer(minimum=1), True, ("涉及职工人数", "人数"), 9, "本案涉及的职工人数，至少 1。", "3"),
        Field("claimed", "诉求金额(元)", Money(), False, ("诉求金额", "诉求金额（元）", "标的金额", "涉案金额"), 13,
              "职工主张的金额，元，最多两位小数。", "6000.00",
              role=(CLAIMED, MONEY)),
        Field("method", "处理方式", Choice(codes.CASE_METHOD), True, (), 10, "从下拉列表选择。", "调解"),
        Field("result", "处理结果", Choice(codes.CASE_RESULT), True, ("办理结果", "结果"), 10, "从下拉列表选择。", "调解成功", role=OUTCOME),
        Field("recovered", "追回金额(元)", Money(), False, ("追回金额", "追回金额（元）", "挽回金额", "挽回经济损失"), 13,
              "实际追回的金额，元；未追回填 0。", "6000.00",
              role=(RECOVERED, MONEY)),
        Field("close_date", "结案日期", Date(), False, ("结案时间", "办结日期"), 12, "办结日期；办理中的案件留空。", "2012-03-20", role=CLOSED),
        Field("handler", "经办人", Text(20), True, (), 9, "经办人姓名。", "张三", prefilled=True),
        REMARK,
    ),
)


REGISTERS = Registry(MEMBERS, AID, CASES, ACTIVITIES, ORGANISATIONS)
