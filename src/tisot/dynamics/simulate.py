"""``simulate``: integrate a :class:`MacrospinBatch` and return an :class:`xarray.Dataset`.

Only the requested times and running sums are stored, so N = 1e5 trajectories x 1e6 steps
needs memory for N x len(t_eval) vectors, never for the history.
"""

from __future__ import annotations

import datetime as _dt
import math
import warnings

import numpy as np
import xarray as xr
from numba import get_num_threads

from .._validation import finite
from . import _kernels as K
from .batch import ExchangeGrid, MacrospinBatch

METHODS = ("dopri", "geometric")

#: Default bound on max | |m| - 1 | over a run before :class:`NormDriftWarning` is raised.
NORM_TOLERANCE = 1e-8


class NormDriftWarning(UserWarning):
    """|m| left the unit sphere by more than the tolerance (or became non-finite) in a run."""


_EQUATION = (
    "dm/dt = omega_eff(m) x m + f(t) m_z m x z + m x b(t) + alpha_g m x P_n dm/dt "
    "+ alpha_hall m x (P_z dm/dt x z) + alpha_iso m x dm/dt, omega_eff = omega_h + a m "
    "- c m_i (m_j^2 + m_k^2) [+ J Lap(m) + h_dip] "
    "(Sokolewicz et al. PRB 99, 214444, Eqs. 3, 16, 18; tisot.dynamics.equation Eq. M1)"
)


def _initial_state(batch: MacrospinBatch, m0) -> np.ndarray:
    if m0 is None or (isinstance(m0, str) and m0 == "field"):
        return batch.field_direction.copy()
    if isinstance(m0, str):
        raise ValueError(f"m0 must be a (3,) / (N, 3) array or 'field', got {m0!r}")
    m = np.asarray(finite("m0", m0), dtype=float)
    if m.shape[-1:] != (3,) or m.ndim > 2:
        raise ValueError(f"m0 must have shape (3,) or (N, 3), got {m.shape}")
    m = np.broadcast_to(m, (batch.size, 3)).copy()
    norm = np.linalg.norm(m, axis=1)
    if np.any(norm == 0):
        raise ValueError("m0 must be nonzero (|m0| > 0); it is normalised to a unit vector")
    return m / norm[:, None]


def _times(t_eval) -> np.ndarray:
    t = np.atleast_1d(np.asarray(finite("t_eval", t_eval), dtype=float))
    if t.ndim != 1 or t.size == 0:
        raise ValueError("t_eval must be a non-empty 1D sequence of times")
    if np.any(t < 0) or np.any(np.diff(t) < 0):
        raise ValueError("t_eval must be >= 0 and non-decreasing (the run starts at t = 0)")
    if t[-1] <= 0:
        raise ValueError(f"the last time of t_eval (t_max) must be > 0, got {t[-1]!r}")
    return t


def _max_rate(batch: MacrospinBatch) -> np.ndarray:
    """A bound on |dm/dt| per trajectory, to size the first step."""
    r = batch.omega0 + np.abs(batch.f0) + np.linalg.norm(batch.fieldlike, axis=1)
    r = r + np.abs(batch.omega) + np.max(np.abs(batch.anisotropy), axis=1) + np.abs(batch.cubic)
    if batch.dipolar is not None:
        r = r + batch.dipolar.omega_m
    if batch.drive_samples is not None:
        r = r + np.max(np.abs(batch.drive_samples), axis=1)
    if batch.exchange is not None:
        r = r + 4 * len(batch.exchange.shape) * np.broadcast_to(
            batch.exchange.coupling, (batch.size,)
        )
    return r


def _breakpoints(t: np.ndarray, window: tuple[float, float], method: str) -> np.ndarray:
    """Chunk boundaries: every output (geometric) or ~64 groups of outputs (dopri), and the
    averaging window, so that each kernel call has a smooth, progress-sized stretch."""
    if method == "geometric":
        pts = t
    else:
        idx = np.unique(np.linspace(0, t.size - 1, min(t.size, 64)).round().astype(int))
        pts = t[idx]
    pts = np.concatenate([pts, window, [t[-1]]])
    pts = np.unique(pts[pts > 0])
    return pts


def simulate(
    batch: MacrospinBatch,
    m0=None,
    t_eval=(1.0,),
    *,
    method: str = "dopri",
    rtol: float = 1e-8,
    atol: float = 1e-10,
    dt: float | None = None,
    averages: tuple[float, float] | None = None,
    hmax: float = math.inf,
    max_steps: int = 50_000_000,
    renormalize: bool = True,
    norm_tolerance: float = NORM_TOLERANCE,
    progress: bool = False,
) -> xr.Dataset:
    """Integrate the extended Eq. (18) for every macrospin of ``batch`` from t = 0.

    Parameters
    ----------
    batch
        the N macrospins (:class:`MacrospinBatch`), with an optional exchange grid.
    m0
        initial magnetization, (3,) or (N, 3) (normalised), or ``None`` / ``"field"`` for m
        along omega_h (the start of Fig. 3).
    t_eval
        output times, >= 0 and non-decreasing, in ``batch.time_unit``; the last is t_max > 0.
    method
        ``"dopri"``: Dormand-Prince 5(4) with step control per trajectory (one global step on
        an exchange grid) and quartic dense output; ``"geometric"``: fixed-step RK4 projected
        on the unit sphere (order 4, |m| = 1 to rounding).
    rtol, atol
        tolerances of ``"dopri"`` (per component, Hairer's RMS norm), > 0.
    dt
        largest step of ``"geometric"`` (> 0); steps are shortened to land on every output
        time. Default: 0.02 / (largest rate of the trajectory batch). With a tabulated drive,
        dt and hmax are capped at ``batch.drive_dt`` so that no table interval is skipped.
    averages
        window (t_start, t_end) of the time averages; default the whole run (0, t_max).
    hmax
        largest step of ``"dopri"``.
    max_steps
        steps per trajectory allowed between two output chunks before giving up.
    renormalize
        ``"dopri"`` only: project every accepted step (and every dense output) on |m| = 1
        (default). Without it |m| drifts by about the local error per step (8e-5 at t = 1e5 for
        Fig. 3 at rtol 1e-8); ``"geometric"`` always projects.
    norm_tolerance
        a :class:`NormDriftWarning` is issued when max | |m| - 1 | (``norm_drift``) exceeds
        it, or when m is not finite; default 1e-8.
    progress
        show a rich progress bar.

    Returns
    -------
    xarray.Dataset
        dims (trajectory, time, component). ``m``, ``m_H`` (m . H/|H|) at ``t_eval``;
        ``m_mean``, ``m_H_mean`` (time averages over the window), ``m_H_min`` (over steps in
        the window); ``error_estimate`` (accumulated local error estimates, a bound on the
        global error up to error propagation), ``norm_drift`` (max | |m| - 1 | over the
        outputs and, without projection, over every step), ``norm_defect`` (max | |m| - 1 |
        of a step before its projection: the integrator's own norm error per step),
        ``steps``, ``rejected``; batch parameters as coordinates; units and provenance in attrs
        (``norm_drift``, ``norm_defect``: the largest over trajectories).
    """
    if not isinstance(batch, MacrospinBatch):
        raise TypeError(f"batch must be a MacrospinBatch, got {type(batch).__name__}")
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    for name, value in (("rtol", rtol), ("atol", atol)):
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    if not hmax > 0:
        raise ValueError(f"hmax must be > 0, got {hmax!r}")
    if int(max_steps) < 1:
        raise ValueError(f"max_steps must be >= 1, got {max_steps!r}")
    if not (math.isfinite(norm_tolerance) and norm_tolerance > 0):
        raise ValueError(f"norm_tolerance must be a finite number > 0, got {norm_tolerance!r}")
    renorm = bool(renormalize)
    t = _times(t_eval)
    t_max = float(t[-1])
    rates = _max_rate(batch)
    if dt is None:
        dt = 0.02 / float(rates.max())
    elif not (math.isfinite(dt) and dt > 0):
        raise ValueError(f"dt must be a finite step > 0, got {dt!r}")
    if batch.drive_samples is not None:
        # never step over a table interval (a short pulse would be missed)
        hmax = min(hmax, float(batch.drive_dt))
        dt = min(dt, float(batch.drive_dt))
    window = (0.0, t_max) if averages is None else tuple(float(x) for x in averages)
    if len(window) != 2 or not 0.0 <= window[0] < window[1] <= t_max:
        raise ValueError(
            f"averages must be a window (t_start, t_end) with 0 <= t_start < t_end <= t_max "
            f"= {t_max}, got {averages!r}"
        )
    m_start = _initial_state(batch, m0)

    n = batch.size
    par = batch.parameter_table()
    tab = batch.drive_table()
    has_tab = batch.drive_samples is not None
    has_fl = bool(np.any(batch.fieldlike != 0))
    t0, tdt = float(batch.drive_t0), float(batch.drive_dt)
    m = np.ascontiguousarray(m_start.T)
    k = np.empty_like(m)
    coupled = batch.exchange is not None or batch.dipolar is not None
    if coupled:
        grid = batch.exchange if batch.exchange is not None else ExchangeGrid((n,), 0.0)
        nbr = grid.neighbours()
        coupling = np.ascontiguousarray(np.broadcast_to(grid.coupling, (n,)), dtype=float)
        has_dip = batch.dipolar is not None
        dip = batch.dipolar.row_table() if has_dip else np.zeros(2)
        K.coupled_rate(m, 0.0, par, tab, has_tab, t0, tdt, nbr, coupling, dip, has_dip, k)
    else:
        K.initial_rate(m, par, tab, has_tab, t0, tdt, 0.0, k)

    out = np.empty((n, t.size, 3))
    out[:, t == 0.0, :] = m_start[:, None, :]
    acc = np.zeros((3, n))
    mhmin = np.full(n, np.inf)
    err = np.zeros(n)
    defect = np.zeros(n)
    counts = np.zeros((n, 3), dtype=np.int64)
    gcounts = np.zeros(3, dtype=np.int64)
    hnext = 0.1 * rtol**0.2 / rates
    hstate = np.array([float(hnext.min())])

    threads = get_num_threads()
    bounds = _breakpoints(t, window, method)
    j = int(np.searchsorted(t, 0.0, side="right"))
    t_a = 0.0
    bar = _Progress(progress, t_max, batch.time_unit)
    with bar:
        for t_b in bounds:
            j_end = int(np.searchsorted(t, t_b, side="right"))
            accumulate = window[0] <= t_a and t_b <= window[1]
            if accumulate and t_a == window[0]:  # the window's first point counts too
                mhmin = np.minimum(mhmin, np.einsum("cn,cn->n", m, par[K.HX : K.HZ + 1]))
            if method == "geometric":
                nsteps = max(1, math.ceil((t_b - t_a) / dt * (1 - 1e-12)))
                h = (t_b - t_a) / nsteps
                if coupled:
                    K.rk4_coupled_chunk(
                        m, k, par, tab, has_tab, t0, tdt, nbr, coupling, dip, has_dip,
                        t_a, h, nsteps, acc, mhmin, err, accumulate, defect,
                    )  # fmt: skip
                    gcounts[0] += nsteps
                else:
                    K.rk4_chunk(
                        m, k, par, tab, has_tab, has_fl, t0, tdt,
                        t_a, h, nsteps, acc, mhmin, err, accumulate, defect, threads,
                    )  # fmt: skip
                    counts[:, 0] += nsteps
                out[:, j:j_end, :] = m.T[:, None, :]
            elif coupled:
                K.dopri_coupled_chunk(
                    m, k, hstate, par, tab, has_tab, t0, tdt, nbr, coupling, dip, has_dip,
                    t_a, t_b, t, j, j_end, out, rtol, atol, hmax, int(max_steps),
                    acc, mhmin, err, gcounts, accumulate, renorm, defect,
                )  # fmt: skip
            else:
                K.dopri_chunk(
                    m, k, hnext, par, tab, has_tab, t0, tdt, t_a, t_b, t, j, j_end, out,
                    rtol, atol, hmax, int(max_steps), acc, mhmin, err, counts, accumulate,
                    renorm, defect,
                )  # fmt: skip
            _check_failures(counts[:, 2] if not coupled else gcounts[2:3], t_a, max_steps)
            j = j_end
            t_a = float(t_b)
            bar.update(t_a)
    if coupled:
        counts[:, :2] = gcounts[:2]
    projected = method == "geometric" or renorm
    ds = _dataset(
        batch, t, out, acc, mhmin, err, counts, window, defect, projected,
        {"method": method, "rtol": rtol, "atol": atol, "dt": dt, "hmax": hmax},
    )  # fmt: skip
    drift = ds.attrs["norm_drift"]
    if not drift <= norm_tolerance:
        warnings.warn(
            f"| |m| - 1 | reached {drift:.3g} (norm_tolerance {norm_tolerance:g}) with "
            f"method={method!r}"
            + ("" if projected else ", renormalize=False")
            + ": the trajectory is not trustworthy; tighten rtol/dt"
            + ("" if projected else " or keep renormalize=True"),
            NormDriftWarning,
            stacklevel=2,
        )
    return ds


def _check_failures(flags: np.ndarray, t_a: float, max_steps: int) -> None:
    bad = np.flatnonzero(flags)
    if bad.size == 0:
        return
    kind = "exceeded max_steps" if flags[bad[0]] == 1 else "step size underflow"
    raise RuntimeError(
        f"DOPRI5 failed ({kind}) after t = {t_a:.6g} for trajectories {bad[:10].tolist()}"
        f"{' ...' if bad.size > 10 else ''}; raise max_steps (now {max_steps}), loosen rtol/atol "
        "or use method='geometric'"
    )


def _dataset(
    batch, t, out, acc, mhmin, err, counts, window, defect, projected, options
) -> xr.Dataset:
    from .. import __version__

    hdir = batch.field_direction
    m_h = np.einsum("ntc,nc->nt", out, hdir)
    norm = np.linalg.norm(out, axis=2)
    drift = np.max(np.abs(norm - 1.0), axis=1)
    if not projected:  # the state itself, at every step
        drift = np.maximum(drift, defect)
    m_mean = acc.T / (window[1] - window[0])
    unit = batch.time_unit
    rate_unit = "rad/s" if unit == "s" else "omega0"
    coords = {
        "time": ("time", t, {"units": unit, "long_name": "time t"}),
        "component": ("component", np.array(["x", "y", "z"])),
        "trajectory": ("trajectory", np.arange(batch.size)),
    }
    units = {
        "omega_h": rate_unit,
        "anisotropy": rate_unit,
        "cubic": rate_unit,
        "f0": rate_unit,
        "omega": rate_unit,
        "phase": "rad",
        "fieldlike": rate_unit,
        "fieldlike_phase": "rad",
        "alpha_g": "1",
        "alpha_hall": "1",
        "alpha_iso": "1",
        "damping_axis": "1",
    }
    for name, arr in batch.per_trajectory().items():
        dims = ("trajectory", "component") if arr.ndim == 2 else ("trajectory",)
        coords[name] = (dims, np.asarray(arr), {"units": units[name]})
    ds = xr.Dataset(
        {
            "m": (("trajectory", "time", "component"), out, {"units": "1", "long_name": "m"}),
            "m_H": (("trajectory", "time"), m_h, {"units": "1", "long_name": "m . H/|H|"}),
            "m_mean": (("trajectory", "component"), m_mean, {"units": "1"}),
            "m_H_mean": (("trajectory",), np.einsum("nc,nc->n", m_mean, hdir), {"units": "1"}),
            "m_H_min": (("trajectory",), mhmin, {"units": "1"}),
            "error_estimate": (("trajectory",), err, {"units": "1"}),
            "norm_drift": (
                ("trajectory",),
                drift,
                {"units": "1", "long_name": "max | |m| - 1 | over the run"},
            ),
            "norm_defect": (
                ("trajectory",),
                defect.copy(),
                {"units": "1", "long_name": "max | |m| - 1 | of one step before projection"},
            ),
            "steps": (("trajectory",), counts[:, 0].copy()),
            "rejected": (("trajectory",), counts[:, 1].copy()),
        },
        coords=coords,
    )
    ds.attrs.update(
        {
            "title": "tisot macrospin dynamics",
            "equation": _EQUATION,
            "time_unit": unit,
            "rate_unit": rate_unit,
            "method": options["method"],
            "rtol": options["rtol"] if options["method"] == "dopri" else float("nan"),
            "atol": options["atol"] if options["method"] == "dopri" else float("nan"),
            "dt": options["dt"] if options["method"] == "geometric" else float("nan"),
            "average_window": np.array(window),
            "renormalized": int(projected),
            "norm_drift": float(np.max(drift)) if np.all(np.isfinite(drift)) else math.inf,
            "norm_defect": float(np.max(defect)) if np.all(np.isfinite(defect)) else math.inf,
            "tisot_version": __version__,
            "created": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
            "reference": "Sokolewicz et al., Phys. Rev. B 99, 214444 (2019)",
        }
    )
    ds.attrs.update({k: v for k, v in batch.as_attrs().items() if k != "time_unit"})
    return ds


class _Progress:
    """A rich progress bar over simulated time (or nothing)."""

    def __init__(self, enabled: bool, total: float, unit: str):
        self.enabled = enabled
        self.total = total
        self.unit = unit
        self._bar = None

    def __enter__(self):
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

            self._bar = Progress(
                TextColumn("[bold]simulate"),
                BarColumn(),
                TextColumn("t = {task.completed:.4g} / {task.total:.4g} " + self.unit),
                TimeRemainingColumn(),
                transient=True,
                console=Console(stderr=True),
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("simulate", total=self.total)
        return self

    def update(self, t: float) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=t)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.__exit__(*exc)
        return False
