"""Cleaning: artefacts of PDF extraction are removed, and nothing else is."""

from __future__ import annotations

import re

import pytest

from archive.ingest import parse
from archive.ingest.clean import Layout, LineKind, join_pair, prepare, strip_markdown, tidy
from archive.ingest.types import Block, ParsedDocument
from tests.conftest import SEEDS
from tests.conftest import parsed_seed as parsed
from tests.conftest import seed_text as seed


def all_texts(doc: ParsedDocument) -> list[str]:
    return [b.text for b in doc.blocks] + [f.text for f in doc.footnotes]


def block_containing(doc: ParsedDocument, needle: str) -> Block:
    found = [b for b in doc.blocks if needle in b.text]
    assert len(found) == 1, f"{needle!r} is in {len(found)} blocks"
    return found[0]


# --- layout and artefacts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "layout"),
    [
        ("000", Layout.WRAPPED),
        ("001", Layout.PARAGRAPH_LINES),
        ("002", Layout.WRAPPED),
        ("003", Layout.WRAPPED),
        ("004", Layout.PARAGRAPH_LINES),
    ],
)
def test_layout_is_detected_per_document(prefix: str, layout: Layout) -> None:
    assert prepare(seed(prefix)).layout == layout


def test_header_block_does_not_decide_the_layout() -> None:
    # A wrapped PDF extraction can carry the Distr. block too; its line ends still rule.
    header = "安全理事会\n\nDistr.: General\n30 December 2011\nChinese\nOriginal: English\n\n"
    prepared = prepare(header + seed("003"))
    assert prepared.layout == Layout.WRAPPED
    assert parse(header + seed("003")).blocks == parsed("003").blocks


def test_page_headers_of_003_are_removed_but_remembered() -> None:
    prepared = prepare(seed("003"))
    assert prepared.headers == ["S/2011/817", "12-20064 (C)2", "S/2011/817", "12-20064 (C)4"]
    assert not any("S/2011/817" in line.text or "12-20064" in line.text for line in prepared.lines)


def test_line_endings_are_normalised() -> None:
    text = seed("000")
    assert parsed("000").blocks == parse(text.replace("\n", "\r\n")).blocks
    assert parsed("000").blocks == parse(text.replace("\n", "\r")).blocks


@pytest.mark.parametrize("prefix", SEEDS)
def test_no_artefact_survives_in_blocks_or_footnotes(prefix: str) -> None:
    for text in all_texts(parsed(prefix)):
        for line in text.split("\n"):
            assert not re.fullmatch(r"S/\d{4}/\d+", line.strip()), line
            assert not re.fullmatch(r"https?://[!-~]+", line.strip()), line
        assert "12-20064" not in text
        assert "undocs.org" not in text
        assert "___" not in text
        assert "Distr." not in text and "Original: English" not in text and "Chinese" not in text
        assert "](#)" not in text and "\\" not in text and "**" not in text
        assert text == text.strip() and text


def test_leftover_header_like_line_is_reported() -> None:
    text = seed("003").replace("12-20064 (C)4", "12-20064 (C) 附件")
    doc = parse(text)
    assert any("12-20064" in w and "页眉" in w for w in doc.warnings), doc.warnings
    assert parsed("003").warnings == []


def test_header_block_of_001_and_004_is_dropped() -> None:
    for prefix in ("001", "004"):
        doc = parsed(prefix)
        assert doc.blocks[0].text.endswith("主席的信")
        assert all(b.text not in ("安全理事会", "Chinese") for b in doc.blocks)


def test_the_separator_line_is_not_text() -> None:
    lines = prepare(seed("002")).lines
    assert sum(1 for line in lines if line.kind == LineKind.SEPARATOR) == 6


def test_footnote_body_url_is_text_but_link_annotation_is_not() -> None:
    # Footnote 2 quotes a URL (followed by "。"); the bare URL line after it is an annotation.
    fn2 = parsed("002").footnotes[1].text
    assert fn2.endswith("improving_security_of_united_nations_peacekeepers_report.pdf。")
    assert fn2.count("https://") == 1


# --- markdown and whitespace ------------------------------------------------------------


def test_markdown_residue_is_removed() -> None:
    assert strip_markdown(r"第 [2699\(2023\)](#)号决议") == "第 2699(2023)号决议"
    assert strip_markdown("试点运行的 **Unite Aware** 系统") == "试点运行的 Unite Aware 系统"
    assert strip_markdown(r"a \(b\) c") == "a (b) c"
    assert strip_markdown("2 * 3 = 6") == "2 * 3 = 6"


def test_markdown_in_001_and_004_is_gone_but_text_kept() -> None:
    assert "第 2699(2023)号决议和将支助团任务期限延长" in block_containing(parsed("001"), "授权组建").text
    assert "试点运行的 Unite Aware 系统" in block_containing(parsed("004"), "Unite Aware").text


def test_tidy_drops_spaces_inside_chinese_only() -> None:
    assert tidy("联 合 国 ：“改 善 联 合 国维和") == "联合国：“改善联合国维和"
    assert tidy("第 2645(2022)号决议") == "第 2645(2022)号决议"
    assert tidy("在 2022 年 8 月") == "在 2022 年 8 月"
    assert tidy("牵头国。 联海综合办") == "牵头国。联海综合办"
    assert tidy("  a \t  b  ") == "a b"


def test_join_pair_spacing() -> None:
    assert join_pair("海地国", "家警察") == "海地国家警察"
    assert join_pair("A/72/707-", "S/2018/43") == "A/72/707-S/2018/43"
    assert join_pair("Unite", "Aware") == "Unite Aware"
    assert join_pair("第 57", "段") == "第 57 段"
    assert join_pair("2391(2017)", "号决议") == "2391(2017)号决议"


# --- page breaks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "joined"),
    [
        # A bare page break in the middle of a sentence (non-blank line after non-blank).
        ("000", "使那些社区处于帮派控制之下"),
        ("000", "如果没有会员国主动为这一方案提供双边支助和资金"),
        ("000", "对装备可能被误用或挪用所表达的疑虑"),
        # Word cut by a page break, with and without blank lines between.
        ("001", "在海地国家警察与支助团联合或协同开展行动时"),
        ("001", "其中 6 人是帮派成员"),
        ("001", "海地人不断逃离帮派暴力，境内流离失所者人数由此激增"),
        ("001", "帮派袭击也变得更有组织，反映出他们规划日趋缜密"),
        # Markdown link, then a page break, then the rest of the citation.
        ("001", "根据安全理事会第 2699(2023)号决议的要求"),
        # Page break with link annotations between the halves.
        ("002", "联合国南苏丹特派团(南苏丹特派团)警察部门最近部署了由维持和平人员组成的建制警察部队"),
        ("002", "在警察行动需要高于单派警察能力的建制反应"),
        # The footnote separator falls mid-sentence.
        ("002", "将预防冲突和维持和平优先；(b) 加强维持和平行动"),
        ("002", "开发署通过政府要求和批准的联合方案进一步支持和延长了这一部署"),
        # Page headers between the halves.
        ("003", "确保激增设备、用品和服务(例如帐篷、公共浴室、餐饮服务和医疗服务)完全到位"),
        ("003", "因此决定不采用特派团之间的合作的做法。秘书处指出"),
        ("003", "无视 S/PRST/2001/3 号文件所载的建议"),
        ("004", "秘书长的以行动促维和倡议、维持和平行动特别委员会关于维持和平的报告"),
        ("004", "满足外地特派团的无人和载人情报、监视和侦察需要"),
        ("004", "包括妇女和女童。如果不与这些民众建立"),
    ],
)
def test_sentences_split_by_page_breaks_are_whole(prefix: str, joined: str) -> None:
    block_containing(parsed(prefix), joined)


def test_paragraph_with_a_full_stop_at_a_line_end_continues() -> None:
    # 000: "……致使局势更加复杂。" ends a printed line but not the paragraph.
    block_containing(parsed("000"), "致使局势更加复杂。2022 年 7 月，犯罪团伙袭击了太子港")


# --- nothing lost -----------------------------------------------------------------------

_DROP_LINE = re.compile(
    r"^(?:https?://[!-~]+"  # link annotations: a URL alone (a footnote may quote one before "。")
    r"|S/\d{4}/\d+"  # running header: the document's symbol
    r"|\d\d-\d{5} \(C\)\d*"  # running header: job number and page
    r"|_+)$"  # footnote separator
)
_HEADER_BLOCK = ("安全理事会", "Distr.: General", "Chinese", "Original: English")


def _source_streams(raw: str) -> tuple[str, str]:
    """(body, footnotes) non-whitespace characters of the input, artefacts removed by simple rules."""
    body, notes = [], []
    in_notes = False
    lines = raw.split("\n")
    if "Distr.: General" in raw:
        # The header block: the first five non-blank lines (organ, Distr., date, language, original).
        top = [i for i, line in enumerate(lines) if line.strip()][:5]
        assert [lines[i] for i in top if lines[i] in _HEADER_BLOCK] == list(_HEADER_BLOCK)
        lines = lines[top[-1] + 1 :]
    for line in lines:
        s = line.strip()
        if re.fullmatch(r"_+", s):
            in_notes = True
        elif _DROP_LINE.match(s) and s.startswith("https://"):
            in_notes = False  # in 002 every footnote area ends where the page's links begin
        if _DROP_LINE.match(s):
            continue
        s = s.replace("](#)", "").replace("[", "").replace("\\", "").replace("**", "")
        s = re.sub(r"^- (?=\()", "", s)  # 001's "- (a)": the dash is markdown, "(a)" the label
        (notes if in_notes else body).append(s)
    return "".join("".join(body).split()), "".join("".join(notes).split())


def _output_streams(doc: ParsedDocument) -> tuple[str, str]:
    parts = []
    for block in doc.blocks:
        text = block.text
        for ref in sorted(block.footnote_refs, key=lambda r: r.position, reverse=True):
            text = text[: ref.position] + ref.number + text[ref.position :]
        parts.append((block.label or "") + (f"{block.number}." if block.number else "") + text)
    notes = [f.number + f.text for f in doc.footnotes]
    return "".join("".join(parts).split()), "".join("".join(notes).split())


@pytest.mark.parametrize("prefix", SEEDS)
def test_no_character_of_the_text_is_lost_or_added(prefix: str) -> None:
    source_body, source_notes = _source_streams(seed(prefix))
    out_body, out_notes = _output_streams(parsed(prefix))
    assert out_body == source_body
    assert out_notes == source_notes


def test_text_stays_faithful_to_extraction_errors() -> None:
    # 003 lost "最" in "9. 最后，"; the parser does not guess it back.
    doc = parsed("003")
    nine = next(b for b in doc.blocks if b.number == "9")
    assert nine.text.startswith("后，秘书处提出的建议是")
    assert "2011 年后一次实质性会议" in next(b for b in doc.blocks if b.number == "39").text
