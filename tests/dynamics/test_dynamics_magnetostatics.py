"""The magnet's own field in the engine (Eq. M1, DipolarKernel Eq. D2) against physics.

Kittel and Smit-Beljers frequencies measured from free trajectories, energy conservation and
decay, the relaxed state against a brute-force energy scan, thin-film spin waves on a chain
(Kalinikos-Slavin backward-volume, Damon-Eshbach and forward-volume limits, by hand), and the
numpy right-hand side against the compiled kernels.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from tisot.dynamics import DipolarKernel, ExchangeGrid, MacrospinBatch, dm_dt, energy, simulate
from tisot.dynamics import _kernels as K


def _frequency(t, y) -> float:
    """Angular frequency of a sampled oscillation from its zero crossings (linear fit)."""
    y = y - 0.5 * (y.max() + y.min())
    idx = np.flatnonzero(np.signbit(y[:-1]) != np.signbit(y[1:]))
    tc = t[idx] - y[idx] * (t[idx + 1] - t[idx]) / (y[idx + 1] - y[idx])
    half_period = np.polyfit(np.arange(tc.size), tc, 1)[0]
    return math.pi / half_period


def _ring(batch, m0, omega_guess, periods=12, per_period=64):
    t = np.linspace(0, periods * 2 * math.pi / omega_guess, periods * per_period + 1)
    ds = simulate(batch, m0, t, rtol=1e-11, atol=1e-13)
    return t, ds.m.values


def _unit(v):
    v = np.asarray(v, dtype=float)
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


# ----------------------------------------------------------------------------- numpy vs kernels
def test_kernel_rate_equals_the_numpy_right_hand_side_with_anisotropy():
    rng = np.random.default_rng(11)
    n = 64
    b = MacrospinBatch(
        omega_h=rng.normal(size=(n, 3)),
        anisotropy=rng.normal(size=(n, 3)),
        cubic=rng.normal(size=n),
        f0=rng.normal(size=n),
        omega=1.3,
        fieldlike=rng.normal(size=(n, 3)) * 0.2,
        alpha_g=rng.uniform(0, 0.5, n),
        alpha_hall=rng.uniform(-0.2, 0.2, n),
        alpha_iso=rng.uniform(0, 0.3, n),
    )
    m = _unit(rng.normal(size=(n, 3)))
    k = np.empty((3, n))
    par, tab = b.parameter_table(), b.drive_table()
    K.initial_rate(np.ascontiguousarray(m.T), par, tab, False, 0.0, 1.0, 0.4, k)
    np.testing.assert_allclose(k.T, dm_dt(b, m, 0.4), rtol=1e-12, atol=1e-13)


def test_dipolar_kernel_sum_equals_the_fft_field():
    """The kernels' real-space circulant sum (Eq. D2) against numpy's FFT, with exchange."""
    rng = np.random.default_rng(12)
    n = 48
    kern = DipolarKernel(omega_m=2.0, thickness=3.0, spacing=1.0, points=n)
    b = MacrospinBatch(omega_h=(0.3, 0.1, 1.0), anisotropy=(0, 0, -2.0), dipolar=kern)
    m = _unit(rng.normal(size=(n, 3)))
    k = np.empty((3, n))
    nbr = ExchangeGrid((n,)).neighbours()
    K.coupled_rate(
        np.ascontiguousarray(m.T), 0.0, b.parameter_table(), b.drive_table(), False, 0.0, 1.0,
        nbr, np.zeros(n), kern.row_table(), True, k,
    )  # fmt: skip
    np.testing.assert_allclose(k.T, dm_dt(b, m, 0.0), rtol=1e-11, atol=1e-12)
    # the FFT field itself against the direct double sum over the lattice modes (D1, D2)
    x = np.arange(n)
    kn = 2 * np.pi * np.fft.fftfreq(n)
    kd = np.abs(kn) * 3.0
    p = np.where(kd > 0, 1 - (1 - np.exp(-kd)) / np.where(kd > 0, kd, 1), 0.0)
    c = np.array([np.sum(p * np.cos(kn * j)) / n for j in x])
    hx = -2.0 * np.array([np.sum(c[(i - x) % n] * m[:, 0]) for i in x])
    np.testing.assert_allclose(kern.field(m)[:, 0], hx, atol=1e-13)


def test_uniform_state_feels_no_dipolar_remainder():
    kern = DipolarKernel(omega_m=1.5, thickness=2.0, spacing=0.5, points=16)
    m = np.tile(_unit([0.3, -0.4, 0.8]), (16, 1))
    np.testing.assert_allclose(kern.field(m), 0.0, atol=1e-15)
    np.testing.assert_allclose(np.sum(kern.convolution()), 0.0, atol=1e-15)  # P(0) = 0


# ----------------------------------------------------------------------------- uniform mode
def test_in_plane_kittel_frequency():
    """Field B along x in the plane, easy-plane film: omega = sqrt(wB (wB + wMeff)) (Kittel)."""
    wb, wmeff = 1.0, 3.0
    b = MacrospinBatch(omega_h=(wb, 0, 0), anisotropy=(0, 0, -wmeff))
    expect = math.sqrt(wb * (wb + wmeff))
    t, m = _ring(b, _unit([1.0, 1e-3, 0.0]), expect)
    assert _frequency(t, m[0, :, 1]) == pytest.approx(expect, rel=1e-6)


@pytest.mark.parametrize("cubic", [0.0, 0.7])
def test_normal_kittel_frequency_with_cubic_anisotropy(cubic):
    """Field along the normal z: omega = wB - wMeff + c (Kittel; cubic K1 along [001] adds
    gamma 2 K1 / Ms, from the linearised Eq. M1)."""
    wb, wmeff = 5.0, 3.0
    b = MacrospinBatch(omega_h=(0, 0, wb), anisotropy=(0, 0, -wmeff), cubic=cubic)
    expect = wb - wmeff + cubic
    t, m = _ring(b, _unit([1e-3, 0.0, 1.0]), expect)
    assert _frequency(t, m[0, :, 0]) == pytest.approx(expect, rel=1e-6)


def test_in_plane_uniaxial_axis_stiffens_the_mode():
    """Easy axis x (a_x > 0) with the field along it: omega = sqrt((wB + ax)(wB + ax + wMeff))."""
    wb, ax, wmeff = 1.0, 0.5, 3.0
    b = MacrospinBatch(omega_h=(wb, 0, 0), anisotropy=(ax, 0, -wmeff))
    expect = math.sqrt((wb + ax) * (wb + ax + wmeff))
    t, m = _ring(b, _unit([1.0, 1e-3, 0.0]), expect)
    assert _frequency(t, m[0, :, 1]) == pytest.approx(expect, rel=1e-6)


def _film_magnet():
    magnet = pytest.importorskip("tisot.magnet")
    # a TmIG-like film: Ms = 110 kA/m, Ku = 2 kJ/m^3, a small cubic term
    return magnet, magnet.FilmMagnet(ms=1.1e5, ku=2.0e3, kc=-6.0e2)


def _si_batch(fm, field, **kw):
    return MacrospinBatch(
        omega_h=fm.gamma * np.asarray(field),
        anisotropy=fm.anisotropy_rates(),
        cubic=fm.cubic_rate(),
        time_unit="s",
        **kw,
    )


def test_smit_beljers_frequency_at_a_general_field_angle():
    """Field 0.12 T at 40 deg from the normal: the engine's small free oscillation about the
    equilibrium of tisot.magnet rings at its Smit-Beljers frequency (second method)."""
    magnet, fm = _film_magnet()
    field = magnet.field_vector(0.12, 40.0, 0.0)
    m_eq = magnet.equilibrium(fm, field).m
    f_sb = magnet.resonance_frequency(fm, field, m_eq)
    e1 = _unit(np.cross(m_eq, [0.0, 1.0, 0.0]))
    m0 = _unit(m_eq + 1e-4 * e1)
    b = _si_batch(fm, field)
    t, m = _ring(b, m0, 2 * math.pi * f_sb)
    f = _frequency(t, m[0] @ e1) / (2 * math.pi)
    assert f == pytest.approx(f_sb, rel=1e-5)


def test_relaxed_state_is_the_brute_force_energy_minimum():
    """Damped relaxation ends at the minimum of E(m) (FilmMagnet.energy, written apart from the
    engine) found by scanning the sphere; the energy decreases at every output."""
    magnet, fm = _film_magnet()
    field = magnet.field_vector(0.05, 70.0, 30.0)
    b = _si_batch(fm, field, alpha_iso=0.2)
    t = np.linspace(0, 40e-9, 401)
    ds = simulate(b, _unit([0.2, -0.5, 0.8]), t)
    e_run = fm.energy(ds.m.values[0], field)
    assert np.all(np.diff(e_run) <= 1e-9 * fm.energy_scale)
    th, ph = np.meshgrid(np.linspace(0, np.pi, 721), np.linspace(-np.pi, np.pi, 1441))
    grid = np.stack([np.sin(th) * np.cos(ph), np.sin(th) * np.sin(ph), np.cos(th)], -1)
    e_grid = fm.energy(grid, field)
    best = grid.reshape(-1, 3)[np.argmin(e_grid)]
    m_end = ds.m.values[0, -1]
    assert np.degrees(np.arccos(np.clip(m_end @ best, -1, 1))) < 0.4  # grid step 0.25 deg
    assert fm.energy(m_end, field) <= e_grid.min() + 1e-12 * fm.energy_scale
    # the engine's energy of Eq. (M1) is FilmMagnet's divided by Ms / gamma, term by term
    np.testing.assert_allclose(
        energy(b, ds.m.values)[0] * fm.ms / fm.gamma, e_run, rtol=0, atol=1e-12 * fm.energy_scale
    )


@pytest.mark.parametrize("method", ["dopri", "geometric"])
def test_energy_is_conserved_without_damping(method):
    rng = np.random.default_rng(7)
    b = MacrospinBatch(
        omega_h=rng.normal(size=(4, 3)),
        anisotropy=rng.normal(size=(4, 3)),
        cubic=rng.normal(size=4),
    )
    m0 = _unit(rng.normal(size=(4, 3)))
    ds = simulate(b, m0, np.linspace(0, 200, 401), method=method, rtol=1e-10, dt=0.005)
    e = np.stack([_energy_by_hand(b, ds.m.values[:, j]) for j in range(401)], 1)
    assert np.max(np.abs(e - e[:, :1])) < 1e-7


def _energy_by_hand(b, m):
    """E = -w.m - (1/2) sum a_i m_i^2 + (c/2) sum_{i<j} m_i^2 m_j^2 (Eq. M1's energy)."""
    mx, my, mz = m[:, 0], m[:, 1], m[:, 2]
    a = b.anisotropy
    return (
        -(b.omega_h[:, 0] * mx + b.omega_h[:, 1] * my + b.omega_h[:, 2] * mz)
        - 0.5 * (a[:, 0] * mx**2 + a[:, 1] * my**2 + a[:, 2] * mz**2)
        + 0.5 * b.cubic * (mx**2 * my**2 + my**2 * mz**2 + mz**2 * mx**2)
    )


def test_energy_decreases_with_damping_at_the_rate_of_eq_m1():
    """dE/dt = -alpha_g |P_z dm/dt|^2 - alpha_iso |dm/dt|^2 at any instant (no drive)."""
    rng = np.random.default_rng(8)
    n = 50
    b = MacrospinBatch(
        omega_h=rng.normal(size=(n, 3)),
        anisotropy=rng.normal(size=(n, 3)),
        cubic=rng.normal(size=n),
        alpha_g=rng.uniform(0, 1, n),
        alpha_iso=rng.uniform(0, 1, n),
    )
    m = _unit(rng.normal(size=(n, 3)))
    u = dm_dt(b, m, 0.0)
    eps = 1e-6  # central difference of E along the flow
    de = (_energy_by_hand(b, m + eps * u) - _energy_by_hand(b, m - eps * u)) / (2 * eps)
    expect = -b.alpha_g * np.sum(u[:, :2] ** 2, 1) - b.alpha_iso * np.sum(u**2, 1)
    np.testing.assert_allclose(de, expect, atol=1e-8)
    assert np.all(expect <= 0)


# ----------------------------------------------------------------------------- spin waves
def _p(kd):
    return 1 - (1 - math.exp(-kd)) / kd


@pytest.mark.parametrize("geometry", ["backward-volume", "damon-eshbach", "forward-volume"])
@pytest.mark.parametrize("mode", [1, 5])
def test_spin_wave_on_the_chain_follows_the_thin_film_dispersion(geometry, mode):
    """A standing wave eps cos(k x) on a 32-cell chain with exchange J and the dipolar kernel
    oscillates at Kalinikos-Slavin's lowest-mode frequency (unpinned, F_00), by hand:
    BV (m, H // k): w^2 = wk (wk + wM (1 - P)); DE (m, H in plane, perp. k):
    w^2 = (wk + wM P)(wk + wM (1 - P)); FV (m, H // z): w^2 = wk (wk + wM P), with
    wk = w_H (- wM for FV) + J 2 (1 - cos k a) the lattice exchange."""
    n, spacing, d, wm, wh, J, eps = 32, 1.0, 4.0, 2.0, 1.0, 0.3, 1e-5
    k = 2 * math.pi * mode / (n * spacing)
    x = np.arange(n) * spacing
    P = _p(k * d)
    wex = J * 2 * (1 - math.cos(k * spacing))
    axis, probe = {"backward-volume": (0, 2), "damon-eshbach": (1, 0), "forward-volume": (2, 0)}[
        geometry
    ]
    h = np.zeros(3)
    h[axis] = wh + (wm if geometry == "forward-volume" else 0.0)
    wk = wh + wex
    expect = {
        "backward-volume": math.sqrt(wk * (wk + wm * (1 - P))),
        "damon-eshbach": math.sqrt((wk + wm * P) * (wk + wm * (1 - P))),
        "forward-volume": math.sqrt(wk * (wk + wm * P)),
    }[geometry]
    b = MacrospinBatch(
        omega_h=h,
        anisotropy=(0, 0, -wm),
        exchange=ExchangeGrid((n,), J),
        dipolar=DipolarKernel(omega_m=wm, thickness=d, spacing=spacing, points=n),
    )
    m0 = np.zeros((n, 3))
    m0[:, axis] = 1.0
    m0[:, probe] = eps * np.cos(k * x)
    t, m = _ring(b, _unit(m0), expect, periods=8, per_period=48)
    amplitude = m[:, :, probe].T @ np.cos(k * x) * (2 / n)
    assert _frequency(t, amplitude) == pytest.approx(expect, rel=1e-5)


def test_tilted_spin_wave_against_tisot_magnet():
    """A film at a general field angle, k along x: the chain's wave rings at the frequency of
    tisot.magnet.spin_wave_frequency (the linearised film with its own dipolar tensor)."""
    magnet, fm = _film_magnet()
    spinwaves = pytest.importorskip("tisot.magnet.spinwaves")
    field = magnet.field_vector(0.1, 60.0, 0.0)
    m_eq = magnet.equilibrium(fm, field).m
    n, d, period = 32, 20e-9, 2e-6
    k = 2 * math.pi * 3 / period
    f_ref = spinwaves.spin_wave_frequency(fm, field, k, 0.0, thickness=d, m=m_eq)
    kern = DipolarKernel(
        omega_m=fm.gamma * magnet.MU0 * fm.ms, thickness=d, spacing=period / n, points=n
    )
    b = _si_batch(fm, field, dipolar=kern)
    x = np.arange(n) * period / n
    e1 = _unit(np.cross(m_eq, [0.0, 1.0, 0.0]))
    m0 = _unit(m_eq + 1e-5 * np.cos(k * x)[:, None] * e1)
    t, m = _ring(b, m0, 2 * math.pi * f_ref, periods=8, per_period=48)
    amplitude = (m @ e1).T @ np.cos(k * x)
    assert _frequency(t, amplitude) / (2 * math.pi) == pytest.approx(f_ref, rel=1e-4)


# ----------------------------------------------------------------------------- API
def test_with_terms_switches_the_magnetostatics_off():
    kern = DipolarKernel(omega_m=1.0, thickness=1.0, spacing=1.0, points=4)
    b = MacrospinBatch(omega_h=(0, 0, 1), anisotropy=(0, 0, -0.5), cubic=0.2, dipolar=kern)
    off = b.with_terms(["precession"])
    assert np.all(off.anisotropy == 0) and np.all(off.cubic == 0) and off.dipolar is None
    kept = b.with_terms(["precession", "anisotropy", "dipolar"])
    assert kept.dipolar is kern and np.all(kept.anisotropy[:, 2] == -0.5)
    m = _unit(np.random.default_rng(1).normal(size=(4, 3)))
    np.testing.assert_allclose(
        dm_dt(off, m, 0.0), dm_dt(b, m, 0.0, terms=("precession",)), atol=1e-15
    )


def test_dimensionless_rescales_the_magnetostatic_rates():
    kern = DipolarKernel(omega_m=4e10, thickness=5e-9, spacing=1e-7, points=8)
    phys = MacrospinBatch(
        omega_h=(0, 0, 2e10), anisotropy=(0, 0, -1e10), cubic=3e9, dipolar=kern, time_unit="s"
    )
    d = phys.dimensionless()
    np.testing.assert_allclose(d.anisotropy[0], [0, 0, -0.5])
    np.testing.assert_allclose(d.cubic, 0.15)
    assert d.dipolar.omega_m == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"omega_m": 0.0}, "DipolarKernel.omega_m must be > 0"),
        ({"thickness": -1.0}, "DipolarKernel.thickness must be > 0"),
        ({"spacing": np.nan}, "DipolarKernel.spacing must be finite"),
        ({"points": 1}, "DipolarKernel.points must be an integer >= 2"),
        ({"points": 2.5}, "DipolarKernel.points must be an integer >= 2"),
        ({"points": "many"}, "DipolarKernel.points must be an integer >= 2"),
    ],
)
def test_dipolar_kernel_rejects_bad_input(kwargs, match):
    args = {"omega_m": 1.0, "thickness": 1.0, "spacing": 1.0, "points": 8, **kwargs}
    with pytest.raises(ValueError, match=match):
        DipolarKernel(**args)


def test_batch_rejects_mismatched_magnetostatics():
    kern = DipolarKernel(omega_m=1.0, thickness=1.0, spacing=1.0, points=8)
    with pytest.raises(ValueError, match="DipolarKernel has 8 points but the batch has 4"):
        MacrospinBatch(omega_h=[[0, 0, 1]] * 4, dipolar=kern)
    with pytest.raises(ValueError, match="1D chain"):
        MacrospinBatch(omega_h=(0, 0, 1), dipolar=kern, exchange=ExchangeGrid((4, 2)))
    with pytest.raises(ValueError, match="anisotropy must be finite"):
        MacrospinBatch(omega_h=(0, 0, 1), anisotropy=(0, 0, np.inf))
    with pytest.raises(ValueError, match="anisotropy must have shape"):
        MacrospinBatch(omega_h=(0, 0, 1), anisotropy=(0, 1))


def test_dipolar_chain_same_with_both_integrators():
    """The coupled fixed-step path carries the kernel too (no exchange grid given)."""
    n = 16
    kern = DipolarKernel(omega_m=2.0, thickness=3.0, spacing=1.0, points=n)
    b = MacrospinBatch(
        omega_h=(0.5, 0.2, 1.0), anisotropy=(0, 0, -2.0), dipolar=kern, alpha_iso=0.02
    )
    x = np.arange(n)
    m0 = _unit(np.stack([0.3 * np.cos(2 * np.pi * x / n), 0.2 * np.sin(4 * np.pi * x / n),
                         np.ones(n)], -1))  # fmt: skip
    t = np.linspace(0, 20, 5)
    dop = simulate(b, m0, t, rtol=1e-11, atol=1e-13).m.values
    geo = simulate(b, m0, t, method="geometric", dt=0.005).m.values
    np.testing.assert_allclose(geo, dop, atol=1e-8)
    assert np.max(np.abs(dop[:, -1] - dop[:, 0])) > 0.1
