"""The admission decision at the gate (PHI1.md §6, DESIGN.md §1).

:func:`decide` takes what the gate knows about one scan — the verification, this
code's temperature readings, the traveller's journey at this checkpoint, the age of
the trust material, the checkpoint's rules and the clock — and returns a
:class:`Decision`: one of the seven actions of DESIGN.md §1, a reason code the UI
maps to text, the rule that decided (for the log and the supervisor), warnings, and
what the gate should do next. It is pure: the caller records the event.

Precedence, first match wins:

1. The code itself (PHI1.md §5 result, or the format):

   ==============================================  =============  ======================
   not a known format                               ``not_a_code``  ``NOT_A_HEALTH_CODE``
   a roster ticket or booking id (the bus flow)     ``not_a_code``  ``ROSTER_TICKET``
   ``MALFORMED``, ``TOO_LARGE`` (DCC also           ``not_a_code``  ``MALFORMED_CODE``
   ``CLAIMS_INVALID``, ``SCHEMA_INVALID``)
   ``UNSUPPORTED_ALGORITHM`` / ``_VERSION``         ``unsupported`` same name
   ``UNKNOWN_KEY`` (trust list fresh enough)        ``deny``        ``UNKNOWN_ISSUER``
   ``BAD_SIGNATURE``                                ``deny``        ``FORGED``
   ``KEY_*`` (DCC ``CERT_NOT_VALID``,               ``deny``        ``KEY_PROBLEM``
   ``KEY_USAGE_MISMATCH``)
   ``REVOKED``                                      ``deny``        ``REVOKED``
   ``EXPIRED`` / ``NOT_YET_VALID``                  ``refresh``     ``EXPIRED_CODE`` /
                                                                    ``NOT_YET_VALID``
   ``VALID`` + ``red``                              ``deny``        ``RED_CODE``
   ==============================================  =============  ======================

   The colour is read from ``VALID`` codes only: an expired red code is asked to refresh
   (its colour is not the current status). Red dominates everything after this line.

2. The journey: a traveller denied (``PREVIOUSLY_DENIED``) or flagged
   (``PREVIOUSLY_FLAGGED``) here is denied until a supervisor overrides; one who already
   entered is denied with ``ALREADY_ENTERED`` and :attr:`Decision.already_entered` says
   when and where (unless ``rules.reentry`` is ``allow``: then every rule below applies
   again and the journey keeps its first entry); one referred earlier is referred again
   (``REFERRED_EARLIER``: the secondary check decides, not the gate).

3. Findings, all collected; the strictest action wins (deny > refer > remeasure), ties
   go to the earlier line: ``NAT_POSITIVE`` (refer, or deny by rules), ``YELLOW_CODE``
   (refer, or deny by rules), ``NAT_REQUIRED`` (refer; only when the rules require a
   test), ``FEVER_CONFIRMED`` (refer) / ``FEVER_FIRST_READING`` (remeasure),
   ``DCC_IDENTITY_CHECK`` (refer, unless ``rules.dcc`` is ``admit``),
   ``ONLINE_ONLY_CODE`` (refer), ``TRUST_STALE_REFER`` (refer).

   The last two are *soft*: the code cannot be verified here, but a volunteer may admit
   the traveller provisionally on a visual check (journey ``provisional``) when the
   rules allow it and the journey can take it. Then they rank below ``remeasure`` (a
   first fever reading is remeasured first), and :attr:`Decision.provisional_allowed`
   is True once a current reading below the threshold exists
   (:attr:`Decision.needs_temperature` until then). ``UNKNOWN_KEY`` with a trust list
   older than ``rules.trust_refer_after_h`` (or never fetched) is such a code too —
   the key may simply be newer than the list — instead of a denial.

4. No current reading: ``remeasure`` with ``NO_TEMPERATURE`` and
   ``needs_temperature``. The gate flow is scan, then type the temperature: the first
   ``decide`` of a fine code asks for the reading, the second admits. There is no
   separate "measure" action (DESIGN.md §1 lists exactly seven).

5. Otherwise ``admit``: ``GREEN_NO_FEVER`` (PHI1) or ``DCC_NO_FEVER`` (a DCC admitted
   by ``rules.dcc``).

Temperature readings. ``readings`` are this code's readings at this checkpoint, newest
last (sorted by time here). The newest is the current reading if it is at most
:data:`READING_MAX_AGE_S` old. A current reading at or above the fever threshold is the
*second* reading — which refers — when another reading at or above the threshold was
taken at most ``rules.remeasure_window_s`` before it (600 s: exactly 10 minutes still
counts); otherwise it is a first reading (remeasure). After the window a fever reading
is a first reading again. Judging by the readings within the window before the newest
only, rather than by "episodes", means repeated fever readings never reset to a
first reading, and the result cannot depend on how far back the caller looked.

Trust material. For PHI1 the trust list and the revocations count, for a DCC its
signer list (``trust_list_age_s``; the revocations are PHI1 ``cid`` revocations). An
age over ``rules.trust_warn_after_h`` warns (``TRUST_STALE_WARN``; ``TRUST_MISSING``
when never fetched), over ``rules.trust_refer_after_h`` (or never fetched) it adds
the soft ``TRUST_STALE_REFER`` finding to a valid code. Ages are in seconds against the
verification clock (``now``); exactly the limit is not over it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from functools import partial
from typing import Any, Final

from checkpoint_app.domain.journey import Journey, JourneyState, Stamp, Transition, can
from checkpoint_app.domain.results import CodeFormat, Verification
from checkpoint_app.domain.rules import (
    DEFAULT_RULES,
    CheckpointRules,
    DccPolicy,
    ReentryPolicy,
    ReferOrDeny,
)
from checkpoint_app.domain.temperature import Reading
from checkpoint_app.domain.timeparse import TimeParseError, parse_time


class Action(StrEnum):
    """What the gate does (DESIGN.md §1)."""

    ADMIT = "admit"
    REMEASURE = "remeasure"
    REFER = "refer"
    DENY = "deny"
    REFRESH = "refresh"
    NOT_A_CODE = "not_a_code"
    UNSUPPORTED = "unsupported"


class Reason(StrEnum):
    """Why; the UI maps each to text."""

    GREEN_NO_FEVER = "GREEN_NO_FEVER"
    DCC_NO_FEVER = "DCC_NO_FEVER"
    NO_TEMPERATURE = "NO_TEMPERATURE"
    FEVER_FIRST_READING = "FEVER_FIRST_READING"
    FEVER_CONFIRMED = "FEVER_CONFIRMED"
    YELLOW_CODE = "YELLOW_CODE"
    RED_CODE = "RED_CODE"
    NAT_POSITIVE = "NAT_POSITIVE"
    NAT_REQUIRED = "NAT_REQUIRED"
    DCC_IDENTITY_CHECK = "DCC_IDENTITY_CHECK"
    ONLINE_ONLY_CODE = "ONLINE_ONLY_CODE"
    TRUST_STALE_REFER = "TRUST_STALE_REFER"
    REVOKED = "REVOKED"
    FORGED = "FORGED"
    UNKNOWN_ISSUER = "UNKNOWN_ISSUER"
    KEY_PROBLEM = "KEY_PROBLEM"
    EXPIRED_CODE = "EXPIRED_CODE"
    NOT_YET_VALID = "NOT_YET_VALID"
    MALFORMED_CODE = "MALFORMED_CODE"
    NOT_A_HEALTH_CODE = "NOT_A_HEALTH_CODE"
    ROSTER_TICKET = "ROSTER_TICKET"
    UNSUPPORTED_ALGORITHM = "UNSUPPORTED_ALGORITHM"
    UNSUPPORTED_VERSION = "UNSUPPORTED_VERSION"
    ALREADY_ENTERED = "ALREADY_ENTERED"
    PREVIOUSLY_DENIED = "PREVIOUSLY_DENIED"
    PREVIOUSLY_FLAGGED = "PREVIOUSLY_FLAGGED"
    REFERRED_EARLIER = "REFERRED_EARLIER"


class DecisionWarning(StrEnum):
    TRUST_STALE_WARN = "TRUST_STALE_WARN"
    TRUST_MISSING = "TRUST_MISSING"


#: A reading older than this is not the traveller's current temperature.
READING_MAX_AGE_S: Final = 600

#: The verdicts of every verification result other than VALID (PHI1 and DCC names).
RESULT_VERDICTS: Final[Mapping[str, tuple[Action, Reason]]] = {
    "NOT_PHI1": (Action.NOT_A_CODE, Reason.NOT_A_HEALTH_CODE),
    "NOT_DCC": (Action.NOT_A_CODE, Reason.NOT_A_HEALTH_CODE),
    "TOO_LARGE": (Action.NOT_A_CODE, Reason.MALFORMED_CODE),
    "MALFORMED": (Action.NOT_A_CODE, Reason.MALFORMED_CODE),
    "CLAIMS_INVALID": (Action.NOT_A_CODE, Reason.MALFORMED_CODE),
    "SCHEMA_INVALID": (Action.NOT_A_CODE, Reason.MALFORMED_CODE),
    "UNSUPPORTED_ALGORITHM": (Action.UNSUPPORTED, Reason.UNSUPPORTED_ALGORITHM),
    "UNSUPPORTED_VERSION": (Action.UNSUPPORTED, Reason.UNSUPPORTED_VERSION),
    "UNKNOWN_KEY": (Action.DENY, Reason.UNKNOWN_ISSUER),
    "BAD_SIGNATURE": (Action.DENY, Reason.FORGED),
    "KEY_ISSUER_MISMATCH": (Action.DENY, Reason.KEY_PROBLEM),
    "KEY_NOT_VALID": (Action.DENY, Reason.KEY_PROBLEM),
    "CERT_NOT_VALID": (Action.DENY, Reason.KEY_PROBLEM),
    "KEY_USAGE_MISMATCH": (Action.DENY, Reason.KEY_PROBLEM),
    "REVOKED": (Action.DENY, Reason.REVOKED),
    "EXPIRED": (Action.REFRESH, Reason.EXPIRED_CODE),
    "NOT_YET_VALID": (Action.REFRESH, Reason.NOT_YET_VALID),
}

#: EU DCC value sets: nucleic-acid amplification test, and the test results.
DCC_NAAT: Final = "LP6464-4"
DCC_TEST_RESULTS: Final[Mapping[str, str]] = {"260415000": "neg", "260373001": "pos"}

_FINDING_ORDER: Final = (
    Reason.NAT_POSITIVE,
    Reason.YELLOW_CODE,
    Reason.NAT_REQUIRED,
    Reason.FEVER_CONFIRMED,
    Reason.FEVER_FIRST_READING,
    Reason.DCC_IDENTITY_CHECK,
    Reason.ONLINE_ONLY_CODE,
    Reason.TRUST_STALE_REFER,
)
#: Rules whose default value is PHI1.md §6's own rule.
_PHI1_KEYS: Final = frozenset({"fever_threshold_c", "remeasure_window_s", "yellow", "dcc"})


class _Rank(IntEnum):
    SOFT_REFER = 1
    REMEASURE = 2
    REFER = 3
    DENY = 4


class _Trust(IntEnum):
    FRESH = 0
    WARN = 1
    REFER = 2


@dataclass(frozen=True, slots=True)
class Decision:
    """The verdict for one scan.

    ``already_entered`` is the traveller's standing entry here (when and at which gate),
    whatever the action; ``needs_temperature`` says the verdict waits for a reading;
    ``provisional_allowed`` says the volunteer may admit on a visual check.
    """

    action: Action
    reason: Reason
    rule: str
    warnings: tuple[DecisionWarning, ...] = ()
    needs_temperature: bool = False
    already_entered: Stamp | None = None
    provisional_allowed: bool = False

    def to_json(self) -> dict[str, Any]:
        entry = self.already_entered
        return {
            "action": str(self.action),
            "reason": str(self.reason),
            "rule": self.rule,
            "warnings": [str(w) for w in self.warnings],
            "needs_temperature": self.needs_temperature,
            "already_entered": None
            if entry is None
            else {"at": entry.at, "gate": entry.gate, "device": entry.device},
            "provisional_allowed": self.provisional_allowed,
        }


@dataclass(frozen=True, slots=True)
class _Finding:
    action: Action
    reason: Reason
    rule: str
    soft: bool = False


def _source(rules: CheckpointRules, key: str) -> str:
    """Who set the rule: PHI1.md §6 (a default that is PHI1's) or the rules file."""
    if key in _PHI1_KEYS and rules.is_default(key):
        return "PHI1 §6"
    value = getattr(rules, key)
    shown = "null" if value is None else str(value)
    return f"rules.{key}={shown}" + (" (default)" if rules.is_default(key) else "")


def _degrees(value: float) -> str:
    """``37.0 °C``, ``37.25 °C``: at least the tenths a thermometer shows."""
    text = f"{value:g}"
    return f"{text if '.' in text else text + '.0'} °C"


def _trust_levels(
    fmt: CodeFormat, trust_age: int | None, revocations_age: int | None, rules: CheckpointRules
) -> tuple[_Trust, _Trust, tuple[DecisionWarning, ...]]:
    """(trust list level, level of all the material that counts, warnings)."""

    def level(age: int | None) -> _Trust:
        if age is None or age > rules.trust_refer_after_h * 3600:
            return _Trust.REFER
        return _Trust.WARN if age > rules.trust_warn_after_h * 3600 else _Trust.FRESH

    ages = [trust_age, revocations_age] if fmt is CodeFormat.PHI1 else [trust_age]
    warnings: list[DecisionWarning] = []
    if any(age is None for age in ages):
        warnings.append(DecisionWarning.TRUST_MISSING)
    if any(age is not None and level(age) is not _Trust.FRESH for age in ages):
        warnings.append(DecisionWarning.TRUST_STALE_WARN)
    return level(trust_age), max(level(age) for age in ages), tuple(warnings)


def _stale_finding(rules: CheckpointRules) -> _Finding:
    rule = (
        f"{_source(rules, 'trust_refer_after_h')}: trust material older than "
        f"{rules.trust_refer_after_h} h or never fetched → refer to a manual check"
    )
    return _Finding(Action.REFER, Reason.TRUST_STALE_REFER, rule, soft=True)


def _nat(verification: Verification) -> tuple[str, int] | None:
    """The latest nucleic-acid test a verified code carries: (``neg``/``pos``, epoch s)."""
    claims = verification.claims or {}
    if verification.format is CodeFormat.PHI1:
        nat = claims.get("nat")
        if isinstance(nat, Mapping):
            return str(nat["res"]), int(nat["at"])
        return None
    hcert = claims.get("hcert")
    tests = hcert.get("t") if isinstance(hcert, Mapping) else None
    for test in tests if isinstance(tests, list) else []:
        if not isinstance(test, Mapping) or test.get("tt") != DCC_NAAT:
            continue
        result = DCC_TEST_RESULTS.get(str(test.get("tr")))
        sampled = test.get("sc")
        if result is None or not isinstance(sampled, str):
            continue
        try:
            return result, parse_time(sampled)
        except TimeParseError:
            continue
    return None


def _nat_findings(verification: Verification, rules: CheckpointRules, now: int) -> list[_Finding]:
    findings: list[_Finding] = []
    nat = _nat(verification)
    if nat is not None and nat[0] == "pos":
        action = Action.DENY if rules.nat_positive is ReferOrDeny.DENY else Action.REFER
        rule = f"{_source(rules, 'nat_positive')}: latest nucleic-acid test positive → {action}"
        findings.append(_Finding(action, Reason.NAT_POSITIVE, rule))
    within_h = rules.nat_required_within_h
    if within_h is not None and (nat is None or nat[0] != "neg" or now - nat[1] > within_h * 3600):
        rule = (
            f"{_source(rules, 'nat_required_within_h')}: no negative nucleic-acid test "
            f"within {within_h} h → refer"
        )
        findings.append(_Finding(Action.REFER, Reason.NAT_REQUIRED, rule))
    return findings


def _temperature(
    readings: Sequence[Reading], rules: CheckpointRules, now: int
) -> tuple[Reading | None, _Finding | None]:
    """(the current reading, the fever finding it makes)."""
    ordered = sorted(readings, key=lambda r: r.at)
    if not ordered or now - ordered[-1].at > READING_MAX_AGE_S:
        return None, None
    current, threshold = ordered[-1], rules.fever_threshold_c
    if not current.temperature.is_fever(threshold):
        return current, None
    source = _source(rules, "fever_threshold_c")
    window = rules.remeasure_window_s
    if any(r.temperature.is_fever(threshold) and current.at - r.at <= window for r in ordered[:-1]):
        rule = f"{source}: second reading ≥ {_degrees(threshold)} within {window} s → refer"
        return current, _Finding(Action.REFER, Reason.FEVER_CONFIRMED, rule)
    rule = (
        f"{source}: first reading {_degrees(current.temperature.celsius)} "
        f"≥ {_degrees(threshold)} → remeasure"
    )
    return current, _Finding(Action.REMEASURE, Reason.FEVER_FIRST_READING, rule)


def _journey_verdict(journey: Journey, rules: CheckpointRules) -> _Finding | None:
    """What the journey alone decides for a traveller whose code is not red."""
    when = journey.when()
    if journey.state is JourneyState.DENIED:
        rule = f"journey: denied{when}; only a supervisor override re-admits"
        return _Finding(Action.DENY, Reason.PREVIOUSLY_DENIED, rule)
    if journey.state is JourneyState.FLAGGED:
        rule = f"journey: flagged{when}; only a supervisor override re-admits"
        return _Finding(Action.DENY, Reason.PREVIOUSLY_FLAGGED, rule)
    if journey.entry is not None:
        if rules.reentry is ReentryPolicy.ALLOW:
            return None
        rule = f"{_source(rules, 'reentry')}: already entered at {journey.entry.describe()}"
        return _Finding(Action.DENY, Reason.ALREADY_ENTERED, rule)
    if journey.state in (JourneyState.REFERRED, JourneyState.HANDED_OVER):
        rule = f"journey: referred{when}; the secondary check decides"
        return _Finding(Action.REFER, Reason.REFERRED_EARLIER, rule)
    return None


def _rank(finding: _Finding, provisional_possible: bool) -> _Rank:
    if finding.soft and provisional_possible:
        return _Rank.SOFT_REFER
    return {
        Action.DENY: _Rank.DENY,
        Action.REFER: _Rank.REFER,
        Action.REMEASURE: _Rank.REMEASURE,
    }[finding.action]


def _at_gate(
    code_findings: list[_Finding],
    admit: tuple[Reason, str] | None = None,
    *,
    readings: Sequence[Reading],
    journey: Journey,
    rules: CheckpointRules,
    now: int,
    warnings: tuple[DecisionWarning, ...],
) -> Decision:
    """Steps 2 to 5 of the module doc, for a code that is not refused outright."""
    entry = journey.entry
    blocked = _journey_verdict(journey, rules)
    if blocked is not None:
        return Decision(blocked.action, blocked.reason, blocked.rule, warnings, False, entry)
    current, fever = _temperature(readings, rules, now)
    findings = code_findings + ([fever] if fever is not None else [])
    if findings:
        possible = rules.provisional_admission and can(journey, Transition.PROVISIONAL_ADMIT)
        best = max(findings, key=lambda f: (_rank(f, possible), -_FINDING_ORDER.index(f.reason)))
        pending = possible and all(f.soft for f in findings)
        return Decision(
            best.action, best.reason, best.rule, warnings,
            needs_temperature=pending and current is None,
            already_entered=entry,
            provisional_allowed=pending and current is not None,
        )  # fmt: skip
    if current is None:
        rule = "PHI1 §6: the temperature decides; no reading yet → measure"
        return Decision(Action.REMEASURE, Reason.NO_TEMPERATURE, rule, warnings, True, entry)
    assert admit is not None, "a code that can be admitted says how"
    reason, what = admit
    rule = (
        f"{_source(rules, 'fever_threshold_c')}: {what} + "
        f"{_degrees(current.temperature.celsius)} below "
        f"{_degrees(rules.fever_threshold_c)} → admit"
    )
    return Decision(Action.ADMIT, reason, rule, warnings, False, entry)


def decide(
    verification: Verification,
    *,
    readings: Sequence[Reading] = (),
    journey: Journey | None = None,
    trust_list_age_s: int | None,
    revocations_age_s: int | None,
    rules: CheckpointRules = DEFAULT_RULES,
    now: int,
) -> Decision:
    """The gate's verdict for one scanned code (see the module doc for the precedence).

    ``journey`` is the traveller's journey at this checkpoint (None: nothing recorded);
    ``trust_list_age_s`` / ``revocations_age_s`` are the ages of the cached lists in
    seconds at ``now``, None if never fetched. Raises ValueError only for a
    verification no verifier produces (an unknown result, a valid code without claims).
    """
    journey = journey or Journey()
    fmt = verification.format
    entry = journey.entry
    if fmt is CodeFormat.UNKNOWN:
        rule = "PHI1 §6: not a known format → not a health code"
        return Decision(Action.NOT_A_CODE, Reason.NOT_A_HEALTH_CODE, rule, already_entered=entry)
    if fmt is CodeFormat.ROSTER:
        rule = "a roster ticket says who is expected, not whether they may enter → scan the health code"
        return Decision(Action.NOT_A_CODE, Reason.ROSTER_TICKET, rule, already_entered=entry)
    at_gate = partial(_at_gate, readings=readings, journey=journey, rules=rules, now=now)
    if fmt is CodeFormat.ONLINE:
        rule = "an online-only code cannot be verified offline → refer to a manual or online check"
        online = _Finding(Action.REFER, Reason.ONLINE_ONLY_CODE, rule, soft=True)
        return at_gate([online], warnings=())

    trust, material, warnings = _trust_levels(fmt, trust_list_age_s, revocations_age_s, rules)
    result = str(verification.result)
    if result == "UNKNOWN_KEY" and trust is _Trust.REFER:
        return at_gate([_stale_finding(rules)], warnings=warnings)
    if result != "VALID":
        verdict = RESULT_VERDICTS.get(result)
        if verdict is None:
            raise ValueError(f"no admission rule for the {fmt} result {result!r}")
        action, reason = verdict
        rule = f"PHI1 §6: {result} → {action}"
        return Decision(action, reason, rule, warnings, already_entered=entry)
    if verification.claims is None:
        raise ValueError("a VALID verification without claims")

    findings = _nat_findings(verification, rules, now)
    if fmt is CodeFormat.PHI1:
        status = verification.claims.get("sts")
        if status == "red":
            rule = "PHI1 §6: VALID + red → deny, whatever the temperature"
            return Decision(Action.DENY, Reason.RED_CODE, rule, warnings, already_entered=entry)
        if status == "yellow":
            action = Action.DENY if rules.yellow is ReferOrDeny.DENY else Action.REFER
            rule = f"{_source(rules, 'yellow')}: yellow → {action}"
            findings.append(_Finding(action, Reason.YELLOW_CODE, rule))
        elif status != "green":
            raise ValueError(f"a VALID PHI1 code with status {status!r}")
        admit = (Reason.GREEN_NO_FEVER, "VALID + green")
    else:
        if rules.dcc is DccPolicy.REFER:
            rule = f"{_source(rules, 'dcc')}: a valid DCC carries no colour → refer for an identity check"
            findings.append(_Finding(Action.REFER, Reason.DCC_IDENTITY_CHECK, rule))
        admit = (Reason.DCC_NO_FEVER, "valid DCC (rules.dcc=admit)")
    if material is _Trust.REFER:
        findings.append(_stale_finding(rules))
    return at_gate(findings, admit, warnings=warnings)


def journey_transition(decision: Decision, journey: Journey) -> Transition | None:
    """The journey transition a decision records, or None when it records none.

    ``admit`` enters (confirms a provisional admission); ``refer`` refers; ``deny``
    denies (flags a provisional admission). None for the other actions, for a decision
    still waiting for the volunteer (a reading, or the choice of a provisional
    admission — the volunteer then applies ``PROVISIONAL_ADMIT`` or ``REFER`` itself),
    and when the journey cannot take the transition (a repeat: already entered,
    already referred, denied): the scan is still recorded as an event.
    """
    if decision.needs_temperature or decision.provisional_allowed:
        return None
    provisional = journey.state is JourneyState.PROVISIONAL
    transition = {
        Action.ADMIT: Transition.CONFIRM if provisional else Transition.ENTER,
        Action.REFER: Transition.REFER,
        Action.DENY: Transition.FLAG if provisional else Transition.DENY,
    }.get(decision.action)
    if transition is None or not can(journey, transition):
        return None
    return transition
