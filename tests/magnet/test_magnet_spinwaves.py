"""Thin-film dispersion: k -> 0, and the Kalinikos–Slavin (1986) Eq. (45) lowest mode, written
out here in its own angles, in the Damon–Eshbach, backward- and forward-volume geometries."""

import math

import numpy as np
import pytest

from tisot.magnet import (
    MU0,
    FilmMagnet,
    equilibrium,
    field_vector,
    resonance_frequency,
    spin_wave_frequency,
)

MS = 8.0e5
D = 20e-9
A_EX = 1.3e-11
K = np.array([1e4, 1e6, 1e7, 5e7, 2e8])  # rad/m: kd from 2e-4 to 4


def kalinikos_slavin(magnet, omega_h, k, theta, phi, d, a_ex):
    """Eq. (45) of Kalinikos & Slavin, J. Phys. C 19, 7013 (1986), n = 0, unpinned, in Hz.

    theta: angle of M from the normal; phi: angle between k and M's in-plane projection;
    omega_h: gamma mu0 H_i, the internal static field along M.
    """
    wm = magnet.gamma * MU0 * magnet.ms
    lam = 2 * a_ex / (MU0 * magnet.ms**2)
    x = k * d
    p = 1 - (1 - np.exp(-x)) / x
    wex = omega_h + wm * lam * k**2
    f00 = p + math.sin(theta) ** 2 * (
        1 - p * (1 + math.cos(phi) ** 2) + wm * p * (1 - p) * math.sin(phi) ** 2 / wex
    )
    return np.sqrt(wex * (wex + wm * f00)) / (2 * math.pi)


def internal_rate(magnet, field, m):
    return magnet.gamma * float(m @ magnet.effective_field(m, field))


@pytest.mark.parametrize(
    "name, field, psi",
    [
        ("Damon-Eshbach", field_vector(0.05, 90.0, 90.0), 0.0),  # m along y, k along x
        ("backward volume", field_vector(0.05, 90.0, 0.0), 0.0),  # m, k along x
        ("oblique in-plane", field_vector(0.05, 90.0, 0.0), 55.0),
        ("forward volume", field_vector(1.3, 0.0), 20.0),  # m along z
        ("tilted", field_vector(1.0, 30.0), 40.0),
    ],
)
def test_kalinikos_slavin_limits(name, field, psi):
    mag = FilmMagnet(ms=MS)
    m = equilibrium(mag, field).m
    theta = math.acos(m[2])
    phi = math.radians(psi) - math.atan2(m[1], m[0])
    f = spin_wave_frequency(mag, field, K, psi, D, A_EX, m=m)
    expected = kalinikos_slavin(mag, internal_rate(mag, field, m), K, theta, phi, D, A_EX)
    np.testing.assert_allclose(f, expected, rtol=1e-10, err_msg=name)


def test_forward_volume_with_perpendicular_anisotropy():
    """Ku shifts the internal field by -2Ku/Ms only; the dynamic dipolar term keeps mu0 Ms."""
    mag = FilmMagnet(ms=MS, ku=2e5)
    b = 1.2
    m = np.array([0.0, 0.0, 1.0])
    w_h = mag.gamma * (b - MU0 * mag.meff)
    f = spin_wave_frequency(mag, field_vector(b, 0.0), K, 0.0, D, A_EX, m=m)
    np.testing.assert_allclose(
        f, kalinikos_slavin(FilmMagnet(ms=MS), w_h, K, 0.0, 0.0, D, A_EX), rtol=1e-10
    )


def test_k_to_zero_is_smit_beljers():
    mag = FilmMagnet(ms=MS, ku=1e5, kc=2e4)
    field = field_vector(0.3, 50.0, 10.0)
    m = equilibrium(mag, field).m
    f0 = resonance_frequency(mag, field, m)
    assert spin_wave_frequency(mag, field, 0.0, 30.0, D, A_EX, m=m) == pytest.approx(f0, rel=1e-14)
    assert spin_wave_frequency(mag, field, 1e-2, 30.0, D, A_EX, m=m) == pytest.approx(f0, rel=1e-8)


@pytest.mark.parametrize("kd", [1e-3, 1e-2])
def test_damon_eshbach_surface_wave_at_small_kd(kd):
    """Exact DE (1961): w^2 = wH (wH + wM) + (wM^2 / 4)(1 - e^{-2kd}); same to O((kd)^2)."""
    mag = FilmMagnet(ms=MS)
    b = 0.05
    wh, wm = mag.gamma * b, mag.gamma * MU0 * MS
    f_de = math.sqrt(wh * (wh + wm) + wm**2 / 4 * (1 - math.exp(-2 * kd))) / (2 * math.pi)
    f = spin_wave_frequency(mag, field_vector(b, 90.0, 90.0), kd / D, 0.0, D, 0.0)
    assert f == pytest.approx(f_de, rel=kd**2)
    # and the surface wave is faster than the uniform mode, the backward-volume wave slower
    f0 = resonance_frequency(mag, field_vector(b, 90.0, 90.0))
    f_bv = spin_wave_frequency(mag, field_vector(b, 90.0, 0.0), kd / D, 0.0, D, 0.0)
    assert f_bv < f0 < f


def test_exchange_adds_gamma_2a_k2_over_ms_at_large_k():
    mag = FilmMagnet(ms=MS)
    field = field_vector(1.3, 0.0)
    k = np.array([1e9, 2e9])
    f = spin_wave_frequency(mag, field, k, 0.0, D, A_EX)
    slope = mag.gamma * 2 * A_EX / MS / (2 * math.pi)  # Hz m^2
    np.testing.assert_allclose(np.diff(f) / np.diff(k**2), slope, rtol=1e-3)


@pytest.mark.parametrize("k", [0.0, 1e6])
def test_an_energy_maximum_has_no_spin_wave(k):
    """m = -z against 2 T along +z: every curvature is -Ms (B + mu0 Ms) < 0 by hand (the test of
    the uniform mode in test_magnet_resonance), so det K > 0 although m is a maximum; a k = 1e6
    rad/m wave in a 20 nm film only adds O(kd) to that. Refused, as resonance_frequency does."""
    mag = FilmMagnet(ms=MS)
    with pytest.raises(ValueError, match="maximum"):
        spin_wave_frequency(mag, [0.0, 0.0, 2.0], k, thickness=20e-9, m=[0.0, 0.0, -1.0])
    assert spin_wave_frequency(mag, [0.0, 0.0, 2.0], k, thickness=20e-9) > 0  # the minimum, +z
