"""Bus roster marks: the strict rule and the order-independent fold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checkpoint_app.domain.bus import (
    BusProblem,
    BusRefused,
    EntryMark,
    EntryState,
    EntryStatus,
    Mark,
    TickMethod,
    apply_mark,
    fold,
    progress,
)

T = 1_790_000_000


def tick(
    at: int, device: str = "a", seq: int = 1, method: TickMethod = TickMethod.SCAN
) -> EntryMark:
    return EntryMark(
        Mark.TICK, at, device, seq, method, "by hand" if method is not TickMethod.SCAN else None
    )


def test_strict_rule_refuses_with_reasons() -> None:
    status = apply_mark(EntryStatus(), tick(T), departed_at=None)
    assert status.state is EntryState.PRESENT
    with pytest.raises(BusRefused) as twice:
        apply_mark(status, tick(T + 5), departed_at=None)
    assert (
        twice.value.code is BusProblem.ALREADY_PRESENT and "already ticked" in twice.value.message
    )
    with pytest.raises(BusRefused) as absent:
        apply_mark(status, EntryMark(Mark.MARK_ABSENT, T + 9, reason="no show"), departed_at=None)
    assert absent.value.code is BusProblem.ALREADY_PRESENT
    with pytest.raises(BusRefused) as by_hand:
        apply_mark(EntryStatus(), EntryMark(Mark.TICK, T, method=TickMethod.NAME), departed_at=None)
    assert by_hand.value.code is BusProblem.REASON_REQUIRED
    with pytest.raises(BusRefused) as departed:
        apply_mark(EntryStatus(), tick(T), departed_at=T - 60)
    assert departed.value.code is BusProblem.DEPARTED
    with pytest.raises(BusRefused) as untick:
        apply_mark(EntryStatus(), EntryMark(Mark.UNTICK, T, reason="oops"), departed_at=None)
    assert untick.value.code is BusProblem.NOT_PRESENT


def test_late_arrival_after_absent_is_present_and_moved_is_final() -> None:
    absent = EntryMark(Mark.MARK_ABSENT, T, "a", 1, reason="not answering")
    assert fold([absent, tick(T + 60, seq=2)]).state is EntryState.PRESENT
    moved = EntryMark(Mark.MOVE_OUT, T, "a", 1, reason="family", to_roster="B")
    assert fold([moved, tick(T + 60, "b", 1)]).state is EntryState.MOVED


def test_earliest_tick_stands_across_devices() -> None:
    status = fold([tick(T + 30, "b", 4), tick(T, "a", 9)])
    assert (status.state, status.since) == (EntryState.PRESENT, T)


marks = st.lists(
    st.builds(
        EntryMark,
        mark=st.sampled_from(list(Mark)),
        at=st.integers(T, T + 300),
        device_id=st.sampled_from(["a", "b"]),
        seq=st.integers(1, 50),
        method=st.sampled_from([None, *TickMethod]),
        reason=st.sampled_from([None, "r"]),
        to_roster=st.sampled_from([None, "B"]),
    ),
    max_size=8,
)


@settings(max_examples=200, deadline=None)
@given(marks, st.randoms())
def test_fold_is_independent_of_arrival_order_and_duplicates(
    items: list[EntryMark], rnd: object
) -> None:
    shuffled = list(items) + list(items[:2])
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert fold(shuffled) == fold(items)


def test_progress_counts_moved_passengers_out() -> None:
    p = progress([EntryState.PRESENT, EntryState.EXPECTED, EntryState.ABSENT, EntryState.MOVED])
    assert (p.label(), p.missing, p.absent, p.moved, p.all_present) == ("1/3", 2, 1, 1, False)
    assert progress([EntryState.PRESENT] * 68).label() == "68/68"
    assert progress([EntryState.PRESENT] * 68).all_present
    assert not progress([]).all_present
