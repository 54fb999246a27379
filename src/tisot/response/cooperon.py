"""The Cooperon of the SCBA: the particle-particle ladder and its mass.

The diagrams beyond X and Psi that grow as the broadening falls are the maximally crossed ones,
whose sum is the Cooperon (quantum interference; weak (anti)localisation). With scalar white
noise (W = 2 pi alpha, Eq. 5), SCBA Green's functions G^R(eps + i eta), G^A(eps - i eta) and the
ladder's cutoff |k| < p_c, the two pair propagators at total momentum 0 are the maps

    diffuson:  X -> W Int d^2k/(2 pi)^2 G^R(k) X G^A(k)          (= pi alpha M of Eq. 12, q = 0)
    Cooperon:  X -> W Int d^2k/(2 pi)^2 G^R(k) X G^A(-k)^T       (both lines run forward)

on 2 x 2 matrices X. A ladder of n rungs is the n-th power, so a mode of eigenvalue lambda
relaxes at the rate (1 - lambda)/tau_eta. The diffuson's slowest mode is particle number:
its rate is exactly 2 eta (Ward identity), which fixes tau_eta = (1 - lambda_D)/2 eta (-> tau =
1/2 Gamma as eta -> 0). The Cooperon's rates minus 2 eta are its masses: with Delta_z = 0
(time reversal) one mode is massless, the symplectic class of the bare surface; the exchange
field Delta_z gives every mode a mass of order Gamma. Projected onto the conduction band
(alpha -> 0), the pair state picks up the product of two spinor overlaps, <u_k'|u_k>^2 =
(c^2 + s^2 e^{-i theta})^2 with c^2, s^2 = (1 -+ x)/2 and x = Delta_z/eps, so the three
Fermi-surface modes (angular harmonics 0, 1, 2) have

    1 - lambda = 2 x^2/(1 + x^2),  (1 - x)^2/2(1 + x^2),  (1 + x)^2/2(1 + x^2)

(with x = 0: 0, 1/2, 1/2; the fourth mode is interband, 1 - lambda -> 1). The smallest sets the
Cooperon mass Gamma_c = 2 Gamma min(...) (0.33 Gamma at x = 0.3): below eta ~ Gamma_c/2 the
interference corrections stop growing. The exact average's Hall residual does just that
(docs/beyond-ladder.md, section 3c).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..model.surface import SurfaceModel
from .crossed import PAULI, _green
from .ladder import surface_parameters
from .selfenergy import green_parameters

#: Gauss-Legendre nodes per radial panel; the integrands' angular dependence is a trigonometric
#: polynomial of degree <= 2, so ANGLES = 8 equispaced angles integrate it exactly
RADIAL_NODES = 48
ANGLES = 8


@dataclass(frozen=True)
class PairSpectrum:
    """Eigenvalues of the diffuson and Cooperon pair propagators at total momentum 0.

    Both sorted by the real part, largest first (slowest mode first). ``tau`` is tau_eta of the
    module docstring (hbar/E0), ``rates`` the Cooperon modes' relaxation rates (E0/hbar),
    ``mass`` the slowest one minus 2 eta.
    """

    eta: float
    diffuson: np.ndarray
    cooperon: np.ndarray
    tau: float
    rates: np.ndarray
    mass: float


def _radial_nodes(kf: complex, cutoff: float, nodes: int):
    """Gauss-Legendre panels on [0, p_c], geometric around the pole at Re k_F."""
    x0, w0 = np.polynomial.legendre.leggauss(nodes)
    width = abs(kf.imag)
    steps = width * 2.0 ** np.arange(-2, 40)
    breaks = [kf.real + s for s in steps if kf.real + s < cutoff]
    breaks += [kf.real - s for s in steps if kf.real - s > 0]
    breaks = np.unique(np.concatenate([[0.0, kf.real, cutoff], breaks]))
    a, b = breaks[:-1, None], breaks[1:, None]
    return ((b - a) / 2 * x0 + (a + b) / 2).ravel(), ((b - a) / 2 * w0).ravel()


def pair_spectrum(
    model: SurfaceModel, eta: float, *, cutoff: float = 5.0, nodes: int = RADIAL_NODES
) -> PairSpectrum:
    """Diffuson and Cooperon spectra at broadening ``eta`` > 0 (model units; module docstring).

    ``model`` is read as renormalised at the cutoff ``cutoff`` (p_c / eps), as by the ladder.
    """
    if not (math.isfinite(eta) and eta > 0):
        raise ValueError(f"eta must be finite and > 0 (model units), got {eta!r}")
    par = surface_parameters(model, cutoff)
    e_t, d_t = green_parameters(
        par.bare_fermi_energy + 1j * eta, par.bare_delta_z, par.bare_disorder, par.cutoff, "scba"
    )
    e_t, d_t = complex(e_t), complex(d_t)
    kf = complex(np.sqrt(e_t * e_t - d_t * d_t))
    p, wp = _radial_nodes(kf, par.cutoff, int(nodes))
    t = 2 * math.pi * np.arange(ANGLES) / ANGLES
    px, py = (p[:, None] * np.cos(t)).ravel(), (p[:, None] * np.sin(t)).ravel()
    w = np.repeat(wp * p / (2 * math.pi * ANGLES), ANGLES)  # d^2k/(2 pi)^2
    gr = _green(e_t, d_t, px, py)
    ga = np.conj(np.swapaxes(gr, -1, -2))  # G^A(k) = G^R(k)^+
    ga_minus_t = np.conj(_green(e_t, d_t, -px, -py))  # G^A(-k)^T = conj G^R(-k)
    W = 2 * math.pi * par.bare_disorder

    def superoperator(right):  # (1/2) Tr[s_a G^R s_b right] W, in the Pauli basis
        return W / 2 * np.einsum("k,aij,kjl,blm,kmi->ab", w, PAULI, gr, PAULI, right)

    lam_d = np.linalg.eigvals(superoperator(ga))
    lam_c = np.linalg.eigvals(superoperator(ga_minus_t))
    lam_d, lam_c = (x[np.argsort(-x.real)] for x in (lam_d, lam_c))
    tau = float((1 - lam_d[0].real) / (2 * eta))
    rates = (1 - lam_c.real) / tau
    return PairSpectrum(
        eta=float(eta),
        diffuson=lam_d,
        cooperon=lam_c,
        tau=tau,
        rates=rates,
        mass=float(rates[0] - 2 * eta),
    )


def projected_cooperon_gaps(x: float) -> np.ndarray:
    """1 - lambda of the three Fermi-surface Cooperon modes, band-projected (alpha -> 0), sorted;
    x = Delta_z / eps (module docstring)."""
    x = float(x)
    d = 1 + x * x
    return np.sort([2 * x * x / d, (1 - x) ** 2 / (2 * d), (1 + x) ** 2 / (2 * d)])


__all__ = ["PairSpectrum", "pair_spectrum", "projected_cooperon_gaps"]
