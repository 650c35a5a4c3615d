"""The glossary of abbreviations (全称 ↔ 简称) that search treats as synonyms."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from archive.models import Abbreviation


@admin.register(Abbreviation)
class AbbreviationAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/archive/object_history_list.html"
    list_display = ("full", "short", "source", "is_active")
    list_editable = ("is_active",)
    list_filter = ("is_active",)
    list_select_related = ("source",)
    search_fields = ("full", "short")
    autocomplete_fields = ("source",)
