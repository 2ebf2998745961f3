"""The notebook's declared parameters and their validation, before anything executes.

The ``parameters``-tagged cell declares each parameter with a type annotation and a default::

    agency: str = "五原县民政局"
    year: int = 2020
    data_dir: str = "../data"

:func:`declared_parameters` reads those declarations with :mod:`ast` (no papermill, no kernel);
:func:`validate` rejects unknown names and wrong types; :func:`resolve` then checks the values against
the dataset (the directory loads, the agency exists, the year has data). Every failure is a
:class:`~govreport.core.errors.ParameterError` or :class:`~govreport.core.errors.NotFoundError`: one message, exit 2.
"""

from __future__ import annotations

import ast
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govreport.core.errors import NotFoundError, ParameterError

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
        raise NotFoundError(f"{p}：笔记本文件不存在", hint="指定一个存在的 .ipynb 文件") from None
    except json.JSONDecodeError as exc:
        raise ParameterError(f"{p}：不是笔记本文件（第 {exc.lineno} 行不是有效的 JSON）",
                             hint="指定 Jupyter 笔记本（.ipynb）文件") from None


def parameters_source(nb: dict[str, Any]) -> str:
    for cell in nb.get("cells", []):
        if PARAMETERS_TAG in cell.get("metadata", {}).get("tags", []):
            src = cell.get("source", "")
            return src if isinstance(src, str) else "".join(src)
    raise ParameterError("笔记本中没有标记为 'parameters' 的单元格",
                         hint="给声明 agency、year 和 data_dir 的单元格加上标签 'parameters'")


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
            f"笔记本没有参数：{', '.join(unknown)}",
            hint=f"笔记本声明的参数：{', '.join(declared)}",
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
                    f"参数 {name} 应为 {d.type_name} 类型，实为 {type(value).__name__} {value!r}",
                    hint=f"例如 {name}={d.default!r}",
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
    from govreport.store.dataset import load_shared

    data_dir = Path(params["data_dir"])
    if not data_dir.is_absolute():
        data_dir = (base or Path.cwd()) / data_dir
    data_dir = Path(os.path.normpath(data_dir))
    if not data_dir.is_dir():
        raise NotFoundError(f"数据目录不存在：{params['data_dir']}",
                            hint="用 --data 指定数据集目录（含 agencies.csv、reports.csv 等）")
    ds = load_shared(data_dir)
    agency_id = ds.agency_id(str(params["agency"]))
    year = int(params["year"])
    if not ds.has_report(agency_id, year):
        have = "、".join(map(str, ds.years(agency_id))) or "无"
        raise NotFoundError(f"没有 {params['agency']} {year} 年度的数据", hint=f"有数据的年度：{have}")
    return Resolved(str(params["agency"]), agency_id, year, data_dir, ds)
