"""One page of search results from Elasticsearch: the same hits, counts and facets as the Whoosh engine.

Steps (the shared ones live in :mod:`search.engine`):

1. compile the query twice with :class:`~search.elastic.query.ElasticBuilder`: a dry run collects
   the words whose presence in the index decides the query's shape, one request answers for all
   of them, and the real compilation uses the answers — as Whoosh asks its reader;
2. one search request: the query and exact filters in ``query``; the year and type filters in
   ``post_filter``, so that each facet's aggregation can leave its own filter out (a reader can
   switch years or types), while the cited-symbol counts describe the results shown;
3. hits become :class:`~search.engine.Hit` through the database, as on Whoosh.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from ..compiler import Compiler
from ..engine import CITES_FACET_SIZE, Outcome, SearchParams, compile_query, fill_page, no_results, set_counts
from ..glossary import current as current_glossary
from ..query import Node, ParsedQuery
from .query import ElasticBuilder

YEARS_FACET_SIZE = 500
TYPES_FACET_SIZE = 50

# Reading order inside a document: ties broken the same way in every sort.
_READING_ORDER = [{"doc_key": "asc"}, {"position": "asc"}]


def sort_clause(params: SearchParams, scored: bool) -> list[Any]:
    if params.sort == "relevance" and scored:
        return ["_score", *_READING_ORDER]
    return [{"sortdate": "asc" if params.sort == "oldest" else "desc"}, *_READING_ORDER]


def request_body(
    query: dict[str, Any] | None,
    filters: list[tuple[str, str]],
    params: SearchParams,
) -> dict[str, Any]:
    """The search request for ``params``: page of hits, total and the three facets."""
    clauses: dict[str, Any] = {"filter": [{"term": {f: v}} for f, v in filters]}
    if query is not None:
        clauses["must"] = [query]
    year = (
        {"range": {"year": {"gte": params.year_from or 0, "lte": params.year_to or 65535}}}
        if params.year_from or params.year_to
        else None
    )
    doc_type = {"term": {"doc_type": params.doc_type}} if params.doc_type else None

    def only(*conditions: dict[str, Any] | None) -> dict[str, Any]:
        present = [c for c in conditions if c is not None]
        return {"bool": {"filter": present}} if present else {"match_all": {}}

    def facet(field: str, size: int, *conditions: dict[str, Any] | None) -> dict[str, Any]:
        return {"filter": only(*conditions), "aggs": {"values": {"terms": {"field": field, "size": size}}}}

    return {
        "query": {"bool": clauses},
        "post_filter": only(year, doc_type),
        "aggs": {
            "years": facet("year", YEARS_FACET_SIZE, doc_type),
            "types": facet("doc_type", TYPES_FACET_SIZE, year),
            "cites": facet("cites", CITES_FACET_SIZE, year, doc_type),
        },
        "track_total_hits": True,
        "sort": sort_clause(params, scored=query is not None),
        "from": (params.page - 1) * params.per_page,
        "size": params.per_page,
        "_source": ["django_ct", "django_id"],
    }


def count_body(
    query: dict[str, Any] | None,
    filters: list[tuple[str, str]],
    params: SearchParams,
    dropped: frozenset[str],
) -> dict[str, Any]:
    """A request for the total only, with the ``dropped`` filters (search.engine.FILTERS) left out."""
    names = {"doc_id": "document", "cites": "cites"}
    conditions: list[dict[str, Any]] = [{"term": {f: v}} for f, v in filters if names.get(f, f) not in dropped]
    if (params.year_from or params.year_to) and "year" not in dropped:
        conditions.append({"range": {"year": {"gte": params.year_from or 0, "lte": params.year_to or 65535}}})
    if params.doc_type and "type" not in dropped:
        conditions.append({"term": {"doc_type": params.doc_type}})
    clauses: dict[str, Any] = {"filter": conditions}
    if query is not None:
        clauses["must"] = [query]
    return {"query": {"bool": clauses}, "size": 0, "track_total_hits": True}


def read_counts(raw: dict[str, Any]) -> tuple[int, Counter[int], Counter[str], Counter[str]]:
    """Total and facet counts from a search response."""
    aggs = raw.get("aggregations", {})

    def buckets(name: str) -> list[dict[str, Any]]:
        return aggs.get(name, {}).get("values", {}).get("buckets", [])

    total = raw.get("hits", {}).get("total", {}).get("value", 0)
    years = Counter({int(b["key"]): b["doc_count"] for b in buckets("years")})
    types = Counter({str(b["key"]): b["doc_count"] for b in buckets("types")})
    cites = Counter({str(b["key"]): b["doc_count"] for b in buckets("cites")})
    return total, years, types, cites


def words_to_look_up(text_root: Node | None) -> list[str]:
    """The words the compiler will ask the index about (a dry run that resolves nothing)."""
    builder = ElasticBuilder()
    Compiler(builder, current_glossary(), lambda key: None).compile(text_root)
    return builder.asked


def execute(
    be: Any,
    params: SearchParams,
    parsed: ParsedQuery,
    text_root: Node | None,
    filters: list[tuple[str, str]],
    outcome: Outcome,
) -> Outcome:
    builder = ElasticBuilder(be.known_words(words_to_look_up(text_root)))
    compiled = compile_query(builder, text_root, outcome)
    if compiled.query is None and text_root is not None and not filters:
        # Everything typed was dropped as malformed: nothing to search for.
        return no_results(outcome, compiled)
    body = request_body(compiled.query, filters, params)
    raw = be.run_query(body)
    set_counts(outcome, *read_counts(raw))
    if not outcome.total:

        def count(dropped: frozenset[str]) -> int:
            answer = be.run_query(count_body(compiled.query, filters, params, dropped))
            return answer.get("hits", {}).get("total", {}).get("value", 0)

        return no_results(outcome, compiled, count)
    if params.page > outcome.num_pages:
        # Past the last page: show the last one, as the Whoosh engine does.
        params.page = outcome.num_pages
        body.pop("aggs")
        body.update({"from": (params.page - 1) * params.per_page, "track_total_hits": False})
        raw["hits"] = be.run_query(body)["hits"]
    hits = raw.get("hits", {}).get("hits", [])
    fill_page(outcome, [h["_source"] for h in hits], [h.get("_score") for h in hits], compiled.highlight)
    return outcome
