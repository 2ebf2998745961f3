"""Layer 7, the run: executing notebooks and producing every agency-year's files, alone or in a batch.

May import every layer below. The runtime contract (what runs in which process, and why) is stated once,
in :mod:`.worker`.

Module map
----------
``pipeline``        :class:`Renderer`: check → execute → export → print → rename into place; ``render_many``
``child``           what runs in a render's child: the job, resolve → execute → export into staging, the outcome
``publish``         staging beside the destination, the atomic rename into place, the output file names
``params``          the notebook's declared parameters and their validation (before any execution)
``engine``          the in-process papermill engine (IPython ``InteractiveShell``) and the kernel engine
``engine_names``    ``--engine`` choices, importable without papermill
``worker``          the runtime contract (which process runs what; fork or spawn; portability)
``pdf``             Playwright driving the system Chromium: A4 PDF with 「第 N 页 共 M 页」
``pdfpost``         Chromium's PDF finished: Chinese text layer, provenance in the info
``batch_runner``    ``govreport batch`` as a function: plan, render, index, state
``batch_plan``      the selection, input hashes in bulk, the skip decision
``batch_state``     the output folder's lock, leftovers, ``batch.json``
``batch_server``    a warm batch worker process
``batch_local``     the local scheduler (a pool of warm workers)
``batch_dask``      the same batch on a ``dask.distributed`` cluster
``batch_progress``  tqdm on a terminal, plain lines otherwise

Importing this package is cheap; heavy modules load on use. It defers ``rfc3987_syntax`` (see
:mod:`govreport.render._fastimport`) before anything here can import nbformat.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from govreport.render._fastimport import defer_rfc3987_syntax

defer_rfc3987_syntax()

__all__ = ["RenderResult", "Renderer", "render"]

if TYPE_CHECKING:  # pragma: no cover
    from govreport.run.pipeline import Renderer, RenderResult, render


def __getattr__(name: str) -> Any:
    if name in __all__:
        from govreport.run import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'govreport.run' has no attribute {name!r}")
