"""Fig. 3 of the paper: m_H(t) at the diffusive spin-torque resonance, Eq. (18), and extensions.

Geometry (Sec. IV): H in the x-z plane at chi = pi/4 from the TI normal z, f(t) = f0 cos(omega t)
with f0 = 0.1 omega0, m starting along H; times in 1/omega0.

* top panel: several omega near omega0 at alpha_G = 0.005;
* bottom panel: omega = omega0 at several alpha_G, including 0 with Eq. (19) as dots;
* extensions (docs/theory-notes.md, section dynamics): the same bottom panel with the damping
  written as in the paper's Eq. (C2) (projection on H instead of z), and the value m_H settles
  at as a function of alpha_G for both forms, against the phase-averaged prediction
  m_H = 1/sqrt(2) for alpha_G < alpha_c, 1/sqrt(1 + (alpha_c/alpha_G)^2) above,
  alpha_c = f0 sin(2 chi) / (4 kappa omega0), kappa = 1 - sin^2(chi)/2 (Eq. 18) or 1 (Eq. C2).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import xarray as xr

from ..dynamics import MacrospinBatch, eq19_m_h, simulate
from ..io.store import atomic_save_figure

DAMPING_FORMS = ("eq18", "c2")
#: alpha_G values of the settling study (log-spaced across alpha_c = 0.025 .. 0.033)
SETTLE_ALPHAS = tuple(np.geomspace(0.004, 0.3, 16))


def settled_m_h(alpha_g, *, f0: float = 0.1, chi: float = np.pi / 4, form: str = "eq18"):
    """m_H where the resonant precession settles (phase-averaged Eq. 18 or C2, omega = omega0).

    Averaging over the fast precession phase gives, for the cone angle theta and the phase lag
    psi of the precession behind the drive (docs/theory-notes.md),

        dtheta/dt = -F cos(theta) sin(psi) - kappa alpha_G omega0 sin(theta),
        dpsi/dt   = -F cos(psi) cos(2 theta) / sin(theta),          F = f0 sin(2 chi) / 4,

    whose attracting fixed point is theta = pi/4 while kappa alpha_G omega0 < F and
    tan(theta) = F / (kappa alpha_G omega0), psi = -pi/2, above.
    """
    if form not in DAMPING_FORMS:
        raise ValueError(f"form must be one of {DAMPING_FORMS}, got {form!r}")
    kappa = 1.0 - np.sin(chi) ** 2 / 2 if form == "eq18" else 1.0
    alpha_c = f0 * abs(np.sin(2 * chi)) / (4 * kappa)
    alpha_g = np.asarray(alpha_g, dtype=float)
    with np.errstate(divide="ignore"):
        above = 1.0 / np.sqrt(1.0 + (alpha_c / alpha_g) ** 2)
    return np.where(alpha_g < alpha_c, 1.0 / np.sqrt(2.0), above)


def _batch(chi, f0, omega, alpha_g, form):
    h = np.array([np.sin(chi), 0.0, np.cos(chi)])
    axis = h if form == "c2" else (0.0, 0.0, 1.0)
    return MacrospinBatch.from_angle(chi, f0=f0, omega=omega, alpha_g=alpha_g, damping_axis=axis)


def compute(
    *,
    chi: float = np.pi / 4,
    f0: float = 0.1,
    omegas=(0.96, 0.98, 1.0, 1.02, 1.04),
    alpha_top: float = 0.005,
    alphas=(0.0, 0.001, 0.005, 0.01, 0.02),
    t_max: float = 1500.0,
    points: int = 1501,
    settle_alphas=SETTLE_ALPHAS,
    settle_time: float = 4000.0,
    rtol: float = 1e-8,
    progress: bool = False,
) -> xr.Dataset:
    """Both panels of Fig. 3, the C2 variant and the settled m_H(alpha_G), as one Dataset.

    Times and rates in units of omega0 = gamma H = 1. ``settle_alphas`` may be empty to skip the
    settling study (it averages m_H over the last quarter of ``settle_time``).
    """
    if not t_max > 0 or not settle_time > 0:
        raise ValueError(f"t_max and settle_time must be > 0, got {t_max!r}, {settle_time!r}")
    if int(points) < 2:
        raise ValueError(f"points must be >= 2, got {points!r}")
    t = np.linspace(0.0, t_max, int(points))
    omegas = np.asarray(omegas, dtype=float)
    alphas = np.asarray(alphas, dtype=float)
    opts = {"rtol": rtol, "atol": rtol * 1e-2, "progress": progress}
    top = simulate(_batch(chi, f0, omegas, alpha_top, "eq18"), None, t, **opts)
    bottom = {
        form: simulate(_batch(chi, f0, 1.0, alphas, form), None, t, **opts)
        for form in DAMPING_FORMS
    }
    ds = xr.Dataset(
        {
            "m_H_top": (("omega", "time"), top.m_H.values, {"units": "1"}),
            "m_H_bottom": (
                ("damping_form", "alpha_g", "time"),
                np.stack([bottom[f].m_H.values for f in DAMPING_FORMS]),
                {"units": "1"},
            ),
            "m_H_eq19": (("time",), eq19_m_h(t, f0, chi), {"units": "1", "equation": "Eq. (19)"}),
        },
        coords={
            "time": ("time", t, {"units": "1/omega0"}),
            "omega": ("omega", omegas, {"units": "omega0"}),
            "alpha_g": ("alpha_g", alphas, {"units": "1"}),
            "damping_form": ("damping_form", list(DAMPING_FORMS)),
        },
    )
    if len(settle_alphas):
        sa = np.asarray(settle_alphas, dtype=float)
        window = (0.75 * settle_time, settle_time)
        settled, theory, spread = [], [], []
        for form in DAMPING_FORMS:
            run = simulate(
                _batch(chi, f0, 1.0, sa, form),
                None,
                np.linspace(window[0], settle_time, 201),
                averages=window,
                **opts,
            )
            settled.append(run.m_H_mean.values)
            spread.append(np.ptp(run.m_H.values, axis=1))
            theory.append(settled_m_h(sa, f0=f0, chi=chi, form=form))
        ds = ds.assign_coords(alpha_settle=("alpha_settle", sa, {"units": "1"}))
        ds["m_H_settled"] = (("damping_form", "alpha_settle"), np.array(settled), {"units": "1"})
        ds["m_H_settled_spread"] = (("damping_form", "alpha_settle"), np.array(spread))
        ds["m_H_settled_theory"] = (("damping_form", "alpha_settle"), np.array(theory))
        ds.attrs["settle_window"] = np.array(window)
    diff = np.abs(ds.m_H_bottom.sel(damping_form="eq18") - ds.m_H_bottom.sel(damping_form="c2"))
    ds["c2_minus_eq18_max"] = diff.max("time").assign_attrs(
        long_name="max over time of |m_H(Eq. C2) - m_H(Eq. 18)|"
    )
    ds.attrs.update(
        {
            "title": "Fig. 3 of Sokolewicz et al., PRB 99, 214444 (2019), recomputed by tisot",
            "chi": chi,
            "f0": f0,
            "alpha_top": alpha_top,
            "rtol": rtol,
            "m0": "along H",
            "equation": top.attrs["equation"],
            "tisot_version": top.attrs["tisot_version"],
            "created": top.attrs["created"],
        }
    )
    return ds


def plot(ds: xr.Dataset, out_dir, *, formats=("png", "pdf")) -> list[Path]:
    """Write fig3.{png,pdf} (the paper's two panels) and, when present, fig3_c2 and
    fig3_settling; return the paths."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    t = ds.time.values
    inv_sqrt2 = 1 / np.sqrt(2)

    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(6.4, 6.4), sharex=True, constrained_layout=True)
    for w, row in zip(ds.omega.values, ds.m_H_top.values, strict=True):
        ax1.plot(t, row, lw=1, label=rf"$\omega = {w:g}\,\omega_0$")
    ax1.set_title(rf"$\alpha_G = {ds.attrs['alpha_top']:g}$, $f_0 = {ds.attrs['f0']:g}\,\omega_0$")
    bottom = ds.m_H_bottom.sel(damping_form="eq18")
    for a, row in zip(ds.alpha_g.values, bottom.values, strict=True):
        ax2.plot(t, row, lw=1, label=rf"$\alpha_G = {a:g}$")
    step = max(1, len(t) // 60)
    ax2.plot(t[::step], ds.m_H_eq19.values[::step], "k.", ms=3, label="Eq. (19)")
    ax2.set_title(r"$\omega = \omega_0$")
    for ax in (ax1, ax2):
        ax.axhline(inv_sqrt2, color="gray", ls="--", lw=0.8)
        ax.set_ylabel(r"$m_H$")
        ax.set_ylim(-0.05, 1.05)
        ax.legend(fontsize=7, loc="upper right", ncols=2)
    ax2.set_xlabel(r"$\omega_0 t$")
    written += [atomic_save_figure(fig, out_dir / f"fig3.{fmt}") for fmt in formats]
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(6.4, 3.6), constrained_layout=True)
    for i, a in enumerate(ds.alpha_g.values):
        c = f"C{i}"
        ax.plot(t, ds.m_H_bottom.sel(damping_form="eq18").values[i], c, lw=1, label=f"{a:g}")
        ax.plot(t, ds.m_H_bottom.sel(damping_form="c2").values[i], c, lw=1, ls=":")
    ax.axhline(inv_sqrt2, color="gray", ls="--", lw=0.8)
    ax.set_xlabel(r"$\omega_0 t$")
    ax.set_ylabel(r"$m_H$")
    ax.set_title(r"Eq. (18) (solid) vs Eq. (C2) (dotted), $\omega = \omega_0$")
    ax.legend(title=r"$\alpha_G$", fontsize=7, ncols=2)
    written += [atomic_save_figure(fig, out_dir / f"fig3_c2.{fmt}") for fmt in formats]
    plt.close(fig)

    if "m_H_settled" in ds:
        fig, ax = plt.subplots(figsize=(6.4, 3.6), constrained_layout=True)
        a = ds.alpha_settle.values
        fine = np.geomspace(a.min(), a.max(), 400)
        for i, form in enumerate(DAMPING_FORMS):
            label = "Eq. (18)" if form == "eq18" else "Eq. (C2)"
            ax.plot(a, ds.m_H_settled.values[i], f"C{i}o", ms=4, label=f"{label}, simulated")
            ax.plot(
                fine,
                settled_m_h(fine, f0=ds.attrs["f0"], chi=ds.attrs["chi"], form=form),
                f"C{i}-",
                lw=1,
                label=f"{label}, phase-averaged",
            )
        ax.axhline(inv_sqrt2, color="gray", ls="--", lw=0.8)
        ax.set_xscale("log")
        ax.set_xlabel(r"$\alpha_G$")
        ax.set_ylabel(r"settled $m_H$")
        ax.set_title(rf"$\omega = \omega_0$, $f_0 = {ds.attrs['f0']:g}\,\omega_0$")
        ax.legend(fontsize=7)
        written += [atomic_save_figure(fig, out_dir / f"fig3_settling.{fmt}") for fmt in formats]
        plt.close(fig)
    return written


def write(ds: xr.Dataset, out_dir) -> Path:
    """Save the dataset as ``out_dir/fig3.nc`` (atomic)."""
    from ..io.store import save_dataset

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return save_dataset(ds, out_dir / "fig3.nc")
