"""Unit scales: the one place where dimensionless numbers meet SI.

tisot's kernels work with hbar = v = 1 and an energy unit of your choice (usually the Fermi
energy). A :class:`Scales` says what one unit of energy and of velocity are in SI; every other
unit follows:

=========  ====================  ============
quantity   unit                  SI
=========  ====================  ============
energy     E0                    ``energy`` J
velocity   v0                    ``velocity`` m/s
time       hbar / E0             s
length     hbar v0 / E0          m
rate       E0 / hbar             1/s (angular frequency)
wavevector E0 / (hbar v0)        1/m
diffusion  hbar v0^2 / E0        m^2/s
=========  ====================  ============
"""

from __future__ import annotations

from dataclasses import dataclass

from .._validation import positive
from ..constants import HBAR, MEV


@dataclass(frozen=True, kw_only=True)
class Scales:
    """One unit of energy (J) and of velocity (m/s); everything else derives from hbar."""

    energy: float
    velocity: float

    def __post_init__(self) -> None:
        positive("energy scale", self.energy)
        positive("velocity", self.velocity)

    @classmethod
    def from_mev(cls, energy_mev: float, velocity: float = 1.0e6) -> Scales:
        """Scales with an energy unit of ``energy_mev`` meV and velocity unit ``velocity`` m/s."""
        return cls(energy=positive("energy scale (meV)", energy_mev) * MEV, velocity=velocity)

    @property
    def energy_mev(self) -> float:
        return self.energy / MEV

    @property
    def time(self) -> float:
        """hbar / E0 in s."""
        return HBAR / self.energy

    @property
    def length(self) -> float:
        """hbar v0 / E0 in m."""
        return HBAR * self.velocity / self.energy

    @property
    def rate(self) -> float:
        """E0 / hbar in 1/s (angular frequency)."""
        return self.energy / HBAR

    @property
    def wavevector(self) -> float:
        """E0 / (hbar v0) in 1/m."""
        return 1.0 / self.length

    @property
    def diffusion(self) -> float:
        """hbar v0^2 / E0 in m^2/s."""
        return self.length * self.velocity
