"""What a drill measures: HTTP answers with the gunicorn workers' peak memory, commands with theirs.

A worker's peak is the kernel's high-water mark (``VmHWM``), reset to its current RSS before the
first request of a URL (``/proc/<pid>/clear_refs``, value 5), so a short spike is seen whole and
an earlier heavy page does not count against a later one.  A command's peak is the largest
``VmHWM`` of its processes, read every 20 ms while it runs (not ``ru_maxrss``: after subprocess's
vfork and exec it starts from the parent's own peak, here this script's, which holds the bomb), with
the process tree's summed RSS sampled beside it (bench/search_rebuild.py) for the commands that fork.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any

from bench.report import ROOT
from bench.search_rebuild import TreeSampler, process_tree
from bench.server import Archive


def _vm_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class WorkerPeak:
    """``with WorkerPeak(archive) as peak: ...`` then ``peak.mb``: the largest worker's peak RSS inside."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.reset = True
        self.before_mb = self.mb = 0

    def __enter__(self) -> WorkerPeak:
        self.before_mb = round(max((_vm_kb(pid, "VmRSS") for pid in self.archive.workers()), default=0) / 1024)
        for pid in self.archive.workers():
            try:
                with open(f"/proc/{pid}/clear_refs", "w") as f:
                    f.write("5")
            except OSError:
                self.reset = False  # then VmHWM is the worker's peak since it started
        return self

    def __exit__(self, *_exc: object) -> None:
        self.mb = round(max((_vm_kb(pid, "VmHWM") for pid in self.archive.workers()), default=0) / 1024)


class HighWater(threading.Thread):
    """The largest ``VmHWM`` among a process tree's processes, until ``stop`` is set."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak_kb, self.stop = pid, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.02):
            self.peak_kb = max([self.peak_kb, *(_vm_kb(p, "VmHWM") for p in process_tree(self.pid))])


def page(archive: Archive, path: str, repeat: int = 5, timeout: float = 120) -> tuple[dict[str, Any], bytes]:
    """``path`` fetched once cold, then ``repeat`` times: status, times, size, the workers' peak RSS."""
    times = []
    with WorkerPeak(archive) as peak:
        for _ in range(1 + repeat):
            started = time.perf_counter()
            status, headers, body = archive.fetch(path, timeout)
            times.append(time.perf_counter() - started)
    return {
        "path": path,
        "status": status,
        "first_ms": round(times[0] * 1000, 1),
        "median_ms": round(statistics.median(times[1:]) * 1000, 1) if repeat else None,
        "bytes": len(body),
        "content_length": headers.get("Content-Length"),
        "worker_rss_before_mb": peak.before_mb,
        "worker_peak_mb": peak.mb,
        "peak_reset": peak.reset,
    }, body


def command(archive: Archive, *args: str) -> dict[str, Any]:
    """``manage.py ARGS`` on ``archive``'s data: exit code, its last line, wall clock and peak memory."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=archive.env, stdout=out, stderr=err)
        samplers = TreeSampler(proc.pid), HighWater(proc.pid)
        for sampler in samplers:
            sampler.start()
        _pid, status, _usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        for sampler in samplers:
            sampler.stop.set()
            sampler.join()
        lines = {}
        for name, stream in (("err", err), ("out", out)):
            stream.seek(0)
            lines[name] = stream.read().decode(errors="replace").strip().splitlines()
    # A refusal is stderr's last line; a success, the command's summary (stdout, else stderr).
    text = lines["err"] if proc.returncode else (lines["out"] or lines["err"])
    return {
        "command": "manage.py " + " ".join(a if len(a) < 60 else a[:20] + f"…({len(a)} chars)" for a in args),
        "exit": proc.returncode,
        "message": text[-1] if text else "",
        "wall_s": round(wall, 2),
        "peak_rss_mb": round(samplers[1].peak_kb / 1024),
        "tree_rss_mb": round(samplers[0].peak_rss / 1024),
        "processes": samplers[0].processes,
    }
