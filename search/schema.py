"""The Whoosh schema of the search index: which haystack field becomes which Whoosh field.

Three fields are derived from the block text by our writers (:mod:`search.writers`) rather than
declared in ``search_indexes.py``: ``text`` holds the words and their parts (with frequencies,
for BM25; no positions — phrases are confirmed on the stream), ``text_x`` the dictionary words
that straddle two words, ``stream`` the phrase stream (:mod:`search.streams`), and
``cites_list`` the cited symbols again, as a column (for the facet arrays).
"""

from __future__ import annotations

from typing import Any

from whoosh import columns, formats
from whoosh.analysis import IDTokenizer
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import KEYWORD, NUMERIC, STORED, TEXT, FieldType

from . import analyzers
from .streams import StreamColumn

# Derived at write time (see module docstring).
EXTRA = "text_x"
STREAM = "stream"
CITES_LIST = "cites_list"

# Index field names → Whoosh field kinds (search_indexes.py declares the same names).
FIELD_SPECS: dict[str, str] = {
    "text": "text",
    "doc_id": "id_sortable",
    "symbol": "id",
    "doc_type": "id_sortable",
    "lang": "id",
    "status": "stored",
    "kind": "stored",
    "cites": "keyword",
    "year": "year",
    "sortdate": "column",
    "doc_key": "column",
    "position": "column",
    "title": "stored",
    "date": "stored",
    "anchor": "stored",
    "url": "stored",
    "digest": "stored",
}


class ColumnOnly(FieldType):
    """A value kept per entry as a column only: no postings, no stored value."""

    indexed = False
    stored = False
    scorable = False
    unique = False

    def __init__(self, column: columns.Column) -> None:
        self.format = None
        self.analyzer = None
        self.vector = None
        self.column_type = column


class SortColumn(ColumnOnly):
    """A per-document integer (sort keys).

    A NUMERIC field would also index eight tiered terms per value for range queries nobody runs.
    """

    def __init__(self) -> None:
        super().__init__(columns.NumericColumn("I", default=0))

    def to_column_value(self, value: Any) -> int:
        return int(value or 0)

    def from_column_value(self, value: Any) -> int:
        return int(value)


class BytesField(ColumnOnly):
    """Bytes (:mod:`search.streams`): the phrase stream, the cited symbols."""

    def __init__(self) -> None:
        super().__init__(StreamColumn())

    def to_column_value(self, value: Any) -> bytes:
        return value if isinstance(value, bytes) else str(value or "").encode()

    def from_column_value(self, value: Any) -> bytes:
        return value


class TermSet(FieldType):
    """Terms without frequencies or positions: only which entries hold them (phrase candidates)."""

    indexed = True
    stored = False
    scorable = False
    unique = False

    def __init__(self) -> None:
        self.format = formats.Existence()
        self.analyzer = IDTokenizer()
        self.vector = None
        self.column_type = None


def text_field() -> TEXT:
    # Frequencies for BM25, no positions: phrases are confirmed on the stream, not by positions.
    return TEXT(analyzer=analyzers.analyzer(), phrase=False, stored=False)


def derived_fields() -> dict[str, Any]:
    return {EXTRA: TermSet(), STREAM: BytesField(), CITES_LIST: BytesField()}


def make_field(kind: str) -> Any:
    if kind == "text":
        return text_field()
    if kind == "id":
        return WHOOSH_ID(stored=True)
    if kind == "id_sortable":
        return WHOOSH_ID(stored=True, sortable=True)
    if kind == "keyword":
        return KEYWORD(stored=True, commas=True, scorable=False, lowercase=False)
    if kind == "year":
        # One term per value (shift_step = bits): a year range spans a few dozen values at most.
        return NUMERIC(numtype=int, bits=16, shift_step=16, signed=False, stored=True, sortable=True)
    if kind == "column":
        return SortColumn()
    return STORED()
