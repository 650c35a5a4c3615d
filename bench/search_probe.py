"""In-process measurements for the search benchmark (run by bench.run in a subprocess per corpus).

    ARCHIVE_DATA_DIR=… DJANGO_SETTINGS_MODULE=config.settings.base python -m bench.search_probe stats
    … python -m bench.search_probe raw --rounds 10
    … python -m bench.search_probe prepare

``stats`` prints the index's entry and segment counts.  ``raw`` times, on the same index and in
the same run as the HTTP figures, (a) plain Whoosh — its query parser over our schema, one reused
searcher, top 20 with the total count and the stored fields of the page — for the classes it can
express, and (b) our search engine called directly (parsing, glossary, facets, database rows,
snippets; no HTTP, no template).  ``prepare`` is the rebuild's floor: reading every entry from
the database and preparing it as haystack does, in one process, without analysis or writing.
Output is one JSON object on stdout.
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


def _prepare() -> dict[str, Any]:
    from search import indexing

    be = indexing.backend()
    started = time.perf_counter()
    cpu = time.process_time()
    entries = 0
    for index in indexing.block_indexes():
        batch: list[Any] = []
        for obj in [*index.index_queryset().order_by("pk").iterator(chunk_size=2000), None]:
            if obj is not None:
                batch.append(obj)
                if len(batch) < 2000:
                    continue
            entries += len(be.prepare_documents(index, batch))
            batch = []
    wall = time.perf_counter() - started
    return {"entries": entries, "wall_s": round(wall, 1), "cpu_s": round(time.process_time() - cpu, 1)}


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

    def params(bq: Any) -> SearchParams:
        p = bq.params
        return SearchParams(
            q=p.get("q", ""),
            sort=p.get("sort", "relevance"),
            year_from=int(p["year_from"]) if "year_from" in p else None,
            year_to=int(p["year_to"]) if "year_to" in p else None,
            doc_type=p.get("type"),
            page=int(p.get("page", 1)),
        )

    out: dict[str, Any] = {"per_query": {}}
    raw_samples: dict[str, list[float]] = {bq.label: [] for bq in QUERIES}
    our_samples: dict[str, list[float]] = {bq.label: [] for bq in QUERIES}
    for bq in QUERIES:  # one pass first: totals, and every cache filled
        entry: dict[str, Any] = {"engine_total": run(params(bq)).total}
        if bq.raw or bq.raw_term:
            entry["raw_total"] = raw_once(bq)
        out["per_query"][bq.label] = entry
    for _ in range(rounds):
        for bq in QUERIES:
            if bq.raw or bq.raw_term:
                t = time.perf_counter()
                raw_once(bq)
                raw_samples[bq.label].append(time.perf_counter() - t)
            t = time.perf_counter()
            run(params(bq))
            our_samples[bq.label].append(time.perf_counter() - t)
    searcher.close()
    for bq in QUERIES:
        entry = out["per_query"][bq.label]
        entry["engine"] = summary_ms(our_samples[bq.label])
        if raw_samples[bq.label]:
            entry["raw"] = summary_ms(raw_samples[bq.label])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["stats", "raw", "prepare"])
    ap.add_argument("--rounds", type=int, default=10)
    args = ap.parse_args()
    django.setup()
    result = {"stats": _stats, "prepare": _prepare}.get(args.what, lambda: _raw(args.rounds))()
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
