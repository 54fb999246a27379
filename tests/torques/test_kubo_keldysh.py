"""Two misprints of App. A, (A4) and (A6), checked by Keldysh algebra independent of tisot.

(A6): in rotated Keldysh space G = [[G^R, G^K], [0, G^A]], a classical perturbation gives
dG = G_{eps+} V G_{eps-}; with G^K = (1 - 2f)(G^R - G^A) and dG^< = (dG^K - dG^R + dG^A)/2 (A5)
the RR term carries f_{eps-} and the AA term f_{eps+}, not the other way round as printed.
(A4): with G^< = -f (G^R - G^A) the density is -i int de/2pi Tr G^<, so (A4) needs -i hbar, not
+i hbar (the origin of the overall sign of Eq. 6, docs/theory-notes.md).
"""

import numpy as np
import pytest
from scipy import integrate

rng = np.random.default_rng(7)


def _random(n=2):
    return rng.normal(size=(n, n)) + 1j * rng.normal(size=(n, n))


def test_a6_rr_term_carries_f_minus_and_aa_term_f_plus():
    n = 2
    Rp, Ap, Rm, Am, V = (_random(n) for _ in range(5))
    fp, fm = 0.3, 0.8  # f_{eps+}, f_{eps-}
    Kp, Km = (1 - 2 * fp) * (Rp - Ap), (1 - 2 * fm) * (Rm - Am)
    Z = np.zeros((n, n))
    Gp = np.block([[Rp, Kp], [Z, Ap]])
    Gm = np.block([[Rm, Km], [Z, Am]])
    dG = Gp @ np.kron(np.eye(2), V) @ Gm  # classical field: V on both Keldysh branches
    dR, dK, dA = dG[:n, :n], dG[:n, n:], dG[n:, n:]
    lesser = 0.5 * (dK - dR + dA)  # (A5)
    corrected = -(fp - fm) * Rp @ V @ Am - fm * Rp @ V @ Rm + fp * Ap @ V @ Am
    printed = -(fp - fm) * Rp @ V @ Am - fp * Rp @ V @ Rm + fm * Ap @ V @ Am  # (A6)
    np.testing.assert_allclose(lesser, corrected, atol=1e-12)
    assert np.max(np.abs(lesser - printed)) > 0.1


def test_a6_corrected_gives_the_a7_bracket_at_small_omega():
    # f_{eps+-} = f +- (w/2) f': the O(w) part of the corrected RR/AA terms is
    # (w/2) f' (R R + A A), so with the RA term s^I ~ (w/2)(-f')[2 RA - RR - AA] as (A7) prints.
    Rp, Ap, Rm, Am, V = (_random() for _ in range(5))
    f, fprime, w = 0.4, -2.0, 1e-6
    fp, fm = f + 0.5 * w * fprime, f - 0.5 * w * fprime

    def corrected(fp, fm):
        return -(fp - fm) * Rp @ V @ Am - fm * Rp @ V @ Rm + fp * Ap @ V @ Am

    first_order = (corrected(fp, fm) - corrected(f, f)) / w
    a7 = 0.5 * (-fprime) * (2 * Rp @ V @ Am - Ap @ V @ Am - Rp @ V @ Rm)
    np.testing.assert_allclose(first_order, a7, rtol=1e-6)


def test_a4_density_needs_minus_i():
    # two levels, Lorentzian broadening eta, Fermi function at mu: n = sum_k f(E_k) > 0
    E, eta, mu, T = np.array([-0.5, 0.7]), 1e-2, 0.1, 0.05

    def fermi(e):
        return 1 / (np.exp((e - mu) / T) + 1)

    def lesser_trace(e):  # Tr G^< = -f Tr(G^R - G^A)
        GR = 1 / (e - E + 1j * eta)
        return -fermi(e) * np.sum(GR - np.conj(GR))

    pts = [*E, mu]
    re = integrate.quad(lambda e: lesser_trace(e).real, -30, 30, points=pts, limit=400)[0]
    im = integrate.quad(lambda e: lesser_trace(e).imag, -30, 30, points=pts, limit=400)[0]
    trace = (re + 1j * im) / (2 * np.pi)
    expected = np.sum(fermi(E))  # ~ occupation, up to O(eta) broadening
    assert (-1j * trace).real == pytest.approx(expected, rel=2e-2)  # -i: right
    assert (1j * trace).real < 0  # +i, as printed in (A4): a negative density
