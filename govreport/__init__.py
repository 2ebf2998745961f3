"""govreport: compute, check and render China's annual government-information-disclosure reports.

The package keeps imports lazy so that ``govreport --help`` and the CLI start fast: heavy modules
(matplotlib, nbconvert, papermill, Playwright) load only when a command needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Dataset", "GovreportError", "Report", "__version__", "load"]

if TYPE_CHECKING:  # pragma: no cover
    from .dataset import Dataset, load
    from .errors import GovreportError
    from .model import Report

_LAZY = {
    "load": ("dataset", "load"),
    "Dataset": ("dataset", "Dataset"),
    "Report": ("model", "Report"),
    "GovreportError": ("errors", "GovreportError"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(f".{module}", __name__), attr)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'govreport' has no attribute {name!r}")
