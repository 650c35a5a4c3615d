"""Turn a parsed query (:mod:`search.query`) into a Whoosh query over the jieba-segmented index.

* Unquoted text is cut with jieba's precise mode (what the index holds at each position) and every
  word is required.  A run of single characters (an unknown name that jieba could only split into
  characters) must stay together, as a phrase.  A word the index has never seen whole is looked for
  as the phrase of its parts (联海综合办 → 联海 综合 办), which is how the text around it was cut.
* Quoted text is a Whoosh phrase over the same words.
* Glossary forms are expanded both ways: 联海综合办 also searches 联合国海地综合办事处 and back.
* ``symbol:``/``year:``/``cites:``/``type:`` become exact term or range queries.

The compiler also collects the words to highlight (every non-negated word, expansions included).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from whoosh import query as wq

from archive.ingest.symbols import InvalidSymbol, normalize_symbol, symbol_lookup_key
from archive.models import DocumentType

from . import analyzers
from .glossary import Glossary
from .query import And, Cited, FieldFilter, Node, Not, Or, Phrase, Words, parse_year, whole_query_resolution

TEXT = "text"
MAX_VARIANTS = 6


@dataclass
class Compiled:
    query: wq.Query | None
    highlight: set[str] = field(default_factory=set)
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


def cited_symbol(value: str) -> str | None:
    try:
        return normalize_symbol(value)
    except InvalidSymbol:
        return whole_query_resolution(value)


class Compiler:
    def __init__(
        self,
        reader: Any,
        glossary: Glossary,
        resolve_symbol: Callable[[str], int | None],
    ) -> None:
        self.reader = reader
        self.glossary = glossary
        self.resolve_symbol = resolve_symbol
        self.result = Compiled(None)

    # -- entry point -------------------------------------------------------------------------------

    def compile(self, node: Node | None) -> Compiled:
        q = self._node(node)
        if q is not None and _only_negative(q):
            q = wq.And([wq.Every(), q])
        self.result.query = q
        return self.result

    def _node(self, node: Node | None, negated: bool = False) -> wq.Query | None:
        if node is None:
            return None
        if isinstance(node, Words):
            return self._words(node.text, negated)
        if isinstance(node, Phrase):
            return self._phrase(node.text, negated)
        if isinstance(node, Cited):
            text_q = self._phrase(node.text, negated)
            cites = wq.Term("cites", node.symbol)
            return wq.Or([cites, text_q]) if text_q is not None else cites
        if isinstance(node, FieldFilter):
            return self._field(node)
        if isinstance(node, Not):
            inner = self._node(node.node, not negated)
            return wq.Not(inner) if inner is not None else None
        children = [q for q in (self._node(n, negated) for n in node.nodes) if q is not None]
        if not children:
            return None
        if len(children) == 1:
            return children[0]
        if isinstance(node, And):
            if all(isinstance(c, wq.Not) for c in children):
                children.insert(0, wq.Every())
            return wq.And(children)
        assert isinstance(node, Or)
        # A negative branch in an OR means "everything except": Whoosh needs it spelled out.
        return wq.Or([wq.And([wq.Every(), c]) if isinstance(c, wq.Not) else c for c in children])

    # -- text ------------------------------------------------------------------------------------

    def _remember(self, words: list[str], negated: bool) -> None:
        if not negated:
            self.result.highlight.update(words)

    def _term(self, word: str, negated: bool) -> wq.Query:
        """One precise-cut word; a word the index never saw whole is looked for as its parts."""
        if len(word) > 1 and self.reader.doc_frequency(TEXT, word) == 0:
            parts = analyzers.split_word(word)
            if len(parts) > 1:
                self._remember(parts, negated)
                return wq.Phrase(TEXT, parts)
        self._remember([word], negated)
        return wq.Term(TEXT, word)

    def _sequence(self, words: list[str], negated: bool) -> wq.Query | None:
        """Words that must stand next to each other, in order."""
        if not words:
            return None
        if len(words) == 1:
            return self._term(words[0], negated)
        self._remember(words, negated)
        phrase: wq.Query = wq.Phrase(TEXT, words)
        whole = "".join(words)
        # The index also holds sub-words at their word's position; a phrase that is itself one
        # indexed word (a part of a longer compound) is found as that word.
        if self.reader.doc_frequency(TEXT, whole) > 0:
            self._remember([whole], negated)
            phrase = wq.Or([phrase, wq.Term(TEXT, whole)])
        return phrase

    def _chunk(self, folded: str, negated: bool) -> list[wq.Query]:
        """Queries for unquoted, glossary-free text: each word required; single-char runs kept together."""
        words = [w for w, _start in analyzers.precise_words(folded)]
        out: list[wq.Query] = []
        run: list[str] = []

        def flush() -> None:
            if len(run) > 1:
                out.append(self._sequence(list(run), negated))  # type: ignore[arg-type]
            elif run:
                out.append(self._term(run[0], negated))
            run.clear()

        for w in words:
            if len(w) == 1 and not w.isascii():
                run.append(w)
                continue
            flush()
            out.append(self._term(w, negated))
        flush()
        return out

    def _glossary_alternatives(self, form: str) -> list[str]:
        others = sorted(self.glossary.others(form))
        self.result.expansions.setdefault(form, others)
        return [form, *others]

    def _words(self, text: str, negated: bool) -> wq.Query | None:
        folded = analyzers.fold(text)
        parts: list[wq.Query] = []
        last = 0
        for start, end, form in self.glossary.forms_in(folded):
            parts += self._chunk(folded[last:start], negated)
            alts = [self._sequence(analyzers.query_words(f), negated) for f in self._glossary_alternatives(form)]
            alts = [a for a in alts if a is not None]
            if alts:
                parts.append(wq.Or(alts) if len(alts) > 1 else alts[0])
            last = end
        parts += self._chunk(folded[last:], negated)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def _phrase(self, text: str, negated: bool) -> wq.Query | None:
        folded = analyzers.fold(text)
        variants = [folded]
        for _start, _end, form in self.glossary.forms_in(folded):
            for other in self._glossary_alternatives(form)[1:]:
                if len(variants) < MAX_VARIANTS:
                    variants.append(folded.replace(form, other))
        queries = [q for q in (self._sequence(analyzers.query_words(v), negated) for v in variants) if q is not None]
        if not queries:
            return None
        return queries[0] if len(queries) == 1 else wq.Or(queries)

    # -- fields ----------------------------------------------------------------------------------

    def _field(self, node: FieldFilter) -> wq.Query | None:
        notes = self.result.notes
        if node.name == "year":
            years = parse_year(node.value)
            if years is None:
                notes.append(
                    _("“year:%(value)s” 不是年份或年份范围（如 2018、2015-2018），已忽略。") % {"value": node.value}
                )
                return None
            return wq.NumericRange("year", years[0], min(years[1], 9999))
        if node.name == "type":
            value = doc_type_value(node.value)
            if value is None:
                labels = "、".join(f"{c}（{label}）" for c, label in DocumentType.choices)
                notes.append(
                    _("未知的文件类型“%(value)s”，已忽略；可用：%(labels)s。") % {"value": node.value, "labels": labels}
                )
                return None
            return wq.Term("doc_type", value)
        if node.name == "cites":
            symbol = cited_symbol(node.value)
            if symbol is None:
                notes.append(_("“cites:%(value)s” 不是有效的文号或决议编号，已忽略。") % {"value": node.value})
                return None
            return wq.Term("cites", symbol)
        # symbol: the document itself (old symbols redirect, so they are resolved through the database)
        key = symbol_lookup_key(node.value)
        doc_id = self.resolve_symbol(key)
        if doc_id is None:
            return wq.Term("symbol", key)
        return wq.Term("doc_id", str(doc_id))


def _only_negative(q: wq.Query) -> bool:
    return isinstance(q, wq.Not)
