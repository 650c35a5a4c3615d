"""Per-segment arrays behind facet counts and date sorting, read once per segment and cached.

For every index entry of a segment: its year, its document type (as a small code), two sort keys
(newest first, oldest first; ties keep a document's blocks together in reading order) and the
codes of the symbols it cites.  Counting a facet over a result set is then ``Counter(map(...))``
over these arrays, in C, instead of a Whoosh column lookup per matching entry.

Segments never change once written (deletions are handled by the result sets), so the arrays are
keyed by segment id and only new segments cost anything after a live update.
"""

from __future__ import annotations

import threading
from array import array
from dataclasses import dataclass
from typing import Any

from .docsets import Leaf, field_postings
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
    newest: array
    oldest: array
    cites: list[tuple[int, ...]]
    # Entries that cite anything: most do not, and their empty tuples need not be visited.
    citing: set[int]


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


def _build(leaf: Leaf) -> Arrays:
    reader = leaf.reader
    n = reader.doc_count_all()
    dates = numeric_column(reader, "sortdate")
    docs = leaf.doc_keys()
    positions = numeric_column(reader, "position")
    year = array("H", (min(d // 10000, 65535) for d in dates))
    dtype = array("B", bytes(n))
    cites: list[Any] = [()] * n
    fields = set(reader.indexed_field_names())
    with _lock:
        if "doc_type" in fields:
            for term, ids in field_postings(reader, "doc_type"):
                code = _code(type_codes, type_values, _text(term))
                if code >= 1 << TYPE_BITS:
                    raise ValueError("more document types than facets.TYPE_BITS can hold")
                for d in ids:
                    dtype[d] = code
        if "cites" in fields:
            for term, ids in field_postings(reader, "cites"):
                code = _code(cite_codes, cite_symbols, _text(term))
                for d in ids:
                    cites[d] = (*cites[d], code)
    doc_mask, pos_mask = (1 << _DOC_BITS) - 1, (1 << _POS_BITS) - 1
    low = [(k & doc_mask) << _POS_BITS | (p & pos_mask) for k, p in zip(docs, positions, strict=True)]
    shift = _DOC_BITS + _POS_BITS
    oldest = array("Q", (d << shift | lo for d, lo in zip(dates, low, strict=True)))
    newest = array("Q", ((_MAX_DATE - d) << shift | lo for d, lo in zip(dates, low, strict=True)))
    yeartype = array("I", (y << TYPE_BITS | t for y, t in zip(year, dtype, strict=True)))
    citing = {d for d, c in enumerate(cites) if c}
    return Arrays(year, dtype, yeartype, newest, oldest, cites, citing)


def arrays_for(leaf: Leaf, path: str) -> Arrays:
    """The arrays of one segment, indexed by its local document numbers."""
    reader = leaf.reader
    key = (path, reader.segment().segment_id(), reader.doc_count_all())
    found = _cache.get(key)
    if found is None:
        found = _build(leaf)
        with _lock:
            _cache[key] = found
    return found


def forget_segments(path: str, live: set[str]) -> None:
    """Drop the arrays of segments that merges or a rebuild have removed."""
    with _lock:
        for stale in [k for k in _cache if k[0] == path and k[1] not in live]:
            del _cache[stale]
