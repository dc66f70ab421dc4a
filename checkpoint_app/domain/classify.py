"""What kind of text a scanned code is (DESIGN.md §5 ``format``).

Shapes recognised here, documented for operators in ``docs/code-formats.md``:

* ``PHI1:`` … – the offline-verifiable health code (``shared/formats/PHI1.md``).
* ``HC1:`` … – an EU Digital COVID Certificate.
* Roster tickets and booking ids (``ROSTER``): ``TKT1:<roster-id>/<booking-id>``
  as printed on tickets issued for a bus or collection-point roster, or a bare
  booking id of 2–4 upper-case letters, an optional hyphen and 6–12 digits
  (``HD-20260412``, ``BUS12345678``).
* Codes only checkable online (``ONLINE``): an ``http``/``https`` URL, a bare
  health-code id (26 lower-case base32 characters, the ``cid`` of PHI1.md), or a UUID.
* Anything else is ``UNKNOWN`` – not a health code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from checkpoint_app.domain.results import CodeFormat

PHI1_PREFIX: Final = "PHI1:"
DCC_PREFIX: Final = "HC1:"
TICKET_PREFIX: Final = "TKT1:"
MAX_URL_CHARS: Final = 2048

_ROSTER_ID = r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}"
_TICKET = re.compile(rf"TKT1:(?P<roster>{_ROSTER_ID})/(?P<booking>[A-Z0-9][A-Z0-9-]{{3,39}})\Z")
_BOOKING = re.compile(r"(?P<booking>[A-Z]{2,4}-?[0-9]{6,12})\Z")
_URL = re.compile(r"https?://[^\s/?#]+[^\s]*\Z", re.IGNORECASE)
_CID = re.compile(r"[a-z2-7]{26}\Z")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


@dataclass(frozen=True, slots=True)
class Classified:
    """A code's format and, for roster and online codes, the identifier it carries."""

    format: CodeFormat
    roster_id: str | None = None
    booking_id: str | None = None
    online_ref: str | None = None


def classify(text: str) -> Classified:
    """Classify a decoded QR text (already stripped of the line end)."""
    if text.startswith(PHI1_PREFIX):
        return Classified(CodeFormat.PHI1)
    if text.startswith(DCC_PREFIX):
        return Classified(CodeFormat.DCC)
    if len(text) > MAX_URL_CHARS:
        return Classified(CodeFormat.UNKNOWN)
    stripped = text.strip()
    if match := _TICKET.match(stripped):
        return Classified(CodeFormat.ROSTER, roster_id=match["roster"], booking_id=match["booking"])
    if match := _BOOKING.match(stripped):
        return Classified(CodeFormat.ROSTER, booking_id=match["booking"])
    if _URL.match(stripped) or _CID.match(stripped) or _UUID.match(stripped):
        return Classified(CodeFormat.ONLINE, online_ref=stripped)
    return Classified(CodeFormat.UNKNOWN)
