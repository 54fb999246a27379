"""The one-crossing set (response.one_crossing) against the Ward identity, a literal momentum
sum, rotation about z, the mirror Delta_z -> -Delta_z and its vanishing Hall part at Delta_z = 0."""

import math
import warnings

import numpy as np
import pytest

from tisot.model import SurfaceModel
from tisot.response._ladder_kernel import PAULI
from tisot.response.cooperon import _cooperon_grid
from tisot.response.exact.average import broadening
from tisot.response.ladder import surface_parameters
from tisot.response.one_crossing import crossed_self_energy, one_crossing


def model(alpha, dz=0.3):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RegimeWarning at alpha > 0.1
        return SurfaceModel(fermi_energy=1.0, exchange_energy=dz, disorder=alpha)


def ward_sides(m, ratio):
    """(eta dK00/pi, d nu, eta dK00/pi without Sigma_X): the
    first-order change of the density correlator at q = 0, K = M [1 - pi alpha M]^-1 (Eq. 11),
    against the change of the density of states, which the Ward identity K00 = pi nu/eta ties."""
    eta = ratio * broadening(m)
    one = one_crossing(m, eta, density=True)
    alpha = surface_parameters(m, 5.0).bare_disorder
    R = np.linalg.inv(np.eye(4) - math.pi * alpha * one.bubble)
    d_k = R @ one.kernel @ R
    no_sigma = R @ one.crossed @ R
    return eta * d_k[0, 0].real / math.pi, one.dos_shift, eta * no_sigma[0, 0].real / math.pi


@pytest.mark.parametrize("alpha, ratio, rel", [(0.2, 0.25, 1.5e-2), (0.1, 1.0, 2e-3)])
def test_the_set_keeps_the_ward_identity(alpha, ratio, rel):
    """eta dK00/pi = d nu to first order in the set: X + Psi's density entry and Sigma_X's
    insertion are each ~20x d nu and cancel to it; X + Psi alone miss it by their own size. The
    tolerance is the grid's own misfit of the zeroth order (0.5 % at alpha = 0.2)."""
    d_k, d_nu, without = ward_sides(model(alpha), ratio)
    assert d_nu < 0
    assert d_k == pytest.approx(d_nu, rel=rel)
    assert abs(without - d_nu) > 5 * abs(d_nu)


def test_crossed_self_energy_is_the_literal_momentum_sum():
    """Sigma_X(p) = W^2 sum_k1 sum_k2 G(k1) G(k1 + k2 - p) G(k2) over a small grid, term by term
    (the FFT's position-space product is this double convolution), at every p inside."""
    from tisot.response.one_crossing import _literal_crossed_self_energy

    m = model(0.2)
    grid = _cooperon_grid(m, 0.25 * broadening(m), 5.0, 1.0, size=12)
    ours, theirs = crossed_self_energy(grid), _literal_crossed_self_energy(grid)
    assert np.abs(theirs).max() > 1e-3
    np.testing.assert_allclose(ours, theirs, atol=1e-12 * np.abs(theirs).max())


def test_crossed_self_energy_turns_with_the_momentum():
    """Rotation about z: Sigma_X(R k) = U Sigma_X(k) U^dagger, R a quarter turn (which maps the
    square grid onto itself), U = exp(-i pi/4 s_z)."""
    m = model(0.2)
    grid = _cooperon_grid(m, 0.25 * broadening(m), 5.0, 1.0)
    s = crossed_self_energy(grid)
    n = grid.n
    U = np.cos(math.pi / 4) * PAULI[0] - 1j * np.sin(math.pi / 4) * PAULI[3]
    # (kx, ky) -> (-ky, kx): index (i, j) -> (-j, i)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    turned = s[(-j) % n, i]
    np.testing.assert_allclose(turned, U @ s @ U.conj().T, atol=1e-12 * np.abs(s).max())
    assert np.abs(s).max() > 0.01 * broadening(m)  # a self-energy, not a zero


def test_hall_part_is_odd_in_the_exchange_field_and_vanishes_without_it():
    """Delta_z -> -Delta_z (the mirror) flips the set's Hall entry; at Delta_z = 0 (time
    reversal) it vanishes, while its symmetric part does not."""
    eta = 0.5 * broadening(model(0.2))

    def hall(k):
        return float(((k[1, 2] - k[2, 1]) / 2).real)

    up, down, zero = (one_crossing(model(0.2, dz), eta) for dz in (0.3, -0.3, 0.0))
    assert abs(hall(up.kernel)) > 1e-3
    assert hall(down.kernel) == pytest.approx(-hall(up.kernel), rel=1e-9)
    assert abs(hall(zero.kernel)) < 1e-12
    assert abs(zero.kernel[1, 1].real) > 1e-3


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"eta": 0.0}, "eta"),
        ({"eta": math.nan}, "eta"),
        ({"resolution": 9.0}, "resolution"),
        ({"density": 1}, "density"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    args = {"eta": 0.1} | kwargs
    with pytest.raises(ValueError, match=match):
        one_crossing(model(0.2), args.pop("eta"), **args)


@pytest.mark.parametrize("ratio", [0.25, 4.0])
def test_the_rr_set_keeps_its_ward_identity(ratio):
    """The R-R pair (both lines retarded): K^RR_00(q = 0) = -d/dz Int Tr G^R(z), z = eps + i eta,
    so -d/dz = i d/d eta; to first order in the set, d K^RR_00 = i d/d eta Int Tr dG^R (central
    difference on one fixed grid). Unlike the R-A identity this one involves the Hermitian part
    of Sigma_X too. X + Psi's R-R block alone misses it by its own size."""
    from tisot.response.one_crossing import _one_crossing_on

    m = model(0.2)
    eta = ratio * broadening(m)
    alpha = surface_parameters(m, 5.0).bare_disorder

    def at(e):
        return _one_crossing_on(_cooperon_grid(m, e, 5.0, 1.0, size=128), e, True, True)

    one, up, down = at(eta), at(eta * (1 + 1e-4)), at(eta * (1 - 1e-4))
    R = np.linalg.inv(np.eye(4) - math.pi * alpha * one.rr_bubble)
    d_k = (R @ (one.rr_self_energy + one.rr_crossed) @ R)[0, 0]
    slope = 1j * (up.dos_trace_shift - down.dos_trace_shift) / (2e-4 * eta)
    assert abs(d_k - slope) < 2e-3 * abs(slope)
    k00 = (one.rr_bubble @ R)[0, 0]
    zeroth = 1j * (up.dos_trace - down.dos_trace) / (2e-4 * eta)
    assert abs(k00 - zeroth) < 2e-3 * abs(zeroth)
    without = (R @ one.rr_crossed @ R)[0, 0]
    assert abs(without - slope) > 0.2 * abs(slope)
