"""The right-hand side of Eq. (18) and its closed-form 3x3 solve, against independent evaluations."""

from __future__ import annotations

import numpy as np
import pytest

from tisot.dynamics import MacrospinBatch, damping_torques, dm_dt, explicit_torques
from tisot.model import Coupling
from tisot.model.coupling import damping_prefactor
from tisot.torques import diffusive_torque, fieldlike_torque, gilbert_torque


def _random_batch(rng, n, *, hall=True, iso=True, axis=True):
    return MacrospinBatch(
        omega_h=rng.normal(size=(n, 3)),
        f0=rng.normal(size=n),
        omega=rng.uniform(0.5, 2, n),
        phase=rng.uniform(0, 6, n),
        fieldlike=rng.normal(size=(n, 3)) * 0.3,
        fieldlike_phase=rng.uniform(0, 6, n),
        alpha_g=rng.uniform(0, 0.8, n),
        alpha_hall=rng.uniform(-0.3, 0.3, n) if hall else 0.0,
        alpha_iso=rng.uniform(0, 0.5, n) if iso else 0.0,
        damping_axis=rng.normal(size=(n, 3)) if axis else (0, 0, 1),
    )


def _skew(v):
    x, y, z = v
    return np.array([[0, -z, y], [z, 0, -x], [-y, x, 0]])


def test_closed_form_solves_the_3x3_system_like_linalg_solve():
    """u = a + [m]_x B u, built as an explicit matrix and solved by LAPACK, for |m| != 1 too."""
    rng = np.random.default_rng(1)
    batch = _random_batch(rng, 200)
    m = rng.normal(size=(200, 3))  # not normalised: the solve must be exact off the sphere too
    t = 0.37
    u = dm_dt(batch, m, t)
    a = sum(explicit_torques(batch, m, t).values())
    z = np.array([0.0, 0.0, 1.0])
    for i in range(200):
        n = batch.damping_axis[i]
        C = np.array([[0.0, 1.0, 0.0], [-1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])  # C u = u x z
        B = (
            batch.alpha_g[i] * (np.eye(3) - np.outer(n, n))
            + batch.alpha_iso[i] * np.eye(3)
            + batch.alpha_hall[i] * C
        )
        assert np.allclose(C @ a[i], np.cross(a[i], z))
        u_ref = np.linalg.solve(np.eye(3) - _skew(m[i]) @ B, a[i])
        np.testing.assert_allclose(u[i], u_ref, rtol=1e-11, atol=1e-12)


def test_rate_is_the_sum_of_its_terms_and_tangent():
    rng = np.random.default_rng(2)
    batch = _random_batch(rng, 50)
    m = rng.normal(size=(50, 3))
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    u = dm_dt(batch, m, 1.3)
    rhs = sum(explicit_torques(batch, m, 1.3).values()) + sum(damping_torques(batch, m, u).values())
    np.testing.assert_allclose(u, rhs, atol=1e-12)
    np.testing.assert_allclose(np.sum(u * m, axis=1), 0.0, atol=1e-13)  # |m| conserved


def test_terms_match_the_torque_formulas_of_eqs_3_4_16():
    """Against tisot.torques (Eqs. 3, 4, 16 in SI, written independently)."""
    coupling = Coupling(exchange_coupling_mev=15.0, cell_area=1e-19, spin=2.0)
    model = coupling.surface(fermi_energy_mev=100.0, magnetization=(0.6, 0.0, 0.8), disorder=0.05)
    rng = np.random.default_rng(3)
    for _ in range(5):
        m = rng.normal(size=3)
        m /= np.linalg.norm(m)
        mod = model.with_magnetization(m)
        pref = damping_prefactor(mod, coupling)
        J = rng.normal(size=2) * 10.0  # A/m
        from tisot.dynamics import fieldlike_amplitude

        batch = MacrospinBatch(
            omega_h=rng.normal(size=3) * 1e10,
            f0=3e8,
            fieldlike=fieldlike_amplitude(mod, coupling, J),
            alpha_g=pref * mod.sigma0,
            alpha_hall=pref * mod.sigma_hall,
            time_unit="s",
        )
        t = 0.0
        u = dm_dt(batch, m[None], t)[0]
        torques = explicit_torques(batch, m[None], t)
        np.testing.assert_allclose(
            torques["fieldlike"][0], fieldlike_torque(m, J, mod, coupling), rtol=1e-12
        )
        np.testing.assert_allclose(
            torques["diffusive"][0], diffusive_torque(m, np.array(3e8)), rtol=1e-12
        )
        damp = u - sum(torques.values())[0]
        np.testing.assert_allclose(
            damp, gilbert_torque(m, u, mod, coupling, hall=True), rtol=1e-10, atol=1e-6
        )


def test_damping_lowers_the_zeeman_energy_at_any_instant():
    """d(-omega_h . m)/dt = -alpha_g |P_z u|^2 - alpha_iso |u|^2 <= 0 at f = 0 (hand-derived)."""
    rng = np.random.default_rng(4)
    batch = _random_batch(rng, 100, hall=False, axis=False).__class__(
        omega_h=rng.normal(size=(100, 3)),
        alpha_g=rng.uniform(0, 1, 100),
        alpha_iso=rng.uniform(0, 1, 100),
    )
    m = rng.normal(size=(100, 3))
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    u = dm_dt(batch, m, 0.0)
    power = -np.sum(batch.omega_h * u, axis=1)
    expected = -batch.alpha_g * np.sum(u[:, :2] ** 2, axis=1) - batch.alpha_iso * np.sum(
        u**2, axis=1
    )
    np.testing.assert_allclose(power, expected, atol=1e-12)
    assert np.all(power <= 1e-15)


def test_hall_term_only_rescales_the_rate():
    """m x (u x z) = m_z u for u . m = 0: the sigma_H term of Eq. (16) multiplies every other
    term (torques and damping) by lam = 1/(1 - alpha_hall m_z); it is not a damping."""
    rng = np.random.default_rng(5)
    m = rng.normal(size=(20, 3))
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    w = rng.normal(size=(20, 3))
    lam = 1.0 / (1.0 - 0.2 * m[:, 2])
    u_hall = dm_dt(MacrospinBatch(omega_h=w, f0=0.3, alpha_g=0.1, alpha_hall=0.2), m, 0.0)
    scaled = MacrospinBatch(omega_h=w * lam[:, None], f0=0.3 * lam, alpha_g=0.1 * lam)
    np.testing.assert_allclose(u_hall, dm_dt(scaled, m, 0.0), rtol=1e-12)


def test_unknown_term_name_is_rejected():
    batch = MacrospinBatch(omega_h=(0, 0, 1))
    with pytest.raises(ValueError, match="unknown term"):
        dm_dt(batch, [[1, 0, 0]], 0.0, terms=("precession", "spin-pumping"))


def test_term_selection_switches_terms_off():
    batch = MacrospinBatch(omega_h=(0, 0, 1), f0=1.0, alpha_g=0.5)
    m = np.array([[0.6, 0.0, 0.8]])
    u = dm_dt(batch, m, 0.0, terms=("precession",))
    np.testing.assert_allclose(u, np.cross([0, 0, 1], m))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"omega_h": (np.nan, 0, 1)}, "omega_h must be finite"),
        ({"omega_h": (0, 0, 0)}, "omega_h = gamma H must be nonzero"),
        ({"omega_h": (0, 0, 1), "alpha_g": -0.1}, "alpha_g must be >= 0"),
        ({"omega_h": (0, 0, 1), "alpha_iso": -1e-3}, "alpha_iso must be >= 0"),
        ({"omega_h": (0, 0, 1), "f0": np.inf}, "f0 must be finite"),
        ({"omega_h": (0, 0, 1), "damping_axis": (0, 0, 0)}, "damping_axis must be nonzero"),
        ({"omega_h": [[0, 0, 1]] * 3, "f0": [1, 2]}, "inconsistent trajectory counts"),
        ({"omega_h": (0, 0, 1), "time_unit": "ns"}, "time_unit must be one of"),
        ({"omega_h": (0, 1), "f0": 1.0}, "omega_h must have shape"),
        ({"omega_h": (0, 0, 1), "drive_samples": [1.0, 2.0], "drive_dt": 0.0}, "drive_dt"),
    ],
)
def test_bad_parameters_raise_clear_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MacrospinBatch(**kwargs)


def test_broadcasting_and_units():
    b = MacrospinBatch.from_angle([0.1, 0.2, 0.3], f0=0.1, alpha_g=[0.0, 0.1, 0.2])
    assert b.size == 3
    assert b.omega_h.shape == (3, 3) and b.f0.shape == (3,)
    np.testing.assert_allclose(b.omega0, 1.0)
    p = MacrospinBatch.from_physical(field_tesla=(0, 0, 0.1), f0=1e9, omega=2e9)
    assert p.time_unit == "s"
    d = p.dimensionless()
    np.testing.assert_allclose(d.omega0, 1.0)
    np.testing.assert_allclose(d.f0 * p.omega0, 1e9)
    with pytest.raises(ValueError, match="different omega0"):
        MacrospinBatch(omega_h=[[0, 0, 1], [0, 0, 2]]).dimensionless()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"shape": (0,)}, "ExchangeGrid.shape"),
        ({"shape": (2, 2, 2)}, "ExchangeGrid.shape"),
        ({"shape": (4,), "coupling": -1.0}, "coupling must be >= 0"),
        ({"shape": (4,), "coupling": np.nan}, "coupling must be finite"),
    ],
)
def test_exchange_grid_rejects_bad_input(kwargs, match):
    from tisot.dynamics import ExchangeGrid

    with pytest.raises(ValueError, match=match):
        ExchangeGrid(**kwargs)


def test_exchange_grid_size_must_match_the_batch():
    from tisot.dynamics import ExchangeGrid

    with pytest.raises(ValueError, match="has 6 sites but the batch has 4"):
        MacrospinBatch(omega_h=[[0, 0, 1]] * 4, exchange=ExchangeGrid((3, 2)))
    grid = ExchangeGrid((3, 2))
    nbr = grid.neighbours()
    # periodic neighbours of site (0, 0) = 0: (1,0)=2, (2,0)=4, (0,1)=1, (0,-1)=1
    assert sorted(nbr[0].tolist()) == [1, 1, 2, 4]


def test_with_terms_switches_amplitudes_off():
    b = MacrospinBatch(omega_h=(0, 0, 1), f0=0.3, alpha_g=0.1, alpha_iso=0.2, fieldlike=(1, 0, 0))
    kept = b.with_terms(["precession", "damping"])
    assert np.all(kept.f0 == 0) and np.all(kept.fieldlike == 0) and np.all(kept.alpha_iso == 0)
    assert np.all(kept.alpha_g == 0.1)
    m = np.array([[0.6, 0.0, 0.8]])
    np.testing.assert_allclose(
        dm_dt(kept, m, 0.3), dm_dt(b, m, 0.3, terms=("precession", "damping")), atol=1e-15
    )
    with pytest.raises(ValueError, match="unknown term"):
        b.with_terms(["precession", "torque"])


def test_fieldlike_amplitude_rejects_a_3d_current():
    from tisot.dynamics import fieldlike_amplitude

    coupling = Coupling(exchange_coupling_mev=15.0, cell_area=1e-19, spin=2.0)
    model = coupling.surface(fermi_energy_mev=100.0, disorder=0.05)
    with pytest.raises(ValueError, match="current_density must have shape"):
        fieldlike_amplitude(model, coupling, [1.0, 2.0, 3.0])
