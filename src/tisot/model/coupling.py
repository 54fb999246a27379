"""Coupling of the FM to the surface electrons: torque strengths eta (Eq. 4) and alpha_G (Eq. 18).

Symbols: J_sd -> ``exchange_coupling`` (meV), A -> ``cell_area`` (m^2), S -> ``spin``
(dimensionless), Delta_sd = J_sd S.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .._validation import finite, positive
from ..constants import E_CHARGE, HBAR, MEV
from .surface import SurfaceModel


@dataclass(frozen=True, kw_only=True)
class Coupling:
    """sd exchange J_sd (meV), FM unit-cell area A (m^2) and spin S per cell (Eq. 1-2)."""

    exchange_coupling_mev: float
    cell_area: float
    spin: float

    def __post_init__(self) -> None:
        finite("exchange_coupling_mev", self.exchange_coupling_mev)
        positive("cell_area", self.cell_area)
        positive("spin", self.spin)

    @property
    def exchange_energy_mev(self) -> float:
        """Delta_sd = J_sd S in meV."""
        return self.exchange_coupling_mev * self.spin

    @property
    def j_sd(self) -> float:
        """J_sd in J."""
        return self.exchange_coupling_mev * MEV


def _velocity(model: SurfaceModel, coupling: Coupling) -> float:
    s = model._require_scales("torque strengths")
    delta_sd_mev = model.exchange_energy * s.energy_mev
    if not math.isclose(delta_sd_mev, coupling.exchange_energy_mev, rel_tol=1e-6, abs_tol=1e-12):
        raise ValueError(
            f"coupling gives Delta_sd = J_sd S = {coupling.exchange_energy_mev:.6g} meV but the "
            f"model has exchange_energy = {delta_sd_mev:.6g} meV; build both from the same J_sd, S"
        )
    return s.velocity


def fieldlike_coefficient(model: SurfaceModel, coupling: Coupling) -> float:
    """J_sd A / (hbar e v) of Eq. (3), in m/(A s) (torque rate per current density, A/m)."""
    v = _velocity(model, coupling)
    return coupling.j_sd * coupling.cell_area / (HBAR * E_CHARGE * v)


def diffusive_strength(model: SurfaceModel, coupling: Coupling) -> float:
    """eta = e J_sd^2 A S / (2 pi hbar^3 v^2) of Eq. (4), in 1/(V s); negative since e < 0."""
    v = _velocity(model, coupling)
    j = coupling.j_sd
    return E_CHARGE * j**2 * coupling.cell_area * coupling.spin / (2 * math.pi * HBAR**3 * v**2)


def damping_prefactor(model: SurfaceModel, coupling: Coupling) -> float:
    """J_sd^2 A S / (pi hbar^2 v^2) of Eq. (16), dimensionless; alpha_G = this * sigma0."""
    v = _velocity(model, coupling)
    j = coupling.j_sd
    return j**2 * coupling.cell_area * coupling.spin / (math.pi * HBAR**2 * v**2)


def gilbert_damping(model: SurfaceModel, coupling: Coupling) -> float:
    """alpha_G = J_sd^2 A S sigma0 / (pi (hbar v)^2), Eq. (18); dimensionless."""
    return damping_prefactor(model, coupling) * model.sigma0
