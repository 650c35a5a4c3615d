"""Write benchmark figures to bench/out/<name>.json and to a named section of BENCHMARKS.md."""

from __future__ import annotations

import json
import platform
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MARKDOWN = ROOT / "BENCHMARKS.md"
HEADER = """# Benchmarks

Figures measured on the project's 2-core machine. Every section names the command that produced
it and a baseline measured in the same run (these machines are noisy: compare ratios, not raw
times across runs). Regenerate all with `make bench`.
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 0.5), 2),
        "p95_ms": round(percentile(ms, 0.95), 2),
        "mean_ms": round(statistics.fmean(ms), 2),
    }


def write_section(name: str, title: str, command: str, body: str, data: dict[str, Any]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    data = {"name": name, "measured_at": stamp, "command": command, "machine": platform.node(), **data}
    (OUT / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    section = (
        f"<!-- bench:{name} -->\n## {title}\n\nCommand: `{command}` — measured {stamp}\n\n"
        f"{body.strip()}\n<!-- /bench:{name} -->"
    )
    text = MARKDOWN.read_text(encoding="utf-8") if MARKDOWN.exists() else HEADER
    pattern = re.compile(rf"<!-- bench:{re.escape(name)} -->.*?<!-- /bench:{re.escape(name)} -->", re.S)
    text = pattern.sub(lambda _m: section, text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    MARKDOWN.write_text(text, encoding="utf-8")
