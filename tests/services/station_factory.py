"""A station on a temporary data directory, trusting a test issuer, on a settable clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from phi1_factory import NOW, Issuer, base_claims

from checkpoint_app.domain.trust import Revocations, parse_revocations
from checkpoint_app.domain.verifier import Verifier
from checkpoint_app.services.station import Station


@dataclass
class Clock:
    now: float = NOW

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Bench:
    """A station and what made it: the issuer, the clock, the data directory."""

    station: Station
    issuer: Issuer
    clock: Clock
    data_dir: Path
    revoked: list[str] = field(default_factory=list)

    def code(self, **claims: Any) -> str:
        claims.setdefault("exp", NOW + 86400 * 30)
        return self.issuer.issue(base_claims(**claims))


def make_bench(data_dir: Path, *, revoked: list[str] | None = None, **station_kwargs: Any) -> Bench:
    issuer, clock = Issuer(), Clock()
    revocations = (
        parse_revocations({"version": 1, "cids": revoked}) if revoked else Revocations.empty()
    )
    verifier = Verifier(trust_list=issuer.trust_list(), revocations=revocations)
    station = Station(data_dir, clock=clock, verifier=verifier, **station_kwargs)
    return Bench(station, issuer, clock, data_dir, revoked or [])
