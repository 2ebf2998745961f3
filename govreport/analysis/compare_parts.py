"""Building blocks of the comparison (:mod:`govreport.analysis.compare`): the parameters' list and region
text, region paths and the areas they group into, finding counts per agency-year and the channel figures
that can be pooled. Package-internal: not part of the library's API.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from govreport.checks.rules import SUMMABLE_UNITS
from govreport.core.values import Mark

_LIST_SEP = re.compile(r"[,，、;；\n]+")


# ====================================================================================== parameters


def parse_list(text: str) -> tuple[str, ...]:
    """Comma-separated (also ，、；) items, stripped, empty items dropped, first occurrence kept."""
    items = [p.strip() for p in _LIST_SEP.split(str(text))]
    return tuple(dict.fromkeys(p for p in items if p))


def parse_region(text: str) -> str:
    """A region path prefix, components stripped: ``" 内蒙古自治区 / 巴彦淖尔市/ "`` → ``内蒙古自治区/巴彦淖尔市``."""
    return "/".join(p.strip() for p in str(text).replace("／", "/").split("/") if p.strip())


# ========================================================================================= regions


def region_matches(regions: pd.Series, prefix: str) -> np.ndarray:
    """Whether each region path starts with ``prefix`` by whole components."""
    if not prefix:
        return np.ones(len(regions), dtype=bool)
    r = regions.fillna("").astype(str).str.replace("／", "/", regex=False)
    return (r == prefix).to_numpy() | r.str.startswith(prefix + "/").to_numpy()


def region_hint(regions: pd.Series, prefix: str) -> str:
    paths = sorted({str(r) for r in regions.dropna() if str(r)})
    parts = prefix.split("/")
    close = [r for r in paths if parts[-1] in r][:5]
    if close:
        return f"包含 {parts[-1]!r} 的地区：{'、'.join(close)}"
    tops = sorted({r.split("/")[0] for r in paths})[:8]
    return f"数据集中的一级地区：{'、'.join(tops) or '（未记录）'}"


def area_depth(regions: Sequence[str], prefix: str = "") -> int:
    """The shallowest region depth below ``prefix`` at which the regions split into at least two areas."""
    base = len(prefix.split("/")) if prefix else 0
    parts = [tuple(r.split("/")) if r else () for r in regions]
    deepest = max((len(p) for p in parts), default=0)
    for d in range(base + 1, deepest + 1):
        if len({p[:d] for p in parts}) >= 2:
            return d
    return max(base + 1, 1)


def area_label(region: str, depth: int, prefix: str = "") -> str:
    """The area of ``region`` at ``depth``, written below ``prefix``; an agency above that depth is its
    region's own level (``（本级）``)."""
    parts = region.split("/") if region else []
    base = len(prefix.split("/")) if prefix else 0
    if not parts:
        return "（未载明地区）"
    shown = parts[base:depth] if len(parts) >= depth else parts[base:]
    text = "/".join(shown) or parts[-1]
    return text if len(parts) >= depth else f"{text}（本级）"


# ==================================================================================== findings, channels


def finding_counts(findings: pd.DataFrame | None) -> pd.DataFrame:
    """Errors and warnings per agency-year: agency_id, year, errors, warnings, rules (``R1、R3``)."""
    cols = ["agency_id", "year", "errors", "warnings", "rules"]
    if findings is None or len(findings) == 0:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in cols})
    f = findings[findings["severity"].isin(["error", "warning"])]
    if len(f) == 0:
        return pd.DataFrame({c: pd.Series([], dtype="object") for c in cols})
    f = pd.DataFrame({"agency_id": f["agency_id"].astype(str).to_numpy(), "year": f["year"].astype(int).to_numpy(),
                      "error": (f["severity"] == "error").to_numpy(),
                      "warning": (f["severity"] == "warning").to_numpy(),
                      "rule": f["rule"].astype(str).to_numpy()})
    g = f.groupby(["agency_id", "year"], sort=True)
    out = pd.DataFrame({"errors": g["error"].sum().astype(int), "warnings": g["warning"].sum().astype(int),
                        "rules": g["rule"].agg(lambda s: "、".join(sorted(set(s), key=rule_key)))})
    return out.reset_index()


def rule_key(rule: str) -> tuple[str, int, str]:
    m = re.match(r"([A-Za-z]+)(\d+)(.*)", rule)
    return (m[1], int(m[2]), m[3]) if m else (rule, 0, "")


def pooled_mask(channels: pd.DataFrame) -> np.ndarray:
    if len(channels) == 0:
        return np.zeros(0, dtype=bool)
    return ((channels["value_mark"].to_numpy() == Mark.VALUE)
            & channels["unit"].fillna("").astype(str).isin(SUMMABLE_UNITS).to_numpy())
