"""``checkpoint-app enrol URL CODE`` and ``checkpoint-app sync [--once]``."""

from __future__ import annotations

import argparse
import json
import socket
import time

from checkpoint_app.cli.common import open_cli_station, utf8_stdout
from checkpoint_app.cli.main import EXIT_CHECK_FAILED, EXIT_OK, UsageError
from checkpoint_app.sync.client import ApiClient, ApiError, BadUrl, Refused
from checkpoint_app.sync.engine import SyncEngine, enrol, sync_status
from checkpoint_app.sync.worker import transport_for


def _print(line: object) -> None:
    out = utf8_stdout()
    out.write(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()


def run_enrol(args: argparse.Namespace) -> int:
    try:
        client = ApiClient(args.url)
    except BadUrl as exc:
        raise UsageError(str(exc)) from None
    station = open_cli_station(args)
    name = args.name or socket.gethostname()
    try:
        done = enrol(station, client, client.base_url, args.code, name)
    except Refused as exc:
        raise UsageError(f"enrolment refused: {exc} (ask for a new enrolment code)") from None
    except ApiError as exc:
        raise UsageError(f"cannot enrol: {exc}") from None
    _print(
        {
            "enrolled": True,
            "device_id": done.device_id,
            "checkpoint": {"id": done.checkpoint_id, "name": done.checkpoint_name},
            "token": "keyring" if done.token_stored_in == "keyring" else "file",
        }
    )
    return EXIT_OK


def run_sync(args: argparse.Namespace) -> int:
    station = open_cli_station(args)
    transport = transport_for(station)
    if transport is None:
        raise UsageError("this station is not enrolled: run 'checkpoint-app enrol URL CODE' first")
    engine = SyncEngine(station, transport)
    while True:
        result = engine.run_once()
        _print({"result": result.to_json(), "status": sync_status(station).to_json()})
        if args.once:
            if result.needs_enrolment:
                raise UsageError("the central API no longer accepts this station: enrol again")
            return EXIT_OK if result.ok else EXIT_CHECK_FAILED
        if result.needs_enrolment:
            raise UsageError("the central API no longer accepts this station: enrol again")
        time.sleep(result.retry_in if result.retry_in is not None else args.interval)
