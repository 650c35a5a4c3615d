"""In-place abbreviation definitions: unit forms, the five real seeds, and invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.ingest.abbreviations import extract_abbreviations
from archive.ingest.types import Abbreviation
from tests.test_ingest_citations import joined_seed


def pairs(text: str) -> list[tuple[str, str]]:
    return [(a.full, a.short) for a in extract_abbreviations(text)]


@pytest.mark.parametrize(
    ("text", "full", "short"),
    [
        ("秘书处在联合国海地综合办事处(联海综合办)协助下", "联合国海地综合办事处", "联海综合办"),
        ("与安全理事会成员、区域会员国、美洲国家组织(美洲组织)", "美洲国家组织", "美洲组织"),
        ("美洲组织和加勒比共同体(加共体)进行了", "加勒比共同体", "加共体"),
        (
            "正如联合国毒品和犯罪问题办公室(毒品和犯罪问题办公室)所述",
            "联合国毒品和犯罪问题办公室",
            "毒品和犯罪问题办公室",
        ),
        ("秘书处在联合国海地综合办事处（联海综合办）协助下", "联合国海地综合办事处", "联海综合办"),
        ("例如，联合国南苏丹特派团(南苏丹特派团)", "联合国南苏丹特派团", "南苏丹特派团"),
        (
            "会员国和联合国促进性别平等和增强妇女权能署(妇女署)",
            "联合国促进性别平等和增强妇女权能署",
            "妇女署",
        ),
        ("在打击上帝抵抗军(上帝军)的战斗中", "上帝抵抗军", "上帝军"),
        ("重要伙伴——国际刑事警察组织(国际刑警组织)共同", "国际刑事警察组织", "国际刑警组织"),
        ("会议，维持和平行动部(以下简称“维和部”)", "维持和平行动部", "维和部"),
    ],
)
def test_defined_pairs(text: str, full: str, short: str) -> None:
    assert pairs(text) == [(full, short)]


@pytest.mark.parametrize(
    "text",
    [
        "在2024年11月29日安全理事会主席的信(S/2024/868)中",
        "安全理事会在其第 2645(2022)号决议中",
        "安东尼奥·古特雷斯(签名)",
        "工作组活动的报告(见附件)",
        "2019 冠状病毒病(COVID-19)",
        "首都(西部省)",
        "从帮派手中夺回对太子港和阿蒂博尼特(该国粮食基地)",
        "警察专业化基金(又称篮子基金)",
        "法治事项(包括警务)",
        "警察名册有助于填补警察部门的意外空缺和(或)",
        "海地古德(12.95 亿古德)",
        # A hybrid name crosses a hyphen; a cut-off "联合国达尔富尔混合行动" would be wrong.
        "鉴于非洲联盟-联合国达尔富尔混合行动(达尔富尔混合行动)",
        "(联海综合办)",
    ],
)
def test_not_definitions(text: str) -> None:
    assert extract_abbreviations(text) == []


def test_pairs_are_deduplicated_in_order_of_first_definition() -> None:
    text = "联合国海地稳定特派团(联海稳定团)和联合国科特迪瓦行动(联科行动)；又如联合国海地稳定特派团(联海稳定团)"
    assert extract_abbreviations(text) == [
        Abbreviation(full="联合国海地稳定特派团", short="联海稳定团"),
        Abbreviation(full="联合国科特迪瓦行动", short="联科行动"),
    ]


# --- The real seeds --------------------------------------------------------------------------

EXPECTED = {
    "000": [("联合国海地综合办事处", "联海综合办")],
    "001": [
        ("联合国海地综合办事处", "联海综合办"),
        ("美洲国家组织", "美洲组织"),
        ("加勒比共同体", "加共体"),
        ("联合国毒品和犯罪问题办公室", "毒品和犯罪问题办公室"),
        ("联合国海地稳定特派团", "联海稳定团"),
        ("联合国海地司法支助特派团", "联海司法支助团"),
    ],
    "002": [
        ("联合国阿卜耶伊临时安全部队", "联阿安全部队"),
        ("联合国南苏丹特派团", "南苏丹特派团"),
        ("联合国中非共和国多层面综合稳定团", "中非稳定团"),
        ("非洲联盟驻索马里特派团", "非索特派团"),
        ("联合国索马里援助团", "联索援助团"),
        ("联合国组织刚果民主共和国稳定特派团", "联刚稳定团"),
        ("联合国马里多层面综合稳定团", "马里稳定团"),
        ("联合国海地稳定特派团", "联海稳定团"),
        ("联合国海地司法支助团", "联海司法支助团"),
        ("联合国几内亚比绍建设和平综合办事处", "联几建和办"),
        ("联合国开发计划署", "开发署"),
        ("联合国促进性别平等和增强妇女权能署", "妇女署"),
        ("联合国科特迪瓦行动", "联科行动"),
        ("联合国利比里亚特派团", "联利特派团"),
        ("国际刑事警察组织", "国际刑警组织"),
    ],
    "003": [
        ("维持和平行动部", "维和部"),
        ("联合国科特迪瓦行动", "联科行动"),
        ("联合国利比里亚特派团", "联利特派团"),
        ("联合国塞拉利昂特派团", "联塞特派团"),
        ("上帝抵抗军", "上帝军"),
        ("联合国组织刚果民主共和国稳定特派团", "联刚稳定团"),
        ("联合国海地稳定特派团", "联海稳定团"),
        ("联合国南苏丹共和国特派团", "南苏丹特派团"),
        ("联合国驻黎巴嫩临时部队", "联黎部队"),
    ],
    "004": [
        ("联合国南苏丹特派团", "南苏丹特派团"),
        ("联合国组织刚果民主共和国稳定特派团", "联刚稳定团"),
        ("联合国中非共和国多层次综合稳定团", "中非稳定团"),
        ("联合国马里多层次综合稳定团", "马里稳定团"),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_seed_abbreviations(name: str) -> None:
    found = pairs(joined_seed(name))
    assert found == EXPECTED[name]
    for full, short in found:
        assert len(full) <= 20
        assert all("\u4e00" <= ch <= "\u9fff" for ch in full + short), (full, short)


def test_seed_001_pairs_named_in_the_brief() -> None:
    found = pairs(joined_seed("001"))
    for pair in [
        ("联合国海地综合办事处", "联海综合办"),
        ("美洲国家组织", "美洲组织"),
        ("加勒比共同体", "加共体"),
        ("联合国毒品和犯罪问题办公室", "毒品和犯罪问题办公室"),
    ]:
        assert pair in found


@settings(database=None, max_examples=400)
@given(
    st.one_of(
        st.text(),
        st.text(alphabet="联合国海地综合办事处和在的()（）-—“”以下简称签名见附件S/2024 \n"),
    )
)
def test_extract_abbreviations_invariants(text: str) -> None:
    found = extract_abbreviations(text)
    assert len(found) == len(set(found))
    for abbr in found:
        assert abbr.full in text
        assert len(abbr.full) > len(abbr.short) >= 2
        chars = iter(abbr.full)
        assert all(ch in chars for ch in abbr.short)
