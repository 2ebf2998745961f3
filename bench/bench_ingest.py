"""Benchmark: how many published text reports ``govreport ingest`` reads per second on one core.

    .venv/bin/python bench/bench_ingest.py [--seconds 3] [--json]

The page corpus (tests/fixtures/ingest/corpus: one small report per failure mode of published pages) is
measured too and must also meet the target. The main corpus is the seed's mirror copy (traditional +
pinyin-garbled, as published) and the text fixture reports of tests/fixtures/ingest, each also as a
traditional copy, a pinyin-garbled traditional copy and a GBK-encoded garbled copy (made with OpenCC s2t +
pypinyin, as the tests make them). Every report goes through the whole pipeline from bytes: encoding
detection, normalisation, sections, every prose reader, table assembly and the Report with its provenance.

In the same run, the normalisation stage is compared with a naive implementation that produces the same
text the obvious way: OpenCC called once per line, and the width mapping done with a regular expression
per character (garbling, punctuation, spam and whitespace per line). The ratio is reported; the target
is ≥ 200 reports per second for the whole pipeline. HTML reports (three table fixtures) are measured
for information.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from govreport.readers import ingest_bytes  # noqa: E402
from govreport.readers import normalize as norm_mod  # noqa: E402
from tests.fixtures.ingest import variants  # noqa: E402

FIX = REPO / "tests" / "fixtures" / "ingest"
CORPUS = FIX / "corpus"  # one hand-written report per failure mode of published pages
TEXT_FIXTURES = ("narrative-2022.txt", "period-error-2021.txt")
HTML_FIXTURES = ("table-2019.html", "table-2021.html", "hybrid-2021.html")


def corpus_text() -> list[tuple[str, bytes]]:
    out = [("seed", (REPO / "data" / "sources" / "150821-minzhengju-2020-mirror.txt").read_bytes()),
           ("traditional-2021.txt", (FIX / "traditional-2021.txt").read_bytes())]
    for name in TEXT_FIXTURES:
        text = (FIX / name).read_text("utf-8")
        out += [(name, text.encode()), (f"{name}:traditional", variants.traditional(text).encode()),
                (f"{name}:garbled", variants.garbled(text).encode()),
                (f"{name}:garbled-gbk", variants.encoded(variants.garbled(text), "gbk"))]
    return out


def corpus_pages() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(CORPUS.glob("*.txt"))]


def corpus_html() -> list[tuple[str, bytes]]:
    out = []
    for name in HTML_FIXTURES:
        text = (FIX / name).read_text("utf-8")
        out += [(name, text.encode()), (f"{name}:garbled", variants.garbled(text).encode())]
    return out


def rate(func, items: list, seconds: float) -> tuple[float, float]:
    """Items per second: the best and the median of several timed passes over ``items``."""
    for it in items:  # warm-up: imports, OpenCC dictionaries, regex compilation
        func(it)
    rates = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(rates) < 3:
        t0 = time.perf_counter()
        for it in items:
            func(it)
        rates.append(len(items) / (time.perf_counter() - t0))
    return max(rates), statistics.median(rates)


# ------------------------------------------------------------------------------- naive normaliser

_FW_CHAR = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\u3000\u00a0\t]")


def _widen(m: re.Match) -> str:
    ch = m.group()
    return " " if ch in "\u3000\u00a0\t" else chr(ord(ch) - 0xFEE0)


def naive_normalize(text: str) -> str:
    """The same normalisation done line by line, with OpenCC per line and a regex per character."""
    import opencc

    cc = opencc.OpenCC("t2s")
    toned = len(norm_mod._garble_spans(text)) >= 3  # the document-level decision is the same
    out = []
    for line in text.split("\n"):
        spans = norm_mod._garble_spans(line) if toned else []
        line, _ = norm_mod._delete(line, list(range(len(line) + 1)), spans)
        line = cc.convert(line)
        line = "".join(_FW_CHAR.sub(_widen, ch) for ch in line)  # per-character regex
        line = norm_mod._punct_width(line)
        stripped = line.strip()
        if stripped and len(stripped) <= norm_mod._SPAM_MAX_LEN and norm_mod._SPAM.search(stripped):
            continue
        line = norm_mod._ZERO_WIDTH.sub("", line)
        line = norm_mod._SPACES.sub("", line)
        if line:
            out.append(line)
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=3.0, help="time budget per measurement (default 3)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    args = ap.parse_args()

    texts = corpus_text()
    html = corpus_html()
    decoded = [ingest_bytes(raw, name) for name, raw in texts]  # also checks that every report reads
    assert all(d.proactive.total.is_value for d in decoded), "a corpus report lost its total"

    best, median = rate(lambda it: ingest_bytes(it[1], it[0]), texts, args.seconds)
    html_best, html_median = rate(lambda it: ingest_bytes(it[1], it[0]), html, args.seconds)
    pages = corpus_pages()
    pages_best, pages_median = rate(lambda it: ingest_bytes(it[1], it[0]), pages, args.seconds)

    from govreport.readers.detect import decode

    plain = [decode(raw)[0] for _, raw in texts]
    same = sum(norm_mod.normalize(t).text == naive_normalize(t) for t in plain)
    _, fast_median = rate(norm_mod.normalize, plain, args.seconds)
    _, naive_median = rate(naive_normalize, plain, args.seconds)

    result = {
        "machine": f"{platform.python_implementation()} {platform.python_version()} on {platform.machine()}",
        "text_reports": len(texts),
        "text_chars_mean": round(statistics.mean(len(t) for t in plain)),
        "ingest_text_reports_per_s": {"best": round(best, 1), "median": round(median, 1)},
        "ingest_text_chars_per_s": round(median * statistics.mean(len(t) for t in plain)),
        "ingest_html_reports_per_s": {"best": round(html_best, 1), "median": round(html_median, 1)},
        "ingest_corpus_reports_per_s": {"reports": len(pages), "best": round(pages_best, 1),
                                        "median": round(pages_median, 1)},
        "normalise_per_s": {"whole_document": round(fast_median, 1), "naive_per_line": round(naive_median, 1),
                            "ratio": round(fast_median / naive_median, 2),
                            "same_output": f"{same}/{len(plain)}"},
        "target_text_reports_per_s": 200,
        "meets_target": median >= 200 and pages_median >= 200,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        print(f"{result['machine']}; corpus: {len(texts)} text reports (mean {result['text_chars_mean']} chars), "
              f"{len(html)} HTML reports")
        print(f"ingest, text reports : {median:8.1f} reports/s (best {best:.1f}; "
              f"{result['ingest_text_chars_per_s'] / 1000:.0f}k chars/s); target ≥ 200 "
              f"→ {'OK' if result['meets_target'] else 'BELOW TARGET'}")
        print(f"ingest, HTML reports : {html_median:8.1f} reports/s (best {html_best:.1f})")
        print(f"ingest, page corpus  : {pages_median:8.1f} reports/s (best {pages_best:.1f}; {len(pages)} reports "
              f"of tests/fixtures/ingest/corpus)")
        print(f"normalise only       : {fast_median:8.1f} docs/s whole-document vs {naive_median:.1f} docs/s naive "
              f"(OpenCC per line, regex per character): ×{fast_median / naive_median:.1f}; "
              f"same output for {same}/{len(plain)}")
    return 0 if result["meets_target"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
