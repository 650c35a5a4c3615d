"""Uploaded bytes: decode Chinese office encodings correctly or refuse them; never store mojibake."""

import pytest

from archive.ingest.decode import decode_text
from archive.ingest.errors import IngestError
from tests.conftest import seed_text


def test_utf8_with_and_without_bom():
    text = seed_text("000")
    assert decode_text(text.encode("utf-8")) == text
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_gb18030_seed_decodes_to_the_same_text():
    text = seed_text("002")
    assert decode_text(text.encode("gb18030")) == text


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "为空"),
        (b"   \n\n  ", "为空"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "二进制"),
        ("Grüße aus Köln, ça va très bien".encode("latin-1"), "编码"),
    ],
)
def test_bad_input_is_refused_with_a_chinese_message(data, fragment):
    with pytest.raises(IngestError, match=fragment):
        decode_text(data)


def test_oversize_input_is_refused():
    with pytest.raises(IngestError, match="过大"):
        decode_text("中".encode() * 100, max_bytes=10)
