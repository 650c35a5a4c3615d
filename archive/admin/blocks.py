"""Blocks (paragraphs) and footnotes: text corrections only, with history.

Everything but the text comes from the parser: anchors are public URLs, so they are never editable,
and blocks are neither added nor deleted here (re-parsing the document is how structure changes).
Saving goes through ``store.update_block_text`` / ``store.update_footnote_text``, which re-extract
the citations; restoring an earlier version from the history page takes the same path.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from archive.forms import FootnoteTextForm, ParagraphTextForm
from archive.ingest import store
from archive.models import DocumentStatus, Footnote, Language, Paragraph


def history_link(obj: Paragraph | Footnote) -> str:
    if obj.pk is None:
        return ""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, _("历史"))


def save_text(block: Paragraph | Footnote, text: str) -> Paragraph | Footnote:
    """Through the store: citations re-extracted, anchor and footnote markers kept."""
    if isinstance(block, Paragraph):
        return store.update_block_text(block, text)
    return store.update_footnote_text(block, text)


class TextOnlyAdmin(SimpleHistoryAdmin):
    """Shared rules: only the text is editable, nothing is added, and no single block is deleted."""

    object_history_list_template = "admin/archive/object_history_list.html"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # No bulk delete: removing a block would break the permanent links to it.  (Deleting a whole
        # document still cascades to its blocks, which is why the delete permission itself stays.)
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), "show_delete": False})

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None):
        raise PermissionDenied

    def get_view_on_site_url(self, obj: Paragraph | Footnote | None = None) -> str | None:
        # A draft's blocks have no public page yet.
        if obj is None or obj.document.status != DocumentStatus.PUBLISHED:
            return None
        return super().get_view_on_site_url(obj)

    @admin.display(description=_("正文"))
    def excerpt(self, obj: Paragraph | Footnote) -> str:
        return Truncator(obj.text).chars(80)


@admin.register(Paragraph)
class ParagraphAdmin(TextOnlyAdmin):
    form = ParagraphTextForm
    list_display = ("__str__", "document", "language", "kind", "number", "excerpt", "is_current")
    list_filter = ("language", "is_current", "kind")
    list_select_related = ("document",)
    search_fields = ("text", "document__symbol", "document__title")
    fields = ("document", "language", "anchor", "kind", "number", "label", "is_current", "text")
    readonly_fields = ("document", "language", "anchor", "kind", "number", "label", "is_current")

    def save_model(self, request: HttpRequest, obj: Paragraph, form: Any, change: bool) -> None:
        # ``obj`` may be a version restored from history (stale position, markers...): only its text is taken.
        save_text(Paragraph.objects.get(pk=obj.pk), form.cleaned_data["text"])


@admin.register(Footnote)
class FootnoteAdmin(TextOnlyAdmin):
    form = FootnoteTextForm
    list_display = ("__str__", "document", "language", "number", "excerpt")
    list_filter = ("language",)
    list_select_related = ("document",)
    search_fields = ("text", "document__symbol", "document__title")
    fields = ("document", "language", "anchor", "number", "text")
    readonly_fields = ("document", "language", "anchor", "number")

    def save_model(self, request: HttpRequest, obj: Footnote, form: Any, change: bool) -> None:
        save_text(Footnote.objects.get(pk=obj.pk), form.cleaned_data["text"])


class StoreTextFormSet(BaseInlineFormSet):
    """Saves each changed text through the store, never with a plain model save."""

    def save(self, commit: bool = True) -> list[Paragraph | Footnote]:
        # The admin's change message reads these three lists.
        self.new_objects, self.deleted_objects, self.changed_objects = [], [], []
        for form in self.initial_forms:
            if not form.has_changed():
                continue
            # The form has already written the new text onto its instance: compare with the stored row.
            stored = type(form.instance).objects.get(pk=form.instance.pk)
            before = stored.text
            saved = save_text(stored, form.cleaned_data["text"])
            if saved.text != before:  # a textarea's CRLF line ends alone are no change
                self.changed_objects.append((saved, ["text"]))
        return [obj for obj, _fields in self.changed_objects]


class BlockInline(admin.TabularInline):
    formset = StoreTextFormSet
    extra = 0
    can_delete = False
    show_change_link = False
    view_on_site = False  # one link per row to a page a draft does not have yet

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("历史"))
    def history(self, obj: Paragraph | Footnote) -> str:
        return history_link(obj)


class ParagraphInline(BlockInline):
    model = Paragraph
    form = ParagraphTextForm
    fields = ("anchor", "number", "kind", "text", "history")
    readonly_fields = ("anchor", "number", "kind", "history")
    verbose_name = _("段落")
    verbose_name_plural = _("段落（可直接修改文字；锚点永不改变）")
    language = Language.ZH

    def get_queryset(self, request: HttpRequest) -> QuerySet[Paragraph]:
        # Retired blocks exist only so old links resolve; they are not part of the text any more.
        return super().get_queryset(request).in_language(self.language).current().in_reading_order()


class FootnoteInline(BlockInline):
    model = Footnote
    form = FootnoteTextForm
    fields = ("anchor", "number", "text", "history")
    readonly_fields = ("anchor", "number", "history")
    verbose_name = _("脚注")
    verbose_name_plural = _("脚注")
    language = Language.ZH

    def get_queryset(self, request: HttpRequest) -> QuerySet[Footnote]:
        return super().get_queryset(request).filter(language=self.language)


class EnglishParagraphInline(ParagraphInline):
    """The English version's blocks, folded away: their anchors are their Chinese partners'."""

    verbose_name = _("英文段落")
    verbose_name_plural = _("英文本的段落（锚点即配对的中文段落的锚点；改配对请用“英文本与配对”）")
    classes = ["collapse"]
    language = Language.EN


class EnglishFootnoteInline(FootnoteInline):
    verbose_name = _("英文脚注")
    verbose_name_plural = _("英文本的脚注")
    classes = ["collapse"]
    language = Language.EN
