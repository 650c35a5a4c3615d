"""Permanent anchors for blocks.

An anchor is part of a public URL (``/documents/S/2018/1183/p12/``), so once served it must
keep naming the same block.  Numbered paragraphs are named by their official number
(``p12``), which a pin-point citation ``第 12 段`` maps to; their sub-paragraphs by the
parent and label (``p12-a``); a resolution's preambular paragraphs by their ordinal (``pp3``);
paragraphs of an annex or enclosure by the part and number (``annex1-p2``,
:func:`archive.ingest.pinpoints.canonical_anchor`).  Every other block gets a counter-based anchor (``h3`` for
headings, ``b7`` for the rest) and, on re-import, inherits the anchor of the old block
whose text it continues, so a corrected typo does not break anyone's link.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from .pinpoints import canonical_anchor
from .types import Block, BlockKind

ANCHOR_PATTERN = r"[a-z]+[0-9]+(?:-[a-z0-9]+)*"
_COUNTER_RE = re.compile(r"^([hb])([0-9]+)$")
# Below this similarity an edited block is treated as a different block.
_FUZZY_MIN_RATIO = 0.75


@dataclass(frozen=True)
class ExistingBlock:
    anchor: str
    kind: str
    text: str


def _slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]", "", value.lower())


def _prefix(kind: str) -> str:
    return "h" if kind in (BlockKind.HEADING, BlockKind.TITLE) else "b"


def _plain_section(blocks: Sequence[Block]) -> str:
    """The part whose numbered paragraphs are plain ``p<n>``: the main body.

    Except where the main body numbers none of its own (a cover letter): its first appended part
    (the report it transmits) was served as ``p1`` … ``p71`` (seed 004), and those anchors stay;
    the canonical ``annex1-p2`` names them too (the reading pages give such blocks an alias).
    """
    numbered = [b.section for b in blocks if b.kind == BlockKind.PARAGRAPH and b.number]
    first_part = next((b.section for b in blocks if b.section), "")
    if "" not in numbered and first_part in numbered:
        return first_part
    return ""


def _structural_anchors(blocks: Sequence[Block]) -> list[str | None]:
    result: list[str | None] = []
    taken: set[str] = set()
    parent: str | None = None
    plain = _plain_section(blocks)
    for block in blocks:
        anchor: str | None = None
        section = "" if block.section == plain else block.section
        if block.kind == BlockKind.PARAGRAPH and block.number and _slug(block.number):
            anchor = canonical_anchor(section, _slug(block.number))
            parent = anchor
        elif block.kind == BlockKind.PREAMBULAR and block.number and _slug(block.number):
            anchor = f"{section}-pp{_slug(block.number)}" if section else canonical_anchor("preamble", block.number)
            parent = anchor
        elif block.kind == BlockKind.HEADING:
            parent = None
        elif block.kind == BlockKind.SUBPARAGRAPH and parent and block.label and _slug(block.label):
            anchor = f"{parent}-{_slug(block.label)}"
        if anchor in taken:
            anchor = None  # a repeated number or label falls back to a counter anchor
        if anchor:
            taken.add(anchor)
        result.append(anchor)
    return result


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assign_anchors(blocks: Sequence[Block], existing: Sequence[ExistingBlock] = ()) -> list[str]:
    """One anchor per block, reusing the anchors of ``existing`` blocks that the new blocks continue."""
    anchors = _structural_anchors(blocks)
    structural = {a for a in anchors if a}
    # Old counter anchors are candidates for reuse; structural ones are re-derived, never matched.
    pool = [e for e in existing if e.anchor not in structural and _COUNTER_RE.match(e.anchor)]
    claimed: set[str] = set()

    pending = [i for i, a in enumerate(anchors) if a is None]
    for i in list(pending):
        text = _norm(blocks[i].text)
        for old in pool:
            if old.anchor not in claimed and _prefix(old.kind) == _prefix(blocks[i].kind) and _norm(old.text) == text:
                anchors[i] = old.anchor
                claimed.add(old.anchor)
                pending.remove(i)
                break

    candidates: list[tuple[float, int, str]] = []
    for i in pending:
        text = _norm(blocks[i].text)
        for old in pool:
            if old.anchor in claimed or _prefix(old.kind) != _prefix(blocks[i].kind):
                continue
            ratio = SequenceMatcher(None, text, _norm(old.text), autojunk=False).ratio()
            if ratio >= _FUZZY_MIN_RATIO:
                candidates.append((ratio, i, old.anchor))
    for _ratio, i, anchor in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if anchors[i] is None and anchor not in claimed:
            anchors[i] = anchor
            claimed.add(anchor)

    counters: dict[str, int] = {}
    for e in existing:
        m = _COUNTER_RE.match(e.anchor)
        if m:
            counters[m.group(1)] = max(counters.get(m.group(1), 0), int(m.group(2)))
    for i, anchor in enumerate(anchors):
        if anchor is None:
            prefix = _prefix(blocks[i].kind)
            counters[prefix] = counters.get(prefix, 0) + 1
            anchors[i] = f"{prefix}{counters[prefix]}"
    return [a for a in anchors if a is not None]


def footnote_markers(blocks: Sequence[Block], anchors: Sequence[str]) -> dict[str, list[str]]:
    """Footnote number → the anchors of the blocks whose markers point at it, in reading order."""
    marked: dict[str, list[str]] = {}
    for block, anchor in zip(blocks, anchors, strict=True):
        for ref in block.footnote_refs:
            marked.setdefault(ref.number, []).append(anchor)
    return marked
