"""The archive's data: documents, their blocks and footnotes, and the citations between them."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# Crockford-style alphabet: no 0/o, 1/l/i, so a permanent id survives being read aloud or retyped.
_ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def new_public_id() -> str:
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(10))


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
        """What a reader may open: published documents and every citation hub."""
        return self.filter(Q(status=DocumentStatus.PUBLISHED) | Q(raw_text=""))

    # --- reading pages (lists and indexes) ---

    def in_year(self, year: int) -> DocumentQuerySet:
        return self.filter(date__year=year)

    def of_type(self, doc_type: str) -> DocumentQuerySet:
        return self.filter(doc_type=doc_type)

    def sorted_for_listing(self, sort: str) -> DocumentQuerySet:
        """Order a list page by ``date``/``-date`` or ``symbol``/``-symbol``; missing values sort last."""
        field, descending = sort.lstrip("-"), sort.startswith("-")
        key = models.F("date" if field == "date" else "symbol")
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
        published = Q(incoming_citations__paragraph__document__status=DocumentStatus.PUBLISHED) | Q(
            incoming_citations__footnote__document__status=DocumentStatus.PUBLISHED
        )
        counted = self.annotate(citation_count=Count("incoming_citations", filter=published, distinct=True))
        return counted.filter(citation_count__gt=0)


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
    title = models.CharField(_("标题"), max_length=500, blank=True, help_text=_("文件的中文标题。"))
    date = models.DateField(_("日期"), null=True, blank=True, help_text=_("文件落款或发布日期。"))
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
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("文件")
        verbose_name_plural = _("文件")
        ordering = ["-date", "symbol"]
        indexes = [models.Index(fields=["date"], name="document_date_idx")]

    def __str__(self) -> str:
        label = self.symbol or self.public_id
        return f"{label} {self.title}".strip()

    def get_absolute_url(self) -> str:
        if self.symbol:
            return reverse("document_detail", kwargs={"ref": self.symbol})
        return reverse("document_by_id", kwargs={"public_id": self.public_id})

    @property
    def has_text(self) -> bool:
        return bool(self.raw_text)

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


class ParagraphQuerySet(models.QuerySet):
    def current(self) -> ParagraphQuerySet:
        """Blocks of the current text (retired blocks are kept only so old links resolve)."""
        return self.filter(is_current=True)

    def in_reading_order(self) -> ParagraphQuerySet:
        return self.order_by("position")

    def with_document(self) -> ParagraphQuerySet:
        return self.select_related("document")

    def for_rendering(self) -> ParagraphQuerySet:
        """Blocks with what the renderer needs (footnote markers, citations, their targets): 2 queries."""
        return self.prefetch_related(
            "footnote_refs", Prefetch("citations", queryset=Citation.objects.select_related("target"))
        )

    def published(self) -> ParagraphQuerySet:
        return self.filter(document__status=DocumentStatus.PUBLISHED)

    def before(self, paragraph: Paragraph) -> ParagraphQuerySet:
        """Blocks of the same document that come before ``paragraph``, nearest last."""
        same_document = self.filter(document_id=paragraph.document_id)
        return same_document.filter(position__lt=paragraph.position).order_by("position")

    def after(self, paragraph: Paragraph) -> ParagraphQuerySet:
        """Blocks of the same document that come after ``paragraph``, nearest first."""
        same_document = self.filter(document_id=paragraph.document_id)
        return same_document.filter(position__gt=paragraph.position).order_by("position")


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
    label = models.CharField(
        _("标号"), max_length=16, blank=True, help_text=_("分段或列表项的标号，如 (a)、•。")
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

    class Meta:
        verbose_name = _("段落")
        verbose_name_plural = _("段落")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "anchor"], name="paragraph_unique_anchor"),
        ]
        indexes = [models.Index(fields=["document", "position"], name="paragraph_order_idx")]

    def __str__(self) -> str:
        return f"{self.document.url_key}#{self.anchor}"

    def get_absolute_url(self) -> str:
        """The paragraph in context: the document page scrolled to its anchor."""
        return f"{self.document.get_absolute_url()}#{self.anchor}"

    def get_permalink(self) -> str:
        """The paragraph standing alone on its own page."""
        return reverse("paragraph_detail", kwargs={"ref": self.document.url_key, "anchor": self.anchor})

    def pinpoint_label(self) -> str:
        """How a researcher cites this block: 'S/2018/1183，第 12 段'."""
        doc = self.document.symbol or self.document.title
        if self.number:
            return _("%(doc)s，第 %(number)s 段") % {"doc": doc, "number": self.number}
        return str(doc)


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
    anchor = models.CharField(_("锚点"), max_length=16, help_text=_("永久锚点，形如 fn3。"))
    referenced_by = models.ManyToManyField(
        Paragraph,
        through="FootnoteReference",
        related_name="footnotes",
        verbose_name=_("引用段落"),
        help_text=_("正文中标注了本脚注的段落。"),
    )

    class Meta:
        verbose_name = _("脚注")
        verbose_name_plural = _("脚注")
        ordering = ["document", "position"]
        constraints = [
            models.UniqueConstraint(fields=["document", "anchor"], name="footnote_unique_anchor"),
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


class CitationQuerySet(models.QuerySet):
    def unresolved(self) -> CitationQuerySet:
        """Citations whose cited text the archive does not hold."""
        return self.filter(Q(target__isnull=True) | Q(target__raw_text=""))

    def for_cited_by(self) -> CitationQuerySet:
        """Citing paragraphs with their documents, newest citing document first."""
        return (
            self.filter(paragraph__isnull=False, paragraph__document__status=DocumentStatus.PUBLISHED)
            .select_related("paragraph__document")
            .order_by(models.F("paragraph__document__date").desc(nulls_last=True), "paragraph__position")
        )

    def cited_by(self, document: Document) -> CitationQuerySet:
        """Where other published documents cite ``document``, in paragraphs or footnotes, newest first.

        Footnote citations count too (in the seeds most resolutions are cited in footnotes); the
        paragraphs that carry the footnote's marker come prefetched so a reader can be sent to one.
        """
        citing_date = Coalesce("paragraph__document__date", "footnote__document__date")
        return (
            self.filter(target=document)
            .published()
            .exclude(paragraph__document=document)
            .exclude(footnote__document=document)
            .select_related("paragraph__document", "footnote__document")
            .prefetch_related("footnote__references__paragraph")
            .order_by(citing_date.desc(nulls_last=True), "paragraph__position", "footnote__position", "start")
        )

    def published(self) -> CitationQuerySet:
        """Citations made in published documents (body or footnotes)."""
        return self.filter(
            Q(paragraph__document__status=DocumentStatus.PUBLISHED)
            | Q(footnote__document__status=DocumentStatus.PUBLISHED)
        )

    def with_target(self) -> CitationQuerySet:
        return self.select_related("target")


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
        help_text=_("被引段落：60、29-47、53,54,57 或 附件；没有时留空。"),
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

    def first_pinpoint_number(self) -> str | None:
        """The paragraph a link should land on: '60' for '60', '29' for '29-47', '53' for '53,54,57'."""
        head = self.pinpoint.replace("-", ",").split(",")[0].strip()
        return head if head.isdigit() else None

    def target_url(self) -> str:
        """Inside the archive always: the cited document (or hub) page, at the pin-point when known."""
        if self.target_id is None:
            return reverse("document_detail", kwargs={"ref": self.cited_symbol})
        url = self.target.get_absolute_url()
        number = self.first_pinpoint_number()
        return f"{url}#p{number}" if number else url


class Abbreviation(models.Model):
    """A glossary entry: a full name and the short form the documents define for it."""

    full = models.CharField(
        _("全称"), max_length=100, help_text=_("机构或文件的全称，如 联合国海地综合办事处。")
    )
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

    class Meta:
        verbose_name = _("简称")
        verbose_name_plural = _("简称词表")
        ordering = ["full"]
        constraints = [
            models.UniqueConstraint(fields=["full", "short"], name="abbreviation_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.full}（{self.short}）"
