"""Whoosh writers for our index: lengths read once per field, parallel sub-writers, lock back-off."""

from __future__ import annotations

import random
import time
from typing import Any

from whoosh.index import FileIndex, LockError
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import SegmentWriter

# Memory for a writer's posting pool before it spills sorted runs to disk.
POOL_MB = 384


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
    def per_document_reader(self) -> Any:
        return _CachedLengths(super().per_document_reader())


class _SubWriterTask(SubWriterTask):
    """Whoosh's multiprocessing sub-writer, writing its own segment with :class:`FastSegmentWriter`."""

    def run(self) -> None:  # SubWriterTask.run's protocol, multisegment mode only
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = FastSegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=60)


class ParallelWriter(MpWriter):
    """Whoosh's MpWriter in multisegment mode: N forked processes segment and write N segments.

    jieba and Whoosh's posting writer are both pure Python, so on a 2-core machine the only way to
    use the second core for a rebuild is a second process doing the whole job for half the documents.
    """

    def __init__(self, ix: FileIndex, procs: int, **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, batchsize=250, multisegment=True, **kwargs)

    def _new_task(self) -> SubWriterTask:
        task = _SubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True)
        self.tasks.append(task)
        task.start()
        return task

    def per_document_reader(self) -> Any:
        return _CachedLengths(super().per_document_reader())


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
