"""The package is layered: each folder is one layer, and imports only point down (an AST check, nothing imported).

The layers, lowest first, are :data:`LAYERS`; the README's code map lists the same folders in the same order
(checked below). A module may import its own layer and the layers below it, the resource package
``govreport.notebooks`` (data only), and the package root for ``__version__``. The only upward edges are the
facades of :mod:`tests.test_import_cycles` (lazy imports in a method that present a higher layer on a core
object), which that test keeps lazy.
"""

from __future__ import annotations

import ast
import re

import pytest

from tests.conftest import REPO
from tests.test_import_cycles import FACADES, PACKAGE, import_graph

#: govreport's layers, lowest first. One fact: the README's code map follows it (``test_readme_map``).
LAYERS: tuple[str, ...] = ("core", "store", "readers", "checks", "analysis", "render", "run", "cli")
#: Packages that hold files, not code: importable from any layer.
RESOURCES: frozenset[str] = frozenset({"govreport.notebooks"})
TOP_LEVEL = {"govreport", "govreport.__main__"}


def layer_of(module: str) -> int | None:
    """The rank of ``module``'s layer in :data:`LAYERS` (None for the package root and the resources)."""
    parts = module.split(".")
    if module in TOP_LEVEL or module in RESOURCES or len(parts) < 2:
        return None
    return LAYERS.index(parts[1])


def upward_imports(graph: dict[str, dict[str, tuple[int, bool]]]) -> list[str]:
    """Every import of a higher layer, as ``importer:line → imported`` (facades left out)."""
    bad = []
    for a, targets in sorted(graph.items()):
        la = layer_of(a)
        for b, (line, _) in sorted(targets.items()):
            lb = layer_of(b)
            if la is None or lb is None or (a, b) in FACADES:
                continue
            if lb > la:
                bad.append(f"{a}:{line} → {b} ({LAYERS[la]} must not import {LAYERS[lb]})")
    return bad


def test_every_module_is_in_a_layer():
    stray = [m for m in import_graph() if m not in TOP_LEVEL and m not in RESOURCES
             and (m.count(".") < 1 or m.split(".")[1] not in LAYERS)]
    assert not stray, f"modules outside the layers {LAYERS}: {stray}"
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert folders == set(LAYERS) | {r.split(".")[1] for r in RESOURCES}


def test_imports_point_down():
    bad = upward_imports(import_graph())
    assert not bad, "upward imports:\n" + "\n".join(bad)


def test_resources_import_nothing_of_govreport():
    graph = import_graph()
    for r in RESOURCES:
        assert not graph[r], f"{r} is a resource package and imports {sorted(graph[r])}"


def test_root_is_imported_only_for_its_version():
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "govreport" and not node.level:
                names = {a.name for a in node.names}
                if path.parts[-2] == "cli":
                    continue
                assert names <= {"__version__", "notebooks"}, f"{path}:{node.lineno} imports {names} from the root"


def test_the_check_finds_an_upward_import():
    graph = {"govreport.core.values": {"govreport.render.charts": (12, True)},
             "govreport.render.charts": {"govreport.core.values": (3, True)}}
    assert upward_imports(graph) == [
        "govreport.core.values:12 → govreport.render.charts (core must not import render)"]
    with pytest.raises(ValueError):
        layer_of("govreport.somewhere.module")


def test_readme_map():
    """The README's code map names the layers' folders in the layers' order, and every module of each."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Code map", 1)[1].split("\n## ", 1)[0]
    folders = re.findall(r"^`govreport/(\w+)/`", block, flags=re.M)
    assert folders == [*LAYERS, "notebooks"], folders
    for layer in LAYERS[:-1]:  # cli: one module per command, listed by ``govreport.cli.COMMANDS``
        section = block.split(f"`govreport/{layer}/`", 1)[1].split("\n`govreport/", 1)[0]
        for path in sorted((PACKAGE / layer).glob("*.py")):
            if path.stem != "__init__":
                assert f"`{path.stem}`" in section, f"README code map: {layer}/{path.name} is not listed"


#: Functions allowed over :data:`MAX_FUNCTION_LINES`: declarations written as code, not logic.
LONG_DECLARATIONS = frozenset({"govreport/core/formats.py:_t3_rows"})
MAX_FILE_LINES, MAX_FUNCTION_LINES = 800, 80


def test_files_and_functions_stay_small():
    """Files under ~800 lines and functions under ~80, so that each file holds one concern."""
    big, long = [], []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(REPO).as_posix()
        if text.count("\n") > MAX_FILE_LINES:
            big.append(f"{rel}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION_LINES and f"{rel}:{node.name}" not in LONG_DECLARATIONS:
                    long.append(f"{rel}:{node.lineno} {node.name}: {n} lines")
    assert not big, "files over the limit (split them by concern):\n" + "\n".join(big)
    assert not long, "functions over the limit (split them into named steps):\n" + "\n".join(long)
