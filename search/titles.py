"""``title:`` queries: which published documents' titles match, resolved in our code for both engines.

A title belongs to a document, not to each of its paragraphs, so it is not indexed once per entry
(a fifth more postings for a rare query); a ``title:`` part becomes "the entries of these
documents" instead (``DocIn`` / an Elasticsearch ``terms`` filter on ``doc_id``).  Title semantics
are those of the text: words (each a word or a part of a word of the title), a prefix, or a quoted
phrase (the title's stream contains it).

The table (document id → title stream) is small and cached per process like the glossary: a
change in this process clears it at once, other processes pick it up within :data:`TTL` seconds.
Words are only cut for titles whose stream contains them, and those cuts are cached.
"""

from __future__ import annotations

import functools

from django.db.models.signals import post_delete, post_save

from archive.models import Document

from . import analyzers
from .refreshing import Refreshing

TTL = 30.0


def _load() -> list[tuple[int, str, str]]:
    """(document id, title, title stream) of every searchable document."""
    rows = Document.objects.published().with_text().values_list("pk", "title")
    # Re-read every TTL seconds; the streams of titles seen before are not computed again.
    return [(pk, title, _stream(title or "")) for pk, title in rows]


_titles = Refreshing(_load, TTL)
invalidate = _titles.invalidate


@functools.lru_cache(maxsize=50_000)
def _stream(title: str) -> str:
    return analyzers.stream(title)


@functools.lru_cache(maxsize=20_000)
def _terms(title: str) -> frozenset[str]:
    return frozenset(analyzers.analyze(title).terms)


def matching(kind: str, text: str) -> set[int]:
    """Ids of the documents whose title matches: ``kind`` is words (space-separated), prefix or phrase."""
    table = _titles.get()
    if kind == "phrase":
        return {pk for pk, _title, s in table if text in s}
    words = text.split()
    # Cut words only for titles whose stream has the characters at all (a few of thousands).
    first = text if kind == "prefix" else max(words, key=len)
    candidates = [(pk, title) for pk, title, s in table if first in s]
    if kind == "prefix":
        return {pk for pk, title in candidates if any(t.startswith(text) for t in _terms(title))}
    return {pk for pk, title in candidates if _terms(title).issuperset(words)}


post_save.connect(invalidate, sender=Document, dispatch_uid="search.titles.saved")
post_delete.connect(invalidate, sender=Document, dispatch_uid="search.titles.deleted")
