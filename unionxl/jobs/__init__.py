"""The service layer: every workflow a door offers, one function each (:mod:`unionxl.jobs.workflows`).

    from unionxl import jobs

    merged = jobs.merge(["收到的报表"], "乡镇汇总.xlsx", villages="村名单.xlsx")
    print(merged.tally(), merged.members, merged.township)

Jobs: :func:`receive`, :func:`validate`, :func:`merge`, :func:`summarise`, :func:`write_templates`, :func:`demo`,
:func:`excel_workbook`, :func:`compare`, :func:`export_form`; results in :mod:`unionxl.jobs.results`; every refusal a
:class:`~unionxl.errors.UserError`. The names are loaded on first use: the merge stage imports
:mod:`unionxl.jobs.batch`, so this package must not import the jobs (and so the merge) eagerly.
"""

from __future__ import annotations

import importlib
from typing import Any

_NAMES = {"receive": "workflows", "validate": "workflows", "merge": "workflows", "summarise": "workflows", "write_templates": "workflows",
          "demo": "workflows", "excel_workbook": "workflows", "Checked": "results", "Merged": "results",
          "Summarised": "results", "Received": "results", "Written": "results", "Demo": "results", "UserError": "errors",
          "Reporter": "workflows", "compare": "workflows", "Compared": "results", "export_form": "workflows",
          "forms": "workflows", "Exported": "results"}

__all__ = sorted(_NAMES)


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)

