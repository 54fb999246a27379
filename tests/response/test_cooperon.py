"""The Cooperon and diffuson pair spectra (response.cooperon) against the ladder's closed forms,
time reversal, the Ward identity and the band-projected alpha -> 0 limit."""

import itertools
import math
import warnings

import numpy as np
import pytest

from tisot.model import SurfaceModel
from tisot.response.analytic import conductivity
from tisot.response.cooperon import cooperon_series, pair_spectrum, projected_cooperon_gaps
from tisot.response.crossed import crossed_kernel
from tisot.response.exact.average import broadening
from tisot.response.ladder import FIRST_ANGLES, MAX_ANGLES, _kernel_M, surface_parameters


def as_set(z):
    """Eigenvalues in a fixed order: complex-conjugate pairs share a real part up to rounding."""
    z = np.asarray(z)
    return z[np.lexsort((z.imag, np.round(z.real, 9)))]


def model(alpha, dz=0.3):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RegimeWarning at alpha > 0.1
        return SurfaceModel(fermi_energy=1.0, exchange_energy=dz, disorder=alpha)


@pytest.mark.parametrize("alpha, ratio", [(0.1, 0.25), (0.2, 0.05)])
def test_diffuson_is_the_ladder_kernel(alpha, ratio):
    """Eigenvalues of pi alpha M(q = 0) of Eq. (12), from the ladder's own closed forms."""
    m = model(alpha)
    eta = ratio * broadening(m)
    par = surface_parameters(m, 5.0)
    M = _kernel_M(par, np.zeros((1, 2)), np.zeros(1), FIRST_ANGLES, 1e-10, MAX_ANGLES, eta=eta)[0]
    lam = np.linalg.eigvals(math.pi * par.bare_disorder * M[0])
    got = as_set(pair_spectrum(m, eta).diffuson)
    np.testing.assert_allclose(got, as_set(lam), atol=1e-8)


def test_ward_identity_and_lifetime():
    """The slowest diffuson mode relaxes at 2 eta; tau_eta -> tau = 1/2 Gamma as eta, alpha -> 0."""
    m = model(0.01)
    s = pair_spectrum(m, 1e-3 * broadening(m))
    assert s.tau * 2 * broadening(m) == pytest.approx(1.0, abs=5e-3)
    s2 = pair_spectrum(m, 2e-3 * broadening(m))
    # 1 - lambda_D is linear in eta through the origin (no mass)
    ratio = (1 - s2.diffuson[0].real) / (1 - s.diffuson[0].real)
    assert ratio == pytest.approx(2.0, rel=2e-3)


@pytest.mark.parametrize("alpha", [0.05, 0.2])
def test_time_reversal_makes_the_cooperon_massless(alpha):
    """Delta_z = 0: G^A(-k)^T = s_y G^A(k) s_y, so the Cooperon's spectrum is the diffuson's."""
    m = model(alpha, dz=0.0)
    s = pair_spectrum(m, 0.1 * broadening(m))
    np.testing.assert_allclose(as_set(s.cooperon), as_set(s.diffuson), atol=1e-10)
    assert abs(s.mass) < 1e-10 * broadening(m)


@pytest.mark.parametrize("x", [0.3, 0.6])
def test_band_projected_limit(x):
    """alpha -> 0: 1 - lambda of the three Fermi-surface modes -> the spinor-overlap values
    2x^2/(1 + x^2), (1 -+ x)^2/2(1 + x^2), with an error that falls with alpha."""
    expected = projected_cooperon_gaps(x)
    errors = []
    for alpha in (0.02, 0.005):
        m = model(alpha, dz=x)
        s = pair_spectrum(m, 1e-3 * broadening(m))
        gaps = np.sort(1 - s.cooperon.real)[:3] - (1 - s.diffuson[0].real)
        errors.append(np.max(np.abs(gaps - expected)))
    assert errors[1] < 0.01
    assert errors[1] < 0.6 * errors[0]
    # the mass in units of Gamma: 2 min(gaps); x = 0.3: 2 * 2 (0.09)/1.09 = 0.330
    m = model(0.005, dz=x)
    assert pair_spectrum(m, 1e-3 * broadening(m)).mass / broadening(m) == pytest.approx(
        2 * expected[0], abs=0.02
    )


def test_quadrature_converged():
    m = model(0.05)
    a = pair_spectrum(m, 0.25 * broadening(m))
    b = pair_spectrum(m, 0.25 * broadening(m), nodes=96)
    np.testing.assert_allclose(a.cooperon, b.cooperon, atol=1e-9)


@pytest.mark.parametrize("eta", [0.0, -1.0, float("nan")])
def test_bad_eta(eta):
    with pytest.raises(ValueError, match="eta"):
        pair_spectrum(model(0.1), eta)


# --- the maximally crossed series beyond X and Psi (cooperon_series) ---------------------------

CURRENT = np.s_[1:3, 1:3]


def test_series_first_terms_are_x_and_psi():
    """The series' first terms on the FFT grid equal X, Psi^R, Psi^A of crossed_block
    (Hankel transforms in polar coordinates: an independent quadrature)."""
    m = model(0.2)
    for ratio in (0.25, 1.0):
        eta = ratio * broadening(m)
        s = cooperon_series(m, eta, resolution=2.0)
        b = crossed_kernel(m, eta=eta)
        for ours, theirs in ((s.x2, b.X), (s.psi_r1, b.psi_r), (s.psi_a1, b.psi_a)):
            np.testing.assert_allclose(ours[CURRENT], theirs[CURRENT], atol=5e-5)


@pytest.mark.parametrize("rows", [64, 3])
def test_series_equals_the_literal_position_space_sum(rows, monkeypatch):
    """Every term and both resummed tails of the FFT evaluation equal the position-space sum of
    the same diagrams on the same (small, periodic) grid, whether the chains are formed in one
    block of Q rows or in blocks of 3 (the last one partial). A Cooperon chain read backwards,
    K(-Q) in either chain or a truncated tail fails this by 15-95 %."""
    from tisot.response import cooperon
    from tisot.response.cooperon import _cooperon_grid, _position_space_series, _series_on

    monkeypatch.setattr(cooperon, "ROWS", rows)
    m = model(0.2)
    eta = 0.25 * broadening(m)
    grid = _cooperon_grid(m, eta, 5.0, 1.0, size=10)
    ours = _series_on(grid, eta)
    for key, theirs in _position_space_series(grid).items():
        assert np.abs(theirs).max() > 1e-3  # a term of this grid, not a zero
        np.testing.assert_allclose(getattr(ours, key), theirs, atol=1e-12 * np.abs(theirs).max())


def wal_slope(alpha, ratios):
    """d sigma_xx / d ln(1/eta) of the series' tails at Delta_z = 0, to first order in them,
    with both current vertices dressed by the ladder (Eq. 11), between two eta."""
    m = model(alpha, dz=0.0)
    par = surface_parameters(m, 5.0)
    corrections = []
    for r in ratios:
        eta = r * broadening(m)
        M = _kernel_M(par, np.zeros((1, 2)), np.zeros(1), FIRST_ANGLES, 1e-10, MAX_ANGLES, eta=eta)
        V = np.linalg.inv(np.eye(4) - math.pi * par.bare_disorder * M[0][0])
        s = cooperon_series(m, eta)
        corrections.append(conductivity((V @ s.total @ V)[1:3, 1:3])[0, 0].real)
    return (corrections[1] - corrections[0]) / math.log(ratios[0] / ratios[1])


def test_series_gives_weak_antilocalisation_without_exchange():
    """Delta_z = 0: time reversal, the Cooperon is massless and its rate is 2 eta; one Dirac
    cone is the symplectic class, and the interference correction is weak antilocalisation,
    delta sigma = +(e^2/h)(1/2 pi) ln(tau_phi/tau) (Hikami, Larkin, Nagaoka 1980; for the TI
    surface Tkachov & Hankiewicz, PRB 84, 035444 (2011)), so the slope against ln(1/eta) tends
    to 1/(2 pi) as alpha -> 0. It is reached up to the corrections of relative order alpha:
    extrapolated linearly in alpha from 0.2 and 0.1 (6 % low here, eta = Gamma/8 .. Gamma/16).
    Dropping the dressed boxes doubles it; a truncated series has no logarithm."""
    ratios = (1 / 8, 1 / 16)
    low, high = wal_slope(0.2, ratios), wal_slope(0.1, ratios)
    assert 0 < low < high < 1 / (2 * math.pi)
    assert 2 * high - low == pytest.approx(1 / (2 * math.pi), rel=0.1)


def test_series_gradient_first_terms_are_crossed_blocks_and_tails_match_finite_differences():
    """d/dq_x at q = 0 (R line at p + q/2, A line at p - q/2): the first terms' slopes equal
    crossed_block's (its Hankel quadrature), the tails' equal a central finite difference of
    the series with the vertex ends evaluated at +-q on the same grid. (The first terms scatter
    by ~1 % about crossed_block's over resolutions 1-4: the sharp disk cutoff on the grid.)"""
    from tisot.response.cooperon import GRADIENT_SLOTS, _Chains, _contract, _cooperon_grid
    from tisot.response.crossed import PAULI, _green

    m = model(0.2)
    s = cooperon_series(m, 0.0, resolution=2.0, gradient=True)
    b = crossed_kernel(m, gradient=True)
    for slot in GRADIENT_SLOTS:
        assert abs(b.dq[0][slot]) > 0.02
        # the charge and sigma_z ends reach the disk cutoff: irregular on the grid, ~1 %
        assert s.dq_x_first[slot] == pytest.approx(b.dq[0][slot], rel=1.5e-2)
    grid = _cooperon_grid(m, 0.0, 5.0, 0.5)
    s = cooperon_series(m, 0.0, resolution=0.5, gradient=True)
    chains = _Chains.on(grid)
    kx, ky, inside = grid.momenta()

    def tails_at(q):
        gr = _green(grid.e_t, grid.d_t, kx + q / 2, ky) * inside
        ga = np.conj(np.swapaxes(_green(grid.e_t, grid.d_t, kx - q / 2, ky), -1, -2)) * inside
        ends = [((c, d), ga @ PAULI[c] @ gr, gr @ PAULI[d] @ ga) for c, d in GRADIENT_SLOTS]
        out = _contract(grid, chains, ends)
        return out["x:tail"] + out["psi_r:tail"] + out["psi_a:tail"]

    dq = 1e-4
    slope = (tails_at(dq) - tails_at(-dq)) / (2 * dq)
    for slot in GRADIENT_SLOTS:
        assert abs(s.dq_x[slot]) > 1e-3
        assert s.dq_x[slot] == pytest.approx(slope[slot], rel=1e-6)


def test_series_symmetries():
    """Rotation about z: the current block is [[s, h], [-h, s]]; Delta_z -> -Delta_z (mirror)
    flips the Hall part, so it vanishes at Delta_z = 0; Psi^A = conj Psi^R here."""
    m = model(0.2)
    eta = 0.25 * broadening(m)
    s = cooperon_series(m, eta)
    c = s.total
    assert c[1, 1] == pytest.approx(c[2, 2], abs=1e-12)
    assert c[1, 2] == pytest.approx(-c[2, 1], abs=1e-12)
    np.testing.assert_allclose(s.psi_a_tail, np.conj(s.psi_r_tail), atol=1e-12)
    assert s.hall < -1e-3  # the same sign as the crossed block's c_h: it lowers sigma_xy
    flipped = cooperon_series(model(0.2, dz=-0.3), eta)
    assert flipped.hall == pytest.approx(-s.hall, rel=1e-9)
    assert abs(cooperon_series(model(0.2, dz=0.0), eta).hall) < 1e-10


def test_series_converged_on_the_grid():
    m = model(0.2)
    eta = 0.25 * broadening(m)
    a, b = cooperon_series(m, eta), cooperon_series(m, eta, resolution=2.0)
    assert b.grid > a.grid
    assert a.hall == pytest.approx(b.hall, rel=5e-3)  # the default grid: 0.3 % here


def test_series_grows_as_eta_falls_and_stays_finite():
    """The Cooperon is massive: the series saturates as eta -> 0 instead of diverging."""
    m = model(0.2)
    tails = [cooperon_series(m, r * broadening(m)).hall for r in (1.0, 0.25, 1 / 64, 1 / 256)]
    assert all(abs(b) > abs(a) for a, b in itertools.pairwise(tails))
    assert abs(tails[3] - tails[2]) < 0.25 * abs(tails[1] - tails[0])


@pytest.mark.parametrize("kwargs", [{"eta": -1.0}, {"eta": float("nan")}, {"resolution": 10.0}])
def test_series_bad_input(kwargs):
    args = {"eta": 0.1} | kwargs
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        cooperon_series(model(0.2), args.pop("eta"), **args)


def test_series_without_exchange_or_gradient_is_refused():
    with pytest.raises(ValueError, match="Delta_z != 0"):
        cooperon_series(model(0.2, dz=0.0), 0.0)
    # a massless Cooperon at a vanishing eta: refused by name, not an overflow in the grid size
    with pytest.raises(ValueError, match="massless"):
        cooperon_series(model(0.2, dz=0.0), 1e-300)
    with pytest.raises(ValueError, match="gradient=True"):
        cooperon_series(model(0.2), 0.1).hall_part([0.1, 0.0])


def test_series_refuses_a_grid_too_large():
    m = model(0.005)
    with pytest.raises(ValueError, match="raise eta"):
        cooperon_series(m, 1e-3 * broadening(m))
    with pytest.raises(ValueError, match=r"alpha >~ 0\.0095"):  # the static series: no eta
        cooperon_series(m, 0.0)


@pytest.mark.parametrize("nodes", [2.7, 4, True])
def test_bad_nodes(nodes):
    with pytest.raises(ValueError, match="nodes"):
        pair_spectrum(model(0.1), 0.01, nodes=nodes)


@pytest.mark.parametrize("x", [1.0, -1.5, float("nan")])
def test_projected_gaps_refuse_the_gap(x):
    with pytest.raises(ValueError, match="Delta_z/eps"):
        projected_cooperon_gaps(x)


@pytest.mark.filterwarnings("ignore::tisot.model.regime.RegimeWarning")  # alpha = 0.2
def test_the_cached_static_series_cannot_be_corrupted_by_a_caller():
    from tisot.response.cooperon import static_series

    series = static_series(1.0, 0.3, 0.2, 5.0, 1.0, False)
    with pytest.raises(ValueError, match="read-only"):
        series.x_tail[1, 2] = 0.0
    assert static_series(1.0, 0.3, 0.2, 5.0, 1.0, False) is series
