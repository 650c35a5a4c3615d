"""Chinese first, English on request: the html lang, the language switch and a complete translation."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_pages_are_chinese_by_default(client, seeds):
    content = client.get("/documents/S/2018/1183/").content.decode()
    assert content.startswith('<!DOCTYPE html>\n<html lang="zh-Hans">')
    assert "跳到正文" in content and "被引用情况" in content


def test_language_switch_turns_the_interface_english_and_back(client, seeds):
    page = "/documents/S/2018/1183/"
    response = client.post("/i18n/setlang/", {"language": "en", "next": page})
    assert response.status_code == 302 and response["Location"] == page
    content = client.get(page).content.decode()
    assert '<html lang="en">' in content
    assert "Skip to content" in content and "Cited by" in content and "Official text" in content
    assert "秘书长关于联合国警务工作的报告" in content, "the documents themselves stay Chinese"
    assert re.search(r'<p class="block__text" lang="zh-Hans">', content), "and are marked as Chinese"
    assert '<button type="submit" name="language" value="zh-hans" lang="zh-Hans">中文</button>' in content
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": page})
    assert '<html lang="zh-Hans">' in client.get(page).content.decode()


def test_english_browsers_get_english(client, seeds):
    content = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8").content.decode()
    assert '<html lang="en">' in content and "Newest documents" in content


def po_entries() -> list[tuple[str | None, str, str]]:
    """(context, msgid, first msgstr) for every entry of the English catalogue except the header."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n")[1:]:

        def field(name: str, text: str = block) -> str | None:
            m = re.search(rf'^{name} ((?:"[^\n]*"\n?)+)', text, re.M)
            if m is None:
                return None
            escaped = "".join(re.findall(r'"(.*)"', m.group(1)))
            return re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t"}.get(e.group(1), e.group(1)), escaped)

        msgid = field("msgid")
        if msgid is None or block.lstrip().startswith("#~"):
            continue
        entries.append((field("msgctxt"), msgid, field("msgstr") or field(r"msgstr\[0\]") or ""))
    return entries


def test_every_interface_string_has_an_english_translation():
    entries = po_entries()
    assert len(entries) > 150
    untranslated = [(ctx, msgid) for ctx, msgid, msgstr in entries if not msgstr]
    assert not untranslated
    assert "#, fuzzy" not in PO.read_text(encoding="utf-8").split("\n\n", 1)[1], "fuzzy entries are not used"


def test_compiled_catalogue_is_committed_and_matches_the_po():
    catalog = gettext.GNUTranslations(MO.open("rb"))._catalog  # noqa: SLF001 - the only way to list a .mo
    for ctx, msgid, _msgstr in po_entries():
        key = f"{ctx}\x04{msgid}" if ctx else msgid
        assert key in catalog or (key, 0) in catalog, f".mo is stale: {msgid!r} missing (run compilemessages)"


TRANSLATE_TAG = re.compile(r"""{%\s*translate\s+(["'])(.+?)\1(?:\s+context\s+(["'])(.+?)\3)?\s*%}""")


# The project catalogue covers the base templates and the archive's; search keeps its own catalogue.
PROJECT_TEMPLATES = sorted(p for p in (ROOT / "templates").rglob("*.html") if p.parent.name != "search")


@pytest.mark.parametrize("template", PROJECT_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_template_strings_are_in_the_catalogue(template):
    """A string added to a template without running makemessages would show Chinese in English mode."""
    with translation.override("en"):
        for match in TRANSLATE_TAG.finditer(template.read_text(encoding="utf-8")):
            msgid, context = match.group(2), match.group(4)
            english = translation.pgettext(context, msgid) if context else translation.gettext(msgid)
            if re.search(r"[\u4e00-\u9fff]", msgid):
                assert english != msgid, f"{template.name}: {msgid!r} has no English translation"
