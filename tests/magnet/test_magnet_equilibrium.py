"""Equilibrium: against a brute-force energy scan, analytic cases, hysteresis and ambiguity."""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from tisot.magnet import MU0, FilmMagnet, equilibrium, equilibrium_at, field_vector

MS = 1193.7e3  # mu0 Ms = 1.5 T
EASY_PLANE = FilmMagnet(ms=MS)
MU0MEFF = MU0 * MS


def dense_scan(magnet, b, n=600):
    th = np.linspace(0, math.pi, n)
    ph = np.linspace(-math.pi, math.pi, 2 * n, endpoint=False)
    st = np.sin(th)[:, None]
    grid = np.stack(
        np.broadcast_arrays(st * np.cos(ph), st * np.sin(ph), np.cos(th)[:, None]), axis=-1
    )
    e = magnet.energy(grid, b)
    i = np.unravel_index(np.argmin(e), e.shape)
    return grid[i], e[i]


CASES = [
    (FilmMagnet(ms=8e5, ku=1e5), (0.05, 0.02, 0.3)),
    (FilmMagnet(ms=8e5, ku=6e5), (0.2, -0.1, 0.15)),
    (FilmMagnet(ms=3e5, ku=-2e4, kc=1.5e4), (0.01, 0.003, 0.004)),
    (FilmMagnet(ms=1.4e5, kc=-2e4, ku=1.5e4), (0.02, 0.05, -0.01)),
    (FilmMagnet(ms=5e5, kc=4e4, ku_inplane=1e4, ku_inplane_azimuth_deg=20), (0.01, 0.04, 0.3)),
    (FilmMagnet(ms=1e5, ku=4e4, ku_inplane=2e4, ku_inplane_azimuth_deg=70), (-0.3, 0.2, 0.1)),
]


@pytest.mark.parametrize("magnet, b", CASES)
def test_global_minimum_matches_a_dense_scan(magnet, b):
    eq = equilibrium(magnet, b)
    m_scan, e_scan = dense_scan(magnet, np.array(b))
    grid_step = math.pi / 600
    assert eq.energy <= e_scan + 1e-12 * magnet.energy_scale
    assert np.linalg.norm(eq.m - m_scan) < 2 * grid_step
    # every minimum found is one: zero tangential torque
    for f in eq.minima:
        assert np.linalg.norm(np.cross(f.m, magnet.effective_field(f.m, b))) < 1e-9


@pytest.mark.parametrize("b_mt, phi", [(1.0, 0.0), (50.0, 37.0), (3000.0, -120.0)])
def test_inplane_field_on_easy_plane_film_pulls_m_along_it(b_mt, phi):
    eq = equilibrium_at(EASY_PLANE, b_mt * 1e-3, 90.0, phi)
    np.testing.assert_allclose(eq.m, field_vector(1.0, 90.0, phi), atol=1e-9)
    assert not eq.hysteretic


def test_normal_field_above_meff_saturates_along_z():
    eq = equilibrium_at(FilmMagnet(ms=MS, ku=2e5), 1.5, 0.0)
    np.testing.assert_allclose(eq.m, [0, 0, 1], atol=1e-12)


def test_normal_field_below_meff_is_a_cone_of_degenerate_minima():
    """cos(theta) = B / mu0 Meff for any phi: ambiguous unless a branch is given."""
    b = field_vector(0.6, 0.0)
    with pytest.raises(ValueError, match=r"not unique.*cone about z"):
        equilibrium(EASY_PLANE, b)
    eq = equilibrium(EASY_PLANE, b, m_guess=(1.0, 1.0, 0.1))
    assert eq.m[2] == pytest.approx(0.6 / MU0MEFF, abs=1e-10)
    assert eq.phi_deg == pytest.approx(45.0, abs=1e-6)  # the flat direction stays put


@pytest.mark.parametrize("theta_h", [5.0, 30.0, 45.0, 60.0, 85.0])
@pytest.mark.parametrize("b", [0.1, 0.8, 2.0])
def test_tilted_field_angle_solves_the_torque_balance(theta_h, b):
    """E/Ms = -B cos(theta - theta_H) + (mu0 Meff / 2) cos^2 theta, solved by Brent's method."""
    mag = FilmMagnet(ms=MS, ku=1.5e5)
    meff = MU0 * mag.meff
    th_h = math.radians(theta_h)

    def torque(th):
        return b * math.sin(th - th_h) - meff * math.sin(th) * math.cos(th)

    theta = brentq(torque, th_h, math.pi / 2)  # easy plane: m lies between H and the plane
    eq = equilibrium_at(mag, b, theta_h)
    assert eq.theta_deg == pytest.approx(math.degrees(theta), abs=1e-7)
    assert eq.phi_deg == pytest.approx(0.0, abs=1e-9)


def test_perpendicular_film_hysteresis_and_stoner_wohlfarth_switching():
    """Field along the easy axis: the reversed minimum lives until B = 2 Ku / Ms - mu0 Ms."""
    mag = FilmMagnet(ms=4e5, ku=2e5)
    b_k = 2 * mag.ku / mag.ms - MU0 * mag.ms  # effective anisotropy field, 0.497 T
    eq = equilibrium_at(mag, 0.9 * b_k, 180.0)  # field along -z
    assert eq.hysteretic
    assert len(eq.minima) == 2
    np.testing.assert_allclose(eq.m, [0, 0, -1], atol=1e-9)
    up = equilibrium_at(mag, 0.9 * b_k, 180.0, m_guess=(0.05, 0.0, 1.0))
    np.testing.assert_allclose(up.m, [0, 0, 1], atol=1e-9)
    # energies by hand: E(+-z) = -+(-B) Ms + (mu0 Ms^2 / 2 - Ku)
    assert up.energy - eq.energy == pytest.approx(2 * mag.ms * 0.9 * b_k, rel=1e-9)
    beyond = equilibrium_at(mag, 1.1 * b_k, 180.0, m_guess=(0.05, 0.0, 1.0))
    assert not beyond.hysteretic
    np.testing.assert_allclose(beyond.m, [0, 0, -1], atol=1e-9)


def test_zero_field_is_ambiguous_and_named():
    with pytest.raises(ValueError, match="zero applied field"):
        equilibrium(EASY_PLANE, (0, 0, 0))
    pma = FilmMagnet(ms=4e5, ku=2e5)
    with pytest.raises(ValueError, match="zero applied field"):
        equilibrium(pma, (0, 0, 0))
    np.testing.assert_allclose(
        equilibrium(pma, (0, 0, 0), m_guess=(0.3, 0, 1)).m, [0, 0, 1], atol=1e-9
    )


def test_inplane_field_on_perpendicular_film_is_up_down_degenerate():
    pma = FilmMagnet(ms=4e5, ku=2e5)
    with pytest.raises(ValueError, match="symmetry plane"):
        equilibrium_at(pma, 0.1, 90.0)
    # a slight tilt lifts the degeneracy: m on the field's side, still hysteretic
    eq = equilibrium_at(pma, 0.1, 89.0)
    assert eq.m[2] > 0 and eq.hysteretic


def test_bad_field_is_rejected():
    with pytest.raises(ValueError, match="field_tesla"):
        equilibrium(EASY_PLANE, (0.1, math.nan, 0))
    with pytest.raises(ValueError, match="3-vector"):
        equilibrium(EASY_PLANE, (0.1, 0))
    with pytest.raises(ValueError, match="m_guess"):
        equilibrium(EASY_PLANE, (0.1, 0, 0), m_guess=(0, 0, 0))
