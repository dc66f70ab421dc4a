"""``checkpoint-app admit`` as a script runs it: fresh data directories, real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cli_runner import run_cli
from shared_paths import PROJECT_ROOT

from checkpoint_app.demo_issuer import DemoIssuer

T0 = 1_795_000_000  # the clock of these tests (--at)


def demo_code(label: str, at: int = T0) -> str:
    return next(c.text for c in DemoIssuer().sample_codes(at) if c.label == label)


def events(data_dir: Path) -> list[dict[str, object]]:
    run = run_cli("export", str(data_dir / "out.jsonl"), data_dir=data_dir)
    assert run.code == 0, run.stderr
    lines = (data_dir / "out.jsonl").read_text(encoding="utf-8").splitlines()
    (data_dir / "out.jsonl").unlink()
    return [json.loads(line) for line in lines]


def admit(data_dir: Path, code: str, *extra: str, at: int = T0) -> dict[str, object]:
    run = run_cli("admit", "--code", code, "--at", str(at), "--demo", *extra, data_dir=data_dir)
    assert run.code == 0, run.stderr
    (line,) = run.json_lines()
    return line


def test_fresh_data_dir_with_builtin_defaults(tmp_path: Path) -> None:
    data = tmp_path / "fresh" / "dir"
    run = run_cli("admit", "--code", demo_code("green"), data_dir=data)
    assert run.code == 0, run.stderr
    (line,) = run.json_lines()
    # Without --demo the demo issuer is not trusted and no trust list was ever fetched:
    # the code cannot be verified offline, so it goes to a manual check.
    assert line["decision"] == "refer" and line["reason"] == "TRUST_STALE_REFER"
    assert line["warnings"] == ["TRUST_MISSING"]
    assert [e["kind"] for e in events(data)] == ["scan", "decision"]


def test_green_admitted_then_repeat_recorded_as_repeat(tmp_path: Path) -> None:
    green = demo_code("green")
    first = admit(tmp_path, green, "--temp", "36.6", "--gate", "南门 2", "--operator", "小王")
    assert (first["decision"], first["journey"], first["repeat"]) == ("admit", "entered", False)
    assert first["holder"] == {"name": "王*", "id_number": "110***********2341"}
    # An hour later, with the refreshed code the phone shows then (dynamic codes expire).
    again = admit(tmp_path, demo_code("green", T0 + 3600), "--temp", "36.5", at=T0 + 3600)
    assert (again["decision"], again["reason"], again["repeat"]) == (
        "deny",
        "ALREADY_ENTERED",
        True,
    )
    assert again["already_entered"]["gate"] == "南门 2"  # type: ignore[index]
    kinds = [e["kind"] for e in events(tmp_path)]
    assert kinds.count("scan") == 2 and kinds.count("journey") == 1
    stored = events(tmp_path)
    assert all("王芳" not in json.dumps(e, ensure_ascii=False) for e in stored)


def test_fever_remeasured_within_ten_minutes_decides(tmp_path: Path) -> None:
    code = demo_code("green")
    first = admit(tmp_path, code, "--temp", "37.5")
    assert (first["decision"], first["reason"]) == ("remeasure", "FEVER_FIRST_READING")
    # Exactly ten minutes later, with the code refreshed meanwhile: the same traveller.
    second = admit(tmp_path, demo_code("green", T0 + 600), "--temp", "376", at=T0 + 600)
    assert (second["decision"], second["reason"]) == ("refer", "FEVER_CONFIRMED")


def test_fever_reading_after_ten_minutes_is_a_first_reading_again(tmp_path: Path) -> None:
    code = demo_code("green")
    admit(tmp_path, code, "--temp", "37.5")
    later = admit(tmp_path, demo_code("green", T0 + 601), "--temp", "37.5", at=T0 + 601)
    assert later["reason"] == "FEVER_FIRST_READING"


def test_every_decision_exits_zero(tmp_path: Path) -> None:
    seen = {}
    for i, sample in enumerate(DemoIssuer().sample_codes(T0)):
        line = admit(tmp_path / str(i), sample.text, "--temp", "36.5")
        seen[f"{i} {sample.label}"] = line["decision"]
    seen["junk"] = admit(tmp_path / "junk", "hello")["decision"]
    assert {"admit", "refer", "deny", "not_a_code"} <= set(seen.values()), seen


def test_bad_temperature_is_exit_2_and_records_nothing(tmp_path: Path) -> None:
    for temp in ("45", "abc", "33.9"):
        run = run_cli(
            "admit", "--code", demo_code("green"), "--temp", temp, "--demo", data_dir=tmp_path
        )
        assert run.code == 2 and run.stdout == ""
        assert run.stderr.count("\n") == 1 and "nothing was recorded" in run.stderr
    assert events(tmp_path) == []


def test_missing_code_and_unusable_data_dir_are_exit_2(tmp_path: Path) -> None:
    run = run_cli("admit", data_dir=tmp_path)
    assert run.code == 2 and "--code" in run.stderr
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    run = run_cli("admit", "--code", "x", data_dir=blocker / "sub")
    assert run.code == 2 and run.stderr.count("\n") == 1 and "Traceback" not in run.stderr
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "checkpoint.sqlite3").write_bytes(b"this is not a database" * 100)
    run = run_cli("admit", "--code", "x", data_dir=damaged)
    assert run.code == 2 and "Traceback" not in run.stderr, run.stderr


def test_admit_imports_neither_qt_nor_opencv(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from checkpoint_app.cli.main import main\n"
        f"code = main(['admit', '--code', 'hello', '--data-dir', {str(tmp_path)!r}])\n"
        "heavy = sorted(m for m in ('PySide6', 'cv2', 'zxingcpp', 'pyzbar') if m in sys.modules)\n"
        "print(code, heavy, file=sys.stderr)\n"
        "sys.exit(1 if heavy or code else 0)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
