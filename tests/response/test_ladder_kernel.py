"""Exact ladder, the kernel M of Eq. (12): Ward identity, an independent quadrature, App. B (B1a-f).

Every reference here is independent of the partial-fraction kernel: scipy dblquad of 2x2 matrix
Green's functions, the Ward identity, the paper's closed forms (with the misprints recorded in
docs/theory-notes.md corrected), rotation covariance, a direct quadrature of Eq. (11).
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from tisot.model import SurfaceModel
from tisot.response._ladder_reference import kernel_entry
from tisot.response.ladder import ladder_dataset, ladder_kernel, surface_parameters
from tisot.response.selfenergy import bare_for, log_integral, renormalise, scba


def unit_gap(M, alpha):
    return np.linalg.det(np.eye(4) - math.pi * alpha * M)


# ------------------------------------------------------------------ self-energy (Eq. 11)
def test_log_integral_is_the_radial_integral():
    z = 0.91 + 0.03j
    ref = integrate.quad(lambda p: (p / (z - p * p)).real, 0, 4, points=[0.95], limit=200)[0]
    ref += 1j * integrate.quad(lambda p: (p / (z - p * p)).imag, 0, 4, points=[0.95], limit=200)[0]
    assert log_integral(z, 4.0) == pytest.approx(ref, rel=1e-9)


def test_scba_solves_eq11_self_consistently():
    # Sigma = 2 pi alpha Int d^2p/(2pi)^2 G_p (Eq. 11) with G of Eq. (10) built from the solution
    eps, dz, alpha, pc = 1.0, 0.3, 0.05, 3.0
    e_t, d_t = (complex(x) for x in scba(eps, dz, alpha, pc))
    z = e_t**2 - d_t**2

    def radial(f):
        re = integrate.quad(lambda p: f(p).real, 0, pc, points=[1.0], limit=400)[0]
        return re + 1j * integrate.quad(lambda p: f(p).imag, 0, pc, points=[1.0], limit=400)[0]

    # angular average kills (p x sigma)_z; d^2p/(2pi)^2 -> p dp / (2 pi)
    sigma0 = alpha * radial(lambda p: p * e_t / (z - p * p))
    sigmaz = alpha * radial(lambda p: -p * d_t / (z - p * p))
    assert e_t == pytest.approx(eps - sigma0, rel=1e-9)
    assert d_t == pytest.approx(dz - sigmaz, rel=1e-9)
    # imaginary parts at first order: the paper's Im Sigma = -pi alpha (eps - Dz sigma_z)/2,
    # up to relative corrections alpha ln(p_c^2 / k_F^2) (here 0.05 * 2.3)
    tol = 1.5 * alpha * math.log(pc * pc / 0.91)
    assert sigma0.imag == pytest.approx(-math.pi * alpha * eps / 2, rel=tol)
    assert sigmaz.imag == pytest.approx(math.pi * alpha * dz / 2, rel=tol)


@settings(max_examples=25, deadline=None)
@given(
    eps=st.floats(0.5, 2.0),
    dz=st.floats(-0.8, 0.8),
    alpha=st.floats(0.002, 0.1),
    cutoff=st.floats(1.5, 30.0),
)
def test_bare_for_inverts_renormalise(eps, dz, alpha, cutoff):
    dz = dz * eps
    bare = bare_for(eps, dz, alpha, cutoff * eps)
    again = renormalise(bare.bare_fermi_energy, bare.bare_delta_z, bare.bare_disorder, cutoff * eps)
    assert (again.fermi_energy, again.delta_z, again.disorder) == pytest.approx(
        (eps, dz, alpha), rel=1e-10, abs=1e-12
    )


# ------------------------------------------------------------------ Ward identity
@settings(max_examples=40, deadline=None)
@given(
    dz=st.floats(-0.95, 0.95),
    alpha=st.floats(1e-3, 0.1),
    cutoff=st.floats(1.5, 50.0),
    bare=st.booleans(),
)
def test_ward_identity_det_vanishes_at_q_omega_zero(dz, alpha, cutoff, bare):
    model = SurfaceModel(exchange_energy=dz, disorder=alpha)
    mode = "bare" if bare else "renormalised"
    par = surface_parameters(model, cutoff, parameters=mode)
    M = ladder_kernel(model, [0.0, 0.0], 0.0, cutoff=cutoff, parameters=mode)
    # the null vector of (1 - pi alpha M) is fixed by Im Sigma (Ward identity)
    assert abs(unit_gap(M, par.bare_disorder)) < 1e-12
    assert np.linalg.svd(np.eye(4) - math.pi * par.bare_disorder * M, compute_uv=False)[-1] < 1e-12


@pytest.mark.parametrize(("cutoff", "issue_value"), [(2.0, 0.021), (5.0, -0.003)])
def test_born_self_energy_breaks_ward_identity_as_the_issue_measured(cutoff, issue_value):
    # Issue 6: eps = 1, Dz = 0.3, alpha = 0.02, M from Eqs. (10), (12): "det" 0.021 (cutoff 2)
    # and -0.003 (cutoff 5). Those numbers are the (0, z) block determinant = the small
    # eigenvalue; the full 4x4 det is smaller by the (x, y) block's |1 - pi alpha M_xx|^2 ~ 0.34.
    model = SurfaceModel(exchange_energy=0.3, disorder=0.02)
    M = ladder_kernel(model, [0.0, 0.0], 0.0, cutoff=cutoff, self_energy="born")
    A = np.eye(4) - math.pi * 0.02 * M
    block = np.linalg.det(A[np.ix_([0, 3], [0, 3])]).real
    assert block == pytest.approx(issue_value, abs=0.0006)
    assert abs(unit_gap(M, 0.02)) > 1e-4  # broken at order alpha ln(p_c / eps)
    Mscba = ladder_kernel(model, [0.0, 0.0], 0.0, cutoff=cutoff, parameters="bare")
    assert abs(unit_gap(Mscba, 0.02)) < 1e-13


# ------------------------------------------------------------------ independent quadrature
@pytest.mark.parametrize(
    ("q", "omega", "entries"),
    [((0.05, 0.03), 0.01, [(0, 0), (1, 2)]), ((0.0, 0.08), 0.0, [(0, 2), (3, 3)])],
)
def test_kernel_matches_plain_dblquad(q, omega, entries):
    model = SurfaceModel(exchange_energy=0.3, disorder=0.1)
    par = surface_parameters(model, 3.0)
    M = ladder_kernel(model, q, omega, cutoff=3.0, rtol=1e-11)
    for a, b in entries:
        ref, _ = kernel_entry(par, q, omega, a, b, epsrel=1e-9, epsabs=1e-11)
        assert M[a, b] == pytest.approx(ref, abs=1e-9 * np.abs(M).max())


# ------------------------------------------------------------------ App. B, Eqs. (B1a-f)
def b1(eps, dz, alpha, qx, qy, omega):
    """Eqs. (B1a-f) with the misprints corrected (see docs/theory-notes.md, section ladder).

    Corrections: in (B1e) q -> z x q = (-q_y, q_x) (spin-momentum locking of H = (p x sigma)_z);
    (B1f) has the opposite overall sign and its (x, y) block reads (q_x^2 + 3 q_y^2)/4,
    -q_x q_y/2, (3 q_x^2 + q_y^2)/4.
    """
    pa, S, X = math.pi * alpha, eps * eps + dz * dz, eps * eps - dz * dz
    base = np.array(
        [[eps**2, 0, 0, -eps * dz], [0, X / 2, 0, 0], [0, 0, X / 2, 0], [-eps * dz, 0, 0, dz**2]],
        dtype=complex,
    )
    M0 = base.copy()
    M0[1, 2], M0[2, 1] = pa * eps * dz, -pa * eps * dz
    Mw = base.copy()
    Mw[1, 2], Mw[2, 1] = pa * X * dz / (2 * eps), -pa * X * dz / (2 * eps)
    x = 1j * omega * eps / (pa * S)
    lin = np.array(
        [
            [0, -eps * qy, eps * qx, 0],
            [-eps * qy, 0, 0, dz * qy],
            [eps * qx, 0, 0, -dz * qx],
            [0, dz * qy, -dz * qx, 0],
        ]
    )
    q2 = qx * qx + qy * qy
    quad = np.array(
        [
            [eps**2 * q2, 0, 0, -eps * dz * q2],
            [0, X * (qx * qx + 3 * qy * qy) / 4, -X * qx * qy / 2, 0],
            [0, -X * qx * qy / 2, X * (3 * qx * qx + qy * qy) / 4, 0],
            [-eps * dz * q2, 0, 0, dz**2 * q2],
        ]
    )
    return (
        M0 / (pa * S)
        + (x + x * x) * Mw / (pa * S)
        + X / (pa * S) ** 2 * (-0.5j + eps * omega / (pa * S)) * lin
        - X / (2 * (pa * S) ** 3) * quad
    )


def _b1_errors(alpha):
    """Relative misfit of M(0, 0), dM/domega, d2M/domega2, dM/dq, d2M/dq2, d2M/dq domega."""
    model = SurfaceModel(exchange_energy=0.3, disorder=alpha)
    h = 0.02 * alpha
    u = np.array([math.cos(0.7), math.sin(0.7)])
    # (q/h along u, omega/h) at which M is evaluated; one-sided in omega (omega >= 0)
    grid = [(0, 0), (1, 0), (-1, 0), (1, 1), (-1, 1), (0, 1), (0, 2), (1, 2), (-1, 2), (0, 3)]
    pts_q = np.array([k * h * u for k, _ in grid])
    pts_w = np.array([k * h for _, k in grid])
    M = ladder_kernel(model, pts_q, pts_w, rtol=1e-13)
    B = np.array([b1(1.0, 0.3, alpha, *qq, ww) for qq, ww in zip(pts_q, pts_w, strict=True)])
    out = []
    for X in (M, B):
        dw = (-3 * X[0] + 4 * X[5] - X[6]) / (2 * h)
        d2w = (2 * X[0] - 5 * X[5] + 4 * X[6] - X[9]) / h**2
        dq = (X[1] - X[2]) / (2 * h)
        d2q = (X[1] - 2 * X[0] + X[2]) / h**2
        dqw = (-3 * (X[1] - X[2]) + 4 * (X[3] - X[4]) - (X[7] - X[8])) / (4 * h * h)
        out.append((X[0], dw, d2w, dq, d2q, dqw))
    return [np.abs(a - b).max() / np.abs(b).max() for a, b in zip(*out, strict=True)]


def test_b1_coefficients_agree_to_order_alpha():
    # finite differences of the exact M against (B1b-f); the misfit is the alpha ln(p_c/eps)
    # and O(alpha) the paper drops, so it halves when alpha halves.
    e1 = np.array(_b1_errors(2e-3))
    e2 = np.array(_b1_errors(1e-3))
    assert np.all(e2 < 0.01)
    assert np.all(e1 / e2 == pytest.approx(2.0, rel=0.15))


def test_b1_as_printed_is_wrong_in_q():
    # the paper's (B1e) has q_x in M_0x; the exact M has it in M_0y (and none in M_0x)
    alpha, h = 1e-3, 2e-5
    model = SurfaceModel(exchange_energy=0.3, disorder=alpha)
    M = ladder_kernel(model, np.array([[h, 0.0], [-h, 0.0]]), 0.0, rtol=1e-13)
    dq = (M[0] - M[1]) / (2 * h)
    pa, S, X = math.pi * alpha, 1.09, 0.91
    printed_0x = X / (pa * S) ** 2 * (-0.5j) * 1.0  # (B1e) as printed, entry (0, x)
    assert abs(dq[0, 1]) < 0.01 * abs(printed_0x)
    assert dq[0, 2] == pytest.approx(printed_0x, rel=0.01)
    # (B1f) as printed: positive q^2 coefficient of M_00, i.e. anti-diffusion
    d2 = (M[0] + M[1] - 2 * ladder_kernel(model, [0.0, 0.0], 0.0, rtol=1e-13)) / h**2
    assert d2[0, 0].real < 0


# ------------------------------------------------------------------ symmetries
def test_rotating_q_rotates_M_and_K():
    model = SurfaceModel(exchange_energy=0.4, disorder=0.05)
    q = np.array([0.11, 0.04])
    phis = np.array([0.0, 0.9, 2.5, -1.3])
    R = np.array([[[math.cos(f), -math.sin(f)], [math.sin(f), math.cos(f)]] for f in phis])
    qs = np.einsum("pij,j->pi", R, q)
    ds = ladder_dataset(model, qs, 0.013, rtol=1e-11)
    U = np.zeros((len(phis), 4, 4))
    U[:, 0, 0] = U[:, 3, 3] = 1.0
    U[:, 1:3, 1:3] = R
    M0 = ds.M.values[0]
    for k in range(len(phis)):
        assert ds.M.values[k] == pytest.approx(U[k] @ M0 @ U[k].T, abs=1e-10 * np.abs(M0).max())
    K = ds.K.values
    assert K[2] == pytest.approx(U[2, 1:, 1:] @ K[0] @ U[2, 1:, 1:].T, rel=1e-9)


def test_q_zero_has_no_torque_and_omega_keeps_blocks():
    # Q(q = 0) = 0 (text after Eq. 15): at q = 0, M is block diagonal in (0, z) and (x, y)
    model = SurfaceModel(exchange_energy=0.3, disorder=0.02)
    ds = ladder_dataset(model, [0.0, 0.0], np.array([1e-4, 1e-2, 0.3]))
    assert np.all(ds.Q.values == 0) or np.abs(ds.Q.values).max() < 1e-12 * np.abs(ds.K).max()
    M = ds.M.values
    for a, b in [(0, 1), (0, 2), (3, 1), (3, 2)]:
        assert np.abs(M[:, a, b]).max() < 1e-12 * np.abs(M).max()


def test_static_M_conjugates_under_q_reversal():
    # at omega = 0: conj Tr[s_a G^R_X s_b G^A_Y] = Tr[s_a G^R_Y s_b G^A_X] (G^A = G^R^dagger),
    # and swapping X = p + q/2, Y = p - q/2 is q -> -q
    model = SurfaceModel(exchange_energy=0.3, disorder=0.03)
    M = ladder_kernel(model, np.array([[0.02, 0.05], [-0.02, -0.05]]), 0.0, rtol=1e-12)
    assert np.conj(M[0]) == pytest.approx(M[1], abs=1e-10 * np.abs(M).max())


# ------------------------------------------------------------------ quadrature convergence
def test_error_estimate_is_honest_and_follows_rtol():
    model = SurfaceModel(exchange_energy=0.3, disorder=0.02)
    rng = np.random.default_rng(1)
    n = 300
    qa = 10 ** rng.uniform(-3, math.log10(0.9), n)
    th = rng.uniform(0, 2 * math.pi, n)
    q = np.stack([qa * np.cos(th), qa * np.sin(th)], -1)
    w = 10 ** rng.uniform(-5, 0, n)
    ref = ladder_dataset(model, q, w, rtol=1e-12)
    scale = np.abs(ref.K.values).max(axis=(1, 2))
    previous = 0.0
    for rtol in (1e-3, 1e-5, 1e-7, 1e-9):
        ds = ladder_dataset(model, q, w, rtol=rtol)
        true = np.abs(ds.K.values - ref.K.values).max(axis=(1, 2)) / scale
        assert np.all(true <= rtol)
        assert np.all(ds.error.values <= rtol)
        mean_nodes = ds.angles.values.mean()
        assert mean_nodes >= previous  # tighter tolerance -> more nodes
        previous = mean_nodes
        # the estimate bounds the error of the n/2-node rule, which the returned one beats
        assert np.median(true) <= np.median(ds.error.values)


def test_trapezoid_error_falls_exponentially_with_nodes():
    from tisot.response import _ladder_kernel as kernel

    z_r = np.array([0.91 + 0.03j])
    z_a = np.conj(z_r)
    q = np.array([0.2]), np.array([0.1])
    ref = np.zeros((1, 6), complex)
    kernel.angular_sums(z_r, z_a, *q, 5.0, 4096, 0.0, ref)
    ref *= 2 * math.pi / 4096
    errs = []
    for n in (32, 64, 128):
        s = np.zeros((1, 6), complex)
        kernel.angular_sums(z_r, z_a, *q, 5.0, n, 0.0, s)
        errs.append(np.abs(s * 2 * math.pi / n - ref).max() / np.abs(ref).max())
    # exponential: each doubling squares the error (ratio grows), not a fixed factor
    assert errs[1] < 0.1 * errs[0]
    assert errs[2] < errs[1] ** 1.5 or errs[2] < 1e-13


@settings(max_examples=20, deadline=None)
@given(
    q=st.floats(1e-3, 0.8),
    phi=st.floats(-math.pi, math.pi),
    omega=st.floats(0.0, 0.5),
    dz=st.floats(-0.6, 0.6),
)
def test_rotation_covariance_property(q, phi, omega, dz):
    # joint rotation of p and spin about z leaves H = (p x sigma)_z - Dz sigma_z invariant
    model = SurfaceModel(exchange_energy=dz, disorder=0.05)
    c, s = math.cos(phi), math.sin(phi)
    M = ladder_kernel(model, np.array([[q, 0.0], [c * q, s * q]]), omega, rtol=1e-11)
    U = np.eye(4)
    U[1:3, 1:3] = [[c, -s], [s, c]]
    assert M[1] == pytest.approx(U @ M[0] @ U.T, abs=1e-9 * np.abs(M[0]).max())


@pytest.mark.parametrize(("q", "omega"), [((0.5, 0.2), 0.5), ((0.0, 0.7), 1.2)])
def test_ballistic_points_match_plain_dblquad(q, omega):
    # q ell ~ 1-1.5 and omega tau_tr ~ 1-2.5 (alpha = 0.1, ell = tau_tr ~ 2): far outside App. B
    model = SurfaceModel(exchange_energy=0.3, disorder=0.1)
    par = surface_parameters(model, 3.0)
    assert math.hypot(*q) * model.mean_free_path > 1 and omega * model.transport_time > 1
    M = ladder_kernel(model, q, omega, cutoff=3.0, rtol=1e-11)
    for a, b in [(0, 3), (2, 1)]:
        ref, _ = kernel_entry(par, q, omega, a, b, epsrel=1e-9, epsabs=1e-11)
        assert M[a, b] == pytest.approx(ref, abs=1e-9 * np.abs(M).max())


@pytest.mark.slow
def test_full_K_in_the_crossover_matches_plain_dblquad():
    # every entry of M by dblquad at alpha = 0.02, q ell = 2, omega tau_tr = 0.5, then Eq. (13)
    model = SurfaceModel(exchange_energy=0.3, disorder=0.02)
    par = surface_parameters(model, 5.0)
    q = np.array([2.0, 0.5]) / np.hypot(2.0, 0.5) * 2.0 / model.mean_free_path
    omega = 0.5 / model.transport_time
    ds = ladder_dataset(model, q, omega, rtol=1e-10)
    ref = np.array(
        [
            [kernel_entry(par, q, omega, a, b, epsrel=1e-9, epsabs=1e-10)[0] for b in range(4)]
            for a in range(4)
        ]
    )
    assert ds.M.values[0] == pytest.approx(ref, abs=1e-8 * np.abs(ref).max())
    K = ref @ np.linalg.inv(np.eye(4) - math.pi * par.bare_disorder * ref)
    assert ds.K.values[0] == pytest.approx(K[1:, 1:], rel=1e-7)


def test_scba_converges_near_the_gap_for_many_energies():
    # regression: z = E~^2 - Dz~^2 ~ 0.02 is known only to rounding of the squares
    energies = 0.99996 + np.logspace(-8, 0.5, 2000)
    e_t, d_t = scba(energies, 0.99004, 1.001e-5, 5.0)
    z = e_t**2 - d_t**2
    assert np.all(z.imag > 0)
    assert np.all(np.isfinite(z))


def test_ladder_near_the_gap_keeps_the_ward_identity():
    model = SurfaceModel(exchange_energy=0.99, disorder=1e-3)
    par = surface_parameters(model, 5.0)
    M = ladder_kernel(model, [0.0, 0.0], 0.0)
    assert abs(unit_gap(M, par.bare_disorder)) < 1e-13
    K = ladder_dataset(model, [[1e-3, 0.0], [0.05, 0.02]], [1e-4, 0.3]).K.values
    assert np.all(np.isfinite(K))
