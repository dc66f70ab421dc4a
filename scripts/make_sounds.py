"""Generate the outcome sounds in resources/sounds/ (16-bit mono WAV, 22,050 Hz).

One distinct, short pattern per outcome, recognisable without looking: admit two
rising tones, measure/re-measure one middle tone, refer two middle tones, deny a
low buzz, the others one low tone. Run again only to change them:
``python scripts/make_sounds.py``.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 22_050
OUT = Path(__file__).resolve().parents[1] / "resources" / "sounds"

# (frequency Hz, seconds) pairs; frequency 0 is silence
PATTERNS = {
    "admit": [(880, 0.12), (0, 0.05), (1320, 0.18)],
    "measure": [(988, 0.18)],
    "remeasure": [(988, 0.15), (0, 0.08), (988, 0.15)],
    "refer": [(660, 0.2), (0, 0.08), (660, 0.2), (0, 0.08), (660, 0.2)],
    "deny": [(220, 0.6)],
    "other": [(440, 0.25)],
}


def tone(freq: float, seconds: float, square: bool = False) -> list[int]:
    n = int(RATE * seconds)
    samples = []
    for i in range(n):
        fade = min(1.0, i / 200, (n - i) / 200)  # no clicks
        if freq == 0:
            value = 0.0
        else:
            s = math.sin(2 * math.pi * freq * i / RATE)
            value = (1.0 if s >= 0 else -1.0) * 0.5 if square else s
        samples.append(int(value * fade * 0.6 * 32767))
    return samples


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, pattern in PATTERNS.items():
        samples = [s for f, d in pattern for s in tone(f, d, square=name == "deny")]
        with wave.open(str(OUT / f"{name}.wav"), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(struct.pack(f"<{len(samples)}h", *samples))


if __name__ == "__main__":
    main()
