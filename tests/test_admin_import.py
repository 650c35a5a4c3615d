"""Adding a document in the admin: paste or upload → preview (nothing saved) → save as a draft or
publish (one transaction).

Every bad input must come back as a Chinese message on the form with the database untouched.
"""

from __future__ import annotations

import html
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.ingest.store import import_text
from archive.models import Citation, Document, DocumentStatus, Footnote, Paragraph
from tests.conftest import LETTER

ADD_URL = "/admin/archive/document/add/"


def snapshot():
    return (
        list(Document.objects.order_by("pk").values_list("pk", "symbol", "title", "status", "raw_text")),
        Paragraph.objects.count(),
        Footnote.objects.count(),
        Citation.objects.count(),
    )


def page_text(response) -> str:
    markup = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", "", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def field_errors(response, field: str) -> list[str]:
    form = response.context["form"]
    return list(form.errors.get(field, []))


def preview(client, text: str = LETTER, **extra):
    return client.post(ADD_URL, {"step": "source", "raw_text": text, **extra})


def review_data(response, **changes) -> dict[str, str]:
    """What the review page's form would post back, with ``changes`` typed over it."""
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in ("step", "raw_text", "symbol", "title", "doc_type")}
    data["date"] = form["date"].value() or ""
    data["fingerprint"] = form["fingerprint"].value()
    data.update(changes)
    return data


def update(client, response, **changes):
    """Type ``changes`` into the review page and press “更新预览”."""
    return client.post(ADD_URL, {**review_data(response, **changes), "_preview": "1"})


def confirm(client, response, publish: bool = False, **changes):
    """Press “保存为草稿” (or “保存并发布”) on the review page, after typing ``changes`` into it (no new preview)."""
    button = "_save_publish" if publish else "_save_draft"
    return client.post(ADD_URL, {**review_data(response, **changes), button: "1"})


def add(client, text: str = LETTER, publish: bool = False, **changes):
    """The whole librarian path: paste, preview, correct fields, preview again, save."""
    response = preview(client, text)
    if changes:
        response = update(client, response, **changes)
    return confirm(client, response, publish=publish)


# --- the happy path -----------------------------------------------------------------------------------


def test_the_add_page_offers_paste_and_upload_in_chinese(client, librarian):
    response = client.get(ADD_URL)
    text = page_text(response)
    assert response.status_code == 200
    assert "原始文本" in text and "或者上传文件" in text and "预览" in text
    assert 'type="file"' in response.content.decode()


def test_preview_shows_what_the_importer_made_and_saves_nothing(client, librarian):
    import_text("2018 年 12 月 31 日秘书长的报告\n\n12. 第十二段。\n", symbol="S/2018/1183")
    before = snapshot()
    response = preview(client)
    assert response.status_code == 200
    assert snapshot() == before, "a preview must not write anything"
    text = page_text(response)
    p = response.context["preview"]
    # Detected metadata is filled in for correction.
    form = response.context["form"]
    assert form["date"].value() == "2024/03/01"  # as the date field shows dates in Chinese
    assert form["title"].value() == "2024 年 3 月 1 日秘书长给安全理事会主席的信"
    assert form["doc_type"].value() == "letter"
    # Blocks with anchors, citations with whether they resolve, abbreviations.
    assert [b.anchor for b in p.blocks] == ["h1", "b1", "b2", "b3"]
    assert "我谨提及我的报告" in text and "b1" in text
    cited = {c.symbol: c.resolves for c in p.citations}
    assert cited == {"S/2018/1183": True, "S/RES/2645(2022)": False}
    assert "本库有原文" in text and "本库没有（将新建引用页）" in text
    assert ("联合国海地综合办事处", "联海综合办") in {(a.full, a.short) for a in p.abbreviations}
    assert "联海综合办" in text


def test_confirm_saves_the_document_blocks_and_citations_together(client, librarian):
    saved = add(client, symbol="S/2024/150", publish=True)
    assert saved.status_code == 302
    doc = Document.objects.get(symbol="S/2024/150")
    assert saved["Location"] == f"/admin/archive/document/{doc.pk}/change/"
    assert doc.title == "2024 年 3 月 1 日秘书长给安全理事会主席的信" and str(doc.date) == "2024-03-01"
    assert doc.status == DocumentStatus.PUBLISHED and doc.raw_text == LETTER
    assert list(doc.paragraphs.values_list("anchor", flat=True)) == ["h1", "b1", "b2", "b3"]
    assert Citation.objects.filter(paragraph__document=doc).count() == 2
    assert client.get("/documents/S/2024/150/").status_code == 200
    # The addition is recorded with who did it.
    assert doc.history.first().history_user == librarian


def test_saving_as_a_draft_keeps_it_from_readers(client, librarian):
    add(client, symbol="S/2024/150")
    doc = Document.objects.get(symbol="S/2024/150")
    assert doc.status == DocumentStatus.DRAFT
    client.logout()
    assert client.get("/documents/S/2024/150/").status_code == 404
    assert "S/2024/150" not in page_text(client.get("/documents/"))
    assert client.get("/api/documents/S/2024/150/").status_code == 404


def test_confirming_after_changing_the_text_shows_a_new_preview_instead_of_saving(client, librarian):
    response = preview(client)
    edited = LETTER.replace("另一段", "改过的另一段")
    again = confirm(client, response, raw_text=edited)
    assert again.status_code == 200 and not Document.objects.with_text().exists()
    assert "预览之后内容有改动" in page_text(again)
    assert "改过的另一段" in page_text(again)
    saved = confirm(client, again)
    assert saved.status_code == 302
    assert "改过的另一段" in Document.objects.with_text().get().raw_text


def test_publishing_from_the_review_page_needs_no_new_preview(client, librarian):
    response = update(client, preview(client), symbol="S/2024/150")
    saved = confirm(client, response, publish=True)
    assert saved.status_code == 302
    assert Document.objects.get(symbol="S/2024/150").status == DocumentStatus.PUBLISHED


def test_correcting_a_detected_symbol_changes_what_is_saved(client, librarian):
    text = "S/2011/817\n\n" + LETTER
    add(client, text, symbol="S/2011/818")
    assert Document.objects.with_text().get().symbol == "S/2011/818"


def test_importing_a_cited_symbol_fills_its_hub(client, librarian):
    import_text("2024 年 5 月 1 日的信\n\n本信提及 S/2024/77 号文件。\n", symbol="S/2024/1")
    hub = Document.objects.get(symbol="S/2024/77")
    response = update(client, preview(client), symbol="S/2024/77")
    assert "本库已有文号 S/2024/77 的引用页" in page_text(response)
    assert confirm(client, response).status_code == 302
    hub.refresh_from_db()
    assert hub.has_text and hub.title.startswith("2024 年 3 月 1 日")


# --- uploads ------------------------------------------------------------------------------------------


def test_a_gb18030_text_file_is_decoded_and_previewed(client, librarian):
    upload = SimpleUploadedFile("letter.txt", LETTER.encode("gb18030"), content_type="text/plain")
    response = client.post(ADD_URL, {"step": "source", "raw_text": "", "upload": upload})
    assert response.status_code == 200
    assert response.context["form"]["raw_text"].value() == LETTER
    assert "我谨提及我的报告" in page_text(response)


def test_a_docx_upload_is_previewed_with_its_paragraphs(client, librarian):
    from docx import Document as WordDocument

    word = WordDocument()
    for line in LETTER.strip().split("\n\n"):
        word.add_paragraph(line)
    buffer = io.BytesIO()
    word.save(buffer)
    upload = SimpleUploadedFile("letter.docx", buffer.getvalue())
    response = client.post(ADD_URL, {"step": "source", "upload": upload})
    assert response.status_code == 200
    assert response.context["form"]["date"].value() == "2024/03/01"
    assert len(response.context["preview"].blocks) == 4


def test_a_docx_with_footnotes_is_imported_with_its_footnotes_linked(client, librarian):
    from tests.test_admin_sources import WORD_FOOTNOTES

    response = client.post(ADD_URL, {"step": "source", "upload": SimpleUploadedFile("letter.docx", WORD_FOOTNOTES)})
    assert len(response.context["preview"].footnotes) == 2
    response = update(client, response, symbol="S/2024/190")
    assert confirm(client, response, publish=True).status_code == 302
    doc = Document.objects.get(symbol="S/2024/190")
    assert list(doc.footnotes.values_list("number", flat=True)) == ["1", "2"]
    page = client.get(doc.get_absolute_url()).content.decode()
    # Each marker links to its footnote, whose citation links to the cited paragraph.
    assert 'href="#fn1"' in page and 'href="#fn2"' in page and "/documents/S/2018/1183/#p12" in page


def test_a_pdf_upload_is_previewed_from_its_text_layer(client, librarian):
    from tests.test_admin_sources import make_pdf

    lines = [line for line in LETTER.split("\n") if line]
    response = client.post(ADD_URL, {"step": "source", "upload": SimpleUploadedFile("letter.pdf", make_pdf(lines))})
    assert response.status_code == 200 and response.context["preview"] is not None
    assert response.context["form"]["date"].value() == "2024/03/01"
    assert "S/2018/1183" in {c.symbol for c in response.context["preview"].citations}
    assert not Document.objects.exists()


def test_a_scanned_pdf_is_refused_with_advice(client, librarian):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    response = client.post(ADD_URL, {"step": "source", "upload": SimpleUploadedFile("scan.pdf", buffer.getvalue())})
    errors = field_errors(response, "upload")
    assert errors and errors[0].startswith("这是扫描版 PDF，没有可提取的文字")
    assert not Document.objects.exists()


def test_an_unknown_file_type_is_refused(client, librarian):
    response = client.post(ADD_URL, {"step": "source", "upload": SimpleUploadedFile("letter.rtf", b"{\\rtf1 hi}")})
    assert "不支持的文件类型" in field_errors(response, "upload")[0]


# --- bad input: a form error in Chinese, nothing saved ---------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"symbol": "S/2024/abc!"}, "symbol", "文号"),
        ({"date": "2024-02-30"}, "date", "有效的日期"),
        ({"date": "1899-05-01"}, "date", "不可能"),
        # The text is folded away at the bottom at review: its problem is said at the top instead.
        ({"raw_text": "   \n  "}, "__all__", "请粘贴文件的文本"),
    ],
    ids=["malformed-symbol", "impossible-date", "implausible-date", "empty-text"],
)
def test_bad_input_at_confirmation_is_a_form_error_and_saves_nothing(client, librarian, changes, field, message):
    response = preview(client)
    before = snapshot()
    refused = confirm(client, response, **changes)
    assert refused.status_code == 200
    errors = field_errors(refused, field)
    assert errors and message in errors[0], errors
    assert "没有保存任何内容。" in page_text(refused)
    assert snapshot() == before


def test_a_symbol_that_already_has_a_text_is_refused(client, librarian):
    import_text("2018 年 12 月 31 日秘书长的报告\n\n1. 另一份文本。\n", symbol="S/2018/1183")
    before = snapshot()
    refused = update(client, preview(client), symbol="s/2018/1183")
    assert "已有另一份文本" in field_errors(refused, "symbol")[0]
    refused = confirm(client, refused)
    assert "已有另一份文本" in field_errors(refused, "symbol")[0]
    assert snapshot() == before


def test_the_same_text_twice_is_refused(client, librarian):
    add(client, symbol="S/2024/150")
    before = snapshot()
    response = preview(client)
    assert "这份文本已经导入过" in field_errors(response, "__all__")[0]
    refused = confirm(client, response)
    assert refused.status_code == 200 and snapshot() == before


def test_an_empty_paste_is_refused_on_the_first_step(client, librarian):
    response = preview(client, "")
    assert field_errors(response, "raw_text") == ["请粘贴文件的文本，或者上传一个文件。"]
    assert not Document.objects.exists()


def test_an_oversize_upload_and_an_oversize_paste_are_refused(client, librarian, settings):
    settings.ARCHIVE_MAX_IMPORT_BYTES = 300
    big = LETTER * 3
    upload = SimpleUploadedFile("big.txt", big.encode("utf-8"))
    response = client.post(ADD_URL, {"step": "source", "upload": upload})
    assert field_errors(response, "upload")[0].startswith("文件过大")
    response = preview(client, big)
    assert field_errors(response, "raw_text")[0].startswith("文本过长")
    assert not Document.objects.exists()


def test_a_failure_while_saving_rolls_everything_back(client, librarian, monkeypatch):
    response = update(client, preview(client), symbol="S/2024/150")

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Citation.objects, "bulk_create", explode)
    client.raise_request_exception = True
    with pytest.raises(RuntimeError):
        confirm(client, response)
    assert not Document.objects.exists() and not Paragraph.objects.exists()


# --- pasted markup is text ----------------------------------------------------------------------------


def test_pasted_markup_is_stored_as_text_and_rendered_inert(client, librarian):
    text = LETTER.replace("另一段", "<script>alert(1)</script>另一段")
    response = preview(client, text)
    assert "<script>alert(1)" not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()
    add(client, text, symbol="S/2024/150", publish=True)
    doc = Document.objects.get(symbol="S/2024/150")
    assert doc.paragraphs.filter(text__contains="<script>alert(1)</script>").exists()
    page = client.get("/documents/S/2024/150/").content.decode()
    assert "<script>alert(1)" not in page
    assert "alert(1)" in page
