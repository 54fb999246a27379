"""The steady-state window: how long to settle, and which whole drive periods to average.

Every steady-state observable of tisot (spectra, the device and film jobs) is a time average of
a driven, damped trajectory after its transient has decayed. This module is the one place that
decides the window:

* settle: 12 linear decay times by default (the transient is then e^-12 ~ 6e-6 of its start);
* average: whole drive periods *exactly*, starting and ending on output times. The absorbed
  power is computed by parts (:func:`tisot.experiments.resonance.observables`), and a window
  that misses a whole period by a fraction of a sample leaves a boundary term f0 [m_z^2] / (2 T)
  that can rival the power itself when the cone is small;
* outputs: ``samples_per_period`` per drive period inside the window, plus t = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


def whole_periods(duration: float, omega: float) -> int:
    """The number of drive periods 2 pi / omega that covers ``duration`` (at least 1)."""
    return max(1, math.ceil(duration * omega / (2 * math.pi) - 1e-9))


@dataclass(frozen=True)
class SteadyWindow:
    """Output times ``t`` and the averaging window [``start``, ``stop``] (whole periods)."""

    t: np.ndarray
    start: float
    stop: float
    periods: int

    @property
    def window(self) -> tuple[float, float]:
        return (self.start, self.stop)


def steady_window(
    omega: float,
    *,
    decay: float,
    precession: float | None = None,
    settle: float | None = None,
    average: float | None = None,
    samples_per_period: int = 32,
) -> SteadyWindow:
    """The window for a drive at angular frequency ``omega`` (module docstring).

    Parameters
    ----------
    omega
        drive angular frequency (> 0), in the caller's rate unit.
    decay
        the slowest linear decay rate of the transient (same unit); needed when ``settle`` is
        not given.
    precession
        the precession frequency omega0; the default average covers 20 periods of the slower of
        drive and precession.
    settle, average
        override the defaults (times in the inverse rate unit; ``average`` is rounded up to
        whole drive periods).
    samples_per_period
        outputs per drive period in the window (>= 20).
    """
    if not (math.isfinite(omega) and omega > 0):
        raise ValueError(f"the drive frequency must be > 0 for a steady state, got {omega!r}")
    if not (isinstance(samples_per_period, int) and samples_per_period >= 20):
        raise ValueError(f"samples_per_period must be an integer >= 20, got {samples_per_period!r}")
    if settle is None:
        if not (math.isfinite(decay) and decay > 0):
            raise ValueError(
                "without damping there is no steady state: give the settling time explicitly"
            )
        settle = 12.0 / decay
    slowest = min(omega, precession) if precession else omega
    if average is None:
        average = 20 * 2 * math.pi / slowest
    for name, value in (("settle", settle), ("average", average)):
        if not (math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a finite time >= 0, got {value!r}")
    if average <= 0:
        raise ValueError("the averaging window must be > 0")
    periods = whole_periods(average, omega)
    stop = settle + periods * 2 * math.pi / omega
    t = np.concatenate([[0.0], np.linspace(settle, stop, periods * samples_per_period + 1)])
    return SteadyWindow(t=t, start=settle, stop=stop, periods=periods)
