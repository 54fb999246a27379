"""FilmMagnet: energy, effective field and curvature against finite differences and by hand."""

import math

import numpy as np
import pytest
import scipy.constants as sc

from tisot.dynamics.batch import GAMMA_ELECTRON
from tisot.magnet import MU0, FilmMagnet, local_frame

RNG = np.random.default_rng(7)
MAGNET = FilmMagnet(ms=8.0e5, ku=2.0e5, kc=-3.0e4, ku_inplane=1.5e4, ku_inplane_azimuth_deg=33.0)


def random_unit(n):
    v = RNG.normal(size=(n, 3))
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_gamma_and_meff_by_hand():
    m = FilmMagnet(ms=1.0e6, ku=2.0e5, g=2.0)
    assert m.gamma == pytest.approx(2 * 9.2740100783e-24 / 1.054571817e-34, rel=1e-8)  # CODATA 2018
    # free-electron g gives |gamma_e|
    ge = -sc.physical_constants["electron g factor"][0]
    assert FilmMagnet(ms=1e6, g=ge).gamma == pytest.approx(GAMMA_ELECTRON, rel=1e-9)
    # Meff = Ms - 2 Ku / (mu0 Ms): 1e6 - 4e5 / (4 pi 1e-7 1e6) = 1e6 - 318309.886
    assert m.meff == pytest.approx(1.0e6 - 318309.8862, rel=1e-9)


def test_effective_field_is_minus_gradient_over_ms():
    m = random_unit(20)
    b = RNG.normal(scale=0.3, size=(20, 3))
    h = 1e-6
    fd = np.empty_like(m)
    for i in range(3):
        dv = np.zeros(3)
        dv[i] = h
        fd[:, i] = (MAGNET.energy(m + dv, b) - MAGNET.energy(m - dv, b)) / (2 * h)
    np.testing.assert_allclose(MAGNET.effective_field(m, b), -fd / MAGNET.ms, atol=1e-7)


def test_hessian_is_the_jacobian_of_the_gradient():
    m = random_unit(10)
    b = np.array([0.1, -0.2, 0.05])
    h = 1e-6
    hess = MAGNET.energy_hessian(m)
    for i in range(3):
        dv = np.zeros(3)
        dv[i] = h
        col = -MAGNET.ms * (MAGNET.effective_field(m + dv, b) - MAGNET.effective_field(m - dv, b))
        np.testing.assert_allclose(hess[:, :, i], col / (2 * h), atol=1e-3 * MAGNET.energy_scale)


def test_tangent_hessian_is_the_second_derivative_in_the_chart():
    """d^2 E(m(a, b))/da_i da_j, m(a, b) = (m + a e1 + b e2)/|.|, anywhere (not only at minima)."""
    b = np.array([0.2, 0.1, 0.3])
    h = 1e-4
    for m in random_unit(5):
        e1, e2 = local_frame(m)

        def energy(a, c, m=m, e1=e1, e2=e2):
            v = m + a * e1 + c * e2
            return MAGNET.energy(v / np.linalg.norm(v), b)

        fd = np.empty((2, 2))
        fd[0, 0] = (energy(h, 0) - 2 * energy(0, 0) + energy(-h, 0)) / h**2
        fd[1, 1] = (energy(0, h) - 2 * energy(0, 0) + energy(0, -h)) / h**2
        fd[0, 1] = fd[1, 0] = (energy(h, h) - energy(h, -h) - energy(-h, h) + energy(-h, -h)) / (
            4 * h**2
        )
        np.testing.assert_allclose(
            MAGNET.tangent_hessian(m, b), fd, atol=1e-6 * MAGNET.energy_scale
        )


@pytest.mark.parametrize("azimuth, axis", [(0.0, 0), (90.0, 1), (180.0, 0), (270.0, 1)])
def test_engine_rates_reproduce_gamma_heff(azimuth, axis):
    mag = FilmMagnet(ms=6e5, ku=1e5, kc=2e4, ku_inplane=5e3, ku_inplane_azimuth_deg=azimuth)
    lam = np.array(mag.anisotropy_rates())
    cubic = mag.cubic_rate()
    m = random_unit(30)
    b = RNG.normal(scale=0.2, size=(30, 3))
    others = np.sum(m**2, axis=1, keepdims=True) - m**2
    engine = mag.gamma * b + lam * m - cubic * m * others
    np.testing.assert_allclose(engine, mag.gamma * mag.effective_field(m, b), rtol=1e-12, atol=1)
    # lambda_z by hand: gamma (2 Ku / Ms - mu0 Ms)
    assert lam[2] == pytest.approx(mag.gamma * (2e5 / 6e5 - MU0 * 6e5))
    assert lam[axis] == pytest.approx(mag.gamma * 1e4 / 6e5)
    assert lam[1 - axis] == 0.0


def test_engine_rates_reject_an_oblique_inplane_axis():
    with pytest.raises(ValueError, match="ku_inplane_azimuth_deg"):
        MAGNET.anisotropy_rates()
    # no in-plane anisotropy: any azimuth is fine
    assert FilmMagnet(ms=1e6, ku_inplane_azimuth_deg=33.0).anisotropy_rates()[0] == 0.0


def test_local_frame_is_right_handed_everywhere():
    ms = np.concatenate([random_unit(50), [[0, 0, 1.0], [0, 0, -1.0], [1.0, 0, 0]]])
    e1, e2 = local_frame(ms)
    np.testing.assert_allclose(np.cross(e1, e2), ms, atol=1e-12)
    np.testing.assert_allclose(np.sum(e1 * ms, axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(np.linalg.norm(e2, axis=1), 1, atol=1e-12)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"ms": 0.0}, "ms"),
        ({"ms": -1.0}, "ms"),
        ({"ms": math.nan}, "ms"),
        ({"ms": 1e6, "ku": math.inf}, "ku"),
        ({"ms": 1e6, "g": 0.0}, "g"),
    ],
)
def test_bad_magnet_names_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        FilmMagnet(**kwargs)
