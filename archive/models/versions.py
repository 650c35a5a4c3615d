"""A document's text in another language: the English original beside the Chinese translation.

The Chinese text is the document's own (``Document.raw_text``, its blocks and footnotes with
``language="zh"``); every other language version is one :class:`TextVersion` holding its raw text,
and blocks and footnotes with that ``language``.  A block of another version shares the anchor of the
Chinese block it is paired with, so ``/documents/S/2018/1183/#p12`` names paragraph 12 in both.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..ingest.plausible import TITLE_MAX
from .choices import Language
from .documents import Document


class TextVersionQuerySet(models.QuerySet):
    def for_reading(self) -> TextVersionQuerySet:
        """Versions as the reading pages need them: language and title, not the (long) raw text."""
        return self.defer("raw_text").order_by("language")

    def in_language(self, language: str) -> TextVersionQuerySet:
        return self.filter(language=language)


class TextVersion(models.Model):
    document = models.ForeignKey(
        Document,
        verbose_name=_("文件"),
        on_delete=models.CASCADE,
        related_name="versions",
        help_text=_("这一语文本所属的文件：同一文号、同一永久链接。"),
    )
    language = models.CharField(
        _("语种"),
        max_length=8,
        choices=Language.choices,
        help_text=_("这一文本的语种；中文本保存在文件本身。"),
    )
    title = models.CharField(_("标题"), max_length=TITLE_MAX, blank=True, help_text=_("这一语文本的标题，如英文标题。"))
    raw_text = models.TextField(_("原始文本"), help_text=_("从 PDF 提取的这一语文本的原文，逐字保存，以便重新解析。"))
    source_sha256 = models.CharField(
        _("原文校验和"),
        max_length=64,
        editable=False,
        help_text=_("原始文本的 SHA-256，用于识别重复导入。"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = TextVersionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("语文本")
        verbose_name_plural = _("语文本")
        ordering = ["document", "language"]
        constraints = [
            models.UniqueConstraint(fields=["document", "language"], name="version_unique_language"),
            # The Chinese text is the document's own; a Chinese "version" would be a second copy of it.
            models.CheckConstraint(condition=~Q(language=Language.ZH), name="version_not_chinese"),
        ]

    def __str__(self) -> str:
        return f"{self.document.url_key} [{self.language}]"
