"""Librarian forms: adding a document (paste or upload → preview → confirm) and correcting one.

The forms turn request data into arguments for ``archive.ingest`` and its refusals into form
errors; every parsing decision is the pipeline's (``store.preview`` runs exactly what
``store.import_text`` will run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.ingest import sources, store
from archive.ingest.errors import IngestError
from archive.models import Document, DocumentStatus, DocumentType, Footnote, Paragraph

# The Security Council's first documents date from 1946; the Charter was signed in 1945.
_EARLIEST_DATE = dt.date(1945, 6, 26)


def _model_field(name: str) -> Any:
    return Document._meta.get_field(name)


def check_plausible_date(value: dt.date | None) -> dt.date | None:
    """A UN document's date lies between the Charter and today; anything else is a typo."""
    if value is None:
        return value
    today = timezone.localdate()
    if value < _EARLIEST_DATE or value > today:
        raise ValidationError(
            _("日期 %(date)s 不可能：联合国文件的日期应在 1945 年 6 月 26 日到今天（%(today)s）之间。")
            % {"date": value.isoformat(), "today": today.isoformat()},
            code="implausible_date",
        )
    return value


def _ingest_error(exc: IngestError) -> ValidationError:
    return ValidationError(str(exc), code="ingest")


class ImportForm(forms.Form):
    """Two steps on one form.  ``source``: paste text or upload a file, nothing else.  ``review``: the
    preview is shown with the detected symbol, date, title and type filled in for correction, and
    the text travels along in a field so that confirming re-validates everything it saves."""

    SOURCE, REVIEW = "source", "review"

    step = forms.ChoiceField(choices=[(SOURCE, SOURCE), (REVIEW, REVIEW)], initial=SOURCE, widget=forms.HiddenInput)
    raw_text = forms.CharField(
        label=gettext_lazy("原始文本"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 90, "spellcheck": "false", "class": "vLargeTextField"}),
        help_text=gettext_lazy("从联合国文件系统复制的全文，原样粘贴即可：页眉、脚注和断行由导入程序处理。"),
    )
    upload = forms.FileField(
        label=gettext_lazy("或者上传文件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sources.SUPPORTED_EXTENSIONS)}),
        help_text=gettext_lazy("支持 .txt（UTF-8 或 GB18030 编码）、.pdf（须带文字层，扫描件不行）和 .docx。"),
    )
    symbol = forms.CharField(
        label=_model_field("symbol").verbose_name,
        required=False,
        max_length=100,
        help_text=gettext_lazy("规范形式，如 S/2018/1183；没有文号时留空。"),
    )
    date = forms.DateField(
        label=_model_field("date").verbose_name,
        required=False,
        widget=AdminDateWidget,
        help_text=gettext_lazy("格式 YYYY-MM-DD；留空时使用从标题中识别出的日期。"),
    )
    title = forms.CharField(
        label=_model_field("title").verbose_name,
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
    )
    doc_type = forms.ChoiceField(
        label=_model_field("doc_type").verbose_name, choices=DocumentType.choices, required=False
    )
    status = forms.ChoiceField(
        label=_model_field("status").verbose_name,
        choices=DocumentStatus.choices,
        initial=DocumentStatus.DRAFT,
        widget=forms.RadioSelect,
        help_text=_model_field("status").help_text,
    )
    # What the librarian was shown: confirming saves only if nothing changed since the preview.
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)

    preview: store.Preview | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes: int = settings.ARCHIVE_MAX_IMPORT_BYTES
        self.changed_since_preview = False

    @property
    def is_review(self) -> bool:
        return (self.data.get("step") if self.is_bound else self.initial.get("step")) == self.REVIEW

    def clean_date(self) -> dt.date | None:
        return check_plausible_date(self.cleaned_data.get("date"))

    def clean_upload(self) -> Any:
        upload = self.cleaned_data.get("upload")
        if upload and upload.size > self.max_bytes:
            raise ValidationError(
                _("文件过大：%(size)d 字节，上限为 %(limit)d 字节。") % {"size": upload.size, "limit": self.max_bytes},
                code="too_large",
            )
        return upload

    def _source_text(self) -> tuple[str, str] | None:
        """The text to import and the field it came from, or None after adding an error."""
        upload = self.cleaned_data.get("upload")
        pasted = self.cleaned_data.get("raw_text") or ""
        if "upload" in self.errors:
            return None
        if upload and pasted.strip():
            self.add_error("upload", _("请在粘贴文本和上传文件中选择一种，不要同时使用。"))
            return None
        try:
            if upload:
                return sources.extract_text(upload.name, upload.read(), max_bytes=self.max_bytes), "upload"
            # Browsers submit textareas with CRLF line ends; stored raw text uses LF.
            text = pasted.replace("\r\n", "\n")
            if not text.strip():
                raise IngestError(_("请粘贴文件的文本，或者上传一个文件。"))
            return sources.check_size(text, self.max_bytes), "raw_text"
        except IngestError as exc:
            self.add_error("upload" if upload else "raw_text", _ingest_error(exc))
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        found = self._source_text()
        if found is None:
            return cleaned
        text, origin = found
        cleaned["text"] = text
        if self.is_review:
            overrides: dict[str, Any] = {
                # At review the fields are authoritative: an emptied symbol means "no symbol".
                "symbol": cleaned.get("symbol", ""),
                "date": cleaned.get("date"),
                "title": cleaned.get("title", ""),
                "doc_type": cleaned.get("doc_type") or None,
            }
        else:
            overrides = {}  # first step: everything is detected from the text
        try:
            self.preview = store.preview(text, **overrides)
        except IngestError as exc:
            self.add_error(origin, _ingest_error(exc))
            return cleaned
        for field, message in self.preview.problems.items():
            self.add_error(field if field in self.fields else None, message)
        if self.preview.outcome == store.Outcome.UNCHANGED and self.preview.existing is not None:
            self.add_error(
                origin, _("这份文本已经导入过：%(document)s。无需重复添加。") % {"document": self.preview.existing}
            )
        if self.is_review and cleaned.get("fingerprint") != self.preview_fingerprint():
            self.changed_since_preview = True
        return cleaned

    def preview_fingerprint(self) -> str:
        """A digest of what the preview showed: the text and the metadata as resolved.

        The status is left out on purpose: it changes nothing in the preview, and the radio buttons
        on the page show plainly which one is chosen when "确认保存" is pressed.
        """
        assert self.preview is not None
        p = self.preview
        payload = [self.cleaned_data["text"], p.symbol, p.date and p.date.isoformat(), p.title, p.doc_type]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()

    def review_data(self) -> dict[str, str]:
        """Data for the review step: the text and every value filled in as the preview resolved it."""
        assert self.preview is not None
        p = self.preview
        return {
            "step": self.REVIEW,
            "raw_text": self.cleaned_data["text"],
            "symbol": p.symbol or (self.cleaned_data.get("symbol", "") if "symbol" in p.problems else ""),
            "date": p.date.isoformat() if p.date else "",
            "title": p.title,
            "doc_type": p.doc_type,
            "status": self.cleaned_data.get("status") or DocumentStatus.DRAFT,
            "fingerprint": self.preview_fingerprint(),
        }

    def save(self) -> store.ImportResult:
        """Store the previewed document in one transaction (the caller's)."""
        assert self.preview is not None and not self.changed_since_preview
        p = self.preview
        return store.import_text(
            self.cleaned_data["text"],
            symbol=p.symbol or "",  # "" = no symbol, rather than "detect one"
            date=p.date,
            title=p.title,
            doc_type=p.doc_type,
            status=self.cleaned_data["status"],
        )


class DocumentForm(forms.ModelForm):
    """Corrections to a stored document.  The symbol is a plain field because changing it is not a column
    update: ``store.change_symbol`` keeps the old URL redirecting and may absorb a citation hub."""

    symbol = forms.CharField(
        label=_model_field("symbol").verbose_name,
        required=False,
        max_length=100,
        help_text=gettext_lazy("规范形式，如 S/2018/1183。修改后，旧文号的链接会自动跳转到这里。"),
    )

    class Meta:
        model = Document
        fields = ["title", "date", "doc_type", "status"]
        widgets = {"date": AdminDateWidget}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["symbol"].initial = self.instance.symbol or ""

    def clean_symbol(self) -> str | None:
        try:
            symbol = store.clean_symbol(self.cleaned_data.get("symbol"))
        except IngestError as exc:
            raise _ingest_error(exc) from None
        if symbol and Document.objects.with_text().filter(symbol=symbol).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("文号 %(symbol)s 已被另一份文件使用。") % {"symbol": symbol}, code="taken")
        return symbol

    def clean_date(self) -> dt.date | None:
        return check_plausible_date(self.cleaned_data.get("date"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Restoring a version from before the text was imported would empty the document.
        if not self.instance.raw_text:
            raise ValidationError(_("这个版本没有原文，不能恢复或保存。"), code="no_text")
        return cleaned


class BlockTextForm(forms.ModelForm):
    """One block's or footnote's text; saved through ``store.update_block_text`` / ``update_footnote_text``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # In the document page's table of blocks the textarea has no visible label of its own.
        if self.instance.pk:
            self.fields["text"].widget.attrs["aria-label"] = _("%(anchor)s 的文字") % {"anchor": self.instance.anchor}

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text", "")
        if not text.strip():
            raise ValidationError(_("文字不能为空。"), code="empty")
        return text


class ParagraphTextForm(BlockTextForm):
    class Meta:
        model = Paragraph
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3, "cols": 80})}


class FootnoteTextForm(BlockTextForm):
    class Meta:
        model = Footnote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "cols": 80})}
