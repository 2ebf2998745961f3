"""Synthetic datasets: many agency-years that look like real ones, clearly labelled as made up.

``write_dataset(out, agencies=N, years=(A, B), seed=S)`` writes a dataset directory in the layout of
``data/`` (see :mod:`govreport.core.schema`) that ``govreport check`` accepts without an error finding.
It feeds property tests and the benchmark in ``bench/``; it never writes into a non-synthetic dataset.

What makes it realistic:

* agencies of every kind and level (province/prefecture/county governments, their departments,
  township governments, public institutions) in made-up regions (合成示例省1/合成示例市103/…), named so
  that nobody can mistake them for real ones (“合成示例县10307民政局（合成数据）”, ids ``synth-000001``);
* the table format of the year (2019 trial tables for 2019–2020, 2021 tables from 2021), Table 3
  consistent by R1–R4 (2019: single （六） row; 2021: its three sub-rows), Table 4 by R6–R8;
* continuity across years: R10 (上年结转 = last year's 结转下年度), R11 (现行有效件数), R12 (上一年项目数量);
* sparsity: most small agencies receive no application (a table of zeros), 不适用 where an agency has no
  such power (规章 for county departments), a few blank cells where no rule needs them;
* the 主动公开 total with channels (website, WeChat, notice board, …) labelled as reports write them,
  overlap flags, qualifiers (余) and units (期 for a gazette stays out of the sum), content categories
  for some reports; publication dates within the Art. 49 deadline;
* Markdown narratives with the six national section headings.

A few reports are deliberately unusual but flagged, each giving one *warning* (never an error):
a data cut-off before 31 Dec (P2), a narrative-only report (format ``none``: F1) and a 2021 report
that still uses the 2019 Table 3/4 (format ``hybrid``: F2). ``SYNTHETIC.txt`` lists their numbers.

``broken=K`` additionally makes K reports inconsistent in known ways and writes ``EXPECTED_FINDINGS.csv``
(agency_id, year, rule, perturbation): exactly the error/warning rules each broken report triggers.
The unbroken reports are identical to those of the dataset without ``broken``.

Speed: everything is generated as numpy arrays (one row per agency, per agency-year, or per table
cell), and ``cells.csv`` is assembled in bulk with pyarrow string kernels: 100,000 agency-years (20 million
cells) take 10–15 s on two shared cores, 17 s with their 100,000 narratives (``bench/README.md``). The
other CSV files go through the canonical writer (:func:`govreport.store.dataset_files.canonical_text`); ``cells.csv``
is byte-identical to what that writer produces (tested).

This module holds the parameters, the result and the writing; the generation is split by concern:
:mod:`~govreport.analysis.synth_vocab` (constants: made-up agencies, mixes, labels, cell positions),
:mod:`~govreport.analysis.synth_gen` (the arrays), :mod:`~govreport.analysis.synth_perturb` (``broken``)
and :mod:`~govreport.analysis.synth_text` (the narratives).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from govreport.analysis.synth_gen import GENERATOR_VERSION, Expected, Generator
from govreport.analysis.synth_text import narrative
from govreport.analysis.synth_vocab import CATALOG, DATA_CELLS, FHYBRID, FNONE, N_CELLS
from govreport.core import schema as layout
from govreport.core.errors import GovreportError, ParameterError
from govreport.core.values import Mark, format_value

MAX_AGENCIES = 200_000
FIRST_YEAR = 2019
LAST_YEAR = 2100
EXPECTED_FILE = "EXPECTED_FINDINGS.csv"
MARKER_HEAD = "合成数据（SYNTHETIC DATA）"

# ------------------------------------------------------------------------------------------ parameters


@dataclass(frozen=True)
class SynthParams:
    agencies: int
    years: tuple[int, ...]
    seed: int = 0
    broken: int = 0
    narratives: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.agencies <= MAX_AGENCIES:
            raise ParameterError(f"--agencies 应在 1 到 {MAX_AGENCIES} 之间，实为 {self.agencies}",
                                 hint="例如 --agencies 1000")
        if not self.years:
            raise ParameterError("没有给出报告年度", hint="写作例如 --years 2019-2023")
        if list(self.years) != sorted(set(self.years)):
            raise ParameterError(f"报告年度应从小到大排列且不重复，实为 {self.years}",
                                 hint="写作例如 --years 2019-2023")
        if self.years[0] < FIRST_YEAR or self.years[-1] > LAST_YEAR:
            raise ParameterError(
                f"报告年度应在 {FIRST_YEAR} 到 {LAST_YEAR} 年之间（国家规定的表格格式从 {FIRST_YEAR} 年度报告起施行），"
                f"实为 {self.years[0]}—{self.years[-1]}", hint="写作例如 --years 2019-2023")
        if self.seed < 0:
            raise ParameterError(f"--seed 应为非负整数，实为 {self.seed}", hint="例如 --seed 1")
        if self.broken < 0:
            raise ParameterError(f"--broken 应为 0 或正整数，实为 {self.broken}", hint="例如 --broken 10")

    @property
    def command(self) -> str:
        first, last = self.years[0], self.years[-1]
        contiguous = list(self.years) == list(range(first, last + 1))
        years = (f"{first}-{last}" if last > first else str(first)) if contiguous else ",".join(map(str, self.years))
        cmd = f"govreport synth --agencies {self.agencies} --years {years} --seed {self.seed}"
        if self.broken:
            cmd += f" --broken {self.broken}"
        if not self.narratives:
            cmd += " --no-narratives"
        return cmd + " --out DIR"


@dataclass
class SynthResult:
    out: Path
    agencies: int
    reports: int
    cells: int
    channels: int
    categories: int
    narratives: int
    expected: list[Expected] = field(default_factory=list)
    flagged: dict[str, int] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------ writing


CELLS_HEADER = ",".join(layout.CELLS.columns) + "\n"
_CHUNK = 4000  # reports per block when assembling cells.csv


def _cells_csv(g: Generator, fh: io.BufferedWriter) -> int:
    """Write cells.csv in canonical form (sorted by agency, year, catalog order; canonical figure text).

    The text of every line is ``<agency_id>,<year>,`` + ``<version>,<table>,<row>,<column>,`` + value +
    ``,<note>\\n``, assembled with pyarrow string kernels one block of reports at a time.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    fh.write(CELLS_HEADER.encode())
    keys = [f"{k.version},{k.table},{k.row},{k.column}," for k in (CATALOG[c] for c in DATA_CELLS)]
    key_arr = pa.array(keys, type=pa.large_string())
    ids = np.array(g.agency_ids, dtype=object)
    empty_sep = pa.scalar("", type=pa.large_string())
    count = 0
    for lo in range(0, g.n_reports, _CHUNK):
        hi = min(lo + _CHUNK, g.n_reports)
        vals, marks, present, notes = g.cell_block(lo, hi)
        ri, cj = np.nonzero(present)
        if len(ri) == 0:
            continue
        prefixes = [f"{a},{y}," for a, y in zip(ids[g.r_agency[lo:hi]], g.r_year[lo:hi].tolist(), strict=True)]
        pre_arr = pa.array(prefixes, type=pa.large_string()).take(pa.array(ri))
        key_col = key_arr.take(pa.array(cj))
        v = vals[ri, cj]
        mk = marks[ri, cj]
        is_value = mk == Mark.VALUE
        whole = is_value & (v == np.floor(v))
        ints = np.where(whole, v, 0).astype(np.int64)
        text = pc.cast(pa.array(ints), pa.large_string())
        text = pc.if_else(pa.array(mk == Mark.NA), pa.scalar("不适用", pa.large_string()), text)
        odd = np.flatnonzero(is_value & ~whole)
        if len(odd):
            replacement = pa.array([format_value(x, Mark.VALUE) for x in v[odd].tolist()], type=pa.large_string())
            mask = np.zeros(len(v), dtype=bool)
            mask[odd] = True
            text = pc.replace_with_mask(text, pa.array(mask), replacement)
        tails = [",\n"]
        tail_idx = np.zeros(len(ri), dtype=np.int32)
        if notes:
            flat = ri.astype(np.int64) * N_CELLS + cj
            for (i, j), note in notes.items():
                tail_idx[int(np.searchsorted(flat, i * N_CELLS + j))] = len(tails)
                tails.append(f",{note}\n")
        tail_col = pa.array(tails, type=pa.large_string()).take(pa.array(tail_idx))
        lines = pc.binary_join_element_wise(pre_arr, key_col, text, tail_col, empty_sep)
        _write_string_array(fh, lines)
        count += len(ri)
    return count


def _write_string_array(fh: io.BufferedWriter, arr) -> None:
    """Write the concatenated contents of a pyarrow (large) string array without copying."""
    if hasattr(arr, "chunks"):  # pragma: no cover - compute returns arrays for array inputs
        for chunk in arr.chunks:
            _write_string_array(fh, chunk)
        return
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int64)
    start, end = int(off[arr.offset]), int(off[arr.offset + len(arr)])
    fh.write(memoryview(data)[start:end])


def _expected_csv(expected: list[Expected]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["agency_id", "year", "rule", "perturbation"])
    for e in expected:
        for rule in e.rules:
            w.writerow([e.agency_id, e.year, rule, e.perturbation])
    return buf.getvalue()


def _marker_text(p: SynthParams, g: Generator, counts: dict[str, int]) -> str:
    flagged = _flag_counts(g)
    lines = [
        f"{MARKER_HEAD}——本目录不是真实的政府信息公开工作年度报告",
        "",
        "本目录中的全部机关、编号、数字和文字均由 govreport 软件随机生成，纯属虚构，仅供测试和性能基准使用。",
        "机关名称均带“合成示例”字样和“（合成数据）”后缀，机关编号均以 synth- 开头。",
        "This directory was generated by govreport: every agency, figure and text in it is made up.",
        "",
        f"command: {p.command}",
        f"seed: {p.seed}",
        f"generator: govreport.analysis.synth version {GENERATOR_VERSION}",
        f"report years: {', '.join(map(str, p.years))}",
        f"agencies: {counts['agencies']}",
        f"agency-years: {counts['reports']}",
        f"cells: {counts['cells']}",
        f"channel figures: {counts['channels']}",
        f"category figures: {counts['categories']}",
        f"narratives: {counts['narratives']}",
        "",
        "Findings expected from `govreport check` on the reports that were not broken on purpose",
        "(warnings and infos only, never an error):",
        f"  P2 warning (data cut-off before 31 Dec): {flagged['P2']}",
        f"  F1 warning (narrative-only report, format none): {flagged['F1']}",
        f"  F2 warning (hybrid: 2019 Table 3/4 in a 2021 report): {flagged['F2']}",
        f"  P4 info (no statistical period stated): {flagged['P4']}",
    ]
    if p.broken:
        lines += ["", f"broken reports: {p.broken}; the rules each one triggers are listed in {EXPECTED_FILE}"]
    return "\n".join(lines) + "\n"


def _flag_counts(g: Generator) -> dict[str, int]:
    return {"P2": int(g.cutoff.sum()), "F1": int((g.fmt == FNONE).sum()), "F2": int((g.fmt == FHYBRID).sum()),
            "P4": int(g.no_period.sum())}


# ------------------------------------------------------------------------------------------ safety


def _repo_data_dir() -> Path:
    return (Path(__file__).resolve().parents[2] / "data").resolve()


def is_synthetic_dir(path: Path) -> bool:
    marker = path / layout.SYNTHETIC_MARKER
    try:
        with marker.open(encoding="utf-8") as fh:
            return fh.readline().startswith(MARKER_HEAD)
    except (OSError, UnicodeDecodeError):
        return False


def check_target(out: Path) -> None:
    """Refuse to write where a real dataset (or anything that is not ours) lives."""
    target = out.resolve()
    data = _repo_data_dir()
    if target == data or data in target.parents:
        raise GovreportError(
            f"拒绝把合成数据写入 {out}：那是仓库的真实数据集（data/）",
            hint="另选一个目录，例如 --out /tmp/synth", code="refused")
    if not target.exists():
        return
    if not target.is_dir():
        raise GovreportError(f"拒绝把合成数据写入 {out}：它已存在且不是目录",
                             hint="另起一个新的目录名", code="refused")
    if not any(target.iterdir()):
        return
    if is_synthetic_dir(target):
        return
    what = "存放着非合成的数据集" if (target / layout.REPORTS.name).exists() else "不是空目录，也没有合成数据集"
    raise GovreportError(
        f"拒绝把合成数据写入 {out}：该目录{what}（没有 {layout.SYNTHETIC_MARKER} 标记文件）",
        hint="选一个新的或空的目录；已有的合成数据集会被整体替换",
        code="refused")


# ------------------------------------------------------------------------------------------ entry point


def generate(params: SynthParams) -> Generator:
    """Generate (but do not write) a synthetic dataset."""
    return Generator(params)


def write_dataset(out: str | os.PathLike[str], *, agencies: int, years: Sequence[int], seed: int = 0,
                  broken: int = 0, narratives: bool = True) -> SynthResult:
    """Generate a synthetic dataset and write it to ``out`` (replacing a synthetic dataset there).

    The directory is built beside ``out`` and renamed into place, so a failure leaves ``out`` as it was.
    """
    from govreport.store.csvstore import empty_frame
    from govreport.store.dataset_files import canonical_text

    out = Path(out)
    params = SynthParams(agencies=int(agencies), years=tuple(int(y) for y in years), seed=int(seed),
                         broken=int(broken), narratives=bool(narratives))
    check_target(out)
    g = generate(params)
    frames = {
        "agencies": g.agencies_frame(),
        "reports": g.reports_frame(),
        "cells": empty_frame(layout.CELLS),
        "channels": g.channels_frame(),
        "categories": g.categories_frame(),
    }
    texts = canonical_text(frames)
    try:
        n_cells, n_narr = _write_staged(out, params, g, frames, texts)
    except OSError as exc:
        raise GovreportError(f"无法把合成数据集写入 {out}：{exc.strerror or exc}",
                             hint="选一个有写权限、磁盘空间足够的目录",
                             code="write-failed") from None
    counts = {"channels": len(frames["channels"]), "categories": len(frames["categories"])}
    return SynthResult(out=out, agencies=params.agencies, reports=g.n_reports, cells=n_cells,
                       channels=counts["channels"], categories=counts["categories"], narratives=n_narr,
                       expected=g.expected, flagged=_flag_counts(g))


def _write_staged(out: Path, params: SynthParams, g: Generator, frames: dict[str, pd.DataFrame],
                  texts: dict[str, str]) -> tuple[int, int]:
    """Write everything into a directory beside ``out``, then rename it into place."""
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    stage = parent / f".{out.name}.synth-{os.getpid()}.tmp"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir()
    try:
        for spec in (layout.AGENCIES, layout.REPORTS, layout.CHANNELS, layout.CATEGORIES):
            (stage / spec.name).write_text(texts[spec.name], encoding="utf-8", newline="\n")
        with open(stage / layout.CELLS.name, "wb") as fh:
            n_cells = _cells_csv(g, fh)
        n_narr = _write_narratives(g, stage) if params.narratives else 0
        counts = {"agencies": params.agencies, "reports": g.n_reports, "cells": n_cells,
                  "channels": len(frames["channels"]), "categories": len(frames["categories"]), "narratives": n_narr}
        (stage / layout.SYNTHETIC_MARKER).write_text(_marker_text(params, g, counts), encoding="utf-8",
                                                     newline="\n")
        if params.broken:
            (stage / EXPECTED_FILE).write_text(_expected_csv(g.expected), encoding="utf-8", newline="\n")
        _swap_into_place(stage, out.resolve())
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return n_cells, n_narr


def _write_narratives(g: Generator, root: Path) -> int:
    base = root / layout.NARRATIVES_DIR
    base.mkdir()
    made: set[int] = set()
    count = 0
    for r in range(g.n_reports):
        a = int(g.r_agency[r])
        d = base / g.agency_ids[a]
        if a not in made:
            d.mkdir()
            made.add(a)
        with open(d / f"{int(g.r_year[r])}.md", "w", encoding="utf-8", newline="\n") as fh:
            fh.write(narrative(g, r))
        count += 1
    return count


def _swap_into_place(stage: Path, target: Path) -> None:
    """Rename ``stage`` to ``target``; an existing (synthetic or empty) ``target`` is removed afterwards."""
    if not target.exists():
        os.replace(stage, target)
        return
    check_target(target)  # still ours: nothing appeared there meanwhile
    old = target.parent / f".{target.name}.synth-old-{os.getpid()}"
    os.replace(target, old)
    try:
        os.replace(stage, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
