"""Correcting stored documents in the admin: the change list, symbol/date fixes, block edits, history,
re-parsing, publishing — always through the store, never breaking an anchor or an old URL."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from archive.ingest.store import import_text, update_block_text
from archive.models import Citation, Document, DocumentStatus, Paragraph
from archive.signals import documents_changed
from tests.conftest import LETTER

CHANGELIST = "/admin/archive/document/"


@pytest.fixture
def notifications(django_capture_on_commit_callbacks):
    """``documents_changed`` messages sent once the request's transaction commits (the index writer paused)."""
    import contextlib

    from search import indexing

    sent: list[list[int]] = []

    def receiver(sender, document_ids, **kwargs):
        sent.append(document_ids)

    documents_changed.connect(receiver)
    # The search app's writer thread would read another (empty) test database; its own tests cover it.
    with getattr(indexing.queue, "paused", contextlib.nullcontext)():
        yield sent, lambda: django_capture_on_commit_callbacks(execute=True)
    documents_changed.disconnect(receiver)


@pytest.fixture
def letter(db) -> Document:
    return import_text(LETTER, symbol="S/2024/150").document


def change_url(doc: Document) -> str:
    return f"/admin/archive/document/{doc.pk}/change/"


def change_form_data(response, **changes) -> dict[str, str]:
    """What the rendered change page would post back (document fields and every inline), plus ``changes``."""

    def value(bound) -> str:
        v = bound.value()
        return "" if v is None else str(v)

    form = response.context["adminform"].form
    data = {name: value(form[name]) for name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management.add_prefix(name): value(management[name]) for name in management.fields})
        for block_form in formset.forms:
            data.update({block_form.add_prefix(name): value(block_form[name]) for name in block_form.fields})
    data.update(changes)
    return data


def inline_text_key(response, anchor: str) -> str:
    """The POST key of the text field of the block with ``anchor`` in the paragraph inline."""
    formset = response.context["inline_admin_formsets"][0].formset
    (block_form,) = [f for f in formset.forms if f.instance.anchor == anchor]
    return block_form.add_prefix("text")


def listed(client, query: str = "") -> set[str]:
    response = client.get(CHANGELIST + query)
    assert response.status_code == 200
    return {str(d) for d in response.context["cl"].result_list}


# --- the change list ---------------------------------------------------------------------------------


def test_change_list_filters_by_type_year_status_and_unresolved_citations(client, librarian, seeds):
    seeds["003"].status = DocumentStatus.DRAFT
    seeds["003"].save()
    report = str(seeds["002"])
    assert report in listed(client, "?doc_type__exact=report")
    assert str(seeds["003"]) not in listed(client, "?doc_type__exact=report")
    assert listed(client, "?year=2018") == {report}
    assert listed(client, "?status__exact=draft") == {str(seeds["003"])}
    with_unresolved = listed(client, "?unresolved=yes")
    assert report in with_unresolved
    assert not any(str(d) in with_unresolved for d in Document.objects.hubs())
    hubs = listed(client, "?holding=hub")
    assert "S/RES/2645(2022)" in hubs and report not in hubs


def test_change_list_searches_symbol_and_title(client, librarian, seeds):
    assert listed(client, "?q=S/2018/1183") == {str(seeds["002"])}
    assert str(seeds["002"]) in listed(client, "?q=联合国警务工作")


def test_change_list_marks_hubs_and_counts_unresolved_citations(client, librarian, seeds):
    response = client.get(CHANGELIST + "?q=S/RES/2645")
    assert "仅引用" in response.content.decode()
    rows = {str(d): d.unresolved_count for d in client.get(CHANGELIST).context["cl"].result_list}
    expected = (
        Citation.objects.unresolved().filter(paragraph__document=seeds["002"]).count()
        + Citation.objects.unresolved().filter(footnote__document=seeds["002"]).count()
    )
    assert rows[str(seeds["002"])] == expected > 0


def test_change_list_costs_the_same_queries_for_more_rows(client, librarian, seeds):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(CHANGELIST + "?holding=text").status_code == 200
        return len(ctx)

    few = queries()
    for n in range(6):
        import_text(f"2024 年 1 月 {n + 1} 日的信\n\n第 {n} 号信的正文。\n", symbol=f"S/2024/{n + 900}")
    assert queries() == few


# --- correcting a document ------------------------------------------------------------------------------


def test_changing_the_symbol_keeps_the_old_url_redirecting(client, librarian, letter):
    response = client.get(change_url(letter))
    saved = client.post(change_url(letter), change_form_data(response, symbol="S/2024/151"))
    assert saved.status_code == 302
    letter.refresh_from_db()
    assert letter.symbol == "S/2024/151"
    old = client.get("/documents/S/2024/150/")
    assert old.status_code == 301 and old["Location"].endswith("/documents/S/2024/151/")
    # The document's own history records the change, with who made it.
    assert letter.history.first().history_user == librarian


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"symbol": "S/2018/1183"}, "symbol", "已被另一份文件使用"),
        ({"symbol": "not a symbol"}, "symbol", "文号"),
        ({"date": "2024-13-01"}, "date", "有效的日期"),
        ({"date": "2999-01-01"}, "date", "不可能"),
    ],
    ids=["taken-symbol", "malformed-symbol", "impossible-date", "future-date"],
)
def test_bad_corrections_are_form_errors_and_change_nothing(client, librarian, letter, changes, field, message):
    import_text("2018 年 12 月 31 日秘书长的报告\n\n1. 报告。\n", symbol="S/2018/1183")
    before = list(Document.objects.order_by("pk").values_list("symbol", "date", "title"))
    response = client.get(change_url(letter))
    refused = client.post(change_url(letter), change_form_data(response, **changes))
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors[field]
    assert message in errors[0], errors
    assert list(Document.objects.order_by("pk").values_list("symbol", "date", "title")) == before


def test_a_symbol_only_cited_so_far_can_be_taken_and_its_citations_follow(client, librarian, letter):
    import_text("2024 年 5 月 1 日的信\n\n本信提及 S/2024/77 号文件。\n", symbol="S/2024/1")
    response = client.get(change_url(letter))
    assert client.post(change_url(letter), change_form_data(response, symbol="S/2024/77")).status_code == 302
    assert Citation.objects.get(cited_symbol="S/2024/77").target == letter


def test_a_document_version_can_be_viewed_and_restored_from_history(client, librarian, letter):
    original_title = letter.title
    response = client.get(change_url(letter))
    client.post(change_url(letter), change_form_data(response, title="改错的标题", symbol="S/2024/151"))
    page = client.get(f"/admin/archive/document/{letter.pk}/history/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "改错的标题" in text and "lin" in text
    first = letter.history.earliest()
    version = client.get(f"/admin/archive/document/{letter.pk}/history/{first.history_id}/")
    assert version.status_code == 200 and original_title in version.content.decode()
    form = version.context["adminform"].form
    data = {name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields}
    assert data["symbol"] == "S/2024/150"
    restored = client.post(f"/admin/archive/document/{letter.pk}/history/{first.history_id}/", data)
    assert restored.status_code == 302
    letter.refresh_from_db()
    assert letter.title == original_title and letter.symbol == "S/2024/150"
    # Restoring the symbol went through change_symbol too: the symbol used in between still redirects.
    assert client.get("/documents/S/2024/151/").status_code == 301


# --- editing blocks -----------------------------------------------------------------------------------


def test_editing_a_block_keeps_its_anchor_reextracts_citations_and_records_history(client, librarian, letter):
    block = letter.paragraphs.get(anchor="b2")
    original = block.text
    response = client.get(change_url(letter))
    edited = original + "另见 S/2016/952，第 60 段。"
    saved = client.post(change_url(letter), change_form_data(response, **{inline_text_key(response, "b2"): edited}))
    assert saved.status_code == 302
    block.refresh_from_db()
    assert block.text == edited and block.anchor == "b2"
    assert list(letter.paragraphs.values_list("anchor", flat=True)) == ["h1", "b1", "b2", "b3"]
    cite = Citation.objects.get(paragraph=block, cited_symbol="S/2016/952")
    assert cite.pinpoint == "60"
    latest, previous = block.history.all()[:2]
    assert latest.history_user == librarian and latest.text == edited
    assert previous.text == original
    page = client.get("/documents/S/2024/150/").content.decode()
    assert "另见" in page and 'href="/documents/S/2016/952/#p60"' in page


def test_an_emptied_block_is_a_form_error_and_changes_nothing(client, librarian, letter):
    response = client.get(change_url(letter))
    refused = client.post(change_url(letter), change_form_data(response, **{inline_text_key(response, "b2"): "  "}))
    assert refused.status_code == 200
    assert letter.paragraphs.get(anchor="b2").text.startswith("另一段")


def test_a_previous_block_text_can_be_restored_from_history(client, librarian, letter):
    block = letter.paragraphs.get(anchor="b1")
    original = block.text
    update_block_text(block, "被改错的文字，没有引用。")
    assert not Citation.objects.filter(paragraph=block).exists()
    first = block.history.earliest()
    page = client.get(f"/admin/archive/paragraph/{block.pk}/history/")
    assert page.status_code == 200 and "被改错的文字" in page.content.decode()
    restored = client.post(f"/admin/archive/paragraph/{block.pk}/history/{first.history_id}/", {"text": first.text})
    assert restored.status_code == 302
    block.refresh_from_db()
    assert block.text == original and block.anchor == "b1"
    assert Citation.objects.filter(paragraph=block, cited_symbol="S/2018/1183").exists()


def test_a_single_block_cannot_be_added_or_deleted(client, librarian, letter):
    block = letter.paragraphs.first()
    assert client.get(f"/admin/archive/paragraph/{block.pk}/delete/").status_code == 403
    assert client.get("/admin/archive/paragraph/add/").status_code == 403
    assert Paragraph.objects.filter(pk=block.pk).exists()


# --- re-parsing -------------------------------------------------------------------------------------------


def test_reparse_previews_then_restores_the_parsed_text_keeping_anchors(client, librarian, letter):
    block = letter.paragraphs.get(anchor="b2")
    update_block_text(block, "临时改动的文字。")
    anchors = list(letter.paragraphs.values_list("pk", "anchor"))
    url = f"/admin/archive/document/{letter.pk}/reparse/"
    shown = client.get(url)
    assert shown.status_code == 200
    assert [b.anchor for b in shown.context["preview"].blocks] == ["h1", "b1", "b2", "b3"]
    assert shown.context["changed_blocks"] == 1
    block.refresh_from_db()
    assert block.text == "临时改动的文字。", "showing the preview changes nothing"
    assert client.post(url).status_code == 302
    block.refresh_from_db()
    assert block.text.startswith("另一段") and list(letter.paragraphs.values_list("pk", "anchor")) == anchors
    assert "临时改动的文字。" in set(block.history.values_list("text", flat=True))


# --- draft and published ------------------------------------------------------------------------------


def test_publish_and_unpublish_actions_change_what_readers_see_and_notify_search(
    client, librarian, letter, notifications
):
    sent, committing = notifications
    with committing():
        client.post(CHANGELIST, {"action": "make_draft", "_selected_action": [letter.pk]})
    # Withdrawn, not gone: the link a reader was given says so (410) rather than "not found".
    assert client.get("/documents/S/2024/150/").status_code == 410
    assert sent == [[letter.pk]]
    with committing():
        client.post(CHANGELIST, {"action": "publish", "_selected_action": [letter.pk]})
    assert client.get("/documents/S/2024/150/").status_code == 200
    assert sent == [[letter.pk], [letter.pk]]
    statuses = list(letter.history.values_list("status", "history_user__username")[:2])
    assert statuses == [("published", "lin"), ("draft", "lin")]


def test_a_draft_is_not_public_anywhere(client, db):
    draft = import_text(LETTER, symbol="S/2024/151", status=DocumentStatus.DRAFT).document
    assert client.get("/documents/S/2024/151/").status_code == 404
    assert client.get(f"/documents/S/2024/151/{draft.paragraphs.first().anchor}/").status_code == 404
    assert "S/2024/151" not in client.get("/documents/").content.decode()
    assert client.get("/api/documents/S/2024/151/").status_code == 404


def test_saving_a_correction_notifies_search_after_commit(client, librarian, letter, notifications):
    sent, committing = notifications
    response = client.get(change_url(letter))
    with committing():
        client.post(change_url(letter), change_form_data(response, title="更正后的标题"))
    assert [letter.pk] in sent
    letter.refresh_from_db()
    assert letter.title == "更正后的标题"


# --- hubs ------------------------------------------------------------------------------------------------


def test_a_hub_is_shown_marked_and_cannot_be_edited_or_deleted(client, librarian, letter):
    hub = Document.objects.get(symbol="S/RES/2645(2022)")
    page = client.get(change_url(hub))
    assert page.status_code == 200
    assert "这是引用页" in page.content.decode()
    assert 'name="symbol"' not in page.content.decode()
    refused = client.post(change_url(hub), {"symbol": "S/RES/2646(2022)", "title": "x"})
    assert refused.status_code == 403
    assert client.post(f"/admin/archive/document/{hub.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Document.objects.filter(pk=hub.pk, symbol="S/RES/2645(2022)").exists()


def test_a_librarian_can_delete_a_never_published_draft_but_not_a_hub_in_a_bulk_delete(client, librarian, db):
    draft = import_text(LETTER, symbol="S/2024/152", status=DocumentStatus.DRAFT).document
    hub = Document.objects.get(symbol="S/RES/2645(2022)")
    refused = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [draft.pk, hub.pk], "post": "yes"}
    )
    assert refused.status_code == 403
    assert Document.objects.filter(pk__in=[draft.pk, hub.pk]).count() == 2
    confirm = client.get(f"/admin/archive/document/{draft.pk}/delete/")
    assert confirm.status_code == 200
    assert client.post(f"/admin/archive/document/{draft.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Document.objects.filter(pk=draft.pk).exists() and not Paragraph.objects.filter(document=draft).exists()
