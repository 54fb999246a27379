"""Exact disorder average: the box Hamiltonian, the KPM Kubo-Bastin formula and the average,
against dense matrices, perturbation theory in a gap, Berry curvature and the Born rule."""

import math
import warnings

import numpy as np
import pytest

from tisot.model import SurfaceModel
from tisot.response.exact import ExactAccuracyWarning, PlaneWaveBox, exact_average, kpm
from tisot.response.exact.average import VX, VY, dense_sample_response, sample_response


def gapped_sample(seed=3, alpha=0.02):
    box = PlaneWaveBox(10.0, 4.0, 0.3)
    return box, box.potential(alpha, np.random.default_rng(seed))


def test_fft_application_equals_the_dense_matrix_written_element_by_element():
    box, V = gapped_sample()
    H = box.dense(V)
    assert np.abs(H - H.conj().T).max() < 1e-14
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, box.px.size, 2)) + 1j * rng.standard_normal((3, box.px.size, 2))
    Hx = box.apply(x, V, box.kinetic())
    assert np.abs(Hx.reshape(3, -1) - x.reshape(3, -1) @ H.T).max() < 1e-12


def test_disorder_matrix_elements_have_the_born_variance():
    """sum_p' |<p'|V|p=0>|^2 = (W/L^2) x (number of plane waves), W = 2 pi alpha (Eq. 5)."""
    box = PlaneWaveBox(10.0, 4.0, 0.3)
    rng = np.random.default_rng(1)
    alpha, n_samples = 0.05, 200
    psi = np.zeros((box.px.size, 2), dtype=complex)
    psi[np.argmin(box.px**2 + box.py**2), 0] = 1.0
    zero = np.zeros_like(box.kinetic())
    total = [
        np.sum(np.abs(box.apply(psi, box.potential(alpha, rng), zero)) ** 2)
        for _ in range(n_samples)
    ]
    expected = 2 * math.pi * alpha / box.length**2 * box.px.size
    # |V_k|^2 are exponential, V_-k = V_k^*: relative spread sqrt(2 / (n_pw n_samples))
    assert np.mean(total) == pytest.approx(
        expected, rel=4 * math.sqrt(2 / (box.px.size * n_samples))
    )


def test_bastin_in_a_gap_equals_first_order_perturbation_theory():
    """Fermi energy in the gap of a disordered sample: sigma_xy = (2/A) sum_{occ n, empty m}
    Im[(v_x)_nm (v_y)_mn] / (E_n - E_m)^2 (adiabatic response to E_y, derived by hand)."""
    box, V = gapped_sample()
    E, U = np.linalg.eigh(box.dense(V))
    n = box.px.size
    Vx = U.conj().T @ np.kron(np.eye(n), VX) @ U
    Vy = U.conj().T @ np.kron(np.eye(n), VY) @ U
    occ = E < 0
    num = Vx[np.ix_(occ, ~occ)] * Vy[np.ix_(~occ, occ)].T
    den = (E[occ][:, None] - E[~occ][None, :]) ** 2
    area = box.length**2
    # sigma in e^2/h = 2 pi hbar x the e^2/hbar result
    by_hand = 2 * math.pi * 2 * np.sum(np.imag(num) / den) / area
    sigma, _, _ = dense_sample_response(box, V, 0.0, 800)
    assert sigma[0, 1] == pytest.approx(by_hand, rel=0.01)
    assert sigma[1, 0] == pytest.approx(-by_hand, rel=0.01)


def test_clean_box_hall_conductivity_in_the_gap_is_the_berry_curvature_integral():
    """V = 0, Fermi energy in the gap: sigma_xy = (Delta/2)(1/Delta - 1/sqrt(p_c^2 + Delta^2))
    (lower band filled up to the cutoff), up to the box's discrete momenta."""
    box = PlaneWaveBox(30.0, 1.5, 0.3)  # momentum spacing 0.21, below the curvature's width
    sigma, _, _ = dense_sample_response(box, np.zeros((box.grid, box.grid)), 0.05, 512)
    d = 0.3
    assert sigma[0, 1] == pytest.approx(0.5 * d * (1 / d - 1 / math.hypot(1.5, d)), rel=0.02)


def test_stochastic_traces_agree_with_exact_traces():
    box = PlaneWaveBox(10.0, 4.0, 0.3)
    V = box.potential(0.2, np.random.default_rng(5))
    exact, dos_exact, _ = dense_sample_response(box, V, 1.0, 64)
    rng = np.random.default_rng(6)
    runs = [sample_response(box, V, 1.0, 64, 64, rng) for _ in range(4)]
    # 256 random vectors; ~6 states inside the resolution window: ~3 % noise, 3-4 sigma bounds
    sig = np.mean([r[0] for r in runs], axis=0)
    dos = np.mean([r[1] for r in runs])
    assert dos == pytest.approx(dos_exact, rel=0.12)
    assert sig[0, 0] == pytest.approx(exact[0, 0], rel=0.15)
    assert sig[1, 1] == pytest.approx(exact[1, 1], rel=0.15)


def test_bastin_symmetric_part_is_kubo_greenwood():
    """The Fermi-sea part of Kubo-Bastin is antisymmetric: sigma_xx(Bastin) = Kubo-Greenwood."""
    box = PlaneWaveBox(10.0, 4.0, 0.3)
    V = box.potential(0.2, np.random.default_rng(5))
    E, U = np.linalg.eigh(box.dense(V))
    n = box.px.size
    Vx = U.conj().T @ np.kron(np.eye(n), VX) @ U
    scale = 1.05 * np.abs(E).max()
    T = np.cos(np.outer(np.arccos(E / scale), np.arange(256)))
    mu_xx = T.T @ (Vx * Vx.T).T @ T
    area = box.length**2
    bastin = kpm.bastin(mu_xx, 1.0, scale, 0.0, area).real
    kg = kpm.kubo_greenwood(mu_xx.real, 1.0, scale, 0.0, area)
    assert bastin == pytest.approx(kg, rel=5e-3)  # equal up to the kernel smoothing


def test_dataset_layout_units_and_error_bars():
    m = SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExactAccuracyWarning)
        ds = exact_average(m, box_length=9.0, moments=64, realisations=3, method="dense")
    assert ds.sigma.dims == ("realisation", "i", "j")
    assert ds.sigma.attrs["units"] == "e^2/h"
    assert np.allclose(ds.sigma_mean, ds.sigma.mean("realisation"))
    assert np.all(ds.sigma_err > 0)
    for key in ("box_length", "moments", "resolution", "realisations", "basis_size"):
        assert key in ds.attrs
    # by hand: L = 9, spacing 2 pi/(eps L^2), three samples, the model's alpha
    assert ds.attrs["box_length_over_ell"] == pytest.approx(9.0 / m.mean_free_path, rel=1e-12)
    assert ds.attrs["level_spacing"] == pytest.approx(2 * math.pi / 81.0, rel=1e-12)
    assert ds.attrs["realisations"] == 3 and ds.attrs["moments"] == 64
    # the density of states of the Dirac band, nu = eps/(2 pi), to O(alpha) and resolution
    assert float(ds.dos_mean) == pytest.approx(1 / (2 * math.pi), rel=0.25)


def test_bad_parameters_get_clear_errors_and_warnings():
    m = SurfaceModel(fermi_energy=1.0, exchange_energy=0.3, disorder=0.1)
    with pytest.raises(ValueError, match="mean free path"):
        exact_average(m, box_length=0.5 * m.mean_free_path)
    with pytest.raises(ValueError, match="realisations"):
        exact_average(m, box_length=10.0, realisations=1)
    with pytest.raises(ValueError, match="moments"):
        exact_average(m, box_length=10.0, moments=8)
    with pytest.raises(ValueError, match="method"):
        exact_average(m, box_length=10.0, method="lanczos")
    # NaN and inf are named too (int() of them used to raise a message without the name)
    for key in ("moments", "realisations", "random_vectors"):
        for bad in (float("nan"), float("inf")):
            with pytest.raises(ValueError, match=key):
                exact_average(m, box_length=10.0, **{key: bad})
    with pytest.warns(ExactAccuracyWarning, match="too few moments"):
        exact_average(m, box_length=9.0, moments=16, realisations=2, method="dense")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exact_average(
            m, box_length=2 * m.mean_free_path, moments=32, realisations=2, method="dense"
        )
    messages = [str(w.message) for w in caught if w.category is ExactAccuracyWarning]
    assert any("mean free paths" in msg for msg in messages)
    assert any("level spacing" in msg for msg in messages)
