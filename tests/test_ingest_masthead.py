"""The UN masthead and page furniture: metadata and page evidence, never text."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.ingest import parse
from archive.ingest.furniture import FurnitureKind, classify
from archive.ingest.masthead import read_masthead

BODY = "2023 年 2 月 8 日秘书长给安全理事会主席的信\n谨提及安全理事会的要求。\n"


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n")]


@pytest.mark.parametrize(
    ("masthead", "symbol"),
    [
        ("联 合 国 S/2023/111\n安全理事会 Distr.: General\n", "S/2023/111"),
        ("联 合 国\nS/2023/111\n安全理事会\nDistr.: General\n", "S/2023/111"),
        ("联 合 国 S/RES/2645 (2022)\n安全理事会 Distr.: General\n", "S/RES/2645(2022)"),
        ("联 合 国 S/2022/892/Corr.1\n安全理事会 Distr.: General\n", "S/2022/892/Corr.1"),
        ("联 合 国 A/77/631–S/2022/935\n大会 安全理事会 Distr.: General\n", "A/77/631-S/2022/935"),
        ("联 合 国 S/2023/111*\n安全理事会 Distr.: General\n", "S/2023/111"),
    ],
)
def test_the_symbol_comes_from_the_masthead(masthead: str, symbol: str) -> None:
    doc = parse(masthead + "10 February 2023\nChinese\nOriginal: English\n\n" + BODY)
    assert doc.metadata.symbol == symbol
    assert doc.metadata.issued_on == dt.date(2023, 2, 10)
    assert doc.metadata.original_language == "en"
    assert [b.text for b in doc.blocks] == ["2023 年 2 月 8 日秘书长给安全理事会主席的信", "谨提及安全理事会的要求。"]


def test_a_reissue_mark_is_noted_for_the_librarian() -> None:
    doc = parse("联 合 国 S/2023/111*\n安全理事会 Distr.: General\n10 February 2023\n" + BODY)
    assert any("重新印发" in w for w in doc.warnings)
    assert not any("重新印发" in w for w in parse("联 合 国 S/2023/111\nDistr.: General\n" + BODY).warnings)


@pytest.mark.parametrize(
    ("line", "code"),
    [("Original: English", "en"), ("Original: French", "fr"), ("Original: Arabic", "ar"), ("原文：俄文", "ru")],
)
def test_the_language_of_the_original(line: str, code: str) -> None:
    assert read_masthead(lines(f"安全理事会\nDistr.: General\n{line}\n")).original_language == code


def test_general_assembly_lines_belong_to_the_masthead() -> None:
    text = "大会 安全理事会 Distr.: General\n大会 第七十七届会议\n议程项目 34\n长期冲突局势\n安全理事会 第七十七年\n\n"
    head = read_masthead(lines(text + BODY))
    assert head.end == 5  # all five lines, up to "安全理事会 第七十七年"
    # Without a masthead line after it, the line under the agenda item is the document's title.
    head = read_masthead(lines("大会\nDistr.: General\n议程项目 34\n长期冲突局势\n谨提及。\n"))
    assert head.end == 3


def test_no_masthead_without_an_unmistakable_line() -> None:
    # A text that merely opens with the organ's name keeps it (a resolution's chapeau, a heading).
    assert read_masthead(lines("安全理事会\n10 February 2023\n谨提及。\n")).end == 0
    assert parse("安全理事会\n\n关于海地的会议记录\n").blocks[0].text == "安全理事会"


def test_the_job_number_and_bar_code_anywhere_are_furniture() -> None:
    doc = parse(BODY + "\n23-02345 (C)    150223    160223\n*2302345*\n请回收\n")
    assert doc.metadata.job_number == "23-02345"
    assert [b.text for b in doc.blocks] == ["2023 年 2 月 8 日秘书长给安全理事会主席的信", "谨提及安全理事会的要求。"]


@pytest.mark.parametrize(
    ("line", "kind", "page", "total"),
    [
        ("23-02345 2/6", FurnitureKind.JOB, 2, 6),
        ("3/6 23-02345", FurnitureKind.JOB, 3, 6),
        ("12-20064 (C)2", FurnitureKind.JOB, 2, None),
        ("2 12-20064", FurnitureKind.JOB, 2, None),
        ("23-02345 (C)    150223    160223", FurnitureKind.JOB, None, None),
        ("22-27901* (C)    081222    081222", FurnitureKind.JOB, None, None),
        ("4/6", FurnitureKind.PAGE, 4, 6),
        ("*2302345*", FurnitureKind.BARCODE, None, None),
        ("S/2023/111", FurnitureKind.SYMBOL, None, None),
        ("S/RES/2645 (2022)", FurnitureKind.SYMBOL, None, None),
        ("* * *", FurnitureKind.DECORATION, None, None),
    ],
)
def test_page_furniture_and_the_page_it_prints(line: str, kind: FurnitureKind, page: int | None, total: int | None):
    found = classify(line)
    assert found is not None and (found.kind, found.page, found.total) == (kind, page, total)


@pytest.mark.parametrize(
    "line", ["2023 年 2 月", "12-20064 (C) 附件", "S/2016/952，第 60 段", "S 和 A 两类文号", "第 2 段", "2 000 名"]
)
def test_text_is_not_furniture(line: str) -> None:
    assert classify(line) is None


def test_a_masthead_symbol_that_the_headers_contradict_is_questioned() -> None:
    doc = parse("联 合 国 S/2023/111\n安全理事会 Distr.: General\n" + BODY + "S/2023/112\n23-02345 2/2\n继续。\n")
    assert doc.metadata.symbol == "S/2023/111"
    assert any("S/2023/112" in w for w in doc.warnings)
