"""Per-segment arrays behind facet counts and date sorting, read once per segment and cached.

For every index entry of a segment: its year, its document type (as a small code) and the codes
of the symbols it cites (from the ``cites_list`` column, one read for the segment); the date sort
keys and orders (newest first, oldest first; ties keep a document's blocks together in reading
order) are built when first needed — newest first by the warm-up.  Counting a facet over a result
set is then ``Counter(map(...))`` over these arrays, in C, instead of a Whoosh column lookup per
matching entry.

Segments never change once written (deletions are handled by the result sets), so the arrays are
keyed by segment id and only new segments cost anything after a live update.
"""

from __future__ import annotations

import heapq
import threading
from array import array
from dataclasses import dataclass
from typing import Any

from . import streams
from .docsets import Leaf
from .schema import CITES_LIST
from .whoosh_internals import numeric_column

# Sort key layout: date (yyyymmdd, 25 bits) | document id (21 bits) | position (17 bits).
_DOC_BITS, _POS_BITS = 21, 17
_MAX_DATE = (1 << 25) - 1


# Year and type packed in one number, so one pass counts both when no filter separates them.
TYPE_BITS = 5


@dataclass
class Arrays:
    year: array
    dtype: array
    yeartype: array
    cites: list[tuple[int, ...]]
    # Entries that cite anything: most do not, and their empty tuples need not be visited.
    citing: set[int]
    # For the date sort keys: newest first is built by the warm-up (searches without words and
    # prefix searches come in date order), oldest first on the first search that asks for it.
    dates: array
    docs: array
    positions: array
    _keys: dict[bool, array] | None = None

    def _sort_keys(self, oldest: bool) -> array:
        if self._keys is None:
            self._keys = {}
        found = self._keys.get(oldest)
        if found is None:
            doc_mask, pos_mask = (1 << _DOC_BITS) - 1, (1 << _POS_BITS) - 1
            low = [(k & doc_mask) << _POS_BITS | (p & pos_mask) for k, p in zip(self.docs, self.positions, strict=True)]
            shift = _DOC_BITS + _POS_BITS
            if oldest:
                found = array("Q", (d << shift | lo for d, lo in zip(self.dates, low, strict=True)))
            else:
                found = array("Q", ((_MAX_DATE - d) << shift | lo for d, lo in zip(self.dates, low, strict=True)))
            self._keys[oldest] = found
        return found

    @property
    def newest(self) -> array:
        return self._sort_keys(False)

    @property
    def oldest(self) -> array:
        return self._sort_keys(True)

    _orders: dict[bool, array] | None = None

    def order(self, oldest: bool) -> array:
        """The segment's entries in date order (ties: a document's blocks in reading order)."""
        if self._orders is None:
            self._orders = {}
        found = self._orders.get(oldest)
        if found is None:
            key = self.oldest if oldest else self.newest
            found = self._orders[oldest] = array("I", sorted(range(len(key)), key=key.__getitem__))
        return found

    def first(self, final: set[int], n: int, oldest: bool = False) -> list[int]:
        """The ``n`` newest (or oldest) entries of ``final``.

        A large result set is read off the segment's order until ``n`` are found (a few dozen
        entries for tens of thousands of results); a small one is sorted by its keys.
        """
        key = self.oldest if oldest else self.newest
        if len(final) * 64 < len(key):
            return heapq.nsmallest(n, final, key=key.__getitem__)
        found: list[int] = []
        for d in self.order(oldest):
            if d in final:
                found.append(d)
                if len(found) == n:
                    break
        return found


# Codes are process-wide so that counts from different segments add up.
cite_codes: dict[str, int] = {}
cite_symbols: list[str] = []
type_codes: dict[str, int] = {}
type_values: list[str] = []
_lock = threading.Lock()
_cache: dict[tuple[str, str, int], Arrays] = {}


def _code(table: dict[str, int], values: list[str], value: str) -> int:
    code = table.get(value)
    if code is None:
        code = table[value] = len(values)
        values.append(value)
    return code


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value or "")


def _build(leaf: Leaf, path: str) -> Arrays:
    reader = leaf.reader
    n = reader.doc_count_all()
    dates = numeric_column(reader, "sortdate")
    year = array("H", (min(d // 10000, 65535) for d in dates))
    dtype = array("B", bytes(n))
    cites: list[Any] = [()] * n
    with _lock:
        if "doc_type" in set(reader.indexed_field_names()):
            for term in reader.lexicon("doc_type"):  # a handful of types: the public way is fine
                ids = reader.postings("doc_type", term).all_ids()
                code = _code(type_codes, type_values, _text(term))
                if code >= 1 << TYPE_BITS:
                    raise ValueError("more document types than facets.TYPE_BITS can hold")
                for d in ids:
                    dtype[d] = code
        # One column for all cited symbols, not one posting list per symbol.
        for d, value in streams.mapped(path, reader, CITES_LIST).values():
            cites[d] = tuple(_code(cite_codes, cite_symbols, symbol) for symbol in value.decode().split(","))
    yeartype = array("I", (y << TYPE_BITS | t for y, t in zip(year, dtype, strict=True)))
    citing = {d for d, c in enumerate(cites) if c}
    positions = numeric_column(reader, "position")
    return Arrays(year, dtype, yeartype, cites, citing, dates, leaf.doc_keys(), positions)


def arrays_for(leaf: Leaf, path: str) -> Arrays:
    """The arrays of one segment, indexed by its local document numbers."""
    reader = leaf.reader
    key = (path, reader.segment().segment_id(), reader.doc_count_all())
    found = _cache.get(key)
    if found is None:
        found = _build(leaf, path)
        with _lock:
            _cache[key] = found
    return found


def forget_segments(path: str, live: set[str]) -> None:
    """Drop the arrays of segments that merges or a rebuild have removed."""
    with _lock:
        for stale in [k for k in _cache if k[0] == path and k[1] not in live]:
            del _cache[stale]
