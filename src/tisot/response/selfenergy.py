"""Disorder self-energy of the surface electrons (Eq. 11) with an explicit momentum cutoff.

With Gaussian disorder of strength alpha (Eq. 5) and hbar = v = 1, the averaged retarded Green's
function keeps the form of Eq. (10),

    G^R_p(E) = [E~ + (p x sigma)_z - Dz~ sigma_z] / (z - p^2),     z = E~^2 - Dz~^2,

with complex parameters E~ = E - Sigma_0 and Dz~ = Delta_z - Sigma_z, where
Sigma = Sigma_0 + Sigma_z sigma_z = 2 pi alpha Int d^2p/(2 pi)^2 G^R_p (Eq. 11). The angular
integral removes (p x sigma)_z and the radial one, over |p| < p_c (``cutoff``), is elementary:

    Int_0^{p_c} p dp / (z - p^2) = l(z) = [log z - log(z - p_c^2)] / 2,

so Sigma = alpha (E~ - Dz~ sigma_z) l(z), i.e.

    E~ = E / (1 + alpha l(z)),      Dz~ = Delta_z / (1 - alpha l(z)).                      (SCBA)

Solved self-consistently (self-consistent Born approximation, "scba"), the self-energy and the
ladder kernel M of Eq. (12) come from the same regularised momentum integral, and the Ward
identity det[1 - pi alpha M(0, 0)] = 0 holds exactly at any cutoff. To first order,
l = -(ln(p_c^2/k_F^2 - 1) + i pi)/2: the imaginary part gives the paper's E^R = E(1 + i pi alpha/2),
Delta_z^R = Delta_z(1 - i pi alpha/2) (Eq. 10, "born"); the real part, of order
alpha ln(p_c/eps), renormalises eps upwards and Delta_z downwards.

Renormalised parameters (what the paper's formulas should be evaluated at) are defined at the
Fermi energy from the self-consistent E~ and Dz~:

    eps_r = Re E~,    Delta_r = Re Dz~,    alpha_r = Im z / (pi (eps_r^2 + Delta_r^2)),

the last because the Fermi-surface pinch Int p dp / |z - p^2|^2 = pi / (2 Im z) is what the paper
writes as 1/(pi alpha (eps^2 + Delta_z^2)) (Eq. B1b). For the paper's Born form these reproduce
(eps, Delta_z, alpha) up to O(alpha^2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

#: Newton steps of the SCBA before giving up.
MAX_SCBA_ITERATIONS = 100
#: Relative Newton step on z at which the SCBA iteration stops.
SCBA_TOLERANCE = 1e-14

SELF_ENERGIES = ("scba", "born")


def log_integral(z, cutoff: float):
    """l(z) = Int_0^cutoff p dp / (z - p^2) = [log z - log(z - cutoff^2)] / 2 (Im z != 0)."""
    z = np.asarray(z, dtype=complex)
    return 0.5 * (np.log(z) - np.log(z - cutoff * cutoff))


def scba(energy, delta_z: float, alpha: float, cutoff: float):
    """Retarded self-consistent Born parameters (E~, Dz~) at ``energy`` (any shape).

    Solves F(z) = E^2/(1 + alpha l(z))^2 - Dz^2/(1 - alpha l(z))^2 - z = 0 for z = E~^2 - Dz~^2
    by complex Newton steps from the first Born approximation (Im l = -pi/2), then returns
    E~ = E/(1 + alpha l), Dz~ = Dz/(1 - alpha l). ``energy`` may be complex with Im E slightly
    negative: the retarded branch is continued there. Raises RuntimeError if it fails.
    """
    energy = np.asarray(energy, dtype=complex)
    e_t = energy * (1 + 0.5j * math.pi * alpha)
    d_t = delta_z * (1 - 0.5j * math.pi * alpha)
    z = e_t * e_t - d_t * d_t
    for _ in range(MAX_SCBA_ITERATIONS):
        ell = log_integral(z, cutoff)
        dell = 0.5 * (1 / z - 1 / (z - cutoff * cutoff))
        up, dn = 1 + alpha * ell, 1 - alpha * ell
        f = energy**2 / up**2 - delta_z**2 / dn**2 - z
        df = -2 * alpha * dell * (energy**2 / up**3 + delta_z**2 / dn**3) - 1
        step = f / df
        # keep the retarded branch: never let Im z cross zero
        while np.any(((z - step).imag <= 0) & (z.imag > 0)):
            step = np.where(((z - step).imag <= 0) & (z.imag > 0), 0.5 * step, step)
        z = z - step
        # z = E~^2 - Dz~^2 is known to rounding of the two squares (tiny z near the gap)
        scale = np.abs(z) + np.abs(energy) ** 2 + delta_z**2
        if np.all(np.abs(step) <= SCBA_TOLERANCE * scale):
            ell = log_integral(z, cutoff)
            return energy / (1 + alpha * ell), delta_z / (1 - alpha * ell) * np.ones_like(z)
    raise RuntimeError(
        f"self-consistent Born iteration did not converge in {MAX_SCBA_ITERATIONS} steps "
        f"(alpha = {alpha}, cutoff = {cutoff}); reduce alpha"
    )


def born(energy, delta_z: float, alpha: float):
    """The paper's Born parameters (Eq. 10): E~ = E(1 + i pi alpha/2), Dz~ = Dz(1 - i pi alpha/2)."""
    energy = np.asarray(energy, dtype=complex)
    return energy * (1 + 0.5j * math.pi * alpha), delta_z * (1 - 0.5j * math.pi * alpha) * (
        np.ones_like(energy)
    )


def green_parameters(energy, delta_z: float, alpha: float, cutoff: float, self_energy: str):
    """(E~, Dz~) of the retarded Green's function (Eq. 10) for the chosen ``self_energy``."""
    if self_energy == "scba":
        return scba(energy, delta_z, alpha, cutoff)
    if self_energy == "born":
        return born(energy, delta_z, alpha)
    raise ValueError(f"self_energy must be one of {SELF_ENERGIES}, got {self_energy!r}")


@dataclass(frozen=True)
class Renormalised:
    """Bare and renormalised parameters of the surface at a momentum cutoff (model units)."""

    fermi_energy: float  #: eps_r = Re E~(eps)
    delta_z: float  #: Delta_r = Re Dz~(eps)
    disorder: float  #: alpha_r = Im z / (pi (eps_r^2 + Delta_r^2))
    bare_fermi_energy: float  #: eps in the Hamiltonian
    bare_delta_z: float  #: Delta_z in the Hamiltonian
    bare_disorder: float  #: alpha in Eq. (5)
    cutoff: float  #: p_c, in units of hbar v / E0 (absolute, not relative to eps)
    self_energy: str  #: "scba" or "born"

    def as_dict(self) -> dict[str, float | str]:
        return dict(self.__dict__)


def renormalise(
    fermi_energy: float, delta_z: float, alpha: float, cutoff: float, self_energy: str = "scba"
) -> Renormalised:
    """Renormalised (eps_r, Delta_r, alpha_r) of a surface with bare (eps, Delta_z, alpha)."""
    e_t, d_t = green_parameters(fermi_energy, delta_z, alpha, cutoff, self_energy)
    e_t, d_t = complex(e_t), complex(d_t)
    z = e_t * e_t - d_t * d_t
    er, dr = e_t.real, d_t.real
    return Renormalised(
        fermi_energy=er,
        delta_z=dr,
        disorder=z.imag / (math.pi * (er * er + dr * dr)),
        bare_fermi_energy=float(fermi_energy),
        bare_delta_z=float(delta_z),
        bare_disorder=float(alpha),
        cutoff=float(cutoff),
        self_energy=self_energy,
    )


@lru_cache(maxsize=256)
def bare_for(
    fermi_energy: float, delta_z: float, alpha: float, cutoff: float, self_energy: str = "scba"
) -> Renormalised:
    """The bare parameters whose renormalised ones are (eps_r, Delta_r, alpha_r) = the arguments.

    Solved by Newton's method on the three real equations (results cached); raises ValueError
    where no bare surface with 0 < alpha < 1 has these renormalised parameters at this cutoff.
    """
    target = np.array([fermi_energy, delta_z, alpha], dtype=float)
    kf2 = fermi_energy**2 - delta_z**2
    if kf2 <= 0 or not 0 < alpha < 1:
        raise ValueError(
            f"renormalised parameters need fermi_energy > |delta_z| and 0 < alpha < 1, got "
            f"{tuple(target)}"
        )
    # first-order start: eps_r = eps (1 + alpha L/2), Delta_r = Delta (1 - alpha L/2)
    half_log = 0.5 * alpha * math.log(max(cutoff * cutoff / kf2 - 1.0, 1e-300))
    x = np.array([fermi_energy / (1 + half_log), delta_z / (1 - half_log), alpha])

    def residual(x):
        r = renormalise(*x, cutoff, self_energy)
        return np.array([r.fermi_energy, r.delta_z, r.disorder]) - target

    f = residual(x)
    for _ in range(60):
        if np.all(np.abs(f) <= 1e-14 * np.maximum(np.abs(target), 1e-300) + 1e-300):
            break
        jac = np.empty((3, 3))
        for k in range(3):
            h = 1e-7 * max(abs(x[k]), 1e-3)
            xp = x.copy()
            xp[k] += h
            jac[:, k] = (residual(xp) - f) / h
        try:
            step = np.linalg.solve(jac, f)
        except np.linalg.LinAlgError:
            break
        # damped: stay at eps > 0, 0 < alpha < 1 (the bare eps may lie below the bare |Delta|)
        for _ in range(30):
            trial = x - step
            if 0 < trial[2] < 1 and trial[0] > 0:
                try:
                    f_trial = residual(trial)
                except RuntimeError:  # no self-consistent solution there: shorter step
                    f_trial = None
                if f_trial is not None and (
                    np.abs(f_trial).max() < np.abs(f).max() or np.abs(f).max() < 1e-12
                ):
                    break
            step = 0.5 * step
        else:
            break
        x, f = trial, f_trial
    try:
        r = renormalise(*x, cutoff, self_energy)
    except RuntimeError:
        r = None
    got = np.array([r.fermi_energy, r.delta_z, r.disorder]) if r else np.full(3, np.nan)
    if not (0 < x[2] < 1 and np.allclose(got, target, rtol=1e-10, atol=1e-13)):
        raise ValueError(
            f"no bare surface has renormalised (eps, Delta_z, alpha) = {tuple(target)} at "
            f"cutoff = {cutoff}: reduce alpha or the cutoff, or pass parameters='bare'"
        )
    return r
