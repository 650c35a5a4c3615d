"""Running a search: query + filters in, one page of hits with counts, facets and notes out.

The flow of :func:`run`:

1. parse the query leniently (:mod:`search.query`); a query that is exactly a document symbol
   becomes a redirect, one that is exactly a resolution becomes a ``cites`` filter;
2. compile it against the index (:mod:`search.compiler`), expanding glossary forms;
3. compute the full set of matching entries per segment (:mod:`search.docsets`: cached posting
   arrays combined with set operations) — for the total and the facet counts;
4. rank the page: Whoosh's BM25F from a per-term score table (:func:`search.docsets.rank`), or
   date order from cached sort keys;
5. fetch the page's paragraphs and footnotes from the database, two queries at most, dropping
   any the index still holds but the database no longer shows;
6. cut a snippet around the matched words.

Facet counts use per-segment arrays (:mod:`search.facets`), so counting is ``Counter`` work in C,
not a Whoosh column lookup per matching entry.  Year and type counts ignore their own filter, so
a reader can switch between them; the cited-symbol counts describe the current results.

Steps 1, 5 and 6 are shared by both engines; with ``SEARCH_URL`` set, steps 2–4 run in
Elasticsearch instead (:mod:`search.elastic.search`), with the same compiler and the same facets.
"""

from __future__ import annotations

import heapq
import logging
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from django.http import Http404
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from whoosh import query as wq

from archive.labels import locate
from archive.lookup import find_document
from archive.models import Document, DocumentStatus, DocumentType, Footnote, Paragraph

from . import docsets, facets, glossary
from .backends import SearchUnavailable
from .compiler import TEXT, Compiled, Compiler, WhooshBuilder, cited_symbol, doc_type_value
from .highlight import hl_url, snippets_for
from .indexing import backend
from .query import FieldFilter, Or, ParsedQuery, parse_query

log = logging.getLogger(__name__)

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
    if ids.get("archive.paragraph"):
        for p in Paragraph.objects.current().select_related("document").filter(pk__in=ids["archive.paragraph"]):
            found[("archive.paragraph", p.pk)] = p
    if ids.get("archive.footnote"):
        for f in Footnote.objects.select_related("document").filter(pk__in=ids["archive.footnote"]):
            found[("archive.footnote", f.pk)] = f
    out: list[Paragraph | Footnote | None] = []
    for s in stored:
        block = found.get((s.get("django_ct", ""), int(s.get("django_id", 0))))
        if block is not None and block.document.status != DocumentStatus.PUBLISHED:
            block = None
        out.append(block)
    return out


def suggest(parsed: ParsedQuery, compiled: Compiled | None, params: SearchParams) -> list[Suggestion]:
    """What to try when nothing matched: the other glossary form, a looser query, no filters."""
    out: list[Suggestion] = []
    q = parsed.raw
    gl = glossary.current()
    from .analyzers import fold

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

    be = backend()
    if getattr(be, "engine_name", "") == "elasticsearch":
        from .elastic.search import execute

        return execute(be, params, parsed, text_root, filters, outcome)
    with be.searcher() as searcher:
        try:
            return _execute(searcher, be.path, params, parsed, text_root, filters, outcome)
        except SearchUnavailable:
            raise
        except (OSError, EOFError, ValueError, KeyError) as exc:
            # A damaged segment shows up only when read: same answer as a missing index.
            log.exception("search index read failed")
            raise SearchUnavailable(repr(exc)) from exc


def positive_part(q: wq.Query) -> wq.Query | None:
    """``q`` without its negations (and match-alls): what a document's score is made of."""
    if isinstance(q, wq.Not | wq.Every):
        return None
    if isinstance(q, wq.And | wq.Or):
        parts = [p for p in (positive_part(c) for c in q.subqueries) if p is not None]
        if not parts:
            return None
        if len(parts) == len(q.subqueries) and all(a is b for a, b in zip(parts, q.subqueries, strict=True)):
            return q
        return parts[0] if len(parts) == 1 else type(q)(parts)
    return q


def scoring_terms(q: wq.Query | None) -> list[tuple[str, Any]]:
    """The (field, word) pairs of the text that a result's relevance is computed from."""
    found: list[tuple[str, Any]] = []

    def walk(node: wq.Query | None) -> None:
        if isinstance(node, wq.Term) and node.fieldname == TEXT:
            found.append((TEXT, node.text))
        elif isinstance(node, wq.Phrase) and node.fieldname == TEXT:
            found.extend((TEXT, w) for w in node.words)
        elif isinstance(node, wq.And | wq.Or):
            for child in node.subqueries:
                walk(child)

    walk(q)
    return list(dict.fromkeys(found))


def start_warm_up() -> threading.Thread:
    """Warm the search caches in a background thread (each gunicorn worker, after its fork)."""
    thread = threading.Thread(target=warm_up, name="search-warm-up", daemon=True)
    thread.start()
    return thread


def warm_up() -> None:
    """Build the per-segment caches (facet arrays, field lengths) before the first search needs them.

    The first search after a start or a rebuild otherwise pays for every segment at once (about
    three seconds at 10,000 documents).
    """
    be = backend()
    if getattr(be, "engine_name", "") != "whoosh":
        return  # Elasticsearch keeps its own caches warm
    try:
        with be.searcher() as searcher:
            for leaf in docsets.leaves(searcher):
                facets.arrays_for(leaf, be.path)
                leaf.length_bytes(TEXT)
    except SearchUnavailable:
        log.info("search warm-up skipped: index unavailable")


def _execute(
    searcher: Any,
    path: str,
    params: SearchParams,
    parsed: ParsedQuery,
    text_root: Any,
    filters: list[tuple[str, str]],
    outcome: Outcome,
) -> Outcome:
    compiled = compile_query(WhooshBuilder(searcher.reader()), text_root, outcome)
    text_q = compiled.query
    if text_q is None and text_root is not None and not filters:
        # Everything typed was dropped as malformed: nothing to search for.
        outcome.suggestions = suggest(parsed, compiled, params)
        return outcome
    must = [q for q in (text_q, *(wq.Term(f, v) for f, v in filters)) if q is not None]
    base_q = must[0] if len(must) == 1 else (wq.And(must) if must else wq.Every())

    # Year and type filters apply on the per-segment arrays so that each facet can ignore its own.
    lo, hi = params.year_from or 0, params.year_to or 65535
    year_on = bool(params.year_from or params.year_to)
    type_code = facets.type_codes.get(params.doc_type, -1) if params.doc_type else None
    year_counts: Counter[int] = Counter()
    type_counts: Counter[int] = Counter()
    cite_counts: Counter[int] = Counter()
    finals: list[tuple[docsets.Leaf, facets.Arrays, set[int]]] = []
    leaves = docsets.leaves(searcher)
    facets.forget_segments(path, {leaf.reader.segment().segment_id() for leaf in leaves})
    for leaf in leaves:
        arrays = facets.arrays_for(leaf, path)
        base = leaf.docs(base_q)
        years, dtypes = arrays.year, arrays.dtype
        in_years = {d for d in base if lo <= years[d] <= hi} if year_on else base
        in_type = {d for d in base if dtypes[d] == type_code} if type_code is not None else base
        final = in_years & in_type if year_on and type_code is not None else (in_years if year_on else in_type)
        if year_on or type_code is not None:
            year_counts.update(map(years.__getitem__, in_type))
            type_counts.update(map(dtypes.__getitem__, in_years))
        else:
            for packed, n in Counter(map(arrays.yeartype.__getitem__, final)).items():
                year_counts[packed >> facets.TYPE_BITS] += n
                type_counts[packed & ((1 << facets.TYPE_BITS) - 1)] += n
        cite_counts.update(chain.from_iterable(map(arrays.cites.__getitem__, final & arrays.citing)))
        finals.append((leaf, arrays, final))

    set_counts(
        outcome,
        sum(len(final) for _leaf, _arrays, final in finals),
        year_counts,
        Counter({facets.type_values[code]: n for code, n in type_counts.items()}),
        Counter({facets.cite_symbols[code]: n for code, n in cite_counts.items()}),
    )
    if not outcome.total:
        outcome.suggestions = suggest(parsed, compiled, params)
        return outcome

    params.page = min(params.page, outcome.num_pages)
    start = (params.page - 1) * params.per_page
    end = start + params.per_page
    score_q = positive_part(base_q) if text_q is not None else None
    terms = scoring_terms(score_q)
    scores: dict[int, float] = {}
    if params.sort == "relevance" and terms:
        ranked = docsets.rank(searcher, [(leaf, final) for leaf, _a, final in finals], terms, end)
        page_docs = [d for _score, d in ranked[start:end]]
        scores = {d: score for score, d in ranked[start:end]}
    else:
        candidates: list[tuple[int, int]] = []
        for leaf, arrays, final in finals:
            key = arrays.oldest if params.sort == "oldest" else arrays.newest
            candidates += [(key[d], d + leaf.offset) for d in heapq.nsmallest(end, final, key=key.__getitem__)]
        page_docs = [d for _key, d in heapq.nsmallest(end, candidates)][start:end]

    stored = [searcher.stored_fields(d) for d in page_docs]
    fill_page(outcome, stored, [scores.get(d) for d in page_docs], compiled.highlight)
    return outcome


# --- shared by both engines ---------------------------------------------------------------------------


def compile_query(builder: Any, text_root: Any, outcome: Outcome) -> Compiled:
    """The typed query in one engine's terms; its notes and glossary expansions go to the outcome."""
    outcome.searched = True
    compiled = Compiler(builder, glossary.current(), _symbol_doc_id).compile(text_root)
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
    highlight: set[str],
) -> None:
    """Hits for one page of index entries (haystack's stored fields), in the engine's order."""
    blocks = _fetch_blocks(stored)
    snippets = snippets_for([(b.text if b is not None else "") for b in blocks], highlight)
    for score, block, snip in zip(scores, blocks, snippets, strict=True):
        if block is None:
            continue  # deleted or unpublished since the index last heard of it
        outcome.hits.append(
            Hit(
                kind="footnote" if isinstance(block, Footnote) else "paragraph",
                block=block,
                document=block.document,
                url=hl_url(block.get_absolute_url(), highlight),
                snippet=snip,
                label=locate(block),
                score=score,
            )
        )
