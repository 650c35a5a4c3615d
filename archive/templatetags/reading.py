"""Template helpers for the reading pages."""

from __future__ import annotations

from django import template

from archive import labels
from archive.models import Citation

register = template.Library()

# Django's language codes are lower case; HTML's lang attribute wants BCP 47 script casing.
_BCP47 = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}


@register.filter
def bcp47(language_code: str) -> str:
    """'zh-hans' → 'zh-Hans' for <html lang>, so screen readers and fonts pick Simplified Chinese."""
    return _BCP47.get((language_code or "").lower(), language_code or "")


@register.filter
def cited_place(citation: Citation) -> str:
    """What a citation names: 'S/2016/952，第 60 段'."""
    return labels.cited_place(citation.cited_symbol, citation.pinpoint)
