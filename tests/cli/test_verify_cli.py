"""``checkpoint-app verify`` follows the command-line contract of DESIGN.md §5."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_cli
from phi1_factory import NOW, Issuer
from shared_paths import phi1_dir

from checkpoint_app.store.offline_cache import write_cache_item

TRUST = str(phi1_dir() / "trust_list.json")
REVOCATIONS = str(phi1_dir() / "revocations.json")


def _cases() -> list[dict[str, Any]]:
    return [
        json.loads(p.read_text(encoding="utf-8"))
        for p in sorted((phi1_dir() / "cases").glob("*.json"))
    ]


def test_every_phi1_vector_through_stdin(tmp_path: Path) -> None:
    by_clock: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for case in _cases():
        by_clock[case["now"]].append(case)
    checked = 0
    for now, cases in by_clock.items():
        stdin = "".join(case["qr"] + "\n" for case in cases)
        run = run_cli("verify", "--trust-list", TRUST, "--revocations", REVOCATIONS, "--at", str(now), "-",
                      stdin=stdin, data_dir=tmp_path)  # fmt: skip
        assert run.code == 0, run.stderr
        lines = run.json_lines()
        assert len(lines) == len(cases)
        for case, line in zip(cases, lines, strict=True):
            expected = dict(case["expected"])
            assert set(line) == {"format", "result", "claims"}
            result = expected.pop("result")
            if result == "NOT_PHI1":
                # not PHI1: the command reports the format the text does have (DESIGN.md §5)
                assert line["format"] != "PHI1", case["name"]
                assert line["result"] in {"NOT_A_HEALTH_CODE", "ONLINE_ONLY", "MALFORMED"}, case[
                    "name"
                ]
            else:
                assert (line["format"], line["result"]) == ("PHI1", result), case["name"]
            if line["claims"] is None:
                assert not expected
            else:
                assert line["format"] == "PHI1"
                assert {k: line["claims"][k] for k in expected} == expected
            checked += 1
    assert checked == 56


def test_single_text_argument(tmp_path: Path) -> None:
    case = _cases()[0]
    run = run_cli(
        "verify", "--trust-list", TRUST, "--at", str(case["now"]), case["qr"], data_dir=tmp_path
    )
    assert run.code == 0
    (line,) = run.json_lines()
    assert line["result"] == "VALID"
    assert line["claims"]["nam"] == "郑爽"  # unmasked: whoever runs verify holds the code anyway
    assert run.stdout.endswith("}\n") and "\n" not in run.stdout[:-1]
    assert ": " not in run.stdout and ", " not in run.stdout.replace(", ", "", 0)  # compact


@pytest.mark.parametrize(
    "at",
    ["1586448288", "2020-04-09T16:04:48Z", "2020-04-09T16:04:48", "2020-04-10T00:04:48+08:00",
     "2020-04-09T16:04:48.123456789Z", "2020-04-09T18:04:48.2301946+02:00"],
)  # fmt: skip
def test_at_accepts_epoch_and_iso(at: str, tmp_path: Path) -> None:
    case = _cases()[0]  # valid at 1586448288 = 2020-04-09T16:04:48Z
    run = run_cli("verify", "--trust-list", TRUST, "--at", at, case["qr"], data_dir=tmp_path)
    assert run.code == 0, run.stderr
    assert run.json_lines()[0]["result"] == "VALID"


def test_hostile_lines_each_give_one_result(tmp_path: Path) -> None:
    lines = [
        b"",
        b"\x00\x01\x02\xff\xfe binary",
        b"PHI1:" + b"A" * 100_000,
        b"x" * 3_000_000,  # longer than the line buffer
        "PHI1:中文".encode(),
        b"\xef\xbb\xbfhello",
        b"HC1:" + b"%" * 50,
        b"PHI1:NCF\r",
    ]
    stdin = b"\xef\xbb\xbf" + b"\n".join(lines) + b"\nlast-without-newline"
    run = run_cli("verify", "--trust-list", TRUST, "-", stdin=stdin, data_dir=tmp_path)
    assert run.code == 0, run.stderr
    results = run.json_lines()
    assert len(results) == len(lines) + 1
    assert [r["result"] for r in results][:4] == [
        "NOT_A_HEALTH_CODE",
        "NOT_A_HEALTH_CODE",
        "TOO_LARGE",
        "NOT_A_HEALTH_CODE",
    ]
    assert results[7]["result"] == "MALFORMED"  # CRLF line end stripped
    assert all(r["claims"] is None for r in results)
    assert run.stderr == ""


def test_empty_stdin_prints_nothing(tmp_path: Path) -> None:
    run = run_cli("verify", "-", stdin=b"", data_dir=tmp_path)
    assert (run.code, run.stdout) == (0, "")


def test_no_trust_without_enrolment_or_demo(tmp_path: Path) -> None:
    case = _cases()[0]
    run = run_cli("verify", "--at", str(case["now"]), case["qr"], data_dir=tmp_path)
    assert run.json_lines()[0]["result"] == "UNKNOWN_KEY"


def test_demo_codes_verify_only_in_demo_mode(tmp_path: Path) -> None:
    codes = run_cli("demo-codes", "--labels", "--at", str(NOW), data_dir=tmp_path)
    assert codes.code == 0
    labels, texts = zip(*(line.split("\t", 1) for line in codes.stdout.splitlines()), strict=True)
    stdin = "\n".join(texts) + "\n"
    demo = run_cli(
        "verify", "--demo", "--at", str(NOW), "-", stdin=stdin, data_dir=tmp_path
    ).json_lines()
    plain = run_cli("verify", "--at", str(NOW), "-", stdin=stdin, data_dir=tmp_path).json_lines()
    verdicts = dict(zip(labels, (r["result"] for r in demo), strict=True))
    assert verdicts["green"] == "VALID"
    assert verdicts["green revoked"] == "REVOKED"
    assert verdicts["expired screenshot"] == "EXPIRED"
    assert verdicts["forged (edited after signing)"] == "BAD_SIGNATURE"
    assert verdicts["EU DCC vaccination"] == "VALID"
    assert verdicts["roster ticket"] == "ROSTER_ID"
    assert verdicts["online-only code"] == "ONLINE_ONLY"
    assert verdicts["not a health code"] == "NOT_A_HEALTH_CODE"
    phi1_plain = [
        r["result"] for r, label in zip(plain, labels, strict=True) if r["format"] == "PHI1"
    ]
    assert phi1_plain and set(phi1_plain) == {"UNKNOWN_KEY"}


def test_runtime_cache_is_used(tmp_path: Path) -> None:
    issuer = Issuer()
    write_cache_item(tmp_path, "phi1_trust_list", issuer.trust_doc(), fetched_at=NOW, source="test")
    run = run_cli("verify", "--at", str(NOW), issuer.issue(), data_dir=tmp_path)
    assert run.json_lines()[0]["result"] == "VALID"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read"),
        ("{not json", "not valid JSON"),
        (json.dumps({**Issuer().trust_doc(), "keys": Issuer(kid=b"k" * 8).trust_doc()["keys"] * 2}), "duplicate kid"),
        ('{"version": "x"}', "version"),
    ],
)  # fmt: skip
def test_unreadable_trust_list_exits_2_naming_the_file(
    tmp_path: Path, content: str | None, problem: str
) -> None:
    path = tmp_path / "trust.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    run = run_cli("verify", "--trust-list", str(path), "PHI1:x", data_dir=tmp_path)
    assert run.code == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1
    assert str(path) in run.stderr and problem in run.stderr


def test_unreadable_certificate_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "dsc.pem"
    path.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
    run = run_cli("verify", "--dcc-cert", str(path), "HC1:x", data_dir=tmp_path)
    assert run.code == 2 and str(path) in run.stderr and len(run.stderr.strip().splitlines()) == 1


def test_corrupt_runtime_cache_exits_2(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / "phi1_revocations.json").write_text("[]", encoding="utf-8")
    run = run_cli("verify", "PHI1:x", data_dir=tmp_path)
    assert run.code == 2 and "phi1_revocations.json" in run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("verify",),
        ("verify", "--at", "yesterday", "x"),
        ("verify", "--at", "2021-02-30T00:00:00Z", "x"),
        ("frobnicate",),
    ],
)
def test_bad_usage_exits_2_with_one_line(args: tuple[str, ...], tmp_path: Path) -> None:
    run = run_cli(*args)
    assert run.code == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
