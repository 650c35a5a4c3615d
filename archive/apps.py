from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = _("文献库")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import page_cache

        # Cached reading pages follow every change, whichever process makes it (see page_cache).
        page_cache.connect()
