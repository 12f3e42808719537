"""Checks that run before any parser sees a file: what it really is, and whether it is safe to open.

A township's folder receives whatever chat apps deliver: password-protected workbooks,
truncated downloads, pictures or CSV files renamed .xlsx, lock files, zip bombs, XML with
entity declarations. :func:`inspect` answers with the real kind (xlsx, xls or ods) or
raises :class:`UnsafeFile` with one Chinese sentence saying what is wrong and what to do.

Zip parts are inflated here in a stream with hard caps, so a part that inflates to more
than it declares (forged sizes) or to more than the limits is refused before python-calamine
allocates anything; sheets are measured (``extent``) for their last row and column, because
calamine builds a dense grid and a lone value in XFD1048576 would need hundreds of gigabytes.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import UserError
from . import extent

MiB = 1024 * 1024


def env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Generous for real village files (a 100,000-row register is about 2 M cells, 100 MiB of XML).

    The defaults are the built-in limits; :meth:`from_env` applies the UNIONXL_MAX_* variables as they
    are when it is called (each file's check calls it unless given limits)."""

    file_bytes: int = 200 * MiB
    part_bytes: int = 1024 * MiB
    total_bytes: int = 2048 * MiB
    ratio: int = 400  # inflated / compressed, for parts over 1 MiB
    parts: int = 10_000
    cells: int = 20_000_000  # rows x columns of one sheet's used range
    # a used range above this must be mostly filled: at most `sparse` times the cells the sheet holds
    dense_from: int = 4_000_000
    sparse: int = 16
    merged_cells: int = 1_000_000  # openpyxl makes an object for each
    ods_spaces: int = 32_767  # one <text:s text:c="…"/> (a cell holds at most 32,767 characters)

    @classmethod
    def from_env(cls) -> Limits:
        """The limits with the environment's UNIONXL_MAX_FILE_MB, _PART_MB, _TOTAL_MB, _RATIO, _CELLS and
        _MERGED_CELLS applied (a value that is no whole number is ignored)."""
        d = cls()
        return cls(file_bytes=env_int("UNIONXL_MAX_FILE_MB", d.file_bytes // MiB) * MiB,
                   part_bytes=env_int("UNIONXL_MAX_PART_MB", d.part_bytes // MiB) * MiB,
                   total_bytes=env_int("UNIONXL_MAX_TOTAL_MB", d.total_bytes // MiB) * MiB,
                   ratio=env_int("UNIONXL_MAX_RATIO", d.ratio), cells=env_int("UNIONXL_MAX_CELLS", d.cells),
                   merged_cells=env_int("UNIONXL_MAX_MERGED_CELLS", d.merged_cells))


class UnsafeFile(UserError):
    """The file is not a workbook unionxl can open safely; the message says why, in Chinese."""


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PICTURES = {b"\x89PNG": "PNG 图片", b"\xff\xd8\xff": "JPEG 图片", b"GIF8": "GIF 图片", b"BM": "BMP 图片",
            b"%PDF": "PDF 文件", b"Rar!": "RAR 压缩包", b"7z\xbc\xaf": "7z 压缩包"}
RESEND = "请让村里用统一模板另存为 .xlsx 后重新发送。"
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".et")  # what a workbook's name ends in (WPS: .et)


def too_big(size: int, limits: Limits | None = None) -> str | None:
    """Why a file of ``size`` bytes is refused unread, or None (``limits``: those of the environment now)."""
    limits = limits or Limits.from_env()
    if size <= limits.file_bytes:
        return None
    return (f"文件有 {size // MiB} MB，超过上限 {limits.file_bytes // MiB} MB；"
            "请删除多余的空行、图片后另存，或设置 UNIONXL_MAX_FILE_MB。")


def inspect(data: bytes, name: str = "", limits: Limits | None = None) -> str:
    """The real kind of a file's bytes ("xlsx", "xls" or "ods"), after the safety checks.

    ``name`` is the file's name (lock files are told by it). The caller reads the bytes once and
    hands the same bytes to the parser: a file swapped on disk in between cannot slip past."""
    if name.startswith("~$") and len(data) < 4096:
        raise UnsafeFile("这是 Excel/WPS 打开文件时留下的临时锁文件（~$ 开头），不是报表；请发送真正的报表文件。")
    if not data:
        raise UnsafeFile("文件是空的（0 字节），可能没有下载完整，请让村里重新发送。")
    limits = limits or Limits.from_env()
    if (reason := too_big(len(data), limits)) is not None:
        raise UnsafeFile(reason)
    head = data[:4096]
    if head.startswith(OLE):
        return _ole(data, limits)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return _zip(data, limits)
    for magic, what in PICTURES.items():
        if head.startswith(magic):
            disguised = os.path.splitext(name)[1].lower() in SUFFIXES
            raise UnsafeFile(f"这其实是 {what}，只是改成了表格的扩展名；{RESEND}" if disguised
                             else f"这是 {what}，不是 Excel 工作簿；{RESEND}")
    raise UnsafeFile(_text_kind(head))


def _text_kind(head: bytes) -> str:
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text:
        return f"无法识别的文件格式，不是 Excel 工作簿；{RESEND}"
    lowered = text.lstrip().lower()
    if lowered.startswith(("<html", "<!doctype html", "<table", "<?xml")):
        return "这是网页或 XML 格式的表格（常见于从网站导出的“.xls”），请用 Excel 打开后另存为 .xlsx 再处理。"
    if "," in text or "\t" in text:
        return "这是 CSV/文本文件，不是 Excel 工作簿；请用 Excel 或 WPS 打开后“另存为”.xlsx 再处理。"
    return f"这是文本文件，不是 Excel 工作簿；{RESEND}"


def _ole(data: bytes, limits: Limits) -> str:
    import olefile  # with logging: only for the old binary formats

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            streams = {"/".join(s) for s in ole.listdir()}
            books = [ole.openstream(name).read() for name in ("Workbook", "Book") if name in streams]
    except Exception:
        raise UnsafeFile(f"文件不完整或已损坏（旧版 .xls 格式无法读取）；{RESEND}") from None
    if "EncryptedPackage" in streams or "EncryptionInfo" in streams:
        raise UnsafeFile("文件设置了打开密码，无法读取；请让村里取消密码（文件 → 信息 → 保护工作簿）后重新发送。")
    if not books:
        raise UnsafeFile(f"这是 Word 或其他 Office 文件，不是 Excel 工作簿；{RESEND}")
    for stream in books:
        _check_size(*extent.biff(stream), limits)  # rows, columns and the cells there are
    return "xls"


_DTD = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


BROKEN = "文件不完整（下载或传输中断，或已损坏），请让村里重新发送。"


def _zip(data: bytes, limits: Limits) -> str:
    try:
        return _zip_parts(data, limits)
    except UnsafeFile:
        raise
    except Exception:  # zipfile's own errors for a damaged directory: BadZipFile, NotImplementedError, ValueError…
        raise UnsafeFile(BROKEN) from None


def _zip_parts(data: bytes, limits: Limits) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        names = {i.filename for i in infos}
        if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            kind = "xlsx"
        elif "mimetype" in names and b"opendocument.spreadsheet" in z.read("mimetype")[:100]:
            kind = "ods"
        elif "word/document.xml" in names or "ppt/presentation.xml" in names:
            raise UnsafeFile(f"这是 Word 或 PowerPoint 文件，不是 Excel 工作簿；{RESEND}")
        else:
            raise UnsafeFile(f"这是一个压缩包（zip），不是 Excel 工作簿；{RESEND}")
        if "xl/workbook.bin" in names:
            raise UnsafeFile("这是 Excel 二进制工作簿（.xlsb），请在 Excel 中另存为 .xlsx 后再处理。")
        if len(infos) > limits.parts:
            raise UnsafeFile(f"压缩包内有 {len(infos)} 个部件，远超正常工作簿，已拒绝。")
        declared = sum(i.file_size for i in infos)
        if declared > limits.total_bytes:
            raise UnsafeFile(f"解压后将有 {declared // MiB} MB，超过上限 {limits.total_bytes // MiB} MB，"
                             "疑似“压缩炸弹”，已拒绝。")
        total = 0
        for info in infos:
            if info.flag_bits & 0x1:
                raise UnsafeFile("文件内部经过加密，无法读取；请让村里取消密码后重新发送。")
            if info.file_size > limits.part_bytes:
                raise UnsafeFile(f"部件 {info.filename} 解压后 {info.file_size // MiB} MB，超过上限，疑似“压缩炸弹”，已拒绝。")
            if info.file_size > MiB and info.file_size > limits.ratio * max(info.compress_size, 1):
                raise UnsafeFile(f"部件 {info.filename} 压缩比异常（{info.file_size // max(info.compress_size, 1)} 倍），"
                                 "疑似“压缩炸弹”，已拒绝。")
            total += _inflate(z, info, limits, kind)
            if total > limits.total_bytes:
                raise UnsafeFile("解压后的总大小超过上限，疑似“压缩炸弹”，已拒绝。")
    return kind


def _inflate(z: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, kind: str) -> int:
    """Inflate one part in chunks; refuse it when it grows past its declared size or the caps.

    Every XML part of an xlsx is scanned for cells, whatever its name: calamine reads a sheet
    from wherever the workbook's relationships point. An ODS keeps every sheet in content.xml.
    """
    cap = min(info.file_size, limits.part_bytes)
    size = 0
    grid = sheet = None
    counts = extent.Counts(ods=kind == "ods")
    try:
        for chunk in _chunks(z, info):
            if size == 0:
                if info.filename.endswith((".xml", ".rels", ".vml")) and _DTD.search(chunk[:4096]):
                    raise UnsafeFile("文件中含有 XML 实体声明（DOCTYPE/ENTITY），可能是恶意文件，已拒绝。")
                sheet = kind == "xlsx" and chunk[:64].lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
                grid = extent.Extent() if sheet else None
            counts.feed(chunk, first=size == 0)
            size += len(chunk)
            if size > cap:
                raise UnsafeFile(f"部件 {info.filename} 的实际大小超过声明（文件可能被篡改），已拒绝。")
            if grid is not None:
                try:
                    grid.feed(chunk)
                except extent.Unusual:
                    grid = None
        counts.close()
        _check_counts(info, counts, limits)
        if sheet:
            _check_grid(z, info, limits, grid)
        elif kind == "ods" and info.filename == "content.xml":
            _check_size(*_placed(extent.ods, z, info), limits)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError, RuntimeError):
        raise UnsafeFile(f"部件 {info.filename} 解压失败或校验不符（下载中断、文件损坏或被篡改），请让村里重新发送。") from None
    return size


def _check_counts(info: zipfile.ZipInfo, counts: extent.Counts, limits: Limits) -> None:
    """Refuse declared numbers no real file has: parsers reserve memory for them up front."""
    if counts.merged > limits.merged_cells:
        raise UnsafeFile(f"合并单元格的范围异常大（共 {counts.merged} 个单元格），请取消多余的合并后另存，"
                         "或设置 UNIONXL_MAX_MERGED_CELLS。")
    if counts.strings > info.file_size // 4 + 1024:  # every shared string takes at least <si/>
        raise UnsafeFile(f"部件 {info.filename} 声明的字符串个数（{counts.strings}）与内容不符，文件已损坏或被篡改，"
                         "请让村里用 Excel 或 WPS 重新保存后发送。")
    if counts.spaces > limits.ods_spaces:
        raise UnsafeFile(f"部件 {info.filename} 中有一处声明了 {counts.spaces} 个连续空格，超过单元格的容量，"
                         "文件已损坏或被篡改，已拒绝。")


def _chunks(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with z.open(info) as part:
        while chunk := part.read(MiB):
            yield chunk


def _check_grid(z: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, grid: extent.Extent | None) -> None:
    """Refuse a sheet whose cells would make calamine allocate more than the limits allow."""
    if grid is not None:
        try:
            grid.feed(b"", final=True)
            if grid.bare:  # cells without a reference: their rows counted in a second pass
                _check_size(*_placed(lambda chunks: extent.compact(chunks, grid), z, info), limits)
            else:
                _check_size(*grid.bound(), grid.cells, limits)
            return  # even the upper bound passes
        except (extent.Unusual, UnsafeFile):
            pass  # the fast bound can't vouch: place every cell
    _check_size(*_placed(extent.exact, z, info), limits)


def _placed(reading, z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int, int]:
    """The part read again by ``reading`` (one of extent's readers): the grid's last row and column,
    and the cells it holds."""
    try:
        return reading(_chunks(z, info))
    except extent.Malformed:
        raise UnsafeFile(f"部件 {info.filename} 的 XML 结构异常（标签过长），不像是表格软件保存的文件，已拒绝。") from None


def _check_size(rows: int, columns: int, cells: int, limits: Limits) -> None:
    """calamine makes one dense rows x columns grid: refuse one too large, or mostly empty and large."""
    grid = rows * columns
    if grid > limits.cells:
        raise UnsafeFile(f"工作表的使用范围达 {rows} 行 × {columns} 列（可能有人在很远的单元格里输入过内容），"
                         "超过上限；请删除多余的行列后另存，或设置 UNIONXL_MAX_CELLS。")
    if grid > limits.dense_from and grid > limits.sparse * max(cells, 1):
        raise UnsafeFile(f"工作表的使用范围达 {rows} 行 × {columns} 列，但只有约 {cells} 个单元格有内容"
                         "（可能有人在很远的单元格里输入过内容）；请删除多余的行列后另存。")


def limit_memory(megabytes: int | None = None) -> None:
    """A backstop: cap this process's address space (soft limit only, so LibreOffice can lift it).

    ``UNIONXL_MAX_MEMORY_MB`` overrides the default of 8 GiB; 0 turns the cap off. Python then
    raises MemoryError instead of the machine swapping. Not available on Windows.
    """
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    mb = env_int("UNIONXL_MAX_MEMORY_MB", 8192) if megabytes is None else megabytes
    if mb <= 0:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = mb * MiB if hard == resource.RLIM_INFINITY else min(mb * MiB, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def unlimit_memory() -> None:
    """Lift the soft cap again (for child processes such as LibreOffice)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
