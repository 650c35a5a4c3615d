"""Value types passed between the ingest stages.

Every stage is a pure function over these dataclasses; only ``archive.ingest.store``
turns them into database rows.  Offsets are character offsets into the block's
``text`` as stored (faithful to the source, not NFKC-normalised).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class BlockKind(StrEnum):
    TITLE = "title"
    HEADING = "heading"
    PREAMBULAR = "preambular"
    PARAGRAPH = "paragraph"
    SUBPARAGRAPH = "subparagraph"
    LIST_ITEM = "list_item"
    TABLE = "table"
    SIGNATURE = "signature"


class CitationKind(StrEnum):
    SC_RESOLUTION = "sc_resolution"
    GA_RESOLUTION = "ga_resolution"
    PRESIDENTIAL_STATEMENT = "presidential_statement"
    DOCUMENT = "document"


@dataclass(frozen=True)
class CitationMatch:
    """One citation found in a run of text.

    ``symbol`` is normalised (``S/RES/2645(2022)``, ``A/RES/72/262C``,
    ``A/55/985-S/2001/574``); ``pinpoint`` is ``None`` or a normalised pin-point in the grammar of
    :mod:`archive.ingest.pinpoints`: ``"60"``, ``"29-47"``, ``"53,54,57"``, ``"附件"``, ``"附件一:2"``,
    ``"序言:3"``, ``"摘要"``.  ``start``/``end`` delimit
    the matched text in the string that was searched (``text == s[start:end]``).
    """

    symbol: str
    kind: CitationKind
    text: str
    start: int
    end: int
    pinpoint: str | None = None


@dataclass(frozen=True)
class FootnoteRef:
    """A footnote marker removed from a block's text; ``position`` is where it stood."""

    number: str
    position: int


@dataclass
class Block:
    kind: BlockKind
    text: str
    # Official paragraph number printed in the text ("12"), only for numbered paragraphs.
    number: str | None = None
    # Printed label of a sub-paragraph or list item: "(a)", "(iv)", "•", "-".
    label: str | None = None
    footnote_refs: list[FootnoteRef] = field(default_factory=list)
    citations: list[CitationMatch] = field(default_factory=list)
    # The part of the document the block belongs to: "" for the main body, else the anchor prefix
    # of an annex or enclosure ("annex1", "annex2", "enclosure1"); the part's heading carries it too.
    section: str = ""
    # Official (PDF) page on which the block starts; None when the text gives no page evidence.
    page: int | None = None


@dataclass
class Footnote:
    number: str
    text: str
    citations: list[CitationMatch] = field(default_factory=list)
    page: int | None = None


@dataclass(frozen=True)
class Abbreviation:
    """An abbreviation defined in place: 联合国海地综合办事处(联海综合办)."""

    full: str
    short: str


@dataclass
class Metadata:
    title: str | None = None
    date: dt.date | None = None
    symbol: str | None = None
    # Value of the DocumentType choices in archive.models ("letter", "report", ...).
    doc_type: str | None = None
    # From the masthead: the English issue date ("10 February 2023"), the language of the original
    # ("Original: English" → "en", a value of archive.models.Language) and the job number ("23-02345").
    issued_on: dt.date | None = None
    original_language: str | None = None
    job_number: str | None = None


@dataclass
class ParsedDocument:
    metadata: Metadata
    blocks: list[Block]
    footnotes: list[Footnote]
    abbreviations: list[Abbreviation] = field(default_factory=list)
    # Human-readable (Chinese) notes for the librarian: numbering gaps, orphan markers...
    warnings: list[str] = field(default_factory=list)
    # The language of the text ("zh", "en"): a value of archive.models.Language.
    language: str = "zh"
