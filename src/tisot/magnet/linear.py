"""Driven, damped small-angle dynamics of the film around its equilibrium m0 (linearised LLG).

The equation linearised is the engine's (:mod:`tisot.dynamics.equation`, Eq. 18 of the paper
with isotropic damping), with the precession vector omega_h replaced by gamma mu0 H_eff(m):

    dm/dt = -m x gamma mu0 H_eff(m) + T(t) + alpha_g m x P_n dm/dt + alpha m x dm/dt,

P_n = 1 - n n^T. Writing m = m0 + Re[dm e^{-i omega t}], omega = 2 pi f, dm = x_1 e_1 + x_2 e_2
in the transverse frame (e_1, e_2) = (e_theta, e_phi) of m0 (:func:`~tisot.magnet.film.local_frame`,
e_1 x e_2 = m0), and m0 x = R = [[0, -1], [1, 0]] on (x_1, x_2), the first order is

    -i omega x = R K x + T_perp - i omega R D x
    =>  (K - i omega (D + R)) x = R T_perp = (m0 x T)_perp                     (*)

(the engine's sigma_H term alpha_hall m x ((P_z dm/dt) x z) = alpha_hall m0_z dm/dt at first
order, so it only replaces R by (1 - alpha_hall m0_z) R: ``alpha_hall``, default 0)

with the stiffness K = (gamma / Ms) H (rad/s), H the Hessian of the energy on the sphere
(:meth:`~tisot.magnet.film.FilmMagnet.tangent_hessian`; this is the Smit–Beljers curvature),
and D the transverse block of alpha 1 + alpha_g P_n. A transverse field h (T) is the torque
T = -gamma m0 x h, so the susceptibility is chi = gamma (K - i omega (D + R))^{-1} (1/T).
Undamped, det(K - i omega R) = det K - omega^2 = 0: omega = sqrt(det K), Smit & Beljers (1955).
The sense of precession follows the engine: counter-clockwise about H_eff (dm/dt = omega_h x m).

Spin waves (k != 0): a precession modulated as e^{i k.r} at in-plane k of azimuth psi, in a film
of thickness d, feels the dynamic dipolar field of the lowest, unpinned thickness mode,
-Ms N(k) dm with N(k) = P kk + (1 - P) zz, P = 1 - (1 - e^{-|k| d}) / (|k| d)
(Kalinikos & Slavin 1986, Eq. 45's F_00 in tensor form; Harte 1968), which replaces the static
film tensor zz in the dynamic part only (the equilibrium keeps zz), and the exchange field
(2 A / Ms) Laplacian m = -(2 A k^2 / Ms) dm (T). So
H -> H + mu0 Ms^2 P [(kk)_perp - (zz)_perp] + 2 A k^2 1. Convention: omega(k) = omega(-k)
(no surface anisotropy, no DMI), m = m0 + Re[dm exp(i (k.r - omega t))].

Power (per volume, time averaged): the drive pumps P = (Ms / gamma) <dm/dt . (m0 x T)>, the
damping dissipates (Ms / gamma) <dm/dt . D dm/dt> = (Ms omega^2 / 2 gamma) Re[x* D x], and the
two are equal in steady state (the stiffness term is conservative, x.K R x = 0).
"""

from __future__ import annotations

import numpy as np

from .._validation import finite
from .equilibrium import check_equilibrium
from .film import MU0, FilmMagnet, local_frame

_R = np.array([[0.0, -1.0], [1.0, 0.0]])  # m0 x, acting on transverse components


def stable_root_det(mat) -> np.ndarray:
    """sqrt(det M) of (..., 2, 2) curvature matrices, NaN where M is not positive definite
    (det M <= 0: a saddle; det M > 0 with tr M < 0: a maximum), i.e. the state is no minimum.

    The one home of the Smit–Beljers root: omega = sqrt(det K), K = (gamma / Ms) H.
    """
    mat = np.asarray(mat)
    det = np.linalg.det(mat)
    stable = (det > 0) & (np.trace(mat, axis1=-2, axis2=-1) > 0)
    return np.sqrt(np.where(stable, det, np.nan))


def dipolar_factor(k, thickness) -> np.ndarray:
    """P(|k| d) = 1 - (1 - e^{-|k| d}) / (|k| d) of the lowest unpinned mode (P(0) = 0)."""
    x = np.abs(np.asarray(k, dtype=float)) * thickness
    safe = np.where(x > 0, x, 1.0)
    return np.where(x > 0, 1.0 + np.expm1(-safe) / safe, 0.0)


def _frame(m0) -> np.ndarray:
    """(..., 3, 2): the columns e_theta, e_phi of m0's transverse frame."""
    return np.stack(local_frame(m0), axis=-1)


def _project(e, v) -> np.ndarray:
    """Transverse components E^T v, (..., 2)."""
    return np.einsum("...ia,...i->...a", e, v)


def stiffness(
    magnet: FilmMagnet,
    field_tesla,
    m0,
    *,
    k=0.0,
    k_azimuth_deg=0.0,
    thickness=None,
    exchange_stiffness=0.0,
) -> np.ndarray:
    """K = (gamma / Ms) H_k in rad/s, (..., 2, 2), in the frame (e_theta, e_phi) of m0.

    ``k`` (rad/m, broadcasts with the field and m0), ``k_azimuth_deg`` its in-plane direction
    from x, ``thickness`` d (m, needed when k != 0) and ``exchange_stiffness`` A (J/m) add the
    dynamic dipolar and exchange terms of the module docstring. m0 must be an equilibrium.
    """
    b, m0 = _at_equilibrium(magnet, field_tesla, m0)
    return _stiffness(
        magnet, b, m0, k=k, k_azimuth_deg=k_azimuth_deg, thickness=thickness,
        exchange_stiffness=exchange_stiffness,
    )  # fmt: skip


def _at_equilibrium(magnet: FilmMagnet, field_tesla, m0) -> tuple[np.ndarray, np.ndarray]:
    """(field in T, m0 / |m0|) after the one check, at the public boundary, that m0 is an
    equilibrium at that field; the private workers below take them as checked."""
    b = np.asarray(finite("field_tesla", field_tesla), dtype=float)
    return b, check_equilibrium(magnet, b, m0)


def _stiffness(magnet, b, m0, *, k=0.0, k_azimuth_deg=0.0, thickness=None, exchange_stiffness=0.0):
    """:func:`stiffness` at a checked field b (T) and equilibrium m0 (unit)."""
    k = np.asarray(finite("k", k), dtype=float)
    a_ex = finite("exchange_stiffness", exchange_stiffness)
    if np.any(np.asarray(a_ex) < 0):
        raise ValueError(f"exchange_stiffness must be >= 0 J/m, got {exchange_stiffness!r}")
    hess = magnet.tangent_hessian(m0, b)
    if np.any(k != 0):
        if thickness is None:
            raise ValueError("thickness (film thickness in m, > 0) is needed when k != 0")
        d = finite("thickness", thickness)
        if np.any(np.asarray(d) <= 0):
            raise ValueError(f"thickness must be > 0 m, got {thickness!r}")
        psi = np.radians(finite("k_azimuth_deg", k_azimuth_deg))
        khat = np.stack(np.broadcast_arrays(np.cos(psi), np.sin(psi), 0.0 * psi), axis=-1)
        e = _frame(m0)
        kp = _project(e, khat)
        zp = e[..., 2, :]
        p = dipolar_factor(k, d)[..., None, None]
        dip = kp[..., :, None] * kp[..., None, :] - zp[..., :, None] * zp[..., None, :]
        hess = hess + MU0 * magnet.ms**2 * p * dip
        hess = hess + (2.0 * a_ex * k**2)[..., None, None] * np.eye(2)
    return (magnet.gamma / magnet.ms) * hess


def _damping(m0, alpha, alpha_g, damping_axis) -> np.ndarray:
    """Transverse block of alpha 1 + alpha_g P_n, (..., 2, 2)."""
    alpha = finite("alpha", alpha)
    alpha_g = finite("alpha_g", alpha_g)
    if np.any(np.asarray(alpha) < 0) or np.any(np.asarray(alpha_g) < 0):
        raise ValueError(f"alpha and alpha_g must be >= 0, got {alpha!r}, {alpha_g!r}")
    n = np.asarray(finite("damping_axis", damping_axis), dtype=float)
    if n.shape[-1:] != (3,) or np.any(np.linalg.norm(n, axis=-1) == 0):
        raise ValueError(f"damping_axis must be a nonzero 3-vector, got {damping_axis!r}")
    n = n / np.linalg.norm(n, axis=-1, keepdims=True)
    npp = _project(_frame(m0), n)
    eye = np.eye(2)
    alpha = np.asarray(alpha)[..., None, None]
    alpha_g = np.asarray(alpha_g)[..., None, None]
    return alpha * eye + alpha_g * (eye - npp[..., :, None] * npp[..., None, :])


def _inverse(mat) -> np.ndarray:
    """Closed-form inverse of (..., 2, 2) matrices (broadcasts; no LAPACK call per point)."""
    a, b = mat[..., 0, 0], mat[..., 0, 1]
    c, d = mat[..., 1, 0], mat[..., 1, 1]
    det = a * d - b * c
    return np.stack([np.stack([d, -b], -1), np.stack([-c, a], -1)], -2) / det[..., None, None]


def dynamic_matrix(
    magnet: FilmMagnet,
    field_tesla,
    m0,
    frequency_hz,
    *,
    k=0.0,
    k_azimuth_deg=0.0,
    thickness=None,
    exchange_stiffness=0.0,
    alpha=0.0,
    alpha_g=0.0,
    damping_axis=(0.0, 0.0, 1.0),
    alpha_hall=0.0,
) -> np.ndarray:
    """The linearised LLG operator of Eq. (*) of the module docstring, rad/s, (..., 2, 2):

        K' = K - i omega (D + (1 - alpha_hall m0_z) R),     K' x = (m0 x T)_perp,

    K the Smit–Beljers stiffness (:func:`stiffness`, the Hessian of the energy on the sphere,
    spin-wave terms at k included), D the transverse block of alpha 1 + alpha_g P_n (Eq. 18),
    R = m0 x on (e_theta, e_phi) and omega = 2 pi f. Undamped, det K' = det K - omega^2
    vanishes at the Smit–Beljers frequency. Arguments as :func:`driven_response`.
    """
    b, m0 = _at_equilibrium(magnet, field_tesla, m0)
    return _dynamic_matrix(
        magnet, b, m0, frequency_hz, k=k, k_azimuth_deg=k_azimuth_deg, thickness=thickness,
        exchange_stiffness=exchange_stiffness, alpha=alpha, alpha_g=alpha_g,
        damping_axis=damping_axis, alpha_hall=alpha_hall,
    )  # fmt: skip


def _dynamic_matrix(
    magnet,
    b,
    m0,
    frequency_hz,
    *,
    alpha=0.0,
    alpha_g=0.0,
    damping_axis=(0.0, 0.0, 1.0),
    alpha_hall=0.0,
    **spin_wave,
):
    """:func:`dynamic_matrix` at a checked field b (T) and equilibrium m0 (unit)."""
    kmat = _stiffness(magnet, b, m0, **spin_wave)
    dmat = _damping(m0, alpha, alpha_g, damping_axis)
    # sigma_H term of Eq. (16): m0 x ((P_z u) x z) = m0_z u for u perpendicular to m0
    hall = 1.0 - np.asarray(finite("alpha_hall", alpha_hall)) * m0[..., 2]
    if np.any(hall <= 0):
        raise ValueError(f"alpha_hall must satisfy |alpha_hall m0_z| < 1, got {alpha_hall!r}")
    omega = 2 * np.pi * np.asarray(finite("frequency_hz", frequency_hz), dtype=float)
    return kmat - 1j * omega[..., None, None] * (dmat + hall[..., None, None] * _R)


def susceptibility(
    magnet: FilmMagnet,
    field_tesla,
    m0,
    frequency_hz,
    *,
    k=0.0,
    k_azimuth_deg=0.0,
    thickness=None,
    exchange_stiffness=0.0,
    alpha=0.0,
    alpha_g=0.0,
    damping_axis=(0.0, 0.0, 1.0),
    alpha_hall=0.0,
) -> np.ndarray:
    """Transverse susceptibility chi = gamma (K - i omega (D + R))^{-1} in 1/T, (..., 2, 2).

    dm_a = chi_ab h_b for a transverse field h (T) e^{-i omega t}, in the frame
    (e_theta, e_phi) of m0 (module docstring). Arguments as :func:`driven_response`.
    """
    b, m0 = _at_equilibrium(magnet, field_tesla, m0)
    mat = _dynamic_matrix(
        magnet, b, m0, frequency_hz, k=k, k_azimuth_deg=k_azimuth_deg,
        thickness=thickness, exchange_stiffness=exchange_stiffness, alpha=alpha,
        alpha_g=alpha_g, damping_axis=damping_axis, alpha_hall=alpha_hall,
    )  # fmt: skip
    return magnet.gamma * _inverse(mat)


def driven_response(
    magnet: FilmMagnet,
    field_tesla,
    m0,
    frequency_hz,
    torque,
    *,
    k=0.0,
    k_azimuth_deg=0.0,
    thickness=None,
    exchange_stiffness=0.0,
    alpha=0.0,
    alpha_g=0.0,
    damping_axis=(0.0, 0.0, 1.0),
    alpha_hall=0.0,
) -> np.ndarray:
    """Complex amplitude dm (..., 3) of the linear response m = m0 + Re[dm e^{-i 2 pi f t}].

    Solves Eq. (*) of the module docstring: the engine's equation of motion linearised at m0.

    Parameters
    ----------
    magnet
        the film.
    field_tesla
        applied mu0 H (T), (3,) or (..., 3).
    m0
        the equilibrium at that field (:func:`~tisot.magnet.equilibrium`), (3,) or (..., 3);
        ValueError if m x H_eff does not vanish there.
    frequency_hz
        drive frequency f in Hz (any shape; broadcasts with the others).
    torque
        complex amplitude T (rad/s) of the external torque T e^{-i omega t} added to dm/dt,
        (3,) or (..., 3); its component along m0 is dropped. A transverse field h (T) is
        T = -gamma m0 x h; the paper's diffusive torque f m_z m x z is T = f m0_z m0 x z.
    k, k_azimuth_deg, thickness, exchange_stiffness
        in-plane wavevector (rad/m) and its azimuth from x (deg), film thickness (m) and
        exchange stiffness A (J/m) of a spin wave (module docstring); k = 0: uniform mode.
    alpha, alpha_g, damping_axis
        isotropic Gilbert damping alpha m x dm/dt, anisotropic alpha_g m x P_n dm/dt of
        Eq. (18) with P_n = 1 - n n^T, n = damping_axis (default z).
    alpha_hall
        the sigma_H term alpha_hall m x ((P_z dm/dt) x z) of Eq. (16) (the engine's
        ``alpha_hall``); linearised it rescales the precession, dm/dt (1 - alpha_hall m0_z),
        and does no work. |alpha_hall m0_z| < 1.

    Returns
    -------
    numpy.ndarray
        complex (..., 3), perpendicular to m0 (dimensionless: a fraction of Ms).
    """
    b, m0 = _at_equilibrium(magnet, field_tesla, m0)
    return _driven(
        magnet, b, m0, frequency_hz, torque, k=k, k_azimuth_deg=k_azimuth_deg,
        thickness=thickness, exchange_stiffness=exchange_stiffness, alpha=alpha,
        alpha_g=alpha_g, damping_axis=damping_axis, alpha_hall=alpha_hall,
    )  # fmt: skip


def _driven(magnet, b, m0, frequency_hz, torque, **options) -> np.ndarray:
    """:func:`driven_response` at a checked field b (T) and equilibrium m0 (unit)."""
    mat = _dynamic_matrix(magnet, b, m0, frequency_hz, **options)
    t = np.asarray(finite("torque", torque))
    if t.shape[-1:] != (3,):
        raise ValueError(f"torque must have shape (3,) or (..., 3), got {t.shape}")
    e = _frame(m0)
    rhs = _project(e, np.cross(m0, t))  # (m0 x T)_perp
    x = np.einsum("...ab,...b->...a", _inverse(mat), rhs)
    return np.einsum("...ia,...a->...i", e, x)


def absorbed_power_density(
    magnet: FilmMagnet,
    field_tesla,
    m0,
    frequency_hz,
    torque,
    **options,
) -> np.ndarray:
    """Time-averaged power the drive pumps into the film, W/m^3, (...).

    P = (Ms / gamma) <dm/dt . (m0 x T)> = -(Ms omega / 2 gamma) Im[dm* . (m0 x T)]; equal to
    the damping's dissipation in steady state (module docstring). ``options`` as
    :func:`driven_response`.
    """
    b, m0 = _at_equilibrium(magnet, field_tesla, m0)
    dm = _driven(magnet, b, m0, frequency_hz, torque, **options)
    t = np.asarray(torque)
    omega = 2 * np.pi * np.asarray(frequency_hz, dtype=float)
    overlap = np.sum(np.conj(dm) * np.cross(m0, t), axis=-1)
    return -(magnet.ms * omega / (2 * magnet.gamma)) * overlap.imag
