"""The "device_macrospin" and "film" jobs (time integration of Eq. 18 with magnetostatics) against the
linearised frequency-domain response of tisot.magnet (a second, independent method), the
energy balance, and config validation."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from tisot.io import parse_config
from tisot.magnet import driven_response
from tisot.sweeps import run_point
from tisot.sweeps.device import build_device

BASE = """calculation = "{job}"
[surface]
material = "custom"
fermi_energy_mev = 100.0
mobility_cm2_per_vs = 1500.0
velocity_m_per_s = 5.0e5
[fm]
material = "custom"
ms_ka_per_m = 1000.0
ku_kj_per_m3 = 200.0
thickness_nm = 2.0
monolayer_nm = 0.4
damping = 0.01
spin = 3.5
cell_area_nm2 = 0.1542
exchange_stiffness_pj_per_m = {a_ex}
[interface]
exchange_mev = -7.0
[gate]
voltage_v = 0.5
frequency_ghz = 9.0
harmonics = {harmonics}
screening = "false"
[environment]
field_mt = 300.0
field_theta_deg = 50.0
field_phi_deg = 20.0
[dynamics]
fieldlike = {fieldlike}
{extra}
"""


def config(job="device_macrospin", a_ex=0.0, harmonics=15, fieldlike="true", extra=""):
    text = BASE.format(job=job, a_ex=a_ex, harmonics=harmonics, fieldlike=fieldlike, extra=extra)
    return parse_config(tomllib.loads(text))


def linear_profile(cfg, x, *, film=True):
    """dm(x) = sum_n dm_n e^{i k_n x}: each gate harmonic drives its own spin wave (a lone
    macrospin, ``film=False``, answers every harmonic as the uniform mode)."""
    dev = build_device(cfg.parameters)
    m0 = dev.equilibrium().m
    drive = dev.drive(m0)
    z = np.array([0.0, 0.0, 1.0])
    torque = drive.f[:, None] * m0[2] * np.cross(m0, z) + np.cross(m0, drive.b)
    k = drive.wavevectors[:, 0]
    dm = driven_response(
        dev.magnet, dev.field_tesla, m0, dev.gate.frequency, torque,
        k=np.abs(k) if film else 0.0, k_azimuth_deg=0.0,
        thickness=dev.fm.thickness if film else None,
        exchange_stiffness=dev.fm.exchange_stiffness,
        alpha=dev.fm.damping, alpha_g=dev.alpha_g(m0),
    )  # fmt: skip
    return np.exp(1j * np.outer(x, k)) @ dm, dev, m0


def test_macrospin_follows_the_linear_response_and_balances_energy():
    """Tilted field, perpendicular anisotropy: m0 is not along H; small drive, so the cone
    about m0 is the linearised LLG's (m = m0 + Re[dm e^{-iwt}]: <1 - m.m0> = |dm|^2 / 4)."""
    cfg = config()
    out = run_point(cfg)
    dm, dev, m0 = linear_profile(cfg, np.array([0.0]), film=False)
    h = dev.field_tesla / np.linalg.norm(dev.field_tesla)
    assert np.degrees(np.arccos(h @ m0)) > 5  # anisotropy pulls m off the field
    assert float(out.m0_theta_deg) == pytest.approx(np.degrees(np.arccos(m0[2])), abs=1e-6)
    lin = np.sum(np.abs(dm[0]) ** 2) / 4
    assert float(out.one_minus_m0) == pytest.approx(lin, rel=1e-3)
    assert float(out.absorbed_power) == pytest.approx(float(out.dissipated_power), rel=1e-3)


def test_film_dipolar_field_matches_the_spin_wave_response():
    """A film of 32 points: the engine's circulant dipolar kernel against the Kalinikos-Slavin
    dynamic demag tensor of each harmonic's spin wave (harmonics resolved by the grid)."""
    cfg = config("film", harmonics=7, extra="points = 32")
    out = run_point(cfg)
    x = np.arange(32) / 32 * 1e-6
    dm, _, _ = linear_profile(cfg, x)
    lin = np.sum(np.abs(dm) ** 2, axis=1) / 4
    np.testing.assert_allclose(out.one_minus_m0_profile, lin, rtol=5e-3, atol=1e-3 * lin.max())
    assert float(out.one_minus_m0) == pytest.approx(lin.mean(), rel=5e-3)
    assert float(out.absorbed_power) == pytest.approx(float(out.dissipated_power), rel=2e-3)


def test_film_exchange_matches_the_spin_wave_response():
    """Exchange on a fine grid (64 points, first harmonic only: k h = 0.1, discrete Laplacian
    within 1e-3 of k^2) against the continuum spin-wave response with the same A_ex."""
    cfg = config("film", a_ex=100.0, harmonics=1, extra="points = 64")
    out = run_point(cfg)
    x = np.arange(64) / 64 * 1e-6
    dm, _, _ = linear_profile(cfg, x)
    lin = np.sum(np.abs(dm) ** 2, axis=1) / 4
    no_exchange, _, _ = linear_profile(config("film", harmonics=1, extra="points = 64"), x)
    assert not np.allclose(lin, np.sum(np.abs(no_exchange) ** 2, axis=1) / 4, rtol=0.05, atol=0)
    np.testing.assert_allclose(out.one_minus_m0_profile, lin, rtol=1e-2, atol=1e-3 * lin.max())


def test_device_tables_take_presets_and_reject_bad_keys():
    with pytest.raises(ValueError, match=r"fm\.dampin"):
        parse_config(tomllib.loads('calculation = "device_macrospin"\n[fm]\ndampin = 0.1\n'))
    with pytest.raises(ValueError, match=r"gate\.screening"):
        parse_config(
            tomllib.loads('calculation = "device_macrospin"\n[gate]\nscreening = "maybe"\n')
        )
    cfg = config()
    dev = build_device(cfg.at({"fm.damping": 0.02}))
    assert dev.fm.damping == 0.02 and dev.gate.screening is False
