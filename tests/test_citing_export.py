"""The bulk export: JSON Lines, one document per line, from a command and as a streamed download."""

from __future__ import annotations

import io
import json

from django.core.management import call_command
from django.http import StreamingHttpResponse

from archive.citing.export import export_lines
from archive.models import Citation, Document, Footnote, Paragraph


def records(text: str) -> list[dict]:
    lines = text.splitlines()
    assert lines and all(line.strip() for line in lines), "one JSON document per line, no blank lines"
    return [json.loads(line) for line in lines]


def test_command_writes_the_whole_archive(seeds, tmp_path):
    out = tmp_path / "archive.jsonl"
    stderr = io.StringIO()
    call_command("export_archive", "--output", str(out), "--base-url", "https://archive.example/", stderr=stderr)
    rows = records(out.read_text(encoding="utf-8"))
    assert "35" in stderr.getvalue()

    assert len(rows) == Document.objects.for_reading().count() == 35
    with_text = [r for r in rows if r["has_text"]]
    assert len(with_text) == 5
    assert sum(len(r["paragraphs"]) for r in rows) == Paragraph.objects.current().count()
    assert sum(len(r["footnotes"]) for r in rows) == Footnote.objects.count()
    in_paragraphs = sum(len(p["citations"]) for r in rows for p in r["paragraphs"])
    in_footnotes = sum(len(f["citations"]) for r in rows for f in r["footnotes"])
    assert in_paragraphs + in_footnotes == Citation.objects.count()

    report = next(r for r in rows if r["symbol"] == "S/2018/1183")
    assert report["title"] == "秘书长关于联合国警务工作的报告" and report["date"] == "2018-12-31"
    assert report["url"] == "https://archive.example/documents/S/2018/1183/"
    p12 = next(p for p in report["paragraphs"] if p["anchor"] == "p12")
    assert p12["number"] == "12" and p12["url"] == "https://archive.example/documents/S/2018/1183/p12/"
    assert p12["text"] == Paragraph.objects.get(document__symbol="S/2018/1183", anchor="p12").text
    anchors = [p["anchor"] for p in report["paragraphs"]]
    assert anchors.index("p12") < anchors.index("p13"), "paragraphs in reading order"
    cited = {c["symbol"] for p in report["paragraphs"] for c in p["citations"]}
    assert "S/2016/952" in cited

    no_symbol = next(r for r in rows if r["id"] == seeds["001"].public_id)
    assert no_symbol["symbol"] is None and no_symbol["url"].endswith(f"/documents/id/{seeds['001'].public_id}/")
    hub = next(r for r in rows if r["symbol"] == "S/RES/2382(2017)")
    assert hub["has_text"] is False and hub["paragraphs"] == []


def test_command_writes_to_stdout_and_leaves_drafts_out(seeds):
    Document.objects.filter(pk=seeds["003"].pk).update(status="draft")
    stdout = io.StringIO()
    call_command("export_archive", stdout=stdout, stderr=io.StringIO())
    symbols = [r["symbol"] for r in records(stdout.getvalue())]
    assert "S/2011/817" not in symbols and "S/2018/1183" in symbols
    assert records(stdout.getvalue())[0]["url"].startswith("/documents/"), "site paths without --base-url"


def test_download_streams_the_same_lines(client, seeds):
    response = client.get("/export/archive.jsonl")
    assert response.status_code == 200 and isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "application/x-ndjson; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="archive.jsonl"'
    rows = records(b"".join(response.streaming_content).decode("utf-8"))
    stdout = io.StringIO()
    call_command("export_archive", "--base-url", "http://testserver", stdout=stdout, stderr=io.StringIO())
    assert rows == records(stdout.getvalue())


def test_home_page_links_the_download(client, seeds):
    assert 'href="/export/archive.jsonl" download' in client.get("/").content.decode()


def test_chunks_neither_lose_nor_repeat_documents(seeds):
    def absolute(path: str) -> str:
        return path

    assert list(export_lines(absolute, chunk_size=3)) == list(export_lines(absolute, chunk_size=1000))


def test_memory_and_queries_stay_bounded_per_chunk(seeds, django_assert_num_queries, django_assert_max_num_queries):
    """Each chunk is read with at most seven queries however many blocks its documents have."""
    lines = export_lines(lambda path: path, chunk_size=1000)
    # One chunk (the documents, their blocks and footnotes with markers and citations, their
    # language versions: seven queries) and the empty chunk that ends it.
    with django_assert_num_queries(8):
        assert len(list(lines)) == 35
    lines = export_lines(lambda path: path, chunk_size=10)
    with django_assert_max_num_queries(4 * 7 + 1):  # hubs-only chunks skip the block queries
        assert len(list(lines)) == 35
