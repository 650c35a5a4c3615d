"""Where a batch file's metadata comes from: a manifest row, then its file name, then its text.

A manifest is CSV (as a spreadsheet saves it: UTF-8 with or without BOM, or GB18030) or JSON
(``{"documents": [...]}``, the format of ``fixtures/documents.json``, or a bare list).  Columns:
``file`` (path inside the folder or zip), and optionally ``symbol``, ``date`` (YYYY-MM-DD),
``title``, ``doc_type``; Chinese headings (文件, 文号, 日期, 标题, 类型) work too.  A row with a
bad value refuses its own file only, with the row named; a manifest that cannot be read at all
refuses the batch before anything is imported.

File names carry a symbol the way the UN's own downloads do: ``S_2018_1183.pdf``,
``S_RES_2645(2022).docx``, ``S_RES_2645_2022.txt``, ``A_72_707-S_2018_43.pdf``,
``S_2018_1183_Add_1-ZH.pdf``.  Anything that does not spell a valid symbol gives none, and the
importer then reads the symbol from the text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from ..decode import decode_text
from ..errors import IngestError
from ..plausible import metadata_problems
from ..symbols import InvalidSymbol, normalize_symbol

__all__ = ["Manifest", "ManifestRow", "read_manifest", "symbol_from_filename"]

_COLUMNS = {
    "file": "file",
    "filename": "file",
    "path": "file",
    "文件": "file",
    "文件名": "file",
    "symbol": "symbol",
    "文号": "symbol",
    "date": "date",
    "日期": "date",
    "title": "title",
    "标题": "title",
    "doc_type": "doc_type",
    "type": "doc_type",
    "类型": "doc_type",
    "文件类型": "doc_type",
}


@dataclass(frozen=True)
class ManifestRow:
    file: str
    line: int  # the row's line (CSV) or position (JSON, 1-based), for messages
    symbol: str | None = None
    date: dt.date | None = None
    title: str | None = None
    doc_type: str | None = None
    # Why this row cannot be used (bad date, symbol...): its file is refused with this message.
    error: str | None = None


@dataclass
class Manifest:
    name: str
    rows: list[ManifestRow] = field(default_factory=list)

    def row_for(self, name: str) -> ManifestRow | None:
        """The row naming ``name`` exactly, else the only row naming a file of that base name."""
        exact = [r for r in self.rows if r.file == name]
        if exact:
            return exact[0]
        base = PurePosixPath(name).name
        by_base = [r for r in self.rows if PurePosixPath(r.file).name == base and "/" not in r.file]
        return by_base[0] if len(by_base) == 1 else None

    def unmatched(self, names: set[str]) -> list[ManifestRow]:
        """Rows whose file is not among ``names`` (reported: the librarian expected those files)."""
        return [r for r in self.rows if not any(self.row_for(n) is r for n in names)]


def _row(values: dict[str, Any], line: int, where: str) -> ManifestRow | None:
    mapped: dict[str, str] = {}
    for key, value in values.items():
        column = _COLUMNS.get(str(key).strip().lower())
        if column and value is not None and str(value).strip():
            mapped[column] = str(value).strip()
    if not mapped:
        return None  # a blank line
    name = mapped.get("file", "").replace("\\", "/").lstrip("./") if "file" in mapped else ""
    if not name:
        raise IngestError(_("清单 %(where)s 第 %(line)d 行没有文件名（file 列）。") % {"where": where, "line": line})
    problems = []
    symbol = mapped.get("symbol")
    if symbol:
        try:
            symbol = normalize_symbol(symbol)
        except InvalidSymbol as exc:
            problems.append(str(exc))
    date = None
    if mapped.get("date"):
        try:
            date = dt.date.fromisoformat(mapped["date"])
        except ValueError:
            problems.append(_("日期“%(value)s”无效（应为 YYYY-MM-DD）。") % {"value": mapped["date"]})
    problems += metadata_problems(date=date, title=mapped.get("title"))
    error = None
    if problems:
        error = _("清单 %(where)s 第 %(line)d 行：%(problems)s") % {
            "where": where,
            "line": line,
            "problems": " ".join(problems),
        }
    return ManifestRow(
        file=name,
        line=line,
        symbol=symbol if not problems else None,
        date=date,
        title=mapped.get("title"),
        doc_type=mapped.get("doc_type"),
        error=error,
    )


def read_manifest(name: str, data: bytes) -> Manifest:
    """Parse a CSV or JSON manifest; raise IngestError when it cannot be read at all."""
    suffix = PurePosixPath(name).suffix.lower()
    where = PurePosixPath(name).name
    try:
        text = decode_text(data)
    except IngestError as exc:
        raise IngestError(_("无法读取清单 %(name)s：%(error)s") % {"name": where, "error": exc}) from None
    rows: list[ManifestRow | None] = []
    if suffix == ".json":
        try:
            loaded = json.loads(text)
        except ValueError as exc:
            raise IngestError(_("清单 %(name)s 不是有效的 JSON：%(error)s") % {"name": where, "error": exc}) from None
        entries = loaded.get("documents") if isinstance(loaded, dict) else loaded
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise IngestError(_("清单 %(name)s 应为文件列表，或含有 documents 列表的对象。") % {"name": where})
        rows = [_row(entry, i, where) for i, entry in enumerate(entries, start=1)]
    elif suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or not any(_COLUMNS.get(f.strip().lower()) == "file" for f in reader.fieldnames):
            raise IngestError(_("清单 %(name)s 的第一行应为列名，其中须有 file（或“文件”）列。") % {"name": where})
        rows = [_row(values, reader.line_num, where) for values in reader]
    else:
        raise IngestError(_("清单应为 .csv 或 .json 文件，而不是 %(name)s。") % {"name": where})
    manifest = Manifest(where, [r for r in rows if r is not None])
    seen: dict[str, int] = {}
    for row in manifest.rows:
        if row.file in seen:
            raise IngestError(
                _("清单 %(name)s 中 %(file)s 出现了两次（第 %(first)d 行和第 %(line)d 行）。")
                % {"name": where, "file": row.file, "first": seen[row.file], "line": row.line}
            )
        seen[row.file] = row.line
    return manifest


# The language of a UN download: "-ZH", "-C" (hyphen), or "_ZH" (two letters after an underscore,
# so that "A_RES_72_262_C" is not read as resolution 72/262 in Chinese).
_LANGUAGE_SUFFIX_RE = re.compile(r"(?:-(?:ZH|CH|EN|FR|ES|RU|AR|C|E|F|S|R|A)|_(?:ZH|CH|EN|FR|ES|RU|AR))$", re.IGNORECASE)
_RESOLUTION_RE = re.compile(r"^([SA])_RES_(\d{1,4})_(\d{4})$", re.IGNORECASE)
_SUFFIX_RE = re.compile(r"/(ADD|REV|CORR|AMEND)/(\d{1,3})(?=/|$|-)", re.IGNORECASE)


def _spellings(stem: str) -> list[str]:
    spellings = []
    resolution = _RESOLUTION_RE.match(stem)
    if resolution:
        spellings.append(f"{resolution.group(1)}/RES/{resolution.group(2)}({resolution.group(3)})")
    spellings.append(_SUFFIX_RE.sub(lambda m: f"/{m.group(1)}.{m.group(2)}", stem.replace("_", "/")))
    return spellings


def symbol_from_filename(name: str) -> str | None:
    """The UN symbol a file name spells (``S_2018_1183.pdf`` → ``S/2018/1183``), or None."""
    stem = PurePosixPath(name.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    for candidate in (stem, _LANGUAGE_SUFFIX_RE.sub("", stem)):
        for spelled in _spellings(candidate):
            try:
                return normalize_symbol(spelled)
            except InvalidSymbol:
                continue
    return None
