"""Turn a parsed query (:mod:`search.query`) into an engine query over the jieba-segmented index.

One compiler serves both engines: it decides *what* is searched (which words, which phrases,
which glossary forms) and a :class:`QueryBuilder` says how that is spelled — Whoosh query objects
(:class:`WhooshBuilder`, here, evaluated by :mod:`search.docsets`) or Elasticsearch query DSL
(:mod:`search.elastic.query`).  So the two engines look for the same things.

* Unquoted text is cut with jieba's precise mode and every word is required; a word matches a
  block holding it as a word or inside a longer word (理事会 in 安全理事会).  A run of single
  characters (an unknown name jieba could only split into characters) must stay together: it is
  searched as a phrase, as is a word the index has never seen whole.
* Quoted text is a phrase: the block's stream (:func:`search.analyzers.stream`) must contain the
  phrase's stream — the same characters in the same order, function words included.
* ``海*`` is any indexed word that starts with 海.
* Glossary forms are expanded both ways: 联海综合办 also searches 联合国海地综合办事处 and back.
* ``symbol:``/``year:``/``cites:``/``type:`` become exact term or range queries; ``title:`` is
  resolved to the documents whose title matches (:mod:`search.titles`).

The compiler also says what to highlight (:class:`search.highlight.Mark`: whole words, phrases
and prefixes of the non-negated parts, never a lone function character).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext as _
from whoosh import query as wq

from archive.ingest.symbols import InvalidSymbol, normalize_symbol, symbol_lookup_key
from archive.models import DocumentType, Language

from . import analyzers
from .docsets import DocIn, Prefix, Substring
from .glossary import Glossary
from .highlight import Mark, is_function_character
from .query import And, Cited, FieldFilter, Node, Not, Or, Phrase, Words, parse_year, whole_query_resolution
from .query import Prefix as PrefixNode

TEXT = "text"
MAX_VARIANTS = 6


class QueryBuilder(Protocol):
    """How one engine spells the compiler's decisions."""

    def known(self, word: str) -> bool | None:
        """Whether the index holds ``word`` whole; None when the engine cannot tell cheaply."""

    def term(self, field: str, value: str) -> Any: ...

    def substring(self, needle: str, terms: Sequence[str], words: Sequence[str]) -> Any:
        """Blocks whose stream contains ``needle``; every such block holds all ``terms``."""

    def prefix(self, prefix: str) -> Any: ...

    def documents(self, ids: Collection[int]) -> Any:
        """The blocks of these documents (none if empty)."""

    def all_of(self, queries: Sequence[Any]) -> Any: ...

    def any_of(self, queries: Sequence[Any]) -> Any: ...

    def negate(self, query: Any) -> Any: ...

    def is_negation(self, query: Any) -> bool: ...

    def everything(self) -> Any: ...

    def year_range(self, first: int, last: int) -> Any: ...


class WhooshBuilder:
    """Whoosh query objects (and docsets' own kinds); word lookups ask the open index reader."""

    def __init__(self, reader: Any) -> None:
        self.reader = reader

    def known(self, word: str) -> bool:
        return self.reader.doc_frequency(TEXT, word) > 0

    def term(self, field: str, value: str) -> wq.Query:
        return wq.Term(field, value)

    def substring(self, needle: str, terms: Sequence[str], words: Sequence[str]) -> wq.Query:
        return Substring(needle, terms, words)

    def prefix(self, prefix: str) -> wq.Query:
        return Prefix(TEXT, prefix)

    def documents(self, ids: Collection[int]) -> wq.Query:
        return DocIn(ids)

    def all_of(self, queries: Sequence[wq.Query]) -> wq.Query:
        return wq.And(list(queries))

    def any_of(self, queries: Sequence[wq.Query]) -> wq.Query:
        return wq.Or(list(queries))

    def negate(self, query: wq.Query) -> wq.Query:
        return wq.Not(query)

    def is_negation(self, query: wq.Query) -> bool:
        return isinstance(query, wq.Not)

    def everything(self) -> wq.Query:
        return wq.Every()

    def year_range(self, first: int, last: int) -> wq.Query:
        return wq.NumericRange("year", first, last)


@dataclass
class Compiled:
    query: Any
    highlight: set[Mark] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    # Glossary forms found in the query and what they were expanded to (for the interface).
    expansions: dict[str, list[str]] = field(default_factory=dict)


def doc_type_value(value: str) -> str | None:
    """A document type from its value ('report') or its Chinese label ('报告')."""
    v = value.strip().lower()
    for choice, label in DocumentType.choices:
        if v in (choice, str(label).lower()):
            return choice
    return None


# What a reader may write after `lang:` for each text version the archive holds.
_LANGUAGE_NAMES = {
    Language.ZH: ("zh", "zh-hans", "zh-cn", "chinese", "中文", "汉语", "中"),
    Language.EN: ("en", "english", "英文", "英语", "英"),
}


def language_value(value: str) -> str | None:
    """A text version's language from how a query names it (``en``, ``English``, ``英文``)."""
    v = value.strip().lower()
    return next((str(lang) for lang, names in _LANGUAGE_NAMES.items() if v in names), None)


def cited_symbol(value: str) -> str | None:
    try:
        return normalize_symbol(value)
    except InvalidSymbol:
        return whole_query_resolution(value)


def _no_titles(kind: str, value: str) -> set[int]:
    return set()


class Compiler:
    def __init__(
        self,
        builder: QueryBuilder,
        glossary: Glossary,
        resolve_symbol: Callable[[str], int | None],
        titles: Callable[[str, str], set[int]] = _no_titles,
    ) -> None:
        self.b = builder
        self.glossary = glossary
        self.resolve_symbol = resolve_symbol
        self.titles = titles
        self.result = Compiled(None)

    # -- entry point -------------------------------------------------------------------------------

    def compile(self, node: Node | None) -> Compiled:
        q = self._node(node)
        if q is not None and self.b.is_negation(q):
            q = self.b.all_of([self.b.everything(), q])
        self.result.query = q
        return self.result

    def _node(self, node: Node | None, negated: bool = False) -> Any:
        if node is None:
            return None
        if isinstance(node, Words):
            return self._words(node.text, negated)
        if isinstance(node, Phrase):
            return self._phrase(node.text, negated)
        if isinstance(node, PrefixNode):
            return self._prefix(node.text, negated)
        if isinstance(node, Cited):
            text_q = self._substring(analyzers.fold(node.text), negated)
            cites = self.b.term("cites", node.symbol)
            return self.b.any_of([cites, text_q]) if text_q is not None else cites
        if isinstance(node, FieldFilter):
            return self._field(node)
        if isinstance(node, Not):
            inner = self._node(node.node, not negated)
            return self.b.negate(inner) if inner is not None else None
        children = [q for q in (self._node(n, negated) for n in node.nodes) if q is not None]
        if not children:
            return None
        if len(children) == 1:
            return children[0]
        b = self.b
        if isinstance(node, And):
            if all(b.is_negation(c) for c in children):
                children.insert(0, b.everything())
            return b.all_of(children)
        assert isinstance(node, Or)
        # A negative branch in an OR means "everything except": spelled out for both engines.
        return b.any_of([b.all_of([b.everything(), c]) if b.is_negation(c) else c for c in children])

    # -- text ------------------------------------------------------------------------------------

    def _remember(self, kind: str, text: str, negated: bool) -> None:
        if negated or not text:
            return
        if kind == "word" and is_function_character(text):
            return  # 的, 和, 在 … are searched for but never marked
        self.result.highlight.add(Mark(kind, text))

    def _term(self, word: str, negated: bool) -> Any:
        """One precise-cut word; a word the index never saw whole is looked for as a phrase."""
        known = self.b.known(word) if len(word) > 1 else True
        if known is False:
            return self._substring(word, negated)
        self._remember("word", word, negated)
        if known is None:
            # The engine cannot tell: look for the word whole or as a phrase.
            return self.b.any_of([self.b.term(TEXT, word), self._substring(word, negated)])
        return self.b.term(TEXT, word)

    def _substring(self, folded: str, negated: bool) -> Any:
        """Blocks whose stream contains the stream of ``folded`` (a phrase; None if it is empty)."""
        needle = analyzers.needle(folded)
        if not needle:
            return None
        self._remember("phrase", needle, negated)
        words = analyzers.query_words(needle)
        scoring = [w for w in words if len(w) > 1] or words
        return self.b.substring(needle, analyzers.phrase_terms(needle), scoring)

    def _sequence(self, folded: str, negated: bool) -> Any:
        """A glossary form: one word, or a phrase when it is several."""
        words = analyzers.query_words(folded)
        if not words:
            return None
        if len(words) == 1:
            return self._term(words[0], negated)
        return self._substring(folded, negated)

    def _chunk(self, folded: str, negated: bool) -> list[Any]:
        """Queries for unquoted, glossary-free text: each word required; single-char runs kept together."""
        out: list[Any] = []
        for run in analyzers.stream(folded).split(analyzers.SEP):
            chars: list[str] = []
            for w in [*analyzers.query_words(run), ""] if run else ():
                if len(w) == 1 and not w.isascii():
                    chars.append(w)
                    continue
                if len(chars) > 1:
                    out.append(self._substring("".join(chars), negated))
                elif chars:
                    out.append(self._term(chars[0], negated))
                chars = []
                if w:
                    out.append(self._term(w, negated))
        return [q for q in out if q is not None]

    def _glossary_alternatives(self, form: str) -> list[str]:
        others = sorted(self.glossary.others(form))
        self.result.expansions.setdefault(form, others)
        return [form, *others]

    def _words(self, text: str, negated: bool) -> Any:
        folded = analyzers.fold(text)
        parts: list[Any] = []
        last = 0
        for start, end, form in self.glossary.forms_in(folded):
            parts += self._chunk(folded[last:start], negated)
            alts = [self._sequence(f, negated) for f in self._glossary_alternatives(form)]
            alts = [a for a in alts if a is not None]
            if alts:
                parts.append(self.b.any_of(alts) if len(alts) > 1 else alts[0])
            last = end
        parts += self._chunk(folded[last:], negated)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else self.b.all_of(parts)

    def _phrase(self, text: str, negated: bool) -> Any:
        folded = analyzers.fold(text)
        variants = [folded]
        for _start, _end, form in self.glossary.forms_in(folded):
            for other in self._glossary_alternatives(form)[1:]:
                if len(variants) < MAX_VARIANTS:
                    variants.append(folded.replace(form, other))
        queries = [q for q in (self._substring(v, negated) for v in variants) if q is not None]
        if not queries:
            return None
        return queries[0] if len(queries) == 1 else self.b.any_of(queries)

    def _prefix(self, text: str, negated: bool) -> Any:
        needle = analyzers.needle(text)
        if analyzers.SEP in needle:
            self.result.notes.append(
                _("“%(text)s*”：* 只能跟在一个词后面，已按普通检索词检索“%(text)s”。") % {"text": text}
            )
            return self._words(text, negated)
        if not needle:
            return None
        self._remember("prefix", needle, negated)
        return self.b.prefix(needle)

    # -- fields ----------------------------------------------------------------------------------

    def _field(self, node: FieldFilter) -> Any:
        notes = self.result.notes
        if node.name == "year":
            years = parse_year(node.value)
            if years is None:
                notes.append(
                    _("“year:%(value)s” 不是年份或年份范围（如 2018、2015-2018），已忽略。") % {"value": node.value}
                )
                return None
            return self.b.year_range(years[0], min(years[1], 9999))
        if node.name == "type":
            value = doc_type_value(node.value)
            if value is None:
                labels = "、".join(f"{c}（{label}）" for c, label in DocumentType.choices)
                notes.append(
                    _("未知的文件类型“%(value)s”，已忽略；可用：%(labels)s。") % {"value": node.value, "labels": labels}
                )
                return None
            return self.b.term("doc_type", value)
        if node.name == "cites":
            symbol = cited_symbol(node.value)
            if symbol is None:
                notes.append(_("“cites:%(value)s” 不是有效的文号或决议编号，已忽略。") % {"value": node.value})
                return None
            return self.b.term("cites", symbol)
        if node.name == "title":
            return self._title(node)
        if node.name == "lang":
            language = language_value(node.value)
            if language is None:
                notes.append(_("未知的语言“%(value)s”，已忽略；可用：zh（中文）、en（英文）。") % {"value": node.value})
                return None
            return self.b.term("lang", language)
        # symbol: the document itself (old symbols redirect, so they are resolved through the database)
        key = symbol_lookup_key(node.value)
        doc_id = self.resolve_symbol(key)
        if doc_id is None:
            return self.b.term("symbol", key)
        return self.b.term("doc_id", str(doc_id))

    def _title(self, node: FieldFilter) -> Any:
        value = node.value.strip()
        if node.quoted:
            kind, text = "phrase", analyzers.needle(value)
        elif value.endswith("*") and analyzers.SEP not in analyzers.needle(value.rstrip("*")):
            kind, text = "prefix", analyzers.needle(value.rstrip("*"))
        else:
            kind, text = "words", " ".join(analyzers.query_words(value.replace("*", " ")))
        if not text:
            self.result.notes.append(_("“title:%(value)s” 中没有可检索的词语，已忽略。") % {"value": node.value})
            return None
        return self.b.documents(self.titles(kind, text))
