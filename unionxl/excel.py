"""The module the Excel buttons name (``RunPython "import unionxl.excel as x; x.merge()"``).

Macro workbooks keep this name inside them, so it stays; the buttons live in :mod:`unionxl.doors.excel`.
"""

from .doors.excel import merge, open_issues, summary, validate

__all__ = ["merge", "open_issues", "summary", "validate"]
