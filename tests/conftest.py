"""Shared fixtures: the real seed documents, imported through the librarian's pipeline."""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from archive.ingest import parse
from archive.ingest.types import ParsedDocument

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MANIFEST = FIXTURES / "documents.json"
SEED_FILES = sorted(p.name for p in FIXTURES.glob("0*.txt"))
SEEDS = ("000", "001", "002", "003", "004")

# A short letter in the seeds' style: a pin-pointed document citation, a resolution, an abbreviation.
LETTER = """2024 年 3 月 1 日秘书长给安全理事会主席的信

我谨提及我的报告(S/2018/1183，第 12 段)和安全理事会第 2645(2022)号决议。

另一段，说明联合国海地综合办事处(联海综合办)的工作。

安东尼奥·古特雷斯(签名)
"""
LIBRARIAN_PASSWORD = "Pa55-word-lib"


def seed_text(name_prefix: str) -> str:
    """The raw text of the seed whose file name starts with ``name_prefix`` ("002")."""
    (path,) = FIXTURES.glob(f"{name_prefix}_*.txt")
    return path.read_text(encoding="utf-8")


@functools.cache
def parsed_seed(name_prefix: str) -> ParsedDocument:
    """The seed parsed by the importer's pipeline (cached: parsing is pure)."""
    return parse(seed_text(name_prefix))


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's language.

    LocaleMiddleware leaves the language of the last request active in the thread, so without
    this a test after an English request would get English messages from commands and forms.
    """
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


@pytest.fixture
def librarian(db, client):
    """A librarian created with the documented command, signed in on ``client``."""
    from django.contrib.auth import get_user_model

    call_command("create_librarian", "lin", "--password", LIBRARIAN_PASSWORD, stdout=open("/dev/null", "w"))
    user = get_user_model().objects.get(username="lin")
    client.force_login(user)
    return user
