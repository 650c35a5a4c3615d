"""What the admin shows of a preview: labels the templates cannot look up, and one message per refusal.

Shared by adding a document, re-parsing one and adding a version of one.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.forms import Form
from django.utils.translation import gettext_lazy

from archive.ingest import store
from archive.models import BlockKind, CitationKind

_TARGET_LABELS = {
    store.CitationTarget.TEXT: gettext_lazy("本库有原文"),
    store.CitationTarget.HUB: gettext_lazy("本库只有引用页"),
    store.CitationTarget.NEW: gettext_lazy("本库没有（将新建引用页）"),
}
_CHANGE_LABELS = {
    store.BlockChange.NEW: gettext_lazy("新"),
    store.BlockChange.CHANGED: gettext_lazy("有改动"),
    store.BlockChange.SAME: "",
}


def preview_context(preview: store.Preview) -> dict[str, Any]:
    """Labels the templates need next to the preview (they cannot look up choices themselves)."""
    kinds = dict(BlockKind.choices)
    citation_kinds = dict(CitationKind.choices)
    return {
        "preview": preview,
        "blocks": [
            {"block": b, "kind": kinds.get(b.kind, b.kind), "change": _CHANGE_LABELS[b.change]} for b in preview.blocks
        ],
        "citations": [
            {"citation": c, "kind": citation_kinds.get(c.kind, c.kind), "target": _TARGET_LABELS[c.target]}
            for c in preview.citations
        ],
        "changed_blocks": sum(1 for b in preview.blocks if b.change != store.BlockChange.SAME),
    }


_REVIEW_FIELDS = frozenset({"symbol", "date", "title", "doc_type", "reissue"})


def error_summary(form: Form, review_fields: Iterable[str] = _REVIEW_FIELDS) -> dict[str, Any] | None:
    """One message for a refusal: the reasons themselves at the top, each said once.

    Errors of fields shown on the page stay next to their field, and the summary names those
    fields; every other reason (the text already held, a problem of the folded-away text) is
    written out in the summary, because nowhere else on the page shows it.  ``review_fields`` are the
    fields the review step shows.
    """
    if not form.errors:
        return None
    shown = set(review_fields) if form.is_review else {"raw_text", "upload"}
    reasons = [str(e) for name, errors in form.errors.items() if name not in shown for e in errors]
    fields = [str(form.fields[name].label) for name in form.errors if name in shown and name in form.fields]
    return {"reasons": reasons, "fields": fields}
