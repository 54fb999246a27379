"""Exact ladder, the user-facing side: shapes, Dataset, options, bad input, unmet tolerances."""

import math

import numpy as np
import pytest

from tisot.model import SurfaceModel
from tisot.response import analytic_response, response_tensor
from tisot.response.ladder import (
    LadderAccuracyWarning,
    ladder_dataset,
    ladder_kernel,
    ladder_response,
    surface_parameters,
)

MODEL = SurfaceModel(exchange_energy=0.3, disorder=0.02)


def test_shapes_broadcast_like_analytic():
    q = np.array([[0.001, 0.0], [0.0, 0.002], [0.003, 0.001]])
    w = np.array([[1e-5], [2e-4]])  # (2, 1) against (3,) -> (2, 3)
    K = ladder_response(MODEL, q, w)
    assert K.shape == (2, 3, 3, 3)
    assert K[1, 2] == pytest.approx(ladder_response(MODEL, q[2], 2e-4), rel=1e-9)
    Ka = analytic_response(MODEL, q, w, check_regime=False)
    assert Ka.shape == K.shape


def test_response_tensor_dispatches_to_ladder():
    got = response_tensor(MODEL, [0.001, 0.0], 1e-5, method="ladder", rtol=1e-8, cutoff=3.0)
    want = ladder_response(MODEL, [0.001, 0.0], 1e-5, rtol=1e-8, cutoff=3.0)
    np.testing.assert_allclose(got, want, rtol=1e-14)


def test_dataset_carries_units_parameters_and_provenance():
    ds = ladder_dataset(MODEL, [[0.001, 0.0], [0.0, 0.01]], [1e-5, 1e-3])
    assert ds.sizes == {
        "point": 2,
        "a": 4,
        "b": 4,
        "i": 3,
        "j": 3,
        "component": 2,
        "ci": 2,
        "cj": 2,
    }
    assert ds.K.dtype == complex
    assert ds.omega.attrs["units"] == "E0/hbar"
    par = surface_parameters(MODEL, 5.0)
    assert ds.attrs["param_fermi_energy"] == pytest.approx(1.0)  # renormalised = the model's
    assert ds.attrs["param_bare_fermi_energy"] == pytest.approx(par.bare_fermi_energy)
    assert ds.attrs["cutoff_over_eps"] == 5.0
    assert "tisot_version" in ds.attrs
    assert np.all(ds.error <= 1e-6)
    # derived views agree with K's layout, Eq. (8)
    K = ds.K.values
    assert ds.Q.values[:, 0] == pytest.approx(-K[:, 1, 2])
    assert ds.Q.values[:, 1] == pytest.approx(K[:, 0, 2])
    assert ds.zeta.values == pytest.approx(K[:, 2, 2])
    # physical conductivity: j = ev(sigma_y, -sigma_x) rotates K's in-plane block by 90 degrees
    cond = ds.conductivity.values
    assert cond[:, 0, 0] == pytest.approx(K[:, 1, 1])
    assert cond[:, 1, 1] == pytest.approx(K[:, 0, 0])
    assert cond[:, 0, 1] == pytest.approx(-K[:, 1, 0])
    # K = M (1 - pi alpha M)^-1, Eq. (13), with the bare alpha
    M = ds.M.values
    K4 = M @ np.linalg.inv(np.eye(4) - math.pi * par.bare_disorder * M)
    np.testing.assert_allclose(K, K4[:, 1:, 1:], rtol=1e-9)


def test_cutoff_dependence_at_fixed_renormalised_parameters_is_order_alpha_log():
    # the paper drops alpha ln(p_c/eps); at fixed renormalised (eps, Delta_z, alpha) what is
    # left of the cutoff is such a term (vertex logs): it shrinks in proportion to alpha
    def spread(alpha):
        m = SurfaceModel(exchange_energy=0.3, disorder=alpha)
        tau = m.transport_time
        K = [ladder_response(m, [0.0, 0.0], 1e-4 / tau, cutoff=c) for c in (2.0, 20.0)]
        return np.abs(K[0] - K[1]).max() / np.abs(K[1]).max()

    big, small = spread(0.02), spread(0.005)
    assert big < 0.02 * math.log(20.0**2) * 2
    assert big / small == pytest.approx(4.0, rel=0.25)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"rtol": 0.0}, "rtol must satisfy"),
        ({"rtol": 1e-15}, "rtol must satisfy"),
        ({"cutoff": 1.0}, "cutoff must satisfy"),
        ({"cutoff": float("nan")}, "cutoff must be finite"),
        ({"parameters": "physical"}, "parameters must be one of"),
        ({"self_energy": "gw"}, "self_energy must be one of"),
    ],
)
def test_bad_options_name_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ladder_response(MODEL, [0.001, 0.0], 1e-5, **kwargs)


@pytest.mark.parametrize(
    ("q", "w", "match"),
    [
        ([0.001, 0.0, 0.0], 1e-5, r"q must have shape \(\.\.\., 2\)"),
        ([0.001, 0.0], -1e-5, "omega must be >= 0"),
        ([0.0, 0.0], 0.0, "singular at q = 0 and omega = 0"),
        ([2.0, 0.0], 1e-5, r"\|q\| must be <= the Fermi momentum"),
        ([np.inf, 0.0], 1e-5, "q must be finite"),
        ([0.001, 0.0], 4.5, r"omega must be < p_c - eps"),
    ],
)
def test_bad_points_name_the_parameter(q, w, match):
    with pytest.raises(ValueError, match=match):
        ladder_response(MODEL, q, w)


def test_kernel_allows_the_static_point():
    M = ladder_kernel(MODEL, [0.0, 0.0], 0.0)
    assert M.shape == (4, 4)


def test_unreachable_tolerance_warns_with_the_accuracy_reached(monkeypatch):
    # near the diffusion pole the rounding floor of K is ~1e-16 / (D q^2 tau_tr)
    q = math.sqrt(1e-9 / (MODEL.diffusion_constant * MODEL.transport_time))
    with pytest.warns(LadderAccuracyWarning, match=r"reached max\|dK\|/max\|K\| = \d.*rounding"):
        ds = ladder_dataset(MODEL, [q, 0.0], 0.0, rtol=1e-13)
    assert ds.error.values[0] > 1e-13
    # and a cap on the nodes is reported the same way, with the number reached
    from tisot.response import ladder

    monkeypatch.setattr(ladder, "MAX_ANGLES", 16)
    with pytest.warns(LadderAccuracyWarning, match="at 1 of 1 .* still changing at 16 angles"):
        ds = ladder_dataset(MODEL, [0.5, 0.0], 0.0, rtol=1e-10)
    assert ds.error.values[0] > 1e-10


def test_born_self_energy_is_available_and_reads_the_model_as_is():
    par = surface_parameters(MODEL, 5.0, self_energy="born")
    assert (par.bare_fermi_energy, par.bare_delta_z, par.bare_disorder) == (1.0, 0.3, 0.02)
    K = ladder_response(MODEL, [0.001, 0.0], 1e-4, self_energy="born")
    assert np.all(np.isfinite(K))
