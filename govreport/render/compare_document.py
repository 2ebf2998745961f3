"""The comparison document: one displayable piece per section of ``notebooks/compare.ipynb``.

:class:`CompareDocument` holds the validated :class:`~govreport.analysis.compare.Scope`, computes the section
frames with :mod:`govreport.analysis.compare` (once, on first use) and hands out each section as a
:class:`~govreport.render.document.Fragment` (HTML for JupyterLab and the exported page, plain text for a
console): :meth:`~CompareDocument.front_matter`, :meth:`~CompareDocument.coverage`,
:meth:`~CompareDocument.channel_mix`, :meth:`~CompareDocument.movers`, :meth:`~CompareDocument.league_tables`,
:meth:`~CompareDocument.distributions`, :meth:`~CompareDocument.aggregates`, :meth:`~CompareDocument.notes`.

Every section is always there: where the scope has nothing to compare (one agency-year, no consecutive
years, no denominator reaching the minimum N) it says so in words. Tables go through the one table renderer
(:func:`govreport.render.tables.render_table`, which escapes every text); headings and paragraphs escape
what comes from the data. Blank figures show as 未填报 (or empty in a pooled table, with a note), 不适用
as 不适用, a rate that cannot be computed as 无法计算 — never as 0 or 100 %. No time, random id or absolute
path appears, so the same inputs give the same bytes.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Sequence
from functools import cached_property
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from govreport import __version__
from govreport.analysis import compare as C
from govreport.core.model import Level
from govreport.core.numerals import chinese
from govreport.core.schema import dataset_name
from govreport.render import tables as T
from govreport.render.document import Fragment, join

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

LIST_LIMIT = 100  # rows of a listing before "另有 N 个未列出"
MATRIX_LIMIT = 40  # agencies up to which coverage is shown agency by agency
NOT_AVAILABLE = "无法计算"
DEFINITIONS: dict[str, str] = {
    "disclosure_rate": "实质公开率 =（予以公开 + 部分公开）÷ 办理结果总计（表三“总计”列）",
    "review_correction_rate": "行政复议纠错率 = 结果纠正 ÷（总计 − 尚未审结）（表四）",
    "litigation_correction_rate": ("行政诉讼纠错率 = 结果纠正 ÷（总计 − 尚未审结），"
                                   "未经复议直接起诉与复议后起诉合计（表四）"),
}


# ------------------------------------------------------------------------------------ formatting


def _nan(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def count_text(v: Any, *, missing: str = "未填报") -> str:
    """A count: ``418``, ``2.5``; ``missing`` for NaN."""
    if _nan(v):
        return missing
    v = float(v)
    return str(int(v)) if v.is_integer() else f"{v:.2f}".rstrip("0").rstrip(".")


def rate_text(v: Any) -> str:
    """A rate in percent with two decimals; 无法计算 when not available (never 0 % or 100 %)."""
    return NOT_AVAILABLE if _nan(v) else f"{float(v):.2f}%"


def signed_text(v: Any) -> str:
    if _nan(v):
        return "—"
    text = count_text(v)
    return f"+{text}" if float(v) > 0 else text


def signed_pct(v: Any) -> str:
    if _nan(v):
        return "—"
    return f"{'+' if float(v) > 0 else ''}{float(v):.2f}%"


def level_label(level: str) -> str:
    try:
        return Level(level).label
    except ValueError:
        return level


def _p(text: str) -> str:
    return f"<p>{escape(text)}</p>"


def _cell(text: str, kind: str = "value") -> T.Cell:
    return T.Cell(text, kind=kind if text else "blank")


def _label(text: str) -> T.Cell:
    return T.Cell(text, kind="label", header=True)


def _table(columns: Sequence[str], rows: list[tuple[T.Cell, ...]], *, html_id: str, caption: str,
           notes: Sequence[str] = (), widths: Sequence[float] = ()) -> str:
    """A simple table through the one renderer; ``widths`` (percent per column) fix the layout."""
    layout = T.simple_table(columns, rows, html_id=html_id, caption=caption, classes=("compare",), notes=notes)
    if widths:
        layout = dataclasses.replace(layout, col_widths=tuple(widths))
    return T.render_table(layout)


def _figure(svg: str | None, caption: str, html_id: str) -> str:
    if svg is None:
        return ""
    return f'<figure class="chart" id="{escape(html_id)}">{svg}<figcaption>{escape(caption)}</figcaption></figure>'


def _section(sid: str, heading: str, body: Sequence[str]) -> Fragment:
    classes = "part compare appendix" if sid == "notes" else "part compare"
    html = (f'<section class="{classes}" id="gr-cmp-{escape(sid)}"><h2>{escape(heading)}</h2>{"".join(body)}'
            "</section>")
    return Fragment(html, text=heading)


def _limit_note(total: int, shown: int, what: str) -> list[str]:
    return [f"另有{total - shown}个{what}未列出。"] if total > shown else []


# -------------------------------------------------------------------------------------- document


class CompareDocument:
    """The comparison of one scope, section by section (see the module docstring)."""

    def __init__(self, scope: C.Scope) -> None:
        self.scope = scope

    @classmethod
    def prepare(cls, data_dir: str | os.PathLike[str] = "data", *, years: str = "", agencies: str = "",
                region: str = "", min_n: int = C.DEFAULT_MIN_N, base: Path | None = None) -> CompareDocument:
        """Validate the parameters against the dataset (:func:`govreport.analysis.compare.validate`)."""
        scope = C.validate({"data_dir": os.fspath(data_dir), "years": years, "agencies": agencies, "region": region,
                            "min_n": min_n}, base=base)
        return cls(scope)

    # ------------------------------------------------------------------------ computed once

    @cached_property
    def panel(self) -> pd.DataFrame:
        return C.scope_panel(self.scope)

    @cached_property
    def checks(self) -> Any:
        from govreport.checks import run

        s = self.scope
        agencies = list(s.agency_ids) if (s.params.agencies or s.params.region) else None
        years = list(s.years) if s.params.years else None
        return run(s.dataset, agencies=agencies, years=years)

    @cached_property
    def names(self) -> dict[str, str]:
        a = self.scope.data.agencies
        return dict(zip(a["agency_id"].astype(str), a["name"].astype(str), strict=True))

    @cached_property
    def coverage_frame(self) -> pd.DataFrame:
        s = self.scope
        return C.coverage(s.data.agencies, s.data.reports, s.years, self.checks.findings)

    @cached_property
    def pairs(self) -> pd.DataFrame:
        return C.year_pairs(self.scope)

    @property
    def title(self) -> str:
        return self.scope.title

    # ------------------------------------------------------------------------ front matter

    def front_matter(self) -> Fragment:
        s = self.scope
        cov = self.coverage_frame
        with_data = int(cov.groupby("agency_id")["has_report"].any().sum())
        text = (f"本分析比较{s.scope_label}{s.years_label}的政府信息公开工作年度报告数据：范围内共有"
                f"{len(s.agency_ids)}个机关，其中{with_data}个机关有数据，共{s.agency_years}个机关年度。"
                "所有数字、表格和图表均由 govreport 根据数据集计算；空白（未填报）、0 和“不适用”始终区分，"
                "无法计算的比率标为“无法计算”，不作 0 或 100% 处理。")
        paras = [_p(text)]
        if s.agency_years == 1:
            paras.append(_p("所选范围内只有一个机关年度，没有可供比较的其他机关或年度；以下各部分列出该机关年度的数据，"
                            "并在无法比较之处予以说明。"))
        rows = [
            ("年度", s.years_label + ("" if s.params.years else "（数据中的全部年度）")),
            ("地区", s.region or "全部"),
            ("机关", "、".join(self.names[a] for a in s.agency_ids) if s.params.agencies else "全部"),
            ("最小样本量（排名所需分母）", f"{s.min_n}件"),
        ]
        dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in rows)
        html = (f'<header class="front"><h1 class="title">{escape(s.title)}</h1><div class="opening">{"".join(paras)}'
                f'</div><dl class="contact">{dl}</dl></header>')
        return Fragment(html, text=s.title)

    # ------------------------------------------------------------------------ 一 coverage

    def coverage(self) -> Fragment:
        s = self.scope
        cov = self.coverage_frame
        res = self.checks
        flagged = C.flagged(res.findings, self.names)
        by_year = C.coverage_by_year(cov)
        possible = len(cov)
        body = [_p(f"范围内{len(s.agency_ids)}个机关、{len(s.years)}个年度，应有{possible}个机关年度，数据集中有"
                   f"{s.agency_years}个。核验发现错误{res.errors}条、警告{res.warnings}条，涉及{len(flagged)}个机关年度。")]
        rows = [(_label(f"{int(r.year)}年"), _cell(str(r.agencies)), _cell(str(r.reports)), _cell(str(r.missing)),
                 _cell(str(r.with_errors)), _cell(str(r.with_warnings)))
                for r in by_year.itertuples(index=False)]
        body.append(_table(("年度", "范围内机关", "有报告", "无报告", "有错误的机关年度", "有警告的机关年度"), rows,
                           html_id="gr-cmp-coverage-years", caption="表　各年度数据覆盖与核验情况"))
        if len(s.agency_ids) <= MATRIX_LIMIT:
            body.append(self._coverage_matrix(cov))
        else:
            none = C.agencies_without_data(cov)
            if len(none):
                shown = none.head(LIST_LIMIT)
                rows = [(_cell(str(r.name), "text"), _cell(str(r.region), "text"))
                        for r in shown.itertuples(index=False)]
                body.append(_table(("机关", "地区"), rows, html_id="gr-cmp-no-data",
                                   caption=f"表　{s.years_label}没有任何报告数据的机关（{len(none)}个）",
                                   notes=_limit_note(len(none), len(shown), "机关")))
            else:
                body.append(_p(f"范围内每个机关在{s.years_label}至少有一年的报告数据。"))
        if len(flagged):
            shown = flagged.head(LIST_LIMIT)
            rows = [(_cell(str(r.name), "text"), _cell(f"{int(r.year)}"), _cell(str(int(r.errors))),
                     _cell(str(int(r.warnings))), _cell(str(r.rules), "text")) for r in shown.itertuples(index=False)]
            body.append(_table(("机关", "年度", "错误", "警告", "涉及规则"), rows, html_id="gr-cmp-flagged",
                               caption="表　核验发现错误或警告的机关年度",
                               notes=["注：规则编号见 govreport check 的说明；"
                                      "各机关年度的审核版报告列出每一项核验结果。",
                                      *_limit_note(len(flagged), len(shown), "机关年度")]))
        else:
            body.append(_p("所选范围内各机关年度的数据均通过核验，未发现错误或警告。"))
        return _section("coverage", "一、比较范围与数据覆盖", body)

    def _coverage_matrix(self, cov: pd.DataFrame) -> str:
        years = sorted({int(y) for y in cov["year"]})
        rows = []
        for _, g in cov.groupby("agency_id", sort=True):
            first = g.iloc[0]
            cells = [_cell(str(first["name"]), "text"), _cell(level_label(str(first["level"])))]
            by = {int(r.year): r for r in g.itertuples(index=False)}
            for y in years:
                r = by[y]
                if not r.has_report:
                    cells.append(T.Cell("无", kind="blank", classes=("missing",)))
                    continue
                parts = [f"错误{int(r.errors)}"] if r.errors else []
                parts += [f"警告{int(r.warnings)}"] if r.warnings else []
                cells.append(_cell("有" + (f"（{'，'.join(parts)}）" if parts else "")))
            rows.append(tuple(cells))
        rest = round(60.0 / len(years), 2)
        return _table(("机关", "层级", *[f"{y}年" for y in years]), rows, html_id="gr-cmp-coverage-matrix",
                      widths=(32.0, 8.0, *[rest] * len(years)),
                      caption="表　各机关各年度的报告数据",
                      notes=["注：“有”表示数据集中有该机关该年度的报告数据，“无”表示没有；括号内为核验发现的错误和警告条数。"])

    # ------------------------------------------------------------------------ 二 channel mix

    def channel_mix(self) -> Fragment:
        from govreport.render.compare_charts import channel_mix_svg

        s = self.scope
        mix = C.channel_mix(s.data.channels)
        basis = C.channel_basis(s.data.channels, s.data.reports)
        heading = "二、主动公开渠道构成的变化"
        if len(mix) == 0:
            return _section("channels", heading, [_p("所选范围内没有可汇总的渠道发布数量（渠道数量均为空白、不适用，"
                                                     "或不以条、篇、件等为单位）。")])
        years = sorted({int(y) for y in mix["year"]})
        body = [_p("将各机关报告的各渠道发布数量按年度加总（只加总以条、篇、件等为单位的数量；"
                   "以期计的政府公报、访问人次等不计入），并计算各渠道占当年合计的比例"
                   "（两位小数，按最大余数法使各年合计恰为100%）。")]
        if len(years) == 1:
            body.append(_p(f"所选范围内只有{years[0]}年有渠道数据，无法比较渠道构成的变化；以下为该年度的构成。"))
        body.append(_figure(channel_mix_svg(mix), "图　各年度主动公开渠道构成（各机关合计）", "gr-cmp-channel-chart"))
        wide = C.mix_table(mix)
        rows = []
        for r in wide.to_dict("records"):
            cells = [_label(str(r["channel_label"]))]
            for y in years:
                v, sh = r[f"value_{y}"], r[f"share_{y}"]
                cells.append(_cell("" if _nan(v) else f"{count_text(v)}（{rate_text(sh)}）"))
            rows.append(tuple(cells))
        totals = mix.groupby("year")["value"].sum()
        rows.append((_label("合计"), *[_cell(f"{count_text(totals[y])}（100.00%）") for y in years]))
        body.append(_table(("渠道", *[f"{y}年" for y in years]), rows, html_id="gr-cmp-channel-table",
                           caption="表　各渠道发布数量及占比（各机关合计）",
                           notes=["注：空白表示该年度没有机关报告该渠道的数量（不是0）。"]))
        rows = [(_label(str(int(r.year))), _cell(str(r.agency_years)), _cell(str(r.with_channels)),
                 _cell(str(r.overlap)), _cell(str(r.pooled)), _cell(str(r.blank)), _cell(str(r.not_applicable)),
                 _cell(str(r.other_unit))) for r in basis.itertuples(index=False)]
        notes = ["注：部分报告说明同一信息在多个渠道发布，此时占比为发布条次的占比，而非不重复信息的占比。"]
        approx = int(mix["approximate"].sum())
        if approx:
            notes.append(f"带“余”“多”“约”等限定词的数量有{approx}项，按所写数字计入。")
        body.append(_table(("年度", "机关年度", "有渠道数量的", "称渠道有重叠的", "计入的数量项", "空白（未计入）",
                            "不适用（未计入）", "其他单位（未计入）"), rows, html_id="gr-cmp-channel-basis",
                           caption="表　渠道数据的来源", notes=notes))
        return _section("channels", heading, body)

    # ------------------------------------------------------------------------ 三 movers

    def movers(self, *, top: int = C.TOP_N) -> Fragment:
        from govreport.render.compare_charts import movers_svg

        body = [_p("比较同一机关相邻两个年度的数字（当年与上年，上年可在所选年度之前），只比较两年都有数字的机关；"
                   "增减幅度以上年为基数，上年为0时不计算。")]
        for i, (measure, label) in enumerate(C.MOVER_MEASURES.items()):
            body.append(f"<h3>{escape(f'（{chinese(i + 1)}）{label}')}</h3>")
            basis = C.movers_basis(self.pairs, measure)
            if basis["comparable"] == 0:
                text = "没有可比较的相邻年度数据（需要同一机关连续两年均有该项数字）。"
                if basis["pairs"]:
                    text = f"有{basis['pairs']}对相邻年度，但每一对中至少有一年该项为空白或不适用，无法比较。"
                body.append(_p(text))
                continue
            moved = C.movers(self.pairs, measure, top=top)
            body.append(_p(f"{basis['pairs']}对相邻年度中，{basis['comparable']}对两年都有数字：增加{basis['rises']}对，"
                           f"减少{basis['falls']}对，持平{basis['unchanged']}对。以下列出增加和减少最多的各至多{top}个。"))
            body.append(_figure(movers_svg(moved), f"图　{label}增减最多的机关", f"gr-cmp-movers-{measure}"))
            for direction, word in (("rise", "增加"), ("fall", "减少")):
                part = moved[moved["direction"] == direction]
                if len(part) == 0:
                    body.append(_p(f"没有{label}{word}的机关。"))
                    continue
                rows = [(_cell(str(int(r.rank))), _cell(str(r.name), "text"), _cell(f"{int(r.year) - 1}—{int(r.year)}"),
                         _cell(count_text(r.previous)), _cell(count_text(r.current)), _cell(signed_text(r.change)),
                         _cell(signed_pct(r.change_pct))) for r in part.itertuples(index=False)]
                body.append(_table(("序号", "机关", "年度", "上年", "当年", "增减", "增减幅度"), rows,
                                   html_id=f"gr-cmp-movers-{measure}-{direction}",
                                   caption=f"表　{label}{word}最多的机关",
                                   notes=["注：“—”表示上年为0，不计算增减幅度。"] if part["change_pct"].isna().any()
                                   else []))
        return _section("movers", "三、年度变化较大的机关", body)

    # ------------------------------------------------------------------------ 四 league tables

    def league_tables(self) -> Fragment:
        from govreport.render.compare_charts import league_svg

        s = self.scope
        n = s.min_n
        body = [_p("各比率按机关把范围内各年度的分子和分母分别加总后计算（不是各年比率的平均）。"
                   f"为避免少数案件造成极端比率（例如1件中纠正1件即为100%），只有分母达到{n}件的机关参与排名；"
                   "其余机关列入“未排名”表并注明原因。排名按比率由高到低，1为最高；比率相同者名次相同。")]
        for i, (metric, (label, denominator, _)) in enumerate(C.RATES.items()):
            table = C.league(s.data, self.panel, metric, min_n=n)
            counts = {k: int((table["reason"] == k).sum()) for k in C.REASONS}
            body.append(f"<h3>{escape(f'（{chinese(i + 1)}）{label}')}</h3>")
            body.append(_p(f"{DEFINITIONS[metric]}。{counts['ranked']}个机关参与排名，{counts['below_min_n']}个机关样本不足"
                           f"（分母小于{n}件），{counts['none']}个机关无可计算的案件，{counts['missing']}个机关未填报。"))
            ranked = table[table["ranked"]]
            if len(ranked):
                body.append(_figure(league_svg(table), f"图　{label}排名（分母不少于{n}件的机关）",
                                    f"gr-cmp-league-{metric}"))
                shown = ranked.head(LIST_LIMIT)
                rows = [(_cell(str(int(r.rank))), _cell(str(r.name), "text"), _cell(rate_text(r.value)),
                         _cell(count_text(r.n)), _cell(f"{r.percentile:.1f}"), _cell(str(int(r.agency_years))))
                        for r in shown.itertuples(index=False)]
                body.append(_table(("名次", "机关", label, denominator, "百分位", "年度数"), rows,
                                   html_id=f"gr-cmp-league-{metric}", caption=f"表　{label}排名",
                                   notes=["注：百分位表示排在该机关之后的参与排名机关所占比例。",
                                          *_limit_note(len(ranked), len(shown), "参与排名的机关")]))
            else:
                body.append(_p(f"没有机关的分母达到{n}件，本项不排名。"))
            rest = table[~table["ranked"]]
            if len(rest):
                shown = rest.head(LIST_LIMIT)
                rows = [(_cell(str(r.name), "text"),
                         _cell(rate_text(r.value) if r.reason == "below_min_n" else NOT_AVAILABLE),
                         _cell(count_text(r.n) if r.reason != "missing" else "未填报"),
                         _cell(C.REASONS[r.reason], "text"))
                        for r in shown.itertuples(index=False)]
                notes = [f"注：样本不足的机关的比率仅供参考，不参与排名（最小样本量{n}件）。"
                         ] if counts["below_min_n"] else []
                body.append(_table(("机关", label, denominator, "说明"), rows, html_id=f"gr-cmp-unranked-{metric}",
                                   caption=f"表　{label}未排名的机关",
                                   notes=[*notes, *_limit_note(len(rest), len(shown), "未排名的机关")]))
        return _section("league", f"四、比率排名（最小样本量{n}件）", body)

    # ------------------------------------------------------------------------ 五 distributions

    def distributions(self) -> Fragment:
        from govreport.render.compare_charts import box_svg, histogram_svg

        p = self.panel
        s = self.scope
        body = [_p("以每个机关年度为一个观察值，描述各项数字在机关之间的分布（四分位数按线性插值计算）。")]
        body.append(f"<h3>{escape('（一）主动公开信息总数')}</h3>")
        dist = C.distribution(p, "proactive_total", by="level")
        overall = C.distribution(p, "proactive_total")
        body.append(self._distribution_table(dist, overall, "proactive_total", "主动公开信息总数", count=True))
        groups = [(level_label(str(lv)), p.loc[p["level"] == lv, "proactive_total"].to_numpy())
                  for lv in dist["group"]]
        svg = box_svg(groups, xlabel="主动公开信息总数（条）")
        if svg is None:
            body.append(_p("有数字的机关年度少于两个，不绘制分布图。"))
        else:
            body.append(_figure(svg, "图　各层级机关主动公开信息总数的分布（括号内为机关年度数）",
                                "gr-cmp-dist-proactive"))
        body.append(f"<h3>{escape('（二）实质公开率')}</h3>")
        dist = C.distribution(p, "disclosure_rate", by="level")
        overall = C.distribution(p, "disclosure_rate")
        body.append(self._distribution_table(dist, overall, "disclosure_rate", "实质公开率", count=False))
        hist = C.rate_histogram(p, "disclosure_rate", min_n=s.min_n)
        svg = histogram_svg(hist, min_n=s.min_n, denominator="办结数")
        if svg is None:
            body.append(_p("没有可计算实质公开率的机关年度，不绘制分布图。"))
        else:
            body.append(_figure(svg, f"图　各机关年度实质公开率的分布（深色为当年办结数不少于{s.min_n}件的机关年度）",
                                "gr-cmp-dist-rate"))
        return _section("distributions", "五、机关之间的分布", body)

    def _distribution_table(self, dist: pd.DataFrame, overall: pd.DataFrame, measure: str, label: str, *,
                            count: bool) -> str:
        fmt = count_text if count else rate_text

        def stat(v: Any) -> str:
            return "—" if _nan(v) else fmt(v)

        rows = []
        frames = [(level_label(str(r.group)), r) for r in dist.itertuples(index=False)]
        if len(dist) > 1:
            frames += [("全部", r) for r in overall.itertuples(index=False)]
        for name, r in frames:
            missing = [_cell(str(r.blank))]
            missing += [_cell(str(r.not_applicable))] if count else [_cell(str(r.none))]
            rows.append((_label(name), _cell(str(r.agency_years)), _cell(str(r.n)), *missing,
                         *[_cell(stat(getattr(r, c))) for c in ("min", "q1", "median", "q3", "max", "mean")]))
        third = "不适用" if count else "无办结申请"
        note = ("注：空白为未填报；“不适用”为报告写明不适用；二者都不计入统计量，也不当作0。" if count else
                "注：当年没有办结申请的机关年度没有实质公开率（不是0%或100%），不计入统计量。")
        columns = ("层级", "机关年度", "有数字", "空白", third,
                   "最小", "下四分位", "中位数", "上四分位", "最大", "平均")
        return _table(columns, rows, html_id=f"gr-cmp-dist-{measure}-table", caption=f"表　{label}的分布", notes=[note])

    # ------------------------------------------------------------------------ 六 aggregates

    def aggregates(self) -> Fragment:
        from govreport.render.compare_charts import rates_by_year_svg

        s = self.scope
        body = [_p("合计只加总有数字的机关年度（括号内为加总的机关年度数）；比率为汇总比率（分子之和 ÷ 分母之和），"
                   "分母为0或未填报时标为“无法计算”。")]
        labels = {"year": "年度", "level": "层级", "area": "地区"}
        for i, by in enumerate(C.AGGREGATE_BY):
            agg = C.aggregates(s.data, self.panel, by)
            body.append(f"<h3>{escape(f'（{chinese(i + 1)}）按{labels[by]}')}</h3>")
            if by == "year":
                svg = rates_by_year_svg(agg, {m: v[0] for m, v in C.RATES.items()})
                if svg is not None:
                    body.append(_figure(svg, "图　各年度汇总比率", "gr-cmp-rates-by-year"))
                elif len(agg) < 2:
                    body.append(_p("所选范围只有一个年度有数据，无法观察比率随年度的变化。"))
            rows = []
            first = 20.0 if by == "area" else 11.0
            for r in agg.to_dict("records"):
                name = f"{int(r['year'])}年" if by == "year" else (level_label(str(r[by])) if by == "level"
                                                                  else str(r[by]))
                rows.append((
                    _label(name), _cell(str(int(r["agency_years"]))),
                    *[_cell(f"{count_text(r[c], missing='无数据')}（{int(r[f'n_{c}'])}）")
                      for c in ("proactive_total", "received", "handled")],
                    *[_cell(rate_text(r[m])) for m in C.RATES],
                ))
            body.append(_table((labels[by], "机关年度", "主动公开信息总数", "新收申请", "办理结果总计",
                                *[v[0] for v in C.RATES.values()]), rows, html_id=f"gr-cmp-agg-{by}",
                               caption=f"表　按{labels[by]}汇总", widths=(first, *[round((100 - first) / 7, 2)] * 7)))
        return _section("aggregates", "六、按年度、层级和地区汇总", body)

    # ------------------------------------------------------------------------ notes

    def notes(self) -> Fragment:
        s = self.scope
        items = [
            "空白表示报告未填报该项，“不适用”表示报告写明该项不适用，0表示报告填写为0；三者在所有统计中分开处理，"
            "空白和不适用不计入合计，也不当作0。",
            *[f"{d}。分母为0时比率无法计算，不记为0%或100%。" for d in DEFINITIONS.values()],
            f"最小样本量规则：机关的汇总分母少于{s.min_n}件时不参与排名，列入“未排名”表。",
            "渠道占比：各渠道发布数量之和为分母；同一信息在多个渠道发布时为发布条次的占比。",
        ]
        ul = "<ul>" + "".join(f"<li>{escape(t)}</li>" for t in items) + "</ul>"
        prov = [
            ("govreport 版本", __version__),
            ("数据集", dataset_name(s.data_dir)),
            ("数据哈希（整个数据集）", s.dataset.data_hash or "—"),
            ("参数", ", ".join(f"{k}={v!r}" for k, v in s.params.public().items())),
        ]
        dl = "".join(f"<dt>{escape(k)}</dt><dd><code>{escape(v)}</code></dd>" for k, v in prov)
        return _section("notes", "说明", [ul, f'<dl class="provenance">{dl}</dl>'])

    # ------------------------------------------------------------------------ whole

    def fragments(self) -> list[Fragment]:
        return [self.front_matter(), self.coverage(), self.channel_mix(), self.movers(), self.league_tables(),
                self.distributions(), self.aggregates(), self.notes()]

    def _repr_html_(self) -> str:
        return join(self.fragments()).html

    def __repr__(self) -> str:
        return f"<CompareDocument {self.title}>"


__all__ = ["CompareDocument", "count_text", "rate_text"]
