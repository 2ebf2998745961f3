"""Reading 表三 and 表四 from plain text, only where rows and columns are certain.

Published pages saved as text (and PDFs through ``pdftotext -layout``) carry the official tables in three
shapes: aligned columns (one row per line, cells separated by spaces), ``|`` runs (one row per line, cells
between bars) and one cell per line. Columns cannot be told apart by position once a blank cell has
vanished, so a row is read only when it carries **exactly** as many figures as the table has data
columns (7 for 表三, 15 for 表四); anything else is "table present, not read" with the line as source.

* A row is identified by its label, matched against the labels of :mod:`govreport.core.formats` (never
  retyped here); group labels (``三、本年度办理结果``, ``（三）不予公开`` …, the rows whose ``group`` is
  set) may precede the row label on the same line, as ``pdftotext`` lays them out, and are skipped.
* A header line (no figure on it, e.g. ``未经复议直接起诉 复议后起诉``) is never a row of values.
* A line whose digits run together (``一、本年新收政府信息公开申请数量21710000218``) is not split.
* 表四 has one row of values: one line of exactly 15 figures, 15 lines of one figure each, or a ``|``
  row of 15 cells, between the table's heading and the next section; otherwise not read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from govreport.core.formats import CellKey, table_spec
from govreport.core.values import Figure
from govreport.readers.document import Document
from govreport.readers.labels import label_key
from govreport.readers.source import NotRead, Source

_T3_HEAD = re.compile(r"^(?:[三3][、.．]\s*)?收到和处理政府信息公开申请(?:的)?情况")
_T4_HEAD = re.compile(
    r"^(?:[四4][、.．]\s*)?(?![^。，]*(?:未|没有|无))[^。，\d]{0,24}?行政复议[^。，\d]{0,10}?行政诉讼(?:的)?(?:情况|统计)$"
)
_T2_HEAD = re.compile(r"^第二十条第[（(][一二三四五六七八九十]+[)）]项")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")



def _t4_header() -> re.Pattern:
    """表四's distinctive header labels (结果维持 … 复议后起诉), from formats.py; 总计 and the two group
    labels also occur in sentences and are left out."""
    spec = table_spec("2021", "t4")
    labels = {c.label for c in spec.columns if c.parent is not None and c.label != "总计"}
    return re.compile("|".join(sorted(map(re.escape, labels), key=len, reverse=True)))


_T4_HEADER = _t4_header()
_NUM_TOKEN = re.compile(r"^\d+$")
_TAIL = re.compile(r"((?:\s+|\|)\d+(?:\s*\|)?)+\s*\|?\s*$")
_RUN_TOGETHER = re.compile(r"[\u4e00-\u9fff）)]\d{5,}\s*$")
T3_COLS = len(table_spec("2021", "t3").data_columns)  # 7: both formats have the same 表三 columns
T4_COLS = len(table_spec("2021", "t4").data_columns)  # 15


@dataclass(slots=True)
class TextTables:
    """What was read: cells keyed by cell key → (figure, source), and the tables seen."""

    cells: dict[CellKey, tuple[Figure, Source]] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)  # t2, t3, t4: the report has the table as text
    read: set[str] = field(default_factory=set)  # tables of which at least one row was read
    not_read: list[NotRead] = field(default_factory=list)


def _key(text: str) -> str:
    return re.sub(r"^\d+", "", label_key(text))


@cache
def _row_keys(version: str) -> tuple[tuple[str, str, bool], ...]:
    """(label key, row id, group) for every row of 表三 of ``version``, from formats.py."""
    spec = table_spec(version, "t3")
    out = []
    for r in spec.rows:
        for label in {r.label, r.short or r.label}:
            k = _key(label)
            if k:
                out.append((k, r.id, r.group))
    return tuple(out)


@cache
def _column_keys(version: str) -> frozenset[str]:
    return frozenset(_key(c.label) for c in table_spec(version, "t3").columns)


_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])")


@cache
def _data_columns(version: str, table: str) -> tuple[str, ...]:
    return tuple(c.id for c in table_spec(version, table).data_columns)


def _strip_groups(key: str, version: str) -> str:
    """Drop group labels (``三、本年度办理结果``, ``（三）不予公开`` …) that precede a row label."""
    changed = True
    while changed and key:
        changed = False
        for gkey, _rid, group in _row_keys(version):
            if group and gkey and key.startswith(gkey) and len(key) > len(gkey):
                key = _key(key[len(gkey):])
                changed = True
    return key


def match_row(label: str, version: str) -> str | None:
    """The 表三 row a label names, when exactly one row fits (a label cut by a line wrap still fits)."""
    key = _strip_groups(_key(label), version)
    if len(key) < 2 or (key in _column_keys(version) and not _NUMBERED.match(label.strip())):
        return None  # 总计 / 其他 without their numbering are column headers, not rows
    hits = {rid for k, rid, group in _row_keys(version) if not group and k == key}
    if not hits and len(key) >= 4:
        hits = {rid for k, rid, group in _row_keys(version)
                if not group and len(k) >= 4 and (k.startswith(key) or key.startswith(k))}
    return hits.pop() if len(hits) == 1 else None


def _orig_line(doc: Document, i: int) -> str:
    """Line ``i`` as it is in the file (spacing intact: normalisation drops spaces next to Chinese text)."""
    a = doc.starts[i]
    b = a + len(doc.lines[i])
    return doc.plain[doc.norm.pos[a]:doc.norm.pos[b]] if b > a else ""


def _split(doc: Document, i: int) -> tuple[str, list[str]] | None:
    """(label, figure tokens) of a table line with a label and figures after it, else None. The figures
    are the whitespace- or bar-separated numbers that end the line as written in the file."""
    s = doc.lines[i].strip()
    if s.count("|") >= 2:
        cells = [c.strip() for c in s.strip("|").split("|")]
        label, values = cells[0], cells[1:]
        if not any(values):
            return None  # a label between bars, its cells on the lines that follow
        if label and not _NUM_TOKEN.match(label):
            return label, values
        return "", cells
    tokens = [t for t in re.split(r"[\s|]+", _orig_line(doc, i).strip()) if t]
    k = len(tokens)
    while k > 0 and _NUM_TOKEN.match(tokens[k - 1]):
        k -= 1
    if k == 0 or k == len(tokens):
        return None
    m = re.search(r"[\s\d|]+$", s)
    label = s[:m.start()] if m else s
    return label, tokens[k:]


def read_text_tables(doc: Document, year: int | None) -> TextTables:
    out = TextTables()
    lines = doc.lines
    version = "2019" if year is not None and year <= 2020 else "2021"
    n = len(lines)
    i = 0
    while i < n:
        s = lines[i].strip().strip("|").strip()
        if _T2_HEAD.match(s):
            if "t2" not in out.present:
                out.present.add("t2")
                out.not_read.append(NotRead("表二（主动公开政府信息情况）", "纯文本中的表二无法可靠还原行列，未读取",
                                            _src(doc, i)))
        elif _T3_HEAD.match(s) or (s and match_row(s, version) == "new_received" and "t3" not in out.present):
            i = _read_t3(doc, i if not _T3_HEAD.match(s) else i + 1, version, out)
            continue
        elif _T4_HEAD.match(s):
            i = _read_t4(doc, i + 1, version, out)
            continue
        i += 1
    return out


def _src(doc: Document, i: int, a: int = 0, b: int | None = None) -> Source:
    start = doc.starts[i]
    line = doc.lines[i]
    return doc.source(start + a, start + (len(line) if b is None else b))


def _read_t3(doc: Document, i: int, version: str, out: TextTables) -> int:
    lines = doc.lines
    n = len(lines)
    cols = _data_columns(version, "t3")
    unread: list[int] = []
    any_row = False
    while i < n:
        s = lines[i].strip()
        bare = s.strip("|").strip()
        if not s:
            i += 1
            continue
        split = _split(doc, i)
        rid = match_row(split[0], version) if split is not None and split[0] else None
        if rid is None and split is not None and split[0] and len(split[1]) >= 3 and not _is_group(split[0], version):
            unread.append(i)  # figures under a label that names no row (a wrapped label's second line …)
            i += 1
            continue
        if rid is not None:
            values = split[1]  # type: ignore[index]
            any_row = True
            if len(values) == T3_COLS and all(_NUM_TOKEN.match(v) for v in values):
                _put(out, doc, i, version, "t3", rid, cols, values)
            else:
                unread.append(i)
            i += 1
            continue
        if _RUN_TOGETHER.search(bare) and match_row(re.sub(r"\d+\s*$", "", bare), version):
            any_row = True
            unread.append(i)
            i += 1
            continue
        rid = match_row(bare, version) if split is None else None  # a label alone: one cell per line
        if rid is not None:
            any_row = True
            # the figures on the next line alone (a layout row whose label stands above its figures)
            nxt = _orig_line(doc, i + 1).split() if i + 1 < n else []
            if len(nxt) == T3_COLS and all(_NUM_TOKEN.match(v) for v in nxt):
                _put(out, doc, i, version, "t3", rid, cols, nxt, last=i + 1)
                i += 2
                continue
            # one cell per line: the figures on the lines that follow, up to the next label (lines that
            # are only a bar separate cells; a cell may carry its bar: ``0 |``)
            j = i + 1
            values = []
            while j < n:
                c = lines[j].strip().strip("|").strip()
                if _NUM_TOKEN.match(c):
                    values.append(c)
                elif lines[j].strip() != "|":
                    break
                j += 1
            if len(values) == T3_COLS:
                _put(out, doc, i, version, "t3", rid, cols, values, last=j - 1)
            else:
                unread.append(i)
            i = j
            continue
        if _T4_HEAD.match(bare) or (_SECTION.match(bare) and not _is_group(bare, version)):
            break
        i += 1
    if any_row or unread:
        out.present.add("t3")
    if unread:
        out.not_read.append(NotRead(
            "表三（收到和处理政府信息公开申请情况）" + ("部分行" if "t3" in out.read else ""),
            f"纯文本中的表格有 {len(unread)} 行的数字个数与列数（{T3_COLS}）不符或连在一起，"
            "无法确定各数字所在的列，未读取",
            _src(doc, unread[0])))
    return i


def _is_group(text: str, version: str) -> bool:
    key = _key(text)
    return any(group and k == key for k, _rid, group in _row_keys(version))


def _read_t4(doc: Document, i: int, version: str, out: TextTables) -> int:
    lines = doc.lines
    n = len(lines)
    cols = _data_columns(version, "t4")
    numeric: list[tuple[int, list[str]]] = []
    header = False
    start = i
    while i < n:
        s = lines[i].strip()
        bare = s.strip("|").strip()
        if _SECTION.match(bare) or (bare and "。" in bare):
            break
        tokens = [t for t in re.split(r"[\s|]+", _orig_line(doc, i).strip()) if t]
        if tokens and any(t[0].isdigit() for t in tokens):
            numeric.append((i, tokens))
        elif _T4_HEADER.search(bare) and not re.search(r"[，；]", bare):
            header = True
        i += 1
    if not numeric and not header:
        return i  # a section heading with prose under it, not a table
    out.present.add("t4")
    rows = [(k, t) for k, t in numeric]
    values: list[str] | None = None
    first = last = start
    if len(rows) == 1 and len(rows[0][1]) == T4_COLS:
        values, first, last = rows[0][1], rows[0][0], rows[0][0]
    elif len(rows) == T4_COLS and all(len(t) == 1 for _k, t in rows):
        values, first, last = [t[0] for _k, t in rows], rows[0][0], rows[-1][0]
    if values is not None and all(_NUM_TOKEN.match(v) for v in values):
        _put(out, doc, first, version, "t4", "value", cols, values, last=last)
    else:
        where = _src(doc, rows[0][0]) if rows else _src(doc, max(start - 1, 0))
        out.not_read.append(NotRead("表四（政府信息公开行政复议、行政诉讼情况）",
                                    f"纯文本中的表格数字无法与 {T4_COLS} 列一一对应"
                                    "（数字个数不符、分行或连在一起），未读取",
                                    where))
    return i


def _put(out: TextTables, doc: Document, i: int, version: str, table: str, rid: str, cols: tuple[str, ...],
         values: list[str], last: int | None = None) -> None:
    out.read.add(table)
    src = _src(doc, i) if last is None or last == i else \
        doc.source(doc.starts[i], doc.starts[last] + len(doc.lines[last]))
    for col, v in zip(cols, values, strict=True):
        out.cells[CellKey(version, table, rid, col)] = (Figure.of(float(v)), src)
