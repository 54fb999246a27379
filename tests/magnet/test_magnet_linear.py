"""Linearised driven LLG: against a nonlinear time integration of the engine's equation, the
static susceptibility from energy minimisation, the energy balance and Onsager reciprocity."""

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from tisot.dynamics.equation import solve_rate
from tisot.magnet import (
    FilmMagnet,
    absorbed_power_density,
    driven_response,
    dynamic_matrix,
    equilibrium,
    field_vector,
    local_frame,
    relax,
    resonance_frequency,
    susceptibility,
)

MAG = FilmMagnet(ms=8e5, ku=2.5e5, kc=1e4)
FIELD = field_vector(0.25, 35.0, 20.0)
M0 = equilibrium(MAG, FIELD).m
F0 = resonance_frequency(MAG, FIELD, M0)
RNG = np.random.default_rng(3)


def lab_tensor(chi, m0):
    e = np.column_stack(local_frame(m0))
    return e @ chi @ e.T


@pytest.mark.parametrize("ratio, alpha_hall", [(0.9, 0.0), (1.0, 0.0), (1.1, 0.3)])
def test_matches_a_small_drive_integration_of_the_engine_equation(ratio, alpha_hall):
    """dm/dt = -gamma m x H_eff + T_perp(t) + alpha_g m x P_n dm/dt + alpha m x dm/dt
    (+ alpha_hall m x ((P_z dm/dt) x z)), with the engine's own solve for the dm/dt terms;
    lock-in over whole periods after the transient."""
    alpha, alpha_g, axis = 0.04, 0.03, np.array([0.0, 0.0, 1.0])
    f = ratio * F0
    torque = 2e-3 * 2 * math.pi * F0 * np.array([0.3 + 0.1j, -0.5, 0.2j])  # small: |dm| ~ 1e-3
    solve = solve_rate.py_func

    def rhs(t_ns, m):
        drive = (torque * np.exp(-2j * math.pi * f * 1e-9 * t_ns)).real
        drive -= m * (m @ drive) / (m @ m)
        a = -MAG.gamma * np.cross(m, MAG.effective_field(m, FIELD)) + drive
        return 1e-9 * np.array(solve(*m, *a, alpha_g, alpha_hall, alpha, *axis))

    period = 1e9 / f  # ns
    settle, window = 45 * period, 8 * period
    sol = solve_ivp(rhs, (0, settle + window), M0, rtol=1e-9, atol=1e-12, dense_output=True)
    t = settle + np.linspace(0, window, 8 * 128, endpoint=False)
    dm_t = sol.sol(t).T - M0
    phase = np.exp(2j * math.pi * f * 1e-9 * t)[:, None]
    dm_sim = 2 * np.mean(dm_t * phase, axis=0)
    options = dict(alpha=alpha, alpha_g=alpha_g, damping_axis=axis, alpha_hall=alpha_hall)
    dm = driven_response(MAG, FIELD, M0, f, torque, **options)
    np.testing.assert_allclose(dm, dm_sim, atol=5e-4 * np.abs(dm).max())


def test_static_susceptibility_is_the_curvature_of_the_energy():
    """chi(0) h is the equilibrium shift under a small static transverse field (minimisation)."""
    e1, e2 = local_frame(M0)
    chi0 = susceptibility(MAG, FIELD, M0, 0.0)
    for a, e in enumerate((e1, e2)):
        h = 1e-5
        shift = relax(MAG, FIELD + h * e, M0) - relax(MAG, FIELD - h * e, M0)
        np.testing.assert_allclose(
            [shift @ e1 / (2 * h), shift @ e2 / (2 * h)],
            chi0[:, a].real,
            atol=1e-6 * np.abs(chi0).max(),
        )


@pytest.mark.parametrize(
    "options",
    [
        {"alpha": 0.01},
        {"alpha": 0.0, "alpha_g": 0.05},
        {"alpha": 0.02, "alpha_g": 0.05, "damping_axis": (0.3, -0.2, 1.0)},
        {"alpha": 0.02, "alpha_g": 0.05, "alpha_hall": -0.4},  # no work: only rescales
        {
            "alpha": 0.02,
            "k": 3e6,
            "k_azimuth_deg": 30,
            "thickness": 20e-9,
            "exchange_stiffness": 1e-11,
        },
    ],
)
def test_drive_power_equals_damping_dissipation(options):
    """<dm/dt . D dm/dt> Ms / gamma, D = alpha 1 + alpha_g P_n: conservative terms do no work."""
    f = np.linspace(0.5, 1.5, 41) * F0
    torque = RNG.normal(size=3) + 1j * RNG.normal(size=3)
    dm = driven_response(MAG, FIELD, M0, f, torque, **options)
    p = absorbed_power_density(MAG, FIELD, M0, f, torque, **options)
    n = np.asarray(options.get("damping_axis", (0, 0, 1.0)))
    n = n / np.linalg.norm(n)
    rate = -2j * math.pi * f[:, None] * dm
    rate_perp_n = rate - np.sum(rate * n, axis=1, keepdims=True) * n
    dissipated = (
        MAG.ms
        / (2 * MAG.gamma)
        * (
            options.get("alpha", 0.0) * np.sum(np.abs(rate) ** 2, axis=1)
            + options.get("alpha_g", 0.0) * np.sum(np.abs(rate_perp_n) ** 2, axis=1)
        )
    )
    np.testing.assert_allclose(p, dissipated, rtol=1e-10)
    assert np.all(p > 0)


@pytest.mark.parametrize("k", [0.0, 5e6])
def test_onsager_reciprocity(k):
    """chi_lab(m0, H) = chi_lab(-m0, -H)^T (time reversal; f(k) = f(-k) here)."""
    mag = FilmMagnet(ms=6e5, ku=1e5, kc=-2e4, ku_inplane=1e4, ku_inplane_azimuth_deg=15)
    field = field_vector(0.15, 60.0, 40.0)
    m0 = equilibrium(mag, field).m
    assert np.allclose(equilibrium(mag, -field).m, -m0)
    opts = dict(alpha=0.03, alpha_g=0.02, k=k, k_azimuth_deg=70, thickness=10e-9)
    for f in (3e9, 7.7e9):
        a = lab_tensor(susceptibility(mag, field, m0, f, **opts), m0)
        b = lab_tensor(susceptibility(mag, -field, -m0, f, **opts), -m0)
        np.testing.assert_allclose(a, b.T, atol=1e-12 * np.abs(a).max())
        # the antisymmetric part is odd in m0: it is the precession's handedness
        assert np.abs(a - a.T).max() > 1e-3 * np.abs(a).max()


def test_undamped_response_diverges_at_the_smit_beljers_frequency():
    torque = np.array([1.0, 2.0, 0.5])
    f = F0 * (1 + np.array([-1e-3, -1e-6, 1e-6, 1e-3]))
    amp = np.linalg.norm(driven_response(MAG, FIELD, M0, f, torque), axis=-1)
    assert amp[1] > 500 * amp[0] and amp[2] > 500 * amp[3]


def test_shapes_and_the_component_along_m0():
    f = np.linspace(1e9, 2e10, 7)
    torque = np.array([1.0, -0.5j, 0.3])
    dm = driven_response(MAG, FIELD, M0, f, torque, alpha=0.01)
    assert dm.shape == (7, 3)
    np.testing.assert_allclose(dm @ M0, 0, atol=1e-14 * np.abs(dm).max())
    # the torque's part along m0 does nothing
    np.testing.assert_allclose(
        driven_response(MAG, FIELD, M0, f, torque + (2 - 1j) * M0, alpha=0.01), dm
    )
    # a stack of fields with their equilibria, one frequency each
    fields = np.stack([FIELD, field_vector(0.5, 10.0)])
    m0s = np.stack([M0, equilibrium(MAG, fields[1]).m])
    both = driven_response(MAG, fields, m0s, [5e9, 6e9], torque, alpha=0.01)
    assert both.shape == (2, 3)
    np.testing.assert_allclose(both[0], driven_response(MAG, FIELD, M0, 5e9, torque, alpha=0.01))
    assert susceptibility(MAG, FIELD, M0, f).shape == (7, 2, 2)


def test_bad_inputs_name_the_parameter():
    with pytest.raises(ValueError, match="not an equilibrium"):
        driven_response(MAG, FIELD, field_vector(1.0, 35.0, 20.0), 1e9, [1, 0, 0])
    with pytest.raises(ValueError, match="thickness"):
        driven_response(MAG, FIELD, M0, 1e9, [1, 0, 0], k=1e6)
    with pytest.raises(ValueError, match="alpha"):
        driven_response(MAG, FIELD, M0, 1e9, [1, 0, 0], alpha=-0.1)
    with pytest.raises(ValueError, match="torque"):
        driven_response(MAG, FIELD, M0, 1e9, [1, 0])


def test_matches_the_3x3_linearisation_of_the_llg():
    """Cartesian: (-i w ((1 - h m0_z) 1 - [m0]x D3) - A) dm = T_perp, A the finite-difference
    Jacobian of -gamma m x mu0 H_eff(m), D3 = alpha 1 + alpha_g P_n: an independent route."""
    alpha, alpha_g, hall = 0.02, 0.07, 0.2
    n = np.array([0.2, 0.0, 1.0]) / math.hypot(0.2, 1.0)

    def rate(m):
        return -MAG.gamma * np.cross(m, MAG.effective_field(m, FIELD))

    h = 1e-7
    a = np.column_stack([(rate(M0 + h * e) - rate(M0 - h * e)) / (2 * h) for e in np.eye(3)])
    cross = np.cross(M0, np.eye(3)).T  # [m0]x v = m0 x v
    d3 = alpha * np.eye(3) + alpha_g * (np.eye(3) - np.outer(n, n))
    torque = np.array([2.0 + 1j, -1.0, 0.5j]) * 1e8
    t_perp = torque - M0 * (M0 @ torque)
    for f in (0.3 * F0, F0, 2.2 * F0):
        w = 2 * math.pi * f
        lhs = -1j * w * ((1 - hall * M0[2]) * np.eye(3) - cross @ d3) - a
        expected = np.linalg.solve(lhs, t_perp)
        dm = driven_response(
            MAG, FIELD, M0, f, torque, alpha=alpha, alpha_g=alpha_g, damping_axis=n, alpha_hall=hall
        )
        np.testing.assert_allclose(dm, expected, rtol=1e-6, atol=1e-7 * np.abs(expected).max())


def test_dynamic_matrix_is_the_projected_3x3_linearisation():
    """dynamic_matrix = E^T [m0]x L E with L = -i w ((1 - h m0_z) 1 - [m0]x D3) - A the Cartesian
    operator (A the finite-difference Jacobian of -gamma m x mu0 H_eff(m)), E = (e_theta, e_phi):
    ([m0]x maps L dm = T_perp onto the transverse form K' x = (m0 x T)_perp)."""
    alpha, alpha_g, hall = 0.03, 0.05, 0.1
    n = np.array([0.0, 0.3, 1.0]) / math.hypot(0.3, 1.0)

    def rate(m):
        return -MAG.gamma * np.cross(m, MAG.effective_field(m, FIELD))

    h = 1e-7
    a = np.column_stack([(rate(M0 + h * e) - rate(M0 - h * e)) / (2 * h) for e in np.eye(3)])
    cross = np.cross(M0, np.eye(3)).T  # [m0]x v = m0 x v
    d3 = alpha * np.eye(3) + alpha_g * (np.eye(3) - np.outer(n, n))
    e = np.column_stack(local_frame(M0))
    f = np.array([0.5, 1.0, 1.7]) * F0
    mat = dynamic_matrix(
        MAG, FIELD, M0, f, alpha=alpha, alpha_g=alpha_g, damping_axis=n, alpha_hall=hall
    )
    assert mat.shape == (3, 2, 2)
    for fi, got in zip(f, mat, strict=True):
        w = 2 * math.pi * fi
        lhs = -1j * w * ((1 - hall * M0[2]) * np.eye(3) - cross @ d3) - a
        np.testing.assert_allclose(got, e.T @ cross @ lhs @ e, atol=1e-6 * np.abs(got).max())
    # undamped, det K' = det K - w^2 vanishes at Smit and Beljers' frequency
    det = np.linalg.det(dynamic_matrix(MAG, FIELD, M0, F0 * np.array([1.0, 1.1])))
    assert abs(det[0]) < 1e-8 * abs(det[1])


def test_each_public_call_checks_the_equilibrium_once(monkeypatch):
    """m0 is checked once at the public boundary (it was 2-4 times per call down the chain),
    and a non-equilibrium m0 is still refused by every entry point."""
    import tisot.magnet.linear as lin
    from tisot.magnet import stiffness

    calls = []

    def counting(*args, **kwargs):
        calls.append(1)
        return check(*args, **kwargs)

    check = lin.check_equilibrium
    monkeypatch.setattr(lin, "check_equilibrium", counting)
    torque = np.array([1e6, 0.0, 0.0])
    entries = {
        "stiffness": lambda m: stiffness(MAG, FIELD, m),
        "dynamic_matrix": lambda m: dynamic_matrix(MAG, FIELD, m, F0, alpha=0.01),
        "susceptibility": lambda m: susceptibility(MAG, FIELD, m, F0, alpha=0.01),
        "driven_response": lambda m: driven_response(MAG, FIELD, m, F0, torque, alpha=0.01),
        "absorbed_power_density": lambda m: absorbed_power_density(
            MAG, FIELD, m, F0, torque, alpha=0.01
        ),
    }
    for name, call in entries.items():
        calls.clear()
        call(M0)
        assert len(calls) == 1, name
        with pytest.raises(ValueError, match="not an equilibrium"):
            call(FIELD / np.linalg.norm(FIELD))  # the field's direction is not m0 at 35 deg
