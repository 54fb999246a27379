"""The TI surface: Dirac electrons with sd exchange and Gaussian disorder (Sec. II, Eqs. 1, 5, 9).

Symbols (paper -> code, unit in model units hbar = v = 1):

=============  =====================  ===========================
epsilon        ``fermi_energy``       E0
Delta_sd       ``exchange_energy``    E0   (Delta_sd = -J_sd S, see below)
m              ``magnetization``      unit vector, z = TI normal: the moment direction
Delta_z        ``delta_z``            E0   (Delta_sd m_z)
alpha          ``disorder``           dimensionless, Eq. (5)
sigma_0        ``sigma0``             e^2/h, Eq. (9)
sigma_H        ``sigma_hall``         e^2/h, Eq. (9)
D              ``diffusion_constant`` hbar v^2/E0
tau_tr         ``transport_time``     hbar/E0
ell            ``mean_free_path``     hbar v/E0, ell = sqrt(D tau_tr)
=============  =====================  ===========================

Reading of m and the sign of Delta_sd (one convention, used everywhere): m is the unit vector of
the LLG equation (18), which damping relaxes towards +H, i.e. the direction of the magnetic
*moment*. The localized spins S_n = -S m point the other way (the electron's moment is opposite
to its spin), so Eq. (1)'s exchange -J_sd sum_n S_n.sigma reads -Delta_sd m.sigma with
Delta_sd = -J_sd S (``tisot.model.Coupling.exchange_energy_mev``). With this reading Eqs. (2)-(4),
(16), (18) hold as printed (Eq. 16 up to its factor 1/2) and the electron-induced damping is
dissipative (docs/theory-notes.md). ``exchange_energy`` is this Delta_sd; only
Delta_z = Delta_sd m_z enters the electronic response.

Note on tau_tr: at Delta_z = 0 the paper's tau_tr = hbar eps sigma0 / (eps^2 + Delta_z^2) obeys
D = v^2 tau_tr, whereas the usual 2D transport time (D = v^2 tau / 2) is twice as long.
``mean_free_path`` is the paper's diffusion length L_D = sqrt(D tau_tr) (App. B), so that
D q^2 tau_tr = (q ell)^2 exactly; at Delta_z = 0 it equals v tau_tr.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from .._validation import finite, in_open_interval, unit_vector
from ..constants import MEV
from .regime import warn_if_outside
from .units import Scales


@dataclass(frozen=True)
class TransportCoefficients:
    """Static transport of the surface (Eq. 9 and the definitions below it)."""

    sigma0: float  #: longitudinal conductivity, e^2/h
    sigma_hall: float  #: anomalous Hall conductivity, e^2/h
    diffusion_constant: float  #: D, m^2/s (SI) or hbar v^2/E0
    transport_time: float  #: tau_tr, s (SI) or hbar/E0
    mean_free_path: float  #: ell = sqrt(D tau_tr), m (SI) or hbar v/E0
    units: str  #: "si" or "dimensionless"

    def as_dict(self) -> dict[str, float | str]:
        return {
            "sigma0": self.sigma0,
            "sigma_H": self.sigma_hall,
            "D": self.diffusion_constant,
            "tau_tr": self.transport_time,
            "ell": self.mean_free_path,
            "units": self.units,
        }


UNIT_LABELS = {
    "si": {"sigma0": "e^2/h", "sigma_H": "e^2/h", "D": "m^2/s", "tau_tr": "s", "ell": "m"},
    "dimensionless": {
        "sigma0": "e^2/h",
        "sigma_H": "e^2/h",
        "D": "hbar v^2/E0",
        "tau_tr": "hbar/E0",
        "ell": "hbar v/E0",
    },
}


@dataclass(frozen=True, kw_only=True)
class SurfaceModel:
    """Immutable parameters of the TI surface in model units (hbar = v = 1).

    Parameters
    ----------
    fermi_energy
        epsilon, in units E0 (must lie above the gap: epsilon > |Delta_z|).
    exchange_energy
        Delta_sd of Eq. (1), in units E0 (any sign); with m the moment direction it is
        Delta_sd = -J_sd S (module docstring), which ``Coupling.surface`` builds for you.
    magnetization
        direction m of the FM moment (normalised on construction; z is the TI normal).
    disorder
        alpha of Eq. (5), 0 < alpha < 1 (the theory needs alpha << 1).
    scales
        optional :class:`Scales` tying E0 and v to SI; ``None`` means purely dimensionless.

    Use :meth:`from_physical` to build from meV and m/s.
    """

    fermi_energy: float = 1.0
    exchange_energy: float
    magnetization: tuple[float, float, float] = (0.0, 0.0, 1.0)
    disorder: float
    scales: Scales | None = field(default=None)

    def __post_init__(self) -> None:
        object.__setattr__(self, "magnetization", unit_vector("magnetization", self.magnetization))
        eps = finite("fermi_energy", self.fermi_energy)
        finite("exchange_energy", self.exchange_energy)
        in_open_interval("disorder (alpha)", self.disorder, 0.0, 1.0)
        dz = abs(self.delta_z)
        if not eps > dz:
            raise ValueError(
                f"fermi_energy = {eps!r} lies inside the exchange gap: the theory needs "
                f"fermi_energy > |Delta_z| = |exchange_energy * m_z| = {dz!r}"
            )
        warn_if_outside({"alpha": self.disorder}, stacklevel=4)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_physical(
        cls,
        *,
        fermi_energy_mev: float,
        exchange_energy_mev: float,
        magnetization=(0.0, 0.0, 1.0),
        disorder: float,
        velocity: float = 1.0e6,
    ) -> SurfaceModel:
        """Build from physical units: energies in meV, Dirac velocity in m/s.

        The model unit of energy is the Fermi energy, so ``fermi_energy`` becomes 1.
        """
        eps = finite("fermi_energy_mev", fermi_energy_mev)
        if eps <= 0:
            raise ValueError(f"fermi_energy_mev must be > 0 (electron doping), got {eps!r}")
        return cls(
            fermi_energy=1.0,
            exchange_energy=finite("exchange_energy_mev", exchange_energy_mev) / eps,
            magnetization=magnetization,
            disorder=disorder,
            scales=Scales.from_mev(eps, velocity),
        )

    def with_scales(self, scales: Scales | None) -> SurfaceModel:
        """Attach, change or drop the SI scales.

        A model without scales takes the new ones as given (its numbers are then in units of
        ``scales.energy``). A model with scales is re-expressed in the new energy unit, so the
        physics is unchanged; the velocity unit is the Dirac velocity itself, a parameter.
        """
        if scales is None or self.scales is None:
            return replace(self, scales=scales)
        factor = self.scales.energy / scales.energy
        return replace(
            self,
            fermi_energy=self.fermi_energy * factor,
            exchange_energy=self.exchange_energy * factor,
            scales=scales,
        )

    def dimensionless(self) -> SurfaceModel:
        """The same surface with hbar = v = 1 and energies in units of the Fermi energy."""
        eps = self.fermi_energy
        return replace(
            self, fermi_energy=1.0, exchange_energy=self.exchange_energy / eps, scales=None
        )

    def with_magnetization(self, magnetization) -> SurfaceModel:
        return replace(self, magnetization=magnetization)

    def physical_parameters(self) -> dict[str, float]:
        """Energies in meV and velocity in m/s (the inverse of :meth:`from_physical`)."""
        s = self._require_scales("physical_parameters")
        return {
            "fermi_energy_mev": self.fermi_energy * s.energy / MEV,
            "exchange_energy_mev": self.exchange_energy * s.energy / MEV,
            "velocity": s.velocity,
            "disorder": self.disorder,
        }

    def _require_scales(self, what: str) -> Scales:
        if self.scales is None:
            raise ValueError(
                f"{what} needs physical scales; build the model with SurfaceModel.from_physical "
                "or attach them with model.with_scales(Scales.from_mev(...))"
            )
        return self.scales

    # ------------------------------------------------------------------ derived, model units
    @property
    def m_z(self) -> float:
        return self.magnetization[2]

    @property
    def delta_z(self) -> float:
        """Delta_z = Delta_sd m_z: only this enters the electronic response (Sec. II)."""
        return self.exchange_energy * self.magnetization[2]

    @property
    def sigma0(self) -> float:
        """sigma_0 = (eps^2 - Dz^2) / (pi alpha (eps^2 + 3 Dz^2)) in e^2/h, Eq. (9)."""
        e2, d2 = self.fermi_energy**2, self.delta_z**2
        return (e2 - d2) / (math.pi * self.disorder * (e2 + 3 * d2))

    @property
    def sigma_hall(self) -> float:
        """sigma_H = 8 eps Dz^3 / (eps^2 + 3 Dz^2)^2 in e^2/h, Eq. (9) (beyond the ladder)."""
        e, d = self.fermi_energy, self.delta_z
        return 8 * e * d**3 / (e**2 + 3 * d**2) ** 2

    @property
    def diffusion_constant(self) -> float:
        """D = hbar v^2 sigma0 / eps (text below Eq. 9)."""
        return self.sigma0 / self.fermi_energy

    @property
    def transport_time(self) -> float:
        """tau_tr = hbar eps sigma0 / (eps^2 + Dz^2) (text below Eq. 9)."""
        return self.fermi_energy * self.sigma0 / (self.fermi_energy**2 + self.delta_z**2)

    @property
    def mean_free_path(self) -> float:
        """ell = L_D = sqrt(D tau_tr) (App. B), = v tau_tr at Delta_z = 0; see module docstring."""
        return math.sqrt(self.diffusion_constant * self.transport_time)

    def transport(self, units: str = "dimensionless") -> TransportCoefficients:
        """sigma0, sigma_H, D, tau_tr, ell in ``units`` ("dimensionless" or "si")."""
        if units == "dimensionless":
            k = (1.0, 1.0, 1.0)
        elif units == "si":
            s = self._require_scales("transport(units='si')")
            k = (s.diffusion, s.time, s.length)
        else:
            raise ValueError(f"units must be 'dimensionless' or 'si', got {units!r}")
        return TransportCoefficients(
            sigma0=self.sigma0,
            sigma_hall=self.sigma_hall,
            diffusion_constant=self.diffusion_constant * k[0],
            transport_time=self.transport_time * k[1],
            mean_free_path=self.mean_free_path * k[2],
            units=units,
        )

    # ------------------------------------------------------------------ regime
    def regime_parameters(self, q=0.0, omega=0.0) -> dict[str, float]:
        """The small parameters of the theory: alpha, omega tau_tr, D q^2 tau_tr (model units)."""
        q = np.abs(np.asarray(q, dtype=float))
        omega = np.abs(np.asarray(omega, dtype=float))
        tau = self.transport_time
        return {
            "alpha": self.disorder,
            "omega*tau_tr": float(np.max(omega)) * tau if omega.size else 0.0,
            "D*q^2*tau_tr": float(np.max(q)) ** 2 * self.diffusion_constant * tau
            if q.size
            else 0.0,
        }

    def check_regime(self, q=0.0, omega=0.0, *, stacklevel: int = 3) -> list[str]:
        """Warn (:class:`RegimeWarning`) for each expansion parameter above 0.1; return failures."""
        params = self.regime_parameters(q, omega)
        params.pop("alpha")  # already checked on construction
        return warn_if_outside(params, stacklevel=stacklevel)
