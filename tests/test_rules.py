"""The rule table: declared as data, consistent with the official formats and with the engine."""

from __future__ import annotations

import re

import pytest

from govreport.checks import cells, registry, rules
from govreport.checks.rules import (
    RULE_BY_ID,
    RULES,
    CellDomain,
    CrossYear,
    NoData,
    PartsWithinTotal,
    SumIdentity,
    TotalPresent,
)
from govreport.core.formats import FORMATS, cell_catalog, table_spec

SPEC_RULES = ("R1", "R2", "R3", "R4", "R5", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "R13")


def test_ids_unique_and_fields_valid():
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for r in RULES:
        assert re.fullmatch(r"[A-Z]\d+[a-z]?", r.id), r.id
        assert r.severity in ("error", "warning", "info")
        assert r.scope
        assert re.search(r"[\u4e00-\u9fff]", r.title), f"{r.id}: title must be Chinese"
        assert r.checks, f"{r.id} has no check"
        assert RULE_BY_ID[r.id] is r


def test_every_spec_rule_is_covered():
    assert set(SPEC_RULES) <= set(RULE_BY_ID)


def test_soft_cross_year_rules_are_warnings():
    for rid in ("R10", "R11", "R12"):
        assert RULE_BY_ID[rid].severity == "warning"
        assert RULE_BY_ID[rid].scope == "cross-year"


def test_extra_rules_required_by_the_issue():
    assert RULE_BY_ID["P2"].severity == "warning"  # the seed's cut-off
    assert RULE_BY_ID["C1"].severity == "error" and RULE_BY_ID["C2"].severity == "warning"
    assert RULE_BY_ID["F1"].severity == "warning"  # narrative-only in a year of mandatory tables
    assert RULE_BY_ID["T1"].checks and all(isinstance(c, TotalPresent) for c in RULE_BY_ID["T1"].checks)
    assert RULE_BY_ID["D1"].checks[0].param("department") == (1, 31)
    assert RULE_BY_ID["D1"].checks[0].param("government") == (3, 31)


def test_every_check_type_has_a_handler():
    for r in RULES:
        for c in r.checks:
            assert type(c) in registry.KERNELS, f"{r.id}: no kernel for {type(c).__name__}"


def _operands(c) -> list[tuple[str, str]]:
    """(operand, axis) pairs a table check names; axis is the axis the operand lives on."""
    axis = "row" if c.for_each == "column" else "column"
    if isinstance(c, SumIdentity):
        return [(o, axis) for o in (*c.lhs, *c.rhs, c.primary)]
    if isinstance(c, CrossYear):
        return [(t.operand, axis) for t in (*c.lhs, *c.rhs)] + [(c.primary, axis)]
    if isinstance(c, PartsWithinTotal):
        return [(o, axis) for o in (*c.parts, c.whole, *c.require)]
    if isinstance(c, TotalPresent):
        return [(o, axis) for o in (*c.parts, c.total)]
    return []


@pytest.mark.parametrize("rule", [r for r in RULES if any(hasattr(c, "for_each") for c in r.checks)],
                         ids=lambda r: r.id)
def test_table_operands_exist_as_data_cells(rule):
    for c in rule.checks:
        versions = c.versions
        for v in versions:
            spec = table_spec(v, c.tables[0])
            for operand, axis in _operands(c):
                items = spec.data_rows if axis == "row" else spec.data_columns
                assert operand in {a.id for a in items}, f"{rule.id}: {operand} is not a data {axis} of {v} {spec.id}"


def test_r4_sums_every_outcome_row_of_each_version():
    for c in RULE_BY_ID["R4"].checks:
        spec = table_spec(c.version, "t3")
        under_results = set()
        parents = {r.id: r.parent for r in spec.rows}
        for r in spec.data_rows:
            p = parents[r.id]
            while p is not None and p != "results":
                p = parents[p]
            if p == "results" and r.id != "results_total":
                under_results.add(r.id)
        assert set(c.rhs) == under_results
        assert len(c.rhs) == (23 - 4 if c.version == "2019" else 25 - 4)


def test_r5_and_r13_cover_every_group_header_exactly_once():
    covered: dict[tuple[str, str, str, str], list[str]] = {}
    for rid in ("R5", "R13"):
        for c in RULE_BY_ID[rid].checks:
            assert isinstance(c, NoData)
            lut = cells._nodata_lut(c)
            for gid in lut.nonzero()[0]:
                k = cell_catalog()[gid]
                covered.setdefault((k.version, k.table, k.row, k.column), []).append(rid)
    for v, fmt in FORMATS.items():
        for t in fmt.tables:
            for r in t.rows:
                for col in t.columns:
                    if r.group or col.group:
                        assert len(covered.get((v, t.id, r.id, col.id), [])) == 1, (v, t.id, r.id, col.id)
                    else:
                        assert (v, t.id, r.id, col.id) not in covered


def test_r9_covers_every_version():
    assert {c.version for c in RULE_BY_ID["R9"].checks if isinstance(c, CellDomain)} == set(FORMATS)


def test_rule_versions_and_tables_follow_from_the_checks():
    assert RULE_BY_ID["R4"].versions == ("2019", "2021") and RULE_BY_ID["R4"].tables == ("t3",)
    assert RULE_BY_ID["R11"].versions == ("2021",) and RULE_BY_ID["R11"].tables == ("t2a",)
    assert set(RULE_BY_ID["R12"].tables) == {"t2b", "t2c", "t2d"}
    assert RULE_BY_ID["P2"].versions == () and RULE_BY_ID["P2"].tables == ()


def test_module_docstring_documents_every_rule():
    doc = rules.__doc__ or ""
    rows = {m.group(1): (m.group(2), m.group(3)) for m in
            re.finditer(r"^([A-Z]\d+[a-z]?)\s+(error|warning|info)\s+(\S+)", doc, re.MULTILINE)}
    assert set(rows) == set(RULE_BY_ID), set(rows) ^ set(RULE_BY_ID)
    for rid, (severity, scope) in rows.items():
        assert RULE_BY_ID[rid].severity == severity, rid
        assert RULE_BY_ID[rid].scope == scope, rid


def test_rules_module_holds_no_evaluation_logic():
    import inspect

    src = inspect.getsource(rules)
    assert "import numpy" not in src and "import pandas" not in src
