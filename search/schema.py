"""The Whoosh schema of the search index: which haystack field becomes which Whoosh field."""

from __future__ import annotations

from typing import Any

from whoosh import columns
from whoosh.fields import ID as WHOOSH_ID
from whoosh.fields import KEYWORD, NUMERIC, STORED, TEXT, FieldType

from . import analyzers

# Index field names → Whoosh field kinds (search_indexes.py declares the same names).
FIELD_SPECS: dict[str, str] = {
    "text": "text",
    "doc_id": "id_sortable",
    "symbol": "id",
    "doc_type": "id_sortable",
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


class SortColumn(FieldType):
    """A per-document integer kept only as a column (sort keys): no postings, no stored value.

    A NUMERIC field would also index eight tiered terms per value for range queries nobody runs.
    """

    indexed = False
    stored = False
    scorable = False
    unique = False

    def __init__(self) -> None:
        self.format = None
        self.analyzer = None
        self.vector = None
        self.column_type = columns.NumericColumn("I", default=0)

    def to_column_value(self, value: Any) -> int:
        return int(value or 0)

    def from_column_value(self, value: Any) -> int:
        return int(value)


def text_field() -> TEXT:
    # Positions (no character ranges): phrases work; highlighting re-segments a small window.
    return TEXT(analyzer=analyzers.analyzer(), phrase=True, stored=False)


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
