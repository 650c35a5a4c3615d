"""Citations and exports of a document held in Chinese and English: each text cited in its language,
and every version in the JSON API and the JSON Lines export beside the Chinese text, which keeps its shape.
"""

from __future__ import annotations

import io
import json
from datetime import date

import bibtexparser
import pytest
import rispy
from django.core.management import call_command
from django.utils import timezone

from archive.citing.export import export_lines
from archive.citing.formats import issuing_author_en
from archive.ingest.store import import_text
from tests.test_citing_formats import download, shown
from tests.test_reading_pages import report_text
from tests.versions import (
    POLICING_TITLE,
    REPORT_TITLE,
    WORKING_GROUP_TITLE,
    add_policing_english,
    add_report_english,
    add_working_group_english,
)

TODAY = date(2026, 11, 22)
URL = "/documents/S/2024/90/"


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


@pytest.fixture
def policing(seeds):
    doc = seeds["002"]
    add_policing_english(doc)
    return doc


@pytest.fixture
def report(db):
    return import_text(report_text(4), symbol="S/2024/90").document


# --- the citation strings on the pages -------------------------------------------------------------


def test_the_english_text_is_cited_with_its_english_title_in_gbt_and_chicago(client, policing):
    page = "/documents/S/2018/1183/p12/"
    assert shown(client, page, "cite-gbt-en") == (
        f"United Nations Secretary-General. {POLICING_TITLE}: S/2018/1183, para. 12 (p. 4)[R/OL]. "
        "(2018-12-31)[2026-11-22]. http://testserver/documents/S/2018/1183/p12/."
    )
    # Chicago sets an English title in headline style (it leaves the Chinese one as it is).
    headline = "Report of the Secretary-General on United Nations Policing"
    assert shown(client, page, "cite-chicago-note-en") == (
        f"United Nations Secretary-General, “{headline}”, S/2018/1183, December 31, 2018, "
        "para. 12 (p. 4), http://testserver/documents/S/2018/1183/p12/."
    )
    assert shown(client, page, "cite-chicago-bibliography-en") == (
        f"United Nations Secretary-General. “{headline}”. S/2018/1183. December 31, 2018. "
        "http://testserver/documents/S/2018/1183/."
    )
    # The Chinese text's citation is what it was.
    assert shown(client, page, "cite-gbt") == (
        "联合国秘书长. 秘书长关于联合国警务工作的报告: S/2018/1183, 第 12 段[R/OL]. "
        "(2018-12-31)[2026-11-22]. http://testserver/documents/S/2018/1183/p12/."
    )
    # The whole document, on its page, in both.
    assert shown(client, "/documents/S/2018/1183/", "cite-gbt-en").startswith(
        f"United Nations Secretary-General. {POLICING_TITLE}: S/2018/1183[R/OL]."
    )


def test_a_letter_without_a_symbol_is_cited_by_its_sender_and_english_title(client, seeds):
    letter = seeds["004"]
    add_working_group_english(letter)
    text = shown(client, f"{letter.get_absolute_url()}b1/", "cite-gbt-en")
    assert text.startswith(
        f"Chair of the Security Council Working Group on Peacekeeping Operations. {WORKING_GROUP_TITLE}: "
        "unnumbered para. 1[R/OL]. (2021-12-20)[2026-11-22]. "
    )


def test_a_paragraph_the_english_text_lacks_offers_only_the_chinese_citation(client, report):
    add_report_english(report)
    content = client.get(f"{URL}p4/").content.decode()
    assert 'id="cite-gbt"' in content and 'id="cite-gbt-en"' not in content
    assert "?lang=en" not in content


@pytest.mark.parametrize(
    ("title", "symbol", "author"),
    [
        (
            "Report of the Secretary-General on United Nations policing",
            "S/2018/1183",
            "United Nations Secretary-General",
        ),
        (
            "Letter dated 8 October 2022 from the Secretary-General addressed to the President of the Security Council",
            "S/2022/747",
            "United Nations Secretary-General",
        ),
        (
            "Letter dated 2 January 2020 from the Permanent Representative of China to the United Nations addressed to"
            " the Secretary-General",
            "S/2020/1",
            "Permanent Representative of China to the United Nations",
        ),
        (
            "Letter dated 30 December 2011 from the Security Council Working Group on Peacekeeping Operations"
            " addressed to the President of the Security Council",
            "S/2011/817",
            "United Nations Security Council Working Group on Peacekeeping Operations",
        ),
        ("", "S/RES/2382(2017)", "United Nations Security Council"),
        ("", "A/RES/70/262", "United Nations General Assembly"),
        ("", None, "United Nations"),
    ],
)
def test_the_english_author_is_the_issuing_organ(title, symbol, author):
    assert issuing_author_en(title, symbol) == author


# --- downloads: ?lang=en ---------------------------------------------------------------------------


def test_downloads_of_the_english_paragraph_carry_its_title_locator_and_language(client, policing):
    page = client.get("/documents/S/2018/1183/p12/").content.decode()
    for fmt in ("bib", "ris", "json"):
        assert f'href="/documents/S/2018/1183/p12/cite.{fmt}?lang=en" download' in page
    (item,) = json.loads(
        download(client, "/documents/S/2018/1183/p12/cite.json?lang=en", "application/vnd.citationstyles.csl+json")
    )
    assert (item["title"], item["section"], item["language"]) == (POLICING_TITLE, "para. 12 (p. 4)", "en")
    assert item["author"] == [{"literal": "United Nations Secretary-General"}] and item["genre"] == "Report"
    (entry,) = bibtexparser.parse_string(
        client.get("/documents/S/2018/1183/p12/cite.bib?lang=en").content.decode()
    ).entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.key == "S-2018-1183-p12-en"
    assert (fields["title"], fields["note"], fields["language"], fields["langid"]) == (
        POLICING_TITLE,
        "para. 12 (p. 4)",
        "english",
        "english",
    )
    (ris,) = rispy.loads(client.get("/documents/S/2018/1183/p12/cite.ris?lang=en").content.decode())
    assert (ris["title"], ris["section"], ris["language"]) == (POLICING_TITLE, "para. 12 (p. 4)", "en")


def test_downloads_of_the_chinese_text_say_it_is_chinese(client, policing):
    (item,) = json.loads(client.get("/documents/S/2018/1183/p12/cite.json").content)
    assert (item["title"], item["section"], item["language"]) == ("秘书长关于联合国警务工作的报告", "第 12 段", "zh")
    (ris,) = rispy.loads(client.get("/documents/S/2018/1183/cite.ris").content.decode())
    assert ris["language"] == "zh"
    (entry,) = bibtexparser.parse_string(client.get("/documents/S/2018/1183/cite.bib").content.decode()).entries
    assert entry.fields_dict["langid"].value == "chinese"


def test_the_whole_english_document_downloads_too(client, policing):
    (item,) = json.loads(client.get("/documents/S/2018/1183/cite.json?lang=en").content)
    assert item["title"] == POLICING_TITLE and "section" not in item and item["id"] == "S-2018-1183-en"
    assert item["URL"] == "http://testserver/documents/S/2018/1183/"


def test_a_language_the_archive_does_not_hold_is_404(client, seeds, report):
    assert client.get(f"{URL}cite.bib?lang=en").status_code == 404, "no English text yet"
    assert client.get(f"{URL}p1/cite.bib?lang=en").status_code == 404
    add_report_english(report)
    assert client.get(f"{URL}p1/cite.bib?lang=en").status_code == 200
    assert client.get(f"{URL}p4/cite.bib?lang=en").status_code == 404, "p4 has no English partner"
    assert client.get(f"{URL}p1/cite.bib?lang=fr").status_code == 404
    # An English-only block is cited in English; a loose symbol keeps the language through its redirect.
    assert client.get(f"{URL}en1/cite.json?lang=en").json()[0]["section"] == "English-text para. 1"
    response = client.get("/documents/s/2024/90/p1/cite.ris?lang=en")
    assert response.status_code == 301 and response["Location"] == f"{URL}p1/cite.ris?lang=en"


# --- the JSON API ----------------------------------------------------------------------------------


def test_the_api_keeps_the_chinese_text_and_adds_every_version(client, report):
    before = client.get(f"/api{URL}").json()
    add_report_english(report)
    after = client.get(f"/api{URL}").json()
    assert {k: v for k, v in after.items() if k != "versions"} == {k: v for k, v in before.items() if k != "versions"}
    assert before["versions"] == [] and after["language"] == "zh"
    (version,) = after["versions"]
    assert {k: version[k] for k in ("language", "title", "is_original", "url")} == {
        "language": "en",
        "title": REPORT_TITLE,
        "is_original": False,
        "url": "http://testserver/documents/S/2024/90/?view=parallel",
    }
    blocks = {p["anchor"]: p for p in version["paragraphs"]}
    assert [(p["anchor"], p["paired"]) for p in version["paragraphs"]] == [
        ("h1", True),
        ("h2", True),
        ("p1", True),
        ("p2", True),
        ("en1", False),
        ("p3", True),
    ]
    p1 = blocks["p1"]
    assert p1["text"].startswith("Security Council resolution 2645 (2022) asked me to report.")
    assert (p1["locator"], p1["citation"], p1["footnote_refs"]) == ("para. 1", "S/2024/90, para. 1", ["1"])
    assert [(c["symbol"], c["pinpoint"], c["url"]) for c in p1["citations"]] == [
        ("S/RES/2645(2022)", None, "http://testserver/documents/S/RES/2645(2022)/"),
        ("S/2018/1183", "12", "http://testserver/documents/S/2018/1183/#p12"),
    ]
    assert p1["url"] == "http://testserver/documents/S/2024/90/p1/", "the shared anchor's page"
    assert [(f["anchor"], f["text"], f["paired"], f["citation"]) for f in version["footnotes"]] == [
        ("fn1", "See resolution 2382 (2017).", True, "S/2024/90, footnote 1"),
        ("fn2", "See A/66/615.", True, "S/2024/90, footnote 2"),
    ]


def test_the_api_names_the_original(client, seeds):
    letter = seeds["004"]  # its masthead says "Original: English"
    add_working_group_english(letter)
    (version,) = client.get(letter.get_api_url()).json()["versions"]
    assert version["is_original"] is True and version["title"] == WORKING_GROUP_TITLE
    assert {p["anchor"]: p["citation"] for p in version["paragraphs"]}[
        "p2"
    ] == f"{WORKING_GROUP_TITLE}, annex I, para. 2"


def test_a_document_without_versions_has_an_empty_list(client, report):
    data = client.get(f"/api{URL}").json()
    assert data["versions"] == [] and data["language"] == "zh"


def test_the_api_costs_the_same_queries_with_or_without_an_english_version(client, db, django_assert_num_queries):
    plain = import_text(report_text(4), symbol="S/2024/80").document
    both = import_text(report_text(4, date="2024 年 1 月 2 日"), symbol="S/2024/81").document
    add_report_english(both)
    for doc in (plain, both):
        # The document, its versions; its blocks with their markers (and their footnotes) and citations
        # (and the cited documents); its footnotes with their citations (and the cited documents); who
        # cites it (nobody: the counts' plain values, and the list's count).  Both languages' blocks
        # and footnotes come in the same queries.
        with django_assert_num_queries(9):
            assert client.get(doc.get_api_url()).status_code == 200


# --- the JSON Lines export -------------------------------------------------------------------------


def test_the_export_carries_every_version_and_the_chinese_lines_as_they_were(seeds, report):
    def records() -> dict[str, dict]:
        return {r["id"]: r for r in map(json.loads, export_lines(lambda path: f"https://archive.example.org{path}"))}

    before = records()
    add_report_english(report)
    add_policing_english(seeds["002"])
    after = records()
    assert after.keys() == before.keys()
    for key, record in after.items():
        assert {k: v for k, v in record.items() if k not in ("versions", "language")} == {
            k: v for k, v in before[key].items() if k not in ("versions", "language")
        }, key
    versions = {r["symbol"]: r["versions"] for r in after.values() if r["versions"]}
    assert sorted(versions) == ["S/2018/1183", "S/2024/90"]
    (english,) = versions["S/2018/1183"]
    assert english["title"] == POLICING_TITLE
    assert english["url"] == "https://archive.example.org/documents/S/2018/1183/?view=parallel"
    p12 = next(p for p in english["paragraphs"] if p["anchor"] == "p12")
    assert (p12["citation"], p12["page"], p12["paired"]) == ("S/2018/1183, para. 12 (p. 4)", 4, True)


def test_export_archive_writes_the_versions_too(seeds, report):
    add_report_english(report)
    out = io.StringIO()
    call_command("export_archive", stdout=out, stderr=io.StringIO())
    (record,) = [r for r in map(json.loads, out.getvalue().splitlines()) if r["symbol"] == "S/2024/90"]
    assert record["versions"][0]["language"] == "en"
    assert [p["anchor"] for p in record["paragraphs"]] == ["h1", "h2", "p1", "p2", "p3", "p4"]


def test_the_export_reads_each_chunk_in_a_constant_number_of_queries(seeds, report, django_assert_num_queries):
    add_report_english(report)
    add_policing_english(seeds["002"])
    with django_assert_num_queries(8):  # one chunk, seven queries, then the empty chunk that ends it
        assert len(list(export_lines(lambda path: path, chunk_size=1000))) > 0
