"""A link that was ever shared keeps an answer: withdrawing instead of deleting, hubs that stay.

Readers hold links to paragraphs in papers and chat threads.  Once a document has been public,
a librarian can withdraw it (its URLs then say so, with 410) but cannot delete it; a document
that was never public can be deleted, and if other documents cite it, it goes back to being the
citation hub their links pointed to before.
"""

from __future__ import annotations

import pytest
from django.test import Client

from archive.ingest.errors import IngestError
from archive.ingest.store import import_text, remove_documents, set_status
from archive.models import Citation, Document, DocumentStatus, Paragraph
from tests.conftest import LETTER

# A letter that cites S/2024/160 (the draft below) with a pin-point.
CITING = """2024 年 4 月 2 日秘书长给安全理事会主席的信
我谨提及我的信(S/2024/160，第 2 段)。
安东尼奥·古特雷斯(签名)
"""


def test_publishing_records_the_first_publication_once(db):
    draft = import_text(LETTER, symbol="S/2024/160", status=DocumentStatus.DRAFT).document
    assert draft.first_published_at is None
    (published,) = set_status([draft], DocumentStatus.PUBLISHED)
    stamp = Document.objects.get(pk=draft.pk).first_published_at
    assert stamp is not None
    set_status([published], DocumentStatus.DRAFT)
    set_status([published], DocumentStatus.PUBLISHED)
    assert Document.objects.get(pk=draft.pk).first_published_at == stamp


def test_a_withdrawn_document_answers_410_at_every_url_it_had(client: Client, db):
    doc = import_text(LETTER, symbol="S/2024/161").document
    anchor = doc.paragraphs.current().exclude(number=None).first().anchor or doc.paragraphs.first().anchor
    urls = [doc.get_absolute_url(), f"/documents/id/{doc.public_id}/", f"/documents/S/2024/161/{anchor}/"]
    assert all(client.get(u, follow=True).status_code == 200 for u in urls)
    set_status([doc], DocumentStatus.DRAFT)
    for url in urls:
        page = client.get(url)
        assert page.status_code == 410, url
        html = page.content.decode()
        assert "文件已撤回" in html and "S/2024/161" in html
        assert "另一段" not in html  # the text itself is no longer shown
    api = client.get("/api/documents/S/2024/161/")
    assert api.status_code == 410 and api.json()["symbol"] == "S/2024/161"
    set_status([doc], DocumentStatus.PUBLISHED)
    assert client.get(urls[2]).status_code == 200  # republished: the same link, the same paragraph


def test_a_document_published_once_cannot_be_deleted_and_nothing_changes(db):
    doc = import_text(LETTER, symbol="S/2024/162").document
    set_status([doc], DocumentStatus.DRAFT)
    draft = import_text(LETTER.replace("另一段", "又一段"), symbol="S/2024/163", status=DocumentStatus.DRAFT).document
    with pytest.raises(IngestError, match="S/2024/162.*已经发布过.*撤回"):
        remove_documents([draft, doc])
    assert Document.objects.filter(pk__in=[doc.pk, draft.pk]).count() == 2  # all or nothing


def test_the_admin_offers_no_delete_for_a_published_document_and_says_why(client, librarian, db):
    doc = import_text(LETTER, symbol="S/2024/164").document
    change = client.get(f"/admin/archive/document/{doc.pk}/change/").content.decode()
    assert f"/admin/archive/document/{doc.pk}/delete/" not in change
    assert client.post(f"/admin/archive/document/{doc.pk}/delete/", {"post": "yes"}).status_code == 403
    confirm = client.post(
        "/admin/archive/document/", {"action": "delete_selected", "_selected_action": [doc.pk]}
    ).content.decode()
    assert "已经发布过" in confirm and "撤回" in confirm
    assert Document.objects.filter(pk=doc.pk).exists()


def test_deleting_a_cited_draft_gives_the_citing_links_their_hub_back(client: Client, librarian, db):
    citing = import_text(CITING, symbol="S/2024/170").document
    hub = Document.objects.get(symbol="S/2024/160")
    assert not hub.has_text
    # The hub's page was public: it lists who cites it.
    assert "S/2024/170" in client.get("/documents/S/2024/160/").content.decode()

    draft = import_text(LETTER, symbol="S/2024/160", status=DocumentStatus.DRAFT).document
    assert draft.pk == hub.pk  # the hub was filled in place
    # While the text is a draft, readers still see the hub, never the draft's text.
    page = client.get("/documents/S/2024/160/").content.decode()
    assert "S/2024/170" in page and "另一段" not in page
    assert client.get("/feeds/cited-by/S/2024/160/").status_code == 200

    response = client.post(f"/admin/archive/document/{draft.pk}/delete/", {"post": "yes"}, follow=True)
    assert "保留为文号页面" in response.content.decode()
    kept = Document.objects.get(pk=hub.pk)
    assert not kept.has_text and kept.symbol == "S/2024/160" and not Paragraph.objects.filter(document=kept).exists()
    citation = Citation.objects.get(paragraph__document=citing, cited_symbol="S/2024/160")
    assert citation.target_id == kept.pk and citation.pinpoint == "2"
    assert "S/2024/170" in client.get("/documents/S/2024/160/").content.decode()
