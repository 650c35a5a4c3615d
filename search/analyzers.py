"""Chinese text analysis for the index and for queries: folding, jieba segmentation, Whoosh tokenizer.

One function, :func:`fold`, makes text comparable: NFKC (full-width → half-width, compatibility
ideographs → unified ones), traditional → simplified (character by character, OpenCC's table) and
lower case.  Every mapping is one character to one character, so offsets in the folded text are
offsets in the original text; highlighting relies on that.

:class:`JiebaTokenizer` is the Whoosh analyzer of the ``text`` field.  Index mode emits jieba's
precise cut and, at each word's *own* position, the dictionary words inside it (search-mode
sub-words: 维持和平行动 → 维持, 和平, 行动, 维持和平 …), so a query for a part finds the whole
while phrase queries over precise words still see consecutive positions.  Query mode emits the
precise cut only.  The tokenizer keeps no state: Whoosh pickles it into the index at every
commit, and the jieba dictionary it uses is the module-level one (see :func:`init_jieba`).
"""

from __future__ import annotations

import functools
import logging
import math
import os
import threading
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import jieba
from whoosh.analysis import Token, Tokenizer

log = logging.getLogger(__name__)

USER_DICT = Path(__file__).resolve().parent / "data" / "un_dict.txt"

# Sub-words longer than this are not looked up inside a word (the dictionary has few).
_MAX_SUBWORD = 6
# Frequency of a UN-dictionary word that names none: beats a split into common parts in context.
_USER_WORD_FREQ = 1000
_init_lock = threading.Lock()
_initialised = False


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
    _subwords.cache_clear()
    return count


def _is_word(token: str) -> bool:
    """Whether a jieba token is worth indexing: letters, digits or ideographs, not punctuation."""
    return token.isalnum() or any(ch.isalnum() for ch in token)


def precise_words(folded: str) -> Iterator[tuple[str, int]]:
    """(word, start offset) of jieba's precise cut of already folded text, punctuation dropped.

    HMM is off on both sides: it is slower and context-dependent, and an unknown name then falls
    apart into single characters at consecutive positions, which a phrase query still matches.
    """
    init_jieba()
    offset = 0
    for word in jieba.dt.cut(folded, HMM=False):
        if _is_word(word):
            yield word, offset
        offset += len(word)


def subwords(word: str) -> tuple[tuple[str, int], ...]:
    """Dictionary words strictly inside ``word`` with their offset in it (search-mode parts).

    Like jieba's cut_for_search, which looks at 2- and 3-grams only, extended to longer parts
    (维持和平行动 → 维持和平, 和平行动) because UN names nest deeply.
    """
    if len(word) < 3:
        return ()
    return _subwords(word)


@functools.lru_cache(maxsize=200_000)
def _subwords(word: str) -> tuple[tuple[str, int], ...]:
    n = len(word)
    freq = jieba.dt.FREQ
    return tuple(
        (word[i : i + size], i)
        for size in range(2, min(n - 1, _MAX_SUBWORD) + 1)
        for i in range(n - size + 1)
        if freq.get(word[i : i + size])
    )


def query_words(text: str) -> list[str]:
    """The words a query string is searched for: folded, precise cut (what the index matches)."""
    return [w for w, _start in precise_words(fold(text))]


def split_word(word: str) -> list[str]:
    """Best cut of ``word`` into shorter dictionary words (for a word the index never saw whole).

    jieba's own route search, with the edge covering the whole word left out; the shared
    dictionary is never modified, so concurrent requests are unaffected.
    """
    init_jieba()
    n = len(word)
    if n < 2:
        return [word]
    freq = jieba.dt.FREQ
    logtotal = math.log(jieba.dt.total)
    # route[i] = (best log probability of word[i:], end of the first piece)
    route: list[tuple[float, int]] = [(0.0, n)] * (n + 1)
    for i in range(n - 1, -1, -1):
        best: tuple[float, int] | None = None
        for j in range(i + 1, n + 1):
            if i == 0 and j == n:
                continue
            f = freq.get(word[i:j])
            if j > i + 1 and not f:
                continue
            candidate = (math.log(f or 1) - logtotal + route[j][0], j)
            if best is None or candidate > best:
                best = candidate
        route[i] = best or (0.0, i + 1)
    parts: list[str] = []
    i = 0
    while i < n:
        j = route[i][1]
        parts.append(word[i:j])
        i = j
    return [p for p in parts if _is_word(p)]


def index_terms(text: str) -> tuple[list[str], list[str]]:
    """What the index holds for ``text``: the precise words in order, and their sub-words.

    The same tokens :class:`JiebaTokenizer` gives Whoosh in index mode, for an engine that takes
    text already cut (Elasticsearch, through a whitespace analyzer).
    """
    words: list[str] = []
    parts: list[str] = []
    for word, _start in precise_words(fold(text)):
        words.append(word)
        parts += [part for part, _offset in subwords(word)]
    return words, parts


# --- Whoosh --------------------------------------------------------------------------------------


class JiebaTokenizer(Tokenizer):
    """Whoosh tokenizer: folded jieba words; index mode adds sub-words at the word's position.

    Picklable by construction (no attributes), which Whoosh needs: it stores the schema,
    analyzers included, in the index's table of contents.
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
        with_parts = mode == "index"
        pos = start_pos
        for word, start in precise_words(fold(value)):
            token.text = word
            if keeporiginal:
                token.original = value[start : start + len(word)]
            if positions:
                token.pos = pos
            if chars:
                token.startchar = start_char + start
                token.endchar = start_char + start + len(word)
            yield token
            if with_parts:
                for part, offset in subwords(word):
                    token.text = part
                    if chars:
                        token.startchar = start_char + start + offset
                        token.endchar = token.startchar + len(part)
                    yield token
            pos += 1


def tokens_with_offsets(text: str, mode: str = "index") -> list[tuple[str, int, int, int]]:
    """(word, position, start, end) for ``text`` as the index sees it (used by the highlighter)."""
    out: list[tuple[str, int, int, int]] = []
    for t in JiebaTokenizer()(text, positions=True, chars=True, mode=mode):
        out.append((t.text, t.pos, t.startchar, t.endchar))
    return out


def analyzer() -> JiebaTokenizer:
    return JiebaTokenizer()


def worker_count() -> int:
    """Processes for parallel segmentation: every core, at most 8."""
    return max(1, min(8, os.cpu_count() or 1))
