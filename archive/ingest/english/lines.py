"""Rebuilding English lines: words keep their spaces, and a word hyphenated at a line end is mended.

A line ending in ``peace-`` followed by one starting ``keeping`` is either one word broken by the
typesetter (``peacekeeping``) or a compound broken at its own hyphen (``peace-building``).  The
printed hyphen is kept unless there is reason to drop it, in this order:

1. the document itself writes the word elsewhere on one line (``peacekeeping`` or ``peace-building``);
2. a hyphen before a capital or a digit (``non-`` / ``State``, ``A/72/707-`` / ``S/2018/43``,
   ``2019-`` / ``2021``) or after a prefix UN usage hyphenates (``post-`` / ``conflict``) stays;
3. a syllable that only ends words (``deploy-`` / ``ment``, ``organiza-`` / ``tion``) is joined;
4. a closed compound of UN usage (``peacekeeping``, ``ceasefire``) or a prefix UN usage closes
   (``multi-`` / ``dimensional``) is joined, and listed in a warning;
5. two whole words (``decision-`` / ``making``) keep their hyphen, and are listed in the warning;
6. a fragment too short to be a word (``re-`` / ``sponsibility``) is a syllable: joined.

A hyphen before ``and``/``or``/``to`` is suspended (``troop- and police-contributing``): it stays,
and so does the space after it.

The warning lets the librarian check every guess (steps 4 and 5).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from django.utils.translation import gettext as _

from ..clean import Line, LineKind, LineRules
from .masthead import ENGLISH as MASTHEAD

__all__ = ["ENGLISH", "HyphenJoiner"]

_HYPHENS = "-\u2010"
_WORD_RE = re.compile(r"[A-Za-z]+(?:[-\u2010'’][A-Za-z]+)*")
# The end of a line that breaks a word: letters (or digits) glued to a hyphen.
_BROKEN_END_RE = re.compile(r"([A-Za-z0-9]+)[-\u2010]$")
_LEADING_WORD_RE = re.compile(r"^[A-Za-z]+")
# Both halves of a word broken at a line end, in the document's lines joined by line ends.
_BROKEN_WORD_RE = re.compile(r"[A-Za-z0-9]*[-\u2010]\n[A-Za-z]*")
# Prefixes UN usage hyphenates (post-conflict, pre-deployment, non-governmental, self-defence, follow-up).
_KEEP_PREFIXES = frozenset(
    "non self ex cross well post pre anti counter semi quasi mid all so follow long short high low full part".split()
)
# Prefixes UN usage closes (multidimensional, interministerial, subregional, transnational, underfunded).
_JOIN_PREFIXES = frozenset("inter intra multi trans sub super under over".split())
# Endings of words a typesetter breaks off; never words of their own.
_SUFFIXES = frozenset(
    """ment ments tion tions sion sions ation ations ing ings ed ity ities ance ances ence ences ness
    able ible ably ibly bility bilities ally ous ive ives ship ships ism isms ist ists ure ures ary ory ial ials
    ian ians ise ize ised ized ising izing isation ization isations izations al ally ly er ers est tive tives
    cy cies ogy ical ically ful less ward wards""".split()
)
# After a suspended hyphen ("troop- and police-contributing countries").
_SUSPENDING = frozenset({"and", "or", "to", "nor"})
# Fragments shorter than this are syllables, not words.
_WORD_MIN = 4
# Closed compounds of UN usage that are also two words: joined when the text gives no witness.
_CLOSED = frozenset(
    """peacekeeping peacebuilding peacemaking peacekeeper peacekeepers ceasefire ceasefires stakeholder
    stakeholders framework frameworks headquarters nationwide countrywide worldwide workplace
    workshop workshops timeline timelines guidelines safeguards landmine landmines network networks
    policymakers policymaking wartime lifetime outreach overview oversight caseload workload
    """.split()
)
# Sentence-final punctuation in English, optionally followed by a closing quote and a footnote marker.
TERMINAL_EN_RE = re.compile(r"[.;:!?…][”’\"')\]]?(?:[0-9]{0,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})$")
CHAPEAU_EN_RE = re.compile(
    r"^(?:The\s+)?(?:Security\s+Council|General\s+Assembly|Economic\s+and\s+Social\s+Council"
    r"|Human\s+Rights\s+Council)\s*,$"
)
_MAX_LISTED = 12


def _vocabulary(lines: Sequence[Line]) -> Counter[str]:
    """Every word the lines print whole (lower case); the halves of a word broken at a line end are left out."""
    text = "\n".join(line.text for line in lines if line.kind == LineKind.TEXT)
    words = Counter(w.lower().replace("\u2010", "-") for w in _WORD_RE.findall(_BROKEN_WORD_RE.sub(" ", text)))
    for word in [w for w in words if "-" in w]:
        for part in word.split("-"):
            if part:
                words[part] += words[word]
    return words


class HyphenJoiner:
    """Joins English pieces; one per document, since it reads the document's own spellings."""

    def __init__(self, words: Counter[str]) -> None:
        self.words = words
        self.guessed: list[str] = []

    def separator(self, left: str, right: str) -> str | None:
        """What joins ``left``, ending in a hyphen at a line end, to ``right``: None drops the hyphen
        (one word), "" keeps it (a compound), " " keeps it and a space (a suspended hyphen)."""
        head = _BROKEN_END_RE.search(left)
        tail = _LEADING_WORD_RE.match(right)
        if head is None or tail is None or not head.group(1).isalpha() or not tail.group(0)[0].islower():
            return ""
        if tail.group(0) in _SUSPENDING:
            return " "
        return None if self.mend(head.group(1), tail.group(0)) else ""

    def mend(self, left: str, right: str) -> bool:
        """Whether ``left`` (before a hyphen at a line end) and ``right`` (after it) are one word."""
        first, second = left.lower(), right.lower()
        closed, hyphenated = self.words[first + second], self.words[f"{first}-{second}"]
        if closed or hyphenated:
            return closed > hyphenated
        if first in _KEEP_PREFIXES:
            return False
        if second in _SUFFIXES:
            return True
        if first + second in _CLOSED or first in _JOIN_PREFIXES:
            mended = True
        elif min(len(first), len(second)) >= _WORD_MIN or self.words[first] or self.words[second]:
            mended = False
        else:
            return True  # a syllable, not a word of its own: the typesetter's break
        self.guessed.append(f"{left}{right}" if mended else f"{left}-{right}")
        return mended

    def __call__(self, pieces: list[str]) -> str:
        out: list[str] = []
        last = ""
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            if last:
                if last[-1] in _HYPHENS and last[-2:-1].isalnum():
                    # Never "A/72/707- S/2018/43": a hyphen at a line end joins, with or without itself.
                    separator = self.separator(last, piece)
                    if separator is None:
                        out[-1] = out[-1][:-1]
                    else:
                        out.append(separator)
                elif last[-1] not in "/(" and piece[0] not in ")":
                    out.append(" ")
            out.append(piece)
            last = piece
        return "".join(out)

    def warnings(self) -> list[str]:
        if not self.guessed:
            return []
        words = list(dict.fromkeys(self.guessed))
        listed = "、".join(words[:_MAX_LISTED]) + ("……" if len(words) > _MAX_LISTED else "")
        return [
            _("这些在行末断开的词，全文别处没有可以确认写法的地方，已按所列写法导入：%(words)s。请核对连字符。")
            % {"words": listed}
        ]


def joiner(lines: Sequence[Line]) -> HyphenJoiner:
    if not any(_BROKEN_END_RE.search(line.text) for line in lines if line.kind == LineKind.TEXT):
        return HyphenJoiner(Counter())  # nothing to mend: no need to read the vocabulary
    return HyphenJoiner(_vocabulary(lines))


_SPACES_RE = re.compile(r"\s+")


def collapse_spaces(text: str) -> str:
    """English keeps every space between words; runs of them (and line ends) become one."""
    return _SPACES_RE.sub(" ", text).strip()


ENGLISH = LineRules(
    masthead=MASTHEAD,
    # A wrapped English line holds about 90 characters; a paragraph on one line, hundreds.
    long_line=120,
    terminal=TERMINAL_EN_RE,
    chapeau=CHAPEAU_EN_RE,
    chapeau_max=40,
    short_unit=120,
    joiner=joiner,
    tidy=collapse_spaces,
)
