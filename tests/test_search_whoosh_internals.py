"""The private parts of Whoosh 2.7.4 that search/whoosh_internals.py reads, checked on a real index.

Each shortcut must give exactly what Whoosh's public API gives, and a Whoosh shaped otherwise
must stop the search loudly (WhooshInternalsChanged), never fall back to something slower or
different.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import whoosh
from whoosh.codec import whoosh3
from whoosh.filedb.filestore import FileStorage
from whoosh.util.numeric import length_to_byte

from search import backends, streams, whoosh_internals
from search.schema import CITES_LIST, STREAM
from search.writers import FastSegmentWriter

ROOT = Path(__file__).resolve().parent.parent

TEXTS = ["安全理事会讨论维持和平行动。"] * 300 + ["联合国警察的能力", "保障维和人员的安全。", "书"]


def entry(i: int, text: str) -> dict:
    return {
        "id": f"archive.paragraph.{i}",
        "django_ct": "archive.paragraph",
        "django_id": str(i),
        "text": text,
        "doc_id": str(i % 7),
        "doc_type": "report" if i % 2 else "letter",
        "cites": "S/RES/2645(2022),S/2018/1183" if i % 5 == 0 else "",
        "year": 2000 + i % 20,
        "sortdate": 20000101 + i,
        "doc_key": i % 7,
        "position": i,
    }


def build(folder: Path):
    _name, schema = backends.JiebaWhooshSearchBackend("default", PATH="unused").build_schema(
        __import__("haystack").connections["default"].get_unified_index().all_searchfields()
    )
    ix = FileStorage(str(folder)).create_index(schema)
    writer = FastSegmentWriter(ix)
    for i, text in enumerate(TEXTS):
        writer.add_document(**entry(i, text))
    writer.commit()
    return ix


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("whoosh-internals")
    with build(folder).searcher() as searcher:
        yield folder, searcher.reader()


def public_postings(reader, fieldname, text):
    matcher = reader.postings(fieldname, text)
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def test_the_installed_whoosh_has_every_private_part_used():
    whoosh_internals._checked = False
    whoosh_internals.check()


@pytest.mark.parametrize("term", ["安全理事会", "理事会", "联合国警察", "书", "的"])
def test_postings_read_a_block_at_a_time_equal_whooshs_own_walk(index, term):
    _folder, reader = index
    ids, weights = whoosh_internals.postings(reader, "text", term, weights=True)
    assert (list(ids), weights) == public_postings(reader, "text", term)
    assert ids  # each term is in the index (one of them in 300 entries: several posting blocks)


def test_whole_columns_equal_the_per_document_answers(index):
    _folder, reader = index
    n = reader.doc_count_all()
    dates = whoosh_internals.numeric_column(reader, "sortdate")
    column = reader.column_reader("sortdate")
    assert list(dates) == [column[d] for d in range(n)]
    lengths = whoosh_internals.length_bytes(reader, "text")
    assert list(lengths) == [length_to_byte(reader.doc_field_length(d, "text", 0)) for d in range(n)]


def test_the_mapped_stream_column_is_the_column_whoosh_stores(index):
    folder, reader = index
    data = streams.mapped(str(folder), reader, STREAM)
    stored = reader.column_reader(STREAM)
    assert [bytes(data._map[data.base + data.offsets[d] : data.base + data.offsets[d + 1]]) for d in range(3)] == [
        stored[d] for d in range(3)
    ]
    assert data.matching("维和人员的安全".encode(), range(reader.doc_count_all())) == {301}
    assert data.scan("的能力".encode()) == {300}
    cites = dict(streams.mapped(str(folder), reader, CITES_LIST).values())
    assert cites[0] == b"S/RES/2645(2022),S/2018/1183" and 1 not in cites


def test_the_table_of_contents_file_is_where_a_pooled_searcher_looks(index):
    folder, _reader = index
    ix = FileStorage(str(folder)).open_index()
    assert Path(whoosh_internals.toc_path(ix, ix.latest_generation())).is_file()


@pytest.mark.parametrize(
    ("owner", "name"),
    [
        (whoosh3.W3LeafMatcher, "_read_ids"),
        (whoosh3.W3TermInfo, "inlined_postings"),
        (whoosh3, "_lenfield"),
        (whoosh_internals.SegmentWriter, "_commit_toc"),
    ],
)
def test_a_whoosh_without_a_part_the_engine_reads_stops_loudly(monkeypatch, owner, name):
    monkeypatch.setattr(whoosh_internals, "_checked", False)
    monkeypatch.delattr(owner, name)
    with pytest.raises(whoosh_internals.WhooshInternalsChanged, match=name):
        whoosh_internals.check()


def test_another_whoosh_version_stops_loudly(monkeypatch):
    monkeypatch.setattr(whoosh_internals, "_checked", False)
    monkeypatch.setattr(whoosh, "__version__", (2, 7, 5))
    with pytest.raises(whoosh_internals.WhooshInternalsChanged, match="Pin Whoosh==2.7.4"):
        whoosh_internals.check()


def test_an_unexpected_matcher_is_an_error_not_a_slower_path(index, monkeypatch):
    _folder, reader = index

    class OtherMatcher:
        def is_active(self):
            return True

    monkeypatch.setattr(reader._terms, "matcher", lambda *args, **kwargs: OtherMatcher())
    with pytest.raises(whoosh_internals.WhooshInternalsChanged, match="W3LeafMatcher"):
        whoosh_internals.postings(reader, "text", "安全理事会", weights=True)


PARALLEL = textwrap.dedent(
    """
    import sys, django
    django.setup()
    from whoosh.filedb.filestore import FileStorage
    from search import backends
    from search.writers import FastSegmentWriter, parallel_writer
    from tests.test_search_whoosh_internals import entry
    from haystack import connections
    _n, schema = backends.JiebaWhooshSearchBackend("default", PATH="x").build_schema(
        connections["default"].get_unified_index().all_searchfields())
    ix = FileStorage(sys.argv[1]).create_index(schema)
    w = parallel_writer(ix, 2)
    w.start_tasks()
    for i in range(1000):
        w.add_document(**entry(i, "第%d段提到联合国警察的能力。" % i))
    if sys.argv[2] == "fail":
        w.tasks[0].terminate()  # a sub-writer killed mid-way
    try:
        w.commit()
    except RuntimeError as exc:
        print("refused:", exc)
    with ix.refresh().searcher() as s:
        print(s.doc_count(), len(s.reader().leaf_readers()) if s.doc_count() else 0)
    """
)


@pytest.mark.parametrize(("mode", "expected"), [("ok", "1000 2"), ("fail", "0 0")])
def test_parallel_writing_gives_one_segment_per_process_or_nothing(tmp_path, mode, expected):
    """Run in a fresh process: forking the test process (other threads) could deadlock it."""
    out = subprocess.run(
        [sys.executable, "-c", PARALLEL, str(tmp_path), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "PYTHONPATH": str(ROOT)},
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[-1] == expected
    assert (mode == "fail") == any(line.startswith("refused:") for line in lines)


def test_a_segments_parts_are_found_inside_its_compound_file(index):
    folder, reader = index
    segment = reader.segment()
    path, offset, length = whoosh_internals.column_region(str(folder), segment, STREAM)
    name = whoosh3.W3Codec.column_filename(segment, STREAM)
    assert whoosh_internals.segment_file_region(str(folder), segment, name) == (path, offset, length)
    _path, start, size = whoosh_internals.segment_file_region(str(folder), segment, segment.make_filename(".pst"))
    assert size > 0 and (start + size <= offset or offset + length <= start)  # two parts, apart
    with pytest.raises(KeyError, match="no file"):
        whoosh_internals.segment_file_region(str(folder), segment, segment.make_filename(".nothing"))


def test_a_damaged_postings_block_is_told_apart_from_other_errors(tmp_path):
    with build(tmp_path).searcher() as searcher:
        segment = searcher.reader().segment()
    path, offset, length = whoosh_internals.segment_file_region(str(tmp_path), segment, segment.make_filename(".pst"))
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(bytes(length))
    with FileStorage(str(tmp_path)).open_index().searcher() as searcher:
        with pytest.raises(Exception) as caught:  # noqa: PT011 - Whoosh raises exactly Exception
            whoosh_internals.postings(searcher.reader(), "text", "安全理事会", weights=True)
    assert type(caught.value) is Exception and str(caught.value).startswith(whoosh_internals.BLOCK_TAG_ERROR)
    assert whoosh_internals.is_damage(caught.value)
    assert not whoosh_internals.is_damage(Exception("something else"))
    assert not whoosh_internals.is_damage(TypeError("a bug of ours"))
