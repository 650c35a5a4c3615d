"""How a reader names documents, blocks and pin-points ('S/2018/1183，第 12 段')."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from archive.models import BlockKind, Document, Paragraph

_SUB_ANCHOR = re.compile(r"^p(?P<number>[0-9]+)-(?P<label>[a-z0-9]+)$")


def block_label(p: Paragraph) -> str:
    """How a reader names a block: '第 12 段', '第 7(a) 段', or its kind ('小标题') when it has no number."""
    if p.number:
        return _("第 %(number)s 段") % {"number": p.number}
    sub = _SUB_ANCHOR.match(p.anchor)
    if sub and p.kind == BlockKind.SUBPARAGRAPH:
        return _("第 %(number)s(%(label)s) 段") % sub.groupdict()
    return str(p.get_kind_display())


def document_label(doc: Document) -> str:
    return doc.symbol or doc.title or doc.public_id


def citation_line(p: Paragraph) -> str:
    """The ready-to-paste reference: 'S/2018/1183，第 12 段' (just the document for unnumbered blocks)."""
    label = document_label(p.document)
    if p.number or _SUB_ANCHOR.match(p.anchor):
        return _("%(doc)s，%(block)s") % {"doc": label, "block": block_label(p)}
    return label


def pinpoint_label(pinpoint: str) -> str:
    """A normalised pin-point for reading: '60' → '第 60 段', '53,54,57' → '第 53、54、57 段'."""
    if not pinpoint:
        return ""
    if re.fullmatch(r"[0-9,\-]+", pinpoint):
        return _("第 %(numbers)s 段") % {"numbers": pinpoint.replace(",", "、")}
    return pinpoint
