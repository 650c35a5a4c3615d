"""Documents, their symbols past and present, and the choices that describe them."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connections, models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..ingest.plausible import TITLE_MAX
from ..ingest.symbols import doc_type_for_symbol, symbol_sort_key
from .choices import DocumentStatus, DocumentType, Language

# Crockford-style alphabet: no 0/o, 1/l/i, so a permanent id survives being read aloud or retyped.
_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_public_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))


def new_render_version() -> str:
    """A fresh, never reused stamp: a cached rendering is keyed by it, so a changed one is never served."""
    return secrets.token_hex(6)


# Set while a reader's request (or a public export) runs: see :func:`readers_view`.
_readers_view: ContextVar[bool] = ContextVar("readers_view", default=False)


@contextmanager
def readers_view() -> Iterator[None]:
    """Load documents as readers see them: a draft that fills a cited hub shows only the hub.

    A draft imported under a symbol that published documents cite fills that symbol's hub in place
    (its citations land on it once it is published).  Until then every row of it that a reader's
    request loads - looked up, listed, or reached as a citation's target - is turned back into the
    text-less hub it replaced, in :meth:`Document.from_db`.  One place, so no page, picture, feed,
    API answer or export can show the draft's title, date, type or text.
    """
    token = _readers_view.set(True)
    try:
        yield
    finally:
        _readers_view.reset(token)


# Never shown to readers: a draft since its import (a withdrawn document was published once).
_AWAITING_FIRST_PUBLICATION = ~Q(status=DocumentStatus.PUBLISHED) & Q(first_published_at__isnull=True)


class DocumentQuerySet(models.QuerySet):
    def published(self) -> DocumentQuerySet:
        return self.filter(status=DocumentStatus.PUBLISHED)

    def with_text(self) -> DocumentQuerySet:
        """Documents whose text the archive holds (as opposed to citation hubs)."""
        return self.exclude(raw_text="")

    def hubs(self) -> DocumentQuerySet:
        """Cited symbols whose text the archive does not hold (most resolutions)."""
        return self.filter(raw_text="")

    def newest_first(self) -> DocumentQuerySet:
        return self.order_by(models.F("date").desc(nulls_last=True), "symbol")

    def with_citation_counts(self) -> DocumentQuerySet:
        return self.annotate(citation_count=Count("incoming_citations"))

    def resolutions(self) -> DocumentQuerySet:
        return self.filter(doc_type=DocumentType.RESOLUTION)

    def for_reading(self) -> DocumentQuerySet:
        """What a reader may open: published documents and every citation hub.

        A never-published draft that fills a hub which published documents cite is still that hub
        to readers (shown as one: see :func:`readers_view`).
        """
        from .citations import Citation

        cited = Exists(Citation.objects.published().filter(target=OuterRef("pk")))
        awaiting = _AWAITING_FIRST_PUBLICATION & Q(symbol__isnull=False) & cited
        return self.filter(Q(status=DocumentStatus.PUBLISHED) | Q(raw_text="") | awaiting)

    def withdrawn(self) -> DocumentQuerySet:
        """Documents published once and made drafts since: their URLs were public."""
        return self.with_text().exclude(status=DocumentStatus.PUBLISHED).filter(first_published_at__isnull=False)

    # --- reading pages (lists and indexes) ---

    def in_year(self, year: int) -> DocumentQuerySet:
        return self.filter(date__year=year)

    def of_type(self, doc_type: str) -> DocumentQuerySet:
        return self.filter(doc_type=doc_type)

    def sorted_for_listing(self, sort: str) -> DocumentQuerySet:
        """Order a list page by ``date``/``-date`` or ``symbol``/``-symbol``; missing values sort last."""
        field, descending = sort.lstrip("-"), sort.startswith("-")
        key = models.F("date" if field == "date" else "symbol_sort_key")
        key = key.desc(nulls_last=True) if descending else key.asc(nulls_last=True)
        return self.order_by(key, "public_id")

    def year_counts(self) -> models.QuerySet:
        """``{"year": 2018, "count": 3}`` rows, newest year first (undated documents have year None)."""
        return (
            self.annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(count=Count("id"))
            .order_by(models.F("year").desc(nulls_last=True))
        )

    def type_counts(self) -> models.QuerySet:
        """``{"doc_type": "report", "count": 2}`` rows."""
        return self.values("doc_type").annotate(count=Count("id")).order_by("doc_type")

    def cited(self) -> DocumentQuerySet:
        """Documents cited at least once, annotated with ``citation_count``.

        Unlike :meth:`with_citation_counts` only citations made in published documents count: a
        draft is invisible to readers, so its citations must not show up in a public count.
        """
        # Chinese citing blocks only, so a letter held in two languages counts once.
        published = Q(
            incoming_citations__paragraph__document__status=DocumentStatus.PUBLISHED,
            incoming_citations__paragraph__language=Language.ZH,
        ) | Q(
            incoming_citations__footnote__document__status=DocumentStatus.PUBLISHED,
            incoming_citations__footnote__language=Language.ZH,
        )
        counted = self.annotate(citation_count=Count("incoming_citations", filter=published, distinct=True))
        return counted.filter(citation_count__gt=0)

    # --- librarians: what to add next ---

    def acquisition_list(self) -> DocumentQuerySet:
        """Cited symbols the archive holds no text for, the most wanted first.

        Each row is a hub annotated with ``citing_documents`` (documents citing it, drafts included:
        a librarian's list, not a reader's), ``citing_passages`` (paragraphs and footnotes that cite
        it) and ``latest_citer_id`` (the citing document with the latest date; see
        :func:`attach_latest_citers`).  Only the Chinese texts count: a document held in Chinese and
        English cites once, not twice.  One query whatever the number of hubs.
        """
        from .citations import Citation

        chinese = Q(paragraph__language=Language.ZH) | Q(footnote__language=Language.ZH)
        citations = Citation.objects.filter(chinese, target=OuterRef("pk")).annotate(
            citer=Coalesce("paragraph__document", "footnote__document"),
            citer_date=Coalesce("paragraph__document__date", "footnote__document__date"),
        )
        latest = citations.order_by(F("citer_date").desc(nulls_last=True), "-citer").values("citer")[:1]
        in_chinese = Q(incoming_citations__paragraph__language=Language.ZH) | Q(
            incoming_citations__footnote__language=Language.ZH
        )
        return (
            self.hubs()
            .annotate(
                citing_documents=Count(
                    Coalesce("incoming_citations__paragraph__document", "incoming_citations__footnote__document"),
                    filter=in_chinese,
                    distinct=True,
                ),
                citing_passages=Count(
                    "incoming_citations__paragraph",
                    filter=Q(incoming_citations__paragraph__language=Language.ZH),
                    distinct=True,
                )
                + Count(
                    "incoming_citations__footnote",
                    filter=Q(incoming_citations__footnote__language=Language.ZH),
                    distinct=True,
                ),
                latest_citer_id=Subquery(latest),
            )
            .filter(citing_documents__gt=0)
            .order_by("-citing_documents", "-citing_passages", "symbol_sort_key")
        )

    # --- feeds, sitemaps and the bulk export ---

    def newly_added(self) -> DocumentQuerySet:
        """Most recently added to the archive first (what a feed of new documents lists)."""
        return self.order_by("-created_at", "-pk")

    def for_export(self) -> DocumentQuerySet:
        """Every readable document (hubs too, so each citation's target is there), in a stable order."""
        return self.for_reading().order_by("pk")

    def for_sitemap(self) -> DocumentQuerySet:
        """Every page a reader may open, without the texts (a sitemap needs only the URLs)."""
        return self.for_reading().defer("raw_text", "source_sha256").order_by("pk")

    def latest_update(self) -> datetime | None:
        """When the most recently changed of these documents changed (None for none).

        A draft waiting in a hub's place changed nothing readers see: its hub counts from its creation.
        """
        shown = models.Case(models.When(_AWAITING_FIRST_PUBLICATION, then="created_at"), default="updated_at")
        return self.aggregate(latest=models.Max(shown))["latest"]

    # --- the reading-page cache ---

    def citing_any(self, document_ids: list[int]) -> DocumentQuerySet:
        """Documents whose text (a paragraph or a footnote) cites one of ``document_ids``."""
        cites = Q(paragraphs__citations__target_id__in=document_ids) | Q(
            footnotes__citations__target_id__in=document_ids
        )
        return self.filter(cites)

    def renew_rendering(self) -> int:
        """Give these documents a new render version: their cached reading pages are not served again."""
        return self.update(render_version=new_render_version())

    # --- corrigenda, revisions and addenda ---

    def supplements_of(self, symbol: str) -> DocumentQuerySet:
        """Readable documents whose symbol is ``symbol`` with Corr./Rev./Add./Amend. parts, in symbol order."""
        prefix = f"{symbol}/"
        if connections[self.db].vendor == "sqlite":
            # SQLite compares text byte by byte, so this range walks the symbol index; its LIKE is
            # case-insensitive and scans the table, a few ms per thousand documents.
            found = self.filter(symbol__gte=prefix, symbol__lt=f"{symbol}0")  # "0" follows "/"
        else:
            # PostgreSQL's locale collations ignore punctuation in comparisons, so no range: LIKE.
            found = self.filter(symbol__startswith=prefix)
        pattern = rf"^{re.escape(symbol)}(/(Add|Rev|Corr|Amend)\.[0-9]+)+$"
        return found.for_reading().filter(symbol__regex=pattern).order_by("symbol_sort_key")

    def with_contents(self) -> DocumentQuerySet:
        """Each document's current blocks and its footnotes with their markers and citations, and its
        language versions (6 queries).  Blocks and footnotes of every version come together (split
        them by ``language``), so the count does not depend on which documents have versions."""
        from .citations import Citation
        from .paragraphs import Footnote, FootnoteReference, Paragraph
        from .versions import TextVersion

        citations = Citation.objects.with_target()
        blocks = (
            Paragraph.objects.current()
            .in_reading_order()
            .prefetch_related(
                models.Prefetch(
                    "footnote_refs", queryset=FootnoteReference.objects.select_related("footnote").order_by("offset")
                ),
                models.Prefetch("citations", queryset=citations),
            )
        )
        footnotes = Footnote.objects.order_by("position").prefetch_related(
            models.Prefetch("citations", queryset=citations)
        )
        return self.prefetch_related(
            models.Prefetch("paragraphs", queryset=blocks),
            models.Prefetch("footnotes", queryset=footnotes),
            models.Prefetch("versions", queryset=TextVersion.objects.defer("raw_text").order_by("language")),
        )


class Document(models.Model):
    public_id = models.CharField(
        _("永久编号"),
        max_length=16,
        unique=True,
        default=new_public_id,
        editable=False,
        help_text=_("永不改变的编号；没有文号的文件也凭它获得永久链接。"),
    )
    symbol = models.CharField(
        _("文号"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("联合国文件编号，规范形式，如 S/2018/1183、S/RES/2645(2022)；未知时留空。"),
    )
    # NULL like the symbol it is derived from, so documents without one sort last either way.
    symbol_sort_key = models.CharField(  # noqa: DJ001
        _("文号排序键"),
        max_length=300,
        null=True,
        blank=True,
        editable=False,
        help_text=_("按文号排序时使用：文号中的数字按数值比较（S/2018/99 排在 S/2018/1183 之前）。"),
    )
    title = models.CharField(_("标题"), max_length=TITLE_MAX, blank=True, help_text=_("文件的中文标题。"))
    date = models.DateField(_("日期"), null=True, blank=True, help_text=_("文件落款或发布日期。"))
    issued_on = models.DateField(
        _("印发日期"),
        null=True,
        blank=True,
        help_text=_("文件首页刊头印出的分发日期（如 10 February 2023），可能晚于落款日期。"),
    )
    original_language = models.CharField(
        _("原文语种"),
        max_length=8,
        choices=Language.choices,
        blank=True,
        help_text=_("刊头“Original:”所注的原文语种；中文本多为英文原文的译本。未知时留空。"),
    )
    job_number = models.CharField(
        _("作业编号"),
        max_length=32,
        blank=True,
        help_text=_("联合国文件的印制作业编号，印在首页和页脚，如 23-02345。"),
    )
    doc_type = models.CharField(
        _("文件类型"),
        max_length=32,
        choices=DocumentType.choices,
        default=DocumentType.OTHER,
        help_text=_("信函、报告、决议、主席声明等。"),
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=DocumentStatus.choices,
        default=DocumentStatus.PUBLISHED,
        help_text=_("草稿对读者和检索不可见，发布后才公开。"),
    )
    raw_text = models.TextField(
        _("原始文本"),
        blank=True,
        help_text=_("从 PDF 提取的原文，逐字保存，以便重新解析；为空表示本库只收录了它的引用。"),
    )
    source_sha256 = models.CharField(
        _("原文校验和"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("原始文本的 SHA-256，用于识别重复导入。"),
    )
    text_fingerprint = models.CharField(
        _("文本指纹"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_(
            "清理后正文（段落和脚注的编号与文字，不计空白和全角半角之别）的 SHA-256，"
            "用于发现以另一文号重复收录的同一文本。"
        ),
    )
    first_published_at = models.DateTimeField(
        _("首次发布时间"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("文件第一次对读者公开的时间。此后它的链接可能已被分享：文件不能再删除，只能撤回为草稿。"),
    )
    render_version = models.CharField(
        _("显示版本"),
        max_length=16,
        default=new_render_version,
        editable=False,
        help_text=_("阅读页缓存的版本戳：文件、它的段落和脚注、或它所引文件的文号与状态每次变化都会换新。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DocumentQuerySet.as_manager()
    # Who changed what and when; the raw text is versioned so any earlier state can be restored.
    history = HistoricalRecords(excluded_fields=["updated_at", "render_version"])

    class Meta:
        verbose_name = _("文件")
        verbose_name_plural = _("文件")
        ordering = ["-date", "symbol"]
        indexes = [
            models.Index(fields=["date"], name="document_date_idx"),
            models.Index(fields=["text_fingerprint"], name="document_fingerprint_idx"),
        ]

    def __str__(self) -> str:
        label = self.symbol or self.public_id
        return f"{label} {self.title}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        if getattr(self, "_hub_face", False):
            raise RuntimeError(f"{self.symbol}: loaded as readers see it (a hub), it must not be saved")
        derived = {"symbol_sort_key", "render_version"}
        self.symbol_sort_key = symbol_sort_key(self.symbol)
        # Whatever changed, the cached reading page of the old state must not be served again.
        self.render_version = new_render_version()
        if self.stamp_publication():
            derived.add("first_published_at")
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, *derived}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        if self.symbol:
            return reverse("document_detail", kwargs={"ref": self.symbol})
        return reverse("document_by_id", kwargs={"public_id": self.public_id})

    @classmethod
    def from_db(cls, db: str | None, field_names: Sequence[str], values: Sequence[Any]) -> Document:
        doc = super().from_db(db, field_names, values)
        if _readers_view.get() and doc.awaits_first_publication:
            doc._show_as_hub()
        return doc

    @property
    def awaits_first_publication(self) -> bool:
        """A draft never shown to readers (as far as the fields loaded tell)."""
        loaded = self.__dict__
        return (
            loaded.get("status", DocumentStatus.PUBLISHED) != DocumentStatus.PUBLISHED
            and "first_published_at" in loaded
            and self.first_published_at is None
        )

    def _show_as_hub(self) -> None:
        """Forget everything the draft brought: what is left is what the hub showed before it."""
        self.title, self.date, self.issued_on, self.original_language, self.job_number = "", None, None, "", ""
        self.raw_text, self.source_sha256, self.text_fingerprint = "", "", ""
        if "created_at" in self.__dict__:
            self.updated_at = self.created_at
        if "symbol" in self.__dict__:
            self.doc_type = doc_type_for_symbol(self.symbol or "")
        self.status = DocumentStatus.PUBLISHED
        self._hub_face = True

    def stamp_publication(self) -> bool:
        """Record the first publication (its URLs may be shared from then on); True if stamped now."""
        if self.status == DocumentStatus.PUBLISHED and self.has_text and self.first_published_at is None:
            self.first_published_at = timezone.now()
            return True
        return False

    @property
    def has_text(self) -> bool:
        if "raw_text" in self.get_deferred_fields():
            # Loaded without its (possibly long) text: the checksum is set exactly when there is text.
            return bool(self.source_sha256)
        return bool(self.raw_text)

    @property
    def is_withdrawn(self) -> bool:
        """Published once, a draft now: its URLs answer "withdrawn" (410) instead of "not found"."""
        return self.has_text and self.status != DocumentStatus.PUBLISHED and self.first_published_at is not None

    @property
    def display_symbol(self) -> str:
        return self.symbol or ""

    @property
    def url_key(self) -> str:
        """The path segment that names this document in URLs."""
        return self.symbol or f"id/{self.public_id}"

    def get_api_url(self) -> str:
        return reverse("api_document_detail", kwargs={"ref": self.url_key})

    def official_url(self) -> str:
        if not self.symbol:
            return ""
        return settings.ARCHIVE_OFFICIAL_URL.format(symbol=self.symbol)


def attach_latest_citers(hubs: Sequence[Document]) -> None:
    """Set ``latest_citer`` on rows of :meth:`DocumentQuerySet.acquisition_list` (one query for all)."""
    citers = Document.objects.defer("raw_text").in_bulk({h.latest_citer_id for h in hubs if h.latest_citer_id})
    for hub in hubs:
        hub.latest_citer = citers.get(hub.latest_citer_id)


class SymbolAlias(models.Model):
    """A symbol a document was once served under; its URLs redirect to the document."""

    symbol = models.CharField(
        _("旧文号"), max_length=100, unique=True, help_text=_("曾经使用过的文号，旧链接会重定向。")
    )
    document = models.ForeignKey(
        Document,
        verbose_name=_("文件"),
        on_delete=models.CASCADE,
        related_name="symbol_aliases",
        help_text=_("该旧文号现在指向的文件。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("旧文号")
        verbose_name_plural = _("旧文号")

    def __str__(self) -> str:
        return f"{self.symbol} → {self.document}"
