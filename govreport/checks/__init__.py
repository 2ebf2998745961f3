"""Layer 4, the checks: the consistency rules declared as data, and the one engine that runs them.

May import :mod:`govreport.core`, :mod:`govreport.store` and :mod:`govreport.readers` (rule N2 reads the
figures a report's text states). Every finding of every rule is collected in one pass.

Module map
----------
``rules``         every rule (R1–R13, F, C, M, N …) as data: id, severity, reason code, message
``results``       ``CheckResult``: the findings and the per-rule counts of a run (data; its HTML is in
                  :mod:`govreport.render.display`)
``engine``        the engine: the context a run shares, the one pass, the entry points ``run`` and ``check_report``
``selection``     the rules and agency-years a run checks, and the part of the dataset they need
``registry``      ``KERNELS``: check type → kernel, filled by the families below
``arithmetic``    kernels of table arithmetic: sums, cross-year identities, parts within a total, total present
``cells``         kernels of single cells: group headers blank, value types, magnitudes
``channels``      kernels of the 主动公开 channels: their sum against the total, no negative count
``report_level``  kernels of the report as a whole: period, cutoff, publication date, declared format
``text``          kernels of the text (N1–N3): parts present, no draft mark, stated figures against the data
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["FINDING_COLUMNS", "SUMMARY_COLUMNS", "CheckResult", "check_report", "run"]

#: public name -> the module of this package that defines it (loaded on first use, so that importing
#: ``govreport.checks.rules`` alone does not load the engine and pandas)
_PUBLIC = {"FINDING_COLUMNS": "results", "SUMMARY_COLUMNS": "results", "CheckResult": "results",
           "check_report": "engine", "run": "engine"}

if TYPE_CHECKING:  # pragma: no cover
    from govreport.checks.engine import check_report, run
    from govreport.checks.results import FINDING_COLUMNS, SUMMARY_COLUMNS, CheckResult


def __getattr__(name: str) -> Any:
    if name in _PUBLIC:
        import importlib

        value = getattr(importlib.import_module(f"{__name__}.{_PUBLIC[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'govreport.checks' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | set(globals()))
