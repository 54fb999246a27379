r"""An in-plane electric field on the TI surface as a sum of plane waves (the common currency).

Every driver in :mod:`tisot.drive` (grated gate, uniform current) produces a :class:`SurfaceField`

.. math::  \mathbf E(\mathbf r, t) = \mathrm{Re} \sum_n \mathbf E_n\, e^{i \mathbf q_n \cdot \mathbf r - i \omega t},

the form for which Eq. (4) of the paper is written (one frequency omega, any set of wavevectors).
A real standing pattern (a gate profile times cos omega t) is carried by pairs +q_n, -q_n with
E_{-n} = E_n^*, so that the sum over n is real before the time factor is applied.

=========  ==============  =========
symbol     attribute       unit
=========  ==============  =========
q_n        ``wavevectors`` 1/m, (N, 2)
E_n        ``amplitudes``  V/m, complex (N, 2)
omega      ``omega``       rad/s (>= 0)
=========  ==============  =========
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import finite, positive


@dataclass(frozen=True, eq=False)
class SurfaceField:
    """In-plane field E(r, t) = Re sum_n E_n exp(i q_n.r - i omega t) on the surface (SI).

    Parameters
    ----------
    wavevectors
        q_n, shape (N, 2), in 1/m.
    amplitudes
        complex E_n, shape (N, 2), in V/m.
    omega
        angular frequency omega >= 0, in rad/s.
    """

    wavevectors: np.ndarray
    amplitudes: np.ndarray
    omega: float

    def __post_init__(self) -> None:
        q = np.atleast_2d(np.asarray(finite("wavevectors", self.wavevectors), dtype=float))
        E = np.atleast_2d(np.asarray(self.amplitudes, dtype=complex))
        if q.shape[-1] != 2 or q.ndim != 2:
            raise ValueError(f"wavevectors must have shape (N, 2), got {q.shape}")
        if E.shape != q.shape:
            raise ValueError(
                f"amplitudes must have the shape of wavevectors {q.shape}, got {E.shape}"
            )
        if not np.all(np.isfinite(E)):
            raise ValueError("amplitudes must be finite")
        object.__setattr__(self, "wavevectors", q)
        object.__setattr__(self, "amplitudes", E)
        object.__setattr__(self, "omega", float(positive("omega", self.omega, strict=False)))

    @property
    def divergence_amplitudes(self) -> np.ndarray:
        """(div E)_n = i q_n . E_n in V/m^2, complex (N,)."""
        return 1j * np.einsum("ni,ni->n", self.wavevectors, self.amplitudes)

    def _phases(self, r) -> np.ndarray:
        r = np.asarray(r, dtype=float)
        if r.shape[-1:] != (2,):
            raise ValueError(f"positions r must have shape (..., 2) in m, got {r.shape}")
        return np.exp(1j * (r @ self.wavevectors.T))  # (..., N)

    def evaluate(self, r, t=0.0) -> np.ndarray:
        """E(r, t) in V/m, shape (..., 2) for r (..., 2) in m and a scalar time t in s."""
        spatial = self._phases(r) @ self.amplitudes  # (..., 2)
        return np.real(spatial * np.exp(-1j * self.omega * float(t)))

    def divergence(self, r, t=0.0) -> np.ndarray:
        """div E(r, t) in V/m^2, shape (...)."""
        spatial = self._phases(r) @ self.divergence_amplitudes
        return np.real(spatial * np.exp(-1j * self.omega * float(t)))

    def __add__(self, other: SurfaceField) -> SurfaceField:
        if not isinstance(other, SurfaceField):
            return NotImplemented
        if other.omega != self.omega:
            raise ValueError(
                f"cannot add fields at different frequencies ({self.omega} and {other.omega} "
                "rad/s); drive them separately and add the torques"
            )
        return SurfaceField(
            np.concatenate([self.wavevectors, other.wavevectors]),
            np.concatenate([self.amplitudes, other.amplitudes]),
            self.omega,
        )
