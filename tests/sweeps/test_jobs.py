"""Built-in jobs against hand-worked numbers and an independent unit conversion."""

from __future__ import annotations

import math
import tomllib

import numpy as np
import pytest
import scipy.constants as sc

from tisot.io import load_dataset, parse_config
from tisot.model import SurfaceModel
from tisot.response import analytic_response
from tisot.sweeps import available_jobs, get_job, register_job, run_point
from tisot.sweeps.jobs import ResponseJob

MODEL = """
[model]
fermi_energy_mev = 100.0
exchange_mev = 30.0
m_z = 1.0
disorder = 0.02
velocity = 1.0e6
"""


def test_builtin_jobs_registered():
    assert {"transport", "response"} <= set(available_jobs())
    with pytest.raises(ValueError, match=r"calculation must be one of"):
        get_job("nope")
    with pytest.raises(ValueError, match=r"already registered"):

        class Impostor(ResponseJob):
            pass

        register_job(Impostor())


def test_transport_job_hand_worked_numbers(tmp_path):
    cfg = parse_config(tomllib.loads('calculation = "transport"\n' + MODEL))
    ds = run_point(cfg, out=tmp_path / "t.nc")
    # Eq. (9) by hand for eps = 100 meV, Delta_z = 30 meV, alpha = 0.02:
    # sigma0 = (1 - 0.09) / (pi 0.02 (1 + 0.27)) = 11.4040...
    sigma0 = 0.91 / (math.pi * 0.02 * 1.27)
    assert float(ds.sigma0) == pytest.approx(sigma0, rel=1e-12)
    assert float(ds.sigma0) == pytest.approx(11.4040, rel=1e-5)
    # sigma_H = 8 * 0.3^3 / 1.27^2 = 0.13392
    assert float(ds.sigma_H) == pytest.approx(8 * 0.027 / 1.27**2, rel=1e-12)
    # D = hbar v^2 sigma0 / eps, with hbar and eV straight from scipy
    D = sc.hbar * 1e12 * sigma0 / (0.1 * sc.eV)
    assert float(ds.D) == pytest.approx(D, rel=1e-12)
    assert float(ds.tau_tr) == pytest.approx(D / 1e12 / 1.09 * 1.0, rel=1e-12)  # eps^2/(eps^2+dz^2)
    assert float(ds.ell) == pytest.approx(math.sqrt(D * float(ds.tau_tr)), rel=1e-12)  # L_D
    assert float(ds.delta_z) == pytest.approx(30.0)
    assert ds.D.attrs["units"] == "m2 s-1" and ds.sigma0.attrs["long_name"]
    on_disk = load_dataset(tmp_path / "t.nc")
    assert parse_config(tomllib.loads(on_disk.attrs["config"])).parameters == cfg.parameters


def test_response_job_matches_analytic_with_independent_units():
    text = (
        'calculation = "response"\n'
        + MODEL.replace("m_z = 1.0", "m_z = 0.6")
        + "[drive]\nperiod_um = 2.0\nq_angle_deg = 30.0\nfrequency_ghz = 3.0\n"
    )
    cfg = parse_config(tomllib.loads(text))
    ds = run_point(cfg)
    # the same surface in model units built by hand: E0 = 100 meV, hbar v / E0 as length
    model = SurfaceModel(
        fermi_energy=1.0, exchange_energy=0.3, magnetization=(0.8, 0.0, 0.6), disorder=0.02
    )
    length = sc.hbar * 1e6 / (0.1 * sc.eV)  # hbar v / E0 in m
    q = 2 * math.pi / 2e-6 * length
    q_vec = q * np.array([math.cos(math.pi / 6), math.sin(math.pi / 6)])
    omega = 2 * math.pi * 3e9 * sc.hbar / (0.1 * sc.eV)
    K = analytic_response(model, q_vec, omega, check_regime=False)
    np.testing.assert_allclose(ds.K.values, K, rtol=1e-12)
    assert float(ds.Dq2_tau_tr) == pytest.approx(
        model.diffusion_constant * q**2 * model.transport_time, rel=1e-12
    )
    assert int(ds.regime_warnings) == int(float(ds.Dq2_tau_tr) > 0.1)
    assert list(ds.row.values) == ["x", "y", "z"]


def test_response_limit_sigma_xx_is_sigma0_from_transport_job():
    """Eq. (14): for q along x and omega << D q^2, K_xx -> sigma0 (cross-check of two jobs)."""
    drive = "[drive]\nperiod_um = 50.0\nfrequency_ghz = 0.001\n"
    response = run_point(parse_config(tomllib.loads('calculation = "response"\n' + MODEL + drive)))
    transport = run_point(parse_config(tomllib.loads('calculation = "transport"\n' + MODEL)))
    assert response.K.sel(row="x", col="x").real.item() == pytest.approx(
        float(transport.sigma0), rel=1e-3
    )
    # and sigma_yy = i omega sigma0 / (i omega - D q^2), D from the transport job (SI)
    omega, q = 2 * math.pi * 1e6, 2 * math.pi / 50e-6
    expected = 1j * omega * float(transport.sigma0) / (1j * omega - float(transport.D) * q**2)
    assert response.K.sel(row="y", col="y").item() == pytest.approx(expected, rel=1e-2)


def test_point_error_names_the_point_and_run_refuses_sweeps():
    # eps = 100 meV < |Delta_z| = 150 meV: the model rejects it; the error says where
    text = 'calculation = "transport"\n' + MODEL.replace("30.0", "150.0")
    with pytest.raises(ValueError, match=r"transport failed at the base point: .*exchange gap"):
        run_point(parse_config(tomllib.loads(text)))
    sweep = 'calculation = "transport"\n' + MODEL + '[sweep.axes]\n"model.m_z" = [0.1]\n'
    with pytest.raises(ValueError, match=r"tisot sweep"):
        run_point(parse_config(tomllib.loads(sweep)))


def test_macrospin_sweep_over_field_angle_follows_eq19():
    """alpha_G = 0, omega = omega0, f0 << omega0: m_H = 1/cosh(f0 t sin(2 chi)/4), Eq. (19);
    nothing moves at chi = 0 or 90 degrees (the sin 2 chi factor)."""
    cfg = parse_config(
        tomllib.loads(
            'calculation = "macrospin"\n[dynamics]\ndrive_amplitude = 0.05\nalpha_g = 0.0\n'
            "t_max = 150.0\nsamples = 151\n"
            '[sweep.axes]\n"dynamics.field_angle_deg" = [0.0, 45.0, 90.0]\n'
        )
    )
    from tisot.sweeps import run_sweep

    ds = run_sweep(cfg, workers=1, progress=False)
    eq19 = 1.0 / np.cosh(0.05 * ds.time.values / 4)  # by hand, sin(2 chi) = 1
    m_h = ds.m_H.sel(field_angle_deg=45.0).values
    assert np.max(np.abs(m_h - eq19)) < 0.02  # corrections are O(f0 / omega0) = O(0.05)
    assert m_h[-1] < 0.35  # the first descent is well under way
    for chi in (0.0, 90.0):
        np.testing.assert_allclose(ds.m_H.sel(field_angle_deg=chi).values, 1.0, atol=1e-9)
    assert ds.time.attrs["units"] == "1/omega0"
    np.testing.assert_allclose(np.linalg.norm(ds.m.values, axis=-1), 1.0, atol=1e-6)


def test_resonance_sweep_linear_regime_and_energy_balance():
    """Small drive: <1 - m_H> follows the small-cone linear response, the absorbed power equals
    the dissipated one (steady state), and nothing happens at chi = 90 degrees (sin 2 chi)."""
    cfg = parse_config(
        tomllib.loads(
            'calculation = "resonance"\n[dynamics]\ndrive_amplitude = 0.002\n'
            '[sweep.axes]\n"dynamics.drive_frequency" = [0.98, 1.0]\n'
            '"dynamics.field_angle_deg" = [45.0, 90.0]\n[execution]\nprocesses = false\n'
        )
    )
    from tisot.sweeps import run_sweep

    ds = run_sweep(cfg, workers=2, progress=False)
    tilted = ds.sel(field_angle_deg=45.0)
    np.testing.assert_allclose(tilted.one_minus_m_H, tilted.linear_one_minus_m_H, rtol=0.01)
    np.testing.assert_allclose(tilted.absorbed_power, tilted.dissipated_power, rtol=0.01)
    assert float(tilted.one_minus_m_H.sel(drive_frequency=1.0)) > float(
        tilted.one_minus_m_H.sel(drive_frequency=0.98)
    )
    np.testing.assert_allclose(ds.one_minus_m_H.sel(field_angle_deg=90.0), 0.0, atol=1e-12)
    assert ds.absorbed_power.attrs["units"] == "omega0^2"


def test_torques_job_against_hand_formulas():
    """f of Eq. (4), the longitudinal current (charge conservation), alpha_G and the Eq. (17)
    relation |T_diff|/|T_FL| = eq17 (D q^2 / omega) |m_z| m_x, all from scipy constants."""
    text = (
        'calculation = "torques"\n[model]\nfermi_energy_mev = 100.0\nm_z = 0.6\n'
        "disorder = 0.02\nvelocity = 5.0e5\nexchange_mev = -35.0\n"  # J_sd = 10 meV, S = 3.5
        "[coupling]\ncell_area_nm2 = 0.15\nspin = 3.5\n"
        "[drive]\nperiod_um = 2.0\nfrequency_ghz = 5.0\nfield_v_per_m = 1000.0\n"
        '[sweep.axes]\n"drive.leakage_time_ps" = [inf, 1.0]\n'
    )
    from tisot.sweeps import run_sweep

    ds = run_sweep(parse_config(tomllib.loads(text)), workers=1, progress=False)
    e, hbar, v = sc.e, sc.hbar, 5.0e5
    eps, dz = 0.1 * sc.eV, -35e-3 * sc.eV * 0.6  # Delta_sd = -J_sd S
    sigma0 = (eps**2 - dz**2) / (math.pi * 0.02 * (eps**2 + 3 * dz**2))  # Eq. (9)
    D = hbar * v**2 * sigma0 / eps
    J_sd, A, S = 10e-3 * sc.eV, 0.15e-18, 3.5
    eta = -e * J_sd**2 * A * S / (2 * math.pi * hbar**3 * v**2)  # Eq. (4), e = -|e|
    q, omega, E = 2 * math.pi / 2e-6, 2 * math.pi * 5e9, 1000.0
    for tau, rate in ((math.inf, 0.0), (1.0, 1e12)):  # leakage relaxes the charge diffuson
        point = ds.sel(leakage_time_ps=tau)
        f = eta * 1j * D * q * E / (1j * omega - D * q**2 - rate)
        assert complex(point.f) == pytest.approx(f, rel=1e-9)
    point = ds.sel(leakage_time_ps=math.inf)
    current = sigma0 * e**2 / sc.h * E * 1j * omega / (1j * omega - D * q**2)
    assert complex(point.current) == pytest.approx(current, rel=1e-9)
    assert float(point.alpha_g) == pytest.approx(
        J_sd**2 * A * S * sigma0 / (2 * math.pi * hbar**2 * v**2), rel=1e-9
    )
    assert float(point.D) == pytest.approx(D, rel=1e-12)
    geometry = 0.6 * 0.8  # |m x m_perp| / |m x (z x J_hat)| = |m_z| m_x
    assert float(point.torque_ratio) == pytest.approx(
        float(point.eq17_ratio) / float(point.omega_over_Dq2) * geometry, rel=1e-9
    )
    assert float(point.delta_sd) == pytest.approx(-35.0)
    tau = hbar * eps * sigma0 / (eps**2 + dz**2)  # paper's tau_tr
    assert int(point.regime_warnings) == int(D * q**2 * tau > 0.1) + int(omega * tau > 0.1)
