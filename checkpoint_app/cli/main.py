"""The ``checkpoint-app`` command line (DESIGN.md §5).

Exit codes: 0 the command did its job (whatever the verdicts); 1 a check failed;
2 bad usage or unreadable input, with one line on stderr saying what to do.
Subcommands import only what they need, so ``verify`` starts fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Sequence

from checkpoint_app import __version__

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad usage or unreadable input: exit 2 with this one-line message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see --help)\n")


def _add_data_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        dest="sub_data_dir",
        metavar="DIR",
        help="runtime data directory (store and downloaded cache)",
    )


def _add_trust_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--trust-list", metavar="FILE", help="PHI1 trust list (replaces the cached one)"
    )
    parser.add_argument(
        "--revocations", metavar="FILE", help="PHI1 revocation list (replaces the cached one)"
    )
    parser.add_argument(
        "--dcc-cert",
        metavar="FILE",
        action="append",
        default=[],
        help="EU DCC document signer certificate, PEM or DER; repeatable (replaces the cached ones)",
    )
    parser.add_argument(
        "--at", metavar="TIME", help="verification clock: epoch seconds or ISO 8601"
    )
    parser.add_argument(
        "--demo", dest="sub_demo", action="store_true", help="also trust the demo issuer"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="checkpoint-app",
        description="Epidemic checkpoint station: scan and verify health codes, admit travellers, "
        "tick bus rosters, review and sync the log. 检查站：扫码核验、入场登记、车辆点名、日志审阅与同步。",
    )
    parser.add_argument("--version", action="version", version=f"checkpoint-app {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="runtime data directory")
    parser.add_argument(
        "--portable", action="store_true", help="keep data in checkpoint-data/ beside the program"
    )
    parser.add_argument(
        "--demo", action="store_true", help="demo mode: demo data, demo issuer trusted"
    )
    parser.add_argument(
        "--source",
        metavar="SOURCE",
        help="the GUI's camera: camera:N (default camera:0), a video file or an image folder",
    )
    parser.add_argument("--kiosk", action="store_true", help="start the GUI full screen")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation (store, verification, decoders, window, demo server, "
        "libraries) in a temporary directory; exit 0 when it works, 1 naming the failed step",
    )
    parser.add_argument(
        "--no-first-run",
        action="store_true",
        help="do not show the first-run wizard (set the station up later, or from the CLI)",
    )
    parser.add_argument(  # benchmarks/bench_bundle.py: time to a usable window
        "--exit-after-show", action="store_true", help=argparse.SUPPRESS
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    verify = sub.add_parser(
        "verify",
        help="verify QR texts offline; one JSON line per input line",
        description="Verify one QR text (or, with '-', one per line from stdin) against the offline "
        "cache or the given files. Prints exactly one JSON object per input line.",
    )
    _add_data_dir(verify)
    verify.add_argument(
        "text", metavar="TEXT | -", nargs="?", help="the QR text, or - to read lines from stdin"
    )
    _add_trust_options(verify)

    scan = sub.add_parser(
        "scan",
        help="decode QR codes from a camera, video, image or folder; one JSON line per code",
        description="Decode QR codes from camera:N, a video file, an image file or a folder of images "
        "(natural name order). Files are decoded frame by frame unless --realtime paces a video like "
        "a live camera. Prints one JSON line per decoded code, then a summary line.",
    )
    _add_data_dir(scan)
    scan.add_argument(
        "--source", required=True, metavar="SOURCE", help="camera:N, a video, an image or a folder"
    )
    scan.add_argument(
        "--decoder",
        default="auto",
        choices=["auto", "zxing", "pyzbar", "opencv"],
        help="QR decoder (default: auto)",
    )
    scan.add_argument("--verify", action="store_true", help="also verify each code offline")
    scan.add_argument(
        "--realtime",
        action="store_true",
        help="pace a video like a live camera (frames dropped, debounced)",
    )
    _add_trust_options(scan)

    admit = sub.add_parser(
        "admit",
        help="record a scanned code (and a temperature) and print the gate's decision",
        description="Verify the code offline, record the scan (a repeat is recorded as a repeat), "
        "the temperature when given, the decision and the journey transition it makes, and print "
        "the decision as one JSON object. Exit 0 for any decision. A first reading at or over the "
        "fever threshold gives remeasure; the next admit of the same code within 10 minutes is "
        "the second reading and decides. Works on a fresh data directory with built-in defaults.",
    )
    _add_data_dir(admit)
    admit.add_argument("--code", metavar="TEXT", help="the scanned QR text")
    admit.add_argument(
        "--temp", metavar="T", help="temperature as typed: 36.6, 36,6, 366 (°C), or 97.9F"
    )
    admit.add_argument("--gate", metavar="NAME", help="the gate (default: the station's)")
    admit.add_argument(
        "--operator", metavar="NAME", default="cli", help="who admits (recorded in the log)"
    )
    _add_trust_options(admit)

    roster = sub.add_parser("roster", help="bus and collection-point rosters")
    roster_sub = roster.add_subparsers(
        dest="roster_command", metavar="ACTION", parser_class=_Parser, required=True
    )
    roster_import = roster_sub.add_parser(
        "import",
        help="import a roster file (CSV or XLSX); all rows or none",
        description="Import one or more rosters from a CSV (UTF-8 or GB18030) or XLSX file (first sheet). "
        "Every row is checked first: on any error nothing is imported and the problems are listed "
        "with their row and column. A roster with an existing id is replaced.",
    )
    _add_data_dir(roster_import)
    roster_import.add_argument("file", metavar="FILE", help="the .csv or .xlsx roster")
    roster_import.add_argument(
        "--operator", default="cli", help="who imports it (recorded in the log)"
    )

    roster_status = roster_sub.add_parser(
        "status",
        help="progress of each roster (45/68), or of one with its missing passengers",
        description="One JSON line per roster: present/expected, absent, moved, departed. With a "
        "roster id, the missing passengers too (names and phones masked).",
    )
    _add_data_dir(roster_status)
    roster_status.add_argument("roster", nargs="?", metavar="ROSTER", help="a roster id")
    roster_manifest = roster_sub.add_parser(
        "manifest",
        help="write a roster's passenger manifest (CSV or PDF to print and sign)",
        description="Write the manifest of one roster: every passenger with their state (present, "
        "missing, absent, moved), when and how they were ticked, and the reasons. Personal fields "
        "are masked unless the supervisor's PIN is given (--pin or CHECKPOINT_SUPERVISOR_PIN).",
    )
    _add_data_dir(roster_manifest)
    roster_manifest.add_argument("roster", metavar="ROSTER", help="the roster id")
    roster_manifest.add_argument("out", metavar="OUT", help="the new .csv or .pdf file")
    roster_manifest.add_argument("--format", choices=["csv", "pdf"], help="default: from OUT")
    roster_manifest.add_argument("--pin", metavar="PIN", help="the supervisor PIN: unmasked")
    roster_manifest.add_argument(
        "--operator", default="cli", help="who exports it (recorded in the log)"
    )

    export = sub.add_parser(
        "export",
        help="export the event log (JSON Lines, CSV or XLSX), personal data masked",
        description="Write every event (one line or row per event, every kind) to OUT, a new file. "
        "Personal fields are masked unless the supervisor's PIN is given (--pin, or the "
        "CHECKPOINT_SUPERVISOR_PIN environment variable, which keeps it out of the process list).",
    )
    _add_data_dir(export)
    export.add_argument("out", metavar="OUT", help="the new file to write")
    export.add_argument(
        "--since", metavar="TIME", help="only events at or after TIME (epoch s or ISO 8601)"
    )
    export.add_argument(
        "--format", choices=["jsonl", "csv", "xlsx"], help="default: from OUT's suffix, else jsonl"
    )
    export.add_argument("--pin", metavar="PIN", help="the supervisor PIN: export unmasked")
    export.add_argument("--operator", default="cli", help="who exports it (recorded in the log)")

    log = sub.add_parser("log", help="the event log: verify its hash chain")
    log_sub = log.add_subparsers(
        dest="log_command", metavar="ACTION", parser_class=_Parser, required=True
    )
    log_verify = log_sub.add_parser(
        "verify",
        help="walk the hash chain of every device; exit 1 at the first broken link",
        description="Check that no event was edited, deleted, inserted or reordered: walks every "
        "device's hash chain and prints one JSON object (the chain heads, or the first broken link).",
    )
    _add_data_dir(log_verify)

    backup = sub.add_parser(
        "backup",
        help="write a consistent copy of the store (safe while the app runs)",
        description="Write a consistent copy of the local store to OUT (a new file) using SQLite's "
        "backup API, e.g. before swapping a laptop mid-shift.",
    )
    _add_data_dir(backup)
    backup.add_argument("out", metavar="OUT", help="the new file to write")
    backup.add_argument("--operator", default="cli", help="who takes it (recorded in the log)")

    enrol = sub.add_parser(
        "enrol",
        help="enrol this station with the central API using a one-time code",
        description="Enrol this station (its data directory) with the central API at URL using a "
        "one-time enrolment code from the administrator. The device token is kept in the OS "
        "keyring, or in a file only the owner can read; the API's root key is pinned.",
    )
    _add_data_dir(enrol)
    enrol.add_argument("url", metavar="URL", help="https://… (http only for 127.0.0.1)")
    enrol.add_argument("code", metavar="CODE", help="the one-time enrolment code")
    enrol.add_argument("--name", help="this station's name at the centre (default: host name)")

    sync = sub.add_parser(
        "sync",
        help="sync with the central API: upload events, download lists, rosters, others' events",
        description="Upload this station's pending events (exactly once), then download the other "
        "gates' events, the trust list, revocations, rules and rosters. Prints one JSON line per "
        "pass. With --once: one pass, exit 0 when it succeeded, 1 when the network failed.",
    )
    _add_data_dir(sync)
    sync.add_argument("--once", action="store_true", help="one pass, then exit")
    sync.add_argument(
        "--interval", type=float, default=30.0, metavar="S", help="seconds between passes"
    )

    demo_codes = sub.add_parser(
        "demo-codes",
        help="print fresh sample codes from the DEMO-ONLY issuer, one per line",
        description="Print fresh sample QR texts signed by the demo issuer (trusted only in demo mode), "
        "one per line; with --labels, 'label<TAB>text'.",
    )
    _add_data_dir(demo_codes)
    demo_codes.add_argument("--at", metavar="TIME", help="issue time: epoch seconds or ISO 8601")
    demo_codes.add_argument(
        "--labels", action="store_true", help="prefix each code with its label and a tab"
    )
    return parser


#: Subcommand → (module, function); imported only when used, so each command starts fast.
_COMMANDS: dict[str, tuple[str, str]] = {
    "verify": ("checkpoint_app.cli.verify_cmd", "run_verify"),
    "scan": ("checkpoint_app.cli.scan_cmd", "run_scan"),
    "admit": ("checkpoint_app.cli.admit_cmd", "run_admit"),
    "roster": ("checkpoint_app.cli.roster_cmd", "run_roster"),
    "export": ("checkpoint_app.cli.export_cmd", "run_export"),
    "log": ("checkpoint_app.cli.log_cmd", "run_log_verify"),
    "backup": ("checkpoint_app.cli.log_cmd", "run_backup"),
    "demo-codes": ("checkpoint_app.cli.demo_cmd", "run_demo_codes"),
    "enrol": ("checkpoint_app.cli.sync_cmd", "run_enrol"),
    "sync": ("checkpoint_app.cli.sync_cmd", "run_sync"),
}


def main(
    argv: Sequence[str] | None = None,
    *,
    gui: Callable[[argparse.Namespace], int] | None = None,
) -> int:
    """Run one subcommand; without one, ``gui`` (the desktop app, wired in by the entry
    point ``checkpoint_app.__main__``)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "sub_data_dir", None):
        args.data_dir = args.sub_data_dir
    if getattr(args, "sub_demo", False):
        args.demo = True
    try:
        if args.command in _COMMANDS:
            module, function = _COMMANDS[args.command]
            run: Callable[[argparse.Namespace], int] = getattr(
                importlib.import_module(module), function
            )
            return run(args)
        if gui is None:
            raise UsageError("no subcommand given (see --help)")
        return gui(args)
    except UsageError as exc:
        print(f"checkpoint-app: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader went away (``| head``): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:  # a bug: one line for the user, the traceback only on request
        if os.environ.get("CHECKPOINT_DEBUG"):
            raise
        print(
            f"checkpoint-app: internal error ({type(exc).__name__}: {exc}); please report it "
            "(set CHECKPOINT_DEBUG=1 for the details)",
            file=sys.stderr,
        )
        return EXIT_USAGE
