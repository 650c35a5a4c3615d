"""Every request outside the admin sees the archive as readers do (``archive.models.readers_view``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from archive.models import readers_view


def _streamed(chunks: Iterable[bytes]) -> Iterator[bytes]:
    # A streamed answer is produced after the view returns: it must be read as readers see it too.
    with readers_view():
        yield from chunks


class ReadersViewMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(reverse("admin:index")):
            return self.get_response(request)
        with readers_view():
            response = self.get_response(request)
        if response.streaming:
            response.streaming_content = _streamed(response.streaming_content)
        return response
