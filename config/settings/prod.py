"""Production: every secret and host comes from the environment, and a missing one stops start-up.

Required: SECRET_KEY, ALLOWED_HOSTS (comma-separated), DATABASE_URL (PostgreSQL).
Optional: ARCHIVE_DATA_DIR (Whoosh index, uploads, collected static files), SEARCH_URL (Elasticsearch
instead of Whoosh), TRUSTED_PROXIES (load balancers in front), SECURE_SSL_REDIRECT=0 when TLS ends at
a proxy that already redirects, CSRF_TRUSTED_ORIGINS.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def require_env(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"Environment variable {name} is required in production settings.")
    return value


DEBUG = False
SECRET_KEY = require_env("SECRET_KEY")
ALLOWED_HOSTS = [h.strip() for h in require_env("ALLOWED_HOSTS").split(",") if h.strip()]
if not require_env("DATABASE_URL").startswith(("postgres://", "postgresql://")):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL in production.")
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
# TLS usually ends at the load balancer; it must set X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# Hashed, compressed static files: pages can be cached forever and never serve a stale stylesheet.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
