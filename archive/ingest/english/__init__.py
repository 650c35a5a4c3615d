"""The English rules of the parser: the same stages, reading an English UN document.

English shares the structure of the Chinese text (page furniture, footnote areas, numbered
paragraphs ``1.``, sub-paragraphs ``(a)`` ``(i)``, bullets, preambles, annexes, tables, signatures,
pages) and differs where the language does, each in its module:

* :mod:`.masthead` — ``United Nations S/2018/1183``, ``Security Council Distr.: General``;
* :mod:`.lines` — sentences end with a full stop, words keep their spaces, a word hyphenated at a
  line end is mended only where the document shows it is one word;
* :mod:`.segment` — headings, titles, ``(Signed)`` signatures, ``Annex II``, ``The Security Council,``;
* :mod:`.footnotes` — markers glued to the word or punctuation before them;
* :mod:`.citations` — ``resolution 2645 (2022)``, ``S/2016/952, para. 60``, pin-points in the
  language-neutral grammar of :mod:`archive.ingest.pinpoints`;
* :mod:`.metadata` — ``Letter dated 8 October 2022 from …``, ``Report of the Secretary-General``.

No abbreviations are gathered: the glossary is the archive's Chinese one.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..languages import Profile
from . import citations, footnotes, lines, metadata, segment

__all__ = ["ENGLISH", "english_header"]


def english_header(tokens: Sequence[str]) -> bool:
    """A line of capitalised words ("Phase Military Police Civilian") may head a table."""
    return all(t[0].isupper() and t.isalpha() for t in tokens)


ENGLISH = Profile(
    language="en",
    lines=lines.ENGLISH,
    table_header=english_header,
    segment=segment.ENGLISH,
    markers=footnotes.ENGLISH,
    extract_citations=citations.extract_citations,
    unrecognised_citations=citations.unrecognised_citations,
    metadata=metadata.ENGLISH,
    abbreviations=False,
)
