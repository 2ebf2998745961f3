"""Finishing Chromium's PDF: a correct Chinese text layer and the provenance in the document info.

Chromium (Skia) embeds the Noto CJK faces as Type 3 fonts and derives each font's ToUnicode map from the
font's cmap, taking the *lowest* code point of a glyph. The CJK faces draw a radical and the ideograph it
looks like with one glyph, so 民 comes out as U+2EA0 ⺠ (CJK RADICAL CIVILIAN), 工 as U+2F2F ⼯ (KANGXI
RADICAL WORK) and so on: the page looks right, but copied or searched text does not match "民政局".

:func:`finish` appends one PDF *incremental update* (ISO 32000-1 §7.5.6) that replaces the affected
ToUnicode streams, mapping every radical back to the unified ideograph sharing its glyph in the
simplified-Chinese faces (:data:`RADICALS`, derived from Noto Sans/Serif CJK SC by :func:`radical_table`),
and a document information dictionary carrying the provenance (Author, Subject, Keywords). The original
bytes are kept as they are; a PDF whose structure is not the classic cross-reference table Skia writes
is returned unchanged.
"""

from __future__ import annotations

import json
import re
import zlib
from functools import cache
from importlib import resources
from pathlib import Path

_OBJ = re.compile(rb"(?m)^(\d+) 0 obj\s*<<([^>]*?)/Length (\d+)\s*>>\s*stream\r?\n")
_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*$")
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref", re.S)
_CMAP_HEAD = b"/CIDInit /ProcSet findresource begin"
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_BFCHAR = re.compile(rb"\d+\s+beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"\d+\s+beginbfrange(.*?)endbfrange", re.S)
_RANGE_ITEM = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])")
_CODESPACE = re.compile(rb"\d+\s+begincodespacerange.*?endcodespacerange", re.S)


@cache
def radicals() -> dict[int, int]:
    """Radical code point → unified ideograph drawn with the same glyph (simplified-Chinese faces)."""
    text = resources.files("govreport.render").joinpath("static/cjk_radicals.json").read_text(encoding="utf-8")
    return {int(k, 16): int(v, 16) for k, v in json.loads(text)["map"].items()}


def radical_table(font_files: list[Path]) -> dict[int, int]:
    """Derive :data:`radicals` from the SC faces (face 2 of the Noto CJK collections) with fontTools:
    every code point in the radical blocks U+2E80–U+2FDF whose glyph is also the glyph of a unified
    ideograph U+4E00–U+9FFF maps to the lowest such ideograph."""
    from fontTools.ttLib import TTFont

    out: dict[int, int] = {}
    for path in font_files:
        font = TTFont(str(path), fontNumber=2 if str(path).endswith(".ttc") else -1, lazy=True)
        cmap = font.getBestCmap()
        by_glyph: dict[str, int] = {}
        for cp, glyph in sorted(cmap.items()):
            if 0x4E00 <= cp <= 0x9FFF:
                by_glyph.setdefault(glyph, cp)
        for cp, glyph in cmap.items():
            if 0x2E80 <= cp <= 0x2FDF and glyph in by_glyph:
                out.setdefault(cp, by_glyph[glyph])
    return dict(sorted(out.items()))


# ------------------------------------------------------------------------------------ ToUnicode


def _utf16(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode("ascii")).decode("utf-16-be", errors="surrogatepass")


def _hex(text: str) -> bytes:
    return text.encode("utf-16-be", errors="surrogatepass").hex().upper().encode("ascii")


def parse_cmap(data: bytes) -> tuple[bytes, dict[bytes, str]]:
    """A ToUnicode CMap's code-space block and its mapping: source code (hex, as written) → text."""
    space = _CODESPACE.search(data)
    mapping: dict[bytes, str] = {}
    for block in _BFCHAR.findall(data):
        codes = _HEX.findall(block)
        for src, dst in zip(codes[0::2], codes[1::2], strict=False):
            mapping[src.upper()] = _utf16(dst)
    for block in _BFRANGE.findall(data):
        for lo, hi, dst in _RANGE_ITEM.findall(block):
            width = len(lo)
            start, end = int(lo, 16), int(hi, 16)
            if dst.startswith(b"["):
                for i, item in enumerate(_HEX.findall(dst)):
                    mapping[f"{start + i:0{width}X}".encode()] = _utf16(item)
            else:
                base = _utf16(dst[1:-1])
                for i in range(end - start + 1):
                    text = base[:-1] + chr(ord(base[-1]) + i)
                    mapping[f"{start + i:0{width}X}".encode()] = text
    return (space.group(0) if space else b"1 begincodespacerange\n<00> <FF>\nendcodespacerange"), mapping


def write_cmap(space: bytes, mapping: dict[bytes, str]) -> bytes:
    lines = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
             b"/CIDSystemInfo\n<<  /Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def",
             b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def", space]
    items = sorted(mapping.items(), key=lambda kv: int(kv[0], 16))
    for i in range(0, len(items), 100):
        chunk = items[i: i + 100]
        lines.append(f"{len(chunk)} beginbfchar".encode())
        lines += [b"<" + src + b"> <" + _hex(text) + b">" for src, text in chunk]
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def fix_cmap(data: bytes, table: dict[int, int]) -> bytes | None:
    """The CMap with radicals replaced by ideographs, or None when nothing needs replacing."""
    space, mapping = parse_cmap(data)
    fixed = {src: "".join(chr(table.get(ord(ch), ord(ch))) for ch in text) for src, text in mapping.items()}
    if fixed == mapping:
        return None
    return write_cmap(space, fixed)


# ------------------------------------------------------------------------------ incremental update


def _pdf_text(value: str) -> bytes:
    """A PDF text string: ASCII as a literal string, anything else as UTF-16BE hex with a BOM."""
    if value.isascii():
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return b"(" + escaped.encode("ascii") + b")"
    return b"<FEFF" + _hex(value) + b">"


def finish(pdf: bytes, info: dict[str, str] | None = None) -> bytes:
    """``pdf`` plus an incremental update fixing the text layer and adding ``info`` entries
    (e.g. ``{"Author": …, "Keywords": …}``). Returns ``pdf`` unchanged when its layout is not recognised."""
    end = _STARTXREF.search(pdf[-64:])
    trailer = _TRAILER.search(pdf, max(0, len(pdf) - 4096))
    if end is None or trailer is None:
        return pdf
    prev = int(end.group(1))
    tdict = trailer.group(1)
    size = re.search(rb"/Size (\d+)", tdict)
    root = re.search(rb"/Root (\d+ \d+ R)", tdict)
    info_ref = re.search(rb"/Info (\d+) 0 R", tdict)
    if size is None or root is None:
        return pdf
    table = radicals()
    updates: list[tuple[int, bytes]] = []
    for m in _OBJ.finditer(pdf):
        num, length = int(m.group(1)), int(m.group(3))
        if b"/FlateDecode" not in m.group(2):
            continue
        raw = pdf[m.end(): m.end() + length]
        try:
            data = zlib.decompress(raw)
        except zlib.error:
            continue
        if not data.startswith(_CMAP_HEAD):
            continue
        new = fix_cmap(data, table)
        if new is not None:
            body = zlib.compress(new, 6)
            updates.append((num, b"<</Filter /FlateDecode\n/Length %d>> stream\n" % len(body) + body
                            + b"\nendstream"))
    next_num = int(size.group(1))
    info_num = None
    if info:
        entries = b""
        if info_ref is not None:
            info_num = int(info_ref.group(1))
            old = re.search(rb"(?m)^%d 0 obj\s*<<(.*?)>>\s*endobj" % info_num, pdf, re.S)
            entries = old.group(1) if old else b""
        else:
            info_num = next_num
            next_num += 1
        for key, value in info.items():
            name = b"/" + key.encode("ascii")
            entries = re.sub(rb"\n?" + re.escape(name) + rb" (\([^)]*\)|<[^>]*>)", b"", entries)
            entries += b"\n" + name + b" " + _pdf_text(value)
        updates.append((info_num, b"<<" + entries + b">>"))
    if not updates:
        return pdf
    out = bytearray(pdf)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets = []
    for num, body in updates:
        offsets.append((num, len(out)))
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n"
    for num, off in sorted(offsets):
        out += b"%d 1\n%010d 00000 n \n" % (num, off)
    out += b"trailer\n<</Size %d\n/Root %s" % (next_num, root.group(1))
    if info_num is not None:
        out += b"\n/Info %d 0 R" % info_num
    elif info_ref is not None:
        out += b"\n/Info " + info_ref.group(0)[6:]
    out += b"\n/Prev %d>>\nstartxref\n%d\n%%%%EOF\n" % (prev, xref)
    return bytes(out)
