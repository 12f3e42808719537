"""Code lists behind the template's drop-downs and the validator's choice checks.

Each list is ``(code, label, aliases)``. National standards where one exists (GB/T 3304 民族,
GB/T 4762 政治面貌, GB/T 4658 学历, GB/T 2261.1 性别); the rest follow common union practice.
The label is what the template offers and what unionxl writes; code and aliases are
accepted on input.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    code: str
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeList:
    key: str  # English identifier
    name: str  # Chinese name; also the template's defined name "代码_<name>"
    entries: tuple[Entry, ...]

    @property
    def labels(self) -> list[str]:
        return [e.label for e in self.entries]

    @property
    def defined_name(self) -> str:
        return f"代码_{self.name}"


def _plain(key: str, name: str, labels: str, aliases: dict[str, tuple[str, ...]] | None = None) -> CodeList:
    """A list numbered 1..n from a space-separated string of labels."""
    aliases = aliases or {}
    return CodeList(
        key,
        name,
        tuple(
            Entry(f"{i:02d}", label, aliases.get(label, ()))
            for i, label in enumerate(labels.split(), start=1)
        ),
    )


_ETHNIC = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 "
    "东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 "
    "俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()

ETHNICITY = CodeList(
    "ethnicity",
    "民族",
    tuple(Entry(f"{i:02d}", f"{n}族", (n,)) for i, n in enumerate(_ETHNIC, start=1)),
)

SEX = CodeList("sex", "性别", (Entry("1", "男", ("男性",)), Entry("2", "女", ("女性",))))

YES_NO = CodeList(
    "yes_no",
    "是否",
    (Entry("1", "是", ("Y", "YES", "√", "✓", "有")), Entry("0", "否", ("N", "NO", "×", "✗", "无"))),
)

POLITICAL = CodeList(
    "political",
    "政治面貌",
    (
        Entry("01", "中共党员", ("党员", "中国共产党党员")),
        Entry("02", "中共预备党员", ("预备党员",)),
        Entry("03", "共青团员", ("团员",)),
        Entry("04", "民革党员", ("民革",)),
        Entry("05", "民盟盟员", ("民盟",)),
        Entry("06", "民建会员", ("民建",)),
        Entry("07", "民进会员", ("民进",)),
        Entry("08", "农工党党员", ("农工党",)),
        Entry("09", "致公党党员", ("致公党",)),
        Entry("10", "九三学社社员", ("九三学社",)),
        Entry("11", "台盟盟员", ("台盟",)),
        Entry("12", "无党派人士", ("无党派", "无党派民主人士")),
        Entry("13", "群众", ("普通群众",)),
    ),
)

EDUCATION = CodeList(
    "education",
    "学历",
    (
        Entry("11", "博士研究生", ("博士",)),
        Entry("14", "硕士研究生", ("硕士", "研究生", "10")),  # 10 研究生 (the group code) reads as 硕士
        Entry("20", "大学本科", ("本科",)),
        Entry("30", "大学专科", ("大专", "专科")),
        Entry("41", "中等专科", ("中专",)),
        Entry("44", "职业高中", ("职高",)),
        Entry("47", "技工学校", ("技校",)),
        Entry("60", "普通高中", ("高中",)),
        Entry("70", "初中", ("初级中学",)),
        Entry("80", "小学", ("小学及以下",)),
        Entry("90", "其他", ("文盲", "半文盲")),
    ),
)

HUKOU = _plain("hukou", "户籍类型", "农业 非农业 农转居", {"农业": ("农村",), "非农业": ("城镇", "非农")})

EMPLOYMENT = _plain(
    "employment",
    "就业状态",
    "在岗 下岗待岗 失业无业 退休 病休 内退 灵活就业",
    {"下岗待岗": ("下(待)岗", "待(下)岗", "下岗", "待岗"), "失业无业": ("失(无)业", "失业", "无业"),
     "内退": ("退养(内退)", "退养")},  # the provincial member form writes 待（下）岗, 退养（内退）
)

MEMBERSHIP = _plain(
    "membership", "会籍状态", "正常 保留会籍 已转出 已退会", {"正常": ("在册", "入会", "转入"), "保留会籍": ("保留",), "已转出": ("转出",), "已退会": ("退会", "除名")},
    # the provincial form's 会籍变化类型 (入会/转入/保留/转出/除名/退会) read as the state it leaves
)

TECH_GRADE = _plain(
    "tech_grade", "技术等级", "无 初级工 中级工 高级工 技师 高级技师",
    {"无": ("没有", "无等级"), "初级工": ("五级", "职业资格五级", "职业资格五级(初级)", "初级"),
     "中级工": ("四级", "职业资格四级", "职业资格四级(中级)", "中级"),
     "高级工": ("三级", "职业资格三级", "职业资格三级(高级)", "高级"),
     "技师": ("二级", "职业资格二级", "职业资格二级(技师)"), "高级技师": ("一级", "职业资格一级", "职业资格一级(高级技师)")},
)  # the provincial member form writes 职业资格一级（高级技师）…五级（初级）

MEMBERSHIP_CHANGE = _plain(
    "membership_change", "会籍变化类型", "入会 转入 保留 转出 除名 退会",
    {"保留": ("保留会籍",), "转出": ("已转出",), "退会": ("已退会",), "入会": ("新入会",)},
)

MEMBERSHIP_REASON = _plain(
    "membership_reason", "会籍变化原因", "劳动（工作）关系发生变化 在本单位下岗后待岗 失业 所在企业破产 个人要求退会 因犯罪被开除会籍",
    {"劳动（工作）关系发生变化": ("劳动关系发生变化", "工作关系发生变化", "工作调动"), "在本单位下岗后待岗": ("下岗待岗",),
     "所在企业破产": ("企业破产",), "个人要求退会": ("个人申请退会",), "因犯罪被开除会籍": ("开除会籍",)},
)

HARDSHIP = _plain("hardship", "困难类别", "低保户 低保边缘户 意外致困户 困难大学生",
                  {"低保户": ("低保",), "低保边缘户": ("低保边缘",), "意外致困户": ("意外致困",),
                   "困难大学生": ("困难学生", "贫困大学生")})

HARDSHIP_CAUSE = _plain(
    "hardship_cause",
    "致困原因",
    "无劳动能力 有劳动能力未就业 下岗失业 未参加社保 社保待遇落实不到位 患重特大疾病 自然灾害 意外事故 子女上学 其他",
    {"患重特大疾病": ("重病", "大病"), "子女上学": ("子女就学",)},
)

AID_TYPE = _plain(
    "aid_type",
    "帮扶类型",
    "生活救助 医疗救助 子女助学 法律援助 创业就业服务 节日慰问 其他",
    {"子女助学": ("助学", "金秋助学", "助学金"), "节日慰问": ("慰问", "送温暖", "春节慰问"),
     "生活救助": ("生活补助",), "医疗救助": ("医疗补助",)},
)

FUND_SOURCE = _plain("fund_source", "资金来源", "上级工会拨款 本级工会经费 财政资金 社会捐赠 其他", {"社会捐赠": ("社会捐助", "捐款"), "上级工会拨款": ("上级拨款",),
                                                                                    "本级工会经费": ("工会经费",), "财政资金": ("财政拨款",)})

PAYMENT = _plain("payment", "发放方式", "银行转账 现金 实物 其他", {"银行转账": ("转账", "打卡", "银行卡", "一卡通"), "现金": ("现金发放",)})

CASE_TYPE = _plain(
    "case_type",
    "案件类型",
    "追索劳动报酬 劳动合同纠纷 确认劳动关系 经济补偿金 工伤保险待遇 社会保险纠纷 集体合同 其他",
    {"追索劳动报酬": ("欠薪", "讨薪", "追索劳动报酬(欠薪)", "拖欠工资", "工资纠纷", "欠薪纠纷"),
     "工伤保险待遇": ("工伤", "工伤赔偿"), "社会保险纠纷": ("社保纠纷",), "劳动合同纠纷": ("劳动合同",),
     "经济补偿金": ("经济补偿",)},
)

CASE_METHOD = _plain("case_method", "处理方式", "协商 调解 仲裁 诉讼 法律援助 转办 其他", {"仲裁": ("劳动仲裁",)})

CASE_RESULT = _plain(
    "case_result",
    "处理结果",
    "调解成功 调解不成 撤回 转仲裁 转诉讼 办理中",
    {"办理中": ("未结", "在办", "处理中", "正在办理", "正在处理", "未结案"), "调解成功": ("已调解",),
     "调解不成": ("调解不成功", "调解失败"), "撤回": ("撤诉", "撤销"), "转诉讼": ("起诉",)},
)

ACTIVITY_TYPE = _plain(
    "activity_type",
    "活动类型",
    "就业培训 就业信息发布 就业安置 技能培训/竞赛 文体活动 学习考察 健康体检 走访慰问 法律宣传 公益捐款 其他",
    {"就业培训": ("就业技能培训", "转移就业培训", "农民工培训", "职业培训"),
     "就业信息发布": ("发布就业信息", "就业信息", "招聘信息", "信息发布", "招聘会"),
     "就业安置": ("安置就业", "就业推荐", "推荐就业", "安置"),
     "技能培训/竞赛": ("技能培训", "技能竞赛", "岗位练兵", "劳动竞赛", "技术比武"),
     "文体活动": ("文艺活动", "体育活动", "文化活动", "文体比赛", "文艺汇演", "艺术节"),
     "学习考察": ("考察学习", "外出考察", "参观学习"), "健康体检": ("体检", "职工体检", "妇科普查"),
     "走访慰问": ("慰问", "走访", "节日慰问", "送温暖"), "法律宣传": ("普法宣传", "法律法规宣传", "维权宣传", "普法"),
     "公益捐款": ("捐款", "献爱心", "募捐", "爱心捐款", "捐赠")},
)

ORG_TYPE = _plain(
    "org_type",
    "组织类型",
    "村级工会联合会 企业工会 行业工会联合会 联合基层工会 社区工会 乡镇（街道）工会 其他",
    {"村级工会联合会": ("村工会联合会", "村级工会", "村工会", "村联合工会"),
     "企业工会": ("单位工会", "独立基层工会", "公司工会"), "行业工会联合会": ("行业工会", "行业联合会"),
     "联合基层工会": ("联合工会", "区域性联合工会"), "社区工会": ("社区工会联合会",),
     "乡镇（街道）工会": ("乡镇工会", "街道工会", "乡工会", "镇工会", "工会工作委员会", "乡镇工会工作委员会")},
)

ALL: tuple[CodeList, ...] = (
    SEX,
    ETHNICITY,
    POLITICAL,
    EDUCATION,
    HUKOU,
    YES_NO,
    EMPLOYMENT,
    MEMBERSHIP,
    TECH_GRADE,
    MEMBERSHIP_CHANGE,
    MEMBERSHIP_REASON,
    HARDSHIP,
    HARDSHIP_CAUSE,
    AID_TYPE,
    FUND_SOURCE,
    PAYMENT,
    CASE_TYPE,
    CASE_METHOD,
    CASE_RESULT,
    ACTIVITY_TYPE,
    ORG_TYPE,
)
