"""`tisot spectrum` and `tisot fit`: bad plots, formats, fixed axes and probe settings are named
in one line before anything is computed or written."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tisot.cli import app
from tisot.device import Device

runner = CliRunner()


@pytest.fixture
def files(tmp_path):
    dev = Device.from_presets("Bi2Se3", "EuS", {"environment.field_mt": 112.0}).save(
        tmp_path / "dev.toml"
    )
    data = tmp_path / "data.csv"
    data.write_text("field_mt,signal\n" + "".join(f"{100 + i},{i % 3}.0\n" for i in range(10)))
    return dev, data


def _one_line(res, *words):
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1, res.output
    for word in words:
        assert word in res.output, res.output


def test_spectrum_refuses_a_bad_plot_before_writing_anything(files, tmp_path):
    dev, _ = files
    out = tmp_path / "s.nc"
    for plot, word in ((tmp_path / "missing" / "p.png", "does not exist"),
                       (tmp_path / "p.xyz", "--plot must end in")):  # fmt: skip
        res = runner.invoke(
            app,
            [
                "spectrum",
                str(dev),
                "--field-mt",
                "100:120:5",
                "--frequency-ghz",
                "10",
                "--out",
                str(out),
                "--plot",
                str(plot),
            ],
        )
        _one_line(res, word)
        assert not out.exists()
    res = runner.invoke(app, ["spectrum", str(dev), "--field-mt", "100:120:5", "--frequency-ghz",
                              "10", "--out", str(dev)])  # fmt: skip
    _one_line(res, "input")


def test_fit_names_its_fixed_axis_format_and_probe(files):
    dev, data = files
    base = ["fit", str(dev), str(data), "--free", "fm.damping"]
    _one_line(runner.invoke(app, [*base, "--frequency-ghz", "1e7"]), "--frequency-ghz")
    res = runner.invoke(app, [*base, "--frequency-ghz", "10", "--format", "csv"])
    assert res.exit_code == 2 and "csv" in res.output  # json or table only
    _one_line(
        runner.invoke(app, [*base, "--frequency-ghz", "10", "--probe", "rf_azimuth_deg=nan"]),
        "rf_azimuth_deg",
    )
