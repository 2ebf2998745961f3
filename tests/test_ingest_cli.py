"""``govreport ingest``: JSON output, writing into a dataset (all or nothing), agency matching and overrides."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import govreport
from govreport.cli import main
from tests.conftest import DATA, SEED_AGENCY_ID

FIX = Path(__file__).resolve().parent / "fixtures" / "ingest"
SEED_SOURCE = DATA / "sources" / "150821-minzhengju-2020-mirror.txt"


def _docs(text: str) -> list[dict]:
    dec = json.JSONDecoder()
    out, i = [], 0
    text = text.strip()
    while i < len(text):
        doc, i = dec.raw_decode(text, i)
        out.append(doc)
        while i < len(text) and text[i].isspace():
            i += 1
    return out


def test_json_prints_one_array_for_several_reports(capsys) -> None:
    assert main(["ingest", str(SEED_SOURCE), str(FIX / "table-2021.html"), "--json", "--out", str(DATA)]) == 0
    docs = json.loads(capsys.readouterr().out)  # one JSON document that any parser accepts
    assert isinstance(docs, list)
    assert [d["agency"]["name"] for d in docs] == ["五原县民政局", "青禾县市场监督管理局"]
    assert docs[0]["agency"]["id"] == SEED_AGENCY_ID and docs[1]["agency"]["matched"] == "derived"


def test_json_is_deterministic(capsys) -> None:
    main(["ingest", str(FIX / "table-2019.html"), "--json"])
    first = capsys.readouterr().out
    main(["ingest", str(FIX / "table-2019.html"), "--json"])
    assert capsys.readouterr().out == first


def test_refuses_to_overwrite_then_replaces(seed_dir: Path, capsys) -> None:
    source = seed_dir / "sources" / "150821-minzhengju-2020-mirror.txt"
    before = {p.name: p.read_bytes() for p in seed_dir.glob("*.csv")}
    assert main(["ingest", str(source), "--out", str(seed_dir)]) == 2
    assert "--replace" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in seed_dir.glob("*.csv")} == before
    assert main(["ingest", str(source), "--out", str(seed_dir), "--replace"]) == 0
    out = capsys.readouterr().out
    assert "五原县民政局（150821-minzhengju）2020 年度" in out and "418" in out
    for name in ("agencies.csv", "cells.csv", "categories.csv"):
        assert (seed_dir / name).read_bytes() == before[name], name
    ds = govreport.load(seed_dir, use_cache=False)
    rep = ds.report("五原县民政局", 2020)
    assert rep.source == "sources/150821-minzhengju-2020-mirror.txt"
    assert [c.figure.value for c in rep.proactive.channels] == [58, 303, 22, 35]
    assert rep.period.cutoff.isoformat() == "2020-12-28"
    narrative = seed_dir / "narratives" / SEED_AGENCY_ID / "2020.md"
    assert narrative.read_bytes() == (DATA / "narratives" / SEED_AGENCY_ID / "2020.md").read_bytes()


def test_ingest_fixtures_into_a_new_dataset(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ds"
    files = [str(FIX / n) for n in ("narrative-2022.txt", "table-2019.html", "table-2021.html", "hybrid-2021.html",
                                    "traditional-2021.txt")]
    assert main(["ingest", *files, "--out", str(out)]) == 0
    ds = govreport.load(out, use_cache=False)
    assert len(ds) == 5
    assert set(ds.agencies["name"]) == {"青禾县农业农村局", "青禾县教育局", "青禾县市场监督管理局",
                                         "青禾县白石镇人民政府", "青禾县卫生健康委员会"}
    hybrid = ds.report("青禾县白石镇人民政府", 2021)
    assert hybrid.format.value == "hybrid"
    assert hybrid.table("t3", "2019").get("other_handling", "total").value == 1
    first = {p.name: p.read_bytes() for p in out.glob("*.csv")}
    # same input, same bytes out
    assert main(["ingest", *files, "--out", str(out), "--replace"]) == 0
    assert {p.name: p.read_bytes() for p in out.glob("*.csv")} == first
    capsys.readouterr()


def test_all_or_nothing_when_one_file_cannot_be_read(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("没有标题，也没有年份的一段文字。", encoding="utf-8")
    out = tmp_path / "ds"
    assert main(["ingest", str(FIX / "table-2021.html"), str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad.txt" in err and "--agency" in err and "Traceback" not in err
    assert not out.exists()


def test_missing_file_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["ingest", str(tmp_path / "nope.html"), "--json"]) == 2
    assert "nope.html" in capsys.readouterr().err


def test_agency_and_year_overrides(tmp_path: Path, capsys) -> None:
    out = tmp_path / "ds"
    shutil.copytree(DATA, out, ignore=shutil.ignore_patterns(".cache"))
    # a known agency given by name: its record is used
    assert main(["ingest", str(FIX / "period-error-2021.txt"), "--agency", "五原县民政局", "--year", "2019",
                 "--out", str(out)]) == 0
    assert "五原县民政局（150821-minzhengju）2019 年度" in capsys.readouterr().out
    ds = govreport.load(out, use_cache=False)
    assert ds.has_report(SEED_AGENCY_ID, 2019)
    # an id that is not in the dataset: the name read from the report is kept under that id
    assert main(["ingest", str(FIX / "narrative-2022.txt"), "--agency", "999999-nongyenongcunju", "--json",
                 "--out", str(out)]) == 0
    doc = _docs(capsys.readouterr().out)[-1]
    assert (doc["agency"]["id"], doc["agency"]["name"]) == ("999999-nongyenongcunju", "青禾县农业农村局")


def test_jsonl_prints_one_compact_object_per_line(capsys) -> None:
    assert main(["ingest", str(SEED_SOURCE), str(FIX / "table-2021.html"), "--jsonl", "--out", str(DATA)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["year"] for line in lines] == [2020, 2022]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, capsys, monkeypatch) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(("主动公开政府信息12条。\n" * 40_000).encode())  # about 1.3 MB
    assert main(["ingest", str(big), "--json", "--max-mb", "1"]) == 2
    err = capsys.readouterr().err
    assert "超过读取上限 1 MB" in err and "Traceback" not in err
    monkeypatch.setenv("GOVREPORT_INGEST_MAX_MB", "0.5")
    assert main(["ingest", str(big), "--json"]) == 2
    assert "超过读取上限 0.5 MB" in capsys.readouterr().err
    assert main(["ingest", str(big), "--json", "--max-mb", "2"]) == 0
