"""The verdict at the Fermi surface: exact average (streamed resolvents, larger boxes, smaller
alpha) vs the SCBA ladder (+ crossed diagrams) for sigma_xx, sigma_xy^I, nu and the density
response at finite q, with D from the density response (not the Einstein relation).

    python examples/beyond_ladder_fermi.py compute [name ...]   # slow (~1 h on 2 cores)
    python examples/beyond_ladder_fermi.py gather                # cached runs -> shipped data
    python examples/beyond_ladder_fermi.py box                   # + the sums in each box (~10 min)
    python examples/beyond_ladder_fermi.py plot                  # figure + tables, instant
    python examples/beyond_ladder_fermi.py rr                    # sigma_xx's RA and RR parts

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
from tisot.response.exact.average import broadening
from tisot.response.exact.fermi import exact_fermi_surface, summarise
from tisot.response.exact.reference import broadened_ladder

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "build" / "beyond_ladder_fermi"
DATA = ROOT / "src" / "tisot" / "data" / "beyond_ladder_fermi.nc"
FIGURE = ROOT / "docs" / "figures" / "beyond_ladder_fermi.png"
E, DZ = 1.0, 0.3

#: name: (kind, alpha, L / ell, method, realisations, q orders, eta / Gamma)
RUNS = {
    "a0.20": ("verdict", 0.2, 10.0, "dense", 32, (1,), (0.25, 0.5)),
    "a0.10": ("verdict", 0.1, 10.0, "dense", 48, (1, 2), (0.25, 0.5)),
    "a0.05": ("verdict", 0.05, 8.0, "kpm", 24, (1, 2), (0.25, 0.5)),
    "a0.03": ("verdict", 0.03, 6.0, "kpm", 12, (1, 2), (0.25, 0.5)),
    # exact (noiseless) traces at alpha = 0.05: the Hall value without random-vector noise
    "a0.07-dense": ("verdict", 0.07, 8.0, "dense", 16, (1,), (0.25, 0.5)),
    "a0.05-dense": ("verdict", 0.05, 6.0, "dense", 24, (1,), (0.25, 0.5)),
    "a0.10-L7": ("convergence", 0.1, 7.0, "dense", 24, (1, 2), (0.25, 0.5)),
    "a0.20-eta": ("convergence", 0.2, 10.0, "dense", 32, (1,), (0.125, 0.25, 0.5)),
    "a0.05-L6": ("convergence", 0.05, 6.0, "kpm", 16, (1,), (0.25, 0.5)),
    "a0.10-eta": ("convergence", 0.1, 10.0, "dense", 16, (1, 2), (0.125, 0.25, 0.5)),
    "a0.10-L13": ("convergence", 0.1, 13.0, "dense", 12, (1,), (0.25, 0.5)),
}


def model_for(alpha):
    return SurfaceModel(fermi_energy=E, exchange_energy=DZ, disorder=alpha)


def ladder_reference(alpha, q_values):
    """SCBA ladder (and + X + Psi) at eta -> 0: sigma_xx (Kubo-Streda I: RA + RR + AA, the exact
    code's quantity) and its RA part, sigma_xy, nu, gamma_q (response.exact.reference)."""
    m = model_for(alpha)
    ref = broadened_ladder(m, 1e-6 * broadening(m), q_values)
    nu = float(ref.dos)
    return {
        "ladder_sigma_xx": float(ref.sigma_xx),
        "ladder_sigma_xx_RA": float(ref.sigma_xx_RA),
        "ladder_sigma_xy": float(ref.sigma_xy_noncrossing),
        "crossed_sigma_xy": float(ref.sigma_xy_crossed),
        "eq9_sigma_xy": 8 * E * DZ**3 / (E * E + 3 * DZ * DZ) ** 2,
        "ladder_dos": nu,
        "ladder_gamma_q": ref.gamma_q.values,
        "ladder_D_q": ref.gamma_q.values / np.asarray(q_values) ** 2,
        "ladder_D_einstein": float(ref.sigma_xx) / (2 * math.pi * nu),
        "sigma0": m.sigma0,
        "paper_D": m.diffusion_constant,
        "ell": m.mean_free_path,
    }


def equal_eta_reference(ds):
    """The ladder at each of the run's broadenings eta and its q (no extrapolation)."""
    m = model_for(ds.attrs["alpha"])
    refs = [broadened_ladder(m, float(eta), ds.q.values) for eta in ds.eta.values]
    return {
        "ladder_sigma_xx_at_eta": [float(r.sigma_xx) for r in refs],
        "ladder_sigma_xx_RA_at_eta": [float(r.sigma_xx_RA) for r in refs],
        "ladder_sigma_xy_at_eta": [float(r.sigma_xy_noncrossing) for r in refs],
        "crossed_sigma_xy_at_eta": [float(r.sigma_xy_crossed) for r in refs],
        "ladder_dos_at_eta": [float(r.dos) for r in refs],
        "ladder_gamma_q_at_eta": [r.gamma_q.values for r in refs],
    }


def compute_one(name):
    kind, alpha, box_over_ell, method, n, orders, etas = RUNS[name]
    m = model_for(alpha)
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
    ds.attrs.update(name=name, kind=kind, alpha=alpha, seconds=time.time() - t)
    from tisot.io.store import save_dataset

    CACHE.mkdir(parents=True, exist_ok=True)
    save_dataset(ds, CACHE / f"{name}.nc")
    s = summarise(ds)
    print(name, f"{time.time() - t:.0f} s", {k: float(s[k]) for k in ("sigma_xx", "sigma_xy")})
    return ds


def gather():
    """Per-run summaries, the exact values at each eta, the raw per-realisation data and the
    ladder references (at eta -> 0 and at each eta, recomputed here) into the shipped dataset."""
    from tisot import __version__
    from tisot.io.store import load_dataset, save_dataset

    names = [name for name in RUNS if (CACHE / f"{name}.nc").exists()]
    runs = []
    for name in names:  # the estimators are recomputed from the raw data (summarise)
        r = summarise(load_dataset(CACHE / f"{name}.nc"))
        for k, v in ladder_reference(r.attrs["alpha"], r.q.values).items():
            r[k] = ("q", v) if np.ndim(v) else ((), v)
        for k, v in equal_eta_reference(r).items():
            r[k] = (("eta", "q") if np.ndim(v) == 2 else ("eta",), np.asarray(v))
        runs.append(r)
    dims = {"q": "q_order", "eta": "eta_index", "realisation": "realisation", "i": "i", "j": "j"}
    size = {d: max(r.sizes[d] for r in runs) for d in dims}
    raw_names = {"sigma": "raw_sigma", "dos": "raw_dos", "K00": "raw_K00"}

    def stack(k):
        def pad(v):
            if not v.dims:
                return float(v)
            widths = [(0, size[d] - n) for d, n in zip(v.dims, v.shape, strict=True)]
            return np.pad(np.asarray(v.values, float), widths, constant_values=np.nan)

        return ("run", *(dims[d] for d in runs[0][k].dims)), np.stack([pad(r[k]) for r in runs])

    keep = [k for k, v in runs[0].data_vars.items() if set(v.dims) <= set(dims)]
    out = xr.Dataset(
        {raw_names.get(k, k): stack(k) for k in keep}
        | {
            "q_value": stack("q"),
            "eta_value": stack("eta"),
            "eta_over_gamma": (
                ("run", "eta_index"),
                [
                    np.pad(
                        r.attrs["eta_over_gamma"],
                        (0, size["eta"] - r.sizes["eta"]),
                        constant_values=np.nan,
                    )
                    for r in runs
                ],
            ),
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
    for k in keep:
        if "units" in runs[0][k].attrs:
            out[raw_names.get(k, k)].attrs["units"] = runs[0][k].attrs["units"]
    out.attrs = {
        "description": "exact disorder average at the Fermi surface (plane waves |p| < 5 eps, "
        "streamed Chebyshev resolvents or dense traces, Lorentzian broadening eta) vs the SCBA "
        "ladder and ladder + crossed X/Psi, at eta -> 0 (extrapolated) and at each eta (equal "
        "broadening: the verdict); the ladder's sigma_xx is Kubo-Streda I (RA + RR + AA) like "
        "the exact code's; raw_* are the per-realisation traces; eps = 1, Delta_z = 0.3",
        "units": "model units hbar = v = 1; sigma in e^2/h",
        "tisot_version": __version__,
        "script": "examples/beyond_ladder_fermi.py",
    }
    out["box_sigma_xx_at_eta"] = box_sums(out)
    save_dataset(out, DATA)
    return out


def rr_split(alpha=0.2, samples=48, seed=3):
    """The exact sigma_xx at eta = Gamma/4 split into its RA and RR + AA parts (dense traces,
    L = 10 ell) against the ladder's two parts: the RR term is in the exact average too."""
    from tisot.response.exact import PlaneWaveBox
    from tisot.response.exact.average import VY
    from tisot.response.ladder import surface_parameters

    m = model_for(alpha)
    par = surface_parameters(m, 5.0)
    L = 10 * m.mean_free_path
    box = PlaneWaveBox(L, par.cutoff, par.bare_delta_z)
    eta = 0.25 * broadening(m)
    rng = np.random.default_rng(seed)
    parts = []
    for _ in range(samples):
        E, U = np.linalg.eigh(box.dense(box.potential(par.bare_disorder, rng)))
        Uk = U.reshape(box.px.size, 2, -1)
        vx = np.conj(U).T @ np.einsum("ab,kbj->kaj", VY, Uk).reshape(U.shape)  # j_x = sigma_y
        g_a = 1 / (par.bare_fermi_energy - 1j * eta - E)
        g_r = np.conj(g_a)
        ra = np.sum(vx * vx.T * g_r[None, :] * g_a[:, None]).real / L**2
        rr = np.sum(vx * vx.T * g_r[None, :] * g_r[:, None]).real / L**2  # = the AA term's
        parts.append((ra, -rr))
    parts = np.array(parts)
    ref = broadened_ladder(m, eta, crossed=False)
    mean, err = parts.mean(axis=0), parts.std(axis=0, ddof=1) / math.sqrt(samples)
    print(f"alpha = {alpha}, eta = Gamma/4, {samples} samples, L = 10 ell")
    print(f"  RA      exact {mean[0]:.3f} +- {err[0]:.3f}   ladder {float(ref.sigma_xx_RA):.3f}")
    print(
        f"  RR + AA exact {mean[1]:.3f} +- {err[1]:.3f}   ladder "
        f"{float(ref.sigma_xx - ref.sigma_xx_RA):.3f}"
    )


def compute(names):
    for name in names or RUNS:
        compute_one(name)
        gather()


def box_sums(ds):
    """box_sigma_xx_at_eta (run, eta_index): the ladder (RA + RR) summed over each run's own
    plane waves with the V_0 average (tisot.response.exact.lattice.box_ladder) at each of its
    broadenings, the finite-size shift the exact traces should show (~10 min in all)."""
    from rich.console import Console
    from rich.progress import track

    from tisot.response.exact.lattice import box_ladder

    out = np.full(ds.eta_value.shape, np.nan)
    for i in track(range(ds.sizes["run"]), "box sums", console=Console(stderr=True)):
        r = ds.isel(run=i)
        m = model_for(float(r.alpha))
        for e in range(int(r.n_eta)):
            eta = float(r.eta_value[e])
            out[i, e] = float(box_ladder(m, eta, float(r.box_over_ell * r.ell)).sigma_xx)
    attrs = {"units": "e^2/h", "long_name": "SCBA ladder (RA + RR) summed in the run's own box"}
    return xr.DataArray(out, dims=ds.eta_value.dims, attrs=attrs)


def box():
    """Add box_sums to the shipped data in place (without recomputing the runs)."""
    from tisot.io.store import load_dataset, save_dataset

    ds = load_dataset(DATA)
    ds["box_sigma_xx_at_eta"] = box_sums(ds)
    save_dataset(ds, DATA)


def plot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tisot.io.store import atomic_save_figure, load_dataset
    from tisot.response.exact.verdict import equal_eta_table, fermi_table

    ds = load_dataset(DATA)
    v = ds.where(ds.kind == "verdict", drop=True).sortby("alpha")
    a = v.alpha.values
    # the verdict at equal broadening: each run at its smallest eta (eta_index 0) and q = 2 pi/L
    x = v.isel(eta_index=0, q_order=0)
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.8))
    for ref, fmt, label in (
        ("ladder_sigma_xx_at_eta", "o", "ladder, Kubo-Streda I (RA + RR)"),
        ("ladder_sigma_xx_RA_at_eta", "s", "ladder RA part only (Eq. 8's K)"),
    ):
        r = x.sigma_xx_at_eta / x[ref]
        ax[0].errorbar(a, r, r * x.sigma_xx_at_eta_err / x.sigma_xx_at_eta, fmt=fmt, label=label)
    ax[0].axhline(1, color="k", lw=0.8, ls=":")
    ax[0].set(xlabel="alpha", ylabel="sigma_xx exact / ladder, equal eta", xscale="log")
    ax[0].legend(fontsize=7)
    for trace, fmt in (("dense", "o"), ("kpm", "D")):
        t = x.where(x.trace == trace, drop=True)
        ax[1].errorbar(
            t.alpha,
            t.sigma_xy_at_eta,
            t.sigma_xy_at_eta_err,
            fmt=fmt,
            mfc="none" if trace == "kpm" else None,
            color="C0",
            label=f"exact (I), {trace}, eta_min",
        )
    ax[1].plot(a, x.crossed_sigma_xy_at_eta, "s-", color="C1", label="ladder + X + Psi, eta_min")
    ax[1].plot(a, x.ladder_sigma_xy_at_eta, "^-", color="C2", label="noncrossing, eta_min")
    ax[1].plot(a, v.crossed_sigma_xy, "s:", color="C1", mfc="none", label="ladder + X + Psi, eta 0")
    ax[1].plot(a, v.ladder_sigma_xy, "^:", color="C2", mfc="none", label="noncrossing, eta 0")
    ax[1].axhline(float(v.eq9_sigma_xy[0]), color="k", lw=0.8, ls=":", label="Eq. (9)")
    ax[1].set(xlabel="alpha", ylabel="sigma_xy (e^2/h)", xscale="log")
    g = x.gamma_q_at_eta / x.ladder_gamma_q_at_eta
    ax[2].errorbar(
        a,
        g,
        g * x.gamma_q_at_eta_err / x.gamma_q_at_eta,
        fmt="o",
        label="density relaxation Gamma_q, equal eta",
    )
    n = x.dos_at_eta / x.ladder_dos_at_eta
    ax[2].errorbar(
        a * 1.05,
        n,
        n * x.dos_at_eta_err / x.dos_at_eta,
        fmt="s",
        mfc="none",
        label="density of states nu_eta, equal eta",
    )
    ax[2].axhline(1, color="k", lw=0.8, ls=":")
    ax[2].set(xlabel="alpha", ylabel="exact / SCBA ladder, equal eta", xscale="log")
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
    print(equal_eta_table(ds, kind=None))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "compute":
        compute(sys.argv[2:])
    elif len(sys.argv) > 1 and sys.argv[1] == "gather":
        gather()
    elif len(sys.argv) > 1 and sys.argv[1] == "box":
        box()
    elif len(sys.argv) > 1 and sys.argv[1] == "rr":
        rr_split()
    else:
        plot()
