"""Symbols: canonical spelling, validation, the document type they imply, lenient look-up keys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ingest.symbols import (
    InvalidSymbol,
    doc_type_for_symbol,
    is_valid_symbol,
    normalize_symbol,
    resolution_symbol,
    symbol_lookup_key,
)


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("S/2018/1183", "S/2018/1183"),
        ("s/2018/1183", "S/2018/1183"),
        (" S / 2018 / 1183 ", "S/2018/1183"),
        ("ｓ／２０１８／１１８３", "S/2018/1183"),
        ("S/RES/2645(2022)", "S/RES/2645(2022)"),
        ("S/RES/2645 (2022)", "S/RES/2645(2022)"),
        ("S/RES/２６４５（２０２２）", "S/RES/2645(2022)"),
        ("S/PRST/2001/3", "S/PRST/2001/3"),
        ("S/PRST/ 2001/3", "S/PRST/2001/3"),
        ("S/PRST/\n2001/3", "S/PRST/2001/3"),
        ("A/72/707-S/2018/43", "A/72/707-S/2018/43"),
        ("A/72/707- S/2018/43", "A/72/707-S/2018/43"),
        ("A/72/707–S/2018/43", "A/72/707-S/2018/43"),
        ("A/RES/72/262 C", "A/RES/72/262C"),
        ("A/RES/72/262C", "A/RES/72/262C"),
        ("A/RES/70/262", "A/RES/70/262"),
        ("A/60/891", "A/60/891"),
        ("A/72/19", "A/72/19"),
        ("S/2018/1183/add.1", "S/2018/1183/Add.1"),
        ("S/2018/1183/REV.2", "S/2018/1183/Rev.2"),
        ("A/C.4/72/L.5", "A/C.4/72/L.5"),
    ],
)
def test_normalize_symbol_gives_canonical_form(raw: str, canonical: str) -> None:
    assert normalize_symbol(raw) == canonical
    assert is_valid_symbol(raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "S/6/952",  # malformed link target seen in seed 002
        "72/262C",  # idem, the A/RES/ is missing
        "S/2018",
        "S/RES/2645",
        "S/RES/2645(22)",
        "S/RES/0(2022)",
        "S/1900/1",  # before the United Nations existed
        "A/72/707-",
        "A/72/707-A/72/708",
        "S/2018/43-A/72/707",
        "X/2018/1",
        "S/2018/1183 和",
        "https://undocs.org/ch/S/2018/1183",
    ],
)
def test_malformed_symbols_are_rejected_in_chinese(raw: str) -> None:
    with pytest.raises(InvalidSymbol) as exc_info:
        normalize_symbol(raw)
    assert "文号" in str(exc_info.value)
    assert isinstance(exc_info.value, ValueError)
    assert not is_valid_symbol(raw)


@pytest.mark.parametrize(
    ("symbol", "doc_type"),
    [
        ("S/RES/2645(2022)", "resolution"),
        ("A/RES/72/262C", "resolution"),
        ("a/res/70/262", "resolution"),
        ("S/PRST/2001/3", "presidential_statement"),
        ("S/2018/1183", "other"),
        ("A/72/707-S/2018/43", "other"),
        ("not a symbol", "other"),
    ],
)
def test_doc_type_for_symbol(symbol: str, doc_type: str) -> None:
    assert doc_type_for_symbol(symbol) == doc_type


def test_resolution_symbol() -> None:
    assert resolution_symbol("2645", "2022") == "S/RES/2645(2022)"
    assert resolution_symbol("２６４５", "２０２２") == "S/RES/2645(2022)"
    assert resolution_symbol("0836", "1992") == "S/RES/836(1992)"
    for number, year in [("abc", "2022"), ("2645", "22"), ("2645", "1800"), ("1" * 5000, "2022")]:
        with pytest.raises(InvalidSymbol):
            resolution_symbol(number, year)


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("ｓ／２０１８／１１８３", "S/2018/1183"),
        ("s/2018/1183/", "S/2018/1183"),
        ("S / RES / 2645 (2022)", "S/RES/2645(2022)"),
        ("a/res/72/262 c", "A/RES/72/262C"),
        ("no such thing", "NOSUCHTHING"),
        ("", ""),
    ],
)
def test_symbol_lookup_key_forgives_and_never_raises(raw: str, key: str) -> None:
    assert symbol_lookup_key(raw) == key


@settings(database=None, max_examples=300)
@given(st.one_of(st.text(), st.text(alphabet="SARESPTC/()-–.0123456789 ０１２３４５６７８９／（）ｓ\n")))
def test_normalize_symbol_raises_only_invalid_symbol(raw: str) -> None:
    try:
        canonical = normalize_symbol(raw)
    except InvalidSymbol:
        assert not is_valid_symbol(raw)
    else:
        assert normalize_symbol(canonical) == canonical
        assert symbol_lookup_key(raw) == canonical
    assert isinstance(symbol_lookup_key(raw), str)
    assert doc_type_for_symbol(raw) in {"resolution", "presidential_statement", "other"}
