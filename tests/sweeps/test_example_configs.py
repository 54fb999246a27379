"""Every shipped config parses, and the device configs build their device from the presets."""

from pathlib import Path

import pytest

from tisot.io import load_config
from tisot.sweeps.device import build_device

CONFIGS = sorted((Path(__file__).parents[2] / "examples" / "configs").glob("*.toml"))


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.stem)
def test_config_parses(path):
    config = load_config(path)
    if config.calculation in ("device_macrospin", "film"):
        device = build_device(config.parameters)
        m0 = device.equilibrium().m
        assert abs(sum(c * c for c in m0) - 1) < 1e-12
        assert device.fm.material in ("EuS", "TmIG")
