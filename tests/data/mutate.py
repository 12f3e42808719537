"""Mutants of village workbooks, the way damaged downloads and odd editors alter them.

:func:`mutants` writes ``count`` altered copies of the given .xlsx, .xls and .ods files, each
from one or a few random changes drawn with a fixed seed: flipped and inserted bytes, a cut-off
file, XML edits (huge or negative numbers, far cell references, odd cell types and styles,
values like inf or -1e15, deleted or repeated tags, merged ranges, emptied or missing parts) and,
for .xls, binary record fields set to their extremes. ``tests/test_fuzz.py`` runs a few hundred
through the real command line; ``bench/fuzz.py`` runs thousands.
"""

from __future__ import annotations

import io
import random
import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

HUGE = [b"0", b"-1", b"65535", b"65536", b"1048576", b"1048577", b"16385", b"2147483648", b"4294967295",
        b"99999999999999999999", b"1000000000000"]
VALUES = [b"inf", b"-inf", b"nan", b"-1e15", b"1e308", b"2958466", b"-1", b"abc", b"", b"1e-400", b"9" * 400]
TYPES = [b"n", b"s", b"str", b"inlineStr", b"b", b"e", b"d", b"x", b""]
REFS = [b"XFD1048576", b"A1048576", b"ZZZZ1", b"A0", b"0", b"AAAA70000", b"B99999", b"a1", b"$A$1"]
NUMBER = re.compile(rb"(?<![A-Za-z_])[0-9]+")


def _sub_random(rng: random.Random, pattern: re.Pattern[bytes] | bytes, text: bytes, make: Callable[[re.Match[bytes]], bytes]) -> bytes:
    """``text`` with one random match of ``pattern`` replaced by ``make(match)``."""
    pattern = re.compile(pattern) if isinstance(pattern, bytes) else pattern
    found = list(pattern.finditer(text, 0, 2_000_000))
    if not found:
        return text
    m = rng.choice(found)
    return text[:m.start()] + make(m) + text[m.end():]


def _xml_edit(rng: random.Random, xml: bytes) -> bytes:
    kind = rng.randrange(12)
    if kind == 0:
        return _sub_random(rng, NUMBER, xml, lambda m: rng.choice(HUGE))
    if kind == 1:
        return _sub_random(rng, rb"<v>[^<]*</v>", xml, lambda m: b"<v>" + rng.choice(VALUES) + b"</v>")
    if kind == 2:
        return _sub_random(rng, rb' t="[^"]*"', xml, lambda m: b' t="' + rng.choice(TYPES) + b'"')
    if kind == 3:
        return _sub_random(rng, rb' s="[0-9]+"', xml, lambda m: b' s="' + rng.choice(HUGE) + b'"')
    if kind == 4:
        return _sub_random(rng, rb' r="[A-Z]+[0-9]+"', xml, lambda m: b' r="' + rng.choice(REFS) + b'"')
    if kind == 5:  # a tag deleted
        return _sub_random(rng, rb"<[^>]{1,200}>", xml, lambda m: b"")
    if kind == 6:  # an element repeated
        return _sub_random(rng, rb"<(row|c|si|definedName|sheet|table:table-row|table:table-cell)\b.{0,400}?</\1>", xml,
                           lambda m: m.group() * rng.choice([2, 50]))
    if kind == 7:
        ref = rng.choice([b"A1:XFD1048576", b"A1:A1048576", b"B3:C4", b"A2:Q2", b"Z9:A1", b"A1"])
        return xml.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="' + ref + b'"/></mergeCells>', 1)
    if kind == 8:  # cut short
        return xml[: rng.randrange(len(xml) + 1)]
    if kind == 9:  # bytes that are not UTF-8, or a control character
        at = rng.randrange(len(xml) + 1)
        return xml[:at] + rng.choice([b"\xff\xfe", b"\x00", b"\x1b[2J", b"\xc3", b"&#0;", b"&bogus;", b"]]>"]) + xml[at:]
    if kind == 10:  # ODS repeats and spaces
        return _sub_random(rng, rb'(number-(?:rows|columns)-repeated|text:c)="[0-9]+"', xml,
                           lambda m: m.group(1) + b'="' + rng.choice(HUGE) + b'"')
    return b""  # emptied


def _xlsx(rng: random.Random, data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        name = rng.choice(sorted(parts))
        if rng.random() < 0.08:
            del parts[name]
            if not parts:
                break
        else:
            parts[name] = _xml_edit(rng, parts[name])
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in parts.items():
            z.writestr(name, content)
    return out.getvalue()


def _bytes(rng: random.Random, data: bytes) -> bytes:
    raw = bytearray(data)
    kind = rng.randrange(3)
    if kind == 0:
        for _ in range(rng.randrange(1, 9)):
            raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
        return bytes(raw)
    if kind == 1:
        return bytes(raw[: rng.randrange(len(raw))])
    at = rng.randrange(len(raw))
    return bytes(raw[:at]) + rng.randbytes(rng.randrange(1, 64)) + bytes(raw[at:])


def _xls(rng: random.Random, data: bytes) -> bytes:
    """An .xls whose Workbook stream has one record field set to an extreme (or a flipped byte)."""
    import olefile

    with olefile.OleFileIO(io.BytesIO(data)) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
    records = []
    pos = 0
    while pos + 4 <= len(stream):
        record, length = struct.unpack_from("<HH", stream, pos)
        records.append((pos, record, length))
        pos += 4 + length
    for _ in range(rng.choice([1, 1, 2, 4])):
        pos, record, length = rng.choice(records)
        if length >= 2:
            at = pos + 4 + rng.randrange(0, length - 1)
            struct.pack_into("<H", stream, at, rng.choice([0, 0xFFFF, 0x7FFF, 0x8000, 0x00FF]))
        if rng.random() < 0.3:
            struct.pack_into("<H", stream, pos + 2, rng.choice([0, 0xFFFF, length + 1, max(length - 1, 0)]))
    out = io.BytesIO(data)
    with olefile.OleFileIO(out, write_mode=True) as ole:
        ole.write_stream("Workbook", bytes(stream))
    return out.getvalue()


def mutate(rng: random.Random, data: bytes, suffix: str) -> bytes:
    if rng.random() < 0.2:
        return _bytes(rng, data)
    if suffix in (".xlsx", ".ods"):
        return _xlsx(rng, data)
    return _xls(rng, data)


def mutants(sources: list[Path], folder: Path, count: int, seed: int = 11) -> list[Path]:
    """``count`` mutants of ``sources`` (spread evenly) written to ``folder``; their paths."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    originals = [(p, p.read_bytes()) for p in sources]
    written = []
    for i in range(count):
        src, data = originals[i % len(originals)]
        out = folder / f"变体{i:04d}_{src.stem}{src.suffix}"
        try:
            out.write_bytes(mutate(rng, data, src.suffix.lower()))
        except Exception:  # a mutation the container format itself refuses to hold: write the bytes mutant
            out.write_bytes(_bytes(rng, data))
        written.append(out)
    return written
