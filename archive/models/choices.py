"""The closed vocabularies of the archive (TextChoices)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentType(models.TextChoices):
    LETTER = "letter", _("信函")
    REPORT = "report", _("报告")
    RESOLUTION = "resolution", _("决议")
    PRESIDENTIAL_STATEMENT = "presidential_statement", _("主席声明")
    NOTE = "note", _("说明")
    CORRIGENDUM = "corrigendum", _("更正")
    OTHER = "other", _("其他")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class BlockKind(models.TextChoices):
    TITLE = "title", _("标题")
    HEADING = "heading", _("小标题")
    # A resolution's or statement's considerations before its operative paragraphs (anchors pp1, pp2…).
    PREAMBULAR = "preambular", _("序言段落")
    PARAGRAPH = "paragraph", _("段落")
    SUBPARAGRAPH = "subparagraph", _("分段")
    LIST_ITEM = "list_item", _("列表项")
    TABLE = "table", _("表格")
    SIGNATURE = "signature", _("签名")


class CitationKind(models.TextChoices):
    SC_RESOLUTION = "sc_resolution", _("安全理事会决议")
    GA_RESOLUTION = "ga_resolution", _("大会决议")
    PRESIDENTIAL_STATEMENT = "presidential_statement", _("主席声明")
    DOCUMENT = "document", _("文件")


class Language(models.TextChoices):
    """The six official languages of the United Nations (ISO 639-1)."""

    ZH = "zh", _("中文")
    EN = "en", _("英文")
    FR = "fr", _("法文")
    ES = "es", _("西班牙文")
    RU = "ru", _("俄文")
    AR = "ar", _("阿拉伯文")
