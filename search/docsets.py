"""The set of index entries a query matches, per segment, fast enough to count and facet every search.

Whoosh answers "which documents match" through its matcher tree, one posting at a time in Python,
and decodes each posting block whole (positions included) to read its document numbers.  Counts
and facet counts need the full set on every search, so for the query shapes our compiler emits
(terms combined with AND / OR / NOT) sets are built from cached per-term arrays and combined with
Python's set operations, which run in C.  Anything else (phrases, ranges) is asked of Whoosh,
after a cheap check that its terms co-occur at all.

Term arrays are cached per segment (segments never change; deletions are subtracted per search)
in an LRU bounded by the number of document numbers held.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from whoosh import query as wq
from whoosh.scoring import bm25
from whoosh.util.numeric import byte_to_length, length_to_byte

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
    key = (reader.segment().segment_id(), fieldname, text)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    ids, codes = array("I"), array("H")
    if (fieldname, text) in reader:
        matcher = reader.postings(fieldname, text)
        lengths = leaf.length_bytes(fieldname) if reader.schema[fieldname].scorable else None
        if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
            # Block by block: each block decodes once, instead of three Python calls per posting.
            while matcher.is_active():
                matcher._read_ids()
                ids.extend(matcher._ids)
                if lengths is not None:
                    matcher._read_weights()
                    codes.extend(
                        (min(int(w), 255) << 8) | lengths[d]
                        for d, w in zip(matcher._ids, matcher._weights, strict=True)
                    )
                if matcher._lastblock:
                    break
                matcher._next_block()
        else:
            while matcher.is_active():
                d = matcher.id()
                ids.append(d)
                if lengths is not None:
                    codes.append((min(int(matcher.weight()), 255) << 8) | lengths[d])
                matcher.next()
    found = Postings(ids, codes)
    with _lock:
        _cache[key] = found
        _cached_ids += len(ids)
        while _cached_ids > CACHE_IDS and len(_cache) > 1:
            _key, old = _cache.popitem(last=False)
            _cached_ids -= len(old.ids)
    return found


def field_postings(reader: Any, fieldname: str) -> Iterator[tuple[Any, Sequence[int]]]:
    """(term, local document numbers) for every term of a field, in one pass over its terms.

    For facet arrays: a field like ``cites`` has thousands of rare terms, whose postings Whoosh
    keeps inside the term table; reading them from there avoids a lookup and a matcher per term.
    Not cached (each term is needed once per segment).
    """
    for text, info in reader.iter_field(fieldname):
        inlined = info.inlined_postings() if hasattr(info, "is_inlined") and info.is_inlined() else None
        if inlined is not None:
            yield text, inlined[0]
        else:
            yield text, array("I", reader.postings(fieldname, text).all_ids())


def clear_cache() -> None:
    global _cached_ids
    with _lock:
        _cache.clear()
        _lengths.clear()
        _cached_ids = 0


class Leaf:
    """One segment of a searcher: its reader, its sub-searcher and its first global document number."""

    def __init__(self, searcher: Any, offset: int) -> None:
        self.searcher = searcher
        self.reader = searcher.reader()
        self.offset = offset
        self._universe: set[int] | None = None
        self.deleted: set[int] = set(self.reader.segment().deleted_docs()) if self.reader.has_deletions() else set()

    def length_bytes(self, fieldname: str) -> array:
        """Each document's length byte for ``fieldname`` (cached per segment, like the postings)."""
        key = (self.reader.segment().segment_id(), fieldname)
        with _lock:
            found = _lengths.get(key)
        if found is None:
            dfl = self.reader.doc_field_length
            found = array("B", (length_to_byte(dfl(d, fieldname, 0)) for d in range(self.reader.doc_count_all())))
            with _lock:
                _lengths[key] = found
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

    def _docs(self, q: wq.Query) -> set[int]:
        if isinstance(q, wq.Term):
            return set(self.postings(q.fieldname, q.text).ids)
        if isinstance(q, wq.Every):
            return set(self.universe)
        if isinstance(q, wq.Not):
            return self.universe - self._docs(q.query)
        if isinstance(q, wq.And):
            positive = [c for c in q.subqueries if not isinstance(c, wq.Not | wq.Every)]
            negative = [c.query for c in q.subqueries if isinstance(c, wq.Not)]
            if positive:
                sets = sorted((self._docs(c) for c in positive), key=len)
                result = sets[0].intersection(*sets[1:]) if len(sets) > 1 else sets[0]
            else:
                result = set(self.universe)
            for c in negative:
                if not result:
                    break
                result -= self._docs(c)
            return result
        if isinstance(q, wq.Or):
            result: set[int] = set()
            for c in q.subqueries:
                result |= self._docs(c)
            return result
        if isinstance(q, wq.Phrase):
            # Only ask Whoosh (positions, slow) when the words occur together at all.
            sets = sorted((set(self.postings(q.fieldname, w).ids) for w in q.words), key=len)
            if not sets or not sets[0].intersection(*sets[1:]):
                return set()
        return set(q.docs(self.searcher))


def leaves(searcher: Any) -> list[Leaf]:
    subs = getattr(searcher, "subsearchers", None)
    if subs:
        return [Leaf(s, offset) for s, offset in subs]
    return [Leaf(searcher, 0)]


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
            best += kept
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
                for d, c in zip(ids, codes, strict=True):
                    if d in acc:
                        acc[d] += table[c]
        off = leaf.offset
        best += [(score, d + off) for d, score in heapq.nlargest(limit, acc.items(), key=itemgetter(1))]
    # Ties keep index order (earlier document number first), like Whoosh.
    return sorted(best, key=lambda item: (-item[0], item[1]))[:limit]
