"""Rendering annual reports: the notebook, its execution, the HTML and PDF renditions.

Module map
----------
``fonts``        find the Noto CJK SC faces; register them with matplotlib; clear error when missing
``charts``       the channel-distribution chart (deterministic SVG, glyphs as outlines)
``tables``       immutable table layouts built from :class:`~govreport.model.TableData` and statistics
                 frames, and the one HTML renderer (merged header cells; blank / 0 / 不适用 kept apart;
                 finding markers for the reviewer's copy)
``markup``       escaping and the narrative Markdown renderer (raw HTML, links and images disabled)
``document``     the pieces of a report (title, opening, parts, tables, chart, appendix) as displayable
                 objects carrying a publication and a reviewer rendition
``provenance``   what every output records: govreport version, input hash, notebook hash, parameters
``params``       the notebook's declared parameters and their validation (before any execution)
``datacache``    per-process memo of loaded datasets (a forked child inherits the parent's)
``engine``       the in-process papermill engine (IPython ``InteractiveShell``) and the kernel engine
``worker``       :class:`~.worker.ForkedCall`: run a function in a fork, get its result or error back
``html``         nbconvert export of the executed notebook: publication and reviewer copies
``pdf``          Playwright driving the system Chromium: A4 PDF with 「第 N 页 共 M 页」
``pdfpost``      incremental update of Chromium's PDF: correct Chinese text layer, provenance in the info
``pipeline``     :class:`Renderer`: check → fork (validate, execute, export) ‖ start Chromium → print →
                 rename into place; ``render_many`` for batches
``_fastimport``  defers ``rfc3987_syntax`` (jsonschema would compile its grammar at nbformat's import)

Importing this package is cheap; heavy modules load on use. It defers ``rfc3987_syntax`` (see
:mod:`._fastimport`) before anything here can import nbformat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._fastimport import defer_rfc3987_syntax

defer_rfc3987_syntax()

__all__ = ["RenderResult", "Renderer", "render"]

if TYPE_CHECKING:  # pragma: no cover
    from .pipeline import Renderer, RenderResult, render


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'govreport.render' has no attribute {name!r}")
