"""The compiler's decisions (:mod:`search.compiler`) spelled as Elasticsearch query DSL."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from .backend import GRAMS, PARTS, TEXT

Q = dict[str, Any]


class ElasticBuilder:
    """Query DSL for :class:`search.compiler.Compiler`.

    ``known`` answers "does the index hold this word whole?" from one request made before
    compiling (:meth:`JiebaElasticsearchSearchBackend.known_words`); a word it has no answer for
    is searched both whole and as its parts.  ``asked`` collects the words the compiler wanted to
    know about, which is how that request learns what to ask.
    """

    def __init__(self, known: Mapping[str, bool] | None = None) -> None:
        self._known = known or {}
        self.asked: list[str] = []

    def known(self, word: str) -> bool | None:
        self.asked.append(word)
        return self._known.get(word)

    def term(self, field: str, value: str) -> Q:
        if field == TEXT:
            # A word whole, or as a sub-word of a longer one (Whoosh keeps both in one field).
            return {"dis_max": {"queries": [{"term": {TEXT: value}}, {"term": {PARTS: value}}]}}
        return {"term": {field: value}}

    def substring(self, needle: str, terms: Sequence[str], words: Sequence[str]) -> Q:
        # The block's stream contains the needle ⇔ the needle's character pairs stand in a row in
        # the block's pairs.  One character: some pair starts with it (streams end with "|").
        pairs = [needle[i : i + 2] for i in range(len(needle) - 1)]
        if not pairs:
            return {"prefix": {GRAMS: needle}}
        return {"match_phrase": {GRAMS: {"query": " ".join(pairs), "slop": 0}}}

    def prefix(self, prefix: str) -> Q:
        return {
            "bool": {"should": [{"prefix": {TEXT: prefix}}, {"prefix": {PARTS: prefix}}], "minimum_should_match": 1}
        }

    def documents(self, ids: Collection[int]) -> Q:
        if not ids:
            return {"bool": {"must_not": [{"match_all": {}}]}}
        return {"terms": {"doc_id": sorted(str(i) for i in ids)}}

    def all_of(self, queries: Sequence[Q]) -> Q:
        return {"bool": {"must": list(queries)}}

    def any_of(self, queries: Sequence[Q]) -> Q:
        return {"bool": {"should": list(queries), "minimum_should_match": 1}}

    def negate(self, query: Q) -> Q:
        return {"bool": {"must_not": [query]}}

    def is_negation(self, query: Q) -> bool:
        return list(query) == ["bool"] and list(query["bool"]) == ["must_not"]

    def everything(self) -> Q:
        return {"match_all": {}}

    def year_range(self, first: int, last: int) -> Q:
        return {"range": {"year": {"gte": first, "lte": last}}}
