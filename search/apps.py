import os
import threading

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("检索")

    def ready(self) -> None:
        from . import analyzers, receivers

        # jieba's dictionary (~0.6 s, ~75 MB) and our UN vocabulary load once per process, at
        # start-up, before a pre-forking server forks, rather than inside the first search.
        analyzers.init_jieba()
        receivers.connect()
        if os.environ.get("SEARCH_WARM_UP") == "1":
            # Web processes only (set it in the server's environment): commands need no warm caches.
            from .engine import warm_up

            threading.Thread(target=warm_up, name="search-warm-up", daemon=True).start()
