"""A workbook package: a base workbook copied part for part, plus worksheets streamed in.

:class:`Package` reads a base .xlsx (any workbook: the filled summary, or a minimal one when
there is none) and :meth:`Package.write` copies it into a new zip with ``zipfile`` (deflate level
1; the new sheets' by ISA-L when installed, :func:`.parallel.deflater`), appending :class:`NewSheet`
worksheets streamed row by row (:mod:`.sheetxml`): their styles go into the base's ``styles.xml``,
their ``<sheet>`` entries, relationships, content types and defined names (print titles, autofilter
ranges) into the base's parts, which are edited as text so that every namespace prefix and
extension they carry survives. The unionxl mark (:mod:`.marks`) and the title are replaced.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from defusedxml import ElementTree

from . import marks
from ..checks.findings import column_letter
from .parallel import Ahead, Behind, fast_member
from .sheetxml import Layout, SheetStream
from .styles import DATE_FORMAT, MAIN, Style, Styles, escape

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CUSTOM_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = f"{REL}/custom-properties"
VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

SKELETON = {  # the base when there is no summary: a workbook with no sheets yet
    "[Content_Types].xml": _XML + (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'),
    "_rels/.rels": _XML + (
        f'<Relationships xmlns="{PKG_REL}">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
        'core-properties" Target="docProps/core.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'),
    "xl/workbook.xml": _XML + (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><bookViews><workbookView activeTab="0"/></bookViews>'
        "<sheets></sheets></workbook>"),
    "xl/_rels/workbook.xml.rels": _XML + (
        f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/styles" Target="styles.xml"/>'
        "</Relationships>"),
    "xl/styles.xml": _XML + (
        f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/>'
        '</fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'),
    "docProps/core.xml": _XML + (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>unionxl</dc:creator></cp:coreProperties>'),
    "docProps/app.xml": _XML + (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>Microsoft Excel</Application></Properties>"),
}


@dataclass
class NewSheet:
    """A worksheet to stream in: ``write`` gets its :class:`SheetStream` and writes the rows."""

    name: str
    layout: Layout
    rows: int  # the last row written (its extent)
    columns: int
    write: Callable[[SheetStream], None]
    ahead: bool = False  # may be written by a child process while the others are (:class:`.parallel.Ahead`)
    split: bool = False  # its second half may be made by a child while the parent makes the first


def _stream(fh: Behind, sheet: NewSheet, date_attr: str, half: Ahead | None) -> None:
    """``sheet``'s XML into ``fh``: the rows before ``half.first`` here and the others from ``half``'s
    child when it made them, else here too."""
    parts = [(1, None)]
    if half is not None and half.started:
        parts = [(1, half.first - 1), (half.first, None)]
    for first, last in parts:
        if first > 1 and half.append_to(fh):
            break
        stream = SheetStream(fh, sheet.layout, sheet.rows, sheet.columns, date_attr, first, last)
        sheet.write(stream)
        stream.close()


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _prefix(xml: str, tag: str) -> str:
    """``"x:"`` when ``tag`` is written with a prefix in ``xml``, else ""."""
    found = re.search(rf"<(\w+:)?{tag}\b", xml)
    return (found[1] or "") if found else ""


def _insert_before_close(xml: str, tag: str, children: str) -> str:
    """``children`` as the last children of the first ``tag`` element (also when written ``<tag/>``)."""
    p = _prefix(xml, tag)
    empty = re.search(rf"<{p}{tag}\b([^>]*?)/>", xml)
    close = xml.find(f"</{p}{tag}>")
    if empty is not None and (close < 0 or empty.start() < close):
        return xml[: empty.start()] + f"<{p}{tag}{empty[1]}>{children}</{p}{tag}>" + xml[empty.end():]
    return xml[:close] + children + xml[close:]


class Package:
    """The parts of a base workbook (``None``: :data:`SKELETON`), ready to be written with new sheets."""

    def __init__(self, base: Path | None) -> None:
        if base is None:
            self.parts = {name: text.encode("utf-8") for name, text in SKELETON.items()}
        else:
            with zipfile.ZipFile(base) as z:
                self.parts = {info.filename: z.read(info) for info in z.infolist() if not info.is_dir()}
        rels = self.text("_rels/.rels")
        target = re.search(r'<(?:\w+:)?Relationship\b[^>]*Type="[^"]*/officeDocument"[^>]*>', rels)[0]
        self.workbook = re.search(r'Target="([^"]*)"', target)[1].lstrip("/")
        self.workbook_rels = posixpath.join(posixpath.dirname(self.workbook), "_rels",
                                            posixpath.basename(self.workbook) + ".rels")
        root = ElementTree.fromstring(self.parts[self.workbook])
        self.sheet_names = [s.get("name") for s in root.iter(f"{{{MAIN}}}sheet")]
        self.sheet_ids = [int(s.get("sheetId") or 0) for s in root.iter(f"{{{MAIN}}}sheet")]
        styles = re.search(r'Target="([^"]*styles[^"]*)"', self.text(self.workbook_rels))
        self.styles_part = posixpath.normpath(posixpath.join(posixpath.dirname(self.workbook), styles[1]))
        self.styles = Styles(self.text(self.styles_part))

    def text(self, name: str) -> str:
        return self.parts[name].decode("utf-8")

    def write(self, out: Path, sheets: list[NewSheet], kind: str, title: str, compresslevel: int = 1,
              started: tuple[Ahead, ...] = ()) -> None:
        """The base with ``sheets`` appended (in order, after its own), marked ``kind``, titled ``title``.

        An ``ahead`` sheet is made by a child forked here, or by one of ``started`` (forked before this
        package existed, at level 1: :class:`.parallel.Ahead`), which gets the date format now."""
        folder = posixpath.dirname(self.workbook)
        taken = set(self.parts)
        rel_ids = set(re.findall(r'Id="([^"]*)"', self.text(self.workbook_rels)))
        added: list[tuple[str, str, NewSheet]] = []  # part, relationship id, sheet
        n = 0
        for sheet in sheets:
            n += 1
            while posixpath.join(folder, f"worksheets/sheet{n}.xml") in taken:
                n += 1
            part = posixpath.join(folder, f"worksheets/sheet{n}.xml")
            rid = next(f"rIdU{i}" for i in range(1, 10**6) if f"rIdU{i}" not in rel_ids)
            rel_ids.add(rid)
            taken.add(part)
            added.append((part, rid, sheet))
        date_attr = self.styles.attr(Style(DATE_FORMAT))
        edited = self._edited(added, kind, title)
        with tempfile.TemporaryDirectory(prefix="unionxl-") as folder, \
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as z:
            early = {id(a.sheet): a for a in started}
            for child in started:
                child.send(date_attr)
            early.update((id(s), Ahead(s, Path(folder), date_attr, self.styles, compresslevel))
                         for _, _, s in added if s.ahead and id(s) not in early)
            halves = {id(s): Ahead(s, Path(folder), date_attr, self.styles, first=s.rows // 2 + 1)
                      for _, _, s in added if s.split}
            try:
                z.writestr("[Content_Types].xml", edited.pop("[Content_Types].xml"))
                for name, data in {**self.parts, **edited}.items():
                    if name not in ("[Content_Types].xml", self.styles_part):
                        z.writestr(name, data)
                for part, _, sheet in added:
                    with z.open(part, "w", force_zip64=True) as member:
                        if sheet.ahead and early[id(sheet)].copy_into(member):
                            continue
                        with Behind(fast_member(member, compresslevel)) as fh:
                            _stream(fh, sheet, date_attr, halves.get(id(sheet)))
            finally:
                for child in [*early.values(), *halves.values()]:
                    child.cancel()
            z.writestr(self.styles_part, self.styles.merged().encode("utf-8"))

    def _edited(self, added: list[tuple[str, str, NewSheet]], kind: str, title: str) -> dict[str, bytes]:
        """The base parts that change: workbook, its relationships, content types, properties."""
        folder = posixpath.dirname(self.workbook)
        types = self.text("[Content_Types].xml")
        types = _insert_before_close(types, "Types", "".join(
            f'<Override PartName="/{part}" ContentType="{WORKSHEET_TYPE}"/>' for part, _, _ in added))
        rels = _insert_before_close(self.text(self.workbook_rels), "Relationships", "".join(
            f'<Relationship Id="{rid}" Type="{REL}/worksheet" Target="{posixpath.relpath(part, folder)}"/>'
            for part, rid, _ in added))
        out = {self.workbook: self._workbook(added).encode("utf-8"), self.workbook_rels: rels.encode("utf-8")}
        root_rels = self.text("_rels/.rels")
        custom = self._custom(kind)
        if "docProps/custom.xml" not in self.parts:
            types = _insert_before_close(types, "Types", f'<Override PartName="/docProps/custom.xml" '
                                                         f'ContentType="{CUSTOM_TYPE}"/>')
            ids = set(re.findall(r'Id="([^"]*)"', root_rels))
            rid = next(f"rIdC{i}" for i in range(1, 10**6) if f"rIdC{i}" not in ids)
            root_rels = _insert_before_close(root_rels, "Relationships", f'<Relationship Id="{rid}" '
                                             f'Type="{CUSTOM_REL}" Target="docProps/custom.xml"/>')
        out.update({"[Content_Types].xml": types.encode("utf-8"), "_rels/.rels": root_rels.encode("utf-8"),
                    "docProps/custom.xml": custom.encode("utf-8")})
        if "docProps/core.xml" in self.parts:
            out["docProps/core.xml"] = _titled(self.text("docProps/core.xml"), title).encode("utf-8")
        if "docProps/app.xml" in self.parts:  # its list of sheet names would be stale: dropped
            app = re.sub(r"<(\w+:)?(HeadingPairs|TitlesOfParts)\b.*?</\1?\2>", "", self.text("docProps/app.xml"),
                         flags=re.S)
            out["docProps/app.xml"] = app.encode("utf-8")
        return out

    def _workbook(self, added: list[tuple[str, str, NewSheet]]) -> str:
        xml = self.text(self.workbook)
        p = _prefix(xml, "sheets")
        declared = re.search(rf'xmlns:(\w+)="{re.escape(REL)}"', xml)
        r = f"{declared[1]}:" if declared else ""
        local = "" if declared else f' xmlns:r="{REL}"'
        first = max([0, *self.sheet_ids]) + 1
        entries, names = [], []
        for i, (_, rid, sheet) in enumerate(added):
            state = f' state="{sheet.layout.hidden}"' if sheet.layout.hidden else ""
            entries.append(f'<{p}sheet name="{escape(sheet.name)}" sheetId="{first + i}"{state}{local} '
                           f'{r or "r:"}id="{rid}"/>')
            at = len(self.sheet_names) + i
            last = _column(sheet.columns)
            if sheet.layout.autofilter:
                names.append(f'<{p}definedName name="_xlnm._FilterDatabase" localSheetId="{at}" hidden="1">'
                             f"{escape(_quote(sheet.name))}!$A$1:${last}$1</{p}definedName>")
            if sheet.layout.printed_columns:
                names.append(f'<{p}definedName name="_xlnm.Print_Area" localSheetId="{at}">{escape(_quote(sheet.name))}'
                             f"!$A$1:${_column(sheet.layout.printed_columns)}${max(sheet.rows, 1)}</{p}definedName>")
            if sheet.layout.print_titles:
                cols = sheet.layout.title_columns
                titles = f"{_quote(sheet.name)}!$A:${_column(cols)}," if cols else ""
                names.append(f'<{p}definedName name="_xlnm.Print_Titles" localSheetId="{at}">'
                             f"{escape(titles + _quote(sheet.name))}!$1:$1</{p}definedName>")
        xml = _insert_before_close(xml, "sheets", "".join(entries))
        if not names:
            return xml
        if re.search(rf"<{p}definedNames\b", xml):
            return _insert_before_close(xml, "definedNames", "".join(names))
        after = [m.end() for m in re.finditer(rf"</{p}(?:sheets|functionGroups|externalReferences)>|"
                                              rf"<{p}functionGroups\b[^>]*/>", xml)]
        block = f"<{p}definedNames>{''.join(names)}</{p}definedNames>"
        return xml[: max(after)] + block + xml[max(after):]

    def _custom(self, kind: str) -> str:
        """``docProps/custom.xml`` with the unionxl mark set to ``kind`` (other properties kept)."""
        if "docProps/custom.xml" not in self.parts:
            xml = _XML + (f'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
                          f'xmlns:vt="{VT}"></Properties>')
        else:
            xml = self.text("docProps/custom.xml")
        for name in (marks.KIND, marks.SOURCE):
            xml = re.sub(rf'<(\w+:)?property\b[^>]*\bname="{re.escape(name)}".*?</\1?property>', "", xml, flags=re.S)
        pid = max([1, *map(int, re.findall(r'\bpid="(\d+)"', xml))]) + 1
        p, vt = _prefix(xml, "Properties"), re.search(rf'xmlns:(\w+)="{re.escape(VT)}"', xml)
        value = (f"<{vt[1]}:lpwstr>{escape(kind)}</{vt[1]}:lpwstr>" if vt
                 else f'<vt:lpwstr xmlns:vt="{VT}">{escape(kind)}</vt:lpwstr>')
        prop = (f'<{p}property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{pid}" '
                f'name="{escape(marks.KIND)}">{value}</{p}property>')
        return _insert_before_close(xml, "Properties", prop)


def _column(columns: int) -> str:
    return column_letter(max(columns, 1))


def _titled(core: str, title: str) -> str:
    """``docProps/core.xml`` with ``dc:title`` set to ``title``."""
    declared = re.search(r'xmlns:(\w+)="http://purl.org/dc/elements/1.1/"', core)
    dc = declared[1] if declared else "dc"
    element = (f"<{dc}:title>{escape(title)}</{dc}:title>" if declared
               else f'<dc:title xmlns:dc="http://purl.org/dc/elements/1.1/">{escape(title)}</dc:title>')
    core, found = re.subn(rf"<{dc}:title\b[^>]*?(?:/>|>.*?</{dc}:title>)", element, core, flags=re.S)
    return core if found else _insert_before_close(core, "coreProperties", element)
