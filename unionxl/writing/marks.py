"""The mark unionxl puts on every workbook it writes, so that its own outputs are known in an inbox.

A custom document property ``unionxl输出`` says what the file is (乡镇汇总 township workbook,
汇总表 summary, 已标注 annotated copy); an annotated copy also records ``unionxl原文件SHA256``,
the hash of the file it was made from. Recognised by the mark, never by the file name.
Reading is defensive: a missing, empty or broken ``docProps/custom.xml`` is no mark.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

KIND = "unionxl输出"
SOURCE = "unionxl原文件SHA256"
TOWNSHIP, SUMMARY, ANNOTATED = "乡镇汇总", "汇总表", "已标注"
CHANGES = "变动情况"  # unionxl compare's workbook
EXPORTED = "上报表"  # a form for an upstream system (unionxl export)
MERGED = (TOWNSHIP, "县级汇总", "市级汇总", "省级汇总")  # merged workbooks of each level (merging.levels.KINDS)
MAX_XML = 1024 * 1024  # docProps/custom.xml of a real workbook is a few hundred bytes


@dataclass(frozen=True)
class Mark:
    kind: str
    source: str = ""  # sha256 of the original (annotated copies)


def properties(path: str | Path) -> dict[str, str]:
    """The custom document properties of an .xlsx/.xlsm (name -> text); {} for anything else or when broken."""
    try:
        with zipfile.ZipFile(path) as z, z.open("docProps/custom.xml") as f:
            xml = f.read(MAX_XML + 1)
        if len(xml) > MAX_XML:
            return {}
        from defusedxml import ElementTree  # imported where a file carries custom properties

        root = ElementTree.fromstring(xml)
        return {prop.get("name"): "".join(prop.itertext()).strip() for prop in root if prop.get("name")}
    except Exception:  # not a zip, no custom.xml, empty or broken XML, entity declarations
        return {}


def read(path: str | Path) -> Mark | None:
    props = properties(path)
    return Mark(props[KIND], props.get(SOURCE, "")) if props.get(KIND) else None


def sha256(path: str | Path) -> str:
    import hashlib  # OpenSSL's bindings: only where a copy is marked

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def mark_openpyxl(wb, kind: str, source: str = "") -> None:
    """Mark an openpyxl workbook (annotated copy), replacing an older unionxl mark it may carry."""
    from openpyxl.packaging.custom import StringProperty  # only where openpyxl is in use already

    props = wb.custom_doc_props
    for name in (KIND, SOURCE):
        if name in props.names:
            del props[name]
    props.append(StringProperty(name=KIND, value=kind))
    if source:
        props.append(StringProperty(name=SOURCE, value=source))


def sort_out(files: list[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files of a batch that are village submissions, and unionxl's own outputs set aside (with why).

    A township workbook or summary is skipped. An annotated copy is skipped when the file it was
    made from is in the batch; otherwise it is the village's resubmission (villages fix the marked
    copy and send it back) and is read like any submission."""
    found = {p: read(p) for p in files}
    if not any(found.values()):
        return files, []
    sources = {m.source for m in found.values() if m and m.kind == ANNOTATED and m.source}
    originals = {sha256(p): p for p, m in found.items() if m is None} if sources else {}
    kept: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for p, m in found.items():
        if m is None:
            kept.append(p)
        elif m.kind in MERGED:
            skipped.append((p, f"这是 unionxl 生成的{m.kind}工作簿，不是村报表，已跳过"
                               "（汇总工作簿多于其他工作簿时才合并它们，见 README 县级汇总）"))
        elif m.kind == SUMMARY:
            skipped.append((p, "这是 unionxl 生成的汇总表，不是村报表，已跳过"))
        elif m.kind == CHANGES:
            skipped.append((p, "这是 unionxl compare 生成的变动情况，不是村报表，已跳过"))
        elif m.kind == EXPORTED:
            skipped.append((p, "这是 unionxl 导出的上报表（会员信息采集表等），不是村报表，已跳过"))
        elif m.kind == ANNOTATED and m.source in originals:
            skipped.append((p, f"这是 {originals[m.source].name} 的标注副本，原文件也在其中，已跳过"))
        else:
            kept.append(p)  # a marked copy sent back: the village's resubmission
    return kept, skipped
