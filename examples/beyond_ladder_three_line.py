"""The three-line diagrams (tisot.response.three_line) against the exact average's Hall residual
after the one-crossing set.

    python examples/beyond_ladder_three_line.py compute    # ~10 min on 2 cores -> shipped data
    python examples/beyond_ladder_three_line.py table      # the tables of docs/beyond-ladder.md, 3f-3g
    python examples/beyond_ladder_three_line.py box        # 3g's family in the exact boxes (~1 min)
    python examples/beyond_ladder_three_line.py q0         # 3g's Q = 0 double counting (~30 s)

Every skeleton diagram with three disorder lines is in one of two classes: the two-crossing
ring (one line crosses the other two) and the maximally crossed one, whose cuts with no line or
one line on one arc are the Cooperon series' third terms and whose other cuts, with its
self-energy inserted, are their "partners". Both classes together with the ladder, the
one-crossing set and the series make the whole third order in the number of crossed lines.

The maximally crossed family summed over every order n >= 3 (response.maximally_crossed) is
conserving, unlike the series alone: its X + Psi part (whose Hall entry the series column
already has) and its partners are stored too, for sigma_xx (docs/beyond-ladder.md, 3g).

For each run and broadening of the shipped exact data (beyond_ladder_cooperon.nc, and
beyond_ladder_large_eta.nc at 4 Gamma) this computes these shifts of sigma_xy and of
Kubo-Streda I's sigma_xx (RA and RR pairs, dressed by Eq. 11, to first order), and stores
them beside the exact values and the diagrams already shipped, in
src/tisot/data/beyond_ladder_three_line.nc (``tisot paper`` prints its table).
eps = 1, Delta_z = 0.3, p_c = 5 eps, model parameters read as renormalised (as the ladder).
"""

from __future__ import annotations

import math
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import xarray as xr

from tisot.model import SurfaceModel
from tisot.response._ladder_kernel import PAULI
from tisot.response.analytic import conductivity
from tisot.response.cooperon import _cooperon_grid
from tisot.response.exact.verdict import (
    COOPERON_FILE,
    LARGE_ETA_FILE,
    THREE_LINE_FILE,
    cooperon_family_table,
    exact_means,
    load_verdict,
    three_line_residuals,
    three_line_table,
)
from tisot.response.ladder import surface_parameters
from tisot.response.maximally_crossed import _maximally_crossed_on
from tisot.response.three_line import _three_line_on

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "tisot" / "data" / THREE_LINE_FILE
DZ, CUTOFF = 0.3, 5.0
#: (file, run, eta / Gamma): the broadenings where the classes are computed
POINTS = (
    *((COOPERON_FILE, "a0.20", r) for r in (0.25, 0.5, 1.0, 2.0)),
    (LARGE_ETA_FILE, "a0.20", 4.0),
    *((COOPERON_FILE, "a0.10", r) for r in (0.25, 0.5, 1.0, 2.0)),
    (LARGE_ETA_FILE, "a0.10", 4.0),
    *((COOPERON_FILE, "a0.05", r) for r in (0.5, 1.0, 2.0)),
    *((COOPERON_FILE, "a0.03", r) for r in (1.0, 2.0)),
)
CLASSES = ("two crossings", "partners")
#: the maximally crossed family at every order, by its parts (response.maximally_crossed.PARTS)
FAMILY = {"family series": ("x", "psi"), "family partners": ("partner cuts", "insertion")}


def model_for(alpha):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # RegimeWarning at alpha > 0.1
        return SurfaceModel(fermi_energy=1.0, exchange_energy=DZ, disorder=alpha)


def _first_order(bubble, kernel, alpha):
    """d sigma (2, 2) to first order in ``kernel``: K = M [1 - pi alpha M]^-1 (Eq. 11) moves by
    R dM R, R = [1 - pi alpha M]^-1; linear, so the shifts of the parts add up to the whole's."""
    R = np.linalg.inv(np.eye(4) - np.pi * alpha * bubble)
    return conductivity((R @ kernel @ R)[1:, 1:])


def _sigma_shift(bubble, kernel, rr_bubble, rr_kernel, alpha):
    """(d sigma_xy, d sigma_xx): sigma_xy from the RA pair, Kubo-Streda I's sigma_xx = RA - Re RR,
    each dressed by Eq. 11, to first order in the kernel."""
    ra = _first_order(bubble, kernel, alpha)
    rr = _first_order(rr_bubble, rr_kernel, alpha)
    return float(ra[0, 1].real), float(ra[0, 0].real - rr[0, 0].real)


def shifts(model, eta):
    """{name: (d sigma_xy, d sigma_xx)} on one grid, and the grid's side: each three-line class,
    the series' third terms X_3 + Psi_3 ("series n3": with the partners, the whole maximally
    crossed class), and the maximally crossed family at every order n >= 3
    (response.maximally_crossed) split into the Cooperon series' X + Psi ("family series") and
    its partners ("family partners")."""
    alpha = surface_parameters(model, CUTOFF).bare_disorder
    grid = _cooperon_grid(model, eta, CUTOFF, 1.0)
    out = {}
    for kind in CLASSES:
        th = _three_line_on(grid, eta, kind, rr=True)
        rr_kernel = th.rr_self_energy + th.rr_crossed
        out[kind] = _sigma_shift(th.bubble, th.kernel, th.rr_bubble, rr_kernel, alpha)
    third = _maximally_crossed_on(grid, eta, rr=True, lines=3)
    ra = third.parts["x"] + third.parts["psi"]
    rr = third.rr_parts["x"] + third.rr_parts["psi"]
    out["series n3"] = _sigma_shift(third.bubble, ra, third.rr_bubble, rr, alpha)
    mc = _maximally_crossed_on(grid, eta, rr=True)
    for name, keys in FAMILY.items():
        ra = sum(mc.parts[k] for k in keys)
        rr = sum(mc.rr_parts[k] for k in keys)
        out[name] = _sigma_shift(mc.bubble, ra, mc.rr_bubble, rr, alpha)
    return out, grid.n


def _shipped(file, name, ratio):
    """The exact sigma (mean, error) and the diagrams of ``name`` at eta = ratio Gamma."""
    ds = load_verdict(file)
    run = ds.isel(run=list(ds["name"].values).index(name))
    e = int(np.argmin(np.abs(run.eta_over_gamma.values - ratio)))
    if not np.isclose(run.eta_over_gamma.values[e], ratio):
        raise ValueError(f"{file} {name} has no eta = {ratio} Gamma")
    if file == COOPERON_FILE:
        means = exact_means(run)
        sxy, sxy_err, sxx, sxx_err = (means[k][e] for k in ("xy", "xy_err", "xx", "xx_err"))
        keys = ("cooperon_sigma_xy", "one_crossing_sigma_xy", "box_sigma_xy_cooperon")
        keys += ("ladder_sigma_xx", "one_crossing_sigma_xx", "box_sigma_xx")
        samples = int(np.isfinite(run.raw_sigma.values[:, 0, 0, 0]).sum())
    else:
        sxy, sxy_err = float(run.exact_sigma_xy[e]), float(run.exact_sigma_xy_err[e])
        sxx, sxx_err = float(run.exact_sigma_xx[e]), float(run.exact_sigma_xx_err[e])
        keys = ("sigma_xy_cooperon", "sigma_xy_one_crossing", "box_sigma_xy_cooperon")
        keys += ("sigma_xx", "sigma_xx_one_crossing", "box_sigma_xx")
        samples = int(run.realisations)
    diagrams = [float(run[k][e]) for k in keys]
    return {
        "alpha": float(run.alpha),
        "box_over_ell": float(run.box_over_ell),
        "realisations": samples,
        "gamma": float(run.gamma),
        "exact_sigma_xy": float(sxy),
        "exact_sigma_xy_err": float(sxy_err),
        "exact_sigma_xx": float(sxx),
        "exact_sigma_xx_err": float(sxx_err),
        "sigma_xy_cooperon": diagrams[0],
        "sigma_xy_one_crossing": diagrams[1],
        "box_sigma_xy_cooperon": diagrams[2],
        "sigma_xx": diagrams[3],
        "sigma_xx_one_crossing": diagrams[4],
        "box_sigma_xx": diagrams[5],
    }


UNITS = {
    "gamma": "E0/hbar",
    "box_over_ell": "1",
    "realisations": "1",
    "alpha": "1",
    "grid": "1",
    "seconds": "s",
}


def compute():
    """The classes at every POINTS entry -> DATA (written whole, then renamed)."""
    from rich.console import Console
    from rich.progress import track

    from tisot import __version__
    from tisot.io.dataset import source_hash
    from tisot.io.store import save_dataset
    from tisot.response.exact.verdict import DIAGRAM_SOURCES

    rows = []
    for file, name, ratio in track(POINTS, "three-line classes", console=Console(stderr=True)):
        row = _shipped(file, name, ratio)
        start = time.perf_counter()
        by_class, n = shifts(model_for(row["alpha"]), ratio * row["gamma"])
        row |= {"eta_over_gamma": ratio, "grid": n, "seconds": time.perf_counter() - start}
        for kind, (dxy, dxx) in by_class.items():
            key = kind.replace(" ", "_")
            row[f"{key}_sigma_xy"], row[f"{key}_sigma_xx"] = dxy, dxx
        rows.append(row)
    keys = list(rows[0])
    ds = xr.Dataset(
        {
            k: ("point", np.array([r[k] for r in rows]), {"units": UNITS.get(k, "e^2/h")})
            for k in keys
        },
        coords={"run": ("point", [f"{name}" for _, name, _ in POINTS])},
    )
    ds.attrs.update(
        units="model units hbar = v = 1; sigma in e^2/h",
        tisot_version=__version__,
        diagrams_source=source_hash(
            *DIAGRAM_SOURCES, "response/three_line.py", "response/maximally_crossed.py"
        ),
        script="examples/beyond_ladder_three_line.py compute",
        description=(
            "sigma shifts (first order, dressed by Eq. 11) of the three-line classes: "
            "two_crossings_* and partners_* (the maximally crossed cuts beyond the Cooperon "
            "series), series_n3_* (the series' third terms X_3 + Psi_3), and of the maximally "
            "crossed family at every order n >= 3: "
            "family_series_* (X + Psi) and family_partners_* (the rest, with Sigma_C), beside "
            "the shipped exact values and diagrams at the same eta"
        ),
    )
    save_dataset(ds, DATA)
    print(three_line_table(ds))


def box_family(points=((0.2, 10.0), (0.1, 7.0)), ratios=(0.25, 0.5, 1.0)):
    """The family's sigma_xx shift summed in the exact runs' boxes (lattice.box_ladder's lattice,
    its SCBA and V_0 average) against the plane's: is the box the rest of sigma_xx's residual
    at alpha = 0.1 (docs/beyond-ladder.md, 3g)? Prints a table (~1 min)."""
    from tisot.response.cooperon import _Grid, _momenta
    from tisot.response.exact.lattice import V0_NODES, _lattice_green, lattice_side

    def family_xx(grid, eta, alpha):
        mc = _maximally_crossed_on(grid, eta, rr=True)
        ra, rr = sum(mc.parts.values()), sum(mc.rr_parts.values())
        return _sigma_shift(mc.bubble, ra, mc.rr_bubble, rr, alpha)[1]

    print("| α | L/ℓ | η/Γ | family's σ_xx shift, plane | in the box |")
    print("|---|---|---|---|---|")
    for alpha, box_over_ell in points:
        m = model_for(alpha)
        par = surface_parameters(m, CUTOFF)
        L = box_over_ell * m.mean_free_path
        n = lattice_side(m, L, CUTOFF)
        kx, ky, inside = _momenta(n, L / n, par.cutoff)
        W = 2 * np.pi * par.bare_disorder
        x, w = np.polynomial.hermite_e.hermegauss(V0_NODES)
        for ratio in ratios:
            eta = ratio * _shipped(COOPERON_FILE, f"a{alpha:.2f}", ratio)["gamma"]
            plane = family_xx(_cooperon_grid(m, eta, CUTOFF, 1.0), eta, par.bare_disorder)
            box = []
            for xi in x:  # the uniform V_0's average, as box_ladder
                energy = par.bare_fermi_energy - np.sqrt(W) / L * xi + 1j * eta
                e_t, d_t, gr = _lattice_green(par, energy, kx, ky, inside, L * L)
                ga = np.conj(np.swapaxes(gr, -1, -2))
                grid = _Grid(
                    n=n, h=L / n, W=W, gr_k=gr, ga_k=ga, e_t=e_t, d_t=d_t, cutoff=par.cutoff
                )
                box.append(family_xx(grid, eta, par.bare_disorder))
            print(
                f"| {alpha:.2f} | {box_over_ell:g} | {ratio:g} | {plane:+.4f} | "
                f"{float(w @ np.array(box) / w.sum()):+.4f} |"
            )


def _superop(g1, g2):
    """(p, 4, 4): (1/2) Tr[s_i G1_p s_j G2_p], the ladder's rung map in the Pauli basis."""
    return 0.5 * np.einsum("iab,pbc,jcd,pda->pij", PAULI, g1, PAULI, g2)


def ladder_without_q0(g1, g2, c, area, remove=True):
    """K_ab (4, 4) of the box's ladder with rungs of weight c = W/L^2 (Eqs. 11-12 on the
    lattice), without its Q = 0 rung (p' = p) if ``remove``: the vertex
    Gamma(p) = s_b + c sum_{p' != p} G1 Gamma G2 is, per p, Lambda_p^-1 (s_b + c S) with
    Lambda_p = 1 + c G_p, and S = sum_p G_p Gamma(p) = (1 - c T)^-1 T s_b, T = sum_p G_p Lambda_p^-1
    (G_p the rung map); K = (2 / L^2) (1 - c T)^-1 T, M [1 - pi alpha M]^-1 when nothing is
    removed."""
    rung = _superop(g1, g2)
    t = (rung @ np.linalg.inv(np.eye(4) + c * rung)).sum(axis=0) if remove else rung.sum(axis=0)
    return (2 / area) * np.linalg.inv(np.eye(4) - c * t) @ t


def green_without_q0(par, energy, kx, ky, area, start, tol=1e-13, steps=2000):
    """G^R (p, 2, 2) at the box's momenta (kx, ky inside the cutoff) of the SCBA without the
    Q = 0 line: Sigma(p) = (W/L^2) sum_{p' != p} G(p') (Eqs. 10-11 on the lattice), solved by
    damped iteration from ``start`` (the lattice SCBA's G)."""
    c = 2 * math.pi * par.bare_disorder / area
    h0 = kx[:, None, None] * PAULI[2] - ky[:, None, None] * PAULI[1] - par.bare_delta_z * PAULI[3]
    g_inverse_bare = energy * PAULI[0] - h0
    g = np.array(start, dtype=complex)
    for _ in range(steps):
        new = np.linalg.inv(g_inverse_bare - c * g.sum(axis=0) + c * g)
        if np.abs(new - g).max() < tol:
            return new
        g = 0.5 * (g + new)
    raise RuntimeError(f"the SCBA without the Q = 0 line did not converge at {energy:.4g}")


def box_sigma_xx_without_q0(model, eta, box_length, remove=True, nodes=None):
    """Kubo-Streda I's sigma_xx (RA - Re RR) of the SCBA ladder summed in the box, averaged over
    V_0 as lattice.box_ladder, with the Q = 0 line taken out of the SCBA and of the ladder
    (``remove``): V_0 is then counted once, in its exact average (lattice.py's docstring)."""
    from tisot.response.cooperon import _momenta
    from tisot.response.exact.lattice import V0_NODES, _lattice_green, lattice_side

    par = surface_parameters(model, CUTOFF)
    n = lattice_side(model, box_length, CUTOFF)
    area = box_length**2
    kx, ky, inside = _momenta(n, box_length / n, par.cutoff)
    keep = inside[..., 0, 0]
    W = 2 * math.pi * par.bare_disorder
    x, w = np.polynomial.hermite_e.hermegauss(nodes or V0_NODES)
    values = []
    for xi in x:
        energy = par.bare_fermi_energy - math.sqrt(W) / box_length * xi + 1j * eta
        gr = _lattice_green(par, energy, kx, ky, inside, area)[2][keep]
        if remove:
            gr = green_without_q0(par, energy, kx[keep], ky[keep], area, gr)
        ga = np.conj(np.swapaxes(gr, -1, -2))
        ra = conductivity(ladder_without_q0(gr, ga, W / area, area, remove)[1:, 1:])
        rr = conductivity(ladder_without_q0(gr, gr, W / area, area, remove)[1:, 1:])
        values.append(ra[0, 0].real - rr[0, 0].real)
    return float(w @ np.array(values) / w.sum())


def q0_double_counting(ratios=(0.25, 0.5, 1.0, 2.0)):
    """How far the box sums' Q = 0 double counting moves sigma_xx^I: the SCBA and the ladder in
    the box with and without the Q = 0 line, against the shipped residual after the family
    (docs/beyond-ladder.md, 3g). Prints a table (~30 s)."""
    ds = load_verdict(THREE_LINE_FILE)
    r = three_line_residuals(ds)
    print(
        "| α | L/ℓ | η/Γ | σ_xx^I residual after the family | Q = 0 line out of the box's "
        "SCBA and ladder | residual after both |"
    )
    print("|---|---|---|---|---|---|")
    for i in range(ds.sizes["point"]):
        ratio = float(ds.eta_over_gamma[i])
        if ratio not in ratios or str(ds.run.values[i]) not in ("a0.20", "a0.10", "a0.05"):
            continue
        m = model_for(float(ds.alpha[i]))
        L, eta = float(ds.box_over_ell[i]) * m.mean_free_path, ratio * float(ds.gamma[i])
        shift = box_sigma_xx_without_q0(m, eta, L) - box_sigma_xx_without_q0(m, eta, L, False)
        rest, err = r["after_family_xx"][i], r["err_xx"][i]
        print(
            f"| {float(ds.alpha[i]):.2f} | {float(ds.box_over_ell[i]):.0f} | {ratio:g} | "
            f"{rest:+.4f} ± {err:.4f} | {shift:+.4f} | {rest - shift:+.4f} ± {err:.4f} |"
        )


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "table"
    if command == "compute":
        compute()
    elif command == "table":
        print(three_line_table())
        print()
        print(cooperon_family_table())
    elif command == "box":
        box_family()
    elif command == "q0":
        q0_double_counting()
    else:
        raise SystemExit(f"unknown command {command!r}: compute, table, box or q0")
