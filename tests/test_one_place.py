"""One fact, one place: what used to be typed twice is now derived from its one declaration."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govreport.analysis import stats_cells, synth_vocab
from govreport.checks import rules
from govreport.core.errors import ParameterError
from govreport.core.formats import FORMATS, T4_OUTCOMES, T4_ROUTES, table_spec
from govreport.core.years import parse_years, years_text

# ---------------------------------------------------------------------------------------- table groups


def test_parts_follow_the_declared_hierarchy():
    t3 = {v: table_spec(v, "t3") for v in FORMATS}
    assert t3["2021"].parts("column", "applicant") == (
        "natural_person", "commercial", "research", "public_welfare", "legal_service", "other_org")
    assert t3["2021"].parts("row", "denied")[0] == "denied_state_secret"
    assert len(t3["2021"].parts("row", "denied")) == 8
    assert t3["2019"].parts("row", "results")[-1] == "other_handling"  # a data row in 2019
    assert t3["2021"].parts("row", "results")[-3:] == ("oh_no_correction", "oh_unpaid_fee", "oh_other")
    assert t3["2021"].total_of("row", "results") == "results_total"
    assert t3["2021"].total_of("row", "denied") is None
    assert t3["2019"].subgroups("row", "results") == ("denied", "unable", "not_processed")
    assert t3["2021"].subgroups("row", "results") == ("denied", "unable", "not_processed", "other_handling")
    t4 = table_spec("2021", "t4")
    assert T4_ROUTES == ("review", "direct", "after_review")
    assert T4_OUTCOMES == ("maintained", "corrected", "other", "pending")
    assert t4.parts("column", "direct") == tuple(f"direct_{o}" for o in T4_OUTCOMES)
    assert t4.parts("column", "litigation") == t4.parts("column", "direct") + t4.parts("column", "after_review")


def test_every_total_is_the_sum_of_its_group():
    """Each group with a total: total + parts cover every data entry of the group, once."""
    for spec in FORMATS.values():
        for t in spec.tables:
            for axis in ("row", "column"):
                for g in t.totalled_groups(axis):
                    data = [a.id for a in t.descendants(axis, g) if not a.group]
                    assert sorted(data) == sorted([*t.parts(axis, g), t.total_of(axis, g)])


def test_rules_stats_and_synth_use_the_derived_groups():
    t3 = {v: table_spec(v, "t3") for v in FORMATS}
    assert {v: t3[v].parts("row", "results") for v in FORMATS} == rules.T3_OUTCOMES
    assert t3["2021"].parts("column", "applicant") == rules.T3_APPLICANTS
    assert stats_cells.T3_PARTS["other_handling"] == list(t3["2021"].parts("row", "other_handling"))
    assert t3["2021"].parts("row", "results") == synth_vocab.OUTCOMES
    assert len(synth_vocab.OUTCOMES) == len(synth_vocab.OUTCOME_P)


# ------------------------------------------------------------------------------------------------ labels


def test_findings_name_formats_and_agency_kinds_with_the_model_labels(seed_dataset):
    from govreport.core.model import AgencyKind, ReportFormat

    findings = seed_dataset.check().findings
    narrative = findings[findings["found"] == ReportFormat.NONE.label]
    assert len(narrative) >= 1, findings[["rule", "expected", "found"]]
    assert AgencyKind("department").label == "政府部门" and AgencyKind("government").label == "人民政府"


# ------------------------------------------------------------------------------------------- year ranges

_DASHES = ("-", "—", "–", "～", "至", "到", "－")
_SEPS = (",", "，", "、", "；")
_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


@st.composite
def _selection(draw) -> tuple[str, set[int]]:
    """A year selection written in any accepted style, and the years it means."""
    parts, years = [], set()
    for _ in range(draw(st.integers(1, 4))):
        a = draw(st.integers(2000, 2030))
        b = draw(st.integers(a, 2031)) if draw(st.booleans()) else a
        nian = "年" if draw(st.booleans()) else ""
        text = f"{a}{nian}" if a == b else f"{a}{nian}{draw(st.sampled_from(_DASHES))}{b}{nian}"
        parts.append(text.translate(_FULL) if draw(st.booleans()) else text)
        years.update(range(a, b + 1))
    sep = draw(st.sampled_from(_SEPS))
    return sep.join(parts), years


@given(_selection())
def test_every_written_style_reads_the_same(sel):
    text, years = sel
    assert parse_years(text) == tuple(sorted(years))
    assert parse_years(years_text(sorted(years))) == tuple(sorted(years))  # round trip


@given(st.lists(st.integers(1990, 2100), min_size=1, max_size=12))
def test_years_text_round_trips(years):
    assert parse_years(years_text(years)) == tuple(sorted(set(years)))


def test_one_parser_for_every_command():
    """``2019—2021`` (an em dash, as Chinese text writes it) means the same to batch, synth and compare."""
    from govreport.analysis import compare
    from govreport.cli import batch, synth

    assert compare.parse_years is parse_years
    assert batch.parse_years is parse_years and synth.parse_years is parse_years
    assert parse_years("2019—2021") == (2019, 2020, 2021)
    for bad in ("2021-2019", "2019-20x", "19-21", "2019..2020", "1800"):
        try:
            parse_years(bad)
        except ParameterError as err:
            assert err.hint
        else:
            raise AssertionError(bad)


# ------------------------------------------------------------------------------------------ dataset name


def test_dataset_name_is_the_directory_name_only(tmp_path):
    from govreport.core.schema import dataset_name
    from govreport.store import provenance

    assert dataset_name(tmp_path / "data") == "data"
    assert dataset_name(str(tmp_path / "data") + "/") == "data"
    assert dataset_name("data") == "data" and dataset_name(None) == ""
    assert provenance.public_parameters("某机关", 2020, tmp_path / "mydata")["data_dir"] == "mydata"


# -------------------------------------------------------------------------------------------- CLI help


def test_command_help_lives_only_in_the_command_table(capsys):
    import ast
    from pathlib import Path

    from govreport import cli

    for path in Path(cli.__file__).parent.glob("*.py"):
        names = {t.id for node in ast.parse(path.read_text(encoding="utf-8")).body if isinstance(node, ast.Assign)
                 for t in node.targets if isinstance(t, ast.Name)}
        assert "HELP" not in names, f"{path.name}: the one-line help belongs in cli.COMMANDS"
    with pytest.raises(SystemExit):
        cli.main(["agencies", "--help"])
    assert cli.COMMANDS["agencies"][1] in capsys.readouterr().out


# ------------------------------------------------------------------------------------------ agency-year key


def test_agency_year_key_orders_like_agency_then_year(seed_dataset):
    import numpy as np

    from govreport.core.keys import agency_year_key, frame_keys

    keys = agency_year_key(np.array([0, 0, 1, 2]), np.array([2019, 2024, 1990, 2020]))
    assert keys.dtype == np.int64 and np.all(keys[1:] > keys[:-1])
    assert int(agency_year_key(3, 2020)) == int(agency_year_key(np.int16(3), np.int16(2020)))
    assert np.array_equal(frame_keys(seed_dataset.reports), seed_dataset._report_keys)
    assert seed_dataset.has_report("150821-minzhengju", 2020) and not seed_dataset.has_report("150821-minzhengju", 2021)


# ------------------------------------------------------------------------------------------ data dictionary


def test_data_dictionary_is_read_from_the_schema(seed_dataset):
    from govreport.analysis.export import data_dictionary, export_tables
    from govreport.core import schema as layout

    d = data_dictionary()
    for name, frame in export_tables(seed_dataset).items():  # the dictionary lists exactly what is exported
        assert list(d.loc[d["table"] == name, "column"]) == list(frame.columns), name
    meaning = dict(zip(zip(d["table"], d["column"], strict=True), d["meaning"], strict=True))
    for spec, table in ((layout.AGENCIES, "agencies"), (layout.REPORTS, "reports"), (layout.CHANNELS, "channels")):
        for f in spec.fields:
            if (table, f.name) in meaning:
                assert meaning[(table, f.name)].startswith(f.doc), (table, f.name)
    assert "（三）不予公开" in meaning[("reports", "denied")]  # the 表三 label, from formats


def test_schema_choices_are_the_model_enums():
    """core.schema stays light (no pandas): it types the two agency enums' values, and this keeps them equal."""
    import subprocess
    import sys

    from govreport.core import schema as layout
    from govreport.core import template_schema as L
    from govreport.core.formats import REPORT_FORMATS
    from govreport.core.model import AgencyKind, Level, ReportFormat

    assert layout.AGENCIES.field("kind").values == tuple(k.value for k in AgencyKind)
    assert layout.AGENCIES.field("level").values == tuple(lv.value for lv in Level)
    assert layout.REPORTS.field("format").values == REPORT_FORMATS == tuple(f.value for f in ReportFormat)
    template = {f.name: f for f in L.AGENCY_BLOCK.fields}
    for name in ("kind", "level"):  # the template's dropdowns label the same values
        assert template[name].values == layout.AGENCIES.field(name).values
    assert template["format"].values == layout.REPORTS.field("format").values
    code = "import sys, govreport.core.schema; print('pandas' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "False"


# ------------------------------------------------------------------------------- one declaration language


def test_the_template_inputs_are_the_csv_columns():
    """One Field type and one Kind enum declare both the CSV columns and the template's inputs: each input is
    derived from the column it fills (its kind, choices and meaning)."""
    from govreport.core import schema as layout
    from govreport.core import template_schema as L

    sources = {L.AGENCY_BLOCK: (layout.AGENCIES, layout.REPORTS), L.CHANNEL_BLOCK: (layout.CHANNELS,),
               L.CATEGORY_BLOCK: (layout.CATEGORIES,)}
    for block, files in sources.items():
        for f in getattr(block, "fields", None) or block.columns:
            assert isinstance(f, layout.Field) and isinstance(f.kind, layout.Kind) and f.label
            column = next(spec.field(f.name) for spec in files if f.name in spec.columns)
            assert f.doc == column.doc, (block.id, f.name)
    proactive = {f.name: f for f in L.PROACTIVE_BLOCK.fields}
    assert proactive["overlap"].choices == layout.REPORTS.field("channels_overlap").choices == layout.BOOL_CHOICES
    assert proactive["total"].kind is layout.REPORTS.field("proactive_total").kind is layout.Kind.FIGURE


# ---------------------------------------------------------------------------------------------- cell key


def test_a_cell_is_looked_up_by_its_cell_key():
    """One representation of a cell: ``CellKey`` (vectorised: its integer ``cell_id``, the catalog position)."""
    from govreport.core.formats import CellKey, cell_catalog, cell_ids
    from govreport.store.matrix import luts

    ids = cell_ids()
    assert list(ids) == list(cell_catalog()) and list(ids.values()) == list(range(len(ids)))
    assert all(type(k) is CellKey for k in synth_vocab.CELL_POS)
    assert not hasattr(luts(), "gid")  # the catalog's ids are not tabulated a second time
    k = CellKey("2021", "t3", "new_received", "total")
    assert k.table_cell == ("t3", "new_received", "total") and ids[k] == cell_catalog().index(k)
