"""The search form: GET parameters shared by /search/ and /api/search/.

Parameters: ``q``, ``year_from``, ``year_to``, ``type``, ``cites``, ``document``, ``sort``
(relevance | newest | oldest), ``page``; ``snippets=0`` leaves the excerpts out (for API clients
that only need where the hits are).  The form never rejects a search: a value it cannot use is
dropped and a note says so, because a reader with a typo deserves results, not an error page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archive.models import DocumentType

from .engine import PER_PAGE, SearchParams
from .query import without_control_characters

SORT_CHOICES = [
    ("relevance", gettext_lazy("相关度")),
    ("newest", gettext_lazy("最新在前")),
    ("oldest", gettext_lazy("最早在前")),
]
_YEAR_MIN, _YEAR_MAX = 1945, 2100


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("检索词"), required=False, strip=False)
    year_from = forms.CharField(label=gettext_lazy("起始年份"), required=False)
    year_to = forms.CharField(label=gettext_lazy("截止年份"), required=False)
    type = forms.ChoiceField(
        label=gettext_lazy("文件类型"),
        required=False,
        choices=[("", gettext_lazy("全部类型")), *DocumentType.choices],
    )
    cites = forms.CharField(label=gettext_lazy("引用的决议或文件"), required=False)
    document = forms.CharField(label=gettext_lazy("限于文件"), required=False)
    sort = forms.ChoiceField(label=gettext_lazy("排序"), required=False, choices=SORT_CHOICES)
    page = forms.CharField(required=False)

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # Control characters leave the query here, not only in the parser: the query is shown
        # again in the search box, in links and in the feed's title, where a NUL has no business.
        self.cleaning_notes: list[str] = []
        raw = data.get("q") if data is not None else None
        if isinstance(raw, str):
            cleaned = without_control_characters(raw, self.cleaning_notes)
            if cleaned != raw:
                data = data.copy()
                data["q"] = cleaned
        super().__init__(data, *args, **kwargs)

    def to_params(self) -> tuple[SearchParams, list[str]]:
        """The search to run and notes about the values that had to be dropped."""
        data = self.data
        notes = list(self.cleaning_notes)

        def text(name: str, limit: int = 300) -> str:
            value = data.get(name, "")
            return value[:limit].strip() if isinstance(value, str) else ""

        def year(name: str) -> int | None:
            raw = text(name, 20)
            if not raw:
                return None
            try:
                value = int(raw)
            except ValueError:
                value = None
            if value is None or not _YEAR_MIN <= value <= _YEAR_MAX:
                notes.append(_("年份“%(value)s”无效，已忽略。") % {"value": raw})
                return None
            return value

        try:
            page = int(text("page", 10) or 1)
        except ValueError:
            page = 1
        sort = text("sort", 20) or "relevance"
        if sort not in dict(SORT_CHOICES):
            sort = "relevance"
        params = SearchParams(
            q=data.get("q", "") if isinstance(data.get("q", ""), str) else "",
            year_from=year("year_from"),
            year_to=year("year_to"),
            doc_type=text("type", 40) or None,
            cites=text("cites", 100) or None,
            document=text("document", 120) or None,
            sort=sort,
            page=max(page, 1),
            per_page=PER_PAGE,
            snippets=text("snippets", 5) not in ("0", "no", "false"),
        )
        return params, notes


def querystring(params: SearchParams, **changes: object) -> str:
    """``?q=…&year_from=…`` for ``params`` with ``changes`` applied; empty values left out."""
    values: dict[str, object] = {
        "q": params.q,
        "year_from": params.year_from,
        "year_to": params.year_to,
        "type": params.doc_type,
        "cites": params.cites,
        "document": params.document,
        "sort": params.sort if params.sort != "relevance" else None,
        "page": params.page if params.page > 1 else None,
    }
    values.update(changes)
    pairs = [(k, v) for k, v in values.items() if v not in (None, "", 0)]
    return "?" + urlencode(pairs) if pairs else "?"
