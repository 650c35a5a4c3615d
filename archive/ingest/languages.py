"""The languages the parser reads, and what each changes in the shared stages.

Every stage is the same pure function for every language; what differs (the masthead's words, where a
sentence ends, how lines join, what a heading, signature or annex looks like, how a citation is
written, what a title says about the date and type) is a table of rules, one per language: the
Chinese ones beside the stages they belong to, the English ones in :mod:`archive.ingest.english`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import clean, footnotes, metadata, segment, tables
from .citations import extract_citations, unrecognised_citations
from .errors import IngestError
from .types import CitationMatch

__all__ = ["CHINESE", "PROFILES", "Profile", "profile_for"]


@dataclass(frozen=True)
class Profile:
    language: str  # a value of archive.models.Language
    lines: clean.LineRules
    table_header: tables.HeaderRule
    segment: segment.SegmentRules
    markers: footnotes.MarkerRules
    extract_citations: Callable[[str], list[CitationMatch]]
    unrecognised_citations: Callable[[str, Sequence[CitationMatch]], list[str]]
    metadata: metadata.MetadataRules
    # In-place definitions feed the glossary, which is Chinese (the archive's reading language).
    abbreviations: bool


CHINESE = Profile(
    language="zh",
    lines=clean.CHINESE,
    table_header=tables.chinese_header,
    segment=segment.CHINESE,
    markers=footnotes.CHINESE,
    extract_citations=extract_citations,
    unrecognised_citations=unrecognised_citations,
    metadata=metadata.CHINESE,
    abbreviations=True,
)


def _profiles() -> dict[str, Profile]:
    from .english import ENGLISH

    return {"zh": CHINESE, "en": ENGLISH}


PROFILES: dict[str, Profile] = _profiles()


def profile_for(language: str) -> Profile:
    """The rules for ``language`` ("zh", "en"); IngestError for a language the parser cannot read yet."""
    try:
        return PROFILES[language]
    except KeyError:
        raise IngestError(
            _("暂时不能导入这种语文的文本（%(language)s）；目前支持：%(supported)s。")
            % {"language": language, "supported": "、".join(PROFILES)}
        ) from None
