"""One entry point for every scanned text: classify, then verify offline.

:class:`Verifier` holds the trust material of the offline cache (PHI1 trust list
and revocations, DCC signing certificates, DCC schemas) and answers
:meth:`Verifier.verify` with a :class:`Verification` for any text at all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from checkpoint_app.domain.classify import classify
from checkpoint_app.domain.dcc import DccTrust, verify_dcc
from checkpoint_app.domain.phi1 import verify_phi1
from checkpoint_app.domain.results import CodeFormat, OtherResult, Verification
from checkpoint_app.domain.trust import Revocations, TrustList


@dataclass(frozen=True, slots=True)
class Verifier:
    """Offline verification of any scanned text against the given trust material."""

    trust_list: TrustList = field(default_factory=TrustList.empty)
    revocations: Revocations = field(default_factory=Revocations.empty)
    dcc_trust: DccTrust = field(default_factory=DccTrust)
    dcc_schemas: Mapping[str, Any] = field(default_factory=dict)

    def verify(self, text: str, now: int) -> Verification:
        """Classify ``text`` and verify it at time ``now`` (epoch seconds)."""
        kind = classify(text)
        if kind.format is CodeFormat.PHI1:
            return verify_phi1(text, self.trust_list, self.revocations, now).to_verification()
        if kind.format is CodeFormat.DCC:
            return verify_dcc(text, self.dcc_trust, self.dcc_schemas, now)
        if kind.format is CodeFormat.ROSTER:
            return Verification(CodeFormat.ROSTER, OtherResult.ROSTER_ID)
        if kind.format is CodeFormat.ONLINE:
            return Verification(CodeFormat.ONLINE, OtherResult.ONLINE_ONLY)
        return Verification(CodeFormat.UNKNOWN, OtherResult.NOT_A_HEALTH_CODE)
