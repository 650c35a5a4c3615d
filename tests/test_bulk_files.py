"""The pure side of bulk import: reading folders and zips safely, manifests, symbols in file names,
and what "the same text" means (the fingerprint)."""

from __future__ import annotations

import os
import stat
import zipfile

import pytest

from archive.ingest import parse
from archive.ingest.batch import FolderSource, ZipSource, open_source, read_manifest, symbol_from_filename
from archive.ingest.batch.report import OUTCOME_LABELS, FileOutcome
from archive.ingest.errors import IngestError
from archive.ingest.fingerprint import parsed_fingerprint
from archive.models import ImportOutcome
from tests.conftest import seed_text

LIMIT = 100_000


def make_zip(path, members: dict[str, bytes], **options) -> str:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data, **options)
    return str(path)


# --- zips and folders ----------------------------------------------------------------------------


def test_a_zip_is_read_member_by_member_in_name_order_without_litter(tmp_path):
    path = make_zip(
        tmp_path / "a.zip",
        {
            "b/S_2024_2.txt": b"two",
            "a.txt": b"one",
            "__MACOSX/._a.txt": b"resource fork",
            ".DS_Store": b"x",
            "b/Thumbs.db": b"x",
        },
    )
    with ZipSource(tmp_path / "a.zip", LIMIT) as source:
        entries = source.entries()
        assert [e.name for e in entries] == ["a.txt", "b/S_2024_2.txt"]
        assert [source.read(e) for e in entries] == [b"one", b"two"]
    assert path


def test_unsafe_zip_members_are_refused_and_never_read(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("../../etc/cron.d/evil.txt", b"x")
        zf.writestr("/abs/path.txt", b"x")
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
        zf.writestr("inner.zip", b"PK")
        zf.writestr("ok.txt", b"fine")
    with ZipSource(path, LIMIT) as source:
        refusals = {e.name: e.refusal for e in source.entries()}
    assert "不安全" in refusals["../../etc/cron.d/evil.txt"]
    assert "不安全" in refusals["/abs/path.txt"]
    assert "符号链接" in refusals["link.txt"]
    assert "不会展开" in refusals["inner.zip"]
    assert refusals["ok.txt"] is None
    # Nothing was written anywhere: the batch never extracts to disk.
    assert sorted(os.listdir(tmp_path)) == ["evil.zip"]


def test_a_zip_bomb_member_is_refused_and_an_oversize_one_never_inflated(tmp_path):
    bomb = b"\x00" * (3 * 1024 * 1024)  # compresses about 1000:1
    make_zip(tmp_path / "bomb.zip", {"bomb.txt": bomb, "big.txt": b"a" * (LIMIT + 1)})
    with ZipSource(tmp_path / "bomb.zip", 10 * 1024 * 1024) as source:
        assert "压缩炸弹" in {e.name: e.refusal for e in source.entries()}["bomb.txt"]
    with ZipSource(tmp_path / "bomb.zip", LIMIT) as source:
        assert "文件过大" in {e.name: e.refusal for e in source.entries()}["big.txt"]


def test_a_member_whose_header_lies_about_its_size_is_refused_not_inflated(tmp_path):
    path = tmp_path / "liar.zip"
    make_zip(path, {"a.txt": b"b" * (LIMIT * 2)})
    # What a crafted archive would claim: a tiny member.  The listing believes it...
    data = path.read_bytes()
    size = (LIMIT * 2).to_bytes(4, "little")
    path.write_bytes(data.replace(size, (10).to_bytes(4, "little")))
    with ZipSource(path, LIMIT) as source:
        entry = source.entries()[0]
        assert entry.size == 10 and entry.refusal is None
        # ...but reading stops at the claimed size and the check of its contents refuses it.
        with pytest.raises(IngestError, match="已损坏"):
            source.read(entry)


def test_chinese_member_names_from_windows_are_decoded(tmp_path):
    path = tmp_path / "gbk.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("placeholder.txt")
        zf.writestr(info, b"x")
    # Rewrite the stored name as Chinese Windows writes it: GBK bytes, no UTF-8 flag.
    data = path.read_bytes().replace(b"placeholder.txt", "报告一.txt".encode("gbk").ljust(15, b"_"))
    path.write_bytes(data)
    with ZipSource(path, LIMIT) as source:
        assert source.entries()[0].name.startswith("报告一")


def test_a_zip_with_too_many_members_or_not_a_zip_is_refused_whole(tmp_path, monkeypatch):
    from archive.ingest.batch import files

    make_zip(tmp_path / "many.zip", {f"{i}.txt": b"x" for i in range(5)})
    monkeypatch.setattr(files, "MAX_MEMBERS", 4)
    with pytest.raises(IngestError, match="超过了一次导入的上限"):
        ZipSource(tmp_path / "many.zip", LIMIT)
    (tmp_path / "fake.zip").write_bytes(b"not a zip at all")
    with pytest.raises(IngestError, match="不是文件夹，也不是 .zip"):
        open_source(tmp_path / "fake.zip", LIMIT)


def test_a_folder_reads_nothing_through_links_that_leave_it(tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret", encoding="utf-8")
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text("a", encoding="utf-8")
    (folder / "escape.txt").symlink_to(outside)
    (folder / "big.txt").write_bytes(b"x" * (LIMIT + 1))
    source = FolderSource(folder, LIMIT)
    refusals = {e.name: e.refusal for e in source.entries()}
    assert refusals["sub/a.txt"] is None
    assert "文件夹以外" in refusals["escape.txt"]
    assert "文件过大" in refusals["big.txt"]


# --- manifests and file names -------------------------------------------------------------------


def test_a_csv_manifest_from_a_chinese_spreadsheet_is_read():
    data = "\ufeff文件,文号,日期,标题,类型\nmission/a.pdf,s/2024/1,2024-03-01,一封信,letter\n\n".encode()
    manifest = read_manifest("manifest.csv", data)
    row = manifest.row_for("mission/a.pdf")
    assert (row.symbol, row.date.isoformat(), row.title, row.doc_type) == ("S/2024/1", "2024-03-01", "一封信", "letter")
    assert read_manifest("m.csv", "file,symbol\na.txt,S/2024/2\n".encode("gb18030")).row_for("a.txt").symbol


def test_a_json_manifest_is_the_seeds_format_and_rows_match_by_base_name():
    manifest = read_manifest("documents.json", b'{"documents": [{"file": "a.txt", "symbol": "S/2018/1183"}]}')
    assert manifest.row_for("deep/in/a.txt").symbol == "S/2018/1183"
    assert manifest.row_for("b.txt") is None
    assert manifest.unmatched({"deep/in/a.txt"}) == []


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("m.csv", b"symbol,date\nS/2024/1,2024-01-01\n", "file"),
        ("m.json", b"{broken", "JSON"),
        ("m.json", b'{"documents": "a.txt"}', "列表"),
        ("m.xlsx", b"PK", ".csv 或 .json"),
        ("m.csv", b"file\na.txt\na.txt\n", "两次"),
    ],
)
def test_an_unusable_manifest_is_refused_with_the_reason(name, data, message):
    with pytest.raises(IngestError, match=message):
        read_manifest(name, data)


def test_a_bad_value_in_a_row_names_the_row():
    manifest = read_manifest("m.csv", b"file,symbol,date\na.txt,S//1,\nb.txt,,2024-13-01\n")
    assert "第 2 行" in manifest.row_for("a.txt").error and "文号" in manifest.row_for("a.txt").error
    assert "第 3 行" in manifest.row_for("b.txt").error and "2024-13-01" in manifest.row_for("b.txt").error


@pytest.mark.parametrize(
    ("name", "symbol"),
    [
        ("S_2018_1183.pdf", "S/2018/1183"),
        ("s_2018_1183-ZH.pdf", "S/2018/1183"),
        ("S_RES_2645(2022).docx", "S/RES/2645(2022)"),
        ("S_RES_2645_2022.txt", "S/RES/2645(2022)"),
        ("S_PRST_2001_3.txt", "S/PRST/2001/3"),
        ("A_72_707-S_2018_43.pdf", "A/72/707-S/2018/43"),
        ("S_2018_1183_Add_1-ZH.pdf", "S/2018/1183/Add.1"),
        ("A_RES_72_262C.txt", "A/RES/72/262C"),
        ("mission/S_2011_817.txt", "S/2011/817"),
        ("report_final.pdf", None),
        ("N1846298.pdf", None),
        ("S_6_952.txt", None),  # a malformed symbol is no symbol
        ("000_7dd3880722553f36.txt", None),
    ],
)
def test_symbols_are_read_from_file_names_only_when_valid(name, symbol):
    assert symbol_from_filename(name) == symbol


# --- the same text -------------------------------------------------------------------------------


def test_the_fingerprint_ignores_spacing_line_ends_and_page_furniture_but_not_words():
    text = seed_text("002")
    base = parsed_fingerprint(parse(text))
    respaced = text.replace(" 年 ", "年").replace(" 月 ", "月").replace(" 号", "号").replace("\n", "\r\n")
    assert respaced != text and parsed_fingerprint(parse(respaced)) == base
    assert parsed_fingerprint(parse("S/2018/1183\n\n" + text)) == base  # a running header more
    assert parsed_fingerprint(parse(text.replace("警察派遣国", "部队派遣国", 1))) != base
    assert parsed_fingerprint(parse(seed_text("003"))) != base


def test_the_outcomes_stored_are_the_outcomes_reported():
    assert [(c.value, str(c.label)) for c in ImportOutcome] == [(o.value, str(OUTCOME_LABELS[o])) for o in FileOutcome]
