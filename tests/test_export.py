"""Open-data export: readable tables, status next to every figure, a complete data dictionary."""

from __future__ import annotations

import csv
import io
import json

from govreport.analysis.export import data_dictionary, export_tables
from govreport.cli import main


def test_every_exported_column_is_in_the_dictionary(seed_dataset):
    tables = export_tables(seed_dataset)
    dictionary = data_dictionary()
    documented = set(zip(dictionary["table"], dictionary["column"], strict=True))
    for name, frame in tables.items():
        for col in frame.columns:
            assert (name, col) in documented, (name, col)
    assert dictionary["meaning"].str.len().min() > 3


def test_blank_stays_blank_in_export(seed_dataset):
    reports = export_tables(seed_dataset)["reports"].iloc[0]
    assert reports["received"] == 0
    assert reports["proactive_total"] == 418
    assert reports["disclosure_rate_status"] == "none_handled"
    cells = export_tables(seed_dataset)["cells"]
    assert set(cells["status"]) == {"reported"}


def test_export_csv_and_json(tmp_path, repo_root):
    out = tmp_path / "od"
    assert main(["export", "--data", str(repo_root / "data"), "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO((out / "channels.csv").read_text(encoding="utf-8"))))
    assert [(r["label"], r["value"], r["share_pct"]) for r in rows] == [
        ("五原县政务网站动态信息", "58", "13.88"),
        ("“三务公开”等各便民服务平台", "303", "72.49"),
        ("五原县民政局微信公众号", "22", "5.26"),
        ("线下各类公开栏", "35", "8.37"),
    ]
    reports = list(csv.DictReader(io.StringIO((out / "reports.csv").read_text(encoding="utf-8"))))
    assert reports[0]["carried_over"] == ""  # blank, not 0
    assert reports[0]["received"] == "0"
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert main(["export", "--data", str(repo_root / "data"), "--out", str(out)]) == 0
    assert first == {p.name: p.read_bytes() for p in out.iterdir()}  # same input, same bytes

    outj = tmp_path / "odj"
    assert main(["export", "--data", str(repo_root / "data"), "--out", str(outj), "--format", "json"]) == 0
    doc = json.loads((outj / "govreport-open-data.json").read_text(encoding="utf-8"))
    assert doc["tables"]["reports"][0]["carried_over"] is None
    assert doc["provenance"]["data_hash"]
    assert {d["table"] for d in doc["data_dictionary"]} == {"agencies", "reports", "cells", "channels", "categories"}
