"""`tisot exact`: the exact disorder average of the surface (issue 12) from the command line.

``--kind bastin`` runs :func:`tisot.response.exact.exact_average` (Kubo-Bastin with the Fermi
sea, Garcia et al. PRL 114, 116602 (2015); docs/beyond-ladder.md section 2) and prints sigma,
nu and D = sigma_xx / 2 pi nu with their standard errors over realisations, the convergence
parameters, and the SCBA ladder's sigma_xx at the same parameters for comparison.
Model units only: hbar = v = 1, energies in the unit of --energy (as `tisot response` with
--units dimensionless).
"""

from __future__ import annotations

import contextlib
import inspect
import json
import math
import sys
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
    Energy,
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
#: The box side in mean free paths when neither --box-length nor --box-over-ell is given (the
#: verdict of docs/beyond-ladder.md runs at L ~ 8-11 ell).
DEFAULT_BOX_OVER_ELL = 8.0
#: More plane-wave states than exact_average could ever hold (it refuses > 4 GB of vectors, i.e.
#: > ~5e6 states for any method): such a box is refused before its basis is built.
MAX_STATES = 1.0e7
#: The ladder's sigma_xx is taken at q = 0 and omega = LADDER_OMEGA_PER_ALPHA * alpha (it needs
#: omega > 0 at q = 0): omega tau_tr ~ 1e-7, the static limit (as examples/beyond_ladder_verdict).
LADDER_OMEGA_PER_ALPHA = 1.0e-7

#: Caps that keep a request finite; the lower bounds are exact_average's (its errors are shown
#: with the flags' names, see _NAMES).
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
    "--seed": Parameter(kind=int, long_name="random seed", low=0, high=2**63 - 1),
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


def _parameters(ds, model, kind: str) -> dict:
    """The run's model and convergence parameters, as the dataset records them."""
    a = ds.attrs
    dense = a["trace"] == "dense"
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
        "moments": int(a["moments"]),
        "resolution": a["resolution"],
        "gamma": a["gamma"],
        "resolution_over_gamma": a["resolution"] / a["gamma"],
        "level_spacing": a["level_spacing"],
        "realisations": int(a["realisations"]),
        "random_vectors": None if dense else int(a["random_vectors"]),
        "cutoff": a["cutoff_over_eps"],
        "seed": int(a["seed"]),
        "ladder_omega": LADDER_OMEGA_PER_ALPHA * model.disorder,
        "units": "hbar = v = 1, energies in the unit of --energy",
    }


def _print_table(values: dict, params: dict, title: str) -> None:
    console = Console()
    table = Table(title=title)
    for col in ("quantity", "value", "± stderr", "unit"):
        table.add_column(col, justify="left" if col == "quantity" else "right")
    for key, v in values.items():
        err = "" if v["stderr"] is None else f"{v['stderr']:.2g}"
        table.add_row(key, f"{v['value']:.6g}", err, v["units"])
    console.print(table)
    console.print(
        "sigma_long = (sigma_xx + sigma_yy)/2, sigma_hall = (sigma_xy - sigma_yx)/2; "
        "D = sigma_long/(2 pi nu) (Einstein relation); "
        "ladder_sigma_xx: SCBA noncrossing ladder at q = 0, the same Hamiltonian (no Fermi sea)"
    )
    shown = ("box_over_ell", "box_length", "basis_size", "moments", "resolution_over_gamma",
             "realisations", "random_vectors", "method", "cutoff", "seed")  # fmt: skip
    console.print(
        ", ".join(
            f"{k} = {params[k]:.4g}" if isinstance(params[k], float) else f"{k} = {params[k]}"
            for k in shown
            if params[k] is not None
        )
    )


@app.command()
def exact(
    energy: Energy = 1.0,
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
            help=f"Box side in mean free paths: L = X ell, X > 1 (default {DEFAULT_BOX_OVER_ELL:g}"
            "; finite-size effects ~ ell/L). Alternative to --box-length.",
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
            "--q-orders", help="Density-wave orders n, q = 2 pi n / L, e.g. '1,2' (fermi-surface)."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Also save the dataset (.nc netCDF).")
    ] = None,
    fmt: FormatOpt = OutputFormat.table,
    ctx: typer.Context = None,
) -> None:
    """Exact disorder average of sigma_xx, sigma_xy, nu and D (docs/beyond-ladder.md, sec. 2).

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
                     "--cutoff": cutoff, "--seed": seed}  # fmt: skip
            check_flags(EXACT_FLAGS, flags)
            if kind == "fermi-surface":
                raise ValueError(
                    "--kind fermi-surface is not available yet (tisot.response.exact.fermi is "
                    "being written); use --kind bastin"
                )
            model = build_model(energy, delta_sd, mz, alpha, 1.0, Units.dimensionless)
            L = box_length if box_length is not None else (
                (box_over_ell or DEFAULT_BOX_OVER_ELL) * model.mean_free_path
            )  # fmt: skip
            # plane waves |p| < p_c = cutoff eps in an L x L box, two spins: p_c^2 L^2 / 2 pi
            states = (cutoff * model.fermi_energy * L) ** 2 / (2 * math.pi)
            if not states <= MAX_STATES:
                raise ValueError(_box_context(
                    f"the box L = {L:.3g} hbar v/E0 holds about {states:.3g} plane-wave states "
                    f"at the cutoff, more than the exact average can hold ({MAX_STATES:.0e}): "
                    f"lower {box_flag} or --cutoff", model
                ))  # fmt: skip
            if out is not None:
                from ..io.store import check_writable

                try:
                    out = check_writable(out)
                except ValueError as err:
                    raise ValueError(f"--out: {err}") from None
            inputs = {"--energy": energy, "--delta-sd": delta_sd, "--mz": mz, "--alpha": alpha,
                      "--cutoff": cutoff, box_flag: L}  # fmt: skip
            options = {"random_vectors": vectors} if vectors is not None else {}
            # the library draws its progress bar on rich's default console (stdout); stdout is
            # this command's result, so the bar goes to stderr
            with numerics("the exact average", inputs), contextlib.redirect_stdout(sys.stderr):
                try:
                    ds = exact_average(
                        model,
                        box_length=L,
                        moments=moments,
                        realisations=realisations,
                        cutoff=cutoff,
                        seed=seed,
                        method=method,
                        progress=True,
                        **options,
                    )
                except ValueError as err:
                    raise ValueError(_box_context(in_flag_names(str(err), names), model)) from None
                from ..response.analytic import conductivity
                from ..response.ladder import ladder_response

                w = LADDER_OMEGA_PER_ALPHA * model.disorder
                ladder_sxx = float(
                    conductivity(ladder_response(model, [0.0, 0.0], w, cutoff=cutoff))[0, 0].real
                )
            values = _bastin_values(ds, ladder_sxx)
            for key, v in values.items():
                finite_result(key, [v["value"], v["stderr"] or 0.0], inputs)
            params = _parameters(ds, model, kind)
            if out is not None:
                from ..io.store import save_dataset

                ds["ladder_sigma_xx"] = (
                    (),
                    ladder_sxx,
                    {"units": "e^2/h", "long_name": "SCBA ladder sigma_xx at q = 0, omega = "
                     f"{w:.3g} (noncrossing, no Fermi sea)"},
                )  # fmt: skip
                save_dataset(ds, out)
        except ValueError as err:
            _emit_warnings(caught, names)
            fail(str(err))
    _emit_warnings(caught, names)
    if fmt is OutputFormat.json:
        typer.echo(json.dumps({**values, "parameters": params}))
        return
    _print_table(
        values,
        params,
        "exact disorder average, Kubo-Bastin (Fermi sea included), model units hbar = v = 1",
    )
