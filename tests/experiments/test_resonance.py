"""Spin-torque-resonance spectra against the linear response of Eq. (18); energy balance; figures."""

import math

import matplotlib
import numpy as np
import pytest
import xarray as xr

from tisot.dynamics import MacrospinBatch, simulate
from tisot.experiments.resonance import (
    linear_response,
    linewidth,
    observables,
    plot_angle_law,
    plot_film,
    plot_spectrum,
    plot_time_trace,
    power_watts,
    spectrum,
)

matplotlib.use("Agg")

CHI = math.pi / 4
ALPHA = 0.02


@pytest.fixture(scope="module")
def frequency_sweep():
    return spectrum("omega", np.linspace(0.9, 1.1, 41), f0=0.002, alpha_g=ALPHA, chi=CHI)


def test_frequency_sweep_follows_linear_response(frequency_sweep):
    s = frequency_sweep
    np.testing.assert_allclose(s.one_minus_m_H, s.linear_one_minus_m_H, rtol=3e-3)
    np.testing.assert_allclose(s.dissipated_power, s.linear_absorbed_power, rtol=1e-2)


def test_absorbed_power_equals_dissipated_power(frequency_sweep):
    # energy balance in the steady state: two different expressions (drive side, damping side)
    s = frequency_sweep
    # (each trajectory runs in its drive phase, so the window closes whole periods exactly)
    np.testing.assert_allclose(s.absorbed_power, s.dissipated_power, rtol=5e-4)
    assert np.all(s.absorbed_power > 0)


def test_linewidth_is_alpha_omega0_times_one_plus_cos2chi(frequency_sweep):
    # Eq. (18) damps only the in-plane dm/dt: FWHM = alpha_G omega0 (1 + cos^2 chi), not 2 alpha_G omega0
    lw = linewidth(frequency_sweep.one_minus_m_H)
    assert lw["fwhm"] == pytest.approx(ALPHA * (1 + math.cos(CHI) ** 2), rel=5e-3)
    assert lw["centre"] == pytest.approx(1.0, abs=1e-3)
    lw_power = linewidth(frequency_sweep.absorbed_power)
    assert lw_power["fwhm"] == pytest.approx(ALPHA * (1 + math.cos(CHI) ** 2), rel=1e-2)


def test_field_sweep_resonates_at_omega0_equal_omega():
    s = spectrum("omega0", np.linspace(0.9, 1.1, 31), f0=0.002, alpha_g=ALPHA, omega=1.0)
    lw = linewidth(s.one_minus_m_H)
    assert lw["centre"] == pytest.approx(1.0, abs=2e-3)
    np.testing.assert_allclose(s.one_minus_m_H, s.linear_one_minus_m_H, rtol=5e-3)


def test_angle_sweep_sin_2chi_law():
    chi = np.linspace(0, math.pi / 2, 7)
    s = spectrum("chi", chi, f0=0.002, alpha_g=ALPHA, omega=1.0)
    y = s.one_minus_m_H.values
    # no torque at chi = 0 and pi/2: m stays along H
    assert y[0] < 1e-12 and y[-1] < 1e-12
    inner = slice(1, -1)
    np.testing.assert_allclose(y[inner], s.linear_one_minus_m_H.values[inner], rtol=5e-3)
    # linear theory at omega = omega0: cone ~ (f0/2) sin 2chi / (alpha omega0 (1 + cos^2 chi) / 2)
    expected = (np.sin(2 * chi) / (1 + np.cos(chi) ** 2)) ** 2
    ratio = y[inner] / expected[inner]
    np.testing.assert_allclose(ratio, ratio.mean(), rtol=2e-3)


def test_observables_with_a_fieldlike_torque_balance_energy():
    # diffusive and fieldlike drives together, out of phase
    w = 1.0
    batch = MacrospinBatch.from_angle(
        np.array([CHI, 0.3]), f0=0.003, omega=w, alpha_g=0.03, alpha_iso=0.01,
        fieldlike=(0.0, 0.002, 0.0), fieldlike_phase=0.7,
    )  # fmt: skip
    settle = 600.0
    t = np.concatenate([[0.0], settle + np.linspace(0, 40 * 2 * math.pi, 40 * 32 + 1)])
    ds = simulate(batch, None, t, rtol=1e-9, atol=1e-11)
    obs = observables(ds, window=(settle, t[-1]))
    np.testing.assert_allclose(obs.absorbed_power, obs.dissipated_power, rtol=1e-2)
    assert np.all(obs.cone_angle_max >= obs.cone_angle)


def test_linear_response_by_hand_at_resonance():
    # omega = omega0, alpha -> 0 (rotating-wave limit): |u| = |v| = half the drive torque
    # (f0/2) sin 2chi over the decay rate alpha omega0 (1 + cos^2 chi) / 2
    r = linear_response(omega0=1.0, chi=CHI, f0=1e-3, omega=1.0, alpha_g=1e-4)
    amp = 0.5e-3 / (1e-4 * (1 + 0.5))
    assert abs(r["u"]) == pytest.approx(amp, rel=1e-3)
    assert abs(r["v"]) == pytest.approx(amp, rel=1e-3)


def test_power_in_watts_by_hand():
    # p = 1e18 rad^2/s^2, M_s = 1.4e5 A/m, V = 1e-21 m^3 (10 nm cube), |gamma| = 1.76e11 rad/(s T):
    # M_s V / |gamma| = 1.4e-16 A m^2 / 1.76e11 = 7.9545e-28 J s^2; times p: 7.9545e-10 W
    assert power_watts(1e18, 1.4e5, 1e-21, 1.76e11) == pytest.approx(7.954545e-10, rel=1e-6)
    # the electron's gamma is negative: the power is not
    assert power_watts(1e18, 1.4e5, 1e-21, -1.76e11) == pytest.approx(7.954545e-10, rel=1e-6)
    with pytest.raises(ValueError, match="volume must be > 0"):
        power_watts(1.0, 1.4e5, 0.0, 1.76e11)


def test_bad_spectrum_input():
    with pytest.raises(ValueError, match="dim must be one of"):
        spectrum("temperature", [1.0])
    with pytest.raises(ValueError, match="no steady state"):
        spectrum("omega", [1.0], alpha_g=0.0)
    with pytest.raises(ValueError, match="samples_per_period"):
        spectrum("omega", [1.0], samples_per_period=4)
    flat = xr.DataArray(np.ones(5), coords={"omega": np.arange(5.0)}, dims="omega")
    with pytest.raises(ValueError, match="half its maximum"):
        linewidth(flat)


def test_figures_return_labelled_axes(frequency_sweep):
    ax = plot_spectrum(frequency_sweep)
    assert "omega" in ax.get_xlabel() and len(ax.lines) == 2
    chi_spec = frequency_sweep.copy()
    chi_spec = chi_spec.rename(omega="chi")
    assert plot_angle_law(chi_spec).get_xlabel()
    batch = MacrospinBatch.from_angle(CHI, f0=0.1, omega=1.0, alpha_g=0.005)
    ds = simulate(batch, None, np.linspace(0, 50, 101))
    ax = plot_time_trace(ds)
    assert ax.get_ylabel().startswith("m_H")
    film_like = ds.assign_coords(x=("trajectory", [0.0]))
    assert plot_film(film_like).get_ylabel() == "x (um)"
    import matplotlib.pyplot as plt

    plt.close("all")
