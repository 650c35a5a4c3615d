"""The blocks and footnotes of a document's text."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import models
from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import BlockKind, DocumentStatus, Language
from .documents import Document

# The canonical names pin-points give blocks (``archive.ingest.pinpoints.canonical_anchor``).
_NAMED_PREAMBULAR = re.compile(r"^pp(?P<number>[0-9]+)$")
_NAMED_PARAGRAPH = re.compile(r"^(?:(?P<section>(?:annex|enclosure|appendix)[0-9]+)-)?p(?P<number>[0-9]+)$")
_NAMED_SECTION = re.compile(r"^(?:annex|enclosure|appendix)[0-9]+$")


class ParagraphQuerySet(models.QuerySet):
    def named(self, name: str) -> ParagraphQuerySet:
        """Blocks answering to a canonical pin-point name, first in reading order first.

        ``annex1-p3`` is paragraph 3 of annex 1 (even where it was served as ``p3``), ``pp2``
        preambular paragraph 2, ``annex1`` the whole annex (its first block).
        """
        if m := _NAMED_PREAMBULAR.match(name):
            found = self.filter(kind=BlockKind.PREAMBULAR, number=m["number"])
        elif m := _NAMED_PARAGRAPH.match(name):
            found = self.filter(section=m["section"] or "", number=m["number"]).exclude(kind=BlockKind.PREAMBULAR)
        elif _NAMED_SECTION.match(name):
            found = self.filter(section=name)
        else:
            return self.none()
        return found.order_by("position")

    def in_language(self, language: str = Language.ZH) -> ParagraphQuerySet:
        """Blocks of one language version; Chinese (the archive's reading text) by default."""
        return self.filter(language=language)

    def in_languages(self, languages: Iterable[str]) -> ParagraphQuerySet:
        """Blocks of several versions in one query (a page reading two texts side by side): the
        number of queries stays the same whether or not the document holds the other version."""
        return self.filter(language__in=list(languages))

    def current(self) -> ParagraphQuerySet:
        """Blocks of the current text (retired blocks are kept only so old links resolve)."""
        return self.filter(is_current=True)

    def in_reading_order(self) -> ParagraphQuerySet:
        return self.order_by("position")

    def for_rendering(self) -> ParagraphQuerySet:
        """Blocks with what the renderer needs (footnote markers, citations, their targets): 2 queries."""
        from .citations import Citation  # citations.py imports this module

        # Explicit orders (a block's markers by offset, its citations by start): the default orders
        # join the blocks and their documents into a query over a whole document's blocks.
        refs = FootnoteReference.objects.order_by("offset")
        return self.prefetch_related(
            Prefetch("footnote_refs", queryset=refs), Prefetch("citations", queryset=Citation.objects.with_target())
        )

    def published(self) -> ParagraphQuerySet:
        return self.filter(document__status=DocumentStatus.PUBLISHED)

    def with_footnotes(self) -> ParagraphQuerySet:
        """Each block's footnotes (in document order) with their citations, for a block read on its own."""
        from .citations import Citation  # citations.py imports this module

        footnotes = Footnote.objects.order_by("position").prefetch_related(
            Prefetch("citations", queryset=Citation.objects.with_target())
        )
        return self.prefetch_related(Prefetch("footnotes", queryset=footnotes))

    def before(self, paragraph: Paragraph) -> ParagraphQuerySet:
        """Blocks of the same document that come before ``paragraph``, nearest last."""
        same_document = self.filter(document_id=paragraph.document_id)
        return same_document.filter(position__lt=paragraph.position).order_by("position")

    def after(self, paragraph: Paragraph) -> ParagraphQuerySet:
        """Blocks of the same document that come after ``paragraph``, nearest first."""
        same_document = self.filter(document_id=paragraph.document_id)
        return same_document.filter(position__gt=paragraph.position).order_by("position")

    def for_sitemap(self) -> ParagraphQuerySet:
        """Every current block's own page in every published document, with just what its URL needs.

        Pages are the Chinese blocks': an English block shares its partner's page (and anchor), and
        one without a partner is read in the parallel view.
        """
        return (
            self.current()
            .published()
            .in_language()
            .select_related("document")
            .only("anchor", "document__symbol", "document__public_id", "document__updated_at")
            .order_by("document_id", "position")
        )


class Paragraph(models.Model):
    document = models.ForeignKey(
        Document,
        verbose_name=_("文件"),
        on_delete=models.CASCADE,
        related_name="paragraphs",
        help_text=_("本段所属的文件。"),
    )
    position = models.PositiveIntegerField(_("顺序"), help_text=_("在文件中的先后顺序，从 0 开始。"))
    kind = models.CharField(
        _("类别"),
        max_length=16,
        choices=BlockKind.choices,
        default=BlockKind.PARAGRAPH,
        help_text=_("标题、小标题、段落、分段、列表项或签名。"),
    )
    number = models.CharField(
        _("段号"),
        max_length=16,
        blank=True,
        help_text=_("原文印出的段落编号，如 12；没有编号时留空。"),
    )
    label = models.CharField(_("标号"), max_length=16, blank=True, help_text=_("分段或列表项的标号，如 (a)、•。"))
    language = models.CharField(
        _("语种"),
        max_length=8,
        choices=Language.choices,
        default=Language.ZH,
        help_text=_("本段文字的语种。其他语文本（如英文原文）的段落与对应的中文段落共用同一锚点。"),
    )
    section = models.CharField(
        _("所属部分"),
        max_length=32,
        blank=True,
        help_text=_("正文留空；附件、附文中的段落为该部分的锚点前缀，如 annex1、annex2、enclosure。"),
    )
    page = models.PositiveIntegerField(
        _("页码"),
        null=True,
        blank=True,
        help_text=_("本段在正式文本（PDF）中开始的页码；原文没有页码依据时留空。"),
    )
    text = models.TextField(_("正文"), help_text=_("清理后的段落文字，忠实于原文。"))
    anchor = models.CharField(
        _("锚点"),
        max_length=32,
        help_text=_("永久锚点：编号段落为 p<段号>（如 p12），其他段落各有固定锚点；一经发布永不改变。"),
    )
    is_current = models.BooleanField(
        _("现行"),
        default=True,
        help_text=_("重新导入后不再出现的段落标记为非现行，但其链接仍然有效。"),
    )

    objects = ParagraphQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("段落")
        verbose_name_plural = _("段落")
        ordering = ["document", "position"]
        constraints = [
            # One block per anchor in each language: #p12 names paragraph 12 in Chinese and in English.
            models.UniqueConstraint(fields=["document", "language", "anchor"], name="paragraph_unique_anchor"),
        ]
        indexes = [models.Index(fields=["document", "language", "position"], name="paragraph_order_idx")]

    def __str__(self) -> str:
        return f"{self.document.url_key}#{self.anchor}"

    def get_absolute_url(self) -> str:
        """The paragraph in context: the document page scrolled to its anchor."""
        return f"{self.document.get_absolute_url()}#{self.anchor}"

    def get_permalink(self) -> str:
        """The paragraph standing alone on its own page."""
        return reverse("paragraph_detail", kwargs={"ref": self.document.url_key, "anchor": self.anchor})


class FootnoteQuerySet(models.QuerySet):
    def in_language(self, language: str = Language.ZH) -> FootnoteQuerySet:
        """Footnotes of one language version; Chinese by default."""
        return self.filter(language=language)

    def in_languages(self, languages: Iterable[str]) -> FootnoteQuerySet:
        return self.filter(language__in=list(languages))


class Footnote(models.Model):
    document = models.ForeignKey(
        Document,
        verbose_name=_("文件"),
        on_delete=models.CASCADE,
        related_name="footnotes",
        help_text=_("脚注所属的文件。"),
    )
    number = models.CharField(_("脚注号"), max_length=8, help_text=_("原文的脚注编号。"))
    position = models.PositiveIntegerField(_("顺序"), help_text=_("脚注在文件中的先后顺序。"))
    text = models.TextField(_("脚注正文"), help_text=_("脚注的文字。"))
    language = models.CharField(
        _("语种"),
        max_length=8,
        choices=Language.choices,
        default=Language.ZH,
        help_text=_("脚注文字的语种；其他语文本的脚注与中文脚注共用同一锚点。"),
    )
    page = models.PositiveIntegerField(
        _("页码"),
        null=True,
        blank=True,
        help_text=_("脚注在正式文本（PDF）中所在的页码；原文没有页码依据时留空。"),
    )
    anchor = models.CharField(_("锚点"), max_length=16, help_text=_("永久锚点，形如 fn3。"))
    referenced_by = models.ManyToManyField(
        Paragraph,
        through="FootnoteReference",
        related_name="footnotes",
        verbose_name=_("引用段落"),
        help_text=_("正文中标注了本脚注的段落。"),
    )

    objects = FootnoteQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("脚注")
        verbose_name_plural = _("脚注")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "language", "anchor"], name="footnote_unique_anchor"),
        ]

    def __str__(self) -> str:
        return f"{self.document.url_key}#{self.anchor}"

    def get_absolute_url(self) -> str:
        return f"{self.document.get_absolute_url()}#{self.anchor}"


class FootnoteReference(models.Model):
    """A footnote marker in a paragraph, and where in the paragraph text it stands."""

    paragraph = models.ForeignKey(
        Paragraph,
        verbose_name=_("段落"),
        on_delete=models.CASCADE,
        related_name="footnote_refs",
        help_text=_("标注脚注的段落。"),
    )
    footnote = models.ForeignKey(
        Footnote,
        verbose_name=_("脚注"),
        on_delete=models.CASCADE,
        related_name="references",
        help_text=_("被标注的脚注。"),
    )
    offset = models.PositiveIntegerField(_("位置"), help_text=_("脚注标记在段落文字中的字符位置。"))

    class Meta:
        verbose_name = _("脚注标记")
        verbose_name_plural = _("脚注标记")
        ordering = ["paragraph", "offset"]

    def __str__(self) -> str:
        return f"{self.paragraph_id}@{self.offset} → {self.footnote_id}"
