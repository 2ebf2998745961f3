"""The one cache mechanism (govreport.store.cache): what a dataset derives is memoised per dataset and goes
with it; loaded datasets are shared while their files are unchanged."""

from __future__ import annotations

import gc
import os

import numpy as np
import pytest

import govreport
from govreport.analysis.synth import write_dataset
from govreport.store import cache
from govreport.store.dataset import load_shared
from govreport.store.matrix import cell_matrices


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    root = tmp_path_factory.mktemp("cache") / "s"
    write_dataset(root, agencies=3, years=[2020, 2021], seed=5)
    return root


def test_derived_values_are_kept_per_dataset(data):
    ds = govreport.load(data)
    assert cell_matrices(ds) is cell_matrices(ds)
    assert ds._bounds(ds.cells) is ds._bounds(ds.cells)
    assert ds._report_keys is ds._report_keys
    other = govreport.load(data)
    assert cell_matrices(other) is not cell_matrices(ds)
    assert not np.shares_memory(other._report_keys, ds._report_keys)


def test_a_frame_that_is_not_the_datasets_own_is_not_memoised(data):
    ds = govreport.load(data)
    copy = ds.cells.copy()
    assert np.array_equal(ds._bounds(copy), ds._bounds(ds.cells))
    assert ds._bounds(copy) is not ds._bounds(copy)


def test_entries_go_with_their_owner(data):
    ds = govreport.load(data)
    cell_matrices(ds)
    before = len(cache._DERIVED)
    del ds
    gc.collect()
    assert len(cache._DERIVED) < before


def test_cache_dir_is_a_field_set_by_load(data):
    ds = govreport.load(data)
    assert ds.cache_dir == data / ".cache"
    assert govreport.load(data, use_cache=False).cache_dir is None
    assert ds.subset(years=[2021]).cache_dir is None  # a subset keeps no matrices on disk
    assert "cache_dir" not in repr(ds)


def test_loaded_datasets_are_shared_until_a_file_changes(data):
    cache.clear()
    first = load_shared(data)
    assert load_shared(data) is first
    reports = data / "reports.csv"
    st = reports.stat()
    os.utime(reports, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert load_shared(data) is not first
    cache.clear()
    assert len(cache._DERIVED) == 0
