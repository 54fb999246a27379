"""Equilibrium magnetisation of a :class:`~tisot.magnet.film.FilmMagnet`: energy minima on the sphere.

A coarse scan of E(theta, phi) on a cell-centred grid finds every basin (the discrete local
minima, the poles joined across theta = 0 and pi), a damped Newton descent on the sphere refines
each one to machine precision, and distinct minima are kept with their energies. One minimum
is the equilibrium; several are hysteresis (the state depends on the history, ``m_guess``
follows a branch); several with the same energy make the equilibrium ambiguous (zero field,
where E(m) = E(-m), or a field in a symmetry plane of the anisotropy): ValueError unless the
caller says which branch to follow.

Limitation: a metastable minimum whose basin is narrower than the 5 deg scan grid (just before
it annihilates at a switching field) can be missed by the scan, so ``hysteretic`` may read
False there; ``m_guess`` (or :func:`~tisot.magnet.sweep.field_sweep`) follows it regardless.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._validation import finite
from .film import FilmMagnet, angles_deg, field_vector, local_frame

#: grid of the global scan (cell centres): fine enough to resolve basins of anisotropies
#: up to 4th order in m (uniaxial + cubic have at most 26 extrema on the sphere)
SCAN_THETA = 36
SCAN_PHI = 72
#: tangent-gradient tolerance relative to the magnet's energy scale (float64 noise ~ 1e-16)
GRAD_TOL = 1e-12
#: minima closer than this (|m1 - m2|) are the same minimum
SAME_MINIMUM = 1e-6
#: energies within this fraction of the energy scale are degenerate
DEGENERATE = 1e-10
#: largest step on the sphere in one iteration (rad)
MAX_STEP = 0.3


@dataclass(frozen=True)
class Minimum:
    """One local minimum of the energy: direction ``m`` and energy density ``energy`` (J/m^3)."""

    m: np.ndarray
    energy: float

    @property
    def theta_deg(self) -> float:
        """Polar angle of m from the film normal z in degrees."""
        return float(angles_deg(self.m)[0])

    @property
    def phi_deg(self) -> float:
        """Azimuth of m from x in degrees."""
        return float(angles_deg(self.m)[1])


@dataclass(frozen=True)
class Equilibrium:
    """The equilibrium at one applied field.

    ``m`` is the global minimum (or, with ``m_guess``, the minimum reached from it), ``minima``
    every distinct local minimum, lowest energy first, ``field_tesla`` the applied mu0 H (T).
    """

    m: np.ndarray
    energy: float
    minima: tuple[Minimum, ...]
    field_tesla: np.ndarray

    @property
    def hysteretic(self) -> bool:
        """More than one local minimum: the state depends on the field history."""
        return len(self.minima) > 1

    @property
    def theta_deg(self) -> float:
        """Polar angle of m from the film normal in degrees."""
        return float(angles_deg(self.m)[0])

    @property
    def phi_deg(self) -> float:
        """Azimuth of m from x in degrees."""
        return float(angles_deg(self.m)[1])


def relax(magnet: FilmMagnet, field_tesla, m_start) -> np.ndarray:
    """The local energy minimum reached from ``m_start`` by damped Newton descent on the sphere.

    Each step works in the chart m(a) = (m + a_1 e_theta + a_2 e_phi) / |...| at the current m,
    with the gradient e_i.dE/dm and the Hessian of :meth:`FilmMagnet.tangent_hessian`: a Newton
    step where the Hessian is positive definite, steepest descent elsewhere, halved until the
    energy drops (Armijo). A saddle reached exactly is left along its negative-curvature axis.
    """
    b = np.asarray(field_tesla, dtype=float)
    m = np.asarray(m_start, dtype=float)
    m = m / np.linalg.norm(m)
    scale = magnet.energy_scale + magnet.ms * float(np.linalg.norm(b))
    energy = float(magnet.energy(m, b))
    for _ in range(500):
        e1, e2 = local_frame(m)
        grad = -magnet.ms * magnet.effective_field(m, b)
        g = np.array([e1 @ grad, e2 @ grad])
        hess = magnet.tangent_hessian(m, b)
        eig, vec = np.linalg.eigh(hess)
        if np.linalg.norm(g) < GRAD_TOL * scale:
            if eig[0] > -1e-9 * scale:
                break
            step = MAX_STEP * vec[:, 0]  # on a saddle: roll off along the unstable axis
        elif eig[0] > 1e-9 * scale:
            step = -np.linalg.solve(hess, g)
        else:
            step = -g / max(float(np.abs(eig).max()), 1e-3 * scale)
        norm = float(np.linalg.norm(step))
        if norm > MAX_STEP:
            step *= MAX_STEP / norm
        slope = float(g @ step)
        t = 1.0
        for _ in range(60):
            trial = m + t * (step[0] * e1 + step[1] * e2)
            trial /= np.linalg.norm(trial)
            e_trial = float(magnet.energy(trial, b))
            if e_trial <= energy + 1e-4 * t * min(slope, 0.0):
                break
            t *= 0.5
        else:
            break  # no descent possible at float precision: converged
        if np.linalg.norm(trial - m) < 1e-15:
            m, energy = trial, e_trial
            break
        m, energy = trial, e_trial
    return m


def _scan_seeds(magnet: FilmMagnet, b: np.ndarray) -> np.ndarray:
    """Discrete local minima of E on the (theta, phi) scan grid, (n, 3)."""
    th = (np.arange(SCAN_THETA) + 0.5) * math.pi / SCAN_THETA
    ph = np.arange(SCAN_PHI) * 2 * math.pi / SCAN_PHI
    st = np.sin(th)[:, None]
    grid = np.stack(
        np.broadcast_arrays(st * np.cos(ph), st * np.sin(ph), np.cos(th)[:, None]), axis=-1
    )
    e = magnet.energy(grid, b)
    # pad: phi wraps; beyond the poles the neighbour is the same ring at phi + pi
    half = SCAN_PHI // 2
    rows = np.concatenate([np.roll(e[:1], half, axis=1), e, np.roll(e[-1:], half, axis=1)])
    pad = np.concatenate([rows[:, -1:], rows, rows[:, :1]], axis=1)
    is_min = np.ones(e.shape, dtype=bool)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                nb = pad[1 + di : 1 + di + SCAN_THETA, 1 + dj : 1 + dj + SCAN_PHI]
                is_min &= e <= nb
    return grid[is_min]


def _distinct(magnet: FilmMagnet, b: np.ndarray, points) -> list[Minimum]:
    """Stable, distinct minima among ``points``, lowest energy first."""
    scale = magnet.energy_scale + magnet.ms * float(np.linalg.norm(b))
    found: list[Minimum] = []
    for m in points:
        if np.linalg.eigvalsh(magnet.tangent_hessian(m, b))[0] < -1e-8 * scale:
            continue  # a saddle or maximum that the descent could not leave
        if all(np.linalg.norm(m - f.m) > SAME_MINIMUM for f in found):
            found.append(Minimum(m=m, energy=float(magnet.energy(m, b))))
    return sorted(found, key=lambda f: f.energy)


def equilibrium(magnet: FilmMagnet, field_tesla, *, m_guess=None) -> Equilibrium:
    """The equilibrium direction of the film's magnetisation at the applied field mu0 H (T).

    Parameters
    ----------
    magnet
        the film.
    field_tesla
        applied mu0 H, a 3-vector in T (z = film normal).
    m_guess
        optional starting direction: the returned ``m`` is then the minimum reached from it
        (how a hysteresis branch is followed), even where several minima are degenerate.

    Returns
    -------
    Equilibrium
        ``m`` (global minimum or the branch's), all ``minima``, ``hysteretic``, angles.

    Raises
    ------
    ValueError
        when, without ``m_guess``, two or more distinct minima have the same energy (within
        1e-10 of the energy scale): the equilibrium is not unique.
    """
    b = np.asarray(finite("field_tesla", field_tesla), dtype=float)
    if b.shape != (3,):
        raise ValueError(f"field_tesla must be a 3-vector (T), got shape {b.shape}")
    seeds = list(_scan_seeds(magnet, b))
    branch = None
    if m_guess is not None:
        guess = np.asarray(finite("m_guess", m_guess), dtype=float)
        if guess.shape != (3,) or not np.linalg.norm(guess) > 0:
            raise ValueError(f"m_guess must be a nonzero 3-vector, got {m_guess!r}")
        branch = relax(magnet, b, guess)
        seeds.append(branch)
    minima = _distinct(magnet, b, [relax(magnet, b, s) for s in seeds])
    if branch is not None:
        m = next((f.m for f in minima if np.linalg.norm(f.m - branch) <= SAME_MINIMUM), branch)
        return Equilibrium(
            m=m, energy=float(magnet.energy(m, b)), minima=tuple(minima), field_tesla=b
        )
    scale = magnet.energy_scale + magnet.ms * float(np.linalg.norm(b))
    ties = [f for f in minima if f.energy - minima[0].energy <= DEGENERATE * scale]
    if len(ties) > 1:
        where = ", ".join(
            f"(theta {f.theta_deg:.1f}, phi {f.phi_deg:.1f}) deg" for f in ties[:3]
        ) + (" ..." if len(ties) > 3 else "")
        if not np.any(b):
            cause = "at zero applied field E(m) = E(-m)"
        elif b[0] == b[1] == 0 and magnet.ku_inplane == 0:
            cause = (
                "the field is along the normal of an in-plane isotropic film: the minima form a "
                "cone about z (rotation symmetry)"
            )
        else:
            cause = "the field lies in a symmetry plane of the anisotropy"
        raise ValueError(
            f"the equilibrium is not unique: {len(ties)} degenerate energy minima, m at {where}; "
            f"{cause}. Apply a (tilted) field or pass m_guess to follow one branch"
        )
    best = minima[0]
    return Equilibrium(m=best.m, energy=best.energy, minima=tuple(minima), field_tesla=b)


def equilibrium_at(
    magnet: FilmMagnet, field_magnitude_tesla, theta_h_deg, phi_h_deg=0.0, *, m_guess=None
) -> Equilibrium:
    """:func:`equilibrium` for a field of magnitude mu0 H (T) at theta_H from the normal, phi_H (deg)."""
    b = field_vector(field_magnitude_tesla, theta_h_deg, phi_h_deg)
    return equilibrium(magnet, b, m_guess=m_guess)


#: tangential effective field allowed at an "equilibrium", relative to the field scale
EQUILIBRIUM_TOL = 1e-6


def check_equilibrium(magnet: FilmMagnet, field_tesla, m, *, name: str = "m0") -> np.ndarray:
    """Return m/|m| (..., 3) after checking that the torque m x H_eff vanishes there.

    The linearised dynamics and Smit–Beljers hold only around an equilibrium: a direction such
    as the field's, which is not one, raises ValueError pointing to :func:`equilibrium`.
    """
    m = np.asarray(finite(name, m), dtype=float)
    if m.shape[-1:] != (3,):
        raise ValueError(f"{name} must have shape (..., 3), got {m.shape}")
    norm = np.linalg.norm(m, axis=-1, keepdims=True)
    if np.any(norm == 0):
        raise ValueError(f"{name} must be nonzero")
    m = m / norm
    b = np.asarray(field_tesla, dtype=float)
    heff = magnet.effective_field(m, b)
    scale = np.linalg.norm(b, axis=-1) + magnet.energy_scale / magnet.ms
    residual = np.linalg.norm(np.cross(m, heff), axis=-1)
    if np.any(residual > EQUILIBRIUM_TOL * scale):
        worst = float(np.max(residual / scale))
        raise ValueError(
            f"{name} is not an equilibrium of the film at this field (|m x mu0 H_eff| / field "
            f"scale = {worst:.2g} > {EQUILIBRIUM_TOL:g}); use tisot.magnet.equilibrium(...).m"
        )
    return m
