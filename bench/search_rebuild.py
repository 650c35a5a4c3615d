"""``manage.py rebuild_index`` as a user runs it: wall clock from start to exit, and the process tree's memory.

The command runs with the settings ``manage.py`` picks by default (``config.settings.dev``, as
after ``make run``), in a fresh process, so the figure includes Django's and jieba's start-up and
the final commit.  While it runs, the resident memory of the whole process tree (the command and
its forked sub-writers) is sampled: the sum of RSS (pages shared after a fork count once per
process, so this over-counts) and the sum of PSS (shared pages divided among the processes that
share them: what the tree really occupies), and the largest single process.  CPU seconds of the
tree come from the kernel's accounting when it exits: unlike the wall clock, they hardly change
when other work shares the machine.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.report import ROOT

SAMPLE_SECONDS = 0.25


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(x) for x in f.read().split()]
    except OSError:
        pass
    return out


def process_tree(pid: int) -> list[int]:
    todo, seen = [pid], []
    while todo:
        p = todo.pop()
        seen.append(p)
        todo += _children(p)
    return seen


def memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of one process in kB; (0, 0) once it is gone."""
    rss = pss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Rss:"):
                    rss = int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss = int(line.split()[1])
    except OSError:
        pass
    return rss, pss


class TreeSampler(threading.Thread):
    """Peaks of the summed RSS and PSS of a process tree, and of its largest process."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = self.peak_pss = self.peak_single = 0
        self.processes = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_SECONDS):
            pids = process_tree(self.pid)
            sizes = [memory_kb(p) for p in pids]
            self.processes = max(self.processes, len(pids))
            self.peak_rss = max(self.peak_rss, sum(r for r, _p in sizes))
            self.peak_pss = max(self.peak_pss, sum(p for _r, p in sizes))
            self.peak_single = max([self.peak_single, *(r for r, _p in sizes)])


def user_env(data_dir: Path) -> dict[str, str]:
    """The environment of a user who runs the README's commands in this checkout."""
    env = {**os.environ, "ARCHIVE_DATA_DIR": str(data_dir)}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "SEARCH_URL"):
        env.pop(name, None)
    return env


def measure_command(data_dir: Path, *args: str) -> dict[str, Any]:
    """``manage.py ARGS`` in the archive at ``data_dir``: wall clock, CPU and the process tree's peak memory."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=user_env(data_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sampler = TreeSampler(proc.pid)
    sampler.start()
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    stderr = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{stderr[-3000:]}")
    return {
        "wall_s": round(wall, 1),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 1),
        "peak_rss_mb": round(sampler.peak_rss / 1024),
        "peak_pss_mb": round(sampler.peak_pss / 1024),
        "peak_single_mb": round(sampler.peak_single / 1024),
        # The kernel's own high-water mark of the largest process (sampling can miss a short peak).
        "max_rss_kernel_mb": round(usage.ru_maxrss / 1024),
        "processes": sampler.processes,
        "load_average": round(load, 2),
    }


def measure(data_dir: Path) -> dict[str, Any]:
    return measure_command(data_dir, "rebuild_index", "--noinput")
