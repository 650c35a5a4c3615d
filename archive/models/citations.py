"""Citations between documents, and the glossary of abbreviations."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..ingest.pinpoints import first_anchor
from .choices import CitationKind, DocumentStatus, Language
from .documents import Document
from .paragraphs import Footnote, FootnoteReference, Paragraph


class CitationQuerySet(models.QuerySet):
    def unresolved(self) -> CitationQuerySet:
        """Citations whose cited text the archive does not hold."""
        return self.filter(Q(target__isnull=True) | Q(target__raw_text=""))

    def in_language(self, language: str = Language.ZH) -> CitationQuerySet:
        """Citations made in one language version's blocks and footnotes; Chinese by default.

        A letter held in Chinese and English cites the same documents twice, once in each text: the
        archive's lists and counts read the Chinese text only, so it counts once.
        """
        return self.filter(Q(paragraph__language=language) | Q(footnote__language=language))

    def cited_by(self, document: Document) -> CitationQuerySet:
        """Where other published documents cite ``document``, in paragraphs or footnotes, newest first.

        Footnote citations count too (in the seeds most resolutions are cited in footnotes); the
        paragraphs that carry the footnote's marker come prefetched so a reader can be sent to one.
        Only the Chinese text's citations: the archive's reading text (:meth:`in_language`).
        """
        citing_date = Coalesce("paragraph__document__date", "footnote__document__date")
        return (
            self.filter(target=document)
            .published()
            .in_language()
            .exclude(paragraph__document=document)
            .exclude(footnote__document=document)
            .select_related("paragraph__document", "footnote__document")
            .prefetch_related(
                models.Prefetch(
                    "footnote__references",
                    queryset=FootnoteReference.objects.select_related("paragraph").order_by(
                        "paragraph__position", "offset"
                    ),
                )
            )
            .order_by(citing_date.desc(nulls_last=True), "paragraph__position", "footnote__position", "start")
        )

    def published(self) -> CitationQuerySet:
        """Citations made in published documents (body or footnotes)."""
        return self.filter(
            Q(paragraph__document__status=DocumentStatus.PUBLISHED)
            | Q(footnote__document__status=DocumentStatus.PUBLISHED)
        )

    def with_target(self) -> CitationQuerySet:
        """Each citation with its target document, without the target's text (a link needs its URL).

        In the order of the text (what the default order gives within one block).  The default order
        names the citing paragraph and footnote, which joins them and their documents' orders into a
        query that prefetches the citations of a whole document: on PostgreSQL with stale statistics,
        minutes for a letter of 1,500 paragraphs.
        """
        return self.select_related("target").defer("target__raw_text").order_by("start")


class Citation(models.Model):
    """One citation in the text: who cites, what symbol, which paragraph of it, and the target if known."""

    paragraph = models.ForeignKey(
        Paragraph,
        verbose_name=_("引用段落"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
        help_text=_("出现该引用的段落（与脚注二选一）。"),
    )
    footnote = models.ForeignKey(
        Footnote,
        verbose_name=_("引用脚注"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="citations",
        help_text=_("出现该引用的脚注（与段落二选一）。"),
    )
    cited_symbol = models.CharField(
        _("被引文号"), max_length=100, db_index=True, help_text=_("被引文件的规范文号，如 S/RES/2645(2022)。")
    )
    kind = models.CharField(
        _("引用类别"),
        max_length=32,
        choices=CitationKind.choices,
        help_text=_("安理会决议、大会决议、主席声明或其他文件。"),
    )
    pinpoint = models.CharField(
        _("具体段落"),
        max_length=64,
        blank=True,
        help_text=_("被引段落：60、29-47、53,54,57、附件一、附件一:2、序言:3 或 摘要；没有时留空。"),
    )
    matched_text = models.CharField(_("原文引文"), max_length=300, help_text=_("文中出现的引用原文。"))
    start = models.PositiveIntegerField(_("起始位置"), help_text=_("引文在段落或脚注文字中的起始字符位置。"))
    end = models.PositiveIntegerField(_("结束位置"), help_text=_("引文在段落或脚注文字中的结束字符位置。"))
    target = models.ForeignKey(
        Document,
        verbose_name=_("被引文件"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="incoming_citations",
        help_text=_("本库中的被引文件；无法解析时为空，引用仍然保留。"),
    )
    objects = CitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("引用")
        verbose_name_plural = _("引用")
        ordering = ["paragraph", "footnote", "start"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(paragraph__isnull=False) & Q(footnote__isnull=True))
                | (Q(paragraph__isnull=True) & Q(footnote__isnull=False)),
                name="citation_in_paragraph_xor_footnote",
            ),
        ]

    def __str__(self) -> str:
        pin = f"，{self.pinpoint}" if self.pinpoint else ""
        return f"{self.cited_symbol}{pin}"

    def target_url(self) -> str:
        """Inside the archive always: the cited document (or hub) page, at the pin-point when known."""
        if self.target_id is None:
            return reverse("document_detail", kwargs={"ref": self.cited_symbol})
        url = self.target.get_absolute_url()
        anchor = first_anchor(self.pinpoint)
        return f"{url}#{anchor}" if anchor else url


class Abbreviation(models.Model):
    """A glossary entry: a full name and the short form the documents define for it."""

    full = models.CharField(_("全称"), max_length=100, help_text=_("机构或文件的全称，如 联合国海地综合办事处。"))
    short = models.CharField(_("简称"), max_length=50, help_text=_("文件中定义的简称，如 联海综合办。"))
    source = models.ForeignKey(
        Document,
        verbose_name=_("出处"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="abbreviations",
        help_text=_("首次定义该简称的文件。"),
    )
    is_active = models.BooleanField(_("启用"), default=True, help_text=_("检索时是否把全称和简称视为同义。"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("简称")
        verbose_name_plural = _("简称词表")
        ordering = ["full"]
        constraints = [
            models.UniqueConstraint(fields=["full", "short"], name="abbreviation_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.full}（{self.short}）"
