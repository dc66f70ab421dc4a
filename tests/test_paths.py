from __future__ import annotations

from pathlib import Path

import pytest

from checkpoint_app import paths


def test_explicit_data_dir_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    assert paths.data_dir(tmp_path / "x") == (tmp_path / "x").resolve()
    assert paths.data_dir() == (tmp_path / "env").resolve()


def test_portable_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "executable_dir", lambda: tmp_path)
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    assert paths.data_dir(portable=True) == tmp_path / "checkpoint-data"
    assert paths.data_dir() != tmp_path / "checkpoint-data"
    (tmp_path / "checkpoint-data").mkdir()
    assert (
        paths.data_dir() == tmp_path / "checkpoint-data"
    )  # the folder's presence selects portable mode


def test_user_data_dir_by_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(paths, "executable_dir", lambda: tmp_path)
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    assert "checkpoint_app" in str(paths.data_dir())


def test_shipped_folders_exist() -> None:
    assert (paths.seed_dir() / "README.md").is_file()
    assert (paths.resource_dir() / "dcc_schemas").is_dir()


# -- portable mode: every piece of state in checkpoint-data/ (DESIGN.md §7, issue 8) ------

import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402

from shared_paths import PROJECT_ROOT  # noqa: E402

from checkpoint_app.sync import credentials  # noqa: E402


def test_is_portable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(paths, "executable_dir", lambda: tmp_path)
    assert paths.is_portable(tmp_path / "checkpoint-data")
    assert paths.is_portable(tmp_path / "checkpoint-data" / "demo")  # the demo station too
    assert not paths.is_portable(tmp_path)
    assert not paths.is_portable(tmp_path / "elsewhere")
    assert paths.log_dir(tmp_path / "d") == tmp_path / "d" / "logs"


class FakeKeyring:
    """A working OS keyring, as on Windows or a desktop with Secret Service."""

    priority = 5

    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], str] = {}

    def set_password(self, service: str, account: str, token: str) -> None:
        self.saved[(service, account)] = token

    def get_password(self, service: str, account: str) -> str | None:
        return self.saved.get((service, account))

    def delete_password(self, service: str, account: str) -> None:
        self.saved.pop((service, account), None)


@pytest.fixture
def fake_keyring(monkeypatch: pytest.MonkeyPatch) -> FakeKeyring:
    ring = FakeKeyring()
    module = types.ModuleType("keyring")
    module.get_keyring = lambda: ring  # type: ignore[attr-defined]
    module.set_password = ring.set_password  # type: ignore[attr-defined]
    module.get_password = ring.get_password  # type: ignore[attr-defined]
    module.delete_password = ring.delete_password  # type: ignore[attr-defined]
    backends = types.ModuleType("keyring.backends")
    fail = types.ModuleType("keyring.backends.fail")
    fail.Keyring = type("Keyring", (), {})  # type: ignore[attr-defined]
    backends.fail = fail  # type: ignore[attr-defined]
    module.backends = backends  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "keyring", module)
    monkeypatch.setitem(sys.modules, "keyring.backends", backends)
    monkeypatch.setitem(sys.modules, "keyring.backends.fail", fail)
    monkeypatch.delenv("CHECKPOINT_NO_KEYRING", raising=False)
    return ring


def test_the_token_never_goes_to_the_keyring_in_portable_mode(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_keyring: FakeKeyring
) -> None:
    monkeypatch.setattr(paths, "executable_dir", lambda: tmp_path)
    installed = credentials.TokenStore(tmp_path / "home-data", "dev1")
    assert installed.save("t-installed") == "keyring"  # a normal station uses the keyring
    assert not (tmp_path / "home-data" / "device-token").exists()

    portable = tmp_path / "checkpoint-data"  # chosen by the folder's presence, no flag
    store = credentials.TokenStore(portable, "dev2")
    where = store.save("t-portable")
    assert where == str(portable / "device-token")
    assert (portable / "device-token").read_text(encoding="utf-8") == "t-portable"
    assert store.load() == "t-portable"
    assert list(fake_keyring.saved.values()) == ["t-installed"]
    store.clear()
    assert not (portable / "device-token").exists()


#: Runs the real entry point with the executable's folder set to argv[1] (as a frozen
#: app beside its checkpoint-data/ would be) and a working OS keyring that records use.
PORTABLE_RUNNER = """
import json, sys, types
from pathlib import Path
import checkpoint_app.paths as paths
paths.executable_dir = lambda: Path(sys.argv[1])
calls = []
ring = types.SimpleNamespace(priority=5, set_password=lambda *a: calls.append("set"),
                             get_password=lambda *a: calls.append("get"),
                             delete_password=lambda *a: calls.append("delete"))
fail = types.ModuleType("keyring.backends.fail"); fail.Keyring = type("Keyring", (), {})
backends = types.ModuleType("keyring.backends"); backends.fail = fail
keyring = types.ModuleType("keyring"); keyring.get_keyring = lambda: ring
keyring.set_password = ring.set_password; keyring.get_password = ring.get_password
keyring.delete_password = ring.delete_password; keyring.backends = backends
sys.modules.update({"keyring": keyring, "keyring.backends": backends,
                    "keyring.backends.fail": fail})
from checkpoint_app.__main__ import main
code = main(sys.argv[2:])
Path(sys.argv[1], "keyring-calls.json").write_text(json.dumps(calls))
sys.exit(code)
"""


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_a_portable_demo_station_keeps_everything_in_checkpoint_data(tmp_path: Path) -> None:
    """The GUI in demo mode (it enrols with its in-process central API, so a device token
    is written) beside an empty checkpoint-data/: the store, the token, the log and the
    demo server's database all land there; nothing in the user's home or config folders,
    no keyring, and the shipped seed is untouched."""
    stick = tmp_path / "stick"
    (stick / "checkpoint-data").mkdir(parents=True)
    home = tmp_path / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),  # fontconfig's cache may go here
        "QT_QPA_PLATFORM": "offscreen",
    }
    env.pop("CHECKPOINT_NO_KEYRING", None)
    env.pop(paths.DATA_DIR_ENV, None)
    seed_before = _tree(paths.seed_dir())
    proc = subprocess.run(
        [sys.executable, "-c", PORTABLE_RUNNER, str(stick), "--demo", "--exit-after-show"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "window shown" in proc.stdout
    data = stick / "checkpoint-data" / "demo"
    assert (data / "checkpoint.sqlite3").is_file()
    assert (data / "device-token").is_file()  # enrolled: the token is on the stick
    assert (data / "demo-central.sqlite3").is_file()
    assert (data / "logs" / "checkpoint-app.log").is_file()
    assert json.loads((stick / "keyring-calls.json").read_text()) == []
    home_files = [p for p in home.rglob("*") if p.is_file()] if home.exists() else []
    assert home_files == []
    assert _tree(paths.seed_dir()) == seed_before
    assert {p.name for p in stick.iterdir()} == {"checkpoint-data", "keyring-calls.json"}
    assert not (PROJECT_ROOT / "checkpoint-data").exists()
