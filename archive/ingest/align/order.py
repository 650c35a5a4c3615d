"""Pairing two runs of blocks in order, where either may lack a block: the stretches between structural pairs.

A score says how alike two blocks are in a language-neutral way (same kind, length in proportion,
the numbers they print, the footnotes they mark); the best order-keeping pairing maximises it,
skipping what fits nowhere.  ``monotone`` keeps the structural pairs that agree in order.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..types import BlockKind
from .keys import BlockLike, number_of

__all__ = ["Features", "features", "in_order", "monotone"]

# Kinds that may stand for one another across languages (a numbered point printed as a bullet).
_PROSE = frozenset({BlockKind.PARAGRAPH, BlockKind.SUBPARAGRAPH, BlockKind.LIST_ITEM})
_NUMBER_RE = re.compile(r"[0-9]+(?:[ ,\u00a0\u202f][0-9]{3})*")
# Past this many cells an alignment keeps to a band around the diagonal.
_FULL_ALIGNMENT_CELLS = 400_000
_BAND = 60


def _figures(text: str) -> frozenset[str]:
    """The numbers a block prints, whatever its language writes between their groups (14 161, 14,161)."""
    return frozenset(re.sub(r"[^0-9]", "", m) for m in _NUMBER_RE.findall(text))


@dataclass(frozen=True)
class Features:
    kind: str
    number: str
    length: int
    figures: frozenset[str]
    footnotes: frozenset[str]


def features(block: BlockLike, footnotes: Iterable[str]) -> Features:
    return Features(block.kind, number_of(block), len(block.text), _figures(block.text), frozenset(footnotes))


def _score(e: Features, z: Features, ratio: float) -> float | None:
    """How alike two blocks of one section are (higher: likelier a pair); None when they cannot pair."""
    if e.kind == z.kind:
        score = 1.0
    elif e.kind in _PROSE and z.kind in _PROSE:
        score = 0.3
    else:
        return None
    if e.number and z.number and e.number != z.number:
        score -= 0.5
    spread = abs(math.log((e.length + 20) / (z.length * ratio + 20)))
    score += 0.8 * (1 - min(spread, 2.0))
    if e.figures or z.figures:
        common = len(e.figures & z.figures) / len(e.figures | z.figures)
        score += 1.5 * common - (0.5 if common == 0 else 0)
    if e.footnotes or z.footnotes:
        score += 1.0 if e.footnotes == z.footnotes else -0.5
    return score


def in_order(
    english: list[int], chinese: list[int], e_features: list[Features], z_features: list[Features], ratio: float
) -> list[tuple[int, int]]:
    """The best order-keeping pairing of two runs of blocks (either may skip a block): (english, chinese) pairs."""
    n, m = len(english), len(chinese)
    if not n or not m:
        return []
    banded = n * m > _FULL_ALIGNMENT_CELLS
    band = max(_BAND, abs(n - m) + _BAND)
    # best[i][j]: the best total over english[:i] and chinese[:j]; moves: 0 pair, 1 skip English, 2 skip Chinese.
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            if banded and abs(i * m / n - j) > band:
                best[i][j], move[i][j] = -1e18, 1 if i else 2
                continue
            choice, value = (1, best[i - 1][j]) if i else (2, best[i][j - 1])
            if j and best[i][j - 1] > value:
                choice, value = 2, best[i][j - 1]
            if i and j:
                s = _score(e_features[english[i - 1]], z_features[chinese[j - 1]], ratio)
                if s is not None and s > 0 and best[i - 1][j - 1] + s > value:
                    choice, value = 0, best[i - 1][j - 1] + s
            best[i][j], move[i][j] = value, choice
    pairs = []
    i, j = n, m
    while i or j:
        if move[i][j] == 0:
            pairs.append((english[i - 1], chinese[j - 1]))
            i, j = i - 1, j - 1
        elif move[i][j] == 1:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def monotone(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest chain of pairs in the same order on both sides (pairs sorted by English index)."""
    if not pairs:
        return []
    tails: list[int] = []  # index into pairs of the smallest last Chinese index of a chain of each length
    previous = [-1] * len(pairs)
    for k, (_e, z) in enumerate(pairs):
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if pairs[tails[mid]][1] < z:
                lo = mid + 1
            else:
                hi = mid
        previous[k] = tails[lo - 1] if lo else -1
        if lo == len(tails):
            tails.append(k)
        else:
            tails[lo] = k
    chain, k = [], tails[-1]
    while k != -1:
        chain.append(pairs[k])
        k = previous[k]
    return chain[::-1]
