"""A value read from the database and kept per process, refreshed every few seconds or on demand.

The glossary and the table of titles are small, read on many searches and changed rarely: a
change in this process drops the value at once (model signals), other processes read it again
within ``ttl`` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Refreshing(Generic[T]):
    def __init__(self, load: Callable[[], T], ttl: float) -> None:
        self.load = load
        self.ttl = ttl
        self._lock = threading.Lock()
        self._value: tuple[float, T] | None = None

    def get(self) -> T:
        now = time.monotonic()
        cached = self._value
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        value = self.load()
        with self._lock:
            self._value = (now, value)
        return value

    def invalidate(self, *args: Any, **kwargs: Any) -> None:
        """Drop the value (also usable as a signal receiver)."""
        with self._lock:
            self._value = None
