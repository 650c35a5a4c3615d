"""A throwaway archive on loopback for load and fault scripts: private data dir, gunicorn, helpers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench.report import ROOT
from bench.search_rebuild import process_tree

SETTINGS = "config.settings.base"  # DEBUG off, SQLite under the private data dir


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Archive:
    """One data directory with the seeds (and optionally synthetic documents) imported and indexed."""

    def __init__(self, synthetic: int = 0, seed: int = 1, seeds: bool = True) -> None:
        self.data_dir = Path(tempfile.mkdtemp(prefix="archive-ops-"))
        self.env = {**os.environ, "ARCHIVE_DATA_DIR": str(self.data_dir), "DJANGO_SETTINGS_MODULE": SETTINGS}
        self.env.pop("DATABASE_URL", None)
        self.server: subprocess.Popen[bytes] | None = None
        self.port = free_port()
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        if seeds:
            self.manage("import_documents", "fixtures/documents.json")
        if synthetic:
            self.manage("generate_corpus", "--documents", str(synthetic), "--seed", str(seed))
        self.manage("rebuild_index", "--noinput")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "whoosh_index"

    def manage(self, *args: str, check: bool = True, detached: bool = False) -> subprocess.CompletedProcess[str]:
        """Run a management command; ``detached`` runs it in a session of its own, as the admin runs imports."""
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=check,
            text=True,
            capture_output=True,
            start_new_session=detached,
        )

    def popen_manage(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def start(self, workers: int = 4) -> None:
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "config/gunicorn.py",
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--access-logfile",
                "/dev/null",
            ],
            cwd=ROOT,
            env={**self.env, "DJANGO_SETTINGS_MODULE": SETTINGS},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            # Up, and its search warmed: a worker still warming answers 503 "getting ready".
            if self.get("/")[0] == 200 and self.get("/search/?q=%E8%AD%A6%E5%AF%9F")[0] != 503:
                return
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
            self.server.wait(timeout=30)

    def get(self, path: str, timeout: float = 30) -> tuple[int, str]:
        status, _headers, body = self.fetch(path, timeout)
        return status, body.decode("utf-8", "replace")

    def fetch(self, path: str, timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body bytes of one GET; status 0 when the server did not answer."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()
        except OSError:
            return 0, {}, b""

    def workers(self) -> list[int]:
        """The process ids of gunicorn's workers (the children of its master)."""
        return process_tree(self.server.pid)[1:] if self.server else []

    def drift(self) -> str:
        return self.manage("index_drift", check=False).stdout.strip()
