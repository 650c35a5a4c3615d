"""A document's text fingerprint: what "the same text" means when two files differ only in form.

Two extractions of one document rarely agree byte for byte: one PDF tool wraps lines where another
does not, page headers and job numbers come and go, spacing around numbers varies
(``2024 年`` / ``2024年``), full-width and half-width forms mix.  The parser already removes the
page furniture; the fingerprint is taken over what it keeps (each block's number, label and text,
then each footnote's), NFKC-folded and with every whitespace character removed.  So a Word file
and a PDF of the same letter, or the same text with a different header, share a fingerprint,
while any change of wording, punctuation or paragraph numbering makes a different one.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from typing import Protocol

from .types import ParsedDocument

__all__ = ["parsed_fingerprint", "text_fingerprint"]

_WHITESPACE_RE = re.compile(r"\s+")
# Separators that cannot occur in cleaned text (control characters are refused on import).
_FIELD, _UNIT, _PART = "\x1f", "\x1e", "\x1d"


class _Numbered(Protocol):
    number: str | None
    text: str


def _fold(value: str | None) -> str:
    return _WHITESPACE_RE.sub("", unicodedata.normalize("NFKC", value or ""))


def text_fingerprint(blocks: Iterable[_Numbered], footnotes: Iterable[_Numbered]) -> str:
    """SHA-256 (hex) of the blocks' and footnotes' numbers, labels and texts, folded as described above.

    Takes the parser's blocks and footnotes or the preview's (both have ``number`` and ``text``;
    blocks may have a ``label``), so a preview and an import of one text agree.
    """
    units = [
        _FIELD.join((_fold(b.number), _fold(getattr(b, "label", None)), _fold(b.text))) for b in blocks if _fold(b.text)
    ]
    notes = [_FIELD.join((_fold(f.number), _fold(f.text))) for f in footnotes if _fold(f.text)]
    payload = _UNIT.join(units) + _PART + _UNIT.join(notes)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def parsed_fingerprint(parsed: ParsedDocument) -> str:
    return text_fingerprint(parsed.blocks, parsed.footnotes)
