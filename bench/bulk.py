"""Bulk import rate: python -m bench.bulk [--files 500] [--seed 3]

A folder of N generated files (the corpus generator's documents: letters, reports, resolutions,
presidential statements, notes, in the seeds' shapes), each named by its symbol
(``S_2012_5031.txt``).  Two fresh archives, each in its own data directory:

1. baseline: one process, a plain loop calling ``import_document FILE --symbol S`` for each file
   (what a librarian would script before import_folder existed);
2. ``import_folder DIR --publish``: the same files, with the batch bookkeeping (an item row per
   file, progress, the report);
3. ``import_folder`` again on the same folder: nothing to do, every file "already present".

The two ways alternate for ``--rounds`` rounds, each round into fresh archives, and the best
round of each is reported (the machine is shared: a single run says more about the neighbours).

Both publish (so both feed the search index through the same after-commit queue); the time is the
import itself, and then until the index has caught up.  Figures to bench/out/bulk.json and the
"bulk" section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from bench.report import write_section
from bench.run import _child_json, _manage


def _generate(folder: Path, count: int, seed: int) -> int:
    """Write ``count`` generated documents; return their total size in bytes."""
    from search.management.commands.generate_corpus import Generator, seed_sentences

    folder.mkdir(parents=True)
    generator = Generator(seed, seed_sentences(), 2001, 2024)
    names: set[str] = set()
    size = 0
    while len(names) < count:
        spec = generator.document()
        name = spec["symbol"].replace("/", "_") + ".txt"
        if name in names:
            continue
        data = spec["raw"].encode("utf-8")
        (folder / name).write_bytes(data)
        names.add(name)
        size += len(data)
    return size


def _child(mode: str, folder: Path) -> None:
    """Runs inside a fresh archive: import the folder one way, print the timings as JSON."""
    from django.core.management import call_command

    from archive.ingest.batch import symbol_from_filename
    from search import indexing

    quiet = open(os.devnull, "w")
    files = sorted(folder.iterdir())
    started = time.perf_counter()
    if mode == "baseline":
        for path in files:
            call_command("import_document", str(path), symbol=symbol_from_filename(path.name), stdout=quiet)
    else:
        call_command("import_folder", str(folder), "--publish", "--no-progress", stdout=quiet)
    imported = time.perf_counter() - started
    indexing.queue.wait_idle(timeout=1800)
    indexed = time.perf_counter() - started
    print(json.dumps({"files": len(files), "import_s": imported, "until_indexed_s": indexed}))


def _run(data_dir: Path, mode: str, folder: Path) -> dict[str, float]:
    return _child_json(data_dir, "bench.bulk", "--child", mode, str(folder))


def _per_minute(files: int, seconds: float) -> float:
    return round(files / seconds * 60, 1)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=500)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--child", nargs=2, metavar=("MODE", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    import django

    # The parent only generates texts (no database); each child works on its own data directory.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return

    with tempfile.TemporaryDirectory(prefix="bench-bulk-") as tmp:
        work = Path(tmp)
        folder = work / "files"
        size = _generate(folder, args.files, args.seed)
        runs: dict[str, list[dict[str, float]]] = {"baseline": [], "bulk": [], "rerun": []}
        for round_ in range(args.rounds):
            for mode in ("baseline", "bulk"):
                data_dir = work / f"{mode}-{round_}"
                _manage(data_dir, "migrate", "--noinput", "-v0")
                load = os.getloadavg()[0]
                runs[mode].append({**_run(data_dir, mode, folder), "load_at_start": round(load, 2)})
            runs["rerun"].append(_run(work / f"bulk-{round_}", "bulk", folder))
        results = {mode: min(r, key=lambda x: x["import_s"]) for mode, r in runs.items()}

    base, bulk, rerun = results["baseline"], results["bulk"], results["rerun"]

    def spread(mode: str) -> str:
        times = [r["import_s"] for r in runs[mode]]
        return f"{min(times):.1f}–{max(times):.1f} s"

    data = {
        "files": args.files,
        "seed": args.seed,
        "rounds": args.rounds,
        "all_import_s": {mode: [round(r["import_s"], 2) for r in rs] for mode, rs in runs.items()},
        "megabytes": round(size / 1e6, 2),
        **{f"{mode}_{key}": round(value, 2) for mode, r in results.items() for key, value in r.items()},
        "baseline_per_minute": _per_minute(args.files, base["import_s"]),
        "bulk_per_minute": _per_minute(args.files, bulk["import_s"]),
        "rerun_per_minute": _per_minute(args.files, rerun["import_s"]),
        "bulk_vs_baseline": round(bulk["import_s"] / base["import_s"], 2),
    }
    body = f"""
Input: {args.files} generated files (`generate_corpus` logic, seed {args.seed}), {data["megabytes"]} MB of
UTF-8, named by symbol; each way into a fresh SQLite archive (DEBUG off), publishing, live search
indexing.  Best of {args.rounds} alternating rounds on a shared machine (load average {base["load_at_start"]}
and {bulk["load_at_start"]} when the best rounds started; every round's import time in bench/out/bulk.json).

| way in | import (best) | all rounds | documents per minute | until the search index caught up |
|---|---|---|---|---|
| baseline: a loop of `import_document FILE --symbol S` | {base["import_s"]:.1f} s | {spread("baseline")} | {data["baseline_per_minute"]:,} | {base["until_indexed_s"]:.1f} s |
| **`import_folder DIR --publish`** | **{bulk["import_s"]:.1f} s** | {spread("bulk")} | **{data["bulk_per_minute"]:,}** | {bulk["until_indexed_s"]:.1f} s |
| `import_folder` again (all already present) | {rerun["import_s"]:.1f} s | {spread("rerun")} | {data["rerun_per_minute"]:,} | — |

`import_folder` time / baseline time: **{data["bulk_vs_baseline"]}×** (compare with the spread of the
rounds: on this machine a difference of a few per cent is noise).  Both go through `import_text`
(parse, duplicate-text check, one transaction per document); the batch adds an item row per file
in that transaction, a progress update per file and the report.  The baseline loop runs in one
process too, so neither pays a process start per file (a shell loop of `manage.py import_document`
would, about a second each).
"""
    command = f"python -m bench.bulk --files {args.files} --rounds {args.rounds}"
    write_section("bulk", "Bulk import: documents per minute", command, body, data)
    print(body)


if __name__ == "__main__":
    main()
