"""check_import: what a librarian runs before a bulk load, the same facts as the admin preview, nothing written."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string

from archive.admin.documents import preview_context
from archive.ingest.store import import_text, preview
from archive.models import Citation, Document, Paragraph

SHAPES = Path(__file__).parent / "data" / "shapes"


def run(*paths: Path) -> tuple[str, str, CommandError | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_import", *map(str, paths), stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc
    return out.getvalue(), err.getvalue(), None


def counts() -> tuple[int, int, int]:
    return Document.objects.count(), Paragraph.objects.count(), Citation.objects.count()


def test_a_folder_is_checked_file_by_file_and_nothing_is_written(db):
    out, err, failed = run(SHAPES)
    assert failed is None and err == ""
    assert counts() == (0, 0, 0)
    assert out.count("== ") == len(list(SHAPES.glob("*.txt")))
    report = out.split("== ")[3]  # 03_report_two_annexes.txt
    assert "03_report_two_annexes.txt" in report
    for line in (
        "文号：S/2023/111",
        "日期：2023-02-10",
        "印发日期：2023-02-10",
        "原文语种：英文",
        "文件类型：报告",
        "标题：联合国南苏丹特派团：秘书长的报告",
        "文本块（32）：标题 1、小标题 9、段落 14、分段 5、表格 3",
        "页码：第 1 页至第 4 页",
        "附加部分：annex1、annex2",
        "fn1 [第 1 页] ← p4：关于部署进度的详细数字，见附件一。",
        "p2: “S/2022/468” → S/2022/468，12 #p12 本库没有（将新建引用页）",
        "各列无法可靠区分",
    ):
        assert line in report, line


def test_a_bad_file_gets_one_line_and_the_others_are_still_checked(db, tmp_path):
    shutil.copy(SHAPES / "06_corrigendum.txt", tmp_path / "a_good.txt")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_binary.txt").write_bytes(b"\x00\x01binary" * 50)
    out, err, failed = run(tmp_path)
    assert failed is not None and "2 个文件无法导入（共 3 个）" in str(failed)
    assert "a_good.txt" in out and "文号：S/2022/892/Corr.1" in out
    assert [line.split(":")[0].rsplit("/", 1)[-1] for line in err.strip().splitlines()] == [
        "b_empty.txt",
        "c_binary.txt",
    ]
    assert "为空" in err and "二进制" in err
    assert counts() == (0, 0, 0)


def test_citations_say_whether_they_resolve_and_land_on_a_paragraph(db):
    import_text((SHAPES / "01_resolution.txt").read_text(encoding="utf-8"))
    out, _err, _failed = run(SHAPES / "08_letter_citing.txt")
    assert "b1: “第 2645 (2022) 号决议” → S/RES/2645(2022)，4,5 #p4 本库有原文（段落存在）" in out
    assert "b3: “第 2645(2022)号决议” → S/RES/2645(2022)，序言:3 #pp3 本库有原文（段落存在）" in out
    assert "b1: “S/2018/1183” → S/2018/1183，15 #p15 本库没有（将新建引用页）" in out


@pytest.mark.parametrize("name", ["03_report_two_annexes", "05_footnotes_superscript", "07_note_joint"])
def test_the_admin_preview_shows_the_same_facts(db, name):
    text = (SHAPES / f"{name}.txt").read_text(encoding="utf-8")
    shown = preview(text)
    html = render_to_string("admin/archive/document/_preview.html", preview_context(shown))
    out, _err, _failed = run(SHAPES / f"{name}.txt")
    for fact in shown.facts():
        assert f"{fact.label}：{fact.value or '（未识别）'}" in out
        assert fact.label in html and (fact.value or "（未识别）") in html
    for label, n in shown.block_counts():
        assert f"{label} {n}" in out and f"{label} {n}" in html
    for warning in shown.warnings:
        assert warning in out and warning in html
    for note in shown.footnotes:
        assert note.anchor in out and note.anchor in html
