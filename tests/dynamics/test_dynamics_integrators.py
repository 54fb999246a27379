"""The integrators against scipy's DOP853, their own convergence order, and the API contract."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from tisot.dynamics import ExchangeGrid, MacrospinBatch, dm_dt, simulate


def _general_batch():
    """Every term on: tilted field, drive, fieldlike, both dampings, Hall term, C2-like axis."""
    return MacrospinBatch(
        omega_h=[[0.3, 0.2, 0.9], [0.8, -0.1, 0.3], [0.0, 0.5, -1.2]],
        f0=[0.3, 0.2, 0.5],
        omega=[1.0, 1.3, 0.7],
        phase=[0.0, 1.0, -0.5],
        fieldlike=[[0.05, -0.02, 0.0], [0.0, 0.1, 0.0], [0.02, 0.02, 0.0]],
        fieldlike_phase=[0.3, 0.0, 2.0],
        alpha_g=[0.02, 0.1, 0.0],
        alpha_hall=[0.01, -0.03, 0.0],
        alpha_iso=[0.0, 0.01, 0.005],
        damping_axis=[[0, 0, 1], [0, 0, 1], [0.6, 0, 0.8]],
    )


M0 = np.array([[0.0, 1.0, 0.0], [0.6, 0.0, -0.8], [0.48, 0.6, 0.64]])


def _reference(batch, m0, t):
    def rhs(tt, y):
        return dm_dt(batch, y.reshape(-1, 3), tt).ravel()

    sol = solve_ivp(rhs, (0, t[-1]), m0.ravel(), method="DOP853", rtol=1e-11, atol=1e-13, t_eval=t)
    return sol.y.T.reshape(len(t), -1, 3).transpose(1, 0, 2)


@pytest.mark.parametrize("rtol", [1e-6, 1e-9])
def test_dopri_agrees_with_solve_ivp_dop853_to_the_tolerance_asked(rtol):
    batch = _general_batch()
    t = np.linspace(0, 40, 81)
    ref = _reference(batch, M0, t)
    ds = simulate(batch, M0, t, rtol=rtol, atol=rtol * 1e-2)
    err = np.max(np.abs(ds.m.values - ref))
    assert err < 50 * rtol, err
    assert err > 1e-3 * rtol  # it really runs at the tolerance asked, not tighter
    # its own estimate is of the right size (accumulated local errors bound the global one)
    assert np.all(ds.error_estimate.values < 1e3 * rtol)


def test_geometric_agrees_with_solve_ivp_and_conserves_the_norm():
    batch = _general_batch()
    t = np.linspace(0, 40, 81)
    ref = _reference(batch, M0 / np.linalg.norm(M0, axis=1, keepdims=True), t)
    ds = simulate(batch, M0, t, method="geometric", dt=0.01)
    assert np.max(np.abs(ds.m.values - ref)) < 5e-8
    assert np.all(ds.norm_drift.values < 1e-14)
    assert np.all(ds.error_estimate.values > 0)


def test_geometric_scheme_is_fourth_order():
    batch = _general_batch()
    t = np.array([0.0, 10.0])
    ref = _reference(batch, M0 / np.linalg.norm(M0, axis=1, keepdims=True), t)[:, -1]
    dts = np.array([0.2, 0.1, 0.05])
    errs = [
        np.max(np.abs(simulate(batch, M0, t, method="geometric", dt=d).m.values[:, -1] - ref))
        for d in dts
    ]
    order = np.polyfit(np.log(dts), np.log(errs), 1)[0]
    assert 3.6 < order < 4.4, (errs, order)


def test_time_averages_against_the_trapezoid_of_a_dense_reference():
    batch = _general_batch()
    t = np.linspace(0, 20, 4001)
    ref = _reference(batch, M0, t)
    window = (5.0, 20.0)
    sel = t >= window[0]
    expect = np.trapezoid(ref[:, sel], t[sel], axis=1) / (window[1] - window[0])
    for method in ("dopri", "geometric"):
        ds = simulate(batch, M0, [20.0], method=method, averages=window, dt=0.01)
        np.testing.assert_allclose(ds.m_mean.values, expect, atol=2e-6)
        true_min = np.min(np.einsum("ntc,nc->nt", ref[:, sel], batch.field_direction), axis=1)
        # m_H_min is taken over the step points: exact for small fixed steps, an upper bound
        # on the true minimum up to the integration error (~rtol = 1e-8 here; the reference's
        # own minimum over its samples may sit above the continuous one)
        if method == "geometric":
            np.testing.assert_allclose(ds.m_H_min.values, true_min, atol=1e-4)
        else:
            assert np.all(ds.m_H_min.values >= true_min - 1e-7)


def test_tabulated_drive_equals_the_harmonic_drive_it_samples():
    """drive_samples of f0 cos(omega t) on a fine grid reproduce the harmonic drive (error dt^2)."""
    t_tab = np.arange(0, 60.001, 0.01)
    harmonic = MacrospinBatch.from_angle(np.pi / 4, f0=0.3, omega=1.0)
    tabulated = MacrospinBatch.from_angle(
        np.pi / 4, drive_samples=0.3 * np.cos(t_tab), drive_t0=0.0, drive_dt=0.01
    )
    t = np.linspace(0, 50, 11)
    a = simulate(harmonic, None, t, rtol=1e-10, atol=1e-12).m.values
    for method in ("dopri", "geometric"):
        b = simulate(tabulated, None, t, method=method, rtol=1e-10, atol=1e-12, dt=0.01).m.values
        np.testing.assert_allclose(b, a, atol=2e-5)


def test_tabulated_pulse_is_zero_outside_its_table():
    pulse = MacrospinBatch.from_angle(
        np.pi / 4, drive_samples=[0.0, 5.0, 0.0], drive_t0=10.0, drive_dt=1.0
    )
    ds = simulate(pulse, None, [0.0, 9.99, 30.0])
    np.testing.assert_allclose(ds.m_H.values[0, :2], 1.0, atol=1e-12)
    assert ds.m_H.values[0, 2] < 0.999


def test_batch_trajectories_are_independent():
    batch = _general_batch()
    t = np.linspace(0, 10, 5)
    together = simulate(batch, M0, t).m.values
    for i in range(3):
        single = MacrospinBatch(
            **{k: v[i] for k, v in batch.per_trajectory().items()},
        )
        np.testing.assert_allclose(simulate(single, M0[i], t).m.values[0], together[i], atol=1e-9)


def test_seconds_and_dimensionless_give_the_same_trajectory():
    phys = MacrospinBatch.from_physical(
        field_tesla=(0.05, 0.0, 0.05), f0=1e9, omega=1.24e10, alpha_g=0.01
    )
    w0 = float(phys.omega0[0])
    t = np.linspace(0, 5e-9, 11)
    a = simulate(phys, None, t)
    b = simulate(phys.dimensionless(), None, t * w0)
    assert a.attrs["time_unit"] == "s" and b.attrs["time_unit"] == "1/omega0"
    np.testing.assert_allclose(a.m.values, b.m.values, atol=1e-7)


# ----------------------------------------------------------------------------- exchange grid
def test_uniform_film_with_exchange_equals_the_macrospin():
    n = 8
    single = MacrospinBatch.from_angle(np.pi / 4, f0=0.1, omega=1.0, alpha_g=0.01)
    film = MacrospinBatch.from_angle(
        np.full(n, np.pi / 4), f0=0.1, omega=1.0, alpha_g=0.01, exchange=ExchangeGrid((n,), 2.0)
    )
    t = np.linspace(0, 50, 6)
    ref = simulate(single, None, t).m.values[0]
    for method in ("dopri", "geometric"):
        ds = simulate(film, None, t, method=method, dt=0.01)
        np.testing.assert_allclose(ds.m.values, np.broadcast_to(ref, ds.m.shape), atol=1e-7)


@pytest.mark.parametrize("method", ["dopri", "geometric"])
@pytest.mark.parametrize("shape", [(16,), (8, 4)])
def test_spin_wave_dispersion_on_the_exchange_grid(method, shape):
    """A small spin wave m ~ z + eps (cos(k.r), sin(k.r), 0) precesses at
    omega_k = omega0 + J sum_d 2 (1 - cos k_d) (linearised LLG on the lattice)."""
    J, w0, eps = 0.7, 1.0, 1e-4
    k = 2 * np.pi * np.array([2, 1][: len(shape)]) / np.array(shape)
    grid = np.stack(np.meshgrid(*[np.arange(s) for s in shape], indexing="ij"), -1)
    phase = (grid @ k).ravel()
    m0 = np.stack([eps * np.cos(phase), eps * np.sin(phase), np.ones_like(phase)], -1)
    n = phase.size
    film = MacrospinBatch(omega_h=(0, 0, w0), exchange=ExchangeGrid(shape, J), alpha_g=0.0)
    assert film.size == n
    t = np.array([0.0, 3.0])
    ds = simulate(film, m0, t, method=method, rtol=1e-10, atol=1e-13, dt=0.002)
    mt = ds.m.values[:, -1]
    turned = np.angle((mt[:, 0] + 1j * mt[:, 1]) * np.exp(-1j * phase))
    wk = w0 + J * np.sum(2 * (1 - np.cos(k)))
    np.testing.assert_allclose(turned, np.angle(np.exp(1j * wk * 3.0)), atol=1e-5)


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"t_eval": [0.0]}, "t_max"),
        ({"t_eval": [-1.0, 2.0]}, "t_eval must be >= 0"),
        ({"t_eval": [2.0, 1.0]}, "non-decreasing"),
        ({"t_eval": [np.nan]}, "t_eval must be finite"),
        ({"method": "euler"}, "method must be one of"),
        ({"rtol": 0.0}, "rtol must be"),
        ({"atol": -1.0}, "atol must be"),
        ({"method": "geometric", "dt": 0.0}, "dt must be"),
        ({"averages": (3.0, 1.0)}, "averages must be a window"),
        ({"averages": (0.0, 99.0)}, "averages must be a window"),
        ({"m0": [0, 0, 0]}, "m0 must be nonzero"),
        ({"m0": "south"}, "m0 must be"),
    ],
)
def test_simulate_rejects_bad_input(kwargs, match):
    batch = MacrospinBatch(omega_h=(0, 0, 1))
    args = {"m0": None, "t_eval": [0.0, 1.0], **kwargs}
    with pytest.raises(ValueError, match=match):
        simulate(batch, args.pop("m0"), args.pop("t_eval"), **args)


def test_too_few_steps_is_reported():
    with pytest.raises(RuntimeError, match="max_steps"):
        simulate(MacrospinBatch(omega_h=(0, 0, 1)), [1, 0, 0], [100.0], max_steps=10)


def test_dataset_carries_units_and_provenance():
    ds = simulate(MacrospinBatch.from_angle(0.5, f0=0.1, omega=1.0), None, [0.0, 1.0, 2.0])
    assert ds.m.dims == ("trajectory", "time", "component")
    assert ds.m_H.dims == ("trajectory", "time")
    assert ds.time.attrs["units"] == "1/omega0"
    assert ds.f0.attrs["units"] == "omega0"
    for key in ("equation", "method", "rtol", "tisot_version", "created", "reference"):
        assert key in ds.attrs
    np.testing.assert_allclose(ds.m.values[0, 0], [np.sin(0.5), 0, np.cos(0.5)])


@pytest.mark.parametrize("method", ["dopri", "geometric"])
def test_memory_does_not_grow_with_the_number_of_steps(method):
    """Streaming: only outputs and running sums are stored (N = 2000, ~1e4 steps each)."""
    import tracemalloc

    batch = MacrospinBatch.from_angle(np.linspace(0, 1, 2000), f0=0.1, omega=1.0, alpha_g=0.01)
    simulate(batch, None, [1.0], method=method, dt=0.02)  # compile outside the measurement
    tracemalloc.start()
    ds = simulate(batch, None, [0.0, 200.0], method=method, dt=0.02, rtol=1e-6)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert np.median(ds.steps.values) > 500
    state = 2000 * 3 * 8  # one (N, 3) float64 array
    assert peak < 60 * state, peak  # a few dozen state-sized arrays, not N x steps
