"""How a render's files reach their folder: staged beside the destination, renamed into place together.

A render child (:mod:`govreport.run.child`) writes every output into a hidden staging directory
``<target>/.staging-<pid>-*/`` (:func:`new_staging`); the parent adds the PDF there and :func:`commit` renames
the files into place, ``provenance.json`` (the record of this good render) last, and removes the output files
of an earlier render that this one did not produce. A staging directory left by a killed render is removed by
the next render of the same folder (and by the next batch). A failing cell's executed notebook is kept at
``<target>/failed/report.ipynb`` (:func:`failed_cell`), and nothing else from that run is written.

Which files: :data:`RENDERED_FILES` (all a render may leave), :func:`publication_files` (the publication
copies that the checks' errors hold back) and :func:`expected_files` (what a good render leaves).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from govreport.core.errors import CellExecutionError
from govreport.store.paths import remove_stale

PDF_SUBJECT = "政府信息公开工作年度报告"
OFFICIAL_INPUTS = "official-inputs.json"  # staged by the child for the official-layout PDF (not an output)
#: Output files a render may leave in its directory. A successful render removes those of them it did not
#: produce this time (left from an earlier render with other inputs or outputs, they would be stale).
RENDERED_FILES = ("report.ipynb", "report.html", "review.html", "report.pdf", "report.docx")
STAGING_PREFIX = ".staging-"  # + the pid of the child that stages, so its parent can remove it


def publication_files(to: Iterable[str]) -> tuple[str, ...]:
    """The publication copies these outputs ask for (held back when the checks find errors)."""
    to = set(to)
    return tuple(name for out, name in (("html", "report.html"), ("pdf", "report.pdf"), ("docx", "report.docx"))
                 if out in to)


def expected_files(to: Iterable[str]) -> tuple[str, ...]:
    """The files a good render with these outputs leaves (``provenance.json`` aside)."""
    to = set(to)
    files = ["report.ipynb"]
    if "html" in to:
        files += ["report.html", "review.html"]
    if "pdf" in to:
        files.append("report.pdf")
    if "docx" in to:
        files.append("report.docx")
    return tuple(files)


def new_staging(target: Path) -> Path:
    """A new staging directory in ``target`` (created), for this process; leftovers of killed renders go."""
    target.mkdir(parents=True, exist_ok=True)
    remove_stale(target, STAGING_PREFIX)  # left by a killed render
    return Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=target))


def failed_cell(exc: CellExecutionError, staging: Path, target: Path) -> CellExecutionError:
    kept = _keep_failed(staging, target)
    shutil.rmtree(staging, ignore_errors=True)
    return CellExecutionError(exc.message, cell_index=exc.cell_index, ename=exc.ename, evalue=exc.evalue,
                              notebook_path=str(kept), hint=f"出错的已执行笔记本保存在：{kept}")


def _keep_failed(staging: Path, target: Path) -> Path:
    failed = target / "failed"
    failed.mkdir(parents=True, exist_ok=True)
    kept = failed / "report.ipynb"
    if (staging / "report.ipynb").exists():
        os.replace(staging / "report.ipynb", kept)
    return kept


def commit(staging: Path, target: Path, produced: list[str], record: Mapping[str, Any]) -> dict[str, Path]:
    """Rename the staged files into place; ``provenance.json`` (the record of this good render) last. Output
    files of an earlier render that this one did not produce are removed first (they would be stale)."""
    manifest = dict(record) | {"files": sorted(produced)}
    (staging / "provenance.json").write_text(
        json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    for name in RENDERED_FILES:
        if name not in produced:
            (target / name).unlink(missing_ok=True)
    files: dict[str, Path] = {}
    for name in [*produced, "provenance.json"]:
        os.replace(staging / name, target / name)
        files[name] = target / name
    shutil.rmtree(target / "failed", ignore_errors=True)
    return files
