"""Numerically exact ladder (noncrossing) response K(q, omega) at any q and omega (Eqs. 10-13).

What is computed (model units hbar = v = 1; alpha the bare disorder strength of Eq. 5):

* the self-energy self-consistently (SCBA, :mod:`tisot.response.selfenergy`) from the same
  momentum integral, cut at |p| < p_c, as M; so the Ward identity det[1 - pi alpha M(0, 0)] = 0
  holds to rounding at every cutoff (the paper's Born form, ``self_energy="born"``, breaks it at
  order alpha ln(p_c/eps));
* M_ab(q, omega), a, b in (0, x, y, z), of Eq. (12) in the orientation of Eq. (7):
  M_ab = Int d^2p/(2 pi)^2 Tr[sigma_a G^R_{p+q/2}(eps+omega) sigma_b G^A_{p-q/2}(eps)], the
  cutoff on the mean momentum p; radial integral exact, angular one by trapezoidal doubling
  (:mod:`tisot.response._ladder_kernel`);
* K = M [1 - pi alpha M]^-1 (Eq. 13), whose spin block is the K of Eqs. (7)-(8).

Cutoff convention: p_c = ``cutoff`` * eps in units of hbar v (eps the model's Fermi energy). By
default (``parameters="renormalised"``) the model's (eps, Delta_z, alpha) are read as the
*renormalised* parameters (selfenergy.Renormalised) and the bare ones are solved for at this
cutoff: then K depends on the cutoff only through terms of relative order alpha ln(p_c/eps) that
these three parameters do not absorb (vertex logarithms, docs/ladder.md), and the paper's
formulas (which drop alpha ln(p_c/eps)) are to be compared at the model's own parameters.
``parameters="bare"`` takes them as the Hamiltonian's.

Accuracy: ``rtol`` bounds max|dK| / max|K| per (q, omega) point, estimated from the change of K
between n and 2n angles. Near the diffusion pole M is nearly singular and its errors are amplified
by 1 / |i omega - D q^2| tau_tr; the estimate sees that, and a point that cannot reach ``rtol``
raises :class:`LadderAccuracyWarning` with the accuracy reached.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from .._validation import finite
from ..model.surface import SurfaceModel
from . import _ladder_kernel as kernel
from .analytic import conductivity
from .selfenergy import SELF_ENERGIES, Renormalised, bare_for, green_parameters, renormalise

#: First number of angles of the trapezoidal rule; doubled until converged.
FIRST_ANGLES = 8
#: Most angles per point (2^17): beyond this the tolerance is reported as not met.
MAX_ANGLES = 2**17
#: Smallest rtol accepted: K is assembled in double precision.
MIN_RTOL = 1e-13
PARAMETER_MODES = ("renormalised", "bare")


class LadderAccuracyWarning(UserWarning):
    """The ladder quadrature did not reach the requested tolerance at some (q, omega)."""


# ---------------------------------------------------------------------------------- inputs
def _check_options(rtol: float, cutoff: float, parameters: str, self_energy: str) -> None:
    rtol = finite("rtol", rtol)
    if not MIN_RTOL <= rtol < 1:
        raise ValueError(f"rtol must satisfy {MIN_RTOL} <= rtol < 1, got {rtol!r}")
    cutoff = finite("cutoff", cutoff)
    if not 1.5 <= cutoff <= 1e6:
        raise ValueError(
            f"cutoff must satisfy 1.5 <= cutoff <= 1e6 (momentum cutoff in units of eps/(hbar v), "
            f"above the Fermi momentum), got {cutoff!r}"
        )
    if parameters not in PARAMETER_MODES:
        raise ValueError(f"parameters must be one of {PARAMETER_MODES}, got {parameters!r}")
    if self_energy not in SELF_ENERGIES:
        raise ValueError(f"self_energy must be one of {SELF_ENERGIES}, got {self_energy!r}")


def _check_points(q, omega, par: Renormalised, *, allow_static: bool):
    fermi_momentum = _fermi_momentum(par)
    q = np.asarray(finite("q", q), dtype=float)
    omega = np.asarray(finite("omega", omega), dtype=float)
    if q.shape[-1:] != (2,):
        raise ValueError(f"q must have shape (..., 2) = (q_x, q_y), got shape {q.shape}")
    if np.any(omega < 0):
        raise ValueError("omega must be >= 0 (K is defined with eps + hbar*omega above eps)")
    # the energy shell eps + omega must lie inside the momentum cutoff
    omega_max = par.cutoff - par.fermi_energy
    if np.any(omega >= omega_max):
        raise ValueError(
            f"omega must be < p_c - eps = (cutoff - 1) eps = {omega_max:.6g} (the shell at "
            f"eps + omega must lie inside the momentum cutoff); got max omega = "
            f"{omega.max():.6g}: raise the cutoff"
        )
    qabs = np.hypot(q[..., 0], q[..., 1])
    if np.any(qabs > fermi_momentum):
        raise ValueError(
            f"|q| must be <= the Fermi momentum sqrt(eps^2 - Delta_z^2) = {fermi_momentum:.6g} "
            f"(got max |q| = {qabs.max():.6g}); the ladder near 2 k_F is outside this theory"
        )
    if not allow_static and np.any((qabs == 0) & (omega == 0)):
        raise ValueError(
            "K is singular at q = 0 and omega = 0 together (diffusion pole; the limits do not "
            "commute): give q > 0 or omega > 0"
        )
    shape = np.broadcast_shapes(q.shape[:-1], omega.shape)
    q = np.broadcast_to(q, (*shape, 2))
    omega = np.broadcast_to(omega, shape)
    return q, omega, shape


def surface_parameters(
    model: SurfaceModel,
    cutoff: float = 5.0,
    *,
    parameters: str = "renormalised",
    self_energy: str = "scba",
) -> Renormalised:
    """Bare and renormalised (eps, Delta_z, alpha) the ladder uses for ``model`` at ``cutoff``.

    ``cutoff`` is p_c in units of eps/(hbar v). See the module docstring for the two readings of
    the model's parameters.
    """
    _check_options(1e-6, cutoff, parameters, self_energy)
    e, d, a = model.fermi_energy, model.delta_z, model.disorder
    pc = cutoff * e
    if parameters == "bare" or self_energy == "born":
        return renormalise(e, d, a, pc, self_energy)
    return bare_for(e, d, a, pc, self_energy)


# ---------------------------------------------------------------------------------- core
def _kernel_M(par: Renormalised, q, omega, n_start, rtol, max_angles, want_K=True, eta=0.0):
    """M (points, 4, 4), K4 and error estimates for flattened points; the doubling loop.

    ``eta`` > 0 broadens both sides: G^R at eps + omega + i eta, G^A at eps - i eta, the SCBA
    solved at those complex energies (the exact average's resolvents, ``response.exact``).
    """
    e, d, a, pc = par.bare_fermi_energy, par.bare_delta_z, par.bare_disorder, par.cutoff
    omega = np.asarray(omega, dtype=complex)
    e_r, d_r = green_parameters(e + omega + 1j * eta, d, a, pc, par.self_energy)
    e0, d0 = green_parameters(e + 1j * eta, d, a, pc, par.self_energy)
    e_a, d_a = np.conj(e0) * np.ones_like(e_r), np.conj(d0) * np.ones_like(e_r)
    z_r = np.ascontiguousarray(e_r * e_r - d_r * d_r)
    z_a = np.ascontiguousarray(e_a * e_a - d_a * d_a)
    qx = np.ascontiguousarray(q[:, 0])
    qy = np.ascontiguousarray(q[:, 1])
    npts = qx.shape[0]
    pa = math.pi * a
    eye = np.eye(4)

    def build(idx, sums, n):
        moments = sums * (2 * math.pi / n)
        M = kernel.assemble(moments, e_r[idx], d_r[idx], e_a[idx], d_a[idx], qx[idx], qy[idx])
        if not want_K:
            return M, M
        with np.errstate(all="ignore"):
            K = np.linalg.solve(np.swapaxes(eye - pa * M, -1, -2), np.swapaxes(M, -1, -2))
        return M, np.swapaxes(K, -1, -2)  # M (1 - pa M)^-1 = [(1 - pa M)^-T M^T]^T

    # Angles needed before a non-decreasing estimate may be read as the rounding floor: the
    # integrand's angular features are ~ gamma/|q| wide (gamma = distance of the Fermi-surface
    # poles from the real r axis); ask for 4 nodes per feature.
    gamma = np.minimum(np.abs(np.sqrt(z_r).imag), np.abs(np.sqrt(z_a).imag))
    resolve = np.maximum(64, 8 * math.pi * np.hypot(qx, qy) / gamma)
    sums = np.zeros((npts, 6), dtype=complex)
    n = n_start
    kernel.angular_sums(z_r, z_a, qx, qy, pc, n, 0.0, sums)
    M_all, K_all = build(slice(None), sums, n)
    M_out, K_out = M_all.copy(), K_all.copy()
    err = np.full(npts, np.inf)
    angles = np.full(npts, n)
    active = np.arange(npts)
    previous = np.full(npts, np.inf)
    K_prev = K_all
    while active.size and n < max_angles:
        mid = np.zeros((active.size, 6), dtype=complex)
        kernel.angular_sums(z_r[active], z_a[active], qx[active], qy[active], pc, n, 0.5, mid)
        sums[active] += mid
        n *= 2
        M_new, K_new = build(active, sums[active], n)
        scale = np.max(np.abs(K_new), axis=(-1, -2))
        e_now = np.max(np.abs(K_new - K_prev), axis=(-1, -2)) / np.where(scale > 0, scale, 1.0)
        M_out[active], K_out[active] = M_new, K_new
        angles[active] = n
        err[active] = e_now
        # Stop where converged, or where the estimate no longer falls (rounding floor).
        stalled = (n >= resolve[active]) & (e_now > 0.5 * previous[active])
        keep = (e_now > rtol) & ~stalled
        previous[active] = e_now
        active = active[keep]
        K_prev = K_new[keep]
    return M_out, K_out, err, angles


def _dets(M, alpha):
    return np.linalg.det(np.eye(4) - math.pi * alpha * M)


def _report(err, angles, rtol, where: str) -> None:
    """Warn, with the accuracy reached, where ``rtol`` was not met; name the likely cause."""
    bad = ~(err <= rtol)
    if not np.any(bad):
        return
    capped = bad & (angles >= MAX_ANGLES)
    causes = []
    if np.any(bad & ~capped):
        causes.append(
            f"{int((bad & ~capped).sum())} at the rounding floor, which grows as "
            "1/|i omega - D q^2| tau_tr near the diffusion pole (loosen rtol or move away "
            "from q = omega = 0)"
        )
    if np.any(capped):
        causes.append(
            f"{int(capped.sum())} still changing at {MAX_ANGLES} angles: strongly ballistic "
            "(q ell >~ 1e4; the angular structure is ~1/(q ell) wide)"
        )
    warnings.warn(
        f"ladder quadrature reached max|d{where}|/max|{where}| = {np.max(err[bad]):.3g} > "
        f"rtol = {rtol:.3g} at {int(bad.sum())} of {err.size} (q, omega) points: "
        + "; ".join(causes),
        LadderAccuracyWarning,
        stacklevel=3,
    )


def ladder_kernel(
    model: SurfaceModel,
    q,
    omega,
    *,
    rtol: float = 1e-6,
    cutoff: float = 5.0,
    parameters: str = "renormalised",
    self_energy: str = "scba",
) -> np.ndarray:
    """M_ab(q, omega) of Eq. (12), a, b in (0, x, y, z): complex (..., 4, 4), q = omega = 0 allowed.

    Orientation as Eq. (7) (G^R at eps + omega, p + q/2; G^A at eps, p - q/2), so that
    K = M [1 - pi alpha M]^-1 with the *bare* alpha (``surface_parameters(...).bare_disorder``).
    ``rtol`` applies to M (max|dM|/max|M| per point).
    """
    _check_options(rtol, cutoff, parameters, self_energy)
    par = surface_parameters(model, cutoff, parameters=parameters, self_energy=self_energy)
    q, omega, shape = _check_points(q, omega, par, allow_static=True)
    M, _, err, angles = _kernel_M(
        par, q.reshape(-1, 2), omega.reshape(-1), FIRST_ANGLES, rtol, MAX_ANGLES, want_K=False
    )
    _report(err, angles, rtol, "M")
    return M.reshape(*shape, 4, 4)


def _fermi_momentum(par: Renormalised) -> float:
    return math.sqrt(max(par.fermi_energy**2 - par.delta_z**2, 0.0))


def ladder_response(
    model: SurfaceModel,
    q,
    omega,
    *,
    rtol: float = 1e-6,
    cutoff: float = 5.0,
    parameters: str = "renormalised",
    self_energy: str = "scba",
) -> np.ndarray:
    """K(q, omega) of Eq. (8) from the exact ladder, Eqs. (10)-(13): complex (..., 3, 3).

    Parameters
    ----------
    model
        the surface; its (eps, Delta_z, alpha) are renormalised (default) or bare parameters.
    q
        wavevector(s), shape (..., 2), in E0/(hbar v), |q| <= k_F.
    omega
        angular frequency (...), >= 0, in E0/hbar; broadcast against q[..., 0].
    rtol
        relative accuracy of K per point (max|dK|/max|K|), 1e-13 <= rtol < 1.
    cutoff
        momentum cutoff p_c in units of eps/(hbar v), 1.5 <= cutoff.
    parameters
        "renormalised" (default) or "bare": how the model's parameters are read.
    self_energy
        "scba" (default; Ward identity exact) or "born" (the paper's Eq. 10; breaks it).

    Returns
    -------
    complex array (..., 3, 3), layout of Eq. (8), same as ``analytic_response``. Points that miss
    ``rtol`` raise :class:`LadderAccuracyWarning` with the accuracy reached.
    """
    _check_options(rtol, cutoff, parameters, self_energy)
    par = surface_parameters(model, cutoff, parameters=parameters, self_energy=self_energy)
    q, omega, shape = _check_points(q, omega, par, allow_static=False)
    _, K4, err, angles = _kernel_M(
        par, q.reshape(-1, 2), omega.reshape(-1), FIRST_ANGLES, rtol, MAX_ANGLES
    )
    _report(err, angles, rtol, "K")
    return K4[:, 1:, 1:].reshape(*shape, 3, 3)


def ladder_dataset(
    model: SurfaceModel,
    q,
    omega,
    *,
    rtol: float = 1e-6,
    cutoff: float = 5.0,
    parameters: str = "renormalised",
    self_energy: str = "scba",
):
    """Everything the ladder computes at many (q, omega), as an xarray Dataset.

    Points are flattened along dimension ``point`` (coordinates ``q_x``, ``q_y``, ``omega``).
    Variables: ``M`` (point, a, b) of Eq. (12) with a, b in (0, x, y, z); ``K`` (point, i, j) of
    Eq. (8); ``det`` = det[1 - pi alpha M] (Eq. B2); ``conductivity`` (point, ci, cj), the
    physical tensor R K R^T (j = e v (sigma x z); see ``tisot.response.conductivity``: the paper
    labels K's in-plane entries sigma_ij, rotated by 90 degrees from the physical ones),
    ``Q`` (point, component) with Q_x = -K_yz, Q_y = K_xz; ``zeta`` = K_zz; ``error`` (estimated
    max|dK|/max|K|) and ``angles`` (trapezoid nodes used). Attributes hold the bare and
    renormalised parameters, the cutoff, units and provenance.
    """
    import xarray as xr

    from .. import __version__

    _check_options(rtol, cutoff, parameters, self_energy)
    par = surface_parameters(model, cutoff, parameters=parameters, self_energy=self_energy)
    q, omega, shape = _check_points(q, omega, par, allow_static=False)
    qf, wf = q.reshape(-1, 2), omega.reshape(-1)
    M, K4, err, angles = _kernel_M(par, qf, wf, FIRST_ANGLES, rtol, MAX_ANGLES)
    _report(err, angles, rtol, "K")
    K = K4[:, 1:, 1:]
    spin, comp = ["x", "y", "z"], ["x", "y"]
    coords = {
        "q_x": ("point", qf[:, 0], {"units": "E0/(hbar v)", "long_name": "wavevector x"}),
        "q_y": ("point", qf[:, 1], {"units": "E0/(hbar v)", "long_name": "wavevector y"}),
        "omega": ("point", wf, {"units": "E0/hbar", "long_name": "angular frequency"}),
        "a": ["0", "x", "y", "z"],
        "b": ["0", "x", "y", "z"],
        "i": spin,
        "j": spin,
        "component": comp,
        "ci": comp,
        "cj": comp,
    }
    ds = xr.Dataset(
        {
            "M": (("point", "a", "b"), M, {"long_name": "ladder kernel M, Eq. (12)", "units": "1"}),
            "K": (
                ("point", "i", "j"),
                K,
                {"long_name": "response tensor K, Eq. (8)", "units": "1"},
            ),
            "det": (("point",), _dets(M, par.bare_disorder), {"long_name": "det[1 - pi alpha M]"}),
            "conductivity": (("point", "ci", "cj"), conductivity(K), {"units": "e^2/h"}),
            "Q": (("point", "component"), np.stack([-K[:, 1, 2], K[:, 0, 2]], axis=-1)),
            "zeta": (("point",), K[:, 2, 2], {"long_name": "zeta = K_zz"}),
            "error": (("point",), err, {"long_name": "estimated max|dK|/max|K|"}),
            "angles": (("point",), angles, {"long_name": "trapezoid nodes"}),
        },
        coords=coords,
    )
    ds["conductivity"].attrs = {
        "long_name": "physical conductivity R K R^T (paper's sigma_xx is K_xx = this yy)",
        "units": "e^2/h",
    }
    ds["Q"].attrs = {"long_name": "torque vector Q (Eq. 8)", "units": "1"}
    ds.attrs = {
        "method": "exact ladder (noncrossing), Eqs. (10)-(13)",
        "units": "model units hbar = v = 1, energy unit E0",
        "rtol": rtol,
        "cutoff_over_eps": cutoff,
        **{f"param_{k}": v for k, v in par.as_dict().items()},
        "tisot_version": __version__,
        "reference": "Sokolewicz et al., PRB 99, 214444 (2019)",
        "shape": str(tuple(shape)),
    }
    return ds


def diffusion_pole(
    model: SurfaceModel,
    q,
    *,
    rtol: float = 1e-10,
    cutoff: float = 5.0,
    parameters: str = "renormalised",
    self_energy: str = "scba",
) -> np.ndarray:
    """Complex frequency omega*(q) where det[1 - pi alpha M(q, omega*)] = 0 (Eq. B2).

    The diffusion pole of K: i omega* = D q^2 [1 + O(D q^2 tau_tr)] for small q, so omega* lies
    just below the real axis (the retarded self-energy is continued there). Found by the secant
    method from omega = -i D q^2, with M to relative accuracy ``rtol``.

    Parameters
    ----------
    q
        wavevector(s) (..., 2), in E0/(hbar v), 0 < |q| <= k_F.

    Returns
    -------
    complex array (...) of omega*, in E0/hbar.
    """
    _check_options(rtol, cutoff, parameters, self_energy)
    par = surface_parameters(model, cutoff, parameters=parameters, self_energy=self_energy)
    q, _, shape = _check_points(q, 0.0, par, allow_static=True)
    qf = q.reshape(-1, 2)
    if np.any(np.hypot(qf[:, 0], qf[:, 1]) == 0):
        raise ValueError("q must be nonzero: the diffusion pole is at omega = 0 for q = 0")
    a = par.bare_disorder

    def det(w):
        M, _, err, angles = _kernel_M(par, qf, w, FIRST_ANGLES, rtol, MAX_ANGLES, want_K=False)
        _report(err, angles, rtol, "M")
        return _dets(M, a)

    w0 = -1j * model.diffusion_constant * np.sum(qf**2, axis=-1)
    w1 = w0 * (1 + 1e-3)
    f0, f1 = det(w0), det(w1)
    previous = np.full(w0.shape, np.inf)
    done = np.zeros(w0.shape, dtype=bool)
    for _ in range(50):
        denom = f1 - f0
        ok = (denom != 0) & ~done
        step = np.where(ok, f1 * (w1 - w0) / np.where(ok, denom, 1.0), 0.0)
        w0, f0 = w1, f1
        w1 = w1 - step
        # converged, or at the noise floor of det (M's accuracy): steps stop shrinking
        size = np.abs(step) / np.abs(w1)
        done |= (size <= 1e-12) | ((size >= 0.5 * previous) & (size <= 1e-6))
        previous = np.where(done, previous, size)
        if np.all(done):
            return w1.reshape(shape)
        f1 = det(w1)
    raise RuntimeError("diffusion pole: secant iteration did not converge; q may be too large")


def fermi_surface_response(model: SurfaceModel, q, omega) -> np.ndarray:
    """K (..., 3, 3) of the ladder at leading order in alpha, closed form for any omega, q.

    The Fermi-surface (Boltzmann-level) limit alpha -> 0 at fixed omega tau_tr and q ell of
    Eqs. (10)-(13): no alpha ln(p_c/eps) terms and no O(alpha^0) Hall terms, but exact in
    omega tau_tr and q ell, i.e. valid across the diffusive-ballistic crossover where App. B is
    not (see :mod:`tisot.response._ladder_fermi_surface`). Uses the model's eps, Delta_z, alpha.
    q (..., 2) in E0/(hbar v); omega (...) >= 0 in E0/hbar; not both zero.
    """
    from ._ladder_fermi_surface import fermi_surface_response as closed_form

    e, d, a = model.fermi_energy, model.delta_z, model.disorder
    par = Renormalised(e, d, a, e, d, a, 1e300, "scba")  # no cutoff at this order
    q, omega, _ = _check_points(q, omega, par, allow_static=False)
    return closed_form(e, d, a, q, omega)
