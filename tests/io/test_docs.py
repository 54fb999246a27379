"""The Python blocks of docs/examples.md and docs/getting-started.md run as they stand."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def _blocks(name: str) -> list[str]:
    return BLOCK.findall((ROOT / "docs" / name).read_text(encoding="utf-8"))


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples" / "configs", tmp_path / "examples" / "configs")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_examples_page_runs(workdir, capsys):
    blocks = _blocks("examples.md")
    assert len(blocks) >= 5
    namespace = {"__name__": "__main__"}
    for code in blocks:
        exec(compile(code, "docs/examples.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "Q_x, ladder / closed form = " in out
    ratio = complex(out.split("Q_x, ladder / closed form = ")[1].split()[0])
    assert abs(ratio - 1) < 0.15  # closed form and ladder agree to O(alpha)
    assert "deepest dip at omega/omega0 = 1.0" in out
    assert (workdir / "transport_mz.nc").exists() and (workdir / "ladder.nc").exists()


def test_getting_started_results_block_runs(workdir, capsys):
    import tomllib

    import matplotlib
    import numpy as np

    from tisot.io import load_config
    from tisot.sweeps import run_sweep

    config = load_config("examples/configs/response_frequency_sweep.toml")
    run_sweep(config, out="response.nc", workers=1, progress=False)
    (code,) = _blocks("getting-started.md")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.close("all")
    exec(compile(code, "docs/getting-started.md", "exec"), {"__name__": "__main__"})
    # what the page promises: the printed config is the run's, one labelled curve per period
    printed = tomllib.loads(capsys.readouterr().out)
    assert printed["calculation"] == "response"
    assert printed["sweep"]["axes"]["drive.period_um"] == [1.0, 5.0, 20.0]
    ax = plt.gcf().axes[0]
    assert len(ax.lines) == 3 and "GHz" in ax.get_xlabel() and ax.get_xscale() == "log"
    # Eq. (14): Re K_yy = sigma0 omega^2 / (omega^2 + (D q^2)^2) -> 0 as omega -> 0 (charge is
    # conserved): each curve rises from ~0 (f = 0.1 GHz < D q^2 / 2 pi, even at 20 um, where
    # Re K_yy = 0.005 sigma0) to the plateau sigma0, the later the shorter the period
    rise = []
    for line in ax.lines:
        y = np.asarray(line.get_ydata())
        assert abs(y[0]) < 1e-2 * np.max(np.abs(y)), line.get_label()
        rise.append(np.argmax(y > 0.5 * np.max(y)))
    assert rise == sorted(rise, reverse=True)  # periods 1, 5, 20 um: D q^2 falls
    plt.close("all")
