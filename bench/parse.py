"""Parsing throughput on the five seeds and the shapes corpus: python -m bench.parse [--rounds N]

Baseline, measured in the same run: reading the same text once through NFKC normalisation and
line splitting, the least any parser must do.  The ratio is what survives machine noise.  The
English corpus (tests/data/shapes_en, parsed with language="en") is measured apart, with its own
baseline, and so is pairing it with the Chinese texts it mirrors (archive.ingest.align).
"""

from __future__ import annotations

import argparse
import time
import unicodedata
from pathlib import Path

from bench.report import write_section

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "fixtures").glob("0*.txt"))
# Texts of the other shapes librarians paste (resolutions, statements, tables, annexes, mastheads).
SHAPES = sorted((ROOT / "tests" / "data" / "shapes").glob("*.txt"))
ENGLISH = sorted((ROOT / "tests" / "data" / "shapes_en").glob("*.txt"))


def _time(fn, texts: list[str], rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for text in texts:
            fn(text)
        samples.append(time.perf_counter() - start)
    return samples


def _baseline(text: str) -> None:
    unicodedata.normalize("NFKC", text).splitlines()


def _english(rounds: int) -> dict:
    """English parse throughput, and pairing each English text with the Chinese one it mirrors."""
    import json

    from archive.ingest import parse
    from archive.ingest.align import Counterpart, align
    from archive.ingest.anchors import assign_anchors
    from archive.ingest.store import footnote_anchors

    texts = [p.read_text(encoding="utf-8") for p in ENGLISH]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    parse(texts[0], "en")
    best = min(_time(lambda t: parse(t, "en"), texts, rounds))
    best_base = min(_time(_baseline, texts, rounds))
    pairs = []
    for path, text in zip(ENGLISH, texts, strict=True):
        mirrors = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["mirrors"]
        chinese = parse((ROOT / mirrors).read_text(encoding="utf-8"))
        counterparts = [
            Counterpart(
                a, b.kind, b.number or "", b.label or "", b.section, b.text, tuple(r.number for r in b.footnote_refs)
            )
            for a, b in zip(assign_anchors(chinese.blocks), chinese.blocks, strict=True)
        ]
        english = parse(text, "en")
        refs = [[r.number for r in b.footnote_refs] for b in english.blocks]
        pairs.append((english, refs, counterparts, footnote_anchors(chinese.footnotes)))

    def pair_all() -> None:
        for english, refs, counterparts, notes in pairs:
            align(english.blocks, refs, footnote_anchors(english.footnotes), counterparts, notes)

    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        pair_all()
        samples.append(time.perf_counter() - start)
    blocks = sum(len(e.blocks) for e, *_rest in pairs)
    return {
        "english_files": len(texts),
        "english_input_mb": round(megabytes, 4),
        "english_blocks": blocks,
        "english_parse_mb_per_s": round(megabytes / best, 3),
        "english_kchars_per_s": round(sum(len(t) for t in texts) / best / 1000, 1),
        "english_baseline_mb_per_s": round(megabytes / best_base, 3),
        "english_parse_vs_baseline": round(best / best_base, 1),
        "english_best_s": best,
        "align_blocks_per_s": round(blocks / min(samples), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()

    from archive.ingest import parse

    texts = [p.read_text(encoding="utf-8") for p in SEEDS + SHAPES]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    parse(texts[0])  # warm regex caches and imports
    parsed = _time(parse, texts, args.rounds)
    base = _time(_baseline, texts, args.rounds)
    best, best_base = min(parsed), min(base)
    rate = megabytes / best
    blocks = sum(len(parse(t).blocks) for t in texts)
    data = {
        "input_mb": round(megabytes, 4),
        "rounds": args.rounds,
        "parse_mb_per_s": round(rate, 3),
        "parse_blocks_per_s": round(blocks / best, 1),
        "parse_kchars_per_s": round(sum(len(t) for t in texts) / best / 1000, 1),
        "baseline_mb_per_s": round(megabytes / best_base, 3),
        "parse_vs_baseline": round(best / best_base, 1),
    }
    data.update(_english(args.rounds))
    english_s = data.pop("english_best_s")
    data["all_mb_per_s"] = round((megabytes + data["english_input_mb"]) / (best + english_s), 3)
    body = f"""
Input: the five seeds and the {len(SHAPES)} texts of the shapes corpus (tests/data/shapes), {megabytes:.3f} MB of UTF-8,
{blocks} blocks; best of {args.rounds} rounds.

| measure | value |
|---|---|
| parse throughput | {data["parse_mb_per_s"]} MB/s ({data["parse_blocks_per_s"]} blocks/s, {data["parse_kchars_per_s"]}k characters/s) |
| baseline (NFKC + split lines) | {data["baseline_mb_per_s"]} MB/s |
| parse time / baseline time | {data["parse_vs_baseline"]}× |

English (`parse(raw, language="en")`): the {data["english_files"]} texts of tests/data/shapes_en,
{data["english_input_mb"]:.3f} MB, {data["english_blocks"]} blocks; same rounds, its own baseline.

| measure | value |
|---|---|
| English parse throughput | {data["english_parse_mb_per_s"]} MB/s ({data["english_kchars_per_s"]}k characters/s) |
| baseline (NFKC + split lines) | {data["english_baseline_mb_per_s"]} MB/s |
| parse time / baseline time | {data["english_parse_vs_baseline"]}× |
| pairing with the Chinese texts (align) | {data["align_blocks_per_s"]} English blocks/s |

Both corpora together (Chinese and English texts, each parsed in its language): {data["all_mb_per_s"]} MB/s.
An English character is one byte of UTF-8, most Chinese ones three: compare characters per second.
"""
    write_section("parse", "Parsing throughput (seeds and shapes corpus)", "python -m bench.parse", body, data)
    print(body)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    main()
