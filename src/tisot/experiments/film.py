"""A ferromagnetic film along the grating: local drives on a grid, optional exchange (Fig. 1).

Each grid point r_j of the film is a macrospin of :mod:`tisot.dynamics` obeying Eq. (18) with
its *local* drives:

* the diffusive torque f(r_j, t) m x m_perp (Eq. 4), f(r_j, t) = a_j cos(omega t + phi_j) from the
  Fourier path (:class:`tisot.drive.HarmonicDrive`) or any tabulated waveform from the real-space
  path (:func:`tisot.drive.realspace_drive`);
* the fieldlike torque of Eq. (3) from the local sheet current J(r_j, t);
* optionally, nearest-neighbour exchange (:class:`tisot.dynamics.ExchangeGrid`) on the periodic
  1D (or 2D) grid, omega_ex,j = J_ex sum_nn (m_k - m_j), J_ex = gamma 2 A_ex / (M_s h^2) for an
  exchange stiffness A_ex, saturation magnetization M_s and grid spacing h (:func:`exchange_rate`).

D and eta are evaluated at the equilibrium m_z (the drive is linear in E; the dependence of
sigma0 on m_z^2 during the precession is neglected, as in the paper's Eq. 18).

Units: SI. Rates (omega_h = gamma H, f, b, J_ex) in rad/s, times in s, positions in m.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr

from .._validation import finite
from ..constants import GAMMA_ELECTRON
from ..drive.nonlocal_drive import HarmonicDrive
from ..dynamics import ExchangeGrid, MacrospinBatch, simulate

#: |gamma| of the free electron in rad/(s T), the default gyromagnetic ratio.
GYROMAGNETIC_RATIO = abs(GAMMA_ELECTRON)


def exchange_rate(
    stiffness: float,
    saturation_magnetization: float,
    spacing: float,
    gyromagnetic_ratio: float = GYROMAGNETIC_RATIO,
) -> float:
    """J_ex = gamma 2 A_ex / (M_s h^2) in rad/s: the exchange field 2 A_ex lap(m) / M_s (in T,
    mu0 H_ex) on a grid of spacing h, as a precession rate per unit difference of neighbours.

    stiffness A_ex in J/m (> 0), saturation_magnetization M_s in A/m (> 0), spacing h in m (> 0).
    """
    for name, value in (
        ("stiffness", stiffness),
        ("saturation_magnetization", saturation_magnetization),
        ("spacing", spacing),
        ("gyromagnetic_ratio", gyromagnetic_ratio),
    ):
        value = finite(name, value)
        if not value > 0:
            raise ValueError(f"{name} must be > 0, got {value!r}")
    return gyromagnetic_ratio * 2 * stiffness / (saturation_magnetization * spacing**2)


@dataclass(frozen=True, kw_only=True)
class Film:
    """Grid points of a periodic film along the grating (x) and, optionally, across it (y).

    Parameters
    ----------
    length
        period of the film along x in m (> 0); usually a multiple of the grating period.
    points
        grid points along x (>= 1).
    width, points_y
        period and grid points along y (2D film); default a single row (1D film).
    exchange
        J_ex in rad/s (>= 0): nearest-neighbour exchange rate (see :func:`exchange_rate`);
        0 for uncoupled points.
    """

    length: float
    points: int
    width: float = 1.0
    points_y: int = 1
    exchange: float = 0.0

    def __post_init__(self) -> None:
        for name in ("length", "width"):
            value = finite(name, getattr(self, name))
            if not value > 0:
                raise ValueError(f"{name} must be > 0 (film period in m), got {value!r}")
        for name in ("points", "points_y"):
            n = getattr(self, name)
            if not (isinstance(n, int | np.integer) and n >= 1):
                raise ValueError(f"{name} must be an integer >= 1, got {n!r}")
        ex = finite("exchange", self.exchange)
        if not ex >= 0:
            raise ValueError(f"exchange must be >= 0 (rad/s), got {ex!r}")

    @property
    def shape(self) -> tuple[int, ...]:
        return (self.points,) if self.points_y == 1 else (self.points, self.points_y)

    @property
    def x(self) -> np.ndarray:
        return np.arange(self.points) * (self.length / self.points)

    @property
    def y(self) -> np.ndarray:
        return np.arange(self.points_y) * (self.width / self.points_y)

    def positions(self) -> np.ndarray:
        """(N, 2) positions in m, site (ix, iy) -> row ix * ny + iy (the ExchangeGrid order)."""
        X, Y = np.meshgrid(self.x, self.y, indexing="ij")
        return np.stack([X.ravel(), Y.ravel()], axis=-1)

    def exchange_grid(self) -> ExchangeGrid | None:
        return None if self.exchange == 0 else ExchangeGrid(self.shape, self.exchange)


def real_amplitude_and_phase(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Write the complex vectors v (N, d) as V0 e^{-i phi} with real V0 (one phase per point),
    so that Re[v e^{-i omega t}] = V0 cos(omega t + phi). Raises if v is elliptical."""
    big = np.argmax(np.abs(v), axis=1)
    ref = v[np.arange(v.shape[0]), big]
    phi = np.where(np.abs(ref) > 0, -np.angle(ref), 0.0)
    v0 = v * np.exp(1j * phi)[:, None]
    scale = np.max(np.abs(v)) if v.size else 0.0
    if scale > 0 and np.max(np.abs(v0.imag)) > 1e-9 * scale:
        raise ValueError(
            "the drive is elliptically polarised (its components out of phase); the dynamics "
            "engine takes one fieldlike phase per point: drive along one direction"
        )
    return v0.real, phi


def film_batch(
    film: Film,
    drive: HarmonicDrive,
    *,
    omega_h,
    alpha_g: float,
    fieldlike_coefficient: float = 0.0,
    alpha_iso: float = 0.0,
    drive_samples: xr.DataArray | None = None,
) -> MacrospinBatch:
    """The :class:`~tisot.dynamics.MacrospinBatch` of a film under a harmonic drive (SI).

    Parameters
    ----------
    film
        the grid and its exchange.
    drive
        Fourier-path drive and current (:func:`tisot.drive.fourier_drive`); f and J are
        evaluated at each grid point, f_j(t) = a_j cos(omega t + phi_j).
    omega_h
        gamma H in rad/s, a 3-vector (uniform field).
    alpha_g
        anisotropic Gilbert damping of Eq. (18), >= 0 (e.g. ``tisot.model.gilbert_damping``).
    fieldlike_coefficient
        J_sd A / (hbar e v) of Eq. (3) in m/(A s) (``tisot.model.fieldlike_coefficient``);
        0 drops the fieldlike torque (as Eq. 18 does).
    alpha_iso
        extra isotropic Gilbert damping of the FM, >= 0.
    drive_samples
        optional real-space drive f(time, x) (:func:`tisot.drive.realspace_drive`) on the
        film's x grid or an integer refinement of it (1D films): used *instead of* the harmonic f (the current still comes from
        ``drive``). Its time axis must be uniform.
    """
    r = film.positions()
    F = drive.complex_drive(r)
    J = drive.complex_current(r)
    J0, phi_J = real_amplitude_and_phase(J)
    # b = c z x J (Eq. 3): z x (Jx, Jy) = (-Jy, Jx, 0)
    b0 = fieldlike_coefficient * np.stack([-J0[:, 1], J0[:, 0], np.zeros(len(J0))], axis=-1)
    fields = {
        "omega_h": np.asarray(finite("omega_h", omega_h), dtype=float),
        "omega": drive.omega,
        "fieldlike": b0,
        "fieldlike_phase": phi_J,
        "alpha_g": alpha_g,
        "alpha_iso": alpha_iso,
        "exchange": film.exchange_grid(),
        "time_unit": "s",
    }
    if drive_samples is None:
        fields.update(f0=np.abs(F), phase=-np.angle(F))
    else:
        if film.points_y != 1:
            raise ValueError("drive_samples (real-space path) is for 1D films (points_y = 1)")
        x = np.asarray(drive_samples["x"], dtype=float)
        step = x.size // film.points if x.size % film.points == 0 else 0
        if step == 0 or not np.allclose(x[::step], film.x, rtol=0, atol=1e-9 * film.length):
            raise ValueError(
                f"drive_samples must be sampled on the film's x grid ({film.points} points over "
                f"{film.length} m) or an integer refinement of it: call "
                "realspace_drive(length=film.length, points=k * film.points)"
            )
        drive_samples = drive_samples.isel(x=slice(None, None, step))
        t = np.asarray(drive_samples["time"], dtype=float)
        fields.update(
            f0=0.0,
            drive_samples=np.ascontiguousarray(np.asarray(drive_samples.transpose("x", "time"))),
            drive_t0=float(t[0]),
            drive_dt=float(t[1] - t[0]),
        )
    return MacrospinBatch(**fields)


def simulate_film(
    film: Film,
    drive: HarmonicDrive,
    t_eval,
    *,
    omega_h,
    alpha_g: float,
    fieldlike_coefficient: float = 0.0,
    alpha_iso: float = 0.0,
    drive_samples: xr.DataArray | None = None,
    m0=None,
    **options,
) -> xr.Dataset:
    """Integrate the film (see :func:`film_batch`) and label the trajectories by position.

    ``m0`` defaults to m along H at every point; ``options`` go to
    :func:`tisot.dynamics.simulate` (method, rtol, atol, averages, progress, ...).
    Returns the engine's Dataset with coordinates ``x`` (and ``y``) in m on ``trajectory``,
    plus the local drive amplitude ``drive_amplitude`` (1/s) and phase ``drive_phase`` (rad).
    """
    batch = film_batch(
        film,
        drive,
        omega_h=omega_h,
        alpha_g=alpha_g,
        fieldlike_coefficient=fieldlike_coefficient,
        alpha_iso=alpha_iso,
        drive_samples=drive_samples,
    )
    ds = simulate(batch, m0, t_eval, **options)
    r = film.positions()
    a, phi = drive.amplitude_and_phase(r)
    ds = ds.assign_coords(
        x=("trajectory", r[:, 0], {"units": "m"}),
        y=("trajectory", r[:, 1], {"units": "m"}),
        drive_amplitude=("trajectory", a, {"units": "1/s", "long_name": "|f| (Fourier path)"}),
        drive_phase=("trajectory", phi, {"units": "rad"}),
    )
    ds.attrs.update(
        {
            "title": "tisot film under a grated gate",
            "film_length_m": film.length,
            "film_shape": str(film.shape),
            "exchange_rate_rad_per_s": film.exchange,
            "drive_path": "real-space (tabulated)" if drive_samples is not None else "Fourier",
            "fieldlike_coefficient_m_per_A_s": fieldlike_coefficient,
        }
    )
    return ds


def uniform_harmonic_drive(amplitude: float, omega: float, phase: float = 0.0) -> HarmonicDrive:
    """A spatially uniform drive f(t) = amplitude cos(omega t + phase) (1/s, rad/s, rad), no current."""
    F = finite("amplitude", amplitude) * np.exp(-1j * finite("phase", phase))
    omega = finite("omega", omega)
    if omega < 0:
        raise ValueError(f"omega must be >= 0, got {omega!r}")
    return HarmonicDrive(np.zeros((1, 2)), np.array([F]), np.zeros((1, 2), complex), float(omega))
