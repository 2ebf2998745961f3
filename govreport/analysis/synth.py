"""Synthetic datasets: many agency-years that look like real ones, clearly labelled as made up.

``write_dataset(out, agencies=N, years=(A, B), seed=S)`` writes a dataset directory in the layout of
``data/`` (see :mod:`govreport.core.schema`) that ``govreport check`` accepts without an error finding.
It feeds property tests and the benchmark in ``bench/``; it never writes into a non-synthetic dataset.

What makes it realistic:

* agencies of every kind and level (province/prefecture/county governments, their departments,
  township governments, public institutions) in made-up regions (合成示例省1/合成示例市103/…), named so
  that nobody can mistake them for real ones (“合成示例县10307民政局（合成数据）”, ids ``synth-000001``);
* the table format of the year (2019 trial tables for 2019–2020, 2021 tables from 2021), Table 3
  consistent by R1–R4 (2019: single （六） row; 2021: its three sub-rows), Table 4 by R6–R8;
* continuity across years: R10 (上年结转 = last year's 结转下年度), R11 (现行有效件数), R12 (上一年项目数量);
* sparsity: most small agencies receive no application (a table of zeros), 不适用 where an agency has no
  such power (规章 for county departments), a few blank cells where no rule needs them;
* the 主动公开 total with channels (website, WeChat, notice board, …) labelled as reports write them,
  overlap flags, qualifiers (余) and units (期 for a gazette stays out of the sum), content categories
  for some reports; publication dates within the Art. 49 deadline;
* Markdown narratives with the six national section headings.

A few reports are deliberately unusual but flagged, each giving one *warning* (never an error):
a data cut-off before 31 Dec (P2), a narrative-only report (format ``none``: F1) and a 2021 report
that still uses the 2019 Table 3/4 (format ``hybrid``: F2). ``SYNTHETIC.txt`` lists their numbers.

``broken=K`` additionally makes K reports inconsistent in known ways and writes ``EXPECTED_FINDINGS.csv``
(agency_id, year, rule, perturbation): exactly the error/warning rules each broken report triggers.
The unbroken reports are identical to those of the dataset without ``broken``.

Speed: everything is generated as numpy arrays (one row per agency, per agency-year, or per table
cell), and ``cells.csv`` is assembled in bulk with pyarrow string kernels: 100,000 agency-years (20 million
cells) take 10–15 s on two shared cores, 17 s with their 100,000 narratives (``bench/README.md``). The
other CSV files go through the canonical writer (:func:`govreport.store.dataset_files.canonical_text`); ``cells.csv``
is byte-identical to what that writer produces (tested).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from govreport.core import schema as layout
from govreport.core.errors import GovreportError, ParameterError
from govreport.core.formats import FORMATS, T4_OUTCOMES, T4_ROUTES, CellKey, cell_catalog
from govreport.core.values import Mark, format_value

#: Bump when the generated data changes for the same arguments.
GENERATOR_VERSION = 1
MAX_AGENCIES = 200_000
FIRST_YEAR = 2019
LAST_YEAR = 2100
EXPECTED_FILE = "EXPECTED_FINDINGS.csv"
MARKER_HEAD = "合成数据（SYNTHETIC DATA）"
SYNTH_NOTE = "合成数据"

# Report formats (codes in the generator; the text is written to reports.csv).
F2019, F2021, FHYBRID, FNONE = 0, 1, 2, 3
FORMAT_TEXT = ("2019", "2021", "hybrid", "none")

# Rates of the flagged unusual reports (each gives one warning). At least one of each when the dataset
# has ``_MIN_FOR_UNUSUAL`` agency-years or more, so that tests see them.
CUTOFF_RATE = 0.003
NARRATIVE_ONLY_RATE = 0.002
HYBRID_RATE = 0.004  # of the 2021 reports
NO_PERIOD_RATE = 0.002  # P4 is an info finding
_MIN_FOR_UNUSUAL = 100

# ----------------------------------------------------------------------------------------- agencies

T_GOV, T_DEPT, T_TOWN, T_INST = 0, 1, 2, 3
LEVELS = ("national", "province", "prefecture", "county", "township")
L_PROV, L_PREF, L_COUNTY, L_TOWN = 1, 2, 3, 4
KINDS = ("department", "government", "other")
K_DEPT, K_GOV, K_OTHER = 0, 1, 2

#: (name, has licensing power, has penalty/coercion power, collects administrative fees)
DEPARTMENTS: tuple[tuple[str, bool, bool, bool], ...] = (
    ("民政局", True, False, False),
    ("财政局", False, True, True),
    ("教育局", True, True, False),
    ("公安局", True, True, True),
    ("自然资源局", True, True, True),
    ("生态环境局", True, True, False),
    ("住房和城乡建设局", True, True, True),
    ("交通运输局", True, True, True),
    ("水利局", True, True, True),
    ("农业农村局", True, True, False),
    ("商务局", True, True, False),
    ("文化和旅游局", True, True, False),
    ("卫生健康委员会", True, True, True),
    ("应急管理局", True, True, False),
    ("审计局", False, True, False),
    ("市场监督管理局", True, True, True),
    ("统计局", False, True, False),
    ("医疗保障局", False, True, False),
    ("人力资源和社会保障局", True, True, True),
    ("发展和改革委员会", True, True, False),
    ("司法局", True, True, False),
    ("林业和草原局", True, True, True),
    ("退役军人事务局", False, False, False),
    ("信访局", False, False, False),
    ("体育局", True, True, False),
    ("城市管理局", True, True, True),
    ("行政审批局", True, False, False),
    ("科学技术局", True, False, False),
    ("工业和信息化局", True, True, False),
    ("民族宗教事务局", True, True, False),
    ("国有资产监督管理委员会", False, False, False),
    ("地方金融监督管理局", True, True, False),
    ("粮食和物资储备局", True, True, False),
    ("人民防空办公室", True, True, True),
    ("机关事务管理局", False, False, False),
    ("外事办公室", True, False, False),
    ("政务服务管理局", False, False, False),
    ("能源局", True, True, False),
    ("档案局", False, True, False),
    ("地震局", True, True, False),
)
INSTITUTIONS = ("住房公积金管理中心", "供销合作社联合社")
DEPTS_PER_LEVEL = {L_PROV: 40, L_PREF: 30, L_COUNTY: 25}
TOWNS_PER_COUNTY = 10
COUNTIES_PER_PREF = 8

# Expected yearly counts by (type, level): applications, 主动公开 items, licensing/penalty decisions.
_SCALE = {
    # (type, level): (applications, proactive, decisions, normative-doc stock)
    (T_GOV, L_PROV): (400.0, 20000.0, 3000.0, 300.0),
    (T_GOV, L_PREF): (150.0, 8000.0, 1200.0, 120.0),
    (T_GOV, L_COUNTY): (40.0, 3000.0, 400.0, 60.0),
    (T_DEPT, L_PROV): (50.0, 1500.0, 2500.0, 40.0),
    (T_DEPT, L_PREF): (15.0, 600.0, 900.0, 15.0),
    (T_DEPT, L_COUNTY): (3.0, 250.0, 300.0, 6.0),
    (T_TOWN, L_TOWN): (0.8, 180.0, 20.0, 2.0),
    (T_INST, L_COUNTY): (1.5, 120.0, 150.0, 3.0),
}

# ----------------------------------------------------------------------------------------- table 3

T3_ROWS_2021: tuple[str, ...] = tuple(r.id for r in FORMATS["2021"].table("t3").data_rows)
T3_ROWS_2019: tuple[str, ...] = tuple(r.id for r in FORMATS["2019"].table("t3").data_rows)
T3_COLS: tuple[str, ...] = tuple(c.id for c in FORMATS["2021"].table("t3").data_columns)  # 6 applicants + total
OUTCOMES: tuple[str, ...] = FORMATS["2021"].table("t3").parts("row", "results")  # granted … oh_other (21 rows)
_R = {r: i for i, r in enumerate(T3_ROWS_2021)}
R_NEW, R_CO, R_TOTAL, R_CF = _R["new_received"], _R["carried_over"], _R["results_total"], _R["carried_forward"]
R_GRANTED, R_PARTIAL = _R["granted"], _R["partial"]
R_OH = [_R[k] for k in FORMATS["2021"].table("t3").parts("row", "other_handling")]
C_TOT = len(T3_COLS) - 1

#: share of each applicant column among new applications, by agency type
APPLICANT_P = {
    T_GOV: (0.80, 0.11, 0.006, 0.012, 0.035, 0.037),
    T_DEPT: (0.84, 0.10, 0.005, 0.006, 0.025, 0.024),
    T_TOWN: (0.95, 0.03, 0.0, 0.005, 0.005, 0.01),
    T_INST: (0.90, 0.07, 0.0, 0.005, 0.01, 0.015),
}
#: typical outcome mix (order of OUTCOMES); each report draws its own mix around it
OUTCOME_P = np.array([
    0.42, 0.07,  # 予以公开, 部分公开
    0.003, 0.005, 0.003, 0.012, 0.015, 0.02, 0.005, 0.015,  # 不予公开 1–8
    0.22, 0.03, 0.02,  # 无法提供 1–3
    0.04, 0.025, 0.004, 0.006, 0.01,  # 不予处理 1–5
    0.03, 0.002, 0.04,  # 其他处理 1–3
])
OUTCOME_P = OUTCOME_P / OUTCOME_P.sum()
T4_P = (0.62, 0.12, 0.14, 0.12)

# ----------------------------------------------------------------------------------------- channels

#: channel slots: (channel id, unit, label variants). ``{gov}``: the government whose website it is,
#: ``{short}``: the agency's short name. Labels are written as reports write them.
CHANNEL_SLOTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("website", "条", ("{gov}门户网站", "{gov}政府信息公开专栏", "政府信息公开平台", "门户网站")),
    ("wechat", "条", ("“{short}”微信公众号", "政务微信公众号", "微信公众号")),
    ("weibo", "条", ("政务微博", "“{short}”官方微博")),
    ("short_video", "条", ("抖音号", "视频号")),
    ("new_media", "条", ("政务新媒体",)),
    ("service_platform", "条", ("“三务公开”平台", "便民服务平台", "政务服务平台")),
    ("notice_board", "条", ("政务公开栏", "线下各类公开栏", "村（居）务公示栏")),
    ("electronic_screen", "条", ("电子显示屏",)),
    ("gazette", "期", ("《{gov}公报》",)),
    ("press_event", "场", ("新闻发布会",)),
)
S_WEBSITE, S_GAZETTE, S_PRESS = 0, 8, 9
S_ITEM = np.array([u == "条" for _, u, _ in CHANNEL_SLOTS])

#: content-category slots: (category id, label)
CATEGORY_SLOTS: tuple[tuple[str, str], ...] = (
    ("news", "工作动态"),
    ("notices", "通知公告"),
    ("budget", "财政预决算"),
    ("organisation", "机构职能"),
    ("plans", "规划计划"),
    ("policy_docs", "政策文件"),
    ("interpretation", "政策解读"),
    ("enforcement", "行政许可和行政处罚"),
    ("other", "其他信息"),
)

# ----------------------------------------------------------------------------------------- cells

_CATALOG = cell_catalog()


def _data_cells() -> tuple[list[int], dict[CellKey, int]]:
    """Catalog ids of the cells that can hold data (no group row or column), in catalog order."""
    ids: list[int] = []
    for cid, k in enumerate(_CATALOG):
        spec = FORMATS[k.version].table(k.table)
        if spec.row(k.row).group or spec.column(k.column).group:
            continue
        ids.append(cid)
    pos = {_CATALOG[c]: j for j, c in enumerate(ids)}
    return ids, pos


DATA_CELLS, CELL_POS = _data_cells()
N_CELLS = len(DATA_CELLS)
DECIMAL_CELL = np.array([
    FORMATS[_CATALOG[c].version].table(_CATALOG[c].table).column(_CATALOG[c].column).value_type.value == "decimal"
    for c in DATA_CELLS
])


def _cols(version: str, table: str, rows: Sequence[str], columns: Sequence[str]) -> np.ndarray:
    """Cell positions (rows × columns) of a table block in the cell matrix."""
    return np.array([[CELL_POS[CellKey(version, table, r, c)] for c in columns] for r in rows], dtype=np.int64)


# ------------------------------------------------------------------------------------------ parameters


@dataclass(frozen=True)
class SynthParams:
    agencies: int
    years: tuple[int, ...]
    seed: int = 0
    broken: int = 0
    narratives: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.agencies <= MAX_AGENCIES:
            raise ParameterError(f"--agencies 应在 1 到 {MAX_AGENCIES} 之间，实为 {self.agencies}",
                                 hint="例如 --agencies 1000")
        if not self.years:
            raise ParameterError("没有给出报告年度", hint="写作例如 --years 2019-2023")
        if list(self.years) != sorted(set(self.years)):
            raise ParameterError(f"报告年度应从小到大排列且不重复，实为 {self.years}",
                                 hint="写作例如 --years 2019-2023")
        if self.years[0] < FIRST_YEAR or self.years[-1] > LAST_YEAR:
            raise ParameterError(
                f"报告年度应在 {FIRST_YEAR} 到 {LAST_YEAR} 年之间（国家规定的表格格式从 {FIRST_YEAR} 年度报告起施行），"
                f"实为 {self.years[0]}—{self.years[-1]}", hint="写作例如 --years 2019-2023")
        if self.seed < 0:
            raise ParameterError(f"--seed 应为非负整数，实为 {self.seed}", hint="例如 --seed 1")
        if self.broken < 0:
            raise ParameterError(f"--broken 应为 0 或正整数，实为 {self.broken}", hint="例如 --broken 10")

    @property
    def command(self) -> str:
        first, last = self.years[0], self.years[-1]
        contiguous = list(self.years) == list(range(first, last + 1))
        years = (f"{first}-{last}" if last > first else str(first)) if contiguous else ",".join(map(str, self.years))
        cmd = f"govreport synth --agencies {self.agencies} --years {years} --seed {self.seed}"
        if self.broken:
            cmd += f" --broken {self.broken}"
        if not self.narratives:
            cmd += " --no-narratives"
        return cmd + " --out DIR"


@dataclass
class Expected:
    agency_id: str
    year: int
    rules: tuple[str, ...]
    perturbation: str


@dataclass
class SynthResult:
    out: Path
    agencies: int
    reports: int
    cells: int
    channels: int
    categories: int
    narratives: int
    expected: list[Expected] = field(default_factory=list)
    flagged: dict[str, int] = field(default_factory=dict)


# ------------------------------------------------------------------------------------------ generator


class _Gen:
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
        scale = np.array([_SCALE[(int(t), int(lv))] for t, lv in zip(self.a_type, self.a_level, strict=True)])
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
        big = R >= _MIN_FOR_UNUSUAL
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

    def _table2(self) -> None:
        """Table 2 blocks as (R, rows, cols) values and marks, per version; continuity across years."""
        rng = self.rng["t2"]
        n, R, ny = self.p.agencies, self.n_reports, len(self.years)
        ag = self.r_agency
        VAL, NA = Mark.VALUE, Mark.NA

        def rows_mark(power: np.ndarray, style_col: int, shape: tuple[int, ...]) -> np.ndarray:
            """VALUE where the agency has the power; else 不适用 or 0 by the agency's style."""
            no = ~power[ag] & self.na_style[ag, style_col]
            mark = np.where(no, NA, VAL).astype(np.int8)
            return np.broadcast_to(mark.reshape((R,) + (1,) * len(shape)), (R, *shape)).copy()

        def zero_if_no_power(v: np.ndarray, power: np.ndarray) -> np.ndarray:
            return np.where(power[ag].reshape((R,) + (1,) * (v.ndim - 1)), v, 0)

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
        m2a21 = np.stack([rows_mark(powers[i], 0 if i == 0 else 1, (3,)) for i in range(2)], axis=1)
        t2a21 = np.stack([zero_if_no_power(t2a21[:, i], powers[i]) for i in range(2)], axis=1)
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
        t2a19 = np.stack([zero_if_no_power(t2a19[:, i], powers[i]) for i in range(2)], axis=1)
        # ---- decisions (licensing, penalty, coercion)
        dec = self.decision_scale[ag] * (1.0 + 0.04 * (self.r_year - 2019))
        lic_dec = rng.poisson(dec)
        other_dec = rng.poisson(dec * 0.3)
        pen_dec = rng.poisson(dec * 0.4)
        coe_dec = rng.poisson(dec * 0.05)
        # ---- 2019 t2b/t2c/t2d: prev_items, delta_items (R12 continuity), decisions
        def items_block(power: np.ndarray, base: float, decisions: np.ndarray | None) -> np.ndarray:
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
            return np.where(power[ag][:, None], out, 0)

        t2b19 = np.stack([items_block(self.power_lic, 20.0, lic_dec),
                          items_block(self.power_lic & (self.a_type != T_TOWN), 8.0, other_dec)], axis=1)
        m2b19 = np.stack([rows_mark(self.power_lic, 2, (3,)),
                          rows_mark(self.power_lic & (self.a_type != T_TOWN), 2, (3,))], axis=1)
        t2c19 = np.stack([items_block(self.power_pen, 30.0, pen_dec),
                          items_block(self.power_pen, 5.0, coe_dec)], axis=1)
        m2c19 = np.stack([rows_mark(self.power_pen, 3, (3,))] * 2, axis=1)
        t2d19 = items_block(self.power_fee, 4.0, None)[:, None, :]
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
        kinds = list(_PERTURBATIONS)
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
                if _PERTURBATIONS[kind][0](self, r):
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
            rules, text = _PERTURBATIONS[kind][1](self, found, d)
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
            pos = _cols(version, "t3", t3rows, T3_COLS)
            _put(vals, present, sel, pos, block)
            pos4 = _cols(version, "t4", ["value"],
                         [f"{route}_{o}" for route in T4_ROUTES for o in (*T4_OUTCOMES, "total")])
            _put(vals, present, sel, pos4, self.t4[rows[sel]].reshape(len(sel), 1, 15))
        # table 2
        for (version, table), (v, mk) in self.t2.items():
            vi = 0 if version == "2019" else 1
            sel = np.flatnonzero(full & (self.t2_version[rows] == vi))
            if len(sel) == 0:
                continue
            spec = FORMATS[version].table(table)
            pos = _cols(version, table, [r.id for r in spec.data_rows], [c.id for c in spec.data_columns])
            _put(vals, present, sel, pos, v[rows[sel]], mk[rows[sel]], marks)
        # 信息处理费
        sel = np.flatnonzero(self.fee_present[rows])
        if len(sel):
            pos = _cols("2021", "fee", ["processing_fee"], ["notices", "billed", "collected"])
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

    # -------------------------------------------------------------------------------- narratives

    def narrative(self, r: int) -> str:
        a = int(self.r_agency[r])
        year = int(self.r_year[r])
        name = self.names[a]
        t3 = self.t3[r]
        new, co, handled, cf = (int(t3[x, C_TOT]) for x in (R_NEW, R_CO, R_TOTAL, R_CF))
        granted, partial = int(t3[R_GRANTED, C_TOT]), int(t3[R_PARTIAL, C_TOT])
        review, direct, after = (int(self.t4[r, i, 4]) for i in range(3))
        period = "" if self.no_period[r] else f"本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。"
        cut = f"主动公开数据统计至{year}年12月{int(self.cutoff_day[r])}日。" if self.cutoff[r] else ""
        pro = ""
        if self.p_states_total[r]:
            q = "余" if self.p_qual[r] else ""
            pro = f"全年主动公开政府信息{int(self.p_total[r])}{q}条。"
            slots = np.flatnonzero(self.c_present[r])
            if len(slots):
                parts = [f"通过{self.channel_label(a, int(s))}公开{int(self.c_vals[r, s])}"
                         f"{q if S_ITEM[s] else ''}{CHANNEL_SLOTS[s][1]}" for s in slots]
                pro += "其中" + "，".join(parts) + "。"
        intro = (f"本报告根据《中华人民共和国政府信息公开条例》编制。{name}为合成示例机关，本报告全部内容均为"
                 f"软件生成的合成数据，不是真实的政府信息公开工作年度报告。{period}")
        if new == 0 and co == 0:
            apps = f"{year}年，本机关未收到政府信息公开申请，无上年结转申请。"
        else:
            apps = (f"{year}年，本机关新收政府信息公开申请{new}件，上年结转{co}件，办结{handled}件，"
                    f"其中予以公开{granted}件，部分公开{partial}件，结转下年度继续办理{cf}件。")
        if review + direct + after == 0:
            lit = "本年度未发生因政府信息公开工作被申请行政复议、提起行政诉讼的情况。"
        else:
            lit = f"本年度因政府信息公开工作被申请行政复议{review}件，被提起行政诉讼{direct + after}件。"
        tables = self.fmt[r] != FNONE
        table_ref = "具体数据见下表。" if tables else ""
        fee = ""
        if self.fee_present[r]:
            notices, billed, collected = (float(x) for x in self.fee[r, 0])
            fee = "本年度未收取信息处理费。" if notices == 0 else (
                f"本年度发出收费通知{int(notices)}件，应收信息处理费{format_value(billed, 0)}元，"
                f"实收{format_value(collected, 0)}元。")
        sections = (
            ("", intro),
            ("一、总体情况", "\n\n".join([
                f"{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，持续推进政务公开工作。{cut}",
                f"### （一）主动公开\n\n{pro or '围绕重点领域及时主动公开政府信息。'}",
                "### （二）依申请公开\n\n规范依申请公开办理流程，按时答复申请人。",
                "### （三）政府信息管理\n\n落实公开前保密审查制度，动态更新政府信息公开目录。",
                "### （四）政府信息公开平台建设\n\n加强政府网站和政务新媒体管理，及时更新信息公开专栏。",
                "### （五）监督保障\n\n将政务公开工作纳入年度考核，开展业务培训。",
            ])),
            ("二、主动公开政府信息情况", f"{pro}{table_ref}" or "本年度主动公开情况见正文。"),
            ("三、收到和处理政府信息公开申请情况", f"{apps}{table_ref}"),
            ("四、政府信息公开行政复议、行政诉讼情况", f"{lit}{table_ref}"),
            ("五、存在的主要问题及改进情况",
             "一是公开内容的及时性有待提高；二是政策解读形式较为单一。下一步将完善发布审核机制，丰富解读形式。"),
            ("六、其他需要报告的事项", fee or "无其他需要报告的事项。"),
        )
        out = []
        for heading, body in sections:
            out.append(f"## {heading}\n\n{body.strip()}\n" if heading else body.strip() + "\n")
        return "\n".join(out)


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


# ------------------------------------------------------------------------------------------ perturbations


def _full(g: _Gen, r: int) -> bool:
    return bool(g.fmt[r] in (F2019, F2021))


def _ok_t3_total(g: _Gen, r: int) -> bool:
    return _full(g, r)


def _do_t3_total(g: _Gen, r: int, d: int) -> tuple[list[str], str]:
    c = int(np.argmax(g.t3[r, R_NEW, :6]))
    g.t3[r, R_TOTAL, c] += d
    g.t3[r, R_TOTAL, C_TOT] += d
    return ["R1", "R4"], f"表三“（七）总计”行“{T3_LABEL[c]}”列及“总计”列各加{d}"


def _t3_row_source(g: _Gen, r: int) -> int:
    """The outcome row with the largest 总计 among the rows the report's version has as such."""
    outcome_rows = np.arange(2, 2 + len(OUTCOMES))
    if g.fmt[r] == F2019:  # （六） is one row in 2019: take the source from rows that exist as such
        outcome_rows = outcome_rows[~np.isin(outcome_rows, R_OH)]
    return int(outcome_rows[np.argmax(g.t3[r, outcome_rows, C_TOT])])


def _ok_t3_row(g: _Gen, r: int) -> bool:
    # a non-zero source row is needed, or moving min(d, 0) = 0 items would leave the report consistent
    return _full(g, r) and g.t3[r, _t3_row_source(g, r), C_TOT] > 0


def _do_t3_row(g: _Gen, r: int, d: int) -> tuple[list[str], str]:
    src = _t3_row_source(g, r)
    dst = _R["np_repeat"] if src != _R["np_repeat"] else _R["np_petition"]
    d = min(d, int(g.t3[r, src, C_TOT]))
    g.t3[r, src, C_TOT] -= d
    g.t3[r, dst, C_TOT] += d
    return ["R3"], f"表三“总计”列：“{_row_name(src)}”行减{d}、“{_row_name(dst)}”行加{d}（各类申请人之和不变）"


def _t4_perturbation(route: int, rule: str):
    def ok(g: _Gen, r: int) -> bool:
        return _full(g, r)

    def do(g: _Gen, r: int, d: int) -> tuple[list[str], str]:
        g.t4[r, route, 4] += d
        return [rule], f"表四“{T4_LABEL[route]}·总计”加{d}"

    return ok, do


def _ok_carry(g: _Gen, r: int) -> bool:
    p = int(g.r_prev[r])
    return _full(g, r) and p >= 0 and g.fmt[p] != FNONE


def _do_carry(g: _Gen, r: int, d: int) -> tuple[list[str], str]:
    c = int(np.argmax(g.t3[r, R_NEW, :6]))
    for col in (c, C_TOT):
        for row in (R_CO, R_GRANTED, R_TOTAL):
            g.t3[r, row, col] += d
    return ["R10"], (f"表三“二、上年结转”“（一）予以公开”“（七）总计”行的“{T3_LABEL[c]}”列及“总计”列各加{d}"
                     "（与上年结转下年度不符）")


def _ok_in_force(g: _Gen, r: int) -> bool:
    p = int(g.r_prev[r])
    a = int(g.r_agency[r])
    return bool(_full(g, r) and g.t2_version[r] == 1 and p >= 0 and g.t2_version[p] == 1
                and g.fmt[p] != FNONE and g.power_norm[a])


def _do_in_force(g: _Gen, r: int, d: int) -> tuple[list[str], str]:
    v, _ = g.t2[("2021", "t2a")]
    a = int(g.r_agency[r])
    later = np.flatnonzero((g.r_agency == a) & (g.r_year >= g.r_year[r]))
    v[later, 1, 2] += d  # this year's 现行有效件数 and every later one: only this year's R11 breaks
    return ["R11"], f"表二（第二十条第（一）项）“行政规范性文件”行“现行有效件数”加{d}（以后各年同步）"


def _ok_prev_items(g: _Gen, r: int) -> bool:
    p = int(g.r_prev[r])
    a = int(g.r_agency[r])
    return bool(g.fmt[r] == F2019 and p >= 0 and g.fmt[p] == F2019 and g.power_lic[a])


def _do_prev_items(g: _Gen, r: int, d: int) -> tuple[list[str], str]:
    v, _ = g.t2[("2019", "t2b")]
    v[r, 0, 0] += d
    return ["R12"], f"表二（第二十条第（五）项）“行政许可”行“上一年项目数量”加{d}（与上年数量加增减不符）"


def _ok_negative(g: _Gen, r: int) -> bool:
    a = int(g.r_agency[r])
    if not (_full(g, r) and g.power_pen[a]):
        return False
    version = "2019" if g.t2_version[r] == 0 else "2021"
    _, mk = g.t2[(version, "t2c")]
    return bool(mk[r, 0, -1] == Mark.VALUE)


def _do_negative(g: _Gen, r: int, d: int) -> tuple[list[str], str]:
    version = "2019" if g.t2_version[r] == 0 else "2021"
    v, _ = g.t2[(version, "t2c")]
    v[r, 0, -1] = -d
    return ["R9"], f"表二（第二十条第（六）项）“行政处罚”行处理决定数量改为负数 -{d}"


def _ok_channels(g: _Gen, r: int) -> bool:
    return bool(_full(g, r) and g.p_with_channels[r] and g.p_overlap[r] == 0 and not g.c_qual[r]
                and g.p_states_total[r])


def _do_channels(g: _Gen, r: int, d: int) -> tuple[list[str], str]:
    s = int(np.flatnonzero(g.c_present[r] & S_ITEM)[0])
    g.c_vals[r, s] += d
    return ["C1"], f"渠道“{CHANNEL_SLOTS[s][0]}”的条数加{d}（渠道不重复计数，与主动公开总数不符）"


def _ok_late(g: _Gen, r: int) -> bool:
    a = int(g.r_agency[r])
    return bool(g.published[r] and g.a_kind[a] in (K_DEPT, K_GOV))


def _do_late(g: _Gen, r: int, d: int) -> tuple[list[str], str]:
    a = int(g.r_agency[r])
    deadline = 89 if g.a_kind[a] == K_GOV else 30  # days after 1 Jan: 31 Mar (non-leap) / 31 Jan
    year = int(g.r_year[r]) + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    g.pub_offset[r] = deadline + (1 if leap and deadline > 58 else 0) + d * 3
    return ["D1"], f"公布日期推迟到法定期限之后{d * 3}天"


T3_LABEL = tuple(c.label for c in FORMATS["2021"].table("t3").data_columns)
T4_LABEL = ("行政复议", "未经复议直接起诉", "复议后起诉")


def _row_name(i: int) -> str:
    return FORMATS["2021"].table("t3").row(T3_ROWS_2021[i]).name


_PERTURBATIONS = {
    "t3_column_total": (_ok_t3_total, _do_t3_total),
    "t4_review": _t4_perturbation(0, "R6"),
    "carry_over": (_ok_carry, _do_carry),
    "channel_sum": (_ok_channels, _do_channels),
    "t3_row_total": (_ok_t3_row, _do_t3_row),
    "t4_direct": _t4_perturbation(1, "R7"),
    "in_force": (_ok_in_force, _do_in_force),
    "negative_count": (_ok_negative, _do_negative),
    "t4_after_review": _t4_perturbation(2, "R8"),
    "prev_items": (_ok_prev_items, _do_prev_items),
    "late": (_ok_late, _do_late),
}


# ------------------------------------------------------------------------------------------ writing


CELLS_HEADER = ",".join(layout.CELLS.columns) + "\n"
_CHUNK = 4000  # reports per block when assembling cells.csv


def _cells_csv(g: _Gen, fh: io.BufferedWriter) -> int:
    """Write cells.csv in canonical form (sorted by agency, year, catalog order; canonical figure text).

    The text of every line is ``<agency_id>,<year>,`` + ``<version>,<table>,<row>,<column>,`` + value +
    ``,<note>\\n``, assembled with pyarrow string kernels one block of reports at a time.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    fh.write(CELLS_HEADER.encode())
    keys = [f"{k.version},{k.table},{k.row},{k.column}," for k in (_CATALOG[c] for c in DATA_CELLS)]
    key_arr = pa.array(keys, type=pa.large_string())
    ids = np.array(g.agency_ids, dtype=object)
    empty_sep = pa.scalar("", type=pa.large_string())
    count = 0
    for lo in range(0, g.n_reports, _CHUNK):
        hi = min(lo + _CHUNK, g.n_reports)
        vals, marks, present, notes = g.cell_block(lo, hi)
        ri, cj = np.nonzero(present)
        if len(ri) == 0:
            continue
        prefixes = [f"{a},{y}," for a, y in zip(ids[g.r_agency[lo:hi]], g.r_year[lo:hi].tolist(), strict=True)]
        pre_arr = pa.array(prefixes, type=pa.large_string()).take(pa.array(ri))
        key_col = key_arr.take(pa.array(cj))
        v = vals[ri, cj]
        mk = marks[ri, cj]
        is_value = mk == Mark.VALUE
        whole = is_value & (v == np.floor(v))
        ints = np.where(whole, v, 0).astype(np.int64)
        text = pc.cast(pa.array(ints), pa.large_string())
        text = pc.if_else(pa.array(mk == Mark.NA), pa.scalar("不适用", pa.large_string()), text)
        odd = np.flatnonzero(is_value & ~whole)
        if len(odd):
            replacement = pa.array([format_value(x, Mark.VALUE) for x in v[odd].tolist()], type=pa.large_string())
            mask = np.zeros(len(v), dtype=bool)
            mask[odd] = True
            text = pc.replace_with_mask(text, pa.array(mask), replacement)
        tails = [",\n"]
        tail_idx = np.zeros(len(ri), dtype=np.int32)
        if notes:
            flat = ri.astype(np.int64) * N_CELLS + cj
            for (i, j), note in notes.items():
                tail_idx[int(np.searchsorted(flat, i * N_CELLS + j))] = len(tails)
                tails.append(f",{note}\n")
        tail_col = pa.array(tails, type=pa.large_string()).take(pa.array(tail_idx))
        lines = pc.binary_join_element_wise(pre_arr, key_col, text, tail_col, empty_sep)
        _write_string_array(fh, lines)
        count += len(ri)
    return count


def _write_string_array(fh: io.BufferedWriter, arr) -> None:
    """Write the concatenated contents of a pyarrow (large) string array without copying."""
    if hasattr(arr, "chunks"):  # pragma: no cover - compute returns arrays for array inputs
        for chunk in arr.chunks:
            _write_string_array(fh, chunk)
        return
    _, offsets, data = arr.buffers()
    off = np.frombuffer(offsets, dtype=np.int64)
    start, end = int(off[arr.offset]), int(off[arr.offset + len(arr)])
    fh.write(memoryview(data)[start:end])


def _expected_csv(expected: list[Expected]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["agency_id", "year", "rule", "perturbation"])
    for e in expected:
        for rule in e.rules:
            w.writerow([e.agency_id, e.year, rule, e.perturbation])
    return buf.getvalue()


def _marker_text(p: SynthParams, g: _Gen, counts: dict[str, int]) -> str:
    flagged = _flag_counts(g)
    lines = [
        f"{MARKER_HEAD}——本目录不是真实的政府信息公开工作年度报告",
        "",
        "本目录中的全部机关、编号、数字和文字均由 govreport 软件随机生成，纯属虚构，仅供测试和性能基准使用。",
        "机关名称均带“合成示例”字样和“（合成数据）”后缀，机关编号均以 synth- 开头。",
        "This directory was generated by govreport: every agency, figure and text in it is made up.",
        "",
        f"command: {p.command}",
        f"seed: {p.seed}",
        f"generator: govreport.analysis.synth version {GENERATOR_VERSION}",
        f"report years: {', '.join(map(str, p.years))}",
        f"agencies: {counts['agencies']}",
        f"agency-years: {counts['reports']}",
        f"cells: {counts['cells']}",
        f"channel figures: {counts['channels']}",
        f"category figures: {counts['categories']}",
        f"narratives: {counts['narratives']}",
        "",
        "Findings expected from `govreport check` on the reports that were not broken on purpose",
        "(warnings and infos only, never an error):",
        f"  P2 warning (data cut-off before 31 Dec): {flagged['P2']}",
        f"  F1 warning (narrative-only report, format none): {flagged['F1']}",
        f"  F2 warning (hybrid: 2019 Table 3/4 in a 2021 report): {flagged['F2']}",
        f"  P4 info (no statistical period stated): {flagged['P4']}",
    ]
    if p.broken:
        lines += ["", f"broken reports: {p.broken}; the rules each one triggers are listed in {EXPECTED_FILE}"]
    return "\n".join(lines) + "\n"


def _flag_counts(g: _Gen) -> dict[str, int]:
    return {"P2": int(g.cutoff.sum()), "F1": int((g.fmt == FNONE).sum()), "F2": int((g.fmt == FHYBRID).sum()),
            "P4": int(g.no_period.sum())}


# ------------------------------------------------------------------------------------------ safety


def _repo_data_dir() -> Path:
    return (Path(__file__).resolve().parents[2] / "data").resolve()


def is_synthetic_dir(path: Path) -> bool:
    marker = path / layout.SYNTHETIC_MARKER
    try:
        with marker.open(encoding="utf-8") as fh:
            return fh.readline().startswith(MARKER_HEAD)
    except (OSError, UnicodeDecodeError):
        return False


def check_target(out: Path) -> None:
    """Refuse to write where a real dataset (or anything that is not ours) lives."""
    target = out.resolve()
    data = _repo_data_dir()
    if target == data or data in target.parents:
        raise GovreportError(
            f"拒绝把合成数据写入 {out}：那是仓库的真实数据集（data/）",
            hint="另选一个目录，例如 --out /tmp/synth", code="refused")
    if not target.exists():
        return
    if not target.is_dir():
        raise GovreportError(f"拒绝把合成数据写入 {out}：它已存在且不是目录",
                             hint="另起一个新的目录名", code="refused")
    if not any(target.iterdir()):
        return
    if is_synthetic_dir(target):
        return
    what = "存放着非合成的数据集" if (target / layout.REPORTS.name).exists() else "不是空目录，也没有合成数据集"
    raise GovreportError(
        f"拒绝把合成数据写入 {out}：该目录{what}（没有 {layout.SYNTHETIC_MARKER} 标记文件）",
        hint="选一个新的或空的目录；已有的合成数据集会被整体替换",
        code="refused")


# ------------------------------------------------------------------------------------------ entry point


def generate(params: SynthParams) -> _Gen:
    """Generate (but do not write) a synthetic dataset."""
    return _Gen(params)


def write_dataset(out: str | os.PathLike[str], *, agencies: int, years: Sequence[int], seed: int = 0,
                  broken: int = 0, narratives: bool = True) -> SynthResult:
    """Generate a synthetic dataset and write it to ``out`` (replacing a synthetic dataset there).

    The directory is built beside ``out`` and renamed into place, so a failure leaves ``out`` as it was.
    """
    from govreport.store.csvstore import empty_frame
    from govreport.store.dataset_files import canonical_text

    out = Path(out)
    params = SynthParams(agencies=int(agencies), years=tuple(int(y) for y in years), seed=int(seed),
                         broken=int(broken), narratives=bool(narratives))
    check_target(out)
    g = generate(params)
    frames = {
        "agencies": g.agencies_frame(),
        "reports": g.reports_frame(),
        "cells": empty_frame(layout.CELLS),
        "channels": g.channels_frame(),
        "categories": g.categories_frame(),
    }
    texts = canonical_text(frames)
    try:
        n_cells, n_narr = _write_staged(out, params, g, frames, texts)
    except OSError as exc:
        raise GovreportError(f"无法把合成数据集写入 {out}：{exc.strerror or exc}",
                             hint="选一个有写权限、磁盘空间足够的目录",
                             code="write-failed") from None
    counts = {"channels": len(frames["channels"]), "categories": len(frames["categories"])}
    return SynthResult(out=out, agencies=params.agencies, reports=g.n_reports, cells=n_cells,
                       channels=counts["channels"], categories=counts["categories"], narratives=n_narr,
                       expected=g.expected, flagged=_flag_counts(g))


def _write_staged(out: Path, params: SynthParams, g: _Gen, frames: dict[str, pd.DataFrame],
                  texts: dict[str, str]) -> tuple[int, int]:
    """Write everything into a directory beside ``out``, then rename it into place."""
    parent = out.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    stage = parent / f".{out.name}.synth-{os.getpid()}.tmp"
    if stage.exists():
        shutil.rmtree(stage)
    stage.mkdir()
    try:
        for spec in (layout.AGENCIES, layout.REPORTS, layout.CHANNELS, layout.CATEGORIES):
            (stage / spec.name).write_text(texts[spec.name], encoding="utf-8", newline="\n")
        with open(stage / layout.CELLS.name, "wb") as fh:
            n_cells = _cells_csv(g, fh)
        n_narr = _write_narratives(g, stage) if params.narratives else 0
        counts = {"agencies": params.agencies, "reports": g.n_reports, "cells": n_cells,
                  "channels": len(frames["channels"]), "categories": len(frames["categories"]), "narratives": n_narr}
        (stage / layout.SYNTHETIC_MARKER).write_text(_marker_text(params, g, counts), encoding="utf-8",
                                                     newline="\n")
        if params.broken:
            (stage / EXPECTED_FILE).write_text(_expected_csv(g.expected), encoding="utf-8", newline="\n")
        _swap_into_place(stage, out.resolve())
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return n_cells, n_narr


def _write_narratives(g: _Gen, root: Path) -> int:
    base = root / layout.NARRATIVES_DIR
    base.mkdir()
    made: set[int] = set()
    count = 0
    for r in range(g.n_reports):
        a = int(g.r_agency[r])
        d = base / g.agency_ids[a]
        if a not in made:
            d.mkdir()
            made.add(a)
        with open(d / f"{int(g.r_year[r])}.md", "w", encoding="utf-8", newline="\n") as fh:
            fh.write(g.narrative(r))
        count += 1
    return count


def _swap_into_place(stage: Path, target: Path) -> None:
    """Rename ``stage`` to ``target``; an existing (synthetic or empty) ``target`` is removed afterwards."""
    if not target.exists():
        os.replace(stage, target)
        return
    check_target(target)  # still ours: nothing appeared there meanwhile
    old = target.parent / f".{target.name}.synth-old-{os.getpid()}"
    os.replace(target, old)
    try:
        os.replace(stage, target)
    except BaseException:
        os.replace(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)
