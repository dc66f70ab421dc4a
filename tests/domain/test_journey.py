from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checkpoint_app.domain.journey import (
    IllegalTransition,
    Journey,
    JourneyEvent,
    JourneyProblem,
    JourneyState,
    Stamp,
    Transition,
    apply,
    can,
    merge,
)

S, T, P = JourneyState, Transition, JourneyProblem
T0 = 1_800_000_000


def ev(
    transition: Transition,
    at: int = T0,
    device: str = "gate-pc-1",
    seq: int = 1,
    *,
    gate: str | None = "gate 2",
    operator: str | None = "王芳",
    reason: str | None = "r",
    target: JourneyState | None = None,
) -> JourneyEvent:
    return JourneyEvent(transition, at, device, seq, gate, operator, reason, target)


def run(*transitions: Transition) -> Journey:
    journey = Journey()
    for i, t in enumerate(transitions):
        journey = apply(journey, ev(t, T0 + i, seq=i))
    return journey


#: Journeys in every state (handed over twice: after an entry and after a referral).
START = {
    "new": run(),
    "expected": run(T.EXPECT),
    "entered": run(T.ENTER),
    "referred": run(T.REFER),
    "denied": run(T.DENY),
    "provisional": run(T.PROVISIONAL_ADMIT),
    "flagged": run(T.PROVISIONAL_ADMIT, T.FLAG),
    "absent": run(T.EXPECT, T.MARK_ABSENT),
    "handed_over_entered": run(T.ENTER, T.HAND_OVER),
    "handed_over_referred": run(T.REFER, T.HAND_OVER),
}

ORDER = (
    T.EXPECT, T.ENTER, T.REFER, T.DENY, T.PROVISIONAL_ADMIT, T.CONFIRM, T.FLAG,
    T.MARK_ABSENT, T.HAND_OVER,
)  # fmt: skip
E, R, D, PR, F, A, H = (
    S.ENTERED,
    S.REFERRED,
    S.DENIED,
    S.PROVISIONAL,
    S.FLAGGED,
    S.ABSENT,
    S.HANDED_OVER,
)
AE, NP, DN = P.ALREADY_ENTERED, P.NOT_PROVISIONAL, P.DENIED_NEEDS_OVERRIDE
#: What each transition gives from each state, in ORDER: a new state or the refusal.
TABLE: dict[str, tuple[JourneyState | JourneyProblem, ...]] = {
    "new": (S.EXPECTED, E, R, D, PR, NP, NP, P.NOT_ON_ROSTER, P.NOT_ADMITTED),
    "expected": (P.ALREADY_ON_ROSTER, E, R, D, PR, NP, NP, A, P.NOT_ADMITTED),
    "entered": (AE, AE, AE, AE, AE, AE, AE, AE, H),
    "referred": (P.ALREADY_ON_ROSTER, E, P.ALREADY_REFERRED, D, PR, NP, NP, P.ALREADY_PRESENT, H),
    "denied": (DN, DN, DN, P.ALREADY_DENIED, DN, DN, DN, DN, DN),
    "provisional": (*[P.PROVISIONAL_PENDING] * 5, E, F, *[P.PROVISIONAL_PENDING] * 2),
    "flagged": tuple([P.FLAGGED_NEEDS_OVERRIDE] * 9),
    "absent": (P.ALREADY_ON_ROSTER, E, R, D, PR, NP, NP, P.ALREADY_ABSENT, P.NOT_ADMITTED),
    "handed_over_entered": (*[AE] * 8, P.ALREADY_HANDED_OVER),
    "handed_over_referred": (
        *[P.ALREADY_HANDED_OVER] * 5, NP, NP, P.ALREADY_HANDED_OVER, P.ALREADY_HANDED_OVER,
    ),
}  # fmt: skip
CASES = [
    (name, t, outcome) for name, row in TABLE.items() for t, outcome in zip(ORDER, row, strict=True)
]


def test_every_state_is_covered() -> None:
    assert {j.state for j in START.values()} == set(S)
    assert len(CASES) == len(START) * len(ORDER) == len(START) * (len(T) - 1)


@pytest.mark.parametrize(("name", "transition", "outcome"), CASES)
def test_transition_table(
    name: str, transition: Transition, outcome: JourneyState | JourneyProblem
) -> None:
    journey = START[name]
    event = ev(transition, T0 + 100, "gate-pc-2", 9, gate="gate 5", operator="李", reason="why")
    if isinstance(outcome, JourneyState):
        assert can(journey, transition)
        after = apply(journey, event)
        assert after.state is outcome
        assert (after.since, after.gate, after.device, after.operator, after.reason) == (
            T0 + 100, "gate 5", "gate-pc-2", "李", "why",
        )  # fmt: skip
    else:
        assert not can(journey, transition)
        with pytest.raises(IllegalTransition) as caught:
            apply(journey, event)
        assert caught.value.code is outcome
        assert caught.value.journey is journey
        assert str(caught.value) == caught.value.message != ""


@pytest.mark.parametrize("name", list(START))
@pytest.mark.parametrize("target", [S.ENTERED, S.DENIED])
def test_override_from_every_state(name: str, target: JourneyState) -> None:
    journey = START[name]
    assert can(journey, T.OVERRIDE)
    after = apply(journey, ev(T.OVERRIDE, T0 + 500, "sup", 1, reason="checked", target=target))
    assert after.state is target
    assert (after.operator, after.reason) == ("王芳", "checked")
    if target is S.DENIED:
        assert after.entry is None
    elif journey.entry is not None:
        assert after.entry == journey.entry  # the earliest entry stays
    else:
        assert after.entry == Stamp(T0 + 500, "gate 2", "sup", "王芳")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"reason": None}, P.REASON_REQUIRED),
        ({"reason": ""}, P.REASON_REQUIRED),
        ({"operator": None}, P.OPERATOR_REQUIRED),
        ({"target": None}, P.BAD_OVERRIDE_TARGET),
        ({"target": S.REFERRED}, P.BAD_OVERRIDE_TARGET),
        ({"target": S.NEW}, P.BAD_OVERRIDE_TARGET),
    ],
)
def test_override_needs_target_reason_and_operator(
    changes: dict[str, object], code: JourneyProblem
) -> None:
    kwargs: dict[str, object] = {"reason": "checked", "target": S.ENTERED, **changes}
    with pytest.raises(IllegalTransition) as caught:
        apply(START["denied"], ev(T.OVERRIDE, **kwargs))  # type: ignore[arg-type]
    assert caught.value.code is code


def test_marking_absent_needs_a_reason() -> None:
    with pytest.raises(IllegalTransition) as caught:
        apply(START["expected"], ev(T.MARK_ABSENT, reason=None))
    assert caught.value.code is P.REASON_REQUIRED
    absent = apply(START["expected"], ev(T.MARK_ABSENT, reason="did not board the bus"))
    assert (absent.state, absent.reason) == (S.ABSENT, "did not board the bus")


def test_messages_say_why() -> None:
    entered = apply(Journey(), ev(T.ENTER, T0, gate="gate 2"))  # 2027-01-15 08:00 UTC
    with pytest.raises(IllegalTransition, match=r"^already entered at 2027-01-15 08:00Z, gate 2$"):
        apply(entered, ev(T.ENTER, T0 + 60, "gate-pc-3"))
    with pytest.raises(
        IllegalTransition,
        match="a denied traveller can only be re-admitted by a supervisor override",
    ):
        apply(START["denied"], ev(T.ENTER))
    with pytest.raises(IllegalTransition, match="confirm or flag"):
        apply(START["provisional"], ev(T.ENTER))


def test_entry_is_recorded_and_kept() -> None:
    entered = apply(Journey(), ev(T.ENTER, T0, "pc-1", gate="gate 2", operator="王芳"))
    assert entered.entry == Stamp(T0, "gate 2", "pc-1", "王芳")
    assert entered.has_entered
    handed = apply(entered, ev(T.HAND_OVER, T0 + 60, "pc-9", gate="bus 3", reason="to hotel"))
    assert handed.state is S.HANDED_OVER and handed.entry == entered.entry
    assert handed.stamp == Stamp(T0 + 60, "bus 3", "pc-9", "王芳")
    assert not START["referred"].has_entered and not START["provisional"].has_entered


def test_confirm_enters_at_the_provisional_admission() -> None:
    provisional = apply(Journey(), ev(T.PROVISIONAL_ADMIT, T0, "pc-1", gate="gate 1"))
    confirmed = apply(provisional, ev(T.CONFIRM, T0 + 3600, "pc-sync", gate=None))
    assert confirmed.state is S.ENTERED
    assert confirmed.entry == Stamp(T0, "gate 1", "pc-1", "王芳")
    assert confirmed.since == T0 + 3600


def test_journey_without_device_id() -> None:
    journey = apply(Journey(), JourneyEvent(T.ENTER, T0))
    assert journey.device is None and journey.entry == Stamp(T0)
    assert Journey().stamp is None and Journey().when() == ""
    assert START["denied"].when() == " at 2027-01-15 08:00Z, gate 2"


# --- merging -------------------------------------------------------------------------


def test_two_offline_gates_both_entered() -> None:
    a = ev(T.ENTER, T0 + 30, "pc-a", 7, gate="gate 1")
    b = ev(T.ENTER, T0 + 10, "pc-b", 3, gate="gate 2")
    merged = merge([a, b])
    assert merged.journey.state is S.ENTERED
    assert merged.journey.entry == b.stamp  # the earliest entry wins
    assert merged.duplicate_entries == (a.stamp,)
    assert [(c.event, c.code, c.applied) for c in merged.conflicts] == [
        (a, P.ALREADY_ENTERED, False)
    ]


def test_simultaneous_entries_order_by_device_then_seq() -> None:
    a = ev(T.ENTER, T0, "pc-a", 9)
    b = ev(T.ENTER, T0, "pc-b", 1)
    a2 = ev(T.ENTER, T0, "pc-a", 2)
    merged = merge([b, a, a2])
    assert merged.journey.entry == a2.stamp
    assert merged.duplicate_entries == (a.stamp, b.stamp)


def test_entry_is_a_fact_even_after_a_denial_elsewhere() -> None:
    denied = ev(T.DENY, T0, "pc-a", 1, gate="gate 1")
    entered = ev(T.ENTER, T0 + 300, "pc-b", 1, gate="gate 2")
    merged = merge([entered, denied])
    assert merged.journey.state is S.ENTERED
    assert merged.journey.entry == entered.stamp
    (conflict,) = merged.conflicts
    assert (conflict.event, conflict.code, conflict.applied) == (
        entered,
        P.DENIED_NEEDS_OVERRIDE,
        True,
    )


def test_later_events_do_not_undo_an_entry() -> None:
    entered = ev(T.ENTER, T0, "pc-a", 1)
    refer = ev(T.REFER, T0 + 60, "pc-b", 1)
    deny = ev(T.DENY, T0 + 120, "pc-c", 1)
    merged = merge([deny, refer, entered])
    assert merged.journey.state is S.ENTERED and merged.journey.entry == entered.stamp
    assert [(c.event, c.applied) for c in merged.conflicts] == [(refer, False), (deny, False)]
    assert merged.duplicate_entries == ()


def test_provisional_admission_of_an_entered_traveller_is_a_duplicate() -> None:
    entered = ev(T.ENTER, T0, "pc-a", 1)
    provisional = ev(T.PROVISIONAL_ADMIT, T0 + 60, "pc-b", 1)
    merged = merge([entered, provisional])
    assert merged.duplicate_entries == (provisional.stamp,)


def test_confirm_from_another_device_enters() -> None:
    provisional = ev(T.PROVISIONAL_ADMIT, T0, "pc-a", 1, gate="gate 1")
    confirm = ev(T.CONFIRM, T0 + 600, "pc-b", 1, gate=None)
    merged = merge([confirm, provisional])
    assert merged.journey.state is S.ENTERED and merged.journey.entry == provisional.stamp
    assert merged.conflicts == ()
    # A confirmation whose provisional admission was overtaken still records the entry.
    denied = ev(T.DENY, T0 - 60, "pc-c", 1)
    merged = merge([confirm, denied])
    assert merged.journey.entry == confirm.stamp and merged.conflicts[0].applied


def test_override_is_an_event_too() -> None:
    entered = ev(T.ENTER, T0, "pc-a", 1)
    override = ev(T.OVERRIDE, T0 + 60, "sup", 1, reason="wrong person", target=S.DENIED)
    late = ev(T.ENTER, T0 + 120, "pc-b", 1)
    assert merge([override, entered]).journey.state is S.DENIED
    assert merge([override, entered]).journey.entry is None
    merged = merge([override, entered, late])  # an entry after the override stands
    assert merged.journey.entry == late.stamp
    assert merged.duplicate_entries == ()
    assert merged.conflicts[0].code is P.DENIED_NEEDS_OVERRIDE


def test_merge_of_nothing() -> None:
    merged = merge([])
    assert merged.journey == Journey() and merged.duplicate_entries == () == merged.conflicts


# --- merge properties ----------------------------------------------------------------

events = st.builds(
    JourneyEvent,
    transition=st.sampled_from(T),
    occurred_at=st.integers(T0, T0 + 20),
    device_id=st.sampled_from(["pc-a", "pc-b", "pc-c"]),
    seq=st.integers(0, 4),
    gate=st.sampled_from([None, "gate 1", "gate 2"]),
    operator=st.sampled_from([None, "王芳"]),
    reason=st.sampled_from([None, "", "r"]),
    target=st.sampled_from([None, S.ENTERED, S.DENIED, S.REFERRED]),
)
event_lists = st.lists(events, max_size=14)
no_overrides = st.lists(events.filter(lambda e: e.transition is not T.OVERRIDE), max_size=8)


@given(event_lists, st.data())
def test_merge_ignores_input_order(evs: list[JourneyEvent], data: st.DataObject) -> None:
    assert merge(data.draw(st.permutations(evs))) == merge(evs)
    assert merge(reversed(evs)) == merge(evs)


@given(event_lists, st.data())
def test_merge_is_idempotent(evs: list[JourneyEvent], data: st.DataObject) -> None:
    repeated = data.draw(st.lists(st.sampled_from(evs), max_size=6)) if evs else []
    assert merge(evs + repeated) == merge(evs)
    assert merge(evs + evs) == merge(evs)


@given(event_lists, no_overrides)
def test_entered_is_monotonic(evs: list[JourneyEvent], more: list[JourneyEvent]) -> None:
    if merge(evs).journey.has_entered:
        assert merge(evs + more).journey.has_entered


@given(no_overrides.filter(lambda evs: any(e.transition is T.ENTER for e in evs)))
def test_earliest_entry_wins(evs: list[JourneyEvent]) -> None:
    evs = [e for e in evs if e.transition not in (T.CONFIRM, T.PROVISIONAL_ADMIT)]
    enters = sorted({e for e in evs if e.transition is T.ENTER}, key=JourneyEvent.sort_key)
    merged = merge(evs)
    assert merged.journey.entry == enters[0].stamp
    assert merged.duplicate_entries == tuple(e.stamp for e in enters[1:])


@given(st.lists(events, max_size=14))
def test_a_legal_history_merges_to_the_state_machine(candidates: list[JourneyEvent]) -> None:
    journey, legal = Journey(), []
    for i, candidate in enumerate(candidates):
        event = JourneyEvent(
            candidate.transition, T0 + i, "pc-a", i, candidate.gate, candidate.operator,
            candidate.reason, candidate.target,
        )  # fmt: skip
        try:
            journey = apply(journey, event)
        except IllegalTransition:
            continue
        legal.append(event)
    merged = merge(legal)
    assert merged.journey == journey
    assert merged.conflicts == () and merged.duplicate_entries == ()
