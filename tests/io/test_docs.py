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


def test_getting_started_results_block_runs(workdir):
    from tisot.io import load_config
    from tisot.sweeps import run_sweep

    config = load_config("examples/configs/response_frequency_sweep.toml")
    run_sweep(config, out="response.nc", workers=1, progress=False)
    (code,) = _blocks("getting-started.md")
    import matplotlib

    matplotlib.use("Agg")
    exec(compile(code, "docs/getting-started.md", "exec"), {"__name__": "__main__"})
