"""Synthetic datasets (``govreport synth``): determinism, labelling, safety, validity, known breakage.

Also the fast CSV read path and the Parquet cache, which the synthetic data exercises at size: both
must return exactly the frames of the plain (slow) path, and bad input must still give the error of
the slow path.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import govreport
from govreport.analysis.synth import EXPECTED_FILE, MARKER_HEAD, SynthParams, write_dataset
from govreport.core import schema as layout
from govreport.core.errors import DuplicateKeyError, GovreportError, ParameterError, ValueFormatError
from govreport.core.report_text import split_sections
from govreport.store import csvstore
from govreport.store import dataset_files as store
from govreport.store.dataset_files import CATEGORICAL, SPECS, canonical_text, link_frames, read_frames
from tests.conftest import DATA

YEARS = range(2019, 2024)
CSV_FILES = [spec.name for spec in layout.FILES]


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and layout.CACHE_DIR not in p.parts}


def _digest(root: Path) -> str:
    h = hashlib.blake2b()
    for name, data in _tree(root).items():
        h.update(name.encode() + b"\0" + data)
    return h.hexdigest()


@pytest.fixture(scope="module")
def clean_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "clean"
    write_dataset(out, agencies=30, years=YEARS, seed=11)
    return out


# ------------------------------------------------------------------------------------------ determinism


def test_same_arguments_same_bytes(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    write_dataset(a, agencies=12, years=YEARS, seed=3, broken=4)
    write_dataset(b, agencies=12, years=YEARS, seed=3, broken=4)
    ta, tb = _tree(a), _tree(b)
    assert ta.keys() == tb.keys()
    assert all(ta[k] == tb[k] for k in ta), [k for k in ta if ta[k] != tb[k]]
    assert len([k for k in ta if k.startswith(layout.NARRATIVES_DIR)]) == 12 * len(YEARS)


def test_different_seed_different_data(tmp_path: Path) -> None:
    write_dataset(tmp_path / "a", agencies=12, years=YEARS, seed=3)
    write_dataset(tmp_path / "b", agencies=12, years=YEARS, seed=4)
    for name in ("cells.csv", "channels.csv", "agencies.csv"):
        assert (tmp_path / "a" / name).read_bytes() != (tmp_path / "b" / name).read_bytes(), name


def test_options_do_not_change_the_rest(tmp_path: Path) -> None:
    """--no-narratives changes nothing but the narratives; --broken only the broken reports."""
    write_dataset(tmp_path / "full", agencies=20, years=YEARS, seed=5)
    write_dataset(tmp_path / "bare", agencies=20, years=YEARS, seed=5, narratives=False)
    write_dataset(tmp_path / "broken", agencies=20, years=YEARS, seed=5, broken=6)
    for name in CSV_FILES:
        assert (tmp_path / "full" / name).read_bytes() == (tmp_path / "bare" / name).read_bytes()
    assert not (tmp_path / "bare" / layout.NARRATIVES_DIR).exists()
    broken = {(a, int(y)) for a, y in pd.read_csv(tmp_path / "broken" / EXPECTED_FILE)[["agency_id", "year"]]
              .itertuples(index=False)}
    assert len(broken) == 6
    for name in ("cells.csv", "channels.csv", "reports.csv"):
        full = pd.read_csv(tmp_path / "full" / name, dtype=str, keep_default_na=False)
        brok = pd.read_csv(tmp_path / "broken" / name, dtype=str, keep_default_na=False)
        keep_f = [(a, int(y)) not in broken for a, y in zip(full["agency_id"], full["year"], strict=True)]
        keep_b = [(a, int(y)) not in broken for a, y in zip(brok["agency_id"], brok["year"], strict=True)]
        pd.testing.assert_frame_equal(full[keep_f].reset_index(drop=True), brok[keep_b].reset_index(drop=True))


# ------------------------------------------------------------------------------------------ labelling


def test_clearly_labelled(clean_dir: Path) -> None:
    marker = (clean_dir / layout.SYNTHETIC_MARKER).read_text(encoding="utf-8")
    assert marker.startswith(MARKER_HEAD)
    assert "govreport synth --agencies 30 --years 2019-2023 --seed 11" in marker
    assert "seed: 11" in marker
    ds = govreport.load(clean_dir, use_cache=False)
    assert ds.is_synthetic
    assert ds.agencies["agency_id"].str.startswith("synth-").all()
    assert ds.agencies["name"].str.contains("合成示例").all()
    assert ds.agencies["name"].str.endswith("（合成数据）").all()
    assert ds.agencies["name"].is_unique
    assert ds.reports["notes"].str.startswith("合成数据").all()
    assert ds.reports["source"].str.contains("合成数据").all()
    assert not set(ds.agencies["name"]) & set(govreport.load(DATA, use_cache=False).agencies["name"])


def test_realistic_mix(tmp_path: Path) -> None:
    out = tmp_path / "mix"
    write_dataset(out, agencies=300, years=YEARS, seed=2, narratives=False)
    ds = govreport.load(out, use_cache=False)
    assert set(ds.agencies["kind"].astype(str)) == {"department", "government", "other"}
    assert {"province", "prefecture", "county", "township"} <= set(ds.agencies["level"].astype(str))
    fmt = ds.reports.assign(format=ds.reports["format"].astype(str))
    assert set(fmt.loc[fmt["year"] <= 2020, "format"]) <= {"2019", "none"}
    assert set(fmt.loc[fmt["year"] >= 2021, "format"]) <= {"2021", "hybrid", "none"}
    marks = ds.cells["value_mark"].value_counts()
    assert marks[0] > 0 and marks[2] > 0  # values and 不适用
    zeros = (ds.cells["value"] == 0).mean()
    assert 0.5 < zeros < 0.99  # mostly zeros, as in real tables
    t3 = ds.cells[(ds.cells["table"] == "t3").to_numpy()]
    assert set(t3.loc[t3["version"] == "2019", "row"].astype(str)) >= {"other_handling"}
    assert "oh_no_correction" in set(t3.loc[t3["version"] == "2021", "row"].astype(str))
    # county departments have no power to make 规章: never a figure above 0
    county_dept = ds.agencies.loc[(ds.agencies["level"] == "county") & (ds.agencies["kind"] == "department"),
                                  "agency_id"]
    regs = ds.cells[(ds.cells["row"] == "regulations").to_numpy()
                    & ds.cells["agency_id"].astype(str).isin(county_dept).to_numpy()]
    assert len(regs) and not (regs["value"] > 0).any()
    ch = ds.channels
    assert {"website", "wechat", "notice_board"} <= set(ch["channel"].astype(str))
    assert set(ch["qualifier"].astype(str)) >= {"", "余"}
    assert "期" in set(ch["unit"].astype(str))
    assert len(ds.categories) > 0
    overlap = ds.reports["channels_overlap"]
    assert overlap.isna().any() and (overlap == True).any() and (overlap == False).any()  # noqa: E712
    assert ds.reports["published"].notna().any() and ds.reports["published"].isna().any()


def test_narratives_have_the_six_sections(clean_dir: Path) -> None:
    files = sorted((clean_dir / layout.NARRATIVES_DIR).rglob("*.md"))
    assert len(files) == 30 * len(YEARS)
    from govreport.core.formats import SECTIONS

    for p in files[:: max(1, len(files) // 20)]:
        text = p.read_text(encoding="utf-8")
        headings = [h for h, _, _ in split_sections(text) if h]
        assert headings == list(SECTIONS), p
        assert "合成" in text


# ------------------------------------------------------------------------------------------ safety


def test_refuses_the_repository_data(tmp_path: Path) -> None:
    before = _digest(DATA)
    with pytest.raises(GovreportError, match="仓库的真实数据集"):
        write_dataset(DATA, agencies=3, years=[2021], seed=1)
    with pytest.raises(GovreportError, match="仓库的真实数据集"):
        write_dataset(DATA / "sub", agencies=3, years=[2021], seed=1)
    assert _digest(DATA) == before
    assert not (DATA / "sub").exists()


def test_refuses_other_directories(tmp_path: Path, seed_dir: Path) -> None:
    with pytest.raises(GovreportError, match="存放着非合成的数据集"):
        write_dataset(seed_dir, agencies=3, years=[2021], seed=1)
    other = tmp_path / "notes"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(GovreportError, match="不是空目录，也没有合成数据集"):
        write_dataset(other, agencies=3, years=[2021], seed=1)
    assert (other / "keep.txt").read_text() == "mine"
    file = tmp_path / "file"
    file.write_text("x")
    with pytest.raises(GovreportError, match="它已存在且不是目录"):
        write_dataset(file, agencies=3, years=[2021], seed=1)


def test_replaces_an_earlier_synthetic_dataset(tmp_path: Path) -> None:
    out = tmp_path / "s"
    write_dataset(out, agencies=8, years=YEARS, seed=1, broken=2)
    govreport.load(out)  # leaves a .cache behind
    write_dataset(out, agencies=5, years=[2022], seed=2)
    assert not (out / EXPECTED_FILE).exists() and not (out / layout.CACHE_DIR).exists()
    assert len(govreport.load(out)) == 5
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left behind
    empty = tmp_path / "empty"
    empty.mkdir()
    write_dataset(empty, agencies=2, years=[2021], seed=1)
    assert (empty / layout.SYNTHETIC_MARKER).exists()


@pytest.mark.parametrize("kwargs", [
    {"agencies": 0, "years": (2021,)},
    {"agencies": 3, "years": (2018, 2019)},
    {"agencies": 3, "years": ()},
    {"agencies": 3, "years": (2021, 2020)},
    {"agencies": 3, "years": (2021,), "seed": -1},
    {"agencies": 3, "years": (2021,), "broken": -2},
])
def test_bad_parameters(kwargs) -> None:
    with pytest.raises(ParameterError):
        SynthParams(**kwargs)


def test_too_many_broken(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="减少 --broken"):
        write_dataset(tmp_path / "x", agencies=3, years=[2021, 2022], seed=1, broken=5)
    assert not (tmp_path / "x").exists()


def test_cli(tmp_path: Path, capsys) -> None:
    from govreport.cli import main

    out = tmp_path / "cli"
    assert main(["synth", "--agencies", "4", "--years", "2020-2021", "--seed", "9", "--out", str(out),
                 "--broken", "1", "--no-narratives"]) == 0
    assert "单位 4 个，年度报告 8 份" in capsys.readouterr().err
    assert (out / EXPECTED_FILE).exists() and not (out / layout.NARRATIVES_DIR).exists()
    assert "--broken 1 --no-narratives" in (out / layout.SYNTHETIC_MARKER).read_text(encoding="utf-8")
    assert main(["synth", "--agencies", "4", "--years", "2020-2021", "--out", str(DATA)]) == 2
    err = capsys.readouterr().err
    assert "拒绝把合成数据写入" in err and "Traceback" not in err
    assert main(["synth", "--agencies", "4", "--years", "soon", "--out", str(tmp_path / "y")]) == 2
    assert main(["check", str(out)]) == 1  # the broken report is an error (or a warning at least)
    clean = tmp_path / "clean"
    assert main(["synth", "--agencies", "6", "--years", "2021-2022", "--seed", "9", "--out", str(clean)]) == 0
    assert main(["check", str(clean)]) == 0


# ------------------------------------------------------------------------------------------ validity


def _findings(ds) -> pd.DataFrame:
    """The findings of every rule but the text rules (N1–N3): these datasets are written without narratives
    (``narratives=False``), which the text rules rightly report; they are tested on texts in test_checks."""
    from govreport.checks import run
    from govreport.checks.rules import RULES

    f = run(ds, rules=[r.id for r in RULES if r.scope != "text"]).findings
    return f[["agency_id", "year", "rule", "severity"]].astype({"agency_id": str, "year": int})


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_default_dataset_has_no_error(tmp_path: Path, seed: int) -> None:
    result = write_dataset(tmp_path / "s", agencies=25, years=YEARS, seed=seed, narratives=False)
    f = _findings(govreport.load(tmp_path / "s", use_cache=False))
    assert (f["severity"] == "error").sum() == 0, f[f["severity"] == "error"].to_string()
    warnings = f[f["severity"] != "error"]
    # exactly the flagged unusual reports, one finding each: cut-off P2, narrative-only F1, hybrid F2, P4
    counts = warnings["rule"].value_counts().to_dict()
    assert counts == {k: v for k, v in result.flagged.items() if v}, counts
    reports = pd.read_csv(tmp_path / "s" / "reports.csv", dtype=str, keep_default_na=False)
    noted = reports[reports["notes"].str.contains("预期")]
    assert {(a, int(y)) for a, y in zip(noted["agency_id"], noted["year"], strict=True)} == \
        {(a, y) for a, y in zip(warnings["agency_id"], warnings["year"], strict=True)}


@pytest.mark.parametrize("seed", [0, 3, 8])
def test_broken_reports_give_exactly_the_expected_findings(tmp_path: Path, seed: int) -> None:
    write_dataset(tmp_path / "clean", agencies=40, years=YEARS, seed=seed, narratives=False)
    result = write_dataset(tmp_path / "broken", agencies=40, years=YEARS, seed=seed, broken=11, narratives=False)
    expected = pd.read_csv(tmp_path / "broken" / EXPECTED_FILE, dtype={"year": int})
    assert len({(e.agency_id, e.year) for e in result.expected}) == 11
    # every kind of perturbation is used once (11 kinds, 40 agencies)
    assert set(expected["rule"]) == {"R1", "R3", "R4", "R6", "R7", "R8", "R9", "R10", "R11", "R12", "C1", "D1"}
    clean = _findings(govreport.load(tmp_path / "clean", use_cache=False))
    broken = _findings(govreport.load(tmp_path / "broken", use_cache=False))
    serious = lambda f: {(a, y, r) for a, y, r, s in f.itertuples(index=False) if s != "info"}  # noqa: E731
    want = {(a, y, r) for a, y, r in expected[["agency_id", "year", "rule"]].itertuples(index=False)}
    assert serious(broken) - serious(clean) == want
    assert serious(clean) <= serious(broken)


# ------------------------------------------------------------------------------------------ I/O paths


def _slow_frames(root: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for name, spec in SPECS.items():
        frame, lines = csvstore.read_csv_text(root / spec.name)
        out[name] = csvstore.validate_frame(frame, lines, spec, str(root / spec.name))
    return link_frames(out, root)


def _fast_frames(root: Path) -> dict[str, pd.DataFrame]:
    out = {}
    for name, spec in SPECS.items():
        frame = csvstore._read_file_fast(root / spec.name, spec, CATEGORICAL.get(name, ()))
        assert frame is not None, name
        out[name] = frame
    return link_frames(out, root)


def _assert_same_frames(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)
        for col in a[name].columns:
            da, db = a[name][col].dtype, b[name][col].dtype
            assert str(da) == str(db), (name, col)
            if isinstance(da, pd.CategoricalDtype):
                assert da == db and da.categories.dtype == db.categories.dtype, (name, col)


@pytest.mark.parametrize("which", ["seed", "synthetic"])
def test_fast_read_path_equals_plain_path(which: str, clean_dir: Path, tmp_path: Path) -> None:
    root = DATA if which == "seed" else clean_dir
    _assert_same_frames(_fast_frames(root), _slow_frames(root))


def test_canonical_writer_reproduces_the_files(clean_dir: Path) -> None:
    """cells.csv (fast writer) and the other files are exactly what the canonical writer writes."""
    frames, _ = read_frames(clean_dir, use_cache=False)
    texts = canonical_text(frames)
    for name in CSV_FILES:
        assert texts[name] == (clean_dir / name).read_text(encoding="utf-8"), name


def _no_csv(*args, **kwargs):
    raise AssertionError("the cache was not used")


def test_cached_load_equals_csv_load(clean_dir: Path, tmp_path: Path, monkeypatch) -> None:
    for root in (clean_dir, tmp_path / "seed"):
        if root.name == "seed":
            shutil.copytree(DATA, root, ignore=shutil.ignore_patterns(layout.CACHE_DIR))
        shutil.rmtree(root / layout.CACHE_DIR, ignore_errors=True)
        plain = govreport.load(root, use_cache=False)
        govreport.load(root)
        assert (root / layout.CACHE_DIR / "manifest.json").exists()
        with monkeypatch.context() as m:  # the cached load must not read a CSV file
            m.setattr(store, "read_file", _no_csv)
            cached = govreport.load(root)
        assert cached.data_hash == plain.data_hash
        _assert_same_frames({n: getattr(cached, n) for n in SPECS}, {n: getattr(plain, n) for n in SPECS})


def test_data_hash_unchanged(clean_dir: Path) -> None:
    """The streamed hash equals the hash of the concatenated file contents (as before)."""
    h = hashlib.blake2b(digest_size=16)
    for spec in layout.FILES:
        h.update(spec.name.encode() + b"\0" + (clean_dir / spec.name).read_bytes() + b"\0")
    assert govreport.load(clean_dir, use_cache=False).data_hash == h.hexdigest()


def _corrupt(src: Path, dst: Path, line_no: int, column: str, value: str) -> None:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(layout.CACHE_DIR, layout.NARRATIVES_DIR))
    path = dst / "cells.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    header = lines[0].split(",")
    fields = lines[line_no - 1].split(",")
    fields[header.index(column)] = value
    lines[line_no - 1] = ",".join(fields)
    path.write_text("\n".join(lines), encoding="utf-8")


def test_bad_value_still_named_by_line(clean_dir: Path, tmp_path: Path) -> None:
    _corrupt(clean_dir, tmp_path / "bad", 5000, "value", "12x")
    with pytest.raises(ValueFormatError) as info:
        govreport.load(tmp_path / "bad", use_cache=False)
    assert info.value.line == 5000 and info.value.column == "value" and "12x" in str(info.value)


def test_duplicate_key_still_named_by_line(clean_dir: Path, tmp_path: Path) -> None:
    dst = tmp_path / "dup"
    shutil.copytree(clean_dir, dst, ignore=shutil.ignore_patterns(layout.CACHE_DIR, layout.NARRATIVES_DIR))
    path = dst / "cells.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines.insert(101, lines[99])  # line 100 again, as line 102
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DuplicateKeyError) as info:
        govreport.load(dst, use_cache=False)
    assert info.value.line == 102 and "第 100 行" in str(info.value)


def test_fast_path_declines_unusual_files(tmp_path: Path) -> None:
    """Quoted fields, a BOM or blank lines go through the plain reader (same result)."""
    spec = layout.CHANNELS
    base = "agency_id,year,seq,channel,label,value,qualifier,unit,host,account,note\n"
    row = "a-1,2021,1,website,门户网站,5,,条,own,,\n"
    cases = {
        "quoted": base + row.replace(",,\n", ',"a, b"\n'),
        "bom": "\ufeff" + base + row,
        "blank": base + "\n" + row,
    }
    for name, text in cases.items():
        p = tmp_path / f"{name}.csv"
        p.write_text(text, encoding="utf-8")
        assert csvstore._read_file_fast(p, spec) is None, name
        frame = csvstore.read_file(p, spec)
        assert len(frame) == 1 and frame["value"].iloc[0] == 5.0
    plain = tmp_path / "plain.csv"
    plain.write_text(base + row, encoding="utf-8")
    fast = csvstore._read_file_fast(plain, spec)
    assert fast is not None
    slow_text, lines = csvstore.read_csv_text(plain)
    pd.testing.assert_frame_equal(fast, csvstore.validate_frame(slow_text, lines, spec, str(plain)))


def test_figure_text_matches_format_value() -> None:
    from govreport.core.values import format_series

    values = np.array([0.0, -0.0, 1.0, 2.5, 52.15, 1e16, -3.0, np.nan, np.nan, 12345.678901234, 0.1 + 0.2])
    marks = np.array([0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0], dtype=np.int8)
    assert list(csvstore._figure_texts(values, marks)) == format_series(values, marks)


def test_write_failure_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    import errno

    from govreport.analysis import synth

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(synth, "_cells_csv", full_disk)
    with pytest.raises(GovreportError, match="No space left"):
        write_dataset(tmp_path / "x", agencies=3, years=[2021], seed=1)
    assert list(tmp_path.iterdir()) == []


def test_damaged_cache_is_ignored(clean_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "c"
    shutil.copytree(clean_dir, root, ignore=shutil.ignore_patterns(layout.CACHE_DIR, layout.NARRATIVES_DIR))
    plain = govreport.load(root, use_cache=False)
    govreport.load(root)
    for p in (root / layout.CACHE_DIR).iterdir():
        if p.name.startswith("cells"):
            p.write_bytes(b"not an arrow file")
    again = govreport.load(root)
    _assert_same_frames({n: getattr(again, n) for n in SPECS}, {n: getattr(plain, n) for n in SPECS})
