"""The registry of check kinds, and the little every family of kernels shares.

A *kernel* evaluates one kind of check (a dataclass of :mod:`govreport.checks.rules`: ``SumIdentity``,
``ChannelSum`` …) for one rule over every agency-year at once: ``kernel(engine, rule, check)`` tallies each
instance as passed, failed or not assessable on the engine and adds a finding for each failure. Each family
module registers its kernels with :func:`kernel`; the engine dispatches ``KERNELS[type(check)]``. Kinds within
a kind (a report predicate's ``kind``, a text predicate's ``kind``) are registered the same way, with
:func:`registrar`, in their family's own table. No ``if kind == …`` chain anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from govreport.core.formats import FORMATS, TableSpec
from govreport.core.values import Mark, format_value

if TYPE_CHECKING:  # pragma: no cover
    from govreport.checks.engine import _Engine
    from govreport.checks.rules import Rule

F = TypeVar("F", bound=Callable[..., Any])

Kernel = Callable[["_Engine", "Rule", Any], None]
#: check type (a dataclass of :mod:`govreport.checks.rules`) -> its kernel; filled by the family modules.
KERNELS: dict[type, Kernel] = {}


def registrar(table: dict[Hashable, Any], key: Hashable) -> Callable[[F], F]:
    """A decorator that registers a function under ``key`` in ``table`` (each key once)."""
    def register(fn: F) -> F:
        assert key not in table, key
        table[key] = fn
        return fn
    return register


def kernel(check_type: type) -> Callable[[F], F]:
    """Register the kernel of one check type in :data:`KERNELS`."""
    return registrar(KERNELS, check_type)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- shared by the families

_VALUE, _BLANK, _NAMARK = int(Mark.VALUE), int(Mark.BLANK), int(Mark.NA)


def _spec(version: str, table: str) -> TableSpec:
    return FORMATS[version].table(table)


def _num(value: float) -> str:
    return format_value(float(value), Mark.VALUE)


def _row_count(mask: np.ndarray) -> np.ndarray:
    """True cells per row (int32; faster than count_nonzero along an axis)."""
    return np.add.reduce(mask, axis=1, dtype=np.int32)


__all__ = ["KERNELS", "Kernel", "kernel", "registrar"]
