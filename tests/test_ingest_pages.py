"""Official page numbers: every block and footnote on the page where it starts, and none without evidence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archive.ingest import parse
from archive.ingest.anchors import assign_anchors
from archive.ingest.pages import Boundary, assign_pages
from tests.conftest import parsed_seed

PAGES_003 = json.loads((Path(__file__).parent / "data" / "seed_003_pages.json").read_text(encoding="utf-8"))


def pages_by_anchor(text: str) -> dict[str, int | None]:
    doc = parse(text)
    return {a: b.page for a, b in zip(assign_anchors(doc.blocks), doc.blocks, strict=True)}


def test_every_block_of_s_2011_817_is_on_its_official_page() -> None:
    doc = parsed_seed("003")
    got = {a: b.page for a, b in zip(assign_anchors(doc.blocks), doc.blocks, strict=True)}
    assert got == PAGES_003["pages"]
    # The cover letter is page 1, the report begins on page 2 and ends on page 9.
    assert got["h1"] == 1 and got["p1"] == 2 and got["p58"] == 9
    assert doc.warnings == []


@pytest.mark.parametrize("prefix", ["000", "001", "002", "004"])
def test_seeds_without_page_evidence_get_no_pages_and_no_warning(prefix: str) -> None:
    doc = parsed_seed(prefix)
    assert {b.page for b in doc.blocks} == {None}
    assert {f.page for f in doc.footnotes} <= {None}
    assert not any("页码" in w for w in doc.warnings)


LETTER_PAGE = "2023 年 1 月 5 日秘书长给安全理事会主席的信\n第一页的正文。\n"


def test_footers_read_in_order_name_the_page_that_ends() -> None:
    text = (
        LETTER_PAGE
        + "23-00123 (C)    050123    060123\n*2300123*\n\nS/2023/5\n第二页的正文。\n23-00123 2/3\n"
        + "第三页的正文。\n3/3 23-00123\n"
    )
    assert list(pages_by_anchor(text).values()) == [1, 1, 2, 3]


def test_page_first_footers_without_totals_are_read_too() -> None:
    text = LETTER_PAGE + "\n23-00123 (C)\n*2300123*\n第二页的正文。\n2 23-00123\n第三页的正文。\n"
    assert list(pages_by_anchor(text).values()) == [1, 1, 2, 3]


def test_a_header_block_at_the_top_of_a_page_names_the_page_that_begins() -> None:
    text = (
        LETTER_PAGE + "S/2023/5\n12-34567 (C)2\n第二页的正文。\n\n\n第三页的正文。\nS/2023/5\n12-34567 (C)4\n第四页。\n"
    )
    assert list(pages_by_anchor(text).values()) == [1, 1, 2, 3, 4]


def test_form_feeds_are_the_pages() -> None:
    text = LETTER_PAGE + "\f第二页的正文。\n\f第三页的正文。\n更多正文。\n"
    assert list(pages_by_anchor(text).values()) == [1, 1, 2, 3, 3]


def test_no_printed_number_means_no_pages_even_with_furniture() -> None:
    # The first page's job number and a running header say a page ended, but not which one.
    text = LETTER_PAGE + "23-00123 (C)    050123    060123\n*2300123*\nS/2023/5\n第二页的正文。\n"
    doc = parse(text)
    assert {b.page for b in doc.blocks} == {None} and doc.warnings == []


def test_footnotes_are_on_the_page_where_their_body_starts() -> None:
    text = (
        "2023 年 1 月 5 日秘书长的报告\n1. 第一段正文。1\n__________________\n1 第一页的脚注。\n"
        "23-00123 (C)\n*2300123*\n2. 第二段正文。2\n__________________\n2 第二页的脚注。\n23-00123 2/2\n"
    )
    doc = parse(text)
    assert [(f.number, f.page) for f in doc.footnotes] == [("1", 1), ("2", 2)]
    assert [b.page for b in doc.blocks] == [1, 1, 2]


def test_numbers_that_contradict_the_boundaries_leave_the_stretch_without_pages_and_say_so() -> None:
    # Footers 2 and 5 with only one boundary between them: pages 3 and 4 cannot be placed.
    text = LETTER_PAGE + "23-00123 (C)\n第二页。\n23-00123 2/6\n第三页？\n23-00123 5/6\n第六页。\n6/6 23-00123\n"
    doc = parse(text)
    assert [b.page for b in doc.blocks] == [1, 1, 2, None, 6]
    assert any("页码对不上" in w for w in doc.warnings)


# --- the stage itself, on boundaries --------------------------------------------------------------


def footer(n: int | None = None) -> Boundary:
    return Boundary(furniture=True, number=n)


def test_assign_pages_drops_a_layout_hint_the_numbers_disprove() -> None:
    # A weak break (two lines without a blank between them) inside page 2 is not a page boundary.
    starts = [None, footer(), None, Boundary(), None, footer(2), None]
    pages, warnings = assign_pages(starts, footer(3))
    assert pages == [1, 2, 2, 2, 2, 3, 3] and warnings == []


def test_assign_pages_without_evidence_gives_none() -> None:
    assert assign_pages([None, Boundary(), None], None) == ([None, None, None], [])
    assert assign_pages([], None) == ([], [])


def test_assign_pages_believes_the_total_over_layout_hints() -> None:
    # "1/2" then two layout hints: the hints would make four pages of a two-page document.
    starts = [None, Boundary(furniture=True, number=1, total=2), Boundary(), Boundary()]
    assert assign_pages(starts, None) == ([1, 2, 2, 2], [])


def test_assign_pages_past_the_total_keeps_no_pages() -> None:
    starts = [None, Boundary(furniture=True, number=1, total=2), footer(), footer()]
    pages, warnings = assign_pages(starts, None)
    assert pages == [1, 2, None, None]
    assert any("共 2 页" in w for w in warnings)
