"""Kernels of the report's text (N1–N3): the official parts present, no draft mark left, and the figures the
text states against the data.

One check type, ``TextPredicate``, whose ``kind`` names a kernel registered with :func:`_text_kind`. The
narratives are read once per run (:func:`_text_data`, kept on the engine): from the dataset's sections when it
holds them, else from ``narratives/<agency_id>/<year>.md`` under its directory.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govreport.checks.channels import _channel_data
from govreport.checks.registry import _BLANK, _VALUE, _num, _spec, kernel, registrar
from govreport.checks.report_level import _report_dates
from govreport.checks.results import _FAIL, _NA, _PASS, where_text
from govreport.checks.rules import TOLERANCE, Rule, TextPredicate
from govreport.core import schema as layout
from govreport.core.errors import GovreportError
from govreport.core.formats import CellKey, cell_ids
from govreport.core.keys import agency_year_key
from govreport.store.matrix import luts as _luts

if TYPE_CHECKING:  # pragma: no cover
    from govreport.checks.engine import _Engine


def _text_data(engine: _Engine) -> dict[int, list[tuple[str, str, str, int | None]] | None] | None:
    """Each selected report's narrative sections as (heading, body, file, line), by report position (a
    report without a narrative file: no entry; one whose file cannot be read: None, not assessable —
    rendering it names the problem); None when the dataset's narratives are not known at all (a report
    checked on its own without its text)."""
    return engine.memo("text", lambda: _read_text_data(engine))[0]


def _raw_text(engine: _Engine) -> dict[int, str]:
    """The narrative files as read, by report position (their lines are the files' lines)."""
    return engine.memo("text", lambda: _read_text_data(engine))[1]


def _read_text_data(engine: _Engine) -> tuple[dict[int, list[tuple[str, str, str, int | None]] | None] | None,
                                               dict[int, str]]:
    """:func:`_text_data` and :func:`_raw_text`, read together."""
    ds = engine.ds
    raw: dict[int, str] = {}
    out: dict[int, list[tuple[str, str, str, int | None]] | None] | None = {}
    frame = ds._sections
    if frame is not None:
        if len(frame):
            codes = engine.agency_cats.get_indexer(pd.Index(frame["agency_id"].astype(str)))
            keys = agency_year_key(codes, frame["year"].to_numpy())
            pos = np.where(codes >= 0, engine.index.find(keys), -1)
            for p, h, b, f, ln in zip(pos, frame["heading"], frame["body"], frame["file"], frame["line"],
                                      strict=True):
                if p >= 0 and engine.sel[p]:
                    line = None if ln is None or pd.isna(ln) else int(ln)
                    out.setdefault(int(p), []).append((str(h or ""), str(b or ""), str(f or ""), line))  # type: ignore[union-attr]
    elif ds.root is None:
        out = None
    else:
        from govreport.core.report_text import split_sections
        from govreport.store.textfile import read_text

        root = Path(ds.root)
        sel = np.flatnonzero(engine.sel)
        files = _narrative_files(root) if len(sel) > 1000 else None  # one listing instead of a stat each
        ids = engine.agency_ids
        for p in sel:
            aid, year = ids[engine.codes[p]], int(engine.years[p])
            if files is not None and (aid, year) not in files:
                continue
            rel = layout.narrative_path(aid, year)
            path = root / rel
            if files is None and not path.exists():
                continue
            try:
                text, _ = read_text(path)
            except (GovreportError, OSError):
                out[int(p)] = None
                continue
            raw[int(p)] = text
            out[int(p)] = [(h, b, rel, ln) for h, b, ln in split_sections(text)]
    return out, raw


def _narrative_files(root: Path) -> set[tuple[str, int]]:
    """(agency id, year) of every ``narratives/<agency_id>/<year>.md`` under a dataset directory."""
    out: set[tuple[str, int]] = set()
    base = root / layout.NARRATIVES_DIR
    if not base.is_dir():
        return out
    for d in os.scandir(base):
        if d.is_dir():
            for f in os.scandir(d.path):
                stem, dot, ext = f.name.rpartition(".")
                if dot and ext == "md" and stem.isdigit():
                    out.add((d.name, int(stem)))
    return out


def _text_file(engine: _Engine, rel: str) -> str:
    return os.path.join(str(engine.ds.root), rel) if rel and engine.ds.root is not None else rel


def _table_present(engine: _Engine, p: int, table: str) -> bool:
    """The report has figures (or 不适用) in a table of any version; ``t2`` = any 表二 block."""
    for i, (_v, t) in enumerate(_luts().table_keys):
        if (t == table or (table == "t2" and t.startswith("t2"))) and engine.present[p, i]:
            return True
    return False


def _part_figures(engine: _Engine) -> list[np.ndarray]:
    """Per official part (formats.SECTION_SPECS): which reports have figures shown in it."""
    def build() -> list[np.ndarray]:
        from govreport.core.formats import SECTION_SPECS

        total_mark = engine.ds.reports["proactive_total_mark"].to_numpy()
        out = []
        for spec in SECTION_SPECS:
            has = np.zeros(engine.n, dtype=bool)
            for i, (_v, t) in enumerate(_luts().table_keys):
                if any(t == x or (x == "t2" and t.startswith("t2")) for x in spec.tables):
                    has |= engine.present[:, i]
            if spec.proactive:
                has |= total_mark != _BLANK
            out.append(has)
        return out

    return engine.memo("part_figures", build)


_FORMATTED = ("2019", "2021", "hybrid")


def _no_text(engine: _Engine, rule: Rule, pos: np.ndarray) -> None:
    """N1 for reports without any text: one instance each (vectorised; a finding per failing report)."""
    from govreport.core.formats import SECTION_SPECS
    from govreport.core.report_text import official_headings

    if not len(pos):
        return
    formatted = np.isin(_report_dates(engine)["format"][pos], _FORMATTED)
    figures = np.stack([f[pos] for f in _part_figures(engine)], axis=1)  # reports × parts
    fail = ~formatted | ~figures.all(axis=1)
    engine.tally(rule, pos, np.where(fail, _FAIL, _PASS))
    # a dataset without narratives fails every report: the message depends only on the format kind, the year
    # and the parts without figures, and the file on the agency and year, so both are built once per distinct key
    prefix = os.path.join(str(engine.ds.root), "") if engine.ds.root is not None else ""  # = _text_file's join
    messages: dict[tuple, str] = {}
    for i in np.flatnonzero(fail):
        p = int(pos[i])
        aid, year = engine.agency_ids[engine.codes[p]], int(engine.years[p])
        key = (bool(formatted[i]), year, figures[i].tobytes())
        message = messages.get(key)
        if message is None:
            if formatted[i]:
                heads = official_headings(year)
                missing = "、".join(f"“{heads[k]}”" for k in range(len(SECTION_SPECS)) if not figures[i, k])
                message = f"报告没有正文：缺少{missing}部分（这些部分没有表格数据，须有文字）。"
            else:
                message = "报告没有正文：纯文字报告的内容全部在正文中，数据中却没有正文。"
            messages[key] = message
        file = "" if engine.ds._sections is not None else prefix + layout.narrative_path(aid, year)
        engine.add(rule, p, place="正文", expected="有文字", found="缺少", file=file, message=message)


_TextKernel = Callable[["_Engine", Rule, dict[int, Any], np.ndarray], None]
#: One kernel per :class:`~govreport.checks.rules.TextPredicate` kind, registered with :func:`_text_kind`:
#: ``kernel(engine, rule, text, without)``, ``text`` from :func:`_text_data`, ``without`` the positions of the
#: selected reports that have no text.
_TEXT_KINDS: dict[str, _TextKernel] = {}


def _text_kind(kind: str) -> Callable[[_TextKernel], _TextKernel]:
    return registrar(_TEXT_KINDS, kind)


@kernel(TextPredicate)
def _text_predicate(engine: _Engine, rule: Rule, check: TextPredicate) -> None:
    text = _text_data(engine)
    sel = np.flatnonzero(engine.sel)
    if text is None:
        engine.tally(rule, sel, _NA)
        return
    has = np.zeros(engine.n, dtype=bool)
    has[np.fromiter(text.keys(), dtype=np.int64, count=len(text))] = True
    _TEXT_KINDS[check.kind](engine, rule, text, sel[~has[sel]])


def _readable(engine: _Engine, rule: Rule, text: dict[int, Any]
              ) -> Iterator[tuple[int, list[tuple[str, str, str, int | None]], str]]:
    """(position, sections, file) of each report with a text, in order; a narrative file that cannot be read
    is not assessable (rendering names the problem)."""
    for p in sorted(text):
        rows = text[p]
        if rows is None:
            engine.tally(rule, np.array([p]), _NA)
            continue
        aid = str(engine.agency_cats[engine.codes[p]])
        year = int(engine.years[p])
        file = _text_file(engine, rows[0][2] if rows and rows[0][2] else layout.narrative_path(aid, year))
        if engine.ds._sections is not None:
            file = _text_file(engine, rows[0][2]) if rows and rows[0][2] else ""
        yield p, rows, file


@_text_kind("parts_present")
def _parts_present(engine: _Engine, rule: Rule, text: dict[int, Any], without: np.ndarray) -> None:
    """N1: every official part has text (or, for a part with tables, figures); a narrative-only report has text."""
    _no_text(engine, rule, without)
    fmt = _report_dates(engine)["format"]
    figures = _part_figures(engine)
    for p, rows, file in _readable(engine, rule, text):
        if fmt[p] in _FORMATTED:
            _official_parts(engine, rule, p, rows, file, figures)
        elif any(b.strip() for _, b, _, _ in rows):
            engine.tally(rule, np.array([p]), _PASS)
        else:
            engine.tally(rule, np.array([p]), _FAIL)
            engine.add(rule, p, place="正文", expected="有文字", found="缺少", file=file,
                       message="报告没有正文：纯文字报告的内容全部在正文中，数据中却没有正文。")


def _official_parts(engine: _Engine, rule: Rule, p: int, rows: list[tuple[str, str, str, int | None]], file: str,
                    figures: list[np.ndarray]) -> None:
    """N1 for a report in an official format: one instance per official part."""
    from govreport.core.formats import SECTION_SPECS
    from govreport.core.report_text import assign_topics, official_headings

    topics = assign_topics([h for h, *_ in rows])
    heads = official_headings(int(engine.years[p]))
    for k, (spec, heading) in enumerate(zip(SECTION_SPECS, heads, strict=True)):
        mine = [r for r, t in zip(rows, topics, strict=True) if t == spec.topic]
        if any(b.strip() for _, b, _, _ in mine) or figures[k][p]:
            engine.tally(rule, np.array([p]), _PASS)
            continue
        engine.tally(rule, np.array([p]), _FAIL)
        tables = "，本部分也没有填报数字" if spec.tables else ""
        if mine:
            message, found, line = f"正文“{mine[0][0]}”部分没有文字{tables}。", "空白", mine[0][3]
        else:
            message, found, line = f"正文缺少“{heading}”部分{tables}。", "缺少", None
        engine.add(rule, p, place=f"正文“{heading}”", message=message, expected="有文字",
                   found=found, file=file, line=line, order=(k,))


@_text_kind("no_draft_mark")
def _no_draft_mark(engine: _Engine, rule: Rule, text: dict[int, Any], without: np.ndarray) -> None:
    """N3: no draft mark left in the text."""
    from govreport.core.report_text import DRAFT_MARK

    engine.tally(rule, without, _NA)
    for p, rows, file in _readable(engine, rule, text):
        if not rows:
            engine.tally(rule, np.array([p]), _NA)
            continue
        marked = [r for r in rows if DRAFT_MARK in r[1]]
        engine.tally(rule, np.array([p]), _FAIL if marked else _PASS)
        for i, (h, _b, _f, line) in enumerate(marked):
            where = f"“{h}”部分" if h else "开头部分"
            engine.add(rule, p, place=f"正文{where}", message=f"正文{where}仍有草稿标记“{DRAFT_MARK}”。",
                       expected="本年度文字", found="上年文字草稿", file=file, line=line, order=(i,))


@_text_kind("figures_agree")
def _figures_agree_kind(engine: _Engine, rule: Rule, text: dict[int, Any], without: np.ndarray) -> None:
    """N2: the figures the text states agree with the data."""
    engine.tally(rule, without, _NA)
    for p, rows, file in _readable(engine, rule, text):
        if not any(b.strip() for _, b, _, _ in rows):
            engine.tally(rule, np.array([p]), _NA)
            continue
        _figures_agree(engine, rule, p, rows, file)
    _figure_cache(engine).save()


def _channel_agrees(engine: _Engine, rule: Rule, p: int, fig: Any, said: str, file: str, with_lines: bool,
                    k: int) -> int:
    """N2 for a channel figure of the text: against the data's channel of the same label (as written)."""
    c = _channel_data(engine)
    def blocks() -> tuple[Any, ...]:  # each report's channel rows, once: (order, start per report)
        ch = c["frame"]
        order = np.argsort(c["pos"], kind="stable")
        starts = np.searchsorted(c["pos"][order], np.arange(engine.n + 1))
        return (order, starts, ch["label"].astype(str).to_numpy(dtype=object),
                ch["line"].to_numpy() if "line" in ch else None, ch["seq"].to_numpy())

    order, starts, labels, lines, seqs = engine.memo("channel_blocks", blocks)
    hit = [int(i) for i in order[starts[p]:starts[p + 1]] if labels[i] == fig.row]
    if len(hit) != 1 or int(c["marks"][hit[0]]) != _VALUE:
        return _NA
    i = hit[0]
    data = float(c["values"][i])
    if abs(data - fig.value) <= TOLERANCE:
        return _PASS
    cfile = engine.files["channels"]
    line = int(lines[i]) if cfile and lines is not None else None
    source = engine.channel_source(i)
    at = _at(where_text(cfile, line) if cfile else "", source)
    place = f"主动公开渠道“{fig.row}”"
    engine.add(rule, p, place=f"{place}（正文与数据）", message=f"{said}，但数据中{place}为 {_num(data)}{at}。",
               expected=_num(data), found=_num(fig.value), channel_seq=int(seqs[i]), file=file,
               line=fig.line if with_lines else None, source=source, order=(0, k))
    return _FAIL


def _figure_cache(engine: _Engine) -> Any:
    """The figures each text states (the prose reader), kept beside the dataset's cache when it has one."""
    from govreport.readers.stated import FigureCache

    return engine.memo("figure_cache", lambda: FigureCache(engine.ds.cache_dir))


def _figures_agree(engine: _Engine, rule: Rule, p: int, rows: list[tuple[str, str, str, int | None]],
                   file: str) -> None:
    """N2: every figure the text states against the data (the proactive total, table cells)."""
    from govreport.core.model import Section
    from govreport.core.report_text import join_sections

    code = int(engine.codes[p])
    year = int(engine.years[p])
    text = _raw_text(engine).get(p)  # the file as read: its lines are the file's
    with_lines = text is not None
    if text is None:
        text = join_sections([Section(h, b) for h, b, _, _ in rows])
    agencies: dict[int, Any] = engine.memo("agency_objects", dict)  # the Agency of each code, once per run
    if code not in agencies:
        agencies[code] = engine.ds.agency(str(engine.agency_cats[code]))
    try:
        stated = _figure_cache(engine).get(text, file or "正文", agencies[code], year)
    except GovreportError:  # a text the prose reader refuses: its figures cannot be compared
        engine.tally(rule, np.array([p]), _NA)
        return
    rep = engine.ds.reports
    totals = engine.memo("totals", lambda: (rep["proactive_total"].to_numpy(dtype=np.float64),
                                            rep["proactive_total_mark"].to_numpy()))
    status: list[int] = []
    for k, fig in enumerate(stated):
        where = f"正文第 {fig.line} 行" if with_lines and fig.line else "正文"
        said = f"{where}写“{fig.sentence}”，读作 {_num(fig.value)}"
        if fig.table == "channel":
            status.append(_channel_agrees(engine, rule, p, fig, said, file, with_lines, k))
        elif not fig.table:
            status.append(_total_agrees(engine, rule, p, fig, said, file, with_lines, k, totals))
        else:
            status.append(_cell_agrees(engine, rule, p, fig, said, file, with_lines, k))
    if status:
        engine.tally(rule, np.full(len(status), p, dtype=np.int64), np.asarray(status, dtype=np.int64))
    else:
        engine.tally(rule, np.array([p]), _NA)


def _total_agrees(engine: _Engine, rule: Rule, p: int, fig: Any, said: str, file: str, with_lines: bool, k: int,
                  totals: tuple[np.ndarray, np.ndarray]) -> int:
    """N2 for the stated 主动公开 total of the text: against the data's."""
    if int(totals[1][p]) != _VALUE:
        return _NA
    data = float(totals[0][p])
    if abs(data - fig.value) <= TOLERANCE:
        return _PASS
    rfile, rline = engine.report_place(p)
    source = engine.total_source(p)
    at = _at(where_text(rfile, rline) if rfile else "", source)
    engine.add(rule, p, place="主动公开 总数（正文与数据）",
               message=f"{said}，但数据中的主动公开总数为 {_num(data)}{at}。",
               expected=_num(data), found=_num(fig.value), file=file, line=fig.line if with_lines else None,
               source=source, order=(0, k))
    return _FAIL


def _cell_agrees(engine: _Engine, rule: Rule, p: int, fig: Any, said: str, file: str, with_lines: bool,
                 k: int) -> int:
    """N2 for a table figure of the text: against the cell of the first version whose table the report has."""
    lut = _luts()
    hit = None
    for v in lut.versions:
        gid = cell_ids().get(CellKey(v, fig.table, fig.row, fig.column))
        if gid is not None and engine.has_table(v, fig.table)[p]:
            hit = (v, gid, engine.cell_index(p, gid))
            break
    if hit is None or hit[2] is None or int(engine.cell_marks[hit[2]]) != _VALUE:
        return _NA
    v, gid, i = hit
    data = float(engine.cell_values[i])
    if abs(data - fig.value) <= TOLERANCE:
        return _PASS
    place = _spec(v, fig.table).place(fig.row, fig.column)
    cfile = engine.files["cells"]
    source = engine.cell_source(i)
    tail = _at(where_text(cfile, int(engine.cell_lines[i])) if cfile else "", source)
    engine.add(rule, p, place=f"{place}（正文与表格）", message=f"{said}，但{place}为 {_num(data)}{tail}。",
               expected=_num(data), found=_num(fig.value), version=v, table=fig.table, row=fig.row,
               column=fig.column, file=file, line=fig.line if with_lines else None, source=source,
               order=(1, k))
    return _FAIL


def _at(where: str, source: str) -> str:
    """``（数据文件 行；录入位置 工作簿!单元格）`` for a message, or "" when neither is known."""
    at = [where] if where else []
    if source:
        at.append(f"录入位置 {source}")
    return f"（{'；'.join(at)}）" if at else ""
