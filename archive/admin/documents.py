"""Documents: the change list, adding by paste or upload with a preview, corrections, publishing, re-parsing."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from simple_history.admin import SimpleHistoryAdmin

from archive.forms import DocumentForm, ImportForm
from archive.ingest import store
from archive.ingest.errors import IngestError
from archive.models import Citation, Document, DocumentStatus, Language

from .acquisitions import acquisition_view
from .blocks import EnglishFootnoteInline, EnglishParagraphInline, FootnoteInline, ParagraphInline
from .history import block_history
from .previews import error_summary, preview_context
from .versions import version_view

# --- change list: queries and filters ------------------------------------------------------------


def with_unresolved_citation_counts(documents: QuerySet[Document]) -> QuerySet[Document]:
    """Annotate ``unresolved_count``: citations in the document's Chinese text (body or footnotes) whose
    cited text the archive does not hold (its English version cites the same documents again).  Two
    correlated subqueries, so the change list costs no query per row."""

    def count_in(document_path: str) -> Coalesce:
        language = document_path.replace("__document", "__language")
        rows = (
            Citation.objects.unresolved()
            .filter(**{document_path: OuterRef("pk"), language: Language.ZH})
            .order_by()
            .values(document_path)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(rows, output_field=IntegerField()), 0)

    return documents.annotate(unresolved_count=count_in("paragraph__document") + count_in("footnote__document"))


class YearFilter(admin.SimpleListFilter):
    title = gettext_lazy("年份")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(str(row["year"]), str(row["year"])) for row in Document.objects.year_counts() if row["year"]]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Document]) -> QuerySet[Document]:
        value = self.value()
        return queryset.in_year(int(value)) if value and value.isdigit() else queryset


class UnresolvedCitationsFilter(admin.SimpleListFilter):
    title = gettext_lazy("未解析的引用")
    parameter_name = "unresolved"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", _("有未解析的引用")), ("no", _("没有"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Document]) -> QuerySet[Document]:
        if self.value() == "yes":
            return queryset.filter(unresolved_count__gt=0)
        if self.value() == "no":
            return queryset.filter(unresolved_count=0)
        return queryset


class HoldingFilter(admin.SimpleListFilter):
    title = gettext_lazy("收录")
    parameter_name = "holding"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("text", _("有原文")), ("hub", _("仅引用（无原文）"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Document]) -> QuerySet[Document]:
        if self.value() == "text":
            return queryset.with_text()
        if self.value() == "hub":
            return queryset.hubs()
        return queryset


# --- the admin ---------------------------------------------------------------------------------------


@admin.register(Document)
class DocumentAdmin(SimpleHistoryAdmin):
    object_history_template = "admin/archive/document/object_history.html"
    object_history_list_template = "admin/archive/object_history_list.html"
    form = DocumentForm
    list_display = ("label", "title", "date", "doc_type", "status_label", "holding", "unresolved")
    list_display_links = ("label", "title")
    list_filter = ("doc_type", YearFilter, "status", UnresolvedCitationsFilter, HoldingFilter)
    search_fields = ("symbol", "title", "public_id", "symbol_aliases__symbol")
    list_per_page = 50
    actions = ["publish", "make_draft"]
    fieldsets = (
        (None, {"fields": ("symbol", "title", "date", "doc_type", "status")}),
        (
            gettext_lazy("原始文本"),
            {
                "classes": ("collapse",),
                "fields": ("public_id", "raw_text", "source_sha256", "created_at", "updated_at"),
            },
        ),
    )
    readonly_fields = ("public_id", "raw_text", "source_sha256", "created_at", "updated_at")
    inlines = [ParagraphInline, FootnoteInline, EnglishParagraphInline, EnglishFootnoteInline]
    import_template = "admin/archive/document/import_form.html"
    reparse_template = "admin/archive/document/reparse_confirm.html"

    # -- change list

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return with_unresolved_citation_counts(super().get_queryset(request))

    @admin.display(description=gettext_lazy("文号"), ordering="symbol")
    def label(self, doc: Document) -> str:
        return doc.symbol or _("（无文号 %(id)s）") % {"id": doc.public_id}

    @admin.display(description=gettext_lazy("状态"), ordering="status")
    def status_label(self, doc: Document) -> str:
        return doc.get_status_display() if doc.has_text else "—"

    @admin.display(description=gettext_lazy("收录"))
    def holding(self, doc: Document) -> str:
        if doc.has_text:
            return _("原文")
        return format_html('<span class="hub-badge">{}</span>', _("仅引用"))

    @admin.display(description=gettext_lazy("未解析引用"), ordering="unresolved_count")
    def unresolved(self, doc: Document) -> int | str:
        return doc.unresolved_count if doc.has_text else "—"

    @admin.action(description=gettext_lazy("发布所选文件"), permissions=["change"])
    def publish(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        changed = store.set_status(queryset, DocumentStatus.PUBLISHED)
        self.message_user(
            request,
            ngettext("已发布 %(n)d 份文件。", "已发布 %(n)d 份文件。", len(changed)) % {"n": len(changed)},
            messages.SUCCESS,
        )

    @admin.action(description=gettext_lazy("把所选文件改为草稿（读者不可见）"), permissions=["change"])
    def make_draft(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        changed = store.set_status(queryset, DocumentStatus.DRAFT)
        self.message_user(
            request,
            ngettext("已把 %(n)d 份文件改为草稿。", "已把 %(n)d 份文件改为草稿。", len(changed)) % {"n": len(changed)},
            messages.SUCCESS,
        )

    # -- permissions: a hub (a cited symbol without text) is shown, never edited or deleted

    def has_change_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        if obj is not None and not obj.has_text:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Document | None = None) -> bool:
        # Hubs and documents published once keep their URLs (archive/ingest/store/removing.py).
        if obj is not None and store.removal_refusal(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_deleted_objects(self, objs, request: HttpRequest):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        # The confirmation page lists why, not only that, a selected document cannot be deleted.
        refusals = {r for r in (store.removal_refusal(o) for o in objs if isinstance(o, Document)) if r}
        return deleted, counts, refusals or perms_needed, protected

    def delete_model(self, request: HttpRequest, obj: Document) -> None:
        self._report_removal(request, store.remove_documents([obj]))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        self._report_removal(request, store.remove_documents(list(queryset)))

    def _report_removal(self, request: HttpRequest, removal: store.Removal) -> None:
        if removal.kept_as_hub:
            self.message_user(
                request,
                _("%(symbols)s 被其他文件引用：已删除其文本，保留为文号页面，引用链接不受影响。")
                % {"symbols": "、".join(removal.kept_as_hub)},
                messages.WARNING,
            )

    def get_fieldsets(self, request: HttpRequest, obj: Document | None = None):
        if obj is not None and not obj.has_text:
            return [(None, {"fields": ("symbol", "doc_type")})]  # a hub has no title, date, status or text
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request: HttpRequest, obj: Document | None) -> list:
        if obj is None or not obj.has_text:
            return []
        if not obj.versions.filter(language=Language.EN).exists():
            return [ParagraphInline, FootnoteInline]
        return self.inlines

    def get_view_on_site_url(self, obj: Document | None = None) -> str | None:
        # A draft has no public page yet.
        if obj is None or (obj.has_text and obj.status != DocumentStatus.PUBLISHED):
            return None
        return super().get_view_on_site_url(obj)

    # -- saving corrections: through the store, in the admin's transaction

    def get_form(self, request: HttpRequest, obj: Document | None = None, change: bool = False, **kwargs: Any):
        # The admin would otherwise list every fieldset field as a model field, making "symbol" a
        # plain column update (and unique-checked against hubs it may legitimately absorb).  It is a
        # form field only; save_model passes it to store.change_symbol.
        kwargs["fields"] = list(DocumentForm.Meta.fields)
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request: HttpRequest, obj: Document, form: DocumentForm, change: bool) -> None:
        store.save_details(obj, symbol=form.cleaned_data["symbol"])

    # -- extra pages

    def get_urls(self) -> list:
        opts = self.opts
        return [
            path(
                "acquisitions/",
                self.admin_site.admin_view(lambda request: acquisition_view(self, request)),
                name=f"{opts.app_label}_{opts.model_name}_acquisitions",
            ),
            path(
                "<path:object_id>/reparse/",
                self.admin_site.admin_view(self.reparse_view),
                name=f"{opts.app_label}_{opts.model_name}_reparse",
            ),
            path(
                "<path:object_id>/english/",
                self.admin_site.admin_view(lambda request, object_id: version_view(self, request, object_id)),
                name=f"{opts.app_label}_{opts.model_name}_english",
            ),
            *super().get_urls(),
        ]

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        """The document's versions and, below them, what changed in its blocks and footnotes."""
        doc = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {})}
        if doc is not None:
            context["block_history"] = block_history(doc, request)
        return super().history_view(request, object_id, context)

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        doc = self.get_object(request, unquote(object_id))
        context = {**(extra_context or {}), "is_hub": doc is not None and not doc.has_text}
        if doc is not None and doc.has_text and self.has_change_permission(request, doc):
            context["reparse_url"] = reverse("admin:archive_document_reparse", args=[doc.pk])
            context["english_url"] = reverse("admin:archive_document_english", args=[doc.pk])
            context["english"] = doc.versions.filter(language=Language.EN).first()
        return super().change_view(request, object_id, form_url, context)

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None) -> HttpResponse:
        """Paste or upload → preview (nothing saved) → save as a draft or publish (one transaction), or cancel."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return self._render_import(request, ImportForm())
        form = ImportForm(request.POST, request.FILES)
        valid = form.is_valid()
        if form.preview is not None and not form.is_review:
            # Text accepted: go to review with everything detected filled in, its problems shown.
            form = ImportForm(form.review_data())
            form.is_valid()
            return self._render_import(request, form)
        status = self._status_chosen(request)
        if valid and status is not None:
            if form.changed_since_preview:
                messages.warning(request, _("预览之后内容有改动。请核对下面的新预览，再保存。"))
            else:
                try:
                    with transaction.atomic():
                        result = form.save(status)
                        self.log_addition(request, result.document, [{"added": {}}])
                except IngestError as exc:
                    form.add_error(None, str(exc))
                else:
                    return self._imported(request, result.document)
        form.data = form.data.copy()
        if form.preview is not None:
            # The next confirmation must match what this page shows.
            form.data["fingerprint"] = form.preview_fingerprint()
        else:
            form.data["step"] = ImportForm.SOURCE  # the text itself is unusable: back to pasting
        return self._render_import(request, form)

    @staticmethod
    def _status_chosen(request: HttpRequest) -> str | None:
        """Which of the two save buttons was pressed (None: a preview was asked for)."""
        if "_save_publish" in request.POST:
            return DocumentStatus.PUBLISHED
        if "_save_draft" in request.POST:
            return DocumentStatus.DRAFT
        return None

    def _imported(self, request: HttpRequest, doc: Document) -> HttpResponse:
        if doc.status == DocumentStatus.PUBLISHED:
            message = format_html(
                _('已添加并发布“{}”。读者页面：<a href="{}">{}</a>'),
                doc,
                doc.get_absolute_url(),
                doc.get_absolute_url(),
            )
        else:
            # The draft notice on the document's page says what a draft means; one message is enough.
            message = format_html(_("已保存为草稿“{}”。"), doc)
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:archive_document_change", args=[doc.pk]))

    def _render_import(self, request: HttpRequest, form: ImportForm) -> HttpResponse:
        def admin_form(*fieldsets: tuple[Any, dict[str, Any]]) -> helpers.AdminForm:
            return helpers.AdminForm(form, list(fieldsets), {}, model_admin=self)

        meta_fields = ["symbol", "date", "title", "doc_type"]
        if form.duplicate_of is not None or (form.is_bound and form.data.get("reissue")):
            meta_fields.append("reissue")  # asked only when the text is already held under another symbol
        context = {
            "source_form": admin_form((None, {"fields": ["raw_text", "upload"]})),
            "meta_form": admin_form(
                (
                    _("文件信息"),
                    {
                        "fields": meta_fields,
                        "description": _("已根据文本自动填写，请核对。修改后点“更新预览”查看效果。"),
                    },
                )
            ),
            "text_form": admin_form(
                (
                    _("原始文本"),
                    {
                        "fields": ["raw_text"],
                        "classes": ["collapse"],
                        "description": _("可以在这里删掉残留的页眉等内容，再点“更新预览”。"),
                    },
                )
            ),
            **self.admin_site.each_context(request),
            "title": _("添加文件：核对预览") if form.is_review and form.preview else _("添加文件"),
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "changelist_url": reverse("admin:archive_document_changelist"),
            "max_bytes": form.max_bytes,
            "error_summary": error_summary(form),
            **(preview_context(form.preview) if form.is_review and form.preview and not form.text_refused else {}),
        }
        return TemplateResponse(request, self.import_template, context)

    def reparse_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Show what re-parsing the stored raw text would change; re-parse on confirmation."""
        doc = self.get_object(request, unquote(object_id))
        if doc is None:
            raise Http404
        if not self.has_change_permission(request, doc):
            raise PermissionDenied
        change_url = reverse("admin:archive_document_change", args=[doc.pk])
        if request.method == "POST":
            with transaction.atomic():
                store.reparse(doc)
                self.log_change(request, doc, [{"changed": {"fields": [_("重新解析")]}}])
            self.message_user(request, _("已按原始文本重新解析；已有段落的锚点保持不变。"), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "title": _("重新解析：%(document)s") % {"document": doc},
            "opts": self.opts,
            "original": doc,
            "change_url": change_url,
            **preview_context(store.preview_reparse(doc)),
        }
        return TemplateResponse(request, self.reparse_template, context)
