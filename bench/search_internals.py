"""What each private Whoosh shortcut saves: python -m bench.search_internals [--size 2000]

On the benchmark corpus of that size (bench/out/data-N, built by bench.run), each function of
search/whoosh_internals.py against the public Whoosh way of getting the same answer, both timed in
this process on the same open index, best of 3 (the public way is the baseline).  The answers are
compared too: a shortcut that answered differently would be a bug, not a saving.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import django


def best(fn: Any, rounds: int = 3) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(rounds):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return min(times), result


def measure() -> list[tuple[str, str, float, float]]:
    from whoosh.util.numeric import length_to_byte

    from search import streams, whoosh_internals
    from search.indexing import backend
    from search.schema import STREAM

    be = backend()
    rows = []
    with be.searcher() as searcher:
        reader = max(
            (s.reader() for s, _o in searcher.subsearchers or [(searcher, 0)]), key=lambda r: r.doc_count_all()
        )
        n = reader.doc_count_all()

        def public_postings() -> list[int]:
            m = reader.postings("text", "安全理事会")
            ids = []
            while m.is_active():
                ids.append(m.id())
                m.weight()
                m.next()
            return ids

        fast, ours = best(lambda: list(whoosh_internals.postings(reader, "text", "安全理事会", weights=True)[0]))
        slow, theirs = best(public_postings)
        assert ours == theirs
        rows.append(("postings", f"one common term's {len(ours):,} postings with weights", fast, slow))

        column = reader.column_reader("sortdate")
        fast, ours = best(lambda: list(whoosh_internals.numeric_column(reader, "sortdate")))
        slow, theirs = best(lambda: [column[d] for d in range(n)])
        assert ours == theirs
        rows.append(("numeric_column", f"a sort-key column of {n:,} entries", fast, slow))

        fast, ours = best(lambda: list(whoosh_internals.length_bytes(reader, "text")))
        slow, theirs = best(lambda: [length_to_byte(reader.doc_field_length(d, "text", 0)) for d in range(n)])
        assert ours == theirs
        rows.append(("length_bytes", f"BM25 field lengths of {n:,} entries", fast, slow))

        needle = "维和人员的安全".encode()
        candidates = list(range(0, n, 2))
        mapped = streams.mapped(be.path, reader, STREAM)
        stored = reader.column_reader(STREAM)
        fast, ours = best(lambda: mapped.matching(needle, candidates))
        slow, theirs = best(lambda: {d for d in candidates if needle in stored[d]})
        assert ours == theirs
        rows.append(
            ("column_region", f"a phrase confirmed on {len(candidates):,} streams (mmap vs column reader)", fast, slow)
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=2000)
    args = ap.parse_args()
    from bench.report import OUT, write_section

    os.environ.setdefault("ARCHIVE_DATA_DIR", str(OUT / f"data-{args.size}"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    django.setup()
    rows = measure()
    table = ["| function | what is read | ours | public Whoosh (baseline) | saved |", "|---|---|---|---|---|"]
    for name, what, fast, slow in rows:
        table.append(f"| `{name}` | {what} | {fast * 1000:.1f} ms | {slow * 1000:.1f} ms | {slow / fast:.0f}× |")
    body = (
        f"On the {args.size:,}-document benchmark corpus (largest segment), best of 3, same process and index; "
        "each answer equals the public API's (checked).\n\n" + "\n".join(table)
    )
    write_section(
        "search-internals",
        "Search: what the private Whoosh shortcuts save",
        f"python -m bench.search_internals --size {args.size}",
        body,
        {"rows": [{"name": n, "what": w, "ours_s": f, "public_s": s} for n, w, f, s in rows]},
    )
    print("\n".join(table))


if __name__ == "__main__":
    main()
