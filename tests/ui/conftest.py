"""Fixtures for the screens: a real station on a temporary data directory (trusting a
test issuer, on a settable clock; ``tests/services/station_factory.py``) with two buses'
rosters imported."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))

from phi1_factory import base_claims
from station_factory import Bench, make_bench

from checkpoint_app.domain.roster import parse_roster_rows
from checkpoint_app.store.rosters import import_rosters
from checkpoint_app.ui.i18n import Language, current, set_current

HEADER = ["roster", "title", "booking", "name", "id_number", "phone", "cid", "seat"]
#: The test issuer's default holder (郑爽, ID …2651) is passenger HD3-9999.
CID = base_claims()["cid"]
ROSTERS = [
    ["HD-BUS-3", "海淀 3号车", "HD3-0001", "王芳", "110101199001010001", "13812340001", "", "1"],
    ["HD-BUS-3", "海淀 3号车", "HD3-0002", "李明", "110101199001010002", "13812340002", "", "2"],
    ["HD-BUS-3", "海淀 3号车", "HD3-9999", "郑爽", "420102199001012651", "15900005410", CID, "9"],
    ["HD-BUS-4", "海淀 4号车", "HD4-0001", "张伟", "110101199001010004", "13812340004", "", "1"],
]


def load_rosters(bench: Bench, rows: list[list[str]]) -> None:
    entries = parse_roster_rows([HEADER, *rows])
    import_rosters(bench.station.log, entries, source="test.csv", operator="test")


@pytest.fixture
def bench(tmp_path: Path) -> Iterator[Bench]:
    made = make_bench(tmp_path / "data")
    yield made
    made.station.close()


@pytest.fixture
def buses(bench: Bench) -> Bench:
    """The bench with HD-BUS-3 (3 passengers) and HD-BUS-4 (1) imported."""
    load_rosters(bench, ROSTERS)
    return bench


@pytest.fixture
def import_rows(bench: Bench) -> Callable[[list[list[str]]], None]:
    """Import more roster rows (the columns of ``HEADER``) into the bench's station."""
    return lambda rows: load_rosters(bench, rows)


@contextmanager
def chosen_language(language: Language) -> Iterator[None]:
    """Words that follow the chosen language (the verdict's, the screens' own) in
    ``language`` for a while, then as they were."""
    before = current()
    set_current(language)
    try:
        yield
    finally:
        set_current(before)


@pytest.fixture
def chinese_first() -> Iterator[None]:
    """Chinese first, as app.py starts (no translator installed: tr() stays English)."""
    with chosen_language(Language.ZH):
        yield


@pytest.fixture
def english_words() -> Iterator[None]:
    """Decision words follow the chosen language: English (no translator installed)."""
    with chosen_language(Language.EN):
        yield
