"""What changed in a document's text: the block and footnote changes its history page lists.

A document's own history records its fields (title, status, raw text); its blocks and footnotes
keep their own histories.  A librarian reading the document's history wants both: which blocks
changed, from what to what, and where to restore one.  The blocks' history rows are read in two
queries (blocks, footnotes) for the whole document, and each change is paired with the record
before it in memory.  The blocks created by the document's first import are summed up in one
line rather than listed one by one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.template_utils import HistoricalRecordContextHelper

from archive.models import Document, Footnote, Language, Paragraph

# Records of the first import are written within moments of each other.
FIRST_IMPORT_WINDOW = dt.timedelta(seconds=30)
# Enough of a long paragraph on both sides of a change to recognise it.
SHOWN_CHARS = 240
PER_PAGE = 50

_CONTENT = {Paragraph: ["text", "kind", "number", "label", "is_current"], Footnote: ["text", "number"]}
_ACTIONS = {"+": gettext_lazy("新增"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}


@dataclass
class BlockChange:
    when: dt.datetime
    user: Any
    kind: str  # 段落 / 脚注
    anchor: str
    history_url: str
    action: str
    changes: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class BlockHistory:
    first_import: dt.datetime | None
    first_import_blocks: int
    page: Page


def _records(model: type[Paragraph] | type[Footnote], doc: Document) -> list[Any]:
    records = model.history.filter(document_id=doc.pk).select_related("history_user")
    return list(records.order_by("id", "history_date", "history_id"))


def _changes(
    model: type[Paragraph] | type[Footnote], records: Sequence[Any], is_first_import: Callable[[Any], bool]
) -> list[BlockChange]:
    found = []
    previous: dict[int, Any] = {}
    kind = str(model._meta.verbose_name)
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        if is_first_import(record):
            continue  # part of the first import: counted, not listed
        changes: list[dict[str, Any]] = []
        action = str(_ACTIONS[record.history_type])
        if record.history_type == "~" and before is not None:
            delta = record.diff_against(before, included_fields=_CONTENT[model])
            if not delta.changes:
                continue  # a move, not a change of content
            helper = HistoricalRecordContextHelper(model, record, max_displayed_delta_change_chars=SHOWN_CHARS)
            changes = helper.context_for_delta_changes(delta)
            if [c.field for c in delta.changes] == ["is_current"] and not record.is_current:
                action = _("不再在现行文本中（旧链接仍有效）")
        elif record.history_type == "+":
            changes = [{"field": _model_label(model, "text"), "old": "", "new": _shorten(record.text)}]
        found.append(
            BlockChange(
                when=record.history_date,
                user=record.history_user,
                kind=kind if record.language == Language.ZH else f"{kind}（{Language(record.language).label}）",
                anchor=record.anchor,
                history_url=reverse(f"admin:archive_{model._meta.model_name}_history", args=[record.id]),
                action=action,
                changes=changes,
            )
        )
    return found


def _model_label(model: type[Paragraph] | type[Footnote], name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


def _shorten(text: str) -> str:
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def block_history(doc: Document, request: HttpRequest) -> BlockHistory:
    """The changes to ``doc``'s blocks and footnotes, newest first, a page at a time (``?blocks_page=``)."""
    paragraphs, footnotes = _records(Paragraph, doc), _records(Footnote, doc)
    # Each language's first import (the Chinese text's, an English version's) is summed up, not listed.
    firsts: dict[str, dt.datetime] = {}
    for record in (*paragraphs, *footnotes):
        if record.history_type == "+":
            firsts[record.language] = min(firsts.get(record.language, record.history_date), record.history_date)
    first = firsts.get(Language.ZH)

    def first_import(record: Any) -> bool:
        start = firsts.get(record.language)
        return record.history_type == "+" and start is not None and record.history_date - start <= FIRST_IMPORT_WINDOW

    first_blocks = sum(1 for r in paragraphs if first_import(r) and r.language == Language.ZH)
    rows = _changes(Paragraph, paragraphs, first_import) + _changes(Footnote, footnotes, first_import)
    rows.sort(key=lambda c: c.when, reverse=True)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("blocks_page"))
    return BlockHistory(first_import=first, first_import_blocks=first_blocks, page=page)
