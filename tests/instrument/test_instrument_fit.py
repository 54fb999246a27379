"""Fitting measured spectra: recovery within the reported errors, failures that say so, the CLI."""

from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from tisot.cli import app
from tisot.device import Device
from tisot.experiments import spectra
from tisot.experiments.fitting import FitError, fit_spectrum
from tisot.io.measurement import write_measurement_csv

runner = CliRunner()

OVERRIDES = {
    "gate.screening": False,
    "fm.damping": 0.01,
    "surface.disorder_alpha": 0.05,
    "environment.field_theta_deg": 60.0,
}


@pytest.fixture(scope="module")
def device():
    return Device.from_presets("Bi2Se3", "EuS", overrides=OVERRIDES)


@pytest.fixture
def device_file(tmp_path, device):
    return device.save(tmp_path / "dev.toml")


FIELDS = np.linspace(95.0, 150.0, 50)


def _synthetic(device, values, seed, rel_noise=0.02, observable="power"):
    truth = device.with_values(values)
    clean = spectra.spectrum(truth, field_mt=FIELDS, frequency_ghz=10.0, observables=[observable])
    y = np.asarray(clean[observable])
    sigma = rel_noise * np.abs(y).max()
    rng = np.random.default_rng(seed)
    return y + sigma * rng.standard_normal(y.size), np.full(y.size, sigma)


def test_fit_recovers_parameters_within_reported_errors(device):
    """Over many noise seeds about 68 % of the estimates lie within 1 sigma of the truth."""
    truth = {"fm.damping": 0.012}
    start = device  # fm.damping = 0.01 in the file: the fit has to move
    pulls, chi2 = [], []
    for seed in range(24):
        y, err = _synthetic(device, truth, seed)
        res = fit_spectrum(start, FIELDS, y, err, free=["fm.damping", "scale"], other=10.0)
        pulls.append((res.values["fm.damping"] - 0.012) / res.stderr["fm.damping"])
        pulls.append((res.values["scale"] - 1.0) / res.stderr["scale"])
        chi2.append(res.reduced_chi2)
    pulls = np.array(pulls)
    inside = np.mean(np.abs(pulls) < 1)
    assert 0.53 <= inside <= 0.83, inside  # 68 % +- 2 binomial sigma of 48 draws
    assert abs(np.mean(pulls)) < 0.4  # unbiased
    assert 0.8 < np.mean(chi2) < 1.2


@pytest.mark.slow
def test_fit_recovers_exchange_and_damping(device):
    truth = {"fm.damping": 0.012, "interface.exchange_mev": -8.0}
    pulls = []
    for seed in range(20):
        y, err = _synthetic(device, truth, seed, observable="mixing_voltage")
        res = fit_spectrum(device, FIELDS, y, err, free=list(truth), other=10.0,
                           observable="mixing_voltage")  # fmt: skip
        pulls += [(res.values[k] - v) / res.stderr[k] for k, v in truth.items()]
    assert 0.5 <= np.mean(np.abs(pulls) < 1) <= 0.85


def test_fit_reports_correlations_and_dataset(device):
    y, err = _synthetic(device, {"fm.damping": 0.012}, seed=1)
    res = fit_spectrum(device, FIELDS, y, err, free=["fm.damping", "offset"], other=10.0)
    out = json.loads(json.dumps(res.as_dict()))  # what tisot fit --format json prints
    assert set(out) == {"fm.damping", "offset", "reduced_chi2", "correlations"}
    for key in ("fm.damping", "offset"):
        assert set(out[key]) == {"value", "stderr"}
    corr = out["correlations"]
    assert set(corr) == {"fm.damping", "offset"}
    c = corr["fm.damping"]["offset"]
    assert -1 <= c <= 1 and c == pytest.approx(corr["offset"]["fm.damping"])
    ds = res.to_dataset()
    assert ds.fit.attrs["units"] == "W m-2"
    np.testing.assert_allclose(ds.data, y)


def test_fit_that_does_not_converge_raises(device):
    y, err = _synthetic(device, {"fm.damping": 0.012}, seed=2)
    with pytest.raises(FitError, match="did not converge"):
        fit_spectrum(device, FIELDS, y, err, free=["fm.damping"], other=10.0, max_nfev=2)
    # a key the signal does not depend on: no covariance, no numbers
    rf = spectra.Probe(drive="rf")
    with pytest.raises(FitError, match=r"no uncertainty|did not converge"):
        fit_spectrum(device, FIELDS, y, err, free=["gate.voltage_v"], other=10.0, probe=rf)


def test_fit_rejects_bad_keys(device):
    y = np.ones(FIELDS.size)
    with pytest.raises(ValueError, match=r"unknown free key 'fm\.dampin'"):
        fit_spectrum(device, FIELDS, y, free=["fm.dampin"])
    with pytest.raises(ValueError, match="not a real number"):
        fit_spectrum(device, FIELDS, y, free=["gate.harmonics"])
    with pytest.raises(ValueError, match="3 data points cannot fix 3"):
        fit_spectrum(device, FIELDS[:3], y[:3], free=["fm.damping", "scale", "offset"])
    with pytest.raises(ValueError, match="no phase"):
        fit_spectrum(device, FIELDS, y, free=["phase_deg"], observable="cone_deg")


def test_points_against_free_keys_is_checked_in_one_place(device, monkeypatch):
    """n free keys need n + 1 points; a measurement and a bare fit give the same message, before
    any model evaluation."""
    from tisot.experiments import fitting
    from tisot.io.measurement import Measurement, check_points

    check_points(3, 2)  # one degree of freedom left: accepted
    with pytest.raises(ValueError, match=r"^d\.csv: 2 data points cannot fix 2 .*at least 3\)"):
        check_points(2, 2, source="d.csv")

    def no_model(*args, **kwargs):
        raise AssertionError("the model was evaluated")

    monkeypatch.setattr(fitting, "model_signal", no_model)
    two = Measurement("field_mt", FIELDS[:2], np.ones(2), None, "two.csv")
    with pytest.raises(ValueError, match=r"^2 data points cannot fix 2 free parameters"):
        fitting.fit_measurement(device, two, free=["fm.damping", "scale", "scale"])


# --------------------------------------------------------------------------- command line
def test_cli_spectrum_csv_contract(device_file):
    r = runner.invoke(app, ["spectrum", str(device_file), "--field-mt", "100:140:5",
                            "--frequency-ghz", "10", "--format", "csv"])  # fmt: skip
    assert r.exit_code == 0, r.output
    lines = r.stdout.strip().splitlines()
    assert lines[0].split(",")[:2] == ["field_mt", "signal"]
    rows = np.array([[float(v) for v in line.split(",")] for line in lines[1:]])
    np.testing.assert_allclose(rows[:, 0], np.linspace(100, 140, 5))
    assert np.all(rows[:, 1] > 0)  # absorbed power
    r2 = runner.invoke(app, ["spectrum", str(device_file), "--field-mt", "100:140:5",
                             "--frequency-ghz", "10", "--observable", "mixing_voltage",
                             "--set", "fm.damping=0.02", "--format", "csv"])  # fmt: skip
    assert r2.exit_code == 0, r2.output
    assert r2.stdout.splitlines()[0].startswith("field_mt,signal,")


def test_cli_fit_json_contract(tmp_path, device, device_file):
    y, err = _synthetic(device, {"fm.damping": 0.012}, seed=3)
    data = write_measurement_csv(tmp_path / "d.csv", "field_mt", FIELDS, y, err)
    r = runner.invoke(app, ["fit", str(device_file), str(data), "--frequency-ghz", "10",
                            "--free", "fm.damping,scale", "--format", "json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert set(out) == {"fm.damping", "scale", "reduced_chi2", "correlations"}
    assert all(set(out[k]) == {"value", "stderr"} for k in ("fm.damping", "scale"))
    assert set(out["correlations"]["scale"]) == {"fm.damping"}
    d = out["fm.damping"]
    assert abs(d["value"] - 0.012) < 4 * d["stderr"]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--free", "fm.nope"], "unknown free key 'fm.nope'"),
        (["--free", "fm.damping", "--set", "fm.nope=1"], "fm.nope"),
        (["--free", "gate.voltage_v", "--drive", "rf"], "did not converge"),
    ],
)
def test_cli_fit_errors(tmp_path, device, device_file, args, match):
    y, err = _synthetic(device, {"fm.damping": 0.012}, seed=4)
    data = write_measurement_csv(tmp_path / "d.csv", "field_mt", FIELDS, y, err)
    r = runner.invoke(app, ["fit", str(device_file), str(data), "--frequency-ghz", "10",
                            "--format", "json", *args])  # fmt: skip
    assert r.exit_code == 2
    assert match in r.output
    assert "reduced_chi2" not in r.stdout


def test_cli_bad_inputs(tmp_path, device_file):
    bad = tmp_path / "bad.csv"
    bad.write_text("field_mt,signal\n1,2\n1,3\n")
    r = runner.invoke(app, ["fit", str(device_file), str(bad), "--free", "fm.damping"])
    assert r.exit_code == 2 and "duplicated value 1.0" in r.output
    r = runner.invoke(app, ["spectrum", str(device_file), "--field-mt", "1:2"])
    assert r.exit_code == 2 and "START:STOP:N" in r.output
    r = runner.invoke(app, ["spectrum", str(device_file), "--field-mt", "100", "--observable", "x"])
    assert r.exit_code == 2 and "--observable" in r.output


def test_docs_instrument_example_runs(capsys):
    import re
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "instrument.md").read_text(encoding="utf-8")
    (code,) = re.findall(r"```python\n(.*?)```", text, re.DOTALL)
    exec(compile(code, "docs/instrument.md", "exec"), {"__name__": "__main__"})
    out = capsys.readouterr().out
    value, err = (float(v) for v in out.split("fm.damping = ")[1].split(" +- "))
    assert abs(value - 0.012) < 4 * err


def test_fit_recovers_a_detection_phase_and_background(device):
    """A mixing voltage read at a detection phase of 25 deg on a sloped background."""
    x = FIELDS
    ds = spectra.spectrum(device.with_values({"fm.damping": 0.012}), field_mt=x, frequency_ghz=10.0,
                          observables=["mixing_voltage"])  # fmt: skip
    y0 = spectra.signal(ds, "mixing_voltage", phase_deg=25.0)
    scale = np.abs(y0).max()
    y = y0 + 0.1 * scale + 0.002 * scale * (x - x.mean())
    y = y + 0.01 * scale * np.random.default_rng(5).standard_normal(x.size)
    res = fit_spectrum(device, x, y, np.full(x.size, 0.01 * scale), other=10.0,
                       free=["fm.damping", "phase_deg", "offset", "slope"],
                       observable="mixing_voltage", initial={"phase_deg": 10.0})  # fmt: skip
    for key, truth in (("fm.damping", 0.012), ("phase_deg", 25.0), ("offset", 0.1 * scale),
                       ("slope", 0.002 * scale)):  # fmt: skip
        assert abs(res.values[key] - truth) < 4 * res.stderr[key], key


def test_cli_frequency_sweep_plot_and_out(tmp_path, device, device_file):
    f = np.linspace(8.0, 12.0, 30)
    ds = spectra.spectrum(device.with_values({"fm.damping": 0.012}), frequency_ghz=f, field_mt=123.0,
                          observables=["power"])  # fmt: skip
    data = write_measurement_csv(tmp_path / "f.csv", "frequency_ghz", f, ds.power.values,
                                 0.01 * ds.power.values.max())  # fmt: skip
    png = tmp_path / "fit.png"
    r = runner.invoke(app, ["fit", str(device_file), str(data), "--field-mt", "123",
                            "--free", "fm.damping", "--format", "json", "--plot", str(png)])  # fmt: skip
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["fm.damping"]["value"] == pytest.approx(0.012, rel=1e-3)
    assert png.stat().st_size > 0
    nc, png2 = tmp_path / "s.nc", tmp_path / "s.png"
    r = runner.invoke(app, ["spectrum", str(device_file), "--frequency-ghz", "8:12:9", "--field-mt",
                            "123", "--out", str(nc), "--plot", str(png2), "--format", "json"])  # fmt: skip
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert len(out["rows"]) == 9 and "frequency_ghz" in out["rows"][0]
    from tisot.io.store import load_dataset

    saved = load_dataset(nc)
    assert saved.power.attrs["units"] == "W m-2"
    assert png2.stat().st_size > 0


def test_cli_probe_settings(device_file):
    args = ["spectrum", str(device_file), "--field-mt", "110:130:3", "--frequency-ghz", "10",
            "--drive", "rf", "--observable", "s21_db", "--format", "csv"]  # fmt: skip
    wide = runner.invoke(app, args)
    narrow = runner.invoke(app, [*args, "--probe", "waveguide_width_um=10"])
    assert wide.exit_code == 0 and narrow.exit_code == 0, narrow.output
    s_wide = [float(line.split(",")[1]) for line in wide.stdout.splitlines()[1:]]
    s_narrow = [float(line.split(",")[1]) for line in narrow.stdout.splitlines()[1:]]
    # S21 loss ~ 1 / w at first order
    np.testing.assert_allclose(np.array(s_narrow) / np.array(s_wide), 5.0, rtol=2e-2)
    bad = runner.invoke(app, [*args, "--probe", "width=3"])
    assert bad.exit_code == 2 and "--probe takes KEY=VALUE" in bad.output


def test_fit_at_a_bound_is_refused(device):
    """An absorption dip (negative power) cannot be fitted by a positive line: the damping runs
    to its bound and no numbers are returned."""
    y, err = _synthetic(device, {"fm.damping": 0.012}, seed=6)
    with pytest.raises(FitError, match=r"bound of fm\.damping"):
        fit_spectrum(device, FIELDS, -y, err, free=["fm.damping"], other=10.0)
