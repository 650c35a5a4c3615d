"""First stage: turn raw PDF-extracted text into logical lines, minus the PDF's artefacts.

Two layouts come out of the UN's PDFs (see ``fixtures/SEEDS.md``):

* ``WRAPPED`` (000, 002, 003): every printed line is a line of text, with a blank line
  between them; the last line of a paragraph or heading carries a trailing space.
* ``PARAGRAPH_LINES`` (001, 004): one paragraph per line, under a
  ``Distr.: General`` header block.

In both, page breaks cut sentences (even words) and leave page furniture and hyperlink
annotations behind.  :func:`prepare` reads the masthead (:mod:`archive.ingest.masthead`),
strips the furniture (:mod:`archive.ingest.furniture`) while noting where pages end, gives
every line its official page (:mod:`archive.ingest.pages`) and keeps the line structure (the
footnote and table stages need it); :func:`join_lines` then rebuilds logical units
(paragraphs, headings, list items, a resolution's preambular paragraphs) from the remaining
body lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from . import masthead
from .furniture import Furniture, FurnitureKind, classify, is_link
from .masthead import Masthead, read_masthead
from .pages import Boundary, assign_pages

__all__ = [
    "CHINESE",
    "Joiner",
    "Layout",
    "Line",
    "LineKind",
    "LineRules",
    "Prepared",
    "Unit",
    "is_cjk",
    "is_cjk_punct",
    "join_lines",
    "join_pair",
    "join_pieces",
    "prepare",
    "strip_markdown",
    "tidy",
    "visible_len",
]


class Layout(StrEnum):
    WRAPPED = "wrapped"
    PARAGRAPH_LINES = "paragraph_lines"


class LineKind(StrEnum):
    TEXT = "text"
    SEPARATOR = "separator"
    # Rows of a table, already gathered by the tables stage (text: rows and cells, see Unit).
    TABLE = "table"


@dataclass
class Line:
    """A body or footnote line that survived cleaning."""

    kind: LineKind
    text: str
    indent: int = 0
    trailing_space: bool = False
    # A page ended just before this line: footnote zones stop here.
    page_break_before: bool = False
    # The line as printed, before odd spaces and tabs became plain spaces (table cells need them).
    cells: str = ""
    # The official page the line is on (None: the text gives no page evidence).
    page: int | None = None
    # What was seen between the previous kept line and this one, if a page may end there.
    boundary: Boundary | None = field(default=None, repr=False, compare=False)


@dataclass
class Prepared:
    layout: Layout
    lines: list[Line]
    # Page-header lines that were removed; the document's own symbol is among them.
    headers: list[str] = field(default_factory=list)
    masthead: Masthead = field(default_factory=Masthead)
    furniture: list[Furniture] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class Unit:
    """A logical line: one paragraph, heading or list item after re-joining."""

    text: str
    indent: int = 0
    page: int | None = None
    # A table: ``text`` is its rows, one a line, cells separated by tabs when they could be told apart.
    table: bool = False


_CJK_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0x20000, 0x2FA1F))
# Quotes are not in the CJK blocks, but in Chinese text they hug the ideographs around them.
_CJK_QUOTES = frozenset("“”‘’…—")


def is_cjk(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def _is_fullwidth_punct(ch: str) -> bool:
    cp = ord(ch)
    return 0x3000 < cp <= 0x303F or 0xFF01 <= cp <= 0xFF65 or 0xFE10 <= cp <= 0xFE4F


def is_cjk_punct(ch: str) -> bool:
    return _is_fullwidth_punct(ch) or ch in _CJK_QUOTES


def visible_len(text: str) -> int:
    return len("".join(text.split()))


# Zero-width characters and odd spaces that PDF extraction scatters around.
# (As patterns: str.translate with a table walks every character in Python-level lookups, several
# times slower than one regex pass over text that mostly has none of them.)
_INVISIBLE_RE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]")
_ODD_SPACES_RE = re.compile("[\t\u00a0\u202f\u205f\u2002-\u200a]")
_NEWLINES_RE = re.compile(r"\r\n?|[\u2028\u2029\v\x85]")

_SEPARATOR_RE = re.compile(r"^[_＿]{5,}$")
# A form feed is a page boundary (PDF uploads, Word page breaks); it is kept as a line of its own.
_FORM_FEED = "\x0c"

_MD_LINK_RE = re.compile(r"\[((?:[^\[\]\\]|\\.)*)\]\((?:[^()\\]|\\.)*\)")
# Bounded, so a line full of unmatched "**" cannot make the search quadratic.
_MD_BOLD_RE = re.compile(r"\*\*(?=\S)([^*\n]{1,200}?)(?<=\S)\*\*")
_MD_HEADING_RE = re.compile(r"^#{1,6}\s+(?=\S)")
_MD_MARKS_RE = re.compile(r"[#\[*\\]")
_MD_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")


def strip_markdown(text: str) -> str:
    """``[2699\\(2023\\)](#)`` → ``2699(2023)``, ``**Unite Aware**`` → ``Unite Aware``."""
    if not _MD_MARKS_RE.search(text):
        return text  # most lines carry no markdown at all
    text = _MD_HEADING_RE.sub("", text)
    text = _MD_LINK_RE.sub(lambda m: m.group(1), text)
    text = _MD_BOLD_RE.sub(lambda m: m.group(1), text)
    return _MD_ESCAPE_RE.sub(lambda m: m.group(1), text)


def _detect_layout(texts: list[tuple[str, bool]], long_line: int) -> Layout:
    if not texts:
        return Layout.WRAPPED
    trailing = sum(1 for _t, trail in texts if trail)
    long_lines = sum(1 for t, _trail in texts if visible_len(t) > long_line)
    # Wrapped PDF text marks every paragraph end with a trailing space and never runs long;
    # the header block is no evidence either way (a wrapped PDF can have one too).
    if trailing == 0 or long_lines / len(texts) >= 0.25:
        return Layout.PARAGRAPH_LINES
    return Layout.WRAPPED


def _boundary(pending: Boundary | None, furniture: Furniture | None = None, form_feed: bool = False) -> Boundary:
    bound = pending or Boundary()
    if form_feed:
        bound.form_feed = True
    if furniture is not None and furniture.kind != FurnitureKind.DECORATION:
        bound.merge(Boundary(furniture=True, number=furniture.page, total=furniture.total))
    return bound


def prepare(raw: str, rules: LineRules | None = None) -> Prepared:
    """Normalise ``raw``, read its masthead, drop page furniture and link annotations, find the pages."""
    rules = rules or CHINESE
    text = _INVISIBLE_RE.sub("", _NEWLINES_RE.sub("\n", raw).replace(_FORM_FEED, f"\n{_FORM_FEED}\n"))
    # Table cells are told apart by tabs and runs of spaces, so the table stage sees lines before
    # odd spaces become plain ones.
    source_lines = text.split("\n")
    raw_lines = _ODD_SPACES_RE.sub(" ", text).split("\n")
    stripped = [line.strip() if line != _FORM_FEED else line for line in raw_lines]
    head = read_masthead([s if s != _FORM_FEED else "" for s in stripped], rules.masthead)
    headers = list(head.headers)
    furniture: list[Furniture] = []

    # Page-break evidence per kept line, interpreted once the layout is known:
    # (line, an artefact line came before it, blank lines before it or -1 if none at all).
    kept: list[tuple[Line, bool, int]] = []
    blank_run, artefact, prev_was_text = 0, False, False
    pending: Boundary | None = None
    for line, source, s in zip(raw_lines[head.end :], source_lines[head.end :], stripped[head.end :], strict=True):
        if s == _FORM_FEED:
            pending, artefact, prev_was_text = _boundary(pending, form_feed=True), True, False
            continue
        if is_link(s):
            pending, artefact, prev_was_text = pending or Boundary(), True, False
            continue
        found = classify(s)
        if found is not None and found.kind == FurnitureKind.DECORATION:
            continue  # a rule or "* * *" between passages: layout, and no sign of a page end
        if found is not None:
            furniture.append(found)
            if found.kind in (FurnitureKind.SYMBOL, FurnitureKind.JOB):
                headers.append(s.rstrip("*").strip() if found.kind == FurnitureKind.SYMBOL else s)
            pending, artefact, prev_was_text = _boundary(pending, found), True, False
            continue
        kind = LineKind.SEPARATOR if _SEPARATOR_RE.match(s) else LineKind.TEXT
        body = (strip_markdown(s) if kind == LineKind.TEXT else s).strip()
        if not body:
            blank_run, prev_was_text = blank_run + 1, False
            continue
        item = Line(kind, body, len(line) - len(line.lstrip()), line != line.rstrip(), cells=source.strip())
        item.boundary = pending
        kept.append((item, artefact, -1 if prev_was_text else blank_run))
        blank_run, artefact, prev_was_text, pending = 0, False, kind == LineKind.TEXT, None

    texts = [(it.text, it.trailing_space) for it, _a, _b in kept if it.kind == LineKind.TEXT]
    layout = _detect_layout(texts, rules.long_line)
    for n, (item, after_artefact, blanks) in enumerate(kept):
        if n == 0:
            continue
        if layout == Layout.WRAPPED:
            # Wrapped lines always have a blank line between them; two in a row mean a new page.
            item.page_break_before = after_artefact or blanks == -1
        else:
            item.page_break_before = after_artefact or blanks >= 2
        if item.page_break_before and item.boundary is None:
            item.boundary = Boundary()
    lines = [it for it, _a, _b in kept]
    pages, page_warnings = assign_pages([line.boundary for line in lines], pending)
    for line, page in zip(lines, pages, strict=True):
        line.page = page
    return Prepared(layout, lines, headers, head, furniture, page_warnings)


_SPACE_RUN_RE = re.compile(r"\s+")


def _cjkish(ch: str) -> bool:
    return is_cjk(ch) or is_cjk_punct(ch)


def tidy(text: str) -> str:
    """Collapse whitespace and drop the spaces PDF extraction puts inside Chinese text.

    Spaces between ideographs, or next to full-width punctuation, carry no meaning in
    Chinese (``联 合 国 ：“改 善`` → ``联合国：“改善``); spaces around numbers and Latin
    words (``第 2645(2022)号``, ``2022 年``) are the UN's own typography and stay.
    """
    text = _SPACE_RUN_RE.sub(" ", text).strip()
    if " " not in text:
        return text
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == " ":
            left, right = text[i - 1], text[i + 1]
            if (_cjkish(left) and _cjkish(right)) or _is_fullwidth_punct(left) or _is_fullwidth_punct(right):
                continue
        out.append(ch)
    return "".join(out)


def _ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _separator(a: str, b: str) -> str:
    # Chinese joins without a space; Latin words and numbers keep one, as do numbers next
    # to ideographs, which the UN's typography always spaces ("第 57" / "段").
    if _ascii_alnum(a):
        return " " if _ascii_alnum(b) or is_cjk(b) else ""
    return " " if is_cjk(a) and _ascii_alnum(b) else ""


def join_pieces(pieces: list[str]) -> str:
    """Join pieces of one sentence that line or page breaks separated (linear time)."""
    out: list[str] = []
    last = ""
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        if last:
            out.append(_separator(last, piece[0]))
        out.append(piece)
        last = piece[-1]
    return "".join(out)


def join_pair(left: str, right: str) -> str:
    """``海地国`` + ``家警察`` → ``海地国家警察``; ``Unite`` + ``Aware`` → ``Unite Aware``."""
    return join_pieces([left, right])


# What can start a new block at the beginning of a line.
BLOCK_START_RE = re.compile(
    r"^(?:[0-9]{1,3}\.(?![0-9])"
    r"|[一二三四五六七八九十]{1,3}[.、．]"
    r"|[A-Z]\.\s"
    r"|[IVX]{1,5}\.\s"
    r"|[(（](?:[a-z]{1,2}|[ivx]{1,6}|[0-9]{1,2})[)）]"
    r"|[•●▪◦‣\-–]\s)"
)
# Sentence-final punctuation, optionally followed by a footnote marker ("愿景。3", "愿景。³").
TERMINAL_RE = re.compile(r"[。；;：:！!？?…][”’」』)）]?(?:[0-9]{0,3}|[⁰¹²³⁴⁵⁶⁷⁸⁹]{1,3})$")
# A line ending on one of these cannot end a paragraph ("A/72/707-", "S/PRST/", "，").
_CONTINUATION_END = frozenset("/-‐–(（“‘《〈「『、，,")
_NUMBERED_RE = re.compile(r"^(?:[0-9]{1,3}\.(?![0-9])|[(（](?:[a-z]{1,2}|[ivx]{1,6}|[0-9]{1,2})[)）])")
# "安全理事会，" opens a resolution (or statement) and its preamble: every paragraph up to the
# first numbered one is a consideration of its own, ending in a comma.
CHAPEAU_RE = re.compile(r"^(?:安全理事会|安理会|大会|经济及社会理事会|人权理事会)\s*[，,]$")
_PREAMBLE_END = frozenset("，,；;")


class Joiner(Protocol):
    """Joins the pieces of one unit (its lines, or the halves of a sentence cut by a page) into its text."""

    def __call__(self, pieces: list[str]) -> str: ...

    def warnings(self) -> list[str]:
        """What the joiner was unsure of, for the librarian (English: words hyphenated at a line end)."""
        ...


class _ChineseJoiner:
    def __call__(self, pieces: list[str]) -> str:
        return join_pieces(pieces)

    def warnings(self) -> list[str]:
        return []


@dataclass(frozen=True)
class LineRules:
    """How one language's lines rebuild into units (Chinese: :data:`CHINESE`; English: ``english.lines``)."""

    masthead: masthead.MastheadRules
    # A line longer than this (visible characters) cannot be a wrapped PDF line.
    long_line: int
    # Sentence-final punctuation, optionally followed by a footnote marker.
    terminal: re.Pattern[str]
    # "安全理事会，" / "The Security Council,": the line that opens a preamble, at most ``chapeau_max`` long.
    chapeau: re.Pattern[str]
    chapeau_max: int
    # One paragraph per line: an unfinished unit this short ended (a heading); a longer one was cut by a page.
    short_unit: int
    # The joiner for a document, made from its lines (English reads how the document hyphenates words).
    joiner: Callable[[Sequence[Line]], Joiner]
    # A joined unit's spacing made right (Chinese drops the spaces extraction puts between ideographs).
    tidy: Callable[[str], str] = tidy


class _Pending:
    """The unit being rebuilt; decisions only look at its start and end, so joining stays linear."""

    def __init__(self, line: Line) -> None:
        self.pieces = [line.text]
        self.indent = line.indent
        self.visible = visible_len(line.text)
        self.page = line.page

    @property
    def tail(self) -> str:
        return self.pieces[-1][-16:]

    def add(self, line: Line) -> None:
        self.pieces.append(line.text)
        self.visible += visible_len(line.text)

    def unit(self, join: Joiner, rules: LineRules) -> Unit:
        return Unit(rules.tidy(join(self.pieces)), self.indent, self.page)


def _continues(pending: _Pending, rules: LineRules) -> bool:
    tail = pending.tail
    if tail[-1] in _CONTINUATION_END:
        return True
    # Numbered paragraphs and sub-paragraphs always end with a full stop or semicolon, so
    # one that has not yet ended runs on even if the PDF printed a trailing space ("号6 ").
    return bool(_NUMBERED_RE.match(pending.pieces[0])) and not rules.terminal.search(tail)


def _wrapped_boundary(pending: _Pending, prev: Line, nxt: Line, rules: LineRules) -> bool:
    if not prev.trailing_space:
        return False
    return nxt.indent > 0 or bool(BLOCK_START_RE.match(nxt.text)) or not _continues(pending, rules)


def _paragraph_line_boundary(pending: _Pending, nxt: Line, rules: LineRules) -> bool:
    tail = pending.tail
    if rules.terminal.search(tail):
        return True
    if tail[-1] in _CONTINUATION_END:
        return False
    # Only a line cut by a page break is both unfinished and long; headings are short.
    return pending.visible <= rules.short_unit or bool(BLOCK_START_RE.match(nxt.text))


def _is_chapeau(text: str, rules: LineRules) -> bool:
    return len(text) <= rules.chapeau_max and bool(rules.chapeau.match(rules.tidy(text)))


def _preamble_boundary(pending: _Pending, prev: Line, nxt: Line, layout: Layout) -> bool:
    """Inside a preamble every consideration ends in a comma (wrapped text: one with a trailing space)."""
    if pending.tail[-1] not in _PREAMBLE_END:
        return False
    return layout == Layout.PARAGRAPH_LINES or prev.trailing_space or nxt.indent > 0


def join_lines(
    lines: list[Line], layout: Layout, rules: LineRules | None = None, join: Joiner | None = None
) -> list[Unit]:
    """Rebuild logical units from body lines (separators and footnotes already removed)."""
    rules = rules or CHINESE
    join = join or rules.joiner(lines)
    chapeau = rules.chapeau
    units: list[Unit] = []
    pending: _Pending | None = None
    prev: Line | None = None
    preamble = False

    def flush() -> None:
        nonlocal pending, preamble
        if pending is not None:
            unit = pending.unit(join, rules)
            units.append(unit)
            preamble = preamble or bool(chapeau.match(unit.text))
        pending = None

    for line in lines:
        if line.kind == LineKind.TABLE:
            flush()
            units.append(Unit(line.text, line.indent, line.page, table=True))
            prev = None
            continue
        if line.kind != LineKind.TEXT or not line.text:
            continue
        operative = preamble and bool(_NUMBERED_RE.match(line.text))
        if pending is None or prev is None:
            flush()
            pending = _Pending(line)
        else:
            if _is_chapeau(line.text, rules) or (len(pending.pieces) == 1 and _is_chapeau(pending.pieces[0], rules)):
                boundary = True
            elif preamble and (operative or _preamble_boundary(pending, prev, line, layout)):
                # The preamble ends where operative paragraph 1 begins, whatever the last consideration ended in.
                boundary = True
            elif layout == Layout.WRAPPED:
                boundary = _wrapped_boundary(pending, prev, line, rules)
            else:
                boundary = _paragraph_line_boundary(pending, line, rules)
            if boundary:
                flush()
                pending = _Pending(line)
            else:
                pending.add(line)
        preamble = preamble and not operative
        prev = line
    flush()
    return [u for u in units if u.text]


CHINESE = LineRules(
    masthead=masthead.CHINESE,
    long_line=60,
    terminal=TERMINAL_RE,
    chapeau=CHAPEAU_RE,
    chapeau_max=16,
    short_unit=60,
    joiner=lambda _lines: _ChineseJoiner(),
)
