"""Metadata: title, date, own symbol and type, read only from where they are reliable."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from archive.ingest import parse
from archive.ingest.metadata import detect_date, detect_doc_type, detect_symbol
from archive.ingest.types import Metadata
from tests.conftest import seed_text as seed


@functools.cache
def meta(prefix: str) -> Metadata:
    return parse(seed(prefix)).metadata


def test_000_letter() -> None:
    m = meta("000")
    assert m.title == "2022 年 10 月 8 日秘书长给安全理事会主席的信"
    assert m.date == dt.date(2022, 10, 8)
    assert m.doc_type == "letter"
    # S/2022/747 is known from later documents but not printed in this one.
    assert m.symbol is None


def test_001_letter_without_symbol() -> None:
    m = meta("001")
    assert m.title == "2025年2月24日秘书长给安全理事会主席的信"
    assert m.date == dt.date(2025, 2, 24)
    assert m.doc_type == "letter"
    # The body cites S/2024/868 and S/2024/765; neither is this document's symbol.
    assert m.symbol is None


def test_002_report() -> None:
    m = meta("002")
    assert m.title == "秘书长关于联合国警务工作的报告"
    assert m.doc_type == "report"
    # S/2016/952 is cited ten times in the body; the document's own symbol is not printed.
    assert m.symbol is None
    assert m.date is None


def test_003_symbol_from_page_headers() -> None:
    m = meta("003")
    assert m.symbol == "S/2011/817"
    assert m.date == dt.date(2011, 12, 30)
    assert m.doc_type == "letter"
    assert m.title == "2011 年 12 月 30 日安全理事会维持和平行动工作组主席给安全理事会主席的信"


def test_004_letter_without_symbol() -> None:
    m = meta("004")
    assert m.date == dt.date(2021, 12, 20)
    assert m.symbol is None
    assert m.doc_type == "letter"
    assert m.title == "2021 年 12 月 20 日安全理事会维持和平行动工作组主席给安全理事会主席的信"


@pytest.mark.parametrize(
    ("title", "date"),
    [
        ("2024年3月5日秘书长给安全理事会主席的信", dt.date(2024, 3, 5)),
        ("2024 年 3 月 5 日秘书长给安全理事会主席的信", dt.date(2024, 3, 5)),
        ("２０２４年１２月３１日的信", dt.date(2024, 12, 31)),
        ("2024 年 2 月 30 日的信", None),
        ("秘书长关于联合国警务工作的报告", None),
        (None, None),
    ],
)
def test_date_from_title(title: str | None, date: dt.date | None) -> None:
    assert detect_date(title) == date


@pytest.mark.parametrize(
    ("title", "doc_type"),
    [
        ("2022 年 10 月 8 日秘书长给安全理事会主席的信", "letter"),
        ("2021 年 12 月 20 日……主席的信的附件", "letter"),
        ("秘书长关于联合国警务工作的报告", "report"),
        ("安全理事会主席声明", "presidential_statement"),
        ("秘书长的说明", "note"),
        ("第 2645(2022)号决议", "resolution"),
        ("当前安全形势", "other"),
        (None, "other"),
    ],
)
def test_doc_type_from_title(title: str | None, doc_type: str) -> None:
    assert detect_doc_type(title) == doc_type


def test_symbol_is_normalised_and_most_frequent_header_wins() -> None:
    assert detect_symbol(["s/2011/817", "12-20064 (C)2", "S/2011/817", "S/2011/818"]) == "S/2011/817"
    assert detect_symbol(["12-20064 (C)2", "S/6/952"]) is None
    assert detect_symbol([]) is None


def test_symbol_printed_as_page_header_in_a_synthetic_document() -> None:
    text = "\n".join(
        [
            "   2019 年 1 月 2 日秘书长的报告 ",
            "",
            " 正文(见 S/2016/952)。 ",
            "",
            "S/2019/1",
            "",
            " 12-34567 (C) ",
            " 继续。 ",
        ]
    )
    m = parse(text).metadata
    assert m.symbol == "S/2019/1"
    assert m.doc_type == "report"
