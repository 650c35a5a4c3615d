"""Every use of Whoosh 2.7.4's private parts, in one module, each checked by :func:`check`.

The search engine reads Whoosh's files in ways its public API does not offer; each is here, with
the reason it is worth its cost (ARCHITECTURE.md has the same list with figures):

* :func:`postings` — a term's document numbers and weights a block at a time.  The public way is
  a Python call per posting (``id()``, ``weight()``, ``next()``): three calls for each of millions
  of postings, the bulk of a search's time before this engine cached arrays.
* :func:`numeric_column` and :func:`length_bytes` — a whole per-document column as one array
  (years, sort keys, BM25's field lengths).  The public reader answers one document per call:
  seconds at 10,000 documents, on the first search after every start.
* :func:`column_region` — where a column's bytes lie on disk, so the phrase streams
  (:mod:`search.streams`) are memory-mapped and searched in place instead of copied into every
  worker.
* :func:`toc_path` — the file that names the current generation, whose identity tells a pooled
  searcher that a rebuild replaced the index under it.
* :func:`is_damage` — which of Whoosh's exceptions mean a damaged index file (one of them is a
  bare ``Exception`` told apart by its message), so search can say "unavailable" instead of 500.
* :class:`ParallelWriter` — Whoosh's multiprocessing writer in multisegment mode, with sub-writers
  that analyse text our way, and a commit that refuses to lose a sub-writer's segment (Whoosh's
  own waits one second for each and silently drops a late one).

:func:`check` compares what these functions rely on with the installed Whoosh and raises
:class:`WhooshInternalsChanged` naming the difference; the backend runs it before it first opens
an index and the test suite runs it on every build.  Nothing here falls back to a slower public
path: a changed Whoosh must fail loudly, not answer differently.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import struct
import sys
import zlib
from array import array
from typing import Any

import whoosh
from whoosh import columns
from whoosh.codec import whoosh3
from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.structfile import StructFile
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.reading import SegmentReader, TermNotFound
from whoosh.util import random_name
from whoosh.writing import SegmentWriter

EXPECTED_VERSION = (2, 7, 4)
_NUMERIC_CODES = "bBhHiIlLqQ"


class WhooshInternalsChanged(RuntimeError):
    """The installed Whoosh is not shaped the way this module reads it."""


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise WhooshInternalsChanged(
            f"Whoosh {'.'.join(map(str, whoosh.__version__))} differs from 2.7.4 in what search/whoosh_internals.py "
            f"relies on: {what}. Pin Whoosh==2.7.4 or adapt that module (and its test)."
        )


_checked = False


def check() -> None:
    """Raise :class:`WhooshInternalsChanged` unless Whoosh has every private part used here."""
    global _checked
    if _checked:
        return
    _require(tuple(whoosh.__version__[:3]) == EXPECTED_VERSION, f"version {whoosh.__version__}")
    leaf = whoosh3.W3LeafMatcher
    for name in ("_read_ids", "_read_weights", "_next_block"):
        _require(callable(getattr(leaf, name, None)), f"W3LeafMatcher.{name}()")
    _require(hasattr(whoosh3.W3TermInfo, "inlined_postings"), "W3TermInfo.inlined_postings()")
    _require(hasattr(whoosh3.W3TermInfo, "is_inlined"), "W3TermInfo.is_inlined()")
    _require(callable(getattr(SegmentReader, "_text_to_bytes", None)), "SegmentReader._text_to_bytes()")
    _require(hasattr(whoosh3.W3Codec, "column_filename"), "W3Codec.column_filename()")
    _require(isinstance(getattr(whoosh3, "LENGTHS_COLUMN", None), columns.NumericColumn), "whoosh3.LENGTHS_COLUMN")
    _require(callable(getattr(whoosh3, "_lenfield", None)), "whoosh3._lenfield()")
    _require(hasattr(CompoundStorage, "range"), "CompoundStorage.range()")
    _require(getattr(whoosh3.W3Segment, "COMPOUND_EXT", None) == ".seg", "Segment.COMPOUND_EXT == '.seg'")
    for name in ("_new_task", "_commit", "_merge_segments", "_commit_toc", "_finish", "_finalize_segment"):
        _require(callable(getattr(MpWriter, name, None)), f"MpWriter.{name}()")
    _require(callable(getattr(SubWriterTask, "_process_file", None)), "SubWriterTask._process_file()")
    _checked = True


# --- damaged files ----------------------------------------------------------------------------------

# What reading a damaged segment raises (found by truncating segments and overwriting each of their
# parts with random bytes, tests/test_search_failures.py): short reads (struct.error, EOFError,
# OSError), offsets past the end (IndexError, ValueError), garbage compressed or pickled blocks
# (zlib.error, pickle.UnpicklingError, KeyError), a term dictionary naming terms the postings lack
# (TermNotFound), and nonsense numbers in a column (OverflowError when they become sort keys).
DAMAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    EOFError,
    struct.error,
    zlib.error,
    pickle.UnpicklingError,
    TermNotFound,
    IndexError,
    KeyError,
    ValueError,
    OverflowError,
)
# Whoosh 2.7.4 reports a postings block with the wrong header as a bare Exception with this message.
BLOCK_TAG_ERROR = "Block tag error"


def is_damage(exc: BaseException) -> bool:
    """Whether ``exc``, raised while reading the index, says that the index files are damaged."""
    if isinstance(exc, DAMAGE_ERRORS):
        return True
    return type(exc) is Exception and str(exc).startswith(BLOCK_TAG_ERROR)


# --- postings --------------------------------------------------------------------------------------


def postings(reader: Any, fieldname: str, text: Any, weights: bool) -> tuple[array, list[float]]:
    """Document numbers (deleted ones included) and, if asked, weights of one term in one segment."""
    ids = array("I")
    out_weights: list[float] = []
    btext = reader._text_to_bytes(fieldname, text)
    fieldobj = reader.schema[fieldname]
    info = reader.term_info(fieldname, text)
    if info.is_inlined():
        inlined_ids, inlined_weights, _values = info.inlined_postings()
        ids.extend(inlined_ids)
        if weights:
            out_weights.extend(inlined_weights)
        return ids, out_weights
    _require(hasattr(reader, "_terms"), "SegmentReader._terms (the segment's terms reader)")
    matcher = reader._terms.matcher(fieldname, btext, fieldobj.format)
    _require(isinstance(matcher, whoosh3.W3LeafMatcher), f"a term's matcher is a W3LeafMatcher, not {type(matcher)}")
    while matcher.is_active():
        matcher._read_ids()
        ids.extend(matcher._ids)
        if weights:
            matcher._read_weights()
            out_weights.extend(matcher._weights)
        if matcher._lastblock:
            break
        matcher._next_block()
    return ids, out_weights


# --- per-document columns ----------------------------------------------------------------------------


def _raw_numeric(reader: Any, fieldname: str, column: Any = None) -> array:
    if column is None:
        raw = reader.column_reader(fieldname, translate=False)
    else:  # a column with no schema field (field lengths): through the segment's per-document reader
        _require(hasattr(reader, "_perdoc"), "SegmentReader._perdoc (the per-document reader)")
        if not reader._perdoc.has_column(fieldname):
            return array("B")
        raw = reader._perdoc.column_reader(fieldname, column)
    if isinstance(raw, columns.EmptyColumnReader):
        return array("B")
    for name in ("_dbfile", "_basepos", "_count", "_typecode", "_default"):
        _require(hasattr(raw, name), f"NumericColumn.Reader.{name}")
    _require(raw._typecode in _NUMERIC_CODES, f"numeric column typecode {raw._typecode!r}")
    values = array(raw._typecode)
    values.frombytes(raw._dbfile.get(raw._basepos, raw._count * values.itemsize))
    if sys.byteorder == "little" and values.itemsize > 1:
        values.byteswap()  # NumericColumn stores big-endian values
    values.extend([raw._default] * (reader.doc_count_all() - len(values)))
    return values


def numeric_column(reader: Any, fieldname: str) -> array:
    """A numeric column of one segment as an array indexed by document number."""
    return _raw_numeric(reader, fieldname)


def length_bytes(reader: Any, fieldname: str) -> array:
    """Each document's length byte for ``fieldname`` (Whoosh's encoding, see ``length_to_byte``)."""
    values = _raw_numeric(reader, whoosh3._lenfield(fieldname), whoosh3.LENGTHS_COLUMN)
    if not values:
        return array("B", bytes(reader.doc_count_all()))
    _require(values.typecode == "B", "field lengths are one byte per document")
    return values


def column_region(folder: str, segment: Any, fieldname: str) -> tuple[str, int, int]:
    """(file path, offset, length) of a column's bytes in one segment's files on disk."""
    return segment_file_region(folder, segment, whoosh3.W3Codec.column_filename(segment, fieldname))


def segment_file_region(folder: str, segment: Any, name: str) -> tuple[str, int, int]:
    """(file path, offset, length) of one of a segment's files (``name``), inside its compound file if any."""
    if not segment.is_compound():
        path = os.path.join(folder, name)
        return path, 0, os.path.getsize(path)
    path = os.path.join(folder, segment.make_filename(whoosh3.W3Segment.COMPOUND_EXT))
    with open(path, "rb") as handle:
        compound = CompoundStorage(StructFile(handle), use_mmap=False)
        try:
            offset, length = compound.range(name)
        except NameError:
            raise KeyError(f"segment {segment.segment_id()} has no file {name!r}") from None
    return path, offset, length


def toc_path(ix: Any, generation: int) -> str:
    """The table-of-contents file of one generation of an index."""
    return os.path.join(ix.storage.folder, f"_{ix.indexname}_{generation}.toc")


# --- parallel writing ---------------------------------------------------------------------------------


class _SubWriterTask(SubWriterTask):
    """Whoosh's multiprocessing sub-writer, writing its own segment with the given writer class.

    It also stops by itself if the process that started it is gone (killed mid-rebuild), instead
    of waiting for jobs forever.
    """

    writer_class: type[SegmentWriter] = SegmentWriter

    def run(self) -> None:  # SubWriterTask.run's protocol, multisegment mode only
        parent = os.getppid()
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = self.writer_class(ix, _lk=False, **self.kwargs)
        while self.running:
            try:
                jobinfo = self.jobqueue.get(timeout=5)
            except queue.Empty:
                if os.getppid() != parent:
                    self.running = False
                continue
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
            return
        segment = writer._finalize_segment()
        self.resultqueue.put((None, writer.pool.fieldnames, segment), timeout=600)


class ParallelWriter(MpWriter):
    """Whoosh's MpWriter in multisegment mode: N forked processes analyse and write N segments.

    jieba and Whoosh's posting writer are pure Python, so a second core only helps as a second
    process doing the whole job for its share of the documents.  :meth:`start_tasks` forks the
    sub-writers at once (Whoosh forks them at the first document), while the process is still
    small: a forked process starts with its parent's memory.
    """

    def __init__(self, ix: Any, procs: int, writer_class: type[SegmentWriter], **kwargs: Any) -> None:
        super().__init__(ix, procs=procs, batchsize=250, multisegment=True, **kwargs)
        self.writer_class = writer_class

    def _new_task(self) -> SubWriterTask:
        task = _SubWriterTask(self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, True)
        task.writer_class = self.writer_class
        task.daemon = True
        self.tasks.append(task)
        task.start()
        return task

    def start_tasks(self) -> None:
        while len(self.tasks) < self.procs:
            self._new_task()

    def _put(self, item: Any) -> None:
        """Queue a job, failing instead of waiting forever if every sub-writer has died."""
        while True:
            try:
                self.jobqueue.put(item, timeout=1)
                return
            except queue.Full:
                if not any(t.is_alive() for t in self.tasks):
                    raise RuntimeError("every search index sub-writer has stopped") from None

    def _enqueue(self) -> None:  # MpWriter._enqueue, with a put that notices dead sub-writers
        filename = f"{random_name()}.doclist"
        with self.temp_storage().create_file(filename).raw_file() as f:
            for item in self.docbuffer:
                pickle.dump(item, f, 2)
        if len(self.tasks) < self.procs:
            self._new_task()
        self._put((filename, len(self.docbuffer)))
        self.docbuffer = []

    def _results(self) -> list[Any]:
        """One result per sub-writer; fewer if one of them died.

        A sub-writer killed while it held the job queue's lock (the OOM killer, a signal) leaves
        the others waiting on the queue for ever: once one has failed, the rest are stopped.
        """
        results: list[Any] = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=1))
                continue
            except queue.Empty:
                pass
            if any(t.exitcode not in (None, 0) for t in self.tasks):
                for task in self.tasks:
                    if task.is_alive():
                        task.terminate()
                break
            if not any(t.is_alive() for t in self.tasks):
                with contextlib.suppress(queue.Empty):
                    while True:
                        results.append(self.resultqueue.get_nowait())
                break
        return results

    def cancel(self) -> None:
        """Cancel and stop the sub-writers (Whoosh's cancel leaves them waiting for jobs until exit)."""
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.terminate()
        finally:
            SegmentWriter.cancel(self)

    def commit(self, mergetype: Any = None, optimize: Any = None, merge: Any = None) -> None:
        if self._added_sub or self.tasks:
            self._commit(mergetype, optimize, merge)
        else:
            SegmentWriter.commit(self, mergetype=mergetype, optimize=optimize, merge=merge)

    def _commit(self, mergetype: Any, optimize: Any, merge: Any) -> None:
        try:
            if self.docbuffer:
                self._enqueue()
            for _task in self.tasks:
                self._put(None)
        except RuntimeError:
            pass  # reported below with the exit codes
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        results = self._results()
        for task in self.tasks:
            task.join(timeout=60)
        failed = [t.exitcode for t in self.tasks if t.exitcode != 0]
        if failed or len(results) != len(self.tasks):
            SegmentWriter.cancel(self)
            raise RuntimeError(
                f"a search index sub-writer failed (exit codes {failed}, {len(results)} of "
                f"{len(self.tasks)} segments written); the index is unchanged"
            )
        # A sub-writer that got no documents wrote an empty segment: left out (its files are removed).
        finalsegments += [segment for _run, _fields, segment in results if segment.doc_count_all()]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()
