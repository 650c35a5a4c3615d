"""The query classes of the search benchmark: one representative search a reader makes, per class.

Each entry: label (the class), the /search/ parameters a reader sends, and, where Whoosh's own
query parser can say the same thing on our schema, that raw query (a baseline measured on the
same index in the same run; phrases have no raw equivalent: the index holds no positions, a
phrase is confirmed on the stored streams).  The goal is p95 ≤ 100 ms over HTTP for every
class and no class above 3× the median class.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BenchQuery:
    label: str
    params: dict[str, str]
    raw: str | None = None  # Whoosh query-parser syntax on the "text" field
    raw_term: tuple[str, str] | None = None  # or a single exact term (field, value)
    raw_sort: str | None = None  # column to sort the raw search by (newest first)
    notes: dict[str, Any] = field(default_factory=dict)
    # The page must show hits (False: a class whose answer is "nothing found, and why").
    hits: bool = True


QUERIES: list[BenchQuery] = [
    BenchQuery("common UN term", {"q": "安全理事会"}, raw="安全理事会"),
    BenchQuery("UN vocabulary word", {"q": "维持和平行动"}, raw="维持和平行动"),
    BenchQuery("word", {"q": "联合国警察"}, raw="联合国警察"),
    BenchQuery("traditional characters", {"q": "聯合國警察"}, raw="聯合國警察"),
    BenchQuery("abbreviation (expanded)", {"q": "联海综合办"}, raw="联海综合办"),
    BenchQuery("phrase", {"q": "“性剥削和性虐待”"}),
    BenchQuery("phrase with a function word", {"q": "“维和人员的安全”"}),
    BenchQuery("phrase, common words", {"q": "“安全理事会的”"}),
    BenchQuery("unquoted words with 的", {"q": "警察的能力"}, raw="警察 的 能力"),
    BenchQuery("resolution", {"q": "2645(2022)"}, raw_term=("cites", "S/RES/2645(2022)")),
    BenchQuery("NOT", {"q": "警察 NOT 海地"}, raw="警察 NOT 海地"),
    BenchQuery("OR", {"q": "海地 OR 马里"}, raw="海地 OR 马里"),
    BenchQuery("prefix", {"q": "海*"}, raw="海*"),
    BenchQuery("title field", {"q": "title:警务 警察"}),
    BenchQuery("year prefix", {"q": "year:2018 警察"}, raw="year:2018 警察"),
    BenchQuery("two words", {"q": "部队派遣国 维和人员安全"}, raw="部队派遣国 维和人员安全"),
    BenchQuery("newest first", {"q": "保护平民", "sort": "newest"}, raw="保护平民", raw_sort="sortdate"),
    BenchQuery("filters: years and type", {"q": "警察", "year_from": "2010", "year_to": "2015", "type": "report"}),
    BenchQuery("page 5", {"q": "警察", "page": "5"}),
    BenchQuery("filters exclude everything", {"q": "警察", "year_from": "2030"}, hits=False),
]
