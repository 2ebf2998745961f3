"""govreport: compute, check and render China's annual government-information-disclosure reports.

The public API, all reachable from ``import govreport`` (and offered by tab completion):

===========================  =====================================================================
``load(path)``               read and validate a dataset directory → :class:`Dataset`
``Dataset``                  the tidy frames; ``.report()``, ``.table()``, ``.tidy()``, ``.wide()``,
                             ``.panel()``, ``.check()``
``Report``, ``TableData``    one agency-year and one of its official tables (:mod:`govreport.core.model`)
``LabelledTable``            an official table as labelled DataFrames (:mod:`govreport.core.labelled`)
``check(ds)``                every rule in one pass → :class:`CheckResult` (:mod:`govreport.checks`)
``Figure``, ``Mark``         a figure: a number, a blank or 不适用 (:mod:`govreport.core.values`)
``GovreportError``           the root of every error govreport raises on bad input
``stats``, ``compare``       statistics and cross-agency comparison (modules)
``formats``, ``rules``       the official formats and the consistency rules, declared as data (modules)
===========================  =====================================================================

Imports are lazy so that ``import govreport`` and the CLI start fast: each name above loads its module
on first use, and heavy modules (matplotlib, nbconvert, papermill, Playwright) load only when a command
needs them.

Examples
--------
>>> import govreport
>>> ds = govreport.load("data")
>>> [a for a in ("load", "Dataset", "stats", "check") if a in dir(govreport)]
['load', 'Dataset', 'stats', 'check']
>>> govreport.check(ds).ok
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: public name -> (module, attribute); attribute None means the module itself
_LAZY: dict[str, tuple[str, str | None]] = {
    "load": ("store.dataset", "load"),
    "Dataset": ("store.dataset", "Dataset"),
    "Report": ("core.model", "Report"),
    "TableData": ("core.model", "TableData"),
    "LabelledTable": ("core.labelled", "LabelledTable"),
    "LabelledFrame": ("core.labelled", "LabelledFrame"),
    "CheckResult": ("checks", "CheckResult"),
    "check": ("checks", "run"),
    "Figure": ("core.values", "Figure"),
    "Mark": ("core.values", "Mark"),
    "GovreportError": ("core.errors", "GovreportError"),
    "stats": ("analysis.stats", None),
    "compare": ("analysis.compare", None),
    "checks": ("checks", None),
    "formats": ("core.formats", None),
    "rules": ("checks.rules", None),
    "labelled": ("core.labelled", None),
    "values": ("core.values", None),
    "synth": ("analysis.synth", None),
}

__all__ = [
    "CheckResult", "Dataset", "Figure", "GovreportError", "LabelledFrame", "LabelledTable", "Mark", "Report",
    "TableData", "__version__", "check", "checks", "compare", "formats", "labelled", "load", "rules", "stats",
    "synth", "values",
]

if TYPE_CHECKING:  # pragma: no cover
    import govreport.checks as checks
    from govreport.analysis import compare, stats, synth
    from govreport.checks import CheckResult, rules
    from govreport.checks import run as check
    from govreport.core import formats, labelled, values
    from govreport.core.errors import GovreportError
    from govreport.core.labelled import LabelledFrame, LabelledTable
    from govreport.core.model import Report, TableData
    from govreport.core.values import Figure, Mark
    from govreport.store.dataset import Dataset, load


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        mod = importlib.import_module(f".{module}", __name__)
        value = mod if attr is None else getattr(mod, attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'govreport' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(__all__) | {"__version__", "__doc__", "__name__"})
