"""What is in the township's inbox: the workbooks to read, and every other file with what it is.

Folders are read with their sub-folders; lock files, PDF, Word files, pictures and unionxl's own
outputs (by their mark) are set aside, each with a Chinese reason, so a village that sent the
wrong kind of file is noticed.
"""

from __future__ import annotations

from pathlib import Path

from ..writing import marks
from .safety import SUFFIXES
from ..writing.xlsxio import TEMP_PREFIX

OTHER_KINDS = {".pdf": "PDF 文件", ".doc": "Word 文档", ".docx": "Word 文档", ".wps": "WPS 文字文档",
               ".jpg": "图片", ".jpeg": "图片", ".png": "图片", ".gif": "图片", ".bmp": "图片", ".heic": "图片",
               ".zip": "压缩包", ".rar": "压缩包", ".7z": "压缩包", ".csv": "CSV 文本", ".txt": "文本文件",
               ".ppt": "PowerPoint 文档", ".pptx": "PowerPoint 文档", ".html": "网页", ".htm": "网页"}


def skip_reason(path: Path) -> str:
    """Why a file found in a folder is not read (Chinese); a village that sent a PDF must be noticed."""
    kind = OTHER_KINDS.get(path.suffix.lower())
    what = f"这是{' ' if kind[0].isascii() else ''}{kind}" if kind else "不是 Excel 工作簿（.xlsx/.xlsm/.xls/.ods/.et）"
    return f"{what}，已跳过；如是村里报来的，请让村里发送 Excel 报表"


def scan(inputs: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to read, and files that were skipped (with the reason).

    Files named directly are always read. Folders are read with their sub-folders (补报/, one folder
    per village), workbooks in name order, each folder's files before its sub-folders'; Excel/WPS lock
    files ``~$…`` and other files are skipped. Workbooks unionxl wrote itself (township workbook,
    summary, an annotated copy whose original is in the batch) are set aside by their mark.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for item in inputs:
        if not item.is_dir():
            files.append(item)
            continue
        for p in _walk(item, skipped):
            if p.name.startswith(TEMP_PREFIX):
                continue
            if p.name.startswith("~$") or p.name.startswith(".~lock."):
                skipped.append((p, "Excel/WPS 打开文件时留下的临时锁文件，已跳过"))
            elif p.suffix.lower() in SUFFIXES:
                files.append(p)
            else:
                skipped.append((p, skip_reason(p)))
    files, own = marks.sort_out(files)
    return files, skipped + own


def _walk(folder: Path, skipped: list[tuple[Path, str]]) -> list[Path]:
    """The files of ``folder`` in name order, then those of its sub-folders (hidden ones and links left
    out); a folder that cannot be listed is noted in ``skipped``."""
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        skipped.append((folder, "这个文件夹无法打开（没有权限？），其中的文件未读取"))
        return []
    found = [p for p in entries if p.is_file()]
    for sub in entries:
        if sub.is_dir() and not sub.is_symlink() and not sub.name.startswith("."):
            found += _walk(sub, skipped)
    return found


def folders(inputs: list[Path], files: list[Path]) -> list[tuple[Path, int]]:
    """(sub-folder, workbooks read from it) for the sub-folders of the given folders that held workbooks."""
    roots = [p for p in inputs if p.is_dir()]
    counts: dict[Path, int] = {}
    for f in files:
        if any(f.parent != root and root in f.parents for root in roots):
            counts[f.parent] = counts.get(f.parent, 0) + 1
    return list(counts.items())
