"""The set of index entries a query matches, per segment, fast enough to count and facet every search.

Whoosh answers "which documents match" through its matcher tree, one posting at a time in Python.
Counts and facet counts need the full set on every search, so sets are built here from cached
per-term arrays and combined with Python's set operations, which run in C.  Besides Whoosh's
``Term``/``And``/``Or``/``Not``/``Every`` the compiler's Whoosh builder emits three query kinds of
its own, evaluated only here:

* :class:`Substring` — a phrase: the entries whose stream (:mod:`search.streams`) contains the
  needle.  Candidates are the entries holding every one of a few of its terms (in ``text`` or
  ``text_x``, see :func:`search.analyzers.phrase_terms`), narrowed further by the other conditions
  of an AND; each candidate is then confirmed on its memory-mapped stream.  A needle with no
  terms scans the streams.
* :class:`Prefix` — any indexed word starting with the prefix (``海*``).
* :class:`DocIn` — the entries of a set of documents (``title:`` is resolved to documents first).

Term arrays are cached per segment (segments never change; deletions are subtracted per search)
in an LRU bounded by the number of document numbers held.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from whoosh import query as wq
from whoosh.scoring import bm25
from whoosh.util.numeric import byte_to_length

from . import streams, whoosh_internals
from .schema import EXTRA, STREAM

TEXT = "text"
# Candidate terms a phrase intersects before its streams are read (the rarest ones).
PHRASE_TERMS = 3
# Result sets larger than this are ranked for several terms without scoring every entry.
THRESHOLD_MIN = 5000


class Substring(wq.Query):
    """Entries whose stream contains ``needle``; ``terms`` every such entry holds; ``words`` score it."""

    def __init__(self, needle: str, terms: Sequence[str], words: Sequence[str]) -> None:
        self.needle = needle
        self.terms = tuple(terms)
        self.words = tuple(words)

    def __repr__(self) -> str:
        return f"Substring({self.needle!r}, terms={self.terms!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Substring) and (self.needle, self.terms) == (other.needle, other.terms)

    def __hash__(self) -> int:
        return hash((Substring, self.needle))


class Prefix(wq.Query):
    """Entries holding an indexed word of ``fieldname`` that starts with ``prefix``."""

    def __init__(self, fieldname: str, prefix: str) -> None:
        self.fieldname = fieldname
        self.prefix = prefix

    def __repr__(self) -> str:
        return f"Prefix({self.fieldname!r}, {self.prefix!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Prefix) and (self.fieldname, self.prefix) == (other.fieldname, other.prefix)

    def __hash__(self) -> int:
        return hash((Prefix, self.fieldname, self.prefix))


class DocIn(wq.Query):
    """Entries of the documents whose ids are in ``ids`` (an empty set matches nothing)."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = frozenset(int(i) for i in ids)

    def __repr__(self) -> str:
        return f"DocIn({len(self.ids)} documents)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, DocIn) and self.ids == other.ids

    def __hash__(self) -> int:
        return hash((DocIn, self.ids))


# Upper bound of cached document numbers (4 bytes each in an array).
CACHE_IDS = 4_000_000
_cache: OrderedDict[tuple[str, str, Any], Postings] = OrderedDict()
_cached_ids = 0
_lengths: dict[tuple[str, str], array] = {}
_lock = threading.Lock()


@dataclass
class Postings:
    """A term's postings in one segment: document numbers and, per posting, a score code.

    The code packs the term frequency (capped at 255) and the document's length byte (Whoosh's
    own 256-step length encoding): BM25 depends on nothing else, so scoring a posting list is a
    table lookup per posting instead of a Whoosh matcher call.
    """

    ids: array
    codes: array
    # code → positions in ``ids`` holding it, ascending (built on first ranking, then kept).
    _by_code: dict[int, array] | None = None

    def by_code(self) -> dict[int, array]:
        if self._by_code is None:
            groups: dict[int, array] = {}
            for i, c in enumerate(self.codes):
                group = groups.get(c)
                if group is None:
                    group = groups[c] = array("I")
                group.append(i)
            self._by_code = groups
        return self._by_code


def _postings(leaf: Leaf, fieldname: str, text: Any) -> Postings:
    """All postings (deleted documents included) of ``text`` in ``fieldname`` of one segment."""
    global _cached_ids
    reader = leaf.reader
    key = (leaf.segment_id, fieldname, text)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    ids, codes = array("I"), array("H")
    if (fieldname, text) in reader:
        scorable = reader.schema[fieldname].scorable
        ids, weights = whoosh_internals.postings(reader, fieldname, text, weights=scorable)
        if scorable:
            lengths = leaf.length_bytes(fieldname)
            codes = array("H", ((min(int(w), 255) << 8) | lengths[d] for d, w in zip(ids, weights, strict=True)))
    found = Postings(ids, codes)
    with _lock:
        _cache[key] = found
        _cached_ids += len(ids)
        while _cached_ids > CACHE_IDS and len(_cache) > 1:
            _key, old = _cache.popitem(last=False)
            _cached_ids -= len(old.ids)
    return found


def clear_cache() -> None:
    global _cached_ids
    with _lock:
        _cache.clear()
        _lengths.clear()
        _doc_keys.clear()
        _doc_entries.clear()
        _cached_ids = 0


_doc_keys: dict[str, array] = {}
_doc_entries: dict[str, dict[int, array]] = {}


class Leaf:
    """One segment of a searcher: its reader, its sub-searcher and its first global document number."""

    def __init__(self, searcher: Any, offset: int, folder: str) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self.folder = folder
        self.segment_id = self.reader.segment().segment_id()
        self._universe: set[int] | None = None
        self.deleted: set[int] = set(self.reader.segment().deleted_docs()) if self.reader.has_deletions() else set()

    def length_bytes(self, fieldname: str) -> array:
        """Each document's length byte for ``fieldname`` (cached per segment, like the postings)."""
        key = (self.segment_id, fieldname)
        found = _lengths.get(key)
        if found is None:
            found = whoosh_internals.length_bytes(self.reader, fieldname)
            with _lock:
                _lengths[key] = found
        return found

    def doc_keys(self) -> array:
        """Each entry's document id (the ``doc_key`` column)."""
        found = _doc_keys.get(self.segment_id)
        if found is None:
            found = whoosh_internals.numeric_column(self.reader, "doc_key")
            with _lock:
                _doc_keys[self.segment_id] = found
        return found

    def entries_by_document(self) -> dict[int, array]:
        """Document id → this segment's entries of that document (built once per segment)."""
        found = _doc_entries.get(self.segment_id)
        if found is None:
            found = {}
            for d, key in enumerate(self.doc_keys()):
                entries = found.get(key)
                if entries is None:
                    entries = found[key] = array("I")
                entries.append(d)
            with _lock:
                _doc_entries[self.segment_id] = found
        return found

    def postings(self, fieldname: str, text: Any) -> Postings:
        return _postings(self, fieldname, text)

    @property
    def universe(self) -> set[int]:
        if self._universe is None:
            self._universe = set(range(self.reader.doc_count_all())) - self.deleted
        return self._universe

    def docs(self, q: wq.Query) -> set[int]:
        """Live local document numbers matching ``q`` in this segment."""
        found = self._docs(q)
        return found - self.deleted if self.deleted else found

    def _docs(self, q: wq.Query, within: set[int] | None = None) -> set[int]:
        if isinstance(q, wq.Term):
            return set(self.postings(q.fieldname, q.text).ids)
        if isinstance(q, Substring):
            return self._substring(q, within)
        if isinstance(q, wq.Every):
            return set(self.universe)
        if isinstance(q, wq.Not):
            if isinstance(q.query, wq.Term):
                return self.universe.difference(self.postings(q.query.fieldname, q.query.text).ids)
            return self.universe - self._docs(q.query)
        if isinstance(q, wq.And):
            return self._and(q.subqueries, within)
        if isinstance(q, wq.Or):
            result: set[int] = set()
            for c in q.subqueries:
                if isinstance(c, wq.Term):
                    result.update(self.postings(c.fieldname, c.text).ids)
                else:
                    result |= self._docs(c, within)
            return result
        if isinstance(q, Prefix):
            result = set()
            for term in self.reader.expand_prefix(q.fieldname, q.prefix):
                result.update(self.postings(q.fieldname, term).ids)
            return result
        if isinstance(q, DocIn):
            entries = self.entries_by_document()
            result = set()
            for doc_id in q.ids:
                found = entries.get(doc_id)
                if found is not None:
                    result.update(found)
            return result
        if isinstance(q, wq.NumericRange):
            return set(q.docs(self.searcher))
        raise TypeError(f"search.docsets cannot evaluate {q!r}")

    def _and(self, subqueries: Sequence[wq.Query], within: set[int] | None) -> set[int]:
        # Conditions answered by the index alone first, smallest first; then those with a phrase,
        # longest phrase first, each confirmed only inside what is left.
        positive = [c for c in subqueries if not isinstance(c, wq.Not | wq.Every)]
        negative = [c.query for c in subqueries if isinstance(c, wq.Not)]
        plain = [c for c in positive if not _has_substring(c)]
        phrased = sorted((c for c in positive if _has_substring(c)), key=lambda c: -_needle_length(c))
        result: set[int] | None = within
        # Terms are intersected straight from their posting arrays (in C), rarest first: no set is
        # built for a term in most entries (的, 安全理事会), only for the rarest one.
        terms = sorted(
            (c for c in plain if isinstance(c, wq.Term)), key=lambda c: len(self.postings(c.fieldname, c.text).ids)
        )
        others = [c for c in plain if not isinstance(c, wq.Term)]
        for found in sorted((self._docs(c) for c in others), key=len):
            result = found if result is None else result & found
            if not result:
                return set()
        for c in terms:
            ids = self.postings(c.fieldname, c.text).ids
            # A new set each time: ``within`` belongs to the caller.
            result = set(ids) if result is None else result.intersection(ids)
            if not result:
                return set()
        for c in phrased:
            found = self._docs(c, result)
            result = found if result is None else result & found
            if not result:
                return set()
        if result is None:
            result = set(self.universe)
        for c in negative:
            if not result:
                break
            if isinstance(c, wq.Term):
                result = result.difference(self.postings(c.fieldname, c.text).ids)
            else:
                result -= self._docs(c, result)
        return result

    def _substring(self, q: Substring, within: set[int] | None) -> set[int]:
        """Entries whose stream contains the needle: candidates from the index, confirmed on the stream."""
        found = self._candidates(q)
        if found is None:
            found = within
        elif within is not None:
            found &= within
        data = streams.mapped(self.folder, self.reader, STREAM)
        needle = q.needle.encode()
        if found is None:
            return data.scan(needle)
        return data.matching(needle, found)

    def _candidates(self, q: Substring) -> set[int] | None:
        """The entries holding the rarest few of the phrase's terms (None: it has none)."""
        if not q.terms:
            return None
        sized = []
        for term in q.terms:
            whole, extra = self.postings(TEXT, term), self.postings(EXTRA, term)
            sized.append((len(whole.ids) + len(extra.ids), whole, extra))
        sized.sort(key=itemgetter(0))
        result: set[int] | None = None
        for _n, whole, extra in sized[:PHRASE_TERMS]:
            found = set(whole.ids)
            found.update(extra.ids)
            result = found if result is None else result & found
            if not result:
                break
        return result or set()


def _top_by_threshold(
    leaf: Leaf, final: set[int], stats: list[tuple[str, Any, float, float]], limit: int, b: float, k1: float
) -> list[tuple[float, int]]:
    """The ``limit`` best of a large result set for several terms, without scoring all of it.

    Fagin's threshold algorithm over each term's postings grouped by score code: take the next
    best group of each term in turn, score the new entries fully (the other terms by binary
    search), and stop once the ``limit``-th best score is above what any entry not seen yet could
    reach (the sum of each term's next group score).  Entries holding none of the terms score 0
    and fill the page last, in index order.
    """
    terms = []
    for fieldname, text, idf, avgfl in stats:
        p = leaf.postings(fieldname, text)
        if not p.codes:
            continue
        groups = p.by_code()
        table = {c: bm25(idf, c >> 8, byte_to_length(c & 255), avgfl, b, k1) for c in groups}
        terms.append((p.ids, p.codes, groups, table, sorted(groups, key=table.__getitem__, reverse=True)))
    heap: list[tuple[float, int]] = []  # (score, -docnum): the worst of the best at heap[0]
    seen: set[int] = set()
    pointers = [0] * len(terms)

    def score(d: int) -> float:
        total = 0.0
        for ids, codes, _groups, table, _order in terms:
            i = bisect_left(ids, d)
            if i < len(ids) and ids[i] == d:
                total += table[codes[i]]
        return total

    while True:
        for t, (ids, _codes, groups, _table, order) in enumerate(terms):
            if pointers[t] >= len(order):
                continue
            code = order[pointers[t]]
            pointers[t] += 1
            for i in groups[code]:
                d = ids[i]
                if d in final and d not in seen:
                    seen.add(d)
                    item = (score(d), -d)
                    if len(heap) < limit:
                        heapq.heappush(heap, item)
                    elif item > heap[0]:
                        heapq.heapreplace(heap, item)
        bound = sum(
            table[order[i]] for (_ids, _c, _g, table, order), i in zip(terms, pointers, strict=True) if i < len(order)
        )
        exhausted = all(i >= len(order) for (*_rest, order), i in zip(terms, pointers, strict=True))
        if exhausted or (len(heap) == limit and heap[0][0] > bound):
            break
    off = leaf.offset
    found = [(sc, -neg + off) for sc, neg in sorted(heap, reverse=True)]
    if len(found) < limit:
        found += [(0.0, d + off) for d in heapq.nsmallest(limit - len(found), final - seen)]
    return found


def _has_substring(q: wq.Query) -> bool:
    if isinstance(q, Substring):
        return True
    if isinstance(q, wq.And | wq.Or):
        return any(_has_substring(c) for c in q.subqueries)
    return isinstance(q, wq.Not) and _has_substring(q.query)


def _needle_length(q: wq.Query) -> int:
    if isinstance(q, Substring):
        return len(q.needle)
    if isinstance(q, wq.And | wq.Or):
        return max((_needle_length(c) for c in q.subqueries), default=0)
    return 0


def leaves(searcher: Any, folder: str) -> list[Leaf]:
    """The segments of a searcher; empty ones (a merge of deleted entries leaves such) are skipped."""
    subs = getattr(searcher, "subsearchers", None) or [(searcher, 0)]
    return [Leaf(s, offset, folder) for s, offset in subs if s.reader().doc_count_all()]


def rank(
    searcher: Any,
    finals: list[tuple[Leaf, set[int]]],
    terms: list[tuple[str, Any]],
    limit: int,
) -> list[tuple[float, int]]:
    """The ``limit`` best (BM25 score, global docnum) among ``finals``, best first.

    Scores are Whoosh's BM25F (same idf, average length, B and K1), summed over the query's
    positive terms present in a document.  Ties keep index order, like Whoosh.
    """
    weighting = searcher.weighting
    b, k1 = getattr(weighting, "B", 0.75), getattr(weighting, "K1", 1.2)
    stats = []
    for fieldname, text in terms:
        avgfl = searcher.avg_field_length(fieldname) or 1
        stats.append((fieldname, text, searcher.idf(fieldname, text), avgfl))
    best: list[tuple[float, int]] = []
    for leaf, final in finals:
        if not final:
            continue
        if len(stats) == 1:
            # One scoring term: a posting's score depends only on its code, so walk the codes from
            # the best score down and stop as soon as ``limit`` postings in the result set are seen.
            fieldname, text, idf, avgfl = stats[0]
            p = leaf.postings(fieldname, text)
            groups = p.by_code()
            ranked = sorted(
                ((bm25(idf, c >> 8, byte_to_length(c & 255), avgfl, b, k1), c) for c in groups), reverse=True
            )
            ids, off = p.ids, leaf.offset
            kept: list[tuple[float, int]] = []
            for score, c in ranked:
                for i in groups[c]:
                    d = ids[i]
                    if d in final:
                        kept.append((score, d + off))
                        if len(kept) == limit:
                            break
                if len(kept) == limit:
                    break
            if len(kept) < limit and len(kept) < len(final):
                # Entries that matched without holding the term (a phrase confirmed on its stream,
                # the term only straddling words there) score nothing but are results all the same.
                seen = {d - off for _score, d in kept}
                kept += [(0.0, d + off) for d in heapq.nsmallest(limit - len(kept), final - seen)]
            best += kept
            continue
        if len(final) > THRESHOLD_MIN:
            best += _top_by_threshold(leaf, final, stats, limit, b, k1)
            continue
        acc = dict.fromkeys(final, 0.0)
        for fieldname, text, idf, avgfl in stats:
            p = leaf.postings(fieldname, text)
            ids, codes = p.ids, p.codes
            if not codes:
                continue
            table = {c: bm25(idf, c >> 8, byte_to_length(c & 255), avgfl, b, k1) for c in set(codes)}
            n = len(ids)
            if len(acc) * 16 < n:
                for d in acc:  # few candidates, long posting list: look each one up
                    i = bisect_left(ids, d)
                    if i < n and ids[i] == d:
                        acc[d] += table[codes[i]]
            else:
                # The term's scores as a dict built in C, then one pass over the candidates.
                scored = dict(zip(ids, map(table.__getitem__, codes), strict=True))
                get = scored.get
                acc = {d: score + get(d, 0.0) for d, score in acc.items()}
        off = leaf.offset
        best += [(score, d + off) for d, score in heapq.nlargest(limit, acc.items(), key=itemgetter(1))]
    # Ties keep index order (earlier document number first), like Whoosh.
    return sorted(best, key=lambda item: (-item[0], item[1]))[:limit]
