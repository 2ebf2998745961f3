"""Statistics over the tidy frames: pure functions, no I/O, vectorised over any number of agency-years.

Definitions (the metric dictionary; the report renderer and the open-data export quote it):

==========================  ==============================================================================
channel share               a channel's figure / the sum of the channel figures of the same agency-year
                            that share one item unit (条, 篇 …). Percent with 2 decimals, apportioned by the
                            largest-remainder (Hamilton) method so the shares of an agency-year add up to
                            exactly 100.00; ties in the remainder go to the channel listed first. Blank,
                            不适用 and audience figures (人次, 关注 …) get no share. When an agency-year mixes
                            item units the shares are not available. When channels overlap, a share is a
                            share of postings, not of distinct items (``overlap`` says so).
channel rank                1 = largest figure; equal figures share the better rank (1, 2, 2, 4).
实质公开率 disclosure_rate    (（一）予以公开 + （二）部分公开) / （七）总计, Table 3 总计 column. Not available
                            (NaN, status ``none_handled``) when nothing was handled, and when a figure it
                            needs is blank (status ``missing``) — never 100 % or 0 % by default.
纠错率 correction rate        结果纠正 / (总计 − 尚未审结) for 行政复议, for each 行政诉讼 route, and pooled over
                            both litigation routes. Not available when nothing was concluded.
subtotals                   （三）不予公开, （四）无法提供, （五）不予处理, （六）其他处理 (2021) are the sums of
                            their sub-rows; blank when any sub-row is blank (不适用 counts as none).
year-over-year              change = current − previous; change_pct = change / previous × 100, not available
                            when the previous figure is 0 or either figure is blank.
pooled group rates          sum of numerators / sum of denominators over the group (not a mean of rates).
minimum-N rule              a rate enters a league table only when its denominator is at least ``min_n``
                            (default 30); others are listed with rank NaN and ``ranked`` False.
==========================  ==============================================================================
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from govreport.analysis.stats_cells import (
    T3_BLOCK,
    T3_KEYS,
    T3_PARTS,
    T4_BLOCK,
    T4_KEYS,
    T4_OUTCOME_KEYS,
    block_matrices,
    cell_field,
    competition_rank,
    group_codes,
    sum_parts,
)
from govreport.core.channels import AUDIENCE_UNITS, CHANNEL_BY_ID
from govreport.core.formats import T4_ROUTES
from govreport.core.keys import frame_keys
from govreport.core.values import Mark

if TYPE_CHECKING:  # pragma: no cover
    from govreport.store.dataset import Dataset

SHARE_DECIMALS = 2
DEFAULT_MIN_N = 30


# ------------------------------------------------------------------------------------ helpers


def largest_remainder(values: np.ndarray, groups: np.ndarray, ngroups: int, decimals: int = SHARE_DECIMALS
                      ) -> np.ndarray:
    """Percent shares per group that sum to exactly 100 (at ``decimals`` places) by largest remainder.

    ``values`` NaN entries take no share (result NaN). A group whose total is 0 gets NaN shares.
    """
    scale = 100 * 10**decimals
    ok = ~np.isnan(values)
    v = np.where(ok, values, 0.0)
    totals = np.bincount(groups, weights=v, minlength=ngroups)
    denom = totals[groups]
    exact = np.divide(v * scale, denom, out=np.zeros_like(v), where=denom > 0)
    units = np.floor(exact + 1e-9)
    remainder = exact - units
    deficit = np.round(scale - np.bincount(groups, weights=np.where(ok, units, 0), minlength=ngroups)).astype(int)
    # Hand out the missing units to the largest remainders within each group (stable: first listed wins ties).
    idx = np.arange(len(v))
    order = np.lexsort((idx, -np.where(ok, remainder, -1.0), groups))
    first = np.searchsorted(groups[order], np.arange(ngroups))
    pos_in_group = np.empty(len(v), dtype=np.int64)
    pos_in_group[order] = np.arange(len(v)) - first[groups[order]]
    units = units + ((pos_in_group < deficit[groups]) & ok & (denom > 0))
    shares = units / 10**decimals
    shares[~ok | (denom <= 0)] = np.nan
    return np.round(shares, decimals)


# ------------------------------------------------------------------------------ channel shares


def channel_distribution(channels: pd.DataFrame) -> pd.DataFrame:
    """Count, share and rank of every channel figure, for any number of agency-years.

    Input: the tidy ``channels`` frame (``Dataset.channels`` or a slice of it). Output columns:
    agency_id, year, seq, channel, channel_label, label, value, value_mark, qualifier, unit, share, rank,
    approximate, share_status, overlap is not known here (see :func:`report_channels`).

    Parameters
    ----------
    channels : pandas.DataFrame
        The tidy channel figures, e.g. ``ds.channels``.

    Returns
    -------
    pandas.DataFrame
        One row per channel figure; ``share`` in percent (NaN when not available, ``share_status`` says
        why: blank, not_applicable, audience_metric, mixed_units, zero_total), ``rank`` 1 = largest.

    Examples
    --------
    >>> import govreport
    >>> float(channel_distribution(govreport.load("data").channels)["share"].sum())
    100.0
    """
    cols = ["agency_id", "year", "seq", "channel", "channel_label", "label", "value", "value_mark", "qualifier",
            "unit", "share", "rank", "approximate", "share_status"]
    if len(channels) == 0:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in cols})
    channels = channels.reset_index(drop=True)
    groups, ngroups = group_codes(channels)
    values = channels["value"].to_numpy(dtype="float64", na_value=np.nan)
    marks = channels["value_mark"].to_numpy()
    unit = channels["unit"].astype("category")
    shareable = (marks == Mark.VALUE) & ~unit.isin(list(AUDIENCE_UNITS)).to_numpy()
    # Mixed item units inside one agency-year: no shares for that agency-year.
    unit_codes = unit.cat.codes.to_numpy().astype(np.int64)
    big = np.iinfo(np.int64).max
    umax = np.full(ngroups, -1, dtype=np.int64)
    np.maximum.at(umax, groups, np.where(shareable, unit_codes, -1))
    umin = np.full(ngroups, big, dtype=np.int64)
    np.minimum.at(umin, groups, np.where(shareable, unit_codes, big))
    mixed = (umax[groups] != umin[groups]) & (umax[groups] >= 0)
    share_values = np.where(shareable & ~mixed, values, np.nan)
    shares = largest_remainder(share_values, groups, ngroups)
    ranks = competition_rank(np.where(marks == Mark.VALUE, values, np.nan), groups)
    status = np.select(
        [marks == Mark.BLANK, marks == Mark.NA, ~shareable, mixed, np.isnan(shares)],
        ["blank", "not_applicable", "audience_metric", "mixed_units", "zero_total"],
        default="ok",
    )
    channel = channels["channel"].astype("category")
    labels = np.array([CHANNEL_BY_ID[c].label for c in channel.cat.categories], dtype=object)
    qual = channels["qualifier"].fillna("").astype(str)
    out = pd.DataFrame({
        "agency_id": channels["agency_id"],
        "year": channels["year"],
        "seq": channels["seq"],
        "channel": channel,
        "channel_label": pd.Categorical.from_codes(channel.cat.codes.to_numpy(), categories=pd.Index(labels).unique())
        if len(set(labels)) == len(labels) else labels[channel.cat.codes.to_numpy()],
        "label": channels["label"],
        "value": values,
        "value_mark": marks,
        "qualifier": qual,
        "unit": channels["unit"],
        "share": shares,
        "rank": ranks,
        "approximate": (qual != "").to_numpy(),
        "share_status": status,
    })
    return out


def report_channels(ds: Dataset, agency_id: str, year: int) -> pd.DataFrame:
    """:func:`channel_distribution` of one agency-year.

    Parameters
    ----------
    ds : Dataset
    agency_id : str
        Agency id or full Chinese name.
    year : int

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`channel_distribution`, in the order the report lists its channels.

    Examples
    --------
    >>> import govreport
    >>> ch = report_channels(govreport.load("data"), "五原县民政局", 2020)
    >>> ch[["value", "share", "rank"]].values.tolist()[1]
    [303.0, 72.49, 1.0]
    """
    agency_id = ds.agency_id(agency_id)
    return channel_distribution(ds._slice(ds.channels, agency_id, int(year))).reset_index(drop=True)


# ----------------------------------------------------------------------------------- tables 3, 4


RATE_STATUSES = ("ok", "none_handled", "missing")


def _rate(num: np.ndarray, den: np.ndarray, total: np.ndarray) -> tuple[np.ndarray, pd.Categorical]:
    """Percent rate with a status: ok, none_handled (``total`` is 0: nothing to rate) or missing."""
    with np.errstate(invalid="ignore", divide="ignore"):
        rate = np.where((den > 0) & ~np.isnan(num), num / den * 100, np.nan)
    code = np.where(total == 0, 1, np.where(np.isnan(den) | np.isnan(num), 2, np.where(den > 0, 0, 1)))
    return np.round(rate, 2), pd.Categorical.from_codes(code.astype(np.int8), categories=RATE_STATUSES)


def _report_index(ds: Dataset) -> pd.DataFrame:
    return pd.DataFrame({"agency_id": ds.reports["agency_id"].reset_index(drop=True),
                         "year": ds.reports["year"].to_numpy().astype(int)})


#: The counts of :func:`application_outcomes`, in column order: name → the 表三 row it is (a row with parts in
#: the 2021 format is the sum of its parts). The open-data export names its columns after these.
APPLICATION_FIGURES: dict[str, str] = {
    "received": "new_received", "carried_over": "carried_over", "handled": "results_total", "granted": "granted",
    "partial": "partial", "denied": "denied", "unable": "unable", "not_processed": "not_processed",
    "other": "other_handling", "carried_forward": "carried_forward",
}


def application_outcomes(ds: Dataset, *, _cells: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Table 3 (总计 column) per agency-year with derived subtotals and 实质公开率.

    Columns: agency_id, year, received, carried_over, handled, granted, partial, denied, unable,
    not_processed, other, carried_forward, disclosure_rate, disclosure_rate_status.

    Parameters
    ----------
    ds : Dataset
        A dataset (:func:`govreport.load`), or a subset of one.

    Returns
    -------
    pandas.DataFrame
        One row per agency-year of ``ds.reports``. Counts are NaN when blank (or 不适用, for a single
        cell); ``disclosure_rate`` is NaN unless ``disclosure_rate_status`` is ``ok``.

    Examples
    --------
    >>> import govreport
    >>> application_outcomes(govreport.load("data"))[["received", "handled", "disclosure_rate_status"]].values.tolist()
    [[0.0, 0.0, 'none_handled']]
    """
    values, marks = _cells or block_matrices(ds, {"t3": T3_BLOCK})["t3"]
    col = {k: i for i, k in enumerate(T3_KEYS)}

    def one(k: str) -> np.ndarray:
        return cell_field(values[:, col[k]], marks[:, col[k]])

    def parts(name: str) -> np.ndarray:
        idx = [col[k] for k in T3_PARTS[name]]
        return sum_parts(values[:, idx], marks[:, idx])

    other_2019 = one("other_handling")
    other_2021 = parts("other_handling")
    has_2021_other = (marks[:, [col[k] for k in T3_PARTS["other_handling"]]] != Mark.BLANK).any(axis=1)
    handled = one("results_total")
    rate, status = _rate(one("granted") + one("partial"), handled, handled)
    out = _report_index(ds)
    for name, row in APPLICATION_FIGURES.items():
        if row == "other_handling":  # 2021: the sum of its parts where any is filled; 2019: the one row
            out[name] = np.where(has_2021_other, other_2021, other_2019)
        else:
            out[name] = parts(row) if row in T3_PARTS else one(row)
    out["disclosure_rate"] = rate
    out["disclosure_rate_status"] = status
    return out


def review_rates(ds: Dataset, *, _cells: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """Table 4 per agency-year with correction rates (纠错率) for review, each litigation route and both.

    Columns: agency_id, year, then for each route in review/direct/after_review: ``<route>_<outcome>``
    for maintained, corrected, other, pending, total, and ``<route>_correction_rate`` (+ ``_status``);
    then litigation_total and litigation_correction_rate (+ ``_status``) pooled over both routes.

    Parameters
    ----------
    ds : Dataset
        A dataset (:func:`govreport.load`), or a subset of one.

    Returns
    -------
    pandas.DataFrame
        One row per agency-year of ``ds.reports``.

    Examples
    --------
    >>> import govreport
    >>> review_rates(govreport.load("data"))[["review_total", "review_correction_rate_status"]].values.tolist()
    [[0.0, 'none_handled']]
    """
    values, marks = _cells or block_matrices(ds, {"t4": T4_BLOCK})["t4"]
    out = _report_index(ds)
    col = {k: i for i, k in enumerate(T4_KEYS)}
    for k in T4_KEYS:
        out[k] = cell_field(values[:, col[k]], marks[:, col[k]])
    for r in T4_ROUTES:
        total = out[f"{r}_total"].to_numpy()
        rate, status = _rate(out[f"{r}_corrected"].to_numpy(), total - out[f"{r}_pending"].to_numpy(), total)
        out[f"{r}_correction_rate"] = rate
        out[f"{r}_correction_rate_status"] = status
    lit = {o: out[f"direct_{o}"].to_numpy() + out[f"after_review_{o}"].to_numpy() for o in T4_OUTCOME_KEYS}
    out["litigation_total"] = lit["total"]
    rate, status = _rate(lit["corrected"], lit["total"] - lit["pending"], lit["total"])
    out["litigation_correction_rate"] = rate
    out["litigation_correction_rate_status"] = status
    return out


# ------------------------------------------------------------------------------------- panel


def proactive_totals(ds: Dataset) -> pd.DataFrame:
    """Stated proactive total and the sum of the channel figures per agency-year.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        agency_id, year, proactive_total (NaN when blank), proactive_qualifier, channels_overlap,
        channel_sum (item-unit channel figures only; NaN when none), channels (how many were summed).

    Examples
    --------
    >>> import govreport
    >>> proactive_totals(govreport.load("data"))[["proactive_total", "channel_sum"]].values.tolist()
    [[418.0, 418.0]]
    """
    out = _report_index(ds)
    rep = ds.reports
    out["proactive_total"] = np.where(rep["proactive_total_mark"].to_numpy() == Mark.VALUE,
                                      rep["proactive_total"].to_numpy(dtype="float64", na_value=np.nan), np.nan)
    out["proactive_qualifier"] = rep["proactive_qualifier"].astype(str).to_numpy()
    out["channels_overlap"] = rep["channels_overlap"].to_numpy()
    ch = ds.channels
    if len(ch):
        rkeys = ds._report_keys
        ckeys = frame_keys(ch)
        rpos = np.searchsorted(rkeys, ckeys)
        item = (ch["value_mark"].to_numpy() == Mark.VALUE) & ~ch["unit"].astype(str).isin(AUDIENCE_UNITS).to_numpy()
        sums = np.bincount(rpos, weights=np.where(item, ch["value"].to_numpy(), 0.0), minlength=len(rep))
        counts = np.bincount(rpos, weights=item.astype(float), minlength=len(rep))
        out["channel_sum"] = np.where(counts > 0, sums, np.nan)
        out["channels"] = counts.astype(int)
    else:
        out["channel_sum"] = np.nan
        out["channels"] = 0
    return out


def panel(ds: Dataset) -> pd.DataFrame:
    """Key measures per agency-year with agency attributes: the basis of aggregation and comparisons.

    Parameters
    ----------
    ds : Dataset

    Returns
    -------
    pandas.DataFrame
        One row per agency-year: :func:`proactive_totals`, :func:`application_outcomes`, the review and
        litigation totals and rates, and the agency's name, kind, level, region and the report format.
        ``Dataset.panel()`` is the same.

    Examples
    --------
    >>> import govreport
    >>> panel(govreport.load("data"))[["name", "proactive_total", "handled"]].values.tolist()
    [['五原县民政局', 418.0, 0.0]]
    """
    base = proactive_totals(ds)
    mats = block_matrices(ds, {"t3": T3_BLOCK, "t4": T4_BLOCK})
    apps = application_outcomes(ds, _cells=mats["t3"])
    rev = review_rates(ds, _cells=mats["t4"])
    out = base.join(apps.drop(columns=["agency_id", "year"])).join(
        rev[["review_total", "review_pending", "review_corrected", "review_correction_rate",
             "litigation_total", "litigation_correction_rate"]]
    )
    out["litigation_pending"] = rev["direct_pending"].to_numpy() + rev["after_review_pending"].to_numpy()
    out["litigation_corrected"] = rev["direct_corrected"].to_numpy() + rev["after_review_corrected"].to_numpy()
    codes = ds.reports["agency_id"].cat.codes.to_numpy()
    row_of = pd.Index(ds.agencies["agency_id"].astype(str)).get_indexer(ds.reports["agency_id"].cat.categories)
    rows = row_of[codes]
    for c in ("name", "kind", "level", "region", "region_code"):
        out[c] = pd.Series(ds.agencies[c].array.take(rows), index=out.index)
    out["format"] = ds.reports["format"].reset_index(drop=True)
    return out


MEASURES: dict[str, str] = {
    "proactive_total": "主动公开信息总数",
    "received": "本年新收申请数",
    "handled": "本年度办理结果总计",
    "disclosure_rate": "实质公开率（%）",
    "carried_forward": "结转下年度继续办理",
    "review_total": "行政复议总计",
    "review_correction_rate": "行政复议纠错率（%）",
    "litigation_total": "行政诉讼总计",
    "litigation_correction_rate": "行政诉讼纠错率（%）",
}


def _change(prev: np.ndarray, cur: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    change = cur - prev
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = np.where(prev > 0, change / prev * 100, np.nan)
    return change, np.round(pct, 2)


def changes(ds: Dataset, measures: list[str] | None = None) -> pd.DataFrame:
    """Year-over-year changes for every agency with consecutive years (long format).

    Columns: agency_id, name, year, measure, label, previous, current, change, change_pct.

    Parameters
    ----------
    ds : Dataset
    measures : list of str, optional
        Keys of :data:`MEASURES`; default all.

    Returns
    -------
    pandas.DataFrame
        One row per agency, year (the later of the pair) and measure; empty when no agency has two
        consecutive years.

    Examples
    --------
    >>> import govreport
    >>> len(changes(govreport.load("data")))   # the seed has one year
    0
    """
    measures = measures or list(MEASURES)
    p = panel(ds).sort_values(["agency_id", "year"], kind="stable").reset_index(drop=True)
    prev_idx = np.arange(len(p)) - 1
    has_prev = np.zeros(len(p), dtype=bool)
    if len(p) > 1:
        has_prev[1:] = (p["agency_id"].to_numpy()[1:] == p["agency_id"].to_numpy()[:-1]) & (
            p["year"].to_numpy()[1:] == p["year"].to_numpy()[:-1] + 1)
    frames = []
    for m in measures:
        cur = p[m].to_numpy(dtype="float64")
        prev = np.where(has_prev, cur[np.maximum(prev_idx, 0)], np.nan)
        change, pct = _change(prev, cur)
        frames.append(pd.DataFrame({
            "agency_id": p["agency_id"], "name": p["name"], "year": p["year"], "measure": m, "label": MEASURES[m],
            "previous": prev, "current": cur, "change": change, "change_pct": pct,
        })[has_prev])
    cols = ["agency_id", "name", "year", "measure", "label", "previous", "current", "change", "change_pct"]
    if not frames:
        return pd.DataFrame(columns=cols)
    return pd.concat(frames, ignore_index=True)[cols]


def year_over_year(ds: Dataset, agency_id: str, year: int) -> pd.DataFrame:
    """Changes of one agency-year against the previous year: key measures and each channel.

    Empty (with the columns) when the previous year is not in the dataset.

    Parameters
    ----------
    ds : Dataset
    agency_id : str
        Agency id or full Chinese name.
    year : int
        The later year.

    Returns
    -------
    pandas.DataFrame
        measure, label (Chinese), previous, current, change, change_pct.

    Examples
    --------
    >>> import govreport
    >>> year_over_year(govreport.load("data"), "五原县民政局", 2020).columns.tolist()
    ['measure', 'label', 'previous', 'current', 'change', 'change_pct']
    """
    cols = ["measure", "label", "previous", "current", "change", "change_pct"]
    agency_id = ds.agency_id(agency_id)
    year = int(year)
    if not (ds.has_report(agency_id, year) and ds.has_report(agency_id, year - 1)):
        return pd.DataFrame({c: pd.Series([], dtype="float64" if c in cols[2:] else "object") for c in cols})
    sub = ds.subset([agency_id], [year - 1, year])
    p = panel(sub).set_index("year")
    rows = []
    for m, label in MEASURES.items():
        prev, cur = float(p.loc[year - 1, m]), float(p.loc[year, m])
        rows.append((m, label, prev, cur))
    ch = channel_distribution(sub.channels)
    if len(ch):
        by = ch[ch["value_mark"] == Mark.VALUE].groupby(["channel", "year"], observed=True)["value"].sum()
        for cid in sorted({c for c, _ in by.index}, key=lambda c: CHANNEL_BY_ID[c].order):
            prev = float(by.get((cid, year - 1), np.nan))
            cur = float(by.get((cid, year), np.nan))
            rows.append((f"channel:{cid}", f"渠道：{CHANNEL_BY_ID[cid].label}", prev, cur))
    frame = pd.DataFrame(rows, columns=cols[:4])
    change, pct = _change(frame["previous"].to_numpy(), frame["current"].to_numpy())
    frame["change"] = change
    frame["change_pct"] = pct
    return frame


# --------------------------------------------------------------------------- many agencies


_RATE_PARTS = {
    "disclosure_rate": (("granted", "partial"), ("handled",)),
    "review_correction_rate": (("review_corrected",), ("review_total", "-review_pending")),
    "litigation_correction_rate": (("litigation_corrected",), ("litigation_total", "-litigation_pending")),
}
_COUNTS = ("proactive_total", "received", "handled", "granted", "partial", "carried_forward", "review_total",
           "litigation_total")


def rate_terms(p: pd.DataFrame, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Numerator and denominator of a rate per row of a :func:`panel` frame (NaN when not reported)."""
    num_cols, den_cols = _RATE_PARTS[metric]
    num = sum(p[c].to_numpy(dtype="float64") for c in num_cols)
    den = np.zeros(len(p))
    for c in den_cols:
        den = den - p[c[1:]].to_numpy(dtype="float64") if c.startswith("-") else den + p[c].to_numpy(dtype="float64")
    return np.asarray(num, dtype="float64"), den


def aggregate(ds: Dataset, by: tuple[str, ...] | list[str] = ("year",), *, frame: pd.DataFrame | None = None
              ) -> pd.DataFrame:
    """Totals and pooled rates by any of: year, region, region_code, level, kind, format, agency_id.

    Counts are summed over the agency-years that reported them (``n_<measure>`` says how many);
    rates are pooled (sum of numerators / sum of denominators) over agency-years with both reported.

    Parameters
    ----------
    ds : Dataset
    by : sequence of str
        Grouping columns of :func:`panel` (default by year).
    frame : pandas.DataFrame, optional
        A :func:`panel` frame already computed (or filtered); default ``panel(ds)``.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``agency_years``, each count and ``n_<count>``, each pooled rate and
        ``<rate>_n`` (its denominator).

    Examples
    --------
    >>> import govreport
    >>> aggregate(govreport.load("data"))[["year", "agency_years", "proactive_total"]].values.tolist()
    [[2020.0, 1.0, 418.0]]
    """
    p = panel(ds) if frame is None else frame
    by = list(by)
    out = p.groupby(by, observed=True, sort=True).size().rename("agency_years").to_frame()
    for c in _COUNTS:
        g = p.groupby(by, observed=True, sort=True)[c]
        out[c] = g.sum(min_count=1)
        out[f"n_{c}"] = g.count()
    for metric in _RATE_PARTS:
        num, den = rate_terms(p, metric)
        ok = ~np.isnan(num) & ~np.isnan(den)
        tmp = p[by].copy()
        tmp["num"] = np.where(ok, num, 0.0)
        tmp["den"] = np.where(ok, den, 0.0)
        g = tmp.groupby(by, observed=True, sort=True)
        s = g[["num", "den"]].sum()
        with np.errstate(invalid="ignore", divide="ignore"):
            out[metric] = np.round(np.where(s["den"] > 0, s["num"] / s["den"] * 100, np.nan), 2)
        out[f"{metric}_n"] = s["den"].to_numpy()
    return out.reset_index()


def league_table(ds: Dataset, metric: str, *, by: str = "agency_id", year: int | None = None,
                 min_n: int = DEFAULT_MIN_N, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """Rank entities (agencies, regions, levels) on a rate with a minimum-N rule.

    ``metric`` is one of disclosure_rate, review_correction_rate, litigation_correction_rate. The rate is
    pooled over the entity's agency-years; its denominator ``n`` must reach ``min_n`` to be ranked.
    Columns: <by>, name (for agencies), value, n, ranked, rank, percentile.

    Parameters
    ----------
    ds : Dataset
    metric : str
        ``disclosure_rate``, ``review_correction_rate`` or ``litigation_correction_rate``.
    by : str
        The entity ranked: ``agency_id`` (default), ``region``, ``level`` …
    year : int, optional
        Only this year; default all years pooled.
    min_n : int
        Minimum denominator to be ranked (default :data:`DEFAULT_MIN_N`).
    frame : pandas.DataFrame, optional
        A :func:`panel` frame already computed.

    Returns
    -------
    pandas.DataFrame
        Ranked entities first (rank 1 = highest rate), then the others with ``ranked`` False.

    Examples
    --------
    >>> import govreport
    >>> league_table(govreport.load("data"), "disclosure_rate")[["name", "n", "ranked"]].values.tolist()
    [['五原县民政局', 0.0, False]]
    """
    if metric not in _RATE_PARTS:
        raise ValueError(f"league tables rank rates: one of {', '.join(_RATE_PARTS)}")
    p = panel(ds) if frame is None else frame
    if year is not None:
        p = p[p["year"] == year]
    agg = aggregate(ds, (by,), frame=p)
    out = pd.DataFrame({by: agg[by], "value": agg[metric], "n": agg[f"{metric}_n"]})
    if by == "agency_id":
        names = p.drop_duplicates("agency_id").set_index("agency_id")["name"]
        out.insert(1, "name", names.reindex(out["agency_id"]).to_numpy())
    out["ranked"] = (out["n"] >= min_n) & out["value"].notna()
    ranked = out["ranked"].to_numpy()
    vals = np.where(ranked, out["value"].to_numpy(dtype="float64"), np.nan)
    out["rank"] = competition_rank(vals, np.zeros(len(out), dtype=np.int64))
    k = ranked.sum()
    with np.errstate(invalid="ignore"):
        out["percentile"] = np.where(ranked, np.round((k - out["rank"]) / max(k - 1, 1) * 100, 1), np.nan)
    return out.sort_values(["ranked", "rank", by], ascending=[False, True, True], kind="stable").reset_index(
        drop=True)


# ------------------------------------------------------------------------------ one report, JSON


def _json_number(value: float, mark: int | None = None) -> Any:
    if mark is not None and int(mark) == Mark.NA:
        return "不适用"
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    v = float(value)
    return int(v) if v.is_integer() else v


def report_stats(ds: Dataset, agency_id: str, year: int) -> dict[str, Any]:
    """Everything ``govreport stats`` prints for one agency-year, JSON-ready.

    Figures are numbers, ``null`` (blank: not reported) or ``"不适用"``; a rate that is not available is
    ``null`` with a ``*_status`` saying why.

    Parameters
    ----------
    ds : Dataset
    agency_id : str
        Agency id or full Chinese name.
    year : int

    Returns
    -------
    dict
        agency_id, agency, year, format, period, proactive, applications, reviews, ….

    Examples
    --------
    >>> import govreport
    >>> report_stats(govreport.load("data"), "五原县民政局", 2020)["agency"]
    '五原县民政局'
    """
    agency_id = ds.agency_id(agency_id)
    report = ds.report(agency_id, year)
    sub = ds.subset([agency_id], [int(year)])
    ch = channel_distribution(sub.channels)
    p = panel(sub).iloc[0]
    apps = application_outcomes(sub).iloc[0]
    rev = review_rates(sub).iloc[0]
    total = report.proactive.total
    return {
        "agency_id": agency_id,
        "agency": report.agency.name,
        "year": int(year),
        "format": report.format.value,
        "period": {"start": _iso(report.period.start), "end": _iso(report.period.end),
                   "data_cutoff": _iso(report.period.cutoff)},
        "proactive": {
            "total": _json_number(total.value, total.mark),
            "qualifier": report.proactive.total_qualifier,
            "unit": report.proactive.unit,
            "channels_overlap": report.proactive.channels_overlap,
            "channel_sum": _json_number(p["channel_sum"]),
            "share_basis": "sum of channel figures (largest-remainder rounding to 2 decimals)",
            "channels": [
                {
                    "seq": int(r.seq), "channel": r.channel, "channel_label": r.channel_label, "label": r.label,
                    "value": _json_number(r.value, r.value_mark), "qualifier": r.qualifier, "unit": r.unit,
                    "share": _json_number(r.share), "rank": _json_number(r.rank), "share_status": r.share_status,
                }
                for r in ch.itertuples(index=False)
            ],
        },
        "applications": {
            **{k: _json_number(apps[k]) for k in ("received", "carried_over", "handled", "granted", "partial",
                                                  "denied", "unable", "not_processed", "other", "carried_forward")},
            "disclosure_rate": _json_number(apps["disclosure_rate"]),
            "disclosure_rate_status": apps["disclosure_rate_status"],
        },
        "reviews": {
            **{f"{r}_{o}": _json_number(rev[f"{r}_{o}"]) for r in T4_ROUTES for o in T4_OUTCOME_KEYS},
            **{f"{r}_correction_rate": _json_number(rev[f"{r}_correction_rate"]) for r in T4_ROUTES},
            **{f"{r}_correction_rate_status": rev[f"{r}_correction_rate_status"] for r in T4_ROUTES},
            "litigation_correction_rate": _json_number(rev["litigation_correction_rate"]),
            "litigation_correction_rate_status": rev["litigation_correction_rate_status"],
        },
        "year_over_year": [
            {"measure": r.measure, "label": r.label, "previous": _json_number(r.previous),
             "current": _json_number(r.current), "change": _json_number(r.change),
             "change_pct": _json_number(r.change_pct)}
            for r in year_over_year(ds, agency_id, year).itertuples(index=False)
        ],
    }


def _iso(d) -> str | None:
    return d.isoformat() if d else None


__all__ = [
    "APPLICATION_FIGURES",
    "DEFAULT_MIN_N",
    "MEASURES",
    "RATE_STATUSES",
    "SHARE_DECIMALS",
    "aggregate",
    "application_outcomes",
    "changes",
    "channel_distribution",
    "largest_remainder",
    "league_table",
    "panel",
    "proactive_totals",
    "rate_terms",
    "report_channels",
    "report_stats",
    "review_rates",
    "year_over_year",
]
