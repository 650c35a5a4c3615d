"""Fault drills: python -m bench.faults [--kills 12]

1. Kill an import mid-way (SIGKILL at a random moment, repeatedly): the database must hold each
   document wholly or not at all; ``index_drift --repair`` then brings the index back in line.
2. Delete the Whoosh index while gunicorn serves: reading pages keep working, search answers
   "temporarily unavailable" (503, never a 500); ``rebuild_index`` restores it.
3. Corrupt the index files while serving: the same.
Each drill records what a reader or librarian would have seen; the results go to BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import signal
import tempfile
import time
import urllib.parse
from pathlib import Path

from bench.report import ROOT, write_section
from bench.server import Archive

CHECK = """
import json
from archive.models import Document
doc = Document.objects.filter(symbol="{symbol}").first()
print(json.dumps(None if doc is None else {{
    "paragraphs": doc.paragraphs.count(), "footnotes": doc.footnotes.count(),
    "citations": sum(p.citations.count() for p in doc.paragraphs.all()),
}}))
"""


def _state(archive: Archive, symbol: str) -> dict | None:
    out = archive.manage("shell", "-c", CHECK.format(symbol=symbol)).stdout
    return json.loads(out.strip().splitlines()[-1])


def kill_imports(archive: Archive, kills: int, seed: int) -> dict:
    source = ROOT / "fixtures" / "002_f06d5165a3a47803.txt"
    text = source.read_text(encoding="utf-8")
    folder = Path(tempfile.mkdtemp(prefix="faults-"))
    # The complete state, from an import that is allowed to finish.
    (folder / "whole.txt").write_text(text + "\n 对照导入。 \n", encoding="utf-8")
    archive.manage("import_document", str(folder / "whole.txt"), "--symbol", "S/2097/1")
    whole = _state(archive, "S/2097/1")
    rng = random.Random(seed)
    outcomes = {"absent": 0, "whole": 0, "partial": 0}
    for k in range(kills):
        path = folder / f"kill-{k}.txt"
        path.write_text(text + "\n 对照导入。 \n", encoding="utf-8")
        proc = archive.popen_manage("import_document", str(path), "--symbol", f"S/2098/{k + 1}")
        time.sleep(rng.uniform(0.2, 2.5))  # start-up (~1 s: Django, jieba) then parse and write
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = _state(archive, f"S/2098/{k + 1}")
        outcomes["absent" if state is None else "whole" if state == whole else "partial"] += 1
    before = archive.drift()
    repaired = archive.manage("index_drift", "--repair", check=False).stdout
    after = archive.drift()
    return {
        "kills": kills,
        "outcomes": outcomes,
        "drift_before_repair": before.splitlines()[-1] if before else "",
        "repair": repaired.strip().splitlines()[-1] if repaired.strip() else "",
        "consistent_after_repair": "索引与数据库一致" in after,
    }


def _reader_view(archive: Archive) -> dict:
    doc_status, _ = archive.get("/documents/S/2018/1183/")
    para_status, _ = archive.get("/documents/S/2018/1183/p12/")
    query = urllib.parse.quote("维持和平")
    search_status, search_body = archive.get(f"/search/?q={query}")
    api_status, _ = archive.get(f"/api/search/?q={query}")
    return {
        "document_page": doc_status,
        "paragraph_page": para_status,
        "search_page": search_status,
        "search_api": api_status,
        "search_says_unavailable": "暂时" in search_body,
    }


def break_index(archive: Archive, how: str) -> dict:
    healthy = _reader_view(archive)
    if how == "delete":
        shutil.rmtree(archive.index_dir)
    else:
        for f in archive.index_dir.iterdir():
            if f.is_file():
                f.write_bytes(b"\x00garbage\xff" * 64)
    time.sleep(1)
    broken = _reader_view(archive)
    archive.manage("rebuild_index", "--noinput")
    time.sleep(1)
    restored = _reader_view(archive)
    return {"healthy": healthy, "broken": broken, "restored": restored}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kills", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    archive = Archive()
    try:
        killed = kill_imports(archive, args.kills, args.seed)
        archive.start(workers=2)
        deleted = break_index(archive, "delete")
        corrupted = break_index(archive, "corrupt")
    finally:
        archive.stop()

    def row(name: str, r: dict) -> str:
        b = r["broken"]
        return (
            f"| {name} | {b['document_page']} / {b['paragraph_page']} | {b['search_page']} / {b['search_api']} "
            f"| {'yes' if b['search_says_unavailable'] else 'no'} | {r['restored']['search_page']} |"
        )

    o = killed["outcomes"]
    body = f"""
**Import killed mid-way** (SIGKILL at a random moment between 0.2 s and 2.5 s after start, {killed["kills"]}
times, on a copy of S/2018/1183): {o["whole"]} whole, {o["absent"]} absent, **{o["partial"]} partial**.
Index before repair: {killed["drift_before_repair"]}; `index_drift --repair`: {killed["repair"]};
consistent afterwards: {"yes" if killed["consistent_after_repair"] else "NO"}.

**Index broken while gunicorn serves** (HTTP status codes seen by a reader):

| fault | document / paragraph page | search page / search API | says "temporarily unavailable" | search after `rebuild_index` |
|---|---|---|---|---|
{row("index directory deleted", deleted)}
{row("index files overwritten with garbage", corrupted)}
"""
    data = {"kill_imports": killed, "index_deleted": deleted, "index_corrupted": corrupted}
    write_section("faults", "Faults: killed imports, broken index", "python -m bench.faults", body, data)
    print(body)


if __name__ == "__main__":
    main()
