"""The cell matrices saved beside the Parquet cache: reused only for the same data, rebuilt otherwise."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import govreport
from govreport.analysis.synth import write_dataset
from govreport.checks import run as run_checks
from govreport.store.matrix import SAVED_DIR, cell_matrices


@pytest.fixture
def data(tmp_path):
    root = tmp_path / "s"
    write_dataset(root, agencies=4, years=[2020, 2021], seed=3, broken=2)
    return root


def _saved(root):
    return root / ".cache" / SAVED_DIR


def _same(a, b) -> None:
    assert np.array_equal(a.stacked_values, b.stacked_values, equal_nan=True)
    assert np.array_equal(a.stacked_marks, b.stacked_marks)
    assert np.array_equal(a.present, b.present)
    assert np.array_equal(a.group_cells, b.group_cells)
    assert all(np.array_equal(x, y) for x, y in zip(a.rowmaps, b.rowmaps, strict=True))


def test_saved_matrices_are_read_back_and_give_the_same_findings(data, monkeypatch):
    first = govreport.load(data)
    findings = run_checks(first).findings
    assert (_saved(data) / "meta.json").exists()
    from govreport.store import matrix

    def no_build(*args, **kwargs):  # the second load must not scatter the cells again
        raise AssertionError("matrices built although saved ones match")

    monkeypatch.setattr(matrix, "build_matrices", no_build)
    second = govreport.load(data)
    assert run_checks(second).findings.equals(findings)
    _same(cell_matrices(first), cell_matrices(second))


def test_changed_data_rebuilds(data):
    run_checks(govreport.load(data))
    cells = data / "cells.csv"
    lines = cells.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    vi = header.index("value")
    for i, line in enumerate(lines[1:], 1):  # change one reported figure
        parts = line.rstrip("\n").split(",")
        if parts[vi].isdigit():
            parts[vi] = str(int(parts[vi]) + 1)
            lines[i] = ",".join(parts) + "\n"
            break
    cells.write_text("".join(lines), encoding="utf-8")
    os.utime(cells, ns=(1, 1))  # a different mtime, whatever the clock's resolution
    changed = govreport.load(data)
    meta = json.loads((_saved(data) / "meta.json").read_text())
    assert meta["data_hash"] != changed.data_hash
    cm = cell_matrices(changed)
    _same(cm, cell_matrices(govreport.load(data, use_cache=False)))
    assert json.loads((_saved(data) / "meta.json").read_text())["data_hash"] == changed.data_hash


def test_damaged_or_foreign_files_are_ignored(data):
    run_checks(govreport.load(data))
    fresh = cell_matrices(govreport.load(data, use_cache=False))
    (_saved(data) / "values.npy").write_bytes(b"not an array")
    _same(cell_matrices(govreport.load(data)), fresh)
    meta = json.loads((_saved(data) / "meta.json").read_text())
    meta["signature"] = "another layout"
    (_saved(data) / "meta.json").write_text(json.dumps(meta))
    _same(cell_matrices(govreport.load(data)), fresh)


def test_a_subset_builds_its_own(data):
    ds = govreport.load(data)
    cell_matrices(ds)
    sub = ds.subset(years=[2021])
    cm = cell_matrices(sub)
    assert cm.present.shape[0] == len(sub.reports)
    _same(cm, cell_matrices(govreport.load(data, use_cache=False).subset(years=[2021])))


def test_no_cache_no_files(data):
    cell_matrices(govreport.load(data, use_cache=False))
    assert not _saved(data).exists()
