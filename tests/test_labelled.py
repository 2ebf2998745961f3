"""Labelled DataFrames (govreport.core.labelled): official layout, labels from formats.py, blank / 0 / 不适用 apart."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import govreport
from govreport.analysis.synth import write_dataset
from govreport.core import labelled as L
from govreport.core.formats import FORMATS
from govreport.core.model import TableData
from govreport.core.values import Figure, Mark
from tests.conftest import SEED_AGENCY, SEED_AGENCY_ID, SEED_YEAR


@pytest.fixture(scope="module")
def synth_ds(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "synthetic"
    write_dataset(out, agencies=6, years=[2019, 2020, 2021, 2022], seed=3, broken=2, narratives=False)
    return govreport.load(out, use_cache=False)


@pytest.mark.parametrize("version,table", [(v, t.id) for v, f in FORMATS.items() for t in f.tables])
def test_axes_follow_formats(version, table):
    spec = FORMATS[version].table(table)
    t = L.labelled_table(TableData(spec))
    assert t.values.shape == (len(spec.data_rows), len(spec.data_columns))
    assert t.values.index.is_unique and t.values.columns.is_unique
    # the innermost non-empty label of each entry is the axis's own label, in the printed order
    for idx, items in ((t.values.index, spec.data_rows), (t.values.columns, spec.data_columns)):
        inner = [next(p for p in reversed(k if isinstance(k, tuple) else (k,)) if p) for k in idx]
        assert inner == [a.label or spec.ref for a in items]
        groups = {a.parent for a in items if a.parent}
        assert (idx.nlevels > 1) == bool(groups)
    ids = L.labelled_table(TableData(spec), labels="id")
    assert [k[-1] if isinstance(k, tuple) and k[-1] else (k if not isinstance(k, tuple) else
            next(p for p in reversed(k) if p)) for k in ids.values.columns] == [c.id for c in spec.data_columns]
    assert (t.status == "blank").all().all()


def test_t3_groups_are_levels():
    t = L.labelled_table(TableData(FORMATS["2021"].table("t3")))
    assert t.values.columns.nlevels == 3
    assert ("申请人情况", "法人或其他组织", "商业企业") in t.values.columns
    assert ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密") in t.values.index
    assert ("一、本年新收政府信息公开申请数量", "", "") in t.values.index


def test_blank_zero_na_stay_apart():
    spec = FORMATS["2021"].table("fee")
    cells = {("processing_fee", "notices"): Figure.of(0), ("processing_fee", "billed"): Figure.na()}
    t = L.labelled_table(TableData(spec, cells))
    assert t.status.iloc[0].tolist() == ["reported", "not_applicable", "blank"]
    assert t.text.iloc[0].tolist() == ["0", "不适用", ""]
    v = t.values.iloc[0]
    assert v.iloc[0] == 0 and v.iloc[1] is pd.NA and v.iloc[2] is pd.NA
    assert str(t.values.dtypes.iloc[0]) == "Int64" and str(t.values.dtypes.iloc[1]) == "Float64"
    html = t._repr_html_()
    assert 'class="data row0 col0 gr-value"' in html.replace("  ", " ") or "gr-value" in html
    for cls in ("gr-value", "gr-na", "gr-blank"):
        assert cls in html
    assert "不适用" in html and "空白（未填报）" in html
    assert t.status_counts().to_dict() == {"reported": 1, "blank": 1, "not_applicable": 1}
    # a blank is never summed as 0: the column's sum skips it, its status still says blank
    assert int(t.values.iloc[:, [0]].sum().iloc[0]) == 0 and t.values.iloc[:, 2].isna().all()


def test_html_escapes_labels_and_is_deterministic(seed_dataset):
    a = seed_dataset.table("t3", SEED_AGENCY, SEED_YEAR)._repr_html_()
    b = seed_dataset.table("t3", SEED_AGENCY_ID, SEED_YEAR)._repr_html_()
    assert a == b
    assert "三安全一稳定" in a and "<script" not in a


def test_dataset_table_matches_cells(synth_ds):
    ds = synth_ds
    c = ds.cells
    for aid, year in ds.keys()[:8]:
        r = ds.report(aid, year)
        for td in r.tables:
            t = ds.table(td.spec.id, aid, year, version=td.spec.version, labels="id")
            sub = c[(c["agency_id"] == aid) & (c["year"] == year) & (c["table"] == td.spec.id)
                    & (c["version"] == td.spec.version)]
            sub = sub[[not td.spec.row(r_).group and not td.spec.column(c_).group
                       for r_, c_ in zip(sub["row"], sub["column"], strict=True)]]
            counts = t.status_counts()
            assert counts["not_applicable"] == int((sub["value_mark"] == Mark.NA).sum())
            assert counts["reported"] == int((sub["value_mark"] == Mark.VALUE).sum())
            for row in sub.itertuples():
                rows = [k[-1] if k[-1] else next(p for p in reversed(k) if p) for k in t.values.index] \
                    if isinstance(t.values.index, pd.MultiIndex) else list(t.values.index)
                cols = [next(p for p in reversed(k) if p) for k in t.values.columns] \
                    if isinstance(t.values.columns, pd.MultiIndex) else list(t.values.columns)
                i, j = rows.index(row.row), cols.index(row.column)
                assert t.status.iat[i, j] == L.STATUSES[int(row.value_mark)]
                if row.value_mark == Mark.VALUE:
                    assert float(t.values.iat[i, j]) == row.value


def test_tidy_wide_report_frame(synth_ds):
    ds = synth_ds
    tidy = ds.tidy()
    assert len(tidy) == len(ds.cells)
    assert set(tidy["status"].unique()) <= set(L.STATUSES)
    assert tidy["value"].isna().sum() == (tidy["status"] != "reported").sum()
    assert (tidy.loc[tidy["status"] == "not_applicable", "text"] == "不适用").all()
    wide = ds.wide(["t3"])
    status = ds.wide(["t3"], what="status")
    text = ds.wide(["t3"], what="text")
    assert wide.shape == status.shape == text.shape and wide.shape[0] == len(ds)
    assert list(wide.columns.names) == ["table", "row", "column"]
    t3 = tidy[tidy["table"] == "t3"]
    assert (status == "reported").to_numpy().sum() == (t3["status"] == "reported").sum()
    assert (status == "not_applicable").to_numpy().sum() == (t3["status"] == "not_applicable").sum()
    assert np.isclose(np.nansum(wide.to_numpy(dtype="float64", na_value=np.nan)), t3["value"].sum())
    lf = ds.wide(["t3"], what="labelled")
    assert isinstance(lf, govreport.LabelledFrame) and "gr-na" in lf._repr_html_()
    aid, year = ds.keys()[0]
    f = ds.report(aid, year).to_frame()
    assert len(f) == sum(len(t.spec.data_rows) * len(t.spec.data_columns) for t in ds.report(aid, year).tables)
    assert (f["status"] == "reported").sum() == f["value"].notna().sum()


def test_findings_frame(synth_ds):
    result = synth_ds.check()
    f = result.to_frame()
    assert len(f) == len(result) and result.errors > 0
    assert list(f["severity"].cat.categories) == ["error", "warning", "info"]
    errors = result.to_frame(severity="error")
    assert len(errors) == result.errors and set(errors["severity_label"]) == {"错误"}
    rule = errors["rule"].iloc[0]
    only = result.to_frame(rule=rule, severity=["error"])
    assert len(only) == int(((result.findings["rule"] == rule) & (result.findings["severity"] == "error")).sum())
    assert only["title"].notna().all()


def test_public_api_discoverable_and_lazy():
    names = dir(govreport)
    for name in ("load", "Dataset", "Report", "stats", "check", "LabelledTable", "CheckResult"):
        assert name in names and name in govreport.__all__
        assert getattr(govreport, name) is not None
    code = "import sys, govreport; print(any(m in sys.modules for m in ('pandas', 'numpy', 'matplotlib')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_unknown_table_is_a_clear_error(seed_dataset):
    from govreport.core.errors import NotFoundError

    with pytest.raises(NotFoundError, match="没有表格") as err:
        seed_dataset.table("t9", SEED_AGENCY, SEED_YEAR)
    assert "t3" in str(err.value)
    with pytest.raises(NotFoundError):
        seed_dataset.table("t2e", SEED_AGENCY, SEED_YEAR, version="2021")  # 2021 has no 政府集中采购 block


def test_display_escapes_what_comes_from_data():
    spec = FORMATS["2021"].table("t4")
    t = L.labelled_table(TableData(spec), agency="<script>alert(1)</script>局", year=2021)
    html = t._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    frame = L.LabelledFrame(t.values.set_axis(["<b>x</b>"], axis=0), t.status.set_axis(["<b>x</b>"], axis=0))
    assert "<b>x</b>" not in frame._repr_html_()


def test_report_and_table_displays_show_the_three_states_apart():
    spec = FORMATS["2021"].table("fee")
    cells = {("processing_fee", "notices"): Figure.of(0), ("processing_fee", "billed"): Figure.na()}
    html = TableData(spec, cells)._repr_html_()
    tds = re.findall(r'<td[^>]*class="([^"]*)"[^>]*>([^<]*)</td>', html)
    assert [(c.split()[0], t) for c, t in tds] == [("value", "0"), ("na", "不适用"), ("blank", "")]
    assert "td.blank{background" in html and "空白（未填报）" in html
