"""Blind deblurring of a code region: estimate the blur, undo it (Wiener filter).

Sharpening (an unsharp mask) rescues slightly soft codes; a code smeared over one
or two modules by a moving hand, or out of focus, needs the blur undone. The blur
is estimated from the region itself:

* **direction** — motion blur weakens the gradient along the motion: the
  structure tensor's weakest direction, and its *coherence* (0 for an isotropic
  blur, towards 1 for a long smear; a sharp QR code is isotropic) tell which kind;
* **extent** — the autocorrelation of the derivative along that direction dips
  at a lag of the blur's length (each edge becomes a ramp of that length whose two
  ends correlate negatively); for isotropic blur the same dip scales with its
  radius.

The kernels are then applied in the frequency domain with analytic spectra (a
``sinc`` for a linear smear, a Gaussian for defocus and optics), so one forward
transform of the region serves every trial and each trial costs one multiply and
one inverse transform. The Wiener filter ``K / (K^2 + nsr)`` keeps the noise the
inverse would amplify at the spectrum's zeros in check.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from checkpoint_app.scan.types import Image

FloatArray = npt.NDArray[np.float32]

#: Coherence above which the blur is treated as a linear smear (motion).
MOTION_COHERENCE = 0.15
#: Coherence below which isotropic kernels (defocus) are tried too.
ISOTROPIC_COHERENCE = 0.3
#: Noise-to-signal ratio of the Wiener filter.
WIENER_NSR = 0.01
#: Longest blur looked for, in pixels of the (normalised) region.
MAX_BLUR_PX = 24
_PAD = 8


@dataclass(frozen=True, slots=True)
class BlurEstimate:
    """The blur of a region: direction of motion (degrees, image axes), how
    directional it is (coherence 0..1), and its extent in pixels."""

    angle: float
    coherence: float
    length: float


class Deblurrer:
    """One region, transformed once; :meth:`estimate` and :meth:`deblur` reuse it."""

    def __init__(self, region: Image) -> None:
        self._shape = region.shape[:2]
        f = region.astype(np.float32)
        f = cv2.copyMakeBorder(f, _PAD, _PAD, _PAD, _PAD, cv2.BORDER_REFLECT)
        h, w = f.shape
        big_h, big_w = cv2.getOptimalDFTSize(h), cv2.getOptimalDFTSize(w)
        f = cv2.copyMakeBorder(f, 0, big_h - h, 0, big_w - w, cv2.BORDER_REFLECT)
        self._mean = float(f.mean())
        self._spectrum = cv2.dft(f - self._mean, flags=cv2.DFT_COMPLEX_OUTPUT)
        self._u = np.fft.fftfreq(big_w).astype(np.float32)[None, :]
        self._v = np.fft.fftfreq(big_h).astype(np.float32)[:, None]
        self._grey = f

    def estimate(self) -> BlurEstimate:
        """The blur's direction, coherence and extent (see the module docstring)."""
        f = self._grey
        gx = cv2.Sobel(f, cv2.CV_32F, 1, 0)
        gy = cv2.Sobel(f, cv2.CV_32F, 0, 1)
        jxx = float(cv2.sumElems(cv2.multiply(gx, gx))[0])
        jyy = float(cv2.sumElems(cv2.multiply(gy, gy))[0])
        jxy = float(cv2.sumElems(cv2.multiply(gx, gy))[0])
        trace = jxx + jyy
        if trace <= 0:
            return BlurEstimate(0.0, 0.0, 0.0)
        coh = math.sqrt((jxx - jyy) ** 2 + 4 * jxy * jxy) / trace
        # The strongest gradient is across the smear; the motion is perpendicular.
        angle = (math.degrees(0.5 * math.atan2(2 * jxy, jxx - jyy)) + 90.0) % 180.0
        return BlurEstimate(angle, coh, self._dip(angle))

    def _dip(self, angle: float) -> float:
        """The lag (pixels) of the deepest dip of the derivative's autocorrelation."""
        a = math.radians(angle)
        t = self._u * math.cos(a) + self._v * math.sin(a)
        derivative_power = 2.0 - 2.0 * np.cos(2.0 * np.pi * t)
        s = self._spectrum
        power = ((s[..., 0] ** 2 + s[..., 1] ** 2) * derivative_power).astype(np.float32)
        # A one-channel input to idft would be read as a packed (CCS) spectrum.
        corr = cv2.idft(
            cv2.merge([power, np.zeros_like(power)]), flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT
        )
        h, w = corr.shape
        zero = float(corr[0, 0]) or 1.0
        best_lag, best = 0.0, 0.0
        for lag in range(1, MAX_BLUR_PX + 1):
            x = round(lag * math.cos(a)) % w
            y = round(lag * math.sin(a)) % h
            value = float(corr[y, x]) / zero
            if value < best:
                best_lag, best = float(lag), value
        return best_lag

    def deblur(self, transfer: FloatArray, nsr: float = WIENER_NSR) -> Image:
        """The region deconvolved with a real, symmetric kernel given by its spectrum."""
        wiener = transfer / (transfer * transfer + nsr)
        out = self._spectrum * wiener[..., None]
        res = cv2.idft(out, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)
        h, w = self._shape
        res = res[_PAD : _PAD + h, _PAD : _PAD + w] + self._mean
        return np.asarray(np.clip(res, 0, 255), dtype=np.uint8)

    # -- kernel spectra ---------------------------------------------------------------

    def motion(self, length: float, angle: float) -> FloatArray:
        """Transfer function of a linear smear of ``length`` pixels along ``angle``."""
        a = math.radians(angle)
        t = self._u * math.cos(a) + self._v * math.sin(a)
        return np.asarray(np.sinc(length * t), dtype=np.float32)

    def gaussian(self, sigma: float) -> FloatArray:
        """Transfer function of a Gaussian blur (defocus, optics) of ``sigma`` pixels."""
        r2 = self._u * self._u + self._v * self._v
        return np.asarray(np.exp(-2.0 * math.pi**2 * sigma * sigma * r2), dtype=np.float32)

    def candidates(self, estimate: BlurEstimate) -> Iterator[tuple[str, FloatArray]]:
        """Kernels worth trying for ``estimate``, the likeliest first."""
        length = max(estimate.length, 2.0)
        if estimate.coherence >= MOTION_COHERENCE:
            for extent in (length - 0.5, length + 0.5, length - 1.5):
                if extent >= 1.5:
                    yield f"motion{extent:.1f}", self.motion(extent, estimate.angle)
        if estimate.coherence < ISOTROPIC_COHERENCE:
            for sigma in (length / 2.2, length / 1.6, length / 3.0):
                yield f"gauss{sigma:.1f}", self.gaussian(max(0.7, sigma))
