"""The synthetic generator: every array of a synthetic dataset (agencies, reports, tables, channels,
categories, dates, narratives), drawn from fixed random streams (see :mod:`govreport.analysis.synth`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from govreport.analysis.synth_perturb import PERTURBATIONS
from govreport.analysis.synth_vocab import (
    APPLICANT_P,
    C_TOT,
    CATEGORY_SLOTS,
    CELL_POS,
    CHANNEL_SLOTS,
    COUNTIES_PER_PREF,
    CUTOFF_RATE,
    DEPARTMENTS,
    DEPTS_PER_LEVEL,
    F2019,
    F2021,
    FHYBRID,
    FNONE,
    FORMAT_TEXT,
    HYBRID_RATE,
    INSTITUTIONS,
    K_DEPT,
    K_GOV,
    K_OTHER,
    KINDS,
    L_COUNTY,
    L_PREF,
    L_PROV,
    L_TOWN,
    LEVELS,
    MIN_FOR_UNUSUAL,
    N_CELLS,
    NARRATIVE_ONLY_RATE,
    NO_PERIOD_RATE,
    OUTCOME_P,
    OUTCOMES,
    R_CF,
    R_CO,
    R_NEW,
    R_OH,
    R_TOTAL,
    S_GAZETTE,
    S_ITEM,
    S_PRESS,
    S_WEBSITE,
    SCALE,
    SYNTH_NOTE,
    T3_COLS,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T4_P,
    T_DEPT,
    T_GOV,
    T_INST,
    T_TOWN,
    TOWNS_PER_COUNTY,
    block_positions,
)
from govreport.core.errors import ParameterError
from govreport.core.formats import FORMATS, T4_OUTCOMES, T4_ROUTES, CellKey
from govreport.core.values import Mark

if TYPE_CHECKING:  # pragma: no cover
    from govreport.analysis.synth import SynthParams


#: Bump when the generated data changes for the same arguments.
GENERATOR_VERSION = 1


@dataclass
class Expected:
    agency_id: str
    year: int
    rules: tuple[str, ...]
    perturbation: str



class Generator:
    """Generates every array of a synthetic dataset. Streams (``SeedSequence.spawn``) are fixed per
    component, so that e.g. ``broken`` or ``narratives`` never change the rest of the data."""

    def __init__(self, p: SynthParams) -> None:
        self.p = p
        ss = np.random.SeedSequence([GENERATOR_VERSION, p.seed])
        names = ("agencies", "profile", "formats", "t3", "t4", "t2", "fee", "proactive", "dates", "text", "broken")
        self.rng = dict(zip(names, (np.random.default_rng(s) for s in ss.spawn(len(names))), strict=True))
        self.years = np.array(p.years, dtype=np.int64)
        self._agencies()
        self._reports()
        self._profile()
        self._formats()
        self._table3()
        self._table4()
        self._table2()
        self._fee()
        self._proactive()
        self._dates()
        self.expected: list[Expected] = []
        self.broken_at: dict[int, str] = {}
        if p.broken:
            self._break(p.broken)

    # -------------------------------------------------------------------------------- agencies

    def _agencies(self) -> None:
        n = self.p.agencies
        rng = self.rng["agencies"]
        per_county = 1 + DEPTS_PER_LEVEL[L_COUNTY] + TOWNS_PER_COUNTY + len(INSTITUTIONS)
        per_pref = 1 + DEPTS_PER_LEVEL[L_PREF] + COUNTIES_PER_PREF * per_county
        target = int(n * 1.25) + 50
        n_pref_total = -(-target // per_pref)
        n_prov = min(9, max(1, -(-n_pref_total // 12)))
        n_pref = -(-n_pref_total // n_prov)
        # The pool: every agency of n_prov provinces, in region order.
        rows: list[tuple[int, int, int, int, int, int, int]] = []  # type, level, kind, p, m, c, idx
        for prov in range(1, n_prov + 1):
            rows.append((T_GOV, L_PROV, K_GOV, prov, 0, 0, 0))
            rows.extend((T_DEPT, L_PROV, K_DEPT, prov, 0, 0, d) for d in range(DEPTS_PER_LEVEL[L_PROV]))
            for m in range(1, n_pref + 1):
                rows.append((T_GOV, L_PREF, K_GOV, prov, m, 0, 0))
                rows.extend((T_DEPT, L_PREF, K_DEPT, prov, m, 0, d) for d in range(DEPTS_PER_LEVEL[L_PREF]))
                for c in range(1, COUNTIES_PER_PREF + 1):
                    rows.append((T_GOV, L_COUNTY, K_GOV, prov, m, c, 0))
                    rows.extend((T_DEPT, L_COUNTY, K_DEPT, prov, m, c, d)
                                for d in range(DEPTS_PER_LEVEL[L_COUNTY]))
                    rows.extend((T_TOWN, L_TOWN, K_OTHER, prov, m, c, t) for t in range(1, TOWNS_PER_COUNTY + 1))
                    rows.extend((T_INST, L_COUNTY, K_OTHER, prov, m, c, i) for i in range(len(INSTITUTIONS)))
        pool = np.array(rows, dtype=np.int64)
        pick = np.sort(rng.choice(len(pool), size=n, replace=False))
        a = pool[pick]
        self.a_type, self.a_level, self.a_kind = a[:, 0], a[:, 1], a[:, 2]
        self.a_prov, self.a_pref, self.a_county, self.a_idx = a[:, 3], a[:, 4], a[:, 5], a[:, 6]
        width = max(6, len(str(n)))
        self.agency_ids = [f"synth-{i:0{width}d}" for i in range(1, n + 1)]
        town_kind = rng.random(n) < 0.3  # 街道 rather than 镇
        names, shorts, regions, codes, superiors, govs = [], [], [], [], [], []
        for i in range(n):
            t, lv, prov, m, c, idx = (int(x) for x in (self.a_type[i], self.a_level[i], self.a_prov[i],
                                                       self.a_pref[i], self.a_county[i], self.a_idx[i]))
            prov_name = f"合成示例省{prov}"
            pref_name = f"合成示例市{prov}{m:02d}"
            county_name = f"合成示例县{prov}{m:02d}{c:02d}"
            path = [prov_name] + ([pref_name] if m else []) + ([county_name] if c else [])
            leaf = path[-1]
            gov = f"{leaf}人民政府"
            parent_gov = f"{path[-2]}人民政府" if len(path) > 1 else "国务院"
            if t == T_GOV:
                short, superior = gov, parent_gov
            elif t == T_DEPT:
                dept = DEPARTMENTS[idx][0]
                if lv == L_PROV and dept.endswith("局") and idx < 22:
                    dept = dept[:-1] + "厅"
                short, superior = f"{leaf}{dept}", gov
            elif t == T_TOWN:
                short = f"{leaf}第{idx:02d}街道办事处" if town_kind[i] else f"{leaf}第{idx:02d}镇人民政府"
                superior = gov
            else:
                short, superior = f"{leaf}{INSTITUTIONS[idx]}", gov
            names.append(f"{short}（{SYNTH_NOTE}）")
            shorts.append(short)
            regions.append("/".join(path))
            codes.append(f"9{prov}{m:02d}{c:02d}")
            superiors.append(f"{superior}（{SYNTH_NOTE}）" if superior != "国务院" else superior)
            govs.append(gov)
        self.names, self.shorts, self.regions, self.codes = names, shorts, regions, codes
        self.superiors, self.govs = superiors, govs

    def agencies_frame(self) -> pd.DataFrame:
        n = self.p.agencies
        ids = self.agency_ids
        return pd.DataFrame({
            "agency_id": ids,
            "name": self.names,
            "kind": [KINDS[k] for k in self.a_kind],
            "level": [LEVELS[v] for v in self.a_level],
            "region": self.regions,
            "region_code": self.codes,
            "superior": self.superiors,
            "short_name": self.shorts,
            "address": [f"{r.rsplit('/', 1)[-1]}合成路{i % 97 + 1}号（{SYNTH_NOTE}）"
                        for i, r in enumerate(self.regions)],
            "postcode": [f"9{c[1:]}" for c in self.codes],
            "phone": [f"0000-{i:07d}" for i in range(1, n + 1)],
            "fax": [""] * n,
            "email": [f"{a}@example.invalid" for a in ids],
            "office": [f"{s}办公室" if not s.endswith("办公室") else s for s in self.shorts],
        })

    # -------------------------------------------------------------------------------- reports

    def _reports(self) -> None:
        n, y = self.p.agencies, len(self.years)
        self.n_reports = n * y
        self.r_agency = np.repeat(np.arange(n), y)
        self.r_year = np.tile(self.years, n)
        self.r_yi = np.tile(np.arange(y), n)  # index of the year in self.years
        # previous report of the same agency in the consecutive year, or -1
        prev = np.arange(self.n_reports) - 1
        ok = (self.r_yi > 0) & (np.concatenate([[0], np.diff(self.r_year)]) == 1)
        self.r_prev = np.where(ok, prev, -1)

    def _profile(self) -> None:
        """Per-agency scales and powers (stable across years)."""
        rng = self.rng["profile"]
        n = self.p.agencies
        scale = np.array([SCALE[(int(t), int(lv))] for t, lv in zip(self.a_type, self.a_level, strict=True)])
        noise = rng.lognormal(0.0, 0.8, size=n)
        never = rng.random(n) < np.where(np.isin(self.a_type, (T_TOWN, T_INST)) | (self.a_level == L_COUNTY),
                                         0.35, 0.08)
        self.apps_scale = np.where(never, 0.0, scale[:, 0] * noise)
        self.proactive_scale = scale[:, 1] * rng.lognormal(0.0, 0.6, size=n)
        self.decision_scale = scale[:, 2] * rng.lognormal(0.0, 1.0, size=n)
        self.normative_scale = scale[:, 3] * rng.lognormal(0.0, 0.5, size=n)
        dept = np.clip(self.a_idx, 0, len(DEPARTMENTS) - 1)
        lic = np.array([d[1] for d in DEPARTMENTS])[dept]
        pen = np.array([d[2] for d in DEPARTMENTS])[dept]
        fee = np.array([d[3] for d in DEPARTMENTS])[dept]
        is_dept, is_gov = self.a_type == T_DEPT, self.a_type == T_GOV
        u = rng.random((n, 6))
        self.power_reg = is_gov & np.isin(self.a_level, (L_PROV, L_PREF))
        self.power_norm = (is_gov & ((self.a_level != L_TOWN) | (u[:, 0] < 0.5))) | (is_dept & (u[:, 0] < 0.85)) \
            | ((self.a_type == T_TOWN) & (u[:, 0] < 0.4)) | ((self.a_type == T_INST) & (u[:, 0] < 0.2))
        self.power_lic = (is_dept & lic) | (is_gov & (u[:, 1] < 0.5)) | (~is_dept & ~is_gov & (u[:, 1] < 0.3))
        self.power_pen = (is_dept & pen) | (is_gov & (u[:, 2] < 0.3)) | ((self.a_type == T_TOWN) & (u[:, 2] < 0.5))
        self.power_fee = (is_dept & fee) | ((self.a_type == T_INST) & (u[:, 3] < 0.5))
        # how an agency without a power fills the row: 不适用 (most) or zeros
        self.na_style = rng.random((n, 5)) < 0.7
        self.states_fee = rng.random(n) < 0.7  # 2021 on: states its 信息处理费 figures
        self.cf_rate = rng.uniform(0.0, 0.1, size=n)

    def _formats(self) -> None:
        rng = self.rng["formats"]
        R = self.n_reports
        fmt = np.where(self.r_year <= 2020, F2019, F2021)
        big = R >= MIN_FOR_UNUSUAL
        order = rng.permutation(R)
        # narrative-only reports, then hybrids among the 2021 reports, from one permutation (disjoint)
        k_none = max(int(big), round(NARRATIVE_ONLY_RATE * R))
        none_idx = order[:k_none]
        fmt[none_idx] = FNONE
        rest = order[k_none:]
        cand = rest[(self.r_year[rest] == 2021) & (fmt[rest] == F2021)]
        if len(cand) == 0:
            cand = rest[(self.r_year[rest] >= 2021) & (fmt[rest] == F2021)]
        k_hyb = min(len(cand), max(int(big), round(HYBRID_RATE * np.sum(self.r_year >= 2021))))
        fmt[cand[:k_hyb]] = FHYBRID
        self.fmt = fmt
        self.t3_version = np.where((fmt == F2019) | (fmt == FHYBRID) | ((fmt == FNONE) & (self.r_year <= 2020)), 0, 1)
        self.t2_version = np.where(fmt == F2019, 0, 1)  # hybrid: 2021 table 2
        order2 = rng.permutation(R)
        normal = order2[fmt[order2] != FNONE]
        k_cut = max(int(big), round(CUTOFF_RATE * R))
        self.cutoff = np.zeros(R, dtype=bool)
        self.cutoff[normal[:k_cut]] = True
        k_nop = max(int(big), round(NO_PERIOD_RATE * R))
        self.no_period = np.zeros(R, dtype=bool)
        self.no_period[normal[k_cut:k_cut + k_nop]] = True

    # -------------------------------------------------------------------------------- table 3

    def _table3(self) -> None:
        rng = self.rng["t3"]
        n, R = self.p.agencies, self.n_reports
        ny = len(self.years)
        t3 = np.zeros((R, len(T3_ROWS_2021), len(T3_COLS)), dtype=np.int64)
        ap = np.array([APPLICANT_P[int(t)] for t in range(4)])
        ap = ap / ap.sum(axis=1, keepdims=True)
        none = self.fmt == FNONE
        for yi, year in enumerate(self.years):
            r = np.arange(n) * ny + yi
            lam = self.apps_scale * (1.0 + 0.06 * (year - 2019)) * rng.lognormal(0.0, 0.3, size=n)
            new_total = rng.poisson(lam)
            new = np.zeros((n, 6), dtype=np.int64)
            for t in range(4):
                m = self.a_type == t
                if m.any():
                    new[m] = rng.multinomial(new_total[m], ap[t])
            first = yi == 0 or year - self.years[yi - 1] != 1
            co = rng.binomial(new, 0.03) if first else t3[r - 1, R_CF, :6]  # carried over from last year (R10)
            # narrative-only reports state no carry-over: their year and the one before carry nothing
            nxt = np.zeros(n, dtype=bool)
            if yi + 1 < ny:
                nxt = none[r + 1]
            co = np.where(none[r][:, None], 0, co)
            avail = new + co
            cf = rng.binomial(avail, self.cf_rate[:, None])
            cf = np.where((none[r] | nxt)[:, None], 0, cf)
            handled = avail - cf
            mix = rng.dirichlet(OUTCOME_P * 60.0, size=n)
            outcomes = rng.multinomial(handled, mix[:, None, :])  # (n, 6, 19)
            block = t3[r]
            block[:, R_NEW, :6] = new
            block[:, R_CO, :6] = co
            block[:, 2:2 + len(OUTCOMES), :6] = outcomes.transpose(0, 2, 1)
            block[:, R_TOTAL, :6] = handled
            block[:, R_CF, :6] = cf
            block[:, :, C_TOT] = block[:, :, :6].sum(axis=2)
            t3[r] = block
        self.t3 = t3

    # -------------------------------------------------------------------------------- table 4

    def _table4(self) -> None:
        rng = self.rng["t4"]
        R = self.n_reports
        apps = self.t3[:, R_NEW, C_TOT].astype(float)
        gov = (self.a_type == T_GOV)[self.r_agency]
        lam = {"review": 0.02 * apps + 0.1 * gov, "direct": 0.012 * apps + 0.05 * gov, "after_review": 0.004 * apps}
        t4 = np.zeros((R, 3, 5), dtype=np.int64)  # route × (maintained, corrected, other, pending, total)
        for i, route in enumerate(T4_ROUTES):
            total = rng.poisson(lam[route])
            t4[:, i, :4] = rng.multinomial(total, T4_P)
            t4[:, i, 4] = total
        self.t4 = t4

    # -------------------------------------------------------------------------------- table 2

    def _rows_mark(self, power: np.ndarray, style_col: int, shape: tuple[int, ...]) -> np.ndarray:
        """VALUE where the agency has the power; else 不适用 or 0 by the agency's style."""
        ag, R = self.r_agency, self.n_reports
        no = ~power[ag] & self.na_style[ag, style_col]
        mark = np.where(no, Mark.NA, Mark.VALUE).astype(np.int8)
        return np.broadcast_to(mark.reshape((R,) + (1,) * len(shape)), (R, *shape)).copy()

    def _zero_if_no_power(self, v: np.ndarray, power: np.ndarray) -> np.ndarray:
        return np.where(power[self.r_agency].reshape((self.n_reports,) + (1,) * (v.ndim - 1)), v, 0)

    def _table2_stocks(self, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Table 2 (一) of both versions: values and marks of 2021 and of 2019, continuous across years."""
        n, R, ny = self.p.agencies, self.n_reports, len(self.years)
        # stocks evolve per agency; regulations (规章) and normative documents
        reg_stock0 = rng.poisson(np.where(self.a_level == L_PROV, 60, 20) * self.power_reg)
        norm_stock0 = rng.poisson(self.normative_scale * self.power_norm)
        # ---- 2021 t2a: issued, repealed, in_force (R11 continuity over consecutive 2021-format years)
        t2a21 = np.zeros((R, 2, 3), dtype=np.int64)
        stock = np.stack([reg_stock0, norm_stock0], axis=1)  # (n, 2)
        issue_rate = np.stack([np.where(self.a_level == L_PROV, 4.0, 1.5) * self.power_reg,
                               self.normative_scale * 0.12 * self.power_norm + 0.3 * self.power_norm], axis=1)
        for yi in range(ny):
            r = np.arange(n) * ny + yi
            issued = rng.poisson(issue_rate)
            repealed = rng.binomial(stock, 0.05)
            stock = stock + issued - repealed
            t2a21[r, :, 0], t2a21[r, :, 1], t2a21[r, :, 2] = issued, repealed, stock
        powers = (self.power_reg, self.power_norm)
        m2a21 = np.stack([self._rows_mark(powers[i], 0 if i == 0 else 1, (3,)) for i in range(2)], axis=1)
        t2a21 = np.stack([self._zero_if_no_power(t2a21[:, i], powers[i]) for i in range(2)], axis=1)
        # ---- 2019 t2a: new_made, new_published, total_published (cumulative; R12b)
        t2a19 = np.zeros((R, 2, 3), dtype=np.int64)
        pub = np.stack([reg_stock0, norm_stock0], axis=1)
        for yi in range(ny):
            r = np.arange(n) * ny + yi
            made = rng.poisson(issue_rate)
            published = rng.binomial(made, 0.95)
            pub = pub + published
            t2a19[r, :, 0], t2a19[r, :, 1], t2a19[r, :, 2] = made, published, pub
        m2a19 = m2a21.copy()
        t2a19 = np.stack([self._zero_if_no_power(t2a19[:, i], powers[i]) for i in range(2)], axis=1)
        return t2a21, m2a21, t2a19, m2a19

    def _items_block(self, rng: np.random.Generator, power: np.ndarray, base: float,
                     decisions: np.ndarray | None) -> np.ndarray:
        """2019 t2b/t2c/t2d rows: prev_items, delta_items (R12 continuity) and the decisions."""
        n, R, ny = self.p.agencies, self.n_reports, len(self.years)
        out = np.zeros((R, 3 if decisions is not None else 2), dtype=np.int64)
        items = rng.poisson(base * (0.5 + self.decision_scale / self.decision_scale.mean()) * power)
        for yi in range(ny):
            r = np.arange(n) * ny + yi
            lo = -np.minimum(items, 3)
            delta = rng.integers(lo, 5)
            out[r, 0], out[r, 1] = items, delta
            items = items + delta
        if decisions is not None:
            out[:, 2] = decisions
        return np.where(power[self.r_agency][:, None], out, 0)

    def _table2(self) -> None:
        """Table 2 blocks as (R, rows, cols) values and marks, per version; continuity across years."""
        rng = self.rng["t2"]
        R = self.n_reports
        ag = self.r_agency
        VAL, NA = Mark.VALUE, Mark.NA
        rows_mark, items_block = self._rows_mark, self._items_block
        t2a21, m2a21, t2a19, m2a19 = self._table2_stocks(rng)
        # ---- decisions (licensing, penalty, coercion)
        dec = self.decision_scale[ag] * (1.0 + 0.04 * (self.r_year - 2019))
        lic_dec = rng.poisson(dec)
        other_dec = rng.poisson(dec * 0.3)
        pen_dec = rng.poisson(dec * 0.4)
        coe_dec = rng.poisson(dec * 0.05)
        # ---- 2019 t2b/t2c/t2d: prev_items, delta_items (R12 continuity), decisions
        t2b19 = np.stack([items_block(rng, self.power_lic, 20.0, lic_dec),
                          items_block(rng, self.power_lic & (self.a_type != T_TOWN), 8.0, other_dec)], axis=1)
        m2b19 = np.stack([rows_mark(self.power_lic, 2, (3,)),
                          rows_mark(self.power_lic & (self.a_type != T_TOWN), 2, (3,))], axis=1)
        t2c19 = np.stack([items_block(rng, self.power_pen, 30.0, pen_dec),
                          items_block(rng, self.power_pen, 5.0, coe_dec)], axis=1)
        m2c19 = np.stack([rows_mark(self.power_pen, 3, (3,))] * 2, axis=1)
        t2d19 = items_block(rng, self.power_fee, 4.0, None)[:, None, :]
        m2d19 = rows_mark(self.power_fee, 4, (1, 2))
        # ---- 2019 t2e: central procurement (projects, amount 万元); often blank
        projects = rng.poisson(np.maximum(self.proactive_scale[ag] / 100.0, 1.0))
        amount = np.round(projects * rng.uniform(2.0, 60.0, size=R), 2)
        t2e19 = np.stack([projects, amount], axis=1)[:, None, :].astype(float)
        m2e19 = np.full((R, 1, 2), VAL, dtype=np.int8)
        e_blank = rng.random(R) < np.where((self.a_type == T_TOWN)[ag], 0.4, 0.15)
        # ---- 2021 t2b/t2c/t2d
        t2b21 = np.where(self.power_lic[ag], lic_dec, 0)[:, None, None].astype(float)
        m2b21 = rows_mark(self.power_lic, 2, (1, 1))
        t2c21 = np.stack([np.where(self.power_pen[ag], pen_dec, 0), np.where(self.power_pen[ag], coe_dec, 0)],
                         axis=1)[:, :, None].astype(float)
        m2c21 = rows_mark(self.power_pen, 3, (2, 1))
        fees = np.round(rng.lognormal(3.0, 1.5, size=R), 2) * (rng.random(R) < 0.8)
        t2d21 = np.where(self.power_fee[ag], fees, 0.0)[:, None, None]
        m2d21 = rows_mark(self.power_fee, 4, (1, 1))
        # a few blank decision/amount cells (no rule needs them)
        blank21 = rng.random((R, 4)) < 0.02
        m2b21[blank21[:, 0] & (m2b21[:, 0, 0] == VAL), 0, 0] = Mark.BLANK
        m2c21[blank21[:, 1] & (m2c21[:, 0, 0] == VAL), 0, 0] = Mark.BLANK
        m2d21[blank21[:, 2] & (m2d21[:, 0, 0] == VAL), 0, 0] = Mark.BLANK
        m2e19[e_blank] = Mark.BLANK
        m2e19[~e_blank & (rng.random(R) < 0.05)] = NA
        self.t2 = {
            ("2021", "t2a"): (t2a21.astype(float), m2a21),
            ("2021", "t2b"): (t2b21, m2b21),
            ("2021", "t2c"): (t2c21, m2c21),
            ("2021", "t2d"): (t2d21, m2d21),
            ("2019", "t2a"): (t2a19.astype(float), m2a19),
            ("2019", "t2b"): (t2b19.astype(float), m2b19),
            ("2019", "t2c"): (t2c19.astype(float), m2c19),
            ("2019", "t2d"): (t2d19.astype(float), m2d19),
            ("2019", "t2e"): (t2e19, m2e19),
        }

    # -------------------------------------------------------------------------------- 信息处理费

    def _fee(self) -> None:
        rng = self.rng["fee"]
        R = self.n_reports
        apps = self.t3[:, R_NEW, C_TOT]
        notices = rng.binomial(apps, 0.01)
        billed = np.round(notices * rng.uniform(20.0, 300.0, size=R), 2)
        collected = np.where(rng.random(R) < 0.7, billed, 0.0)
        self.fee = np.stack([notices.astype(float), billed, collected], axis=1)[:, None, :]
        self.fee_present = (self.r_year >= 2021) & (self.fmt != FNONE) & self.states_fee[self.r_agency]

    # -------------------------------------------------------------------------------- 主动公开

    def _proactive(self) -> None:
        rng = self.rng["proactive"]
        n, R = self.p.agencies, self.n_reports
        ag = self.r_agency
        S = len(CHANNEL_SLOTS)
        lv, t = self.a_level, self.a_type
        high = lv <= L_PREF
        p_slot = np.zeros((n, S))
        p_slot[:, 0] = 1.0  # website
        p_slot[:, 1] = np.where(t == T_TOWN, 0.5, 0.75)  # wechat
        p_slot[:, 2] = np.where(high, 0.4, 0.12)  # weibo
        p_slot[:, 3] = np.where(high, 0.2, 0.08)  # short video
        p_slot[:, 4] = 0.05  # new media (unspecified)
        p_slot[:, 5] = np.where(np.isin(t, (T_TOWN, T_INST)), 0.45, 0.1)  # service platform
        p_slot[:, 6] = np.where(lv >= L_COUNTY, 0.5, 0.1)  # notice board
        p_slot[:, 7] = np.where(lv >= L_COUNTY, 0.08, 0.03)  # electronic screen
        p_slot[:, 8] = np.where((t == T_GOV) & high, 0.8, 0.0)  # gazette (期)
        p_slot[:, 9] = np.where(t == T_GOV, 0.4, 0.0)  # press events (场)
        slots = rng.random((n, S)) < p_slot
        self.a_label_choice = rng.integers(0, 1 << 30, size=(n, S))
        self.a_host_own = (t == T_GOV) | (lv <= L_PREF) | (rng.random(n) < 0.2)
        has_breakdown = rng.random(n) < 0.8
        overlap_style = rng.choice(3, size=n, p=(0.75, 0.15, 0.10))  # 0 no, 1 yes, 2 not stated
        qualified = rng.random(n) < 0.05  # writes N余条
        # per report
        total = rng.poisson(self.proactive_scale[ag] * (1.0 + 0.05 * (self.r_year - 2019)))
        total = np.maximum(total, 8)
        states_total = np.where(has_breakdown[ag], rng.random(R) < 0.97, rng.random(R) < 0.5)
        with_channels = states_total & has_breakdown[ag]
        present = slots[ag] & with_channels[:, None]
        item = present & S_ITEM
        w = rng.gamma(1.2, 1.0, size=(R, S)) * item
        w[:, 0] += 1.0 * item[:, 0]  # the website usually carries most
        wsum = w.sum(axis=1, keepdims=True)
        p = w / np.where(wsum > 0, wsum, 1.0)
        # numpy gives the last category whatever probability is left: put the website last
        order = [s for s in range(S) if s != S_WEBSITE] + [S_WEBSITE]
        split = np.zeros((R, S), dtype=np.int64)
        split[:, order] = rng.multinomial(total, p[:, order])
        overlap = overlap_style[ag]
        # overlapping channels: the website carries everything, others carry part of it again
        again = rng.binomial(total[:, None], rng.uniform(0.3, 1.0, size=(R, S)))
        vals = np.where((overlap == 1)[:, None], np.where(np.arange(S) == 0, total[:, None], again), split)
        vals = np.where(item, vals, 0)
        # overlap not stated: only when the channels add up exactly (no finding either way)
        # qualified reports: round channels down to 10s (100s above 1000), total = their sum, all 余
        qual = qualified[ag] & (overlap != 1) & with_channels
        step = np.where(vals >= 1000, 100, 10)
        rounded = np.where(vals >= 10, vals // step * step, vals)
        vals = np.where(qual[:, None], rounded, vals)
        total = np.where(qual & with_channels, np.where(item, vals, 0).sum(axis=1), total)
        # drop item channels with no items (a report does not list them)
        present = present & ~(item & (vals == 0))
        vals = np.where(present & ~item, 0, vals)
        gazette = rng.integers(4, 25, size=R)
        press = rng.integers(1, 15, size=R)
        vals[:, S_GAZETTE] = np.where(present[:, S_GAZETTE], gazette, 0)
        vals[:, S_PRESS] = np.where(present[:, S_PRESS], press, 0)
        # a report whose listed channels are all dropped has no breakdown
        with_channels = with_channels & present.any(axis=1)
        self.c_present, self.c_vals = present, vals
        self.c_qual = qual & with_channels
        self.p_total = total
        self.p_states_total = states_total
        self.p_with_channels = with_channels
        self.p_overlap = np.where(with_channels, overlap, -1)  # -1: no channels, overlap not written
        self.p_qual = self.c_qual
        # content categories: some reports split the same total by 栏目
        K = len(CATEGORY_SLOTS)
        cat_rep = states_total & (rng.random(R) < np.where(has_breakdown[ag], 0.2, 0.1))
        cat_slots = (rng.random((R, K)) < 0.6) & cat_rep[:, None]
        cat_slots[:, -1] |= cat_rep  # 其他信息 takes the rest
        cw = rng.gamma(1.0, 1.0, size=(R, K)) * cat_slots
        cws = cw.sum(axis=1, keepdims=True)
        cp = cw / np.where(cws > 0, cws, 1.0)  # 其他信息 (last) takes what is left
        cvals = rng.multinomial(total, cp)
        self.k_present = cat_slots & (cvals > 0)
        self.k_vals = cvals

    # -------------------------------------------------------------------------------- dates

    def _dates(self) -> None:
        rng = self.rng["dates"]
        R = self.n_reports
        kind = self.a_kind[self.r_agency]
        # publication: department/other by 31 Jan (day 9–30 of January), government by 31 Mar
        last = np.where(kind == K_GOV, 89, 30)
        offset = rng.integers(9, last + 1)
        self.published = rng.random(R) < 0.7
        self.pub_offset = offset
        self.cutoff_day = rng.integers(20, 31, size=R)  # 20–30 Dec

    def published_dates(self) -> np.ndarray:
        jan1 = (self.r_year + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        d = jan1 + self.pub_offset.astype("timedelta64[D]")
        return np.where(self.published, d, np.datetime64("NaT"))

    # -------------------------------------------------------------------------------- broken reports

    def _break(self, k: int) -> None:
        """Perturb ``k`` reports (one per agency) so that each triggers a known set of rules."""
        rng = self.rng["broken"]
        normal = (self.fmt != FNONE) & (self.fmt != FHYBRID) & ~self.cutoff & ~self.no_period
        cand = rng.permutation(np.flatnonzero(normal))
        used_agency: set[int] = set()
        kinds = list(PERTURBATIONS)
        i = 0
        picked = 0
        attempts_without_success = 0
        while picked < k:
            kind = kinds[i % len(kinds)]
            i += 1
            found = -1
            for r in cand:
                r = int(r)
                if int(self.r_agency[r]) in used_agency or r in self.broken_at:
                    continue
                if PERTURBATIONS[kind][0](self, r):
                    found = r
                    break
            if found < 0:
                attempts_without_success += 1
                if attempts_without_success >= len(kinds):
                    raise ParameterError(
                        f"无法生成 {k} 份不一致的报告：这个数据集只有 {picked} 份可用的报告（每个单位一份）",
                        hint="减少 --broken 的份数，或增加 --agencies")
                continue
            attempts_without_success = 0
            d = int(rng.integers(1, 6))
            rules, text = PERTURBATIONS[kind][1](self, found, d)
            self.broken_at[found] = f"{text}；预期检查结果：{'、'.join(rules)}"
            used_agency.add(int(self.r_agency[found]))
            self.expected.append(Expected(self.agency_ids[int(self.r_agency[found])], int(self.r_year[found]),
                                          tuple(sorted(rules)), text))
            picked += 1
        self.expected.sort(key=lambda e: (e.agency_id, e.year))

    # -------------------------------------------------------------------------------- frames

    def reports_frame(self) -> pd.DataFrame:
        R = self.n_reports
        years = self.r_year
        jan1 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]")
        dec31 = (years + 1 - 1970).astype("datetime64[Y]").astype("datetime64[D]") - np.timedelta64(1, "D")
        nat = np.datetime64("NaT")
        start = np.where(self.no_period, nat, jan1)
        end = np.where(self.no_period, nat, dec31)
        cutoff = np.where(self.cutoff, dec31 - (31 - self.cutoff_day).astype("timedelta64[D]"), nat)
        total = np.where(self.p_states_total, self.p_total, np.nan).astype(float)
        total_mark = np.where(self.p_states_total, Mark.VALUE, Mark.BLANK).astype(np.int8)
        overlap = pd.array(np.where(self.p_overlap == 0, False, True), dtype="boolean")
        overlap[(self.p_overlap == -1) | (self.p_overlap == 2)] = pd.NA
        notes = np.array([SYNTH_NOTE] * R, dtype=object)
        flags = {
            "none": f"{SYNTH_NOTE}；纯文字报告，未使用统一表格（预期警告 F1）",
            "hybrid": f"{SYNTH_NOTE}；混用格式：表二用2021年格式，表三、表四沿用2019年试行格式（预期警告 F2）",
            "cutoff": f"{SYNTH_NOTE}；主动公开等数据统计至12月下旬（预期警告 P2）",
            "no_period": f"{SYNTH_NOTE}；报告未载明统计期限（预期提示 P4）",
        }
        for key, mask in (("none", self.fmt == FNONE), ("hybrid", self.fmt == FHYBRID), ("cutoff", self.cutoff),
                          ("no_period", self.no_period)):
            extra = flags[key].removeprefix(SYNTH_NOTE)
            notes[mask] = [n + extra for n in notes[mask]]
        for r, text in self.broken_at.items():
            notes[r] = f"{SYNTH_NOTE}；故意制造的不一致：{text}"
        unit = np.where(self.p_states_total | self.p_with_channels, "条", "")
        source = f"合成数据，非真实报告（govreport synth，种子 {self.p.seed}）"
        return pd.DataFrame({
            "agency_id": np.array(self.agency_ids, dtype=object)[self.r_agency],
            "year": years.astype(np.int16),
            "format": np.array(FORMAT_TEXT, dtype=object)[self.fmt],
            "period_start": pd.to_datetime(start).astype("datetime64[s]"),
            "period_end": pd.to_datetime(end).astype("datetime64[s]"),
            "data_cutoff": pd.to_datetime(cutoff).astype("datetime64[s]"),
            "published": pd.to_datetime(self.published_dates()).astype("datetime64[s]"),
            "proactive_total": total,
            "proactive_total_mark": total_mark,
            "proactive_qualifier": np.where(self.p_qual & self.p_states_total, "余", ""),
            "proactive_unit": unit,
            "channels_overlap": overlap,
            "source": [source] * R,
            "notes": notes,
        })

    def channel_label(self, a: int, slot: int) -> str:
        """The channel as the agency's reports write it (the same label every year)."""
        variants = CHANNEL_SLOTS[slot][2]
        v = variants[int(self.a_label_choice[a, slot]) % len(variants)]
        gov = self.govs[a]
        if slot == S_WEBSITE:  # its own site, or the site of the government it belongs to
            gov = self.shorts[a] if self.a_host_own[a] else self.superiors[a].removesuffix(f"（{SYNTH_NOTE}）")
        return v.format(gov=gov, short=self.shorts[a])

    def channels_frame(self) -> pd.DataFrame:
        r, s = np.nonzero(self.c_present)
        ag = self.r_agency[r]
        seq = _seq_within(r)
        cache: dict[tuple[int, int], str] = {}
        labels = [cache[k] if k in cache else cache.setdefault(k, self.channel_label(*k))
                  for k in zip(ag.tolist(), s.tolist(), strict=True)]
        host = np.where(s == S_WEBSITE, np.where(self.a_host_own[ag], "own", "superior"), "")
        account = np.where(s == 1, np.array(self.shorts, dtype=object)[ag], "")
        account = np.where([("“" in lab) and slot == 1 for lab, slot in zip(labels, s.tolist(), strict=True)],
                           account, "")
        units = np.array([u for _, u, _ in CHANNEL_SLOTS], dtype=object)[s]
        qual = np.where(self.c_qual[r] & S_ITEM[s], "余", "")
        return pd.DataFrame({
            "agency_id": np.array(self.agency_ids, dtype=object)[ag],
            "year": self.r_year[r].astype(np.int16),
            "seq": seq.astype(np.int32),
            "channel": np.array([c for c, _, _ in CHANNEL_SLOTS], dtype=object)[s],
            "label": labels,
            "value": self.c_vals[r, s].astype(float),
            "value_mark": np.zeros(len(r), dtype=np.int8),
            "qualifier": qual,
            "unit": units,
            "host": host,
            "account": account,
            "note": "",
        })

    def categories_frame(self) -> pd.DataFrame:
        r, s = np.nonzero(self.k_present)
        return pd.DataFrame({
            "agency_id": np.array(self.agency_ids, dtype=object)[self.r_agency[r]],
            "year": self.r_year[r].astype(np.int16),
            "seq": _seq_within(r).astype(np.int32),
            "category": np.array([c for c, _ in CATEGORY_SLOTS], dtype=object)[s],
            "label": np.array([lab for _, lab in CATEGORY_SLOTS], dtype=object)[s],
            "value": self.k_vals[r, s].astype(float),
            "value_mark": np.zeros(len(r), dtype=np.int8),
            "qualifier": "",
            "unit": "条",
            "note": "",
        })

    # -------------------------------------------------------------------------------- cells

    def cell_block(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[tuple[int, int], str]]:
        """Values, marks and presence of every data cell for reports ``lo:hi`` (rows) in catalog order
        (columns), plus the notes of cells that have one."""
        m = hi - lo
        vals = np.zeros((m, N_CELLS))
        marks = np.zeros((m, N_CELLS), dtype=np.int8)
        present = np.zeros((m, N_CELLS), dtype=bool)
        rows = np.arange(lo, hi)
        fmt = self.fmt[rows]
        full = fmt != FNONE
        # table 3
        for vi, version, t3rows in ((0, "2019", T3_ROWS_2019), (1, "2021", T3_ROWS_2021)):
            sel = np.flatnonzero(full & (self.t3_version[rows] == vi))
            if len(sel) == 0:
                continue
            block = self.t3[rows[sel]]
            if version == "2019":
                other = block[:, R_OH, :].sum(axis=1)
                block = np.concatenate([block[:, :R_OH[0], :], other[:, None, :], block[:, R_OH[-1] + 1:, :]], axis=1)
            pos = block_positions(version, "t3", t3rows, T3_COLS)
            _put(vals, present, sel, pos, block)
            pos4 = block_positions(version, "t4", ["value"],
                         [f"{route}_{o}" for route in T4_ROUTES for o in (*T4_OUTCOMES, "total")])
            _put(vals, present, sel, pos4, self.t4[rows[sel]].reshape(len(sel), 1, 15))
        # table 2
        for (version, table), (v, mk) in self.t2.items():
            vi = 0 if version == "2019" else 1
            sel = np.flatnonzero(full & (self.t2_version[rows] == vi))
            if len(sel) == 0:
                continue
            spec = FORMATS[version].table(table)
            pos = block_positions(version, table, [r.id for r in spec.data_rows], [c.id for c in spec.data_columns])
            _put(vals, present, sel, pos, v[rows[sel]], mk[rows[sel]], marks)
        # 信息处理费
        sel = np.flatnonzero(self.fee_present[rows])
        if len(sel):
            pos = block_positions("2021", "fee", ["processing_fee"], ["notices", "billed", "collected"])
            _put(vals, present, sel, pos, self.fee[rows[sel]])
        # narrative-only reports: the figures their text states, with a note (like the seed)
        notes: dict[tuple[int, int], str] = {}
        for i in np.flatnonzero(~full).tolist():
            r = lo + i
            version = "2019" if self.t3_version[r] == 0 else "2021"
            new = int(self.t3[r, R_NEW, C_TOT])
            t3_note = "正文三：本年度未收到政府信息公开申请" if new == 0 else \
                f"正文三：本年度共收到政府信息公开申请{new}件，均已办结"
            for row in ("new_received", "results_total"):
                j = CELL_POS[CellKey(version, "t3", row, "total")]
                vals[i, j], present[i, j] = new, True
                notes[(i, j)] = t3_note
            for route in T4_ROUTES:
                j = CELL_POS[CellKey(version, "t4", "value", f"{route}_total")]
                vals[i, j], present[i, j] = self.t4[r, T4_ROUTES.index(route), 4], True
                notes[(i, j)] = "正文四：政府信息公开行政复议、行政诉讼情况见正文"
        present &= marks != Mark.BLANK
        return vals, marks, present, notes


def _seq_within(r: np.ndarray) -> np.ndarray:
    """1, 2, … within runs of equal (sorted) ``r``."""
    if len(r) == 0:
        return np.zeros(0, dtype=np.int64)
    start = np.ones(len(r), dtype=bool)
    start[1:] = r[1:] != r[:-1]
    idx = np.arange(len(r))
    first = np.maximum.accumulate(np.where(start, idx, 0))
    return idx - first + 1


def _put(vals: np.ndarray, present: np.ndarray, sel: np.ndarray, pos: np.ndarray, block: np.ndarray,
         block_marks: np.ndarray | None = None, marks: np.ndarray | None = None) -> None:
    """Scatter a (len(sel), rows, cols) block into the cell matrix at positions ``pos`` (rows, cols)."""
    flat = pos.reshape(-1)
    vals[sel[:, None], flat[None, :]] = block.reshape(len(sel), -1)
    present[sel[:, None], flat[None, :]] = True
    if block_marks is not None and marks is not None:
        bm = block_marks.reshape(len(sel), -1)
        marks[sel[:, None], flat[None, :]] = bm
        vals[sel[:, None], flat[None, :]] = np.where(bm == Mark.VALUE, vals[sel[:, None], flat[None, :]], np.nan)
