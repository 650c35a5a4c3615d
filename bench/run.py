"""Search benchmark: python -m bench.run [--sizes 2000,10000] [--seed 1] [--rounds 20]

For each corpus size, in a private data directory under bench/out/ (kept between runs and reused
when it already holds the same corpus; ``--fresh`` regenerates):

1. ``generate_corpus --documents N --seed S`` (through the real import code) on top of the seeds;
2. ``manage.py rebuild_index --noinput`` exactly as a user runs it (bench/search_rebuild.py): wall
   clock from start to exit, CPU seconds and peak memory of its process tree; baseline in the same
   run: reading and preparing the same entries from the database alone (no analysis, no index);
3. index size on disk and segment count;
4. gunicorn with the project's config (``config/gunicorn.py``: its default worker count, each
   warming its caches after the fork): the first search after the start (its status — a worker
   still warming answers 503 "getting ready" — and latency, and how long until results), then the
   query classes of bench/search_queries.py over HTTP, one request at a time, ``--rounds`` rounds
   after warm-up passes (twice per worker); baseline in the same run: ``/robots.txt`` and the search help page
   through the same server;
5. in the same run, on the same index: our engine without HTTP and, for the classes it can
   express, plain Whoosh (bench/search_probe.py).

Figures go to bench/out/search.json and the "search" section of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from bench import search_rebuild
from bench.report import OUT, ROOT, summary_ms, write_section
from bench.search_queries import QUERIES
from bench.server import free_port

SETTINGS = "config.settings.base"  # DEBUG off, SQLite in the data directory (what gunicorn serves here)
P95_GOAL_MS = 100
RATIO_GOAL = 3
REBUILD_GOAL = 1000
MEMORY_GOAL_MB = 1024
COLD_GOAL_MS = 1000


def _env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "ARCHIVE_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": SETTINGS, "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    env.pop("SEARCH_URL", None)
    return env


def _manage(data_dir: Path, *args: str, capture: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(data_dir),
        check=True,
        text=True,
        capture_output=capture,
    )


def _child_json(data_dir: Path, module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module args`` in the archive at ``data_dir``; the JSON line it prints last."""
    out = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=_env(data_dir),
        check=True,
        text=True,
        capture_output=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _probe(data_dir: Path, *args: str) -> dict[str, Any]:
    return _child_json(data_dir, "bench.search_probe", *args)


def _dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _corpus(data_dir: Path, size: int, seed: int, fresh: bool) -> dict[str, Any]:
    marker = data_dir / "corpus.json"
    wanted = {"documents": size, "seed": seed}
    if not fresh and marker.exists() and json.loads(marker.read_text())["spec"] == wanted:
        return json.loads(marker.read_text())
    if data_dir.exists():
        subprocess.run(["rm", "-rf", str(data_dir)], check=True)
    data_dir.mkdir(parents=True)
    _manage(data_dir, "migrate", "--noinput", "-v0")
    _manage(data_dir, "import_documents", str(ROOT / "fixtures" / "documents.json"), capture=True)
    started = time.perf_counter()
    _manage(data_dir, "generate_corpus", "--documents", str(size), "--seed", str(seed), "--no-index", capture=True)
    info = {"spec": wanted, "generate_s": round(time.perf_counter() - started, 1)}
    marker.write_text(json.dumps(info))
    return info


def _get(port: int, path: str) -> tuple[float, int, bytes, dict[str, str]]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
            body, status, headers = response.read(), response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        body, status, headers = exc.read(), exc.code, dict(exc.headers)
    return time.perf_counter() - started, status, body, headers


def _search_path(params: dict[str, str]) -> str:
    return "/search/?" + urllib.parse.urlencode(params)


def _check(bq: Any, status: int, body: bytes) -> None:
    if status != 200 or (bq.hits and b'class="hit"' not in body) or (not bq.hits and b"search-empty" not in body):
        raise RuntimeError(f"unexpected answer for {bq.params}: {status}")


def _serve_and_query(data_dir: Path, rounds: int) -> dict[str, Any]:
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env={**_env(data_dir), "GUNICORN_CMD_ARGS": "--access-logfile /dev/null"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                if _get(port, "/robots.txt")[1] == 200:
                    break
            except OSError:
                pass
            if time.perf_counter() - started > 120 or server.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.05)
        up_s = time.perf_counter() - started
        # The first search after the start, as the first reader sends it.
        first = QUERIES[0]
        elapsed, status, _body, headers = _get(port, _search_path(first.params))
        cold = {"status": status, "ms": round(elapsed * 1000, 1), "retry_after": headers.get("Retry-After")}
        until = time.perf_counter()
        while status != 200:  # a worker still warming up: ask again, as the page invites
            if time.perf_counter() - until > 120:
                raise RuntimeError(f"no search results two minutes after the start (status {status})")
            time.sleep(0.2)
            elapsed, status, _body, headers = _get(port, _search_path(first.params))
        cold["until_results_ms"] = round((time.perf_counter() - until) * 1000 + cold["ms"], 1)
        # As in a server that has been up a while: each class asked often enough that every worker
        # has read its words once (each worker process has its own caches).
        workers = len(search_rebuild.process_tree(server.pid)) - 1
        for _ in range(2 * workers):
            for bq in QUERIES:
                _t, status, body, _h = _get(port, _search_path(bq.params))
                _check(bq, status, body)
        samples: dict[str, list[float]] = {bq.label: [] for bq in QUERIES}
        baseline: dict[str, list[float]] = {"/robots.txt": [], "/search/help/": []}
        for _ in range(rounds):
            for bq in QUERIES:
                elapsed, status, body, _h = _get(port, _search_path(bq.params))
                _check(bq, status, body)
                samples[bq.label].append(elapsed)
            for path, values in baseline.items():
                values.append(_get(port, path)[0])
        memory = [search_rebuild.memory_kb(p) for p in search_rebuild.process_tree(server.pid)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    return {
        "server_up_s": round(up_s, 2),
        "workers": len(memory) - 1,
        "cold": cold,
        "http": {label: summary_ms(values) for label, values in samples.items()},
        "baseline": {path: summary_ms(values) for path, values in baseline.items()},
        "server_pss_mb": round(sum(p for _r, p in memory) / 1024),
    }


def measure(size: int, seed: int, rounds: int, fresh: bool) -> dict[str, Any]:
    data_dir = OUT / f"data-{size}"
    print(f"[search bench] {size} documents: corpus …", flush=True)
    corpus = _corpus(data_dir, size, seed, fresh)
    print(f"[search bench] {size} documents: manage.py rebuild_index …", flush=True)
    rebuild = search_rebuild.measure(data_dir)
    stats = _probe(data_dir, "stats")
    print(f"[search bench] {size} documents: baseline (database read and prepare only) …", flush=True)
    prepare = _probe(data_dir, "prepare")
    print(f"[search bench] {size} documents: gunicorn, queries over HTTP …", flush=True)
    served = _serve_and_query(data_dir, rounds)
    print(f"[search bench] {size} documents: engine in-process and raw Whoosh …", flush=True)
    probe = _probe(data_dir, "raw", "--rounds", str(rounds))
    p95s = {label: s["p95_ms"] for label, s in served["http"].items()}
    median = round(statistics.median(p95s.values()), 2)
    return {
        "documents": size,
        "corpus": corpus,
        "index_entries": stats["entries"],
        "segments": stats["segments"],
        "index_mb": round(_dir_size(data_dir / "whoosh_index") / 1e6, 1),
        "rebuild": rebuild,
        "rebuild_entries_per_s": round(stats["entries"] / rebuild["wall_s"]),
        "rebuild_entries_per_cpu_s": round(stats["entries"] / rebuild["cpu_s"]),
        "prepare_baseline": prepare,
        **served,
        "median_class_p95_ms": median,
        "ratio_to_median": {label: round(v / median, 2) for label, v in p95s.items()},
        "per_query": probe["per_query"],
    }


def _yes(ok: bool) -> str:
    return "yes" if ok else "**NO**"


def report(results: list[dict[str, Any]], command: str, rounds: int) -> None:
    rule = "|---|" + "---|" * len(results)
    head = "| measure | " + " | ".join(f"{r['documents']:,} documents" for r in results) + " |"

    def row(label: str, fn: Any) -> str:
        return f"| {label} | " + " | ".join(fn(r) for r in results) + " |"

    def worst(r: dict[str, Any]) -> tuple[str, float]:
        label = max(r["http"], key=lambda k: r["http"][k]["p95_ms"])
        return label, r["http"][label]["p95_ms"]

    def cold(r: dict[str, Any]) -> str:
        c = r["cold"]
        said = "results" if c["status"] == 200 else f"{c['status']} “getting ready”"
        return f"{c['ms']} ms ({said}); results after {c['until_results_ms']} ms"

    # The goals are set at the largest corpus (10,000 documents); smaller ones are for comparison.
    largest = [max(results, key=lambda r: r["documents"])]

    def goal(label: str, fn: Any) -> str:
        return f"| {label} | " + " | ".join(fn(r) for r in largest) + " |"

    goals = [
        f"| goal (issue 13) | {largest[0]['documents']:,} documents |",
        "|---|---|",
        goal(
            f"every class p95 ≤ {P95_GOAL_MS} ms over HTTP (worst class)",
            lambda r: f"{_yes(worst(r)[1] <= P95_GOAL_MS)} ({worst(r)[0]}: {worst(r)[1]} ms)",
        ),
        goal(
            f"no class above {RATIO_GOAL}× the median class p95",
            lambda r: (
                f"{_yes(max(r['ratio_to_median'].values()) <= RATIO_GOAL)} "
                f"(max {max(r['ratio_to_median'].values())}×, median {r['median_class_p95_ms']} ms)"
            ),
        ),
        goal(
            f"rebuild ≥ {REBUILD_GOAL:,} entries/s (`manage.py rebuild_index`, wall clock incl. start-up)",
            lambda r: f"{_yes(r['rebuild_entries_per_s'] >= REBUILD_GOAL)} ({r['rebuild_entries_per_s']:,}/s)",
        ),
        goal(
            "peak memory of the rebuild's process tree ≤ 1 GB (summed RSS / summed PSS)",
            lambda r: (
                f"{_yes(r['rebuild']['peak_rss_mb'] <= MEMORY_GOAL_MB)} "
                f"({r['rebuild']['peak_rss_mb']} / {r['rebuild']['peak_pss_mb']} MB)"
            ),
        ),
        goal(
            f"first search after a cold start ≤ {COLD_GOAL_MS} ms, or it says it is getting ready",
            lambda r: _yes(r["cold"]["status"] == 503 or r["cold"]["ms"] <= COLD_GOAL_MS) + f" ({cold(r)})",
        ),
    ]
    lines = [
        head,
        rule,
        row("index entries (paragraphs + footnotes)", lambda r: f"{r['index_entries']:,}"),
        row(
            "`manage.py rebuild_index`: wall clock (start to exit) · CPU of its processes",
            lambda r: f"{r['rebuild']['wall_s']} s · {r['rebuild']['cpu_s']} s",
        ),
        row(
            "**rebuild rate**: per wall-clock second · per CPU second",
            lambda r: f"**{r['rebuild_entries_per_s']:,}/s** · {r['rebuild_entries_per_cpu_s']:,}/s",
        ),
        row(
            "baseline: database read + haystack prepare only, one process (same run)",
            lambda r: f"{round(r['prepare_baseline']['entries'] / r['prepare_baseline']['wall_s']):,}/s",
        ),
        row(
            "rebuild memory: summed RSS · summed PSS · largest process (processes)",
            lambda r: (
                f"{r['rebuild']['peak_rss_mb']} · {r['rebuild']['peak_pss_mb']} · "
                f"{r['rebuild']['peak_single_mb']} MB ({r['rebuild']['processes']})"
            ),
        ),
        row("load average when the rebuild started", lambda r: f"{r['rebuild']['load_average']}"),
        row("index size / segments", lambda r: f"{r['index_mb']} MB / {r['segments']}"),
        row(
            "gunicorn workers · up after · their memory (summed PSS) after the queries",
            lambda r: f"{r['workers']} · {r['server_up_s']} s · {r['server_pss_mb']} MB",
        ),
        row("first search after the start", cold),
        row(
            "HTTP baseline p50 / p95: `/robots.txt` · `/search/help/`",
            lambda r: (
                f"{r['baseline']['/robots.txt']['p50_ms']} / {r['baseline']['/robots.txt']['p95_ms']} · "
                f"{r['baseline']['/search/help/']['p50_ms']} / {r['baseline']['/search/help/']['p95_ms']} ms"
            ),
        ),
        row("corpus generation (generate_corpus, cached between runs)", lambda r: f"{r['corpus']['generate_s']} s"),
    ]
    per_class = [
        "| class: query | "
        + " | ".join(
            f"{r['documents']:,}: results · HTTP p50 / p95 · × median · engine p95 · raw Whoosh p95" for r in results
        )
        + " |",
        rule,
    ]
    for bq in QUERIES:
        cells = []
        for r in results:
            pq, http = r["per_query"][bq.label], r["http"][bq.label]
            raw = f"{pq['raw']['p95_ms']} ms" if "raw" in pq else "–"
            cells.append(
                f"{pq['engine_total']:,} · {http['p50_ms']} / {http['p95_ms']} ms · {r['ratio_to_median'][bq.label]}× · "
                f"{pq['engine']['p95_ms']} ms · {raw}"
            )
        shown = " ".join(f"{k}={v}" for k, v in bq.params.items())
        per_class.append(f"| {bq.label}: `{shown}` | " + " | ".join(cells) + " |")
    nl = chr(10)
    body = f"""
Corpus: the five seeds plus N synthetic documents (`generate_corpus --seed 1`: recombined seed
sentences and citations; 60 % letters, 20 % reports, 12 % resolutions, 5 % presidential
statements, 3 % notes).  Rebuild: `manage.py rebuild_index --noinput` in a fresh process with
the settings `manage.py` uses by default (what a user gets after `make run`), timed from start to
exit.  Server: gunicorn with `config/gunicorn.py` (DEBUG off), one request at a time; {rounds}
rounds of the {len(QUERIES)} query classes of bench/search_queries.py after twice as many passes
as there are workers (each worker process fills its own caches).  The machine has 2 cores shared with other work: the load average at the rebuild's start
is recorded, and CPU seconds are given beside wall-clock seconds.

Goals (issue 13, at the largest corpus):

{nl.join(goals)}

{nl.join(lines)}

Per query class (results · HTTP p50 / p95 · p95 relative to the median class · our engine
in-process p95 · plain Whoosh p95 where its query parser can say the same; "–" where it cannot):

{nl.join(per_class)}

Reading the figures: "summed RSS" adds every process's resident memory, so pages a forked
sub-writer shares with the command count twice; "summed PSS" divides shared pages among the
processes sharing them and is what the tree occupies.  The rebuild forks one sub-writer per core
before it reads the first batch, so they start small; each analyses its share with jieba and
writes one segment; the command reads the database meanwhile.  The HTTP figures add Django's
request cycle, two database queries, snippets and the template to the engine's own time.
"""
    data = {"rounds": rounds, "results": results}
    write_section("search", "Search: rebuild, latency, memory", command, body, data)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--report-only", action="store_true", help="rewrite BENCHMARKS.md from bench/out/search.json")
    ap.add_argument("--sizes", default="2000,10000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--fresh", action="store_true", help="regenerate the corpora even if present")
    args = ap.parse_args()
    if args.report_only:
        saved = json.loads((OUT / "search.json").read_text(encoding="utf-8"))
        report(saved["results"], saved["command"], saved["rounds"])
        return
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = [measure(size, args.seed, args.rounds, args.fresh) for size in sizes]
    command = f"python -m bench.run --sizes {args.sizes} --seed {args.seed} --rounds {args.rounds}"
    report(results, command, args.rounds)
    print(json.dumps(results, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
