"""import_document / check_import / import_documents with --language en: the English text of a document held."""

from __future__ import annotations

import io
import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from archive.models import Citation, Document, Paragraph, TextVersion

from .test_ingest_english import CORPUS

REPORT_EN = CORPUS / "12_seed_002_report.txt"
LETTER_EN = CORPUS / "11_seed_000_letter.txt"


def run(command: str, *args: str, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def state() -> tuple:
    return (
        Document.objects.count(),
        list(Paragraph.objects.order_by("pk").values_list("pk", "language", "anchor", "text", "is_current")),
        Citation.objects.count(),
        list(TextVersion.objects.values_list("pk", "source_sha256")),
    )


def test_import_document_stores_the_english_text_of_the_document_its_masthead_names(seeds):
    out, err = run("import_document", str(REPORT_EN), "--language", "en")
    assert out.startswith("已导入英文本 S/2018/1183 United Nations policing: Report of the Secretary-General")
    assert "86 个段落（86 个与中文配对，0 个未配对），9 条脚注 — /documents/S/2018/1183/" in out
    assert "decision-making" in err  # the hyphenation guess, as a warning
    assert TextVersion.objects.get().document == seeds["002"]
    again, _err = run("import_document", str(REPORT_EN), "--language", "en")
    assert again.startswith("英文本未改变（文本和配对相同） S/2018/1183")


def test_a_symbol_given_on_the_command_line_must_agree_with_the_masthead(seeds):
    before = state()
    with pytest.raises(CommandError, match="刊头的文号是 S/2022/747，而这份文件的文号是 S/2018/1183"):
        run("import_document", str(LETTER_EN), "--language", "en", "--symbol", "S/2018/1183")
    assert state() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--symbol", "S/2030/1"], "本库没有文号为 S/2030/1 的文件：请先导入它的中文本。"),
        (["--date", "2018-12-31"], "--date 不适用于其他语文本"),
        (["--symbol", "S/RES/2382(2017)"], "只有引用、没有中文原文的文号页面"),
        (["--language", "fr"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(seeds, args, message):
    before = state()
    with pytest.raises(CommandError, match=message) as refused:
        run("import_document", str(REPORT_EN), "--language", "en", *args)
    assert "\n" not in str(refused.value)
    assert state() == before


def test_a_different_english_text_needs_replace(seeds, tmp_path):
    run("import_document", str(REPORT_EN), "--language", "en")
    edited = tmp_path / "report.txt"
    edited.write_text(REPORT_EN.read_text(encoding="utf-8").replace("Peacekeeping will", "Peacekeeping shall"))
    before = state()
    with pytest.raises(CommandError, match="已有英文本，文字不同；确认替换时请使用 --replace"):
        run("import_document", str(edited), "--language", "en")
    assert state() == before
    out, _err = run("import_document", str(edited), "--language", "en", "--replace")
    assert out.startswith("已替换英文本 S/2018/1183")


def test_a_document_without_a_symbol_is_named_by_its_permanent_id(seeds, tmp_path):
    letter = seeds["001"]
    text = tmp_path / "001_en.txt"
    text.write_text(
        "Letter dated 24 February 2025 from the Secretary-General addressed to the President of the Security Council\n"
        "I have the honour to refer to resolution 2751 (2024).\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="文本刊头没有文号：请用 --symbol 指明"):
        run("import_document", str(text), "--language", "en")
    out, _err = run("import_document", str(text), "--language", "en", "--document", letter.public_id)
    assert out.startswith(f"已导入英文本 （无文号，永久编号 {letter.public_id}）")
    assert letter.paragraphs.in_language("en").get(anchor="h1").text.startswith("Letter dated 24 February 2025")


def test_check_import_prints_the_facts_and_the_pairing_and_writes_nothing(seeds, tmp_path):
    shifted = tmp_path / "letter.txt"
    shifted.write_text(LETTER_EN.read_text(encoding="utf-8").replace("  Haitian National Police \n", ""))
    shutil.copy(REPORT_EN, tmp_path / "report.txt")
    before = state()
    out, err = run("check_import", str(tmp_path), "--language", "en")
    assert state() == before and err == ""
    letter, report = out.split("== ")[1:]
    for line in (
        "文号：S/2022/747",
        "标题：Letter dated 8 October 2022 from the Secretary-General addressed to the President of the Security"
        " Council",
        "原文语种：英文",
        "与中文本的配对：57 个英文文本块有中文对应，0 个没有；1 个中文文本块没有英文对应。",
        "  中文 h3 没有对应：海地国家警察",
        "  - 中文 h3（小标题“海地国家警察”）没有英文对应。",
        "b42: “resolution 2645 (2022)” → S/RES/2645(2022)，4 #p4 本库只有引用页",
    ):
        assert line in letter, line
    assert "与中文本的配对：86 个英文文本块有中文对应，0 个没有；0 个中文文本块没有英文对应。" in report


def test_check_import_refuses_a_text_for_a_document_not_held_with_one_line(db):
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 个文件无法导入"):
        call_command("check_import", str(REPORT_EN), "--language", "en", stdout=out, stderr=err)
    assert err.getvalue().strip().endswith("本库没有文号为 S/2018/1183 的文件：请先导入它的中文本。")
    assert not Document.objects.exists()


def test_a_manifest_lists_english_texts_after_their_documents(db, tmp_path):
    from .conftest import FIXTURES

    shutil.copy(FIXTURES / "002_f06d5165a3a47803.txt", tmp_path / "report.txt")
    shutil.copy(REPORT_EN, tmp_path / "report_en.txt")
    manifest = tmp_path / "documents.json"
    manifest.write_text(
        json.dumps(
            {
                "documents": [
                    {"file": "report.txt", "symbol": "S/2018/1183", "date": "2018-12-31", "doc_type": "report"},
                    {"file": "report_en.txt", "language": "en"},
                ]
            }
        )
    )
    out, _err = run("import_documents", str(manifest))
    assert out.splitlines()[1].startswith("已导入英文本 S/2018/1183")
    assert Document.objects.get(symbol="S/2018/1183").versions.get().language == "en"
