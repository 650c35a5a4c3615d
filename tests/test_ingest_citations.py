"""Citation extraction: unit forms, the five real seeds (fixtures/SEEDS.md), and invariants."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ingest.citations import extract_citations
from archive.ingest.symbols import normalize_symbol
from archive.ingest.types import CitationKind, CitationMatch

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Running page headers of seed 003 ("S/2011/817", "12-20064 (C)2"); the cleaning stage drops them.
_HEADER_RE = re.compile(r"^\s*(?:[AS]/\S+|\d{2}-\d{5}\s*\(C\)\s*\d*)\s*$")
_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\(#\)")


def joined_seed(name: str) -> str:
    """A seed with just enough cleaning to stand in for the real cleaner in these tests.

    Blank lines, link-annotation lines and page headers are dropped, wrapped lines are
    joined (a line ending in a space or 。 ends a paragraph), and markdown links are
    unwrapped.  Footnote markers are deliberately left in: the extractor must survive them.
    """
    raw = next(FIXTURES.glob(f"{name}_*.txt")).read_text(encoding="utf-8")
    lines = [
        line
        for line in raw.splitlines()
        if line.strip() and not line.lstrip().startswith("http") and not _HEADER_RE.match(line)
    ]
    text = "".join(line + ("\n" if line.endswith((" ", "。")) else "") for line in lines)
    return _MD_LINK_RE.sub(r"\1", text).replace("\\(", "(").replace("\\)", ")")


def only(text: str) -> CitationMatch:
    matches = extract_citations(text)
    assert len(matches) == 1, matches
    return matches[0]


def symbols(text: str) -> list[str]:
    return [m.symbol for m in extract_citations(text)]


# --- Security Council resolutions ---------------------------------------------------------


@pytest.mark.parametrize(
    "cited",
    [
        "第 2645(2022)号决议",
        "第2645(2022)号决议",
        "第 2645 (2022)号决议",
        "第 2645\n(2022)号决议",
        "第 2645(2022)\n号决议",
        "第２６４５（２０２２）号决议",
        "第 2645（2022）号决议",
    ],
)
def test_sc_resolution_spellings(cited: str) -> None:
    text = f"安全理事会在其{cited}中请我"
    match = only(text)
    assert (match.symbol, match.kind, match.text) == ("S/RES/2645(2022)", CitationKind.SC_RESOLUTION, cited)
    assert text[match.start : match.end] == cited


def test_full_width_offsets_map_back_to_the_original() -> None:
    # "㈠" becomes three characters under NFKC and "ｓ／" stays two: offsets must not drift.
    text = "㈠ 见ｓ／２０１８／１１８３及第２６４５（２０２２）号决议"
    first, second = extract_citations(text)
    assert first.symbol == "S/2018/1183" and first.text == "ｓ／２０１８／１１８３"
    assert second.symbol == "S/RES/2645(2022)" and second.text == "第２６４５（２０２２）号决议"
    for m in (first, second):
        assert text[m.start : m.end] == m.text


def test_sc_resolution_list_gives_one_citation_each() -> None:
    text = "安全理事会在其第 2185(2014)号、第 2382(2017)号和第 2447(2018)号决议中注意到"
    matches = extract_citations(text)
    assert [m.symbol for m in matches] == ["S/RES/2185(2014)", "S/RES/2382(2017)", "S/RES/2447(2018)"]
    assert [m.text for m in matches] == ["第 2185(2014)号", "第 2382(2017)号", "第 2447(2018)号决议"]


def test_sc_resolution_list_survives_raw_footnote_markers() -> None:
    text = "安全理事会在其第 2185(2014)号、4 第 2382(2017)号、5 第 2447(2018)号6 决议中"
    assert symbols(text) == ["S/RES/2185(2014)", "S/RES/2382(2017)", "S/RES/2447(2018)"]


def test_dual_sc_and_ga_resolution() -> None:
    sc, ga = extract_citations("见：安全理事会第 2282(2016)号和大会第 70/262 号双重决议序言部分第八段")
    assert (sc.symbol, sc.kind) == ("S/RES/2282(2016)", CitationKind.SC_RESOLUTION)
    assert (ga.symbol, ga.kind, ga.text) == ("A/RES/70/262", CitationKind.GA_RESOLUTION, "第 70/262 号")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(见第 2382(2017)和 2447(2018)号决议)", ["S/RES/2382(2017)", "S/RES/2447(2018)"]),
        ("授权组建支助团的安全理事会第 2699(2023)号决议", ["S/RES/2699(2023)"]),
        ("安理会决议 2699(2023)授权部署支助团", ["S/RES/2699(2023)"]),
        ("S/RES/2645(2022)", ["S/RES/2645(2022)"]),
    ],
)
def test_bare_sc_resolution_in_resolution_context(text: str, expected: list[str]) -> None:
    assert symbols(text) == expected


# --- General Assembly resolutions ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "symbol", "cited"),
    [
        ("注意到大会第 72/262 C 号决议所载", "A/RES/72/262C", "第 72/262 C 号决议"),
        ("大会第 71/243 号决议，序言部分", "A/RES/71/243", "第 71/243 号决议"),
        ("关于执法人员行为守则的第 34/169 号决议中", "A/RES/34/169", "第 34/169 号决议"),
        ("见 A/RES/70/262。", "A/RES/70/262", "A/RES/70/262"),
    ],
)
def test_ga_resolutions(text: str, symbol: str, cited: str) -> None:
    match = only(text)
    assert (match.symbol, match.kind, match.text) == (symbol, CitationKind.GA_RESOLUTION, cited)


def test_ga_decision_is_not_a_resolution() -> None:
    assert extract_citations("大会第 72/555 号决定") == []


# --- Document symbols and pin-points -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "symbol", "kind"),
    [
        ("(见 S/2016/952)", "S/2016/952", CitationKind.DOCUMENT),
        ("声明(S/PRST/2001/3)内所载", "S/PRST/2001/3", CitationKind.PRESIDENTIAL_STATEMENT),
        ("(见 S/PRST/2018/9)。", "S/PRST/2018/9", CitationKind.PRESIDENTIAL_STATEMENT),
        ("无视 S/PRST/ 2001/3 号文件", "S/PRST/2001/3", CitationKind.PRESIDENTIAL_STATEMENT),
        ("无视 S/PRST/\n2001/3 号文件", "S/PRST/2001/3", CitationKind.PRESIDENTIAL_STATEMENT),
        ("主席的信(S/2024/868)中", "S/2024/868", CitationKind.DOCUMENT),
        ("(A/60/891，第 8 段)", "A/60/891", CitationKind.DOCUMENT),
        ("(A/72/19，第 136 段)", "A/72/19", CitationKind.DOCUMENT),
        ("(A/72/772，第 50 段)", "A/72/772", CitationKind.DOCUMENT),
        ("(见 A/66/615 和 S/2016/952)", "A/66/615", CitationKind.DOCUMENT),
        ("“……措施”(A/55/985-S/2001/574，第 8 段)", "A/55/985-S/2001/574", CitationKind.DOCUMENT),
        ("(A/55/305-S/2000/809，第 29-47 段)", "A/55/305-S/2000/809", CitationKind.DOCUMENT),
        ("A/72/707-S/2018/43，第 1 段。", "A/72/707-S/2018/43", CitationKind.DOCUMENT),
        ("A/72/707-\nS/2018/43，第 1 段。", "A/72/707-S/2018/43", CitationKind.DOCUMENT),
        ("A/72/707- S/2018/43，第 1 段。", "A/72/707-S/2018/43", CitationKind.DOCUMENT),
    ],
)
def test_document_symbols(text: str, symbol: str, kind: CitationKind) -> None:
    match = extract_citations(text)[0]
    assert (match.symbol, match.kind) == (symbol, kind)
    assert text[match.start : match.end] == match.text


@pytest.mark.parametrize(
    ("text", "pinpoint"),
    [
        ("(S/2016/952，第 60 段)", "60"),
        ("(S/2016/952, 第 8 段)", "8"),
        ("(A/55/305-S/2000/809，第 29-47 段)", "29-47"),
        ("(S/2016/952，第 53 段、第 54 段和第 57 段)中建议 3、4 和 7", "53,54,57"),
        ("(S/2016/952，第 57\n段)中的建议 7", "57"),
        ("(S/2016/952，第 57段)", "57"),
        ("(S/2024/765，附件)，信中敦促", "附件"),
        ("(见 A/72/525，摘要)", "摘要"),
        ("第 2447(2018)号决议，第 1 和第 8 段。", "1,8"),
        ("第 2185(2014)号决议，序言部分第二十二和第二十三段，以及第 10、11、26、28 段。", None),
        ("正如安全理事会第2645(2022)号决议第4段所述", "4"),
        ("(大会第 71/243 号决议，序言部分第 7 段)", "序言:7"),
        ("(见 A/66/615 和 S/2016/952)，讨论了", None),
        ("见 S/2016/952。第 3 段指出", None),
    ],
)
def test_pinpoint_belongs_to_the_symbol_just_before(text: str, pinpoint: str | None) -> None:
    assert extract_citations(text)[-1].pinpoint == pinpoint


@pytest.mark.parametrize(
    "text",
    [
        "在安理会第 4270 次会议上发表的声明",
        "根据《联合国宪章》第七章采取行动",
        "2018 年年底之前",
        "如上文第 3 段所述",
        "第 11-48 页",
        "12-20064 (C)2",
        "https://undocs.org/ch/S/6/952",
        "https://undocs.org/ch/72/262C",
        "职位空缺(https://undocs.org/ch/S/2016/952)，连同",
        ".../ch/S/6/952 和 ch/72/262C",
        "S/6/952",
        "按 2024/25 年度预算",
        "大会第 72/555 号决定",
        "S/2016/95212",
    ],
)
def test_not_citations(text: str) -> None:
    assert extract_citations(text) == []


def test_each_occurrence_is_a_row() -> None:
    text = "(S/2016/952，第 8 段)……(S/2016/952，第 8 段)"
    assert [m.pinpoint for m in extract_citations(text)] == ["8", "8"]


# --- The real seeds (fixtures/SEEDS.md, "Citations in them") -------------------------------

EXPECTED = {
    "000": {"S/RES/2645(2022)": 3},
    "001": {"S/2024/868": 1, "S/2024/765": 1, "S/RES/2699(2023)": 3, "S/RES/2751(2024)": 1},
    "002": {
        "S/RES/2382(2017)": 7,
        "S/RES/2447(2018)": 5,
        "S/RES/2185(2014)": 3,
        "S/RES/2282(2016)": 1,
        "S/RES/2391(2017)": 1,
        "S/RES/2272(2016)": 1,
        "A/RES/72/262C": 1,
        "A/RES/70/262": 1,
        "A/RES/71/243": 1,
        "S/2016/952": 10,
        "S/PRST/2018/9": 1,
        "A/60/891": 1,
        "A/72/19": 1,
        "A/72/772": 1,
        "A/66/615": 1,
        "A/55/985-S/2001/574": 2,
        "A/55/305-S/2000/809": 1,
        "A/72/707-S/2018/43": 1,
        "A/72/525": 1,  # not in SEEDS.md but a real citation: "(见 A/72/525，摘要)"
    },
    "003": {"S/PRST/2001/3": 3, "S/RES/1353(2001)": 2},
    "004": {
        "S/PRST/2001/3": 1,
        "S/RES/2518(2020)": 4,
        "S/RES/2436(2018)": 1,
        "S/RES/2594(2021)": 2,
        "A/RES/34/169": 1,
    },
}


@pytest.fixture(scope="module")
def seed_citations() -> dict[str, tuple[str, list[CitationMatch]]]:
    return {name: (text, extract_citations(text)) for name in EXPECTED for text in [joined_seed(name)]}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_finds_exactly_the_expected_citations(
    name: str, seed_citations: dict[str, tuple[str, list[CitationMatch]]]
) -> None:
    text, matches = seed_citations[name]
    assert Counter(m.symbol for m in matches) == Counter(EXPECTED[name])
    assert [m.start for m in matches] == sorted(m.start for m in matches)
    for m in matches:
        assert text[m.start : m.end] == m.text


def test_seed_002_pinpoints_of_every_s_2016_952(
    seed_citations: dict[str, tuple[str, list[CitationMatch]]],
) -> None:
    _text, matches = seed_citations["002"]
    pins = [m.pinpoint for m in matches if m.symbol == "S/2016/952"]
    assert pins == [None, "8", "63", "60", "57", "51", "53,54,57", "56", "57", "58"]


def test_seed_002_other_pinpoints(seed_citations: dict[str, tuple[str, list[CitationMatch]]]) -> None:
    _text, matches = seed_citations["002"]
    pins = {(m.symbol, m.pinpoint) for m in matches}
    assert {
        ("A/55/305-S/2000/809", "29-47"),
        ("A/55/985-S/2001/574", "8"),
        ("A/60/891", "8"),
        ("A/72/707-S/2018/43", "1"),
        ("A/72/19", "136"),
        ("A/72/772", "50"),
        ("A/66/615", None),
        ("S/PRST/2018/9", None),
        ("A/RES/72/262C", None),
        ("A/RES/70/262", None),
    } <= pins


def test_seed_001_annex_pinpoint(seed_citations: dict[str, tuple[str, list[CitationMatch]]]) -> None:
    _text, matches = seed_citations["001"]
    assert [(m.symbol, m.pinpoint) for m in matches[:2]] == [("S/2024/868", None), ("S/2024/765", "附件")]


def test_seed_split_citations_are_found(seed_citations: dict[str, tuple[str, list[CitationMatch]]]) -> None:
    _text, matches = seed_citations["003"]
    assert "S/PRST/ \n2001/3" in [m.text for m in matches]
    _text, matches = seed_citations["002"]
    texts = [m.text for m in matches]
    assert "A/72/707-S/2018/43" in texts
    assert "第 2391(2017)号决议" in texts


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_has_no_false_positives(name: str, seed_citations: dict[str, tuple[str, list[CitationMatch]]]) -> None:
    _text, matches = seed_citations[name]
    for m in matches:
        assert "4270" not in m.text and "七章" not in m.text
        assert m.symbol not in {"S/2011/817", "S/6/952"}
        assert re.search(r"\d", m.text)


# --- Invariants ------------------------------------------------------------------------------

_FRAGMENTS = [
    "第 2645(2022)号决议",
    "第２６４５（２０２２）号",
    "S/2016/952",
    "，第 8 段",
    "第 53 段、第 54 段和第 57 段",
    "A/72/707-",
    "S/2018/43",
    "大会第 72/262 C 号",
    "决议",
    "、",
    "和",
    "附件",
    "S/PRST/ ",
    "2001/3",
    "https://undocs.org/ch/",
    "第 4270 次会议",
    "㈠",
    "ｓ／",
    "\n",
    " ",
    "(",
    ")",
    "4 ",
]


@settings(database=None, max_examples=400)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="第号决议段附件和、，,()（）/-–SAREPTC 0123456789０１２３４５６７８９／\n　㈠"),
        st.lists(st.sampled_from(_FRAGMENTS), max_size=12).map("".join),
    )
)
def test_extract_citations_invariants(text: str) -> None:
    matches = extract_citations(text)
    assert [m.start for m in matches] == sorted(m.start for m in matches)
    for m in matches:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
        assert normalize_symbol(m.symbol) == m.symbol
        assert m.pinpoint is None or 0 < len(m.pinpoint) <= 64
