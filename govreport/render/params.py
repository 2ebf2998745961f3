"""The notebook's declared parameters and their validation, before anything executes.

The ``parameters``-tagged cell declares each parameter with a type annotation and a default::

    agency: str = "五原县民政局"
    year: int = 2020
    data_dir: str = "../data"

:func:`declared_parameters` reads those declarations with :mod:`ast` (no papermill, no kernel);
:func:`validate` rejects unknown names and wrong types; :func:`resolve` then checks the values against
the dataset (the directory loads, the agency exists, the year has data). Every failure is a
:class:`~govreport.errors.ParameterError` or :class:`~govreport.errors.NotFoundError`: one message, exit 2.
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NotFoundError, ParameterError

PARAMETERS_TAG = "parameters"
_TYPES: dict[str, tuple[type, ...]] = {"str": (str,), "int": (int,), "float": (float, int), "bool": (bool,)}


@dataclass(frozen=True, slots=True)
class Declared:
    name: str
    type_name: str  # str | int | float | bool
    default: Any


def read_notebook_json(path: str | os.PathLike[str]) -> dict[str, Any]:
    p = Path(path)
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFoundError(f"{p}: no such notebook", hint="pass an existing .ipynb file") from None
    except json.JSONDecodeError as exc:
        raise ParameterError(f"{p}: not a notebook (invalid JSON at line {exc.lineno})") from None


def parameters_source(nb: dict[str, Any]) -> str:
    for cell in nb.get("cells", []):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            src = cell.get("source", "")
            return src if isinstance(src, str) else "".join(src)
    raise ParameterError("the notebook has no cell tagged 'parameters'",
                         hint="tag the cell that declares agency, year and data_dir with 'parameters'")


def declared_parameters(nb: dict[str, Any]) -> dict[str, Declared]:
    """``name -> Declared`` from the annotated assignments of the parameters cell."""
    tree = ast.parse(parameters_source(nb))
    out: dict[str, Declared] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            ann = ast.unparse(node.annotation)
            default = ast.literal_eval(node.value) if node.value is not None else None
            out[node.target.id] = Declared(node.target.id, ann, default)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                if isinstance(t, ast.Name):
                    value = ast.literal_eval(node.value)
                    out[t.id] = Declared(t.id, type(value).__name__, value)
    return out


def validate(declared: dict[str, Declared], given: dict[str, Any]) -> dict[str, Any]:
    """Defaults overlaid with ``given``; unknown names and wrong types are errors."""
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ParameterError(
            f"unknown notebook parameter{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}",
            hint=f"the notebook declares: {', '.join(declared)}",
        )
    out = {name: d.default for name, d in declared.items()}
    for name, value in given.items():
        d = declared[name]
        if isinstance(value, os.PathLike):
            value = os.fspath(value)
        allowed = _TYPES.get(d.type_name)
        if allowed is not None:
            wrong = not isinstance(value, allowed) or (isinstance(value, bool) and d.type_name != "bool")
            if wrong:
                raise ParameterError(
                    f"parameter {name} must be {d.type_name}, got {type(value).__name__} {value!r}",
                    hint=f"e.g. {name}={d.default!r}",
                )
        out[name] = value
    return out


@dataclass(frozen=True, slots=True)
class Resolved:
    """Validated parameters bound to the dataset."""

    agency: str  # as given (id or name)
    agency_id: str
    year: int
    data_dir: Path  # absolute
    dataset: Any  # govreport.Dataset


def resolve(params: dict[str, Any], *, base: Path | None = None) -> Resolved:
    """Check the values: the data directory loads, the agency exists, the year has a report."""
    from .datacache import load

    data_dir = Path(params["data_dir"])
    if not data_dir.is_absolute():
        data_dir = (base or Path.cwd()) / data_dir
    data_dir = Path(os.path.normpath(data_dir))
    if not data_dir.is_dir():
        raise NotFoundError(f"data directory not found: {params['data_dir']}",
                            hint="pass --data DIR with the dataset (agencies.csv, reports.csv, …)")
    ds = load(data_dir)
    agency_id = ds.agency_id(str(params["agency"]))
    year = int(params["year"])
    if not ds.has_report(agency_id, year):
        have = ", ".join(map(str, ds.years(agency_id))) or "none"
        raise NotFoundError(f"no data for {params['agency']} in {year}", hint=f"years with data: {have}")
    return Resolved(str(params["agency"]), agency_id, year, data_dir, ds)
