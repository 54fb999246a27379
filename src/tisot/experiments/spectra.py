r"""What the instrument records: field- and frequency-swept spectra of a device, in linear response.

The equilibrium m0(H) of the film is uniform (:func:`tisot.magnet.equilibrium`), so each gate
harmonic n (in-plane wavevector k_n) drives the spin wave at k_n on its own. With the drive of
:meth:`tisot.device.Device.drive` linearised at m0 (Eqs. 3, 4, 18),

.. math::  T_n = f_n\, m_{0z} (m_0 \times \hat z) + m_0 \times b_n ,\qquad
           \delta m_n = \chi(k_n, \omega)\, T_n

(:func:`tisot.magnet.driven_response`: the linearised LLG of Eq. 18 with the film's static and
dynamic dipolar field at k_n, exchange, the intrinsic damping ``fm.damping`` and the anisotropic
alpha_G of the TI). Then m(x, t) = m0 + Re sum_n dm_n e^{i k_n x - i omega t}. A VNA or cavity
drives the uniform mode instead: T = gamma h x m0 (Eq. 2) for a uniform rf field h e^{-i w t}.

Observables (per point; film averages, cross terms between harmonics average out over a period):

================  ==========  ===================================================================
name              unit        definition (see docs/instrument.md for the derivations)
================  ==========  ===================================================================
``power``         W m-2       absorbed power per film area, (M_s d / gamma) (omega/2)
                              Im sum_n b_n^eff . dm_n^*, with b^eff = T x m0 (T = m0 x b^eff)
``dpdh``          W m-2 mT-1  d power / d mu0 H along the field (field-modulated lock-in FMR)
``chi_re/chi_im`` 1           uniform-mode susceptibility chi = mu0 M_s (h^ . dm) / |h| along the
                              rf field direction h^ (absorption: chi_im > 0)
``s21_db``        dB          20 log10 |S21| of a coplanar waveguide loaded by the film:
                              S21 = 1 / (1 - i omega dL / 2 Z0), dL = mu0 chi l d / (4 w)
``mixing_voltage``  V         rectified (dc) Hall voltage of the TI surface across a strip of
                              width W: -W (sigma^-1 j_dc)_y, j_dc = (1/2) Re sum_n dsigma_n E_n^*
``mixing_voltage_xx`` V       the same, longitudinal, over the length l of the strip
``mz_shift``      1           <m_z> - m0_z = -m0_z <|dm|^2> / 2 (the cone's contraction, MOKE dc)
``cone_deg``      degree      rms precession cone angle sqrt(<|dm|^2>)
``moke``          1           spot-averaged first-harmonic dm_z in phase with the drive (k = 0
                              parts only: a probe wider than the gate period averages k != 0 out)
================  ==========  ===================================================================

Each observable but ``mz_shift`` and ``cone_deg`` is the real part of a phasor (kept as
``<name>_phasor``); a detection phase phi reads Re[e^{-i phi} phasor].

Inhomogeneous broadening (``fm.inhomogeneous_broadening_mt``, Gamma): a Lorentzian distribution
(HWHM Gamma) of a local field delta *along m0*. Such a field exerts no static torque, so m0 and
the drive stay put and only the linear operator changes (the stiffness gains gamma delta). Every
linear observable is analytic in delta in the lower half plane (the damped poles lie in the upper
one), so its Lorentzian average is, by the residue at -i Gamma, its value at delta = -i Gamma:
exactly the response with an extra isotropic Gilbert damping gamma Gamma / omega. The quadratic
ones (``mz_shift``, ``cone_deg``) are averaged exactly by residues (:func:`_lorentzian_mean_square`).
For a field along m0 (in-plane, normal) Gamma is the HWHM of the distribution of local resonance
fields, i.e. mu0 dH0 of the linewidth law dH = dH0 + alpha omega / gamma.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import xarray as xr

from ..magnet import MU0, driven_response, equilibrium, field_vector, relax

#: observables and (units, long name)
OBSERVABLES: dict[str, tuple[str, str]] = {
    "power": ("W m-2", "absorbed power per film area"),
    "dpdh": ("W m-2 mT-1", "field derivative of the absorbed power dP/d(mu0 H)"),
    "chi_re": ("1", "uniform-mode susceptibility, real part"),
    "chi_im": ("1", "uniform-mode susceptibility, imaginary (absorptive) part"),
    "s21_db": ("dB", "waveguide transmission 20 log10 |S21|"),
    "mixing_voltage": ("V", "rectified Hall voltage of the TI surface"),
    "mixing_voltage_xx": ("V", "rectified longitudinal voltage of the TI surface"),
    "mz_shift": ("1", "time-averaged change of m_z, <m_z> - m0_z"),
    "cone_deg": ("degree", "rms precession cone angle"),
    "moke": ("1", "spot-averaged first-harmonic dm_z in phase with the drive"),
}
#: rms cone angle (degrees) beyond which the linear response warns (its error grows as theta^2)
LINEAR_LIMIT_DEG = 10.0
#: observables that are the real part of a phasor (a detection phase applies)
PHASORS = ("power", "dpdh", "mixing_voltage", "mixing_voltage_xx", "moke", "chi_re", "chi_im")


@dataclass(frozen=True, kw_only=True)
class Probe:
    """How the spectrum is excited and detected (instrument settings, not device keys).

    Parameters
    ----------
    drive
        ``"gate"``: the device's grated gate (its torques, Eqs. 3, 4); ``"rf"``: a uniform rf field
        (VNA, cavity) of amplitude ``rf_field_ut`` along ``rf_azimuth_deg`` in the film plane.
    diffusive, fieldlike
        keep the diffusive (Eq. 4) and the fieldlike (Eq. 3) torque of the gate drive.
    rf_field_ut
        mu0 h of the uniform rf field in microtesla (linear response: a scale).
    rf_azimuth_deg
        in-plane direction of h from x (the grating wavevector), degrees; 90: along y.
    waveguide_width_um, sample_length_mm, impedance_ohm
        signal-line width w, film length l along the line and line impedance Z0 of the S21 model.
    strip_width_um, strip_length_um
        width W (across, y) and length l (along x) of the TI strip whose dc voltages are read.
    derivative_step_mt
        central-difference step of dP/dH in mT.
    """

    drive: str = "gate"
    diffusive: bool = True
    fieldlike: bool = True
    rf_field_ut: float = 1.0
    rf_azimuth_deg: float = 90.0
    waveguide_width_um: float = 50.0
    sample_length_mm: float = 1.0
    impedance_ohm: float = 50.0
    strip_width_um: float = 10.0
    strip_length_um: float = 10.0
    derivative_step_mt: float = 0.01

    def __post_init__(self) -> None:
        if self.drive not in ("gate", "rf"):
            raise ValueError(f"probe drive must be 'gate' or 'rf', got {self.drive!r}")
        for name in (
            "rf_field_ut", "waveguide_width_um", "sample_length_mm", "impedance_ohm",
            "strip_width_um", "strip_length_um", "derivative_step_mt",
        ):  # fmt: skip
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"probe {name} must be a finite number > 0, got {value!r}")
        if not (
            isinstance(self.rf_azimuth_deg, int | float) and math.isfinite(self.rf_azimuth_deg)
        ):
            raise ValueError(
                f"probe rf_azimuth_deg must be a finite angle, got {self.rf_azimuth_deg!r}"
            )

    @property
    def rf_direction(self) -> np.ndarray:
        a = math.radians(self.rf_azimuth_deg)
        return np.array([math.cos(a), math.sin(a), 0.0])


# --------------------------------------------------------------------------- one field point
def _conductivity(model) -> np.ndarray:
    """Sheet conductivity [[s0, sH], [-sH, s0]] in S (Eq. 9; j_x = s0 E_x + sH E_y)."""
    from ..constants import CONDUCTANCE_QUANTUM

    s0, sh = model.sigma0, model.sigma_hall
    return CONDUCTANCE_QUANTUM * np.array([[s0, sh], [-sh, s0]])


#: m_z step of the central difference d sigma / d m_z
_DMZ = 1e-5


def _dsigma_dmz(device, m0: np.ndarray) -> np.ndarray:
    """d sigma / d m_z at m0 by a central difference of the device's surface (Eq. 9 through
    Delta_z = Delta_sd m_z; in-plane m only shifts the Dirac cone, so no planar Hall term)."""
    mz = float(m0[2])

    def at(z):
        return _conductivity(device.surface_model((math.sqrt(max(0.0, 1 - z * z)), 0.0, z)))

    if abs(mz) + _DMZ < 1:
        return (at(mz + _DMZ) - at(mz - _DMZ)) / (2 * _DMZ)
    # at the pole (|m_z| -> 1) a one-sided, second-order difference stepping inward
    h = -math.copysign(_DMZ, mz)
    return (-3 * at(mz) + 4 * at(mz + h) - at(mz + 2 * h)) / (2 * h)


#: device keys the drive does not depend on (a fit varying only them reuses the drives)
_NOT_IN_DRIVE = {"fm": ("damping", "inhomogeneous_broadening_mt")}
_PARTS: dict[tuple, dict[str, Any]] = {}
_CACHE_SIZE = 8192
#: Chebyshev nodes in m_z over a sweep: the drive depends on m only through m_z (Delta_z =
#: Delta_sd m_z, Eq. 1: in-plane m is a gauge), smoothly, so a sweep computes it at these nodes
#: and interpolates (barycentric); a sweep with no more distinct m_z than this is computed exactly
MZ_NODES = 16


def _drive_key(device) -> tuple:
    return tuple(
        (
            sec,
            tuple((k, v) for k, v in sorted(table.items()) if k not in _NOT_IN_DRIVE.get(sec, ())),
        )
        for sec, table in sorted(device.to_dict().items())
    )


def _surface_parts(device, mz: float, gate: bool, need_mixing: bool, key=None) -> dict[str, Any]:
    """What the drive of the gate at m_z is (Eqs. 3, 4, 9, 16), cached on (device, m_z)."""
    full = None if key is None else (key, mz, gate, need_mixing)
    if full is not None and full in _PARTS:
        return _PARTS[full]
    m = np.array([math.sqrt(max(0.0, 1.0 - mz * mz)), 0.0, mz])
    out: dict[str, Any] = {"alpha_g": np.asarray(device.alpha_g(m))}
    if gate:
        d = device.drive(m)
        sigma = _conductivity(device.surface_model(m))
        kv = np.asarray(d.wavevectors, dtype=float)
        out |= {
            "f": np.asarray(d.f, dtype=complex),
            "b": np.asarray(d.b, dtype=complex),
            "e_ec": np.linalg.solve(sigma, np.asarray(d.current, dtype=complex).T).T,
            "sigma": sigma,
            "dsigma": _dsigma_dmz(device, m) if need_mixing else np.zeros((2, 2)),
            "k": np.hypot(kv[:, 0], kv[:, 1]),
            "k_azimuth_deg": np.degrees(np.arctan2(kv[:, 1], kv[:, 0])),
        }
    if full is not None:
        if len(_PARTS) >= _CACHE_SIZE:
            _PARTS.pop(next(iter(_PARTS)))
        _PARTS[full] = out
    return out


def _parts_along(device, mzs: np.ndarray, gate: bool, need_mixing: bool, key=None) -> dict:
    """:func:`_surface_parts` at every m_z of a sweep, stacked (P, ...): exact at up to
    :data:`MZ_NODES` distinct values, else barycentric interpolation between Chebyshev nodes
    (second kind) of the sweep's m_z range."""
    unique, inverse = np.unique(mzs, return_inverse=True)
    if unique.size <= MZ_NODES:
        at = [_surface_parts(device, float(z), gate, need_mixing, key) for z in unique]
        return {n: np.stack([p[n] for p in at])[inverse] for n in at[0]}
    lo, hi = float(unique[0]), float(unique[-1])
    j = np.arange(MZ_NODES)
    nodes = 0.5 * (lo + hi) + 0.5 * (hi - lo) * np.cos(np.pi * j / (MZ_NODES - 1))
    nodes[0], nodes[-1] = hi, lo  # exact ends
    weights = (-1.0) ** j
    weights[[0, -1]] *= 0.5
    at = [_surface_parts(device, float(z), gate, need_mixing, key) for z in nodes]
    diff = mzs[:, None] - nodes[None, :]
    exact = diff == 0
    diff[exact] = 1.0
    c = weights / diff
    on_node = exact.any(axis=1)
    c[on_node] = exact[on_node]  # on a node: that node's value
    c /= c.sum(axis=1, keepdims=True)  # (P, nodes) interpolation matrix
    out = {}
    for n in at[0]:  # c @ values; einsum's plain loop: BLAS threads cost more at these sizes
        v = np.stack([p[n] for p in at])
        out[n] = np.einsum("pj,jq->pq", c, v.reshape(len(at), -1)).reshape(len(mzs), *v.shape[1:])
    for name in ("k", "k_azimuth_deg"):  # the geometry does not depend on m_z
        if name in out:
            out[name] = np.broadcast_to(at[0][name], out[name].shape).copy()
    return out


def _assemble(magnet, m0: np.ndarray, parts: dict, probe: Probe) -> dict[str, np.ndarray]:
    """The stacked drive of P points (m0 (P, 3)) from the m_z-dependent ``parts``: the torques
    of Eq. (4) linearised at m0 and Eq. (3), and the uniform rf torque gamma h x m0 (Eq. 2)."""
    P = len(m0)
    z = np.array([0.0, 0.0, 1.0])
    rf = magnet.gamma * np.cross(probe.rf_direction, m0) + 0j  # per tesla
    st = {"m0": m0, "rf": rf, "alpha_g": np.asarray(parts["alpha_g"], dtype=float).reshape(P)}
    if probe.drive == "rf":
        return st | {
            "torque": rf[:, None, :] * probe.rf_field_ut * 1e-6,
            "k": np.zeros((P, 1)), "k_azimuth_deg": np.zeros((P, 1)),
            "e_ec": np.zeros((P, 1, 2), dtype=complex), "dsigma": np.zeros((P, 2, 2)),
            "sigma": np.broadcast_to(np.eye(2), (P, 2, 2)).copy(),
        }  # fmt: skip
    f, b = parts["f"], parts["b"]
    T = np.zeros(b.shape, dtype=complex)
    if probe.diffusive:
        T += f[..., None] * (m0[:, 2, None] * np.cross(m0, z))[:, None, :]  # Eq. (4) at m0
    if probe.fieldlike:
        T += np.cross(m0[:, None, :], b)  # Eq. (3)
    return (
        st
        | {"torque": T}
        | {n: parts[n] for n in ("k", "k_azimuth_deg", "e_ec", "dsigma", "sigma")}
    )


def _make_drive(device, m0: np.ndarray, probe: Probe, *, need_mixing: bool) -> dict:
    """The stacked drive (P = 1) at one equilibrium m0, computed directly."""
    parts = _surface_parts(device, float(m0[2]), probe.drive == "gate", need_mixing)
    one = {n: np.asarray(v)[None] for n, v in parts.items()}
    return _assemble(device.magnet, np.asarray(m0, dtype=float)[None], one, probe)


def _respond(magnet, fm, st, b, freq_hz, torque, k, az, *, broadening=0.0, local=None):
    """dm (P, ..., 3) for torques (P, ..., 3) at P points (:func:`tisot.magnet.driven_response`).

    ``broadening`` Gamma (T): the Lorentzian average over a local field along m0, i.e. the
    response at the complex local field -i Gamma m0. That adds -i gamma Gamma to the stiffness,
    which is exactly an extra isotropic damping gamma Gamma / omega (module docstring).
    ``local`` (T, real, (P, ...)): a local field along m0 (m0 stays an equilibrium).
    """
    shape = torque.shape[:-1]
    extra = (1,) * (len(shape) - 1)
    m0 = np.broadcast_to(st["m0"].reshape(-1, *extra, 3), (*shape, 3))
    field = np.broadcast_to(b.reshape(-1, *extra, 3), (*shape, 3))
    if local is not None:
        field = field + np.asarray(local)[..., None] * m0
    freq = np.broadcast_to(freq_hz.reshape(-1, *extra), shape)
    alpha = fm.damping + magnet.gamma * broadening / (2 * math.pi * freq)
    alpha_g = np.broadcast_to(st["alpha_g"].reshape(-1, *extra), shape)
    return driven_response(
        magnet, field, m0, freq, torque, k=np.broadcast_to(k, shape),
        k_azimuth_deg=np.broadcast_to(az, shape), thickness=fm.thickness,
        exchange_stiffness=fm.exchange_stiffness, alpha=alpha, alpha_g=alpha_g,
        damping_axis=(0.0, 0.0, 1.0),
    )  # fmt: skip


def _observables(magnet, fm, st, b, freq_hz, probe: Probe, wanted) -> dict[str, np.ndarray]:
    """Phasors of the linear observables and the quadratic ones at P points (module docstring).

    ``magnet``: the :class:`tisot.magnet.FilmMagnet`; ``fm``: the device's ``[fm]`` part (damping,
    inhomogeneous_broadening_mt, thickness in m, exchange_stiffness in J/m); ``st``: the stacked
    drives (:func:`_assemble`); ``b`` (P, 3) fields in T; ``freq_hz`` (P,).
    """
    omega = 2 * math.pi * freq_hz
    gamma_w = fm.inhomogeneous_broadening_mt * 1e-3  # T
    scale = magnet.ms * fm.thickness / magnet.gamma  # P/A = p M_s d / gamma
    out: dict[str, np.ndarray] = {}
    T = st["torque"]  # (P, N, 3)
    dm = _respond(magnet, fm, st, b, freq_hz, T, st["k"], st["k_azimuth_deg"], broadening=gamma_w)
    beff = np.cross(T, st["m0"][:, None, :])  # T = m0 x b_eff
    out["power"] = -0.5j * omega * scale * np.sum(beff * np.conj(dm), axis=(-1, -2))
    out["_cone_max_deg"] = np.degrees(np.sqrt(np.max(0.5 * np.sum(np.abs(dm) ** 2, axis=(-1, -2)))))
    if {"chi_re", "chi_im", "s21_db"} & wanted:
        zeros = np.zeros(len(freq_hz))
        dm_rf = _respond(magnet, fm, st, b, freq_hz, st["rf"], zeros, zeros, broadening=gamma_w)
        chi = MU0 * magnet.ms * (dm_rf @ probe.rf_direction)
        out["chi"] = chi
        dl = (
            MU0
            * chi
            * probe.sample_length_mm
            * 1e-3
            * fm.thickness
            / (4 * probe.waveguide_width_um * 1e-6)
        )  # inductance of the film under the line
        out["s21"] = 1.0 / (1.0 - 1j * omega * dl / (2 * probe.impedance_ohm))
    if {"mixing_voltage", "mixing_voltage_xx"} & wanted:
        if probe.drive == "gate":
            # j_dc = (1/2) sum_n (d sigma / d m_z) dm_nz E_n^*
            j_dc = 0.5 * np.einsum("pij,pn,pnj->pi", st["dsigma"], dm[..., 2], np.conj(st["e_ec"]))
            e_dc = -np.linalg.solve(st["sigma"], j_dc[..., None])[..., 0]  # open circuit
            out["mixing_voltage"] = e_dc[:, 1] * probe.strip_width_um * 1e-6
            out["mixing_voltage_xx"] = e_dc[:, 0] * probe.strip_length_um * 1e-6
        else:  # no current flows in the TI under a uniform rf field
            out["mixing_voltage"] = out["mixing_voltage_xx"] = np.full(len(freq_hz), np.nan + 0j)
    if "moke" in wanted:
        out["moke"] = np.sum(np.where(st["k"] == 0, dm[..., 2], 0.0), axis=-1)
    if {"mz_shift", "cone_deg"} & wanted:
        if gamma_w > 0:
            sq = 0.5 * np.sum(_lorentzian_mean_square(magnet, fm, st, b, freq_hz, gamma_w), axis=-1)
        else:
            sq = 0.5 * np.sum(np.abs(dm) ** 2, axis=(-1, -2))  # <|dm|^2>_{x, t}
        out["mz_shift"] = -st["m0"][:, 2] * sq / 2
        out["cone_deg"] = np.degrees(np.sqrt(sq))
    return out


def _lorentzian_mean_square(magnet, fm, st, b, freq_hz, gamma_w) -> np.ndarray:
    r"""<|dm_n|^2> averaged over a Lorentzian (HWHM Gamma) of the local field delta along m0,
    exactly, (P, N).

    In the transverse frame of m0 the response is x(delta) = (K' + gamma delta)^{-1} R T_perp
    (:func:`tisot.magnet.dynamic_matrix`, Eq. *: K' = K - i omega (D + R); a field delta m0
    adds gamma delta to the stiffness), so x = sum_i c_i / (delta - delta_i) with
    delta_i = -lambda_i / gamma from the eigenvalues lambda_i of K' (all in the upper half plane: damped). The
    average of x(delta) . conj x(delta) then follows from the residues in the upper half plane:

    .. math:: \langle |x|^2 \rangle = x(i\Gamma)\cdot\overline{x(-i\Gamma)}
              + \sum_{ij} c_i\cdot\bar c_j \frac{2 i \Gamma}{(\delta_i^2 + \Gamma^2)
              (\delta_i - \bar\delta_j)}.
    """
    from ..magnet import dynamic_matrix, local_frame

    T = st["torque"]
    shape = T.shape[:-1]
    m0 = np.broadcast_to(st["m0"][:, None, :], (*shape, 3))
    field = np.broadcast_to(b[:, None, :], (*shape, 3))
    kp = dynamic_matrix(
        magnet, field, m0, freq_hz[:, None], k=st["k"], k_azimuth_deg=st["k_azimuth_deg"],
        thickness=fm.thickness, exchange_stiffness=fm.exchange_stiffness, alpha=fm.damping,
        alpha_g=st["alpha_g"][:, None], damping_axis=(0.0, 0.0, 1.0),
    )  # fmt: skip
    e = np.stack(local_frame(m0), axis=-1)  # (P, N, 3, 2)
    rhs = np.einsum("...ia,...i->...a", e, np.cross(m0, T))[..., None]  # (m0 x T)_perp
    lam, V = np.linalg.eig(kp)
    coef = np.linalg.solve(V, rhs)[..., 0]  # (P, N, 2)
    c = V * coef[..., None, :] / magnet.gamma  # columns c_i
    poles = -lam / magnet.gamma  # (P, N, 2)
    g = gamma_w

    def x_at(z):
        return np.sum(c / (z - poles[..., None, :]), axis=-1)

    out = np.sum(x_at(1j * g) * np.conj(x_at(-1j * g)), axis=-1)
    cc = np.einsum("...ai,...aj->...ij", c, np.conj(c))
    weight = (
        2j
        * g
        / ((poles**2 + g * g)[..., :, None] * (poles[..., :, None] - np.conj(poles)[..., None, :]))
    )
    return np.real(out + np.sum(cc * weight, axis=(-1, -2)))


# --------------------------------------------------------------------------- spectra
class _EquilibriumCache:
    """Equilibria along a sweep, cached across calls (a fit that changes only the damping or
    the torques reuses them). The first point is the global minimum
    (:func:`tisot.magnet.equilibrium`); later points follow its branch (:func:`tisot.magnet.relax`
    from the previous m), as a swept field does in the lab."""

    def __init__(self, size: int = 8192) -> None:
        self._store: dict[tuple, np.ndarray] = {}
        self._size = size

    def __call__(self, magnet, b: np.ndarray, m_prev) -> np.ndarray:
        key = (magnet, tuple(b), None if m_prev is None else tuple(m_prev))
        m = self._store.get(key)
        if m is None:
            if m_prev is None:
                m = np.asarray(equilibrium(magnet, b).m, dtype=float)
            else:
                m = np.asarray(relax(magnet, b, m_prev), dtype=float)
            if len(self._store) >= self._size:
                self._store.pop(next(iter(self._store)))
            self._store[key] = m
        return m


_EQUILIBRIA = _EquilibriumCache()


def _sweep_axes(device, field_mt, frequency_ghz):
    env = device.environment
    fields = np.atleast_1d(np.asarray(env.field_mt if field_mt is None else field_mt, float))
    freqs = np.atleast_1d(
        np.asarray(device.gate.frequency_ghz if frequency_ghz is None else frequency_ghz, float)
    )
    if fields.ndim != 1 or freqs.ndim != 1 or (fields.size > 1 and freqs.size > 1):
        raise ValueError(
            "spectrum sweeps one axis: give field_mt as an array and frequency_ghz as a number, "
            "or the other way round"
        )
    for name, arr, low in (("field_mt", fields, 0.0), ("frequency_ghz", freqs, 0.0)):
        if (
            not np.all(np.isfinite(arr))
            or np.any(arr < low)
            or (name == "frequency_ghz" and np.any(arr <= 0))
        ):
            raise ValueError(f"{name} must be finite and positive, got {arr!r}")
    return fields, freqs


def spectrum(
    device,
    *,
    field_mt=None,
    frequency_ghz=None,
    probe: Probe | None = None,
    observables=None,
    progress: bool = False,
) -> xr.Dataset:
    """Linear-response spectrum of ``device`` against the field magnitude or the frequency.

    Parameters
    ----------
    device
        a :class:`tisot.device.Device`; the field direction (``environment.field_theta_deg``,
        ``field_phi_deg``) and everything else come from it.
    field_mt
        mu0 H in mT: an array to sweep, or a number (default ``environment.field_mt``).
    frequency_ghz
        drive frequency in GHz: an array to sweep, or a number (default ``gate.frequency_ghz``).
    probe
        excitation and detection (:class:`Probe`; default the gate drive).
    observables
        names from :data:`OBSERVABLES` (default all).
    progress
        show a progress bar.

    Returns
    -------
    xarray.Dataset on ``field_mt`` or ``frequency_ghz`` with the observables (units, long_name),
    the phasors ``<name>_phasor`` of the linear ones, ``m0`` (the equilibrium, on ``component``)
    and the device in the attributes.
    """
    probe = probe or Probe()
    wanted = set(OBSERVABLES) if observables is None else set(observables)
    unknown = wanted - set(OBSERVABLES)
    if unknown:
        raise ValueError(
            f"unknown observable(s) {sorted(unknown)}; choose from {', '.join(OBSERVABLES)}"
        )
    fields, freqs = _sweep_axes(device, field_mt, frequency_ghz)
    dim = "frequency_ghz" if freqs.size > 1 else "field_mt"
    n = max(fields.size, freqs.size)
    fields = np.broadcast_to(fields, (n,))
    freqs = np.broadcast_to(freqs, (n,))
    env = device.environment
    magnet = device.magnet
    need_mixing = bool({"mixing_voltage", "mixing_voltage_xx"} & wanted)
    devices, keys = {}, {}
    for f_ghz in np.unique(freqs):
        devices[f_ghz] = device.with_values({"gate.frequency_ghz": float(f_ghz)})
        keys[f_ghz] = _drive_key(devices[f_ghz])
    h = probe.derivative_step_mt
    offsets = (0.0, h, -h) if "dpdh" in wanted else (0.0,)
    from rich.progress import track

    m_prev = None
    m0s = np.zeros((n, 3))
    points: list[tuple[np.ndarray, np.ndarray, float]] = []  # (m0, b, f_ghz)
    steps = track(range(n), description="spectrum", transient=True) if progress else range(n)
    for i in steps:
        if i > 0 and fields[i] == fields[i - 1]:
            # m0 does not depend on the drive frequency: one relaxation per field, reused
            m0s[i] = m0s[i - 1]
            points += [(m0, b, float(freqs[i])) for m0, b, _ in points[-len(offsets) :]]
            continue
        for j, off in enumerate(offsets):
            b_mt = max(fields[i] + off, 0.0)
            b = field_vector(b_mt * 1e-3, env.field_theta_deg, env.field_phi_deg)
            m0 = _EQUILIBRIA(magnet, b, m_prev if j == 0 else m0s[i])
            if j == 0:
                m0s[i] = m0
            points.append((m0, b, float(freqs[i])))
        m_prev = m0s[i]
    m_all = np.array([p[0] for p in points])
    st: dict[str, np.ndarray] = {}
    for f_ghz in devices:
        idx = np.array([i for i, p in enumerate(points) if p[2] == f_ghz])
        parts = _parts_along(devices[f_ghz], m_all[idx, 2], probe.drive == "gate", need_mixing,
                             keys[f_ghz])  # fmt: skip
        one = _assemble(magnet, m_all[idx], parts, probe)
        for name, v in one.items():
            if name not in st:
                st[name] = np.zeros((len(points), *v.shape[1:]), dtype=v.dtype)
            st[name][idx] = v
    b_all = [p[1] for p in points]
    f_all = [p[2] * 1e9 for p in points]
    obs = _observables(magnet, device.fm, st, np.array(b_all), np.array(f_all), probe, wanted)
    cone = float(obs.pop("_cone_max_deg"))
    if cone > LINEAR_LIMIT_DEG:
        import warnings

        from ..model import RegimeWarning

        warnings.warn(
            f"the precession cone reaches {cone:.3g} deg (> {LINEAR_LIMIT_DEG} deg): linear "
            "response is no longer accurate; lower the drive (gate.voltage_v, rf_field_ut) or "
            "integrate Eq. (18) in time (tisot sweep, device/film jobs)",
            RegimeWarning,
            stacklevel=2,
        )
    k = len(offsets)
    rows = {name: v[::k] for name, v in obs.items()}
    if "dpdh" in wanted:
        b_up = np.maximum(fields + h, 0.0)
        b_dn = np.maximum(fields - h, 0.0)
        rows["dpdh"] = (obs["power"][1::k] - obs["power"][2::k]) / (b_up - b_dn)
    return _dataset(device, dim, fields if dim == "field_mt" else freqs, rows, m0s, wanted,
                    fields, freqs, probe)  # fmt: skip


def _dataset(device, dim, coord, rows, m0s, wanted, fields, freqs, probe) -> xr.Dataset:
    def col(key):
        return np.asarray(rows[key])

    data: dict[str, Any] = {}
    for name in OBSERVABLES:
        if name not in wanted:
            continue
        units, long_name = OBSERVABLES[name]
        if name in ("chi_re", "chi_im"):
            chi = col("chi")
            values = chi.real if name == "chi_re" else chi.imag
            data[name] = (dim, values, {"units": units, "long_name": long_name})
            data[name + "_phasor"] = (dim, chi if name == "chi_re" else -1j * chi,
                                      {"units": units, "long_name": long_name + " (phasor)"})  # fmt: skip
            continue
        if name == "s21_db":
            values = 20 * np.log10(np.abs(col("s21")))
        else:
            values = col(name)
        if name in PHASORS:
            data[name + "_phasor"] = (
                dim,
                values,
                {"units": units, "long_name": f"{long_name} (phasor)"},
            )
            values = np.real(values)
        data[name] = (
            dim,
            np.asarray(values, dtype=float),
            {"units": units, "long_name": long_name},
        )
    coord_attrs = (
        {"units": "mT", "long_name": "applied field mu0 H"}
        if dim == "field_mt"
        else {"units": "GHz", "long_name": "drive frequency f"}
    )
    ds = xr.Dataset(
        data,
        coords={
            dim: (dim, np.array(coord), coord_attrs),
            "component": ("component", ["x", "y", "z"], {"long_name": "lab axis"}),
        },
    )
    ds["m0"] = ((dim, "component"), m0s, {"units": "1", "long_name": "equilibrium magnetization"})
    if dim == "field_mt":
        ds.attrs["frequency_ghz"] = float(freqs[0])
    else:
        ds.attrs["field_mt"] = float(fields[0])
    ds.attrs.update(device.as_attrs())
    ds.attrs["probe"] = repr(probe)
    ds.attrs["title"] = "linear-response spectrum (tisot.experiments.spectra)"
    return ds


def uniform_drive(magnet, field_tesla, frequency_ghz, torque, *, damping: float = 0.0,
                  alpha_g: float = 0.0, thickness_nm: float = 1.0, broadening_mt: float = 0.0,
                  observables=("power", "moke", "cone_deg", "mz_shift", "chi_re")) -> dict:  # fmt: skip
    """The observables' phasors for a film driven uniformly (k = 0) by a given torque.

    ``field_tesla`` (P, 3) applied fields; ``torque`` (3,), (P, 3) or a function m0 -> (3,) torque
    (rad/s, complex amplitude of T e^{-i omega t}); the equilibrium at each field is the global
    minimum. Returns ``{name: (P,) phasor}`` and ``m0`` (P, 3). A building block for analytic
    checks (a purely damping-like or fieldlike drive of a macrospin).
    """
    from types import SimpleNamespace

    b = np.atleast_2d(np.asarray(field_tesla, dtype=float))
    m0 = np.array([equilibrium(magnet, bi).m for bi in b])
    if callable(torque):
        T = np.array([torque(m) for m in m0], dtype=complex)
    else:
        T = np.broadcast_to(np.asarray(torque, dtype=complex), b.shape)
    P = len(b)
    probe = Probe(drive="rf", rf_azimuth_deg=90.0)
    st = {
        "m0": m0,
        "torque": T[:, None, :],
        "k": np.zeros((P, 1)),
        "k_azimuth_deg": np.zeros((P, 1)),
        "alpha_g": np.full(P, float(alpha_g)),
        "rf": magnet.gamma * np.cross(probe.rf_direction, m0) + 0j,
    }
    fm = SimpleNamespace(damping=damping, inhomogeneous_broadening_mt=broadening_mt,
                         thickness=thickness_nm * 1e-9, exchange_stiffness=0.0)  # fmt: skip
    freq = np.full(P, frequency_ghz * 1e9)
    out = _observables(magnet, fm, st, b, freq, probe, set(observables))
    out.pop("_cone_max_deg")
    out["m0"] = m0
    return out


def signal(ds: xr.Dataset, observable: str = "power", *, phase_deg: float = 0.0) -> np.ndarray:
    """The observable read at a detection phase: Re[e^{-i phi} phasor] (phi = 0: ``ds[name]``)."""
    if observable not in OBSERVABLES:
        raise ValueError(f"unknown observable {observable!r}; choose from {', '.join(OBSERVABLES)}")
    if phase_deg == 0.0:
        return np.asarray(ds[observable], dtype=float)
    key = observable + "_phasor"
    if key not in ds:
        raise ValueError(
            f"observable {observable!r} has no phase (it is quadratic in dm); fit it without "
            "phase_deg"
        )
    return np.real(np.exp(-1j * math.radians(phase_deg)) * np.asarray(ds[key]))


# --------------------------------------------------------------------------- lineshape
@dataclass(frozen=True)
class Lineshape:
    """Symmetric and antisymmetric Lorentzian parts of a line (values and standard errors).

    y = S L_sym + A L_asym + offset, L_sym = W^2 / ((x - x0)^2 + W^2),
    L_asym = W (x - x0) / ((x - x0)^2 + W^2); W is the half width at half maximum.
    """

    symmetric: float
    antisymmetric: float
    centre: float
    width: float
    offset: float
    stderr: dict[str, float] = field(default_factory=dict)
    reduced_chi2: float = math.nan
    derivative: bool = False

    def as_dict(self) -> dict[str, float]:
        return {
            "symmetric": self.symmetric,
            "antisymmetric": self.antisymmetric,
            "centre": self.centre,
            "width": self.width,
            "offset": self.offset,
        }


def lorentzian_parts(x, centre, width):
    """(L_sym, L_asym) of :class:`Lineshape`."""
    d = np.asarray(x, dtype=float) - centre
    den = d * d + width * width
    return width * width / den, width * d / den


def _lineshape_model(derivative: bool):
    import lmfit

    def line(x, symmetric, antisymmetric, centre, width, offset):
        ls, la = lorentzian_parts(x, centre, width)
        if not derivative:
            return symmetric * ls + antisymmetric * la + offset
        d = x - centre  # d/dx of the two parts
        den = d * d + width * width
        dls = -2 * width * width * d / den**2
        dla = width * (width * width - d * d) / den**2
        return symmetric * dls + antisymmetric * dla + offset

    return lmfit.Model(line)


def lineshape(x, y, *, derivative: bool = False, weights=None) -> Lineshape:
    """Fit y(x) with S L_sym + A L_asym + offset (lmfit); ``derivative``: y is d/dx of that line
    (a field-modulated lock-in signal). Raises ValueError if the fit does not converge."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or x.size < 6:
        raise ValueError(
            f"lineshape needs matching 1-D x and y with >= 6 points, got {x.shape}, {y.shape}"
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("lineshape: x and y must be finite")
    model = _lineshape_model(derivative)
    span = float(x.max() - x.min())
    base = float(np.median(np.concatenate([y[:3], y[-3:]])))
    if derivative:
        i_max, i_min = int(np.argmax(y)), int(np.argmin(y))
        x0 = 0.5 * (x[i_max] + x[i_min])
        w0 = max(abs(x[i_max] - x[i_min]) * math.sqrt(3) / 2, span / x.size)
        amp = (y[i_max] - y[i_min]) * w0 / 1.299  # peak-to-peak of dL_sym/dx: 1.299 / W
        guess = {"symmetric": amp if x[i_max] < x[i_min] else -amp, "antisymmetric": 0.0}
    else:
        dev = y - base
        i = int(np.argmax(np.abs(dev)))
        x0 = float(x[i])
        half = np.abs(dev) >= 0.5 * abs(dev[i])
        w0 = max(0.5 * float(np.ptp(x[half])), span / x.size)
        guess = {"symmetric": float(dev[i]), "antisymmetric": 0.0}
    params = model.make_params(centre=x0, width=w0, offset=base, **guess)
    params["width"].set(min=0.0)
    best = None
    for a_guess in (0.0, guess["symmetric"], -guess["symmetric"]):
        params["antisymmetric"].set(value=a_guess)
        res = model.fit(y, params, x=x, weights=weights)
        if res.success and (best is None or res.chisqr < best.chisqr):
            best = res
    if best is None or not best.errorbars:
        raise ValueError(
            "lineshape fit did not converge (no error bars): check that the line lies inside "
            "the sweep and is resolved by several points"
        )
    p = best.params
    return Lineshape(
        symmetric=p["symmetric"].value,
        antisymmetric=p["antisymmetric"].value,
        centre=p["centre"].value,
        width=abs(p["width"].value),
        offset=p["offset"].value,
        stderr={k: float(p[k].stderr) for k in p},
        reduced_chi2=float(best.redchi),
        derivative=derivative,
    )


def decompose(ds: xr.Dataset, observable: str = "power", *, phase_deg: float = 0.0) -> Lineshape:
    """:func:`lineshape` of one observable of a :func:`spectrum` (``dpdh``: derivative form)."""
    dim = next(iter(ds[observable].dims))
    return lineshape(
        np.asarray(ds[dim]), signal(ds, observable, phase_deg=phase_deg),
        derivative=observable == "dpdh",
    )  # fmt: skip


def with_torques(probe: Probe, *, diffusive: bool, fieldlike: bool) -> Probe:
    """``probe`` with the diffusive and fieldlike torques switched on or off."""
    return replace(probe, diffusive=diffusive, fieldlike=fieldlike)


def plot_spectrum(ds: xr.Dataset, observable: str = "power", *, ax=None, label=None):
    """Draw one observable against the swept axis; returns the Axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.5))
    var = ds[observable]
    dim = var.dims[0]
    ax.plot(ds[dim], var, label=label)
    ax.set_xlabel(f"{ds[dim].attrs.get('long_name', dim)} ({ds[dim].attrs.get('units', '')})")
    ax.set_ylabel(f"{var.attrs.get('long_name', observable)} ({var.attrs.get('units', '')})")
    return ax
