"""The URL contract: every URL the archive has served keeps working, by redirect if need be."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from archive.ingest.store import change_symbol
from archive.models import Document, Paragraph


def test_every_anchor_of_the_seeds_is_on_its_document_page(client, seeds):
    for doc in seeds.values():
        content = client.get(doc.get_absolute_url()).content.decode()
        anchors = list(doc.paragraphs.current().values_list("anchor", flat=True))
        anchors += list(doc.footnotes.values_list("anchor", flat=True))
        missing = [a for a in anchors if f'id="{a}"' not in content]
        assert not missing, f"{doc.url_key}: {missing}"
        ids = [chunk.split('"', 1)[0] for chunk in content.split(' id="')[1:]]
        assert len(ids) == len(set(ids)), f"{doc.url_key}: duplicate ids"


def test_every_block_of_the_seeds_has_a_working_standalone_page(client, seeds):
    blocks = Paragraph.objects.filter(document__in=seeds.values()).select_related("document")
    assert blocks.count() > 400
    broken = [p.get_permalink() for p in blocks if client.get(p.get_permalink()).status_code != 200]
    assert not broken


def test_numbered_paragraph_anchor_is_p_and_its_number(client, seeds):
    content = client.get("/documents/S/2018/1183/").content.decode()
    assert '<div class="block block--paragraph" id="p12">' in content
    assert '<li class="footnote" id="fn3">' in content


def test_symbol_less_document_keeps_its_url_after_a_symbol_is_assigned(client, seeds):
    doc = seeds["001"]
    id_url = f"/documents/id/{doc.public_id}/"
    assert doc.get_absolute_url() == id_url
    assert client.get(id_url).status_code == 200
    block = doc.paragraphs.current().in_reading_order().exclude(kind="title").first()
    old_block_url = block.get_permalink()
    assert client.get(old_block_url).status_code == 200

    change_symbol(doc, "S/2025/999")

    response = client.get(id_url)
    assert response.status_code == 301 and response["Location"] == "/documents/S/2025/999/"
    response = client.get(old_block_url)
    assert response.status_code == 301 and response["Location"] == f"/documents/S/2025/999/{block.anchor}/"
    assert client.get("/documents/S/2025/999/").status_code == 200


def test_old_symbol_urls_redirect_to_the_new_symbol(client, seeds):
    change_symbol(seeds["002"], "S/2019/5")
    response = client.get("/documents/S/2018/1183/")
    assert response.status_code == 301 and response["Location"] == "/documents/S/2019/5/"
    response = client.get("/documents/S/2018/1183/p12/")
    assert response.status_code == 301 and response["Location"] == "/documents/S/2019/5/p12/"
    # Citations that named the old symbol still land on the document.
    assert client.get("/documents/S/2019/5/").status_code == 200


@pytest.mark.parametrize(
    ("typed", "canonical"),
    [
        ("/documents/s/2018/1183/", "/documents/S/2018/1183/"),
        (f"/documents/{quote('Ｓ／２０１８／１１８３')}/", "/documents/S/2018/1183/"),
        (f"/documents/{quote('S/2018/ 1183')}/", "/documents/S/2018/1183/"),
        (f"/documents/{quote('s/res/2645 (2022)')}/", "/documents/S/RES/2645(2022)/"),
        ("/documents/s/2018/1183/p12/", "/documents/S/2018/1183/p12/"),
        (f"/documents/{quote('ｓ/２０１８/１１８３')}/p12/", "/documents/S/2018/1183/p12/"),
    ],
)
def test_loosely_typed_symbols_redirect_301_to_the_canonical_url(client, seeds, typed, canonical):
    response = client.get(typed)
    assert response.status_code == 301
    assert response["Location"] == canonical
    assert client.get(canonical).status_code == 200


def test_document_by_id_is_the_canonical_url_only_while_there_is_no_symbol(client, seeds):
    with_symbol = seeds["002"]
    response = client.get(f"/documents/id/{with_symbol.public_id}/")
    assert response.status_code == 301 and response["Location"] == "/documents/S/2018/1183/"
    assert client.get("/documents/id/zzzzzzzzzz/").status_code == 404


def test_citation_links_resolve_to_a_page_holding_the_pinpointed_anchor(client, seeds):
    # S/2018/1183 cites S/2016/952, 第 60 段: the link goes to the hub's #p60, and the hub has it.
    hub = Document.objects.get(symbol="S/2016/952")
    content = client.get(hub.get_absolute_url()).content.decode()
    assert '<li id="p60">' in content
