"""The page drills: pages at the sizes that broke them, and a draft under a symbol others cite.

Heavy pages: ``bench.heavy`` writes, into the served archive's database, ``--citations`` paragraphs
citing S/2018/1183 (25 per letter) and a letter citing ``--resolutions`` resolutions; each page
is then fetched over HTTP (first request, median of the next five, size, the workers' peak RSS).
The whole-archive export answers 503 until ``export_archive --publish`` has written its file.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from bench.faults.measure import command, page
from bench.server import Archive

CITED = "S/2018/1183"
LETTER = "S/2091/1"
EXPORT = "/export/archive.jsonl"
BUILD = """
from archive.models import Document
from bench import heavy
target = Document.objects.get(symbol="{cited}")
print(heavy.cited_everywhere(target, citations={citations}, per_document=25), "citing letters")
heavy.citing_many("{letter}", resolutions={resolutions})
"""

HUB = "S/2016/952"  # cited by S/2018/1183, held as a hub without text
DRAFT_TITLE = "尚未公开的草稿标题庚辛壬癸"
DRAFT_TEXT = "2016 年 11 月 8 日给安全理事会主席的信\n\n草稿里独有的一句话子丑寅，第一段。\n\n第二段的文字。\n"
DRAFT_URLS = [
    f"/documents/{HUB}/",
    f"/documents/{HUB}/cite.bib",
    f"/api/documents/{HUB}/",
    f"/documents/{CITED}/",
    "/sitemap-documents.xml",
    EXPORT,
]


def baselines(archive: Archive, repeat: int) -> list[dict[str, Any]]:
    return [page(archive, path, repeat)[0] for path in ("/robots.txt", "/documents/S/2022/747/")]


def draft(archive: Archive) -> dict[str, Any]:
    path = Path(tempfile.mkdtemp(prefix="faults-draft-")) / "draft.txt"
    path.write_text(DRAFT_TEXT, encoding="utf-8")
    imported = command(archive, "import_document", str(path), "--draft", "--symbol", HUB, "--title", DRAFT_TITLE)
    answers = []
    for url in DRAFT_URLS:
        status, _headers, body = archive.fetch(url, timeout=120)
        answers.append({"path": url, "status": status, "title_shown": DRAFT_TITLE.encode() in body})
    return {"import": imported, "answers": answers}


def heavy_pages(archive: Archive, citations: int, resolutions: int, repeat: int) -> dict[str, Any]:
    script = BUILD.format(cited=CITED, letter=LETTER, citations=citations, resolutions=resolutions)
    built = command(archive, "shell", "-c", script)
    rows = []
    for path in (
        f"/documents/{CITED}/",
        f"/documents/{CITED}/?cited_page=40",
        f"/documents/{CITED}/p11/",
        f"/api/documents/{CITED}/",
    ):
        rows.append(page(archive, path, repeat)[0])
    _status, _headers, api = archive.fetch(f"/api/documents/{CITED}/")
    following = _json(api).get("cited_by_next") or ""
    following = (
        following[following.index("/api/") :] if "/api/" in following else f"/api/documents/{CITED}/?cited_page=2"
    )
    for path in (following, f"/feeds/cited-by/{CITED}/", f"/documents/{LETTER}/", f"/api/documents/{LETTER}/"):
        rows.append(page(archive, path, repeat)[0])
    before, _body = page(archive, EXPORT, repeat=0)
    published = command(archive, "export_archive", "--publish")
    after, body = page(archive, EXPORT, repeat)
    return {
        "citations": citations,
        "resolutions": resolutions,
        "build": built,
        "pages": rows,
        "export_before": before,
        "export_publish": published,
        "export_after": after,
        "export_shows_draft": DRAFT_TITLE.encode() in body,
    }


def _json(body: bytes) -> dict:
    try:
        return json.loads(body)
    except ValueError:
        return {}
