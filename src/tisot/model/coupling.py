"""Coupling of the FM to the surface electrons: torque strengths eta (Eq. 4) and alpha_G (Eq. 18).

Symbols: J_sd -> ``exchange_coupling_mev`` (meV), A -> ``cell_area`` (m^2), S -> ``spin``
(dimensionless).

Sign convention: tisot's m is the unit vector of the LLG equation (18), which damping relaxes
towards +H: the magnetic-moment direction. The localized spins S_n = -S m point the other way,
so H_ex = -J_sd sum_n S_n . sigma = -Delta_sd m . sigma with **Delta_sd = -J_sd S**. In this
convention Eqs. (2)-(4), (16) and (18) hold as printed (Eq. 16 up to a factor 1/2) and the
electron-induced damping is dissipative; see docs/theory-notes.md.
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
        """Delta_sd = -J_sd S in meV (Eq. 1 with m the moment direction; module docstring)."""
        return -self.exchange_coupling_mev * self.spin

    def surface(
        self,
        *,
        fermi_energy_mev: float,
        magnetization=(0.0, 0.0, 1.0),
        disorder: float,
        velocity: float = 1.0e6,
    ) -> SurfaceModel:
        """The surface model this coupling implies (its exchange_energy is Delta_sd = -J_sd S)."""
        return SurfaceModel.from_physical(
            fermi_energy_mev=fermi_energy_mev,
            exchange_energy_mev=self.exchange_energy_mev,
            magnetization=magnetization,
            disorder=disorder,
            velocity=velocity,
        )

    @property
    def j_sd(self) -> float:
        """J_sd in J."""
        return self.exchange_coupling_mev * MEV


def _velocity(model: SurfaceModel, coupling: Coupling) -> float:
    s = model._require_scales("torque strengths")
    delta_sd_mev = model.exchange_energy * s.energy_mev
    if not math.isclose(delta_sd_mev, coupling.exchange_energy_mev, rel_tol=1e-6, abs_tol=1e-12):
        raise ValueError(
            f"coupling gives Delta_sd = -J_sd S = {coupling.exchange_energy_mev:.6g} meV but the "
            f"model has exchange_energy = {delta_sd_mev:.6g} meV; build the model with "
            "coupling.surface(...) so that both use the same J_sd and S"
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
    """J_sd^2 A S / (2 pi hbar^2 v^2): the prefactor of Eq. (16), corrected; dimensionless.

    The paper prints J_sd^2 A S / (pi hbar^2 v^2). Eq. (2) with the response of Eq. (6) (whose
    normalisation is fixed by the exact identity s_par = (z x J)/(e v)) gives half of that,
    the same 1/(2 pi) as eta in Eq. (4); see docs/theory-notes.md. alpha_G = this * sigma0.
    """
    v = _velocity(model, coupling)
    j = coupling.j_sd
    return j**2 * coupling.cell_area * coupling.spin / (2 * math.pi * HBAR**2 * v**2)


def gilbert_damping(model: SurfaceModel, coupling: Coupling) -> float:
    """alpha_G = J_sd^2 A S sigma0 / (2 pi (hbar v)^2), Eq. (18) corrected; dimensionless.

    Twice smaller than printed in the paper (see :func:`damping_prefactor`).
    """
    return damping_prefactor(model, coupling) * model.sigma0
