import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import WHOOSH_CONNECTION

# Tests never touch the developer's var/: each run gets its own data directory.
DATA_DIR = Path(os.environ.get("ARCHIVE_TEST_DATA_DIR") or tempfile.mkdtemp(prefix="archive-test-"))
# The suite runs on Whoosh even when SEARCH_URL is set: the Elasticsearch tests
# (tests/test_search_elastic_live.py) make their own connection to a throw-away index.
HAYSTACK_CONNECTIONS = {"default": {**WHOOSH_CONNECTION, "PATH": str(DATA_DIR / "whoosh_index")}}
MEDIA_ROOT = DATA_DIR / "uploads"
STATIC_ROOT = DATA_DIR / "static"
ARCHIVE_EXPORT_FILE = DATA_DIR / "exports" / "archive.jsonl"
# The suite calls import commands in its own process: it must not lower its own priority.
ARCHIVE_IMPORT_NICENESS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "zh-hans"
# WhiteNoise expects the collected-static directory to exist; tests serve static through finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
