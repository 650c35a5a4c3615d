"""Fault drills against a real gunicorn server: python -m bench.faults [--kills 12] [--citations 50000] ...

On one served archive (bench/server.py), in this order: imports killed mid-way, hostile Word files
and out-of-range metadata (bench/faults/inputs.py), the search index broken four ways and a feed
query of control characters (bench/faults/index.py), a draft under a cited symbol, then pages at
the sizes that broke them and the whole-archive export (bench/faults/pages.py); last, a second
archive with no documents is searched.  Every HTTP figure has the gunicorn workers' peak RSS
beside it, every command its own (bench/faults/measure.py).  Results to bench/out/faults.json and
the "faults" section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import re
import shutil
from typing import Any

from bench.faults import index, inputs, pages
from bench.report import write_section
from bench.server import Archive


def _mb(n: int) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 100_000 else f"{n / 1e3:.1f} kB"


def _page_row(r: dict[str, Any], label: str = "") -> str:
    median = "—" if r["median_ms"] is None else f"{r['median_ms']:.0f} ms"
    length = f" (Content-Length {int(r['content_length']):,})" if r["content_length"] else ""
    return (
        f"| {label}`{r['path']}` | {r['status']} | {r['first_ms']:.0f} ms | {median} | {_mb(r['bytes'])}{length} "
        f"| {r['worker_rss_before_mb']} → {r['worker_peak_mb']} MB |"
    )


def _message(m: dict[str, Any]) -> str:
    # Without the temporary file's path and the exception's class name: the line a librarian reads.
    text = re.sub(r"^(\S+\.)?CommandError: |/tmp/\S+?: ", "", m["message"])
    return text.replace("|", "\\|")[:140]


def _command_row(label: str, m: dict[str, Any]) -> str:
    tree = f" ({m['tree_rss_mb']} MB, {m['processes']} processes)" if m["processes"] > 1 else ""
    return f"| {label} | {m['exit']} | {_message(m)} | {m['wall_s']:.1f} s | {m['peak_rss_mb']} MB{tree} |"


def render(r: dict[str, Any], args: argparse.Namespace) -> str:
    killed, heavy, draft = r["kill_imports"], r["heavy"], r["draft"]
    o = killed["outcomes"]
    pages_rows = "\n".join(
        [_page_row(b, "baseline: ") for b in r["baselines"]]
        + [_page_row(p) for p in heavy["pages"]]
        + [_page_row(heavy["export_before"], "before `export_archive --publish`: ")]
        + [_page_row(heavy["export_after"], "after: ")]
    )
    commands = "\n".join(
        [_command_row("baseline: `manage.py check`", r["word"]["check"])]
        + [_command_row(f"`import_document` {w['file']} ({_mb(w['bytes'])})", w) for w in r["word"]["imports"]]
        + [_command_row(f"`import_document` {v['case']}", v) for v in r["validation"]]
        + [_command_row(f"`import_document --draft --symbol {pages.HUB}`", draft["import"])]
        + [_command_row("`bench.heavy` build (`manage.py shell`)", heavy["build"])]
        + [_command_row("`export_archive --publish`", heavy["export_publish"])]
    )
    draft_rows = "\n".join(
        f"| `{a['path']}` | {a['status']} | {'**YES**' if a['title_shown'] else 'no'} |" for a in draft["answers"]
    )
    empty = r["empty_search"]
    empty_rows = "\n".join(f"| `{index.SEARCHES[k]}` | {v['status']} | {v['found']} |" for k, v in empty.items())
    breaks = "\n".join(index.row(r[k]) for k in ("index_deleted", "index_garbage", "index_truncated", "index_random"))
    cc = r["control_characters"]
    return f"""
Each HTTP figure: first request, then the median of the next {args.repeat}; "workers' peak RSS" is the
largest gunicorn worker's kernel high-water mark (`VmHWM`, reset to its RSS before the URL's first
request through `/proc/<pid>/clear_refs`; "before" is that RSS), 2 workers.  Each command in a fresh process: exit code, its last
line, wall clock, the peak RSS of its largest process (`VmHWM`, read every 20 ms; the tree's summed
RSS beside it when it forks).

**Pages at the sizes that broke them**: S/2018/1183 cited {heavy["citations"]:,} times ({heavy["citations"] // 25:,}
letters citing it 25 times each), {pages.LETTER} citing {heavy["resolutions"]:,} resolutions (`bench.heavy`).

| request | status | first | median | size | workers' RSS before → peak |
|---|---|---|---|---|---|
{pages_rows}

**Commands on bad input, and the heavy commands** (the message as printed, the file's path left out):

| command | exit | message | wall | peak RSS |
|---|---|---|---|---|
{commands}

**A draft imported under {pages.HUB}** (cited by S/2018/1183, held as a hub), title "{pages.DRAFT_TITLE}";
the export after `export_archive --publish` shows it: {"**YES**" if heavy["export_shows_draft"] else "no"}.

| request | status | draft's title shown |
|---|---|---|
{draft_rows}

**Import killed mid-way** (SIGKILL at a random moment between {killed["window_s"][0]} s and {killed["window_s"][1]} s after start — 1.3 times an uninterrupted import's time — {killed["kills"]}
times, on a copy of S/2018/1183): {o["whole"]} whole, {o["absent"]} absent, **{o["partial"]} partial**.
Index before repair: {killed["drift_before_repair"]}; `index_drift --repair`: {killed["repair"]};
consistent afterwards: {"yes" if killed["consistent_after_repair"] else "NO"}.

**Index broken while gunicorn serves** (HTTP status codes seen by a reader):

| fault | document / paragraph page | search page / feed / API | says "temporarily unavailable" | search after `rebuild_index` |
|---|---|---|---|---|
{breaks}

`/search/feed/?q=%00%01%0b警察` on the healthy index: {cc["status"]}, XML that parses:
{"yes" if cc["parses"] else "**NO**"}, {cc["entries"]} entries.

**An archive with no documents** (`rebuild_index --noinput`, then searched):

| request | status | results |
|---|---|---|
{empty_rows}
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kills", type=int, default=12, help="imports killed mid-way")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--citations", type=int, default=50_000, help="paragraphs citing S/2018/1183")
    ap.add_argument("--resolutions", type=int, default=1500, help="resolutions S/2091/1 cites")
    ap.add_argument("--bomb-mb", type=int, default=95, help="what the zip bomb inflates to")
    ap.add_argument("--repeat", type=int, default=5, help="requests after the first, for the median")
    args = ap.parse_args()

    r: dict[str, Any] = {}
    archive = Archive()
    try:
        r["kill_imports"] = index.kill_imports(archive, args.kills, args.seed)
        r["word"] = inputs.word_files(archive, args.bomb_mb)
        r["validation"] = inputs.validation(archive)
        archive.start(workers=2)
        for key, how in (
            ("deleted", "delete"),
            ("garbage", "garbage"),
            ("truncated", "truncate"),
            ("random", "random"),
        ):
            r[f"index_{key}"] = index.break_index(archive, how, args.seed)
        r["control_characters"] = index.control_characters(archive)
        r["draft"] = pages.draft(archive)
        r["baselines"] = pages.baselines(archive, args.repeat)
        r["heavy"] = pages.heavy_pages(archive, args.citations, args.resolutions, args.repeat)
    finally:
        archive.stop()
        shutil.rmtree(archive.data_dir, ignore_errors=True)
    r["empty_search"] = index.empty_archive()

    body = render(r, args)
    command = "python -m bench.faults" + "".join(
        f" --{k.replace('_', '-')} {v}"
        for k, v in vars(args).items()
        if v != ap.get_default(k)  # the command as run: defaults left out
    )
    write_section("faults", "Faults: killed imports, broken index, heavy pages, hostile input", command, body, r)
    print(body)
