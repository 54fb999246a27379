"""Thin-film spin-wave dispersion f(k) of the lowest (unpinned) thickness mode with exchange.

The undamped limit of :func:`tisot.magnet.linear.stiffness`: f(k) = sqrt(det K(k)) / 2 pi, with
the dynamic dipolar tensor N(k) = P kk + (1 - P) zz, P = 1 - (1 - e^{-|k| d}) / (|k| d), and the
exchange field -(2 A k^2 / Ms) dm. For an isotropic film this is the Kalinikos & Slavin (1986)
Eq. (45) with F_00; its limits are Damon–Eshbach (in-plane m perpendicular to k), backward
volume (m parallel to k) and forward volume (m along the normal). Convention: a wave
m = m0 + Re[dm exp(i (k.r - 2 pi f t))], f(k) = f(-k).
"""

from __future__ import annotations

import math

import numpy as np

from .equilibrium import equilibrium
from .film import FilmMagnet
from .linear import stable_root_det, stiffness


def spin_wave_frequency(
    magnet: FilmMagnet,
    field_tesla,
    k,
    k_azimuth_deg=0.0,
    thickness=None,
    exchange_stiffness=0.0,
    m=None,
) -> float | np.ndarray:
    """Frequency in Hz of the spin wave at in-plane wavevector k (rad/m, any shape).

    Parameters
    ----------
    magnet
        the film.
    field_tesla
        applied mu0 H (T), a 3-vector.
    k
        |k| in rad/m (array allowed); k = 0 is the Smit–Beljers uniform mode.
    k_azimuth_deg
        direction of k in the plane, degrees from x.
    thickness
        film thickness d in m (needed for k != 0).
    exchange_stiffness
        A in J/m.
    m
        the equilibrium (default: the global minimum of :func:`~tisot.magnet.equilibrium`).
    """
    if m is None:
        m = equilibrium(magnet, field_tesla).m
    kmat = stiffness(
        magnet,
        field_tesla,
        m,
        k=k,
        k_azimuth_deg=k_azimuth_deg,
        thickness=thickness,
        exchange_stiffness=exchange_stiffness,
    )
    f = stable_root_det(kmat) / (2 * math.pi)
    if np.any(np.isnan(f)):
        raise ValueError(
            "m is not a stable equilibrium for these k (K not positive definite: a saddle or a "
            "maximum of the energy): no spin wave; pass the minimum, or leave m out"
        )
    return float(f) if np.ndim(f) == 0 else f
