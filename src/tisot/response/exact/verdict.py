"""The shipped verdict data (exact average vs ladder, crossed diagrams, Eq. 9) as tables.

``src/tisot/data/beyond_ladder.nc`` (Kubo-Bastin, dense traces, small boxes) is written by
``examples/beyond_ladder_verdict.py compute`` and ``beyond_ladder_fermi.nc`` (Fermi surface,
streamed resolvents, larger boxes and the density response) by
``examples/beyond_ladder_fermi.py compute`` (both slow); reading them is instant, so
``tisot paper`` prints the verdict without recomputing.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import xarray as xr

DATA_FILE = "beyond_ladder.nc"
FERMI_FILE = "beyond_ladder_fermi.nc"
COOPERON_FILE = "beyond_ladder_cooperon.nc"
LIMIT_FILE = "beyond_ladder_limit.nc"
LARGE_ETA_FILE = "beyond_ladder_large_eta.nc"
SMALL_ALPHA_FILE = "beyond_ladder_small_alpha.nc"
THREE_LINE_FILE = "beyond_ladder_three_line.nc"

#: the code the shipped diagram columns (ladder, X + Psi, the Cooperon series, the box sums)
#: depend on: their ``diagrams_source`` attribute is its hash, so that the example scripts
#: reuse a shipped value only if this code is unchanged
DIAGRAM_SOURCES = (
    "_validation.py",
    "constants.py",
    "model",
    "response/_crossed_common.py",
    "response/_ladder_kernel.py",
    "response/_ladder_reference.py",
    "response/analytic.py",
    "response/cooperon.py",
    "response/crossed.py",
    "response/ladder.py",
    "response/one_crossing.py",
    "response/selfenergy.py",
    "response/exact/average.py",
    "response/exact/box.py",
    "response/exact/kpm.py",
    "response/exact/lattice.py",
    "response/exact/reference.py",
)


def diagrams_version() -> str:
    """The hash of DIAGRAM_SOURCES (``io.dataset.source_hash``)."""
    from ...io.dataset import source_hash

    return source_hash(*DIAGRAM_SOURCES)


def load_verdict(name: str = DATA_FILE) -> xr.Dataset | None:
    """The cached verdict dataset ``name`` (DATA_FILE, FERMI_FILE, COOPERON_FILE, LIMIT_FILE,
    LARGE_ETA_FILE, SMALL_ALPHA_FILE or THREE_LINE_FILE), or None if not shipped."""
    from ...io.store import load_dataset

    path = resources.files("tisot") / "data" / name
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
        "ladder + X + Ψ | noncrossing | Eq. (9) | D Einstein exact | D Einstein ladder |",
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


def fermi_table(ds: xr.Dataset | None = None, kind: str = "verdict") -> str:
    """Markdown table of the Fermi-surface runs of ``kind`` ("verdict" or "convergence")."""
    ds = load_verdict(FERMI_FILE) if ds is None else ds
    if ds is None:
        return ""
    v = ds.where(ds.kind == kind, drop=True)
    lines = [
        "| α | L/ℓ | basis | trace | samples | σ_xx exact | σ_xx ladder | σ_xy^I exact | "
        "ladder + X + Ψ | noncrossing | qℓ | D(q) density | D(q) ladder | D Einstein | "
        "D Einstein, ladder |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def pm(x, e):
        return f"{x:.3f} ± {e:.3f}"

    for i in range(v.sizes["run"]):
        r = v.isel(run=i)
        f = {k: float(r[k]) for k in r.data_vars if r[k].ndim == 0}
        lines.append(
            f"| {f['alpha']:.2f} | {f['box_over_ell']:.1f} | {int(f['basis_size'])} | "
            f"{r.trace.values!s} | {int(f['realisations'])} | "
            f"{pm(f['sigma_xx'], f['sigma_xx_err'])} | {f['ladder_sigma_xx']:.3f} | "
            f"{pm(f['sigma_xy'], f['sigma_xy_err'])} | {f['crossed_sigma_xy']:.3f} | "
            f"{f['ladder_sigma_xy']:.3f} | {float(r.q_value[0]) * f['ell']:.2f} | "
            f"{pm(float(r.D_q[0]), float(r.D_q_err[0]))} | {float(r.ladder_D_q[0]):.3f} | "
            f"{pm(f['D_einstein'], f['D_einstein_err'])} | {f['ladder_D_einstein']:.3f} |"
        )
    return "\n".join(lines)


def equal_eta_table(ds: xr.Dataset | None = None, kind: str | None = "verdict") -> str:
    """The verdict at equal broadening: exact / ladder at each eta and q of the runs of ``kind``
    (None: all), no extrapolation. The ladder side is
    :func:`tisot.response.exact.reference.broadened_ladder` (sigma_xx as Kubo-Streda I)."""
    ds = load_verdict(FERMI_FILE) if ds is None else ds
    if ds is None or "sigma_xx_at_eta" not in ds:
        return ""
    v = ds if kind is None else ds.where(ds.kind == kind, drop=True)
    box = "box_sigma_xx_at_eta" in v  # the ladder summed in the run's own box (lattice.py)
    lines = [
        "| α | L/ℓ | trace | samples | η/Γ | σ_xx exact / ladder | "
        + ("σ_xx exact / ladder in the box | " if box else "")
        + "σ_xy^I exact | ladder + X + Ψ | noncrossing | qℓ | Γ_q exact / ladder |",
        "|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if box else ""),
    ]
    order = sorted(
        range(v.sizes["run"]), key=lambda i: (-float(v.alpha[i]), float(v.box_over_ell[i]))
    )
    for i in order:  # by alpha, then box
        r = v.isel(run=i)
        for e in range(int(r.n_eta)):
            x = r.isel(eta_index=e, q_order=0)
            ratio = float(x.sigma_xx_at_eta / x.ladder_sigma_xx_at_eta)
            rel = float(x.sigma_xx_at_eta_err / x.sigma_xx_at_eta)
            g = float(x.gamma_q_at_eta / x.ladder_gamma_q_at_eta)
            in_box = ""
            if box:
                b = float(x.sigma_xx_at_eta / x.box_sigma_xx_at_eta)
                in_box = f"{b:.3f} ± {b * rel:.3f} | "
            lines.append(
                f"| {float(r.alpha):.2f} | {float(r.box_over_ell):.0f} | {r.trace.values!s} | "
                f"{int(r.realisations)} | {float(x.eta_over_gamma):.3f} | {ratio:.3f} ± "
                f"{ratio * rel:.3f} | {in_box}"
                f"{float(x.sigma_xy_at_eta):.3f} ± {float(x.sigma_xy_at_eta_err):.3f} | "
                f"{float(x.crossed_sigma_xy_at_eta):.3f} | {float(x.ladder_sigma_xy_at_eta):.3f} | "
                f"{float(x.q_value * r.ell):.2f} | {g:.3f} ± "
                f"{g * float(x.gamma_q_at_eta_err / x.gamma_q_at_eta):.3f} |"
            )
    return "\n".join(lines)


def hall_residuals(run: xr.Dataset) -> dict[str, np.ndarray]:
    """One run of COOPERON_FILE: the exact Hall value (xy - yx)/2 per eta, its standard error over
    samples, and its residuals against ladder + X + Psi and + the Cooperon series."""
    s = run.raw_sigma.values  # (realisation, eta, i, j), NaN-padded
    hall = 0.5 * (s[..., 0, 1] - s[..., 1, 0])
    hall = hall[~np.isnan(hall).any(axis=1)]
    mean = hall.mean(axis=0)
    err = hall.std(axis=0, ddof=1) / np.sqrt(hall.shape[0])
    out = {
        "exact": mean,
        "err": err,
        "crossed": mean - run.crossed_sigma_xy.values,
        "cooperon": mean - run.cooperon_sigma_xy.values,
    }
    if "box_sigma_xy_cooperon" in run:  # the same diagrams summed in the exact box (lattice.py)
        out["box"] = mean - run.box_sigma_xy_cooperon.values
    return out


def box_table(ds: xr.Dataset | None = None) -> str:
    """sigma_xx of COOPERON_FILE's runs: exact against the diagrams in the plane and in the
    exact box (lattice.box_ladder), per eta above the level spacing; "" without data."""
    ds = load_verdict(COOPERON_FILE) if ds is None else ds
    if ds is None or "box_sigma_xx" not in ds:
        return ""
    lines = [
        "| α | L/ℓ | samples | η/Γ | σ_xx^I exact | plane | in the box | exact/plane | exact/box |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for i in range(ds.sizes["run"]):
        r = ds.isel(run=i)
        s = r.raw_sigma.values[..., 0, 0] * 0.5 + r.raw_sigma.values[..., 1, 1] * 0.5
        s = s[~np.isnan(s).any(axis=1)]
        mean, err = s.mean(axis=0), s.std(axis=0, ddof=1) / np.sqrt(s.shape[0])
        for e in range(r.sizes["eta_index"]):
            if float(r.eta_over_gamma[e]) < float(r.level_spacing_over_gamma):
                continue
            plane, box = float(r.ladder_sigma_xx[e]), float(r.box_sigma_xx[e])
            lines.append(
                f"| {float(r.alpha):.2f} | {float(r.box_over_ell):.0f} | {s.shape[0]} | "
                f"{float(r.eta_over_gamma[e]):.3f} | {mean[e]:.3f} ± {err[e]:.3f} | {plane:.3f} | "
                f"{box:.3f} | {mean[e] / plane:.3f} ± {err[e] / plane:.3f} | "
                f"{mean[e] / box:.3f} ± {err[e] / box:.3f} |"
            )
    return "\n".join(lines)


def cooperon_table(ds: xr.Dataset | None = None) -> str:
    """The Hall residual against eta (docs/beyond-ladder.md, section 3c); "" without data."""
    ds = load_verdict(COOPERON_FILE) if ds is None else ds
    if ds is None:
        return ""
    box = "box_sigma_xy_cooperon" in ds
    lines = [
        "| α | L/ℓ | samples | Γ_c/Γ | η/Γ | σ_xy^I exact | noncrossing | ladder + X + Ψ | "
        "+ Cooperon series | exact − (+ X + Ψ) | exact − (+ Cooperon) |"
        + (" exact − (+ Cooperon, in the box) |" if box else ""),
        "|---|---|---|---|---|---|---|---|---|---|---|" + ("---|" if box else ""),
    ]
    for i in range(ds.sizes["run"]):
        r = ds.isel(run=i)
        h = hall_residuals(r)
        for e in range(r.sizes["eta_index"]):
            sigma = h["err"][e]
            err = f"{sigma:.3f}" if sigma >= 5e-4 else f"{sigma:.4f}"  # not "± 0.000"
            lines.append(
                f"| {float(r.alpha):.2f} | {float(r.box_over_ell):.0f} | {int(r.realisations)} | "
                f"{float(r.cooperon_mass_over_gamma):.2f} | {float(r.eta_over_gamma[e]):.3f} | "
                f"{h['exact'][e]:.3f} ± {err} | {float(r.ladder_sigma_xy[e]):.3f} | "
                f"{float(r.crossed_sigma_xy[e]):.3f} | {float(r.cooperon_sigma_xy[e]):.3f} | "
                f"{h['crossed'][e]:+.3f} ± {err} | {h['cooperon'][e]:+.3f} ± {err} |"
                + (f" {h['box'][e]:+.3f} ± {err} |" if box else "")
            )
    return "\n".join(lines)


#: the broadenings of ``one_crossing_table`` (where the exact errors are small against the set)
ONE_CROSSING_ETAS = (0.25, 0.5, 1.0, 2.0)


def exact_means(run: xr.Dataset) -> dict[str, np.ndarray]:
    """Per eta: the exact sigma_xx^I = (xx + yy)/2 and Hall value (xy - yx)/2, their standard
    errors over samples."""
    s = run.raw_sigma.values
    s = s[~np.isnan(s).any(axis=(1, 2, 3))]
    out = {}
    for key, v in (
        ("xx", 0.5 * (s[..., 0, 0] + s[..., 1, 1])),
        ("xy", 0.5 * (s[..., 0, 1] - s[..., 1, 0])),
    ):
        out[key] = v.mean(axis=0)
        out[key + "_err"] = v.std(axis=0, ddof=1) / np.sqrt(v.shape[0])
    return out


def one_crossing_table(ds: xr.Dataset | None = None) -> str:
    """The exact average against the whole one-crossing set (response.one_crossing), per run of
    COOPERON_FILE at ONE_CROSSING_ETAS (docs/beyond-ladder.md, 3d): sigma_xx against the ladder,
    sigma_xy against + the Cooperon series, and "share", the part of the set's correction the
    exact value shows, (exact - without)/(with - without); "" without data."""
    ds = load_verdict(COOPERON_FILE) if ds is None else ds
    if ds is None or "one_crossing_sigma_xy" not in ds:
        return ""
    lines = [
        "| α | L/ℓ | η/Γ | σ_xx^I exact | ladder | + one-crossing set | share | σ_xy^I exact | "
        "+ Cooperon series | + one-crossing set | share |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i in range(ds.sizes["run"]):
        r = ds.isel(run=i)
        x = exact_means(r)
        for e in range(r.sizes["eta_index"]):
            if not np.any(np.isclose(float(r.eta_over_gamma[e]), ONE_CROSSING_ETAS)):
                continue
            cells = [
                f"| {float(r.alpha):.2f} | {float(r.box_over_ell):.0f} | "
                f"{float(r.eta_over_gamma[e]):.2f} |"
            ]
            for key, without, with_set in (
                ("xx", r.ladder_sigma_xx, r.one_crossing_sigma_xx),
                ("xy", r.cooperon_sigma_xy, r.one_crossing_sigma_xy),
            ):
                cells.append(
                    _share_cells(
                        x[key][e], x[key + "_err"][e], float(without[e]), float(with_set[e])
                    )
                )
            lines.append("".join(cells))
    return "\n".join(lines)


def _error(err: float) -> str:
    """A standard error to four decimals, or to one digit where that would print 0.0000."""
    return f"{err:.4f}" if err >= 5e-5 else f"{err:.0e}"


def _share_cells(mean: float, err: float, without: float, with_set: float) -> str:
    """Table cells: exact ± err | without the set | with it | share ± err (one_crossing_table)."""
    step = with_set - without
    return (
        f" {mean:.4f} ± {_error(err)} | {without:.4f} | {with_set:.4f} | "
        f"{(mean - without) / step:.2f} ± {err / abs(step):.2f} |"
    )


def large_eta_table(ds: xr.Dataset | None = None) -> str:
    """LARGE_ETA_FILE (examples/beyond_ladder_cooperon.py large-eta): the exact average at
    eta = Gamma ... 16 Gamma against the one-crossing set, the whole second order beyond the
    ladder (in both pairs of Kubo-Streda I's sigma_xx; sigma_xy has no RR part). "share" as in
    one_crossing_table, measured from the same diagrams summed in the run's box
    (lattice.box_ladder), which removes the exact values' finite-size shift; "" without data."""
    ds = load_verdict(LARGE_ETA_FILE) if ds is None else ds
    if ds is None:
        return ""
    lines = [
        "| α | L/ℓ | samples | η/Γ | σ_xx^I exact | ladder in the box | one-crossing step | "
        "share | σ_xy^I exact | + Cooperon series in the box | one-crossing step | share |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    columns = (
        ("exact_sigma_xx", "sigma_xx", "sigma_xx_one_crossing", "box_sigma_xx"),
        ("exact_sigma_xy", "sigma_xy_cooperon", "sigma_xy_one_crossing", "box_sigma_xy_cooperon"),
    )
    for i in range(ds.sizes["run"]):
        r = ds.isel(run=i)
        for e in range(r.sizes["eta_index"]):
            cells = (
                f"| {float(r.alpha):.2f} | {float(r.box_over_ell):.0f} | {int(r.realisations)} | "
                f"{float(r.eta_over_gamma[e]):g} |"
            )
            for exact, without, with_set, box in columns:
                mean, err = float(r[exact][e]), float(r[exact + "_err"][e])
                step = float(r[with_set][e]) - float(r[without][e])
                cells += (
                    f" {mean:.4f} ± {_error(err)} | {float(r[box][e]):.4f} | {step:+.1e} | "
                    f"{(mean - float(r[box][e])) / step:.2f} ± {err / abs(step):.2f} |"
                )
            lines.append(cells)
    return "\n".join(lines)


def three_line_residuals(ds: xr.Dataset) -> dict[str, np.ndarray]:
    """Per point of THREE_LINE_FILE: the exact sigma_xy^I's residual after the one-crossing set
    (exact - the box's ladder + X + Psi + series - the set's step in the plane), its error, the
    three-line sum beyond the series (two crossings + partners) and the residual after it;
    sigma_xx likewise (exact - the box's ladder - the set's step), whose three-line sum is the
    whole third order, X_3 + Psi_3 included: its residual subtracts no part of the series, and
    the partners without X_3 + Psi_3 keep no Ward identity."""
    set_xy = ds.sigma_xy_one_crossing - ds.sigma_xy_cooperon
    set_xx = ds.sigma_xx_one_crossing - ds.sigma_xx
    after_xy = (ds.exact_sigma_xy - ds.box_sigma_xy_cooperon - set_xy).values
    after_xx = (ds.exact_sigma_xx - ds.box_sigma_xx - set_xx).values
    three_xy = (ds.two_crossings_sigma_xy + ds.partners_sigma_xy).values
    three_xx = (ds.two_crossings_sigma_xx + ds.partners_sigma_xx + ds.series_n3_sigma_xx).values
    out = {
        "set_xy": set_xy.values,
        "after_set_xy": after_xy,
        "err_xy": ds.exact_sigma_xy_err.values,
        "three_xy": three_xy,
        "after_all_xy": after_xy - three_xy,
        "after_set_xx": after_xx,
        "err_xx": ds.exact_sigma_xx_err.values,
        "three_xx": three_xx,
    }
    if "family_series_sigma_xx" in ds:  # the maximally crossed family at every order
        family_xx = (ds.family_series_sigma_xx + ds.family_partners_sigma_xx).values
        out |= {"family_xx": family_xx, "after_family_xx": after_xx - family_xx}
    return out


def three_line_table(ds: xr.Dataset | None = None) -> str:
    """THREE_LINE_FILE (examples/beyond_ladder_three_line.py): the exact Hall residual after the
    one-crossing set against the three-line classes (response.three_line), the whole third
    order with the Cooperon series; sigma_xx's likewise, the last two columns; "" without
    data."""
    ds = load_verdict(THREE_LINE_FILE) if ds is None else ds
    if ds is None:
        return ""
    r = three_line_residuals(ds)
    lines = [
        "| α | L/ℓ | samples | η/Γ | σ_xy^I exact − box diagrams | the set's rest | "
        "residual after the set | two crossings | partners | after the three lines | "
        "σ_xx^I residual after the set | three lines in σ_xx |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i in range(ds.sizes["point"]):
        err = _error(float(r["err_xy"][i]))
        lines.append(
            f"| {float(ds.alpha[i]):.2f} | {float(ds.box_over_ell[i]):.0f} | "
            f"{int(ds.realisations[i])} | {float(ds.eta_over_gamma[i]):g} | "
            f"{float(ds.exact_sigma_xy[i] - ds.box_sigma_xy_cooperon[i]):+.4f} ± {err} | "
            f"{r['set_xy'][i]:+.4f} | {r['after_set_xy'][i]:+.4f} ± {err} | "
            f"{float(ds.two_crossings_sigma_xy[i]):+.4f} | {float(ds.partners_sigma_xy[i]):+.4f} | "
            f"{r['after_all_xy'][i]:+.4f} ± {err} | "
            f"{r['after_set_xx'][i]:+.4f} ± {_error(float(r['err_xx'][i]))} | "
            f"{r['three_xx'][i]:+.4f} |"
        )
    return "\n".join(lines)


def cooperon_family_table(ds: xr.Dataset | None = None) -> str:
    """THREE_LINE_FILE's sigma_xx: the exact residual after the one-crossing set against the
    maximally crossed family at every order (response.maximally_crossed), the Cooperon series'
    X + Psi and their partners, which together keep the Ward identity; the two-crossing class
    and the Hall partners (n = 3 and every order) beside; "" without data."""
    ds = load_verdict(THREE_LINE_FILE) if ds is None else ds
    if ds is None or "family_series_sigma_xx" not in ds:
        return ""
    r = three_line_residuals(ds)
    lines = [
        "| α | L/ℓ | samples | η/Γ | σ_xx^I residual after the set | series' X + Ψ | "
        "their partners | the family | after the family | two crossings | "
        "σ_xy partners, n = 3 | σ_xy partners, every n |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i in range(ds.sizes["point"]):
        err = _error(float(r["err_xx"][i]))
        lines.append(
            f"| {float(ds.alpha[i]):.2f} | {float(ds.box_over_ell[i]):.0f} | "
            f"{int(ds.realisations[i])} | {float(ds.eta_over_gamma[i]):g} | "
            f"{r['after_set_xx'][i]:+.4f} ± {err} | "
            f"{float(ds.family_series_sigma_xx[i]):+.4f} | "
            f"{float(ds.family_partners_sigma_xx[i]):+.4f} | {r['family_xx'][i]:+.4f} | "
            f"{r['after_family_xx'][i]:+.4f} ± {err} | "
            f"{float(ds.two_crossings_sigma_xx[i]):+.4f} | "
            f"{float(ds.partners_sigma_xy[i]):+.4f} | {float(ds.family_partners_sigma_xy[i]):+.4f} |"
        )
    return "\n".join(lines)


def small_alpha_means(run: xr.Dataset) -> dict[str, np.ndarray]:
    """One run of SMALL_ALPHA_FILE, per eta: the exact sigma_xx^I and Hall value (``exact_means``)
    and the density relaxation rate Gamma_q = 2 pi nu_eta / K00(q) - 2 eta (the diffusion pole
    of K00, Eqs. 12-13, K00 = 2 pi nu / (Gamma_q + 2 eta); beyond-ladder.md 3b) from the sample means of nu and of K00
    (x and y averaged), with its jackknife error."""
    from .fermi import jackknife

    out = exact_means(run)
    nu, k00 = run.raw_nu.values, run.raw_k00.values.mean(axis=-1)
    keep = ~(np.isnan(nu).any(axis=1) | np.isnan(k00).any(axis=1))
    eta = run.eta_over_gamma.values * float(run.gamma)
    samples = np.stack([nu[keep], k00[keep]], axis=1)  # (realisation, 2, eta)
    out["gamma_q"], out["gamma_q_err"] = jackknife(
        lambda m: 2 * np.pi * m[0] / m[1] - 2 * eta, samples
    )
    return out


def small_alpha_table(ds: xr.Dataset | None = None) -> str:
    """SMALL_ALPHA_FILE (examples/beyond_ladder_cooperon.py small-alpha): the exact average down to
    alpha = 0.01 (a smaller cutoff p_c, the same in the diagrams) against the diagrams at the
    same eta: sigma_xx^I over the ladder in the plane and in the box, sigma_xy^I against the
    noncrossing ladder, + X + Psi and + the Cooperon series (in the plane; its residual also in
    the box), and Gamma_q over the ladder's at q = 2 pi / L; "" without data."""
    ds = load_verdict(SMALL_ALPHA_FILE) if ds is None else ds
    if ds is None:
        return ""
    lines = [
        "| α | p_c | L/ℓ | samples | η/Γ | σ_xx^I exact/ladder | exact/box | σ_xy^I exact | "
        "noncrossing | + X + Ψ | + Cooperon | exact − (+ Cooperon, in the box) | "
        "Γ_q exact/ladder |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i in range(ds.sizes["run"]):
        r = ds.isel(run=i)
        x = small_alpha_means(r)
        for e in range(r.sizes["eta_index"]):
            plane, box = float(r.sigma_xx[e]), float(r.box_sigma_xx[e])
            gq = float(r.gamma_q[e])
            xx, dxx, xy, dxy = x["xx"][e], x["xx_err"][e], x["xy"][e], x["xy_err"][e]
            lines.append(
                f"| {float(r.alpha):.3g} | {float(r.cutoff):g} | {float(r.box_over_ell):.0f} | "
                f"{int(r.realisations)} | {float(r.eta_over_gamma[e]):.3f} | "
                f"{xx / plane:.3f} ± {dxx / plane:.3f} | {xx / box:.3f} ± {dxx / box:.3f} | "
                f"{xy:.3f} ± {dxy:.3f} | {float(r.sigma_xy_noncrossing[e]):.3f} | "
                f"{float(r.sigma_xy_crossed[e]):.3f} | {float(r.sigma_xy_cooperon[e]):.3f} | "
                f"{xy - float(r.box_sigma_xy_cooperon[e]):+.3f} ± {dxy:.3f} | "
                f"{x['gamma_q'][e] / gq:.3f} ± {x['gamma_q_err'][e] / gq:.3f} |"
            )
    return "\n".join(lines)


def limit_fits(alphas, values) -> dict[str, float]:
    """sigma_xy(alpha -> 0) from the three smallest alpha with finite values (NaN: a point not
    computed): the exact solves of s0 + a alpha + b alpha^2 ("power") and of s0 + a alpha
    ln(1/alpha) + b alpha ("log") through them. The
    crossed diagrams' misfit to Eq. (9) is a power series in alpha (section 1); the Cooperon
    series' Hall entry goes as alpha ln(1/alpha) (its momentum integral runs from 1/ell to k_F)."""
    a, v = np.asarray(alphas, dtype=float), np.asarray(values, dtype=float)
    if a.shape != v.shape or a.ndim != 1:
        raise ValueError(f"need one value per alpha, got alphas {a.tolist()!r}")
    a, v = a[np.isfinite(v)], v[np.isfinite(v)]  # points not computed are NaN
    if a.size < 3 or not np.all((a > 0) & (a < 1)):
        raise ValueError(
            f"need >= 3 alphas in (0, 1) with finite values, got alphas {a.tolist()!r}"
        )
    order = np.argsort(a)[:3]
    a, v = a[order], v[order]
    one = np.ones(3)
    power = np.linalg.solve(np.column_stack([one, a, a * a]), v)
    logarithm = np.linalg.solve(np.column_stack([one, a * np.log(1 / a), a]), v)
    return {"power": float(power[0]), "log": float(logarithm[0])}


def _cell(value: float, form: str) -> str:
    return form.format(value) if np.isfinite(value) else "—"


def limit_table(ds: xr.Dataset | None = None) -> str:
    """sigma_xy of the diagrams as alpha -> 0 per Delta_z (LIMIT_FILE: examples/
    beyond_ladder_cooperon.py limit; docs/beyond-ladder.md, 3c) with limit_fits'
    extrapolations (power / log) against Eq. (9) and the noncrossing ladder's own limit; "—"
    where the Cooperon series was not computed (its grid too large)."""
    ds = load_verdict(LIMIT_FILE) if ds is None else ds
    if ds is None:
        return ""
    columns = ("sigma_xy_noncrossing", "sigma_xy_crossed", "sigma_xy_cooperon")
    lines = [
        "| Δ_z | α | noncrossing | ladder + X + Ψ | + Cooperon series | series' Hall entry | "
        "entry / (α ln(1/α)) |",
        "|---|---|---|---|---|---|---|",
    ]
    eps = float(ds.attrs.get("fermi_energy", 1.0))
    a = ds.alpha.values
    for dz in ds.delta_z.values:
        r = ds.sel(delta_z=dz)
        for i in np.argsort(a)[::-1]:
            if not np.isfinite(float(r.sigma_xy_noncrossing[i])):
                continue  # not computed
            entry = float(r.hall_entry_cooperon[i])  # NaN: the Cooperon grid too large
            cells = " | ".join(_cell(float(r[c][i]), "{:.4f}") for c in columns)
            ratio = entry / (a[i] * np.log(1 / a[i]))
            lines.append(
                f"| {dz:g} | {a[i]:g} | {cells} | {_cell(entry, '{:+.4f}')} | "
                f"{_cell(ratio, '{:+.3f}')} |"
            )
        fits = [limit_fits(a, r[c].values) for c in columns]
        cells = " | ".join(f"{f['power']:.4f} / {f['log']:.4f}" for f in fits)
        lines.append(f"| {dz:g} | → 0 (fits: power / log) | {cells} | | |")
        noncrossing = 4 * eps * dz * (eps**2 + dz**2) / (eps**2 + 3 * dz**2) ** 2
        eq9 = float(r.eq9_sigma_xy)
        lines.append(
            f"| {dz:g} | closed form | {noncrossing:.4f} | Eq. (9): {eq9:.4f} | {eq9:.4f} | | |"
        )
    return "\n".join(lines)
