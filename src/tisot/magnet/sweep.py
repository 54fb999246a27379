"""Lab sweeps of the film as labelled datasets: a field sweep along one branch (hysteresis loop
and f(B)) and the resonance field at fixed frequency against the field's angle.

Coordinates and variables are in lab units (mT, GHz, degrees) with ``units`` and ``long_name``,
and the global attributes carry the provenance of :func:`tisot.io.dataset.provenance`.
"""

from __future__ import annotations

import math

import numpy as np
import tomli_w
import xarray as xr

from .._validation import finite
from .equilibrium import equilibrium, relax
from .film import FilmMagnet, angles_deg, field_vector
from .resonance import kittel_field, smit_beljers_frequency

COMPONENT = ("x", "y", "z")


def _provenance(title: str, config: str) -> dict:
    # imported here: tisot.io imports the device layer, which builds on tisot.magnet
    from ..io.dataset import provenance

    return provenance(title=title, config_toml=config)


def _config(magnet: FilmMagnet, **sweep) -> str:
    film = {
        "ms_a_per_m": magnet.ms,
        "ku_j_per_m3": magnet.ku,
        "kc_j_per_m3": magnet.kc,
        "ku_inplane_j_per_m3": magnet.ku_inplane,
        "ku_inplane_azimuth_deg": magnet.ku_inplane_azimuth_deg,
        "g": magnet.g,
    }
    return tomli_w.dumps({"film": film, "sweep": sweep})


def _unit_var(dims, values, units, long_name):
    return (dims, np.asarray(values), {"units": units, "long_name": long_name})


def field_sweep(
    magnet: FilmMagnet, field_mt, theta_h_deg: float, phi_h_deg: float = 0.0, *, m_start=None
) -> xr.Dataset:
    """Equilibrium and uniform-mode frequency along a field sweep, following one branch.

    The fields ``field_mt`` (mT, in the order swept; negative reverses the field) lie along
    (theta_h, phi_h) in degrees. The first point is the global equilibrium (or the minimum
    reached from ``m_start``), each next one relaxes from the previous m: a hysteresis loop is
    a sweep down and back up. ``frequency_ghz`` is NaN where the branch is unstable.
    """
    b_mt = np.atleast_1d(np.asarray(finite("field_mt", field_mt), dtype=float))
    if b_mt.ndim != 1:
        raise ValueError(f"field_mt must be a 1D sequence of fields (mT), got shape {b_mt.shape}")
    direction = field_vector(1.0, theta_h_deg, phi_h_deg)
    first = 1e-3 * b_mt[0] * direction
    m = equilibrium(magnet, first, m_guess=m_start).m
    ms, freqs = [], []
    for b in b_mt:
        field = 1e-3 * b * direction
        m = relax(magnet, field, m)
        f = float(smit_beljers_frequency(magnet, field, m))  # NaN where unstable
        ms.append(m)
        freqs.append(1e-9 * f)
    m_arr = np.array(ms)
    theta, phi = angles_deg(m_arr)
    config = _config(magnet, field_mt=b_mt.tolist(), theta_h_deg=theta_h_deg, phi_h_deg=phi_h_deg)
    return xr.Dataset(
        {
            "m": _unit_var(("field_mt", "component"), m_arr, "1", "equilibrium M/Ms"),
            "theta_m_deg": _unit_var("field_mt", theta, "deg", "polar angle of m from the normal"),
            "phi_m_deg": _unit_var("field_mt", phi, "deg", "azimuth of m from x"),
            "frequency_ghz": _unit_var("field_mt", freqs, "GHz", "uniform-mode frequency"),
        },
        coords={
            "field_mt": ("field_mt", b_mt, {"units": "mT", "long_name": "applied mu0 H"}),
            "component": ("component", list(COMPONENT), {"long_name": "Cartesian component"}),
        },
        attrs={
            **_provenance("tisot.magnet field sweep", config),
            "theta_h_deg": float(theta_h_deg),
            "phi_h_deg": float(phi_h_deg),
        },
    )


def resonance_sweep(
    magnet: FilmMagnet, frequency_ghz: float, theta_h_deg, phi_h_deg: float = 0.0
) -> xr.Dataset:
    """Resonance field (mT) at fixed frequency and the equilibrium there, against theta_H (deg).

    Each angle is a field sweep down from saturation (:func:`~tisot.magnet.kittel_field`, the
    highest resonance); ``m`` is the state on that branch. NaN where there is no resonance.
    """
    f = finite("frequency_ghz", frequency_ghz, allow_array=False)
    angles = np.atleast_1d(np.asarray(finite("theta_h_deg", theta_h_deg), dtype=float))
    fields, ms = [], []
    for th in angles:
        direction = field_vector(1.0, th, phi_h_deg)
        try:
            b = kittel_field(magnet, 1e9 * f, th, phi_h_deg)
        except ValueError:
            fields.append(math.nan)
            ms.append(np.full(3, math.nan))
            continue
        fields.append(1e3 * b)
        ms.append(equilibrium(magnet, b * direction, m_guess=direction).m)
    m_arr = np.array(ms)
    theta, phi = angles_deg(m_arr)
    config = _config(
        magnet, frequency_ghz=f, theta_h_deg=angles.tolist(), phi_h_deg=float(phi_h_deg)
    )
    return xr.Dataset(
        {
            "field_mt": _unit_var("theta_h_deg", fields, "mT", "resonance field mu0 H"),
            "m": _unit_var(("theta_h_deg", "component"), m_arr, "1", "M/Ms at resonance"),
            "theta_m_deg": _unit_var("theta_h_deg", theta, "deg", "polar angle of m at resonance"),
            "phi_m_deg": _unit_var("theta_h_deg", phi, "deg", "azimuth of m at resonance"),
        },
        coords={
            "theta_h_deg": (
                "theta_h_deg",
                angles,
                {"units": "deg", "long_name": "field polar angle from the normal"},
            ),
            "component": ("component", list(COMPONENT), {"long_name": "Cartesian component"}),
        },
        attrs={
            **_provenance("tisot.magnet resonance field sweep", config),
            "frequency_ghz": f,
            "phi_h_deg": float(phi_h_deg),
        },
    )
