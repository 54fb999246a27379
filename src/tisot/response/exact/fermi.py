"""Fermi-surface response of disorder realisations with a Lorentzian broadening eta: sigma, nu and
the density response at finite q, by streamed Chebyshev resolvents (no stored moments).

The Kubo-Bastin path of :mod:`tisot.response.exact.average` keeps every Chebyshev vector (the
Fermi sea needs the double expansion), which caps the box at a few thousand states. The
quantities the ladder computes are Fermi-surface ones, and need only the resolvents

    G^R = (eps + i eta - H)^-1,  G^A = (G^R)^dagger,

applied to a few start vectors. With H~ = (H - b)/a and z = (eps - i eta - b)/a outside [-1, 1],

    (z - x)^-1 = sum_n (2 - d_n0) t^n T_n(x) / sqrt(z^2 - 1),  t = z - sqrt(z^2 - 1), |t| < 1

(the generating function of the Chebyshev polynomials), an exact series whose truncation error
is |t|^N: no kernel, so the broadening is exactly Lorentzian and equals adding i eta to the
energy. The vectors T_n(H~) s are streamed once and summed with the coefficients of every eta.
From them, per start vector r (random phases: <r|X|r> estimates Tr X):

* Kubo-Streda I (Streda, J. Phys. C 15, L717 (1982); Crepieux & Bruno, PRB 64, 014416 (2001),
  Eq. 13), in e^2/h (hbar = v = 1):
  sigma^I_ab = (1/2A) Tr[2 v_a G^R v_b G^A - v_a G^R v_b G^R - v_a G^A v_b G^A],
  whose symmetric part is Kubo-Greenwood (2 pi^2/A) Tr[v_a d v_a d] with d = (G^A - G^R)/2 pi i.
  This is the Fermi-surface part the diagrams (ladder, X, Psi) compute; the Fermi-sea part
  sigma^II is not in it (docs/beyond-ladder.md: -Delta_z/(2 sqrt(p_c^2 + Delta_z^2)) in the band).
* nu_eta = Im Tr G^A / (pi A), the Lorentzian-broadened density of states.
* The retarded-advanced density correlator at q = 2 pi n / L, the quantity of the ladder's
  M_00 / K_00 (Eq. 12-13 with sigma_0 vertices): K00(q) = (1/A) Tr[rho_q G^R rho_-q G^A],
  rho_q = sum_p c+_{p+q} c_p. At q = 0 it is pi nu_eta / eta exactly (G^R G^A =
  (G^A - G^R)/2 i eta: particle-number conservation), and for small q the diffusion pole gives
  K00(q) = 2 pi nu / (Gamma_q + 2 eta) with Gamma_q = D q^2 [1 + O(q^2 ell^2)]. Hence the
  relaxation rate of a density wave, Gamma_q = 2 pi nu_eta / K00(q) - 2 eta, and D = Gamma_q/q^2:
  the diffusion constant from the density response, independent of the Einstein relation.

Every eta > 0 quantity is extrapolated to eta -> 0 by a polynomial in eta (``summarise``; by
default a line through eta = Gamma/4 and Gamma/2, Gamma = pi alpha (eps^2 + Dz^2)/2 eps).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import scipy.linalg

from ..._validation import finite
from ...model.surface import SurfaceModel
from ..ladder import surface_parameters
from .average import (
    VX,
    VY,
    ExactAccuracyWarning,
    _check,
    _is_integer,
    _spectral_bounds,
    broadening,
    level_spacing,
    sample_attrs,
)
from .box import PlaneWaveBox


def _series_ratio(energy: complex, scale: float, shift: float) -> tuple[complex, complex]:
    """(t, sqrt(z^2 - 1)) of the resolvent series at z = (energy - shift)/scale, |t| < 1."""
    z = (complex(energy) - shift) / scale
    root = np.sqrt(z - 1) * np.sqrt(z + 1)
    t = z - root
    if abs(t) >= 1:  # the other branch of the square root
        t, root = z + root, -root
    return t, root


def resolvent_coefficients(n_moments: int, energy: complex, scale: float, shift: float):
    """c_n with (energy - H)^-1 = sum_n c_n T_n(H~), H~ = (H - shift)/scale (module docstring).

    ``energy`` must be off the real segment [shift - scale, shift + scale]; Im energy < 0 gives
    the advanced resolvent G^A, and the retarded one has the complex-conjugate coefficients.
    """
    t, root = _series_ratio(energy, scale, shift)
    n = np.arange(n_moments)
    return np.where(n == 0, 1.0, 2.0) * t**n / (root * scale)


#: Chebyshev terms above which a streamed sample is refused (~ hours per sample at 10^4 states).
MAX_TERMS = 10**6


def moments_for(eta: float, energy: float, scale: float, shift: float, tol: float) -> int:
    """Terms N with |t|^N <= tol for the resolvent at energy - i eta (the series' remainder)."""
    t, _ = _series_ratio(energy - 1j * eta, scale, shift)
    return math.ceil(math.log(tol) / math.log(abs(t))) + 1


def shift_index(box: PlaneWaveBox, n: tuple[int, int]) -> np.ndarray:
    """For each basis momentum p, the basis index of p - q, q = 2 pi n / L (-1 where outside).

    ``rho_-q psi`` = psi moved from p to p - q, projected on the basis (P rho P).
    """
    nx = np.rint(box.px * box.length / (2 * math.pi)).astype(int)
    ny = np.rint(box.py * box.length / (2 * math.pi)).astype(int)
    where = {(a, b): k for k, (a, b) in enumerate(zip(nx.tolist(), ny.tolist(), strict=True))}
    return np.array([where.get((a - n[0], b - n[1]), -1) for a, b in zip(nx, ny, strict=True)])


def apply_rho(psi: np.ndarray, target: np.ndarray) -> np.ndarray:
    """rho_-q psi for psi (..., np, 2): component p goes to p - q (``target`` from shift_index)."""
    out = np.zeros_like(psi)
    keep = target >= 0
    out[..., target[keep], :] = psi[..., keep, :]
    return out


def _observables(A, R, targets, area, weight):
    """sigma^I (n_eta, 2, 2) and K00 (n_eta, n_q) from the resolvent vectors.

    A[e, k] = G^A s_k, R[e, k] = G^R s_k for the start vectors s = [r, v_x r, v_y r,
    rho_-q1 r, ...] (stacked along k as blocks of equal length).
    """
    n_eta = A.shape[0]
    n_blocks = 3 + len(targets)
    Ab = np.split(A, n_blocks, axis=1)
    Rb = np.split(R, n_blocks, axis=1)
    sigma = np.zeros((n_eta, 2, 2))
    k00 = np.zeros((n_eta, len(targets)))
    vel = (VX, VY)
    for e in range(n_eta):
        a_r, r_r = Ab[0][e], Rb[0][e]
        for i in range(2):
            a_vi, r_vi = Ab[1 + i][e], Rb[1 + i][e]
            for j in range(2):
                vj = vel[j]
                # Tr[v_i G^R v_j G^A] = <G^A v_i r| v_j |G^A r>, and the RR, AA terms likewise
                ra = np.vdot(a_vi, a_r @ vj.T)
                rr = np.vdot(a_vi, r_r @ vj.T)
                aa = np.vdot(r_vi, a_r @ vj.T)
                sigma[e, i, j] = (2 * ra - rr - aa).real / (2 * area)
        for k, target in enumerate(targets):
            # Tr[rho_q G^R rho_-q G^A] = <G^A rho_-q r| rho_-q |G^A r>
            k00[e, k] = np.vdot(Ab[3 + k][e], apply_rho(a_r, target)).real / area
    return sigma * weight, k00 * weight


def sample_fermi_surface(box, potential, fermi, etas, qs, starts, *, tol=1e-5, weight=None):
    """One realisation: sigma^I (n_eta, 2, 2) in e^2/h, nu (n_eta), K00 (n_eta, n_q), moments.

    ``starts`` (R, np, 2) are the trace vectors (random phases, ``weight`` = 1/R; or the unit
    vectors of the basis, ``weight`` = 1, for an exact trace); ``qs`` a list of integer pairs n
    (q = 2 pi n / L); ``etas`` the broadenings in E0.
    """
    kinetic = box.kinetic()
    area = box.length**2
    R = starts.shape[0]
    weight = 1.0 / R if weight is None else weight
    targets = [shift_index(box, n) for n in qs]

    def apply(psi):
        return box.apply(psi, potential, kinetic)

    lo, hi = _spectral_bounds(apply, (box.px.size, 2), np.random.default_rng(0))
    scale, shift = (hi - lo) / 2, (hi + lo) / 2
    etas = np.asarray(etas, dtype=float)
    N = moments_for(float(etas.min()), fermi, scale, shift, tol)
    if N > MAX_TERMS:
        raise ValueError(
            f"the resolvent series needs {N:.3g} terms (~ spectral width / eta x log(1/tol)) at "
            f"eta = {etas.min():.3g}, more than {MAX_TERMS:.0e}: raise eta_over_gamma or tol"
        )
    coef = np.array([resolvent_coefficients(N, fermi - 1j * eta, scale, shift) for eta in etas])
    blocks = [starts, starts @ VX.T, starts @ VY.T, *(apply_rho(starts, t) for t in targets)]
    s0 = np.concatenate(blocks)
    A = np.zeros((len(etas), *s0.shape), dtype=complex)
    Rv = np.zeros_like(A)
    # stream T_n(H~) s0: T_{n+1} = 2 H~ T_n - T_{n-1}
    prev, cur = None, s0
    for n in range(N):
        if n == 1:
            prev, cur = cur, (apply(cur) - shift * cur) / scale
        elif n > 1:
            prev, cur = cur, 2 * (apply(cur) - shift * cur) / scale - prev
        for e in range(len(etas)):
            A[e] += coef[e, n] * cur
            Rv[e] += np.conj(coef[e, n]) * cur
    sigma, k00 = _observables(A, Rv, targets, area, weight)
    # nu_eta = Im Tr G^A / (pi A) = Im <r|G^A r> / (pi A)
    nu = np.array(
        [weight * np.vdot(starts, A[e, :R]).imag / (math.pi * area) for e in range(len(etas))]
    )
    return sigma, nu, k00, N


def dense_sample_fermi_surface(box, potential, fermi, etas, qs):
    """The same as ``sample_fermi_surface`` with exact traces and resolvents (diagonalisation).

    The independent check of the streamed path, and its cheaper route for small boxes.
    """
    # LAPACK's MRRR driver (zheevr): as fast as numpy's divide and conquer (zheevd) up to ~1000
    # states, 2.2-2.9x faster at 1600-2700, orthonormal to ~1e-12 (benchmarks/bench_exact.py)
    E, U = scipy.linalg.eigh(box.dense(potential), driver="evr", check_finite=False)
    area = box.length**2
    n_pw = box.px.size
    Uk = U.reshape(n_pw, 2, -1)

    # U^+ (1 x v) U for the off-diagonal spin matrices v_x = sigma_y, v_y = -sigma_x: both from
    # the one half-size product B = U_up^+ U_dn instead of two full transforms
    B = np.conj(Uk[:, 0, :]).T @ Uk[:, 1, :]
    Vs = tuple(op[0, 1] * B + op[1, 0] * np.conj(B).T for op in (VX, VY))
    del B  # n x n each: at 13522 states 2.9 GB, and the peak must stay under ~20 GB
    rho2 = []  # |(rho_q)_mn|^2, all the density trace needs
    for n in qs:
        target = shift_index(box, n)
        rho = np.conj(U).T @ apply_rho(Uk.transpose(2, 0, 1), target).reshape(U.shape[1], -1).T
        rho2.append(np.abs(rho) ** 2)
        del rho
    etas = np.asarray(etas, dtype=float)
    gA = 1.0 / (fermi - 1j * etas[:, None] - E[None, :])  # (eta, state)
    gR = np.conj(gA)
    sigma = np.zeros((len(etas), 2, 2))
    for i in range(2):
        for j in range(2):
            # sum_mn (v_i)_mn (v_j)_nm g_n g'_m as quadratic forms: one n x n product per (i, j)
            P = Vs[i] * Vs[j].T
            Pr, Pa = P @ gR.T, P @ gA.T  # (state m, eta)
            ra = np.einsum("em,me->e", gA, Pr)
            rr = np.einsum("em,me->e", gR, Pr)
            aa = np.einsum("em,me->e", gA, Pa)
            sigma[:, i, j] = (2 * ra - rr - aa).real / (2 * area)
    nu = np.sum(gA.imag, axis=1) / (math.pi * area)
    k00 = np.zeros((len(etas), len(qs)))
    for k, r2 in enumerate(rho2):
        # Tr[rho_q G^R rho_-q G^A], rho_q = (rho_-q)^+ (within the basis projection)
        k00[:, k] = np.einsum("em,mn,en->e", gR, r2, gA, optimize=True).real / area
    return sigma, nu, k00


def _at_zero(x, y):
    """Value at x = 0 of the least-squares polynomial of degree min(len(x) - 1, 2) through
    (x, y), along the last axis of y (a line through two points, a parabola through three)."""
    x = np.asarray(x, dtype=float)
    X = np.vander(x, min(x.size - 1, 2) + 1, increasing=True)
    coef = np.linalg.lstsq(X, np.moveaxis(y, -1, 0).reshape(x.size, -1), rcond=None)[0]
    return coef[0].reshape(y.shape[:-1])


def jackknife(stat, samples):
    """Mean of ``stat`` and its jackknife standard error over axis 0 of ``samples``."""
    n = samples.shape[0]
    full = stat(samples.mean(axis=0))
    leave = np.array([stat(np.delete(samples, i, axis=0).mean(axis=0)) for i in range(n)])
    err = np.sqrt((n - 1) / n * np.sum((leave - leave.mean(axis=0)) ** 2, axis=0))
    return full, err


METHODS = ("kpm", "dense")


def exact_fermi_surface(
    model: SurfaceModel,
    *,
    box_length: float,
    eta_over_gamma=(0.25, 0.5),
    q_orders=(1, 2),
    realisations: int = 8,
    random_vectors: int = 2,
    cutoff: float = 5.0,
    seed: int = 0,
    method: str = "kpm",
    tol: float = 1e-5,
    progress: bool = False,
):
    """sigma^I, nu and the density response K00(q), averaged over realisations, and D from both
    the density response and the Einstein relation, extrapolated to eta -> 0 (module docstring).

    Parameters
    ----------
    model
        the surface; (eps, Delta_z, alpha) read as renormalised at the cutoff (the ladder's).
    box_length
        side L in hbar v/E0; must exceed the mean free path, should be several of them.
    eta_over_gamma
        the Lorentzian broadenings eta, in units of Gamma = pi alpha (eps^2 + Dz^2)/2 eps; each
        in (0, 2]; the smallest sets the cost (~ 1/eta Chebyshev steps).
    q_orders
        integers n >= 1: density response at q = 2 pi n / L along x and along y (averaged).
    realisations, random_vectors
        disorder samples (>= 2) and random-phase vectors per sample (``method="kpm"``).
    cutoff, seed, progress
        p_c / eps (the ladder's convention); random seed; rich progress bar.
    method
        "kpm" (streamed Chebyshev resolvents, cost ~ vectors x L^2 log L / eta, memory ~ L^2)
        or "dense" (exact traces by diagonalisation, ~ L^6; the check for small boxes).
    tol
        remainder |t|^N of the resolvent series, 1e-12 <= tol <= 1e-2.

    Returns
    -------
    xarray.Dataset: per realisation and eta ``sigma`` (e^2/h), ``dos``, ``K00``; their means;
    the eta -> 0 values ``sigma_xx``, ``sigma_xy`` (Hall part (xy - yx)/2), ``dos0``,
    ``gamma_q`` (relaxation rate of a density wave, per q), ``D_density`` (gamma_q / q^2 at the
    smallest q), ``D_einstein`` (sigma_xx / 2 pi nu), each with a jackknife standard error
    (``*_err``); convergence parameters in ``attrs``.
    """
    import xarray as xr
    from rich.console import Console
    from rich.progress import Progress

    L = _check(model, box_length, 16, realisations, random_vectors, cutoff)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    ratios = np.atleast_1d(np.asarray(eta_over_gamma, dtype=float))
    if ratios.size < 1 or not np.all(np.isfinite(ratios)) or np.any((ratios <= 0) | (ratios > 2)):
        raise ValueError(
            f"eta_over_gamma must be numbers in (0, 2] (the broadening in units of the disorder's "
            f"Gamma), got {eta_over_gamma!r}"
        )
    raw = np.atleast_1d(q_orders).tolist()
    if not raw or not all(_is_integer(n) and n >= 1 for n in raw):
        raise ValueError(f"q_orders must be integers >= 1 (q = 2 pi n / L), got {q_orders!r}")
    orders = sorted(int(n) for n in raw)
    tol = finite("tol", tol)
    if not 1e-12 <= tol <= 1e-2:
        raise ValueError(f"tol must satisfy 1e-12 <= tol <= 1e-2, got {tol!r}")
    par = surface_parameters(model, cutoff)
    e, dz, a = par.bare_fermi_energy, par.bare_delta_z, par.bare_disorder
    box = PlaneWaveBox(L, par.cutoff, dz)
    eps, d = model.fermi_energy, model.delta_z
    gamma = broadening(model)
    etas = ratios * gamma
    qs = [(n, 0) for n in orders] + [(0, n) for n in orders]
    q_abs = 2 * math.pi * np.array(orders) / L
    if q_abs.max() > math.sqrt(max(eps * eps - d * d, 0.0)):
        raise ValueError(
            f"q = 2 pi n / L = {q_abs.max():.3g} exceeds the Fermi momentum: lower q_orders or "
            "raise box_length"
        )
    R, n = int(random_vectors), int(realisations)
    # A and R per eta, and the FFT's three grid-sized temporaries per start vector (box.apply)
    n_start = (3 + len(qs)) * R
    nbytes = 2 * len(etas) * n_start * box.size * 16 + 3 * n_start * box.grid**2 * 2 * 16
    if method == "dense":
        nbytes = 8 * box.size**2 * 16
    if nbytes > 4e9:
        raise ValueError(
            f"the resolvent vectors need {nbytes / 1e9:.1f} GB: reduce random_vectors, box_length "
            "or the number of eta / q values"
        )
    spacing = level_spacing(model, L)
    if spacing > etas.min() / 2:
        warnings.warn(
            f"level spacing 1/(nu L^2) = {spacing:.3g} is not well below the smallest eta = "
            f"{etas.min():.3g}: the spectrum is resolved into levels; raise box_length",
            ExactAccuracyWarning,
            stacklevel=2,
        )
    rng = np.random.default_rng(seed)
    sig = np.zeros((n, len(etas), 2, 2))
    dos = np.zeros((n, len(etas)))
    k00 = np.zeros((n, len(etas), len(qs)))
    moments = 0
    with Progress(console=Console(stderr=True), transient=True, disable=not progress) as bar:
        task = bar.add_task("exact Fermi-surface average", total=n)
        for s in range(n):
            V = box.potential(a, rng)
            if method == "dense":
                sig[s], dos[s], k00[s] = dense_sample_fermi_surface(box, V, e, etas, qs)
            else:
                starts = np.exp(2j * math.pi * rng.random((R, box.px.size, 2)))
                sig[s], dos[s], k00[s], moments = sample_fermi_surface(
                    box, V, e, etas, qs, starts, tol=tol
                )
            bar.advance(task)
    nq = len(orders)
    k_avg = 0.5 * (k00[..., :nq] + k00[..., nq:])  # x and y: the same by rotation symmetry
    E0 = {"units": "E0"}
    ds = xr.Dataset(
        {
            "sigma": (
                ("realisation", "eta", "i", "j"),
                sig,
                {"units": "e^2/h", "long_name": "Kubo-Streda I (Fermi-surface) conductivity"},
            ),
            "dos": (("realisation", "eta"), dos, {"units": "E0^-1 (hbar v/E0)^-2"}),
            "K00": (
                ("realisation", "eta", "q"),
                k_avg,
                {"units": "E0^-1 (hbar v/E0)^-2 / E0", "long_name": "Tr[rho_q G^R rho_-q G^A]/A"},
            ),
        },
        coords={
            "realisation": np.arange(n),
            "eta": ("eta", etas, E0),
            "q": ("q", q_abs, {"units": "E0/(hbar v)", "long_name": "2 pi n / L"}),
            "i": ["x", "y"],
            "j": ["x", "y"],
        },
    )
    ds.attrs = {
        "method": "exact disorder average, Fermi surface: plane waves |p| < p_c in a periodic "
        "box, streamed Chebyshev resolvents with Lorentzian broadening eta, Kubo-Streda I, "
        "density response; eta -> 0 by least-squares lines",
        "q_ell": (q_abs * model.mean_free_path).tolist(),
        "eta_over_gamma": ratios.tolist(),
        "chebyshev_terms": moments,
        "tol": tol,
        **sample_attrs(model, box, par, n=n, R=R, seed=seed, trace=method, cutoff=cutoff),
    }
    return summarise(ds)


def summarise(ds):
    """Add the eta -> 0 estimates and their jackknife errors to a dataset of raw per-realisation
    ``sigma``, ``dos``, ``K00`` (dims realisation, eta[, q]); returns a new dataset.

    eta -> 0 by the least-squares polynomial of degree min(n_eta - 1, 2) in eta (a line through
    two broadenings, Richardson's parabola through three); D_einstein = sigma_xx / 2 pi nu;
    gamma_q = 2 pi nu_eta / K00(q, eta) - 2 eta (the diffusion pole, module docstring), also
    extrapolated, and D_q = gamma_q / q^2. The same at each eta, without extrapolation
    (``*_at_eta``, dims eta[, q]): what the verdict compares with the ladder at equal eta
    (:func:`tisot.response.exact.reference.broadened_ladder`), since the eta -> 0 line is biased.
    """
    etas = ds.eta.values
    q_abs = ds.q.values
    n, n_eta, nq = ds.sizes["realisation"], ds.sizes["eta"], ds.sizes["q"]
    # per sample: [sxx, sxy, syx, syy, nu, K00(q)...] per eta, averaged before any ratio
    flat = np.concatenate(
        [ds.sigma.values.reshape(n, n_eta, 4), ds.dos.values[..., None], ds.K00.values], axis=-1
    )

    def estimates(mean):  # (eta, 5 + nq) -> the eta -> 0 values
        sxx = 0.5 * (mean[:, 0] + mean[:, 3])
        sxy = 0.5 * (mean[:, 1] - mean[:, 2])
        nu = mean[:, 4]
        g_q = 2 * math.pi * nu[:, None] / mean[:, 5:] - 2 * etas[:, None]  # (eta, q)
        s0, h0, nu0 = (_at_zero(etas, y) for y in (sxx, sxy, nu))
        g0 = _at_zero(etas, g_q.T)
        return np.concatenate([[s0, h0, nu0, s0 / (2 * math.pi * nu0)], g0, g0 / q_abs**2])

    val, err = jackknife(estimates, flat)

    def per_eta(mean):  # (eta, 5 + nq) -> [sxx, sxy, nu, gamma_q...] per eta, flattened
        nu = mean[:, 4]
        g_q = 2 * math.pi * nu[:, None] / mean[:, 5:] - 2 * etas[:, None]
        cols = [0.5 * (mean[:, 0] + mean[:, 3]), 0.5 * (mean[:, 1] - mean[:, 2]), nu]
        return np.concatenate([np.stack(cols, axis=1), g_q], axis=1).ravel()

    at_eta, at_eta_err = (x.reshape(n_eta, 3 + nq) for x in jackknife(per_eta, flat))
    sig = ds.sigma.values
    out = ds.copy()
    D = {"units": "hbar v^2/E0"}
    S = {"units": "e^2/h"}
    nu_units = {"units": "E0^-1 (hbar v/E0)^-2"}
    new = {
        "sigma_mean": (("eta", "i", "j"), sig.mean(axis=0), S),
        "sigma_err": (("eta", "i", "j"), sig.std(axis=0, ddof=1) / math.sqrt(n), S),
        "sigma_xx": ((), val[0], {**S, "long_name": "(xx + yy)/2, eta -> 0"}),
        "sigma_xy": ((), val[1], {**S, "long_name": "(xy - yx)/2, eta -> 0"}),
        "dos0": ((), val[2], {**nu_units, "long_name": "eta -> 0"}),
        "D_einstein": ((), val[3], {**D, "long_name": "sigma_xx / 2 pi nu"}),
        "gamma_q": (
            ("q",),
            val[4 : 4 + nq],
            {"units": "E0/hbar", "long_name": "density relaxation"},
        ),
        "D_q": (("q",), val[4 + nq :], {**D, "long_name": "gamma_q / q^2"}),
        "D_density": ((), val[4 + nq], {**D, "long_name": "gamma_q / q^2 at the smallest q"}),
    }
    errors = {
        "sigma_xx": err[0],
        "sigma_xy": err[1],
        "dos0": err[2],
        "D_einstein": err[3],
        "gamma_q": err[4 : 4 + nq],
        "D_q": err[4 + nq :],
        "D_density": err[4 + nq],
    }
    for j, (k, attrs) in enumerate(
        [("sigma_xx", S), ("sigma_xy", S), ("dos", nu_units), ("gamma_q", {"units": "E0/hbar"})]
    ):
        dims = ("eta", "q") if k == "gamma_q" else ("eta",)
        cols = slice(3, None) if k == "gamma_q" else j
        new[k + "_at_eta"] = (dims, at_eta[:, cols], {**attrs, "long_name": "at each eta"})
        errors[k + "_at_eta"] = at_eta_err[:, cols]
    for k, (dims, v, attrs) in new.items():
        out[k] = (dims, v, attrs)
        if k in errors:
            out[k + "_err"] = (dims, errors[k], {**attrs, "long_name": "jackknife standard error"})
    out.attrs["extrapolation"] = f"polynomial of degree {min(n_eta - 1, 2)} in eta, to eta = 0"
    return out
