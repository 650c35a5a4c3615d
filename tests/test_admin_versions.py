"""A document's English text in the admin: paste or upload → preview and pairing → correct → save.

The texts are the corpus's mirrors of seed 002 (S/2018/1183) and seed 000 (S/2022/747).
"""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.ingest.store import import_version
from archive.models import Document, Paragraph, TextVersion

from .test_admin_import import page_text
from .test_ingest_english import CORPUS

REPORT_EN = (CORPUS / "12_seed_002_report.txt").read_text(encoding="utf-8")
LETTER_EN = (CORPUS / "11_seed_000_letter.txt").read_text(encoding="utf-8")


def url(doc: Document, query: str = "") -> str:
    return f"/admin/archive/document/{doc.pk}/english/{query}"


def stored() -> tuple:
    return (
        list(TextVersion.objects.values_list("pk", "source_sha256", "title")),
        list(Paragraph.objects.order_by("pk").values_list("pk", "language", "anchor", "text", "is_current")),
        list(Document.objects.order_by("pk").values_list("pk", "render_version")),
    )


def review_data(response, **changes) -> dict[str, str]:
    form = response.context["form"]
    names = [
        "step",
        "raw_text",
        "title",
        "paired_text",
        "fingerprint",
        *(n for n in form.fields if n.startswith("pair-")),
    ]
    data = {name: form[name].value() or "" for name in names}
    data.update(changes)
    return data


def paste(client, doc, text):
    return client.post(url(doc), {"step": "source", "raw_text": text, "_preview": "1"})


def test_the_document_page_offers_to_add_its_english_text(client, librarian, seeds):
    page = client.get(f"/admin/archive/document/{seeds['002'].pk}/change/")
    assert f'href="{url(seeds["002"])}"' in page.content.decode() and "添加英文本" in page_text(page)
    form = client.get(url(seeds["002"]))
    assert form.status_code == 200
    assert "粘贴这份文件的英文本全文" in page_text(form)


def test_the_preview_shows_the_facts_and_the_pairing_and_saves_nothing(client, librarian, seeds):
    report = seeds["002"]
    before = stored()
    response = paste(client, report, REPORT_EN)
    assert response.status_code == 200 and stored() == before
    text = page_text(response)
    for fact in ("United Nations policing: Report of the Secretary-General", "S/2018/1183", "与中文本的配对"):
        assert fact in text
    assert "86个英文文本块有中文对应，0个没有；0个中文文本块没有英文对应。" in text.replace(" ", "")
    markup = response.content.decode()
    assert re.search(r'<input type="text" name="pair-8" value="p1"[^>]*list="chinese-anchors"', markup)
    assert '<datalist id="chinese-anchors">' in markup
    assert re.search(r"<script(?![^>]*\bsrc=)[^>]*>", markup) is None  # CSP: no inline script


def test_saving_stores_the_version_with_one_message(client, librarian, seeds):
    report = seeds["002"]
    response = paste(client, report, REPORT_EN)
    saved = client.post(url(report), {**review_data(response), "_save": "1"}, follow=True)
    assert saved.redirect_chain[-1][0] == f"/admin/archive/document/{report.pk}/change/"
    messages = [str(m) for m in saved.context["messages"]]
    assert messages == [
        "已为“S/2018/1183 秘书长关于联合国警务工作的报告”添加英文本：86 个文本块与中文配对，0 个没有中文对应。"
    ]
    version = TextVersion.objects.get(document=report)
    assert version.title == "United Nations policing: Report of the Secretary-General"
    assert report.paragraphs.in_language("en").get(anchor="p12").number == "12"
    assert "英文本与配对" in page_text(saved)


def test_a_corrected_pair_is_previewed_again_then_saved_and_shown_again(client, librarian, seeds):
    letter = seeds["000"]
    response = paste(client, letter, LETTER_EN)
    fields = {n: response.context["form"][n].value() for n in response.context["form"].fields if n.startswith("pair-")}
    field = next(n for n, v in fields.items() if v == "b22")
    following = f"pair-{int(field.split('-')[1]) + 1}"
    before = stored()
    # Saving a changed pairing straight away shows the new preview first.
    again = client.post(url(letter), {**review_data(response, **{field: "b23", following: ""}), "_save": "1"})
    assert stored() == before
    assert [str(m) for m in again.context["messages"]] == ["预览之后内容或配对有改动。请核对下面的新预览，再保存。"]
    assert again.context["form"][field].value() == "b23" and again.context["form"][following].value() == ""
    assert "中文 b22（段落“在这种情况下，有必要立即作出反应，然后采取更多的…”）没有英文对应。" in page_text(again)
    saved = client.post(url(letter), {**review_data(again), "_save": "1"}, follow=True)
    assert "已为“S/2022/747" in str(list(saved.context["messages"])[0])
    anchors = dict(letter.paragraphs.in_language("en").current().values_list("position", "anchor"))
    index = int(field.split("-")[1]) - 1
    assert (anchors[index], anchors[index + 1]) == ("b23", "en1")
    # The stored pairing is what the page shows when the librarian comes back to it.
    current = client.get(url(letter, "?current=1"))
    assert current.context["form"][field].value() == "b23"
    unchanged = client.post(url(letter), {**review_data(current), "_save": "1"}, follow=True)
    assert [str(m) for m in unchanged.context["messages"]] == ["英文本的文字和配对都没有改动，没有保存任何内容。"]


def test_an_impossible_pair_is_refused_beside_its_field(client, librarian, seeds):
    letter = seeds["000"]
    response = paste(client, letter, LETTER_EN)
    before = stored()
    refused = client.post(url(letter), {**review_data(response, **{"pair-2": "p999"}), "_save": "1"})
    assert stored() == before
    assert refused.context["form"].errors["pair-2"] == ["中文本中没有锚点为 p999 的现行文本块。"]
    text = page_text(refused)
    assert "没有保存任何内容。" in text and "请更正标出的字段" in text


def test_the_english_text_of_another_document_is_refused(client, librarian, seeds):
    before = stored()
    response = paste(client, seeds["000"], REPORT_EN)
    assert stored() == before
    assert "这份文本刊头的文号是 S/2018/1183，而这份文件的文号是 S/2022/747" in page_text(response)


def test_an_uploaded_file_is_read_like_a_pasted_text(client, librarian, seeds):
    upload = SimpleUploadedFile("report_en.txt", REPORT_EN.encode("utf-8"), content_type="text/plain")
    response = client.post(url(seeds["002"]), {"step": "source", "upload": upload, "_preview": "1"})
    assert response.context["form"].is_review
    assert response.context["form"]["raw_text"].value() == REPORT_EN


def test_a_hub_has_no_english_text_to_add(client, librarian, seeds):
    hub = Document.objects.get(symbol="S/RES/2645(2022)")
    assert client.get(url(hub)).status_code == 403


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_document_page_lists_each_languages_blocks_apart(client, librarian, seeds, language):
    report = seeds["002"]
    import_version(report, REPORT_EN)
    page = client.get(f"/admin/archive/document/{report.pk}/change/")
    formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
    languages = {prefix: {form.instance.language for form in fs.forms} for prefix, fs in formsets.items()}
    assert languages == {"paragraphs": {"zh"}, "footnotes": {"zh"}, "paragraphs-2": {"en"}, "footnotes-2": {"en"}}
    assert "英文本与配对" in page_text(page)
