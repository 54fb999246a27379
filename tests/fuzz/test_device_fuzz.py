"""Every device key under hostile values, through `tisot device FILE --set KEY=VALUE`: either a
result that passes the physics checks (|m| = 1, finite, the frequency at the applied field > 0)
or a one-line error naming the key; never a traceback or a silent non-finite number."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tisot.cli import app
from tisot.device import DEVICE_SCHEMA, Device

KEYS = [f"{s}.{k}" for s, keys in DEVICE_SCHEMA.items() for k in keys]
VALUES = ("nan", "inf", "-inf", "0", "-1", "1e300", "-1e300", "1e-300", "abc", '"text"',
          "true", "[1, 2]", "2.5", "1e8")  # fmt: skip

runner = CliRunner()


@pytest.fixture(scope="module")
def device_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "dev.toml"
    Device.from_presets("Bi2Se3", "EuS", {"environment.field_mt": 300.0}).save(path)
    return path


def _check(device_file, key, value):
    res = runner.invoke(app, ["device", str(device_file), "--set", f"{key}={value}", "--format",
                              "json"])  # fmt: skip
    assert "Traceback" not in res.output, res.output
    if res.exit_code == 0:
        info = json.loads(res.output.splitlines()[0])
        assert math.isclose(sum(c * c for c in info["m"]), 1.0, rel_tol=1e-9)
        numbers = [v for v in info.values() if isinstance(v, float)]
        assert all(math.isfinite(v) for v in numbers)  # null where there is no number
        assert info["frequency_ghz"] > 0
    else:
        assert res.exit_code == 2, res.output
        errors = [line for line in res.output.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, res.output
        name = key.split(".")[1]
        named = (name in errors[0]) or ("environment.field" in errors[0]) or ("gap" in errors[0])
        assert named or "--set" in errors[0], errors[0]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.sampled_from(KEYS), value=st.sampled_from(VALUES))
def test_every_device_key_under_hostile_values(device_file, key, value):
    _check(device_file, key, value)


@pytest.mark.slow
@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("value", VALUES)
def test_every_device_key_every_value(device_file, key, value):
    _check(device_file, key, value)
