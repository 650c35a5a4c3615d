"""The renderer: stored text becomes escaped HTML with only the renderer's own tags in it."""

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from archive.render import (
    Link,
    Marker,
    citing_excerpt,
    footnote_markers,
    render_text,
    sanitize,
    sentence_bounds,
)
from archive.views.text import heading_levels

TAG_RE = re.compile(r"<[^>]+>")


def visible_text(markup: str) -> str:
    """What a reader sees: the markup without tags, entities decoded."""
    return html.unescape(TAG_RE.sub("", markup))


def test_markup_in_stored_text_is_shown_as_text():
    text = '恶意<script>alert(1)</script>与<img src=x onerror=alert(1)>及 "引号" & 符号'
    out = render_text(text)
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "onerror=alert(1)" in out  # visible as text, inside an escaped tag that no browser parses
    assert visible_text(out) == text


def test_citation_span_becomes_an_archive_link():
    text = "见 S/2016/952，第 60 段。"
    start = text.index("S/2016/952")
    out = render_text(text, links=[Link(start, start + 10, "/documents/S/2016/952/#p60", "S/2016/952，60")])
    assert '<a class="cite" href="/documents/S/2016/952/#p60" title="S/2016/952，60">S/2016/952</a>' in out
    assert visible_text(out) == text


def test_footnote_marker_is_inserted_at_its_offset():
    text = "其性质日益复杂。人们对冲突的驱动因素"
    offset = text.index("人们")
    out = render_text(text, markers=[Marker(offset, "1", "#fn1", "fnref1-p4", "fn1")])
    assert '复杂。<sup><a class="fnref" href="#fn1" id="fnref1-p4">1</a></sup>人们' in out


def test_marker_inside_a_citation_does_not_nest_links():
    text = "第 2185(2014)号决议"
    out = render_text(text, links=[Link(0, len(text), "/x/", "")], markers=[Marker(4, "4", "#fn4", "fnref4-p15")])
    # The link is closed around the marker, then reopened: never an <a> inside an <a>.
    assert re.search(r"<a [^>]*>[^<]*<sup><a", out) is None
    assert out.count('class="cite"') == 2
    assert visible_text(out) == text[:4] + "4" + text[4:]


def test_bad_offsets_from_the_importer_are_dropped_not_fatal():
    text = "短文本"
    out = render_text(
        text,
        links=[Link(1, 99, "/a/"), Link(2, 1, "/b/"), Link(0, 2, "/c/"), Link(1, 3, "/overlaps/")],
        markers=[Marker(-1, "9", "#fn9", "fnref9-b1"), Marker(50, "8", "#fn8", "fnref8-b1")],
    )
    assert 'href="/c/"' in out
    assert "/a/" not in out and "/b/" not in out and "/overlaps/" not in out and "fnref" not in out
    assert visible_text(out) == text


def test_hrefs_and_titles_are_attribute_escaped():
    out = render_text("abc", links=[Link(0, 3, '/x/"onmouseover="alert(1)', '"><script>')])
    assert "onmouseover=" not in out.replace("&quot;onmouseover=&quot;", "")
    assert "<script>" not in out


def test_allowlist_removes_what_the_renderer_never_emits():
    out = sanitize(
        '<a href="javascript:alert(1)" onclick="x()" class="evil">a</a><span style="x" class="ellipsis">b</span>'
        "<b>c</b><mark>d</mark>"
    )
    assert "javascript:" not in out and "onclick" not in out and 'class="evil"' not in out
    assert "style=" not in out and '<span class="ellipsis">' in out
    assert "&lt;b&gt;c&lt;/b&gt;" in out and "<mark>d</mark>" in out


@given(
    st.text(alphabet=st.sampled_from(list("维和文献<>&\"' ab1。，\n")), max_size=60),
    st.lists(st.tuples(st.integers(-2, 70), st.integers(-2, 70)), max_size=4),
    st.lists(st.integers(-2, 70), max_size=3),
)
def test_rendering_never_changes_the_text_a_reader_sees(text, spans, offsets):
    links = [Link(a, b, "/documents/S/2016/952/") for a, b in spans]
    markers = [Marker(o, "", "#fn1", f"fnref1-b{i}") for i, o in enumerate(offsets)]  # empty label: no text added
    out = render_text(text, links=links, markers=markers)
    assert visible_text(out) == text
    assert re.search(r"<(?!/?(a|sup|mark|span)[ >])", out) is None, "only allowlisted tags"


def test_footnote_markers_get_unique_ids_when_a_footnote_is_marked_twice_in_a_block():
    class Ref:
        def __init__(self, footnote_id, offset):
            self.footnote_id, self.offset = footnote_id, offset

    class Fn:
        anchor, number = "fn3", "3"

    markers = footnote_markers([Ref(7, 2), Ref(7, 9), Ref(8, 5)], {7: Fn()}, "p12")
    assert [m.id for m in markers] == ["fnref3-p12", "fnref3-p12-2"], "unknown footnotes are skipped"
    assert {m.href for m in markers} == {"#fn3"}


def test_citing_sentence_is_the_sentence_around_the_citation_not_the_paragraph():
    text = "第一句讲别的事情。安理会在第 2645(2022)号决议中决定延长任务期限。第三句也无关。"
    start = text.index("第 2645")
    end = text.index("决议") + 2
    left, right = sentence_bounds(text, start, end)
    assert text[left:right] == "安理会在第 2645(2022)号决议中决定延长任务期限。"
    excerpt = citing_excerpt(text, start, end)
    assert "<mark>第 2645(2022)号决议</mark>" in excerpt
    assert "第一句" not in excerpt and "第三句" not in excerpt


def test_an_overlong_sentence_is_cut_at_a_clause_break_with_an_ellipsis():
    text = "甲" * 300 + "，前文结束；引用 S/2016/952 在此，" + "乙" * 300 + "。"
    start = text.index("S/2016/952")
    excerpt = citing_excerpt(text, start, start + 10, limit=40)
    assert visible_text(excerpt).startswith("…引用") or visible_text(excerpt).startswith("…前文")
    assert visible_text(excerpt).endswith("…")
    assert len(visible_text(excerpt)) < 120


def test_heading_levels_follow_un_numbering_without_skipping_a_level():
    texts = ["摘要", "一. 导言", "A. 全系统服务提供者", "秘书处、部队派遣国和安理会成员交换意见", "二. 背景"]
    assert heading_levels(texts) == [2, 2, 3, 4, 2]
    # A section heading right after the title cannot jump from <h1> to <h3>.
    assert heading_levels(["A. 第一节"]) == [2]
