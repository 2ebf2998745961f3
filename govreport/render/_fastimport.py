"""Import-time fixes applied before nbformat, papermill or nbconvert are imported.

nbformat imports jsonschema, whose format checker imports ``rfc3987_syntax`` when it is installed
(jupyterlab brings it), and that module compiles a grammar at import time: about a second added to every
process that touches a notebook. :func:`defer_rfc3987_syntax` puts a stand-in module in its place whose
functions import the real module on first use. Behaviour is unchanged; only the cost moves to the first
IRI format check, which govreport never performs (it validates notebooks with fastjsonschema).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any


def defer_rfc3987_syntax() -> None:
    """Make ``import rfc3987_syntax`` free until one of its functions is called (see module docstring)."""
    name = "rfc3987_syntax"
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return
    stub = types.ModuleType(name)
    stub.__doc__ = "govreport: deferred import of rfc3987_syntax (loaded on first use)"
    stub.__spec__ = None

    def _real() -> types.ModuleType:
        if sys.modules.get(name) is stub:
            del sys.modules[name]
        return importlib.import_module(name)

    def is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
        return _real().is_valid_syntax(*args, **kwargs)

    def __getattr__(attr: str) -> Any:
        if attr.startswith("__"):  # the import system probes __spec__, __path__ …: do not load for those
            raise AttributeError(attr)
        return getattr(_real(), attr)

    stub.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stub.__getattr__ = __getattr__  # type: ignore[attr-defined]
    sys.modules[name] = stub
