"""The paper's order-of-magnitude estimate below Eq. (17), with every number it rests on.

The paper: period 2 pi/q ~ 1 um, omega ~ 7-12 GHz, D q^2 ~ 100 GHz, v = 1e6 m/s so
hbar q v ~ 4 meV, Delta_sd/(hbar q v) up to 1e3, sigma0 ~ 10, hence T_diff/T_FL up to 1e3.

Reading: "7-12 GHz" are FM resonance frequencies f (omega = 2 pi f), so the one consistent
reading of "D q^2 ~ 100 GHz" is cyclic too, D q^2 = 2 pi x 100 GHz. Then D ~ 159 cm^2/s,
tau_tr = D/v^2 ~ 16 fs, q ell ~ 0.1 and omega/D q^2 = 0.07-0.12: the paper's omega << D q^2
stands. (Mixing omega = 2 pi f with 100 GHz read as an angular rate gives 0.44-0.75, wrongly
"marginal".) What fails is "1e3": 1e3/sigma0 = 1e2, and Delta_sd/hbar q v = 1e3 needs
Delta_sd ~ 4 eV, far above any Fermi energy (the theory needs eps > Delta_z). Eq. (17) also drops
the suppression of the current along q (a factor D q^2/omega, which *raises* the ratio) and a
geometric factor between 1/2 and 1/sqrt(2) at 45 degrees. See docs/theory-notes.md.
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
    diffusion_rate_ghz: float = 100.0,
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
    diffusion_rate_ghz
        the paper's "D q^2 ~ 100 GHz", read as a frequency: D q^2 = 2 pi x this x 1e9 1/s.
    transport_time
        a tau_tr (s) for the mean-free-path check (the paper quotes 0.01-1 ps for real samples).
    frequency_ghz
        the drive range f (GHz); omega = 2 pi f.
    """
    for name, value in [
        ("period", period),
        ("velocity", velocity),
        ("sigma0", sigma0),
        ("diffusion_rate_ghz", diffusion_rate_ghz),
        ("transport_time", transport_time),
    ]:
        positive(name, value)
    q = 2 * math.pi / period
    hqv_mev = HBAR * q * velocity / MEV
    if exchange_energy_mev is None:
        exchange_energy_mev = 1.0e3 * hqv_mev
    ratio_exchange = exchange_energy_mev / hqv_mev
    dq2 = 2 * math.pi * diffusion_rate_ghz * 1e9  # 1/s, the cyclic reading
    D = dq2 / q**2
    tau = D / velocity**2  # the paper's tau_tr: D = v^2 tau_tr
    w_low, w_high = (2 * math.pi * f * 1e9 for f in frequency_ghz)
    printed = ratio_exchange / sigma0  # Eq. (17)
    g_par, g_perp = 0.5, 1 / math.sqrt(2)  # |m x m_perp| / |m x (z x q^)| at 45 degrees
    return {
        "q (1/m)": q,
        "hbar q v (meV)": hqv_mev,
        "Delta_sd (meV)": exchange_energy_mev,
        "Delta_sd / hbar q v": ratio_exchange,
        "sigma0 (e^2/h)": sigma0,
        "T_diff / T_FL, Eq. (17)": printed,
        "D q^2 (1/s), 2 pi x the quoted GHz": dq2,
        "D implied by D q^2 (cm^2/s)": D * 1e4,
        "tau_tr implied, D / v^2 (s)": tau,
        "q ell implied, q v tau_tr": q * velocity * tau,
        "q ell at the given tau_tr": q * velocity * transport_time,
        "omega / D q^2, low end": w_low / dq2,
        "omega / D q^2, high end": w_high / dq2,
        "geometric factor at 45 deg, q || m_par": g_par,
        "geometric factor at 45 deg, q perp m_par": g_perp,
        "T_diff / T_FL corrected, lowest": printed * dq2 / w_high * g_par,
        "T_diff / T_FL corrected, highest": printed * dq2 / w_low * g_perp,
    }


def format_estimate(numbers: dict[str, float]) -> str:
    """A two-column text table of :func:`eq17_estimate`'s output."""
    width = max(len(k) for k in numbers)
    return "\n".join(f"{k:<{width}}  {v:.4g}" for k, v in numbers.items())
