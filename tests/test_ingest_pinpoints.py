"""Pin-points read back into the anchors a reader lands on and the paragraphs a citation counts for."""

import re

import pytest

from archive.ingest.anchors import ANCHOR_PATTERN
from archive.ingest.pinpoints import MAX_RANGE, canonical_anchor, first_anchor, pinpoint_anchors, section_for


@pytest.mark.parametrize(
    ("pinpoint", "anchors"),
    [
        ("60", ["p60"]),
        ("29-32", ["p29", "p30", "p31", "p32"]),
        ("53,54,57", ["p53", "p54", "p57"]),
        ("4,7-8", ["p4", "p7", "p8"]),
        ("附件", ["annex1"]),
        ("附件二", ["annex2"]),
        ("附件一:2", ["annex1-p2"]),
        ("附件:3", ["annex1-p3"]),
        ("附件十二:1-2", ["annex12-p1", "annex12-p2"]),
        ("附文:5", ["enclosure1-p5"]),
        ("序言:3", ["pp3"]),
    ],
)
def test_each_pinpoint_names_the_paragraphs_it_cites(pinpoint, anchors):
    assert pinpoint_anchors(pinpoint) == anchors
    assert first_anchor(pinpoint) == anchors[0]
    assert all(re.fullmatch(ANCHOR_PATTERN, a) for a in anchors), "anchors must fit the paragraph URL route"


@pytest.mark.parametrize("pinpoint", ["", None, "摘要", "附件x:2", "0", "5-3", "第 4 段", "序言", "12:3"])
def test_what_names_no_paragraph_gives_no_anchor(pinpoint):
    assert pinpoint_anchors(pinpoint) == []
    assert first_anchor(pinpoint) is None


def test_an_absurd_range_is_capped_rather_than_expanded_without_limit():
    assert len(pinpoint_anchors("1-99999")) == MAX_RANGE


def test_annex_names_and_canonical_anchors():
    assert section_for("附件") == section_for("附件一") == "annex1"
    assert section_for("附件二十一") == "annex21"
    assert section_for("附录三") == "appendix3"
    assert section_for("附注") is None
    assert canonical_anchor("", 12) == "p12"
    assert canonical_anchor("annex2", 3) == "annex2-p3"
    assert canonical_anchor("preamble", 1) == "pp1"
