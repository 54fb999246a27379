"""Fig. 3: the computed panels against Eq. (19) and the phase-averaged settling law; the CLI."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr
from typer.testing import CliRunner

from tisot.cli import app
from tisot.experiments import fig3


@pytest.fixture(scope="module")
def data():
    return fig3.compute(
        t_max=400.0,
        points=401,
        alphas=(0.0, 0.005, 0.02),
        settle_alphas=(0.005, 0.05, 0.15),
        settle_time=3000.0,
        rtol=1e-7,
    )


def test_undamped_resonance_follows_eq19_on_the_first_descent(data):
    early = data.time <= 150
    undamped = data.m_H_bottom.sel(damping_form="eq18", alpha_g=0.0)
    np.testing.assert_allclose(undamped[early], data.m_H_eq19[early], atol=0.03)


def test_detuning_weakens_the_dip(data):
    dip = data.m_H_top.min("time")
    assert float(dip.sel(omega=1.0)) == float(dip.min())
    assert float(dip.sel(omega=1.0)) < 0.3


def test_settled_values_follow_the_averaged_equations(data):
    np.testing.assert_allclose(data.m_H_settled, data.m_H_settled_theory, atol=0.012)
    # the Eq. (C2) damping settles higher: it damps the whole precession (kappa = 1 > 3/4)
    above = data.alpha_settle > 0.04
    c2 = data.m_H_settled.sel(damping_form="c2")[above]
    eq18 = data.m_H_settled.sel(damping_form="eq18")[above]
    assert np.all(c2 > eq18 + 0.01)


def test_c2_and_eq18_coincide_without_damping(data):
    assert float(data.c2_minus_eq18_max.sel(alpha_g=0.0)) < 1e-12
    assert float(data.c2_minus_eq18_max.sel(alpha_g=0.005)) > 0.01


def test_settling_law_limits():
    assert fig3.settled_m_h(1e-4) == pytest.approx(1 / np.sqrt(2))
    # alpha_G -> infinity: nothing is pumped, m stays along H
    assert fig3.settled_m_h(1e3) == pytest.approx(1.0, abs=1e-8)
    # alpha_c = f0 sin(2 chi) / (4 kappa): continuous there
    a_c = 0.1 / (4 * 0.75)
    assert fig3.settled_m_h(a_c * (1 + 1e-9)) == pytest.approx(1 / np.sqrt(2), abs=1e-6)
    with pytest.raises(ValueError, match="form must be"):
        fig3.settled_m_h(0.1, form="llg")


def test_cli_writes_figures_and_data(tmp_path):
    res = CliRunner().invoke(
        app,
        ["paper", "fig3", "--out", str(tmp_path), "--t-max", "100", "--points", "101",
         "--no-settle"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(["fig3.png", "fig3.pdf", "fig3_c2.png", "fig3_c2.pdf", "fig3.nc"]), names
    with xr.open_dataset(tmp_path / "fig3.nc", engine="h5netcdf") as ds:
        assert ds.m_H_top.dims == ("omega", "time")
        assert ds.attrs["f0"] == 0.1
        np.testing.assert_allclose(ds.m_H_bottom.isel(time=0), 1.0)


def test_cli_rejects_bad_duration(tmp_path):
    res = CliRunner().invoke(app, ["paper", "fig3", "--out", str(tmp_path), "--t-max", "0"])
    assert res.exit_code == 2
    assert "--t-max must be" in res.output  # names the flag
