"""Whoosh writers for our index: text analysed once per entry, lengths read once per field, lock back-off.

Every entry is written through :class:`FastSegmentWriter` (live updates, repairs, and each
sub-process of a bulk load, :class:`search.whoosh_internals.ParallelWriter`): it analyses the block
text once (:func:`search.analyzers.analyze`) and hands Whoosh the three derived fields ready-made,
instead of letting each field's analyzer cut the same text with jieba again.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from typing import Any

from whoosh.index import FileIndex, LockError
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from . import analyzers
from .schema import CITES_LIST, EXTRA, STREAM
from .whoosh_internals import ParallelWriter

# Memory for a writer's posting pool before it spills sorted runs to disk (Whoosh's estimate: a
# process grows by about twice this; the bulk session runs one writer per core).
POOL_MB = 64
# A live write (an import, an edit, a repair) merges only segments with fewer entries than this,
# and only when MERGE_FACTOR segments of the same size tier have gathered.
LIVE_MERGE_MAX = 10_000
MERGE_FACTOR = 10


class _CachedLengths:
    """A per-document reader whose field lengths are read once per field, not once per posting.

    Whoosh's field writer asks for the document's field length for every posting it writes (for
    block-max scoring); each answer is a column lookup through a file.
    """

    def __init__(self, pdr: Any) -> None:
        self._pdr = pdr
        self._lengths: dict[str, list[int]] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        lengths = self._lengths.get(fieldname)
        if lengths is None:
            get = self._pdr.doc_field_length
            lengths = self._lengths[fieldname] = [get(d, fieldname, 0) for d in range(self._pdr.doc_count_all())]
        return lengths[docnum] if docnum < len(lengths) else default

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pdr, name)


class FastSegmentWriter(SegmentWriter):
    def add_document(self, **fields: Any) -> None:
        text = fields.get("text")
        if isinstance(text, str):
            analysis = analyzers.analyze(text)
            fields["text"] = analysis.terms
            fields[EXTRA] = sorted(analysis.extra)
            fields[STREAM] = analysis.column
        fields[CITES_LIST] = str(fields.get("cites") or "").encode()
        super().add_document(**fields)

    def per_document_reader(self) -> Any:
        return _CachedLengths(super().per_document_reader())


def merge_small_segments(writer: SegmentWriter, segments: list[Any]) -> list[Any]:
    """The merge policy of live writes: segments of one size tier merged once there are ten of them.

    A tier is the number of decimal digits of a segment's entry count; segments of
    :data:`LIVE_MERGE_MAX` entries or more are left to a rebuild (or ``optimize``).  Each entry
    is so rewritten about once per tier, and a commit merges at most ten segments of one tier.
    Whoosh's MERGE_SMALL counted every segment together: with nine long reports held, the commit
    of a tenth merged them all, and each import cost as much as rewriting the archive (70
    CPU-seconds for a 5 MB report instead of 14).
    """
    tiers: dict[int, list[Any]] = defaultdict(list)
    for segment in segments:
        count = segment.doc_count_all()
        if count < LIVE_MERGE_MAX:
            tiers[len(str(count))].append(segment)
    for tier in sorted(tiers):
        group = tiers[tier]
        if len(group) >= MERGE_FACTOR:
            for segment in group:
                reader = SegmentReader(writer.storage, writer.schema, segment)
                writer.add_reader(reader)
                reader.close()
            return [s for s in segments if s not in group]
    return segments


def parallel_writer(ix: FileIndex, procs: int) -> ParallelWriter:
    return ParallelWriter(ix, procs=procs, writer_class=FastSegmentWriter, limitmb=POOL_MB)


def retry(make: Any, timeout: float) -> Any:
    """Call ``make()`` until it stops raising LockError, with jittered back-off; then re-raise."""
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        try:
            return make()
        except LockError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(delay * (0.5 + random.random()))
            delay = min(delay * 2, 1.0)
