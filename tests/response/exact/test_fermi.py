"""Fermi-surface exact average: the resolvent series, streamed traces against diagonalisation,
particle-number conservation (Ward identity), Kubo-Streda against Kubo-Greenwood, bad input."""

import math

import numpy as np
import pytest

from tisot.model import SurfaceModel
from tisot.response.exact import PlaneWaveBox, fermi
from tisot.response.exact.average import VX, VY


def small_sample(seed=2, alpha=0.2):
    box = PlaneWaveBox(5.0, 3.0, 0.3)  # 21 plane waves, 42 states
    return box, box.potential(alpha, np.random.default_rng(seed))


def unit_vectors(box):
    starts = np.zeros((box.size, box.px.size, 2), dtype=complex)
    starts.reshape(box.size, -1)[np.arange(box.size), np.arange(box.size)] = 1.0
    return starts


@pytest.mark.parametrize("z", [0.3 - 0.02j, 0.3 + 0.02j, -0.95 - 0.1j, 1.5 + 0.0j])
def test_resolvent_series_is_the_resolvent(z):
    """sum_n c_n T_n(x) = 1/(z - x) on [-1, 1] (the Chebyshev generating function), with the
    remainder below the tolerance moments_for promises."""
    scale, shift = 2.0, 0.5
    x = np.linspace(-1, 1, 41)
    energy = shift + scale * z
    n = fermi.moments_for(abs(z.imag) or 0.1, energy.real, scale, shift, 1e-10)
    if z.imag == 0:
        n = 200  # outside the segment: converges geometrically anyway
    c = fermi.resolvent_coefficients(n, energy, scale, shift)
    series = np.cos(np.outer(np.arccos(x), np.arange(n))) @ c
    assert np.abs(series - 1 / (energy - (shift + scale * x))).max() < 1e-8 / abs(z.imag or 1)


def test_streamed_traces_equal_diagonalisation():
    """With the basis' unit vectors as start vectors the streamed trace is exact: it must equal
    the eigen-decomposition, for sigma^I, nu and K00 at q = 0 and at finite q."""
    box, V = small_sample()
    etas, qs = [0.3, 0.5], [(1, 0), (0, 1), (1, 1), (0, 0)]
    s_d, nu_d, k_d = fermi.dense_sample_fermi_surface(box, V, 1.0, etas, qs)
    s_s, nu_s, k_s, n = fermi.sample_fermi_surface(
        box, V, 1.0, etas, qs, unit_vectors(box), weight=1.0, tol=1e-10
    )
    assert n > 50
    assert np.abs(s_s - s_d).max() < 1e-8 * np.abs(s_d).max()
    assert np.abs(nu_s - nu_d).max() < 1e-9
    assert np.abs(k_s - k_d).max() < 1e-8 * np.abs(k_d).max()


def test_density_correlator_at_q0_obeys_the_ward_identity_per_random_vector():
    """G^R G^A = (G^A - G^R)/(2 i eta) (resolvent identity: particle number is conserved), so
    K00(q = 0) = pi nu_eta / eta holds for every start vector, not only on average."""
    box, V = small_sample(seed=4)
    etas = [0.1, 0.25]
    r = np.exp(2j * math.pi * np.random.default_rng(0).random((1, box.px.size, 2)))
    _, nu, k00, _ = fermi.sample_fermi_surface(box, V, 0.8, etas, [(0, 0)], r, tol=1e-11)
    assert k00[:, 0] == pytest.approx(math.pi * nu / np.array(etas), rel=1e-8)


def test_streda_symmetric_part_is_kubo_greenwood():
    """sigma^I_xx = (2 pi^2/A) sum_mn |(v_x)_mn|^2 d(E_m) d(E_n) with Lorentzian d (a second
    formula, written from the eigenstates), and sigma^I_xy = -sigma^I_yx up to the symmetric
    part, which vanishes by rotation symmetry only on average (not tested per sample)."""
    box, V = small_sample(seed=5)
    eta, e_f = 0.2, 1.0
    sigma, _, _ = fermi.dense_sample_fermi_surface(box, V, e_f, [eta], [])
    E, U = np.linalg.eigh(box.dense(V))
    vx = U.conj().T @ np.kron(np.eye(box.px.size), VX) @ U
    vy = U.conj().T @ np.kron(np.eye(box.px.size), VY) @ U
    d = eta / math.pi / ((e_f - E) ** 2 + eta**2)
    area = box.length**2
    assert sigma[0, 0, 0] == pytest.approx(2 * math.pi**2 * d @ np.abs(vx) ** 2 @ d / area)
    assert sigma[0, 1, 1] == pytest.approx(2 * math.pi**2 * d @ np.abs(vy) ** 2 @ d / area)


def test_clean_box_dos_is_the_broadened_continuum_dos():
    """V = 0: nu_eta(eps) = Int dE nu0(E) eta/pi/((eps - E)^2 + eta^2) with the continuum Dirac
    DOS nu0 = |E|/2 pi between the gap and the cutoff (integrated here, independently of the
    box), to 1 %: eta spans many momentum shells of the box (0.1 % measured)."""
    from scipy.integrate import quad

    box = PlaneWaveBox(18.0, 3.0, 0.3)
    eta, e_f = 0.3, 1.0
    _, nu, _ = fermi.dense_sample_fermi_surface(box, np.zeros((box.grid, box.grid)), e_f, [eta], [])
    top = math.hypot(3.0, 0.3)

    def integrand(E):
        return abs(E) / (2 * math.pi) * eta / math.pi / ((e_f - E) ** 2 + eta**2)

    expected = quad(integrand, 0.3, top, points=[e_f], limit=200)[0]
    expected += quad(integrand, -top, -0.3, limit=200)[0]
    assert nu[0] == pytest.approx(expected, rel=0.01)


def test_line_extrapolation_and_jackknife_by_hand():
    x = np.array([1.0, 2.0])
    assert fermi._at_zero(x, np.array([3.0, 5.0])) == pytest.approx(1.0)  # y = 1 + 2x
    # three points: the parabola y = 2 - x + 3 x^2 through x = 0.5, 1, 2 (by hand: 2.25, 4, 12)
    assert fermi._at_zero([0.5, 1.0, 2.0], np.array([2.25, 4.0, 12.0])) == pytest.approx(2.0)
    samples = np.array([1.0, 2.0, 4.0, 9.0])
    mean, err = fermi.jackknife(lambda m: m, samples)
    # for the mean the jackknife error is the standard error std / sqrt(n)
    assert mean == pytest.approx(4.0)
    assert err == pytest.approx(samples.std(ddof=1) / 2)


def test_summarise_at_each_eta_reads_a_diffusion_pole_by_hand():
    """Raw data built by hand: sigma = [[s, h], [-h, s]] with s = 1 + 0.1 k - eta (sample k,
    eta-dependent), h = 0.2, nu = 0.16, K00 = 2 pi nu / (D q^2 + 2 eta) with D = 0.7: per eta,
    sigma_xx = 1 + 0.2 - eta (the mean of k = 0..4 is 2) with the standard error std/sqrt(n) of
    0.1 k, sigma_xy = 0.2, gamma_q = D q^2 exactly (no spread)."""
    import xarray as xr

    etas, q, D, nu = np.array([0.05, 0.1]), np.array([0.2, 0.4]), 0.7, 0.16
    n = 5
    k = np.arange(n)
    s = 1 + 0.1 * k[:, None] - etas[None, :]  # (realisation, eta)
    sigma = np.zeros((n, 2, 2, 2))
    sigma[..., 0, 0] = sigma[..., 1, 1] = s
    sigma[..., 0, 1], sigma[..., 1, 0] = 0.2, -0.2
    k00 = 2 * math.pi * nu / (D * q[None, :] ** 2 + 2 * etas[:, None])
    ds = xr.Dataset(
        {
            "sigma": (("realisation", "eta", "i", "j"), sigma),
            "dos": (("realisation", "eta"), np.full((n, 2), nu)),
            "K00": (("realisation", "eta", "q"), np.broadcast_to(k00, (n, 2, 2)).copy()),
        },
        coords={"eta": etas, "q": q},
    )
    out = fermi.summarise(ds)
    np.testing.assert_allclose(out.sigma_xx_at_eta, 1.2 - etas)
    np.testing.assert_allclose(out.sigma_xx_at_eta_err, np.std(0.1 * k, ddof=1) / math.sqrt(n))
    np.testing.assert_allclose(out.sigma_xy_at_eta, [0.2, 0.2])
    np.testing.assert_allclose(out.dos_at_eta, [nu, nu])
    np.testing.assert_allclose(out.gamma_q_at_eta, np.broadcast_to(D * q**2, (2, 2)), rtol=1e-12)
    np.testing.assert_allclose(out.gamma_q_at_eta_err, 0.0, atol=1e-12)
    assert out.gamma_q_at_eta.dims == ("eta", "q")


def test_exact_fermi_surface_dataset_dense_small_box():
    """A small dense run: the eta -> 0 values, their errors and the convergence parameters. D(q)
    from the density response at q l ~ 0.6 and the Einstein D are not one number (the ladder's
    differ by ~15 %), but both are positive and of the size of sigma / 2 pi nu."""
    with pytest.warns(UserWarning):  # alpha = 0.3: outside the closed forms' regime, on purpose
        m = SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=0.3)
        ds = fermi.exact_fermi_surface(
            m, box_length=10.0 * m.mean_free_path, q_orders=(1,), realisations=8, method="dense"
        )
    for k in ("sigma_xx", "sigma_xy", "D_density", "D_einstein", "dos0"):
        assert np.isfinite(float(ds[k])) and float(ds[k + "_err"]) > 0
    assert 0.5 < float(ds.D_density) / float(ds.D_einstein) < 2
    assert ds.sigma.dims == ("realisation", "eta", "i", "j")
    for key in ("box_length_over_ell", "eta_over_gamma", "basis_size", "realisations", "tol"):
        assert key in ds.attrs
    # by hand: L = 10 l, level spacing 1/(nu L^2) = 2 pi/(eps L^2), 8 samples
    L = 10.0 * m.mean_free_path
    assert ds.attrs["box_length_over_ell"] == pytest.approx(10.0, rel=1e-12)
    assert ds.attrs["level_spacing"] == pytest.approx(2 * math.pi / L**2, rel=1e-12)
    assert ds.attrs["realisations"] == 8
    assert ds.attrs["param_disorder"] == pytest.approx(0.3, rel=1e-6)  # read as renormalised


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"eta_over_gamma": (0.0, 0.5)}, "eta_over_gamma"),
        ({"eta_over_gamma": (float("nan"),)}, "eta_over_gamma"),
        ({"eta_over_gamma": (3.0,)}, "eta_over_gamma"),
        ({"q_orders": (0,)}, "q_orders"),
        ({"q_orders": (1.5,)}, "q_orders"),
        ({"q_orders": (float("nan"),)}, "q_orders"),
        ({"q_orders": ("a",)}, "q_orders"),
        ({"q_orders": (40,)}, "Fermi momentum"),
        ({"tol": 0.5}, "tol"),
        ({"method": "lanczos"}, "method"),
        ({"realisations": 1}, "realisations"),
        ({"box_length": 0.5}, "box_length"),
    ],
)
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_bad_input_names_the_parameter(kwargs, name):
    m = SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=0.3)
    args = {"box_length": 5.0 * m.mean_free_path, "realisations": 2, "method": "dense"} | kwargs
    with pytest.raises(ValueError, match=name):
        fermi.exact_fermi_surface(m, **args)


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_a_series_beyond_the_term_cap_is_refused_before_it_runs():
    """eta = 1e-7 Gamma needs ~10^8 Chebyshev terms: refused after the spectral bounds (cheap),
    naming the flag to raise."""
    m = SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=0.3)
    with pytest.raises(ValueError, match="raise eta_over_gamma"):
        fermi.exact_fermi_surface(
            m, box_length=12 * m.mean_free_path, eta_over_gamma=(1e-7,), q_orders=(1,),
            realisations=2, method="kpm",
        )  # fmt: skip
