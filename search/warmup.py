"""Warming the search caches when a server worker starts, and what a search does meanwhile.

The first search after a start or a rebuild needs per-segment arrays (facets, sort keys, field
lengths) and the postings of its words; each gunicorn worker builds the arrays in a background
thread right after it forks (``config/gunicorn.py``; ``SEARCH_WARM_UP=0`` turns it off).  A
search arriving meanwhile waits for the warm-up at most :data:`WAIT` seconds; if it is still
running then, :class:`WarmingUp` is raised and the page says the search is getting ready and
reloads itself, instead of hanging.  Where no warm-up was started (tests, ``runserver``,
management commands) searches build what they need themselves.
"""

from __future__ import annotations

import gc
import logging
import threading
import time

log = logging.getLogger(__name__)

# How long a search waits for a warm-up in progress before the page says "getting ready".
WAIT = 0.5
_started = threading.Event()
_done = threading.Event()
_lock = threading.Lock()
seconds: float | None = None  # how long the last warm-up took (for the logs and the benchmark)


class WarmingUp(Exception):
    """A search came in while this worker's search caches were still being built."""


def start() -> threading.Thread:
    """Warm the search caches in a background thread (each gunicorn worker, after its fork)."""
    with _lock:
        _started.set()
        _done.clear()
    thread = threading.Thread(target=_run, name="search-warm-up", daemon=True)
    thread.start()
    return thread


def _run() -> None:
    from . import engine

    try:
        engine.warm_up()  # looked up at call time: tests replace it
    finally:
        _done.set()


def in_progress() -> bool:
    return _started.is_set() and not _done.is_set()


def wait(timeout: float | None = None) -> None:
    """Return once no warm-up is running (at most ``timeout``, default :data:`WAIT`); else raise WarmingUp."""
    if not in_progress():
        return
    if not _done.wait(WAIT if timeout is None else timeout):
        raise WarmingUp()


def warm_up() -> None:
    """Build the per-segment arrays before the first search needs them (Whoosh only).

    Facet arrays, BM25 field lengths and the newest-first order: about 0.5 s of one core per
    worker at 10,000 documents.
    """
    global seconds
    from . import docsets, facets
    from .backends import SearchUnavailable
    from .indexing import backend

    be = backend()
    if getattr(be, "engine_name", "") != "whoosh":
        return  # Elasticsearch keeps its own caches warm
    started = time.perf_counter()
    try:
        with be.searcher() as searcher:
            for leaf in docsets.leaves(searcher, be.path):
                facets.arrays_for(leaf, be.path).order(oldest=False)
                leaf.length_bytes(docsets.TEXT)
    except SearchUnavailable:
        log.info("search warm-up skipped: index unavailable")
        return
    # The arrays are hundreds of thousands of objects that live as long as the process: out of the
    # garbage collector's way, or every full collection walks them (pauses of tens of ms).
    gc.freeze()
    seconds = time.perf_counter() - started
    log.info("search caches warmed in %.2f s", seconds)
