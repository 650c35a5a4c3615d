"""Fixtures shared by the search tests (imported by the other test_search_* modules).

Every test that touches the index gets an empty one at the start (the test run's data directory is
shared, so the index directory is wiped per test) and waits for the writer queue to drain before
and after, so no test sees another's pending updates.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from archive.models import Document
from search import backends, glossary, indexing


def index_path() -> Path:
    return Path(settings.HAYSTACK_CONNECTIONS["default"]["PATH"])


@pytest.fixture
def fresh_index():
    """An empty index directory for this test; the writer queue idle before and after."""
    assert indexing.queue.wait_idle(60), "index updates of an earlier test are still pending"
    backends.commit_sessions()
    shutil.rmtree(index_path(), ignore_errors=True)
    glossary.invalidate()
    yield index_path()
    indexing.queue.wait_idle(60)
    backends.commit_sessions()  # a rebuild's bulk session must not outlive its test
    shutil.rmtree(index_path(), ignore_errors=True)
    glossary.invalidate()


def build_index() -> None:
    """The whole index from the database, as an operator would build it.

    The command's bulk load commits when its process exits; in the test process, at once.
    """
    call_command("rebuild_index", interactive=False, verbosity=0)
    backends.commit_sessions()


@pytest.fixture
def indexed_seeds(seeds, fresh_index):
    """The five seed documents, indexed; returns {"000": Document, ...} like ``seeds``."""
    build_index()
    return seeds


def wait_for_index(timeout: float = 10.0) -> None:
    """Block until every queued index update is written (fails the test after ``timeout``)."""
    assert indexing.queue.wait_idle(timeout), f"index not updated within {timeout} s"


def test_indexed_seeds_fixture_indexes_every_current_block(indexed_seeds):
    from search.management.commands.index_drift import database_entries, index_entries

    expected = database_entries()
    actual, duplicates = index_entries()
    assert set(actual) == set(expected) and not duplicates
    assert len(expected) > 400
    assert Document.objects.with_text().count() == 5


@pytest.fixture
def use_elasticsearch(monkeypatch):
    """Point the site's search at the Elasticsearch index named by a SEARCH_URL, for this test.

    Returns a function ``(search_url) -> backend``; the connection is built by the same settings
    code production uses, and everything (views, index queue, commands) goes through it.
    """
    from haystack import connections

    from config.settings.base import elasticsearch_connection

    assert indexing.queue.wait_idle(60), "index updates of an earlier test are still pending"

    # A new alias per connection: haystack caches backends per thread and alias.
    alias = f"elasticsearch-{uuid.uuid4().hex[:8]}"

    def connect(search_url: str):
        connections.connections_info[alias] = elasticsearch_connection(search_url)
        monkeypatch.setattr(indexing, "USING", alias)
        glossary.invalidate()
        return connections.reload(alias).get_backend()

    yield connect
    # Back to Whoosh first: updates still retrying against an unreachable server land there.
    monkeypatch.undo()
    indexing.queue.wait_idle(60)
    connections.connections_info.pop(alias, None)
    glossary.invalidate()
