"""In-process measurements for the search benchmark (run by bench.run in a subprocess per corpus).

    ARCHIVE_DATA_DIR=… DJANGO_SETTINGS_MODULE=config.settings.base python -m bench.search_probe stats
    … python -m bench.search_probe raw --rounds 10

``stats`` prints the index's entry and segment counts; ``raw`` times, on the same index and in
the same run as the HTTP figures, (a) plain Whoosh — its query parser over our schema, one reused
searcher, top 20 with the total count and the stored fields of the page — and (b) our search
engine called directly (parsing, glossary, facets, database rows, snippets; no HTTP, no
template).  Output is one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import django


def _stats() -> dict[str, Any]:
    from search.indexing import backend

    with backend().searcher() as searcher:
        leaves = searcher.reader().leaf_readers()
        return {"entries": searcher.doc_count(), "segments": len(leaves)}


def _raw(rounds: int) -> dict[str, Any]:
    from whoosh import query as wq
    from whoosh.qparser import QueryParser

    from bench.report import summary_ms
    from bench.search_queries import QUERIES
    from search.engine import SearchParams, run
    from search.indexing import backend

    be = backend()
    ix = be.reading_index()
    searcher = ix.searcher()
    parser = QueryParser("text", schema=ix.schema)

    def raw_once(bq: Any) -> int:
        q = wq.Term(*bq.raw_term) if bq.raw_term else parser.parse(bq.raw)
        kwargs: dict[str, Any] = {"limit": 20}
        if bq.raw_sort:
            kwargs.update(sortedby=bq.raw_sort, reverse=True)
        results = searcher.search(q, **kwargs)
        total = len(results)  # what a result page shows; Whoosh counts by walking the matches
        for hit in results:
            hit.fields()
        return total

    def ours_once(bq: Any) -> int:
        p = bq.params
        return run(SearchParams(q=p.get("q", ""), sort=p.get("sort", "relevance"))).total

    out: dict[str, Any] = {"per_query": {}}
    cold: dict[str, dict[str, float]] = {}
    for bq in QUERIES:  # first run of each query: caches empty (searcher already open for both)
        t = time.perf_counter()
        raw_total = raw_once(bq)
        raw_cold = time.perf_counter() - t
        t = time.perf_counter()
        our_total = ours_once(bq)
        our_cold = time.perf_counter() - t
        cold[bq.label] = {"raw_ms": round(raw_cold * 1000, 2), "engine_ms": round(our_cold * 1000, 2)}
        out["per_query"][bq.label] = {"raw_total": raw_total, "engine_total": our_total}
    raw_samples: list[float] = []
    our_samples: list[float] = []
    per_raw: dict[str, list[float]] = {bq.label: [] for bq in QUERIES}
    per_our: dict[str, list[float]] = {bq.label: [] for bq in QUERIES}
    for _ in range(rounds):
        for bq in QUERIES:
            t = time.perf_counter()
            raw_once(bq)
            dt = time.perf_counter() - t
            raw_samples.append(dt)
            per_raw[bq.label].append(dt)
            t = time.perf_counter()
            ours_once(bq)
            dt = time.perf_counter() - t
            our_samples.append(dt)
            per_our[bq.label].append(dt)
    searcher.close()
    out["raw"] = summary_ms(raw_samples)
    out["engine"] = summary_ms(our_samples)
    out["cold"] = cold
    for bq in QUERIES:
        out["per_query"][bq.label].update(
            raw_p50_ms=summary_ms(per_raw[bq.label])["p50_ms"], engine_p50_ms=summary_ms(per_our[bq.label])["p50_ms"]
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["stats", "raw"])
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    django.setup()
    result = _stats() if args.what == "stats" else _raw(args.rounds)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
