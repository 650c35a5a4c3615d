"""The engine's answers equal the meaning of the query: a brute-force reference over the stored text.

The reference reads every block the index should hold (current paragraphs and footnotes of
published documents) straight from the database and decides each query by scanning them, with
the same folding and jieba words the index uses and the query language's documented meaning
(search/help): a word is a word of the block or part of one; a quoted phrase is the block's
characters in that order, function words included, punctuation as a separator and spacing
next to Chinese ignored; ``海*`` any word starting so; glossary forms searched both ways;
fields and filters compared with the block's document.  The phrase stream is computed here
independently of ``search.analyzers``.

The corpus is the five seeds plus a small generated one; the queries are drawn from it with a
fixed seed, at least 50 of each kind.  For every query the engine's total and the set of blocks
it returns must equal the reference's: any difference fails the test and names the query.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import opencc
import pytest
from django.core.management import call_command
from django.db import transaction

from archive.ingest.store import import_version
from archive.models import Abbreviation, Citation, Document, DocumentStatus, Footnote, Paragraph
from search import analyzers, glossary, indexing, titles
from search.compiler import cited_symbol, doc_type_value, language_value
from search.engine import SearchParams, resolve_document, run
from search.query import And, Cited, FieldFilter, Not, Or, Phrase, Prefix, Words, parse_query, parse_year
from tests.conftest import MANIFEST
from tests.test_search_fixtures import build_index, index_path
from tests.test_versions_store import REPORT_EN

GENERATED_DOCUMENTS = 40
QUERIES_PER_KIND = 50
FUNCTION_CHARACTERS = "的和与在对了是为及或"
MAX_VARIANTS = 6  # glossary variants of one phrase (as documented for the compiler)


# --- the reference ------------------------------------------------------------------------------


def stream(text: str) -> str:
    """Folded letters, digits, ideographs; one '|' per gap, none for spacing next to non-Latin text."""
    t = analyzers.fold(text)
    out: list[str] = []
    i = 0
    while i < len(t):
        if t[i].isalnum():
            out.append(t[i])
            i += 1
            continue
        j = i
        while j < len(t) and not t[j].isalnum():
            j += 1
        latin_both_sides = 0 < i and j < len(t) and all(c.isascii() and c.isalnum() for c in (t[i - 1], t[j]))
        if not t[i:j].isspace() or latin_both_sides:
            out.append("|")
        i = j
    return "".join(out)


def needle(text: str) -> str:
    return stream(text).strip("|")


@dataclass(frozen=True)
class Entry:
    key: tuple[str, int]
    doc_id: int
    symbol: str | None
    year: int
    doc_type: str
    cites: frozenset[str]
    terms: frozenset[str]
    stream: str
    title_terms: frozenset[str]
    title_stream: str
    lang: str = "zh"


def terms_of(text: str) -> frozenset[str]:
    """The same jieba words the index holds: every word and every part of a word."""
    return frozenset(analyzers.analyze(text).terms)


def load_entries() -> list[Entry]:
    cited: dict[tuple[str, int], set[str]] = {}
    for paragraph_id, footnote_id, symbol in Citation.objects.values_list(
        "paragraph_id", "footnote_id", "cited_symbol"
    ):
        key = ("paragraph", paragraph_id) if paragraph_id else ("footnote", footnote_id)
        cited.setdefault(key, set()).add(symbol)
    blocks = [
        *(("paragraph", p) for p in Paragraph.objects.filter(is_current=True).select_related("document")),
        *(("footnote", f) for f in Footnote.objects.select_related("document")),
    ]
    entries = []
    for kind, block in blocks:
        doc = block.document
        if doc.status != DocumentStatus.PUBLISHED:
            continue
        entries.append(
            Entry(
                key=(kind, block.pk),
                doc_id=doc.pk,
                symbol=doc.symbol,
                year=doc.date.year if doc.date else 0,
                doc_type=doc.doc_type,
                cites=frozenset(cited.get((kind, block.pk), ())),
                terms=terms_of(block.text),
                stream=stream(block.text),
                title_terms=terms_of(doc.title),
                title_stream=stream(doc.title),
                lang=block.language,
            )
        )
    return entries


class Reference:
    def __init__(self, entries: list[Entry]) -> None:
        self.entries = entries
        self.everything = {e.key for e in entries}
        self.known = set().union(*(e.terms for e in entries))
        self.pairs: dict[str, set[str]] = {}
        for full, short in Abbreviation.objects.filter(is_active=True).values_list("full", "short"):
            f, s = analyzers.fold(full.strip()), analyzers.fold(short.strip())
            if len(f) >= 2 and len(s) >= 2 and f != s:
                self.pairs.setdefault(f, set()).add(s)
                self.pairs.setdefault(s, set()).add(f)

    def where(self, test: Callable[[Entry], bool]) -> set[tuple[str, int]]:
        return {e.key for e in self.entries if test(e)}

    # -- text --

    def substring(self, text: str) -> set | None:
        n = needle(text)
        return self.where(lambda e: n in e.stream) if n else None

    def word(self, w: str) -> set | None:
        if len(w) > 1 and w not in self.known:
            return self.substring(w)  # a word the index never holds whole is searched as a phrase
        return self.where(lambda e: w in e.terms)

    def form_alternatives(self, form: str) -> set | None:
        found: list[set] = []
        for f in [form, *sorted(self.pairs[form])]:
            ws = analyzers.query_words(f)
            q = self.word(ws[0]) if len(ws) == 1 else (self.substring(f) if ws else None)
            if q is not None:
                found.append(q)
        return set().union(*found) if found else None

    def forms_in(self, folded: str) -> list[tuple[int, int, str]]:
        """Glossary forms in the text: longest first, never overlapping."""
        taken: list[tuple[int, int, str]] = []
        for form in sorted(self.pairs, key=len, reverse=True):
            for m in re.finditer(re.escape(form), folded):
                if all(m.end() <= s or m.start() >= e for s, e, _f in taken):
                    taken.append((m.start(), m.end(), form))
        return sorted(taken)

    def words(self, text: str) -> set | None:
        folded = analyzers.fold(text)
        parts: list[set | None] = []
        last = 0
        for start, end, form in self.forms_in(folded):
            parts += self.chunk(folded[last:start])
            parts.append(self.form_alternatives(form))
            last = end
        parts += self.chunk(folded[last:])
        return self.all_of(parts)

    def chunk(self, folded: str) -> list[set | None]:
        out: list[set | None] = []
        for piece in stream(folded).split("|"):
            chars: list[str] = []
            for w in [*analyzers.query_words(piece), ""] if piece else []:
                if len(w) == 1 and not w.isascii():
                    chars.append(w)
                    continue
                if len(chars) > 1:
                    out.append(self.substring("".join(chars)))
                elif chars:
                    out.append(self.word(chars[0]))
                chars = []
                if w:
                    out.append(self.word(w))
        return out

    def phrase(self, text: str) -> set | None:
        folded = analyzers.fold(text)
        variants = [folded]
        for _s, _e, form in self.forms_in(folded):
            for other in sorted(self.pairs[form]):
                if len(variants) < MAX_VARIANTS:
                    variants.append(folded.replace(form, other))
        return self.any_of([self.substring(v) for v in variants])

    def prefix(self, text: str) -> set | None:
        n = needle(text)
        if "|" in n:
            return self.words(text)
        return self.where(lambda e: any(t.startswith(n) for t in e.terms)) if n else None

    # -- fields --

    def field(self, node: FieldFilter) -> set | None:
        if node.name == "year":
            years = parse_year(node.value)
            return self.where(lambda e: years[0] <= e.year <= years[1]) if years else None
        if node.name == "type":
            value = doc_type_value(node.value)
            return self.where(lambda e: e.doc_type == value) if value else None
        if node.name == "cites":
            symbol = cited_symbol(node.value)
            return self.where(lambda e: symbol in e.cites) if symbol else None
        if node.name == "lang":
            value = language_value(node.value)
            return self.where(lambda e: e.lang == value) if value else None
        if node.name == "title":
            value = node.value.strip()
            if node.quoted:
                n = needle(value)
                return self.where(lambda e: n in e.title_stream) if n else None
            if value.endswith("*") and "|" not in needle(value.rstrip("*")):
                p = needle(value.rstrip("*"))
                return self.where(lambda e: any(t.startswith(p) for t in e.title_terms)) if p else None
            ws = analyzers.query_words(value.replace("*", " "))
            return self.where(lambda e: set(ws) <= e.title_terms) if ws else None
        doc = resolve_document(node.value)
        return self.where(lambda e: e.doc_id == doc.pk) if doc else self.where(lambda e: False)

    # -- combining --

    def all_of(self, sets: Iterable[set | None]) -> set | None:
        present = [s for s in sets if s is not None]
        return set.intersection(*present) if present else None

    def any_of(self, sets: Iterable[set | None]) -> set | None:
        present = [s for s in sets if s is not None]
        return set().union(*present) if present else None

    def node(self, n) -> set | None:
        if n is None:
            return None
        if isinstance(n, Words):
            return self.words(n.text)
        if isinstance(n, Phrase):
            return self.phrase(n.text)
        if isinstance(n, Prefix):
            return self.prefix(n.text)
        if isinstance(n, Cited):
            return self.any_of([self.where(lambda e: n.symbol in e.cites), self.substring(n.text)])
        if isinstance(n, FieldFilter):
            return self.field(n)
        if isinstance(n, Not):
            inner = self.node(n.node)
            return None if inner is None else self.everything - inner
        children = [self.node(c) for c in n.nodes]
        return self.all_of(children) if isinstance(n, And) else self.any_of(children)

    def search(self, q: str, **filters: object) -> set[tuple[str, int]]:
        parsed = parse_query(q)
        root = FieldFilter("cites", parsed.resolution) if parsed.resolution else parsed.root
        if parsed.symbol:
            doc = resolve_document(parsed.symbol)
            root = Or((FieldFilter("symbol", parsed.symbol), FieldFilter("cites", parsed.symbol))) if doc else None
            if doc is None:
                root = FieldFilter("cites", parsed.symbol)
        found = self.node(root)
        found = self.everything if found is None else found
        if filters.get("document"):
            doc = resolve_document(str(filters["document"]))
            found = {k for k in found if doc is None or self.by_key[k].doc_id == doc.pk}
        if filters.get("cites"):
            symbol = cited_symbol(str(filters["cites"]))
            found = {k for k in found if symbol is None or symbol in self.by_key[k].cites}
        if filters.get("type"):
            value = doc_type_value(str(filters["type"]))
            found = {k for k in found if value is None or self.by_key[k].doc_type == value}
        lo, hi = filters.get("year_from"), filters.get("year_to")
        if lo or hi:
            lo, hi = sorted((int(lo or 0), int(hi or 9999)))
            found = {k for k in found if lo <= self.by_key[k].year <= hi}
        return found

    @property
    def by_key(self) -> dict[tuple[str, int], Entry]:
        if not hasattr(self, "_by_key"):
            self._by_key = {e.key: e for e in self.entries}
        return self._by_key


# --- the corpus ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(django_db_setup, django_db_blocker):
    """Seeds + a generated corpus, indexed; the database rolled back and the index removed after."""
    assert indexing.queue.wait_idle(60)
    with django_db_blocker.unblock(), transaction.atomic():
        shutil.rmtree(index_path(), ignore_errors=True)
        call_command("import_documents", str(MANIFEST), stdout=open("/dev/null", "w"))
        call_command(
            "generate_corpus", documents=GENERATED_DOCUMENTS, seed=11, no_index=True, stdout=open("/dev/null", "w")
        )
        # S/2018/1183 with its English text beside the Chinese, as a librarian adds it.
        import_version(Document.objects.get(symbol="S/2018/1183"), REPORT_EN)
        glossary.invalidate()
        titles.invalidate()
        build_index()
        yield Reference(load_entries())
        transaction.set_rollback(True)
    shutil.rmtree(index_path(), ignore_errors=True)
    glossary.invalidate()
    titles.invalidate()


def engine_hits(q: str, **filters: object) -> tuple[int, set[tuple[str, int]]]:
    named = {("doc_type" if k == "type" else k): v for k, v in filters.items()}
    params = SearchParams(q=q, per_page=100_000, snippets=False, **named)  # type: ignore[arg-type]
    outcome = run(params)
    assert outcome.redirect is None, q
    return outcome.total, {(h.kind, h.block.pk) for h in outcome.hits}


def check(ref: Reference, queries: list[tuple[str, dict]]) -> None:
    assert len(queries) >= QUERIES_PER_KIND
    differences = []
    for q, filters in queries:
        expected = ref.search(q, **filters)
        total, hits = engine_hits(q, **filters)
        if total != len(expected) or hits != expected:
            differences.append(
                f"{q!r} {filters}: engine {total} hits, reference {len(expected)}; "
                f"only engine {sorted(hits - expected)[:3]}, only reference {sorted(expected - hits)[:3]}"
            )
    assert not differences, "\n".join(differences)
    # The queries are not all trivial: some find something, some find nothing.
    found = [bool(ref.search(q, **f)) for q, f in queries]
    assert any(found)


# --- query generators (a fixed seed: the same queries every run) -------------------------------------


def rng(kind: str) -> random.Random:
    return random.Random(f"reference-{kind}")


def sample_words(ref: Reference, r: random.Random, n: int) -> list[str]:
    """Words (and parts of words) of random blocks."""
    out: list[str] = []
    pool = [e for e in ref.entries if e.terms]
    while len(out) < n:
        e = r.choice(pool)
        words = sorted(w for w in e.terms if len(w) > 1 and not w.isascii())
        if words:
            out.append(r.choice(words))
    return out


def text_of(key: tuple[str, int]) -> str:
    kind, pk = key
    return (Paragraph if kind == "paragraph" else Footnote).objects.get(pk=pk).text


def sample_phrases(ref: Reference, r: random.Random, n: int, with_function_word: bool = True) -> list[str]:
    """Pieces of real block text (punctuation and all), most with a function word inside."""
    out: list[str] = []
    keys = sorted(ref.everything)
    while len(out) < n:
        text = text_of(r.choice(keys))
        if len(text) < 12:
            continue
        start = r.randrange(0, len(text) - 6)
        piece = text[start : start + r.randint(3, 12)]
        if needle(piece) and (not with_function_word or any(c in piece for c in FUNCTION_CHARACTERS)):
            out.append(piece)
    return out


def near_misses(phrases: list[str]) -> list[str]:
    """A real phrase with a function word taken out or put in: the same words, not the phrase."""
    out = []
    for p in phrases:
        i = next((i for i, c in enumerate(p) if c in FUNCTION_CHARACTERS), None)
        out.append(p[:i] + p[i + 1 :] if i is not None else p[: len(p) // 2] + "的" + p[len(p) // 2 :])
    return out


# --- the tests ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_words_and_prefixes_find_what_the_text_holds(reference):
    r = rng("words")
    words = sample_words(reference, r, 30)
    queries = [(w, {}) for w in words]
    queries += [(f"{a} {b}", {}) for a, b in zip(words[::2], words[1::2], strict=False)]
    queries += [(w[: r.randint(1, max(1, len(w) - 1))] + "*", {}) for w in words[:12]]
    queries += [(q, {}) for q in ("理事会", "和平", "安全", "警察", "的", "书", "甲乙丙丁", "马利克", "警察的能力")]
    queries += [(q, {}) for q in ("维持和平行*", "海*", "联合国*", "s/2018*", "2018*")]
    check(reference, queries)


@pytest.mark.django_db
def test_phrases_are_the_exact_characters_in_order_function_words_included(reference):
    r = rng("phrases")
    phrases = sample_phrases(reference, r, 35)
    queries = [(f'"{p}"', {}) for p in phrases]
    queries += [(f"“{p}”", {}) for p in near_misses(phrases[:20])]
    queries += [
        (q, {})
        for q in (
            '"警察的能力"',
            '"维和人员的安全"',
            '"所作的努力"',
            '"性剥削和性虐待"',
            '"安全理事会的"',
            '"第 2518(2020)号决议"',
            '"第2518(2020)号决议"',
            '"警察，能力"',
            '"的"',
            '"书"',
            '"的了"',
        )
    ]
    check(reference, queries)


@pytest.mark.django_db
def test_and_or_not(reference):
    r = rng("boolean")
    words = sample_words(reference, r, 24)
    phrases = sample_phrases(reference, r, 8)
    queries = []
    for i in range(0, 24, 3):
        a, b, c = words[i : i + 3]
        queries += [
            (f"{a} OR {b}", {}),
            (f"{a} NOT {b}", {}),
            (f"{a} -{b}", {}),
            (f"({a} OR {b}) AND {c}", {}),
            (f"NOT {a}", {}),
            (f"{a} AND {b} OR {c}", {}),
        ]
    queries += [(f'"{p}" OR {w}', {}) for p, w in zip(phrases, words, strict=False)]
    queries += [(f'{w} NOT "{p}"', {}) for p, w in zip(phrases, words[8:], strict=False)]
    check(reference, queries)


@pytest.mark.django_db
def test_fields(reference):
    r = rng("fields")
    docs = list(Document.objects.published().with_text().exclude(symbol=None).order_by("pk"))
    words = sample_words(reference, r, 20)
    cited = sorted({s for e in reference.entries for s in e.cites})
    queries = []
    for doc, w in zip(r.sample(docs, 10), words, strict=False):
        queries.append((f"symbol:{doc.symbol} {w}", {}))
        title_words = [t for t in analyzers.query_words(doc.title) if len(t) > 1]
        if title_words:
            queries.append((f"title:{r.choice(title_words)}", {}))
            queries.append((f"title:{r.choice(title_words)[0]}* {w}", {}))
        queries.append((f'title:"{doc.title[2:9]}"', {}))
    for y, w in zip(range(2000, 2026, 2), words, strict=False):
        queries.append((f"year:{y} {w}", {}))
        queries.append((f"year:{y}-{y + 3} {w}", {}))
    for t, w in zip(("report", "报告", "letter", "resolution", "信函", "note"), words, strict=False):
        queries.append((f"type:{t} {w}", {}))
    for symbol in r.sample(cited, 10):
        queries.append((f"cites:{symbol}", {}))
    resolutions = [s for s in cited if s.startswith("S/RES/")]
    for symbol in r.sample(resolutions, 5):
        number = symbol.removeprefix("S/RES/")
        queries.append((number, {}))
        queries.append((f"第{number}号决议", {}))
    check(reference, queries)


@pytest.mark.django_db
def test_filters_and_filters_that_exclude_everything(reference):
    r = rng("filters")
    words = sample_words(reference, r, 20)
    docs = list(Document.objects.published().with_text().exclude(symbol=None).order_by("pk"))
    cited = sorted({s for e in reference.entries for s in e.cites})
    queries = []
    for i, w in enumerate(words):
        y = 2000 + (i * 3) % 26
        queries.append((w, {"year_from": y, "year_to": y + 4}))
        queries.append((w, {"type": ("report", "letter", "resolution")[i % 3]}))
        queries.append((w, {"year_from": 2030}))
    for doc, w in zip(r.sample(docs, 8), words, strict=False):
        queries.append((w, {"document": doc.symbol}))
    for symbol, w in zip(r.sample(cited, 8), words, strict=False):
        queries.append((w, {"cites": symbol}))
        queries.append(("", {"cites": symbol, "year_from": 2010}))
    check(reference, queries)


_s2t = opencc.OpenCC("s2t")


@pytest.mark.django_db
def test_traditional_characters_find_the_same_as_simplified(reference):
    r = rng("traditional")
    words = sample_words(reference, r, 25)
    phrases = sample_phrases(reference, r, 20)
    queries = [(_s2t.convert(w), {}) for w in words]
    queries += [(_s2t.convert(f'"{p}"'), {}) for p in phrases]
    queries += [(_s2t.convert(f"{a} OR {b}"), {}) for a, b in zip(words[:10:2], words[1:10:2], strict=False)]
    queries += [
        ("聯合國警察", {}),
        ("安全理事會", {}),
        ("維持和平行動", {}),
        ("“維和人員的安全”", {}),
        ("海地國家警察", {}),
    ]
    assert sum(q != _s2t.convert(q) for q, _f in queries) == 0  # already traditional
    assert sum(analyzers.fold(q) != q for q, _f in queries) >= QUERIES_PER_KIND // 2
    check(reference, queries)


@pytest.mark.django_db
def test_abbreviations_are_searched_both_ways(reference):
    r = rng("abbreviations")
    forms = sorted(reference.pairs)
    assert len(forms) >= 4, "the corpus defines abbreviations"
    words = sample_words(reference, r, 20)
    queries = [(f, {}) for f in forms]
    queries += [(f'"{f}"', {}) for f in forms]
    queries += [(f"{f} {w}", {}) for f, w in zip(forms * 3, words, strict=False)]
    queries += [(f'"在{f}的"', {}) for f in forms]
    queries += [(_s2t.convert(f), {}) for f in forms]
    queries += [(f"{f} NOT {w}", {}) for f, w in zip(forms, words[5:], strict=False)]
    while len(queries) < QUERIES_PER_KIND:
        queries.append((f"{r.choice(forms)} OR {r.choice(words)}", {}))
    check(reference, queries)


def english_texts(ref: Reference) -> list[str]:
    return [text_of(e.key) for e in ref.entries if e.lang == "en" and len(text_of(e.key)) > 20]


@pytest.mark.django_db
def test_english_words_phrases_and_the_lang_filter(reference):
    r = rng("english")
    texts = english_texts(reference)
    assert len(texts) > 50, "the corpus holds an English text"
    words = sorted({w for t in texts for w in re.findall(r"[A-Za-z]{3,}", t)})
    queries = [(w, {}) for w in r.sample(words, 20)]
    queries += [(w.upper(), {}) for w in r.sample(words, 5)]
    phrases = []
    while len(phrases) < 20:
        tokens = r.choice(texts).split()
        if len(tokens) < 5:
            continue
        start = r.randrange(0, len(tokens) - 3)
        piece = " ".join(tokens[start : start + r.randint(2, 4)])
        if any(f in piece.split() for f in ("of", "the", "and", "to", "in")) and needle(piece):
            phrases.append(piece)
    queries += [(f'"{p}"', {}) for p in phrases]
    # The same words with one taken out: not the phrase.
    queries += [(f'"{" ".join(p.split()[:1] + p.split()[2:])}"', {}) for p in phrases[:10]]
    queries += [
        (f"lang:{lang} {w}", {}) for lang, w in zip(("en", "zh", "英文", "中文") * 3, r.sample(words, 12), strict=False)
    ]
    queries += [(f"lang:en {w}", {}) for w in sample_words(reference, r, 3)]  # Chinese words, English text
    queries += [("lang:en", {}), ("lang:zh police", {}), ("police NOT lang:en", {}), ("police OR 警察", {})]
    queries += [('"of the Police Division"', {}), ('"Division of the Police"', {}), ("polic*", {})]
    check(reference, queries)
