"""The types the schema is made of: a field's role, a field, a register, the registry of registers,
and the fields every register shares (序号, 备注). The registers themselves are in
:mod:`unionxl.schema.registers` (cover, members, aid, cases) and :mod:`unionxl.schema.work`
(activities, organisations)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum

from .fields import FieldType, Integer, Text


class Role(Enum):
    """What a field means, for the checks that need it (they find fields by role, never by key)."""

    PERSON_ID = "person id"  # 身份证号 of the person the row is about
    PERSON_NAME = "person name"  # that person's name
    SEX = "sex"
    BIRTH_DATE = "birth date"
    JOIN_DATE = "join date"  # 入会时间: the person was at least 16
    PERIOD_DATE = "period date"  # the date that must fall in the cover's report period
    MONEY = "money"
    PHONE = "phone"
    OPENED = "opened"  # a case's 受理日期
    CLOSED = "closed"  # its 结案日期
    OUTCOME = "outcome"  # its 处理结果 (办理中 while open)
    CLAIMED = "claimed"  # the amount asked for
    RECOVERED = "recovered"  # the amount got back (not more than claimed)
    KIND = "kind"  # what sort of row it is (活动类型, 组织类型): counts that belong to some kinds only
    HEADCOUNT = "headcount"  # the people a row counts (参加人数, 职工人数): the whole of its 其中 parts
    WOMEN = "women"  # 其中女职工: not more than the headcount
    MEMBER_COUNT = "member count"  # 会员人数: as a rule not more than the headcount
    WOMEN_MEMBERS = "women members"  # 其中女会员: not more than the member count
    COVERED = "covered"  # 集体合同覆盖职工: as a rule not more than the headcount
    CONTRACT = "contract"  # 是否签订集体合同 (是/否)
    CREDIT_CODE = "credit code"  # 统一社会信用代码 of the organisation the row is about


PERSON_ID, PERSON_NAME, SEX, BIRTH_DATE, JOIN_DATE, PERIOD_DATE, MONEY, PHONE = (
    Role.PERSON_ID, Role.PERSON_NAME, Role.SEX, Role.BIRTH_DATE, Role.JOIN_DATE, Role.PERIOD_DATE, Role.MONEY, Role.PHONE)
OPENED, CLOSED, OUTCOME, CLAIMED, RECOVERED = Role.OPENED, Role.CLOSED, Role.OUTCOME, Role.CLAIMED, Role.RECOVERED
KIND, HEADCOUNT, WOMEN, MEMBER_COUNT, WOMEN_MEMBERS, COVERED, CONTRACT, CREDIT_CODE = (
    Role.KIND, Role.HEADCOUNT, Role.WOMEN, Role.MEMBER_COUNT, Role.WOMEN_MEMBERS, Role.COVERED, Role.CONTRACT,
    Role.CREDIT_CODE)


@dataclass(frozen=True)
class Field:
    key: str  # English identifier, stable across template versions
    label: str  # Chinese column header as the template writes it
    type: FieldType
    required: bool = False
    synonyms: tuple[str, ...] = ()  # other headers villages use for the same column
    width: float = 12
    hint: str = ""
    example: str = ""
    prefilled: bool = False  # templates fill it in advance (序号, 所属工会…): a value here alone makes no row
    role: Role | tuple[Role, ...] = ()  # what it means, for the checks (a case's 受理日期 is opened and period date)
    kinds: tuple[str, ...] = ()  # a count filled only on rows of these kinds (the ``KIND`` field's labels)

    @property
    def roles(self) -> tuple[Role, ...]:
        return self.role if isinstance(self.role, tuple) else (self.role,)

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


@dataclass(frozen=True)
class Register:
    key: str
    sheet: str  # sheet name in the template
    title: str  # one line for 填表说明
    description: str
    fields: tuple[Field, ...]
    sheet_synonyms: tuple[str, ...] = ()
    checks: tuple[str, ...] = ()  # names of the row checks that run on it (``unionxl.checks.units``), in order
    cross_village: tuple[tuple[Role, str], ...] = ()  # (role, finding code): the same value in two villages
    roster: bool = False  # the register of the village's members, which others' people must be in
    since: int = 1  # the template version that brought it: a workbook without its sheet is older, not wrong

    @property
    def optional(self) -> bool:
        """A workbook may lack its sheet (one made from a template older than the register)."""
        return self.since > 1

    def field(self, key: str) -> Field:
        return next(f for f in self.fields if f.key == key)

    def by_role(self, role: Role) -> Field | None:
        """The first field that has ``role``; None when the register has none."""
        return next((f for f in self.fields if role in f.roles), None)

    def has(self, *roles: Role) -> bool:
        return all(self.by_role(r) is not None for r in roles)

    @property
    def sheet_names(self) -> tuple[str, ...]:
        return (self.sheet, *self.sheet_synonyms)


SEQ = Field("seq", "序号", Integer(minimum=1), width=6, hint="从 1 开始的顺序号，可不填。", example="1", prefilled=True)
REMARK = Field("remark", "备注", Text(200), width=20, hint="其他需要说明的情况。")
ID_HINT = "18 位居民身份证号，末位 X 大写。本列已设为文本格式，请勿改为数字，否则后几位会变成 0。"


class Registry:
    """The registers a village workbook holds, in order. Iterates and compares like a tuple; a test adds
    a register for a while with :meth:`added`. Nothing may build tables from it at import: read it
    when used (and cache by register object if speed needs it)."""

    def __init__(self, *registers: Register) -> None:
        self._registers = list(registers)

    def __iter__(self) -> Iterator[Register]:
        return iter(tuple(self._registers))

    def __len__(self) -> int:
        return len(self._registers)

    def __getitem__(self, i: int) -> Register:
        return self._registers[i]

    def __contains__(self, register: object) -> bool:
        return register in self._registers

    def __eq__(self, other: object) -> bool:
        return tuple(self) == (tuple(other) if isinstance(other, (Registry, tuple, list)) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Registry({', '.join(r.key for r in self._registers)})"

    def get(self, key: str) -> Register | None:
        return next((r for r in self._registers if r.key == key), None)

    @property
    def roster(self) -> Register | None:
        """The register of members (``roster=True``), if there is one."""
        return next((r for r in self._registers if r.roster), None)

    @contextmanager
    def added(self, register: Register) -> Iterator[Register]:
        """``register`` is one of the registers inside the block (after the others), for a test."""
        if self.get(register.key) is not None:
            raise ValueError(f"a register {register.key!r} is there already")
        self._registers.append(register)
        try:
            yield register
        finally:
            self._registers.remove(register)
