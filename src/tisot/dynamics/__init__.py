"""Magnetization dynamics of the FM: the extended Eq. (18), batched compiled integrators.

Public API
----------
MacrospinBatch
    N macrospins' parameters (fields, anisotropies, drives, dampings), broadcast to N
    trajectories.
ExchangeGrid
    optional periodic 1D/2D nearest-neighbour exchange coupling of the trajectories (films).
DipolarKernel
    optional dynamic (k != 0) dipolar field of a thin film along a 1D chain.
simulate(batch, m0, t_eval, method="dopri" | "geometric", ...)
    integrate and return an :class:`xarray.Dataset` (m, m_H at t_eval, time averages,
    error estimate, |m| drift).
dm_dt, energy
    the right-hand side (numpy), for checks and other integrators; the magnetic energy.
NormDriftWarning
    issued when | |m| - 1 | exceeds ``simulate(norm_tolerance=...)``.
eq19_m_h
    the paper's asymptotic solution, Eq. (19).
"""

from .batch import GAMMA_ELECTRON as GAMMA_ELECTRON
from .batch import DipolarKernel as DipolarKernel
from .batch import ExchangeGrid as ExchangeGrid
from .batch import MacrospinBatch as MacrospinBatch
from .batch import fieldlike_amplitude as fieldlike_amplitude
from .equation import TERMS as TERMS
from .equation import damping_torques as damping_torques
from .equation import dm_dt as dm_dt
from .equation import energy as energy
from .equation import explicit_torques as explicit_torques
from .simulate import METHODS as METHODS
from .simulate import NORM_TOLERANCE as NORM_TOLERANCE
from .simulate import NormDriftWarning as NormDriftWarning
from .simulate import simulate as simulate


def eq19_m_h(t, f0, chi):
    """m_H(t) = 1 / cosh(f0 t sin(2 chi) / 4), Eq. (19): alpha_G = 0, omega = omega0, f0 << omega0.

    Valid for the first descent only (afterwards m_H returns towards 1 periodically).
    """
    import numpy as np

    return 1.0 / np.cosh(0.25 * np.asarray(f0) * np.asarray(t) * np.sin(2 * np.asarray(chi)))


__all__ = [
    "GAMMA_ELECTRON",
    "METHODS",
    "NORM_TOLERANCE",
    "TERMS",
    "DipolarKernel",
    "ExchangeGrid",
    "MacrospinBatch",
    "NormDriftWarning",
    "damping_torques",
    "dm_dt",
    "energy",
    "eq19_m_h",
    "explicit_torques",
    "fieldlike_amplitude",
    "simulate",
]
