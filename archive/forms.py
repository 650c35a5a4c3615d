"""Librarian forms: adding a document (paste or upload → preview → confirm), correcting one, and
uploading a zip of many for a bulk import.

The forms turn request data into arguments for ``archive.ingest`` and its refusals into form
errors; every parsing decision is the pipeline's (``store.preview`` runs exactly what
``store.import_text`` will run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.ingest import sources, store
from archive.ingest.batch import ZipSource, read_manifest
from archive.ingest.errors import IngestError
from archive.ingest.fingerprint import text_fingerprint
from archive.ingest.plausible import TITLE_MAX, date_problem, title_problem
from archive.ingest.store.importing import duplicate_text_holder
from archive.models import Document, DocumentType, Footnote, Paragraph


def _model_field(name: str) -> Any:
    return Document._meta.get_field(name)


class CalendarDateWidget(AdminDateWidget):
    """The admin's date field and calendar, for calendar dates.

    Rendered in the language's input format (2018/12/31 in Chinese), which is also what the
    calendar writes, on the add and the change form alike.  A document's date is a date, not an
    instant: the admin's note "你比服务器时间滞后 8 个小时" for a browser in another time zone does
    not apply, and calendar_dates.js keeps it away.
    """

    class Media:
        js = ["archive/admin/calendar_dates.js"]


def _date_example() -> str:
    return formats.localize_input(dt.date(2018, 12, 31))


# "例如 2018/12/31", in whatever format the librarian's language types dates.
DATE_EXAMPLE = lazy(_date_example, str)()


def check_plausible_date(value: dt.date | None) -> dt.date | None:
    """A UN document's date lies between the Charter and today; anything else is a typo."""
    problem = date_problem(value)
    if problem:
        raise ValidationError(problem, code="implausible_date")
    return value


def check_title(value: str) -> str:
    problem = title_problem(value)
    if problem:
        raise ValidationError(problem, code="title_too_long")
    return value


def _ingest_error(exc: IngestError) -> ValidationError:
    return ValidationError(str(exc), code="ingest")


class TextSourceForm(forms.Form):
    """A text pasted or uploaded, in two steps on one form: ``source`` (the text, nothing else), then
    ``review`` (the preview, the text travelling along in a field so that confirming re-validates
    everything it saves).  Shared by adding a document and adding a version of one."""

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
    # What the librarian was shown: confirming saves only if nothing changed since the preview.
    fingerprint = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes: int = settings.ARCHIVE_MAX_IMPORT_BYTES
        self.changed_since_preview = False

    @property
    def is_review(self) -> bool:
        return (self.data.get("step") if self.is_bound else self.initial.get("step")) == self.REVIEW

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
            self.add_error(self._text_field("upload" if upload else "raw_text"), _ingest_error(exc))
            return None

    def _text_field(self, origin: str) -> str | None:
        # At review the text sits folded away at the bottom of the page: its problems are said at the
        # top, once, rather than next to a field the librarian cannot see.
        return None if self.is_review else origin


class ImportForm(TextSourceForm):
    """Adding a document.  At ``review`` the preview is shown with the detected symbol, date, title and
    type filled in for correction."""

    symbol = forms.CharField(
        label=_model_field("symbol").verbose_name,
        required=False,
        max_length=100,
        help_text=gettext_lazy("规范形式，如 S/2018/1183；没有文号时留空。"),
    )
    date = forms.DateField(
        label=_model_field("date").verbose_name,
        required=False,
        widget=CalendarDateWidget,
        help_text=format_lazy(gettext_lazy("例如 {example}；留空时使用从标题中识别出的日期。"), example=DATE_EXAMPLE),
    )
    title = forms.CharField(
        label=_model_field("title").verbose_name,
        required=False,
        # The length is checked by check_title, with the words the import commands use too.
        widget=forms.TextInput(attrs={"class": "vTextField", "maxlength": TITLE_MAX}),
    )
    doc_type = forms.ChoiceField(
        label=_model_field("doc_type").verbose_name, choices=DocumentType.choices, required=False
    )
    reissue = forms.BooleanField(
        label=gettext_lazy("确认重发"),
        required=False,
        help_text=gettext_lazy("这是以另一文号重新印发的同一文本：仍然作为一份单独的文件保存。"),
    )

    preview: store.Preview | None = None
    # The document that already holds this text under another symbol (refused unless a reissue).
    duplicate_of: Document | None = None

    @property
    def text_refused(self) -> bool:
        """The text as a whole cannot be added (already held, or held under another symbol):
        the page then says only that, without a preview to correct."""
        return self.preview is not None and (self.preview.outcome == store.Outcome.UNCHANGED or bool(self.duplicate_of))

    def clean_date(self) -> dt.date | None:
        return check_plausible_date(self.cleaned_data.get("date"))

    def clean_title(self) -> str:
        return check_title(self.cleaned_data.get("title", ""))

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
                self._text_field(origin),
                _("这份文本已经导入过：%(document)s。无需重复添加。") % {"document": self.preview.existing},
            )
        else:
            self._check_duplicate(text, origin, bool(cleaned.get("reissue")))
        if self.is_review and cleaned.get("fingerprint") != self.preview_fingerprint():
            self.changed_since_preview = True
        return cleaned

    def _check_duplicate(self, text: str, origin: str, reissue: bool) -> None:
        """The same text (after cleaning) already held under another symbol: refused unless a reissue."""
        assert self.preview is not None
        holder = duplicate_text_holder(
            text_fingerprint(self.preview.blocks, self.preview.footnotes), store.sha256(text), self.preview.existing
        )
        if holder is None or reissue:
            return
        self.duplicate_of = holder
        self.add_error(
            self._text_field(origin),
            _(
                "这份文本与已收录的 %(document)s 相同（清理后逐字一致），没有保存。"
                "如果它确是以另一文号重新印发的同一文件，请勾选“确认重发”后再保存。"
            )
            % {"document": holder},
        )

    def preview_fingerprint(self) -> str:
        """A digest of what the preview showed: the text and the metadata as resolved.

        The status is left out on purpose: it changes nothing in the preview, and it is the button
        pressed ("保存为草稿" or "保存并发布") that chooses it.
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
            # In the format the date field renders (and its calendar writes), as on the change form.
            "date": formats.localize_input(p.date) if p.date else "",
            "title": p.title,
            "doc_type": p.doc_type,
            "fingerprint": self.preview_fingerprint(),
        }

    def save(self, status: str) -> store.ImportResult:
        """Store the previewed document with ``status`` in one transaction (the caller's)."""
        assert self.preview is not None and not self.changed_since_preview
        p = self.preview
        return store.import_text(
            self.cleaned_data["text"],
            symbol=p.symbol or "",  # "" = no symbol, rather than "detect one"
            date=p.date,
            title=p.title,
            doc_type=p.doc_type,
            status=status,
            reissue=bool(self.cleaned_data.get("reissue")),
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
        widgets = {"date": CalendarDateWidget}

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


def text_rows(text: str, cols: int, least: int, most: int = 40) -> int:
    """Rows a textarea of ``cols`` columns needs to show ``text`` whole (a Chinese character takes two)."""
    needed = 0
    for line in text.split("\n"):
        width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
        needed += max(1, math.ceil(width / cols))
    return max(least, min(most, needed + 1))


class BlockTextForm(forms.ModelForm):
    """One block's or footnote's text; saved through ``store.update_block_text`` / ``update_footnote_text``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["text"].widget
        # In the document page's table of blocks the textarea has no visible label of its own.
        if self.instance.pk:
            widget.attrs["aria-label"] = _("%(anchor)s 的文字") % {"anchor": self.instance.anchor}
        # Tall enough for the whole paragraph: a long one is read and corrected without scrolling inside it.
        widget.attrs["rows"] = text_rows(self.instance.text or "", int(widget.attrs["cols"]), int(widget.attrs["rows"]))

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


# --- bulk import ----------------------------------------------------------------------------------

# An upload may hold hundreds of documents; the zip's own limits (archive/ingest/batch/files.py)
# bound what it may inflate to.
MAX_BATCH_UPLOAD_BYTES = 1024 * 1024 * 1024


class BatchUploadForm(forms.Form):
    """A zip of .txt/.pdf/.docx files to import at once, an optional manifest, and the librarian's choices.

    Only the archive's table of contents is checked here (it is valid, within the limits, holds
    files); reading and importing the files is the worker's job, outside the request.
    """

    archive = forms.FileField(
        label=gettext_lazy("压缩包"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
        help_text=gettext_lazy("一个 .zip 文件，内含 .txt、.pdf、.docx 文件（可以放在子文件夹中）。"),
    )
    manifest = forms.FileField(
        label=gettext_lazy("清单（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.json"}),
        help_text=gettext_lazy(
            "CSV 或 JSON：每行一个文件，列为 file（必填）、symbol、date、title、doc_type。"
            "没有清单时，使用压缩包根目录中的 manifest.csv、manifest.json 或 documents.json；"
            "再没有时，文号从文件名（如 S_2018_1183.pdf）或文本中识别。"
        ),
    )
    replace = forms.BooleanField(
        label=gettext_lazy("替换文本不同的同号文件"),
        required=False,
        help_text=gettext_lazy(
            "文号已有另一份文本时，用压缩包中的文本替换它（已有段落的锚点不变）。不勾选时报告为冲突。"
        ),
    )
    reissue = forms.BooleanField(
        label=gettext_lazy("确认重发"),
        required=False,
        help_text=gettext_lazy("同一文本已以另一文号收录时仍然导入（以新文号重新印发的文件）。不勾选时报告为重复。"),
    )

    def clean_archive(self) -> Any:
        upload = self.cleaned_data["archive"]
        if not upload.name.lower().endswith(".zip"):
            raise ValidationError(_("请上传 .zip 压缩包。单个文件请用“添加文件”。"), code="not_zip")
        if upload.size > MAX_BATCH_UPLOAD_BYTES:
            raise ValidationError(
                _("压缩包过大：%(size)d 字节，上限为 %(limit)d 字节。请分成几批上传。")
                % {"size": upload.size, "limit": MAX_BATCH_UPLOAD_BYTES},
                code="too_large",
            )
        try:
            with ZipSource(upload, settings.ARCHIVE_MAX_IMPORT_BYTES, upload.name) as source:
                entries = source.entries()
        except IngestError as exc:
            raise _ingest_error(exc) from None
        finally:
            upload.seek(0)
        if not any(e.name.lower().endswith(sources.SUPPORTED_EXTENSIONS) for e in entries):
            raise ValidationError(_("压缩包里没有 .txt、.pdf 或 .docx 文件。"), code="empty")
        return upload

    def clean_manifest(self) -> Any:
        upload = self.cleaned_data.get("manifest")
        if upload:
            try:
                read_manifest(upload.name, upload.read())
            except IngestError as exc:
                raise _ingest_error(exc) from None
            finally:
                upload.seek(0)
        return upload
