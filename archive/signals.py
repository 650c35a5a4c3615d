"""Signals other apps (search) listen to; sent only after the database transaction commits."""

from django.dispatch import Signal

# sender=Document class; kwargs: document_ids (list[int]).
documents_changed = Signal()
# sender=Document class; kwargs: paragraph_keys (list[str]) — search ids of removed blocks.
documents_removed = Signal()
