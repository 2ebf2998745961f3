"""Benchmark: PDF and Word reports read by ``govreport ingest`` — cells right, and seconds per document.

    .venv/bin/python bench/bench_ingest_documents.py DIR_OR_TRUTH_YAML… [--fixtures] [--json]

Each ``truth.yaml`` given (or found in a directory given) lists reports (``file``, ``year``, ``agency``,
``truth.proactive.total``, ``truth.t3`` rows × columns, ``truth.t4`` columns; ``null`` = the document leaves
the cell blank, ``0`` = it prints 0). Every Table 3 and Table 4 cell of the truth is checked against what
ingest read: **right** (same value, or blank kept blank), **invented** (a value where the document has
another value or none), **not read** (left out and listed as not read). The agency, year and proactive
total are compared too. Time: the whole ingest from bytes, best of three, CPU seconds of the process
(one core; the machine's other load does not count); seconds per 10 PDF pages are reported beside it.

``--fixtures`` also builds the project's own PDF and Word fixtures (tests/fixtures/ingest/documents.py:
the HTML fixture reports printed by Chromium, and Word files written with python-docx) and compares the
cells read from each with the cells read from the HTML report it was made from, per layout.

The raw numbers go to ``bench/results/ingest_documents.json`` (command, machine, load average, commit).
The truth files may lie outside the repository (real documents are not committed): pass their path.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govreport.core.values import Mark  # noqa: E402
from govreport.readers import ingest_bytes, ingest_path  # noqa: E402


def _value(fig) -> object:
    if fig is None:
        return "<not read>"
    if fig.mark is Mark.BLANK:
        return None
    if fig.mark is Mark.NA:
        return "不适用"
    return fig.value


def read_cells(got) -> dict[tuple[str, str, str], object]:
    out = {}
    for t in got.tables:
        if t.spec.id in ("t3", "t4"):
            for (r, c), fig in t.cells.items():
                out[(t.spec.id, r, c)] = _value(fig)
    return out


def truth_cells(truth: dict) -> dict[tuple[str, str, str], object]:
    out = {}
    for r, cols in (truth.get("t3") or {}).items():
        for c, v in cols.items():
            out[("t3", r, c)] = v
    for c, v in (truth.get("t4") or {}).items():
        out[("t4", "value", c)] = v
    return out


def compare(want: dict, got: dict) -> dict[str, object]:
    right = invented = missing = 0
    wrong = []
    for key, v in want.items():
        g = got.get(key, "<not read>")
        if g == "<not read>":
            missing += 1
            wrong.append((key, v, g))
        elif (v is None and g is None) or (v is not None and g is not None and g == v):
            right += 1
        else:
            invented += 1
            wrong.append((key, v, g))
    return {"checked": len(want), "right": right, "invented": invented, "not_read": missing,
            "wrong": [f"{'/'.join(k)}: truth {v!r}, read {g!r}" for k, v, g in wrong]}


def timed(raw: bytes, name: str, repeat: int = 3):
    """The result and the best CPU time of this process (one core; other processes' load does not count)."""
    best = float("inf")
    got = None
    for _ in range(repeat):
        t = time.process_time()
        got = ingest_bytes(raw, name)
        best = min(best, time.process_time() - t)
    return got, best


def pdf_pages(raw: bytes) -> int:
    import io

    import pdfplumber

    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        return len(pdf.pages)


def run_truth(path: Path) -> list[dict]:
    import yaml

    files = [path] if path.is_file() else sorted(path.rglob("truth.yaml"))
    out = []
    for tf in files:
        doc = yaml.safe_load(tf.read_text("utf-8"))
        for rep in doc.get("reports", []):
            f = tf.parent / rep["file"]
            raw = f.read_bytes()
            got, secs = timed(raw, f.name)
            res = compare(truth_cells(rep["truth"]), read_cells(got))
            pages = pdf_pages(raw) if raw[:1024].find(b"%PDF-") >= 0 else None
            want_total = (rep["truth"].get("proactive") or {}).get("total")
            res.update(
                file=f.name, seconds=round(secs, 3), pages=pages,
                seconds_per_10_pages=round(secs / pages * 10, 3) if pages else None,
                agency=got.agency.name if got.agency else None, agency_truth=rep.get("agency"),
                year=got.year, year_truth=rep.get("year"),
                proactive_total=_value(got.proactive.total), proactive_total_truth=want_total,
            )
            out.append(res)
    return out


def run_fixtures() -> list[dict]:
    from tests.fixtures.ingest import documents

    out = []
    with tempfile.TemporaryDirectory(prefix="govreport-bench-") as tmp:
        made = documents.build_all(Path(tmp))
        for name, (path, html_source, layout) in made.items():
            want = {k: v for k, v in read_cells(ingest_path(html_source)).items()}
            raw = path.read_bytes()
            got, secs = timed(raw, path.name)
            res = compare(want, read_cells(got))
            res.update(file=name, layout=layout, seconds=round(secs, 3))
            if path.suffix == ".pdf":
                pages = pdf_pages(raw)
                res.update(pages=pages, seconds_per_10_pages=round(secs / pages * 10, 3))
            out.append(res)
    return out


def _commit() -> str:
    import subprocess

    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return run.stdout.strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", type=Path, help="truth.yaml files or directories holding them")
    ap.add_argument("--fixtures", action="store_true", help="also measure the project's own PDF/Word fixtures")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    results = [r for p in args.paths for r in run_truth(p)]
    if args.fixtures:
        results += run_fixtures()
    record = {
        # truth paths are not recorded: real documents live outside the repository
        "command": " ".join(["bench/bench_ingest_documents.py", *(["TRUTH…"] if args.paths else []),
                             *(["--fixtures"] if args.fixtures else [])]),
        "machine": platform.platform(),
        "python": platform.python_version(), "load_average": list(os.getloadavg()), "commit": _commit(),
        "results": [{k: v for k, v in r.items()} for r in results],
    }
    out = REPO / "bench" / "results" / "ingest_documents.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=2))
        return 0
    for r in results:
        extra = f"，{r['pages']} 页，每10页 {r['seconds_per_10_pages']} s" if r.get("pages") else ""
        layout = f"（{r['layout']}）" if r.get("layout") else ""
        print(f"{r['file']}{layout}：表三/表四 {r['right']}/{r['checked']} 格正确，"
              f"编造 {r['invented']}，未读取 {r['not_read']}；{r['seconds']} s{extra}")
        if "agency_truth" in r:
            print(f"  机关 {r['agency']}（应为 {r['agency_truth']}），年度 {r['year']}（应为 {r['year_truth']}），"
                  f"主动公开总数 {r['proactive_total']}（应为 {r['proactive_total_truth']}）")
        for w in r["wrong"]:
            print(f"  × {w}")
    total = sum(r["checked"] for r in results)
    right = sum(r["right"] for r in results)
    invented = sum(r["invented"] for r in results)
    if total:
        print(f"合计：{right}/{total} 格正确（{right / total:.1%}），编造 {invented} 格。")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
