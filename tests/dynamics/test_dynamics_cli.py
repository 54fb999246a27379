"""`tisot dynamics`: JSON output against the library and Eq. (19); named errors."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from tisot.cli import app
from tisot.dynamics import eq19_m_h

runner = CliRunner()


def test_json_output_follows_eq19_at_resonance_without_damping():
    res = runner.invoke(
        app,
        ["dynamics", "--alpha-g", "0", "--f0", "0.02", "--t-max", "200", "--times",
         "0,50,100,200", "--format", "json"],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == {"t", "m_H", "m", "norm_drift"}
    assert 0 <= data["norm_drift"] < 1e-12  # DOPRI5 projected on |m| = 1 every step
    assert data["t"] == [0.0, 50.0, 100.0, 200.0]
    m = np.array(data["m"])
    assert m.shape == (4, 3)
    np.testing.assert_allclose(np.linalg.norm(m, axis=1), 1.0, atol=1e-7)
    h = np.array([np.sin(np.pi / 4), 0, np.cos(np.pi / 4)])
    np.testing.assert_allclose(m @ h, data["m_H"], atol=1e-12)
    np.testing.assert_allclose(
        data["m_H"], eq19_m_h(np.array(data["t"]), 0.02, np.pi / 4), atol=0.01
    )


def test_si_units_match_the_dimensionless_run():
    """100 mT: omega0 = gamma_e * 0.1 T = 17.61 rad/ns (2.80 GHz); same physics in omega0."""
    w0 = 1.76085963023e11 * 0.1 * 1e-9  # rad/ns
    si = runner.invoke(
        app,
        ["dynamics", "--units", "si", "--field-mt", "100", "--f0", str(0.1 * w0),
         "--frequency-ghz", str(w0 / (2 * np.pi)), "--t-max", "3", "--points", "4",
         "--format", "json"],
    )  # fmt: skip
    dl = runner.invoke(
        app,
        ["dynamics", "--t-max", str(3 * w0), "--points", "4", "--format", "json"],
    )
    assert si.exit_code == 0 and dl.exit_code == 0, si.output + dl.output
    np.testing.assert_allclose(json.loads(si.stdout)["m"], json.loads(dl.stdout)["m"], atol=1e-6)


def test_table_output_and_dataset_file(tmp_path):
    out = tmp_path / "run.nc"
    res = runner.invoke(app, ["dynamics", "--t-max", "5", "--points", "3", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "m_H" in res.stdout and "steps" in res.stdout
    import xarray as xr

    with xr.open_dataset(out, engine="h5netcdf") as ds:
        assert ds.m.shape == (1, 3, 3)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--t-max", "0"], "--t-max must be a number in (0.0"),
        (["--t-max", "-5"], "--t-max must be a number in (0.0"),
        (["--alpha-g", "-0.1"], "--alpha-g must be a number in [0.0"),
        (["--f0", "nan"], "--f0 must be a number in [0.0"),
        (["--terms", "precession,magic"], "unknown term name"),
        (["--terms", "diffusive"], "must include 'precession'"),
        (["--times", "1,a"], "--times must be numbers"),
        (["--times", "5,200", "--t-max", "100"], "--times must be increasing"),
        (["--units", "si", "--field-mt", "0"], "--field-mt must be a number in (0.0"),
        (["--method", "leapfrog"], "method must be one of"),
    ],
)
def test_bad_input_gives_a_named_error(args, message):
    res = runner.invoke(app, ["dynamics", *args])
    assert res.exit_code == 2
    assert message in res.output


def _one_line_error(res, flag):
    assert res.exit_code == 2, res.output
    lines = res.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and flag in lines[0], lines
    return lines[0]


@pytest.mark.parametrize(
    ("args", "flag", "says"),
    [
        (["--rtol", "1"], "--rtol", "[1e-13, 0.01]"),  # was exit 0 with m_H = -3.9e81
        (["--chi-deg", "inf"], "--chi-deg", "[0.0, 180.0]"),  # was "math domain error"
        (["--dt", "0.1"], "--dt", "--method geometric"),  # was ignored under dopri
        (["--method", "geometric", "--rtol", "1e-6"], "--rtol", "--method dopri"),
        (["--field-mt", "50"], "--field-mt", "--units si"),
        (["--units", "si", "--omega", "3"], "--omega", "--units dimensionless"),
        (["--f0", "1e300"], "--f0", "--f0 must be"),  # was 26-46 s, unnamed
        (["--f0", "1e5", "--t-max", "1e12"], "--t-max", "estimate"),  # refused before it starts
        (["--points", "2000000000"], "--points", "an integer in [2, 1000000000]"),
    ],
)
def test_issue14_flags_refused_at_once(args, flag, says):
    assert says in _one_line_error(runner.invoke(app, ["dynamics", *args]), flag)


def test_chi_is_in_degrees():
    """--chi 45 used to run as 45 rad; the angle flag is now --chi-deg, in degrees."""
    deg = runner.invoke(app, ["dynamics", "--chi-deg", "30", "--t-max", "1", "--points", "2",
                              "--format", "json"])  # fmt: skip
    assert deg.exit_code == 0, deg.output
    m0 = json.loads(deg.stdout)["m"][0]  # m starts along H = (sin 30, 0, cos 30)
    np.testing.assert_allclose(m0, [0.5, 0.0, np.sqrt(3) / 2], atol=1e-12)
    assert runner.invoke(app, ["dynamics", "--chi", "45"]).exit_code == 2  # no such option


def test_out_is_checked_before_the_run(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    res = runner.invoke(app, ["dynamics", "--out", str(blocker / "x.nc")])
    _one_line_error(res, "not writable")


def test_times_that_end_at_zero_name_the_flag():
    """Found by tests/fuzz: `--times 0,0.0` got the integrator's own words about t_eval."""
    res = runner.invoke(app, ["dynamics", "--times", "0,0.0"])
    assert "--times must end after t = 0" in _one_line_error(res, "--times")
