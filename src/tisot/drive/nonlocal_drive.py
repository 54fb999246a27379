r"""The nonlocal diffusive drive f(r, t) of the TI surface (Eq. 4 and SPEC section 5).

The diffusive torque is T_diff = f(r, t) m x m_perp (Eq. 4, Eq. 18). Its drive f answers the
divergence of the in-plane field through the diffusion of the surface electrons, with a
dephasing rate 1/tau_phi that cuts off the dc 1/q singularity (text after Eq. 4).

Sign convention (settled in docs/theory-notes.md, section "drive")
------------------------------------------------------------------
tisot's m is the moment direction and Delta_sd = -J_sd S (``tisot.model.Coupling``); with the
corrected Eq. (6) (``tisot.torques.spin_density``) and Eq. (2), Eq. (4) holds as printed:

.. math::  f_q = \eta \frac{i D\, \mathbf q \cdot \mathbf E_q}{i\omega - D q^2 - 1/\tau_\phi}.

Its real-space/real-time form therefore carries a minus sign that the paper's (SPEC section 5)
lacks:

.. math::  f(\mathbf r, t) = -\eta \int d^2 r' \int_{-\infty}^{t} dt'\,
           \frac{e^{-(\mathbf r - \mathbf r')^2 / 4D(t - t')}}{4 \pi (t - t')}
           e^{-(t - t')/\tau_\phi}\, \nabla \cdot \mathbf E(\mathbf r', t'),

i.e. f obeys the diffusion equation  df/dt = D lap f - f/tau_phi - eta D div E. Behind it: the
diffusing charge n obeys the same equation, the electrons at the Fermi level carry
<sigma_z> = -Delta_z/eps, and s_z = -(Delta_z/eps) n (tests/drive/test_sign.py).

=========  ==========================  ===========
symbol     name                        unit (SI)
=========  ==========================  ===========
eta        ``strength``                1/(V s)   (Eq. 4; negative since e < 0)
D          ``diffusion_constant``      m^2/s
tau_phi    ``dephasing_time``          s (> 0; inf = no dephasing)
f          drive                       1/s
=========  ==========================  ===========
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np
import xarray as xr

from .._validation import finite, positive
from ..constants import CONDUCTANCE_QUANTUM
from ..model.coupling import Coupling, diffusive_strength
from ..model.surface import SurfaceModel
from .field import SurfaceField

SIGN_CONVENTION = (
    "f = eta i D q.E / (i omega - D q^2 - 1/tau_phi) (Eq. 4 as printed, Delta_sd = -J_sd S) "
    "= -eta * int d2r' dt' exp(-(r-r')^2/4D(t-t'))/(4 pi (t-t')) exp(-(t-t')/tau_phi) div E"
)


@dataclass(frozen=True, kw_only=True)
class DiffusiveMedium:
    """What the drive needs from the surface: D, eta, tau_phi and the sheet conductance (SI).

    Parameters
    ----------
    diffusion_constant
        D in m^2/s (> 0).
    strength
        eta of Eq. (4) in 1/(V s) (any sign; e < 0 makes the physical one negative).
    dephasing_time
        tau_phi in s (> 0; ``math.inf`` for none).
    sheet_conductance
        sigma0 e^2/h in S (>= 0), for the local current (fieldlike torque).
    """

    diffusion_constant: float
    strength: float
    dephasing_time: float = math.inf
    sheet_conductance: float = 0.0

    def __post_init__(self) -> None:
        positive("diffusion_constant", self.diffusion_constant)
        finite("strength", self.strength)
        tau = float(self.dephasing_time)
        if math.isnan(tau) or not tau > 0:
            raise ValueError(
                f"dephasing_time (tau_phi) must be > 0 in s (math.inf for no dephasing), got {tau!r}"
            )
        positive("sheet_conductance", self.sheet_conductance, strict=False)

    @classmethod
    def from_model(
        cls, model: SurfaceModel, coupling: Coupling, *, dephasing_time: float = math.inf
    ) -> DiffusiveMedium:
        """D (Eq. 9), eta (Eq. 4) and sigma0 e^2/h of a model built with physical scales."""
        s = model._require_scales("DiffusiveMedium.from_model")
        return cls(
            diffusion_constant=model.diffusion_constant * s.diffusion,
            strength=diffusive_strength(model, coupling),
            dephasing_time=dephasing_time,
            sheet_conductance=model.sigma0 * CONDUCTANCE_QUANTUM,
        )

    @property
    def dephasing_rate(self) -> float:
        """1/tau_phi in 1/s (0 without dephasing)."""
        return 0.0 if math.isinf(self.dephasing_time) else 1.0 / self.dephasing_time

    def describe(self) -> dict[str, float | str]:
        return {
            "diffusion_constant_m2_per_s": self.diffusion_constant,
            "eta_per_V_s": self.strength,
            "dephasing_time_s": self.dephasing_time,
            "sheet_conductance_S": self.sheet_conductance,
            "sign_convention": SIGN_CONVENTION,
        }


# --------------------------------------------------------------------------- Fourier path
def drive_amplitude(medium: DiffusiveMedium, q, omega, field_amplitude) -> np.ndarray:
    """f_q = eta i D q.E_q / (i omega - D q^2 - 1/tau_phi), Eq. (4), complex, in 1/s.

    q (..., 2) in 1/m, omega (...) in rad/s (>= 0), E_q (..., 2) complex in V/m.
    A q = 0 harmonic drives nothing (q.E = 0), whatever omega and tau_phi.
    """
    q = np.asarray(finite("q", q), dtype=float)
    E = np.asarray(field_amplitude, dtype=complex)
    omega = np.asarray(positive("omega", omega, strict=False), dtype=float)
    D = medium.diffusion_constant
    qE = q[..., 0] * E[..., 0] + q[..., 1] * E[..., 1]
    denom = 1j * omega - D * np.sum(q * q, axis=-1) - medium.dephasing_rate  # Eq. (4)
    safe = np.where(denom == 0, 1.0, denom)
    return np.where(qE == 0, 0.0, medium.strength * 1j * D * qE / safe)


def current_amplitude(medium: DiffusiveMedium, q, omega, field_amplitude) -> np.ndarray:
    """Sheet current J_q (..., 2) in A/m: drift sigma E minus the diffusion current.

    J_q = G [E_q - q^ (q^.E_q) D q^2 / (D q^2 - i omega)], G = sigma0 e^2/h. The longitudinal
    part is suppressed by i omega / (i omega - D q^2) (sigma_yy of Eq. 14, x^ along q); charge is
    conserved, so the dephasing rate does not enter. q = 0 gives J = G E.
    """
    q = np.asarray(finite("q", q), dtype=float)
    E = np.asarray(field_amplitude, dtype=complex)
    omega = np.asarray(positive("omega", omega, strict=False), dtype=float)
    q2 = np.sum(q * q, axis=-1)
    Dq2 = medium.diffusion_constant * q2
    denom = Dq2 - 1j * omega
    ratio = np.where(q2 == 0, 0.0, Dq2 / np.where(denom == 0, 1.0, denom))
    qE = q[..., 0] * E[..., 0] + q[..., 1] * E[..., 1]
    longitudinal = q * (qE / np.where(q2 == 0, 1.0, q2))[..., None]
    return medium.sheet_conductance * (E - ratio[..., None] * longitudinal)


@dataclass(frozen=True, eq=False)
class HarmonicDrive:
    """f(r, t) = Re sum_n f_n e^{i q_n.r - i omega t} and J(r, t) likewise (Fourier path).

    Attributes: ``wavevectors`` (N, 2) 1/m, ``drive`` f_n (N,) 1/s, ``current`` J_n (N, 2) A/m,
    ``omega`` rad/s.
    """

    wavevectors: np.ndarray
    drive: np.ndarray
    current: np.ndarray
    omega: float

    def _phases(self, r) -> np.ndarray:
        r = np.asarray(r, dtype=float)
        if r.shape[-1:] != (2,):
            raise ValueError(f"positions r must have shape (..., 2) in m, got {r.shape}")
        return np.exp(1j * (r @ self.wavevectors.T))

    def complex_drive(self, r) -> np.ndarray:
        """F(r) with f(r, t) = Re[F(r) e^{-i omega t}] (1/s)."""
        return self._phases(r) @ self.drive

    def complex_current(self, r) -> np.ndarray:
        """J(r) (..., 2) with J(r, t) = Re[J(r) e^{-i omega t}] (A/m)."""
        return self._phases(r) @ self.current

    def evaluate(self, r, t) -> np.ndarray:
        """f at positions r (..., 2) in m and times t (T,) in s: shape (T, ...), in 1/s."""
        F = self.complex_drive(r)
        t = np.atleast_1d(np.asarray(t, dtype=float))
        return np.real(F[None] * np.exp(-1j * self.omega * t).reshape(-1, *([1] * F.ndim)))

    def amplitude_and_phase(self, r) -> tuple[np.ndarray, np.ndarray]:
        """f(r, t) = a(r) cos(omega t + phi(r)): a in 1/s and phi in rad."""
        F = self.complex_drive(r)
        return np.abs(F), -np.angle(F)


def fourier_drive(field: SurfaceField, medium: DiffusiveMedium) -> HarmonicDrive:
    """The drive (Eq. 4) and the local current of ``field``, harmonic by harmonic."""
    f = drive_amplitude(medium, field.wavevectors, field.omega, field.amplitudes)
    J = current_amplitude(medium, field.wavevectors, field.omega, field.amplitudes)
    return HarmonicDrive(field.wavevectors, f, J, field.omega)


# --------------------------------------------------------------------------- real-space path
def diffusion_kernel(r, tau, medium: DiffusiveMedium) -> np.ndarray:
    """exp(-r^2 / 4 D tau) / (4 pi tau) exp(-tau / tau_phi) of SPEC section 5, in 1/s.

    It is D times the normalised 2D diffusion kernel; r in m, tau > 0 in s. In tisot's sign
    convention f = -eta (kernel * div E) (module docstring).
    """
    r = np.asarray(r, dtype=float)
    tau = np.asarray(tau, dtype=float)
    D = medium.diffusion_constant
    return np.exp(-(r**2) / (4 * D * tau) - tau * medium.dephasing_rate) / (4 * math.pi * tau)


def line_kernel(x, tau, medium: DiffusiveMedium) -> np.ndarray:
    """The kernel integrated over y (for fields uniform along y): D e^{-x^2/4D tau}/sqrt(4 pi D tau) e^{-tau/tau_phi}, m/s."""
    x = np.asarray(x, dtype=float)
    tau = np.asarray(tau, dtype=float)
    D = medium.diffusion_constant
    return (
        D
        * np.exp(-(x**2) / (4 * D * tau) - tau * medium.dephasing_rate)
        / np.sqrt(4 * math.pi * D * tau)
    )


@numba.njit(cache=True)
def _thomas(diag_mod, off, rhs, cprime, out):  # pragma: no cover - numba
    """Solve the tridiagonal system with diagonal ``diag_mod`` and off-diagonals ``off``."""
    n = rhs.size
    d_prev = rhs[0] / diag_mod[0]
    out[0] = d_prev
    for i in range(1, n):
        m = diag_mod[i] - off * cprime[i - 1]
        d_prev = (rhs[i] - off * d_prev) / m
        out[i] = d_prev
    for i in range(n - 2, -1, -1):
        out[i] -= cprime[i] * out[i + 1]


@numba.njit(cache=True)
def _crank_nicolson(f0, sources, r, decay, dt, substeps, n_out):  # pragma: no cover - numba
    """March df/dt = D f'' - f/tau_phi + S on a periodic grid (Crank-Nicolson).

    ``sources`` holds S at every fine step (n_fine + 1, n); r = D dt / (2 h^2), decay = dt/(2 tau_phi).
    The cyclic tridiagonal system (I - dt L / 2) f_new = rhs is solved by Sherman-Morrison on
    top of the Thomas algorithm (Numerical Recipes, "cyclic"). Returns f every ``substeps``-th
    step, shape (n_out, n).
    """
    n = f0.size
    diag = 1.0 + 2.0 * r + decay
    off = -r
    gamma = -diag
    diag_mod = np.full(n, diag)
    diag_mod[0] = diag - gamma
    diag_mod[n - 1] = diag - off * off / gamma
    cprime = np.empty(n)
    cprime[0] = off / diag_mod[0]
    for i in range(1, n):
        cprime[i] = off / (diag_mod[i] - off * cprime[i - 1])
    u = np.zeros(n)
    u[0] = gamma
    u[n - 1] = off
    z = np.empty(n)
    _thomas(diag_mod, off, u, cprime, z)
    denom = 1.0 + z[0] + off * z[n - 1] / gamma

    out = np.empty((n_out, n))
    f = f0.copy()
    out[0] = f
    rhs = np.empty(n)
    y = np.empty(n)
    k = 0
    for j in range(1, n_out):
        for _ in range(substeps):
            for i in range(n):
                left = f[i - 1] if i > 0 else f[n - 1]
                right = f[i + 1] if i < n - 1 else f[0]
                rhs[i] = (
                    (1.0 - 2.0 * r - decay) * f[i]
                    + r * (left + right)
                    + 0.5 * dt * (sources[k, i] + sources[k + 1, i])
                )
            _thomas(diag_mod, off, rhs, cprime, y)
            fact = (y[0] + off * y[n - 1] / gamma) / denom
            for i in range(n):
                f[i] = y[i] - fact * z[i]
            k += 1
        out[j] = f
    return out


#: Fine time steps whose source terms are tabulated at once (bounds memory for long runs).
SOURCE_CHUNK_STEPS = 4096


class _progress:
    """A rich progress bar over output intervals (or nothing); yields an advance(n) callable."""

    def __init__(self, enabled: bool, total: int):
        self.enabled, self.total, self.bar = enabled, total, None

    def __enter__(self):
        if not self.enabled:
            return lambda n: None
        from rich.progress import Progress

        self.bar = Progress(transient=True)
        self.bar.__enter__()
        task = self.bar.add_task("real-space drive", total=self.total)
        return lambda n: self.bar.update(task, advance=n)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False


def _uniform_times(times) -> tuple[np.ndarray, float]:
    t = np.asarray(finite("times", times), dtype=float)
    if t.ndim != 1 or t.size < 2:
        raise ValueError("times must be a 1D array of at least two output times in s")
    dt = np.diff(t)
    if not np.all(dt > 0) or not np.allclose(dt, dt[0], rtol=1e-9, atol=0):
        raise ValueError("times must be increasing and uniformly spaced (s)")
    return t, float(dt[0])


def realspace_drive(
    medium: DiffusiveMedium,
    *,
    length: float,
    points: int,
    times,
    field: SurfaceField | Callable[[np.ndarray, float], np.ndarray] | None = None,
    initial=None,
    substeps: int = 1,
    progress: bool = False,
) -> xr.DataArray:
    """f(x, t) on a periodic line by solving the diffusion equation in real space and time.

    df/dt = D d^2f/dx^2 - f/tau_phi - eta D dE_x/dx (the real-space form of SPEC section 5 with
    the sign of Eq. 4, see the module docstring) by second-order finite differences in x and Crank-Nicolson in t; E_x may
    have any waveform (pulses, several frequencies). The field is uniform along y.

    Parameters
    ----------
    medium
        D, eta, tau_phi.
    length
        period of the line in m (> 0); x_j = j length / points.
    points
        grid points (>= 8).
    times
        uniformly spaced output times in s; the run starts at times[0].
    field
        a :class:`SurfaceField` (its x-component at y = 0) or a callable E_x(x, t) -> (points,)
        in V/m; ``None`` for free relaxation of ``initial``.
    initial
        f(x, times[0]) in 1/s (default 0: a drive switched on at times[0]).
    substeps
        Crank-Nicolson steps per output interval (>= 1).
    progress
        show a rich progress bar over the output intervals.

    Returns
    -------
    xarray.DataArray ``f`` (time, x) in 1/s.
    """
    length = finite("length", length)
    if not length > 0:
        raise ValueError(f"length must be > 0 (periodic domain in m), got {length!r}")
    if not (isinstance(points, int | np.integer) and points >= 8):
        raise ValueError(f"points must be an integer >= 8, got {points!r}")
    if not (isinstance(substeps, int | np.integer) and substeps >= 1):
        raise ValueError(f"substeps must be an integer >= 1, got {substeps!r}")
    t, dt_out = _uniform_times(times)
    dt = dt_out / substeps
    h = length / points
    x = np.arange(points) * h
    if field is None:
        field_x = None
    elif isinstance(field, SurfaceField):
        spatial = field._phases(np.stack([x, np.zeros_like(x)], axis=-1)) @ field.amplitudes[:, 0]

        def field_x(tt, _s=spatial, _w=field.omega):  # all times at once (harmonic)
            return np.real(_s[None, :] * np.exp(-1j * _w * tt)[:, None])
    elif callable(field):

        def field_x(tt, _f=field):
            return np.stack([np.asarray(_f(x, float(tk)), dtype=float) for tk in tt])
    else:
        raise ValueError("field must be a SurfaceField, a callable E_x(x, t) or None")

    f = np.zeros(points) if initial is None else np.asarray(finite("initial", initial), float)
    if f.shape != (points,):
        raise ValueError(f"initial must have shape ({points},), got {f.shape}")
    r_num = medium.diffusion_constant * dt / (2 * h * h)
    decay = 0.5 * dt * medium.dephasing_rate
    out = np.empty((t.size, points))
    out[0] = f
    # march in chunks of output intervals so that the source table stays small
    per_chunk = max(1, SOURCE_CHUNK_STEPS // int(substeps))
    with _progress(progress, t.size - 1) as advance:
        for j0 in range(0, t.size - 1, per_chunk):
            j1 = min(j0 + per_chunk, t.size - 1)
            fine_t = t[j0] + dt * np.arange((j1 - j0) * substeps + 1)
            if field_x is None:
                sources = np.zeros((fine_t.size, points))
            else:
                Ex = field_x(fine_t)
                if Ex.shape != (fine_t.size, points) or not np.all(np.isfinite(Ex)):
                    raise ValueError(
                        f"field must return {points} finite values of E_x (V/m) at each time"
                    )
                # -eta D dE_x/dx by central differences (second order, periodic)
                sources = (
                    -medium.strength
                    * medium.diffusion_constant
                    * (np.roll(Ex, -1, axis=1) - np.roll(Ex, 1, axis=1))
                    / (2 * h)
                )
            chunk = _crank_nicolson(
                f, np.ascontiguousarray(sources), r_num, decay, dt, int(substeps), j1 - j0 + 1
            )
            out[j0 + 1 : j1 + 1] = chunk[1:]
            f = chunk[-1].copy()
            advance(j1 - j0)
    f = out
    return xr.DataArray(
        f,
        dims=("time", "x"),
        coords={"time": ("time", t, {"units": "s"}), "x": ("x", x, {"units": "m"})},
        name="f",
        attrs={
            "units": "1/s",
            "long_name": "diffusive drive f (T_diff = f m x m_perp)",
            "method": "Crank-Nicolson, periodic finite differences (tisot.drive.realspace_drive)",
            "substeps": int(substeps),
            **medium.describe(),
        },
    )
