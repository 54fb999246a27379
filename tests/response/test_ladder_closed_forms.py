"""Exact ladder against the paper's closed forms (Eqs. 9, 14, 15, B2-B4) where they should hold.

The closed forms are leading order in alpha, omega tau_tr and D q^2 tau_tr. Each test shrinks one
of them and checks that the misfit falls the way the neglected order says (a convergence test,
not one point). The ladder is run with ``parameters="renormalised"`` (default), so the model's
own eps, Delta_z, alpha are the ones the formulas are evaluated at. Findings (sign of zeta,
Drude term, noncrossing Hall conductivity) are recorded in docs/theory-notes.md.
"""

import math

import numpy as np
import pytest

from tisot.model import SurfaceModel
from tisot.response import analytic_response
from tisot.response.ladder import (
    diffusion_pole,
    fermi_surface_response,
    ladder_dataset,
    ladder_response,
)

EPS, DZ = 1.0, 0.3
S, X, Y = EPS**2 + DZ**2, EPS**2 - DZ**2, EPS**2 + 3 * DZ**2


def model(alpha):
    return SurfaceModel(exchange_energy=DZ, disorder=alpha)


def point(m, x, ratio, angle=0.4):
    """(q, omega) with omega tau_tr = x and D q^2 = ratio * omega, q at ``angle``."""
    w = x / m.transport_time
    q = math.sqrt(ratio * w / m.diffusion_constant)
    return np.array([q * math.cos(angle), q * math.sin(angle)]), w


def leading(m, q, w):
    """Leading order of Eqs. (B3), (14), (15) with zeta's sign as the ladder gives it."""
    K = analytic_response(m, q, w, corrections=False, check_regime=False)
    # Eq. (15)/(B4b) misprint: zeta = Dz^2 / (eps (D q^2 - i omega)), written out here
    K[2, 2] = DZ**2 / (EPS * (m.diffusion_constant * q @ q - 1j * w))
    K[0, 1] = K[1, 0] = 0.0  # Hall: compared separately (noncrossing value differs, Eq. 9)
    return K


def misfit(K, Kref):
    keep = np.abs(Kref) > 1e-8 * np.abs(Kref).max()
    return np.max(np.abs(K[keep] / Kref[keep] - 1))


def test_leading_order_misfit_is_order_alpha():
    # fixed small omega tau = D q^2 tau = 1e-5: misfit = O(alpha), halves with alpha
    errs = []
    for alpha in (4e-3, 2e-3, 1e-3):
        m = model(alpha)
        q, w = point(m, 1e-5, 1.0)
        K = ladder_response(m, q, w, rtol=1e-10)
        K[0, 1] = K[1, 0] = 0.0
        errs.append(misfit(K, leading(m, q, w)))
    assert errs[-1] < 15 * 1e-3
    assert errs[0] / errs[1] == pytest.approx(2, rel=0.15)
    assert errs[1] / errs[2] == pytest.approx(2, rel=0.15)


@pytest.mark.parametrize("ratio", [0.0, 0.5, 2.0])
def test_leading_order_misfit_is_first_order_in_omega_tau(ratio):
    # alpha = 1e-5 puts the O(alpha) floor at ~1e-4; then the misfit halves with omega tau_tr
    m = model(1e-5)
    errs = []
    for x in (0.02, 0.01, 0.005):
        q, w = point(m, x, ratio)
        K = ladder_response(m, q, w, rtol=1e-10)
        K[0, 1] = K[1, 0] = 0.0
        errs.append(misfit(K, leading(m, q, w)))
    assert errs[0] / errs[1] == pytest.approx(2, rel=0.2)
    assert errs[1] / errs[2] == pytest.approx(2, rel=0.2)
    assert errs[2] < 0.05


def test_zeta_at_q_zero_is_eq15_with_opposite_sign():
    # Eq. (15) prints Dz^2/(i eps omega); the ladder (Eq. 7: G^R at eps + omega) gives minus that,
    # with corrections O(alpha) + O(omega^2 tau^2) (no first order: B1 gives 1 + x^2/(1+x))
    for alpha in (2e-3, 1e-3):
        m = model(alpha)
        errs = []
        for x in (1e-2, 5e-3):
            w = x / m.transport_time
            zeta = ladder_response(m, [0.0, 0.0], w, rtol=1e-11)[2, 2]
            errs.append(abs(zeta / (-(DZ**2) / (1j * EPS * w)) - 1))
        assert errs[1] < 8 * alpha
        assert abs(errs[0] - errs[1]) < 0.05 * errs[1] + 1e-4  # no O(omega tau) term
    # and the static limit is positive: zeta(q, 0) = Dz^2 / (eps D q^2) > 0, as the stable
    # diffuson (all eigenvalues of pi alpha M below 1 at q != 0) requires
    m = model(1e-3)
    q, _ = point(m, 1e-4, 1.0)
    zeta = ladder_response(m, q, 0.0, rtol=1e-10)[2, 2]
    assert zeta.real > 0
    assert zeta.real == pytest.approx(DZ**2 / (EPS * m.diffusion_constant * q @ q), rel=8e-3)


def test_uniform_limit_drude_and_noncrossing_hall():
    # q = 0: sigma_xx = sigma0 (1 + i omega tau_D), tau_D = 2 eps / (pi alpha (eps^2 + 3 Dz^2)),
    # from B1b-c by hand (the (x, y) block of 1 - pi alpha M is 1 - X/(2S) - x X/(2S));
    # sigma_xy = 4 eps Dz (eps^2 + Dz^2)/(eps^2 + 3 Dz^2)^2, the noncrossing Hall conductivity
    # (Ado et al., EPL 111, 37004 (2015)); Eq. (9)'s sigma_H = 8 eps Dz^3 / (...)^2 needs the
    # crossed X and Psi diagrams on top (the paper says so below Eq. 9).
    hall_nc = 4 * EPS * DZ * S / Y**2
    for alpha in (2e-3, 1e-3):
        m = model(alpha)
        tau_d = 2 * EPS / (math.pi * alpha * Y)
        for x in (1e-3, 1e-2):
            w = x / m.transport_time
            K = ladder_response(m, [0.0, 0.0], w, rtol=1e-11)
            drude = m.sigma0 * (1 + 1j * w * tau_d)
            assert K[0, 0] == pytest.approx(drude, rel=4 * alpha + 3 * x * x)
            assert K[1, 1] == pytest.approx(K[0, 0], rel=1e-12)
            assert K[0, 1] == pytest.approx(hall_nc, rel=25 * alpha + 3 * x)
            assert K[1, 0] == pytest.approx(-K[0, 1], rel=1e-12)
    assert abs(hall_nc - m.sigma_hall) > 0.5  # the ladder does not give Eq. (9)'s sigma_H


def test_b2_determinant_at_q_zero():
    # (B2): det[1 - pi alpha M] = -eps Y^2/(4 pi alpha S^3) i omega (1 - i omega tau A) + ...
    # A = (eps^2 - 5 Dz^2)/(eps^2 - Dz^2): prefactor and tau_tr-term checked separately
    alpha = 1e-4
    m = model(alpha)
    pref = -EPS * Y**2 / (4 * math.pi * alpha * S**3)
    A = (EPS**2 - 5 * DZ**2) / X
    xs = np.array([4e-3, 2e-3])
    w = xs / m.transport_time
    det = ladder_dataset(m, [0.0, 0.0], w, rtol=1e-12).det.values
    r = det / (pref * 1j * w)
    assert r[1] == pytest.approx(1 - 1j * xs[1] * A, abs=5e-4)
    slope = (r[0] - r[1]) / (1j * (xs[0] - xs[1]))
    assert slope.real == pytest.approx(-A, rel=0.02)


def test_diffusion_pole_at_i_omega_equal_D_q2():
    # det[1 - pi alpha M(q, omega*)] = 0 at i omega* = D q^2 [1 + O(alpha) + O(D q^2 tau_tr)]
    results = {}
    for alpha in (2e-3, 1e-3):
        m = model(alpha)
        D, tau = m.diffusion_constant, m.transport_time
        xs = (4e-3, 2e-3, 1e-3)
        qs = np.array([[math.sqrt(x / (D * tau)), 0.0] for x in xs])
        w = diffusion_pole(m, qs)
        results[alpha] = 1j * w / (D * np.sum(qs**2, axis=-1)) - 1
    for alpha, dev in results.items():
        assert np.all(np.abs(dev) < 10 * alpha + 3e-3)
        # the D q^2 tau_tr part: linear in x (the alpha part does not depend on x)
        assert (dev[0] - dev[1]) / (dev[1] - dev[2]) == pytest.approx(2, rel=0.1)
    # the x -> 0 intercept (2 dev[2] - dev[1]) is O(alpha): halves with alpha
    c = {a: (2 * d[2] - d[1]).real for a, d in results.items()}
    assert c[2e-3] / c[1e-3] == pytest.approx(2, rel=0.15)


def test_Q_eq14_and_diffusion_pole_in_sigma_yy():
    # Eq. (14): Q = Dz i D q / (i omega - D q^2) along q; sigma_yy (x along q) has the pole,
    # sigma_xx not: i omega sigma0/(i omega - D q^2) vs sigma0
    m = model(1e-3)
    q, w = point(m, 1e-5, 1.0, angle=0.0)
    ds = ladder_dataset(m, q, w, rtol=1e-10)
    D = m.diffusion_constant
    Q = DZ * 1j * D * q / (1j * w - D * q @ q)
    # the ladder adds a component along z x q of relative size O(alpha)
    assert ds.Q.values[0] == pytest.approx(Q, abs=5e-3 * abs(Q[0]))
    sigma = ds.K.values[0, :2, :2]  # the paper's labels, Eq. (8)
    assert sigma[1, 1] == pytest.approx(1j * w * m.sigma0 / (1j * w - D * q @ q), rel=5e-3)
    assert sigma[0, 0] == pytest.approx(m.sigma0, rel=5e-3)


def test_ladder_hall_part_carries_the_diffusion_pole_and_turns_Q():
    # Ladder findings beyond the paper (recorded in docs/theory-notes.md): the antisymmetric
    # part of sigma is sigma_xy^nc i omega/(i omega - D q^2), and Q gets a component along
    # z x q of relative size -sigma_xy^nc / sigma0 (a Hall rotation of the diffusive torque).
    hall_nc = 4 * EPS * DZ * S / Y**2
    m = model(1e-3)
    D = m.diffusion_constant
    for ratio in (0.5, 1.0, 3.0):
        q, w = point(m, 1e-5, ratio, angle=1.1)
        ds = ladder_dataset(m, q, w, rtol=1e-9)
        sigma = ds.K.values[0, :2, :2]
        anti = (sigma[0, 1] - sigma[1, 0]) / 2
        assert anti == pytest.approx(hall_nc * 1j * w / (1j * w - D * q @ q), rel=5e-3)
        Q = ds.Q.values[0]
        qhat = q / np.linalg.norm(q)
        along, across = Q @ qhat, Q @ np.array([-qhat[1], qhat[0]])
        assert across / along == pytest.approx(-hall_nc / m.sigma0, rel=5e-3)


CROSSOVER = [(0.01, 0.01), (1.0, 0.01), (5.0, 0.1), (1.0, 1.0), (0.1, 5.0), (20.0, 3.0)]


def test_ladder_matches_fermi_surface_closed_form_across_the_crossover():
    # the leading order in alpha, exact in omega tau_tr and q ell (independent closed form):
    # the numerical ladder approaches it linearly in alpha, diffusive and ballistic alike
    errs = []
    for alpha in (2e-3, 1e-3):
        m = model(alpha)
        ell, tau = m.mean_free_path, m.transport_time
        row = []
        for q_ell, w_tau in CROSSOVER:
            q = q_ell / ell * np.array([math.cos(0.3), math.sin(0.3)])
            K = ladder_response(m, q, w_tau / tau, rtol=1e-9)
            Kf = fermi_surface_response(m, q, w_tau / tau)
            row.append(np.abs(K - Kf).max() / np.abs(K).max())
        errs.append(np.array(row))
    assert np.all(errs[1] < 60 * 1e-3)
    assert np.all(errs[0] / errs[1] == pytest.approx(2, rel=0.1))


def test_fermi_surface_form_gives_the_ladder_first_order_not_b3_b4():
    # K = K_lead (1 + c i omega tau_tr) at q || x, D q^2 = omega: c from the closed form
    # (alpha = 1e-6, x -> 0 by Richardson) equals the numerical ladder's and not App. B's
    m = model(1e-6)
    D, tau = m.diffusion_constant, m.transport_time

    def c(fn, x):
        w = x / tau
        q = np.array([math.sqrt(w / D), 0.0])
        lead = leading(m, q, w)
        return (fn(q, w)[1, 2] / lead[1, 2] - 1) / (1j * x)

    def fs(q, w):
        return fermi_surface_response(m, q, w)

    def paper(q, w):
        return analytic_response(m, q, w, corrections="paper", check_regime=False)

    c_fs = 2 * c(fs, 5e-5) - c(fs, 1e-4)
    c_paper = 2 * c(paper, 5e-5) - c(paper, 1e-4)
    assert c_fs == pytest.approx(1.547 - 0.849j, abs=0.01)  # the ladder's (theory notes)
    assert c_paper == pytest.approx((EPS**2 + 7 * DZ**2) / S, abs=1e-3)  # (B4a) as printed
    assert abs(c_fs - c_paper) > 0.5


def corrected_first_order(m, q, w):
    """Leading order times the first-order factors derived from the Fermi-surface closed form
    (q along x; see docs/theory-notes.md): with c = (Y D q^2 - 4i S omega)/(2X(D q^2 - i omega)),
    K_yy, Q: x (1 + i omega tau c); zeta: x (1 + D q^2 tau c);
    K_xx: x (1 + 2 i omega tau S/X - D q^2 tau Y/(2X))."""
    D, tau = m.diffusion_constant, m.transport_time
    dq2 = D * q @ q
    c = (Y * dq2 - 4j * S * w) / (2 * X * (dq2 - 1j * w))
    K = leading(m, q, w)
    K[1, 1] *= 1 + 1j * w * tau * c
    K[1, 2] *= 1 + 1j * w * tau * c
    K[2, 1] *= 1 + 1j * w * tau * c
    K[2, 2] *= 1 + dq2 * tau * c
    K[0, 0] *= 1 + 2j * w * tau * S / X - dq2 * tau * Y / (2 * X)
    return K


@pytest.mark.parametrize("ratio", [0.3, 1.0, 3.0])
def test_corrected_first_order_leaves_a_second_order_misfit(ratio):
    m = model(1e-6)
    errs = []
    for x in (0.04, 0.02, 0.01):
        q, w = point(m, x, ratio, angle=0.0)
        K = ladder_response(m, q, w, rtol=1e-8)
        K[0, 1] = K[1, 0] = 0.0
        errs.append(misfit(K, corrected_first_order(m, q, w)))
    assert errs[0] / errs[1] == pytest.approx(4, rel=0.2)
    assert errs[1] / errs[2] == pytest.approx(4, rel=0.25)


def test_pole_next_order_fixes_the_q4_term_b2_leaves_open():
    # (B2) + the (D q^2)^2 tau_tr term from the closed-form expansion (theory notes):
    # i omega* = D q^2 [1 + D q^2 tau_tr (A + B - C)], C = Y (eps^2 + 5 Dz^2)/(2 X S)
    A = (EPS**2 - 5 * DZ**2) / X
    B = (13 * DZ**4 + 10 * DZ**2 * EPS**2 + EPS**4) / (X * S)
    C = Y * (EPS**2 + 5 * DZ**2) / (2 * X * S)
    m = model(1e-5)
    D, tau = m.diffusion_constant, m.transport_time
    xs = np.array([2e-3, 1e-3])
    qs = np.array([[math.sqrt(x / (D * tau)), 0.0] for x in xs])
    dev = 1j * diffusion_pole(m, qs, rtol=1e-12) / (D * xs / (D * tau)) - 1
    slope = (dev[0] - dev[1]) / (xs[0] - xs[1])
    assert slope.real == pytest.approx(A + B - C, rel=0.02)
    assert abs(slope.real - (A + B)) > 0.5  # the q^4 term matters at this order
