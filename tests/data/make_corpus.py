"""Make the hostile-file corpus: every file a township folder may receive that is not a clean submission.

Run ``python tests/data/make_corpus.py DIR`` to write it; the tests call :func:`make` into a
temporary folder. Nothing is downloaded: each file is built here from a bundled example.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook, load_workbook

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "workbooks" / "examples" / "排兄村.xlsx"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5f0000000049454e44ae426082")


@dataclass(frozen=True)
class Case:
    name: str
    exit_code: int  # of `unionxl validate`
    says: str  # a fragment of the Chinese message


def _rezip(src: Path, dest: Path, replace: dict[str, bytes]) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))


def _raw_zip(dest: Path, parts: list[tuple[str, bytes, int, int]]) -> None:
    """A zip written by hand: (name, deflated bytes, crc, declared uncompressed size) per part."""
    out = io.BytesIO()
    central = []
    for name, data, crc, size in parts:
        offset = out.tell()
        fname = name.encode()
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(data), size, len(fname), 0))
        out.write(fname + data)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(data), size,
                                   len(fname), 0, 0, 0, 0, 0, offset) + fname)
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0))
    dest.write_bytes(out.getvalue())


def ods_file(dest: Path, tables: bytes) -> bytes:
    """A minimal .ods holding ``tables`` (``<table:table>`` elements); returns its content.xml."""
    content = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:spreadsheet>'
               + tables + b"</office:spreadsheet></office:body></office:document-content>")
    with zipfile.ZipFile(dest, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                   'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml" '
                   'manifest:media-type="text/xml"/></manifest:manifest>')
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return content


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def _repeated_zeros(megabytes: int) -> bytes:
    """A raw deflate stream that inflates to ``megabytes`` MiB of zeros, built in milliseconds."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(b"\0" * 1024 * 1024) + c.flush(zlib.Z_FULL_FLUSH)
    return block * megabytes + b"\x03\x00"  # an empty final block ends the stream


def _workbook_parts() -> list[tuple[str, bytes, int, int]]:
    with zipfile.ZipFile(EXAMPLE) as z:
        names = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels"]
        return [(n, _deflate(z.read(n)), zlib.crc32(z.read(n)), len(z.read(n))) for n in names]


def make(directory: str | Path) -> list[Case]:
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str, exit_code: int, says: str) -> None:
        cases.append(Case(name, exit_code, says))

    # a password: Office encrypts the whole package into an OLE file
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(EXAMPLE, "rb") as f, open(d / "设了密码.xlsx", "wb") as out:
        OOXMLFile(f).encrypt("123456", out)
    add("设了密码.xlsx", 2, "密码")
    data = EXAMPLE.read_bytes()
    (d / "下载一半.xlsx").write_bytes(data[: len(data) // 2])
    add("下载一半.xlsx", 2, "不完整")
    (d / "照片.xlsx").write_bytes(PNG)
    add("照片.xlsx", 2, "PNG 图片")
    csv = "姓名,性别,身份证号\n王秀英,女,433101198503152024\n".encode("gb18030")
    (d / "名单.csv").write_bytes(csv)
    add("名单.csv", 2, "CSV")
    (d / "名单.xlsx").write_bytes(csv)
    add("名单.xlsx", 2, "CSV")
    (d / "空文件.xlsx").write_bytes(b"")
    add("空文件.xlsx", 2, "空的")
    (d / "~$坪朗村.xlsx").write_bytes(b"\x06zhangsan" + b"\x20" * 100 + b"\x00" * 55)
    add("~$坪朗村.xlsx", 2, "锁文件")
    (d / "网页.xls").write_bytes("<html><body><table><tr><td>姓名</td></tr></table></body></html>".encode())
    add("网页.xls", 2, "网页")
    Workbook().save(d / "空工作簿.xlsx")
    add("空工作簿.xlsx", 1, "缺少")
    wb = load_workbook(EXAMPLE)
    wb["会员名册"].title = "Sheet1"
    wb.save(d / "改了表名.xlsx")
    add("改了表名.xlsx", 0, "已按列标题采用工作表“Sheet1”")
    # a macro-enabled workbook: read like any other, its macros never run (VBA from xlwings' quickstart)
    try:
        import xlwings

        with zipfile.ZipFile(Path(xlwings.__file__).parent / "quickstart_standalone.xlsm") as z:
            project = z.read("xl/vbaProject.bin")
    except Exception:  # pragma: no cover - xlwings is a dependency of the Excel buttons
        project = None
    if project is not None:
        with zipfile.ZipFile(EXAMPLE) as zin, zipfile.ZipFile(d / "带宏.xlsm", "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                content = zin.read(info.filename)
                if info.filename == "[Content_Types].xml":
                    content = content.replace(
                        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
                    ).replace(b"</Types>", b'<Default Extension="bin" ContentType="application/vnd.ms-office.'
                              b'vbaProject"/></Types>')
                if info.filename == "xl/_rels/workbook.xml.rels":
                    content = content.replace(b"</Relationships>", b'<Relationship Id="rIdVBA" Type="http://'
                                              b'schemas.microsoft.com/office/2006/relationships/vbaProject" '
                                              b'Target="vbaProject.bin"/></Relationships>')
                zout.writestr(info.filename, content)
            zout.writestr("xl/vbaProject.bin", project)
        add("带宏.xlsm", 0, "错误 0 条")
    # a value typed into the very last cell: the used range is the whole sheet
    wb = load_workbook(EXAMPLE)
    wb["会员名册"]["XFD1048576"] = "x"
    wb.save(d / "最后一格有字.xlsx")
    add("最后一格有字.xlsx", 2, "范围")
    # calamine places a cell by its own r, or after the previous cell when it has none: a far
    # reference inside row 1, or a row of 16,384 cells without r, is as big as the last cell
    with zipfile.ZipFile(EXAMPLE) as z:
        roster = z.read("xl/worksheets/sheet3.xml")
    far = b'<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    _rezip(EXAMPLE, d / "远处的引用.xlsx", {"xl/worksheets/sheet3.xml": roster.replace(b"</row>", far, 1)})
    add("远处的引用.xlsx", 2, "范围")
    unplaced = b'<row r="700000">' + b'<c t="inlineStr"><is><t>x</t></is></c>' * 16384 + b"</row></sheetData>"
    _rezip(EXAMPLE, d / "无坐标的单元格.xlsx", {"xl/worksheets/sheet3.xml": roster.replace(b"</sheetData>", unplaced)})
    add("无坐标的单元格.xlsx", 2, "范围")
    # rows and a full header row without r (some writers leave it out where it follows): read, not refused
    header = re.search(rb'<row r="1".*?</row>', roster).group()
    plain = roster.replace(header, re.sub(rb'<c r="[A-Q]1"', b"<c", header))
    _rezip(EXAMPLE, d / "不写坐标.xlsx", {"xl/worksheets/sheet3.xml": re.sub(rb'<row r="[0-9]+"', b"<row", plain)})
    add("不写坐标.xlsx", 0, "错误 0 条")
    # an .ods whose one value is repeated a million rows down and 16,384 columns across
    ods_file(d / "重复的单元格.ods", '<table:table table:name="会员名册">'.encode() + b'<table:table-row '
             b'table:number-rows-repeated="1000000"><table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated='
             b'"16384"/></table:table-row></table:table>')
    add("重复的单元格.ods", 2, "范围")
    # XML entity expansion ("billion laughs") and an external entity
    lol = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
           + b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
                      for i in range(1, 10))
           + b"]>")
    with zipfile.ZipFile(EXAMPLE) as z:
        roster = z.read("xl/worksheets/sheet3.xml")  # 会员名册: its first header cell becomes &lol9;
    roster = lol + roster.replace("<t>序号</t>".encode(), b"<t>&lol9;</t>", 1)
    _rezip(EXAMPLE, d / "实体膨胀.xlsx", {"xl/worksheets/sheet3.xml": roster})
    add("实体膨胀.xlsx", 2, "实体")
    with zipfile.ZipFile(EXAMPLE) as z:
        workbook_xml = z.read("xl/workbook.xml")
    body = workbook_xml.split(b"?>", 1)[-1]  # without any XML declaration
    xxe = b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + body
    _rezip(EXAMPLE, d / "外部实体.xlsx", {"xl/workbook.xml": xxe})
    add("外部实体.xlsx", 2, "实体")
    # a zip bomb: an honest header declaring 3 GiB; and forged sizes: 2 KB declared, 64 MiB inside
    parts = _workbook_parts()
    bomb = _repeated_zeros(64)
    _raw_zip(d / "压缩炸弹.xlsx", [*parts, ("xl/worksheets/sheet1.xml", bomb, 0, 3 * 1024 ** 3)])
    add("压缩炸弹.xlsx", 2, "压缩炸弹")
    _raw_zip(d / "伪造大小.xlsx", [*parts, ("xl/worksheets/sheet1.xml", bomb, 0, 2048)])
    add("伪造大小.xlsx", 2, "篡改")  # zipfile stops at the declared size and the check fails
    with zipfile.ZipFile(d / "不是表格.xlsx", "w") as z:
        z.writestr("readme.txt", "hello")
    add("不是表格.xlsx", 2, "压缩包")
    shutil.copy(EXAMPLE, d / "正常.xlsx")
    add("正常.xlsx", 0, "错误 0 条")
    return cases


if __name__ == "__main__":
    for case in make(sys.argv[1] if len(sys.argv) > 1 else "tests/data/corpus"):
        print(case.name, case.exit_code, case.says)
