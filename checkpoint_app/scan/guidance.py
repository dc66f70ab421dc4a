"""Guidance for the traveller from what the decoder saw: "closer", "hold still", "tilt less",
"more light", "less glare".

:func:`hint_for` is pure: it looks at the last few decode attempts (the pipeline
keeps them) and the frame's shape, nothing else, so the same attempts always give
the same hint. A hint needs the code to have been seen but not read in at least
:data:`MIN_SIGHTINGS` of the last :data:`WINDOW` attempts, and is the most common
verdict among them, so it does not flicker from frame to frame.

The verdicts, checked in this order (a steeply tilted code also looks small and
blurred), with thresholds measured on the benchmark frames
(``benchmarks/frame_synth.py``, 720p):

* ``TILT_LESS`` — the code's outline is far from a square: its shortest side
  under :data:`SKEW_RATIO` of its longest (a tilt of more than about 50°).
* ``CLOSER`` — the code's side is under :data:`CLOSER_FRACTION` of the frame's
  shorter side (108 px at 720p): a health code (57-73 modules) is then under about
  1.8 px per module, where no decoder reads it reliably.
* ``LESS_GLARE`` — a reflection washes the code out: at least
  :data:`GLARE_SATURATED` of the region's pixels are saturated (grey level 250 or
  more) *and* its dark modules are lifted to :data:`GLARE_DARK` or more (5th
  percentile). Measured in the bounding box of the benchmark codes' true outline
  (720p and 1080p), 58 of the 80 with a specular highlight on the glass qualify,
  and 3 of the 880 others (pale colour codes on a blown-out white card);
  saturation alone does not tell glare from a bright white screen.
* ``MORE_LIGHT`` — the region is dark: its light modules (95th percentile of its
  grey levels) under :data:`DARK_LIGHT_LEVEL`. Codes in a dim hall or on a
  dimmed screen measure 45-93 (minimum to median), all others 174 or more
  (dark-mode codes included: their light modules are light).
* ``HOLD_STILL`` — the region is blurred: its sharpness (variance of the
  Laplacian of the lightly smoothed region over the variance of its grey levels,
  see :func:`checkpoint_app.scan.preprocess.sharpness`) under
  :data:`BLURRED_SHARPNESS`. Sharp codes measure 0.7-2.4 (10th to 90th
  percentile), codes smeared by a moving hand or out of focus 0.3-1.1 (median 0.6):
  the hint is given for the more blurred half of them, and almost never for a
  sharp code.

Glare and darkness are told from the attempt's
:class:`~checkpoint_app.scan.types.Exposure`, which the decoders measure on the
region of the first candidate (a histogram of a few thousand pixels, only when
nothing was read); a decoder that reports none gets no such hint.

For a single still image there is no history: ``hint_for([attempt], shape,
min_sightings=1)`` gives the verdict of that one attempt.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from enum import StrEnum

from checkpoint_app.scan.types import Candidate, DecodeAttempt

#: How many of the latest attempts are looked at.
WINDOW = 5
#: In how many of them a code must have been seen, unread, for a hint.
MIN_SIGHTINGS = 3
CLOSER_FRACTION = 0.15
SKEW_RATIO = 0.6
BLURRED_SHARPNESS = 0.6
GLARE_SATURATED = 0.1
GLARE_DARK = 40.0
DARK_LIGHT_LEVEL = 110.0


class Hint(StrEnum):
    """What the traveller should do (the GUI maps each to a translated message)."""

    #: A code is being read: nothing to advise.
    NONE = "none"
    #: The code is too small: come closer.
    CLOSER = "closer"
    #: The code is blurred: hold the phone still.
    HOLD_STILL = "hold_still"
    #: The code is seen at a steep angle: hold the phone flatter to the camera.
    TILT_LESS = "tilt_less"
    #: The code is too dark: more light (or a brighter screen).
    MORE_LIGHT = "more_light"
    #: A reflection washes the code out: tilt the phone away from the light.
    LESS_GLARE = "less_glare"


#: When verdicts tie, the first in this order wins (the likelier cause first).
_PRIORITY = (Hint.TILT_LESS, Hint.CLOSER, Hint.LESS_GLARE, Hint.MORE_LIGHT, Hint.HOLD_STILL)


def skew_ratio(candidate: Candidate) -> float:
    """Shortest side over longest side of the candidate's outline (1 for a square)."""
    corners = candidate.corners
    sides = [math.dist(corners[i], corners[(i + 1) % 4]) for i in range(4)]
    longest = max(sides)
    return min(sides) / longest if longest > 0 else 1.0


def verdict(attempt: DecodeAttempt, frame_shape: Sequence[int]) -> Hint | None:
    """Why the attempt's most prominent candidate was not read, if it can tell."""
    if not attempt.candidates or len(frame_shape) < 2:
        return None
    candidate = attempt.candidates[0]
    if skew_ratio(candidate) < SKEW_RATIO:
        return Hint.TILT_LESS
    shorter = min(frame_shape[0], frame_shape[1])
    if shorter > 0 and candidate.size_px < CLOSER_FRACTION * shorter:
        return Hint.CLOSER
    light = attempt.exposure
    if light is not None:
        if light.saturated >= GLARE_SATURATED and light.dark >= GLARE_DARK:
            return Hint.LESS_GLARE
        if light.light < DARK_LIGHT_LEVEL:
            return Hint.MORE_LIGHT
    if attempt.sharpness is not None and attempt.sharpness < BLURRED_SHARPNESS:
        return Hint.HOLD_STILL
    return None


def hint_for(
    attempts: Sequence[DecodeAttempt],
    frame_shape: Sequence[int],
    *,
    min_sightings: int = MIN_SIGHTINGS,
) -> Hint | None:
    """The hint for the last few ``attempts`` on frames of ``frame_shape`` (``image.shape``).

    ``Hint.NONE`` when the latest attempt read a code; ``None`` when there is
    nothing to say (no code in view, or not seen in ``min_sightings`` of the last
    :data:`WINDOW` attempts).
    """
    recent = list(attempts)[-WINDOW:]
    if not recent:
        return None
    if recent[-1].codes:
        return Hint.NONE
    sightings = [a for a in recent if a.candidates and not a.codes]
    if len(sightings) < max(1, min_sightings):
        return None
    votes = Counter(v for a in sightings if (v := verdict(a, frame_shape)) is not None)
    if not votes:
        return None
    best = max(votes.values())
    # Only a verdict shared by most sightings is given.
    if best * 2 <= len(sightings):
        return None
    return next(h for h in _PRIORITY if votes.get(h) == best)
