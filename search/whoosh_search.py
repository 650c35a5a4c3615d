"""One page of search results from the embedded Whoosh index: hits, counts, facets.

Steps (the shared ones live in :mod:`search.engine`):

1. compile the query against the open reader (:class:`search.compiler.WhooshBuilder`);
2. per segment, the set of matching entries (:mod:`search.docsets`: cached posting arrays combined
   with set operations; phrases confirmed on memory-mapped streams) — for the total and the facet
   counts (:mod:`search.facets`: year and type counts ignore their own filter, so a reader can
   switch between them; the cited-symbol counts describe the current results);
3. rank the page: Whoosh's BM25F from a per-term score table (:func:`search.docsets.rank`), or
   date order from cached sort keys;
4. hits through the database (:func:`search.engine.fill_page`).
"""

from __future__ import annotations

import heapq
from collections import Counter
from itertools import chain
from typing import Any

from whoosh import query as wq

from . import docsets, facets, streams
from .compiler import TEXT, WhooshBuilder
from .docsets import Substring
from .engine import Outcome, SearchParams, compile_query, fill_page, no_results, set_counts
from .highlight import Mark, is_function_character
from .query import ParsedQuery


def execute(
    be: Any,
    params: SearchParams,
    parsed: ParsedQuery,
    text_root: Any,
    filters: list[tuple[str, str]],
    outcome: Outcome,
) -> Outcome:
    # A damaged segment shows up only when read: the searcher turns that into SearchUnavailable.
    # The page's blocks come from the database afterwards, outside it: an error there is no
    # damaged index.
    with be.searcher() as searcher:
        page = _execute(searcher, be.path, params, text_root, filters, outcome)
    if page is not None:
        fill_page(outcome, *page)
    return outcome


def positive_part(q: wq.Query) -> wq.Query | None:
    """``q`` without its negations (and match-alls): what a document's score is made of."""
    if isinstance(q, wq.Not | wq.Every):
        return None
    if isinstance(q, wq.And | wq.Or):
        parts = [p for p in (positive_part(c) for c in q.subqueries) if p is not None]
        if not parts:
            return None
        if len(parts) == len(q.subqueries) and all(a is b for a, b in zip(parts, q.subqueries, strict=True)):
            return q
        return parts[0] if len(parts) == 1 else type(q)(parts)
    return q


def scoring_terms(q: wq.Query | None) -> list[tuple[str, Any]]:
    """The (field, word) pairs of the text that a result's relevance is computed from."""
    found: list[tuple[str, Any]] = []

    def walk(node: wq.Query | None) -> None:
        if isinstance(node, wq.Term) and node.fieldname == TEXT:
            # 的, 和 … are in nearly every block: required when typed, but no help in ranking, and
            # scoring their posting lists would cost more than all the other words together.
            if not is_function_character(node.text):
                found.append((TEXT, node.text))
        elif isinstance(node, Substring):
            found.extend((TEXT, w) for w in node.words)
        elif isinstance(node, wq.And | wq.Or):
            for child in node.subqueries:
                walk(child)

    walk(q)
    return list(dict.fromkeys(found))


# One page of hits as read from the index: stored fields, scores, what to highlight.
_Page = tuple[list[dict[str, Any]], list[float | None], set[Mark]]


class _Segment:
    """One segment's share of a search: its arrays and the entries each condition leaves."""

    def __init__(self, leaf: docsets.Leaf, arrays: facets.Arrays) -> None:
        self.leaf = leaf
        self.arrays = arrays
        self.final: set[int] = set()


def _execute(
    searcher: Any,
    path: str,
    params: SearchParams,
    text_root: Any,
    filters: list[tuple[str, str]],
    outcome: Outcome,
) -> _Page | None:
    """Counts, facets and notes into ``outcome``; the page's stored entries, if anything matched."""
    compiled = compile_query(WhooshBuilder(searcher.reader()), text_root, outcome)
    text_q = compiled.query
    if text_q is None and text_root is not None and not filters:
        # Everything typed was dropped as malformed: nothing to search for.
        no_results(outcome, compiled)
        return None
    must = [q for q in (text_q, *(wq.Term(f, v) for f, v in filters)) if q is not None]
    base_q = must[0] if len(must) == 1 else (wq.And(must) if must else wq.Every())

    # Year and type filters apply on the per-segment arrays so that each facet can ignore its own.
    lo, hi = params.year_from or 0, params.year_to or 65535
    year_on = bool(params.year_from or params.year_to)
    type_code = facets.type_codes.get(params.doc_type, -1) if params.doc_type else None
    year_counts: Counter[int] = Counter()
    type_counts: Counter[int] = Counter()
    cite_counts: Counter[int] = Counter()
    leaves = docsets.leaves(searcher, path)
    live = {leaf.segment_id for leaf in leaves}
    facets.forget_segments(path, live)
    streams.forget(path, live)
    segments: list[_Segment] = []
    for leaf in leaves:
        seg = _Segment(leaf, facets.arrays_for(leaf, path))
        base = leaf.docs(base_q)
        years, dtypes = seg.arrays.year, seg.arrays.dtype
        in_years = {d for d in base if lo <= years[d] <= hi} if year_on else base
        in_type = {d for d in base if dtypes[d] == type_code} if type_code is not None else base
        final = in_years & in_type if year_on and type_code is not None else (in_years if year_on else in_type)
        if year_on or type_code is not None:
            year_counts.update(map(years.__getitem__, in_type))
            type_counts.update(map(dtypes.__getitem__, in_years))
        else:
            for packed, n in Counter(map(seg.arrays.yeartype.__getitem__, final)).items():
                year_counts[packed >> facets.TYPE_BITS] += n
                type_counts[packed & ((1 << facets.TYPE_BITS) - 1)] += n
        cite_counts.update(chain.from_iterable(map(seg.arrays.cites.__getitem__, final & seg.arrays.citing)))
        seg.final = final
        segments.append(seg)

    set_counts(
        outcome,
        sum(len(seg.final) for seg in segments),
        year_counts,
        Counter({facets.type_values[code]: n for code, n in type_counts.items()}),
        Counter({facets.cite_symbols[code]: n for code, n in cite_counts.items()}),
    )
    if not outcome.total:

        def count(dropped: frozenset[str]) -> int:
            return _count_without(segments, text_q, filters, params, dropped)

        no_results(outcome, compiled, count)
        return None

    params.page = min(params.page, outcome.num_pages)
    start = (params.page - 1) * params.per_page
    end = start + params.per_page
    score_q = positive_part(base_q) if text_q is not None else None
    terms = scoring_terms(score_q)
    scores: dict[int, float] = {}
    if params.sort == "relevance" and terms:
        ranked = docsets.rank(searcher, [(seg.leaf, seg.final) for seg in segments], terms, end)
        page_docs = [d for _score, d in ranked[start:end]]
        scores = {d: score for score, d in ranked[start:end]}
    else:
        candidates: list[tuple[int, int]] = []
        for seg in segments:
            oldest = params.sort == "oldest"
            key = seg.arrays.oldest if oldest else seg.arrays.newest
            nearest = seg.arrays.first(seg.final, end, oldest)
            candidates += [(key[d], d + seg.leaf.offset) for d in nearest]
        page_docs = [d for _key, d in heapq.nsmallest(end, candidates)][start:end]

    stored = [searcher.stored_fields(d) for d in page_docs]
    return stored, [scores.get(d) for d in page_docs], compiled.highlight


def _count_without(
    segments: list[_Segment],
    text_q: Any,
    filters: list[tuple[str, str]],
    params: SearchParams,
    dropped: frozenset[str],
) -> int:
    """The total with the ``dropped`` filters left out (only asked when nothing matched)."""
    names = {"doc_id": "document", "cites": "cites"}
    kept = [wq.Term(f, v) for f, v in filters if names.get(f, f) not in dropped]
    must = [q for q in (text_q, *kept) if q is not None]
    q = must[0] if len(must) == 1 else (wq.And(must) if must else wq.Every())
    lo, hi = params.year_from or 0, params.year_to or 65535
    year_on = bool(params.year_from or params.year_to) and "year" not in dropped
    type_code = facets.type_codes.get(params.doc_type, -1) if params.doc_type and "type" not in dropped else None
    total = 0
    for seg in segments:
        found = seg.leaf.docs(q)
        if year_on:
            found = {d for d in found if lo <= seg.arrays.year[d] <= hi}
        if type_code is not None:
            found = {d for d in found if seg.arrays.dtype[d] == type_code}
        total += len(found)
    return total
