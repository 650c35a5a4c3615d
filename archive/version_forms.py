"""The librarian's form for a document's text in another language: paste or upload → preview and
pairing → correct the pairing → save.

Like adding a document (:class:`archive.forms.ImportForm`), every decision is the store's:
``store.preview_version`` runs exactly what ``store.import_version`` will run.  The review step
carries one field per block of the version, ``pair-<n>``: the anchor of the Chinese block it is
paired with, or empty for none.  A changed pairing is previewed again before it can be saved.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.forms import TextSourceForm
from archive.ingest import store
from archive.ingest.errors import IngestError
from archive.models import Document, Language, TextVersion

__all__ = ["VersionForm"]

_PAIR_FIELD_RE = re.compile(r"^pair-([1-9][0-9]{0,5})$")


def pair_field(index: int) -> str:
    """The form field naming the partner of block ``index`` (from 0): ``pair-1`` for the first."""
    return f"pair-{index + 1}"


class VersionForm(TextSourceForm):
    title = forms.CharField(
        label=gettext_lazy("英文标题"),
        required=False,
        max_length=TextVersion._meta.get_field("title").max_length,
        widget=forms.TextInput(attrs={"class": "vTextField", "lang": "en"}),
        help_text=gettext_lazy("已根据英文本自动填写，请核对。"),
    )
    # The text the pair-<n> fields were made for: another text (edited at review) is paired afresh.
    paired_text = forms.CharField(required=False, widget=forms.HiddenInput)

    preview: store.VersionPreview | None = None

    def __init__(self, document: Document, *args: Any, language: str = Language.EN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.document, self.language = document, language
        self.fields["raw_text"].help_text = gettext_lazy(
            "这份文件的英文本全文（如英文原文 PDF 提取的文字），原样粘贴即可；段落会与中文本逐段配对。"
        )
        self.fields["raw_text"].widget.attrs["lang"] = "en"
        names = sorted((int(m.group(1)) for key in self.data if (m := _PAIR_FIELD_RE.match(key))), key=int)
        for n in names:
            self.fields[f"pair-{n}"] = self._pair(n - 1)

    @staticmethod
    def _pair(index: int) -> forms.CharField:
        return forms.CharField(
            label=_("英文第 %(n)d 个文本块的中文对应") % {"n": index + 1},
            required=False,
            max_length=32,
            widget=forms.TextInput(attrs={"list": "chinese-anchors", "size": 10, "autocomplete": "off"}),
        )

    @property
    def unchanged(self) -> bool:
        """The text and its pairing are what the archive holds: saving would change nothing."""
        return self.preview is not None and self.preview.outcome == store.Outcome.UNCHANGED

    def _chosen(self, text: str) -> dict[int, str | None] | None:
        """The partners the librarian sent, by block (from 0), if they were made for this very text."""
        if not self.is_review or self.cleaned_data.get("paired_text") != store.sha256(text):
            return None
        chosen: dict[int, str | None] = {}
        for name in self.fields:
            if match := _PAIR_FIELD_RE.match(name):
                value = (self.cleaned_data.get(name) or "").strip()
                chosen[int(match.group(1)) - 1] = value or None
        return chosen

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        found = self._source_text()
        if found is None:
            return cleaned
        text, origin = found
        cleaned["text"] = text
        title = (cleaned.get("title") or "").strip() if self.is_review else None
        try:
            self.preview = store.preview_version(
                self.document, text, self.language, pairs=self._chosen(text), title=title
            )
        except IngestError as exc:
            self.add_error(self._text_field(origin), ValidationError(str(exc), code="ingest"))
            return cleaned
        for field, message in self.preview.problems.items():
            self.add_error(field if field in self.fields else None, message)
        if self.is_review and cleaned.get("fingerprint") != self.preview_fingerprint():
            self.changed_since_preview = True
        return cleaned

    def preview_fingerprint(self) -> str:
        """A digest of what the preview showed: the text, the title and every block's partner."""
        assert self.preview is not None
        p = self.preview
        payload = [self.cleaned_data["text"], p.title, sorted(p.partners.items())]
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False).encode("utf-8")).hexdigest()

    def review_data(self) -> dict[str, str]:
        """Data for the review step: the text, the title and every partner as the preview resolved them."""
        assert self.preview is not None
        data = {
            "step": self.REVIEW,
            "raw_text": self.cleaned_data["text"],
            "title": self.preview.title,
            "paired_text": store.sha256(self.cleaned_data["text"]),
            "fingerprint": self.preview_fingerprint(),
        }
        data.update({pair_field(i): anchor or "" for i, anchor in self.preview.partners.items()})
        return data

    def save(self) -> store.VersionResult:
        """Store the previewed version (in the caller's transaction), with the pairing as shown."""
        assert self.preview is not None and not self.changed_since_preview
        return store.import_version(
            self.document,
            self.cleaned_data["text"],
            self.language,
            pairs=self.preview.partners,
            replace=True,  # the preview said it replaces the stored version, and the librarian confirmed
            title=self.preview.title,
        )
