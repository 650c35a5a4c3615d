"""Running a search: query + filters in, one page of hits with counts, facets and notes out.

The flow of :func:`run`:

1. parse the query leniently (:mod:`search.query`); a query that is exactly a document symbol
   becomes a redirect, one that is exactly a resolution becomes a ``cites`` filter;
2. compile it (:mod:`search.compiler`), expanding glossary forms and resolving ``title:``;
3. let the engine find the matching entries, count them per facet and rank one page:
   :mod:`search.whoosh_search` (the embedded index) or, with ``SEARCH_URL`` set,
   :mod:`search.elastic.search`;
4. fetch the page's paragraphs and footnotes from the database, two queries at most, dropping
   any the index still holds but the database no longer shows;
5. cut a snippet around what matched (:mod:`search.highlight`).

When nothing matches but filters are set, the engine also counts the results each filter
excluded, so the page can say so first and offer to drop them (:func:`filter_suggestions`).
Steps 1, 2, 4 and 5 live here and are shared by both engines.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from archive.labels import locate
from archive.lookup import find_document
from archive.models import Document, DocumentStatus, DocumentType, Footnote, Language, Paragraph
from archive.views.versions import PARALLEL

from . import glossary, titles, warmup
from .analyzers import fold
from .compiler import Compiled, Compiler, cited_symbol, doc_type_value
from .highlight import Mark, hl_url, snippets_for
from .indexing import backend
from .query import FieldFilter, Or, ParsedQuery, parse_query

log = logging.getLogger(__name__)

# The warm-up is started by config/gunicorn.py through these names.
warm_up = warmup.warm_up
start_warm_up = warmup.start

SORTS = ("relevance", "newest", "oldest")
PER_PAGE = 20
MAX_PAGE = 500
CITES_FACET_SIZE = 12


@dataclass
class SearchParams:
    q: str = ""
    year_from: int | None = None
    year_to: int | None = None
    doc_type: str | None = None
    cites: str | None = None
    document: str | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    # Without snippets a page is only where the hits are (API ``snippets=0``: bulk clients).
    snippets: bool = True

    @property
    def has_filters(self) -> bool:
        values = (self.year_from, self.year_to, self.doc_type, self.cites, self.document)
        return any(v not in (None, "") for v in values)


@dataclass
class Hit:
    kind: str  # paragraph | footnote
    block: Paragraph | Footnote
    document: Document
    url: str
    snippet: SafeString
    label: str
    score: float | None = None
    # The block's text version (zh, en); for a block of another language, its Chinese partner.
    language: str = Language.ZH
    partner: Paragraph | Footnote | None = None


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Suggestion:
    label: str
    q: str
    keep_filters: bool = True
    # Filters this suggestion removes (names of FILTERS), the others are kept.
    drop: tuple[str, ...] = ()


# The search page's filters, by name: what a reader can remove when they exclude every result.
FILTERS = ("year", "type", "cites", "document")


@dataclass
class Outcome:
    params: SearchParams
    parsed: ParsedQuery
    searched: bool = False
    redirect: str | None = None
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    num_pages: int = 0
    years: list[FacetValue] = field(default_factory=list)
    types: list[FacetValue] = field(default_factory=list)
    cites: list[FacetValue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    expansions: dict[str, list[str]] = field(default_factory=dict)
    document: Document | None = None
    cites_symbol: str | None = None
    # Set when the filters exclude every result: how many there are without any filter.
    unfiltered_total: int | None = None

    @property
    def has_next(self) -> bool:
        return self.params.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.params.page > 1


# --- helpers -----------------------------------------------------------------------------------------


def resolve_document(ref: str) -> Document | None:
    """A document named by symbol (any spelling, old symbols too) or ``id/<public id>``."""
    ref = (ref or "").strip()
    if not ref:
        return None
    try:
        return find_document(ref).document
    except Http404:
        return None


def _symbol_doc_id(key: str) -> int | None:
    doc = resolve_document(key)
    return doc.pk if doc else None


def _fetch_blocks(stored: Sequence[dict[str, Any]]) -> list[Paragraph | Footnote | None]:
    """The database rows for a page of hits, in hit order; None for what is no longer shown."""
    ids: dict[str, list[int]] = defaultdict(list)
    for s in stored:
        ids[s.get("django_ct", "")].append(int(s.get("django_id", 0)))
    found: dict[tuple[str, int], Paragraph | Footnote] = {}
    # A document's raw text can be hundreds of kilobytes: a hit needs its title, symbol and date.
    if ids.get("archive.paragraph"):
        rows = Paragraph.objects.current().select_related("document").defer("document__raw_text")
        for p in rows.filter(pk__in=ids["archive.paragraph"]):
            found[("archive.paragraph", p.pk)] = p
    if ids.get("archive.footnote"):
        rows = Footnote.objects.select_related("document").defer("document__raw_text")
        for f in rows.filter(pk__in=ids["archive.footnote"]):
            found[("archive.footnote", f.pk)] = f
    out: list[Paragraph | Footnote | None] = []
    for s in stored:
        block = found.get((s.get("django_ct", ""), int(s.get("django_id", 0))))
        if block is not None and block.document.status != DocumentStatus.PUBLISHED:
            block = None
        out.append(block)
    return out


Partners = dict[tuple[str, int, str], Paragraph | Footnote]


def _chinese_partners(blocks: Sequence[Paragraph | Footnote | None]) -> Partners:
    """The Chinese block beside each block of another language on a page: one query per model at most.

    Versions share anchors with their Chinese partners, so a partner is (document, anchor) in Chinese.
    """
    wanted: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for b in blocks:
        if b is not None and b.language != Language.ZH:
            wanted["footnote" if isinstance(b, Footnote) else "paragraph"].append((b.document_id, b.anchor))
    found: Partners = {}
    for kind, model in (("paragraph", Paragraph), ("footnote", Footnote)):
        if not wanted[kind]:
            continue
        keys = set(wanted[kind])
        rows = model.objects.in_language(Language.ZH).filter(
            document_id__in={d for d, _ in keys}, anchor__in={a for _, a in keys}
        )
        if model is Paragraph:
            rows = rows.current()
        for row in rows.only("id", "document_id", "anchor", "text", "language"):
            if (row.document_id, row.anchor) in keys:
                found[(kind, row.document_id, row.anchor)] = row
    return found


def _hit_url(block: Paragraph | Footnote) -> str:
    """Where a hit opens: its block in context; a block of another language beside its Chinese partner."""
    url = block.get_absolute_url()
    if block.language == Language.ZH:
        return url
    path, hash_sign, anchor = url.partition("#")
    return f"{path}?view={PARALLEL}{hash_sign}{anchor}"


def filter_suggestions(params: SearchParams, count: Callable[[frozenset[str]], int]) -> tuple[int, list[Suggestion]]:
    """When filters exclude every result: the total without them, and a suggestion per filter.

    ``count(dropped)`` is the engine's total with the named filters left out.
    """
    active = [name for name in FILTERS if filter_is_set(params, name)]
    if not active:
        return 0, []
    unfiltered = count(frozenset(active))
    if not unfiltered:
        return 0, []
    out: list[Suggestion] = []
    if len(active) > 1:
        for name in active:
            n = count(frozenset({name}))
            if n:
                label = _("去掉“%(filter)s”筛选：%(n)d 条结果") % {"filter": filter_label(params, name), "n": n}
                out.append(Suggestion(label, params.q, drop=(name,)))
    out.append(Suggestion(_("去掉全部筛选条件：%(n)d 条结果") % {"n": unfiltered}, params.q, keep_filters=False))
    return unfiltered, out


def filter_is_set(params: SearchParams, name: str) -> bool:
    if name == "year":
        return bool(params.year_from or params.year_to)
    return bool({"type": params.doc_type, "cites": params.cites, "document": params.document}[name])


def filter_label(params: SearchParams, name: str, document: Document | None = None) -> str:
    """How the page names an active filter (年份：2018–2020, 类型：报告 …)."""
    if name == "year":
        lo, hi = params.year_from, params.year_to
        span = str(lo) if lo == hi else f"{lo or '…'}–{hi or '…'}"
        return _("年份：%(span)s") % {"span": span}
    if name == "type":
        label = dict(DocumentType.choices).get(params.doc_type or "", params.doc_type)
        return _("类型：%(type)s") % {"type": label}
    if name == "cites":
        return _("引用：%(symbol)s") % {"symbol": params.cites}
    shown = (document.symbol or document.title) if document else params.document
    return _("文件：%(doc)s") % {"doc": shown}


def suggest(parsed: ParsedQuery, compiled: Compiled | None, params: SearchParams) -> list[Suggestion]:
    """What to try when nothing matched: the other glossary form, a looser query, no filters."""
    out: list[Suggestion] = []
    q = parsed.raw
    gl = glossary.current()

    # Glossary forms containing a typed word (联海 → 联海综合办 → 联合国海地综合办事处).
    typed = [fold(w) for w in q.replace('"', " ").replace("“", " ").replace("”", " ").split() if len(w) > 1]
    for form, others in sorted(gl.alternatives.items(), key=lambda item: (len(item[0]), item[0])):
        if len(out) >= 4:
            break
        if any(w in form and w != form for w in typed):
            out.append(Suggestion(_("改为检索“%(form)s”") % {"form": form}, form))
            for other in sorted(others)[:1]:
                out.append(Suggestion(_("改为检索“%(form)s”") % {"form": other}, other))
    if compiled is not None:
        for others in compiled.expansions.values():
            for other in others[:2]:
                out.append(Suggestion(_("单独检索“%(form)s”") % {"form": other}, other))
    stripped = q.replace('"', " ").replace("“", " ").replace("”", " ").strip()
    if stripped != q and stripped:
        out.append(Suggestion(_("去掉引号，不要求词语相连"), stripped))
    words = stripped.split()
    if len(words) > 1 and not any(w in ("OR", "AND", "NOT") for w in words):
        out.append(Suggestion(_("任一词语出现即可：%(q)s") % {"q": " OR ".join(words)}, " OR ".join(words)))
    if params.has_filters:
        out.append(Suggestion(_("取消筛选条件，检索全部文件"), q, keep_filters=False))
    seen: set[tuple[str, bool]] = set()
    unique = []
    for s in out:
        key = (s.q, s.keep_filters)
        if key in seen or (s.keep_filters and s.q == q):
            continue  # the same search again is no suggestion
        seen.add(key)
        unique.append(s)
    return unique[:6]


def no_results(
    outcome: Outcome,
    compiled: Compiled | None,
    count: Callable[[frozenset[str]], int] | None = None,
) -> Outcome:
    """Fill in what the page says when nothing matched: first whether the filters are the cause."""
    if count is not None and outcome.params.has_filters:
        unfiltered, by_filter = filter_suggestions(outcome.params, count)
        if unfiltered:
            outcome.unfiltered_total = unfiltered
            outcome.suggestions = by_filter
            return outcome
    outcome.suggestions = suggest(outcome.parsed, compiled, outcome.params)
    return outcome


# --- the search ----------------------------------------------------------------------------------


def run(params: SearchParams) -> Outcome:
    """Run a search; raises SearchUnavailable only when the index cannot be read."""
    parsed = parse_query(params.q)
    outcome = Outcome(params=params, parsed=parsed, notes=list(parsed.notes))
    params.sort = params.sort if params.sort in SORTS else "relevance"
    params.page = max(1, min(params.page, MAX_PAGE))

    text_root = parsed.root
    if parsed.symbol:
        doc = resolve_document(parsed.symbol)
        if doc is not None and not params.has_filters:
            outcome.redirect = doc.get_absolute_url()
            return outcome
        if doc is not None:
            # With filters the reader wants results: the document's own blocks and those citing it.
            text_root = Or((FieldFilter("symbol", parsed.symbol), FieldFilter("cites", parsed.symbol)))
        else:
            # A well-formed symbol the archive does not hold: show what cites it.
            text_root = FieldFilter("cites", parsed.symbol)
            outcome.notes.append(
                _("本库没有文号为 %(symbol)s 的文件；下面是引用它的段落。") % {"symbol": parsed.symbol}
            )
    if parsed.resolution:
        outcome.cites_symbol = parsed.resolution
        outcome.notes.append(_("显示引用 %(symbol)s 的段落。") % {"symbol": parsed.resolution})

    # Exact (field, value) conditions every hit must meet; each engine spells them its own way.
    filters: list[tuple[str, str]] = []
    if params.document:
        doc = resolve_document(params.document)
        outcome.document = doc
        if doc is None:
            outcome.notes.append(_("没有找到文件“%(ref)s”，已忽略此筛选条件。") % {"ref": params.document})
            params.document = None
        else:
            filters.append(("doc_id", str(doc.pk)))
    if params.cites:
        symbol = cited_symbol(params.cites)
        if symbol is None:
            outcome.notes.append(
                _("“%(value)s” 不是有效的文号或决议编号，已忽略此筛选条件。") % {"value": params.cites}
            )
            params.cites = None
        else:
            params.cites = outcome.cites_symbol = symbol
            filters.append(("cites", symbol))
    if params.doc_type:
        value = doc_type_value(params.doc_type)
        if value is None:
            outcome.notes.append(_("未知的文件类型，已忽略此筛选条件。"))
        params.doc_type = value
    if params.year_from and params.year_to and params.year_from > params.year_to:
        params.year_from, params.year_to = params.year_to, params.year_from

    if text_root is None and not filters and not params.doc_type and not (params.year_from or params.year_to):
        return outcome  # nothing asked yet: the empty search page

    warmup.wait()
    be = backend()
    if getattr(be, "engine_name", "") == "elasticsearch":
        from .elastic.search import execute
    else:
        from .whoosh_search import execute
    return execute(be, params, parsed, text_root, filters, outcome)


# --- shared by both engines ---------------------------------------------------------------------------


def compile_query(builder: Any, text_root: Any, outcome: Outcome) -> Compiled:
    """The typed query in one engine's terms; its notes and glossary expansions go to the outcome."""
    outcome.searched = True
    compiled = Compiler(builder, glossary.current(), _symbol_doc_id, titles.matching).compile(text_root)
    outcome.notes += compiled.notes
    outcome.expansions = compiled.expansions
    return compiled


def set_counts(
    outcome: Outcome,
    total: int,
    years: Counter[int],
    types: Counter[str],
    cites: Counter[str],
) -> None:
    """Total, page count and the three facets (years newest first, the rest by count)."""
    params = outcome.params
    outcome.total = total
    outcome.num_pages = max(1, -(-total // params.per_page)) if total else 0
    lo, hi = params.year_from or 0, params.year_to or 65535
    year_on = bool(params.year_from or params.year_to)
    outcome.years = [
        FacetValue(str(y), str(y), c, selected=year_on and lo <= y <= hi)
        for y, c in sorted(years.items(), reverse=True)
        if y
    ]
    labels = dict(DocumentType.choices)
    outcome.types = [
        FacetValue(value, str(labels.get(value, value)), c, selected=value == params.doc_type)
        for value, c in types.most_common()
    ]
    outcome.cites = [
        FacetValue(symbol, symbol, c, selected=symbol == params.cites)
        for symbol, c in cites.most_common(CITES_FACET_SIZE)
    ]


def fill_page(
    outcome: Outcome,
    stored: Sequence[dict[str, Any]],
    scores: Sequence[float | None],
    highlight: set[Mark],
) -> None:
    """Hits for one page of index entries (haystack's stored fields), in the engine's order."""
    blocks = _fetch_blocks(stored)
    if outcome.params.snippets:
        snippets = snippets_for([(b.text if b is not None else "") for b in blocks], highlight)
    else:
        snippets = [SafeString("")] * len(blocks)
    partners = _chinese_partners(blocks)
    for score, block, snip in zip(scores, blocks, snippets, strict=True):
        if block is None:
            continue  # deleted or unpublished since the index last heard of it
        kind = "footnote" if isinstance(block, Footnote) else "paragraph"
        outcome.hits.append(
            Hit(
                kind=kind,
                block=block,
                document=block.document,
                url=hl_url(_hit_url(block), highlight),
                snippet=snip,
                label=locate(block),
                score=score,
                language=block.language,
                partner=partners.get((kind, block.document_id, block.anchor)),
            )
        )
