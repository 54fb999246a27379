r"""The gate's field screened by the surface electrons, self-consistently, per harmonic q.

The paper's theory has no Coulomb interaction: its gate field reaches the TI surface as if no
electrons were there. The surface is a good metal, though, and its induced sheet charge rho
makes a potential of its own. Per harmonic exp(i q x - i omega t) (quasi-static electrostatics,
SI units, rho = -chi phi):

.. math::  \phi_{tot}(0) = \phi_{ext}(0) + G(q)\,\rho, \qquad \rho = -\chi(q, \omega)\,\phi_{tot}(0)
           \;\Rightarrow\; \frac{E_{tot}}{E_{ext}} = \frac{1}{1 + G(q)\,\chi(q, \omega)} .

**Layered Green's function** G(q) = phi(0)/rho of a sheet charge at z = 0, with a metal gate
held at fixed potential at z = d (dielectric eps_d between), a substrate eps_s below
(Gauss's law at z = 0, phi = 0 on the gate, phi -> 0 at z -> -inf):

.. math::  G(q) = \frac{1}{\varepsilon_0 |q| (\varepsilon_d \coth |q| d + \varepsilon_s)}
           = \frac{\tanh |q| d}{\varepsilon_0 |q| (\varepsilon_d + \varepsilon_s \tanh |q| d)} .

Far gate (|q| d >> 1): G = 1/(2 eps0 eps_bar |q|), eps_bar = (eps_d + eps_s)/2; close gate
(|q| d << 1): G = d/(eps0 eps_d), a parallel-plate capacitor.

**Density response by continuity.** -i omega rho + i q.j = 0 with the longitudinal current
j = sigma_L(q, omega) E gives chi = i q^2 sigma_L(q, omega)/omega. sigma_L is the physical
longitudinal conductivity from K (``tisot.response.conductivity``: x~ along q it is K~_yy, the
paper's sigma~_yy of Eq. B6b) in e^2/h, by the closed form or the exact ladder. The ladder
computes only the retarded-advanced correlator, whose static part K~_yy(q, 0) != 0 is cancelled
by the RR/AA terms it leaves out; gauge invariance (a static potential drives no steady
longitudinal current, sigma_L(q, 0) = 0) fixes it, so tisot uses
sigma_L(q, omega) - sigma_L(q, 0). The static point omega = 0 is the limit omega -> 0 by a
two-point Richardson extrapolation. In the diffusive closed form (Eq. 14)

.. math::  \chi = \frac{\sigma_0 q^2}{D q^2 - i\omega}, \qquad \chi(q, 0) = \frac{\sigma_0}{D} = e^2\nu

(Einstein relation), so the static factor is Thomas-Fermi, 1/(1 + q_s/|q|) with
q_s = e^2 nu/(2 eps0 eps_bar) for a far gate, and the quantum-capacitance ratio
1/(1 + e^2 nu d/(eps0 eps_d)) for a close one. Dynamically the diffusion pole moves:

.. math::  \frac{E_{tot}}{E_{ext}} = \frac{D q^2 - i\omega}{D q^2 + \sigma_0 q^2 G(q) - i\omega}
           \to \frac{D q^2 - i\omega}{D q (q + q_s) - i\omega} \quad (|q| d \gg 1),

i.e. the relaxation rate Gamma = D q^2 + sigma0 q^2 G(q), the 2D Maxwell rate sigma0 |q|/(2 eps0 eps_bar)
for q << q_s (docs/screening.md). Units: q in 1/m, omega in rad/s, G in V m^2/C, chi in F/m^2;
the model-unit response is converted through ``model.scales``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from .._validation import finite, positive
from ..constants import CONDUCTANCE_QUANTUM, EPSILON_0
from ..model.surface import SurfaceModel
from .field import SurfaceField

#: omega_s / D q^2 of the Richardson step at omega = 0, per method (analytic: no quadrature noise).
STATIC_STEP = {"analytic": 1e-6, "ladder": 1e-3}
#: Default relative accuracy of the ladder's K for the polarizability (K~_yy << K~_xx there).
LADDER_RTOL = 1e-10


class Polarizability(Protocol):
    """Anything with chi(q, omega) in F/m^2 (rho = -chi phi) for |q| in 1/m and omega in rad/s."""

    def polarizability(self, q, omega) -> np.ndarray: ...


def _check_permittivity(name: str, value: float) -> float:
    value = finite(name, value)
    if not value > 0:
        raise ValueError(f"{name} must be > 0 (relative permittivity), got {value!r}")
    return float(value)


@dataclass(frozen=True, kw_only=True)
class LayeredDielectric:
    """Gate plane (fixed potential) at z = d over a dielectric eps_d; substrate eps_s below z = 0.

    Parameters
    ----------
    distance
        gate-to-surface distance d in m (>= 0; ``math.inf`` for no gate).
    permittivity
        relative permittivity eps_d between surface and gate (> 0).
    substrate_permittivity
        relative permittivity eps_s below the surface (> 0), the TI itself.
    """

    distance: float
    permittivity: float
    substrate_permittivity: float

    def __post_init__(self) -> None:
        d = float(self.distance)
        if math.isnan(d) or not d >= 0:
            raise ValueError(f"distance must be >= 0 (gate-to-surface distance in m), got {d!r}")
        _check_permittivity("permittivity", self.permittivity)
        _check_permittivity("substrate_permittivity", self.substrate_permittivity)

    @property
    def mean_permittivity(self) -> float:
        """eps_bar = (eps_d + eps_s)/2, the far-gate average."""
        return 0.5 * (self.permittivity + self.substrate_permittivity)

    def green(self, q) -> np.ndarray:
        """G(q) = phi(0)/rho = tanh(qd) / (eps0 q (eps_d + eps_s tanh qd)) in V m^2/C (q > 0, 1/m).

        The surface potential per unit sheet charge with the gate grounded (module docstring).
        """
        q = np.abs(np.asarray(finite("q", q), dtype=float))
        if np.any(q == 0):
            raise ValueError("q must be nonzero: a uniform sheet charge has no finite potential")
        t = np.ones_like(q) if math.isinf(self.distance) else np.tanh(q * self.distance)
        return t / (EPSILON_0 * q * (self.permittivity + self.substrate_permittivity * t))

    def sheet_potential(self, q, z) -> np.ndarray:
        """phi(z)/rho for a sheet charge exp(i q x) at z = 0, gate grounded; z <= d in m.

        sinh(q(d - z))/sinh(qd) G(q) above the sheet, e^{q z} G(q) below (Laplace per region).
        """
        q = float(abs(finite("q", q)))
        z = np.asarray(finite("z", z), dtype=float)
        if np.any(z > self.distance * (1 + 1e-12)):
            raise ValueError(f"z must be <= distance = {self.distance} m (the gate plane)")
        g = float(self.green(q))
        if math.isinf(self.distance):
            above = np.exp(-q * np.maximum(z, 0.0))
        else:
            zp = np.maximum(z, 0.0)
            # sinh(q(d - z))/sinh(qd) without overflow
            above = np.exp(-q * zp) * (1 - np.exp(-2 * q * (self.distance - zp)))
            above = above / (1 - np.exp(-2 * q * self.distance))
        return g * np.where(z >= 0, above, np.exp(q * np.minimum(z, 0.0)))


@dataclass(frozen=True, eq=False)
class SurfacePolarizability:
    """The surface's density response chi(q, omega) = i q^2 sigma_L / omega from K (SI).

    Parameters
    ----------
    model
        the surface, with physical scales (``SurfaceModel.from_physical``).
    method
        "analytic" (closed form, ``tisot.response.analytic_response``) or "ladder" (exact).
    options
        passed on to the method (e.g. ``corrections`` or ``rtol``). The analytic default skips
        the regime check (high gate harmonics lie outside it but carry little field); the
        ladder default is rtol = 1e-10 (sigma_L << sigma0 at omega << D q^2).
    leakage_time
        tau_L in s (``math.inf``: none), the relaxation of the surface charge into the bulk or
        the gate (``DiffusiveMedium.leakage_time``). It moves the density's diffusion pole,
        D q^2 - i omega -> D q^2 - i omega + 1/tau_L, applied to chi as the factor
        (D q^2 - i omega)/(D q^2 - i omega + 1/tau_L): exact for the diffusive closed form (then
        chi = sigma0 q^2/(D q^2 - i omega + 1/tau_L), continuity with leakage), the leading
        effect otherwise.
    """

    model: SurfaceModel
    method: str = "analytic"
    options: dict = field(default_factory=dict)
    leakage_time: float = math.inf

    def __post_init__(self) -> None:
        from ..response import METHODS

        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, got {self.method!r}")
        self.model._require_scales("SurfacePolarizability")
        tau = float(self.leakage_time)
        if math.isnan(tau) or not tau > 0:
            raise ValueError(
                f"leakage_time (tau_L) must be > 0 in s (math.inf for none), got {tau!r}"
            )
        defaults = {"check_regime": False} if self.method == "analytic" else {"rtol": LADDER_RTOL}
        object.__setattr__(self, "options", defaults | dict(self.options))

    def _sigma_longitudinal(self, q_model, omega_model) -> np.ndarray:
        """sigma_L (e^2/h) with x~ along q: the physical sigma_xx = K_yy for q along x."""
        from ..response import response_tensor

        q2 = np.stack([q_model, np.zeros_like(q_model)], axis=-1)
        K = response_tensor(self.model, q2, omega_model, method=self.method, **self.options)
        return K[..., 1, 1]

    def conductivity(self, q, omega) -> np.ndarray:
        """sigma_L(q, omega) - sigma_L(q, 0) in S, complex, for |q| (1/m) and omega (rad/s) >= 0."""
        s = self.model.scales
        q, omega = _points(q, omega)
        qm, wm = q / s.wavevector, omega / s.rate
        both = self._sigma_longitudinal(np.concatenate([qm, qm]), np.concatenate([wm, 0 * wm]))
        return ((both[: q.size] - both[q.size :]) * CONDUCTANCE_QUANTUM).reshape(q.shape)

    def polarizability(self, q, omega) -> np.ndarray:
        """chi(q, omega) in F/m^2 (rho = -chi phi), complex; omega = 0 is the static limit."""
        s = self.model.scales
        q, omega = _points(q, omega)
        shape = q.shape
        q, omega = q.ravel(), omega.ravel()
        qm, wm = q / s.wavevector, omega / s.rate
        # omega = 0: f(omega) = sigma_L/omega extrapolated from omega_s and 2 omega_s
        step = STATIC_STEP[self.method] * self.model.diffusion_constant * qm**2
        static = wm == 0
        w1 = np.where(static, step, wm)
        grid_q = np.concatenate([qm, qm, qm])
        grid_w = np.concatenate([0 * wm, w1, 2 * w1])
        sig = self._sigma_longitudinal(grid_q, grid_w).reshape(3, -1)
        ratio1 = (sig[1] - sig[0]) / w1
        ratio2 = (sig[2] - sig[0]) / (2 * w1)
        ratio = np.where(static, 2 * ratio1 - ratio2, ratio1)
        # chi = i q^2 sigma_L / omega; sigma in e^2/h, q^2/omega from model units to SI
        chi = 1j * qm**2 * ratio * CONDUCTANCE_QUANTUM * s.wavevector**2 / s.rate
        if not math.isinf(self.leakage_time):
            pole = self.model.diffusion_constant * qm**2 - 1j * wm  # model units
            chi = chi * pole / (pole + s.time / self.leakage_time)
        return chi.reshape(shape)


def _points(q, omega) -> tuple[np.ndarray, np.ndarray]:
    q = np.abs(np.asarray(finite("q", q), dtype=float))
    omega = np.asarray(finite("omega", omega), dtype=float)
    if np.any(omega < 0):
        raise ValueError(f"omega must be >= 0 (angular frequency in rad/s), got {omega!r}")
    if np.any(q == 0):
        raise ValueError("q must be nonzero (a uniform field induces no charge on the plane)")
    return np.broadcast_arrays(q, omega)


@dataclass(frozen=True, eq=False)
class Screening:
    """Self-consistent screening of longitudinal fields by ``surface`` in the geometry ``layers``.

    ``surface`` is a :class:`SurfacePolarizability` (from K) or a
    :class:`~tisot.drive.DiffusiveMedium` (its diffusive closed form, with leakage).
    """

    layers: LayeredDielectric
    surface: Polarizability

    def factor(self, q, omega) -> np.ndarray:
        """E_x(total)/E_x(gate alone) = 1/(1 + G(q) chi(q, omega)) for |q| (1/m), omega (rad/s)."""
        q, omega = _points(q, omega)
        return 1.0 / (1.0 + self.layers.green(q) * self.surface.polarizability(q, omega))

    def induced_charge(self, field: SurfaceField) -> np.ndarray:
        """rho_n in C/m^2 of the *screened* field ``field``: rho = -chi phi, phi = i q.E/q^2."""
        q = field.wavevectors
        q2 = np.sum(q * q, axis=-1)
        out = np.zeros(q.shape[0], dtype=complex)
        nz = q2 > 0
        phi = 1j * np.einsum("ni,ni->n", q[nz], field.amplitudes[nz]) / q2[nz]
        out[nz] = -self.surface.polarizability(np.sqrt(q2[nz]), field.omega) * phi
        return out

    def screen(self, field: SurfaceField) -> SurfaceField:
        """The total field on the surface: each longitudinal part E_n.q^ times the factor.

        The transverse part (q^ x E) and a uniform (q = 0) field induce no charge and pass.
        """
        q = field.wavevectors
        qabs = np.hypot(q[:, 0], q[:, 1])
        E = field.amplitudes.copy()
        nz = qabs > 0
        if np.any(nz):
            qhat = q[nz] / qabs[nz, None]
            longitudinal = np.einsum("ni,ni->n", qhat, E[nz])
            unique, inverse = np.unique(qabs[nz], return_inverse=True)  # +-q_n once
            k = self.factor(unique, field.omega)[inverse]
            E[nz] = E[nz] + ((k - 1.0) * longitudinal)[:, None] * qhat
        return SurfaceField(q, E, field.omega)

    def relaxation_rate(self, q) -> np.ndarray:
        """Gamma = D q^2 + 1/tau_L + sigma q^2 G(q) in 1/s: the screened diffusion pole (diffusive).

        D, sigma and tau_L are the surface's (the model's sigma0 e^2/h and D, or the medium's).
        For a far gate Gamma = D q (q + q_s) (+ 1/tau_L); for q << q_s it is the 2D Maxwell rate.
        """
        q = np.abs(np.asarray(finite("q", q), dtype=float))
        surface = self.surface
        if isinstance(surface, SurfacePolarizability):
            s = surface.model.scales
            D = surface.model.diffusion_constant * s.diffusion
            sigma = surface.model.sigma0 * CONDUCTANCE_QUANTUM
            leak = 0.0 if math.isinf(surface.leakage_time) else 1.0 / surface.leakage_time
        else:  # a DiffusiveMedium
            D, sigma = surface.diffusion_constant, surface.sheet_conductance
            leak = surface.leakage_rate
        return D * q**2 + leak + sigma * q**2 * self.layers.green(q)


def screening_wavevector(model: SurfaceModel, mean_permittivity: float) -> float:
    """q_s = e^2 nu/(2 eps0 eps_bar) in 1/m, with e^2 nu = sigma0 (e^2/h)/D (Einstein relation)."""
    s = model._require_scales("screening_wavevector")
    eps = _check_permittivity("mean_permittivity", mean_permittivity)
    e2nu = model.sigma0 * CONDUCTANCE_QUANTUM / (model.diffusion_constant * s.diffusion)
    return e2nu / (2 * EPSILON_0 * eps)


def screening_factor(
    model: SurfaceModel,
    q,
    omega,
    *,
    distance: float,
    eps_gate: float,
    eps_substrate: float,
    method: str = "analytic",
    **options,
) -> np.ndarray:
    """E_x(total)/E_x(gate alone) at |q| (1/m) and omega (rad/s, >= 0), complex.

    ``distance`` d in m (>= 0), ``eps_gate`` eps_d and ``eps_substrate`` eps_s (> 0); the
    density response by ``method`` ("analytic" or "ladder", options passed on).
    """
    positive("omega", omega, strict=False)
    layers = LayeredDielectric(
        distance=distance, permittivity=eps_gate, substrate_permittivity=eps_substrate
    )
    return Screening(layers, SurfacePolarizability(model, method, options)).factor(q, omega)
