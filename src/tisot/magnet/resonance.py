"""Uniform-mode resonance of the film (Smit–Beljers) and the resonance field at fixed frequency.

Smit & Beljers (1955): at an energy minimum (theta0, phi0),

    omega / gamma = (1 / (Ms sin theta0)) sqrt(E_thth E_phph - E_thph^2),

which is (1/Ms) sqrt(det H) with H the Hessian of E in orthonormal tangent coordinates
(:meth:`~tisot.magnet.film.FilmMagnet.tangent_hessian`): the same number, regular at theta0 = 0.
Kittel (1948) is its symmetric limit: in-plane f = (gamma / 2 pi) sqrt(B (B + mu0 Meff)),
normal f = (gamma / 2 pi) (B - mu0 Meff).
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import brentq

from .._validation import finite
from .equilibrium import check_equilibrium, equilibrium, relax
from .film import MU0, FilmMagnet, field_vector
from .linear import stable_root_det

#: field points of the down-sweep that brackets the resonance fields in kittel_field
SWEEP_POINTS = 160


def smit_beljers_frequency(magnet: FilmMagnet, field_tesla, m) -> np.ndarray:
    """f = gamma sqrt(det H) / (2 pi Ms) in Hz, Smit & Beljers (1955) (module docstring).

    H is the tangent Hessian of the energy at m (T, (..., 3)); NaN where H is not positive
    definite (det H <= 0: a saddle; det H > 0 with tr H < 0: a maximum), i.e. m not a stable
    minimum. No equilibrium check: the callers check m once, at their boundary.
    """
    root = stable_root_det(magnet.tangent_hessian(m, field_tesla))
    return magnet.gamma * root / (2 * math.pi * magnet.ms)


def resonance_frequency(magnet: FilmMagnet, field_tesla, m=None) -> float | np.ndarray:
    """Uniform-mode (k = 0) resonance frequency in Hz at the applied field mu0 H (T).

    Parameters
    ----------
    magnet
        the film.
    field_tesla
        applied mu0 H, (3,) or (..., 3) in T.
    m
        the equilibrium (default: :func:`~tisot.magnet.equilibrium`'s global minimum, which
        raises where it is ambiguous); pass a branch's m to follow hysteresis.

    Raises
    ------
    ValueError
        if m is not an equilibrium, or not a stable one (H not positive definite).
    """
    b = np.asarray(finite("field_tesla", field_tesla), dtype=float)
    if b.shape[-1:] != (3,):
        raise ValueError(f"field_tesla must have shape (3,) or (..., 3), got {b.shape}")
    if m is None:
        flat = b.reshape(-1, 3)
        m = np.stack([equilibrium(magnet, bi).m for bi in flat]).reshape(b.shape)
    m = check_equilibrium(magnet, b, m, name="m")
    f = smit_beljers_frequency(magnet, b, m)
    if np.any(np.isnan(f)):
        raise ValueError(
            "m is not a stable equilibrium (the energy curvature H is not positive definite: a "
            "saddle or a maximum): no resonance; pass the minimum, e.g. equilibrium(...).m"
        )
    return float(f) if np.ndim(f) == 0 else f


def _branch_frequency(magnet, b, m):
    """(frequency in Hz or 0 where unstable, relaxed m) on the branch continued from m."""
    m = relax(magnet, b, m)
    f = float(smit_beljers_frequency(magnet, b, m))
    return (0.0 if math.isnan(f) else f), m


def kittel_field(
    magnet: FilmMagnet,
    frequency_hz: float,
    theta_h_deg: float = 90.0,
    phi_h_deg: float = 0.0,
    *,
    all_roots: bool = False,
) -> float | list[float]:
    """Resonance field |mu0 H| (T) at fixed frequency and field direction (a lab field sweep).

    The field is swept down from well above saturation along (theta_h, phi_h), following the
    equilibrium branch (each point relaxes from the previous m), and f(B) = frequency_hz is
    solved by bracketing and Brent's method. Returns the highest resonance field, or with
    ``all_roots`` every crossing on the down-sweep, highest first.

    Raises
    ------
    ValueError
        if frequency_hz <= 0, or no resonance is found on the branch.
    """
    f0 = finite("frequency_hz", frequency_hz, allow_array=False)
    if f0 <= 0:
        raise ValueError(f"frequency_hz must be > 0, got {frequency_hz!r}")
    direction = field_vector(1.0, theta_h_deg, phi_h_deg)
    anis = MU0 * magnet.ms + 2 * (abs(magnet.ku) + 2 * abs(magnet.kc) + abs(magnet.ku_inplane)) / (
        magnet.ms
    )
    top = 1.5 * (2 * math.pi * f0 / magnet.gamma + anis) + 1e-3
    fields = np.linspace(top, top / SWEEP_POINTS, SWEEP_POINTS)
    m = equilibrium(magnet, top * direction).m
    freqs, ms = [], []
    for bb in fields:
        f, m = _branch_frequency(magnet, bb * direction, m)
        freqs.append(f - f0)
        ms.append(m)
    roots = []
    for i in range(len(fields) - 1):
        if freqs[i] == 0.0:
            roots.append(float(fields[i]))
        elif freqs[i] * freqs[i + 1] < 0:
            start = ms[i]

            def mismatch(bb, start=start):
                return _branch_frequency(magnet, bb * direction, start)[0] - f0

            roots.append(float(brentq(mismatch, fields[i + 1], fields[i], xtol=1e-12, rtol=1e-12)))
    if not roots:
        raise ValueError(
            f"no resonance at {f0:g} Hz for fields up to {top:.3g} T along theta_h = "
            f"{theta_h_deg!r} deg, phi_h = {phi_h_deg!r} deg"
        )
    return roots if all_roots else roots[0]
