"""Exact disorder average of sigma_xx, sigma_xy (Kubo-Bastin, Fermi sea included) and D.

For each realisation of the white-noise potential (Eq. 5) in the plane-wave box of
:mod:`tisot.response.exact.box` (cutoff |p| < p_c, the ladder's), the Chebyshev moments
Tr[v_a T_m(H~) v_b T_n(H~)] are estimated with ``random_vectors`` random-phase vectors and turned
into the T = 0 Kubo-Bastin conductivity (:mod:`tisot.response.exact.kpm`); v_x = sigma_y,
v_y = -sigma_x (hbar = v = 1). sigma_xy needs the double expansion (the Fermi sea); the
symmetric sigma_xx, sigma_yy are its Fermi-surface part, Kubo-Greenwood, which needs only
vectors (the two agree, tested). The diffusion constant follows from the Einstein relation
D = sigma_xx / (2 pi nu) (sigma in e^2/h, nu the exact averaged density of states per area):
it is *not* an independent measurement (no wave-packet run; see docs/beyond-ladder.md).

The model is read as the ladder reads it (renormalised eps, Delta_z, alpha at the cutoff; the
bare ones, which are what the Hamiltonian contains, are solved for), so that the exact average
and ``ladder_response`` / ``crossed_response`` describe the same Hamiltonian and can be
compared directly. Error bars: the standard error over realisations (which includes the
stochastic-trace noise). Finite-size and resolution biases are not in them: they are what the
convergence parameters (box_length, moments) in the dataset are for.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..._validation import finite
from ...model.surface import SurfaceModel
from ..ladder import surface_parameters
from . import kpm
from .box import PlaneWaveBox

#: Lanczos steps used to bound the spectrum, and the padding added to the bounds.
LANCZOS_STEPS = 60
SPECTRUM_PADDING = 0.05


class ExactAccuracyWarning(UserWarning):
    """The exact average is run where it cannot be converged (box, moments, realisations)."""


def _spectral_bounds(apply, dim_shape, rng) -> tuple[float, float]:
    """Extreme eigenvalues of H by Lanczos (Ritz values), padded outwards."""
    v = rng.standard_normal(dim_shape) + 1j * rng.standard_normal(dim_shape)
    v /= np.linalg.norm(v)
    prev = np.zeros_like(v)
    a, b = [], []
    beta = 0.0
    for _ in range(LANCZOS_STEPS):
        w = apply(v) - beta * prev
        alpha = np.vdot(v, w).real
        w -= alpha * v
        beta = np.linalg.norm(w)
        a.append(alpha)
        b.append(beta)
        prev, v = v, w / beta
    T = np.diag(a) + np.diag(b[:-1], 1) + np.diag(b[:-1], -1)
    ev = np.linalg.eigvalsh(T)
    width = ev[-1] - ev[0]
    return ev[0] - SPECTRUM_PADDING * width, ev[-1] + SPECTRUM_PADDING * width


#: Velocity operators v = dH/dp on the spin: v_x = sigma_y, v_y = -sigma_x (hbar = v = 1).
VX = np.array([[0, -1j], [1j, 0]])
VY = -np.array([[0, 1], [1, 0]], dtype=complex)


def sample_response(box: PlaneWaveBox, potential, fermi, moments, vectors, rng):
    """One realisation: (sigma (2, 2) in e^2/h, nu per area per E0, spectral half-width).

    sigma_xy, sigma_yx by Kubo-Bastin from Tr[v_x T_m v_y T_n] (the transpose gives the other);
    sigma_xx, sigma_yy by Kubo-Greenwood; traces with ``vectors`` random-phase vectors.
    """
    kinetic = box.kinetic()
    N, R, area = int(moments), int(vectors), box.length**2

    def apply(psi):
        return box.apply(psi, potential, kinetic)

    lo, hi = _spectral_bounds(apply, (box.px.size, 2), rng)
    scale, shift = (hi - lo) / 2, (hi + lo) / 2
    c = kpm.delta_coefficients(N, fermi, scale, shift)
    # all R random-phase vectors at once (batched FFTs): r, v_x r, v_y r for each
    r = np.exp(2j * math.pi * rng.random((R, box.px.size, 2)))
    vecs = kpm.chebyshev_vectors(apply, np.concatenate([r, r @ VX.T, r @ VY.T]), N, scale, shift)
    phi, chi_x, chi_y = vecs[:, :R], vecs[:, R : 2 * R], vecs[:, 2 * R :]
    # Tr[v_x T_m v_y T_n] ~ <T_m v_x r| v_y |T_n r>: the one double expansion
    mu_xy = np.conj(chi_x.reshape(N, -1)) @ (phi @ VY.T).reshape(N, -1).T / R
    mu_n = np.tensordot(np.conj(r), phi, axes=([0, 1, 2], [1, 2, 3])) / R
    # Kubo-Greenwood: <r| v_i d v_i d |r> = <d v_i r| v_i |d r>, vectors only
    d_r = np.tensordot(c, phi, axes=(0, 0))
    sigma = np.zeros((2, 2))
    for i, (v, chi) in enumerate(((VX, chi_x), (VY, chi_y))):
        d_vr = np.tensordot(c, chi, axes=(0, 0))
        sigma[i, i] = 2 * math.pi**2 * np.vdot(d_vr, d_r @ v.T).real / (R * area)
    sigma[0, 1] = kpm.bastin(mu_xy, fermi, scale, shift, area).real
    # Tr[v_y T_m v_x T_n] = Tr[v_x T_n v_y T_m]: the transpose
    sigma[1, 0] = kpm.bastin(mu_xy.T, fermi, scale, shift, area).real
    dos = kpm.density_of_states(mu_n, fermi, scale, shift, area)
    return sigma, float(dos), scale


def dense_sample_response(box: PlaneWaveBox, potential, fermi, moments):
    """The same quantities as ``sample_response`` with exact traces, by dense diagonalisation.

    The Chebyshev moments Tr[v_a T_m(H~) v_b T_n(H~)] are summed over the eigenbasis, so the
    result is the KPM one without the random-vector noise (and the baseline of the benchmark).
    Cost ~ (2 n_pw)^3: the cheaper path below a few thousand basis states.
    """
    H = box.dense(potential)
    E, U = np.linalg.eigh(H)
    pad = SPECTRUM_PADDING * (E[-1] - E[0])
    lo, hi = E[0] - pad, E[-1] + pad
    scale, shift = (hi - lo) / 2, (hi + lo) / 2
    N, area = int(moments), box.length**2
    Uk = U.reshape(-1, 2, U.shape[1])  # (n_pw, spin, eigenstate)
    Vx = np.conj(U).T @ np.einsum("ab,kbj->kaj", VX, Uk).reshape(U.shape)
    Vy = np.conj(U).T @ np.einsum("ab,kbj->kaj", VY, Uk).reshape(U.shape)
    T = np.cos(np.outer(np.arccos((E - shift) / scale), np.arange(N)))  # T[i, n] = T_n(E_i)
    # Tr[v_x T_m v_y T_n] = sum_ij (v_x)_ij T_m(E_j) (v_y)_ji T_n(E_i)
    mu_xy = T.T @ (Vx * Vy.T).T @ T
    delta = T @ kpm.delta_coefficients(N, fermi, scale, shift)  # d(E_F - H) on eigenstates
    sigma = np.zeros((2, 2))
    sigma[0, 0] = 2 * math.pi**2 * delta @ np.abs(Vx) ** 2 @ delta / area
    sigma[1, 1] = 2 * math.pi**2 * delta @ np.abs(Vy) ** 2 @ delta / area
    sigma[0, 1] = kpm.bastin(mu_xy, fermi, scale, shift, area).real
    sigma[1, 0] = kpm.bastin(mu_xy.T, fermi, scale, shift, area).real
    dos = kpm.density_of_states(T.sum(axis=0), fermi, scale, shift, area)
    return sigma, float(dos), scale


METHODS = ("kpm", "dense")


def broadening(model: SurfaceModel) -> float:
    """Disorder broadening Gamma = pi alpha (eps^2 + Dz^2) / 2 eps = -Im Sigma at the Fermi
    energy (Born self-energy, paper Eqs. 10-11: eps^R = eps(1 + i pi alpha/2), Dz^R = Dz(1 -
    i pi alpha/2)), the scale the resolution or the broadening eta must stay below."""
    eps = model.fermi_energy
    return math.pi * model.disorder * (eps**2 + model.delta_z**2) / (2 * eps)


def level_spacing(model: SurfaceModel, box_length: float) -> float:
    """Mean level spacing 1/(nu L^2) of the box, nu = eps / 2 pi (the clean Dirac DOS)."""
    return 2 * math.pi / (model.fermi_energy * box_length**2)


def _is_integer(x) -> bool:
    """A whole number (NaN and inf are not: int() of them raises a message without the name)."""
    try:
        return math.isfinite(x) and int(x) == x
    except TypeError:
        return False


def _check(model, box_length, moments, realisations, random_vectors, cutoff):
    if not isinstance(model, SurfaceModel):
        raise ValueError("model must be a tisot.model.SurfaceModel")
    if not model.disorder > 0:
        raise ValueError(f"alpha (model.disorder) must be > 0, got {model.disorder!r}")
    box_length = finite("box_length", box_length)
    ell = model.mean_free_path
    if not box_length > ell:
        raise ValueError(
            f"box_length = {box_length:.4g} is not larger than the mean free path ell = {ell:.4g} "
            f"(hbar v/E0; alpha = {model.disorder}): the box must hold many mean free paths; "
            f"use box_length >= {5 * ell:.3g} or a larger alpha"
        )
    if box_length < 4 * ell:
        warnings.warn(
            f"box_length = {box_length:.4g} is only {box_length / ell:.2g} mean free paths "
            f"(ell = {ell:.4g}): finite-size effects of order ell/L; use box_length >= "
            f"{5 * ell:.3g}",
            ExactAccuracyWarning,
            stacklevel=3,
        )
    if not _is_integer(moments) or moments < 16:
        raise ValueError(f"moments must be an integer >= 16, got {moments!r}")
    if not _is_integer(realisations) or realisations < 2:
        raise ValueError(
            f"realisations must be an integer >= 2 (the error bar is their spread), got "
            f"{realisations!r}"
        )
    if not _is_integer(random_vectors) or random_vectors < 1:
        raise ValueError(f"random_vectors must be an integer >= 1, got {random_vectors!r}")
    if not 1.5 <= cutoff <= 20:
        raise ValueError(f"cutoff must satisfy 1.5 <= cutoff <= 20 (p_c/eps), got {cutoff!r}")
    return box_length


def sample_attrs(model, box, par, *, n, R, seed, trace, cutoff) -> dict:
    """The provenance both exact averages record: box, broadening scale, sampling, the
    parameters and the version (units: model units, energy unit E0)."""
    from ... import __version__

    L = box.length
    return {
        "units": "model units hbar = v = 1, energy unit E0; sigma in e^2/h",
        "box_length": L,
        "box_length_over_ell": L / model.mean_free_path,
        "gamma": broadening(model),
        "level_spacing": level_spacing(model, L),
        "realisations": n,
        "random_vectors": R,
        "basis_size": box.size,
        "fft_grid": box.grid,
        "seed": seed,
        "trace": trace,
        "cutoff_over_eps": cutoff,
        **{f"param_{k}": v for k, v in par.as_dict().items()},
        "tisot_version": __version__,
    }


def exact_average(
    model: SurfaceModel,
    *,
    box_length: float,
    moments: int = 512,
    realisations: int = 8,
    random_vectors: int = 4,
    cutoff: float = 5.0,
    seed: int = 0,
    method: str = "kpm",
    progress: bool = False,
):
    """sigma_xx, sigma_xy, nu and D at the Fermi energy, averaged over disorder realisations.

    Parameters
    ----------
    model
        the surface; (eps, Delta_z, alpha) read as renormalised, like the ladder's default.
    box_length
        side L of the periodic box in hbar v/E0; must exceed the mean free path
        (``model.mean_free_path``), and should be several of them.
    moments
        Chebyshev moments N; the energy resolution is pi a / N (a the spectral half-width),
        which must be well below the disorder broadening Gamma = pi alpha (eps^2 + Dz^2)/2 eps.
    realisations, random_vectors
        disorder samples (>= 2) and random-phase vectors per sample for the trace.
    cutoff
        p_c in units of eps/(hbar v), the ladder's convention.
    seed, progress
        random seed; show a rich progress bar.
    method
        "kpm" (stochastic traces with ``random_vectors``, cost ~ N^2 L^2) or "dense" (exact
        traces by diagonalisation, cost ~ L^6; cheaper below ~3000 basis states, and noiseless).

    Returns
    -------
    xarray.Dataset with per-realisation ``sigma`` (realisation, i, j) in e^2/h and ``dos``,
    their means and standard errors (``sigma_mean``, ``sigma_err``, ...), ``D`` and ``D_err``
    (Einstein relation), and the convergence parameters (box_length, moments, resolution,
    basis size, ...) in ``attrs``.
    """
    import xarray as xr

    L = _check(model, box_length, moments, realisations, random_vectors, cutoff)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    par = surface_parameters(model, cutoff)
    e, dz, a = par.bare_fermi_energy, par.bare_delta_z, par.bare_disorder
    box = PlaneWaveBox(L, par.cutoff, dz)
    N, R = int(moments), int(random_vectors)
    nbytes = 3 * N * box.size * 16 * int(random_vectors)
    if method == "dense":
        nbytes = 6 * box.size**2 * 16 + 2 * box.size * N * 8
    if nbytes > 4e9:
        raise ValueError(
            f"moments x basis size needs {nbytes / 1e9:.1f} GB of Chebyshev vectors: reduce "
            "moments or box_length"
        )
    rng = np.random.default_rng(seed)
    gamma, spacing = broadening(model), level_spacing(model, L)
    sig = np.zeros((int(realisations), 2, 2))
    dos = np.zeros(int(realisations))
    halfwidths = np.zeros(int(realisations))
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True, disable=not progress) as bar:
        task = bar.add_task("exact disorder average", total=int(realisations) * R)
        for s in range(int(realisations)):
            V = box.potential(a, rng)

            if method == "dense":
                sig[s], dos[s], halfwidths[s] = dense_sample_response(box, V, e, N)
            else:
                sig[s], dos[s], halfwidths[s] = sample_response(box, V, e, N, R, rng)
            bar.advance(task, R)

    resolution = kpm.jackson_resolution(N, float(halfwidths.max()))
    if resolution > gamma / 3:
        warnings.warn(
            f"too few moments: the Chebyshev resolution pi a/N = {resolution:.3g} is not well "
            f"below the disorder broadening Gamma = {gamma:.3g}; use moments >= "
            f"{math.ceil(3 * math.pi * halfwidths.max() / gamma)}",
            ExactAccuracyWarning,
            stacklevel=2,
        )
    if spacing > resolution / 2:
        warnings.warn(
            f"level spacing 1/(nu L^2) = {spacing:.3g} is not well below the resolution "
            f"{resolution:.3g}: the spectrum is resolved into levels; raise box_length",
            ExactAccuracyWarning,
            stacklevel=2,
        )
    n = int(realisations)

    def mean_err(x, axis=0):
        return x.mean(axis=axis), x.std(axis=axis, ddof=1) / math.sqrt(n)

    s_mean, s_err = mean_err(sig)
    d_mean, d_err = mean_err(dos)
    sxx = 0.5 * (sig[:, 0, 0] + sig[:, 1, 1])
    D_samples = sxx / (2 * math.pi * d_mean)
    D_mean = float(sxx.mean() / (2 * math.pi * d_mean))
    # error of a ratio: both relative errors, added in quadrature
    D_err = D_mean * math.hypot(sxx.std(ddof=1) / math.sqrt(n) / sxx.mean(), d_err / d_mean)
    comp = ["x", "y"]
    ds = xr.Dataset(
        {
            "sigma": (
                ("realisation", "i", "j"),
                sig,
                {"units": "e^2/h", "long_name": "Kubo-Bastin conductivity (Fermi sea included)"},
            ),
            "sigma_mean": (("i", "j"), s_mean, {"units": "e^2/h"}),
            "sigma_err": (("i", "j"), s_err, {"units": "e^2/h", "long_name": "standard error"}),
            "dos": (("realisation",), dos, {"units": "E0^-1 (hbar v/E0)^-2"}),
            "dos_mean": ((), d_mean, {"units": "E0^-1 (hbar v/E0)^-2"}),
            "dos_err": ((), d_err, {"units": "E0^-1 (hbar v/E0)^-2"}),
            "D_samples": (("realisation",), D_samples, {"units": "hbar v^2/E0"}),
            "D": ((), D_mean, {"units": "hbar v^2/E0", "long_name": "D = sigma_xx/(2 pi nu)"}),
            "D_err": ((), D_err, {"units": "hbar v^2/E0"}),
            "spectral_half_width": (("realisation",), halfwidths, {"units": "E0"}),
        },
        coords={"realisation": np.arange(n), "i": comp, "j": comp},
    )
    ds.attrs = {
        "method": "exact disorder average: plane waves |p| < p_c in a periodic box, KPM "
        "Kubo-Bastin (Garcia et al. PRL 114, 116602 (2015)), Jackson kernel",
        "moments": N,
        "resolution": resolution,
        **sample_attrs(model, box, par, n=n, R=R, seed=seed, trace=method, cutoff=cutoff),
    }
    return ds
