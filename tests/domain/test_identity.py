"""Traveller keys and personal fields of verified codes."""

from __future__ import annotations

from checkpoint_app.domain.identity import (
    display_fields,
    id_last4,
    personal_fields,
    traveller_key,
)
from checkpoint_app.domain.results import CodeFormat, Verification

PHI1 = Verification(
    CodeFormat.PHI1,
    "VALID",
    {"iss": "110000", "cid": "a" * 26, "nam": "王芳", "idm": "110***********2341", "sts": "green"},
)


def test_phi1_key_is_issuer_and_code_id_whatever_the_refresh() -> None:
    assert traveller_key(PHI1, "PHI1:one refresh") == traveller_key(PHI1, "PHI1:another")
    assert traveller_key(PHI1, "x") == "phi1:110000/" + "a" * 26


def test_unverified_text_keys_by_digest_and_keeps_no_personal_data() -> None:
    forged = Verification(CodeFormat.PHI1, "BAD_SIGNATURE")
    key = traveller_key(forged, "PHI1:forged")
    assert key.startswith("text:") and len(key) == 37
    assert key == traveller_key(forged, "PHI1:forged") != traveller_key(forged, "PHI1:other")
    assert personal_fields(forged) == {}


def test_dcc_key_is_the_certificate_identifier() -> None:
    dcc = Verification(
        CodeFormat.DCC,
        "VALID",
        {"hcert": {"nam": {"fn": "Musterfrau", "gn": "Erika"}, "dob": "1964-08-12",
                   "v": [{"ci": "URN:UVCI:01:DE:ABC#X"}]}},
    )  # fmt: skip
    assert traveller_key(dcc, "HC1:...") == "dcc:URN:UVCI:01:DE:ABC#X"
    assert personal_fields(dcc) == {"name": "Musterfrau Erika", "dob": "1964-08-12"}


def test_personal_fields_masked_for_display_and_last4_for_matching() -> None:
    assert personal_fields(PHI1) == {"name": "王芳", "id_number": "110***********2341"}
    assert display_fields(personal_fields(PHI1)) == {
        "name": "王*",
        "id_number": "110***********2341",
    }
    assert id_last4(PHI1) == "2341"
