"""``checkpoint-central``: serve the API, administer it, export its OpenAPI document.

::

    checkpoint-central serve [--host 127.0.0.1] [--port 8750] [--database-url URL]
                             [--tls-cert CERT.pem --tls-key KEY.pem] [--log-level info]
    checkpoint-central admin [--database-url URL] checkpoint create ID --name NAME
    checkpoint-central admin checkpoint list
    checkpoint-central admin enrolment-code CHECKPOINT [--ttl-hours H]
    checkpoint-central admin device list | device revoke DEVICE_ID
    checkpoint-central admin roster import CHECKPOINT FILE
    checkpoint-central admin rules set CHECKPOINT FILE
    checkpoint-central admin revoke CID
    checkpoint-central admin demo-code --name NAME --id-masked 110***********2341
                             --status green|yellow|red [--ttl S] [--cid CID] [--idt 01]
                             [--tel 139****2201] [--nat neg|pos] [--iss 110000]
    checkpoint-central admin health-code set ID --status green|yellow|red
    checkpoint-central openapi [OUT | -]

The database is ``--database-url`` (after ``admin`` or after the subcommand), else
``$CHECKPOINT_CENTRAL_DATABASE_URL``, else ``sqlite:///central.sqlite3`` in the
current directory. Output is JSON (one object per line) unless said otherwise;
exit 0 when done, 2 for bad usage or input with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from central import DATABASE_URL_ENV, DEFAULT_DATABASE_URL, DEFAULT_HOST, DEFAULT_PORT
from central.db import DatabaseError
from central.phi1 import STATUSES
from central.rosters import RosterFileError, read_roster_file
from central.rules import RulesError
from central.server import ServeError
from central.store import Central, CentralError

OPENAPI_FILE: Final = (
    Path(__file__).resolve().parent.parent / "resources" / "openapi" / "central-v1.json"
)


class UsageError(Exception):
    pass


def _out(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False), flush=True)


def _database_url(args: argparse.Namespace) -> str:
    return (
        getattr(args, "database_url", None)
        or os.environ.get(DATABASE_URL_ENV)
        or DEFAULT_DATABASE_URL
    )


def _when(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds")


def _read_json(path: str) -> Any:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{path}: not JSON ({exc})") from None


# -- commands ----------------------------------------------------------------------------
def cmd_serve(args: argparse.Namespace) -> int:
    import logging

    from central.app import create_app
    from central.server import check_tls, serve

    if not 0 < args.port < 65536:
        raise UsageError("--port must be 1 to 65535")
    check_tls(args.host, args.tls_cert, args.tls_key)  # before touching the database
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s: %(message)s")
    app = create_app(_database_url(args))
    scheme = "https" if args.tls_cert else "http"
    print(
        f"checkpoint-central: serving API v1 on {scheme}://{args.host}:{args.port} "
        f"(database {_safe_url(_database_url(args))})",
        file=sys.stderr,
        flush=True,
    )
    serve(
        app,
        args.host,
        args.port,
        tls_cert=args.tls_cert,
        tls_key=args.tls_key,
        log_level=args.log_level,
    )
    return 0


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "(unparsable URL)"


def cmd_openapi(args: argparse.Namespace) -> int:
    from central.app import openapi_document

    text = json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"
    if args.out == "-":
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{out}: cannot write it ({exc.strerror})") from None
    print(f"wrote {out}", file=sys.stderr)
    return 0


def _admin(
    run: Callable[[Central, argparse.Namespace], None],
) -> Callable[[argparse.Namespace], int]:
    def command(args: argparse.Namespace) -> int:
        central = Central(_database_url(args))
        try:
            run(central, args)
        finally:
            central.close()
        return 0

    return command


def _checkpoint_create(central: Central, args: argparse.Namespace) -> None:
    _out(central.create_checkpoint(args.id, args.name))


def _checkpoint_list(central: Central, args: argparse.Namespace) -> None:
    for checkpoint in central.list_checkpoints():
        _out(checkpoint)


def _enrolment_code(central: Central, args: argparse.Namespace) -> None:
    if not 0 < args.ttl_hours <= 365 * 24:
        raise UsageError("--ttl-hours must be more than 0 and at most 8760 (a year)")
    made = central.new_enrolment_code(args.checkpoint, int(args.ttl_hours * 3600))
    print(made["code"], flush=True)
    print(
        f"one-time enrolment code for {made['checkpoint']}, valid until "
        f"{_when(made['expires_at'])}",
        file=sys.stderr,
    )


def _device_list(central: Central, args: argparse.Namespace) -> None:
    for device in central.list_devices():
        _out(device)


def _device_revoke(central: Central, args: argparse.Namespace) -> None:
    changed = central.revoke_device(args.device_id)
    _out({"device_id": args.device_id, "revoked": True, "already_revoked": not changed})


def _roster_import(central: Central, args: argparse.Namespace) -> None:
    central.checkpoint(args.checkpoint)  # a clear error before reading a big file
    rosters = read_roster_file(Path(args.file))
    imported = central.import_rosters(args.checkpoint, rosters, source=Path(args.file).name)
    _out({"checkpoint": args.checkpoint, "rosters": imported})


def _rules_set(central: Central, args: argparse.Namespace) -> None:
    _out(
        {
            "checkpoint": args.checkpoint,
            "rules": central.set_rules(args.checkpoint, _read_json(args.file)),
        }
    )


def _revoke(central: Central, args: argparse.Namespace) -> None:
    changed = central.revoke(args.cid)
    version = central.revocations()["version"]
    _out({"cid": args.cid, "revoked": True, "already_revoked": not changed, "version": version})


def _demo_code(central: Central, args: argparse.Namespace) -> None:
    issued = central.issue_code(
        name=args.name,
        id_masked=args.id_masked,
        status=args.status,
        ttl_s=args.ttl,
        cid=args.cid,
        idt=args.idt,
        tel=args.tel,
        nat=args.nat,
        iss=args.iss,
    )
    print(issued["code"], flush=True)
    print(
        f"PHI1 code {issued['cid']} ({args.status}), issuer {issued['iss']} kid {issued['kid']}, "
        f"valid until {_when(issued['exp'])}; its status is registered for /v1/health-codes",
        file=sys.stderr,
    )


def _health_code_set(central: Central, args: argparse.Namespace) -> None:
    central.set_health_code(args.id, args.status)
    _out({"id": args.id, "status": args.status})


# -- parser ------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    db = argparse.ArgumentParser(add_help=False)
    db.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help=f"sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST/DB "
        f"(default: ${DATABASE_URL_ENV}, else {DEFAULT_DATABASE_URL})",
    )
    parser = argparse.ArgumentParser(
        prog="checkpoint-central",
        description="The reference central API server of checkpoint_app (docs/sync-protocol.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve", parents=[db], help="serve the API (plain HTTP on loopback only, else TLS)"
    )
    serve.add_argument("--host", default=DEFAULT_HOST, help=f"default {DEFAULT_HOST}")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"default {DEFAULT_PORT}")
    serve.add_argument("--tls-cert", metavar="PEM", help="certificate chain (PEM) for HTTPS")
    serve.add_argument("--tls-key", metavar="PEM", help="private key (PEM) for HTTPS")
    serve.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )
    serve.set_defaults(run=cmd_serve)

    openapi = commands.add_parser("openapi", help="write the OpenAPI document of API v1")
    openapi.add_argument(
        "out",
        nargs="?",
        default=str(OPENAPI_FILE),
        help=f"file, or - for stdout (default {OPENAPI_FILE})",
    )
    openapi.set_defaults(run=cmd_openapi)

    admin = commands.add_parser(
        "admin", parents=[db], help="checkpoints, enrolment codes, devices, lists, rosters, codes"
    )
    groups = admin.add_subparsers(dest="group", required=True, metavar="WHAT")

    checkpoint = groups.add_parser("checkpoint", help="create or list checkpoints")
    cp = checkpoint.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = cp.add_parser("create", parents=[db], help="create a checkpoint")
    create.add_argument("id", help="e.g. BJW-GATE (letters, digits, _ . -)")
    create.add_argument("--name", required=True, help="e.g. 北京西站 南门")
    create.set_defaults(run=_admin(_checkpoint_create))
    cp.add_parser("list", parents=[db], help="list the checkpoints").set_defaults(
        run=_admin(_checkpoint_list)
    )

    code = groups.add_parser(
        "enrolment-code", parents=[db], help="print a fresh one-time enrolment code"
    )
    code.add_argument("checkpoint")
    code.add_argument(
        "--ttl-hours", type=float, default=168.0, help="validity (default 168 = 7 days)"
    )
    code.set_defaults(run=_admin(_enrolment_code))

    device = groups.add_parser("device", help="list or revoke devices")
    dv = device.add_subparsers(dest="action", required=True, metavar="ACTION")
    dv.add_parser("list", parents=[db], help="one JSON line per device").set_defaults(
        run=_admin(_device_list)
    )
    revoke_device = dv.add_parser("revoke", parents=[db], help="revoke a device's token")
    revoke_device.add_argument("device_id")
    revoke_device.set_defaults(run=_admin(_device_revoke))

    roster = groups.add_parser("roster", help="import rosters")
    rs = roster.add_subparsers(dest="action", required=True, metavar="ACTION")
    imp = rs.add_parser(
        "import", parents=[db], help="import a CSV (UTF-8/GB18030) or XLSX roster file"
    )
    imp.add_argument("checkpoint")
    imp.add_argument("file")
    imp.set_defaults(run=_admin(_roster_import))

    rules = groups.add_parser("rules", help="set a checkpoint's rules file")
    rl = rules.add_subparsers(dest="action", required=True, metavar="ACTION")
    rules_set = rl.add_parser("set", parents=[db], help="set the rules (docs/rules-file.md)")
    rules_set.add_argument("checkpoint")
    rules_set.add_argument("file", help="a JSON rules file; {} for the defaults")
    rules_set.set_defaults(run=_admin(_rules_set))

    revoke = groups.add_parser(
        "revoke", parents=[db], help="put a health-code id on the revocation list"
    )
    revoke.add_argument("cid")
    revoke.set_defaults(run=_admin(_revoke))

    demo = groups.add_parser(
        "demo-code", parents=[db], help="issue a PHI1 code with the server's issuer key"
    )
    demo.add_argument("--name", required=True, help="the holder's name")
    demo.add_argument("--id-masked", required=True, help="e.g. 110***********2341")
    demo.add_argument("--status", required=True, choices=STATUSES)
    demo.add_argument(
        "--ttl", type=int, default=300, help="seconds the code is valid (default 300)"
    )
    demo.add_argument("--cid", help="the health-code id (default: a new one)")
    demo.add_argument(
        "--idt", default="01", help="document type: 01 ID card (default), 03 passport, ..."
    )
    demo.add_argument("--tel", help="masked phone, e.g. 139****2201")
    demo.add_argument(
        "--nat", choices=["neg", "pos"], help="a nucleic-acid test result an hour ago"
    )
    demo.add_argument("--iss", help="sign with the held key of this issuer (default: the newest)")
    demo.set_defaults(run=_admin(_demo_code))

    health = groups.add_parser("health-code", help="online statuses of health codes")
    hc = health.add_subparsers(dest="action", required=True, metavar="ACTION")
    hc_set = hc.add_parser("set", parents=[db], help="set the status of an (online-only) code id")
    hc_set.add_argument("id")
    hc_set.add_argument("--status", required=True, choices=STATUSES)
    hc_set.set_defaults(run=_admin(_health_code_set))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (
        UsageError,
        CentralError,
        DatabaseError,
        RosterFileError,
        RulesError,
        ServeError,
    ) as exc:
        if isinstance(exc, RosterFileError) and len(exc.problems) > 1:
            print(
                f"checkpoint-central: error: {len(exc.problems)} problems, nothing imported:",
                file=sys.stderr,
            )
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
        else:
            print(f"checkpoint-central: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
