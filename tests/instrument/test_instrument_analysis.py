"""Kittel and linewidth analyses against independently generated spectra."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tisot.device import Device
from tisot.experiments import analysis, spectra

MU_B_OVER_HBAR = 9.2740100783e-24 / 1.054571817e-34  # CODATA 2018, typed here on purpose


def _smit_beljers_lines(geometry, mu0_meff, g, alpha, dh0, freqs, seed=0):
    """Field-swept absorption lines of the uniform mode written out by hand: Lorentzians centred
    on Kittel's field (Smit-Beljers in the symmetric geometries) with HWHM dh0 + alpha w / gamma,
    a small dispersive admixture and 0.5 % noise."""
    rng = np.random.default_rng(seed)
    gamma = g * MU_B_OVER_HBAR
    out = []
    for f in freqs:
        w = 2 * math.pi * f * 1e9
        if geometry == "in-plane":  # f = gamma/2pi sqrt(B (B + M))
            b_r = -mu0_meff / 2 + math.sqrt(mu0_meff**2 / 4 + (w / gamma) ** 2)
        else:  # f = gamma/2pi (B - M)
            b_r = mu0_meff + w / gamma
        hw = dh0 + alpha * w / gamma
        x = np.linspace(b_r - 10 * hw, b_r + 10 * hw, 121)
        d = x - b_r
        y = (hw**2 + 0.2 * hw * d) / (d**2 + hw**2) + 0.005 * rng.standard_normal(x.size)
        out.append((x * 1e3, y))
    return out


@pytest.mark.parametrize(("geometry", "mu0_meff"), [("in-plane", 0.9), ("normal", 0.3)])
def test_kittel_and_linewidth_recover_meff_g_alpha(geometry, mu0_meff):
    g, alpha, dh0 = 2.05, 0.004, 0.6e-3
    freqs = np.linspace(4.0, 20.0, 9)
    lines = analysis.lines_from_spectra(
        freqs, _smit_beljers_lines(geometry, mu0_meff, g, alpha, dh0, freqs)
    )
    kit = analysis.kittel_fit(freqs, lines.field_mt, lines.field_err_mt, geometry=geometry)
    assert kit["mu0_meff_mt"] == pytest.approx(
        mu0_meff * 1e3, abs=max(4 * kit.stderr["mu0_meff_mt"], 1e-3)
    )
    assert kit["g"] == pytest.approx(g, abs=max(4 * kit.stderr["g"], 1e-5))
    assert kit["meff_ka_per_m"] == pytest.approx(mu0_meff / (4e-7 * math.pi) * 1e-3, rel=1e-3)
    lw = analysis.linewidth_fit(freqs, lines.hwhm_mt, lines.hwhm_err_mt, g=kit["g"])
    assert lw["alpha"] == pytest.approx(alpha, abs=4 * lw.stderr["alpha"])
    assert lw["dh0_mt"] == pytest.approx(dh0 * 1e3, abs=4 * lw.stderr["dh0_mt"])
    assert lw.stderr["alpha"] < 0.05 * alpha


def test_device_chain_gives_the_magnets_meff_g_and_damping():
    """Spectra of a device under a uniform rf field with the field along the normal: the Kittel
    fit returns the film's Meff and g, the linewidth slope alpha + alpha_G (m0 = z: Eq. 18's
    damping acts on the whole precession) and dH0 the inhomogeneous broadening."""
    dev = Device.from_presets("Bi2Se3", "YIG", overrides={
        "gate.screening": False, "interface.exchange_mev": 5.0, "environment.field_theta_deg": 0.0,
        "fm.damping": 2e-3, "fm.inhomogeneous_broadening_mt": 0.3, "fm.g_factor": 2.02,
    })  # fmt: skip
    freqs = [6.0, 9.0, 12.0, 15.0]
    lines = analysis.resonance_lines(dev, freqs, probe=spectra.Probe(drive="rf"), points=81)
    kit = analysis.kittel_fit(freqs, lines.field_mt, geometry="normal")
    magnet = dev.magnet
    assert kit["mu0_meff_mt"] == pytest.approx(4e-7 * math.pi * magnet.meff * 1e3, rel=1e-4)
    assert kit["g"] == pytest.approx(2.02, rel=1e-4)
    lw = analysis.linewidth_fit(freqs, lines.hwhm_mt, g=kit["g"])
    alpha_g = dev.alpha_g(np.array([0.0, 0.0, 1.0]))
    assert lw["alpha"] == pytest.approx(2e-3 + alpha_g, rel=1e-3)
    assert lw["dh0_mt"] == pytest.approx(0.3, rel=1e-2)


def test_angle_dependence_matches_kittel_at_the_ends():
    dev = Device.from_presets("Bi2Se3", "YIG", overrides={
        "gate.screening": False, "interface.exchange_mev": 5.0, "fm.damping": 2e-3})  # fmt: skip
    ds = analysis.angle_dependence(
        dev, [0.0, 45.0, 90.0], 10.0, probe=spectra.Probe(drive="rf"), points=61
    )
    m = 4e-7 * math.pi * dev.magnet.meff
    w = 2 * math.pi * 10e9 / dev.magnet.gamma
    assert ds.resonance_field.values[0] == pytest.approx((m + w) * 1e3, rel=1e-4)
    assert ds.resonance_field.values[2] == pytest.approx(
        (-m / 2 + math.sqrt(m * m / 4 + w * w)) * 1e3, rel=1e-4
    )
    assert (
        ds.resonance_field.values[2] < ds.resonance_field.values[1] < ds.resonance_field.values[0]
    )


def test_torque_decomposition_table():
    dev = Device.from_presets("Bi2Se3", "EuS", overrides={
        "gate.screening": False, "fm.damping": 0.01, "surface.disorder_alpha": 0.05,
        "environment.field_theta_deg": 60.0})  # fmt: skip
    x = np.linspace(95, 150, 56)
    dec = analysis.torque_decomposition(dev, x, 10.0)
    both, dif, fl = (dec.power.sel(torques=t).values for t in ("both", "diffusive", "fieldlike"))
    # power is quadratic in the torques: both = diffusive + fieldlike + interference
    assert np.all(dif >= 0) and np.all(fl >= 0)
    inter = both - dif - fl
    assert np.all(np.abs(inter) <= 2 * np.sqrt(dif * fl) * (1 + 1e-9))  # Cauchy-Schwarz
    # the mixing voltage is linear in the torques
    v = dec.mixing_voltage
    np.testing.assert_allclose(v.sel(torques="both"), v.sel(torques="diffusive") + v.sel(torques="fieldlike"),
                               rtol=1e-9, atol=1e-12 * float(np.abs(v).max()))  # fmt: skip
    # a gate symmetric under x -> -x: the diffusive torque (~ div E, even) against E_x (odd)
    # rectifies to nothing; the fieldlike one (~ J, odd) survives
    assert np.max(np.abs(v.sel(torques="diffusive"))) < 1e-9 * np.max(np.abs(v.sel(torques="both")))
    assert np.max(np.abs(dif)) > 1e-6 * np.max(both)
    table = analysis.torque_table(dec)
    assert table.count("\n") == 2 + 2 * 3 - 1


def test_torque_separation_follows_sin_2theta():
    """At resonance the diffusive share vanishes for m in the plane and along the normal
    (m_z (m x z) ~ sin 2 theta_m), the fieldlike one does not."""
    dev = Device.from_presets("Bi2Se3", "EuS", overrides={"gate.screening": False})
    ds = analysis.torque_separation(dev, theta_h_deg=[0.2, 4.8, 89.8])
    share = ds.diffusive.values / ds.fieldlike.values
    assert share[1] > 30 * share[0] and share[1] > 1e4 * share[2]
    assert np.all(ds.fieldlike.values > 0)
    np.testing.assert_array_less(ds.relaxation_ratio.values, 1.0)


def test_derivative_lineshape_matches_the_line():
    """The lock-in line dP/dH, fitted with the derivative form, has the centre and width of the
    absorption line itself."""
    dev = Device.from_presets("Bi2Se3", "EuS", overrides={
        "gate.screening": False, "fm.damping": 0.01, "surface.disorder_alpha": 0.05,
        "environment.field_theta_deg": 60.0})  # fmt: skip
    ds = spectra.spectrum(dev, field_mt=np.linspace(95, 150, 111), frequency_ghz=10.0,
                          observables=["power", "dpdh"])  # fmt: skip
    a, d = spectra.decompose(ds, "power"), spectra.decompose(ds, "dpdh")
    assert d.centre == pytest.approx(a.centre, abs=1e-2 * a.width)
    assert d.width == pytest.approx(a.width, rel=1e-2)
    assert d.symmetric == pytest.approx(a.symmetric, rel=2e-2)


def test_azimuth_dependence_in_plane_is_isotropic_without_in_plane_anisotropy():
    dev = Device.from_presets("Bi2Se3", "YIG", overrides={
        "gate.screening": False, "interface.exchange_mev": 5.0, "fm.damping": 2e-3,
        "environment.field_theta_deg": 90.0})  # fmt: skip
    ds = analysis.angle_dependence(dev, phi_h_deg=[0.0, 30.0, 60.0], frequency_ghz=10.0,
                                   probe=spectra.Probe(drive="rf"), points=61)  # fmt: skip
    np.testing.assert_allclose(ds.resonance_field.values, ds.resonance_field.values[0], rtol=1e-6)
    with pytest.raises(ValueError, match="one angle"):
        analysis.angle_dependence(dev, [0.0], 10.0, phi_h_deg=[0.0])
