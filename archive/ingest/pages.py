"""Official page numbers: on which page of the UN's PDF each line of the text starts.

The evidence, strongest first:

* form feeds (``\\f``): a PDF upload puts one between pages, a Word file at its page breaks;
  when there are any, they are the pages, counted from 1;
* page furniture carrying a number (``23-02345 2/6``, ``3/6 23-02345``, ``12-20064 (C)2``): a
  page certainly ends there, and the number names the page just ended (a footer read in
  order) or the page beginning (extraction put header and footer at the top of the page, as
  in seed 003);
* furniture without a number (a running header, the first page's job number and bar code):
  a page ends there;
* layout hints (two wrapped lines without the blank line between them, a run of blank lines,
  a list of link annotations): a page probably ends there; UN documents print no furniture on
  some pages (seed 003 has it on pages 2 and 4 only), so these are the only sign of the others.

Where the text has neither form feeds nor a printed page number there is nothing to count
from, and no page is recorded: the archive never invents pages.  Otherwise both readings of
the numbers (footer or header) are tried against the boundaries found between them, and the
one that needs fewer of them ignored wins; a stretch that cannot be reconciled keeps no pages
and the librarian is told.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _

__all__ = ["Boundary", "assign_pages"]


@dataclass
class Boundary:
    """What was seen where one page may end and the next begin."""

    form_feed: bool = False
    furniture: bool = False
    number: int | None = None
    total: int | None = None

    @property
    def weak(self) -> bool:
        return not (self.form_feed or self.furniture)

    def merge(self, other: Boundary) -> None:
        self.form_feed = self.form_feed or other.form_feed
        self.furniture = self.furniture or other.furniture
        self.number = self.number if self.number is not None else other.number
        self.total = self.total if self.total is not None else other.total


class _Style(StrEnum):
    FOOTER = "footer"  # the number names the page that ends at the boundary
    HEADER = "header"  # the number names the page that begins there


@dataclass
class _Reading:
    style: _Style
    pins: dict[int, int]
    # Per stretch between consecutive pinned segments: "all", "furniture" or "" (irreconcilable).
    stretches: list[tuple[int, int, str]]
    conflicts: int
    dropped: int
    # Segments two numbers place on different pages.
    contested: set[int]

    @property
    def cost(self) -> tuple[int, int]:
        return (self.conflicts + sum(1 for _a, _b, mode in self.stretches if not mode), self.dropped)


def _read(style: _Style, bounds: Sequence[Boundary], leading: Boundary | None, trailing: Boundary | None) -> _Reading:
    segments = len(bounds) + 1
    pins: dict[int, int] = {}
    contested: set[int] = set()
    conflicts = 0

    def pin(segment: int, page: int) -> None:
        nonlocal conflicts
        if page < 1 or segment < 0 or segment >= segments:
            conflicts += 1
        elif pins.setdefault(segment, page) != page:
            conflicts += 1
            contested.add(segment)

    if leading is not None and leading.number is not None:
        pin(0, leading.number + (1 if style == _Style.FOOTER else 0))
    else:
        pin(0, 1)  # the text starts on the first page
    for j, bound in enumerate(bounds):
        if bound.number is None:
            continue
        if style == _Style.FOOTER:
            pin(j, bound.number)
            pin(j + 1, bound.number + 1)
        else:
            pin(j, bound.number - 1)
            pin(j + 1, bound.number)
    if trailing is not None and trailing.number is not None:
        # After the last line only a footer can stand: a header there would begin an empty page.
        pin(segments - 1 if style == _Style.FOOTER else segments, trailing.number)

    stretches: list[tuple[int, int, str]] = []
    dropped = 0
    pinned = sorted(pins)
    for a, b in zip(pinned, pinned[1:], strict=False):
        gap = pins[b] - pins[a]
        between = bounds[a:b]
        strong = sum(1 for bound in between if not bound.weak)
        if gap == len(between):
            stretches.append((a, b, "all"))
        elif gap == strong:
            stretches.append((a, b, "furniture"))
            dropped += len(between) - strong
        else:
            stretches.append((a, b, ""))
    return _Reading(style, pins, stretches, conflicts, dropped, contested)


def _count(start_page: int, bounds: Sequence[Boundary], use_weak: bool) -> list[int]:
    pages = [start_page]
    for bound in bounds:
        pages.append(pages[-1] + (1 if use_weak or not bound.weak else 0))
    return pages


def _pages_from_numbers(
    bounds: Sequence[Boundary], leading: Boundary | None, trailing: Boundary | None
) -> tuple[list[int | None], list[str]]:
    segments = len(bounds) + 1
    readings = [_read(style, bounds, leading, trailing) for style in _Style]
    readings.sort(key=lambda r: r.cost)
    best = readings[0]
    if best.cost[0] and best.cost == readings[1].cost:
        return [None] * segments, [_("原文印出的页码互相矛盾，无法确定每段所在的页码，因此没有记录页码。")]

    pages: list[int | None] = [None] * segments
    warnings: list[str] = []
    for segment, page in best.pins.items():
        pages[segment] = page
    for a, b, mode in best.stretches:
        if not mode or a in best.contested or b in best.contested:
            warnings.append(
                _("第 %(first)d 页与第 %(last)d 页之间的分页与原文页码对不上，这一部分的段落没有记录页码。")
                % {"first": best.pins[a], "last": best.pins[b]}
            )
            continue
        counted = _count(best.pins[a], bounds[a:b], use_weak=mode == "all")
        pages[a : b + 1] = counted

    for segment in best.contested:
        pages[segment] = None
    last = max(best.pins)
    if last < segments - 1:
        # Past the last printed number: layout hints are trusted unless they misled somewhere earlier.
        trust_weak = all(mode == "all" for _a, _b, mode in best.stretches)
        total = max((b.total for b in (*bounds, trailing) if b is not None and b.total), default=None)
        tail: list[int | None] = list(_count(best.pins[last], bounds[last:], use_weak=trust_weak))
        if total is not None and (tail[-1] or 0) > total:
            tail = list(_count(best.pins[last], bounds[last:], use_weak=False))
        if total is not None and (tail[-1] or 0) > total:
            warnings.append(
                _("文件共 %(total)d 页，但最后一个页码之后的分页多于此数，这一部分的段落没有记录页码。")
                % {"total": total}
            )
        elif last not in best.contested:
            pages[last:] = tail
    return pages, list(dict.fromkeys(warnings))


def assign_pages(starts: Sequence[Boundary | None], trailing: Boundary | None) -> tuple[list[int | None], list[str]]:
    """The official page of each line, given the boundary seen before each line (None: none).

    ``starts[0]`` may hold what stood between the masthead and the first line; ``trailing`` what
    followed the last line.  Returns the pages (None throughout when the text gives no evidence)
    and warnings for the librarian.
    """
    if not starts:
        return [], []
    leading = starts[0]
    # Segment k runs from the k-th boundary to the next; line i lies in segment seg_of[i].
    bounds: list[Boundary] = []
    seg_of: list[int] = []
    for i, bound in enumerate(starts):
        if i > 0 and bound is not None:
            bounds.append(bound)
        seg_of.append(len(bounds))

    if any(b.form_feed for b in bounds):
        counted = [1]
        for bound in bounds:
            counted.append(counted[-1] + (1 if bound.form_feed else 0))
        return [counted[s] for s in seg_of], []
    numbered = [b for b in (leading, *bounds, trailing) if b is not None and b.number is not None]
    if not numbered:
        return [None] * len(starts), []
    pages, warnings = _pages_from_numbers(bounds, leading, trailing)
    return [pages[s] for s in seg_of], warnings
