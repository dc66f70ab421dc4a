"""Who a scanned code belongs to, without writing down who they are.

Events carry no personal data (DESIGN.md §3), yet every gate must recognise the same
traveller: the one who already entered at gate 2, whose first temperature was high
ten minutes ago. :func:`traveller_key` gives a stable, non-personal key per code:

- a PHI1 code whose signature verified: ``phi1:<iss>/<cid>`` — the health-code id is
  stable across the dynamic refreshes of the QR, and rosters and revocation lists
  refer to it;
- a DCC whose signature verified: ``dcc:<ci>``, the certificate's unique identifier;
- anything else (a forged or unreadable code, an online-only id, a ticket):
  ``text:<first 32 hex of SHA-256 of the text>`` — the same text is the same key;
- a traveller without a phone, found by name or ID suffix on a roster:
  ``roster:<roster id>/<booking id>`` (:func:`roster_key`); one on no roster, by the
  name and ID number the volunteer typed: ``manual:<32 hex of SHA-256>``
  (:func:`manual_key`: the same person typed again is the same key).

:func:`personal_fields` picks what the code says about the person (name, masked
document number, date of birth): it goes to the event's separate personal row, never
into the payload. :func:`display_fields` masks them for the screen.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from checkpoint_app.domain.masking import mask_id_number, mask_name
from checkpoint_app.domain.results import CodeFormat, Verification


def _text_key(text: str) -> str:
    return "text:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]


def _dcc_entry(claims: Mapping[str, Any]) -> Mapping[str, Any] | None:
    hcert = claims.get("hcert")
    if not isinstance(hcert, Mapping):
        return None
    for kind in ("v", "t", "r"):
        entries = hcert.get(kind)
        if isinstance(entries, list) and entries and isinstance(entries[0], Mapping):
            return entries[0]
    return None


def traveller_key(verification: Verification, text: str) -> str:
    """The stable key of the traveller a code belongs to (see the module doc)."""
    claims = verification.claims
    if claims is not None and verification.format is CodeFormat.PHI1:
        cid, iss = claims.get("cid"), claims.get("iss")
        if isinstance(cid, str) and cid:
            return f"phi1:{iss}/{cid}" if isinstance(iss, str) else f"phi1:{cid}"
    if claims is not None and verification.format is CodeFormat.DCC:
        entry = _dcc_entry(claims)
        ci = entry.get("ci") if entry is not None else None
        if isinstance(ci, str) and ci:
            return f"dcc:{ci}"
    return _text_key(text)


def roster_key(roster_id: str, booking_id: str) -> str:
    """The key of a traveller without a phone, found on a roster by name or ID suffix."""
    return f"roster:{roster_id}/{booking_id}"


def manual_key(name: str, id_number: str = "") -> str:
    """The key of a traveller without a phone and on no roster, from what was typed
    (spaces and case do not matter)."""
    typed = " ".join(name.split()) + "|" + "".join(id_number.split()).upper()
    return "manual:" + hashlib.sha256(typed.encode("utf-8")).hexdigest()[:32]


def code_id(verification: Verification) -> str | None:
    """The PHI1 ``cid`` of a code whose signature verified, for roster matching."""
    claims = verification.claims
    if claims is not None and verification.format is CodeFormat.PHI1:
        cid = claims.get("cid")
        return cid if isinstance(cid, str) else None
    return None


def personal_fields(verification: Verification) -> dict[str, str]:
    """The personal data a verified code carries (empty when the signature failed)."""
    claims = verification.claims
    if claims is None:
        return {}
    out: dict[str, str] = {}
    if verification.format is CodeFormat.PHI1:
        if isinstance(claims.get("nam"), str):
            out["name"] = claims["nam"]
        if isinstance(claims.get("idm"), str):
            out["id_number"] = claims["idm"]
    elif verification.format is CodeFormat.DCC:
        hcert = claims.get("hcert")
        if isinstance(hcert, Mapping):
            nam = hcert.get("nam")
            if isinstance(nam, Mapping):
                parts = [nam.get("fn"), nam.get("gn")]
                name = " ".join(p for p in parts if isinstance(p, str) and p)
                if name:
                    out["name"] = name
            if isinstance(hcert.get("dob"), str):
                out["dob"] = hcert["dob"]
    return out


def id_last4(verification: Verification) -> str | None:
    """The last four characters of the (masked) document number, for roster matching."""
    number = personal_fields(verification).get("id_number", "")
    tail = number[-4:]
    return tail.upper() if len(tail) == 4 and "*" not in tail else None


def display_fields(pii: Mapping[str, str]) -> dict[str, str]:
    """The personal fields as the gate screen shows them: masked."""
    out: dict[str, str] = {}
    if pii.get("name"):
        out["name"] = mask_name(pii["name"])
    if pii.get("id_number"):
        out["id_number"] = mask_id_number(pii["id_number"])
    return out
