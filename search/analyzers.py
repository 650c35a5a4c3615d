"""Chinese text analysis for the index and for queries: folding, the phrase stream, jieba words.

Three layers, each defined on the previous one, and the same for index and queries:

* :func:`fold` makes text comparable: NFKC (full-width → half-width), traditional → simplified
  (OpenCC's table) and lower case, one character to one character, so offsets stay valid.
* :func:`stream` is the text as a phrase sees it: the folded letters, digits and ideographs in
  order; every run of other characters becomes one separator ``|``, except whitespace next to a
  Chinese character, which is typography (``第 2518 号`` = ``第2518号``).  A quoted phrase matches a
  block exactly when the phrase's stream is a substring of the block's stream: the exact
  characters in order, function words included, wherever jieba would cut them.
* Words: jieba's precise cut (HMM off, our UN vocabulary) of each run of the stream.  The index
  holds every word and, for a word of three characters or more, the dictionary words inside it
  (维持和平行动 → 维持和平, 和平, 行动, …): a query word finds the word or a word containing it.
  It also holds, in a field of its own, the dictionary words that straddle two of jieba's words
  (``extra``): together with the words they are *every* dictionary word in the stream, so the
  dictionary words of a phrase are terms every block containing that phrase has — which is how a
  phrase finds its candidates before the stream confirms it (:func:`phrase_terms`).  The same
  field holds the character pairs around the commonest function words (员的, 的安): a phrase with
  的 in it (维和人员的安全) then has candidates as rare as the phrase, not as common as its words.

The jieba dictionary is the module-level one, loaded once per process (:func:`init_jieba`); its
few words that mix Latin letters or digits with other characters (4S店, C++) are switched off so
that a run of Latin letters and digits is always one word, which :func:`phrase_terms` relies on.
:func:`fingerprint` names the dictionary, so an index cut with another one is detected.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import jieba
from whoosh.analysis import Token, Tokenizer

log = logging.getLogger(__name__)

USER_DICT = Path(__file__).resolve().parent / "data" / "un_dict.txt"
# Raise when the way text becomes index terms changes: an index written otherwise is stale.
INDEX_FORMAT = 3
SEP = "|"
# Sub-words longer than this are not indexed inside a word (the dictionary has few).
_MAX_SUBWORD = 6
# Frequency of a UN-dictionary word that names none: beats a split into common parts in context.
_USER_WORD_FREQ = 1000
# Function words whose neighbouring characters are indexed as pairs (see module docstring).
JOINERS = frozenset("的和与在对及")
_init_lock = threading.Lock()
_initialised = False
_NON_ALNUM = re.compile(r"[\W_]+")
_ASCII_ALNUM = re.compile(r"[a-z0-9]+")
_LATIN = re.compile(r"[a-zA-Z0-9]")
# jieba's own block pattern (jieba.re_han_default) for the characters a stream run can hold.
_HAN_BLOCK = re.compile(r"([\u4E00-\u9FD5a-zA-Z0-9]+)")


# --- folding -------------------------------------------------------------------------------------


def _t2s_table() -> dict[str, str]:
    """Traditional → simplified, one character each (OpenCC's TSCharacters, first candidate)."""
    import opencc

    path = Path(opencc.__file__).resolve().parent / "dictionary" / "TSCharacters.txt"
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, _tab, values = line.partition("\t")
        first = values.split(" ")[0] if values else ""
        if len(key) == 1 and len(first) == 1 and key != first:
            table[key] = first
    return table


@functools.cache
def _fold_table() -> dict[int, str]:
    """A str.translate table: NFKC, then traditional → simplified, then lower case, 1 char → 1 char.

    Characters whose NFKC form is longer than one character (㈠ → (一)) are left alone: keeping
    offsets exact matters more than folding those rarities.
    """
    t2s = _t2s_table()
    table: dict[int, str] = {}
    for cp in range(0x20, 0x30000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        if ch.isascii() and not ch.isupper():
            continue
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) != 1:
            continue
        folded = t2s.get(folded, folded).lower()
        if len(folded) == 1 and folded != ch:
            table[cp] = folded
    return table


def fold(text: str) -> str:
    """Comparable form of ``text``, same length, same offsets (see module docstring)."""
    return text.translate(_fold_table())


# --- the phrase stream ---------------------------------------------------------------------------


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def stream_map(text: str) -> tuple[str, list[int]]:
    """The stream of ``text`` (see module docstring) and, per stream character, its offset in ``text``."""
    folded = fold(text)
    out: list[str] = []
    where: list[int] = []
    last = 0
    for m in _NON_ALNUM.finditer(folded):
        start, end = m.span()
        out.append(folded[last:start])
        where.extend(range(last, start))
        last = end
        if m.group().isspace() and not (
            start > 0 and end < len(folded) and _is_latin(folded[start - 1]) and _is_latin(folded[end])
        ):
            continue  # spacing between Chinese and anything else is typography
        out.append(SEP)
        where.append(start)
    out.append(folded[last:])
    where.extend(range(last, len(folded)))
    return "".join(out), where


def stream(text: str) -> str:
    """The stream of ``text``: what a phrase is compared with."""
    return stream_map(text)[0]


def needle(text: str) -> str:
    """The stream of a quoted phrase, without separators at its ends ('' if nothing is left)."""
    return stream(text).strip(SEP)


def column_value(text: str) -> bytes:
    """What the index keeps of a block for confirming phrases: its stream, framed by separators.

    The frame keeps a phrase from matching across two blocks when streams are scanned end to end.
    """
    return f"{SEP}{stream(text).strip(SEP)}{SEP}".encode()  # as Analysis.column


def grams(text: str) -> list[str]:
    """Character pairs of a block's framed stream, in order (Elasticsearch's phrase field)."""
    s = column_value(text).decode()
    return [s[i : i + 2] for i in range(len(s) - 1)]


# --- jieba ---------------------------------------------------------------------------------------


def cache_dir() -> Path:
    from django.conf import settings

    return Path(getattr(settings, "DATA_DIR", Path.cwd() / "var")) / "cache"


def init_jieba(user_dict: Path | None = None) -> None:
    """Load jieba's dictionary and our UN vocabulary once per process (idempotent, thread-safe).

    jieba's cache file goes to our data directory, not the shared system temp dir; the user
    dictionary is loaded in every process because add_word changes only this process's copy.
    """
    global _initialised
    if _initialised:
        return
    with _init_lock:
        if _initialised:
            return
        try:
            directory = cache_dir()
            directory.mkdir(parents=True, exist_ok=True)
            jieba.dt.tmp_dir = str(directory)
        except Exception:  # settings unavailable (a bare Whoosh reader): jieba's default is fine
            log.debug("jieba cache stays in the system temp dir", exc_info=True)
        jieba.setLogLevel(logging.WARNING)
        jieba.dt.initialize()
        load_user_dict(user_dict or USER_DICT)
        _latin_words_off()
        _initialised = True


def load_user_dict(path: Path) -> int:
    """Add the words of ``path`` (``word [freq]`` per line, # comments) to jieba; return how many."""
    count = 0
    if not path.exists():
        log.warning("UN dictionary %s is missing; segmentation falls back to jieba's own", path)
        return 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word = fold(parts[0])
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else _USER_WORD_FREQ
        jieba.dt.add_word(word, max(freq, jieba.dt.FREQ.get(word) or 0))
        count += 1
    _words_of.cache_clear()
    return count


def _latin_words_off() -> None:
    """No dictionary word with Latin letters or digits: such a run is then always one word whole."""
    freq = jieba.dt.FREQ
    for word in [w for w, f in freq.items() if f and _LATIN.search(w)]:
        freq[word] = 0
    _words_of.cache_clear()


@functools.cache
def fingerprint() -> str:
    """Names the format and the dictionary an index is cut with (stored beside the index)."""
    init_jieba()
    digest = hashlib.blake2b(digest_size=8)
    digest.update(f"{INDEX_FORMAT}:{jieba.__version__}:{len(jieba.dt.FREQ)}:{jieba.dt.total}".encode())
    digest.update(USER_DICT.read_bytes() if USER_DICT.exists() else b"")
    return f"{INDEX_FORMAT}-{digest.hexdigest()}"


@dataclass(frozen=True)
class Words:
    """One run of a stream cut into words: precise words with spans, and every dictionary word."""

    precise: tuple[tuple[str, int, int], ...]  # (word, start, end) in the run, in order
    dictionary: tuple[tuple[str, int, int], ...]  # every dictionary word of ≥ 2 characters


def _cut_block(block: str, offset: int, precise: list, dictionary: list) -> None:
    """jieba's precise cut without HMM (its ``__cut_DAG_NO_HMM``), keeping its word graph."""
    dt = jieba.dt
    dag = dt.get_DAG(block)
    route: dict[int, tuple[float, int]] = {}
    dt.calc(block, dag, route)
    for i, ends in dag.items():
        for j in ends:
            if j > i:
                dictionary.append((block[i : j + 1], offset + i, offset + j + 1))
    x, n = 0, len(block)
    latin_start = -1
    while x < n:
        y = route[x][1] + 1
        if y - x == 1 and _LATIN.match(block[x]):
            if latin_start < 0:
                latin_start = x
        else:
            if latin_start >= 0:
                precise.append((block[latin_start:x], offset + latin_start, offset + x))
                latin_start = -1
            precise.append((block[x:y], offset + x, offset + y))
        x = y
    if latin_start >= 0:
        precise.append((block[latin_start:n], offset + latin_start, offset + n))


@functools.lru_cache(maxsize=50_000)
def _words_of(run: str) -> Words:
    precise: list[tuple[str, int, int]] = []
    dictionary: list[tuple[str, int, int]] = []
    last = 0
    for m in _HAN_BLOCK.finditer(run):
        # Characters jieba has no block for (〇, rare ideographs, other scripts): one word each.
        precise.extend((run[i], i, i + 1) for i in range(last, m.start()))
        _cut_block(m.group(), m.start(), precise, dictionary)
        last = m.end()
    precise.extend((run[i], i, i + 1) for i in range(last, len(run)))
    return Words(tuple(precise), tuple(dictionary))


def _runs(s: str) -> Iterator[tuple[str, int]]:
    start = 0
    for part in s.split(SEP):
        if part:
            yield part, start
        start += len(part) + 1


@dataclass
class Analysis:
    """What the index holds for one text (see module docstring); offsets are into the stream."""

    stream: str
    words: list[tuple[str, int, int]] = field(default_factory=list)
    parts: list[tuple[str, int, int]] = field(default_factory=list)
    extra: set[str] = field(default_factory=set)

    @property
    def column(self) -> bytes:
        """The stream as the index keeps it (see :func:`column_value`)."""
        return f"{SEP}{self.stream.strip(SEP)}{SEP}".encode()

    @property
    def terms(self) -> list[str]:
        """The ``text`` field's tokens: every word and every part, repeats kept (term frequency)."""
        return [w for w, _s, _e in self.words] + [p for p, _s, _e in self.parts]


def analyze(text: str) -> Analysis:
    init_jieba()
    s = stream(text)
    result = Analysis(s)
    for run, offset in _runs(s):
        cut = _words_of(run)
        spans = []
        for word, start, end in cut.precise:
            result.words.append((word, offset + start, offset + end))
            spans.append((start, end))
        inside: set[tuple[int, int]] = set()
        for word, start, end in cut.dictionary:
            # A part: strictly inside one precise word of three characters or more.
            for ws, we in spans:
                if ws <= start and end <= we and (start, end) != (ws, we) and end - start <= _MAX_SUBWORD:
                    result.parts.append((word, offset + start, offset + end))
                    inside.add((start, end))
                    break
        result.extra.update(w for w, start, end in cut.dictionary if (start, end) not in inside)
    result.extra.update(joiner_pairs(s))
    # A dictionary word that is a word or a part anywhere in the text is in the text field already.
    result.extra -= {w for w, _s, _e in result.words} | {p for p, _s, _e in result.parts}
    return result


def query_words(text: str) -> list[str]:
    """The words a query string is searched for: folded, precise cut (what the index matches)."""
    init_jieba()
    return [w for run, _o in _runs(stream(text)) for w, _s, _e in _words_of(run).precise]


def index_terms(text: str) -> tuple[list[str], list[str]]:
    """The precise words in order and their parts, as :class:`JiebaTokenizer` gives Whoosh."""
    a = analyze(text)
    return [w for w, _s, _e in a.words], [p for p, _s, _e in a.parts]


def joiner_pairs(s: str) -> set[str]:
    """The pairs of characters in ``s`` made of a function word (:data:`JOINERS`) and a neighbour."""
    pairs: set[str] = set()
    last = len(s) - 1
    for i, ch in enumerate(s):
        if ch in JOINERS:
            if i > 0 and s[i - 1] != SEP:
                pairs.add(s[i - 1 : i + 1])
            if i < last and s[i + 1] != SEP:
                pairs.add(s[i : i + 2])
    return pairs


def phrase_terms(phrase_needle: str) -> list[str]:
    """Index terms every block whose stream contains ``phrase_needle`` holds (in ``text`` or ``extra``).

    Every dictionary word of the needle (the index holds all of a block's dictionary words, see
    :func:`analyze`), every pair around a function word inside it, and every run of Latin letters
    or digits that the needle closes on both sides (a block has the same neighbours around it, so
    jieba cuts it out whole there too).  Empty when the needle has none: then only scanning the
    streams can answer.
    """
    init_jieba()
    found: dict[str, None] = dict.fromkeys(sorted(joiner_pairs(phrase_needle)))
    for run, offset in _runs(phrase_needle):
        for word, _s, _e in _words_of(run).dictionary:
            found[word] = None
        for m in _ASCII_ALNUM.finditer(run):
            start, end = offset + m.start(), offset + m.end()
            if start > 0 and end < len(phrase_needle):
                found[m.group()] = None
    return list(found)


def tokens_with_offsets(text: str) -> list[tuple[str, bool, int, int]]:
    """(word, is_whole_word, start, end) of ``text`` as the index sees it, offsets into ``text``."""
    s, where = stream_map(text)
    a = analyze(text)
    assert a.stream == s
    out = [(w, True, where[st], where[en - 1] + 1) for w, st, en in a.words]
    out += [(p, False, where[st], where[en - 1] + 1) for p, st, en in a.parts]
    return sorted(out, key=lambda t: (t[2], -t[3]))


def stream_spans(text: str, phrase_needle: str) -> list[tuple[int, int]]:
    """Offsets in ``text`` of every occurrence of a phrase (first to last character matched)."""
    if not phrase_needle:
        return []
    s, where = stream_map(text)
    spans: list[tuple[int, int]] = []
    i = s.find(phrase_needle)
    while i != -1:
        spans.append((where[i], where[i + len(phrase_needle) - 1] + 1))
        i = s.find(phrase_needle, i + 1)
    return spans


# --- Whoosh --------------------------------------------------------------------------------------


class JiebaTokenizer(Tokenizer):
    """Whoosh tokenizer for haystack's own query parser: index mode adds the parts, query mode does not.

    Our writers hand Whoosh the analysed terms directly (:mod:`search.writers`); this class is the
    analyzer recorded in the schema.  Picklable by construction (no attributes): Whoosh stores the
    schema in the index's table of contents.
    """

    def __eq__(self, other: object) -> bool:
        return other is not None and self.__class__ is other.__class__

    def __hash__(self) -> int:
        return hash(self.__class__.__name__)

    def __call__(  # type: ignore[override]
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        token.boost = 1.0
        token.stopped = False
        if not tokenize:
            token.original = token.text = fold(value)
            token.pos, token.startchar, token.endchar = start_pos, start_char, start_char + len(value)
            yield token
            return
        words = analyze(value).terms if mode == "index" else query_words(value)
        for pos, word in enumerate(words, start_pos):
            token.text = word
            if positions:
                token.pos = pos
            yield token


def analyzer() -> JiebaTokenizer:
    return JiebaTokenizer()


def worker_count() -> int:
    """Processes for parallel segmentation: every core, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))
