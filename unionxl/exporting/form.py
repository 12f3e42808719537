"""An upstream form's layout, read from its file (``forms/<name>.toml``): title rows, the header row,
and per column where its value comes from, its format, whether it is required and its code map.

A form is data: another province's form is one more file (in :data:`FORMS`, or given by its path),
never new code. A file that says something this module cannot do is refused with one Chinese line
(:class:`FormError`) naming the file and the column.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..schema.registers import MEMBERS

FORMS = Path(__file__).with_name("forms")
DERIVED = ("seq", "birth_date")  # 序号 1, 2, 3 …; the 出生日期 field, else the ID number's
FORMATS = {"yyyy/MM/dd": "%Y/%m/%d", "yyyy-MM-dd": "%Y-%m-%d", "yyyyMMdd": "%Y%m%d"}
KINDS = ("id",)  # an 18-digit ID number


class FormError(UserError):
    """A form file that cannot be used (missing, not TOML, or a column this module cannot fill)."""


@dataclass(frozen=True)
class Column:
    header: str
    fields: tuple[str, ...] = ()  # roster field keys: the first one filled gives the value
    value: str | None = None  # a constant
    derived: str | None = None  # one of DERIVED
    format: str | None = None  # one of FORMATS: dates written as text in that form
    kind: str | None = None  # one of KINDS
    required: bool = False
    choices: tuple[str, ...] = ()  # the form's list (its drop-down)
    map: dict[str, str] = field(default_factory=dict)  # our label -> the form's label
    width: float = 12

    @property
    def coded(self) -> bool:
        return bool(self.choices or self.map)


@dataclass(frozen=True)
class Form:
    name: str
    title: str
    sheet: str
    header_row: int
    rows: tuple[tuple[str, ...], ...]  # the lines above the header (title, 填表单位 …)
    columns: tuple[Column, ...]
    path: Path

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def available() -> list[str]:
    """The names of the bundled forms."""
    return sorted(p.stem for p in FORMS.glob("*.toml"))


def find(name: str | Path) -> Form:
    """The bundled form called ``name``, or the form file at that path."""
    path = Path(name)
    if not (path.suffix == ".toml" and path.is_file()):
        path = FORMS / f"{name}.toml"
        if not path.is_file():
            raise FormError(f"没有名为“{name}”的表式。可用的表式：{'、'.join(available())}"
                            "（或给出表式文件 .toml 的路径）。")
    return load(path)


def load(path: Path) -> Form:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise FormError(f"表式文件 {path.name} 无法读取：{exc}") from None
    try:
        columns = tuple(_column(c) for c in data["columns"])
        header_row = int(data.get("header_row", 1))
        rows = tuple(tuple(str(v) for v in row) for row in data.get("rows", ()))
        form = Form(str(data.get("name", path.stem)), str(data.get("title", path.stem)),
                    str(data.get("sheet", path.stem))[:31], header_row, rows, columns, path)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise FormError(f"表式文件 {path.name} 有误：{_why(exc)}") from None
    if header_row < 1 or len(rows) >= header_row or not columns:
        raise FormError(f"表式文件 {path.name} 有误：表头行 header_row 须在标题行（rows）之后，且至少有一列。")
    return form


def _why(exc: Exception) -> str:
    return f"缺少 {exc}" if isinstance(exc, KeyError) else str(exc)


def _column(data: dict[str, Any]) -> Column:
    header = str(data["header"])
    fields = data.get("field", ())
    fields = (fields,) if isinstance(fields, str) else tuple(fields)
    sources = sum(1 for s in (fields, data.get("value"), data.get("derived")) if s)
    if sources != 1:
        raise ValueError(f"列“{header}”须有且只有一个来源（field、value 或 derived）")
    known = {f.key for f in MEMBERS.fields}
    unknown = [k for k in fields if k not in known]
    if unknown:
        raise ValueError(f"列“{header}”的 field {'、'.join(unknown)} 不是会员名册的字段")
    for key, allowed in (("derived", DERIVED), ("format", tuple(FORMATS)), ("kind", KINDS)):
        if data.get(key) is not None and data[key] not in allowed:
            raise ValueError(f"列“{header}”的 {key} 只能是 {'、'.join(allowed)}")
    choices = tuple(str(c) for c in data.get("choices", ()))
    mapping = {str(k): str(v) for k, v in dict(data.get("map", {})).items()}
    outside = sorted(set(mapping.values()) - set(choices)) if choices else []
    if outside:
        raise ValueError(f"列“{header}”的 map 中 {'、'.join(outside)} 不在 choices 里")
    value = data.get("value")
    return Column(header, fields, None if value is None else str(value), data.get("derived"), data.get("format"),
                  data.get("kind"), bool(data.get("required", False)), choices, mapping, float(data.get("width", 12)))
