r"""The nonlocal diffusive drive f(r, t) of the TI surface (Eq. 4 and SPEC section 5).

The diffusive torque is T_diff = f(r, t) m x m_perp (Eq. 4, Eq. 18). Its drive f answers the
divergence of the in-plane field through the diffusion of the surface charge: s_z is locked to
the density (s_z = -(Delta_z/eps) n at the Fermi level), so the pole of f is the charge
diffuson. Dephasing conserves particle number and gives the Cooperon, not the diffuson, a mass:
it does not cut this pole off, whatever the text after Eq. (4) says (docs/theory-notes.md). What
does: the electrostatics of the induced charge (:mod:`tisot.drive.screening`; pass the
screened field, or ``screening=`` to the real-space path) and, if modelled, leakage of the
surface charge into the bulk or the gate at a rate 1/tau_L (``leakage_time``), with which the
density and the current obey continuity, d rho/dt + div j = -rho/tau_L.

Sign convention (settled in docs/theory-notes.md, section "drive")
------------------------------------------------------------------
tisot's m is the moment direction and Delta_sd = -J_sd S (``tisot.model.Coupling``); with the
corrected Eq. (6) (``tisot.torques.spin_density``) and Eq. (2), Eq. (4) holds as printed:

.. math::  f_q = \eta \frac{i D\, \mathbf q \cdot \mathbf E_q}{i\omega - D q^2 - 1/\tau_L}.

Its real-space/real-time form therefore carries a minus sign that the paper's (SPEC section 5)
lacks:

.. math::  f(\mathbf r, t) = -\eta \int d^2 r' \int_{-\infty}^{t} dt'\,
           \frac{e^{-(\mathbf r - \mathbf r')^2 / 4D(t - t')}}{4 \pi (t - t')}
           e^{-(t - t')/\tau_L}\, \nabla \cdot \mathbf E(\mathbf r', t'),

i.e. f obeys the diffusion equation  df/dt = D lap f - f/tau_L - eta D div E. Behind it: the
diffusing charge rho = sigma u obeys du/dt = D lap u - u/tau_L - div E (continuity with the
Einstein relation), and f = eta D u (tests/drive/test_sign.py). E is the *total* field on the
surface: with screening it includes the field of rho itself.

=========  ==========================  ===========
symbol     name                        unit (SI)
=========  ==========================  ===========
eta        ``strength``                1/(V s)   (Eq. 4; negative since e < 0)
D          ``diffusion_constant``      m^2/s
tau_L      ``leakage_time``            s (> 0; inf = no leakage, the default)
sigma      ``sheet_conductance``       S
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
from ..torques.formulas import eq4_drive
from .field import SurfaceField
from .screening import LayeredDielectric, Screening

SIGN_CONVENTION = (
    "f = eta i D q.E / (i omega - D q^2 - 1/tau_L) (Eq. 4 as printed, Delta_sd = -J_sd S) "
    "= -eta * int d2r' dt' exp(-(r-r')^2/4D(t-t'))/(4 pi (t-t')) exp(-(t-t')/tau_L) div E"
)

DEPHASING_IS_NOT_A_CUTOFF = (
    "dephasing_time must be math.inf: dephasing conserves particle number, so it gives the "
    "Cooperon a mass but does not cut off the diffuson, the charge-diffusion pole of the drive "
    "(docs/theory-notes.md). The physical cutoffs are screening (tisot.drive.screening) and "
    "leakage of the surface charge into the bulk or the gate: use leakage_time (s) instead"
)


def _time_constant(name: str, value: float) -> float:
    tau = float(value)
    if math.isnan(tau) or not tau > 0:
        raise ValueError(f"{name} must be > 0 in s (math.inf for none), got {tau!r}")
    return tau


@dataclass(frozen=True, kw_only=True)
class DiffusiveMedium:
    """What the drive needs from the surface: D, eta, sigma and the charge leakage time (SI).

    Parameters
    ----------
    diffusion_constant
        D in m^2/s (> 0).
    strength
        eta of Eq. (4) in 1/(V s) (any sign; e < 0 makes the physical one negative).
    sheet_conductance
        sigma0 e^2/h in S (>= 0), for the local current (fieldlike torque) and for screening.
    leakage_time
        tau_L in s (> 0; ``math.inf``, the default, for none): the surface charge relaxes into
        the bulk or the gate as d rho/dt = ... - rho/tau_L.
    dephasing_time
        kept for old callers: only ``math.inf`` is accepted (dephasing cuts no diffuson; a
        finite value raises ValueError pointing to ``leakage_time``).
    """

    diffusion_constant: float
    strength: float
    dephasing_time: float = math.inf
    sheet_conductance: float = 0.0
    leakage_time: float = math.inf

    def __post_init__(self) -> None:
        positive("diffusion_constant", self.diffusion_constant)
        finite("strength", self.strength)
        try:
            no_dephasing = float(self.dephasing_time) == math.inf
        except (TypeError, ValueError):
            no_dephasing = False
        if not no_dephasing:
            raise ValueError(f"{DEPHASING_IS_NOT_A_CUTOFF}; got {self.dephasing_time!r}")
        _time_constant("leakage_time (tau_L)", self.leakage_time)
        positive("sheet_conductance", self.sheet_conductance, strict=False)

    @classmethod
    def from_model(
        cls,
        model: SurfaceModel,
        coupling: Coupling,
        *,
        dephasing_time: float = math.inf,
        leakage_time: float = math.inf,
    ) -> DiffusiveMedium:
        """D (Eq. 9), eta (Eq. 4) and sigma0 e^2/h of a model built with physical scales."""
        s = model._require_scales("DiffusiveMedium.from_model")
        return cls(
            diffusion_constant=model.diffusion_constant * s.diffusion,
            strength=diffusive_strength(model, coupling),
            dephasing_time=dephasing_time,
            sheet_conductance=model.sigma0 * CONDUCTANCE_QUANTUM,
            leakage_time=leakage_time,
        )

    @property
    def leakage_rate(self) -> float:
        """gamma = 1/tau_L in 1/s (0 without leakage)."""
        return 0.0 if math.isinf(self.leakage_time) else 1.0 / self.leakage_time

    def polarizability(self, q, omega) -> np.ndarray:
        """chi = sigma q^2 / (D q^2 - i omega + 1/tau_L) in F/m^2 (rho = -chi phi; diffusive, Eq. 14).

        From continuity with leakage, -i omega rho + i q.j = -rho/tau_L, and j = sigma E - D grad rho;
        at omega = 0 and no leakage it is sigma/D = e^2 nu (Einstein relation).
        """
        q = np.abs(np.asarray(finite("q", q), dtype=float))
        omega = np.asarray(positive("omega", omega, strict=False), dtype=float)
        D = self.diffusion_constant
        return self.sheet_conductance * q**2 / (D * q**2 - 1j * omega + self.leakage_rate)

    def describe(self) -> dict[str, float | str]:
        return {
            "diffusion_constant_m2_per_s": self.diffusion_constant,
            "eta_per_V_s": self.strength,
            "leakage_time_s": self.leakage_time,
            "sheet_conductance_S": self.sheet_conductance,
            "sign_convention": SIGN_CONVENTION,
        }


# --------------------------------------------------------------------------- Fourier path
def drive_amplitude(medium: DiffusiveMedium, q, omega, field_amplitude) -> np.ndarray:
    """f_q = eta i D q.E_q / (i omega - D q^2 - 1/tau_L), Eq. (4), complex, in 1/s.

    q (..., 2) in 1/m, omega (...) in rad/s (>= 0), E_q (..., 2) complex in V/m (finite): the
    *total* field on the surface (screened, if the electrostatics matter). A q = 0 harmonic
    drives nothing (q.E = 0), whatever omega and tau_L. The formula is
    :func:`tisot.torques.formulas.eq4_drive`, with the medium's eta, D and 1/tau_L.
    """
    return eq4_drive(
        medium.strength,
        medium.diffusion_constant,
        q,
        omega,
        field_amplitude,
        leakage_rate=medium.leakage_rate,
    )


def current_amplitude(medium: DiffusiveMedium, q, omega, field_amplitude) -> np.ndarray:
    """Sheet current J_q (..., 2) in A/m: drift sigma E minus the diffusion current.

    J_q = G [E_q - q^ (q^.E_q) D q^2 / (D q^2 - i omega + 1/tau_L)], G = sigma0 e^2/h. The
    longitudinal part is suppressed by (1/tau_L - i omega)/(D q^2 - i omega + 1/tau_L) (sigma_yy
    of Eq. 14, x^ along q); with the density of :meth:`DiffusiveMedium.polarizability` it obeys
    continuity, -i omega rho + i q.J = -rho/tau_L. q = 0 gives J = G E.
    """
    q = np.asarray(finite("q", q), dtype=float)
    E = np.asarray(finite("field_amplitude", field_amplitude), dtype=complex)
    omega = np.asarray(positive("omega", omega, strict=False), dtype=float)
    q2 = np.sum(q * q, axis=-1)
    Dq2 = medium.diffusion_constant * q2
    denom = Dq2 - 1j * omega + medium.leakage_rate
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


def fourier_drive(
    field: SurfaceField, medium: DiffusiveMedium, *, screening: LayeredDielectric | None = None
) -> HarmonicDrive:
    """The drive (Eq. 4) and the local current of ``field``, harmonic by harmonic.

    ``field`` is the total field on the surface, e.g. ``gate.field(screening=...)``. Or pass
    the gate alone with ``screening=gate.layers``: the field is then screened here by the
    medium's own diffusive response (the same physics as :func:`realspace_drive` with it).
    """
    if screening is not None:
        field = Screening(screening, medium).screen(field)
    f = drive_amplitude(medium, field.wavevectors, field.omega, field.amplitudes)
    J = current_amplitude(medium, field.wavevectors, field.omega, field.amplitudes)
    return HarmonicDrive(field.wavevectors, f, J, field.omega)


# --------------------------------------------------------------------------- real-space path
def diffusion_kernel(r, tau, medium: DiffusiveMedium) -> np.ndarray:
    """exp(-r^2 / 4 D tau) / (4 pi tau) exp(-tau / tau_L) of SPEC section 5, in 1/s.

    It is D times the normalised 2D diffusion kernel; r in m, tau > 0 in s. In tisot's sign
    convention f = -eta (kernel * div E) (module docstring).
    """
    r = np.asarray(r, dtype=float)
    tau = np.asarray(tau, dtype=float)
    D = medium.diffusion_constant
    return np.exp(-(r**2) / (4 * D * tau) - tau * medium.leakage_rate) / (4 * math.pi * tau)


def line_kernel(x, tau, medium: DiffusiveMedium) -> np.ndarray:
    """The kernel integrated over y (for fields uniform along y): D e^{-x^2/4D tau}/sqrt(4 pi D tau) e^{-tau/tau_L}, m/s."""
    x = np.asarray(x, dtype=float)
    tau = np.asarray(tau, dtype=float)
    D = medium.diffusion_constant
    return (
        D
        * np.exp(-(x**2) / (4 * D * tau) - tau * medium.leakage_rate)
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
    """March df/dt = D f'' - f/tau_L + S on a periodic grid (Crank-Nicolson).

    ``sources`` holds S at every fine step (n_fine + 1, n); r = D dt / (2 h^2), decay = dt/(2 tau_L).
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


@numba.njit(cache=True)
def _spectral_crank_nicolson(u0, sources, rate, dt, substeps, n_out):  # pragma: no cover - numba
    """Crank-Nicolson for du_m/dt = -rate_m u_m + S_m, mode by mode (a circulant system).

    The finite-difference operator with the layered Poisson term is circulant on the periodic
    grid, so the FFT diagonalises it exactly: this *is* the implicit finite-difference step,
    solved in O(N) per step. ``sources`` holds S at every fine step (n_fine + 1, modes).
    """
    n = u0.size
    keep = np.empty(n)
    gain = np.empty(n)
    for i in range(n):
        keep[i] = (1.0 - 0.5 * dt * rate[i]) / (1.0 + 0.5 * dt * rate[i])
        gain[i] = 0.5 * dt / (1.0 + 0.5 * dt * rate[i])
    out = np.empty((n_out, n), dtype=np.complex128)
    u = u0.copy()
    out[0] = u
    k = 0
    for j in range(1, n_out):
        for _ in range(substeps):
            for i in range(n):
                u[i] = keep[i] * u[i] + gain[i] * (sources[k, i] + sources[k + 1, i])
            k += 1
        out[j] = u
    return out


def _field_function(field, x):
    if field is None:
        return None
    if isinstance(field, SurfaceField):
        spatial = field._phases(np.stack([x, np.zeros_like(x)], axis=-1)) @ field.amplitudes[:, 0]

        def field_x(tt, _s=spatial, _w=field.omega):  # all times at once (harmonic)
            return np.real(_s[None, :] * np.exp(-1j * _w * tt)[:, None])

        return field_x
    if callable(field):

        def field_x(tt, _f=field):
            return np.stack([np.asarray(_f(x, float(tk)), dtype=float) for tk in tt])

        return field_x
    raise ValueError("field must be a SurfaceField, a callable E_x(x, t) or None")


def _central(a, h):
    """d/dx by periodic central differences along the last axis (second order)."""
    return (np.roll(a, -1, axis=-1) - np.roll(a, 1, axis=-1)) / (2 * h)


def realspace_response(
    medium: DiffusiveMedium,
    *,
    length: float,
    points: int,
    times,
    field: SurfaceField | Callable[[np.ndarray, float], np.ndarray] | None = None,
    initial=None,
    substeps: int = 1,
    screening: LayeredDielectric | None = None,
    progress: bool = False,
    fields: bool = True,
) -> xr.Dataset:
    r"""Drive, induced charge, total field and current on a periodic line, in real space and time.

    The surface charge rho = sigma u diffuses and drifts in the total field (continuity with
    the Einstein relation and leakage 1/tau_L):

    .. math:: \partial_t u = D \partial_x^2 u - u/\tau_L - \partial_x E_x,\qquad
              E_x = E_x^{ext} - \partial_x \phi_{ind},\quad \hat\phi_{ind}(k) = G(k)\, \sigma \hat u(k),

    and f = eta D u (so df/dt = D f'' - f/tau_L - eta D dE_x/dx, the real-space form of SPEC
    section 5 with the sign of Eq. 4). Without ``screening`` E_x is the external field alone
    (the paper's drive); with it, the induced potential of each grid harmonic k is the layered
    Green's function G(k) of :class:`~tisot.drive.LayeredDielectric` times the charge, so the
    drive is diffusion coupled to the Poisson equation of its own charge. Second-order finite
    differences in x, Crank-Nicolson in t (without screening the cyclic tridiagonal system by
    Sherman-Morrison/Thomas, with it the circulant system by FFT). E_x may have any waveform.
    The field is uniform along y.

    Parameters
    ----------
    medium
        D, eta, sigma, tau_L.
    length
        period of the line in m (> 0); x_j = j length / points.
    points
        grid points (>= 8).
    times
        uniformly spaced output times in s; the run starts at times[0].
    field
        the *external* field: a :class:`SurfaceField` (its x-component at y = 0) or a callable
        E_x(x, t) -> (points,) in V/m; ``None`` for free relaxation of ``initial``.
    initial
        f(x, times[0]) in 1/s (default 0: a drive switched on at times[0]).
    substeps
        Crank-Nicolson steps per output interval (>= 1).
    screening
        the electrostatics (e.g. ``gate.layers``) for a self-consistent total field, or ``None``.
    progress
        show a rich progress bar over the output intervals.
    fields
        also return rho, the total E_x and J_x (``False``: only f, less memory and time).

    Returns
    -------
    xarray.Dataset with ``f`` (1/s), ``rho`` (C/m^2), ``E_x`` (total, V/m), all (time, x), and
    the sheet current ``J_x`` (A/m) on the midpoints (time, x_mid), where
    (J_{j+1/2} - J_{j-1/2})/h is the scheme's own divergence (discrete continuity). Stiff grid
    modes (D k^2 and the Maxwell rate sigma k^2 G(k) at k ~ pi/h) ring for a while after a
    sudden switch-on, as Crank-Nicolson does; a smooth switch-on avoids it.
    """
    length = finite("length", length)
    if not length > 0:
        raise ValueError(f"length must be > 0 (periodic domain in m), got {length!r}")
    if not (isinstance(points, int | np.integer) and points >= 8):
        raise ValueError(f"points must be an integer >= 8, got {points!r}")
    if not (isinstance(substeps, int | np.integer) and substeps >= 1):
        raise ValueError(f"substeps must be an integer >= 1, got {substeps!r}")
    if screening is not None and not isinstance(screening, LayeredDielectric):
        raise ValueError("screening must be a LayeredDielectric (e.g. gate.layers) or None")
    t, dt_out = _uniform_times(times)
    dt = dt_out / substeps
    h = length / points
    x = np.arange(points) * h
    field_x = _field_function(field, x)
    D, eta, sigma = medium.diffusion_constant, medium.strength, medium.sheet_conductance

    u = np.zeros(points)
    if initial is not None:
        f0 = np.asarray(finite("initial", initial), float)
        if f0.shape != (points,):
            raise ValueError(f"initial must have shape ({points},), got {f0.shape}")
        if np.any(f0 != 0) and eta == 0:
            raise ValueError("initial f needs strength != 0 (the charge is f / (eta D))")
        u = f0 / (eta * D) if eta != 0 else f0
    # grid harmonics k_m (rfft order): -Laplacian and i x central-derivative eigenvalues
    k = 2 * math.pi * np.arange(points // 2 + 1) / length
    lap = 4.0 / h**2 * np.sin(0.5 * k * h) ** 2
    kappa = np.sin(k * h) / h
    green = np.zeros_like(k)
    if screening is not None:
        green[1:] = screening.green(k[1:])
    rate = D * lap + medium.leakage_rate + sigma * kappa**2 * green

    out = np.empty((t.size, points))
    out[0] = u
    E_ext = np.zeros((t.size, points)) if fields else None
    per_chunk = max(1, SOURCE_CHUNK_STEPS // int(substeps))
    with _progress(progress, t.size - 1) as advance:
        for j0 in range(0, t.size - 1, per_chunk):
            j1 = min(j0 + per_chunk, t.size - 1)
            fine_t = t[j0] + dt * np.arange((j1 - j0) * substeps + 1)
            if field_x is None:
                Ex = np.zeros((fine_t.size, points))
            else:
                Ex = field_x(fine_t)
                if Ex.shape != (fine_t.size, points) or not np.all(np.isfinite(Ex)):
                    raise ValueError(
                        f"field must return {points} finite values of E_x (V/m) at each time"
                    )
            if fields:
                E_ext[j0 : j1 + 1] = Ex[::substeps]
            sources = -_central(Ex, h)  # -dE_x/dx, second order, periodic
            if screening is None:
                r_num = D * dt / (2 * h * h)
                decay = 0.5 * dt * medium.leakage_rate
                chunk = _crank_nicolson(
                    u, np.ascontiguousarray(sources), r_num, decay, dt, int(substeps), j1 - j0 + 1
                )
            else:
                s_hat = np.ascontiguousarray(np.fft.rfft(sources, axis=1))
                u_hat = np.fft.rfft(u).astype(np.complex128)
                c = _spectral_crank_nicolson(u_hat, s_hat, rate, dt, int(substeps), j1 - j0 + 1)
                chunk = np.fft.irfft(c, n=points, axis=1)
            out[j0 + 1 : j1 + 1] = chunk[1:]
            u = chunk[-1].copy()
            advance(j1 - j0)
    coords = {"time": ("time", t, {"units": "s"}), "x": ("x", x, {"units": "m"})}
    method = "Crank-Nicolson, periodic finite differences (tisot.drive.realspace_drive)"
    if screening is not None:
        method += "; induced potential from the layered Green's function per grid harmonic"
    attrs = {"method": method, "substeps": int(substeps), "screening": screening is not None}
    attrs |= medium.describe()
    if screening is not None:
        attrs |= {
            "gate_distance_m": screening.distance,
            "gate_permittivity": screening.permittivity,
            "substrate_permittivity": screening.substrate_permittivity,
        }
    long_name = "diffusive drive f (T_diff = f m x m_perp)"
    data = {"f": (("time", "x"), eta * D * out, {"units": "1/s", "long_name": long_name})}
    if fields:
        # the induced field and the current, from the charge; the current on the midpoints
        # x_j + h/2, where its divergence is the scheme's own:
        # (J_{j+1/2} - J_{j-1/2})/h = sigma (central dE/dx - D lap_h u): continuity is exact
        phi_hat = green * sigma * np.fft.rfft(out, axis=1)
        E_tot = E_ext - _central(np.fft.irfft(phi_hat, n=points, axis=1), h)
        E_mid = 0.5 * (E_tot + np.roll(E_tot, -1, axis=1))
        J = sigma * (E_mid - D * (np.roll(out, -1, axis=1) - out) / h)
        coords["x_mid"] = ("x_mid", x + 0.5 * h, {"units": "m", "long_name": "midpoints x + h/2"})
        data |= {
            "rho": (("time", "x"), sigma * out, {"units": "C/m^2", "long_name": "induced charge"}),
            "E_x": (("time", "x"), E_tot, {"units": "V/m", "long_name": "total in-plane field"}),
            "J_x": (("time", "x_mid"), J, {"units": "A/m", "long_name": "sheet current"}),
        }
    return xr.Dataset(data, coords=coords, attrs=attrs)


def realspace_drive(
    medium: DiffusiveMedium,
    *,
    length: float,
    points: int,
    times,
    field: SurfaceField | Callable[[np.ndarray, float], np.ndarray] | None = None,
    initial=None,
    substeps: int = 1,
    screening: LayeredDielectric | None = None,
    progress: bool = False,
) -> xr.DataArray:
    """f(x, t) on a periodic line by solving the diffusion equation in real space and time.

    The ``f`` of :func:`realspace_response` (same parameters): df/dt = D f'' - f/tau_L
    - eta D dE_x/dx with E_x the external field, or, with ``screening`` (e.g. ``gate.layers``),
    the total field including that of the induced charge.

    Returns
    -------
    xarray.DataArray ``f`` (time, x) in 1/s.
    """
    ds = realspace_response(
        medium, length=length, points=points, times=times, field=field, initial=initial,
        substeps=substeps, screening=screening, progress=progress, fields=False,
    )  # fmt: skip
    f = ds["f"]
    f.attrs |= ds.attrs
    return f
