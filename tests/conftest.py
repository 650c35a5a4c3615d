"""Shared fixtures: the real seed documents, imported through the librarian's pipeline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MANIFEST = FIXTURES / "documents.json"
SEED_FILES = sorted(p.name for p in FIXTURES.glob("0*.txt"))


def seed_text(name_prefix: str) -> str:
    """The raw text of the seed whose file name starts with ``name_prefix`` ("002")."""
    (path,) = FIXTURES.glob(f"{name_prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@pytest.fixture
def seeds(db):
    """Import the five seeds exactly as `make run` does; returns {"000": Document, ...}."""
    from archive.ingest.store import sha256
    from archive.models import Document

    call_command("import_documents", str(MANIFEST), stdout=open("/dev/null", "w"))
    entries = json.loads(MANIFEST.read_text(encoding="utf-8"))["documents"]
    by_prefix = {}
    for entry in entries:
        text = (FIXTURES / entry["file"]).read_text(encoding="utf-8")
        by_prefix[entry["file"][:3]] = Document.objects.get(source_sha256=sha256(text))
    return by_prefix
