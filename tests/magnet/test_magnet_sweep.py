"""Field and angle sweeps: the Stoner–Wohlfarth astroid, Kittel's end points, labelled output."""

import math

import numpy as np
import pytest

from tisot.magnet import MU0, FilmMagnet, field_sweep, resonance_sweep


@pytest.mark.parametrize("psi", [10.0, 30.0])
def test_hysteresis_loop_switches_at_the_stoner_wohlfarth_astroid(psi):
    """Field at psi from the easy normal: switching at H_K / (cos^2/3 + sin^2/3)^3/2,
    H_K = 2 Ku / Ms - mu0 Ms (Stoner & Wohlfarth 1948)."""
    mag = FilmMagnet(ms=4e5, ku=2e5)
    h_k = 2 * mag.ku / mag.ms - MU0 * mag.ms
    p = math.radians(psi)
    b_sw = 1e3 * h_k / (math.cos(p) ** (2 / 3) + math.sin(p) ** (2 / 3)) ** 1.5  # mT
    step = 0.5
    near = np.arange(-b_sw + 20, -b_sw - 20, -step)  # fine steps only around the switch
    fields = np.concatenate([np.linspace(600.0, near[0], 40, endpoint=False), near])
    ds = field_sweep(mag, fields, psi)
    mz = ds.m.sel(component="z").values
    flipped = fields[np.argmax(mz < 0)]
    assert -b_sw - step <= flipped <= -b_sw + step
    assert np.all(mz[fields > -b_sw + step] > 0)  # the metastable branch is kept
    # the mode softens at the switching field: frequency -> 0 just before it
    before = ds.frequency_ghz.values[fields > -b_sw][-1]
    assert before < 0.1 * ds.frequency_ghz.values[0]


def test_resonance_sweep_end_points_are_kittel():
    mag = FilmMagnet(ms=1193.7e3, ku=1e5)
    ds = resonance_sweep(mag, 10.0, [0.0, 45.0, 90.0])
    w = 2 * math.pi * 10e9 / mag.gamma
    meff = MU0 * mag.meff
    normal = 1e3 * (w + meff)
    inplane = 1e3 * (-meff / 2 + math.hypot(meff / 2, w))
    np.testing.assert_allclose(ds.field_mt.values[[0, 2]], [normal, inplane], rtol=1e-9)
    np.testing.assert_allclose(ds.theta_m_deg.values[[0, 2]], [0.0, 90.0], atol=1e-7)
    assert 45.0 < ds.theta_m_deg.values[1] < 90.0  # m lags towards the plane
    for name in ("field_mt", "theta_m_deg", "m"):
        assert ds[name].attrs["units"] and ds[name].attrs["long_name"]
    assert ds.theta_h_deg.attrs["units"] == "deg"
    assert "ms_a_per_m" in ds.attrs["config"] and ds.attrs["frequency_ghz"] == 10.0


def test_field_sweep_frequency_is_labelled_and_matches_kittel():
    mag = FilmMagnet(ms=8e5)
    ds = field_sweep(mag, [50.0, 100.0], 90.0)
    b = np.array([0.05, 0.1])
    kittel = mag.gamma / (2 * math.pi) * np.sqrt(b * (b + MU0 * mag.ms)) * 1e-9
    np.testing.assert_allclose(ds.frequency_ghz.values, kittel, rtol=1e-10)
    assert ds.frequency_ghz.attrs["units"] == "GHz" and ds.field_mt.attrs["units"] == "mT"
