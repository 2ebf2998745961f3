"""No import cycle between govreport's modules (an AST check over the package, no import executed).

Every ``import`` and ``from … import`` naming a govreport module counts, at module level or inside a
function (a lazy import is still a dependency); imports under ``if TYPE_CHECKING:`` do not. The only
edges left out are the *facades* listed below: convenience methods on the core objects that import a
higher layer lazily (``Dataset.check()`` runs the checks; ``Dataset.panel()`` tabulates the statistics;
``_repr_html_`` displays an object in Jupyter). Each facade is a function-level import; a facade that no
longer exists fails the test until it is removed from the list.
"""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

from tests.conftest import REPO

PACKAGE = REPO / "govreport"

#: (importer, imported): lazy upward imports that present a higher layer on a core object.
FACADES: frozenset[tuple[str, str]] = frozenset({
    ("govreport.store.dataset", "govreport.checks"),  # Dataset.check()
    ("govreport.store.dataset", "govreport.render.display"),  # Dataset._repr_html_
    ("govreport.store.dataset", "govreport.analysis.stats"),  # Dataset.panel()
    ("govreport.core.model", "govreport.render.display"),  # Report._repr_html_, TableData._repr_html_
    ("govreport.core.labelled", "govreport.render.display"),  # LabelledFrame._repr_html_, LabelledFrame.style()
    ("govreport.checks.results", "govreport.render.display"),  # CheckResult._repr_html_
})


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(REPO).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If):
            t = node.test
            if (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
                    isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"):
                for child in node.body:
                    skip.update(id(x) for x in ast.walk(child))
    return skip


def import_graph() -> dict[str, dict[str, tuple[int, bool]]]:
    """module -> {imported module: (line, at module level)} for every govreport module."""
    mods = _modules()
    graph: dict[str, dict[str, tuple[int, bool]]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_nodes(tree)
        top = {id(n) for n in tree.body}
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        edges: dict[str, tuple[int, bool]] = {}
        for node in ast.walk(tree):
            if id(node) in skip or not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    pkg = package
                    for _ in range(node.level - 1):
                        pkg = pkg.rpartition(".")[0]
                    base = f"{pkg}.{node.module}" if node.module else pkg
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    targets.append(sub if sub in mods else base)
            else:
                targets = [alias.name for alias in node.names]
            for t in targets:
                if t in mods and t != name:
                    line, at_top = edges.get(t, (node.lineno, False))
                    edges[t] = (min(line, node.lineno), at_top or id(node) in top)
        graph[name] = edges
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(v: str) -> list[str] | None:
        state[v] = 1
        stack.append(v)
        for w in sorted(graph[v]):
            if state.get(w) == 1:
                return [*stack[stack.index(w):], w]
            if w not in state and (found := visit(w)):
                return found
        stack.pop()
        state[v] = 2
        return None

    for v in sorted(graph):
        if v not in state and (found := visit(v)):
            return found
    return None


def test_no_import_cycle():
    graph = import_graph()
    edges = {a: {b for b in targets if (a, b) not in FACADES} for a, targets in graph.items()}
    cycle = find_cycle(edges)
    if cycle:
        where = " → ".join(f"{a} (line {graph[a][b][0]})" for a, b in itertools.pairwise(cycle))
        raise AssertionError(f"import cycle: {where} → {cycle[-1]}")


def test_facades_exist_and_stay_lazy():
    graph = import_graph()
    for a, b in sorted(FACADES):
        assert b in graph[a], f"{a} no longer imports {b}: remove it from FACADES"
        line, at_top = graph[a][b]
        assert not at_top, f"{a}:{line} imports {b} at module level; a facade must import inside its method"


def test_the_check_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
    graph = import_graph()
    assert "govreport.checks" in graph["govreport.store.dataset"]  # lazy imports are seen
    assert "govreport.store.matrix" in graph["govreport.checks.engine"]
