"""Pairing a version's blocks with the Chinese text's: which Chinese anchor each English block shares.

A document's English text and its Chinese text are two texts of one document; a reader following
``#p12`` must land on paragraph 12 in either.  So every English block takes the anchor of the
Chinese block it is paired with, or ``en<n>`` when it has none (counted on, never reused).

How blocks are paired, most certain first:

1. **The librarian's choice** (``chosen``), from the preview: it is never second-guessed.
2. **What the version already says** (``earlier``): an English block that continues a block of the
   stored English text (same number, same text, or a close correction of it) keeps that block's
   anchor, so a pairing once corrected stays corrected over a re-import.
3. **Structure**: numbered paragraphs, sub-paragraphs, preambular and annex paragraphs by (section,
   number, label); numbered headings by their numeral (``二.`` with ``II.``, ``A.`` under it with
   ``A.``); an annex's or enclosure's heading with the heading opening the same part; the title with
   the title; signatures with signatures, in order.
4. **Order within a section**: between two blocks paired by structure (a *section* here), the
   headings and unnumbered blocks pair in order, as an alignment that may skip a block on either
   side; kinds must agree, and length, numbers and footnote markers in common make a pair likelier.
   One heading missing in English therefore costs one pair, not every later one.

Footnotes pair by number (``fn3`` with ``fn3``).  Whatever remains unpaired, and every pairing of
different kinds or numbers, is a warning for the librarian.  Pure: the store passes in the Chinese
blocks as stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..types import BlockKind
from .keys import BlockLike, number_of, structural_keys
from .order import features, in_order, monotone

__all__ = ["Alignment", "Basis", "Counterpart", "Pair", "align", "choice_problems", "structural_keys"]

_KIND_LABELS = {
    BlockKind.TITLE: gettext_lazy("标题"),
    BlockKind.HEADING: gettext_lazy("小标题"),
    BlockKind.PREAMBULAR: gettext_lazy("序言段落"),
    BlockKind.PARAGRAPH: gettext_lazy("段落"),
    BlockKind.SUBPARAGRAPH: gettext_lazy("分段"),
    BlockKind.LIST_ITEM: gettext_lazy("列表项"),
    BlockKind.TABLE: gettext_lazy("表格"),
    BlockKind.SIGNATURE: gettext_lazy("签名"),
}
_UNPAIRED_PREFIX = "en"
_UNPAIRED_RE = re.compile(rf"^{_UNPAIRED_PREFIX}([0-9]+)$")
_SPACE_RE = re.compile(r"\s+")
# Below this similarity a re-imported block is not a correction of a stored one.
_CONTINUES_MIN_RATIO = 0.75
_LISTED = 10


@dataclass(frozen=True)
class Counterpart:
    """A block of the other text (the Chinese one, as stored): what pairing needs to know of it."""

    anchor: str
    kind: str
    number: str
    label: str
    section: str
    text: str
    footnotes: tuple[str, ...] = ()


class Basis(StrEnum):
    CHOSEN = "chosen"  # the librarian's choice
    KEPT = "kept"  # continues a block of the stored version
    NUMBER = "number"  # same number, label, title or signature
    ORDER = "order"  # in order within its section
    NONE = "none"  # no partner


@dataclass(frozen=True)
class Pair:
    index: int  # of the block in the version's parse, from 0
    anchor: str
    partner: str | None  # the Chinese anchor it shares; None when unpaired (anchor en<n>)
    basis: Basis


@dataclass
class Alignment:
    pairs: list[Pair]
    # Anchors of the Chinese blocks no block of the version is paired with, in reading order.
    unpaired: list[str]
    footnote_anchors: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def anchors(self) -> list[str]:
        return [p.anchor for p in self.pairs]

    @property
    def paired_count(self) -> int:
        return sum(1 for p in self.pairs if p.partner is not None)


def _norm(text: str) -> str:
    return _SPACE_RE.sub("", text)


def _proposal(
    blocks: Sequence[BlockLike],
    block_footnotes: Sequence[Iterable[str]],
    chinese: Sequence[Counterpart],
) -> tuple[dict[int, tuple[int, Basis]], list[int]]:
    """English index → (Chinese index, basis) by structure, then by order in each section; and the
    English indices whose structural pair is out of order."""
    e_keys, z_keys = structural_keys(blocks), structural_keys(chinese)
    z_by_key = {key: j for j, key in enumerate(z_keys) if key is not None}
    keyed = [(i, z_by_key[key]) for i, key in enumerate(e_keys) if key is not None and key in z_by_key]
    chain = monotone(keyed)
    on_chain = set(chain)
    result = {i: (j, Basis.NUMBER) for i, j in keyed}
    crossing = [i for i, j in keyed if (i, j) not in on_chain]

    e_features = [features(b, f) for b, f in zip(blocks, block_footnotes, strict=True)]
    z_features = [features(c, c.footnotes) for c in chinese]
    e_total = sum(f.length for f in e_features) or 1
    ratio = e_total / (sum(f.length for f in z_features) or 1)
    paired_z = {j for _i, j in keyed}
    fences = [(-1, -1), *chain, (len(blocks), len(chinese))]
    for (e0, z0), (e1, z1) in zip(fences, fences[1:], strict=False):
        run_e = [i for i in range(e0 + 1, e1) if i not in result]
        run_z = [j for j in range(z0 + 1, z1) if j not in paired_z]
        for i, j in in_order(run_e, run_z, e_features, z_features, ratio):
            result[i] = (j, Basis.ORDER)
    return result, crossing


def _continued(
    blocks: Sequence[BlockLike], earlier: Sequence[BlockLike], earlier_anchors: Sequence[str], current: int
) -> dict[int, str]:
    """English index → the anchor of the stored English block it continues (same key, same or close text).

    ``earlier`` holds the stored blocks, its first ``current`` the current text in reading order (the
    rest: retired blocks and earlier texts from history, which only text can match).
    """
    found: dict[int, str] = {}

    def claim(i: int, anchor: str) -> None:
        found[i] = anchor
        claimed.add(anchor)

    claimed: set[str] = set()
    by_key = {
        key: anchor
        for key, anchor in zip(structural_keys(earlier[:current]), earlier_anchors[:current], strict=True)
        if key is not None
    }
    for i, key in enumerate(structural_keys(blocks)):
        if key is not None and (anchor := by_key.get(key)) and anchor not in claimed:
            claim(i, anchor)
    by_text: dict[str, list[str]] = {}
    for block, anchor in zip(earlier, earlier_anchors, strict=True):
        by_text.setdefault(_norm(block.text), []).append(anchor)
    pending = []
    for i, block in enumerate(blocks):
        if i in found:
            continue
        anchor = next((a for a in by_text.get(_norm(block.text), ()) if a not in claimed), None)
        if anchor is None:
            pending.append(i)
        else:
            claim(i, anchor)
    candidates = []
    for i in pending:
        text = _norm(blocks[i].text)
        for block, anchor in zip(earlier, earlier_anchors, strict=True):
            if anchor in claimed or block.kind != blocks[i].kind:
                continue
            matcher = SequenceMatcher(None, text, _norm(block.text), autojunk=False)
            if matcher.real_quick_ratio() >= _CONTINUES_MIN_RATIO and matcher.ratio() >= _CONTINUES_MIN_RATIO:
                candidates.append((matcher.ratio(), i, anchor))
    for _ratio, i, anchor in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if i not in found and anchor not in claimed:
            claim(i, anchor)
    return found


def choice_problems(
    chosen: Mapping[int, str | None], chinese: Sequence[Counterpart], held: Iterable[str] = ()
) -> dict[int, str]:
    """Why a librarian's choice of partners cannot be taken, by English index (empty: it can).

    A partner is a current Chinese block, or an anchor the version already ``held`` (its Chinese block
    may have left the current text since).
    """
    known = {c.anchor for c in chinese} | {a for a in held if not _UNPAIRED_RE.match(a)}
    problems: dict[int, str] = {}
    owner: dict[str, int] = {}
    for i, anchor in sorted(chosen.items()):
        if anchor is None:
            continue
        if anchor not in known:
            problems[i] = _("中文本中没有锚点为 %(anchor)s 的现行文本块。") % {"anchor": anchor}
        elif anchor in owner:
            problems[i] = _("中文 %(anchor)s 已配给英文第 %(other)d 个文本块；一个中文文本块只能有一个英文对应。") % {
                "anchor": anchor,
                "other": owner[anchor] + 1,
            }
        else:
            owner[anchor] = i
    return problems


def _excerpt(text: str, width: int = 24) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[:width] + "…"


def _listed(lines: list[str], more: str) -> list[str]:
    if len(lines) <= _LISTED:
        return lines
    return [*lines[:_LISTED], more % {"n": len(lines) - _LISTED}]


def align(
    blocks: Sequence[BlockLike],
    block_footnotes: Sequence[Iterable[str]],
    footnote_anchors: Sequence[str],
    chinese: Sequence[Counterpart],
    chinese_footnotes: Sequence[str],
    *,
    earlier: Sequence[BlockLike] = (),
    earlier_anchors: Sequence[str] = (),
    earlier_current: int | None = None,
    used_anchors: Iterable[str] = (),
    chosen: Mapping[int, str | None] | None = None,
) -> Alignment:
    """Pair ``blocks`` (a version's parse) with ``chinese`` (the current Chinese blocks, in order).

    ``block_footnotes`` are the footnote numbers each block marks; ``footnote_anchors`` the version's
    footnotes' anchors.  ``earlier``/``earlier_anchors`` are the version's stored blocks (the first
    ``earlier_current`` of them current, in order), ``used_anchors`` every anchor it has ever used
    (an ``en<n>`` is never given twice), ``chosen`` the librarian's partners by English index (None:
    no partner), assumed valid (:func:`choice_problems`).
    """
    chosen = dict(chosen or {})
    by_anchor = {c.anchor: j for j, c in enumerate(chinese)}
    proposal, crossing = _proposal(blocks, block_footnotes, chinese)
    current = len(earlier) if earlier_current is None else earlier_current
    kept = _continued(blocks, earlier, earlier_anchors, current) if earlier else {}

    anchors: dict[int, tuple[str, Basis]] = {}
    taken: set[str] = set()
    # The librarian's choices first, then what the stored version says, then the proposal.
    for i, anchor in chosen.items():
        if anchor is not None:
            anchors[i] = (anchor, Basis.CHOSEN)
            taken.add(anchor)
    for i, anchor in kept.items():
        if i not in anchors and anchor not in taken and not (i in chosen and not _UNPAIRED_RE.match(anchor)):
            anchors[i] = (anchor, Basis.KEPT)
            taken.add(anchor)
    for i, (j, basis) in sorted(proposal.items()):
        if i not in anchors and i not in chosen and chinese[j].anchor not in taken:
            anchors[i] = (chinese[j].anchor, basis)
            taken.add(chinese[j].anchor)

    counter = max((int(m.group(1)) for a in (*used_anchors, *taken) if (m := _UNPAIRED_RE.match(a))), default=0)
    pairs: list[Pair] = []
    for i in range(len(blocks)):
        if i in anchors and not _UNPAIRED_RE.match(anchors[i][0]):
            anchor, basis = anchors[i]
            pairs.append(Pair(i, anchor, anchor, basis))
        elif i in anchors:
            pairs.append(Pair(i, anchors[i][0], None, Basis.CHOSEN if i in chosen else Basis.KEPT))
        else:
            counter += 1
            pairs.append(Pair(i, f"{_UNPAIRED_PREFIX}{counter}", None, Basis.CHOSEN if i in chosen else Basis.NONE))

    partnered = {p.partner for p in pairs if p.partner is not None}
    unpaired = [c.anchor for c in chinese if c.anchor not in partnered]
    warnings = _warnings(blocks, chinese, by_anchor, pairs, unpaired, crossing)
    warnings += _footnote_warnings(footnote_anchors, chinese_footnotes)
    return Alignment(pairs, unpaired, list(footnote_anchors), warnings)


def _warnings(
    blocks: Sequence[BlockLike],
    chinese: Sequence[Counterpart],
    by_anchor: Mapping[str, int],
    pairs: Sequence[Pair],
    unpaired: Sequence[str],
    crossing: Sequence[int],
) -> list[str]:
    warnings: list[str] = []
    lone = [
        _("英文第 %(i)d 个文本块（%(kind)s“%(text)s”）没有中文对应，锚点为 %(anchor)s。")
        % {
            "i": p.index + 1,
            "kind": _KIND_LABELS.get(blocks[p.index].kind, ""),
            "text": _excerpt(blocks[p.index].text),
            "anchor": p.anchor,
        }
        for p in pairs
        if p.partner is None
    ]
    warnings += _listed(lone, _("……另有 %(n)d 个英文文本块没有中文对应。"))
    alone = [
        _("中文 %(anchor)s（%(kind)s“%(text)s”）没有英文对应。")
        % {
            "anchor": a,
            "kind": _KIND_LABELS.get(chinese[by_anchor[a]].kind, ""),
            "text": _excerpt(chinese[by_anchor[a]].text),
        }
        for a in unpaired
    ]
    warnings += _listed(alone, _("……另有 %(n)d 个中文文本块没有英文对应。"))
    for p in pairs:
        if p.partner is None:
            continue
        block = blocks[p.index]
        if p.partner not in by_anchor:
            warnings.append(
                _("英文第 %(i)d 个文本块沿用锚点 %(anchor)s，但中文 %(anchor)s 已不在现行文本中。")
                % {"i": p.index + 1, "anchor": p.partner}
            )
            continue
        partner = chinese[by_anchor[p.partner]]
        if partner.kind != block.kind:
            warnings.append(
                _("英文第 %(i)d 个文本块是%(en)s，配对的中文 %(anchor)s 是%(zh)s。")
                % {
                    "i": p.index + 1,
                    "en": _KIND_LABELS.get(block.kind, block.kind),
                    "anchor": p.partner,
                    "zh": _KIND_LABELS.get(partner.kind, partner.kind),
                }
            )
        elif number_of(block) != partner.number or (block.label or "") != partner.label:
            warnings.append(
                _("英文第 %(i)d 个文本块的编号“%(en)s”与配对的中文 %(anchor)s 的编号“%(zh)s”不同。")
                % {
                    "i": p.index + 1,
                    "en": f"{number_of(block)}{block.label or ''}" or "—",
                    "anchor": p.partner,
                    "zh": f"{partner.number}{partner.label}" or "—",
                }
            )
    for i in crossing:
        warnings.append(
            _("英文第 %(i)d 个文本块（编号 %(n)s）在英文本中的位置与中文本不一致，请核对配对。")
            % {"i": i + 1, "n": number_of(blocks[i]) or blocks[i].label or ""}
        )
    return warnings


def _footnote_warnings(english: Sequence[str], chinese: Sequence[str]) -> list[str]:
    known = set(chinese)
    warnings = [_("英文脚注 %(anchor)s 在中文本中没有对应脚注。") % {"anchor": a} for a in english if a not in known]
    present = set(english)
    warnings += [_("中文脚注 %(anchor)s 在英文本中没有对应脚注。") % {"anchor": a} for a in chinese if a not in present]
    return warnings
