"""Anchors already served for the seeds never move, whatever the importer learns later.

``tests/data/seed_anchors.json`` was recorded from the importer as it stood before it was taught
more document shapes (its note names the commit). Every anchor in it has been a public URL
(``/documents/S/2018/1183/p12/``, ``…/#b5``) and must keep naming the same block:

* on a fresh import by today's importer (a new installation, or ``make run``);
* on a re-parse of a database written by the old importer (an installation upgrading in place).

"The same block" means: the anchor exists, is current, has the same official number and label,
and its text is the recorded text or a close correction of it (the importer may now drop an
artefact it used to keep, such as a glued footnote body, but not swap in another paragraph).
"""

from __future__ import annotations

import json
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from archive.ingest import parse
from archive.ingest.anchors import assign_anchors
from archive.ingest.store import footnote_anchors, reparse, sha256

from .conftest import FIXTURES

RECORD = json.loads((Path(__file__).parent / "data" / "seed_anchors.json").read_text(encoding="utf-8"))["seeds"]
# Below this similarity the block under an anchor is a different block, not a corrected one.
SAME_BLOCK_MIN_RATIO = 0.85


def _norm(text: str) -> str:
    return "".join(text.split())


def _differences(recorded: list[dict], now: dict[str, dict]) -> list[str]:
    problems = []
    for old in recorded:
        new = now.get(old["anchor"])
        if new is None:
            problems.append(f"{old['anchor']} is gone (was: {old['text'][:40]})")
            continue
        for key in ("number", "label"):
            if key in old and old[key] != new.get(key, ""):
                problems.append(f"{old['anchor']}: {key} {old[key]!r} became {new.get(key)!r}")
        ratio = SequenceMatcher(None, _norm(old["text"]), _norm(new["text"]), autojunk=False).ratio()
        if ratio < SAME_BLOCK_MIN_RATIO:
            problems.append(f"{old['anchor']} now names another block ({ratio:.2f}): {new['text'][:40]}")
    return problems


@pytest.mark.parametrize("name", sorted(RECORD))
def test_a_fresh_import_serves_every_recorded_anchor_for_the_same_block(name):
    parsed = parse((FIXTURES / name).read_text(encoding="utf-8"))
    blocks = {
        a: {"number": b.number or "", "label": b.label or "", "text": b.text}
        for a, b in zip(assign_anchors(parsed.blocks), parsed.blocks, strict=True)
    }
    notes = {
        a: {"number": f.number, "text": f.text}
        for a, f in zip(footnote_anchors(parsed.footnotes), parsed.footnotes, strict=True)
    }
    problems = _differences(RECORD[name]["blocks"], blocks) + _differences(RECORD[name]["footnotes"], notes)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(RECORD))
def test_reparsing_a_database_written_by_the_old_importer_keeps_every_anchor(db, name):
    from archive.models import Document, Footnote, Paragraph

    text = (FIXTURES / name).read_text(encoding="utf-8")
    doc = Document.objects.create(raw_text=text, source_sha256=sha256(text), title="旧导入")
    recorded = RECORD[name]
    Paragraph.objects.bulk_create(
        Paragraph(
            document=doc,
            position=i,
            kind=b["kind"],
            number=b["number"],
            label=b["label"],
            text=b["text"],
            anchor=b["anchor"],
        )
        for i, b in enumerate(recorded["blocks"])
    )
    Footnote.objects.bulk_create(
        Footnote(document=doc, position=i, number=f["number"], text=f["text"], anchor=f["anchor"])
        for i, f in enumerate(recorded["footnotes"])
    )

    reparse(doc)

    current = {
        p.anchor: {"number": p.number, "label": p.label, "text": p.text}
        for p in Paragraph.objects.filter(document=doc, is_current=True)
    }
    notes = {f.anchor: {"number": f.number, "text": f.text} for f in Footnote.objects.filter(document=doc)}
    problems = _differences(recorded["blocks"], current) + _differences(recorded["footnotes"], notes)
    assert not problems, "\n".join(problems)
