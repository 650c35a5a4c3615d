"""The fixed query set of the search benchmark, with the raw-Whoosh equivalent of each query.

Each entry: label, the /search/ parameters a reader sends, and what plain Whoosh is asked on the
same index (its own query parser over our schema, or a query object where Whoosh's parser has no
way to say it).  The raw side has no glossary expansion, facets, database or snippets: the
difference is what our layers add.
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


QUERIES: list[BenchQuery] = [
    BenchQuery("common UN term", {"q": "安全理事会"}, raw="安全理事会"),
    BenchQuery("UN vocabulary word", {"q": "维持和平行动"}, raw="维持和平行动"),
    BenchQuery("word", {"q": "联合国警察"}, raw="联合国警察"),
    BenchQuery("traditional characters", {"q": "聯合國警察"}, raw="聯合國警察"),
    BenchQuery("abbreviation (expanded)", {"q": "联海综合办"}, raw="联海综合办"),
    BenchQuery("phrase", {"q": "“性剥削和性虐待”"}, raw='"性剥削和性虐待"'),
    BenchQuery("resolution", {"q": "2645(2022)"}, raw_term=("cites", "S/RES/2645(2022)")),
    BenchQuery("NOT", {"q": "警察 NOT 海地"}, raw="警察 NOT 海地"),
    BenchQuery("OR", {"q": "海地 OR 马里"}, raw="海地 OR 马里"),
    BenchQuery("year prefix", {"q": "year:2018 警察"}, raw="year:2018 警察"),
    BenchQuery("two words", {"q": "部队派遣国 维和人员安全"}, raw="部队派遣国 维和人员安全"),
    BenchQuery("newest first", {"q": "保护平民", "sort": "newest"}, raw="保护平民", raw_sort="sortdate"),
]
