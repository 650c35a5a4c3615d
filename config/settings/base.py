"""Settings shared by every environment.  Environment-specific files import from here."""

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# All local state (SQLite database, Whoosh index, uploads, jieba cache) lives here.
DATA_DIR = Path(os.environ.get("ARCHIVE_DATA_DIR", BASE_DIR / "var")).resolve()

SECRET_KEY = "insecure-development-key-do-not-use-in-production"
DEBUG = False
ALLOWED_HOSTS: list[str] = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Before haystack: its rebuild_index is replaced by search's (which commits and says if it failed).
    "search",
    "haystack",
    "simple_history",
    "csp",
    # Rate-limits login attempts (see AXES_* below).
    "axes",
    "archive",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Serves static files with far-future caching in every setting, so prod needs no extra server.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Outside the admin a never-published draft that fills a cited hub is loaded as that hub.
    "archive.middleware.ReadersViewMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username/address is refused before its password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "archive.sqlite3",
        # WAL lets readers run during an import; IMMEDIATE takes the write lock when a transaction
        # starts, so two imports queue for it instead of failing with "database is locked".
        "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20, "transaction_mode": "IMMEDIATE"},
    }
}
if os.environ.get("DATABASE_URL"):
    import dj_database_url

    DATABASES["default"] = dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Security headers, on in every setting (prod adds HSTS and secure cookies).  Nothing is loaded
# from elsewhere and no inline script or style is allowed: the archive renders librarian-pasted
# text, so a policy is the second line of defence behind escaping.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "uploads"
MEDIA_URL = "/media/"


def elasticsearch_connection(url: str) -> dict[str, object]:
    """haystack settings for ``SEARCH_URL=http(s)://[user:password@]host:port/index-name``."""
    parts = urlsplit(url)
    index = parts.path.strip("/")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ImproperlyConfigured(f"SEARCH_URL must be http(s)://host:port/index-name, not {url!r}.")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", index):
        raise ImproperlyConfigured(
            f"SEARCH_URL must end in an Elasticsearch index name (lower case, no '/'), not {index!r}."
        )
    return {
        # jieba-segmenting subclass of haystack's Elasticsearch 7 backend (search/elastic/).
        "ENGINE": "search.elastic.JiebaElasticsearchEngine",
        "URL": urlunsplit((parts.scheme, parts.netloc, "/", "", "")),
        "INDEX_NAME": index,
        # Seconds before a search or an index write gives up (the page then says "unavailable").
        "TIMEOUT": float(os.environ.get("SEARCH_TIMEOUT", "5")),
        # Errors reach our code (503 page, retrying index queue) instead of haystack's log.
        "SILENTLY_FAIL": False,
    }


WHOOSH_CONNECTION = {
    # jieba-segmenting subclass of haystack's Whoosh backend (search/backends.py).
    "ENGINE": "search.backends.JiebaWhooshEngine",
    "PATH": str(DATA_DIR / "whoosh_index"),
    # Objects haystack loads from the database at a time.  A rebuild's batches all go to one bulk
    # session (one segment per core, whatever the batch), so a batch only bounds the memory.
    "BATCH_SIZE": 5000,
}
# Whoosh in the data directory unless SEARCH_URL names an Elasticsearch index (ARCHITECTURE.md).
SEARCH_URL = os.environ.get("SEARCH_URL", "").strip()
HAYSTACK_CONNECTIONS = {
    "default": elasticsearch_connection(SEARCH_URL) if SEARCH_URL else WHOOSH_CONNECTION,
}
# Index writes go through search.indexing's after-commit queue, never haystack's save hooks.
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"
# {% highlight %} with jieba segmentation instead of whitespace splitting.
HAYSTACK_CUSTOM_HIGHLIGHTER = "search.highlight.JiebaHighlighter"
HAYSTACK_LIMIT_TO_REGISTERED_MODELS = False

# Where "official text" links point; {symbol} is the canonical UN symbol.
ARCHIVE_OFFICIAL_URL = os.environ.get("ARCHIVE_OFFICIAL_URL", "https://undocs.org/zh/{symbol}")
# Largest raw text accepted by the importer (bytes).
ARCHIVE_MAX_IMPORT_BYTES = 5 * 1024 * 1024
# Most XML a .docx may inflate to (its main document, relationships and footnotes together): room
# for Word's markup (a few hundred bytes per paragraph and run) around a text near the limit above,
# while a zip bomb is refused having inflated at most this much (tens of milliseconds).
ARCHIVE_MAX_DOCX_XML_BYTES = 4 * ARCHIVE_MAX_IMPORT_BYTES
# /export/archive.jsonl: the file `manage.py export_archive --publish` writes is served whole (with its
# length, so a cut download shows); an archive holding the text of at most this many documents is
# streamed as it is read instead; a larger one without the file answers 503 (one request could not
# finish it in time).
ARCHIVE_EXPORT_FILE = DATA_DIR / "exports" / "archive.jsonl"
# Import commands (and the admin's background folder imports) run at this niceness, so readers are
# served first while librarians import (archive/management/yielding.py); 0 keeps the priority.
ARCHIVE_IMPORT_NICENESS = int(os.environ.get("ARCHIVE_IMPORT_NICENESS", "10"))
ARCHIVE_LIVE_EXPORT_MAX_DOCUMENTS = 1000
ARCHIVE_PAGE_SIZE = 20
# Librarians paste whole documents into the admin (sent as multipart, so not inflated by URL
# encoding): accept a request up to twice the import limit so an over-long text gets the form's
# "文本过长" message rather than Django's bare 400.  Beyond that Django still refuses.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * ARCHIVE_MAX_IMPORT_BYTES
# A long report's change page posts one form per block and footnote (three fields each).
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10000

# Login rate limit (django-axes): 5 failures for the same username from the same address lock
# that pair out for 15 minutes; a successful login clears the count.  Keying on the pair means a
# stranger cannot lock a librarian out from elsewhere (behind proxies: see TRUSTED_PROXIES).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
# Behind load balancers the address is read from X-Forwarded-For, trusting exactly this many
# proxies (config/client_ip.py); 0 believes only the connection's own address.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
