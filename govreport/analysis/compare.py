"""Comparing many agency-years: the comparison's parameters, its scope, and the frame of every section.

>>> from govreport import compare
>>> scope = compare.validate({"data_dir": "data", "years": "2019-2023", "region": "内蒙古自治区"})
>>> p = compare.scope_panel(scope)
>>> compare.league(scope.data, p, "disclosure_rate", min_n=scope.min_n)[["name", "ranked", "reason"]].values.tolist()
[['五原县民政局', False, 'none']]

Parameters (the ``parameters`` cell of ``notebooks/compare.ipynb``)
    ``data_dir`` the dataset; ``years`` ``""`` (all) or e.g. ``"2019-2023"``, ``"2021"``, ``"2019,2021-2022"``;
    ``agencies`` ``""`` (all) or comma-separated ids or full names; ``region`` ``""`` or a prefix of the region
    path by whole components (``内蒙古自治区/巴彦淖尔市`` matches ``…/巴彦淖尔市/五原县``, not
    ``…/巴彦淖尔市辖区``); ``min_n`` the minimum denominator for a rate to be ranked (≥ 1, default 30).
    :func:`check_parameters` checks names, types and syntax without touching the dataset;
    :func:`resolve` checks the values against the dataset (the directory loads, the agencies and region exist,
    the selection has at least one agency-year). Every failure is a :class:`~govreport.core.errors.ParameterError`
    or :class:`~govreport.core.errors.NotFoundError`; :func:`validate` does both.

Sections (pure functions over the scope's frames; the notebook only displays them)
    coverage       :func:`coverage`, :func:`coverage_by_year`, :func:`flagged`
    channel mix    :func:`channel_mix`, :func:`channel_basis` (pooled over agencies, by year)
    movers         :func:`year_pairs`, :func:`movers`, :func:`movers_basis`
    league tables  :func:`league` (the minimum-N rule, with the reason an entity is not ranked)
    distributions  :func:`distribution`, :func:`rate_histogram`
    aggregates     :func:`aggregates` (by year, level or area), :func:`add_area`

Blank, 0 and 不适用 stay distinct: counts of blank and 不适用 figures are reported next to every pooled
figure, a rate that cannot be computed is NaN with a reason, never 0 or 100 %.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govreport.analysis import stats
from govreport.analysis.compare_parts import (
    area_depth,
    area_label,
    finding_counts,
    parse_list,
    parse_region,
    pooled_mask,
    region_hint,
    region_matches,
)
from govreport.core.channels import CHANNEL_BY_ID
from govreport.core.errors import NotFoundError, ParameterError
from govreport.core.model import Level
from govreport.core.schema import dataset_name
from govreport.core.values import Mark
from govreport.core.years import parse_years, years_text

if TYPE_CHECKING:  # pragma: no cover
    from govreport.store.dataset import Dataset

PARAMETERS: tuple[str, ...] = ("data_dir", "years", "agencies", "region", "min_n")
DEFAULT_MIN_N = stats.DEFAULT_MIN_N
TOP_N = 10

#: Measures whose year-over-year movers are shown.
MOVER_MEASURES: dict[str, str] = {"proactive_total": "主动公开信息总数", "received": "本年新收政府信息公开申请数"}

#: The rates of the league tables: label, what the denominator counts, and the panel count that says
#: whether an agency-year reported the figures at all.
RATES: dict[str, tuple[str, str, str]] = {
    "disclosure_rate": ("实质公开率", "办理结果总计（件）", "handled"),
    "review_correction_rate": ("行政复议纠错率", "已审结行政复议案件（件）", "review_total"),
    "litigation_correction_rate": ("行政诉讼纠错率", "已审结行政诉讼案件（件）", "litigation_total"),
}

#: Why an entity of a league table is not ranked (``reason`` column).
REASONS: dict[str, str] = {
    "ranked": "参与排名",
    "below_min_n": "样本不足",
    "none": "无可计算案件",
    "missing": "未填报",
}

NOTHING_TO_RATE = 3  # status of a rate whose denominator is 0 (next to the Mark codes 0, 1, 2)
LEVEL_ORDER: tuple[str, ...] = tuple(lv.value for lv in Level)


# ======================================================================================== parameters


@dataclass(frozen=True, slots=True)
class CompareParams:
    """The comparison's parameters after the syntax check (nothing looked up yet)."""

    data_dir: str
    years: tuple[int, ...] | None  # None: every year with data
    agencies: tuple[str, ...]  # as given (ids or full names); empty: all
    region: str  # normalised path prefix; empty: all
    min_n: int

    def public(self) -> dict[str, Any]:
        """As recorded in outputs: the data directory by name only (no absolute path)."""
        return {
            "data_dir": dataset_name(self.data_dir),
            "years": years_text(self.years) if self.years else "",
            "agencies": ",".join(self.agencies),
            "region": self.region,
            "min_n": self.min_n,
        }


def check_parameters(values: Mapping[str, Any]) -> CompareParams:
    """Names, types and syntax of the comparison's parameters (no dataset). Missing names take defaults
    (``data_dir`` ``data``, the others empty, ``min_n`` 30)."""
    unknown = sorted(set(values) - set(PARAMETERS))
    if unknown:
        raise ParameterError(f"比较分析没有参数 {'、'.join(unknown)}",
                             hint=f"比较分析的参数为：{', '.join(PARAMETERS)}")
    data_dir = values.get("data_dir", "data")
    if isinstance(data_dir, os.PathLike):
        data_dir = os.fspath(data_dir)
    for name, example in (("years", '"2019-2023"'), ("agencies", '"五原县民政局,150821-minzhengju"'),
                          ("region", '"内蒙古自治区/巴彦淖尔市"')):
        v = values.get(name, "")
        if not isinstance(v, str):
            raise ParameterError(f"参数 {name} 应为文字（str），实为 {type(v).__name__} {v!r}",
                                 hint=f"例如 {name}={example}")
    if not isinstance(data_dir, str) or not data_dir.strip():
        raise ParameterError(f"参数 data_dir 应为数据集目录的路径，实为 {data_dir!r}",
                             hint='例如 data_dir="data"')
    min_n = values.get("min_n", DEFAULT_MIN_N)
    if isinstance(min_n, bool) or not isinstance(min_n, (int, np.integer)):
        raise ParameterError(f"参数 min_n 应为整数（int），实为 {type(min_n).__name__} {min_n!r}",
                             hint=f"例如 min_n={DEFAULT_MIN_N}")
    if int(min_n) < 1:
        raise ParameterError(f"min_n 至少为 1，实为 {min_n}",
                             hint=f"min_n 是比率参加排名所需的最小分母，例如 {DEFAULT_MIN_N}")
    return CompareParams(
        data_dir=data_dir,
        years=parse_years(values.get("years", "")),
        agencies=parse_list(values.get("agencies", "")),
        region=parse_region(values.get("region", "")),
        min_n=int(min_n),
    )


# ========================================================================================= scope


@dataclass(frozen=True, eq=False)
class Scope:
    """The validated selection: which agencies and years are compared, on which dataset."""

    params: CompareParams
    dataset: Dataset  # the whole dataset (previous years for the movers, cross-year checks)
    data: Dataset  # the agencies in scope and the years in scope
    agency_ids: tuple[str, ...]  # agencies in scope, with or without reports (coverage shows the gaps)
    years: tuple[int, ...]  # years in scope, with or without reports
    data_dir: Path  # absolute

    @property
    def min_n(self) -> int:
        return self.params.min_n

    @property
    def region(self) -> str:
        return self.params.region

    @property
    def agency_years(self) -> int:
        return len(self.data.reports)

    @property
    def scope_label(self) -> str:
        """范围: the agencies named, the region, or all agencies."""
        names = self.data.agencies.set_index("agency_id")["name"].astype(str)
        region = self.region.replace("/", "")
        if self.params.agencies:
            picked = [names[a] for a in self.agency_ids]
            label = "、".join(picked) if len(picked) <= 3 else f"{picked[0]}等{len(picked)}个机关"
            return f"{region}：{label}" if region else label
        if region:
            return region
        if len(self.agency_ids) == 1:
            return str(names[self.agency_ids[0]])
        return f"全部{len(self.agency_ids)}个机关"

    @property
    def years_label(self) -> str:
        return years_label(self.years)

    @property
    def title(self) -> str:
        return f"政府信息公开工作年度报告比较分析（{self.scope_label}，{self.years_label}）"


def years_label(years: Sequence[int]) -> str:
    """``2019—2023年``, ``2020年``, ``2019、2021—2022年``."""
    text = years_text(years).replace("-", "—").replace(",", "、")
    return f"{text}年" if text else ""


def resolve(params: CompareParams | Mapping[str, Any], *, base: Path | None = None,
            dataset: Dataset | None = None) -> Scope:
    """Check the parameters against the dataset and return the :class:`Scope`.

    Raises :class:`NotFoundError` when the data directory is missing, an agency is unknown, no agency
    lies in the region, or the selection holds no agency-year; the hint says what there is.
    """
    p = params if isinstance(params, CompareParams) else check_parameters(params)
    data_dir = Path(p.data_dir)
    if not data_dir.is_absolute():
        data_dir = (base or Path.cwd()) / data_dir
    data_dir = Path(os.path.normpath(data_dir))
    if dataset is None:
        if not data_dir.is_dir():
            raise NotFoundError(f"找不到数据集目录 {p.data_dir}",
                                hint="给出数据集目录（内有 agencies.csv、reports.csv 等）")
        from govreport.store.dataset import load_shared

        dataset = load_shared(data_dir)
    ds = dataset
    agencies = ds.agencies
    keep = np.ones(len(agencies), dtype=bool)
    if p.agencies:
        ids = {ds.agency_id(a) for a in p.agencies}  # NotFoundError with a suggestion
        keep &= agencies["agency_id"].astype(str).isin(ids).to_numpy()
    if p.region:
        in_region = region_matches(agencies["region"], p.region)
        if not in_region.any():
            raise NotFoundError(f"地区 {p.region!r} 中没有机关", hint=region_hint(agencies["region"], p.region))
        keep &= in_region
        if not keep.any():
            raise NotFoundError(f"所列机关都不在地区 {p.region!r} 中",
                                hint="去掉地区，或改列该地区的机关")
    agency_ids = tuple(sorted(agencies["agency_id"].astype(str)[keep]))
    rep = ds.reports
    mine = rep["agency_id"].astype(str).isin(agency_ids).to_numpy()
    have = sorted({int(y) for y in rep["year"][mine]})
    if not have:
        raise NotFoundError("所选机关在数据集中没有报告",
                            hint="用 `govreport agencies` 列出各机关及其有数据的年度")
    if p.years is None:
        years = tuple(range(have[0], have[-1] + 1))
    else:
        years = p.years
        if not set(years) & set(have):
            raise NotFoundError(f"所选机关在{years_label(years)}没有数据",
                                hint=f"有数据的年度：{years_text(have).replace(',', '、')}")
    data = ds.subset(list(agency_ids), list(years)) if (p.agencies or p.region or p.years) else ds
    return Scope(params=p, dataset=ds, data=data, agency_ids=agency_ids, years=years, data_dir=data_dir)


def validate(values: Mapping[str, Any], *, base: Path | None = None) -> Scope:
    """:func:`check_parameters` then :func:`resolve`: everything a run needs to know before it starts.

    Parameters
    ----------
    values : mapping
        The comparison's parameters (:data:`PARAMETERS`): ``data_dir``, ``years``, ``agencies``, ``region``,
        ``min_n``; missing ones take their defaults.
    base : pathlib.Path, optional
        Directory a relative ``data_dir`` is resolved against.

    Returns
    -------
    Scope
        The dataset, the agencies and years in scope, and the minimum N.

    Raises
    ------
    ParameterError
        For a parameter of the wrong type or value (the hint says what is allowed).

    Examples
    --------
    >>> scope = validate({"data_dir": "data"})
    >>> scope.years, scope.min_n
    ((2020,), 30)
    """
    return resolve(check_parameters(values), base=base)


def preflight(values: Mapping[str, Any], *, base: Path | None = None) -> dict[str, Any]:
    """The renderer's ``validate`` hook (:meth:`Renderer.render_notebook <govreport.run.pipeline.Renderer>`):
    :func:`validate` the notebook's parameter values before anything executes, and return the document
    title and what the provenance records (JSON-ready, no absolute path)::

        renderer.render_notebook("notebooks/compare.ipynb", params, out, validate=compare.preflight)

    Raises :class:`ParameterError` / :class:`NotFoundError` (exit 2, nothing written).
    """
    scope = validate(values, base=base)
    return {
        "title": scope.title,
        "data_hash": scope.dataset.data_hash,
        "dataset": dataset_name(scope.data_dir),
        "scope": {"agencies": len(scope.agency_ids), "years": years_text(scope.years),
                  "agency_years": scope.agency_years},
    }


# ========================================================================================= panel


def scope_panel(scope: Scope) -> pd.DataFrame:
    """:func:`govreport.analysis.stats.panel` of the scope, with the mark of the stated proactive total
    (``proactive_total_mark``: 0 value, 1 blank, 2 不适用) and the ``area`` used by :func:`aggregates`."""
    p = stats.panel(scope.data)
    p["proactive_total_mark"] = scope.data.reports["proactive_total_mark"].to_numpy().astype(np.int8)
    return add_area(p, scope.region)


def add_area(panel: pd.DataFrame, prefix: str = "") -> pd.DataFrame:
    """A copy of ``panel`` with an ``area`` column (see :func:`area_depth`)."""
    out = panel.copy()
    regions = out["region"].fillna("").astype(str).tolist() if len(out) else []
    depth = area_depth(sorted(set(regions)), prefix)
    labels = {r: area_label(r, depth, prefix) for r in set(regions)}
    out["area"] = [labels[r] for r in regions]
    return out


# ====================================================================================== coverage


COVERAGE_COLUMNS = ("agency_id", "name", "level", "region", "year", "has_report", "format", "errors", "warnings")


def coverage(agencies: pd.DataFrame, reports: pd.DataFrame, years: Sequence[int],
             findings: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per agency in scope × year in scope: whether a report is in the dataset, its format, and the
    errors and warnings the checks found. Sorted by agency id, then year."""
    a = agencies.sort_values("agency_id", kind="stable")
    ids = a["agency_id"].astype(str).to_numpy()
    ys = np.asarray(sorted(years), dtype=int)
    out = pd.DataFrame({
        "agency_id": np.repeat(ids, len(ys)),
        "name": np.repeat(a["name"].astype(str).to_numpy(), len(ys)),
        "level": np.repeat(a["level"].astype(str).to_numpy(), len(ys)),
        "region": np.repeat(a["region"].fillna("").astype(str).to_numpy(), len(ys)),
        "year": np.tile(ys, len(ids)),
    })
    rep = pd.DataFrame({"agency_id": reports["agency_id"].astype(str).to_numpy(),
                        "year": reports["year"].astype(int).to_numpy(),
                        "format": reports["format"].astype(str).to_numpy()})
    out = out.merge(rep, on=["agency_id", "year"], how="left")
    out["has_report"] = out["format"].notna()
    out["format"] = out["format"].fillna("")
    counts = finding_counts(findings)
    out = out.merge(counts[["agency_id", "year", "errors", "warnings"]].astype({"year": int}),
                    on=["agency_id", "year"], how="left") if len(counts) else out.assign(errors=0, warnings=0)
    out["errors"] = out["errors"].fillna(0).astype(int)
    out["warnings"] = out["warnings"].fillna(0).astype(int)
    return out[list(COVERAGE_COLUMNS)].sort_values(["agency_id", "year"], kind="stable").reset_index(drop=True)


def coverage_by_year(cov: pd.DataFrame) -> pd.DataFrame:
    """Per year: agencies in scope, with a report, without one, agency-years with errors / warnings."""
    g = cov.groupby("year", sort=True)
    out = pd.DataFrame({
        "agencies": g.size(),
        "reports": g["has_report"].sum().astype(int),
        "with_errors": g["errors"].apply(lambda s: int((s > 0).sum())),
        "with_warnings": g["warnings"].apply(lambda s: int((s > 0).sum())),
        "errors": g["errors"].sum().astype(int),
        "warnings": g["warnings"].sum().astype(int),
    })
    out["missing"] = out["agencies"] - out["reports"]
    return out.reset_index()[["year", "agencies", "reports", "missing", "with_errors", "with_warnings", "errors",
                              "warnings"]]


def agencies_without_data(cov: pd.DataFrame) -> pd.DataFrame:
    """Agencies in scope with no report in any year in scope (agency_id, name, region)."""
    g = cov.groupby("agency_id", sort=True)["has_report"].any()
    none = g[~g].index
    return (cov[cov["agency_id"].isin(none)].drop_duplicates("agency_id")[["agency_id", "name", "region"]]
            .reset_index(drop=True))


def flagged(findings: pd.DataFrame | None, names: Mapping[str, str]) -> pd.DataFrame:
    """Agency-years with errors or warnings, most errors first: agency_id, name, year, errors, warnings, rules."""
    counts = finding_counts(findings)
    if len(counts) == 0:
        return pd.DataFrame({c: pd.Series([], dtype="object")
                             for c in ("agency_id", "name", "year", "errors", "warnings", "rules")})
    counts.insert(1, "name", [names.get(a, a) for a in counts["agency_id"]])
    counts = counts.sort_values(["errors", "warnings", "agency_id", "year"], ascending=[False, False, True, True],
                                kind="stable")
    return counts.reset_index(drop=True)


# =================================================================================== channel mix


MIX_COLUMNS = ("year", "channel", "channel_label", "value", "agency_years", "approximate", "share")


def channel_mix(channels: pd.DataFrame) -> pd.DataFrame:
    """Channel figures pooled over agencies, by year: the sum per channel and its share of the year.

    Pooled: reported figures (not blank, not 不适用) in item units that add up (条, 篇, 件 …; see
    :data:`govreport.checks.rules.SUMMABLE_UNITS`). Gazette issues (期), audience metrics (人次 …) and blank or
    不适用 figures stay out; :func:`channel_basis` counts them. ``agency_years`` counts the agency-years
    contributing to a channel, ``approximate`` those whose figure carries 余/多/约/近/以上. Shares are percent
    with two decimals that add up to exactly 100.00 per year (largest remainder, as for one report).

    Parameters
    ----------
    channels : pandas.DataFrame
        The tidy channel figures, e.g. ``ds.channels``.

    Returns
    -------
    pandas.DataFrame
        One row per year and channel: :data:`MIX_COLUMNS`.

    Examples
    --------
    >>> import govreport
    >>> mix = channel_mix(govreport.load("data").channels)
    >>> mix[["channel_label", "value", "share"]].values.tolist()[0]
    ['政府网站', 58.0, 13.88]
    """
    ok = pooled_mask(channels)
    c = channels[ok]
    if len(c) == 0:
        return pd.DataFrame({k: pd.Series([], dtype="object") for k in MIX_COLUMNS})
    frame = pd.DataFrame({
        "year": c["year"].astype(int).to_numpy(),
        "channel": c["channel"].astype(str).to_numpy(),
        "agency_id": c["agency_id"].astype(str).to_numpy(),
        "value": c["value"].to_numpy(dtype="float64"),
        "approx": (c["qualifier"].fillna("").astype(str) != "").to_numpy(),
    })
    g = frame.groupby(["year", "channel"], sort=True)
    out = pd.DataFrame({"value": g["value"].sum(), "agency_years": g["agency_id"].nunique(),
                        "approximate": g["approx"].sum().astype(int)}).reset_index()
    out["order"] = [CHANNEL_BY_ID[c].order if c in CHANNEL_BY_ID else 99 for c in out["channel"]]
    out = out.sort_values(["year", "order", "channel"], kind="stable").reset_index(drop=True)
    out["channel_label"] = [CHANNEL_BY_ID[c].label if c in CHANNEL_BY_ID else c for c in out["channel"]]
    codes, uniques = pd.factorize(out["year"], sort=True)
    out["share"] = stats.largest_remainder(out["value"].to_numpy(dtype="float64"), codes.astype(np.int64),
                                           len(uniques))
    return out[list(MIX_COLUMNS)]


def channel_basis(channels: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """Per year with reports: agency-years, those with pooled channel figures, those saying their channels
    overlap, and the channel figures left out (blank, 不适用, other units such as 期 or 人次)."""
    rep = pd.DataFrame({"year": reports["year"].astype(int).to_numpy(),
                        "overlap": reports["channels_overlap"].fillna(False).astype(bool).to_numpy()})
    out = rep.groupby("year", sort=True).agg(agency_years=("overlap", "size"), overlap=("overlap", "sum"))
    ch = channels
    marks = ch["value_mark"].to_numpy() if len(ch) else np.zeros(0, dtype=np.int8)
    pooled = pooled_mask(ch)
    frame = pd.DataFrame({
        "year": ch["year"].astype(int).to_numpy() if len(ch) else np.zeros(0, dtype=int),
        "agency_id": ch["agency_id"].astype(str).to_numpy() if len(ch) else np.zeros(0, dtype=object),
        "pooled": pooled,
        "blank": marks == Mark.BLANK,
        "not_applicable": marks == Mark.NA,
        "other_unit": (marks == Mark.VALUE) & ~pooled,
    })
    g = frame.groupby("year", sort=True)
    out["with_channels"] = frame[frame["pooled"]].groupby("year")["agency_id"].nunique()
    for c in ("pooled", "blank", "not_applicable", "other_unit"):
        out[c] = g[c].sum()
    out = out.fillna(0).astype(int).reset_index()
    return out[["year", "agency_years", "with_channels", "overlap", "pooled", "blank", "not_applicable",
                "other_unit"]]


def mix_table(mix: pd.DataFrame) -> pd.DataFrame:
    """Wide: one row per channel (in taxonomy order), per year the pooled value and share (NaN: no figure).

    Parameters
    ----------
    mix : pandas.DataFrame
        :func:`channel_mix` output.

    Returns
    -------
    pandas.DataFrame
        ``channel``, ``channel_label``, then ``value_<year>`` and ``share_<year>`` per year.

    Examples
    --------
    >>> import govreport
    >>> mix_table(channel_mix(govreport.load("data").channels)).columns.tolist()
    ['channel', 'channel_label', 'value_2020', 'share_2020']
    """
    if len(mix) == 0:
        return pd.DataFrame()
    order = {c: CHANNEL_BY_ID[c].order if c in CHANNEL_BY_ID else 99 for c in mix["channel"].unique()}
    channels = sorted(order, key=lambda c: (order[c], c))
    years = sorted(mix["year"].unique())
    v = mix.pivot(index="channel", columns="year", values="value").reindex(index=channels, columns=years)
    s = mix.pivot(index="channel", columns="year", values="share").reindex(index=channels, columns=years)
    out = pd.DataFrame({"channel": channels,
                        "channel_label": [CHANNEL_BY_ID[c].label if c in CHANNEL_BY_ID else c for c in channels]})
    for y in years:
        out[f"value_{y}"] = v[y].to_numpy()
        out[f"share_{y}"] = s[y].to_numpy()
    return out


# ======================================================================================== movers


def year_pairs(scope: Scope, measures: Sequence[str] = tuple(MOVER_MEASURES)) -> pd.DataFrame:
    """:func:`govreport.analysis.stats.changes` of every agency in scope whose current year is in scope; the previous
    year may lie before the scope (``years="2023"`` compares 2023 with 2022)."""
    years = sorted(set(scope.years) | {y - 1 for y in scope.years})
    sub = scope.dataset.subset(list(scope.agency_ids), years)
    ch = stats.changes(sub, list(measures))
    return ch[ch["year"].isin(scope.years)].reset_index(drop=True)


MOVER_COLUMNS = ("direction", "rank", "agency_id", "name", "year", "previous", "current", "change", "change_pct")


def movers(pairs: pd.DataFrame, measure: str, *, top: int = TOP_N) -> pd.DataFrame:
    """The ``top`` largest rises and falls of ``measure`` (``direction`` rise / fall, ``rank`` 1 = largest).

    Only pairs with both figures reported take part; a pair with no change is neither. Ties are broken
    by agency id, then year, so the same data give the same list. ``change_pct`` is NaN when the previous
    figure is 0.

    Parameters
    ----------
    pairs : pandas.DataFrame
        Year-over-year pairs: :func:`year_pairs` or :func:`govreport.analysis.stats.changes`.
    measure : str
        A measure of :data:`MOVER_MEASURES` (or any measure the pairs hold).
    top : int
        How many rises and how many falls.

    Returns
    -------
    pandas.DataFrame
        :data:`MOVER_COLUMNS`.

    Examples
    --------
    >>> import govreport
    >>> from govreport import stats
    >>> len(movers(stats.changes(govreport.load("data")), "received"))   # one year: nothing moves
    0
    """
    p = pairs[(pairs["measure"] == measure) & pairs["change"].notna()]
    frames = []
    for direction, sign in (("rise", -1.0), ("fall", 1.0)):
        part = p[(p["change"] * -sign) > 0].copy()
        part["_key"] = part["change"] * sign
        part = part.sort_values(["_key", "agency_id", "year"], kind="stable").head(top)
        part.insert(0, "direction", direction)
        part.insert(1, "rank", np.arange(1, len(part) + 1))
        frames.append(part)
    out = pd.concat(frames, ignore_index=True) if frames else p.iloc[0:0]
    out = out.astype({"agency_id": str, "name": str})
    return out[list(MOVER_COLUMNS)].reset_index(drop=True)


def movers_basis(pairs: pd.DataFrame, measure: str) -> dict[str, int]:
    """How many consecutive-year pairs there are, how many compare (both figures reported), how many rose,
    fell or stayed the same."""
    p = pairs[pairs["measure"] == measure]
    ok = p["change"].notna()
    return {"pairs": len(p), "comparable": int(ok.sum()), "rises": int((p["change"] > 0).sum()),
            "falls": int((p["change"] < 0).sum()), "unchanged": int((p["change"] == 0).sum())}


# ================================================================================ league tables


LEAGUE_COLUMNS = ("agency_id", "name", "value", "n", "ranked", "rank", "percentile", "agency_years", "reason")


def league(data: Dataset, panel: pd.DataFrame, metric: str, *, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Agencies ranked on a rate pooled over their agency-years in scope, with the minimum-N rule.

    :func:`govreport.analysis.stats.league_table` ranks; this adds ``agency_years`` and the ``reason`` an agency is
    not ranked: ``below_min_n`` (its denominator ``n`` is under ``min_n``: a rate of 1/1 is never ranked),
    ``none`` (figures reported, but nothing to rate: no application handled, no case concluded) or
    ``missing`` (no agency-year reported the figures). Ranked agencies first (rank 1 = highest rate),
    then the others by agency id.

    Parameters
    ----------
    data : Dataset
    panel : pandas.DataFrame
        A :func:`govreport.analysis.stats.panel` frame (``ds.panel()``), possibly filtered.
    metric : str
        A key of :data:`RATES`.
    min_n : int
        Minimum denominator to be ranked (default 30).

    Returns
    -------
    pandas.DataFrame
        :data:`LEAGUE_COLUMNS`; :data:`REASONS` translates ``reason``.

    Examples
    --------
    >>> import govreport
    >>> ds = govreport.load("data")
    >>> league(ds, ds.panel(), "disclosure_rate")[["name", "reason"]].values.tolist()
    [['五原县民政局', 'none']]
    """
    if metric not in RATES:
        raise ParameterError(f"没有比率 {metric!r}", hint=f"可选：{', '.join(RATES)}")
    if isinstance(min_n, bool) or int(min_n) < 1:
        raise ParameterError(f"min_n 至少为 1，实为 {min_n}")
    table = stats.league_table(data, metric, min_n=int(min_n), frame=panel)
    _, status = _values_and_status(panel, metric)
    per = pd.DataFrame({"agency_id": panel["agency_id"].astype(str).to_numpy(), "status": status})
    g = per.groupby("agency_id", sort=True)["status"]
    years_of = g.size()
    nothing = g.agg(lambda s: bool((s == NOTHING_TO_RATE).any()))
    ids = table["agency_id"].astype(str)
    table["agency_years"] = years_of.reindex(ids).fillna(0).astype(int).to_numpy()
    n = table["n"].to_numpy(dtype="float64")
    table["reason"] = np.select(
        [table["ranked"].to_numpy(), n > 0, nothing.reindex(ids).fillna(False).to_numpy(dtype=bool)],
        ["ranked", "below_min_n", "none"], default="missing")
    table["agency_id"] = table["agency_id"].astype(str)
    table["name"] = table["name"].astype(str)
    return table[list(LEAGUE_COLUMNS)]


# ================================================================================ distributions


DISTRIBUTION_COLUMNS = ("group", "agency_years", "n", "blank", "not_applicable", "none", "min", "q1", "median", "q3",
                        "max", "mean")


def _values_and_status(panel: pd.DataFrame, measure: str) -> tuple[np.ndarray, np.ndarray]:
    """The figure per agency-year and why it is missing: 0 value, 1 blank, 2 不适用, 3 nothing to rate
    (a rate whose denominator is 0: no application handled, no case concluded)."""
    v = panel[measure].to_numpy(dtype="float64")
    missing = np.isnan(v)
    if f"{measure}_mark" in panel:
        status = np.where(missing, panel[f"{measure}_mark"].to_numpy(), Mark.VALUE)
    elif measure in RATES:
        den = _denominator(panel, measure)
        base = panel[RATES[measure][2]].to_numpy(dtype="float64")
        nothing = (den == 0) | (base == 0)
        status = np.where(missing, np.where(nothing, NOTHING_TO_RATE, Mark.BLANK), Mark.VALUE)
    else:
        status = np.where(missing, Mark.BLANK, Mark.VALUE)
    return v, status.astype(np.int8)


def distribution(panel: pd.DataFrame, measure: str, *, by: str | None = None) -> pd.DataFrame:
    """Summary of ``measure`` across agency-years: how many have a figure, are blank, 不适用 or have nothing
    to rate (``none``: a rate whose denominator is 0), and min, quartiles, median, max and mean of the
    figures (linear-interpolated quartiles). One row per group of ``by`` (``level`` in administrative
    order), or one row ``全部`` without ``by``.

    Parameters
    ----------
    panel : pandas.DataFrame
        A :func:`scope_panel` or :func:`govreport.analysis.stats.panel` frame.
    measure : str
        A column of the panel, e.g. ``proactive_total`` or ``disclosure_rate``.
    by : str, optional
        A grouping column (``level``, ``year``, ``area`` …).

    Returns
    -------
    pandas.DataFrame
        :data:`DISTRIBUTION_COLUMNS`.

    Examples
    --------
    >>> import govreport
    >>> distribution(govreport.load("data").panel(), "proactive_total")[["group", "n", "median"]].values.tolist()
    [['全部', 1, 418.0]]
    """
    v, status = _values_and_status(panel, measure)
    groups = panel[by].astype(str).to_numpy() if by else np.full(len(panel), "全部", dtype=object)
    keys = sorted(set(groups), key=lambda g: (LEVEL_ORDER.index(g) if by == "level" and g in LEVEL_ORDER else 99, g))
    rows = []
    for key in keys:
        m = groups == key
        vals = v[m & (status == Mark.VALUE)]
        q = np.percentile(vals, [0, 25, 50, 75, 100]) if len(vals) else np.full(5, np.nan)
        rows.append((key, int(m.sum()), len(vals), int((status[m] == Mark.BLANK).sum()),
                     int((status[m] == Mark.NA).sum()), int((status[m] == NOTHING_TO_RATE).sum()), *q.tolist(),
                     float(vals.mean()) if len(vals) else np.nan))
    cols = list(DISTRIBUTION_COLUMNS)
    out = pd.DataFrame(rows, columns=cols)
    for c in ("min", "q1", "median", "q3", "max", "mean"):
        out[c] = out[c].astype("float64").round(2)
    return out


def rate_histogram(panel: pd.DataFrame, metric: str, *, min_n: int = DEFAULT_MIN_N, bins: int = 10) -> pd.DataFrame:
    """Agency-years per band of a rate (0–10 %, …, 90–100 %; 100 % falls in the last band), split by whether
    the agency-year's own denominator reaches ``min_n`` (small denominators swing between 0 and 100 %)."""
    v, status = _values_and_status(panel, metric)
    den = _denominator(panel, metric)
    ok = status == Mark.VALUE
    edges = np.linspace(0, 100, bins + 1)
    idx = np.clip(np.searchsorted(edges, v[ok], side="right") - 1, 0, bins - 1)
    large = den[ok] >= min_n
    out = pd.DataFrame({
        "low": edges[:-1], "high": edges[1:],
        "large": np.bincount(idx[large], minlength=bins).astype(int),
        "small": np.bincount(idx[~large], minlength=bins).astype(int),
    })
    return out


def _denominator(panel: pd.DataFrame, metric: str) -> np.ndarray:
    """The denominator of a rate per agency-year (NaN when not reported)."""
    if metric not in RATES:
        raise ParameterError(f"没有比率 {metric!r}", hint=f"可选：{', '.join(RATES)}")
    return stats.rate_terms(panel, metric)[1]


# =================================================================================== aggregates


AGGREGATE_BY = ("year", "level", "area")


def aggregates(data: Dataset, panel: pd.DataFrame, by: str) -> pd.DataFrame:
    """:func:`govreport.analysis.stats.aggregate` by ``year``, ``level`` (administrative order) or ``area``: totals
    with the number of agency-years reporting each (``n_<measure>``) and pooled rates (NaN: nothing to
    rate) with their denominators (``<rate>_n``).

    Parameters
    ----------
    data : Dataset
    panel : pandas.DataFrame
        A :func:`scope_panel` frame (``area`` is needed for ``by="area"``).
    by : {"year", "level", "area"}

    Returns
    -------
    pandas.DataFrame
        One row per group.

    Examples
    --------
    >>> import govreport
    >>> ds = govreport.load("data")
    >>> aggregates(ds, ds.panel(), "year")[["year", "agency_years"]].values.tolist()
    [[2020, 1]]
    """
    if by not in AGGREGATE_BY:
        raise ParameterError(f"不能按 {by!r} 汇总", hint=f"可选：{', '.join(AGGREGATE_BY)}")
    out = stats.aggregate(data, (by,), frame=panel)
    if by == "level":
        rank = {lv: i for i, lv in enumerate(LEVEL_ORDER)}
        out = out.iloc[np.argsort([rank.get(str(v), 99) for v in out["level"]], kind="stable")]
    return out.reset_index(drop=True)


__all__ = [
    "AGGREGATE_BY",
    "DEFAULT_MIN_N",
    "MOVER_MEASURES",
    "PARAMETERS",
    "RATES",
    "REASONS",
    "TOP_N",
    "CompareParams",
    "Scope",
    "add_area",
    "agencies_without_data",
    "aggregates",
    "channel_basis",
    "channel_mix",
    "check_parameters",
    "coverage",
    "coverage_by_year",
    "distribution",
    "flagged",
    "league",
    "mix_table",
    "movers",
    "movers_basis",
    "parse_years",
    "preflight",
    "rate_histogram",
    "resolve",
    "scope_panel",
    "validate",
    "year_pairs",
    "years_label",
    "years_text",
]
