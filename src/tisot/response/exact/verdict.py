"""The shipped verdict data (exact average vs ladder, crossed diagrams, Eq. 9) as a table.

``src/tisot/data/beyond_ladder.nc`` is written by ``examples/beyond_ladder_verdict.py compute``
(slow); reading it is instant, so ``tisot paper`` can print the verdict without recomputing.
"""

from __future__ import annotations

from importlib import resources

import xarray as xr

DATA_FILE = "beyond_ladder.nc"


def load_verdict() -> xr.Dataset | None:
    """The cached verdict dataset, or None if this build ships none."""
    from ...io.store import load_dataset

    path = resources.files("tisot") / "data" / DATA_FILE
    if not path.is_file():
        return None
    with resources.as_file(path) as p:
        return load_dataset(p).load()


def verdict_table(ds: xr.Dataset | None = None, kind: str = "verdict") -> str:
    """Markdown table of the runs of ``kind`` ("verdict" or "convergence"); "" without data."""
    ds = load_verdict() if ds is None else ds
    if ds is None:
        return ""
    v = ds.where(ds.kind == kind, drop=True)
    lines = [
        "| α | L/ℓ | N | resolution/Γ | samples | σ_xx exact | σ_xx ladder | σ_xy exact | "
        "ladder + X + Ψ | noncrossing | Eq. (9) | D exact | D ladder |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i in range(v.sizes["run"]):
        r = {k: float(v[k][i]) for k in v.data_vars}
        lines.append(
            f"| {r['alpha']:.2f} | {r['box_over_ell']:.1f} | {int(r['moments'])} | "
            f"{r['resolution'] / r['gamma']:.2f} | {int(r['realisations'])} | "
            f"{r['exact_sigma_xx']:.3f} ± {r['exact_sigma_xx_err']:.3f} | "
            f"{r['ladder_sigma_xx']:.3f} | {r['exact_sigma_xy']:.3f} ± "
            f"{r['exact_sigma_xy_err']:.3f} | {r['crossed_sigma_xy']:.3f} | "
            f"{r['ladder_sigma_xy']:.3f} | {r['eq9_sigma_xy']:.3f} | {r['exact_D']:.3f} ± "
            f"{r['exact_D_err']:.3f} | {r['ladder_D']:.3f} |"
        )
    return "\n".join(lines)
