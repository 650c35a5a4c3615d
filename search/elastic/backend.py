"""haystack's Elasticsearch 7 backend, subclassed so that Elasticsearch sees the tokens Whoosh sees.

What changes against ``haystack.backends.elasticsearch7_backend`` (site-packages is never patched):

* **Tokens.**  jieba runs in our code (:func:`search.analyzers.analyze`: folding, the UN
  vocabulary, precise cut): ``text`` holds the precise words joined by spaces and is analysed by a
  plain ``whitespace`` analyzer; ``text_parts`` holds the words' parts, which Whoosh keeps in its
  ``text`` field too.  ``text_grams`` holds the character pairs of the phrase stream
  (:func:`search.analyzers.grams`) with positions: a phrase is a ``match_phrase`` over its pairs,
  which is exactly "the block's stream contains the phrase's stream", the test Whoosh makes on its
  stored streams.  haystack's default mapping (snowball) would cut Chinese into single characters.
* **Mapping.**  Set once, when the index is created, from the same field list as the Whoosh schema
  (``search.schema.FIELD_SPECS``); ``dynamic: strict`` refuses a field the mapping does not know.
  An index created with another mapping is reported, not silently reused: ``rebuild_index``.
* **Writes.**  :meth:`rewrite_documents` indexes a document's blocks first and then deletes its
  entries that are no longer current, so a reader never finds a re-imported document missing.
* **Failures.**  A connection error, a timeout or a missing index raises
  :class:`search.backends.SearchUnavailable` on the reading side; writes raise, and the index queue
  retries them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import elasticsearch
from elasticsearch.helpers import bulk, scan
from haystack.backends import BaseEngine
from haystack.backends.elasticsearch7_backend import Elasticsearch7SearchBackend, Elasticsearch7SearchQuery
from haystack.constants import DJANGO_CT, DJANGO_ID, ID

from .. import analyzers
from ..backends import SearchUnavailable, chunked, prepare_entries
from ..schema import FIELD_SPECS

log = logging.getLogger(__name__)

TEXT = "text"
PARTS = "text_parts"
GRAMS = "text_grams"
WORDS_ANALYZER = "jieba_words"
# Entries sent in one bulk request when a document is rewritten.
WRITE_CHUNK = 500

# Our index field kinds (search/schema.py) → Elasticsearch field mappings.
KIND_MAPPINGS: dict[str, dict[str, Any]] = {
    # Frequencies for BM25; phrases use text_grams, so no positions here.
    "text": {"type": "text", "analyzer": WORDS_ANALYZER, "index_options": "freqs"},
    "id": {"type": "keyword"},
    "id_sortable": {"type": "keyword"},
    "keyword": {"type": "keyword"},
    "year": {"type": "integer"},
    # Sort keys: columns only (doc values), no postings, as in the Whoosh schema.
    "column": {"type": "integer", "index": False},
    # Shown or compared, never searched: kept in _source only.
    "stored": {"type": "keyword", "index": False, "doc_values": False},
}


def index_settings() -> dict[str, Any]:
    return {
        "analysis": {
            # The words arrive cut and folded by our code; Elasticsearch only splits at the spaces.
            "analyzer": {WORDS_ANALYZER: {"type": "custom", "tokenizer": "whitespace"}},
        },
    }


def index_mapping() -> dict[str, Any]:
    properties: dict[str, Any] = {
        ID: {"type": "keyword"},
        DJANGO_CT: {"type": "keyword"},
        DJANGO_ID: {"type": "keyword"},
        # Sub-words: matched as terms, never in phrases, so no positions.
        PARTS: {"type": "text", "analyzer": WORDS_ANALYZER, "index_options": "freqs"},
        # Character pairs of the phrase stream, with positions (match_phrase), not scored.
        GRAMS: {"type": "text", "analyzer": WORDS_ANALYZER, "index_options": "positions", "norms": False},
    }
    for name, kind in FIELD_SPECS.items():
        properties[name] = dict(KIND_MAPPINGS[kind])
    # The analysis the entries were cut with: an index cut otherwise is stale (rebuild_index).
    return {"dynamic": "strict", "_meta": {"format": analyzers.fingerprint()}, "properties": properties}


def segmented(doc: dict[str, Any]) -> dict[str, Any]:
    """An index entry with its text as Elasticsearch gets it: jieba's words, parts, stream pairs."""
    text = doc.get(TEXT) or ""
    words, parts = analyzers.index_terms(text)
    return {**doc, TEXT: " ".join(words), PARTS: " ".join(parts), GRAMS: " ".join(analyzers.grams(text))}


class JiebaElasticsearchSearchBackend(Elasticsearch7SearchBackend):
    engine_name = "elasticsearch"

    def __init__(self, connection_alias: str, **connection_options: Any) -> None:
        super().__init__(connection_alias, **connection_options)
        self.content_field_name = TEXT

    # -- the index -------------------------------------------------------------------------------

    def setup(self) -> None:
        """Create the index with our settings and mapping if it does not exist; check it if it does."""
        try:
            if not self.conn.indices.exists(index=self.index_name):
                # 400: another application server created it a moment ago.
                self.conn.indices.create(
                    index=self.index_name,
                    body={"settings": index_settings(), "mappings": index_mapping()},
                    ignore=400,
                )
            self._check_mapping()
        except elasticsearch.ElasticsearchException as exc:
            raise SearchUnavailable(f"Elasticsearch index {self.index_name!r} unavailable: {exc!r}") from exc
        self.setup_complete = True

    def _check_mapping(self) -> None:
        found = self.conn.indices.get_mapping(index=self.index_name)
        mappings = next(iter(found.values()), {}).get("mappings", {})
        properties = mappings.get("properties", {})
        wanted = index_mapping()
        differs = sorted(
            k for k, v in wanted["properties"].items() if {**v, **properties.get(k, {})} != properties.get(k)
        )
        if mappings.get("_meta", {}).get("format") != wanted["_meta"]["format"]:
            differs.append("_meta.format")
        if differs:
            raise SearchUnavailable(
                f"Elasticsearch index {self.index_name!r} was created with another mapping "
                f"(fields {', '.join(differs)}); run `manage.py rebuild_index`."
            )

    def index_exists(self) -> bool:
        return bool(self.conn.indices.exists(index=self.index_name))

    def clear(self, models: Sequence[Any] | None = None, commit: bool = True) -> None:
        if models:
            return super().clear(models, commit)
        self.conn.indices.delete(index=self.index_name, ignore=404)
        self.setup_complete = False
        self.existing_mapping = {}

    # -- writing ---------------------------------------------------------------------------------

    def prepare_documents(self, index: Any, iterable: Iterable[Any]) -> list[dict[str, Any]]:
        return [segmented(doc) for doc in prepare_entries(index, iterable, self._from_python)]

    def _index(self, docs: Sequence[dict[str, Any]], timeout: float | None = None) -> None:
        actions = ({"_op_type": "index", "_index": self.index_name, "_id": d[ID], "_source": d} for d in docs)
        bulk(self.conn, actions, request_timeout=timeout or self.timeout)

    def update(self, index: Any, iterable: Iterable[Any], commit: bool = True) -> None:
        if not self.setup_complete:
            self.setup()
        docs = self.prepare_documents(index, iterable)
        if docs:
            self._index(docs)
        if commit:
            self.conn.indices.refresh(index=self.index_name)

    def rewrite_documents(
        self,
        doc_ids: Sequence[int],
        keys: Sequence[str],
        read: Callable[[], Iterable[dict[str, Any]]],
        timeout: float | None = None,
    ) -> int:
        """Replace every entry of ``doc_ids`` (and drop ``keys``) by what ``read()`` yields.

        New entries go in first, then the old ones that are not among them go: a search between
        the two steps finds the document (twice at worst for a moment, never not at all).
        Elasticsearch has no single writer, so two servers rewriting the same document at the
        same instant may leave the older state; ``index_drift`` reports and repairs that.
        """
        if not self.setup_complete:
            self.setup()
        current: list[str] = []
        # Sent as read, a bulk request at a time: a long document is never held whole.
        for docs in chunked(read(), WRITE_CHUNK):
            self._index(docs, timeout)
            current += [d[ID] for d in docs]
        gone: list[dict[str, Any]] = []
        if doc_ids:
            gone.append(
                {
                    "bool": {
                        "filter": [{"terms": {"doc_id": [str(i) for i in doc_ids]}}],
                        "must_not": [{"ids": {"values": current}}],
                    }
                }
            )
        dropped = [k for k in keys if k not in set(current)]
        if dropped:
            gone.append({"ids": {"values": dropped}})
        if gone:
            self.conn.delete_by_query(
                index=self.index_name,
                body={"query": {"bool": {"should": gone, "minimum_should_match": 1}}},
                conflicts="proceed",
                refresh=True,
                request_timeout=timeout or self.timeout,
            )
        else:
            self.conn.indices.refresh(index=self.index_name)
        return len(current)

    # -- reading ---------------------------------------------------------------------------------

    def run_query(self, body: dict[str, Any]) -> dict[str, Any]:
        """One search request; SearchUnavailable when Elasticsearch cannot answer it."""
        try:
            return self.conn.search(index=self.index_name, body=body, request_timeout=self.timeout)
        except elasticsearch.NotFoundError as exc:
            raise SearchUnavailable(f"Elasticsearch index {self.index_name!r} missing") from exc
        except elasticsearch.ElasticsearchException as exc:
            log.warning("Elasticsearch search failed: %r", exc)
            raise SearchUnavailable(repr(exc)) from exc

    def known_words(self, words: Sequence[str]) -> dict[str, bool]:
        """Which of ``words`` the index holds, whole or as a sub-word (one request for all)."""
        words = list(dict.fromkeys(words))
        if not words:
            return {}
        aggs = {
            f"w{i}": {"filter": {"bool": {"should": [{"term": {TEXT: w}}, {"term": {PARTS: w}}]}}}
            for i, w in enumerate(words)
        }
        raw = self.run_query({"size": 0, "track_total_hits": False, "aggs": aggs})
        found = raw.get("aggregations", {})
        return {w: found.get(f"w{i}", {}).get("doc_count", 0) > 0 for i, w in enumerate(words)}

    def indexed_document_ids(self) -> set[int]:
        """The ids of the documents the index holds entries of (for the drift check), a page at a time."""
        found: set[int] = set()
        body: dict[str, Any] = {
            "size": 0,
            "aggs": {"docs": {"composite": {"size": 2000, "sources": [{"doc": {"terms": {"field": "doc_id"}}}]}}},
        }
        try:
            if not self.index_exists():
                raise SearchUnavailable(f"Elasticsearch index {self.index_name!r} missing")
            while True:
                page = self.conn.search(index=self.index_name, body=body, request_timeout=self.timeout)
                docs = page["aggregations"]["docs"]
                found.update(int(b["key"]["doc"]) for b in docs["buckets"] if str(b["key"]["doc"]).isdigit())
                if "after_key" not in docs or not docs["buckets"]:
                    return found
                body["aggs"]["docs"]["composite"]["after"] = docs["after_key"]
        except elasticsearch.ElasticsearchException as exc:
            raise SearchUnavailable(repr(exc)) from exc

    def stored_entries(self, doc_ids: Iterable[int] | None = None) -> Iterator[dict[str, Any]]:
        """id, digest and doc_id of every entry, or of the entries of ``doc_ids`` (for the drift check)."""
        wanted = None if doc_ids is None else [str(i) for i in doc_ids]
        if wanted == []:
            return
        try:
            if not self.index_exists():
                raise SearchUnavailable(f"Elasticsearch index {self.index_name!r} missing")
            match = {"match_all": {}} if wanted is None else {"terms": {"doc_id": wanted}}
            query = {"query": match, "_source": [ID, "digest", "doc_id"]}
            for hit in scan(self.conn, query=query, index=self.index_name, size=2000):
                yield hit["_source"]
        except elasticsearch.ElasticsearchException as exc:
            raise SearchUnavailable(repr(exc)) from exc


class JiebaElasticsearchEngine(BaseEngine):
    backend = JiebaElasticsearchSearchBackend
    query = Elasticsearch7SearchQuery
