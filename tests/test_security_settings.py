"""Security settings: headers in every setting; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PROD_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.prod",
    "SECRET_KEY": "k" * 20 + "-Zq8#vN2!pL7@xR4$tB9%yW1^mC6&hJ3",
    "ALLOWED_HOSTS": "archive.example.org",
    "DATABASE_URL": "postgres://archive:archive@127.0.0.1:5432/archive",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # The browser tests' harness variable must not leak into a "deployment".
    base = {k: v for k, v in os.environ.items() if k not in PROD_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "ARCHIVE_DATA_DIR": str(ROOT / "var" / "prod-check"), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_a_missing_variable_stops_start_up_naming_it(missing):
    env = {k: v for k, v in PROD_ENV.items() if k != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"Environment variable {missing} is required" in result.stderr


def test_check_deploy_is_clean_with_the_variables_set():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_security_headers_are_sent_in_every_setting(client, seeds):
    response = client.get("/documents/S/2018/1183/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
