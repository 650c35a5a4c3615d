"""Byte-string columns read memory-mapped: the phrase streams, and the cited symbols for facets.

Each index entry keeps its block's stream (:func:`search.analyzers.column_value`, UTF-8), so a
quoted phrase is confirmed by a substring test on bytes — exact, whatever jieba made of the
words around it.  A UTF-8 substring is a character substring, so no decoding is needed.  The
symbols an entry cites are kept the same way, so the facet arrays are built from one column
instead of one posting list per cited symbol (tens of thousands of them).

On disk (inside the segment's files, written and merged by Whoosh like any column)::

    [values, concatenated][offsets: uint32 × (documents + 1), little-endian][documents: uint32][MAGIC]

Reading goes around Whoosh: the column's bytes are memory-mapped (:func:`mapped`), so every
server process shares one copy through the page cache and ``mmap.find`` runs in C.
"""

from __future__ import annotations

import mmap
import struct
import sys
import threading
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh import columns

from . import whoosh_internals

MAGIC = b"STREAMS1"
_FOOTER = struct.Struct("<I8s")


class StreamColumn(columns.Column):
    """A Whoosh column of byte strings in the layout above (any byte strings, streams or not)."""

    _default = b""
    reversible = False

    def writer(self, dbfile: Any) -> StreamColumn.Writer:
        return self.Writer(dbfile)

    def reader(self, dbfile: Any, basepos: int, length: int, doccount: int) -> StreamColumn.Reader:
        return self.Reader(dbfile, basepos, length, doccount)

    class Writer(columns.ColumnWriter):
        def __init__(self, dbfile: Any) -> None:
            self._dbfile = dbfile
            self._count = 0
            self._end = 0
            self._offsets = array("I", [0])

        def fill(self, docnum: int) -> None:
            while self._count < docnum:
                self._offsets.append(self._end)
                self._count += 1

        def add(self, docnum: int, value: bytes) -> None:
            self.fill(docnum)
            self._dbfile.write(value)
            self._end += len(value)
            self._offsets.append(self._end)
            self._count = docnum + 1

        def finish(self, doccount: int) -> None:
            self.fill(doccount)
            offsets = self._offsets
            if sys.byteorder != "little":
                offsets = array("I", offsets)
                offsets.byteswap()
            self._dbfile.write(offsets.tobytes())
            self._dbfile.write(_FOOTER.pack(doccount, MAGIC))

    class Reader(columns.ColumnReader):
        """Whoosh's view (used when segments are merged): one value per call."""

        def __init__(self, dbfile: Any, basepos: int, length: int, doccount: int) -> None:
            super().__init__(dbfile, basepos, length, doccount)
            footer = dbfile.get(basepos + length - _FOOTER.size, _FOOTER.size)
            count, magic = _FOOTER.unpack(footer)
            if magic != MAGIC or count != doccount:
                raise ValueError("not a stream column (index written by another version: rebuild_index)")
            start = basepos + length - _FOOTER.size - 4 * (doccount + 1)
            self._offsets = array("I", dbfile.get(start, 4 * (doccount + 1)))
            if sys.byteorder != "little":
                self._offsets.byteswap()

        def __getitem__(self, docnum: int) -> bytes:
            start, end = self._offsets[docnum], self._offsets[docnum + 1]
            return self._dbfile.get(self._basepos + start, end - start) if end > start else b""


class MappedColumn:
    """One segment's column, memory-mapped: substring tests without copying or decoding."""

    def __init__(self, path: str, offset: int, length: int) -> None:
        with open(path, "rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self.base = offset
        count, magic = _FOOTER.unpack(self._map[offset + length - _FOOTER.size : offset + length])
        if magic != MAGIC:
            raise ValueError(f"{path}: no stream column at {offset}")
        self.count = count
        start = offset + length - _FOOTER.size - 4 * (count + 1)
        self.offsets = array("I", self._map[start : start + 4 * (count + 1)])
        if sys.byteorder != "little":
            self.offsets.byteswap()
        self.data_end = offset + self.offsets[count]

    def truncated(self) -> bool:
        """Whether the file is now shorter than the map: reading past its end would kill the process
        (SIGBUS), so a segment cut short under a running server must be noticed before reading."""
        return self._map.size() < len(self._map)

    def matching(self, needle: bytes, docs: Iterable[int]) -> set[int]:
        """The documents among ``docs`` whose stream contains ``needle``."""
        find, base, off = self._map.find, self.base, self.offsets
        return {d for d in docs if find(needle, base + off[d], base + off[d + 1]) != -1}

    def values(self) -> Iterator[tuple[int, bytes]]:
        """(document, value) for every document whose value is not empty."""
        data, base, off = self._map, self.base, self.offsets
        for d in range(self.count):
            start, end = off[d], off[d + 1]
            if end > start:
                yield d, data[base + start : base + end]

    def scan(self, needle: bytes) -> set[int]:
        """Every document whose stream contains ``needle`` (one pass over the segment's streams).

        Streams are framed by separators and a needle never starts or ends with one, so a match
        never spans two documents.
        """
        found: set[int] = set()
        find, base, off = self._map.find, self.base, self.offsets
        pos = find(needle, base, self.data_end)
        while pos != -1:
            doc = bisect_right(off, pos - base) - 1
            found.add(doc)
            pos = find(needle, base + off[doc + 1], self.data_end)
        return found


_lock = threading.Lock()
_open: dict[tuple[str, str, str], MappedColumn] = {}


def mapped(folder: str, reader: Any, fieldname: str) -> MappedColumn:
    """A column of the segment ``reader`` reads (cached: segments never change)."""
    segment = reader.segment()
    key = (folder, segment.segment_id(), fieldname)
    found = _open.get(key)
    if found is not None and found.truncated():
        with _lock:
            _open.pop(key, None)
        raise OSError(f"segment {segment.segment_id()}: its file was truncated after it was mapped")
    if found is None:
        found = MappedColumn(*whoosh_internals.column_region(folder, segment, fieldname))
        if found.count != reader.doc_count_all():
            raise ValueError(
                f"segment {segment.segment_id()}: {found.count} streams for {reader.doc_count_all()} entries"
            )
        with _lock:
            _open[key] = found
    return found


def forget(folder: str, live: set[str]) -> None:
    """Drop the maps of segments a merge or a rebuild removed (the mapping closes with its last user)."""
    with _lock:
        for key in [k for k in _open if k[0] == folder and k[1] not in live]:
            del _open[key]
