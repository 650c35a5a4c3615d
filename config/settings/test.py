import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import HAYSTACK_CONNECTIONS

# Tests never touch the developer's var/: each run gets its own data directory.
DATA_DIR = Path(os.environ.get("ARCHIVE_TEST_DATA_DIR") or tempfile.mkdtemp(prefix="archive-test-"))
HAYSTACK_CONNECTIONS["default"]["PATH"] = str(DATA_DIR / "whoosh_index")
MEDIA_ROOT = DATA_DIR / "uploads"
STATIC_ROOT = DATA_DIR / "static"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LANGUAGE_CODE = "zh-hans"
# WhiteNoise expects the collected-static directory to exist; tests serve static through finders.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
