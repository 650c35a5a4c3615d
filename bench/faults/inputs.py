"""The input drills: hostile Word files and out-of-range metadata given to ``import_document``.

The Word files are the ones the tests build (tests/test_docx_hostile.py), the bomb made to inflate
to ``--bomb-mb`` megabytes.  Each command runs in a fresh process on the served archive's data;
the baselines are ``manage.py check`` and the import of a small, well-formed .docx.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from bench.faults.measure import command
from bench.server import SETTINGS, Archive

LETTER = "2024 年 3 月 1 日给安全理事会主席的信\n\n第一段正文，为基准测试编写。\n"
INVALID = {
    "date before the Charter": ["--date", "1800-01-01"],
    "date in the future": ["--date", "2999-12-31"],
    "title of 600 characters": ["--title", "标" * 600],
}


def _word_files(folder: Path, bomb_mb: int) -> dict[str, Path]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    django.setup()  # the test module imports the models
    from tests.test_docx_hostile import HOSTILE, PARAGRAPH, bomb, document, lying_bomb, word

    files = {
        "well-formed letter (baseline)": word(document(PARAGRAPH)),
        f"bomb inflating to {bomb_mb} MB": bomb(bomb_mb),
        f"bomb inflating to {bomb_mb} MB, header says 1 MB": lying_bomb(bomb_mb, declared=1024 * 1024),
        "broken XML": HOSTILE["broken-xml"][0],
        "billion laughs": HOSTILE["billion-laughs"][0],
        "no body": HOSTILE["no-body"][0],
    }
    paths = {}
    for n, (label, data) in enumerate(files.items()):
        paths[label] = folder / f"{n}.docx"
        paths[label].write_bytes(data)
    return paths


def word_files(archive: Archive, bomb_mb: int) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="faults-docx-"))
    rows = []
    for label, path in _word_files(folder, bomb_mb).items():
        symbol = ["--symbol", "S/2096/1"] if "baseline" in label else []
        rows.append(
            {"file": label, "bytes": path.stat().st_size, **command(archive, "import_document", str(path), *symbol)}
        )
    return {"check": command(archive, "check"), "imports": rows}


def validation(archive: Archive) -> list[dict[str, Any]]:
    path = Path(tempfile.mkdtemp(prefix="faults-meta-")) / "letter.txt"
    path.write_text(LETTER, encoding="utf-8")
    return [{"case": label, **command(archive, "import_document", str(path), *args)} for label, args in INVALID.items()]
