"""Public vs private is visible: the modules the README names as the library's API declare ``__all__``, every
name in it exists, and every top-level name a module defines without a leading underscore is in it (a new
public function must be listed, or named ``_private``)."""

from __future__ import annotations

import ast
import importlib
import inspect

import pytest

PUBLIC_MODULES = ("checks", "checks.engine", "checks.results", "analysis.compare", "store.dataset", "core.formats",
                  "core.model", "analysis.stats", "core.values")
#: Names defined without an underscore that their module's ``__all__`` already left out: helpers of the module
#: itself or shared with other govreport modules (the comparison document), not offered as API.
PACKAGE_INTERNAL = {
    "checks.results": {"FINDING_HEADERS", "SUMMARY_HEADERS", "where_text"},  # shared with render.display
    "analysis.compare": {"COVERAGE_COLUMNS", "DISTRIBUTION_COLUMNS", "LEAGUE_COLUMNS", "LEVEL_ORDER", "MIX_COLUMNS",
                "MOVER_COLUMNS", "NOTHING_TO_RATE"},
    "store.dataset": {"extra_row_hashes", "omitted_columns", "report_row_bytes"},  # hashing shared with batch.plan
}


def _defined_public(module) -> set[str]:
    tree = ast.parse(inspect.getsource(module))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_")}


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_public_modules_declare_all(name):
    module = importlib.import_module(f"govreport.{name}")
    declared = getattr(module, "__all__", None)
    assert declared is not None, f"govreport.{name} has no __all__"
    assert len(declared) == len(set(declared))
    missing = [n for n in declared if not hasattr(module, n)]
    assert not missing, f"govreport.{name}.__all__ names what it does not define: {missing}"
    unlisted = sorted(_defined_public(module) - set(declared) - PACKAGE_INTERNAL.get(name, set()))
    assert not unlisted, f"govreport.{name}: public but not in __all__ (list them or prefix _): {unlisted}"
