"""The address a login attempt comes from, as the outermost trusted proxy saw it (for django-axes).

Behind a load balancer every request arrives from the balancer's address: keyed on that, five
wrong passwords typed anywhere would lock a librarian out everywhere.  With ``TRUSTED_PROXIES = n``
(the proxies in front of the application servers, each appending the address it received the
request from to X-Forwarded-For), the client is the n-th address from the right of that header.
Entries further left were written by the client and are not believed.  With ``n = 0`` (the
default) the header is ignored altogether, since anybody can send one.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    trusted = int(getattr(settings, "TRUSTED_PROXIES", 0) or 0)
    if trusted <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    if len(hops) < trusted:
        return remote  # not through the expected proxies (a health check, a direct request)
    candidate = hops[-trusted]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
