"""The three-line rings (response.three_line) against one_crossing's independent evaluation of
X + Psi + Sigma_X, a literal momentum sum, the Ward identity of each class, the Cooperon
series' third terms, rotation about z and the mirror Delta_z -> -Delta_z."""

import itertools
import math
import warnings

import numpy as np
import pytest

from tisot.model import SurfaceModel
from tisot.response.cooperon import _cooperon_grid, _series_on
from tisot.response.exact.average import broadening
from tisot.response.ladder import surface_parameters
from tisot.response.one_crossing import _one_crossing_on
from tisot.response.three_line import (
    _gap_functions,
    _literal_ring,
    _Ring,
    _three_line_on,
    classify,
    pairings,
    three_line,
)


def model(alpha, dz=0.3):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RegimeWarning at alpha > 0.1
        return SurfaceModel(fermi_energy=1.0, exchange_energy=dz, disorder=alpha)


@pytest.fixture(scope="module")
def grid():
    m = model(0.2)
    eta = 0.5 * broadening(m)
    return m, eta, _cooperon_grid(m, eta, 5.0, 1.0)


def test_the_skeleton_rings_counted_by_hand():
    """15 pairings of six vertices; without a line between ring neighbours four are left:
    three rotations of the two-crossing ring (02)(14)(35) and the maximally crossed one."""
    six = list(pairings(6))
    assert len(six) == 15 and len(set(six)) == 15
    kinds = [classify(line) for line in six]
    assert kinds.count("two crossings") == 3
    assert kinds.count("maximally crossed") == 1
    assert kinds.count(None) == 11
    assert [classify(line) for line in pairings(4)].count("one crossing") == 1
    assert classify((0, 1, 0, 2, 1, 2)) == "two crossings"  # (02)(14)(35)
    assert classify((0, 1, 2, 0, 1, 2)) == "maximally crossed"


def test_the_rings_reproduce_the_one_crossing_set(grid):
    """n = 2 rings (one pairing, the current vertices in every place) against one_crossing's
    outer-product FFTs, its Sigma_X and SCBA feedback: two codes, one set."""
    _, eta, g = grid
    one = _one_crossing_on(g, eta, density=True, rr=True)
    ring = _three_line_on(g, eta, "one crossing", density=True, rr=True)
    scale = np.abs(one.crossed).max()
    np.testing.assert_allclose(ring.crossed, one.crossed, atol=1e-10 * scale)
    np.testing.assert_allclose(ring.self_energy, one.self_energy, atol=1e-10 * scale)
    assert ring.dos_shift == pytest.approx(one.dos_shift, rel=1e-10)
    # the R-R pair (both arcs retarded), which Kubo-Streda I's sigma_xx needs
    np.testing.assert_allclose(ring.rr_crossed, one.rr_crossed, atol=1e-10 * scale)
    np.testing.assert_allclose(ring.rr_self_energy, one.rr_self_energy, atol=1e-10 * scale)
    np.testing.assert_allclose(
        ring.rr_bubble, one.rr_bubble, atol=1e-10 * np.abs(one.rr_bubble).max()
    )


def test_a_three_line_ring_is_its_literal_momentum_sum():
    """The FFT's convolution and sum against the four free momenta summed one by one, on a
    small grid (two-crossing ring, the current vertices on both arcs; maximally crossed)."""
    m = model(0.2)
    g = _cooperon_grid(m, 0.5 * broadening(m), 5.0, 1.0, size=8)
    ring = _Ring(g)
    for line, retarded in (((0, 1, 0, 2, 1, 2), 2), ((0, 1, 2, 0, 1, 2), 3)):
        funcs = [f for _, f in _gap_functions(g, retarded, 6, 1, 2, False)]
        ours = ring.trace(line, [g.to_space(f) for f in funcs])
        theirs = _literal_ring(g, line, funcs)
        assert abs(theirs) > 1e-8
        assert ours == pytest.approx(theirs, rel=1e-9)


@pytest.mark.parametrize("kind", ["two crossings", "maximally crossed"])
@pytest.mark.parametrize(
    "alpha, ratio", [(0.2, 0.5), pytest.param(0.1, 1.0, marks=pytest.mark.slow)]
)
def test_each_class_keeps_the_ward_identity(kind, alpha, ratio):
    """eta dK00/pi = d nu to first order in the class, K = M [1 - pi alpha M]^-1: the cuts'
    density entry and the insertion of its self-energy cancel to d nu; the cuts alone miss it
    by more than half its size. Tolerance: the grid's own misfit (one_crossing's test)."""
    m = model(alpha)
    eta = ratio * broadening(m)
    th = three_line(m, eta, kind, density=True)
    R = np.linalg.inv(np.eye(4) - math.pi * surface_parameters(m, 5.0).bare_disorder * th.bubble)
    d_k = eta * (R @ th.kernel @ R)[0, 0].real / math.pi
    cuts = eta * (R @ th.crossed @ R)[0, 0].real / math.pi
    assert th.dos_shift < 0
    assert d_k == pytest.approx(th.dos_shift, rel=5e-3)
    assert abs(cuts - th.dos_shift) > 0.5 * abs(th.dos_shift)


def test_the_partners_alone_are_not_conserving(grid):
    """The series' third terms (no line or one line on one arc) keep no Ward identity by
    themselves, so neither do their partners: the check that 'partners' is the complement."""
    m, eta, _ = grid
    th = three_line(m, eta, "partners", density=True)
    R = np.linalg.inv(np.eye(4) - math.pi * surface_parameters(m, 5.0).bare_disorder * th.bubble)
    d_k = eta * (R @ th.kernel @ R)[0, 0].real / math.pi
    assert abs(d_k - th.dos_shift) > 5 * abs(th.dos_shift)


def test_the_rest_of_the_maximally_crossed_cuts_are_the_series_third_terms():
    """Maximally crossed cuts minus the partners = X_3 + Psi (the series' third terms); the
    series' tails add n >= 4, whose share falls as the Cooperon's eigenvalue ~ Gamma/eta: the
    relative difference shrinks about as 1/eta (measured 3.1 % at 16 Gamma, 1.3 % at 32)."""
    m = model(0.2)
    misfit = []
    for ratio in (16.0, 32.0):
        eta = ratio * broadening(m)
        g = _cooperon_grid(m, eta, 5.0, 1.0)
        third = _three_line_on(g, eta, "maximally crossed").kernel
        third = third - _three_line_on(g, eta, "partners").kernel
        s = _series_on(g, eta)
        tail = s.x_tail + s.psi_r_tail + s.psi_a_tail
        misfit.append(abs(third[1, 2] / tail[1, 2] - 1))
    assert misfit[0] < 0.05
    assert misfit[1] < 0.6 * misfit[0]


def test_rotation_and_the_mirror(grid):
    """Rotation about z: K_xx = K_yy and K_xy = -K_yx; Delta_z -> -Delta_z flips the Hall
    entry and keeps the symmetric part; at Delta_z = 0 the Hall entry vanishes."""
    m, eta, _ = grid
    th = three_line(m, eta, "two crossings")
    k = th.kernel
    assert abs(k[1, 2]) > 1e-4
    assert k[1, 1] == pytest.approx(k[2, 2], rel=1e-10)
    assert k[1, 2] == pytest.approx(-k[2, 1], rel=1e-10)
    flipped = three_line(model(0.2, -0.3), eta, "two crossings").kernel
    assert flipped[1, 2] == pytest.approx(-k[1, 2], rel=1e-9)
    assert flipped[1, 1] == pytest.approx(k[1, 1], rel=1e-9)
    zero = model(0.2, 0.0)
    k0 = three_line(zero, 0.5 * broadening(zero), "two crossings").kernel
    assert abs(k0[1, 2]) < 1e-12 * abs(k0[1, 1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"eta": 0.0}, "eta must be"),
        ({"eta": float("nan")}, "eta must be"),
        ({"kind": "three crossings"}, "kind must be one of"),
        ({"resolution": 10.0}, "resolution must lie"),
        ({"rr": 1}, "rr must be"),
        ({"size": 3}, "size must be None .* integer >= 8"),
        ({"size": 0}, "size must be None .* integer >= 8"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    args = {"eta": 0.1, **kwargs}
    with pytest.raises(ValueError, match=match):
        three_line(model(0.2), **args)


def test_a_grid_past_the_memory_limit_is_refused_with_its_own_peak(monkeypatch):
    """The guard counts this evaluation's peak (PEAK_ARRAYS, measured), not the series' 7 arrays:
    a 64-cell grid with a 20 MB limit passes the series' count (7.3 MB) but not this one's."""
    import tisot.response.three_line as module

    monkeypatch.setattr(module, "MAX_BYTES", 20e6)
    with pytest.raises(ValueError, match=r"needs 0.023 GB \(limit 0.02 GB\): lower size"):
        three_line(model(0.2), 0.1, size=64)
    monkeypatch.setattr(module, "MAX_BYTES", 1e3)  # the grid the series picks: eta is the fix
    with pytest.raises(ValueError, match=r"GB \(limit 1e-06 GB\): raise eta or alpha"):
        three_line(model(0.2), 0.1)


def test_a_ring_with_three_propagators_on_one_edge_is_refused(grid):
    _, _, g = grid
    F = g.to_space(g.gr_k)
    with pytest.raises(ValueError, match="two propagators on each edge"):
        # (0 1)(2 3)(4 5) pattern shifted: lines 0,1 alternate thrice -> three on edge (0, 1)
        _Ring(g).trace((0, 1, 0, 1, 2, 2), [F] * 6)


def test_pairings_are_all_matchings():
    for n_v in (2, 4, 6, 8):
        lines = list(pairings(n_v))
        assert len(lines) == math.prod(range(1, n_v, 2))  # (n_v - 1)!!
        for line in lines:
            assert sorted(line) == sorted(list(range(n_v // 2)) * 2)
    assert list(itertools.islice(pairings(4), 0, None)) == [
        (0, 0, 1, 1),
        (0, 1, 0, 1),
        (0, 1, 1, 0),
    ]
