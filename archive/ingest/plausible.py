"""What a document's metadata may be, checked the same way wherever it is typed.

The admin's forms, the import commands, the folder manifest and the store all ask these
functions, so a value the admin refuses is refused on the command line too, with the same words.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

# The Security Council's first documents date from 1946; the Charter was signed in 1945.
EARLIEST_DATE = dt.date(1945, 6, 26)
# The longest title stored (``Document.title`` and ``TextVersion.title`` are this long).
TITLE_MAX = 500


def date_problem(value: dt.date | None, today: dt.date | None = None) -> str | None:
    """Why a UN document cannot have this date (None if it can): it lies between the Charter and today."""
    if value is None:
        return None
    today = today or timezone.localdate()
    # A day of slack: the date a librarian's calendar shows may already be tomorrow in Beijing.
    if EARLIEST_DATE <= value <= today + dt.timedelta(days=1):
        return None
    return _("日期 %(date)s 不可能：联合国文件的日期应在 1945 年 6 月 26 日到今天（%(today)s）之间。") % {
        "date": value.isoformat(),
        "today": today.isoformat(),
    }


def title_problem(value: str | None) -> str | None:
    """Why this title cannot be stored whole (None if it can)."""
    if value is None or len(value) <= TITLE_MAX:
        return None
    return _("标题太长：%(length)d 个字符，最多 %(max)d 个。") % {"length": len(value), "max": TITLE_MAX}


def metadata_problems(*, date: dt.date | None = None, title: str | None = None) -> list[str]:
    """Every reason the given metadata cannot be stored, in the order a librarian reads them."""
    return [problem for problem in (date_problem(date), title_problem(title)) if problem]
