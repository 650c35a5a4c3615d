"""Tables: consecutive lines of cells become one table block, never headings or paragraphs.

Extraction prints a table row per line, cells separated by a tab (Word, web pages), a run of
spaces, or a single space::

    阶段 军事人员 警察 文职人员
    第一阶段 2 000 391 120

A single space also separates the groups of a number (``2 000``), so the cells of such a row
are found by splitting the numbers into exactly as many cells as the header row names; when
no header says how many, or the rows allow more than one split, the columns cannot be told
apart and the table keeps its printed lines (rendered preformatted), with a warning.  Cells
are kept as printed, thin spaces inside numbers included.

A table's text (what the reading pages render): one line per row, joined with ``\\n``; cells
joined with ``\\t`` when the columns are known.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .clean import Line, LineKind, is_cjk, visible_len

__all__ = ["chinese_header", "gather_tables"]

# A cell gap that cannot be anything else: a tab, or two spaces or more of any kind.
_GAP_RE = re.compile(r"\t|[ \u00a0\u2000-\u200a\u202f\u205f\u3000]{2,}")
# One cell of figures: 120, 2 000 (thin or plain space), 12.5%, -, —, ...
_NUMBER_RE = re.compile(r"^[-+−]?[0-9][0-9.,\u00a0\u2009\u202f]*%?$|^[-—–…]$|^\.{2,3}$")
# The first group of a number written with spaces: never a leading zero ("000" continues one).
_GROUP_HEAD_RE = re.compile(r"^[1-9][0-9]{0,2}$")
_GROUP_RE = re.compile(r"^[0-9]{3}(?:[.,][0-9]+)?%?$")
# A header cell, or a row's label: a word of two characters or more, no sentence punctuation, no digits.
_WORD_RE = re.compile(r"^[^\s0-9。，；：！？、,;:!?]{2,20}$")
_LABEL_RE = re.compile(r"^[^\s。，；：！？、,;:!?]{1,20}$")
_ROW_MAX = 80  # visible characters; prose lines of a table-like shape are longer
_MAX_SPLITS = 8  # a row of figures splits a few ways at most; past this it is not a table row


@dataclass
class _Row:
    line: Line
    # Cells when the gaps are unmistakable (tabs, wide spaces) or the row has no figures to split.
    cells: list[str] | None
    # Otherwise: the label and the single-space tokens of the figures after it.
    label: str = ""
    figures: list[str] | None = None
    # The cells were separated by tabs or wide spaces, not guessed from single spaces.
    explicit: bool = False

    def splits(self, count: int) -> list[list[str]]:
        """The ways the figures divide into ``count`` cells (at most _MAX_SPLITS of them)."""
        return _splits(self.figures or [], count)


def _splits(tokens: list[str], count: int) -> list[list[str]]:
    if count == 0:
        return [[]] if not tokens else []
    if len(tokens) < count:
        return []
    found: list[list[str]] = []
    head = tokens[0]
    if len(head) > 1 and head[0] == "0" and head[1].isdigit():
        return []  # "000" continues a number; no figure starts with a zero
    # A cell is a token, or a number followed by its groups of three ("2 000", "1 250 000").
    ends = [1]
    if _GROUP_HEAD_RE.match(head):
        end = 1
        while end < len(tokens) and _GROUP_RE.match(tokens[end]):
            end += 1
            ends.append(end)
    for end in ends:
        for rest in _splits(tokens[end:], count - 1):
            found.append([" ".join(tokens[:end]), *rest])
            if len(found) >= _MAX_SPLITS:
                return found
    return found


def chinese_header(tokens: Sequence[str]) -> bool:
    """A row of words heads a table; spaced-out characters ("联 合 国") are single characters, not words."""
    return any(is_cjk(t[0]) for t in tokens)


# Whether a line of words separated by single spaces is a table's header row.
HeaderRule = Callable[[Sequence[str]], bool]


def _row(line: Line, header: HeaderRule) -> _Row | None:
    if line.kind != LineKind.TEXT:
        return None
    printed = line.cells or line.text
    if printed[-1] in "。；;：:，," or len(printed) > 2 * _ROW_MAX or visible_len(printed) > _ROW_MAX:
        return None
    if _GAP_RE.search(printed):
        cells = [c.strip() for c in _GAP_RE.split(printed)]
        if len([c for c in cells if c]) >= 2:
            return _Row(line, cells, explicit=True)
        return None
    tokens = printed.split(" ")
    if len(tokens) < 2 or not all(tokens):
        return None
    if all(_WORD_RE.match(t) and not _NUMBER_RE.match(t) for t in tokens):
        return _Row(line, tokens) if header(tokens) else None
    label, figures = tokens[0], tokens[1:]
    if not _LABEL_RE.match(label) or _NUMBER_RE.match(label) or not all(_NUMBER_RE.match(t) for t in figures):
        return None
    return _Row(line, None, label, figures)


def _printed(rows: list[_Row]) -> str:
    return "\n".join(r.line.cells or r.line.text for r in rows)


def _digits(cell: str) -> int:
    return sum(1 for ch in cell if ch.isdigit())


def _choose(rows: list[_Row], count: int) -> list[list[str]] | None:
    """One split into ``count`` figure cells per data row, or None when some row stays ambiguous.

    "2 450 410 135" is "2 450 | 410 | 135" or "2 | 450 410 | 135"; the rows that split only one
    way show how many digits each column's figures have, and the ambiguous rows take the split
    closest to that.  Without such rows, or with a tie, the columns cannot be told apart.
    """
    options = [r.splits(count) for r in rows]
    if any(not o for o in options):
        return None
    sure = [o[0] for o in options if len(o) == 1]
    if not sure:
        return None
    typical = [sorted(_digits(cells[c]) for cells in sure)[len(sure) // 2] for c in range(count)]
    chosen = []
    for o in options:
        scores = sorted(
            (sum(abs(_digits(cell) - t) for cell, t in zip(split, typical, strict=True)), split) for split in o
        )
        if len(scores) > 1 and scores[0][0] == scores[1][0]:
            return None
        chosen.append(scores[0][1])
    return chosen


def _format(rows: list[_Row]) -> tuple[str, bool]:
    """The table's text and whether its columns were told apart."""
    widths = {len(r.cells) for r in rows if r.cells is not None}
    if len(widths) > 1:
        return _printed(rows), False
    header = widths.pop() if widths else None
    data = [r for r in rows if r.cells is None]
    if header is not None:
        # The header names every column, or all but the labels' (its corner cell left empty).
        candidates = [header - 1, header]
    else:
        candidates = list(range(1, max((len(r.figures or []) for r in data), default=0) + 1))
    found = [(n, split) for n in candidates if n > 0 and (split := _choose(data, n)) is not None] if data else []
    if data and len(found) != 1:
        return _printed(rows), False
    figures, splits = found[0] if data else (0, [])
    cells = iter(splits)
    lines = []
    for r in rows:
        if r.cells is None:
            lines.append("\t".join([r.label, *next(cells)]))
        else:
            corner = [""] if header is not None and figures == header else []
            lines.append("\t".join([*corner, *r.cells]))
    return "\n".join(lines), True


def gather_tables(lines: list[Line], header: HeaderRule = chinese_header) -> tuple[list[Line], list[str]]:
    """Replace each run of two or more table rows with one TABLE line; return the lines and warnings."""
    out: list[Line] = []
    warnings: list[str] = []
    run: list[_Row] = []

    def flush() -> None:
        if len(run) >= 2 and _has_figures(run):
            text, columns_known = _format(run)
            first = run[0].line
            out.append(Line(LineKind.TABLE, text, first.indent, page=first.page, cells=text))
            if not columns_known:
                warnings.append(
                    _("表格“%(start)s……”的各列无法可靠区分，已按原文逐行保留（以等宽格式显示），请核对。")
                    % {"start": run[0].line.text[:20]}
                )
        else:
            out.extend(r.line for r in run)
        run.clear()

    for line in lines:
        row = _row(line, header)
        if row is None:
            flush()
            out.append(line)
        else:
            run.append(row)
    flush()
    return out, warnings


def _has_figures(rows: list[_Row]) -> bool:
    """Enough of a grid to be a table: two rows with explicit cell gaps, or two rows of figures under
    a header (or with two figures each, or three such rows).  A heading over a line ending in a number
    ("议程项目 34") or two headings numbered alike ("备选方案 1", "备选方案 2") are not one."""
    if sum(1 for r in rows if r.explicit) >= 2:
        return True
    figures = [r for r in rows if r.figures]
    header = any(r.cells is not None for r in rows)
    return len(figures) >= 3 or (len(figures) >= 2 and (header or all(len(r.figures or []) >= 2 for r in figures)))
