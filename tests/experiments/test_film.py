"""Films along the grating: local drives with their phase, exchange, real-space drive, bad input."""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from tisot.drive import DiffusiveMedium, GratingGate, fourier_drive, realspace_drive
from tisot.experiments.film import (
    Film,
    exchange_rate,
    film_batch,
    simulate_film,
    uniform_harmonic_drive,
)

W0 = 1.0e10  # rad/s, gamma H
CHI = math.pi / 4
OMEGA_H = W0 * np.array([math.sin(CHI), 0.0, math.cos(CHI)])
L = 1.0e-6


def _gate_drive(strength=-3.0e9, sheet_conductance=2e-3):
    gate = GratingGate(period=L, distance=0.1 * L, frequency=W0 / (2 * math.pi), harmonics=3)
    med = DiffusiveMedium(
        diffusion_constant=2.5e-4,  # D q^2 = omega: the phase of f varies along x
        strength=strength,
        leakage_time=1e-10,
        sheet_conductance=sheet_conductance,
    )
    return gate, med, fourier_drive(gate.field(), med)


def _eq18_by_hand(t, m, f, b, alpha):
    # dm/dt = omega_h x m + f m_z (m x z) + m x b + alpha m x P_z dm/dt, solved as a 3x3 system
    z = np.array([0.0, 0.0, 1.0])
    a = np.cross(OMEGA_H, m) + f(t) * m[2] * np.cross(m, z) + np.cross(m, b(t))
    mx = np.array([[0, -m[2], m[1]], [m[2], 0, -m[0]], [-m[1], m[0], 0]])
    P = np.diag([1.0, 1.0, 0.0])
    return np.linalg.solve(np.eye(3) - alpha * mx @ P, a)


def test_uncoupled_points_reproduce_the_single_macrospin_with_their_phase():
    _, _, hd = _gate_drive()
    film = Film(length=L, points=8)
    coef = 2e5  # m/(A s): fieldlike torque of a few % of omega0
    t = np.linspace(0, 60 / W0, 61)
    ds = simulate_film(
        film,
        hd,
        t,
        omega_h=OMEGA_H,
        alpha_g=0.01,
        fieldlike_coefficient=coef,
        rtol=1e-10,
        atol=1e-12,
    )
    r = film.positions()
    F, J = hd.complex_drive(r), hd.complex_current(r)
    assert 0.02 < np.max(np.abs(F)) / W0 < 0.5  # a real drive
    assert 0.01 < coef * np.max(np.abs(J)) / W0 < 0.5
    for j in (1, 3, 6):  # distinct amplitudes and phases

        def f(tt, j=j):
            return np.real(F[j] * np.exp(-1j * W0 * tt))

        def b(tt, j=j):
            Jt = np.real(J[j] * np.exp(-1j * W0 * tt))
            return coef * np.array([-Jt[1], Jt[0], 0.0])

        sol = solve_ivp(
            _eq18_by_hand, (0, t[-1]), OMEGA_H / W0, t_eval=t, args=(f, b, 0.01),
            rtol=1e-11, atol=1e-13, method="DOP853",
        )  # fmt: skip
        np.testing.assert_allclose(ds.m.values[j], sol.y.T, atol=2e-7)
    # the points really differ (phase and amplitude matter)
    assert np.ptp(ds.m_H.values[:, -1]) > 1e-3


def test_with_exchange_a_uniform_drive_gives_a_uniform_response():
    drive = uniform_harmonic_drive(0.1 * W0, W0, phase=0.3)
    t = np.linspace(0, 80 / W0, 41)
    coupled = simulate_film(
        Film(length=L, points=6, points_y=2, exchange=5 * W0), drive, t,
        omega_h=OMEGA_H, alpha_g=0.005, rtol=1e-10, atol=1e-12,
    )  # fmt: skip
    single = simulate_film(
        Film(length=L, points=1), drive, t, omega_h=OMEGA_H, alpha_g=0.005, rtol=1e-10, atol=1e-12
    )
    m = coupled.m.values
    assert np.max(np.abs(m - m[:1])) < 1e-9  # all sites equal
    np.testing.assert_allclose(m[0], single.m.values[0], atol=1e-7)
    assert single.m_H.values[0].min() < 0.9  # and something happened


def test_exchange_averages_a_grating_drive():
    # The grating drive changes sign along x; strong exchange locks the sites together and the
    # site-to-site spread of m_H shrinks.
    _, _, hd = _gate_drive(strength=-1.0e10)
    t = np.linspace(0, 60 / W0, 31)
    spreads = []
    for ex in (0.0, 50 * W0):
        ds = simulate_film(
            Film(length=L, points=8, exchange=ex), hd, t, omega_h=OMEGA_H, alpha_g=0.01
        )
        spreads.append(np.max(np.ptp(ds.m_H.values, axis=0)))
    assert spreads[1] < 0.1 * spreads[0]


def test_realspace_drive_samples_match_the_fourier_film():
    gate, med, hd = _gate_drive()
    film = Film(length=L, points=32)
    t_drive = np.linspace(0, 40 / W0, 2001)
    x_fine = np.arange(256) * L / 256
    f_da = realspace_drive(
        med, length=L, points=256, times=t_drive, field=gate.field(),
        initial=hd.evaluate(np.stack([x_fine, 0 * x_fine], -1), 0.0)[0], substeps=2,
    )  # fmt: skip
    t = np.linspace(0, 40 / W0, 21)
    fourier = simulate_film(film, hd, t, omega_h=OMEGA_H, alpha_g=0.01)
    real = simulate_film(film, hd, t, omega_h=OMEGA_H, alpha_g=0.01, drive_samples=f_da)
    assert real.attrs["drive_path"].startswith("real-space")
    np.testing.assert_allclose(real.m.values, fourier.m.values, atol=2e-4)
    with pytest.raises(ValueError, match="film's x grid"):
        film_batch(Film(length=L, points=24), hd, omega_h=OMEGA_H, alpha_g=0.0, drive_samples=f_da)


def test_exchange_rate_by_hand():
    # YIG: A_ex = 3.7e-12 J/m, M_s = 1.4e5 A/m, h = 10 nm, gamma = 1.76e11 rad/(s T)
    J = exchange_rate(3.7e-12, 1.4e5, 10e-9, gyromagnetic_ratio=1.76e11)
    assert pytest.approx(1.76e11 * 2 * 3.7e-12 / (1.4e5 * 1e-16), rel=1e-12) == J
    assert pytest.approx(9.303e10, rel=1e-3) == J


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"length": 0.0, "points": 4}, "length must be > 0"),
        ({"length": L, "points": 0}, "points must be an integer >= 1"),
        ({"length": L, "points": 4, "exchange": -1.0}, "exchange must be >= 0"),
    ],
)
def test_bad_film_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Film(**kwargs)
    with pytest.raises(ValueError, match="spacing must be > 0"):
        exchange_rate(1e-12, 1e5, 0.0)
