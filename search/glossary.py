"""The abbreviation glossary as the search side uses it: full name ↔ short form, both ways.

Pairs come from ``archive.Abbreviation`` (extracted at import, editable by librarians; inactive
entries are ignored).  Forms are compared folded (see :func:`search.analyzers.fold`), so a
traditional or full-width spelling in a query still finds its counterpart.  The table is small
and read on every search, so it is cached per process: a change made in this process clears the
cache at once (signals), other processes pick it up within :data:`TTL` seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save

from archive.models import Abbreviation

from .analyzers import fold
from .refreshing import Refreshing

TTL = 30.0
# One-character "abbreviations" would rewrite ordinary words.
MIN_FORM_LENGTH = 2


@dataclass(frozen=True)
class Glossary:
    # folded form → the other forms it stands for (a short form may name several full forms)
    alternatives: dict[str, frozenset[str]] = field(default_factory=dict)

    def forms_in(self, text: str) -> list[tuple[int, int, str]]:
        """Non-overlapping glossary forms in folded ``text``, longest first: (start, end, form)."""
        found: list[tuple[int, int, str]] = []
        taken: list[tuple[int, int]] = []
        for form in sorted(self.alternatives, key=len, reverse=True):
            start = text.find(form)
            while start != -1:
                end = start + len(form)
                if all(end <= s or start >= e for s, e in taken):
                    found.append((start, end, form))
                    taken.append((start, end))
                start = text.find(form, start + 1)
        return sorted(found)

    def others(self, form: str) -> frozenset[str]:
        return self.alternatives.get(form, frozenset())


def build(pairs: list[tuple[str, str]]) -> Glossary:
    table: dict[str, set[str]] = {}
    for full, short in pairs:
        f, s = fold(full.strip()), fold(short.strip())
        if len(f) < MIN_FORM_LENGTH or len(s) < MIN_FORM_LENGTH or f == s:
            continue
        table.setdefault(f, set()).add(s)
        table.setdefault(s, set()).add(f)
    return Glossary({k: frozenset(v) for k, v in table.items()})


def _load() -> Glossary:
    return build(list(Abbreviation.objects.filter(is_active=True).values_list("full", "short")))


_glossary = Refreshing(_load, TTL)
current = _glossary.get
invalidate = _glossary.invalidate

post_save.connect(invalidate, sender=Abbreviation, dispatch_uid="search.glossary.saved")
post_delete.connect(invalidate, sender=Abbreviation, dispatch_uid="search.glossary.deleted")
