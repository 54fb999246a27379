"""`tisot exact`: the exact disorder average of the surface (issue 12) from the command line.

``--kind bastin`` runs :func:`tisot.response.exact.exact_average` (Kubo-Bastin with the Fermi
sea, Garcia et al. PRL 114, 116602 (2015); docs/beyond-ladder.md section 2) and prints sigma,
nu and D = sigma_xx / 2 pi nu with their standard errors over realisations; ``--kind
fermi-surface`` runs :func:`tisot.response.exact.fermi.exact_fermi_surface` (Kubo-Streda I, the
DOS and the density response with a Lorentzian eta, extrapolated to eta -> 0) and prints what its
dataset has: sigma_xx, sigma_xy, nu, D from the density response and from the Einstein relation.
Both print the convergence parameters and the SCBA ladder's sigma_xx at the same parameters.
Model units only: hbar = v = 1, energies in the unit of --energy (as `tisot response` with
--units dimensionless).
"""

from __future__ import annotations

import inspect
import json
import math
import warnings
from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from .._validation import finite_result, numerics
from ..io.schema import Parameter, check_flags
from ..response.exact.average import METHODS, ExactAccuracyWarning, exact_average
from ..sweeps.jobs import METHOD_SCHEMA
from .main import app, fail
from .options import (
    BIG,
    Alpha,
    DeltaSd,
    FormatOpt,
    Mz,
    OutputFormat,
    Units,
    build_model,
    given,
    in_flag_names,
    refuse_unused,
)

KINDS = ("bastin", "fermi-surface")
#: --energy of this command: model units only (the shared option also speaks of meV in SI).
ModelEnergy = Annotated[
    float,
    typer.Option(
        "--energy", help="Fermi energy eps in the energy unit E0 (model units; no SI mode here)."
    ),
]
#: The box side in mean free paths when neither --box-length nor --box-over-ell is given (the
#: verdicts of docs/beyond-ladder.md and examples/beyond_ladder_fermi.py run at L ~ 8-11 ell),
#: and the density waves of --kind fermi-surface: q = 2 pi / L, q ell = 0.63, below k_F at any
#: alpha < 0.3 (q = 4 pi / L, the library's second default order, is not at alpha = 0.2).
DEFAULT_BOX_OVER_ELL = {"bastin": 8.0, "fermi-surface": 10.0}
DEFAULT_Q_ORDERS = (1,)
#: More plane-wave states than exact_average could ever hold (it refuses > 4 GB of vectors, i.e.
#: > ~5e6 states for any method): such a box is refused before its basis is built.
MAX_STATES = 1.0e7
#: The ladder's references are taken at q = 0 and eta = LADDER_ETA_PER_GAMMA * Gamma (a
#: broadening, the static limit; response.exact.reference).
LADDER_ETA_PER_GAMMA = 1.0e-6


def _ladder_eta(model) -> float:
    from ..response.exact.average import broadening

    return LADDER_ETA_PER_GAMMA * broadening(model)


def _ladder_sigma_xx(model, cutoff: float) -> float:
    """The SCBA ladder's sigma_xx (e^2/h) at q = 0, eta -> 0, the same cutoff: Kubo-Streda I
    (RA + RR + AA), the symmetric part of what both kinds trace."""
    from ..response.exact.reference import broadened_ladder

    ref = broadened_ladder(model, _ladder_eta(model), cutoff=cutoff, crossed=False)
    return float(ref.sigma_xx)


def _at_smallest_eta(ds, model, cutoff: float) -> dict[str, dict]:
    """Exact and ladder (+ X + Psi) at the run's smallest eta and smallest q, no extrapolation:
    the comparison at equal broadening (docs/beyond-ladder.md, section 3b)."""
    from ..response.exact.reference import broadened_ladder

    e = int(np.argmin(ds.eta.values))
    eta, q = float(ds.eta[e]), ds.q.values[:1]
    try:  # + the Cooperon series (3c) and the one-crossing set (3d); refused below alpha ~ 0.015
        ref = broadened_ladder(model, eta, q, cutoff=cutoff, one_crossing=True)
    except ValueError:
        ref = broadened_ladder(model, eta, q, cutoff=cutoff)
    values = {}
    for key, name in (("sigma_xx", "sigma_xx"), ("sigma_xy", "sigma_xy"), ("gamma_q", "gamma_q")):
        v = ds[f"{name}_at_eta"].isel(eta=e)
        err = ds[f"{name}_at_eta_err"].isel(eta=e)
        if key == "gamma_q":
            v, err = v.isel(q=0), err.isel(q=0)
        values[f"{key}_eta_min"] = {
            "value": float(v),
            "stderr": float(err),
            "units": v.attrs["units"],
        }
    for key, src in (
        ("ladder_sigma_xx_eta_min", ref.sigma_xx),
        ("ladder_sigma_xy_eta_min", ref.sigma_xy_noncrossing),
        ("crossed_sigma_xy_eta_min", ref.sigma_xy_crossed),
        ("ladder_gamma_q_eta_min", ref.gamma_q.isel(q=0)),
    ):
        values[key] = {"value": float(src), "stderr": None, "units": src.attrs["units"]}
    for key, column in (
        ("cooperon_sigma_xy_eta_min", "sigma_xy_cooperon"),
        ("one_crossing_sigma_xx_eta_min", "sigma_xx_one_crossing"),
        ("one_crossing_sigma_xy_eta_min", "sigma_xy_one_crossing"),
    ):
        if column in ref:
            values[key] = {"value": float(ref[column]), "stderr": None, "units": "e^2/h"}
    from ..response.exact.lattice import box_ladder, lattice_side

    L = float(ds.attrs["box_length"])
    # seconds up to a 256 x 256 lattice (boxes of ~80 hbar v/eps at p_c = 5 eps); larger boxes
    # would take minutes here, and their finite-size shift is small: left out
    if lattice_side(model, L, cutoff) <= BOX_SUM_SIDE:
        # the same diagrams summed over this run's own plane waves (section 3c)
        box = box_ladder(model, eta, L, cutoff=cutoff)
        for key, src in (
            ("box_ladder_sigma_xx_eta_min", box.sigma_xx),
            ("box_cooperon_sigma_xy_eta_min", box.sigma_xy_cooperon),
        ):
            values[key] = {"value": float(src), "stderr": None, "units": "e^2/h"}
    return values


#: the largest box lattice whose sums `tisot exact --kind fermi-surface` adds (lattice.py)
BOX_SUM_SIDE = 256


def _check_states(model, L: float, cutoff: float, box_flag: str) -> None:
    """Refuse a box beyond any exact average before its basis is built (MAX_STATES)."""
    # plane waves |p| < p_c = cutoff eps in an L x L box, two spins: p_c^2 L^2 / 2 pi
    states = (cutoff * model.fermi_energy * L) ** 2 / (2 * math.pi)
    if not states <= MAX_STATES:
        raise ValueError(
            _box_context(
                f"the box L = {L:.3g} hbar v/E0 holds about {states:.3g} plane-wave states at "
                f"the cutoff, more than the exact average can hold ({MAX_STATES:.0e}): lower "
                f"{box_flag} or --cutoff",
                model,
            )
        )


#: At most this many values in --eta-over-gamma or --q-orders (each is a set of resolvents).
MAX_LIST = 16

#: Caps that keep a request finite; the lower bounds are exact_average's (its errors are shown
#: with the flags' names, see _names).
EXACT_FLAGS = {
    "--kind": Parameter(kind=str, choices=KINDS, long_name="observable"),
    "--method": Parameter(kind=str, choices=METHODS, long_name="trace"),
    "--box-length": Parameter(
        kind=float, units="hbar v/E0", long_name="box side L", low=0.0, low_open=True, high=BIG
    ),
    "--box-over-ell": Parameter(
        kind=float, long_name="L / mean free path", low=1.0, low_open=True, high=BIG
    ),
    "--moments": Parameter(kind=int, long_name="Chebyshev moments", high=2**16),
    "--realisations": Parameter(kind=int, long_name="disorder samples", high=10**5),
    "--vectors": Parameter(kind=int, long_name="random vectors per sample", high=10**4),
    "--cutoff": METHOD_SCHEMA["cutoff"],  # the ladder's rule; exact_average narrows it to <= 20
    # only ratios to eps enter (the average is scale-free), but below 1e-8 the SCBA solve for the
    # bare parameters underflows (eps^2 ~ 1e-300): a narrower floor than tisot response's
    "--energy": Parameter(kind=float, long_name="Fermi energy", low=1e-8, high=BIG),
    "--seed": Parameter(kind=int, long_name="random seed", low=0, high=2**63 - 1),
    # each value of the lists; the resolvent series needs ~ (spectral width)/eta terms
    "--eta-over-gamma": Parameter(kind=float, long_name="eta / Gamma", low=1e-3),
    "--q-orders": Parameter(kind=int, long_name="q L / 2 pi", high=10**4),
}

_DEFAULTS = {k: p.default for k, p in inspect.signature(exact_average).parameters.items()}


def _names(box_flag: str) -> dict[str, str]:
    """exact_average's parameter names -> the flags that set them (for its messages)."""
    return {
        "box_length": box_flag,
        "moments": "--moments",
        "realisations": "--realisations",
        "random_vectors": "--vectors",
        "cutoff": "--cutoff",
        "method": "--method",
        "eta_over_gamma": "--eta-over-gamma",
        "q_orders": "--q-orders",
    }


def _box_context(text: str, model) -> str:
    """A message about the box, with where its scale comes from: the box is measured in mean
    free paths, which the model's flags set (ell ~ 1/alpha; ell -> 0 at the gap edge)."""
    if "box" not in text:
        return text
    return (
        f"{text} (the mean free path ell = {model.mean_free_path:.3g} hbar v/E0 follows from "
        "--energy, --delta-sd, --mz and --alpha)"
    )


def _parse_list(text: str | None, flag: str, kind: type) -> tuple | None:
    """'A,B,...' -> a tuple of ``kind`` (at most MAX_LIST), each within EXACT_FLAGS[flag]'s caps;
    None stays None (the default)."""
    if text is None:
        return None
    parts = [p for p in text.replace(" ", "").split(",") if p]
    example = "'0.25,0.5'" if kind is float else "'1,2'"
    try:
        values = tuple(kind(p) for p in parts)
    except ValueError:
        raise ValueError(
            f"{flag} must be {kind.__name__}s separated by commas, e.g. {example}, got {text!r}"
        ) from None
    if not 1 <= len(values) <= MAX_LIST:
        raise ValueError(f"{flag} must hold 1 to {MAX_LIST} values, e.g. {example}, got {text!r}")
    for value in values:
        EXACT_FLAGS[flag].check(f"each value of {flag}", value)
    return values


def _emit_warnings(caught, names: dict[str, str]) -> None:
    """Each accuracy warning once, on stderr, in the flags' names. RegimeWarning is left out: it
    concerns the paper's closed forms, which this command does not use."""
    from ..response.ladder import LadderAccuracyWarning

    shown = (ExactAccuracyWarning, LadderAccuracyWarning)
    texts = [in_flag_names(str(w.message), names) for w in caught if issubclass(w.category, shown)]
    for text in dict.fromkeys(texts):  # once each, in order
        typer.secho(f"warning: {text}", err=True, fg=typer.colors.YELLOW)


def _mean_err(samples: np.ndarray) -> tuple[float, float]:
    """Mean over realisations and its standard error (the spread / sqrt(n))."""
    return float(samples.mean()), float(samples.std(ddof=1) / math.sqrt(samples.size))


def _bastin_values(ds, ladder_sxx: float) -> dict[str, dict]:
    """The printed quantities of an exact_average dataset: {key: {value, stderr, units}}."""
    s = ds.sigma.values  # (realisation, i, j)
    values = {
        f"sigma_{'xy'[i]}{'xy'[j]}": {
            "value": float(ds.sigma_mean.values[i, j]),
            "stderr": float(ds.sigma_err.values[i, j]),
            "units": "e^2/h",
        }
        for i, j in ((0, 0), (1, 1), (0, 1), (1, 0))
    }
    # the reported longitudinal and Hall parts (docs/beyond-ladder.md sec. 2), per realisation
    long, long_err = _mean_err(0.5 * (s[:, 0, 0] + s[:, 1, 1]))
    values["sigma_long"] = {"value": long, "stderr": long_err, "units": "e^2/h"}
    hall, hall_err = _mean_err(0.5 * (s[:, 0, 1] - s[:, 1, 0]))
    values["sigma_hall"] = {"value": hall, "stderr": hall_err, "units": "e^2/h"}
    values["dos"] = {
        "value": float(ds.dos_mean),
        "stderr": float(ds.dos_err),
        "units": ds.dos_mean.attrs["units"],
    }
    values["D"] = {"value": float(ds.D), "stderr": float(ds.D_err), "units": ds.D.attrs["units"]}
    values["ladder_sigma_xx"] = {"value": ladder_sxx, "stderr": None, "units": "e^2/h"}
    return values


def _fermi_values(ds, ladder_sxx: float) -> dict[str, dict]:
    """The eta -> 0 quantities an exact_fermi_surface dataset has: {key: {value, stderr, units}}."""
    values = {
        key: {
            "value": float(ds[key]),
            "stderr": float(ds[f"{key}_err"]),
            "units": ds[key].attrs.get("units", ""),
        }
        for key in ("sigma_xx", "sigma_xy", "dos0", "D_density", "D_einstein")
        if key in ds
    }
    values["ladder_sigma_xx"] = {"value": ladder_sxx, "stderr": None, "units": "e^2/h"}
    return values


#: What each kind's table says under its values, and the parameters it shows.
_NOTES = {
    "bastin": "sigma_long = (sigma_xx + sigma_yy)/2, sigma_hall = (sigma_xy - sigma_yx)/2; "
    "D = sigma_long/(2 pi nu) (Einstein relation); ladder_sigma_xx: SCBA noncrossing ladder at "
    "q = 0, the same Hamiltonian, Kubo-Streda I (RA + RR; the Fermi sea adds to sigma_xy only)",
    "fermi-surface": "eta -> 0 by lines in eta (biased low, ~ sigma/(1 + 2 eta tau_tr)): "
    "sigma_xx = (xx + yy)/2, sigma_xy = (xy - yx)/2 (Kubo-Streda I, no Fermi sea), dos0 = nu; "
    "D_density from the density response at the smallest q, D_einstein = sigma_xx/(2 pi nu); "
    "ladder_sigma_xx: SCBA ladder at q = 0, Kubo-Streda I. *_eta_min: exact and ladder at the "
    "smallest eta and q (no extrapolation: the fair comparison), gamma_q = 2 pi nu/K00 - 2 eta; "
    "crossed: ladder + X + Psi; cooperon: and the maximally crossed series beyond them; "
    "box_*: the same diagrams summed over this box's plane waves (its finite-size shift)",
}
_SHOWN = {
    "bastin": ("box_over_ell", "box_length", "basis_size", "moments", "resolution_over_gamma",
               "realisations", "random_vectors", "method", "cutoff", "seed"),
    "fermi-surface": ("box_over_ell", "box_length", "basis_size", "eta_over_gamma", "q_ell",
                      "chebyshev_terms", "realisations", "random_vectors", "method", "cutoff",
                      "seed"),
}  # fmt: skip
_TITLES = {
    "bastin": "exact disorder average, Kubo-Bastin (Fermi sea included)",
    "fermi-surface": "exact disorder average, Fermi surface (Kubo-Streda I, density response)",
}


def _parameters(ds, model, kind: str) -> dict:
    """The run's model and convergence parameters, as the dataset records them."""
    a = ds.attrs
    dense = a["trace"] == "dense"
    if kind == "bastin":
        own = {
            "moments": int(a["moments"]),
            "resolution": a["resolution"],
            "resolution_over_gamma": a["resolution"] / a["gamma"],
        }
    else:
        own = {
            "eta_over_gamma": list(np.atleast_1d(a["eta_over_gamma"]).tolist()),
            "q_ell": list(np.atleast_1d(a["q_ell"]).tolist()),
            "chebyshev_terms": None if dense else int(a["chebyshev_terms"]),
            "tol": None if dense else a["tol"],
        }
    return {
        "kind": kind,
        "method": a["trace"],
        "energy": model.fermi_energy,
        "delta_z": model.delta_z,
        "alpha": model.disorder,
        "mean_free_path": model.mean_free_path,
        "box_length": a["box_length"],
        "box_over_ell": a["box_length_over_ell"],
        "basis_size": int(a["basis_size"]),
        **own,
        "gamma": a["gamma"],
        "level_spacing": a["level_spacing"],
        "realisations": int(a["realisations"]),
        "random_vectors": None if dense else int(a["random_vectors"]),
        "cutoff": a["cutoff_over_eps"],
        "seed": int(a["seed"]),
        "ladder_eta": _ladder_eta(model),
        "units": "hbar = v = 1, energies in the unit of --energy",
    }


def _number(x) -> str:
    if isinstance(x, list):
        return "[" + ", ".join(_number(v) for v in x) + "]"
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def _print_table(values: dict, params: dict, kind: str) -> None:
    console = Console()
    table = Table(title=f"{_TITLES[kind]}, model units hbar = v = 1")
    for col in ("quantity", "value", "± stderr", "unit"):
        table.add_column(col, justify="left" if col == "quantity" else "right")
    for key, v in values.items():
        err = "" if v["stderr"] is None else f"{v['stderr']:.2g}"
        table.add_row(key, f"{v['value']:.6g}", err, v["units"])
    console.print(table)
    console.print(_NOTES[kind])
    console.print(
        ", ".join(f"{k} = {_number(params[k])}" for k in _SHOWN[kind] if params[k] is not None)
    )


@app.command()
def exact(
    energy: ModelEnergy = 1.0,
    delta_sd: DeltaSd = 0.3,
    mz: Mz = 1.0,
    alpha: Alpha = 0.2,
    box_length: Annotated[
        float | None,
        typer.Option(
            "--box-length",
            help="Box side L in hbar v/E0 (model units); must exceed the mean free path ell "
            "(`tisot transport` prints it). Alternative to --box-over-ell.",
        ),
    ] = None,
    box_over_ell: Annotated[
        float | None,
        typer.Option(
            "--box-over-ell",
            help="Box side in mean free paths: L = X ell, X > 1 (default 8, fermi-surface 10; "
            "finite-size effects ~ ell/L). Alternative to --box-length.",
        ),
    ] = None,
    moments: Annotated[
        int,
        typer.Option(
            "--moments",
            help="Chebyshev moments N >= 16 (bastin); resolution pi a/N, well below the disorder "
            "broadening Gamma.",
        ),
    ] = _DEFAULTS["moments"],
    realisations: Annotated[
        int, typer.Option("--realisations", help="Disorder samples (>= 2; the error bar).")
    ] = _DEFAULTS["realisations"],
    vectors: Annotated[
        int | None,
        typer.Option(
            "--vectors",
            help=f"Random-phase vectors per sample (--method kpm; default "
            f"{_DEFAULTS['random_vectors']} for bastin).",
        ),
    ] = None,
    cutoff: Annotated[
        float,
        typer.Option("--cutoff", help="Momentum cutoff p_c in units of eps/(hbar v), 1.5..20."),
    ] = _DEFAULTS["cutoff"],
    seed: Annotated[int, typer.Option("--seed", help="Random seed (>= 0).")] = _DEFAULTS["seed"],
    method: Annotated[
        str,
        typer.Option(
            "--method",
            help="kpm (stochastic traces, large boxes) or dense (exact traces by "
            "diagonalisation, noiseless; cheaper below ~800 basis states).",
        ),
    ] = _DEFAULTS["method"],
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="bastin: Kubo-Bastin with the Fermi sea. fermi-surface: Kubo-Streda I, DOS and "
            "density response with a Lorentzian eta, D from both.",
        ),
    ] = "bastin",
    eta_over_gamma: Annotated[
        str | None,
        typer.Option(
            "--eta-over-gamma",
            help="Broadenings eta / Gamma, e.g. '0.25,0.5', extrapolated to 0 (fermi-surface).",
        ),
    ] = None,
    q_orders: Annotated[
        str | None,
        typer.Option(
            "--q-orders",
            help="Density-wave orders n, q = 2 pi n / L < k_F, e.g. '1,2' (fermi-surface; "
            "default 1).",
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also save the dataset (.nc netCDF).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    ctx: typer.Context = None,
) -> None:
    """Exact disorder average of sigma_xx, sigma_xy, nu and D (docs/beyond-ladder.md, sec. 2).

    --kind bastin: Kubo-Bastin with the Fermi sea, D by the Einstein relation. --kind
    fermi-surface: Kubo-Streda I, nu and the density response with a Lorentzian broadening eta,
    extrapolated to eta -> 0; D from the density response and from the Einstein relation.

    Model units hbar = v = 1 (as tisot response --units dimensionless): --energy and --delta-sd
    in one energy unit E0 (Delta_z = Delta_sd m_z), lengths in hbar v/E0, sigma in e^2/h, D in
    hbar v^2/E0. Error bars: standard errors over the realisations.
    """
    box_flag = "--box-length" if given(ctx, "box_length") else "--box-over-ell"
    names = _names("--box-length" if given(ctx, "box_length") else "L (--box-over-ell x ell)")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            check_flags(EXACT_FLAGS, {"--kind": kind, "--method": method})
            refuse_unused(ctx, "--method", method, {"vectors": ("kpm",)})
            refuse_unused(
                ctx,
                "--kind",
                kind,
                {"moments": ("bastin",), "eta_over_gamma": ("fermi-surface",),
                 "q_orders": ("fermi-surface",)},
            )  # fmt: skip
            if box_length is not None and box_over_ell is not None:
                raise ValueError("--box-length and --box-over-ell are alternatives: give one")
            flags = {"--box-length": box_length, "--box-over-ell": box_over_ell,
                     "--moments": moments, "--realisations": realisations, "--vectors": vectors,
                     "--cutoff": cutoff, "--seed": seed, "--energy": energy}  # fmt: skip
            check_flags(EXACT_FLAGS, flags)
            etas = _parse_list(eta_over_gamma, "--eta-over-gamma", float)
            orders = _parse_list(q_orders, "--q-orders", int)
            if kind == "fermi-surface" and orders is None:
                orders = DEFAULT_Q_ORDERS
            model = build_model(energy, delta_sd, mz, alpha, 1.0, Units.dimensionless)
            box = box_length if box_length is not None else box_over_ell
            box = DEFAULT_BOX_OVER_ELL[kind] if box is None else box
            inputs = {"--energy": energy, "--delta-sd": delta_sd, "--mz": mz, "--alpha": alpha,
                      "--cutoff": cutoff, box_flag: box}  # fmt: skip
            with numerics("the mean free path", inputs):  # eps^2 may underflow to 0
                ell = finite_result("the mean free path", model.mean_free_path, inputs)
            L = box if box_length is not None else box * ell
            _check_states(model, L, cutoff, box_flag)
            if out is not None:
                from ..io.store import check_writable

                try:
                    out = check_writable(out)
                except ValueError as err:
                    raise ValueError(f"--out: {err}") from None
            # only what was given: each kind keeps its own defaults (random vectors: 4 and 2)
            options = {"random_vectors": vectors, "eta_over_gamma": etas, "q_orders": orders}
            options = {k: v for k, v in options.items() if v is not None}
            if kind == "bastin":
                average = exact_average
                options["moments"] = moments
            else:
                from ..response.exact.fermi import exact_fermi_surface as average
            with numerics("the exact average", inputs):  # the library's bar goes to stderr
                try:
                    ds = average(
                        model,
                        box_length=L,
                        realisations=realisations,
                        cutoff=cutoff,
                        seed=seed,
                        method=method,
                        progress=True,
                        **options,
                    )
                except ValueError as err:
                    raise ValueError(_box_context(in_flag_names(str(err), names), model)) from None
                ladder_sxx = _ladder_sigma_xx(model, cutoff)
                values = (_bastin_values if kind == "bastin" else _fermi_values)(ds, ladder_sxx)
                if kind == "fermi-surface":
                    values |= _at_smallest_eta(ds, model, cutoff)
            for key, v in values.items():
                finite_result(key, [v["value"], v["stderr"] or 0.0], inputs)
            params = _parameters(ds, model, kind)
            if out is not None:
                from ..io.store import save_dataset

                ds["ladder_sigma_xx"] = (
                    (),
                    ladder_sxx,
                    {"units": "e^2/h", "long_name": "SCBA ladder sigma_xx at q = 0, eta = "
                     f"{_ladder_eta(model):.3g} (noncrossing, Kubo-Streda I: RA + RR)"},
                )  # fmt: skip
                save_dataset(ds, out)
        except (ValueError, RuntimeError) as err:  # RuntimeError: the SCBA did not converge
            _emit_warnings(caught, names)
            fail(in_flag_names(str(err), names))
    _emit_warnings(caught, names)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps({**values, "parameters": params}))
        return
    _print_table(values, params, kind)
