"""Reading-page server time: python -m bench.pages [--requests N] [--corpus N]

Runs in-process through Django's full request stack (middleware, URL resolution, templates,
database) on a private data directory holding the five seeds and ``--corpus`` generated
documents (default 2,000, the way ``generate_corpus`` makes them), so the most-cited symbol's
page shows what "cited by" costs at scale.  Baseline, measured in the same run: the 404 page for
an unknown symbol, which goes through the same stack and base template with no document data, so
the ratio shows what a real page costs on top of Django itself.

The document page caches its rendered text (``archive.views.text``): its rows are what a reader
gets once the page has been read since the document last changed.  A 100-block document (the goal
of issue 13: p95 ≤ 50 ms) is measured both ways: from the cache, and rendered on every request (the
cache emptied before each one), which is what the first reader after a change waits for.

A second 100-block document holds an English version too (every block and footnote paired, with
their citations and markers), read in the normal view (each block with its "原文" in place) and in
the parallel view (``?view=parallel``), again from the cache and rendered.  Its English rows are
written the way ``tests.versions`` writes them, as the data contract of issue 15 describes, until
the English importer can be called here instead.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

from bench.report import summary_ms, write_section


def hundred_blocks(day: int = 30) -> str:
    """A report of 100 blocks in the seeds' PDF layout: headings, numbered paragraphs citing
    resolutions and documents (some with pin-points), footnote markers and their footnotes."""
    blocks = [f" 2024 年 6 月 {day} 日秘书长关于维持和平行动的报告 "]
    number = 0
    for chapter in range(1, 10):
        blocks.append(f" {'一二三四五六七八九'[chapter - 1]}. 第 {chapter} 章 ")
        for _ in range(10):
            number += 1
            cites = (
                f"安全理事会第 {2300 + number}(2016)号决议和 S/2016/952，第 {number} 段"
                if number % 3 == 0
                else "会员国"
            )
            marker = f"。{number // 10 + 1} " if number % 10 == 5 else "。"
            blocks.append(
                f" {number}. 联合国警察在第 {number} 段所述的特派团中支持{cites}的执行{marker}工作仍在进行。 "
            )
    notes = [" __________________ "] + [f" {n} 见 A/72/{n}。 " for n in range(1, 11)]
    return "\n\n".join(blocks + notes) + "\n"


_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]


def add_english(doc) -> None:
    """An English version of a :func:`hundred_blocks` document: every block and footnote paired."""
    from tests.versions import En, EnNote
    from tests.versions import add_english as store

    blocks, chapter = [], 0
    for p in doc.paragraphs.current().in_language().in_reading_order().prefetch_related("footnote_refs__footnote"):
        markers = "".join(f"{{{ref.footnote.number}}}" for ref in p.footnote_refs.all())
        if p.kind == "title":
            blocks.append(En(p.anchor, "Report of the Secretary-General on peacekeeping operations"))
        elif p.kind == "heading":
            chapter += 1
            blocks.append(En(p.anchor, f"{_ROMAN[chapter - 1]}. Chapter {chapter}"))
        else:
            n = int(p.number)
            cites = []
            cited = "Member States"
            if n % 3 == 0:
                cited = f"Security Council resolution {2300 + n} (2016) and S/2016/952, para. {n}"
                cites = [
                    (f"resolution {2300 + n} (2016)", f"S/RES/{2300 + n}(2016)", ""),
                    ("S/2016/952", "S/2016/952", str(n)),
                ]
            text = (
                f"United Nations police in the mission referred to in paragraph {n} supported the implementation"
                f" of {cited}.{markers} The work continues."
            )
            blocks.append(En(p.anchor, text, cites=cites))
    notes = [EnNote(fn.number, f"See A/72/{fn.number}.") for fn in doc.footnotes.in_language()]
    store(doc, "Report of the Secretary-General on peacekeeping operations", blocks, notes)


def _measure(client, url: str, n: int, expect: int, before=None) -> list[float]:
    samples = []
    for _ in range(n):
        if before is not None:
            before()
        start = time.perf_counter()
        response = client.get(url)
        samples.append(time.perf_counter() - start)
        assert response.status_code == expect, (url, response.status_code)
    return samples


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--corpus", type=int, default=2000, help="generated documents beside the seeds")
    args = ap.parse_args()

    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import setup_test_environment

    from archive.ingest.store import import_text
    from archive.models import Citation, Document

    setup_test_environment()
    call_command("migrate", verbosity=0)
    call_command("import_documents", "fixtures/documents.json", stdout=open(os.devnull, "w"))
    if args.corpus:
        call_command("generate_corpus", documents=args.corpus, no_index=True, stdout=open(os.devnull, "w"))
    doc = Document.objects.get(symbol="S/2018/1183")
    top = Citation.objects.values("target").annotate(n=Count("id")).order_by("-n").first()
    hub = Document.objects.get(pk=top["target"])
    paragraphs = doc.paragraphs.current().count()
    large = import_text(hundred_blocks(), symbol="S/2024/999").document
    large_blocks = large.paragraphs.current().count()
    bilingual = import_text(hundred_blocks(29), symbol="S/2024/998").document
    add_english(bilingual)
    normal, parallel = bilingual.get_absolute_url(), f"{bilingual.get_absolute_url()}?view=parallel"
    client = Client()
    pages = {
        "baseline: 404 page": ("/documents/S/1900/1/", 404),
        "document page S/2018/1183": (doc.get_absolute_url(), 200),
        f"document page, {large_blocks} blocks": (large.get_absolute_url(), 200),
        f"document page, {large_blocks} blocks, with an English version": (normal, 200),
        f"parallel view, {large_blocks} blocks in Chinese and English": (parallel, 200),
        "paragraph page S/2018/1183 p12": (doc.paragraphs.in_language().get(anchor="p12").get_permalink(), 200),
        "paragraph page with both texts (S/2024/998 p12)": (f"{bilingual.get_absolute_url()}p12/", 200),
        "document JSON S/2018/1183": (doc.get_api_url(), 200),
        f"most-cited page {hub.symbol} ({top['n']} citations)": (hub.get_absolute_url(), 200),
    }
    for url, expect in pages.values():  # warm templates, caches and jieba
        _measure(client, url, 5, expect)
    results = {}
    for name, (url, expect) in pages.items():
        results[name] = summary_ms(_measure(client, url, args.requests, expect))
    rendered = {
        f"document page, {large_blocks} blocks": large.get_absolute_url(),
        f"document page, {large_blocks} blocks, with an English version": normal,
        f"parallel view, {large_blocks} blocks in Chinese and English": parallel,
    }
    for name, url in rendered.items():
        results[f"{name}, rendered (cache emptied before each request)"] = summary_ms(
            _measure(client, url, args.requests, 200, cache.clear)
        )
    base = results["baseline: 404 page"]["p50_ms"]
    rows = "\n".join(
        f"| {name} | {r['p50_ms']} | {r['p95_ms']} | {r['p50_ms'] / base:.1f}× |" for name, r in results.items()
    )
    body = f"""
{args.requests} sequential requests per page through Django's test client (in-process, {connection.vendor},
DEBUG off, local-memory cache); the largest seed has {paragraphs} blocks; {args.corpus:,} generated documents
beside the seeds. Document pages are served from the cache of their rendered text except in the
"rendered" rows, which empty the cache before each request (what the first reader after a change waits for).
The English version pairs every block and footnote of its document (issue 15): the normal view renders
each English block into its Chinese block's "原文", the parallel view sets the pairs in rows.

| page | p50 ms | p95 ms | p50 / baseline |
|---|---|---|---|
{rows}
"""
    write_section("pages", "Reading pages: server time", "python -m bench.pages", body, {"pages": results})
    print(body)


if __name__ == "__main__":
    os.environ["ARCHIVE_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-pages-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django

    django.setup()
    main()
