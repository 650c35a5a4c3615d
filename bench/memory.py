"""Memory with long documents: python -m bench.memory [--documents 9] [--paragraphs 3000]

A fresh archive (SQLite, the settings ``manage.py`` picks, as after ``make run``) with the seeds,
then ``--documents`` generated reports of ``--paragraphs`` numbered paragraphs (about 1.6 MB each:
``Generator.long_report``, invented text recombined from the seeds' sentences, with footnotes and
citations of resolutions and of S/2018/1183's paragraphs), each imported with ``import_document``
and published.  Every command runs as a user runs it, in a fresh process; while it runs, the memory
of its whole process tree is sampled (bench/search_rebuild.py: summed RSS, which counts pages
shared after a fork once per process, and summed PSS, what the tree really occupies):

1. baseline, in the same run: ``manage.py check`` (Django and the project loaded, nothing done),
   then ``rebuild_index --noinput`` and ``index_drift`` on the seeds alone;
2. ``import_document`` of each long report (the first one reported, the others the spread);
3. ``import_document`` of a 5 MB report (the import limit is 5 MiB);
4. ``rebuild_index --noinput`` and ``index_drift`` on the whole archive.

The goal (issue 16): at most 500 MB for each, whatever the size of the document or of the
archive.  Figures to bench/out/memory.json and the "memory" section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from typing import Any

from bench.report import OUT, ROOT, write_section
from bench.search_rebuild import measure_command

GOAL_MB = 500
LARGE_BYTES = 1_600_000
HUGE_BYTES = 4_950_000


def _write_documents(folder: Path, count: int, paragraphs: int) -> list[tuple[Path, str]]:
    """``count`` long reports and one of about 5 MB; (file, symbol) each, the 5 MB one last."""
    from search.management.commands.generate_corpus import Generator, seed_sentences

    folder.mkdir(parents=True, exist_ok=True)
    generator = Generator(16, seed_sentences(), 2001, 2024)
    files = []
    for n in range(1, count + 2):
        symbol = f"S/2099/{n}"
        size = HUGE_BYTES if n == count + 1 else LARGE_BYTES
        path = folder / f"S_2099_{n}.txt"
        path.write_text(generator.long_report(symbol, paragraphs, size), encoding="utf-8")
        files.append((path, symbol))
    return files


def _row(label: str, m: dict[str, Any], baseline: dict[str, Any] | None = None) -> str:
    over = f" (+{m['peak_pss_mb'] - baseline['peak_pss_mb']} MB)" if baseline else ""
    goal = "yes" if max(m["peak_rss_mb"], m["peak_pss_mb"]) <= GOAL_MB else "**no**"
    return (
        f"| {label} | {m['wall_s']:.1f} s | {m['cpu_s']:.1f} s | {m['peak_rss_mb']} MB | "
        f"{m['peak_pss_mb']} MB{over} | {m['max_rss_kernel_mb']} MB | {m['processes']} | {goal} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--documents", type=int, default=9)
    ap.add_argument("--paragraphs", type=int, default=3000)
    args = ap.parse_args()
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    django.setup()

    data_dir = OUT / "memory-archive"
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    files = _write_documents(OUT / "memory-files", args.documents, args.paragraphs)
    sizes = [path.stat().st_size for path, _symbol in files]

    def run(*command: str) -> dict[str, Any]:
        return measure_command(data_dir, *command)

    run("migrate", "--noinput", "-v0")
    run("import_documents", str(ROOT / "fixtures" / "documents.json"))
    check = run("check")
    seeds_rebuild = run("rebuild_index", "--noinput")
    seeds_drift = run("index_drift")
    imports = [run("import_document", str(path), "--symbol", symbol) for path, symbol in files[:-1]]
    huge = run("import_document", str(files[-1][0]), "--symbol", files[-1][1])
    rebuild = run("rebuild_index", "--noinput")
    drift = run("index_drift")
    shutil.rmtree(data_dir, ignore_errors=True)

    first = imports[0]
    wall = [m["wall_s"] for m in imports]
    rss = [m["peak_rss_mb"] for m in imports]
    data = {
        "documents": args.documents,
        "paragraphs": args.paragraphs,
        "bytes": sizes,
        "goal_mb": GOAL_MB,
        "check": check,
        "seeds_rebuild": seeds_rebuild,
        "seeds_drift": seeds_drift,
        "imports": imports,
        "import_5mb": huge,
        "rebuild": rebuild,
        "drift": drift,
    }
    large_mb = sizes[0] / 1e6
    huge_mb = sizes[-1] / 1e6
    body = f"""
Archive: the seeds and {args.documents} generated reports of {args.paragraphs:,} numbered paragraphs
({min(sizes[:-1]) / 1e6:.2f}–{max(sizes[:-1]) / 1e6:.2f} MB each, with footnotes and citations), then one of
{huge_mb:.2f} MB ({args.paragraphs:,} paragraphs); every import published.  Each command in a fresh
process, memory of its process tree sampled every 0.25 s (summed RSS counts pages shared after the
rebuild's fork once per sub-writer; summed PSS divides them; "largest process" is the kernel's own
high-water mark).  Goal: ≤ {GOAL_MB} MB for each.  Load average at the start of the rebuild
{rebuild["load_average"]}.

| command | wall | CPU | peak RSS, summed | peak PSS, summed (over `check`) | largest process | processes | ≤ {GOAL_MB} MB |
|---|---|---|---|---|---|---|---|
{_row("baseline: `manage.py check`", check)}
{_row("baseline: `rebuild_index --noinput`, seeds only", seeds_rebuild, check)}
{_row("baseline: `index_drift`, seeds only", seeds_drift, check)}
{_row(f"`import_document` of the first {large_mb:.1f} MB report", first, check)}
{_row(f"**`import_document` of the {huge_mb:.1f} MB report**", huge, check)}
{_row(f"**`rebuild_index --noinput`**, {args.documents} long reports", rebuild, check)}
{_row(f"**`index_drift`**, {args.documents} long reports", drift, check)}

The {args.documents} imports of the long reports took {min(wall):.1f}–{max(wall):.1f} s each, peak RSS
{min(rss)}–{max(rss)} MB (each import waits until its document is in the search index).
"""
    command = f"python -m bench.memory --documents {args.documents} --paragraphs {args.paragraphs}"
    write_section("memory", "Memory with long documents: imports, rebuild and drift check", command, body, data)
    print(body)


if __name__ == "__main__":
    main()
