"""A document's English text in the admin: paste or upload → preview and pairing table → correct → save.

Opened from the document's page ("添加英文本", or "英文本与配对" once it has one; ``?current=1``
reviews the stored text, to correct its pairing).  The page shows the same facts as adding a document
(``_preview.html``) and, beside each Chinese block, its English partner with a field for the Chinese
anchor it pairs with; one shared list of the Chinese anchors (a datalist) helps typing it, and the page
works without script.  A changed pairing is previewed again before it can be saved.  One message
per outcome.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin import ModelAdmin, helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.ingest import store
from archive.ingest.align import Basis
from archive.ingest.errors import IngestError
from archive.models import Document, Language
from archive.version_forms import VersionForm, pair_field

from .previews import error_summary, preview_context

TEMPLATE = "admin/archive/document/version_form.html"
_BASIS_LABELS = {
    Basis.CHOSEN: gettext_lazy("人工指定"),
    Basis.KEPT: gettext_lazy("沿用已保存的配对"),
    Basis.NUMBER: gettext_lazy("按编号"),
    Basis.ORDER: gettext_lazy("按顺序"),
    Basis.NONE: gettext_lazy("未配对"),
}


def pairing_rows(form: VersionForm) -> list[dict[str, Any]]:
    """The pairing table: each Chinese block beside its English partner and the field that names it."""
    preview = form.preview
    assert preview is not None
    rows = []
    for row in preview.rows:
        field = (
            form[pair_field(row.block.index - 1)]
            if row.block is not None and pair_field(row.block.index - 1) in form.fields
            else None
        )
        rows.append(
            {
                "row": row,
                "field": field,
                "basis": _BASIS_LABELS[row.basis] if row.basis else "",
                "alone": row.block is None or row.chinese is None,
            }
        )
    return rows


def version_view(
    model_admin: ModelAdmin, request: HttpRequest, object_id: str, language: str = Language.EN
) -> HttpResponse:
    doc = model_admin.get_object(request, unquote(object_id))
    if doc is None:
        raise Http404
    if not model_admin.has_change_permission(request, doc):
        raise PermissionDenied
    change_url = reverse("admin:archive_document_change", args=[doc.pk])
    version = doc.versions.filter(language=language).first()
    if request.method != "POST":
        if version is not None and request.GET.get("current"):
            form = _reviewed(doc, {"step": VersionForm.SOURCE, "raw_text": version.raw_text}, language)
        else:
            form = VersionForm(doc, language=language)
        return _render(model_admin, request, doc, form, version)
    form = VersionForm(doc, request.POST, request.FILES, language=language)
    valid = form.is_valid()
    if form.preview is not None and not form.is_review:
        return _render(model_admin, request, doc, _reviewed(doc, form.review_data(), language), version)
    if valid and "_save" in request.POST:
        if form.changed_since_preview:
            messages.warning(request, _("预览之后内容或配对有改动。请核对下面的新预览，再保存。"))
        else:
            try:
                with transaction.atomic():
                    result = form.save()
                    if result.outcome != store.Outcome.UNCHANGED:
                        model_admin.log_change(request, doc, [{"changed": {"fields": [_("英文本")]}}])
            except IngestError as exc:
                form.add_error(None, str(exc))
            else:
                model_admin.message_user(request, *_saved_message(result))
                return HttpResponseRedirect(change_url)
    form.data = form.data.copy()
    if form.preview is not None:
        form.data["fingerprint"] = form.preview_fingerprint()  # the next save must match this page
    else:
        form.data["step"] = VersionForm.SOURCE  # the text itself is unusable: back to pasting
    return _render(model_admin, request, doc, form, version)


def _reviewed(doc: Document, data: dict[str, str], language: str) -> VersionForm:
    """The form at its review step for ``data`` (a text just accepted, or the stored one)."""
    form = VersionForm(doc, data, language=language)
    form.is_valid()
    if form.preview is not None and not form.is_review:
        form = VersionForm(doc, form.review_data(), language=language)
        form.is_valid()
    return form


def _saved_message(result: store.VersionResult) -> tuple[str, str]:
    doc, alignment = result.document, result.alignment
    counts = {"paired": alignment.paired_count, "unpaired": len(alignment.pairs) - alignment.paired_count}
    if result.outcome == store.Outcome.UNCHANGED:
        return _("英文本的文字和配对都没有改动，没有保存任何内容。"), messages.INFO
    text = {
        store.Outcome.CREATED: _("已为“{}”添加英文本：%(paired)d 个文本块与中文配对，%(unpaired)d 个没有中文对应。"),
        store.Outcome.REPLACED: _("已替换“{}”的英文本：%(paired)d 个文本块与中文配对，%(unpaired)d 个没有中文对应。"),
        store.Outcome.REALIGNED: _(
            "已更新“{}”英文本的配对：%(paired)d 个文本块与中文配对，%(unpaired)d 个没有中文对应。"
        ),
    }[result.outcome]
    return format_html(text % counts, doc), messages.SUCCESS


def _render(
    model_admin: ModelAdmin, request: HttpRequest, doc: Document, form: VersionForm, version: Any
) -> HttpResponse:
    def admin_form(*fieldsets: tuple[Any, dict[str, Any]]) -> helpers.AdminForm:
        return helpers.AdminForm(form, list(fieldsets), {}, model_admin=model_admin)

    review = form.is_review and form.preview is not None
    context = {
        **model_admin.admin_site.each_context(request),
        "title": (_("英文本：核对预览和配对") if review else _("添加英文本")) + f" · {doc}",
        "opts": model_admin.opts,
        "original": doc,
        "form": form,
        "version": version,
        "media": model_admin.media + form.media,
        "change_url": reverse("admin:archive_document_change", args=[doc.pk]),
        "max_bytes": form.max_bytes,
        "error_summary": error_summary(form, {"title"} | {n for n in form.fields if n.startswith("pair-")}),
        "source_form": admin_form((None, {"fields": ["raw_text", "upload"]})),
        "title_form": admin_form((None, {"fields": ["title"]})),
        "text_form": admin_form(
            (
                _("英文原始文本"),
                {
                    "fields": ["raw_text"],
                    "classes": ["collapse"],
                    "description": _("可以在这里删掉残留的页眉等内容，再点“更新预览”；配对会重新计算。"),
                },
            )
        ),
    }
    if review:
        context.update(preview_context(form.preview))
        context["pairing"] = pairing_rows(form)
    return TemplateResponse(request, TEMPLATE, context)
