"""The search page around the results: pagination, filters that exclude everything, warming up, a stale index."""

from __future__ import annotations

import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from search import index_files, warmup
from search.views import page_numbers
from tests import test_search_fixtures as fx
from tests.test_search_fixtures import build_index, index_path

fresh_index = fx.fresh_index
indexed_seeds = fx.indexed_seeds

SEARCH = reverse("search")
API = reverse("api_search")


# --- pagination ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "last", "bar"),
    [
        (1, 1, []),
        (1, 2, [1, 2]),
        (2, 3, [1, 2, 3]),
        (1, 5, [1, 2, 3, 4, 5]),  # the issue: 1 2 3 5, no 4 and no …
        (1, 9, [1, 2, 3, None, 9]),
        (4, 9, [1, 2, 3, 4, 5, 6, None, 9]),
        (5, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
        (10, 20, [1, None, 8, 9, 10, 11, 12, None, 20]),
        (20, 20, [1, None, 18, 19, 20]),
        (19, 20, [1, None, 17, 18, 19, 20]),
    ],
)
def test_the_pagination_bar_skips_no_page_silently(page, last, bar):
    assert page_numbers(page, last) == bar


def pagination(html: str) -> list[str]:
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S).group(0)
    return re.findall(r">(\d+|…)</(?:a|span)>", nav)


def test_the_pages_first_middle_and_last_over_http(client, indexed_seeds):
    total = client.get(API, {"q": "警察"}).json()["count"]
    last = -(-total // 20)
    assert last >= 8, "the seeds have enough results for a long bar"
    first = pagination(client.get(SEARCH, {"q": "警察"}).content.decode())
    assert first == ["1", "2", "3", "…", str(last)]
    middle = pagination(client.get(SEARCH, {"q": "警察", "page": 5}).content.decode())
    assert middle[:7] == ["1", "2", "3", "4", "5", "6", "7"] and middle[-1] == str(last)
    assert ("…" in middle) == (last > 9)
    end = pagination(client.get(SEARCH, {"q": "警察", "page": last}).content.decode())
    assert end == ["1", "…", str(last - 2), str(last - 1), str(last)]
    html = client.get(SEARCH, {"q": "警察", "page": last}).content.decode()
    assert 'rel="prev"' in html and 'rel="next"' not in html


# --- filters that exclude everything --------------------------------------------------------------------


def test_when_the_filters_exclude_everything_the_page_says_so_first(client, indexed_seeds):
    html = client.get(SEARCH, {"q": "警察", "year_from": 2030}).content.decode()
    everything = client.get(API, {"q": "警察"}).json()["count"]
    empty = re.search(r'<div class="search-empty">.*?</div>', html, re.S).group(0)
    assert f"筛选条件排除了全部结果：不加筛选时有 {everything} 条结果" in empty
    links = re.findall(r'<ul class="search-suggestions">(.*?)</ul>', empty, re.S)[0]
    first = re.search(r'<a href="([^"]+)">([^<]+)</a>', links)
    assert first.group(2) == f"去掉全部筛选条件：{everything} 条结果"
    assert "year_from" not in first.group(1) and "q=%E8%AD%A6%E5%AF%9F" in first.group(1)
    assert client.get(API, {"q": "警察", "year_from": 2030}).json()["unfiltered_count"] == everything


def test_each_filter_can_be_removed_on_its_own_with_its_count(client, indexed_seeds):
    params = {"q": "警察", "year_from": 2011, "year_to": 2011, "type": "report"}
    html = client.get(SEARCH, params).content.decode()
    links = dict(
        (label, href.replace("&amp;", "&"))
        for href, label in re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', html)
        if "筛选" in label
    )
    in_2011 = client.get(API, {"q": "警察", "year_from": 2011, "year_to": 2011}).json()["count"]
    reports = client.get(API, {"q": "警察", "type": "report"}).json()["count"]
    assert links[f"去掉“类型：报告”筛选：{in_2011} 条结果"] == "?q=%E8%AD%A6%E5%AF%9F&year_from=2011&year_to=2011"
    assert links[f"去掉“年份：2011”筛选：{reports} 条结果"] == "?q=%E8%AD%A6%E5%AF%9F&type=report"
    assert any(label.startswith("去掉全部筛选条件") for label in links)


def test_a_query_that_finds_nothing_anyway_still_gets_the_other_suggestions(client, indexed_seeds):
    html = client.get(SEARCH, {"q": '"警察 马里 维和"', "year_from": 2018}).content.decode()
    assert "筛选条件排除了全部结果" not in html
    assert "去掉引号" in html


# --- warming up ---------------------------------------------------------------------------------------


@pytest.fixture
def warming(monkeypatch):
    """A worker whose warm-up has started and not finished (no waiting: WAIT is 0)."""
    monkeypatch.setattr(warmup, "WAIT", 0)
    warmup._started.set()
    warmup._done.clear()
    yield
    warmup._done.set()
    warmup._started.clear()


def test_a_search_during_the_warm_up_says_so_instead_of_hanging(client, indexed_seeds, warming):
    response = client.get(SEARCH, {"q": "警察"})
    assert response.status_code == 503 and response["Retry-After"]
    html = response.content.decode()
    assert "检索正在准备中" in html and "重新检索" in html and 'class="hit"' not in html
    api = client.get(API, {"q": "警察"})
    assert api.status_code == 503 and "准备中" in api.json()["error"]
    warmup._done.set()  # the warm-up finished: the same search answers
    assert client.get(SEARCH, {"q": "警察"}).status_code == 200


def test_the_warm_up_builds_what_the_first_search_needs(indexed_seeds):
    from search import docsets, facets, indexing

    facets._cache.clear()
    docsets.clear_cache()
    warmup.warm_up()
    be = indexing.backend()
    with be.searcher() as searcher:
        for leaf in docsets.leaves(searcher, be.path):
            assert (be.path, leaf.segment_id, leaf.reader.doc_count_all()) in facets._cache


# --- an index written by another version --------------------------------------------------------------


def test_an_index_of_another_format_is_refused_loudly_until_rebuilt(client, db, seeds, fresh_index, caplog):
    build_index()
    (index_path() / index_files.FORMAT_FILE).write_text("1-written-by-an-older-version\n")
    index_files.read_indexes.clear()
    index_files.pool_for(str(index_path())).clear()
    response = client.get(SEARCH, {"q": "警察"})
    assert response.status_code == 503 and "检索暂时不可用" in response.content.decode()
    assert "rebuild_index" in caplog.text
    with pytest.raises(CommandError, match="rebuild_index"):
        call_command("index_drift", stdout=open("/dev/null", "w"))
    build_index()
    assert client.get(SEARCH, {"q": "警察"}).status_code == 200


def test_an_index_without_a_format_file_is_an_old_one(client, db, seeds, fresh_index):
    build_index()
    (index_path() / index_files.FORMAT_FILE).unlink()
    index_files.read_indexes.clear()
    index_files.pool_for(str(index_path())).clear()
    assert client.get(SEARCH, {"q": "警察"}).status_code == 503
