"""Torques (Eqs. 3, 4, 16, 17) checked against Eq. (2) with the response of Eq. (6) and exact identities."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tisot.constants import CONDUCTANCE_QUANTUM, E_CHARGE, HBAR
from tisot.model import Coupling, damping_prefactor, diffusive_strength
from tisot.response import analytic_response, conductivity
from tisot.torques import (
    diffusive_drive,
    diffusive_torque,
    eq17_estimate,
    fieldlike_torque,
    gilbert_torque,
    spin_density,
    torque_ratio,
)

COUPLING = Coupling(exchange_coupling_mev=15.0, cell_area=1.5e-19, spin=2.0)  # Delta_sd = -30 meV


def surface(m):
    return COUPLING.surface(fermi_energy_mev=100.0, magnetization=m, disorder=0.02)


def eq2_torque(m, s):
    """T = (J_sd A / hbar) m x s, Eq. (2)."""
    return COUPLING.j_sd * COUPLING.cell_area / HBAR * np.cross(m, s)


unit_vectors = (
    st.tuples(st.floats(-1, 1), st.floats(-1, 1), st.floats(-1, 1))
    .filter(lambda v: np.linalg.norm(v) > 0.2)
    .map(lambda v: tuple(np.round(np.asarray(v) / np.linalg.norm(v), 12)))  # no subnormals
)
frequencies = st.one_of(st.just(0.0), st.floats(1e-6, 5e-2))
rates = st.floats(-1, 1).filter(lambda r: abs(r) > 1e-6)


@settings(max_examples=30, deadline=None)
@given(m=unit_vectors, phi=st.floats(0, 2 * math.pi), x=st.floats(1e-4, 5e-2), y=frequencies)
def test_spin_density_obeys_the_exact_current_identity(m, phi, x, y):
    # Text before Eq. (3): s_par = (z x J)/(e v) exactly, with J = (e^2/h) sigma E and sigma the
    # current correlator (K rotated by 90 degrees). This fixes the overall sign of Eq. (6).
    model = surface(m)
    d, t = model.diffusion_constant, model.transport_time
    q = math.sqrt(x / (d * t)) * np.array([math.cos(phi), math.sin(phi)])
    K = analytic_response(model, q, y / t, check_regime=False)
    E = np.array([1.0 + 2.0j, -0.5 + 0.3j])  # V/m
    s = spin_density(model, K, field=E)
    J = CONDUCTANCE_QUANTUM * conductivity(K) @ E
    v = model.scales.velocity
    expected = np.array([-J[1], J[0]]) / (E_CHARGE * v)
    np.testing.assert_allclose(s[:2], expected, rtol=1e-12, atol=1e-12 * np.abs(expected).max())


@settings(max_examples=30, deadline=None)
@given(m=unit_vectors, a=rates, b=rates)
def test_gilbert_torque_follows_from_eqs_2_and_6(m, a, b):
    # q = 0, omega -> 0: K_par = [[sigma0, sigma_H], [-sigma_H, sigma0]], Q = 0. The torque of
    # Eq. (2) with s from Eq. (6) must equal Eq. (16) (with its corrected 1/(2 pi) prefactor).
    model = surface(m)
    K = analytic_response(model, [0.0, 0.0], 1e-9 / model.transport_time)
    rate = np.array([a, b, 0.0]) * 1e9  # in-plane dm/dt, 1/s
    expected = eq2_torque(model.magnetization, spin_density(model, K, magnetization_rate=rate))
    got = gilbert_torque(model.magnetization, rate, model, COUPLING)
    scale = np.linalg.norm(rate) * damping_prefactor(model, COUPLING) * model.sigma0
    np.testing.assert_allclose(got, expected.real, rtol=1e-6, atol=1e-12 * scale)


def test_gilbert_damping_dissipates():
    # Eq. (18): dm/dt = gamma H x m + alpha_G m x dm_par/dt relaxes m towards +H, i.e. the damping
    # torque has a positive component along H - (m.H) m for precession about H.
    m = np.array([math.sin(0.3), 0.0, math.cos(0.3)])
    H = np.array([0.0, 0.0, 1.0])  # precession frequency vector gamma H, 1/s (scaled)
    precession = np.cross(H, m) * 1e9
    T = gilbert_torque(m, precession, surface(m), COUPLING)
    assert T @ (H - (m @ H) * m) > 0


def test_gilbert_has_no_dmz_dt_term_and_is_transverse():
    m = np.array([0.6, 0.0, 0.8])
    model = surface(m)
    assert np.allclose(gilbert_torque(m, [0, 0, 1e9], model, COUPLING), 0.0)
    T = gilbert_torque(m, [1e9, -2e9, 3e9], model, COUPLING)
    assert abs(T @ m) < 1e-12 * np.linalg.norm(T)


def test_gilbert_sigma0_depends_on_mz_squared():
    # Eq. (16): the coefficient is sigma0(m_z^2); perpendicular vs in-plane m by Eq. (9) by hand
    rate = np.array([0.0, 1e9, 0.0])
    perp = np.linalg.norm(gilbert_torque([0, 0, 1], rate, surface((0, 0, 1)), COUPLING, hall=False))
    inpl = np.linalg.norm(gilbert_torque([1, 0, 0], rate, surface((1, 0, 0)), COUPLING, hall=False))
    d2 = 0.3**2  # (Delta_sd / eps)^2
    assert perp / inpl == pytest.approx((1 - d2) / (1 + 3 * d2))


@settings(max_examples=30, deadline=None)
@given(m=unit_vectors, phi=st.floats(0, 2 * math.pi), x=st.floats(1e-4, 5e-2))
def test_diffusive_torque_follows_from_eqs_2_6_and_14(m, phi, x):
    # The s_z part of Eq. (6) through Eq. (2) gives Eq. (4), sign included (omega = 0, leading order)
    model = surface(m)
    sc = model.scales
    d, t = model.diffusion_constant, model.transport_time
    q_model = math.sqrt(x / (d * t)) * np.array([math.cos(phi), math.sin(phi)])
    K = analytic_response(model, q_model, 0.0, corrections=False)
    E = np.array([2.0 - 1.0j, 0.7 + 0.2j])
    s = spin_density(model, K, field=E)
    expected = eq2_torque(model.magnetization, np.array([0, 0, 1.0]) * s[2])
    f = diffusive_drive(model, COUPLING, q_model * sc.wavevector, 0.0, E)
    got = diffusive_torque(model.magnetization, f)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12 * np.abs(expected).max())


@pytest.mark.parametrize("m", [(0, 0, 1), (1, 0, 0), (0.6, -0.8, 0)])
def test_diffusive_torque_vanishes_for_m_along_z_or_in_plane(m):
    assert np.allclose(diffusive_torque(m, 3.0e9), 0.0)


def test_fieldlike_torque_is_an_in_plane_field_perpendicular_to_j():
    m = np.array([0.36, 0.48, 0.8])
    model = surface(m)
    J = np.array([2.0, 0.0])  # A/m along x -> effective field along z x x = +y
    T = fieldlike_torque(m, J, model, COUPLING)
    c = COUPLING.j_sd * COUPLING.cell_area / (HBAR * E_CHARGE * 1e6)  # Eq. (3) by hand
    np.testing.assert_allclose(T, c * np.cross(m, [0, 2.0, 0]), rtol=1e-12)
    assert abs(T @ m) < 1e-12 * np.linalg.norm(T)


def test_eq17_ratio_from_the_two_torques():
    # omega << D q^2, E || q (a gate field), J = (e^2/h) sigma0 E along q: the ratio of Eq. (4) to
    # Eq. (3) is (Delta_sd / hbar q v) / sigma0 times |m x m_perp| / |m x (z x J^)|.
    theta = math.pi / 4
    m = np.array([math.sin(theta), 0.0, math.cos(theta)])  # 45 degrees to the surface
    model = surface(m)
    sc = model.scales
    q_model = math.sqrt(1e-3 / (model.diffusion_constant * model.transport_time))
    q = np.array([q_model * sc.wavevector, 0.0])
    E = np.array([1.0, 0.0])
    T_diff = diffusive_torque(m, diffusive_drive(model, COUPLING, q, 0.0, E))
    J = CONDUCTANCE_QUANTUM * model.sigma0 * E
    T_fl = fieldlike_torque(m, J, model, COUPLING)
    geometry = np.linalg.norm(np.cross(m, m[2] * np.array([0, 0, 1.0]))) / np.linalg.norm(
        np.cross(m, [0, 1.0, 0])
    )
    ratio = np.linalg.norm(T_diff) / np.linalg.norm(T_fl)
    assert ratio == pytest.approx(torque_ratio(model, q_model) * geometry, rel=1e-12)


def test_paper_estimate_numbers():
    # by hand: q = 2 pi / 1 um; cyclic reading D q^2 = 2 pi x 100 GHz
    numbers = eq17_estimate()
    assert numbers["hbar q v (meV)"] == pytest.approx(4.1357, rel=1e-4)  # h v / 1 um
    # the paper's chain: 1e3 / sigma0 = 1e2, not the 1e3 it quotes
    assert numbers["T_diff / T_FL, Eq. (17)"] == pytest.approx(100.0)
    # D = 2 pi 1e11 / (2 pi / 1e-6)^2 = 1e-1 / (2 pi) m^2/s = 159.15 cm^2/s
    assert numbers["D implied by D q^2 (cm^2/s)"] == pytest.approx(1e3 / (2 * math.pi), rel=1e-12)
    assert numbers["tau_tr implied, D / v^2 (s)"] == pytest.approx(1.5915e-14, rel=1e-4)
    assert numbers["q ell implied, q v tau_tr"] == pytest.approx(0.1, rel=1e-12)
    # omega / D q^2 = f / 100 GHz: the paper's omega << D q^2 holds (0.07-0.12)
    assert numbers["omega / D q^2, low end"] == pytest.approx(0.07, rel=1e-12)
    assert numbers["omega / D q^2, high end"] == pytest.approx(0.12, rel=1e-12)
    assert numbers["q ell at the given tau_tr"] == pytest.approx(2 * math.pi, rel=1e-9)
    # corrected: x D q^2/omega (100/12 .. 100/7) x geometry (1/2 .. 1/sqrt 2)
    assert numbers["T_diff / T_FL corrected, lowest"] == pytest.approx(100 * 100 / 12 / 2)
    assert numbers["T_diff / T_FL corrected, highest"] == pytest.approx(
        100 * 100 / 7 / math.sqrt(2)
    )


@pytest.mark.parametrize(("q_angle", "geometry"), [(0.0, 0.5), (90.0, 1 / math.sqrt(2))])
def test_corrected_torque_ratio_from_the_two_torques(q_angle, geometry):
    # One longitudinal harmonic E || q at omega << D q^2, m at 45 degrees in the x-z plane, f
    # from Eq. (4). The current along q is not retyped from Eq. (14): it follows from charge
    # conservation, -i omega rho + i q.J = 0, with the charge rho = sigma f / (eta D) that the
    # drive is locked to (f = eta D u, rho = sigma u: tisot.drive, tests/drive/test_sign.py).
    m = np.array([math.sqrt(0.5), 0.0, math.sqrt(0.5)])
    model = surface(m)
    sc = model.scales
    q_model = math.sqrt(1e-3 / (model.diffusion_constant * model.transport_time))
    w_model = 0.05 * model.diffusion_constant * q_model**2
    a = math.radians(q_angle)
    qhat = np.array([math.cos(a), math.sin(a)])
    q, omega = q_model * sc.wavevector * qhat, w_model * sc.rate
    E = 2.0 * qhat
    f = diffusive_drive(model, COUPLING, q, omega, E)
    D = model.transport("si").diffusion_constant
    rho = CONDUCTANCE_QUANTUM * model.sigma0 * f / (diffusive_strength(model, COUPLING) * D)
    J = abs(omega * rho / np.linalg.norm(q)) * qhat  # |q.J| = omega |rho|, J || q
    T_diff = diffusive_torque(m, np.abs(f))
    T_fl = fieldlike_torque(m, J, model, COUPLING)
    ratio = np.linalg.norm(T_diff) / np.linalg.norm(T_fl)
    expected = torque_ratio(model, q_model, w_model, q_angle_deg=q_angle)
    assert ratio == pytest.approx(expected, rel=1e-10)
    # by hand: Eq. (17) as printed is |Delta_sd| / (q sigma0) = 0.3 / sqrt(1e-3 (1 + Dz^2)),
    # since D tau_tr = sigma0^2 / (eps^2 + Dz^2) at eps = 1, and Dz^2 = 0.3^2 / 2 = 0.045;
    # times D q^2 / omega = 1 / 0.05 = 20 and the geometric factor at 45 degrees
    assert expected == pytest.approx(0.3 / math.sqrt(1.045e-3) * 20.0 * geometry, rel=1e-10)
    assert torque_ratio(model, q_model, 0.0) == math.inf  # no steady current along q


def test_bad_inputs():
    model = surface((0, 0, 1))
    with pytest.raises(ValueError, match="m must be nonzero"):
        diffusive_torque([0, 0, 0], 1.0)
    with pytest.raises(ValueError, match="omega must be >= 0"):
        diffusive_drive(model, COUPLING, [1e6, 0], -1.0, [1, 0])
    with pytest.raises(ValueError, match="leakage_rate must be >= 0"):
        diffusive_drive(model, COUPLING, [1e6, 0], 1.0, [1, 0], leakage_rate=-1.0)
    with pytest.raises(ValueError, match="dc drive diverges"):
        diffusive_drive(model, COUPLING, [0, 0], 0.0, [1, 0])
    with pytest.raises(ValueError, match="current_density must have shape"):
        fieldlike_torque([0, 0, 1], [1, 0, 0], model, COUPLING)
    with pytest.raises(ValueError, match="q must be > 0"):
        torque_ratio(model, 0.0)
