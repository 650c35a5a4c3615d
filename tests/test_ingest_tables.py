"""Tables: rows of cells are one table block, with tab-separated cells when the columns are known."""

from __future__ import annotations

import pytest

from archive.ingest import parse
from archive.ingest.types import BlockKind
from tests.conftest import SEEDS, parsed_seed

INTRO = "1. 各阶段的核定人数如下：\n"
AFTER = "2. 部署工作按计划进行。\n"


def tables(text: str) -> list[str]:
    return [b.text for b in parse(text).blocks if b.kind == BlockKind.TABLE]


def test_single_space_cells_split_by_the_header_numbers_kept_as_printed() -> None:
    text = INTRO + "阶段 军事人员 警察 文职人员\n第一阶段 2 000 391 120\n第二阶段 1 850 410 135\n" + AFTER
    doc = parse(text)
    assert [b.kind for b in doc.blocks] == [BlockKind.PARAGRAPH, BlockKind.TABLE, BlockKind.PARAGRAPH]
    assert doc.blocks[1].text == "阶段\t军事人员\t警察\t文职人员\n第一阶段\t2 000\t391\t120\n第二阶段\t1 850\t410\t135"
    assert doc.warnings == []


def test_rows_that_split_two_ways_follow_the_columns_of_the_others() -> None:
    # "2 450 410 135" is "2 450 | 410 | 135" or "2 | 450 410 | 135"; the first row settles it.
    text = INTRO + "阶段 军事人员 警察 文职人员\n第一阶段 2 000 391 120\n第二阶段 2 450 410 135\n" + AFTER
    assert tables(text) == ["阶段\t军事人员\t警察\t文职人员\n第一阶段\t2 000\t391\t120\n第二阶段\t2 450\t410\t135"]


def test_a_header_over_the_figures_only_leaves_the_corner_empty() -> None:
    # ("2 000 91" cannot be one number, so the two figures are two columns.)
    text = INTRO + "军事人员 警察\n第一阶段 2 000 91\n第二阶段 1 500 25\n" + AFTER
    assert tables(text) == ["\t军事人员\t警察\n第一阶段\t2 000\t91\n第二阶段\t1 500\t25"]


def test_tabs_and_wide_gaps_are_cells_and_thin_spaces_stay_inside_numbers() -> None:
    text = INTRO + "派遣国\t军事人员\t警察\n孟加拉国\t1\u2009620\t140\n印度    2\u2009380    210\n" + AFTER
    assert tables(text) == ["派遣国\t军事人员\t警察\n孟加拉国\t1\u2009620\t140\n印度\t2\u2009380\t210"]


def test_columns_that_cannot_be_told_apart_keep_the_printed_lines_and_say_so() -> None:
    text = INTRO + "营地 人口 警察巡逻\n本提乌 1 250 120 40\n马拉卡勒 2 050 310 36\n" + AFTER
    doc = parse(text)
    assert tables(text) == ["营地 人口 警察巡逻\n本提乌 1 250 120 40\n马拉卡勒 2 050 310 36"]
    assert any("无法可靠区分" in w for w in doc.warnings)


def test_figures_in_a_table_are_not_footnote_markers() -> None:
    text = INTRO + "阶段 人数 比例\n第一阶段 120 3\n第二阶段 95 4\n" + AFTER + "__________________\n3 脚注正文。\n"
    doc = parse(text)
    table = next(b for b in doc.blocks if b.kind == BlockKind.TABLE)
    assert table.footnote_refs == [] and "第一阶段\t120\t3" in table.text


@pytest.mark.parametrize(
    "text",
    [
        "议程项目 34\n长期冲突局势\n",  # a heading over a line: not a table
        "备选方案 1\n备选方案 2\n",  # two headings numbered alike
        "联 合 国 安 全\n理 事 会\n",  # spaced-out characters
        "的概念，建立了警察学院并拟订了培训课程，从 2 500\n名警员增加到 9 000 名警员。\n",  # prose wrapped at a number
    ],
)
def test_lines_that_only_look_like_rows_are_not_tables(text: str) -> None:
    assert tables(text) == []


@pytest.mark.parametrize("prefix", SEEDS)
def test_the_seeds_have_no_tables(prefix: str) -> None:
    assert not any(b.kind == BlockKind.TABLE for b in parsed_seed(prefix).blocks)
