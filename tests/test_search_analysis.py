"""Chinese analysis, query parsing and highlighting: pure functions, no database, no index."""

from __future__ import annotations

import pickle
from urllib.parse import quote

import pytest
from whoosh.analysis import Tokenizer

from search import analyzers
from search.highlight import Mark, hl_spans, hl_url, mark_spans, render, snippet
from search.query import And, Cited, FieldFilter, Not, Or, Phrase, Prefix, Words, parse_query, parse_year


def words(text: str) -> list[str]:
    return analyzers.query_words(text)


def marked(text: str, *marks: Mark) -> list[str]:
    return [text[s:e] for s, e in mark_spans(text, marks)]


# --- folding ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("聯合國警察", "联合国警察"),
        ("安全理事會維持和平行動", "安全理事会维持和平行动"),
        ("Ｓ／２０１８／１１８３", "s/2018/1183"),
        ("（联海综合办）", "(联海综合办)"),
        ("UNITE Aware", "unite aware"),
    ],
)
def test_fold_makes_traditional_full_width_and_case_variants_equal(raw, folded):
    assert analyzers.fold(raw) == folded
    assert len(analyzers.fold(raw)) == len(raw)  # offsets stay valid for highlighting


# --- segmentation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("term", ["安全理事会", "维持和平行动", "多国安全支助团", "联海综合办", "联合国海地综合办事处"])
def test_un_vocabulary_terms_are_single_words(term):
    assert words(f"关于{term}的报告") == ["关于", term, "的", "报告"]


def test_the_index_holds_words_their_parts_and_the_dictionary_words_between_them():
    a = analyzers.analyze("安全理事会决议")
    assert [w for w, _s, _e in a.words] == ["安全理事会", "决议"]
    assert {"安全", "理事会"} <= {p for p, _s, _e in a.parts}
    # Queries are cut precisely: no parts, so a query word means the word.
    assert words("安全理事会决议") == ["安全理事会", "决议"]
    # 能力差 straddles 能力|差距: not a word of the text, but a dictionary word in it (phrase candidates).
    straddling = analyzers.analyze("东道国警察部队的能力差距")
    assert "能力差" in straddling.extra and "能力差" not in straddling.terms


def test_the_stream_keeps_letters_digits_and_ideographs_and_one_separator_per_gap():
    assert analyzers.stream("第 2518(2020)号决议") == "第2518|2020|号决议"
    assert analyzers.stream("1 000 名警察") == "1|000名警察"  # a space between digits separates
    assert analyzers.stream("UNITE Aware 平台") == "unite|aware平台"
    assert analyzers.needle("“維和人員的安全。”") == "维和人员的安全"
    assert analyzers.column_value("警察，能力") == "|警察|能力|".encode()


def test_phrase_terms_are_terms_every_block_containing_the_phrase_holds():
    needle = analyzers.needle("维和人员的安全")
    assert set(analyzers.phrase_terms(needle)) >= {"维和人员", "安全"}
    assert "的" not in analyzers.phrase_terms(needle)  # one character: not a dictionary word
    # The pairs around a function word are terms too, rarer than the words around them.
    assert {"员的", "的安"} <= set(analyzers.phrase_terms(needle))
    assert {"员的", "的安"} <= analyzers.analyze("保障维和人员的安全").extra
    # A run of digits closed on both sides inside the phrase is cut out whole in every block.
    assert {"2518", "2020"} <= set(analyzers.phrase_terms(analyzers.needle("第2518(2020)号决议")))
    # At the phrase's edge it may continue in the block (25189): not a term.
    assert "2518" not in analyzers.phrase_terms(analyzers.needle("2518(2020)"))


def test_single_character_words_and_numbers_are_kept_and_punctuation_dropped():
    assert words("他买了书，第 3 段。") == ["他", "买", "了", "书", "第", "3", "段"]


def test_the_tokenizer_survives_pickling_as_whoosh_stores_it_in_the_index():
    tokenizer = pickle.loads(pickle.dumps(analyzers.JiebaTokenizer()))
    assert isinstance(tokenizer, Tokenizer)
    assert [t.text for t in tokenizer("聯合國警察", mode="query")] == ["联合国警察"]


# --- query parsing ---------------------------------------------------------------------------------


def test_phrases_in_ascii_and_chinese_quotes():
    assert parse_query('"性剥削和性虐待"').root == Phrase("性剥削和性虐待")
    assert parse_query("“性剥削和性虐待”").root == Phrase("性剥削和性虐待")
    assert parse_query("「性剥削」 警察").root == And((Phrase("性剥削"), Words("警察")))


def test_prefix_and_title_syntax():
    assert parse_query("海*").root == Prefix("海")
    assert parse_query("title:警务 海*").root == And((FieldFilter("title", "警务"), Prefix("海")))
    assert parse_query('title:"维持和平行动"').root == FieldFilter("title", "维持和平行动", quoted=True)


@pytest.mark.parametrize(
    ("raw", "searched", "said"),
    [
        ("author:古特雷斯", Words("古特雷斯"), "不支持字段“author:”"),
        ("*海地", Words("海地"), "通配符只能放在词尾"),
        ("海?地", Words("海地"), "不支持“?”"),
        ("维持~和平", Words("维持和平"), "不支持“~”"),
        ("警察^2", Words("警察2"), "不支持“^”"),
    ],
)
def test_syntax_from_other_search_engines_is_named_in_a_note(raw, searched, said):
    parsed = parse_query(raw)
    assert parsed.root == searched
    assert any(said in note for note in parsed.notes), parsed.notes


def test_boolean_operators_and_grouping():
    assert parse_query("海地 OR 马里").root == Or((Words("海地"), Words("马里")))
    assert parse_query("警察 NOT 海地").root == And((Words("警察"), Not(Words("海地"))))
    assert parse_query("警察 -海地").root == And((Words("警察"), Not(Words("海地"))))
    assert parse_query("(海地 OR 马里) AND 警察").root == And((Or((Words("海地"), Words("马里"))), Words("警察")))


def test_field_prefixes():
    root = parse_query("symbol:S/RES/2645(2022) year:2015-2018 cites:2645(2022) type:报告 警务").root
    assert root == And(
        (
            FieldFilter("symbol", "S/RES/2645(2022)"),
            FieldFilter("year", "2015-2018"),
            FieldFilter("cites", "2645(2022)"),
            FieldFilter("type", "报告"),
            Words("警务"),
        )
    )
    assert parse_query("(year:2018 警察)").root == And((FieldFilter("year", "2018"), Words("警察")))
    assert parse_year("2015-2018") == (2015, 2018) and parse_year("2018") == (2018, 2018)
    assert parse_year("二〇一八") is None


def test_whole_query_symbols_and_resolutions_are_recognised():
    assert parse_query("s/2018/1183").symbol == "S/2018/1183"
    assert parse_query("ｓ／２０１８／１１８３").symbol == "S/2018/1183"
    assert parse_query("2645(2022)").resolution == "S/RES/2645(2022)"
    assert parse_query("第2645(2022)号决议").resolution == "S/RES/2645(2022)"
    assert parse_query("第 2645 (2022)号决议").resolution == "S/RES/2645(2022)"
    inside = parse_query("安理会第2645(2022)号决议 警察").root
    assert inside == And((Words("安理会"), Cited("S/RES/2645(2022)", "第2645(2022)号决议"), Words("警察")))


@pytest.mark.parametrize(
    "raw",
    [
        '"未闭合的引号',
        "“未闭合",
        "(海地 OR 马里",
        "海地)) 警察",
        "AND",
        "OR 警察",
        "警察 NOT",
        "NOT",
        "year:",
        "year:明年 警察",
        "type:不存在 警察",
        "cites:xyz",
        "警察" * 1000,
        "警察\x00\x07海地\u200b",
        "((((((((((((((((((((((((((((((((((警察",
        " ".join(["警察"] * 100),
    ],
)
def test_malformed_queries_never_raise_and_say_what_was_done(raw):
    parsed = parse_query(raw)
    from search.compiler import Compiler, WhooshBuilder
    from search.glossary import Glossary

    class Reader:
        def doc_frequency(self, field, text):
            return 1

    compiled = Compiler(WhooshBuilder(Reader()), Glossary(), lambda key: None).compile(parsed.root)
    assert parsed.notes or compiled.notes


def test_a_long_query_is_cut_and_searched_rather_than_refused():
    parsed = parse_query("警察" * 1000)
    assert parsed.root is not None and len(parsed.raw) <= 200
    assert any("过长" in n for n in parsed.notes)


# --- highlighting ----------------------------------------------------------------------------------


def test_marks_follow_the_indexes_words_not_substrings():
    text = "安全理事会开会讨论维持和平行动。"
    assert marked(text, Mark("word", "会")) == []  # 会 inside 理事会 is not a word here
    # 和平 matched this block only as a part of 维持和平行动: that part is what the reader sees.
    assert marked(text, Mark("word", "和平")) == ["和平"]
    assert marked(text, Mark("word", "维持和平行动"), Mark("word", "和平")) == ["维持和平行动"]


def test_a_word_is_marked_whole_and_not_inside_a_longer_word_when_the_block_has_it_whole():
    text = "安全理事会强调安全和稳定。"
    assert marked(text, Mark("word", "安全")) == ["安全"]
    assert mark_spans(text, [Mark("word", "安全")]) == [(7, 9)]


def test_a_phrase_is_marked_as_one_span_and_function_characters_never_alone():
    text = "保障维和人员的安全是安全理事会的责任，维和人员安全和保障"
    assert marked(text, Mark("phrase", "维和人员的安全")) == ["维和人员的安全"]
    assert marked(text, Mark("word", "的")) == []
    assert marked(text, Mark("phrase", "警察|能力")) == []
    assert marked("警察， 能力", Mark("phrase", "警察|能力")) == ["警察， 能力"]


def test_a_prefix_marks_the_words_it_begins():
    text = "海地国家警察和海洋"
    assert marked(text, Mark("prefix", "海")) == ["海地国家警察", "海洋"]


def test_snippets_escape_stored_text_and_only_add_mark():
    text = "<script>alert(1)</script> 联合国警察的作用" + "。" * 300
    html = str(snippet(text, {Mark("word", "联合国警察")}))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<mark>联合国警察</mark>" in html
    assert html.endswith("…")
    assert str(render("a<b", [(0, 1)])) == "<mark>a</mark>&lt;b"


def test_snippet_centres_on_the_matches_of_a_long_paragraph():
    text = "开头。" * 100 + "这里讨论联合国警察的作用。" + "结尾。" * 100
    html = str(snippet(text, {Mark("word", "联合国警察")}))
    assert html.startswith("…") and "<mark>联合国警察</mark>" in html
    assert len(html) < 260


def test_hl_contract_for_the_reading_page():
    text = "聯合國警察和联合国警察"
    spans = hl_spans(text, "联合国警察")
    assert [text[s:e] for s, e in spans] == ["聯合國警察", "联合国警察"]
    assert hl_spans(text, "\x00" * 5000) == []
    assert hl_spans(text, None) == []  # type: ignore[arg-type]
    police = hl_url("/documents/S/2018/1183/#p12", {Mark("word", "警察")})
    assert police == "/documents/S/2018/1183/?hl=%E8%AD%A6%E5%AF%9F#p12"
    # Phrases travel quoted, prefixes with their star; an old link with plain words still works.
    url = hl_url("/d/#p1", {Mark("phrase", "维和人员的安全"), Mark("prefix", "海")})
    assert url == "/d/?hl=" + quote('"维和人员的安全" 海*') + "#p1"
    text = "海地：保障维和人员的安全。"
    assert [text[s:e] for s, e in hl_spans(text, '"维和人员的安全" 海*')] == ["海地", "维和人员的安全"]
    assert [text[s:e] for s, e in hl_spans(text, '"未闭合 海*')] == ["海地"]
