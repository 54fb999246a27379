"""Run configs: valid files resolve to frozen dataclasses; bad files get errors naming the key."""

from __future__ import annotations

import dataclasses
import math
import tomllib
from pathlib import Path

import numpy as np
import pytest

from tisot.io import load_config, parse_config, write_config

BASE = """
calculation = "response"
[model]
fermi_energy_mev = 100.0
exchange_mev = 30.0
m_z = 0.5
disorder = 0.02
[drive]
period_um = 2.0
frequency_ghz = 5.0
"""


def test_defaults_filled_and_values_kept():
    cfg = parse_config(tomllib.loads(BASE))
    assert cfg.calculation == "response"
    assert cfg.value("model.m_z") == 0.5
    assert cfg.value("drive.period_um") == 2.0
    assert cfg.value("method.name") == "analytic"  # default
    assert cfg.value("model.velocity") == 1.0e6  # default
    assert cfg.sweep is None and cfg.output.path is None


def test_config_is_frozen():
    cfg = parse_config(tomllib.loads(BASE))
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.calculation = "transport"


def test_integer_accepted_for_float_and_converted():
    cfg = parse_config(tomllib.loads(BASE.replace("period_um = 2.0", "period_um = 2")))
    assert isinstance(cfg.value("drive.period_um"), float)


def test_sweep_axes_from_range_list_and_log():
    text = (
        BASE
        + """
[sweep]
chunk_size = 5
[sweep.axes]
"drive.frequency_ghz" = { start = 1.0, stop = 4.0, num = 4 }
"model.m_z" = [0.1, 0.2]
"model.disorder" = { start = 0.01, stop = 0.1, num = 3, spacing = "log" }
"""
    )
    cfg = parse_config(tomllib.loads(text))
    axes = cfg.sweep.axes
    assert [a.dim for a in axes] == ["frequency_ghz", "m_z", "disorder"]
    np.testing.assert_allclose(axes[0].values, [1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(axes[2].values, [0.01, math.sqrt(0.001), 0.1])
    assert axes[0].units == "GHz"
    assert cfg.sweep.shape == (4, 2, 3) and cfg.sweep.size == 24
    assert cfg.sweep.n_chunks == 5  # ceil(24 / 5)
    assert list(cfg.sweep.chunk_indices(4)) == [20, 21, 22, 23]
    # C order: the last axis runs fastest
    assert cfg.sweep.point(1) == {
        "drive.frequency_ghz": 1.0,
        "model.m_z": 0.1,
        "model.disorder": axes[2].values[1],
    }
    assert cfg.at(cfg.sweep.point(23))["model"]["m_z"] == 0.2


def test_resolved_toml_round_trips(tmp_path):
    text = BASE + '[sweep.axes]\n"model.m_z" = [0.1, 0.2]\n[output]\npath = "x.nc"\n'
    (tmp_path / "c.toml").write_text(text)
    cfg = load_config(tmp_path / "c.toml")
    assert cfg.output.path == tmp_path / "x.nc"  # relative to the config file
    write_config(cfg, tmp_path / "resolved.toml")
    again = load_config(tmp_path / "resolved.toml")
    assert again == cfg
    assert again.fingerprint() == cfg.fingerprint()


def test_fingerprint_ignores_execution_but_not_physics():
    cfg = parse_config(tomllib.loads(BASE + "[execution]\nworkers = 1\n"))
    other_workers = parse_config(tomllib.loads(BASE + "[execution]\nworkers = 2\n"))
    other_physics = parse_config(tomllib.loads(BASE.replace("m_z = 0.5", "m_z = 0.6")))
    assert cfg.fingerprint() == other_workers.fingerprint()
    assert cfg.fingerprint() != other_physics.fingerprint()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("m_z = 0.5", "m_z = 0.5\ncolour = 1"), r"unknown key model\.colour"),
        (("[drive]", "[drvie]"), r"unknown key drvie"),
        (("m_z = 0.5", 'm_z = "half"'), r"model\.m_z must be a number in \[-1\.0, 1\.0\]"),
        (("m_z = 0.5", "m_z = 1.5"), r"model\.m_z must be a number in \[-1\.0, 1\.0\]"),
        (("disorder = 0.02", "disorder = 0.0"), r"model\.disorder must be .*\(0\.0, 1\.0\)"),
        (("frequency_ghz = 5.0", "frequency_ghz = -1.0"), r"drive\.frequency_ghz"),
        (("frequency_ghz = 5.0", "frequency_ghz = nan"), r"drive\.frequency_ghz"),
        (("frequency_ghz = 5.0", "frequency_ghz = true"), r"drive\.frequency_ghz"),
        (('calculation = "response"', 'calculation = "magic"'), r"calculation must be one of"),
        (('calculation = "response"', ""), r"missing key calculation"),
        (("[drive]", '[method]\nname = "exact"\n[drive]'), r"method\.name must be one of"),
    ],
)
def test_bad_values_name_the_key(edit, message):
    with pytest.raises(ValueError, match=message):
        parse_config(tomllib.loads(BASE.replace(*edit)))


@pytest.mark.parametrize(
    ("sweep", "message"),
    [
        ('"model.colour" = [1.0]', r"no parameter model\.colour; sweepable"),
        ('"m_z" = [1.0]', r"axis names are 'section\.key'"),
        ('"model.m_z" = [0.1, 2.0]', r"model\.m_z'\[1\] must be"),
        ('"model.m_z" = [0.1, 0.1]', r"repeats a value"),
        ('"model.m_z" = []', r"has no values"),
        ('"model.m_z" = 0.3', r"must be a list of values or a table"),
        ('"model.m_z" = { start = 0.1, stop = 0.5 }', r"\.num is missing"),
        ('"model.m_z" = { start = 0.1, stop = 0.5, num = 0 }', r"\.num must be an integer >= 1"),
        ('"model.m_z" = { start = 0.1, stop = 0.5, num = 2, step = 1 }', r"\.step: unknown"),
        ('"model.m_z" = { start = -0.1, stop = 0.5, num = 2, spacing = "log" }', r"needs start"),
    ],
)
def test_bad_sweep_axes_name_the_key(sweep, message):
    with pytest.raises(ValueError, match=message):
        parse_config(tomllib.loads(BASE + "[sweep.axes]\n" + sweep + "\n"))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[sweep]\nchunk_size = 0\n", r"sweep\.chunk_size must be an integer >= 1"),
        ("[sweep]\nchunk_size = 2\n", r"sweep\.axes must list at least one axis"),
        ("[output]\nfile = 'x.nc'\n", r"unknown key output\.file"),
        ("[output]\npath = 'x.nc'\nformat = 'hdf4'\n", r"output\.format must be one of"),
        ("[execution]\nworkers = 0\n", r"execution\.workers must be an integer >= 1"),
        ("[execution]\nthreads = 2\n", r"unknown key execution\.threads"),
        # 0 s would stop a sweep the first moment no worker is seen: the range excludes it
        (
            "[execution]\nworker_timeout = 0\n",
            r"execution\.worker_timeout must be a number in \(0\.0, 86400\.0\], got 0",
        ),
        ("[execution]\nworker_timeout = -1.0\n", r"execution\.worker_timeout must be .* got -1"),
        (
            "[execution]\nworker_timeout = 1e6\n",
            r"execution\.worker_timeout must be .* got 1000000\.0",
        ),
    ],
)
def test_bad_run_sections_name_the_key(table, message):
    with pytest.raises(ValueError, match=message):
        parse_config(tomllib.loads(BASE + table))


def test_worker_timeout_just_above_zero_and_at_one_day_is_kept():
    for value in (0.5, 86400.0):
        cfg = parse_config(tomllib.loads(BASE + f"[execution]\nworker_timeout = {value}\n"))
        assert cfg.execution.worker_timeout == value


def test_missing_file_and_bad_toml(tmp_path):
    with pytest.raises(ValueError, match=r"does not exist"):
        load_config(tmp_path / "nope.toml")
    (tmp_path / "bad.toml").write_text("calculation = \n")
    with pytest.raises(ValueError, match=r"is not valid TOML"):
        load_config(tmp_path / "bad.toml")


EXAMPLES = sorted((Path(__file__).parents[2] / "examples" / "configs").glob("*.toml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_configs_are_valid(path):
    cfg = load_config(path)
    assert tomllib.loads(cfg.to_toml())["calculation"] == cfg.calculation
    if cfg.sweep is not None:
        assert cfg.sweep.size > 1 and cfg.output.path.parent == path.parent


@pytest.mark.parametrize(
    "calculation",
    ["transport", "response", "macrospin", "resonance", "torques", "device_macrospin", "film"],
)
def test_template_is_a_valid_config_of_the_defaults(tmp_path, calculation):
    from tisot.io import template
    from tisot.sweeps import get_job

    text = template(calculation)
    cfg = parse_config(tomllib.loads(text))
    schema = get_job(calculation).schema
    unset = math.nan  # device keys left to the presets: nan compares by identity below
    resolved = {
        s: {k: unset if v != v else v for k, v in t.items()} for s, t in cfg.parameters.items()
    }
    assert resolved == {
        s: {k: unset if p.default != p.default else p.default for k, p in keys.items()}
        for s, keys in schema.items()
    }
    # uncommenting the example sweep gives a valid sweep too
    swept = "\n".join(
        line[2:] if line.startswith(("# [sweep", '# "')) else line for line in text.splitlines()
    )
    assert parse_config(tomllib.loads(swept)).sweep.size == 11
