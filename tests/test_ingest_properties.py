"""Property tests: ``parse`` takes any text without raising, and its output is well formed."""

from __future__ import annotations

import pathlib

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from archive.ingest import parse
from archive.ingest.types import ParsedDocument

FIXTURES = pathlib.Path(__file__).parent.parent / "fixtures"
SEED_LINES = [line for path in sorted(FIXTURES.glob("0*.txt")) for line in path.read_text(encoding="utf-8").split("\n")]

# Characters the parser reacts to: digits, Chinese and ASCII punctuation, markers of
# structure, spaces and line breaks in all their forms.
TRICKY = "0123456789 。，、；：！？“”《》()（）[]*\\#_-•·/.\n\r\t\u3000\u00a0年月日号段签名主席一二A(a)(i)S/RES"

texts = st.one_of(
    st.text(max_size=2000),
    st.text(alphabet=TRICKY, max_size=2000),
    # Real lines in a random order: every artefact of the seeds, in impossible places.
    st.lists(st.sampled_from(SEED_LINES), max_size=300).map("\n".join),
    st.permutations(SEED_LINES[:400]).map(lambda lines: "\n".join(lines[:200])),
    # Very long lines, with and without structure.
    st.builds(lambda s, n: s * n, st.text(alphabet=TRICKY, min_size=1, max_size=20), st.integers(100, 3000)),
    st.builds(lambda s, n: (s + " \n\n") * n, st.sampled_from(SEED_LINES), st.integers(1, 200)),
)


def check_invariants(doc: ParsedDocument) -> None:
    numbers = {f.number for f in doc.footnotes}
    for block in doc.blocks:
        assert block.text, block
        assert block.text == block.text.strip(), block
        for ref in block.footnote_refs:
            assert 0 <= ref.position <= len(block.text), (ref, block)
            assert ref.number in numbers
        positions = [r.position for r in block.footnote_refs]
        assert positions == sorted(positions)
        if block.number is not None:
            assert block.number.isdigit() and block.number.isascii()
        for cit in block.citations:
            assert block.text[cit.start : cit.end] == cit.text
    for note in doc.footnotes:
        assert note.text and note.text == note.text.strip()
        assert note.number.isdigit()
        for cit in note.citations:
            assert note.text[cit.start : cit.end] == cit.text
    assert all(isinstance(w, str) and w for w in doc.warnings)


# No example database: the test must not write into the working tree.
@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
@example("")
@example("\n\n\n")
@example("__________________")
@example("__________________\n 1 \n")
@example("1.")
@example("(签名)")
@example("**")
@example("[](#)")
@example("\\")
@example("。1")
@example("S/2011/817")
def test_parse_never_raises_and_output_is_well_formed(text: str) -> None:
    check_invariants(parse(text))


def test_parse_is_deterministic() -> None:
    text = "\n".join(SEED_LINES)
    assert parse(text) == parse(text)
