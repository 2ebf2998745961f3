"""Scoring ``govreport ingest --json`` output against a corpus folder with a ``truth.yaml`` (in process).

A corpus is one report per file (``<id>.txt``) and a truth.yaml listing, per report, what the document
states: ``agency`` (+ ``agency_as_written``, scored when ``agency_certain``), ``year`` and ``truth`` with
``proactive`` (total, channels, categories: label → value), ``applications`` (new_received, carried_over),
``reviews.total`` and ``litigation.total`` (直接起诉 + 复议后起诉). A "none received" sentence is 0.

A figure is right when the JSON gives the same number (a channel or category: under a label sharing two
characters with the truth's, filed as either); "invented" counts channel/category figures whose digits
appear nowhere in the source text. Run as a script for the per-field table and every miss:

    PYTHONPATH=. .venv/bin/python tests/corpus_score.py tests/fixtures/ingest/corpus
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


def _num(x: Any) -> float | None:
    if isinstance(x, dict):
        x = x.get("value")
    if x is None or isinstance(x, (bool, str)):
        return None
    return float(x)


def _norm(s: Any) -> str:
    return re.sub(r"[\s“”\"'《》（）()]", "", unicodedata.normalize("NFKC", str(s or "")))


def _overlap(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a and b) and any(a[i:i + 2] in b for i in range(max(1, len(a) - 1)))


def _cell(cells: list[dict], row: str | None, column: str) -> float | None:
    for c in cells or []:
        if (row is None or c.get("row") == row) and c.get("column") == column:
            return _num(c)
    return None


@dataclass
class Score:
    fields: dict[str, list[int]] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)

    @property
    def hit(self) -> int:
        return sum(h for h, _ in self.fields.values())

    @property
    def total(self) -> int:
        return sum(t for _, t in self.fields.values())

    def add(self, rid: str, name: str, ok: bool, detail: str) -> None:
        f = self.fields.setdefault(name, [0, 0])
        f[0] += bool(ok)
        f[1] += 1
        if not ok:
            self.misses.append(f"{rid} {name} {detail}")

    def table(self) -> str:
        lines = [f"{k:28s} {h}/{t}" for k, (h, t) in sorted(self.fields.items())]
        share = self.hit / self.total if self.total else 0.0
        lines.append(f"corpus: {self.hit}/{self.total} figures ({share:.1%}), invented {len(self.invented)}")
        return "\n".join(lines)


def score_one(rid: str, r: dict, got: dict, source_text: str, sc: Score) -> None:
    truth = r.get("truth") or {}
    if r.get("year"):
        sc.add(rid, "year", got.get("year") == r["year"], f"want {r['year']} got {got.get('year')}")
    if r.get("agency_certain") and r.get("agency"):
        names = {_norm(r["agency"]), _norm(r.get("agency_as_written"))} - {""}
        have = (got.get("agency") or {}).get("name")
        sc.add(rid, "agency", _norm(have) in names, f"want {r['agency']} got {have}")
    pro, gp = truth.get("proactive") or {}, got.get("proactive") or {}
    if pro.get("total") is not None:
        sc.add(rid, "proactive.total", _num(gp.get("total")) == float(pro["total"]),
               f"want {pro['total']} got {gp.get('total')}")
    have_items = [(e.get("label"), _num(e)) for key in ("channels", "categories") for e in gp.get(key) or []]
    for key in ("channels", "categories"):
        for label, value in (pro.get(key) or {}).items():
            sc.add(rid, f"proactive.{key}", any(v == float(value) and _overlap(label, lab) for lab, v in have_items),
                   f"{label}={value}")
    apps = truth.get("applications") or {}
    for key in ("new_received", "carried_over"):
        if apps.get(key) is not None:
            g = _cell(got.get("applications"), key, "total")
            sc.add(rid, f"applications.{key}", g == float(apps[key]), f"want {apps[key]} got {g}")
    rv = (truth.get("reviews") or {}).get("total")
    if rv is not None:
        g = _cell(got.get("reviews"), None, "review_total")
        sc.add(rid, "reviews.total", g == float(rv), f"want {rv} got {g}")
    lt = (truth.get("litigation") or {}).get("total")
    if lt is not None:
        d, w = _cell(got.get("reviews"), None, "direct_total"), _cell(got.get("reviews"), None, "after_review_total")
        g = None if d is None and w is None else (d or 0) + (w or 0)
        sc.add(rid, "litigation.total", g == float(lt), f"want {lt} got {g}")
    digits = set(re.findall(r"\d+", source_text))
    for label, value in have_items:
        if value is not None and str(int(value)) not in digits:
            sc.invented.append(f"{rid} {label}={value}")


def score_corpus(corpus: Path) -> Score:
    from govreport.readers import ingest_path

    doc = yaml.safe_load((corpus / "truth.yaml").read_text(encoding="utf-8"))
    reports = doc["reports"] if isinstance(doc, dict) else doc
    sc = Score()
    for r in reports:
        src = corpus / f"{r['id']}.txt"
        got = ingest_path(src).to_json()
        score_one(r["id"], r, got, src.read_text(encoding="utf-8", errors="replace"), sc)
    return sc


if __name__ == "__main__":
    result = score_corpus(Path(sys.argv[1]))
    for m in result.misses:
        print("  miss", m)
    for m in result.invented:
        print("  invented", m)
    print(result.table())
