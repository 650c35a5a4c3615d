"""The masthead of an English UN document, as text extraction renders it::

    United Nations S/2018/1183       the organisation and the symbol (same or next line)
    Security Council Distr.: General the organ and the distribution, on one line or two
    General Assembly Security Council (a joint document names both organs)
    Seventy-seventh session          session and agenda item (General Assembly documents)
    Agenda item 34
    31 December 2018                 the issue date
    Original: English                the language the document was written in
    18-22779 (E) 020119              job number (usually at the foot of the page, see furniture)
    *1822779*

The symbol, date, ``Distr.``, ``Original:`` and job-number lines are read by the shared
:mod:`archive.ingest.masthead`; this module names the English words for the others.
"""

from __future__ import annotations

import re

from ..masthead import _DISTR, MastheadRules

__all__ = ["ENGLISH"]

_ORGANS = r"(?:Security\s+Council|General\s+Assembly|Economic\s+and\s+Social\s+Council)"
_ORDINAL = r"(?:[A-Z][a-z]+(?:-[a-z]+)?|[0-9]{1,3}(?:st|nd|rd|th))"

ENGLISH = MastheadRules(
    organisation=re.compile(r"^United\s+Nations(?:\s+(?P<rest>\S.*))?$"),
    organ=re.compile(rf"^{_ORGANS}(?:\s+{_ORGANS})*(?:\s+(?P<distr>{_DISTR}))?$", re.IGNORECASE),
    language_line=re.compile(r"^(?:English|General|Limited|Restricted)$"),
    session=re.compile(
        rf"^(?:{_ORGANS}\s+)?{_ORDINAL}\s+(?:session|year|special\s+session)$"
        r"|^(?:Provisional\s+)?[Aa]genda\s+items?\s+[0-9]+(?:[\s,and-]+[0-9]+)*(?:\s+\S.{0,60})?$"
    ),
    agenda=re.compile(r"^(?:Provisional\s+)?[Aa]genda\s+items?\s+[0-9]+"),
)
