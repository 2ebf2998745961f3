"""The synthetic generator's vocabulary: made-up agencies and their scale, the Table 3/4 mixes, channel and
content-category labels as reports write them, and where each data cell sits in the generator's cell matrix.

Constants only (built from :mod:`govreport.core.formats` at import); :mod:`govreport.analysis.synth_gen` draws
from them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from govreport.core.formats import FORMATS, CellKey, cell_catalog

SYNTH_NOTE = "合成数据"

# Report formats (codes in the generator; the text is written to reports.csv).
F2019, F2021, FHYBRID, FNONE = 0, 1, 2, 3
FORMAT_TEXT = ("2019", "2021", "hybrid", "none")

# Rates of the flagged unusual reports (each gives one warning). At least one of each when the dataset
# has ``MIN_FOR_UNUSUAL`` agency-years or more, so that tests see them.
CUTOFF_RATE = 0.003
NARRATIVE_ONLY_RATE = 0.002
HYBRID_RATE = 0.004  # of the 2021 reports
NO_PERIOD_RATE = 0.002  # P4 is an info finding
MIN_FOR_UNUSUAL = 100

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
SCALE = {
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
T3_ROW = {r: i for i, r in enumerate(T3_ROWS_2021)}
R_NEW, R_CO = T3_ROW["new_received"], T3_ROW["carried_over"]
R_TOTAL, R_CF = T3_ROW["results_total"], T3_ROW["carried_forward"]
R_GRANTED, R_PARTIAL = T3_ROW["granted"], T3_ROW["partial"]
R_OH = [T3_ROW[k] for k in FORMATS["2021"].table("t3").parts("row", "other_handling")]
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

CATALOG = cell_catalog()


def _data_cells() -> tuple[list[int], dict[CellKey, int]]:
    """Catalog ids of the cells that can hold data (no group row or column), in catalog order."""
    ids: list[int] = []
    for cid, k in enumerate(CATALOG):
        spec = FORMATS[k.version].table(k.table)
        if spec.row(k.row).group or spec.column(k.column).group:
            continue
        ids.append(cid)
    pos = {CATALOG[c]: j for j, c in enumerate(ids)}
    return ids, pos


DATA_CELLS, CELL_POS = _data_cells()
N_CELLS = len(DATA_CELLS)
DECIMAL_CELL = np.array([
    FORMATS[CATALOG[c].version].table(CATALOG[c].table).column(CATALOG[c].column).value_type.value == "decimal"
    for c in DATA_CELLS
])


def block_positions(version: str, table: str, rows: Sequence[str], columns: Sequence[str]) -> np.ndarray:
    """Cell positions (rows × columns) of a table block in the cell matrix."""
    return np.array([[CELL_POS[CellKey(version, table, r, c)] for c in columns] for r in rows], dtype=np.int64)
