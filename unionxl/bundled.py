"""Where the bundled workbooks (template, examples) are: in the installed package, or the checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _folder(name: str) -> Path:
    """A top-level folder of the checkout, which a wheel carries inside the package."""
    installed = _PACKAGE / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def workbooks_dir() -> Path:
    return _folder("workbooks")


def macros_dir() -> Path:
    """The committed VBA modules (``.bas``) behind the Excel buttons."""
    return _folder("macros")


def examples_dir() -> Path:
    return workbooks_dir() / "examples"


VILLAGE_LIST = "寨阳乡村名单.xlsx"
TEMPLATE_NAME = "村工会报表模板.xlsx"  # the village template (writing/template.py makes it from the schema)
WORKBOOK_NAME = "乡镇工会汇总.xlsm"  # the macro-enabled workbook with the buttons (doors/excelbook.py)


def village_list() -> Path:
    """The bundled list of 寨阳乡's villages (names and codes)."""
    return workbooks_dir() / VILLAGE_LIST


def summary_template() -> Path:
    """The bundled township summary template (乡镇汇总模板.xlsx)."""
    return workbooks_dir() / "乡镇汇总模板.xlsx"


def village_template() -> Path:
    """The committed village template (a test keeps it equal to what the schema makes, but for its
    save time)."""
    return workbooks_dir() / TEMPLATE_NAME
