"""The gate's use cases against a real store: what is recorded, what is decided."""

from __future__ import annotations

import json

import pytest
from station_factory import Bench

from checkpoint_app.domain.admission import Action, Reason
from checkpoint_app.domain.journey import IllegalTransition, JourneyProblem, JourneyState
from checkpoint_app.domain.temperature import TemperatureError
from checkpoint_app.services.gate import GateService, NotAuthorised
from checkpoint_app.store import projections
from checkpoint_app.store.event_log import verify_chain
from checkpoint_app.store.supervisor import SupervisorPin


def kinds(bench: Bench) -> list[str]:
    return [e.kind for e in bench.station.log.events()]


def test_green_code_with_normal_temperature_enters(bench: Bench) -> None:
    gate = GateService(bench.station, gate="gate 2", operator="小王")
    out = gate.scan(bench.code(), temperature="36.6")
    assert out.decision is not None
    assert (out.decision.action, out.decision.reason) == (Action.ADMIT, Reason.GREEN_NO_FEVER)
    assert out.journey.state is JourneyState.ENTERED
    assert out.journey.entry is not None and out.journey.entry.gate == "gate 2"
    assert [e.kind for e in out.events] == ["scan", "temperature", "decision", "journey"]
    assert out.display == {"name": "郑*", "id_number": "420***********2651"}
    scan = out.events[0]
    assert "郑爽" not in scan.payload and "2651" not in scan.payload  # personal data apart
    assert bench.station.log.pii(scan.event_id) == {
        "name": "郑爽",
        "id_number": "420***********2651",
    }
    assert all(e.operator == "小王" for e in out.events)
    assert verify_chain(bench.station.db).ok


def test_scan_then_typed_temperature_decides(bench: Bench) -> None:
    gate = GateService(bench.station)
    first = gate.scan(bench.code())
    assert first.decision is not None
    assert first.decision.action is Action.REMEASURE and first.decision.needs_temperature
    assert first.journey.state is JourneyState.NEW
    bench.clock.advance(8)
    second = gate.temperature(first, "366")
    assert second.decision is not None and second.decision.action is Action.ADMIT
    assert second.reading is not None and second.reading.celsius == 36.6
    assert [e.kind for e in second.events] == ["temperature", "decision", "journey"]
    assert kinds(bench).count("scan") == 1
    assert second.display == first.display != {}  # still whose reading it is (masked)


def test_fever_is_remeasured_then_referred_and_both_readings_kept(bench: Bench) -> None:
    gate = GateService(bench.station)
    code = bench.code()
    first = gate.scan(code, temperature="37,5")
    assert first.decision is not None
    assert (first.decision.action, first.decision.reason) == (
        Action.REMEASURE,
        Reason.FEVER_FIRST_READING,
    )
    bench.clock.advance(120)
    second = gate.temperature(first, "37.6")
    assert second.decision is not None
    assert (second.decision.action, second.decision.reason) == (
        Action.REFER,
        Reason.FEVER_CONFIRMED,
    )
    assert second.journey.state is JourneyState.REFERRED
    rows = bench.station.db.execute("SELECT celsius FROM p_readings ORDER BY at").fetchall()
    assert [r[0] for r in rows] == [37.5, 37.6]


def test_second_fever_reading_after_the_window_is_a_first_reading_again(bench: Bench) -> None:
    gate = GateService(bench.station)
    code = bench.code()
    gate.scan(code, temperature="37.5")
    bench.clock.advance(601)
    again = gate.scan(code, temperature="37.5")
    assert again.decision is not None and again.decision.reason is Reason.FEVER_FIRST_READING
    assert again.repeat


def test_repeat_of_an_entered_traveller_records_no_second_entry(bench: Bench) -> None:
    gate = GateService(bench.station, gate="gate 2")
    code = bench.code()
    gate.scan(code, temperature="36.5")
    bench.clock.advance(3600)
    other_gate = GateService(bench.station, gate="gate 5")
    repeat = other_gate.scan(code, temperature="36.4")
    assert repeat.repeat
    assert repeat.decision is not None and repeat.decision.reason is Reason.ALREADY_ENTERED
    assert repeat.decision.already_entered is not None
    assert repeat.decision.already_entered.gate == "gate 2"
    assert repeat.transition is None
    assert kinds(bench).count("journey") == 1
    scans = bench.station.db.execute("SELECT repeat FROM p_scans ORDER BY at").fetchall()
    assert [r[0] for r in scans] == [0, 1]


def test_red_code_is_denied_and_stays_denied(bench: Bench) -> None:
    gate = GateService(bench.station)
    red = gate.scan(bench.code(sts="red"), temperature="36.5")
    assert red.decision is not None and red.decision.reason is Reason.RED_CODE
    assert red.journey.state is JourneyState.DENIED
    green_again = gate.scan(bench.code(sts="green"), temperature="36.5")
    assert green_again.decision is not None
    assert green_again.decision.reason is Reason.PREVIOUSLY_DENIED


def test_forged_and_unknown_texts_are_recorded_without_personal_data(bench: Bench) -> None:
    gate = GateService(bench.station)
    out = gate.scan("hello world")
    assert out.decision is not None and out.decision.action is Action.NOT_A_CODE
    assert out.traveller.startswith("text:")
    assert bench.station.log.pii(out.events[0].event_id) is None


def test_bad_temperature_records_nothing(bench: Bench) -> None:
    gate = GateService(bench.station)
    with pytest.raises(TemperatureError):
        gate.scan(bench.code(), temperature="45.1")
    with pytest.raises(TemperatureError):
        gate.scan(bench.code(), temperature="abc")
    assert kinds(bench) == []


def test_provisional_admission_of_an_online_code_then_confirmed(bench: Bench) -> None:
    gate = GateService(bench.station)
    text = "https://health.example.cn/c/8f3a2b"
    first = gate.scan(text)
    assert first.decision is not None and first.decision.reason is Reason.ONLINE_ONLY_CODE
    assert first.decision.needs_temperature and not first.decision.provisional_allowed
    with pytest.raises(IllegalTransition) as refused:
        gate.provisional_admit(first, "photo id checked", text=text)
    assert "reading" in refused.value.message
    measured = gate.temperature(first, "36.7")
    assert measured.decision is not None and measured.decision.provisional_allowed
    assert measured.transition is None  # the volunteer chooses
    with pytest.raises(IllegalTransition) as no_reason:
        gate.provisional_admit(measured, " ", text=text)
    assert no_reason.value.code is JourneyProblem.REASON_REQUIRED
    admitted = gate.provisional_admit(measured, "photo id checked", text=text)
    assert admitted.journey.state is JourneyState.PROVISIONAL
    assert bench.station.log.pii(admitted.events[0].event_id) == {"code": text}
    confirmed = gate.settle_provisional(measured.traveller, verified=True, detail="online VALID")
    assert confirmed.journey.state is JourneyState.ENTERED
    assert confirmed.journey.entry is not None
    assert confirmed.journey.entry.at == admitted.journey.since


def test_provisional_admission_flagged_when_online_check_fails(bench: Bench) -> None:
    gate = GateService(bench.station)
    text = "https://health.example.cn/c/0000"
    measured = gate.temperature(gate.scan(text), "36.5")
    gate.provisional_admit(measured, "looked at the phone", text=text)
    flagged = gate.settle_provisional(measured.traveller, verified=False, detail="online RED")
    assert flagged.journey.state is JourneyState.FLAGGED
    again = gate.scan(text, temperature="36.5")
    assert again.decision is not None and again.decision.reason is Reason.PREVIOUSLY_FLAGGED


def test_provisional_admission_refused_for_a_verifiable_code(bench: Bench) -> None:
    gate = GateService(bench.station)
    out = gate.scan(bench.code(sts="yellow"), temperature="36.5")
    with pytest.raises(IllegalTransition):
        gate.provisional_admit(out, "trust me", text="x")


def test_secondary_check_decides_referred_travellers_only(bench: Bench) -> None:
    gate = GateService(bench.station)
    referred = gate.scan(bench.code(sts="yellow"), temperature="36.5")
    assert referred.journey.state is JourneyState.REFERRED
    entered = gate.secondary_decision(referred.traveller, admit=True, reason="nucleic test neg")
    assert entered.journey.state is JourneyState.ENTERED
    with pytest.raises(IllegalTransition) as refused:
        gate.secondary_decision(referred.traveller, admit=False, reason="changed my mind")
    assert refused.value.code is JourneyProblem.ALREADY_ENTERED


def test_hand_over_needs_an_entered_or_referred_traveller(bench: Bench) -> None:
    gate = GateService(bench.station)
    waiting = gate.scan(bench.code())
    with pytest.raises(IllegalTransition) as refused:
        gate.hand_over(waiting.traveller, "night team")
    assert refused.value.code is JourneyProblem.NOT_ADMITTED
    gate.temperature(waiting, "36.5")
    handed = gate.hand_over(waiting.traveller, "night team")
    assert handed.journey.state is JourneyState.HANDED_OVER
    assert handed.journey.entry is not None  # the entry stands through a hand-over


def test_override_needs_the_supervisor_pin(bench: Bench) -> None:
    gate = GateService(bench.station)
    denied = gate.scan(bench.code(sts="red"), temperature="36.5")
    with pytest.raises(NotAuthorised, match="no supervisor PIN"):
        gate.override(
            denied.traveller, target=JourneyState.ENTERED, reason="x", supervisor="李", pin="1234"
        )
    SupervisorPin(bench.station.db, bench.clock).set_pin("482913")
    with pytest.raises(NotAuthorised, match="wrong supervisor PIN"):
        gate.override(
            denied.traveller, target=JourneyState.ENTERED, reason="x", supervisor="李", pin="1"
        )
    with pytest.raises(IllegalTransition) as no_reason:
        gate.override(
            denied.traveller, target=JourneyState.ENTERED, reason=" ", supervisor="李",
            pin="482913",
        )  # fmt: skip
    assert no_reason.value.code is JourneyProblem.REASON_REQUIRED
    done = gate.override(
        denied.traveller,
        target=JourneyState.ENTERED,
        reason="colour corrected by the health office by phone",
        supervisor="李站长",
        pin="482913",
    )
    assert done.journey.state is JourneyState.ENTERED
    event = done.events[0]
    assert event.operator == "李站长"
    assert json.loads(event.payload)["target"] == "entered"


def test_projections_rebuilt_from_events_equal_the_stored_ones(bench: Bench) -> None:
    gate = GateService(bench.station)
    for i, (sts, temp) in enumerate(
        [("green", "36.5"), ("yellow", "36.6"), ("red", "36.6"), ("green", "37.9")]
    ):
        gate.scan(
            bench.code(sts=sts, cid=f"{'abcdefghijklmnopqrstuvwxyz'[i]}" * 26), temperature=temp
        )
        bench.clock.advance(30)
    stored = projections.snapshot(bench.station.db)
    assert stored["p_travellers"] and stored["p_decisions"]
    with bench.station.use_case():
        projections.rebuild(bench.station.db)
    assert projections.snapshot(bench.station.db) == stored


def test_other_devices_events_merge_in_any_order(
    bench: Bench, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Two gates offline admit the same traveller; whichever events arrive first, the
    earliest entry wins and the projections agree."""
    from station_factory import make_bench

    other = make_bench(tmp_path_factory.mktemp("other"))
    other.issuer = bench.issuer
    code = bench.code()
    other_station = other.station
    other_station.with_verifier(bench.station.verifier)
    GateService(other_station, gate="gate 9").scan(code, temperature="36.5")  # earlier
    bench.clock.advance(60)
    GateService(bench.station, gate="gate 1").scan(code, temperature="36.5")
    foreign = list(other_station.log.events())
    # Bring the other gate's events in as the sync will: rows as they are, then projected.
    with bench.station.use_case():
        for e in foreign:
            bench.station.db.execute(
                "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [e.event_id, e.device_id, e.seq, e.occurred_at, e.clock_offset_ms, e.operator,
                 e.kind, e.payload, e.pii_digest, e.prev_hash, e.hash],
            )  # fmt: skip
        projections.apply_many(bench.station.db, reversed(foreign))
    journey = GateService(bench.station).journey(
        next(json.loads(e.payload)["traveller"] for e in foreign if e.kind == "scan")
    )
    assert journey.entry is not None and journey.entry.gate == "gate 9"
    row = bench.station.db.execute("SELECT duplicate_entries FROM p_travellers").fetchone()
    assert row[0] == 1
    stored = projections.snapshot(bench.station.db)
    with bench.station.use_case():
        projections.rebuild(bench.station.db)
    assert projections.snapshot(bench.station.db) == stored
    assert verify_chain(bench.station.db).ok
    other_station.close()


def test_no_phone_lookup_by_name_or_id_suffix_refers_with_masked_holder(bench: Bench) -> None:
    from phi1_factory import base_claims

    from checkpoint_app.domain.roster import parse_roster_rows
    from checkpoint_app.store.rosters import import_rosters

    header = ["roster", "title", "booking", "name", "id_number", "phone", "cid", "seat"]
    rows = [
        ["HD-BUS-3", "海淀 3号车", "HD3-0001", "王小明", "110101199001011234", "13812340001",
         "", "1"],
        ["HD-BUS-3", "海淀 3号车", "HD3-0002", "李四", "110101199202022651", "13812340002",
         base_claims()["cid"], "2"],
    ]  # fmt: skip
    import_rosters(
        bench.station.log, parse_roster_rows([header, *rows]), source="t.csv", operator="t"
    )
    gate = GateService(bench.station, gate="gate 2", operator="小王")
    assert gate.lookup("  ") == []
    by_name = gate.lookup("小明")
    assert [(m.booking_id, m.name, m.id_number) for m in by_name] == [
        ("HD3-0001", "王**", "110***********1234")
    ]
    assert by_name[0].roster_title == "海淀 3号车"
    assert [m.booking_id for m in gate.lookup("2651")] == ["HD3-0002"]
    assert gate.lookup("265") == []  # an ID suffix needs four characters
    assert gate.lookup("nobody") == []

    match = by_name[0]
    with pytest.raises(IllegalTransition):
        gate.refer_without_phone(match, "  ")
    out = gate.refer_without_phone(match, "photo ID checked")
    assert out.journey.state is JourneyState.REFERRED
    assert out.traveller == "roster:HD-BUS-3/HD3-0001"
    assert out.display == {"name": "王**", "id_number": "110***********1234"}
    journey = out.events[-1]
    assert journey.kind == "journey" and "王小明" not in journey.payload
    assert json.loads(journey.payload)["cause"] == "no_phone"
    assert bench.station.log.pii(journey.event_id) == {
        "name": "王小明",
        "id_number": "110101199001011234",
    }
    with pytest.raises(IllegalTransition):  # already referred
        gate.refer_without_phone(match, "photo ID checked")
    assert verify_chain(bench.station.db).ok


def test_no_phone_and_on_no_roster_is_referred_by_the_name_typed(bench: Bench) -> None:
    gate = GateService(bench.station, gate="gate 2", operator="小王")
    with pytest.raises(IllegalTransition):
        gate.refer_unlisted("王", "", "photo ID")  # a name needs two characters
    with pytest.raises(IllegalTransition):
        gate.refer_unlisted("王小明", "", " ")  # what was checked is required
    out = gate.refer_unlisted(" 王小明 ", "11010119900101123x ", "身份证已核对")
    assert out.journey.state is JourneyState.REFERRED
    assert out.traveller.startswith("manual:") and "王" not in out.traveller
    assert out.display == {"name": "王**", "id_number": "110***********123X"}
    event = out.events[-1]
    assert json.loads(event.payload)["cause"] == "no_phone_unlisted"
    assert "王小明" not in event.payload and "123X" not in event.payload
    assert bench.station.log.pii(event.event_id) == {
        "name": "王小明",
        "id_number": "11010119900101123X",
    }
    # the same person typed again (other spaces, upper-case X) is the same traveller
    with pytest.raises(IllegalTransition):
        gate.refer_unlisted("王小明", " 11010119900101123X", "again")
    assert verify_chain(bench.station.db).ok
