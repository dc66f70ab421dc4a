"""``checkpoint-app admit --code TEXT [--temp T] [--gate NAME] [--operator NAME]``.

Works on a fresh, empty data directory with the built-in defaults. Every call records
at least one event (a repeat scan is recorded as a repeat) and prints the decision as
one JSON object; exit 0 for any decision, deny included. A first reading at or over the
threshold gives ``remeasure``; the next ``admit`` of the same code within the remeasure
window (10 minutes) is the second reading and decides. Imports neither Qt nor OpenCV.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path

from checkpoint_app.cli.common import clock, resolve_data_dir, utf8_stdout
from checkpoint_app.cli.main import EXIT_OK, UsageError
from checkpoint_app.domain.temperature import TemperatureError
from checkpoint_app.services.gate import GateService
from checkpoint_app.services.station import ConfigError, open_station
from checkpoint_app.store.database import StoreError, store_errors
from checkpoint_app.store.offline_cache import (
    CacheError,
    read_dcc_cert_file,
    read_revocations_file,
    read_trust_list_file,
)


def run_admit(args: argparse.Namespace) -> int:
    if args.code is None:
        raise UsageError("give the scanned code with --code TEXT")
    now = clock(args)
    try:
        station = open_station(resolve_data_dir(args), demo=args.demo, clock=now)
        if args.trust_list or args.revocations or args.dcc_cert:
            from checkpoint_app.domain.dcc import DccTrust

            verifier = station.verifier
            if args.trust_list:
                verifier = replace(verifier, trust_list=read_trust_list_file(Path(args.trust_list)))
            if args.revocations:
                verifier = replace(
                    verifier, revocations=read_revocations_file(Path(args.revocations))
                )
            if args.dcc_cert:
                signers = [s for name in args.dcc_cert for s in read_dcc_cert_file(Path(name))]
                verifier = replace(verifier, dcc_trust=DccTrust.of(signers))
            station.with_verifier(verifier)
        gate = GateService(station, gate=args.gate, operator=args.operator)
        try:
            reading = gate.parse_temperature(args.temp) if args.temp is not None else None
        except TemperatureError as exc:
            raise UsageError(
                f"--temp {args.temp!r}: {_temperature_problem(exc)}; nothing was recorded"
            ) from None
        with store_errors(station.data_dir):
            outcome = gate.scan(args.code, temperature=reading, source="cli")
    except (ConfigError, StoreError) as exc:
        raise UsageError(str(exc)) from None
    except CacheError as exc:
        raise UsageError(f"{exc.path}: {exc.problem}") from None
    out = utf8_stdout()
    out.write(json.dumps(outcome.to_json(), ensure_ascii=False, separators=(",", ":")) + "\n")
    return EXIT_OK


def _temperature_problem(exc: TemperatureError) -> str:
    code = str(exc.code)
    if code == "TOO_LOW":
        return f"{exc.celsius:.1f} °C is below 34.0 °C: measure again"
    if code == "TOO_HIGH":
        return f"{exc.celsius:.1f} °C is above 42.5 °C: measure again (Fahrenheit needs an F)"
    return "not a temperature; type e.g. 36.6, 36,6 or 366"
