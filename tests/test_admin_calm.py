"""A calmer admin, as a new librarian would notice it: one message per outcome, two explicit save
buttons, dates shown one way, no time-zone note, a history that says which blocks changed, and
text areas tall enough for a long paragraph."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from archive.forms import text_rows
from archive.ingest.store import import_text, update_block_text
from archive.models import Document, DocumentStatus, Paragraph
from tests.conftest import LETTER, seed_text
from tests.test_admin_documents import change_form_data, change_url, inline_text_key
from tests.test_admin_import import ADD_URL, confirm, page_text, preview, review_data, update


def messages_shown(response) -> list[tuple[str, str]]:
    """Every message box a librarian sees: (kind, text) for the admin's message list, the error note
    and the preview's notices."""
    markup = response.content.decode()
    boxes = re.findall(r'<li class="(success|warning|error|info)">(.*?)</li>', markup, re.S)
    boxes += [("error", body) for body in re.findall(r'<div class="errornote"[^>]*>(.*?)</div>', markup, re.S)]
    boxes += [("error", body) for body in re.findall(r'<p class="errornote">(.*?)</p>', markup, re.S)]
    return [(kind, re.sub(r"<[^>]+>|\s+", " ", text).strip()) for kind, text in boxes]


# --- one message per outcome ----------------------------------------------------------------------


def test_the_same_text_again_is_one_red_message_at_the_top_and_nothing_else(client, librarian):
    import_text(LETTER, symbol="S/2024/150")
    response = preview(client)
    shown = messages_shown(response)
    assert len(shown) == 1, shown
    kind, text = shown[0]
    assert kind == "error" and "这份文本已经导入过：S/2024/150" in text and "没有保存任何内容" in text
    assert "没有发现问题" not in page_text(response) and "请更正下面的错误" not in page_text(response)
    assert page_text(response).count("这份文本已经导入过") == 1
    assert response.context.get("preview") is None  # nothing to review
    assert "/admin/archive/document/" in response.content.decode()  # a link to the one held


def test_the_same_text_under_another_symbol_is_refused_once_with_the_symbol_that_holds_it(client, librarian):
    import_text(seed_text("002"), symbol="S/2018/1183", status=DocumentStatus.PUBLISHED)
    respaced = seed_text("002").replace(" 年 ", "年").replace(" 月 ", "月")
    response = update(client, preview(client, respaced), symbol="S/2030/1")
    shown = messages_shown(response)
    assert len(shown) == 1 and "S/2018/1183" in shown[0][1] and "确认重发" in shown[0][1], shown
    assert 'name="reissue"' in response.content.decode()  # the way out, right there
    refused = confirm(client, response)
    assert refused.status_code == 200 and not Document.objects.filter(symbol="S/2030/1").exists()

    # Confirmed as a reissue: the preview comes back, and saving works.
    confirmed = update(client, response, reissue="on")
    assert confirmed.context["preview"] is not None and not confirmed.context["form"].errors
    saved = confirm(client, confirmed, reissue="on")
    assert saved.status_code == 302 and Document.objects.get(symbol="S/2030/1").has_text


def test_a_refused_symbol_says_so_at_the_field_and_the_preview_claims_no_success(client, librarian):
    import_text("2018 年 12 月 31 日秘书长的报告\n\n1. 另一份文本。\n", symbol="S/2018/1183")
    response = update(client, preview(client), symbol="S/2018/1183")
    kinds = [kind for kind, _text in messages_shown(response)]
    assert kinds == ["error"], messages_shown(response)
    assert "请更正标出的字段：文号" in page_text(response)
    # The preview's "没有发现问题" would contradict the refusal above it: it is not rendered at all.
    assert "没有发现问题" not in page_text(response)


def test_adding_a_draft_ends_on_its_page_with_one_message(client, librarian):
    response = update(client, preview(client), symbol="S/2024/150")
    saved = client.get(confirm(client, response)["Location"])
    success = [text for kind, text in messages_shown(saved) if kind == "success"]
    assert success == ["已保存为草稿“S/2024/150 2024 年 3 月 1 日秘书长给安全理事会主席的信”。"]


# --- the status choice is two explicit buttons ----------------------------------------------------


def test_the_review_page_offers_two_save_buttons_and_no_status_radio(client, librarian):
    markup = preview(client).content.decode()
    buttons = re.findall(r'<input type="submit" name="(_\w+)" value="([^"]+)"', markup)
    assert buttons == [("_preview", "更新预览"), ("_save_draft", "保存为草稿"), ("_save_publish", "保存并发布")]
    assert 'type="radio"' not in markup


def test_each_button_saves_with_its_status(client, librarian):
    response = update(client, preview(client), symbol="S/2024/150")
    assert confirm(client, response, publish=True).status_code == 302
    assert Document.objects.get(symbol="S/2024/150").status == DocumentStatus.PUBLISHED
    other = LETTER.replace("另一段", "又一段")
    response = update(client, preview(client, other), symbol="S/2024/151")
    assert confirm(client, response).status_code == 302
    assert Document.objects.get(symbol="S/2024/151").status == DocumentStatus.DRAFT


def test_no_button_pressed_saves_nothing(client, librarian):
    response = update(client, preview(client), symbol="S/2024/150")
    client.post(ADD_URL, review_data(response))  # Enter in a field: a new preview, never a save
    assert not Document.objects.with_text().exists()


# --- dates ------------------------------------------------------------------------------------------


def date_input(response) -> str:
    return re.search(r'<input type="text" name="date" value="([^"]*)"', response.content.decode()).group(1)


def test_the_add_and_change_forms_show_a_date_the_same_way(client, librarian):
    doc = import_text(LETTER, symbol="S/2024/150").document  # dated 2024-03-01, like the letter below
    another = LETTER.replace("另一段", "又一段")
    for language, shown in (("zh-hans", "2024/03/01"), ("en", "2024-03-01")):
        client.cookies["django_language"] = language
        with translation.override(language):
            on_add = date_input(preview(client, another))
            on_change = date_input(client.get(change_url(doc)))
        assert on_add == on_change == shown, (language, on_add, on_change)


def test_date_fields_carry_the_calendar_without_the_time_zone_note(client, librarian):
    doc = import_text(LETTER, symbol="S/2024/150").document
    for response in (preview(client, LETTER.replace("另一段", "又一段")), client.get(change_url(doc))):
        markup = response.content.decode()
        assert 'class="vDateField' in markup  # the admin's calendar stays
        assert 'src="/static/archive/admin/calendar_dates.js"' in markup  # which drops the time-zone note


# --- the document's history says what changed -----------------------------------------------------


def test_the_history_page_lists_the_changed_blocks_old_to_new_with_links_to_their_history(client, librarian):
    doc = import_text(LETTER, symbol="S/2024/150").document
    response = client.get(change_url(doc))
    b2 = doc.paragraphs.get(anchor="b2")
    edited = b2.text.replace("另一段", "另一段（已校对）")
    client.post(change_url(doc), change_form_data(response, **{inline_text_key(response, "b2"): edited}))
    page = client.get(f"/admin/archive/document/{doc.pk}/history/")
    text = page_text(page)
    assert "段落和脚注的改动" in text and "首次导入文本，共 4 个文本块" in text
    rows = re.findall(r"<tr>\s*<td>.*?</tr>", page.content.decode().split('id="block-changes"')[1], re.S)
    assert len(rows) == 1, "only the changed block is listed, not the four of the first import"
    row = rows[0]
    assert f'href="/admin/archive/paragraph/{b2.pk}/history/"' in row and "<code>b2</code>" in row
    assert "lin" in row and "修改" in row
    assert "另一段" in row and "另一段（已校对）" in row and "&rarr;" in row


def test_the_history_page_costs_the_same_queries_for_more_changed_blocks(client, librarian):
    doc = import_text(seed_text("002"), symbol="S/2018/1183").document
    blocks = list(doc.paragraphs.filter(kind="paragraph").order_by("position")[:6])
    url = f"/admin/archive/document/{doc.pk}/history/"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    update_block_text(blocks[0], blocks[0].text + "（一）")
    one = queries()
    for block in blocks[1:]:
        update_block_text(block, block.text + "（二）")
    assert queries() == one
    assert page_text(client.get(url)).count("（二）") >= 5


def test_a_block_a_reimport_retired_is_listed_as_no_longer_current(client, librarian):
    doc = import_text("2024 年 3 月 1 日的信\n\n1. 第一段。\n\n2. 第二段。\n", symbol="S/2024/150").document
    import_text("2024 年 3 月 1 日的信\n\n1. 第一段。\n", symbol="S/2024/150", replace=True)
    text = page_text(client.get(f"/admin/archive/document/{doc.pk}/history/"))
    assert "不再在现行文本中" in text and "p2" in text


# --- tall text areas ----------------------------------------------------------------------------------


def test_block_text_areas_are_tall_enough_for_their_paragraph(client, librarian):
    doc = import_text(seed_text("002"), symbol="S/2018/1183").document
    longest = max(doc.paragraphs.all(), key=lambda p: len(p.text))
    shortest = min(doc.paragraphs.all(), key=lambda p: len(p.text))
    markup = client.get(change_url(doc)).content.decode()

    def rows_of(block: Paragraph) -> int:
        label = f'aria-label="{block.anchor} 的文字"'
        (tag,) = [t for t in re.findall(r"<textarea [^>]*>", markup) if label in t]
        return int(re.search(r'rows="(\d+)"', tag).group(1))

    # 80 columns hold 40 Chinese characters: a paragraph of 300 needs 8 rows, not the 3 it had.
    assert len(longest.text) > 300
    assert rows_of(longest) >= len(longest.text) // 40 + 1
    assert rows_of(shortest) == 3


def test_text_rows_count_chinese_characters_as_two_columns():
    assert text_rows("短", cols=80, least=3) == 3
    assert text_rows("字" * 400, cols=80, least=3) == 11  # 800 columns: 10 rows and one to type in
    assert text_rows("a" * 400, cols=80, least=3) == 6
    assert text_rows("字" * 100_000, cols=80, least=3) == 40  # a table: capped, it scrolls
