from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint_app.domain.admission import (
    READING_MAX_AGE_S,
    RESULT_VERDICTS,
    Action,
    Decision,
    DecisionWarning,
    Reason,
    decide,
    journey_transition,
)
from checkpoint_app.domain.dcc import DccResult
from checkpoint_app.domain.journey import (
    Journey,
    JourneyEvent,
    JourneyState,
    Stamp,
    Transition,
    apply,
)
from checkpoint_app.domain.results import CodeFormat, OtherResult, Phi1Result, Verification
from checkpoint_app.domain.rules import (
    DEFAULT_RULES,
    CheckpointRules,
    DccPolicy,
    ReentryPolicy,
    ReferOrDeny,
)
from checkpoint_app.domain.temperature import Reading, Temperature, TemperatureUnit

NOW = 1_800_000_000
H = 3600
FRESH = H  # trust material fetched an hour ago
A, R = Action, Reason
WARN, MISSING = DecisionWarning.TRUST_STALE_WARN, DecisionWarning.TRUST_MISSING
CLAIM_RESULTS = {"KEY_ISSUER_MISMATCH", "KEY_NOT_VALID", "NOT_YET_VALID", "EXPIRED", "REVOKED", "VALID"}  # fmt: skip


def phi1(result: str = "VALID", sts: str = "green", **nat: Any) -> Verification:
    claims: dict[str, Any] | None = None
    if result in CLAIM_RESULTS:
        claims = {"v": 1, "iss": "420000", "cid": "t5aokqlaqrrbi22d7h3o42m3zq", "sts": sts}
        if nat:
            claims["nat"] = {"res": nat["res"], "at": nat["at"]}
    return Verification(CodeFormat.PHI1, result, claims)


def dcc(result: str = "VALID", kind: str = "v", **test: Any) -> Verification:
    entry: dict[str, Any] = {"tg": "840539006", "ci": "URN:UVCI:01:XX:1"}
    if kind == "t":
        entry.update(tt=test.get("tt", "LP6464-4"), tr=test.get("tr", "260415000"))
        entry["sc"] = test.get("sc", "2027-01-15T06:00:00Z")
    hcert = {"ver": "1.3.0", "nam": {"fnt": "MUSTER"}, "dob": "1990-01-01", kind: [entry]}
    claims = {"iss": "AT", "iat": NOW - 86400, "exp": NOW + 86400, "hcert": hcert}
    no_claims = result in {"MALFORMED", "TOO_LARGE", "UNKNOWN_KEY", "BAD_SIGNATURE"}
    return Verification(CodeFormat.DCC, result, None if no_claims else claims)


ONLINE = Verification(CodeFormat.ONLINE, OtherResult.ONLINE_ONLY)
ROSTER = Verification(CodeFormat.ROSTER, OtherResult.ROSTER_ID)
UNKNOWN = Verification(CodeFormat.UNKNOWN, OtherResult.NOT_A_HEALTH_CODE)


def reading(celsius: float, ago: int = 0) -> Reading:
    return Reading(Temperature.of(celsius), NOW - ago)


def journey(*transitions: Transition) -> Journey:
    j = Journey()
    for i, t in enumerate(transitions):
        reason = "checked" if t is Transition.MARK_ABSENT else None
        j = apply(j, JourneyEvent(t, NOW - 3000 + i, "pc-2", i, "gate 2", "王芳", reason))
    return j


ENTERED = journey(Transition.ENTER)
ENTRY = Stamp(NOW - 3000, "gate 2", "pc-2", "王芳")


@dataclass
class Case:
    verification: Verification
    action: Action
    reason: Reason
    readings: list[Reading] = field(default_factory=list)
    journey: Journey | None = None
    trust: int | None = FRESH
    revocations: int | None = FRESH
    rules: CheckpointRules = DEFAULT_RULES
    warnings: tuple[DecisionWarning, ...] = ()
    needs_temperature: bool = False
    provisional: bool = False
    entered: bool = False

    def decide(self) -> Decision:
        return decide(
            self.verification,
            readings=self.readings,
            journey=self.journey,
            trust_list_age_s=self.trust,
            revocations_age_s=self.revocations,
            rules=self.rules,
            now=NOW,
        )


def rules(**changes: Any) -> CheckpointRules:
    return CheckpointRules(**changes)


NORMAL = [reading(36.6)]
FEVER1 = [reading(37.3)]
FEVER2 = [reading(37.4, 300), reading(37.3)]

CASES: dict[str, Case] = {
    # --- the code itself (PHI1.md §6) --------------------------------------------------
    "unknown format": Case(UNKNOWN, A.NOT_A_CODE, R.NOT_A_HEALTH_CODE),
    "roster ticket": Case(ROSTER, A.NOT_A_CODE, R.ROSTER_TICKET, NORMAL),
    "NOT_PHI1": Case(phi1("NOT_PHI1"), A.NOT_A_CODE, R.NOT_A_HEALTH_CODE),
    "MALFORMED": Case(phi1("MALFORMED"), A.NOT_A_CODE, R.MALFORMED_CODE, NORMAL),
    "TOO_LARGE": Case(phi1("TOO_LARGE"), A.NOT_A_CODE, R.MALFORMED_CODE),
    "UNSUPPORTED_ALGORITHM": Case(phi1("UNSUPPORTED_ALGORITHM"), A.UNSUPPORTED, R.UNSUPPORTED_ALGORITHM),
    "UNSUPPORTED_VERSION": Case(phi1("UNSUPPORTED_VERSION"), A.UNSUPPORTED, R.UNSUPPORTED_VERSION, NORMAL),
    "UNKNOWN_KEY": Case(phi1("UNKNOWN_KEY"), A.DENY, R.UNKNOWN_ISSUER, NORMAL),
    "BAD_SIGNATURE": Case(phi1("BAD_SIGNATURE"), A.DENY, R.FORGED, NORMAL),
    "KEY_ISSUER_MISMATCH": Case(phi1("KEY_ISSUER_MISMATCH"), A.DENY, R.KEY_PROBLEM, NORMAL),
    "KEY_NOT_VALID": Case(phi1("KEY_NOT_VALID"), A.DENY, R.KEY_PROBLEM),
    "REVOKED": Case(phi1("REVOKED"), A.DENY, R.REVOKED, NORMAL),
    "EXPIRED": Case(phi1("EXPIRED"), A.REFRESH, R.EXPIRED_CODE, NORMAL),
    "NOT_YET_VALID": Case(phi1("NOT_YET_VALID"), A.REFRESH, R.NOT_YET_VALID, NORMAL),
    "EXPIRED red: refresh, the colour is not current": Case(phi1("EXPIRED", "red"), A.REFRESH, R.EXPIRED_CODE),
    "REVOKED with stale material": Case(phi1("REVOKED"), A.DENY, R.REVOKED, NORMAL, trust=None, revocations=None, warnings=(MISSING,)),
    "BAD_SIGNATURE with stale trust list": Case(phi1("BAD_SIGNATURE"), A.DENY, R.FORGED, trust=80 * H, warnings=(WARN,)),
    # --- red dominates -----------------------------------------------------------------
    "red": Case(phi1(sts="red"), A.DENY, R.RED_CODE),
    "red normal": Case(phi1(sts="red"), A.DENY, R.RED_CODE, NORMAL),
    "red fever": Case(phi1(sts="red"), A.DENY, R.RED_CODE, FEVER2),
    "red stale": Case(phi1(sts="red"), A.DENY, R.RED_CODE, NORMAL, trust=None, warnings=(MISSING,)),
    "red entered": Case(phi1(sts="red"), A.DENY, R.RED_CODE, NORMAL, ENTERED, entered=True),
    "red reentry allowed": Case(phi1(sts="red"), A.DENY, R.RED_CODE, NORMAL, rules=rules(dcc=DccPolicy.ADMIT, reentry=ReentryPolicy.ALLOW)),
    # --- green and the two readings --------------------------------------------------------
    "green, no reading yet": Case(phi1(), A.REMEASURE, R.NO_TEMPERATURE, needs_temperature=True),
    "green 36.6": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL),
    "green 37.2": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, [reading(37.2)]),
    "green 37.3 first reading": Case(phi1(), A.REMEASURE, R.FEVER_FIRST_READING, FEVER1),
    "green 39 first reading": Case(phi1(), A.REMEASURE, R.FEVER_FIRST_READING, [reading(39.0)]),
    "second reading 37.3": Case(phi1(), A.REFER, R.FEVER_CONFIRMED, FEVER2),
    "second reading exactly 600 s later": Case(phi1(), A.REFER, R.FEVER_CONFIRMED, [reading(37.5, 600), reading(37.3)]),
    "second reading 601 s later is a first": Case(phi1(), A.REMEASURE, R.FEVER_FIRST_READING, [reading(37.5, 601), reading(38.0)]),
    "normal second reading admits": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, [reading(37.6, 120), reading(36.8)]),
    "37.2 after a fever is normal": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, [reading(37.3, 60), reading(37.2)]),
    # two readings in the same second: the one taken later (listed later) is the newest
    "same second, normal taken last": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, [reading(37.3), reading(35.5)]),
    "same second, fever taken last": Case(phi1(), A.REFER, R.FEVER_CONFIRMED, [reading(35.5), reading(37.3), reading(37.4)]),
    "a normal reading does not reset": Case(phi1(), A.REFER, R.FEVER_CONFIRMED, [reading(37.5, 200), reading(36.9, 100), reading(37.4)]),
    "fevers keep coming": Case(phi1(), A.REFER, R.FEVER_CONFIRMED, [reading(37.5, 1000), reading(37.6, 500), reading(37.4)]),
    "readings out of order": Case(phi1(), A.REMEASURE, R.FEVER_FIRST_READING, [reading(38.0), reading(36.5, 120)]),
    "only normal readings before": Case(phi1(), A.REMEASURE, R.FEVER_FIRST_READING, [reading(36.5, 100), reading(37.3)]),
    "reading exactly 600 s old": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, [reading(36.6, READING_MAX_AGE_S)]),
    "reading 601 s old is not current": Case(phi1(), A.REMEASURE, R.NO_TEMPERATURE, [reading(36.6, 601)], needs_temperature=True),
    "old fever readings only": Case(phi1(), A.REMEASURE, R.NO_TEMPERATURE, [reading(38.0, 700), reading(38.1, 650)], needs_temperature=True),
    "Fahrenheit reading": Case(phi1(), A.REMEASURE, R.FEVER_FIRST_READING, [Reading(Temperature.of(37.3), NOW)], rules=rules(temperature_unit=TemperatureUnit.FAHRENHEIT)),
    # --- yellow ----------------------------------------------------------------------------
    "yellow": Case(phi1(sts="yellow"), A.REFER, R.YELLOW_CODE),
    "yellow normal": Case(phi1(sts="yellow"), A.REFER, R.YELLOW_CODE, NORMAL),
    "yellow beats a first fever reading": Case(phi1(sts="yellow"), A.REFER, R.YELLOW_CODE, FEVER1),
    "yellow before a confirmed fever": Case(phi1(sts="yellow"), A.REFER, R.YELLOW_CODE, FEVER2),
    "rules.yellow=deny": Case(phi1(sts="yellow"), A.DENY, R.YELLOW_CODE, NORMAL, rules=rules(yellow=ReferOrDeny.DENY)),
    "rules.yellow=deny beats a fever": Case(phi1(sts="yellow"), A.DENY, R.YELLOW_CODE, FEVER2, rules=rules(yellow=ReferOrDeny.DENY)),
    # --- tightened temperature rules ---------------------------------------------------------
    "threshold 37.0: 37.0 is a fever": Case(phi1(), A.REMEASURE, R.FEVER_FIRST_READING, [reading(37.0)], rules=rules(fever_threshold_c=37.0)),
    "threshold 37.0: 36.9 admits": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, [reading(36.9)], rules=rules(fever_threshold_c=37.0)),
    "window 900: 900 s is second": Case(phi1(), A.REFER, R.FEVER_CONFIRMED, [reading(37.5, 900), reading(37.3)], rules=rules(remeasure_window_s=900)),
    "window 900: 901 s is first": Case(phi1(), A.REMEASURE, R.FEVER_FIRST_READING, [reading(37.5, 901), reading(37.3)], rules=rules(remeasure_window_s=900)),
    # --- nucleic-acid tests ------------------------------------------------------------------
    "nat positive": Case(phi1(res="pos", at=NOW - H), A.REFER, R.NAT_POSITIVE, NORMAL),
    "nat positive, rules deny": Case(phi1(res="pos", at=NOW - H), A.DENY, R.NAT_POSITIVE, NORMAL, rules=rules(nat_positive=ReferOrDeny.DENY)),
    "nat positive and yellow": Case(phi1("VALID", "yellow", res="pos", at=NOW), A.REFER, R.NAT_POSITIVE),
    "nat positive refer, yellow deny": Case(phi1("VALID", "yellow", res="pos", at=NOW), A.DENY, R.YELLOW_CODE, rules=rules(yellow=ReferOrDeny.DENY)),
    "nat positive before fever": Case(phi1(res="pos", at=NOW), A.REFER, R.NAT_POSITIVE, FEVER2),
    "nat negative, not required": Case(phi1(res="neg", at=NOW - 900 * H), A.ADMIT, R.GREEN_NO_FEVER, NORMAL),
    "no nat, not required": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL),
    "nat required, none": Case(phi1(), A.REFER, R.NAT_REQUIRED, NORMAL, rules=rules(nat_required_within_h=48)),
    "nat required, exactly 48 h": Case(phi1(res="neg", at=NOW - 48 * H), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, rules=rules(nat_required_within_h=48)),
    "nat required, 48 h + 1 s": Case(phi1(res="neg", at=NOW - 48 * H - 1), A.REFER, R.NAT_REQUIRED, NORMAL, rules=rules(nat_required_within_h=48)),
    "nat required, positive": Case(phi1(res="pos", at=NOW), A.REFER, R.NAT_POSITIVE, NORMAL, rules=rules(nat_required_within_h=48)),
    "nat required, no reading": Case(phi1(), A.REFER, R.NAT_REQUIRED, rules=rules(nat_required_within_h=48)),
    "nat required beats a first fever": Case(phi1(), A.REFER, R.NAT_REQUIRED, FEVER1, rules=rules(nat_required_within_h=48)),
    # --- EU DCC ----------------------------------------------------------------------------
    "DCC": Case(dcc(), A.REFER, R.DCC_IDENTITY_CHECK),
    "DCC normal": Case(dcc(), A.REFER, R.DCC_IDENTITY_CHECK, NORMAL),
    "DCC second fever reading": Case(dcc(), A.REFER, R.FEVER_CONFIRMED, FEVER2),
    "DCC first fever reading": Case(dcc(), A.REFER, R.DCC_IDENTITY_CHECK, FEVER1),
    "DCC admitted by rules": Case(dcc(), A.ADMIT, R.DCC_NO_FEVER, NORMAL, rules=rules(dcc=DccPolicy.ADMIT)),
    "DCC admitted by rules, no reading": Case(dcc(), A.REMEASURE, R.NO_TEMPERATURE, rules=rules(dcc=DccPolicy.ADMIT), needs_temperature=True),
    "DCC admitted by rules, fever": Case(dcc(), A.REMEASURE, R.FEVER_FIRST_READING, FEVER1, rules=rules(dcc=DccPolicy.ADMIT)),
    "DCC: PHI1 revocations do not count": Case(dcc(), A.ADMIT, R.DCC_NO_FEVER, NORMAL, revocations=None, rules=rules(dcc=DccPolicy.ADMIT)),
    "DCC: stale signer list": Case(dcc(), A.REFER, R.TRUST_STALE_REFER, NORMAL, trust=72 * H + 1, rules=rules(dcc=DccPolicy.ADMIT), warnings=(WARN,), provisional=True),
    "DCC positive NAAT": Case(dcc(kind="t", tr="260373001"), A.REFER, R.NAT_POSITIVE, NORMAL, rules=rules(dcc=DccPolicy.ADMIT)),
    "DCC negative NAAT meets nat rule": Case(dcc(kind="t", sc="2027-01-14T08:00:00+00:00"), A.ADMIT, R.DCC_NO_FEVER, NORMAL, rules=rules(dcc=DccPolicy.ADMIT, nat_required_within_h=24)),
    "DCC negative NAAT too old": Case(dcc(kind="t", sc="2027-01-14T07:59:59Z"), A.REFER, R.NAT_REQUIRED, NORMAL, rules=rules(dcc=DccPolicy.ADMIT, nat_required_within_h=24)),
    "DCC antigen test is not a NAT": Case(dcc(kind="t", tt="LP217198-3"), A.REFER, R.NAT_REQUIRED, NORMAL, rules=rules(dcc=DccPolicy.ADMIT, nat_required_within_h=24)),
    "DCC antigen positive is not a NAT": Case(dcc(kind="t", tt="LP217198-3", tr="260373001"), A.ADMIT, R.DCC_NO_FEVER, NORMAL, rules=rules(dcc=DccPolicy.ADMIT)),
    "DCC test with a bad sample time": Case(dcc(kind="t", sc="yesterday"), A.REFER, R.NAT_REQUIRED, NORMAL, rules=rules(dcc=DccPolicy.ADMIT, nat_required_within_h=24)),
    "DCC vaccination and nat rule": Case(dcc(), A.REFER, R.NAT_REQUIRED, NORMAL, rules=rules(dcc=DccPolicy.ADMIT, nat_required_within_h=24)),
    "DCC CERT_NOT_VALID": Case(dcc("CERT_NOT_VALID"), A.DENY, R.KEY_PROBLEM, NORMAL),
    "DCC KEY_USAGE_MISMATCH": Case(dcc("KEY_USAGE_MISMATCH"), A.DENY, R.KEY_PROBLEM),
    "DCC CLAIMS_INVALID": Case(dcc("CLAIMS_INVALID"), A.NOT_A_CODE, R.MALFORMED_CODE),
    "DCC SCHEMA_INVALID": Case(dcc("SCHEMA_INVALID"), A.NOT_A_CODE, R.MALFORMED_CODE),
    "DCC EXPIRED": Case(dcc("EXPIRED"), A.REFRESH, R.EXPIRED_CODE, NORMAL),
    "DCC UNKNOWN_KEY": Case(dcc("UNKNOWN_KEY"), A.DENY, R.UNKNOWN_ISSUER, revocations=None),
    "DCC UNKNOWN_KEY, no signer list": Case(dcc("UNKNOWN_KEY"), A.REFER, R.TRUST_STALE_REFER, NORMAL, trust=None, warnings=(MISSING,), provisional=True),
    # --- stale trust material ----------------------------------------------------------------
    "trust list exactly 24 h": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, trust=24 * H),
    "trust list 24 h + 1 s": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, trust=24 * H + 1, warnings=(WARN,)),
    "revocations 24 h + 1 s": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, revocations=24 * H + 1, warnings=(WARN,)),
    "trust list exactly 72 h": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, trust=72 * H, warnings=(WARN,)),
    "trust list 72 h + 1 s": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, NORMAL, trust=72 * H + 1, warnings=(WARN,), provisional=True),
    "revocations 72 h + 1 s": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, NORMAL, revocations=72 * H + 1, warnings=(WARN,), provisional=True),
    "revocations never fetched": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, NORMAL, revocations=None, warnings=(MISSING,), provisional=True),
    "nothing ever fetched": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, NORMAL, trust=None, revocations=None, warnings=(MISSING,), provisional=True),
    "missing and stale": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, NORMAL, trust=None, revocations=30 * H, warnings=(MISSING, WARN), provisional=True),
    "fetched after the verification clock": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, trust=-5 * H, revocations=-5 * H),
    "stale, no reading yet": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, trust=80 * H, warnings=(WARN,), needs_temperature=True),
    "stale, first fever: remeasure first": Case(phi1(), A.REMEASURE, R.FEVER_FIRST_READING, FEVER1, trust=80 * H, warnings=(WARN,)),
    "stale, second fever": Case(phi1(), A.REFER, R.FEVER_CONFIRMED, FEVER2, trust=80 * H, warnings=(WARN,)),
    "stale, yellow": Case(phi1(sts="yellow"), A.REFER, R.YELLOW_CODE, NORMAL, trust=80 * H, warnings=(WARN,)),
    "stale, no provisional admission": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, NORMAL, trust=80 * H, rules=rules(provisional_admission=False), warnings=(WARN,)),
    "stale, no provisional, first fever": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, FEVER1, trust=80 * H, rules=rules(provisional_admission=False), warnings=(WARN,)),
    "stale by tightened rules": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, NORMAL, trust=2 * H + 1, rules=rules(trust_warn_after_h=1, trust_refer_after_h=2), warnings=(WARN,), provisional=True),
    "warned by tightened rules": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, trust=2 * H, rules=rules(trust_warn_after_h=1, trust_refer_after_h=2), warnings=(WARN,)),
    "UNKNOWN_KEY, trust list exactly 72 h": Case(phi1("UNKNOWN_KEY"), A.DENY, R.UNKNOWN_ISSUER, trust=72 * H, warnings=(WARN,)),
    "UNKNOWN_KEY, trust list 72 h + 1 s": Case(phi1("UNKNOWN_KEY"), A.REFER, R.TRUST_STALE_REFER, NORMAL, trust=72 * H + 1, warnings=(WARN,), provisional=True),
    "UNKNOWN_KEY, no trust list, no reading": Case(phi1("UNKNOWN_KEY"), A.REFER, R.TRUST_STALE_REFER, trust=None, warnings=(MISSING,), needs_temperature=True),
    "UNKNOWN_KEY, only revocations stale": Case(phi1("UNKNOWN_KEY"), A.DENY, R.UNKNOWN_ISSUER, NORMAL, revocations=None, warnings=(MISSING,)),
    # --- online-only codes ---------------------------------------------------------------------
    "online, no reading": Case(ONLINE, A.REFER, R.ONLINE_ONLY_CODE, trust=None, revocations=None, needs_temperature=True),
    "online, normal": Case(ONLINE, A.REFER, R.ONLINE_ONLY_CODE, NORMAL, provisional=True),
    "online, first fever": Case(ONLINE, A.REMEASURE, R.FEVER_FIRST_READING, FEVER1),
    "online, second fever": Case(ONLINE, A.REFER, R.FEVER_CONFIRMED, FEVER2),
    "online, no provisional admission": Case(ONLINE, A.REFER, R.ONLINE_ONLY_CODE, NORMAL, rules=rules(provisional_admission=False)),
    "online, entered": Case(ONLINE, A.DENY, R.ALREADY_ENTERED, NORMAL, ENTERED, entered=True),
    "online, provisional already": Case(ONLINE, A.REFER, R.ONLINE_ONLY_CODE, NORMAL, journey(Transition.PROVISIONAL_ADMIT)),
    # --- the journey -------------------------------------------------------------------------------
    "entered": Case(phi1(), A.DENY, R.ALREADY_ENTERED, NORMAL, ENTERED, entered=True),
    "entered, no reading needed": Case(phi1(), A.DENY, R.ALREADY_ENTERED, [], ENTERED, entered=True),
    "entered, yellow": Case(phi1(sts="yellow"), A.DENY, R.ALREADY_ENTERED, NORMAL, ENTERED, entered=True),
    "entered, fever": Case(phi1(), A.DENY, R.ALREADY_ENTERED, FEVER2, ENTERED, entered=True),
    "entered, expired code": Case(phi1("EXPIRED"), A.REFRESH, R.EXPIRED_CODE, NORMAL, ENTERED, entered=True),
    "entered then handed over": Case(phi1(), A.DENY, R.ALREADY_ENTERED, NORMAL, journey(Transition.ENTER, Transition.HAND_OVER), entered=True),
    "entered, reentry allowed": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, ENTERED, rules=rules(reentry=ReentryPolicy.ALLOW), entered=True),
    "entered, reentry allowed, yellow": Case(phi1(sts="yellow"), A.REFER, R.YELLOW_CODE, NORMAL, ENTERED, rules=rules(reentry=ReentryPolicy.ALLOW), entered=True),
    "entered, reentry allowed, no reading": Case(phi1(), A.REMEASURE, R.NO_TEMPERATURE, [], ENTERED, rules=rules(reentry=ReentryPolicy.ALLOW), entered=True, needs_temperature=True),
    "entered, reentry allowed, stale": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, NORMAL, ENTERED, trust=None, rules=rules(reentry=ReentryPolicy.ALLOW), entered=True, warnings=(MISSING,)),
    "denied earlier": Case(phi1(), A.DENY, R.PREVIOUSLY_DENIED, NORMAL, journey(Transition.DENY)),
    "denied earlier, yellow now": Case(phi1(sts="yellow"), A.DENY, R.PREVIOUSLY_DENIED, NORMAL, journey(Transition.DENY)),
    "flagged earlier": Case(phi1(), A.DENY, R.PREVIOUSLY_FLAGGED, NORMAL, journey(Transition.PROVISIONAL_ADMIT, Transition.FLAG)),
    "referred earlier": Case(phi1(), A.REFER, R.REFERRED_EARLIER, NORMAL, journey(Transition.REFER)),
    "referred and handed over": Case(phi1(), A.REFER, R.REFERRED_EARLIER, [], journey(Transition.REFER, Transition.HAND_OVER)),
    "provisional, now verified": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, journey(Transition.PROVISIONAL_ADMIT)),
    "provisional, still stale": Case(phi1(), A.REFER, R.TRUST_STALE_REFER, NORMAL, journey(Transition.PROVISIONAL_ADMIT), trust=None, warnings=(MISSING,)),
    "provisional, now red": Case(phi1(sts="red"), A.DENY, R.RED_CODE, NORMAL, journey(Transition.PROVISIONAL_ADMIT)),
    "expected on a roster": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, journey(Transition.EXPECT)),
    "marked absent, turns up": Case(phi1(), A.ADMIT, R.GREEN_NO_FEVER, NORMAL, journey(Transition.EXPECT, Transition.MARK_ABSENT)),
    "overridden to denied": Case(phi1(), A.DENY, R.PREVIOUSLY_DENIED, NORMAL, apply(ENTERED, JourneyEvent(Transition.OVERRIDE, NOW - 100, "sup", 1, None, "张主任", "wrong person", JourneyState.DENIED))),
}  # fmt: skip


@pytest.mark.parametrize("name", list(CASES))
def test_decision_table(name: str) -> None:
    case = CASES[name]
    decision = case.decide()
    assert (decision.action, decision.reason) == (case.action, case.reason)
    assert decision.warnings == case.warnings
    assert decision.needs_temperature is case.needs_temperature
    assert decision.provisional_allowed is case.provisional
    assert decision.already_entered == (ENTRY if case.entered else None)
    assert decision.rule


def test_table_covers_every_action_and_reason() -> None:
    decisions = [case.decide() for case in CASES.values()]
    assert {d.action for d in decisions} == set(Action)
    assert {d.reason for d in decisions} == set(Reason)


@pytest.mark.parametrize("result", [r for r in Phi1Result if r != "VALID"])
def test_every_phi1_result_has_a_verdict(result: Phi1Result) -> None:
    decision = decide(phi1(result), trust_list_age_s=FRESH, revocations_age_s=FRESH, now=NOW)
    assert (decision.action, decision.reason) == RESULT_VERDICTS[result]
    assert decision.rule == f"PHI1 §6: {result} → {decision.action}"


@pytest.mark.parametrize("result", [r for r in DccResult if r != "VALID"])
def test_every_dcc_result_has_a_verdict(result: DccResult) -> None:
    decision = decide(dcc(result), trust_list_age_s=FRESH, revocations_age_s=None, now=NOW)
    assert (decision.action, decision.reason) == RESULT_VERDICTS[result]


@pytest.mark.parametrize(
    ("case", "rule"),
    [
        (CASES["yellow"], "PHI1 §6: yellow → refer"),
        (CASES["rules.yellow=deny"], "rules.yellow=deny: yellow → deny"),
        (CASES["red"], "PHI1 §6: VALID + red → deny, whatever the temperature"),
        (CASES["green 36.6"], "PHI1 §6: VALID + green + 36.6 °C below 37.3 °C → admit"),
        (CASES["green 37.3 first reading"], "PHI1 §6: first reading 37.3 °C ≥ 37.3 °C → remeasure"),
        (CASES["second reading 37.3"], "PHI1 §6: second reading ≥ 37.3 °C within 600 s → refer"),
        (
            CASES["threshold 37.0: 37.0 is a fever"],
            "rules.fever_threshold_c=37.0: first reading 37.0 °C ≥ 37.0 °C → remeasure",
        ),
        (CASES["DCC"], "PHI1 §6: a valid DCC carries no colour → refer for an identity check"),
        (CASES["REVOKED"], "PHI1 §6: REVOKED → deny"),
        (
            CASES["denied earlier"],
            "journey: denied at 2027-01-15 07:10Z, gate 2; only a supervisor override re-admits",
        ),
        (
            CASES["entered"],
            "rules.reentry=refuse (default): already entered at 2027-01-15 07:10Z, gate 2",
        ),
        (
            CASES["nat required, none"],
            "rules.nat_required_within_h=48: no negative nucleic-acid test within 48 h → refer",
        ),
        (
            CASES["trust list 72 h + 1 s"],
            "rules.trust_refer_after_h=72 (default): trust material older than 72 h "
            "or never fetched → refer to a manual check",
        ),
    ],
)
def test_rule_names_what_decided(case: Case, rule: str) -> None:
    assert case.decide().rule == rule


def test_two_reading_flow() -> None:
    """Scan, type 37.5: remeasure; type 37.4 four minutes later: refer, both readings kept."""
    first = Reading(Temperature.of(37.5), NOW)
    kwargs: dict[str, Any] = {"trust_list_age_s": FRESH, "revocations_age_s": FRESH}
    assert decide(phi1(), now=NOW, **kwargs).needs_temperature
    decision = decide(phi1(), readings=[first], now=NOW, **kwargs)
    assert decision.action is A.REMEASURE and journey_transition(decision, Journey()) is None
    second = Reading(Temperature.of(37.4), NOW + 240)
    decision = decide(phi1(), readings=[first, second], now=NOW + 240, **kwargs)
    assert decision.action is A.REFER and decision.reason is R.FEVER_CONFIRMED
    assert journey_transition(decision, Journey()) is Transition.REFER


def test_unknown_results_are_refused_loudly() -> None:
    kwargs: dict[str, Any] = {"trust_list_age_s": FRESH, "revocations_age_s": FRESH, "now": NOW}
    with pytest.raises(ValueError, match="no admission rule"):
        decide(Verification(CodeFormat.PHI1, "SOMETHING_NEW"), **kwargs)
    with pytest.raises(ValueError, match="without claims"):
        decide(Verification(CodeFormat.PHI1, "VALID"), **kwargs)
    with pytest.raises(ValueError, match="status 'purple'"):
        decide(phi1(sts="purple"), **kwargs)


def test_to_json() -> None:
    decision = CASES["entered"].decide()
    assert decision.to_json() == {
        "action": "deny",
        "reason": "ALREADY_ENTERED",
        "rule": decision.rule,
        "warnings": [],
        "needs_temperature": False,
        "already_entered": {"at": NOW - 3000, "gate": "gate 2", "device": "pc-2"},
        "provisional_allowed": False,
    }
    assert CASES["nothing ever fetched"].decide().to_json()["warnings"] == ["TRUST_MISSING"]
    assert CASES["green 36.6"].decide().to_json()["already_entered"] is None


# --- the journey transition a decision records ----------------------------------------------

PROVISIONAL = journey(Transition.PROVISIONAL_ADMIT)


@pytest.mark.parametrize(
    ("name", "state", "transition"),
    [
        ("green 36.6", None, Transition.ENTER),
        ("expected on a roster", journey(Transition.EXPECT), Transition.ENTER),
        ("referred earlier", None, Transition.REFER),  # refer from a new journey
        ("second reading 37.3", None, Transition.REFER),
        ("red", None, Transition.DENY),
        ("REVOKED", None, Transition.DENY),
        ("provisional, now verified", PROVISIONAL, Transition.CONFIRM),
        ("provisional, now red", PROVISIONAL, Transition.FLAG),
        ("entered", ENTERED, None),  # already entered: nothing more is recorded
        ("entered, reentry allowed", ENTERED, None),  # admitted again, the journey stays
        ("red entered", ENTERED, None),
        ("denied earlier", journey(Transition.DENY), None),
        ("referred earlier", journey(Transition.REFER), None),
        ("green 37.3 first reading", None, None),
        ("green, no reading yet", None, None),
        ("EXPIRED", None, None),
        ("MALFORMED", None, None),
        ("UNSUPPORTED_VERSION", None, None),
        ("online, normal", None, None),  # the volunteer chooses: provisional or refer
        ("online, no reading", None, None),
        ("online, no provisional admission", None, Transition.REFER),
        ("provisional, still stale", PROVISIONAL, None),
    ],
)
def test_journey_transition(
    name: str, state: Journey | None, transition: Transition | None
) -> None:
    decision = CASES[name].decide()
    assert journey_transition(decision, state or Journey()) is transition


# --- properties -----------------------------------------------------------------------------

VERIFICATIONS = [
    phi1(), phi1(sts="yellow"), phi1(sts="red"), phi1(res="pos", at=NOW), phi1(res="neg", at=NOW),
    phi1("UNKNOWN_KEY"), phi1("REVOKED"), phi1("EXPIRED"), phi1("MALFORMED"),
    dcc(), dcc(kind="t"), dcc(kind="t", tr="260373001"), dcc("UNKNOWN_KEY"),
    ONLINE, ROSTER, UNKNOWN,
]  # fmt: skip
JOURNEYS = [
    Journey(), ENTERED, PROVISIONAL, journey(Transition.EXPECT), journey(Transition.REFER),
    journey(Transition.DENY), journey(Transition.EXPECT, Transition.MARK_ABSENT),
]  # fmt: skip
AGES = [None, 0, 24 * H, 24 * H + 1, 72 * H, 72 * H + 1]
readings_st = st.lists(
    st.builds(
        lambda tenths, ago: Reading(Temperature.of(tenths / 10), NOW - ago),
        st.integers(355, 395),
        st.integers(0, 1500),
    ),
    max_size=4,
)
tight_rules = st.builds(
    CheckpointRules,
    fever_threshold_c=st.integers(360, 373).map(lambda t: t / 10),
    remeasure_window_s=st.integers(600, 3600),
    yellow=st.sampled_from(ReferOrDeny),
    nat_positive=st.sampled_from(ReferOrDeny),
    nat_required_within_h=st.none() | st.integers(1, 720),
    trust_warn_after_h=st.integers(1, 24),
    trust_refer_after_h=st.integers(24, 72),
    provisional_admission=st.booleans(),
)
scan = st.fixed_dictionaries(
    {
        "verification": st.sampled_from(VERIFICATIONS),
        "readings": readings_st,
        "journey": st.sampled_from(JOURNEYS),
        "trust_list_age_s": st.sampled_from(AGES),
        "revocations_age_s": st.sampled_from(AGES),
    }
)


@given(scan, tight_rules)
def test_tighter_rules_never_admit_more(inputs: dict[str, Any], tight: CheckpointRules) -> None:
    if decide(**inputs, rules=tight, now=NOW).action is A.ADMIT:
        assert decide(**inputs, now=NOW).action is A.ADMIT


@given(scan, tight_rules | st.just(DEFAULT_RULES))
def test_admit_needs_a_fine_code_and_a_normal_reading(
    inputs: dict[str, Any], rules_: CheckpointRules
) -> None:
    decision = decide(**inputs, rules=rules_, now=NOW)
    verification = inputs["verification"]
    if verification == phi1(sts="red"):
        assert (decision.action, decision.reason) == (A.DENY, R.RED_CODE)
    if decision.action is A.ADMIT:
        assert verification.result == "VALID" and verification.format is CodeFormat.PHI1
        assert verification.claims["sts"] == "green"
        # newest last, as decide() orders them: of two readings in the same second,
        # the one taken (listed) later
        newest = sorted(inputs["readings"], key=lambda r: r.at)[-1]
        assert NOW - newest.at <= READING_MAX_AGE_S
        assert not newest.temperature.is_fever(rules_.fever_threshold_c)
        assert not inputs["journey"].has_entered
    soft = {(A.REFER, R.ONLINE_ONLY_CODE), (A.REFER, R.TRUST_STALE_REFER)}
    current = [r for r in inputs["readings"] if NOW - r.at <= READING_MAX_AGE_S]
    if decision.needs_temperature:
        assert not current and not decision.provisional_allowed
        assert (decision.action, decision.reason) in soft | {(A.REMEASURE, R.NO_TEMPERATURE)}
    if decision.provisional_allowed:
        assert (decision.action, decision.reason) in soft
        assert rules_.provisional_admission and not inputs["journey"].has_entered
        newest_current = sorted(current, key=lambda r: r.at)[-1]
        assert not newest_current.temperature.is_fever(rules_.fever_threshold_c)
