"""The acquisition list: which cited documents to add next, in the admin and on the terminal."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.ingest.store import import_text
from archive.models import Citation, Document, attach_latest_citers
from tests.conftest import seed_text

URL = "/admin/archive/document/acquisitions/"


def letter(day: int, cites: str) -> str:
    return f"2024 年 5 月 {day} 日秘书长给安全理事会主席的信\n\n1. 我谨提及{cites}。\n\n2. 另见{cites}。\n"


def test_the_most_cited_missing_documents_come_first_with_their_counts_and_latest_citer(seeds):
    rows = list(Document.objects.acquisition_list())
    attach_latest_citers(rows)
    assert all(not r.has_text for r in rows)
    # Cited by two seeds (2011 and 2021), in four paragraphs and footnotes.
    first = rows[0]
    assert (first.symbol, first.citing_documents, first.citing_passages) == ("S/PRST/2001/3", 2, 4)
    assert first.latest_citer == seeds["004"]  # the more recent of the two
    # Then by passages: S/2016/952 is cited ten times in the 2018 report alone.
    assert (rows[1].symbol, rows[1].citing_documents, rows[1].citing_passages) == ("S/2016/952", 1, 10)
    assert rows[1].latest_citer == seeds["002"]
    assert rows[1].official_url() == "https://undocs.org/zh/S/2016/952"
    ranks = [(r.citing_documents, r.citing_passages) for r in rows]
    assert ranks == sorted(ranks, reverse=True)
    # Every count is the citation rows' own.
    for row in rows:
        citing = Citation.objects.filter(target=row)
        documents = {c.paragraph.document_id if c.paragraph_id else c.footnote.document_id for c in citing}
        assert row.citing_documents == len(documents)


def test_a_document_leaves_the_list_once_its_text_is_added(seeds):
    assert Document.objects.acquisition_list().filter(symbol="S/2016/952").exists()
    import_text("2016 年 11 月 1 日秘书长的报告\n\n1. 报告正文。\n", symbol="S/2016/952")
    assert not Document.objects.acquisition_list().filter(symbol="S/2016/952").exists()


def test_the_list_filters_by_type(seeds):
    resolutions = Document.objects.acquisition_list().of_type("resolution")
    assert resolutions.exists() and {d.doc_type for d in resolutions} == {"resolution"}
    assert "S/RES/2382(2017)" in {d.symbol for d in resolutions}
    assert "S/2016/952" not in {d.symbol for d in resolutions}


def test_the_admin_page_shows_the_ranking_with_links_and_costs_the_same_queries_for_more_rows(client, librarian, seeds):
    def get(url: str) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return response.content.decode(), len(captured)

    page, few = get(URL)
    assert "待补原文的文件" in page
    assert '<a href="/documents/S/PRST/2001/3/">S/PRST/2001/3</a>' in page
    assert 'href="https://undocs.org/zh/S/2016/952"' in page
    assert f'href="/admin/archive/document/{seeds["002"].pk}/change/"' in page  # the latest citer
    assert page.index("S/PRST/2001/3") < page.index("S/2016/952") < page.index("S/RES/2751(2024)")
    for n in range(1, 9):
        import_text(letter(n, f"安全理事会第 {2700 + n}(2024)号决议和 S/2099/{n}"), symbol=f"S/2024/{800 + n}")
    _page, more = get(URL)
    assert more == few


def test_the_admin_page_filters_by_type_and_pages(client, librarian, seeds, monkeypatch):
    from archive.admin import acquisitions

    page = client.get(URL + "?type=presidential_statement").content.decode()
    assert "S/PRST/2001/3" in page and "S/PRST/2018/9" in page and "S/RES/" not in page.split("acquisitions")[-1]
    monkeypatch.setattr(acquisitions, "PER_PAGE", 5)
    second = client.get(URL + "?page=2").content.decode()
    assert "第 2/" in second and '<td class="num">6</td>' in second


def test_the_command_lists_the_same_ranking(seeds):
    out = io.StringIO()
    call_command("acquisition_list", "--limit", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split("\t")[:3] == ["名次", "文号", "类型"]
    assert lines[1].split("\t") == [
        "1",
        "S/PRST/2001/3",
        "主席声明",
        "2",
        "4",
        f"{seeds['004'].public_id} (2021-12-20)",
        "https://undocs.org/zh/S/PRST/2001/3",
    ]
    assert lines[2].startswith("2\tS/2016/952\t") and len(lines) == 3
    out = io.StringIO()
    call_command("acquisition_list", "--type", "resolution", "--limit", "100", stdout=out)
    assert all("\t决议\t" in line for line in out.getvalue().splitlines()[1:])


def test_an_archive_without_citations_has_nothing_to_add(db):
    import_text(seed_text("001").split("\n")[0] + "\n\n1. 没有引用的正文。\n")
    out = io.StringIO()
    call_command("acquisition_list", stdout=out)
    assert out.getvalue().strip() == "没有待补的文件。"
