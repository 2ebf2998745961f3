"""The seed's mirror copy, ingested as it is, gives exactly what data/ transcribes for 五原县民政局 2020."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest

from govreport.readers import ingest_path, known_agencies
from govreport.store.frames import narrative_text, report_to_text_frames
from tests.conftest import DATA, REPO, SEED_AGENCY_ID

SEED_SOURCE = DATA / "sources" / "150821-minzhengju-2020-mirror.txt"


@pytest.fixture(scope="module")
def ingested():
    return ingest_path(SEED_SOURCE, agencies=known_agencies(DATA))


def test_agency_and_contact_block_match_the_dataset(ingested, seed_report):
    a = ingested.agency
    assert ingested.agency_match == "dataset"
    assert a == seed_report.agency
    # the contact block is read from the text itself, not only carried over from agencies.csv
    for field in ("address", "postcode", "phone", "fax", "email", "office"):
        assert ("agency", field) in ingested.sources, field
    assert ingested.sources[("agency", "phone")].text == "0478—5212471"
    assert ingested.sources[("agency", "fax")].text == "0478—5212471（传真）"


def test_contact_block_without_a_dataset_is_read_from_the_text(seed_report):
    got = ingest_path(SEED_SOURCE)
    a = got.agency
    assert got.agency_match == "derived"
    assert a.name == "五原县民政局" and a.kind.value == "department" and a.level.value == "county"
    assert a.superior == "五原县人民政府"
    for field in ("address", "postcode", "phone", "fax", "email", "office"):
        assert getattr(a, field) == getattr(seed_report.agency, field), field


def test_year_period_cutoff_format(ingested, seed_report):
    assert ingested.year == 2020 == seed_report.year
    assert ingested.period == seed_report.period
    assert ingested.period.start == dt.date(2020, 1, 1) and ingested.period.end == dt.date(2020, 12, 31)
    assert ingested.period.cutoff == dt.date(2020, 12, 28)
    assert ingested.sources[("cutoff",)].text == "2020年1月1日至12月28日"
    assert ingested.format == seed_report.format


def test_proactive_total_and_channels_exactly(ingested, seed_report):
    got, want = ingested.proactive, seed_report.proactive
    assert got.total == want.total and got.total.value == 418
    assert (got.total_qualifier, got.unit, got.channels_overlap) == (want.total_qualifier, want.unit,
                                                                     want.channels_overlap)
    assert [c.figure.value for c in got.channels] == [58, 303, 22, 35]
    for g, w in zip(got.channels, want.channels, strict=True):
        assert (g.channel, g.label, g.figure, g.qualifier, g.unit, g.host, g.account) == (
            w.channel, w.label, w.figure, w.qualifier, w.unit, w.host, w.account)
    assert got.categories == want.categories == ()


def test_table_cells_and_their_notes_match_cells_csv(ingested, seed_report):
    got = {(t.spec.version, t.spec.id): (t.cells, t.notes) for t in ingested.tables}
    want = {(t.spec.version, t.spec.id): (t.cells, t.notes) for t in seed_report.tables}
    assert got == want


def test_sections_are_the_transcribed_narrative(ingested, seed_report):
    assert [s.heading for s in ingested.sections] == [s.heading for s in seed_report.sections]
    assert [s.heading for s in ingested.sections][1:] == [
        "一、工作概述", "二、主动公开政务信息情况", "三、收到和处理政务信息公开申请情况",
        "四、政务信息公开行政复议、行政诉讼情况", "五、存在问题及改进措施"]
    report = ingested.report()
    assert narrative_text(report) == (DATA / "narratives" / SEED_AGENCY_ID / "2020.md").read_text("utf-8")


def test_rows_written_equal_the_dataset_except_free_text_notes(ingested, seed_report):
    got = report_to_text_frames(ingested.report("sources/150821-minzhengju-2020-mirror.txt"))
    want = report_to_text_frames(seed_report)
    for name in ("agencies", "cells", "categories"):
        assert got[name].equals(want[name]), name
    keep = [c for c in want["channels"].columns if c != "note"]
    assert got["channels"][keep].equals(want["channels"][keep])
    keep = [c for c in want["reports"].columns if c != "notes"]
    assert got["reports"][keep].equals(want["reports"][keep])


def test_every_figure_has_a_source_that_points_at_its_text(ingested):
    raw = SEED_SOURCE.read_text("utf-8")
    lines = raw.split("\n")
    for i, ch in enumerate(ingested.proactive.channels, start=1):
        src = ingested.sources[("channel", i)]
        a, b = src.orig_span
        original = raw[a:b]
        assert str(int(ch.figure.value)) in original
        assert str(int(ch.figure.value)) in lines[src.line - 1]
    total = ingested.sources[("proactive_total",)]
    assert "418" in lines[total.line - 1] and total.line == 14
    for t in ingested.tables:
        for r, c in t.cells:
            assert ("cell", t.spec.version, t.spec.id, r, c) in ingested.sources


def test_cli_json_done_criterion():
    out = subprocess.run(
        [sys.executable, "-m", "govreport", "ingest", "data/sources/150821-minzhengju-2020-mirror.txt", "--json"],
        cwd=REPO, capture_output=True, text=True, check=True,
    ).stdout
    doc = json.loads(out)
    assert doc["agency"]["name"] == "五原县民政局" and doc["agency"]["id"] == SEED_AGENCY_ID
    assert doc["year"] == 2020
    assert doc["proactive"]["total"] == 418
    assert [(c["label"], c["value"]) for c in doc["proactive"]["channels"]] == [
        ("五原县政务网站动态信息", 58), ("“三务公开”等各便民服务平台", 303), ("五原县民政局微信公众号", 22),
        ("线下各类公开栏", 35)]
    assert [c["channel"] for c in doc["proactive"]["channels"]] == ["website", "service_platform", "wechat",
                                                                     "notice_board"]
    assert {(c["row"], c["column"], c["value"]) for c in doc["applications"]} == {
        ("new_received", "total", 0), ("results_total", "total", 0)}
    assert {c["column"] for c in doc["reviews"]} == {"review_total", "direct_total", "after_review_total"}
    assert doc["period"] == {**doc["period"], "start": "2020-01-01", "end": "2020-12-31", "cutoff": "2020-12-28"}
    assert any("表三" in n["item"] for n in doc["not_read"])


def test_a_longer_name_still_matches_the_dataset_agency():
    from govreport.readers import ingest_text

    text = "巴彦淖尔市五原县民政局2020年政府信息公开工作年度报告\n" + SEED_SOURCE.read_text("utf-8")
    got = ingest_text(text, "titled.txt", agencies=known_agencies(DATA))
    assert got.agency.id == SEED_AGENCY_ID and got.agency_match == "dataset"
    assert any("按数据集中的“五原县民政局”" in w for w in got.warnings)
