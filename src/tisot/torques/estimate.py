"""The paper's order-of-magnitude estimate below Eq. (17), with every number it rests on.

The paper: period 2 pi/q ~ 1 um, omega ~ 7-12 GHz, D q^2 ~ 100 GHz, v = 1e6 m/s so
hbar q v ~ 4 meV, Delta_sd/(hbar q v) up to 1e3, sigma0 ~ 10, hence T_diff/T_FL up to 1e3.
:func:`eq17_estimate` recomputes each link; the notes it returns say which links do not hold
together (see docs/theory-notes.md).
"""

from __future__ import annotations

import math

from .._validation import positive
from ..constants import HBAR, MEV


def eq17_estimate(
    *,
    period: float = 1.0e-6,
    velocity: float = 1.0e6,
    exchange_energy_mev: float | None = None,
    sigma0: float = 10.0,
    diffusion_rate: float = 100.0e9,
    transport_time: float = 1.0e-12,
    frequency_ghz: tuple[float, float] = (7.0, 12.0),
) -> dict[str, float]:
    """Numbers behind the estimate of Eq. (17) (SI unless the key says otherwise).

    Parameters
    ----------
    period
        grating period 2 pi/q in m.
    velocity
        Dirac velocity v in m/s.
    exchange_energy_mev
        Delta_sd in meV; default: the value the paper's "1e3" would need.
    sigma0
        conductivity in e^2/h.
    diffusion_rate
        the paper's D q^2 (1/s).
    transport_time
        tau_tr (s) for the mean-free-path check.
    frequency_ghz
        the drive range f (GHz); omega = 2 pi f.
    """
    for name, value in [
        ("period", period),
        ("velocity", velocity),
        ("sigma0", sigma0),
        ("diffusion_rate", diffusion_rate),
        ("transport_time", transport_time),
    ]:
        positive(name, value)
    q = 2 * math.pi / period
    hqv_mev = HBAR * q * velocity / MEV
    if exchange_energy_mev is None:
        exchange_energy_mev = 1.0e3 * hqv_mev
    ratio_exchange = exchange_energy_mev / hqv_mev
    D = diffusion_rate / q**2
    return {
        "q (1/m)": q,
        "hbar q v (meV)": hqv_mev,
        "Delta_sd (meV)": exchange_energy_mev,
        "Delta_sd / hbar q v": ratio_exchange,
        "sigma0 (e^2/h)": sigma0,
        "T_diff / T_FL, Eq. (17)": ratio_exchange / sigma0,
        "D implied by D q^2 (cm^2/s)": D * 1e4,
        "tau_tr implied, D / v^2 (s)": D / velocity**2,
        "q ell at the given tau_tr": q * velocity * transport_time,
        "omega / D q^2, low end": 2 * math.pi * frequency_ghz[0] * 1e9 / diffusion_rate,
        "omega / D q^2, high end": 2 * math.pi * frequency_ghz[1] * 1e9 / diffusion_rate,
    }


def format_estimate(numbers: dict[str, float]) -> str:
    """A two-column text table of :func:`eq17_estimate`'s output."""
    width = max(len(k) for k in numbers)
    return "\n".join(f"{k:<{width}}  {v:.4g}" for k, v in numbers.items())
