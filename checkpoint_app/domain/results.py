"""Format and result codes shared by every verifier (DESIGN.md §5).

The domain returns these codes; the UI maps them to translated text.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class CodeFormat(StrEnum):
    """What kind of text a scanned code is."""

    PHI1 = "PHI1"
    DCC = "DCC"
    ONLINE = "ONLINE"
    ROSTER = "ROSTER"
    UNKNOWN = "UNKNOWN"


class Phi1Result(StrEnum):
    """PHI1.md §5, in checking order."""

    NOT_PHI1 = "NOT_PHI1"
    TOO_LARGE = "TOO_LARGE"
    MALFORMED = "MALFORMED"
    UNSUPPORTED_ALGORITHM = "UNSUPPORTED_ALGORITHM"
    UNKNOWN_KEY = "UNKNOWN_KEY"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    UNSUPPORTED_VERSION = "UNSUPPORTED_VERSION"
    KEY_ISSUER_MISMATCH = "KEY_ISSUER_MISMATCH"
    KEY_NOT_VALID = "KEY_NOT_VALID"
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"
    REVOKED = "REVOKED"
    VALID = "VALID"


class OtherResult(StrEnum):
    """Results for texts that are not an offline-verifiable health code."""

    ONLINE_ONLY = "ONLINE_ONLY"
    ROSTER_ID = "ROSTER_ID"
    NOT_A_HEALTH_CODE = "NOT_A_HEALTH_CODE"


@dataclass(frozen=True, slots=True)
class Verification:
    """The answer to "what is this code and is it genuine?".

    ``claims`` is ``None`` unless the signature verified (DESIGN.md §8: no claim is
    shown or trusted before that); it holds JSON-ready values only.
    """

    format: CodeFormat
    result: str
    claims: dict[str, Any] | None = None
    detail: str = ""

    @property
    def valid(self) -> bool:
        return self.result == "VALID"

    def to_json(self) -> dict[str, Any]:
        """The ``verify`` command's object: exactly format, result and claims."""
        return {"format": str(self.format), "result": str(self.result), "claims": self.claims}
