"""The domain documentation (docs/domain/) agrees with the declarations, and nothing points outside the repository.

The tables of both formats, the list of rules and the channel taxonomy in ``docs/domain/*.md`` are generated
from :mod:`govreport.core.formats`, :mod:`govreport.checks.rules` and :mod:`govreport.core.channels` between
``<!-- generated: NAME -->`` and ``<!-- end generated -->`` markers; the prose around them is written by hand.
After changing a declaration, regenerate them::

    GOVREPORT_UPDATE_DOCS=1 python -m pytest -q tests/test_domain_docs.py
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from govreport.checks.rules import RULES
from govreport.core.channels import CATEGORIES, CHANNELS
from govreport.core.formats import FORMATS, SECTION_TOPICS, SECTIONS, Axis, TableSpec
from tests.conftest import REPO

DOMAIN = REPO / "docs" / "domain"
_BLOCK = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- end generated -->)", re.S)


def _esc(text: str) -> str:
    return text.replace("|", "\\|")


def _tree(spec: TableSpec, axis: str) -> list[str]:
    items = spec.rows if axis == "row" else spec.columns
    depth: dict[str, int] = {}
    out = []
    for a in items:
        depth[a.id] = 0 if a.parent is None else depth[a.parent] + 1
        if not a.label:
            continue
        out.append(f"{'  ' * depth[a.id]}- {_axis_text(spec, a)}")
    return out


def _axis_text(spec: TableSpec, a: Axis) -> str:
    notes = []
    if a.group:
        notes.append("group header, no data")
    if a.total:
        notes.append("total of its group")
    unit = getattr(a, "unit", None)
    if unit is not None and not a.group and (unit != spec.unit or a.value_type != "count"):
        notes.append(f"{unit}, {a.value_type}")
    return f"{a.label} `{a.id}`" + (f" ({'; '.join(notes)})" if notes else "")


def _format_tables(version: str) -> str:
    spec = FORMATS[version]
    lines: list[str] = []
    for t in spec.tables:
        title = t.ref if t.title in t.ref else f"{t.ref}: {t.title}"
        lines += [f"### {title} (`{t.id}`)", ""]
        if t.corner_note:
            lines += [f"Corner note: {t.corner_note}", ""]
        data = f"{len(t.data_rows)} data row{'s' if len(t.data_rows) != 1 else ''} × " \
               f"{len(t.data_columns)} data column{'s' if len(t.data_columns) != 1 else ''}"
        lines += [f"{data}; unit {t.unit} unless a column says otherwise.", ""]
        rows = _tree(t, "row")
        if rows:
            lines += [f"Rows ({t.row_header_label or 'no row header'}):", "", *rows, ""]
        lines += ["Columns:", "", *_tree(t, "column"), ""]
    return "\n".join(lines)


def _sections() -> str:
    lines = ["| # | heading |", "|---|---|"]
    lines += [f"| {i} | {s} |" for i, s in enumerate(SECTIONS, 1)]
    lines += ["", "The five topics of 一、总体情况: " + "、".join(SECTION_TOPICS) + "."]
    return "\n".join(lines) + "\n"


def _rules() -> str:
    lines = ["| id | severity | one instance is | rule (as findings name it) |", "|---|---|---|---|"]
    lines += [f"| {r.id} | {r.severity} | {r.scope} | {_esc(r.title)} |" for r in RULES]
    return "\n".join(lines) + "\n"


def _channels() -> str:
    lines = ["| id | name in reports and findings |", "|---|---|"]
    lines += [f"| `{c.id}` | {c.label} |" for c in sorted(CHANNELS, key=lambda c: c.order)]
    return "\n".join(lines) + "\n"


def _categories() -> str:
    lines = ["| id | name |", "|---|---|"]
    lines += [f"| `{c.id}` | {c.label} |" for c in CATEGORIES]
    return "\n".join(lines) + "\n"


GENERATORS: dict[str, Callable[[], str]] = {
    "sections": _sections,
    "tables-2019": lambda: _format_tables("2019"),
    "tables-2021": lambda: _format_tables("2021"),
    "rules": _rules,
    "channels": _channels,
    "categories": _categories,
}


def _regenerate(text: str) -> str:
    return _BLOCK.sub(lambda m: m[1] + GENERATORS[m["name"]]() + m[4], text)


def test_generated_blocks_match_the_declarations():
    seen = set()
    for path in sorted(DOMAIN.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        seen |= {m["name"] for m in _BLOCK.finditer(text)}
        new = _regenerate(text)
        if new != text and os.environ.get("GOVREPORT_UPDATE_DOCS"):
            path.write_text(new, encoding="utf-8")
            continue
        assert new == text, f"{path.name} is out of date: GOVREPORT_UPDATE_DOCS=1 pytest {Path(__file__).name}"
    assert seen == set(GENERATORS)


def test_the_domain_docs_cite_the_circulars():
    text = "".join(p.read_text(encoding="utf-8") for p in DOMAIN.glob("*.md"))
    for spec in FORMATS.values():
        assert spec.doc_no in text
    for rid in [f"R{i}" for i in range(1, 14)]:
        assert f"**{rid}**" in (DOMAIN / "rules.md").read_text(encoding="utf-8"), rid


# Written in pieces so that this file does not match itself.
_OUTSIDE = re.compile("|".join([
    "/" + "work/", "shared" + "/spec", "shared" + "/notes", "annual-report-" + "format",
    r"(?<![\w/(])" + "channels" + r"\.md", r"\.\./" + "shared",
]))
#: Lines that check for such a path rather than point at one.
_CHECKS = ('assert "/' + 'work/" not in appendix',)


@pytest.mark.parametrize("root", ["govreport", "docs", "tests", "bench", "notebooks", "README.md", "pyproject.toml",
                                  "bootstrap.sh"])
def test_nothing_points_outside_the_repository(root):
    files = subprocess.run(["git", "ls-files", "--", root], cwd=REPO, capture_output=True, text=True,
                           check=True).stdout.split()
    bad = []
    for name in files:
        path = REPO / name
        if path.is_symlink() or path.suffix in (".png", ".pdf", ".xlsx", ".npy", ".parquet"):
            continue
        for i, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if _OUTSIDE.search(line) and not any(c in line for c in _CHECKS):
                bad.append(f"{name}:{i}: {line.strip()[:120]}")
    assert not bad, "\n".join(bad)
