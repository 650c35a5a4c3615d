"""The index drills: imports killed mid-way, the Whoosh index deleted, overwritten, truncated, empty.

1. Kill an import mid-way (SIGKILL at a random moment, repeatedly): the database must hold each
   document wholly or not at all; ``index_drift --repair`` then brings the index back in line.
2. Break the index while gunicorn serves (delete it, garbage over every file, one segment
   truncated, random bytes over one segment): reading pages keep working, search answers
   "temporarily unavailable" (503, never a 500); ``rebuild_index`` restores it.
3. Control characters in a feed query: 200 and XML that parses.
4. An archive with no documents: every search endpoint answers 200 with nothing found.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

from bench.report import ROOT
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
    started = time.perf_counter()
    archive.manage("import_document", str(folder / "whole.txt"), "--symbol", "S/2097/1")
    # Kills land anywhere from start-up (Django, jieba) to past the commit, however long an import
    # takes on this archive and machine, so both "absent" and "whole" are possible outcomes.
    window = (0.2, 1.3 * (time.perf_counter() - started))
    whole = _state(archive, "S/2097/1")
    rng = random.Random(seed)
    outcomes = {"absent": 0, "whole": 0, "partial": 0}
    for k in range(kills):
        path = folder / f"kill-{k}.txt"
        # A line of its own, or the importer would refuse the text as the one S/2097/1 holds.
        path.write_text(text + f"\n 对照导入第 {k + 1} 份。 \n", encoding="utf-8")
        proc = archive.popen_manage("import_document", str(path), "--symbol", f"S/2098/{k + 1}")
        time.sleep(rng.uniform(*window))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = _state(archive, f"S/2098/{k + 1}")
        outcomes["absent" if state is None else "whole" if state == whole else "partial"] += 1
    before = archive.drift()
    repaired = archive.manage("index_drift", "--repair", check=False).stdout
    after = archive.drift()
    return {
        "kills": kills,
        "window_s": [round(w, 1) for w in window],
        "outcomes": outcomes,
        "drift_before_repair": before.splitlines()[-1] if before else "",
        "repair": repaired.strip().splitlines()[-1] if repaired.strip() else "",
        "consistent_after_repair": "索引与数据库一致" in after,
    }


QUERY = urllib.parse.quote("警察")
SEARCHES = {"page": f"/search/?q={QUERY}", "feed": f"/search/feed/?q={QUERY}", "api": f"/api/search/?q={QUERY}"}


def _reader_view(archive: Archive) -> dict:
    doc_status, _ = archive.get("/documents/S/2018/1183/")
    para_status, _ = archive.get("/documents/S/2018/1183/p12/")
    search_status, search_body = archive.get(SEARCHES["page"])
    feed_status, feed = archive.get(SEARCHES["feed"])
    return {
        "document_page": doc_status,
        "paragraph_page": para_status,
        "search_page": search_status,
        "search_feed": feed_status,
        "search_feed_entries": _entries(feed) if feed_status == 200 else None,
        "search_api": archive.get(SEARCHES["api"])[0],
        "search_says_unavailable": "暂时" in search_body,
    }


def _largest_segment(archive: Archive) -> Path:
    return max(archive.index_dir.glob("*.seg"), key=lambda f: f.stat().st_size)


def _damage(archive: Archive, how: str, rng: random.Random) -> str:
    """Break the index as ``how`` says; what was done, for the report."""
    if how == "delete":
        shutil.rmtree(archive.index_dir)
        return "index directory deleted"
    if how == "garbage":
        for f in archive.index_dir.iterdir():
            if f.is_file():
                f.write_bytes(b"\x00garbage\xff" * 64)
        return "every index file overwritten with garbage"
    segment = _largest_segment(archive)
    size = segment.stat().st_size
    if how == "truncate":
        os.truncate(segment, size // 3)
        return f"one segment ({size // 1024} KB) truncated to a third"
    with segment.open("r+b") as f:  # in place: a worker's open mapping sees the bytes change
        f.write(rng.randbytes(size))
    return f"one segment ({size // 1024} KB) overwritten with random bytes"


def break_index(archive: Archive, how: str, seed: int = 1) -> dict:
    healthy = _reader_view(archive)
    fault = _damage(archive, how, random.Random(seed))
    time.sleep(1)
    broken = _reader_view(archive)
    archive.manage("rebuild_index", "--noinput")
    time.sleep(1)
    restored = _reader_view(archive)
    return {"fault": fault, "healthy": healthy, "broken": broken, "restored": restored}


def _entries(feed: str) -> int | None:
    """The entries of an Atom feed; None when it is not well-formed XML."""
    try:
        return len(ET.fromstring(feed.encode("utf-8")).findall("{http://www.w3.org/2005/Atom}entry"))
    except ET.ParseError:
        return None


def control_characters(archive: Archive) -> dict:
    status, body = archive.get(f"/search/feed/?q=%00%01%0b{QUERY}")
    entries = _entries(body)
    return {"status": status, "parses": entries is not None, "entries": entries or 0}


def empty_archive() -> dict:
    """A second archive with no document at all, indexed as the README says, then searched."""
    archive = Archive(seeds=False)
    try:
        archive.start(workers=1)
        answers = {}
        for name, path in SEARCHES.items():
            status, body = archive.get(path)
            if name == "api":
                found = json.loads(body).get("count") if status == 200 else None
            elif name == "feed":
                found = _entries(body) if status == 200 else None
            else:
                found = 0 if "没有找到结果" in body else None
            answers[name] = {"status": status, "found": found}
    finally:
        archive.stop()
        shutil.rmtree(archive.data_dir, ignore_errors=True)
    return answers


def row(r: dict) -> str:
    b = r["broken"]
    feed = (
        b["search_feed"]
        if b["search_feed_entries"] is None
        else f"{b['search_feed']} ({b['search_feed_entries']} entries)"
    )
    return (
        f"| {r['fault']} | {b['document_page']} / {b['paragraph_page']} "
        f"| {b['search_page']} / {feed} / {b['search_api']} "
        f"| {'yes' if b['search_says_unavailable'] else 'no'} | {r['restored']['search_page']} |"
    )
