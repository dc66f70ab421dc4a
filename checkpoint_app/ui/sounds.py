"""A distinct sound per outcome (``resources/sounds``, made by ``scripts/make_sounds.py``).

Sounds never block: ``QSoundEffect`` plays asynchronously. Without an audio device
(a headless test machine) playing is silently skipped.
"""

from __future__ import annotations

from PySide6.QtCore import QUrl

from checkpoint_app.paths import resource_dir

#: Outcome → sound file; anything not listed plays "other".
FILES = {
    "admit": "admit",
    "provisional": "admit",
    "measure": "measure",
    "remeasure": "remeasure",
    "refer": "refer",
    "deny": "deny",
    "neutral": "other",  # bystander-safe mode: one sound for every outcome
}


class Sounds:
    def __init__(self) -> None:
        self._effects: dict[str, object] = {}
        self.played: list[str] = []  # what was asked for (tests, bystander-safe audit)
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:  # Qt Multimedia missing: no sounds
            self._cls = None
        else:
            self._cls = QSoundEffect

    def _effect(self, name: str) -> object | None:
        if self._cls is None:
            return None
        if name not in self._effects:
            effect = self._cls()
            effect.setSource(QUrl.fromLocalFile(str(resource_dir() / "sounds" / f"{name}.wav")))
            effect.setVolume(0.8)
            self._effects[name] = effect
        return self._effects[name]

    def play(self, outcome: str) -> None:
        name = FILES.get(outcome, "other")
        self.played.append(name)
        effect = self._effect(name)
        if effect is not None:
            effect.play()  # type: ignore[attr-defined]
