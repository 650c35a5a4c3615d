"""The search box language, parsed leniently into a small syntax tree.

Syntax (explained to readers on /search/help/)::

    维持和平 警察            both words (AND is implied)
    "性剥削和性虐待"         a phrase; Chinese quotes “…” and 「…」 work too
    海地 OR 马里            either
    警察 NOT 海地 / -海地     exclude
    (海地 OR 马里) AND 警察  grouping
    海*                     any indexed word starting with 海 (海地, 海地国家警察 …)
    symbol:S/2018/1183  year:2018  year:2015-2018  cites:2645(2022)  type:report
    title:警察  title:"维持和平行动"  title:海*   the document's title

Nothing here raises on user input.  Whatever cannot be understood (unbalanced quotes or brackets,
a lone operator, an unknown field value, control characters, a query longer than
:data:`MAX_QUERY_CHARS`) is dropped or read literally, and a short note in the interface language
says so.  The tree is turned into a Whoosh query by :mod:`search.compiler`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from archive.ingest.citations import extract_citations
from archive.ingest.symbols import InvalidSymbol, normalize_symbol, resolution_symbol

MAX_QUERY_CHARS = 200
MAX_DEPTH = 16
MAX_TERMS = 32

# Opening quote → the closers accepted for it (IMEs often produce “…“ or mixed quotes).
_QUOTES = {
    '"': '"”“',
    "“": '”“"',
    "”": '”“"',
    "「": "」",
    "『": "』",
    "‘": "’‘'",
}
_FIELD_ALIASES = {
    "symbol": "symbol",
    "文号": "symbol",
    "year": "year",
    "年份": "year",
    "年": "year",
    "cites": "cites",
    "引用": "cites",
    "type": "type",
    "类型": "type",
    "title": "title",
    "标题": "title",
    "lang": "lang",
    "语言": "lang",
}
_OPERATORS = {"AND": "AND", "OR": "OR", "NOT": "NOT", "&&": "AND", "||": "OR"}
_FIELD_RE = re.compile(r"^([A-Za-z_]+|文号|年份|年|引用|类型|标题|语言)[:：](.*)$", re.DOTALL)
# Search-engine syntax readers bring from elsewhere that this one does not have.
_UNSUPPORTED = {"?": "?", "~": "~", "^": "^", "[": "[", "]": "]", "{": "{", "}": "}"}
_YEAR_RE = re.compile(r"^\s*(\d{4})\s*(?:(?:-|–|—|~|至|到|\.\.)\s*(\d{4})?)?\s*$")
# A bare Security Council resolution number: 2645(2022), 2645 (2022)
_BARE_RESOLUTION_RE = re.compile(r"^\s*(\d{1,4})\s*\(\s*(\d{4})\s*\)\s*$")
# Characters that end a bare word: spaces, brackets, quotes.
_WORD_STOP = set('()"“”「」『』‘’') | {" "}


# --- the tree ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Words:
    """Unquoted text: every word must occur, anywhere in the block."""

    text: str


@dataclass(frozen=True)
class Phrase:
    """Quoted text: the words in this order, next to each other."""

    text: str


@dataclass(frozen=True)
class Cited:
    """A document symbol or resolution written in the query: blocks citing it (or spelling it out)."""

    symbol: str
    text: str


@dataclass(frozen=True)
class Prefix:
    """``海*``: any indexed word that starts with the text."""

    text: str


@dataclass(frozen=True)
class FieldFilter:
    name: str  # symbol | year | cites | type | title | lang
    value: str
    quoted: bool = False


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Words | Phrase | Prefix | Cited | FieldFilter | Not | And | Or


@dataclass
class ParsedQuery:
    raw: str
    root: Node | None
    notes: list[str] = field(default_factory=list)
    # Set when the whole query is a document symbol or a resolution citation.
    symbol: str | None = None
    resolution: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.root is None


# --- cleaning ------------------------------------------------------------------------------------


def without_control_characters(text: str, notes: list[str]) -> str:
    """Control and format characters (NUL, escape sequences, direction marks …) as spaces; a note if any."""
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    if cleaned != text and cleaned.strip() != text.strip():
        notes.append(_("检索词中的控制字符已被忽略。"))
    return cleaned


def clean_query(raw: str, notes: list[str]) -> str:
    """NFKC, control characters out, length capped; notes say what was changed."""
    cleaned = without_control_characters(raw if isinstance(raw, str) else "", notes)
    # Full-width brackets, colons and letters become ASCII; Chinese quotes are left for the lexer.
    cleaned = unicodedata.normalize("NFKC", cleaned)
    cleaned = re.sub(r"\s+", " ", cleaned).strip()
    if len(cleaned) > MAX_QUERY_CHARS:
        cleaned = cleaned[:MAX_QUERY_CHARS].strip()
        notes.append(_("检索词过长，只使用了前 %(n)d 个字符。") % {"n": MAX_QUERY_CHARS})
    return cleaned


def whole_query_symbol(text: str) -> str | None:
    """The canonical symbol if the whole query is one UN document symbol (any case, any width)."""
    try:
        return normalize_symbol(text.strip())
    except InvalidSymbol:
        return None


def whole_query_resolution(text: str) -> str | None:
    """S/RES/… if the whole query cites one resolution: 2645(2022), 第2645(2022)号决议."""
    bare = _BARE_RESOLUTION_RE.match(text)
    if bare:
        try:
            return resolution_symbol(bare.group(1), bare.group(2))
        except InvalidSymbol:
            return None
    found = extract_citations(text)
    if len(found) == 1:
        m = found[0]
        rest = (text[: m.start] + text[m.end :]).strip(" 　,，。")
        if not rest and m.symbol.startswith(("S/RES/", "A/RES/")):
            return m.symbol
    return None


# --- lexing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Tok:
    kind: str  # WORD PREFIX PHRASE FIELD LPAREN RPAREN AND OR NOT MINUS CITED
    text: str = ""
    extra: str = ""
    quoted: bool = False


_CITATION_START_RE = re.compile(r"(?:[SA]/|\d{1,4}\s*\(\d{4}\)|第)", re.IGNORECASE)


def _citation_at(text: str, i: int) -> tuple[int, str] | None:
    """A citation starting exactly at ``text[i]``: (end offset, canonical symbol)."""
    if not _CITATION_START_RE.match(text, i):
        return None
    window = text[i : i + 60]
    for m in extract_citations(window):
        if m.start == 0:
            return i + m.end, m.symbol
    bare = re.match(r"(\d{1,4})\s*\(\s*(\d{4})\s*\)", window)
    if bare:
        try:
            return i + bare.end(), resolution_symbol(bare.group(1), bare.group(2))
        except InvalidSymbol:
            return None
    return None


def _lex(text: str, notes: list[str]) -> list[_Tok]:
    tokens: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == " ":
            i += 1
            continue
        if ch in _QUOTES:
            closers = _QUOTES[ch]
            j = i + 1
            while j < n and text[j] not in closers:
                j += 1
            if j >= n:
                notes.append(_("引号不成对，已按普通检索词处理。"))
                i += 1  # drop the lone quote; the rest is read as ordinary words
                continue
            inner = text[i + 1 : j].strip()
            if inner:
                tokens.append(_Tok("PHRASE", inner))
            i = j + 1
            continue
        if ch == "(":
            tokens.append(_Tok("LPAREN"))
            i += 1
            continue
        if ch == ")":
            tokens.append(_Tok("RPAREN"))
            i += 1
            continue
        cited = _citation_at(text, i)
        if cited is not None:
            end, symbol = cited
            tokens.append(_Tok("CITED", text[i:end], symbol))
            i = end
            continue
        j = i + 1
        # A word ends at a space, bracket or quote, or where a citation begins (安理会第2645(2022)号决议).
        while (
            j < n
            and text[j] not in _WORD_STOP
            and not (_CITATION_START_RE.match(text, j) and _citation_at(text, j) is not None)
        ):
            j += 1
        word = text[i:j]
        i = j
        op = _OPERATORS.get(word)
        if op:
            tokens.append(_Tok(op))
            continue
        field_match = _FIELD_RE.match(word)
        name = _FIELD_ALIASES.get(field_match.group(1).lower()) if field_match else None
        if field_match and not name:
            notes.append(
                _("不支持字段“%(field)s:”（可用：symbol、year、cites、type、title、lang），只检索了“%(value)s”。")
                % {"field": field_match.group(1), "value": field_match.group(2)}
            )
            word = field_match.group(2)
        if field_match and name:
            value = field_match.group(2)
            quoted = False
            if not value and i < n and text[i] in _QUOTES:
                k = next((k for k in range(i + 1, n) if text[k] in _QUOTES[text[i]]), -1)
                if k != -1:
                    value, i, quoted = text[i + 1 : k], k + 1, True
            else:
                # The value runs on through balanced brackets: symbol:S/RES/2645(2022), not "(year:2018)".
                while i < n and text[i] != " " and text[i] not in _QUOTES:
                    if text[i] == ")" and value.count("(") <= value.count(")"):
                        break
                    value += text[i]
                    i += 1
            tokens.append(_Tok("FIELD", name, value.strip(), quoted))
            continue
        if word.startswith("-") and len(word) > 1:
            tokens.append(_Tok("MINUS"))
            word = word[1:]
        word = _wildcards(word, notes)
        if word.endswith("*") and word.rstrip("*").strip("-"):
            tokens.append(_Tok("PREFIX", word.rstrip("*")))
        elif word.strip("-*"):
            tokens.append(_Tok("WORD", word))
    return tokens


def _wildcards(word: str, notes: list[str]) -> str:
    """``word`` without the syntax this search does not have; a note names what was dropped.

    A ``*`` is understood at the end of a word only (``海*``); anywhere else, like ``?``, ``~``,
    ``^`` and brackets of other search engines, it is dropped and the rest searched as words.
    """
    dropped = sorted({ch for ch in word if ch in _UNSUPPORTED} | ({"*"} if "*" in word.rstrip("*") else set()))
    if not dropped:
        return word
    cleaned = "".join(" " if ch in _UNSUPPORTED else ch for ch in word.rstrip("*")).replace("*", " ")
    rest = cleaned.split()
    kept = " ".join(rest) + ("*" if word.endswith("*") and rest else "")
    note = _("不支持“%(chars)s”（通配符只能放在词尾，如 海*），已按“%(kept)s”检索。") % {
        "chars": " ".join(dropped),
        "kept": kept or "…",
    }
    if note not in notes:
        notes.append(note)
    return kept.replace(" ", "")


# --- parsing -------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[_Tok], notes: list[str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.notes = notes
        self.terms = 0
        self._noted: set[str] = set()

    def note(self, message: str) -> None:
        if message not in self._noted:
            self._noted.add(message)
            self.notes.append(message)

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Node | None:
        nodes: list[Node] = []
        while self.peek() is not None:
            node = self.parse_or(0)
            if node is not None:
                nodes.append(node)
            tok = self.peek()
            if tok is not None and tok.kind == "RPAREN":
                self.take()
                self.note(_("括号不成对，已忽略多余的括号。"))
        return _combine(And, nodes)

    def parse_or(self, depth: int) -> Node | None:
        nodes: list[Node] = []
        left = self.parse_and(depth)
        if left is not None:
            nodes.append(left)
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            right = self.parse_and(depth)
            if right is None or left is None:
                self.note(_("运算符 OR 缺少检索词，已忽略。"))
            if right is not None:
                nodes.append(right)
            left = right
        return _combine(Or, nodes)

    def parse_and(self, depth: int) -> Node | None:
        nodes: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", "RPAREN"):
            if tok.kind == "AND":
                self.take()
                nxt = self.peek()
                if not nodes or nxt is None or nxt.kind in ("OR", "RPAREN", "AND"):
                    self.note(_("运算符 AND 缺少检索词，已忽略。"))
                continue
            node = self.parse_unary(depth)
            if node is not None:
                nodes.append(node)
        return _combine(And, nodes)

    def parse_unary(self, depth: int) -> Node | None:
        tok = self.take()
        if tok.kind in ("NOT", "MINUS"):
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", "AND", "RPAREN", "NOT"):
                self.note(_("运算符 NOT 缺少检索词，已忽略。"))
                return None
            operand = self.parse_unary(depth)
            return Not(operand) if operand is not None else None
        if tok.kind == "LPAREN":
            if depth >= MAX_DEPTH:
                self.note(_("括号嵌套过深，已按一层处理。"))
                inner = self.parse_and(depth)
            else:
                inner = self.parse_or(depth + 1)
            if (nxt := self.peek()) is not None and nxt.kind == "RPAREN":
                self.take()
            else:
                self.note(_("括号不成对，已按已有部分检索。"))
            return inner
        if tok.kind == "RPAREN":  # only reached for a stray one inside a group
            return None
        self.terms += 1
        if self.terms > MAX_TERMS:
            self.note(_("检索词过多，只使用了前 %(n)d 个。") % {"n": MAX_TERMS})
            return None
        if tok.kind == "PHRASE":
            return Phrase(tok.text)
        if tok.kind == "PREFIX":
            return Prefix(tok.text)
        if tok.kind == "CITED":
            return Cited(tok.extra, tok.text)
        if tok.kind == "FIELD":
            if not tok.extra:
                self.note(_("“%(field)s:” 后面缺少内容，已忽略。") % {"field": tok.text})
                return None
            return FieldFilter(tok.text, tok.extra, tok.quoted)
        return Words(tok.text)


def _combine(cls: type[And] | type[Or], nodes: list[Node]) -> Node | None:
    if not nodes:
        return None
    if len(nodes) == 1:
        return nodes[0]
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, cls) else (node,))
    return cls(tuple(flat))


def parse_query(raw: str | None) -> ParsedQuery:
    """Parse what a reader typed; never raises."""
    notes: list[str] = []
    text = clean_query(raw or "", notes)
    parsed = ParsedQuery(raw=text, root=None, notes=notes)
    if not text:
        return parsed
    parsed.symbol = whole_query_symbol(text)
    parsed.resolution = None if parsed.symbol else whole_query_resolution(text)
    if parsed.resolution:
        parsed.root = FieldFilter("cites", parsed.resolution)
        return parsed
    parser = _Parser(_lex(text, notes), notes)
    parsed.root = parser.parse()
    if parsed.root is None and not notes:
        notes.append(_("没有可检索的内容。"))
    return parsed


def parse_year(value: str) -> tuple[int, int] | None:
    """'2018' → (2018, 2018); '2015-2018' → (2015, 2018); '2015-' → (2015, 9999)."""
    m = _YEAR_RE.match(value or "")
    if not m:
        return None
    lo = int(m.group(1))
    hi = int(m.group(2)) if m.group(2) else (9999 if re.search(r"[-–—~至到.]", value) else lo)
    return (lo, hi) if lo <= hi else (hi, lo)


def positive_texts(node: Node | None) -> list[tuple[str, bool]]:
    """(text, is_phrase) of every searched text that is not negated (what gets highlighted)."""
    out: list[tuple[str, bool]] = []

    def walk(n: Node | None) -> None:
        if n is None or isinstance(n, Not):
            return
        if isinstance(n, Words | Prefix):
            out.append((n.text, False))
        elif isinstance(n, Phrase):
            out.append((n.text, True))
        elif isinstance(n, Cited):
            out.append((n.text, True))
        elif isinstance(n, And | Or):
            for child in n.nodes:
                walk(child)

    walk(node)
    return out
