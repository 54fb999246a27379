"""The verdict at the Fermi surface: exact average (streamed resolvents, larger boxes, smaller
alpha) vs the SCBA ladder (+ crossed diagrams) for sigma_xx, sigma_xy^I, nu and the density
response at finite q, with D from the density response (not the Einstein relation).

    python examples/beyond_ladder_fermi.py compute [name ...]   # slow (~1 h on 2 cores)
    python examples/beyond_ladder_fermi.py gather                # cached runs -> shipped data
    python examples/beyond_ladder_fermi.py plot                  # figure + tables, instant

`compute` caches each run in build/beyond_ladder_fermi/<name>.nc and gathers them into
src/tisot/data/beyond_ladder_fermi.nc (shipped); `plot` draws docs/figures/beyond_ladder_fermi.png
and prints the Markdown tables of docs/beyond-ladder.md. eps = 1, Delta_z = 0.3, p_c = 5 eps,
model parameters read as renormalised (as the ladder).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "2")

import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from tisot.model import SurfaceModel
from tisot.response.analytic import conductivity
from tisot.response.crossed import crossed_response
from tisot.response.exact.fermi import exact_fermi_surface, summarise
from tisot.response.ladder import FIRST_ANGLES, MAX_ANGLES, _kernel_M, surface_parameters

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "beyond_ladder_fermi"
DATA = ROOT / "src" / "tisot" / "data" / "beyond_ladder_fermi.nc"
FIGURE = ROOT / "docs" / "figures" / "beyond_ladder_fermi.png"
E, DZ = 1.0, 0.3

#: name: (kind, alpha, L / ell, method, realisations, q orders, eta / Gamma)
RUNS = {
    "a0.20": ("verdict", 0.2, 10.0, "dense", 32, (1,), (0.25, 0.5)),
    "a0.10": ("verdict", 0.1, 10.0, "dense", 24, (1, 2), (0.25, 0.5)),
    "a0.05": ("verdict", 0.05, 8.0, "kpm", 12, (1, 2), (0.25, 0.5)),
    "a0.03": ("verdict", 0.03, 6.0, "kpm", 8, (1, 2), (0.25, 0.5)),
    "a0.10-L7": ("convergence", 0.1, 7.0, "dense", 24, (1, 2), (0.25, 0.5)),
    "a0.20-eta": ("convergence", 0.2, 10.0, "dense", 32, (1,), (0.125, 0.25, 0.5)),
    "a0.05-L6": ("convergence", 0.05, 6.0, "kpm", 16, (1,), (0.25, 0.5)),
    "a0.10-eta": ("convergence", 0.1, 10.0, "dense", 16, (1, 2), (0.125, 0.25, 0.5)),
}


def ladder_reference(alpha, q_values):
    """SCBA ladder (and + X + Psi) at the run's parameters: sigma_xx, sigma_xy, nu, gamma_q."""
    m = SurfaceModel(fermi_energy=E, exchange_energy=DZ, disorder=alpha)
    par = surface_parameters(m, 5.0)
    w_static, w_ward = 1e-9 * alpha, 1e-6 * alpha
    q = np.array([[x, 0.0] for x in q_values] + [[0.0, 0.0], [0.0, 0.0]])
    w = np.array([w_static] * len(q_values) + [w_ward, 1e-7 * alpha])
    _, K4, _, _ = _kernel_M(par, q, w, FIRST_ANGLES, 1e-8, MAX_ANGLES)
    # Ward identity: K00(0, omega) = 2 pi nu / (-i omega) for the RA density correlator
    nu = float((K4[-2, 0, 0] * (-1j * w_ward)).real / (2 * math.pi))
    k00 = K4[: len(q_values), 0, 0].real
    s_nc = conductivity(K4[-1, 1:, 1:])
    s_x = conductivity(crossed_response(m, [0.0, 0.0], 1e-7 * alpha))
    return {
        "ladder_sigma_xx": float(s_nc[0, 0].real),
        "ladder_sigma_xy": float(s_nc[0, 1].real),
        "crossed_sigma_xy": float(s_x[0, 1].real),
        "eq9_sigma_xy": 8 * E * DZ**3 / (E * E + 3 * DZ * DZ) ** 2,
        "ladder_dos": nu,
        "ladder_gamma_q": 2 * math.pi * nu / k00,
        "ladder_D_q": 2 * math.pi * nu / k00 / np.asarray(q_values) ** 2,
        "ladder_D_einstein": float(s_nc[0, 0].real) / (2 * math.pi * nu),
        "sigma0": m.sigma0,
        "paper_D": m.diffusion_constant,
        "ell": m.mean_free_path,
    }


def compute_one(name):
    kind, alpha, box_over_ell, method, n, orders, etas = RUNS[name]
    m = SurfaceModel(fermi_energy=E, exchange_energy=DZ, disorder=alpha)
    t = time.time()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = exact_fermi_surface(
            m,
            box_length=box_over_ell * m.mean_free_path,
            eta_over_gamma=etas,
            q_orders=orders,
            realisations=n,
            random_vectors=2,
            method=method,
            tol=1e-4,
            seed=7,
            progress=True,
        )
        ref = ladder_reference(alpha, ds.q.values)
    for k, v in ref.items():
        ds[k] = ("q", v) if np.ndim(v) else ((), v)
    ds.attrs.update(name=name, kind=kind, alpha=alpha, seconds=time.time() - t)
    from tisot.io.store import save_dataset

    CACHE.mkdir(parents=True, exist_ok=True)
    save_dataset(ds, CACHE / f"{name}.nc")
    print(name, f"{time.time() - t:.0f} s", row(ds))
    return ds


def row(ds):
    return {
        k: round(float(ds[k]), 4)
        for k in ("sigma_xx", "sigma_xx_err", "ladder_sigma_xx", "sigma_xy", "sigma_xy_err")
    } | {"D_density": float(ds.D_density), "ladder_D_q": ds.ladder_D_q.values.round(4).tolist()}


def gather():
    """Per-run summaries (the scalars and q-resolved values) into the shipped dataset."""
    from tisot import __version__
    from tisot.io.store import load_dataset, save_dataset

    # the estimators are recomputed from the raw per-realisation data (summarise)
    names = [name for name in RUNS if (CACHE / f"{name}.nc").exists()]
    runs = [summarise(load_dataset(CACHE / f"{name}.nc")) for name in names]
    scalar = [k for k, v in runs[0].data_vars.items() if v.dims == ()]
    per_q = [k for k, v in runs[0].data_vars.items() if v.dims == ("q",)]
    nq = max(r.sizes["q"] for r in runs)

    def pad(x):
        return np.pad(np.asarray(x, float), (0, nq - len(x)), constant_values=np.nan)

    out = xr.Dataset(
        {k: ("run", [float(r[k]) for r in runs]) for k in scalar}
        | {k: (("run", "q_order"), [pad(r[k].values) for r in runs]) for k in per_q}
        | {
            "q_value": (("run", "q_order"), [pad(r.q.values) for r in runs]),
            "alpha": ("run", [r.attrs["alpha"] for r in runs]),
            "box_over_ell": ("run", [r.attrs["box_length_over_ell"] for r in runs]),
            "basis_size": ("run", [r.attrs["basis_size"] for r in runs]),
            "realisations": ("run", [r.attrs["realisations"] for r in runs]),
            "eta_min_over_gamma": ("run", [min(r.attrs["eta_over_gamma"]) for r in runs]),
            "n_eta": ("run", [len(r.attrs["eta_over_gamma"]) for r in runs]),
            "seconds": ("run", [r.attrs["seconds"] for r in runs]),
        },
        coords={
            "name": ("run", [r.attrs["name"] for r in runs]),
            "kind": ("run", [r.attrs["kind"] for r in runs]),
            "trace": ("run", [r.attrs["trace"] for r in runs]),
        },
    )
    for k in out.data_vars:
        src = runs[0].get(k)
        if src is not None and "units" in src.attrs:
            out[k].attrs["units"] = src.attrs["units"]
    out.attrs = {
        "description": "exact disorder average at the Fermi surface (plane waves |p| < 5 eps, "
        "streamed Chebyshev resolvents or dense traces, Lorentzian eta -> 0) vs SCBA ladder, "
        "ladder + crossed X/Psi; eps = 1, Delta_z = 0.3",
        "units": "model units hbar = v = 1; sigma in e^2/h",
        "tisot_version": __version__,
        "script": "examples/beyond_ladder_fermi.py",
    }
    save_dataset(out, DATA)
    return out


def equal_eta():
    """Exact / ladder at the smallest eta of each run, same q (no extrapolation): the ladder at
    G^R(eps + i eta), G^A(eps - i eta) is the ladder at omega = 2 i eta. Markdown table."""
    from tisot.io.store import load_dataset

    lines = [
        "| α | L/ℓ | η/Γ | σ_xx exact / ladder | Γ_q exact / ladder |",
        "|---|---|---|---|---|",
    ]
    for name in RUNS:
        path = CACHE / f"{name}.nc"
        if not path.exists():
            continue
        ds = load_dataset(path)
        alpha = ds.attrs["alpha"]
        m = SurfaceModel(fermi_energy=E, exchange_energy=DZ, disorder=alpha)
        ie = int(np.argmin(ds.eta.values))
        eta, q = float(ds.eta[ie]), float(ds.q[0])
        w = np.array([2j * eta, 2j * eta])
        _, K4, _, _ = _kernel_M(
            surface_parameters(m, 5.0),
            np.array([[q, 0.0], [0.0, 0.0]]),
            w,
            FIRST_ANGLES,
            1e-8,
            MAX_ANGLES,
        )
        nu = (K4[1, 0, 0] * 2 * eta).real / (2 * math.pi)  # Ward: K00(0) = pi nu / eta
        gamma_ladder = 2 * math.pi * nu / K4[0, 0, 0].real - 2 * eta
        sxx_ladder = float(conductivity(K4[1, 1:, 1:])[0, 0].real)
        sig = ds.sigma.values[:, ie]
        sxx = 0.5 * (sig[:, 0, 0] + sig[:, 1, 1])
        dos, k = ds.dos.values[:, ie], ds.K00.values[:, ie, 0]
        n = sxx.size

        def gamma(d, kk, eta=eta):
            return 2 * math.pi * d.mean() / kk.mean() - 2 * eta

        leave = np.array([gamma(np.delete(dos, i), np.delete(k, i)) for i in range(n)])
        g_err = math.sqrt((n - 1) / n * np.sum((leave - leave.mean()) ** 2))
        s_err = sxx.std(ddof=1) / math.sqrt(n)
        lines.append(
            f"| {alpha:.2f} | {ds.attrs['box_length_over_ell']:.0f} | "
            f"{min(ds.attrs['eta_over_gamma']):.3f} | {sxx.mean() / sxx_ladder:.3f} ± "
            f"{s_err / sxx_ladder:.3f} | {gamma(dos, k) / gamma_ladder:.3f} ± "
            f"{g_err / gamma_ladder:.3f} |"
        )
    return "\n".join(lines)


def compute(names):
    for name in names or RUNS:
        compute_one(name)
        gather()


def plot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tisot.io.store import atomic_save_figure, load_dataset
    from tisot.response.exact.verdict import fermi_table

    ds = load_dataset(DATA)
    v = ds.where(ds.kind == "verdict", drop=True)
    a = v.alpha.values
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    ax[0].errorbar(a, v.sigma_xx / v.ladder_sigma_xx, v.sigma_xx_err / v.ladder_sigma_xx, fmt="o")
    ax[0].axhline(1, color="k", lw=0.8, ls=":")
    ax[0].set(xlabel="alpha", ylabel="sigma_xx exact / SCBA ladder", xscale="log")
    ax[1].errorbar(a, v.sigma_xy, v.sigma_xy_err, fmt="o", label="exact, Fermi surface (I)")
    ax[1].plot(a, v.crossed_sigma_xy, "s-", label="ladder + X + Psi")
    ax[1].plot(a, v.ladder_sigma_xy, "^--", label="noncrossing ladder")
    ax[1].axhline(float(v.eq9_sigma_xy[0]), color="k", lw=0.8, ls=":", label="Eq. (9)")
    ax[1].set(xlabel="alpha", ylabel="sigma_xy (e^2/h)", xscale="log")
    d = v.D_q.isel(q_order=0)
    dl = v.ladder_D_q.isel(q_order=0)
    ax[2].errorbar(a, d / dl, v.D_q_err.isel(q_order=0) / dl, fmt="o", label="density response")
    ax[2].errorbar(
        a * 1.05,
        v.D_einstein / v.ladder_D_einstein,
        v.D_einstein_err / v.ladder_D_einstein,
        fmt="s",
        label="Einstein sigma/(2 pi nu)",
    )
    ax[2].axhline(1, color="k", lw=0.8, ls=":")
    ax[2].set(xlabel="alpha", ylabel="D exact / SCBA ladder", xscale="log")
    for x in ax:
        x.set_xticks([0.03, 0.05, 0.1, 0.2], ["0.03", "0.05", "0.1", "0.2"])
        x.minorticks_off()
    for x in ax[1:]:
        x.legend(fontsize=7)
    fig.suptitle("eps = 1, Delta_z = 0.3, p_c = 5 eps: exact Fermi-surface average vs the ladder")
    fig.tight_layout()
    atomic_save_figure(fig, FIGURE)
    print(fermi_table(ds))
    print()
    print(fermi_table(ds, kind="convergence"))
    print()
    print(equal_eta())


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "compute":
        compute(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "gather":
        gather()
    else:
        plot()
