"""The JSON API other features and outside tools rely on."""

import pytest

from archive.ingest.store import change_symbol, import_text


def test_document_list_is_paginated_and_lists_only_texts(client, seeds, settings):
    settings.ARCHIVE_PAGE_SIZE = 2
    data = client.get("/api/documents/").json()
    assert data["count"] == 5
    assert data["next"].endswith("/api/documents/?page=2")
    first = data["results"][0]
    assert set(first) >= {"symbol", "id", "title", "date", "doc_type", "url", "api_url"}
    assert first["symbol"] is None and first["date"] == "2025-02-24", "newest first"
    assert client.get("/api/documents/?page=99").status_code == 404


def test_document_detail_carries_paragraphs_footnotes_and_resolved_citations(client, seeds):
    data = client.get("/api/documents/S/2018/1183/").json()
    assert data["symbol"] == "S/2018/1183" and data["date"] == "2018-12-31"
    numbered = [p for p in data["paragraphs"] if p["number"]]
    assert [p["number"] for p in numbered] == [str(n) for n in range(1, 69)]
    assert [p["anchor"] for p in numbered][:3] == ["p1", "p2", "p3"]
    assert [f["number"] for f in data["footnotes"]] == [str(n) for n in range(1, 10)]
    refs = [r for p in data["paragraphs"] for r in p["footnote_refs"]]
    assert refs == [str(n) for n in range(1, 10)]
    cites = [c for p in data["paragraphs"] for c in p["citations"]]
    pinned = [c for c in cites if c["symbol"] == "S/2016/952" and c["pinpoint"] == "60"]
    assert pinned and pinned[0]["url"].endswith("/documents/S/2016/952/#p60")


def test_hub_lists_who_cites_it(client, seeds):
    data = client.get("/api/documents/S/RES/2645(2022)/").json()
    assert data["paragraphs"] == [] and data["has_text"] is False
    assert any(c["url"].startswith("http://testserver/documents/S/2022/747/") for c in data["cited_by"])


def test_symbol_less_document_by_id_then_redirects_after_symbol_is_set(client, seeds):
    doc = seeds["001"]
    url = f"/api/documents/id/{doc.public_id}/"
    assert client.get(url).json()["id"] == doc.public_id
    change_symbol(doc, "S/2025/130")
    response = client.get(url)
    assert response.status_code == 301 and response["Location"] == "/api/documents/S/2025/130/"


def test_loose_symbol_spelling_redirects_to_canonical(client, seeds):
    response = client.get("/api/documents/s/2018/1183/")
    assert response.status_code == 301 and response["Location"] == "/api/documents/S/2018/1183/"


def test_unknown_symbol_is_404(client, seeds):
    assert client.get("/api/documents/S/1999/1/").status_code == 404


@pytest.mark.parametrize("extra_paragraphs", [1, 40])
def test_detail_uses_a_constant_number_of_queries(client, db, django_assert_num_queries, extra_paragraphs):
    body = "\n\n".join(
        f"{n}. 第 {n} 段，提及 S/2016/952，第 {n} 段和第 2645(2022)号决议。" for n in range(1, extra_paragraphs + 1)
    )
    import_text(f"2024 年 1 月 1 日秘书长的报告\n\n{body}\n", symbol="S/2024/5")
    with django_assert_num_queries(8):  # with its language versions (none here; tests/test_versions_api.py)
        client.get("/api/documents/S/2024/5/")


def test_cited_by_includes_citations_made_in_footnotes(client, seeds):
    data = client.get("/api/documents/S/RES/2185(2014)/").json()
    from_footnotes = [c for c in data["cited_by"] if c["anchor"].startswith("fn")]
    assert from_footnotes and from_footnotes[0]["symbol"] == "S/2018/1183"
    assert from_footnotes[0]["url"] == "http://testserver/documents/S/2018/1183/#fn4"
