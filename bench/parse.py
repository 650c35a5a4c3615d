"""Parsing throughput on the five seeds and the shapes corpus: python -m bench.parse [--rounds N]

Baseline, measured in the same run: reading the same text once through NFKC normalisation and
line splitting, the least any parser must do.  The ratio is what survives machine noise.
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
        "baseline_mb_per_s": round(megabytes / best_base, 3),
        "parse_vs_baseline": round(best / best_base, 1),
    }
    body = f"""
Input: the five seeds and the {len(SHAPES)} texts of the shapes corpus (tests/data/shapes), {megabytes:.3f} MB of UTF-8,
{blocks} blocks; best of {args.rounds} rounds.

| measure | value |
|---|---|
| parse throughput | {data["parse_mb_per_s"]} MB/s ({data["parse_blocks_per_s"]} blocks/s) |
| baseline (NFKC + split lines) | {data["baseline_mb_per_s"]} MB/s |
| parse time / baseline time | {data["parse_vs_baseline"]}× |
"""
    write_section("parse", "Parsing throughput (seeds and shapes corpus)", "python -m bench.parse", body, data)
    print(body)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    main()
