"""Parameters of N macrospins integrated together: :class:`MacrospinBatch` and :class:`ExchangeGrid`.

Every field is broadcast to N trajectories on construction, so trajectory ``i`` of a batch is
one independent (or, with an :class:`ExchangeGrid`, exchange-coupled) macrospin obeying the
equation of motion of :mod:`tisot.dynamics.equation` (Eq. 18 extended by Eqs. 3 and 16).

Rates (``omega_h``, ``anisotropy``, ``cubic``, ``f0``, ``omega``, ``fieldlike``, ``coupling``,
``DipolarKernel.omega_m``) share one time unit,
``time_unit``: ``"1/omega0"`` (dimensionless, the paper's Fig. 3 with omega0 = gamma H = 1) or
``"s"`` (rates in rad/s, times in s). :meth:`MacrospinBatch.from_physical` converts SI inputs,
:meth:`MacrospinBatch.dimensionless` rescales a batch to omega0 = 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields, replace

import numpy as np

from .._validation import finite
from ..constants import GAMMA_ELECTRON as _GAMMA_E

#: |gamma_e|, gyromagnetic ratio of the free electron in rad/(s T) (CODATA via scipy).
GAMMA_ELECTRON = abs(_GAMMA_E)

TIME_UNITS = ("1/omega0", "s")

#: The terms of the equation of motion (:mod:`tisot.dynamics.equation`), for ``with_terms``.
TERMS = (
    "precession",
    "anisotropy",
    "dipolar",
    "diffusive",
    "fieldlike",
    "damping",
    "hall",
    "isotropic",
)

_VECTOR_FIELDS = ("omega_h", "anisotropy", "fieldlike", "damping_axis")
_SCALAR_FIELDS = (
    "cubic",
    "f0",
    "omega",
    "phase",
    "fieldlike_phase",
    "alpha_g",
    "alpha_hall",
    "alpha_iso",
)
_RATE_FIELDS = ("omega_h", "anisotropy", "cubic", "f0", "omega", "fieldlike")


@dataclass(frozen=True)
class ExchangeGrid:
    """Trajectories laid on a periodic 1D or 2D grid, coupled by nearest-neighbour exchange.

    The exchange adds ``coupling * Laplacian(m)`` to the precession-frequency vector of each
    site, ``omega_ex,i = J_i sum_{j in nn(i)} (m_j - m_i)`` (the discrete Laplacian with unit
    spacing, periodic boundaries), in the batch's rate unit. Site ``(ix, iy)`` is trajectory
    ``ix * ny + iy`` (C order).

    Parameters
    ----------
    shape
        ``(nx,)`` or ``(nx, ny)``, each >= 1; ``prod(shape)`` must equal the batch size.
    coupling
        J >= 0 (scalar or one value per site), precession-frequency units (rate).
    """

    shape: tuple[int, ...]
    coupling: float | np.ndarray = 1.0

    def __post_init__(self) -> None:
        shape = tuple(int(n) for n in np.atleast_1d(self.shape))
        if len(shape) not in (1, 2) or any(n < 1 for n in shape):
            raise ValueError(
                f"ExchangeGrid.shape must be (nx,) or (nx, ny) with n >= 1, got {shape}"
            )
        object.__setattr__(self, "shape", shape)
        c = np.asarray(finite("ExchangeGrid.coupling", self.coupling), dtype=float)
        if np.any(c < 0):
            raise ValueError("ExchangeGrid.coupling must be >= 0 (ferromagnetic exchange)")
        object.__setattr__(self, "coupling", c)

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def neighbours(self) -> np.ndarray:
        """(size, 2 * ndim) int64 indices of the periodic nearest neighbours of each site."""
        idx = np.arange(self.size).reshape(self.shape)
        cols = []
        for axis in range(len(self.shape)):
            for shift in (1, -1):
                cols.append(np.roll(idx, shift, axis=axis).ravel())
        return np.ascontiguousarray(np.stack(cols, axis=1).astype(np.int64))


@dataclass(frozen=True)
class DipolarKernel:
    """Dynamic dipolar field of a thin film sampled on a periodic chain of macrospins along x.

    The film (thickness d, normal z) is cut into ``points`` cells of width ``spacing`` along x
    (the wavevector direction, one period L = points * spacing) and is uniform along y. In the
    lowest thickness mode with unpinned surface spins (Kalinikos & Slavin, J. Phys. C 19, 7013
    (1986), the diagonal "F_00" approximation), a magnetization wave of
    wavevector k along x makes the field (in rate units, omega_M = gamma mu0 Ms)

        h_k = -omega_M [P(k d) m_x,k x + (1 - P(k d)) m_z,k z],
        P(kd) = 1 - (1 - exp(-|k| d)) / (|k| d),  P(0) = 0.                              (D1)

    Its k = 0 part, -omega_M m_z z, is the shape anisotropy, which belongs in
    ``MacrospinBatch.anisotropy`` (a local term, (0, 0, -omega_M) + ...). This kernel adds only
    the remainder, exactly zero for a uniform state:

        h_x,k = -omega_M P(k) m_x,k,   h_z,k = +omega_M P(k) m_z,k,                     (D2)

    applied in real space as a circulant convolution h_i = sum_j C_(i-j) m_j with
    C_j = (1/N) sum_n P(k_n d) exp(2 pi i n j / N) over the lattice wavevectors
    k_n = 2 pi n / L, |n| <= N/2 (the kernels cannot call an FFT; a dense N x N product per
    stage is cheap for N <= ~512). Exact for every lattice mode: a wave exp(i k_n x_j) gets the
    field of (D2) at its own k_n, with no aliasing.

    Parameters
    ----------
    omega_m
        gamma mu0 Ms, > 0 (rate, the batch's rate unit).
    thickness, spacing
        film thickness d and cell width (any common length unit, both > 0; only d / spacing
        enters).
    points
        number of cells N >= 2 (the batch size; a 1D chain).
    """

    omega_m: float
    thickness: float
    spacing: float
    points: int

    def __post_init__(self) -> None:
        for name in ("omega_m", "thickness", "spacing"):
            value = finite(f"DipolarKernel.{name}", getattr(self, name), allow_array=False)
            if not value > 0:
                raise ValueError(f"DipolarKernel.{name} must be > 0, got {value!r}")
            object.__setattr__(self, name, float(value))
        n = self.points
        try:
            whole = not isinstance(n, bool) and float(n).is_integer()
        except (TypeError, ValueError):
            whole = False
        if not whole or int(n) < 2:
            raise ValueError(f"DipolarKernel.points must be an integer >= 2, got {n!r}")
        if int(n) > 8192:
            raise ValueError(
                f"DipolarKernel.points must be <= 8192 (a dense N x N kernel), got {n!r}"
            )
        object.__setattr__(self, "points", int(n))

    def wavenumbers(self) -> np.ndarray:
        """k_n = 2 pi n / L in numpy's FFT order (1 / length unit), (N,)."""
        return 2 * np.pi * np.fft.fftfreq(self.points, d=self.spacing)

    def symbol(self) -> np.ndarray:
        """P(k_n d) of (D1) in FFT order, (N,); 0 at k = 0."""
        kd = np.abs(self.wavenumbers()) * self.thickness
        out = np.zeros_like(kd)
        nz = kd > 0
        out[nz] = 1.0 - (-np.expm1(-kd[nz])) / kd[nz]
        return out

    def convolution(self) -> np.ndarray:
        """C_j, j = 0..N-1, the real circulant kernel of (D2) (C = inverse FFT of the symbol)."""
        return np.fft.ifft(self.symbol()).real

    def field(self, m) -> np.ndarray:
        """(N, 3) field of (D2) for m (N, 3), by FFT (the reference for the kernels' sums)."""
        m = np.asarray(m, dtype=float)
        p = self.symbol()
        hx = np.fft.ifft(p * np.fft.fft(m[:, 0])).real
        hz = np.fft.ifft(p * np.fft.fft(m[:, 2])).real
        return self.omega_m * np.stack([-hx, np.zeros_like(hx), hz], axis=1)

    def scaled(self, rate: float) -> DipolarKernel:
        """The same kernel with omega_m divided by ``rate``."""
        return replace(self, omega_m=self.omega_m / rate)

    def row_table(self) -> np.ndarray:
        """(2N,) table e with e[N - 1 - i + j] = omega_m C_(i-j mod N): row i is a slice."""
        c = self.omega_m * self.convolution()
        n = self.points
        t = np.arange(2 * n)
        return np.ascontiguousarray(c[(n - 1 - t) % n])


def _broadcast_length(values: dict[str, np.ndarray]) -> int:
    lengths = set()
    for name, arr in values.items():
        lead = arr.shape[:-1] if name in _VECTOR_FIELDS or name == "drive_samples" else arr.shape
        if len(lead) > 1:
            raise ValueError(
                f"{name} must be a scalar/vector or one row per trajectory, got {arr.shape}"
            )
        if lead and lead[0] != 1:
            lengths.add(lead[0])
    if len(lengths) > 1:
        raise ValueError(f"batch fields have inconsistent trajectory counts {sorted(lengths)}")
    return lengths.pop() if lengths else 1


@dataclass(frozen=True, kw_only=True)
class MacrospinBatch:
    """N macrospins: fields, drives and damping, each broadcast to shape (N,) or (N, 3).

    The equation of motion (:func:`tisot.dynamics.equation.dm_dt`, Eqs. 3, 16, 18) is

        dm/dt = omega_eff(m) x m + f(t) m_z (m x z) + m x b(t)
                + alpha_g m x P_n dm/dt + alpha_hall m x ((P_z dm/dt) x z) + alpha_iso m x dm/dt

    with the effective precession vector omega_eff(m) = omega_h + anisotropy * m (elementwise)
    - cubic m_i (m_j^2 + m_k^2) (+ exchange, dipolar): Eq. (M1) of :mod:`tisot.dynamics.equation`.

    Parameters
    ----------
    omega_h
        gamma H, precession-frequency vector of the applied field (rate); nonzero, (3,) or
        (N, 3).
    anisotropy
        (a_x, a_y, a_z), diagonal linear effective field a_i m_i (rate), (3,) or (N, 3); default
        0. A film with normal z: a_z = gamma (2 Ku / Ms - mu0 Ms) (uniaxial + shape anisotropy),
        an in-plane uniaxial axis x: a_x = gamma 2 K_x / Ms.
    cubic
        gamma 2 K1 / Ms (rate) of a cubic anisotropy with axes x, y, z (energy K1 (mx^2 my^2 +
        my^2 mz^2 + mz^2 mx^2)); default 0.
    f0, omega, phase
        diffusive drive f(t) = f0 cos(omega t + phase) of Eqs. (4, 18) (rate, rate, rad).
    drive_samples, drive_t0, drive_dt
        optional tabulated drive added to f(t): (N, Nt) or (Nt,) samples (rate) on the uniform
        grid drive_t0 + k drive_dt, linearly interpolated, zero outside the table.
    fieldlike, fieldlike_phase
        fieldlike torque of Eq. (3), T_FL = m x b(t) with b(t) = fieldlike cos(omega t +
        fieldlike_phase); ``fieldlike`` = (J_sd A / hbar e v) z x J0 (rate), see
        :func:`fieldlike_amplitude`.
    alpha_g
        anisotropic Gilbert damping of Eq. (18) (sigma0 term of Eq. 16), >= 0.
    alpha_hall
        coefficient of the sigma_H term of Eq. (16) (prefactor * sigma_H), any sign; default 0.
    alpha_iso
        ordinary isotropic Gilbert damping of the FM, >= 0; default 0.
    damping_axis
        n, the axis whose component the alpha_g term drops (P_n = 1 - n n^T). Eq. (18): the TI
        normal z (default). Eq. (C2) of the paper uses the field direction instead.
    exchange
        optional :class:`ExchangeGrid` coupling the trajectories (a film).
    dipolar
        optional :class:`DipolarKernel`: the k != 0 dynamic dipolar field of a film laid along
        x (a 1D chain, batch size = kernel points; with an exchange grid it must be (N,)).
    time_unit
        ``"1/omega0"`` (dimensionless) or ``"s"``.
    """

    omega_h: np.ndarray
    anisotropy: np.ndarray = (0.0, 0.0, 0.0)
    cubic: np.ndarray = 0.0
    f0: np.ndarray = 0.0
    omega: np.ndarray = 0.0
    phase: np.ndarray = 0.0
    fieldlike: np.ndarray = (0.0, 0.0, 0.0)
    fieldlike_phase: np.ndarray = 0.0
    alpha_g: np.ndarray = 0.0
    alpha_hall: np.ndarray = 0.0
    alpha_iso: np.ndarray = 0.0
    damping_axis: np.ndarray = (0.0, 0.0, 1.0)
    drive_samples: np.ndarray | None = None
    drive_t0: float = 0.0
    drive_dt: float = 1.0
    exchange: ExchangeGrid | None = None
    dipolar: DipolarKernel | None = None
    time_unit: str = "1/omega0"
    _n: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.time_unit not in TIME_UNITS:
            raise ValueError(f"time_unit must be one of {TIME_UNITS}, got {self.time_unit!r}")
        values: dict[str, np.ndarray] = {}
        for name in (*_VECTOR_FIELDS, *_SCALAR_FIELDS):
            arr = np.asarray(finite(name, getattr(self, name)), dtype=float)
            if name in _VECTOR_FIELDS and arr.shape[-1:] != (3,):
                raise ValueError(f"{name} must have shape (3,) or (N, 3), got {arr.shape}")
            values[name] = arr
        if self.drive_samples is not None:
            tab = np.asarray(finite("drive_samples", self.drive_samples), dtype=float)
            if tab.ndim not in (1, 2) or tab.shape[-1] < 2:
                raise ValueError(
                    f"drive_samples must have shape (Nt,) or (N, Nt) with Nt >= 2, got {tab.shape}"
                )
            values["drive_samples"] = tab
            finite("drive_t0", self.drive_t0)
            if not (math.isfinite(self.drive_dt) and self.drive_dt > 0):
                raise ValueError(f"drive_dt must be > 0, got {self.drive_dt!r}")
        n = _broadcast_length(values)
        if self.exchange is not None and n == 1:
            n = self.exchange.size  # a film: scalar parameters fill the grid
        if self.dipolar is not None and n == 1:
            n = self.dipolar.points
        for name, arr in values.items():
            shape = (n, arr.shape[-1]) if arr.ndim and name not in _SCALAR_FIELDS else (n,)
            out = np.ascontiguousarray(np.broadcast_to(arr, shape), dtype=float)
            out.setflags(write=False)
            object.__setattr__(self, name, out)
        object.__setattr__(self, "_n", n)
        if np.any(np.linalg.norm(self.omega_h, axis=1) == 0):
            raise ValueError(
                "omega_h = gamma H must be nonzero for every trajectory (it sets omega0 and the "
                "direction of m_H); give a small field if you want near-free dynamics"
            )
        if np.any(np.linalg.norm(self.damping_axis, axis=1) == 0):
            raise ValueError("damping_axis must be nonzero (z for Eq. 18, the field axis for C2)")
        axis = self.damping_axis / np.linalg.norm(self.damping_axis, axis=1, keepdims=True)
        axis.setflags(write=False)
        object.__setattr__(self, "damping_axis", axis)
        for name in ("alpha_g", "alpha_iso"):
            if np.any(getattr(self, name) < 0):
                raise ValueError(
                    f"{name} must be >= 0 (a negative damping pumps energy in), got min "
                    f"{float(getattr(self, name).min())!r}"
                )
        if self.exchange is not None:
            if self.exchange.size != n:
                raise ValueError(
                    f"exchange grid {self.exchange.shape} has {self.exchange.size} sites but the "
                    f"batch has {n} trajectories"
                )
            c = np.asarray(self.exchange.coupling)
            if c.ndim and c.shape != (n,):
                raise ValueError(f"ExchangeGrid.coupling must be scalar or shape ({n},)")
        if self.dipolar is not None:
            if not isinstance(self.dipolar, DipolarKernel):
                raise TypeError("dipolar must be a DipolarKernel or None")
            if self.dipolar.points != n:
                raise ValueError(
                    f"DipolarKernel has {self.dipolar.points} points but the batch has {n} "
                    "trajectories"
                )
            if self.exchange is not None and len(self.exchange.shape) != 1:
                raise ValueError(
                    "the dipolar kernel acts along a 1D chain (x): use ExchangeGrid((N,), ...)"
                )

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_angle(cls, chi, *, omega0=1.0, **fields) -> MacrospinBatch:
        """A batch whose field lies in the x-z plane at angle ``chi`` (rad) from the TI normal z.

        omega_h = omega0 (sin chi, 0, cos chi), the geometry of Fig. 3 and App. C.
        """
        chi = np.asarray(finite("chi", chi), dtype=float)
        omega0 = np.asarray(finite("omega0", omega0), dtype=float)
        direction = np.stack([np.sin(chi), np.zeros_like(chi), np.cos(chi)], axis=-1)
        return cls(omega_h=omega0[..., None] * direction, **fields)

    @classmethod
    def from_physical(
        cls,
        *,
        field_tesla,
        gyromagnetic_ratio: float = GAMMA_ELECTRON,
        **fields,
    ) -> MacrospinBatch:
        """A batch in SI: field H in tesla (mu0 H), rates in rad/s (or 1/s), times in s.

        omega_h = gyromagnetic_ratio * field_tesla; every other rate (f0, omega, fieldlike,
        exchange coupling) must already be in 1/s.
        """
        gamma = finite("gyromagnetic_ratio", gyromagnetic_ratio)
        if gamma <= 0:
            raise ValueError(f"gyromagnetic_ratio must be > 0 rad/(s T), got {gamma!r}")
        omega_h = gamma * np.asarray(finite("field_tesla", field_tesla), dtype=float)
        return cls(omega_h=omega_h, time_unit="s", **fields)

    # ------------------------------------------------------------------ derived
    @property
    def size(self) -> int:
        """Number of trajectories N."""
        return self._n

    @property
    def omega0(self) -> np.ndarray:
        """|omega_h| = gamma H per trajectory (rate)."""
        return np.linalg.norm(self.omega_h, axis=1)

    @property
    def field_direction(self) -> np.ndarray:
        """H / |H|, (N, 3): m_H = m . field_direction."""
        return self.omega_h / self.omega0[:, None]

    def dimensionless(self, rate: float | None = None) -> MacrospinBatch:
        """The same physics with rates divided by ``rate`` (default: the common omega0).

        Times of the new batch are in units of 1/rate; phases and dampings are unchanged.
        """
        if rate is None:
            w0 = self.omega0
            if not np.allclose(w0, w0[0], rtol=1e-12):
                raise ValueError("trajectories have different omega0; pass rate= explicitly")
            rate = float(w0[0])
        if not (math.isfinite(rate) and rate > 0):
            raise ValueError(f"rate must be > 0, got {rate!r}")
        changes = {name: getattr(self, name) / rate for name in _RATE_FIELDS}
        changes["drive_t0"] = self.drive_t0 * rate
        changes["drive_dt"] = self.drive_dt * rate
        if self.drive_samples is not None:
            changes["drive_samples"] = self.drive_samples / rate
        if self.exchange is not None:
            changes["exchange"] = ExchangeGrid(
                self.exchange.shape, np.asarray(self.exchange.coupling) / rate
            )
        if self.dipolar is not None:
            changes["dipolar"] = self.dipolar.scaled(rate)
        changes["time_unit"] = "1/omega0"
        return replace(self, **changes)

    def with_terms(self, terms) -> MacrospinBatch:
        """The batch with only the named terms of the equation of motion kept.

        ``terms`` is a subset of ``tisot.dynamics.TERMS`` (precession, anisotropy, dipolar,
        diffusive, fieldlike, damping, hall, isotropic); the others get zero amplitude
        (anisotropy: the linear and cubic terms; dipolar: the kernel). Precession must stay: it
        defines omega0 and m_H. An unknown name raises ValueError.
        """
        terms = tuple(terms)
        unknown = sorted(set(terms) - set(TERMS))
        if unknown:
            raise ValueError(f"unknown term name(s) {unknown}; choose from {list(TERMS)}")
        if "precession" not in terms:
            raise ValueError("terms must include 'precession' (gamma H sets omega0 and m_H)")
        changes: dict = {}
        if "anisotropy" not in terms:
            changes.update(anisotropy=(0.0, 0.0, 0.0), cubic=0.0)
        if "dipolar" not in terms:
            changes["dipolar"] = None
        if "diffusive" not in terms:
            changes.update(f0=0.0, drive_samples=None)
        if "fieldlike" not in terms:
            changes["fieldlike"] = (0.0, 0.0, 0.0)
        for term, name in (
            ("damping", "alpha_g"),
            ("hall", "alpha_hall"),
            ("isotropic", "alpha_iso"),
        ):
            if term not in terms:
                changes[name] = 0.0
        return replace(self, **changes) if changes else self

    def parameter_table(self) -> np.ndarray:
        """(NPAR, N) C-contiguous float64 table the compiled kernels read (see ``_kernels``)."""
        cols = [
            self.omega_h[:, 0],
            self.omega_h[:, 1],
            self.omega_h[:, 2],
            self.f0,
            self.omega,
            self.phase,
            self.fieldlike[:, 0],
            self.fieldlike[:, 1],
            self.fieldlike[:, 2],
            self.fieldlike_phase,
            self.alpha_g,
            self.alpha_hall,
            self.alpha_iso,
            self.damping_axis[:, 0],
            self.damping_axis[:, 1],
            self.damping_axis[:, 2],
            *self.field_direction.T,
            self.anisotropy[:, 0],
            self.anisotropy[:, 1],
            self.anisotropy[:, 2],
            self.cubic,
        ]
        return np.ascontiguousarray(np.stack(cols, axis=0))

    def drive_table(self) -> np.ndarray:
        """(N, Nt) drive samples (a (N, 2) zero table when there is none)."""
        if self.drive_samples is None:
            return np.zeros((self.size, 2))
        return np.ascontiguousarray(self.drive_samples)

    def as_attrs(self) -> dict[str, str | float]:
        """Scalar provenance for xarray attrs (per-trajectory arrays go to data variables)."""
        attrs: dict[str, str | float] = {
            "time_unit": self.time_unit,
            "tabulated_drive": int(self.drive_samples is not None),
            "exchange_grid": str(self.exchange.shape) if self.exchange else "none",
            "dipolar_kernel": (
                "none"
                if self.dipolar is None
                else f"thin film, d/spacing = {self.dipolar.thickness / self.dipolar.spacing:.6g}"
                f", omega_M = {self.dipolar.omega_m:.6g}"
            ),
        }
        return attrs

    def per_trajectory(self) -> dict[str, np.ndarray]:
        """Name -> per-trajectory array, for the output Dataset."""
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name in _VECTOR_FIELDS + _SCALAR_FIELDS
        }


def fieldlike_amplitude(model, coupling, current_density) -> np.ndarray:
    """b0 = (J_sd A / (hbar e v)) z x J0 of Eq. (3) in 1/s, for a sheet current J0 (..., 2) in A/m.

    Use as ``MacrospinBatch(fieldlike=..., time_unit="s")``: T_FL = m x b0 cos(omega t + phi).
    """
    from ..model.coupling import fieldlike_coefficient

    J = np.asarray(finite("current_density", current_density), dtype=float)
    if J.shape[-1:] != (2,):
        raise ValueError(f"current_density must have shape (..., 2) (x, y in A/m), got {J.shape}")
    z_cross_j = np.stack([-J[..., 1], J[..., 0], np.zeros(J.shape[:-1])], axis=-1)
    return fieldlike_coefficient(model, coupling) * z_cross_j
