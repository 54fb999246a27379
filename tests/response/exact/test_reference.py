"""The ladder at the exact average's broadening (response.exact.reference)."""

import math

import numpy as np
import pytest

from tisot.model import RegimeWarning, SurfaceModel
from tisot.response._ladder_kernel import PAULI
from tisot.response.analytic import conductivity
from tisot.response.crossed import crossed_response
from tisot.response.exact.average import broadening
from tisot.response.exact.reference import broadened_ladder, rr_kernel
from tisot.response.ladder import ladder_response, surface_parameters
from tisot.response.selfenergy import green_parameters, log_integral


def surface(delta_z=0.3):
    """alpha = 0.2, the verdict's strongest disorder (past the regime's alpha << 1, knowingly)."""
    with pytest.warns(RegimeWarning):
        return SurfaceModel(fermi_energy=1.0, exchange_energy=delta_z, disorder=0.2)


@pytest.fixture(scope="module")
def model():
    return surface()


def test_eta_to_zero_is_the_static_ladder_and_crossed_response(model):
    ds = broadened_ladder(model, 1e-6 * broadening(model))
    s = conductivity(ladder_response(model, [0.0, 0.0], 1e-8))
    sc = conductivity(crossed_response(model, [0.0, 0.0], 1e-8))
    assert float(ds.sigma_xx_RA) == pytest.approx(s[0, 0].real, rel=1e-4)
    assert float(ds.sigma_xy_noncrossing) == pytest.approx(s[0, 1].real, rel=1e-4)
    assert float(ds.sigma_xy_crossed) == pytest.approx(sc[0, 1].real, rel=1e-4)


@pytest.mark.parametrize("fraction", [0.25, 1.0])
def test_ward_dos_equals_the_scba_trace_at_complex_energy(model, fraction):
    """nu_eta = -Im Tr G^R(eps + i eta)/pi = -Im[E~ l(z)]/pi^2, l = Int_0^{p_c^2} du/(2(z - u))."""
    eta = fraction * broadening(model)
    ds = broadened_ladder(model, eta, crossed=False)
    par = surface_parameters(model, 5.0)
    e_t, d_t = green_parameters(
        par.bare_fermi_energy + 1j * eta, par.bare_delta_z, par.bare_disorder, par.cutoff, "scba"
    )
    nu = -(e_t * log_integral(e_t * e_t - d_t * d_t, par.cutoff)).imag / math.pi**2
    assert float(ds.dos) == pytest.approx(float(nu), rel=1e-7)


def test_broadening_lowers_sigma_xx_like_a_shorter_lifetime(model):
    """Boltzmann: sigma^RA(eta) = sigma^RA(0)/(1 + 2 eta tau_tr), tau_tr = 2 D / v_F^2 from the
    paper's D, v_F^2 = 1 - Dz^2/eps^2 (to O(alpha))."""
    G = broadening(model)
    s0 = float(broadened_ladder(model, 1e-6 * G, crossed=False).sigma_xx_RA)
    tau_tr = 2 * model.diffusion_constant / (1 - 0.3**2)
    for f in (0.25, 0.5):
        s = float(broadened_ladder(model, f * G, crossed=False).sigma_xx_RA)
        assert s / s0 == pytest.approx(1 / (1 + 2 * f * G * tau_tr), rel=0.03)


def test_rr_kernel_equals_a_two_dimensional_quadrature():
    e_t, d_t, pc = 1.0 + 0.2j, 0.3 - 0.05j, 5.0
    z = e_t * e_t - d_t * d_t
    x, w = np.polynomial.legendre.leggauss(300)
    r, wr = (x + 1) * pc / 2, w * pc / 2
    t = 2 * math.pi * np.arange(16) / 16  # the integrand has degree 2 in e^{it}: 16 is exact
    px, py = np.multiply.outer(r, np.cos(t)), np.multiply.outer(r, np.sin(t))
    n = e_t * PAULI[0] + px[..., None, None] * PAULI[2] - py[..., None, None] * PAULI[1]
    g = (n - d_t * PAULI[3]) / (z - px**2 - py**2)[..., None, None]
    weight = (wr * r)[:, None] * (2 * math.pi / 16) / (4 * math.pi**2)
    brute = np.einsum("rt,aij,rtjk,bkl,rtli->ab", weight, PAULI, g, PAULI, g)
    np.testing.assert_allclose(rr_kernel(e_t, d_t, pc), brute, atol=1e-11)


def test_rr_term_by_hand(model):
    """The yy entry of M^RR by hand: Tr[s_y n s_y n] averages to 2z over the angle (no P part),
    so M^RR_yy = (z/2 pi)(1/(z - p_c^2) - 1/z) = p_c^2/(2 pi (z - p_c^2)), decoupled from 0, x
    and z; its ladder is m/(1 - pi alpha m), and -Re of it is the RR + AA term of sigma_xx
    (~ 1/(2 pi) = 0.16 e^2/h)."""
    eta = 0.25 * broadening(model)
    ds = broadened_ladder(model, eta, crossed=False)
    par = surface_parameters(model, 5.0)
    e_t, d_t = green_parameters(
        par.bare_fermi_energy + 1j * eta, par.bare_delta_z, par.bare_disorder, par.cutoff, "scba"
    )
    z = complex(e_t * e_t - d_t * d_t)
    m = par.cutoff**2 / (2 * math.pi * (z - par.cutoff**2))
    by_hand = -(m / (1 - math.pi * par.bare_disorder * m)).real
    assert float(ds.sigma_xx - ds.sigma_xx_RA) == pytest.approx(by_hand, rel=1e-10)
    assert 0.14 < by_hand < 25 / 24 / (2 * math.pi)  # ~ 1/(2 pi), below the bare bubble


def test_no_hall_response_without_exchange():
    m = surface(delta_z=0.0)
    ds = broadened_ladder(m, 0.25 * broadening(m))
    assert abs(float(ds.sigma_xy_noncrossing)) < 1e-10
    assert abs(float(ds.sigma_xy_crossed)) < 1e-10


@pytest.mark.parametrize("alpha", [0.02, 0.01])
def test_density_pole_gives_the_papers_diffusion_constant_as_alpha_falls(alpha):
    """Gamma_q = D q^2 for q l, eta tau << 1, D -> the paper's D (Eq. 14) to O(alpha)."""
    m = SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=alpha)
    q = np.array([0.01, 0.02]) * alpha
    ds = broadened_ladder(m, 1e-4 * broadening(m), q, crossed=False)
    d_q = ds.gamma_q.values / q**2
    np.testing.assert_allclose(d_q[0], d_q[1], rtol=1e-4)  # q^2: diffusive
    assert abs(d_q[0] / m.diffusion_constant - 1) < 1.5 * alpha


@pytest.mark.parametrize("eta", [0.0, -1.0, math.nan, math.inf])
def test_bad_eta_is_refused(model, eta):
    with pytest.raises(ValueError, match="eta"):
        broadened_ladder(model, eta)


def test_bad_q_is_refused(model):
    with pytest.raises(ValueError, match="q must"):
        broadened_ladder(model, 0.01, [0.0])


@pytest.mark.parametrize(
    ("kwargs", "name"), [({"cutoff": -1.0}, "cutoff"), ({"rtol": 1.5}, "rtol")]
)
def test_bad_options_are_refused_by_name(model, kwargs, name):
    with pytest.raises(ValueError, match=name):
        broadened_ladder(model, 0.01, **kwargs)


def test_cooperon_series_lowers_the_crossed_hall_value_and_vanishes_without_exchange():
    import warnings

    from tisot.model import SurfaceModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=0.2)
        m0 = SurfaceModel(fermi_energy=1.0, exchange_energy=0.0, disorder=0.2)
    eta = 0.25 * broadening(m)
    with_c = broadened_ladder(m, eta, cooperon=True)
    plain = broadened_ladder(m, eta)
    assert float(with_c.sigma_xy_crossed) == float(plain.sigma_xy_crossed)
    assert 0 < float(with_c.sigma_xy_cooperon) < float(plain.sigma_xy_crossed)
    assert abs(float(broadened_ladder(m0, eta, cooperon=True).sigma_xy_cooperon)) < 1e-10


def test_one_crossing_columns_share_the_series_and_shrink_with_alpha():
    """one_crossing=True computes the Cooperon series on its own grid: the same column as
    cooperon=True. The rest of the one-crossing set is relative O(alpha): at eta = Gamma its
    share of sigma_xx and sigma_xy falls from alpha = 0.1 to 0.05; at Delta_z = 0 it leaves
    sigma_xy at zero (time reversal) and still lowers sigma_xx."""
    import warnings

    from tisot.model import SurfaceModel

    def model(alpha, dz=0.3):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return SurfaceModel(fermi_energy=1.0, exchange_energy=dz, disorder=alpha)

    shares = []
    for alpha in (0.1, 0.05):
        m = model(alpha)
        eta = broadening(m)
        one = broadened_ladder(m, eta, one_crossing=True)
        if alpha == 0.1:
            series = broadened_ladder(m, eta, cooperon=True)
            assert float(one.sigma_xy_cooperon) == pytest.approx(
                float(series.sigma_xy_cooperon), rel=1e-12
            )
        shares.append(
            (
                1 - float(one.sigma_xx_one_crossing) / float(one.sigma_xx),
                float(one.sigma_xy_one_crossing) / float(one.sigma_xy_cooperon) - 1,
            )
        )
    (xx1, xy1), (xx2, xy2) = shares
    assert 0 < xx2 < 0.8 * xx1 < 0.1 and 0 < xy2 < 0.8 * xy1 < 0.1
    m0 = model(0.2, dz=0.0)
    zero = broadened_ladder(m0, 0.5 * broadening(m0), one_crossing=True)
    assert abs(float(zero.sigma_xy_one_crossing)) < 1e-10
    assert float(zero.sigma_xx_one_crossing) < float(zero.sigma_xx)
