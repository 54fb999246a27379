"""The README's Python example runs and gives what its comments claim."""

import re
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_python_example_runs(capsys):
    code = re.search(r"## Python\n\n```python\n(.*?)```", README.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    K = namespace["K"]
    assert K.shape == (3, 3)
    # Q is along q = x: Q_y = K[0, 2] = 0 and -Q_x = K[1, 2] != 0 (Eq. 8)
    assert K[0, 2] == 0 and abs(K[1, 2]) > 0
    assert np.isfinite(namespace["torque_ratio"](namespace["model"], namespace["q"]))
    assert "sigma0" in capsys.readouterr().out
