"""The closed vocabularies of the archive (TextChoices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    LETTER = "letter", _("信函")
    REPORT = "report", _("报告")
    RESOLUTION = "resolution", _("决议")
    PRESIDENTIAL_STATEMENT = "presidential_statement", _("主席声明")
    NOTE = "note", _("说明")
    OTHER = "other", _("其他")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class BlockKind(models.TextChoices):
    TITLE = "title", _("标题")
    HEADING = "heading", _("小标题")
    PARAGRAPH = "paragraph", _("段落")
    SUBPARAGRAPH = "subparagraph", _("分段")
    LIST_ITEM = "list_item", _("列表项")
    SIGNATURE = "signature", _("签名")


class CitationKind(models.TextChoices):
    SC_RESOLUTION = "sc_resolution", _("安全理事会决议")
    GA_RESOLUTION = "ga_resolution", _("大会决议")
    PRESIDENTIAL_STATEMENT = "presidential_statement", _("主席声明")
    DOCUMENT = "document", _("文件")
