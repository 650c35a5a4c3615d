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
        # Search caches are warmed per server worker, after the fork (config/gunicorn.py): an index
        # file opened here, in a pre-forking master, would be shared by every worker.
