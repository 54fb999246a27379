"""The engine against physics: Eq. (19), free precession, energy, the settled cone, symmetry."""

from __future__ import annotations

import numpy as np
import pytest

from tisot.dynamics import MacrospinBatch, eq19_m_h, simulate

CHI = np.pi / 4


def _rotate(v, axis, angle):
    """Rodrigues rotation of v about the unit axis by angle (right-handed)."""
    axis = np.asarray(axis, dtype=float)
    return (
        v * np.cos(angle)
        + np.cross(axis, v) * np.sin(angle)
        + axis * (axis @ v) * (1 - np.cos(angle))
    )


def test_eq19_error_falls_with_f0_over_omega0():
    """alpha_G = 0, omega = omega0: Eq. (19) over the first descent, error ~ f0/omega0."""
    f0s = np.array([0.1, 0.05, 0.025])
    errors = []
    for f0 in f0s:
        t = np.linspace(0, 8.0 / f0, 400)  # x = f0 t sin(2 chi)/4 up to 2: m_H down to 0.27
        ds = simulate(MacrospinBatch.from_angle(CHI, f0=f0, omega=1.0), None, t)
        errors.append(np.max(np.abs(ds.m_H.values[0] - eq19_m_h(t, f0, CHI))))
    errors = np.array(errors)
    assert errors[0] < 0.03
    slope = np.polyfit(np.log(f0s), np.log(errors), 1)[0]
    assert 0.7 < slope < 1.3, (errors, slope)


def test_first_descent_phase_locks_at_minus_pi_over_2():
    """App. C: m precesses about H with phi(t) = omega0 t - pi/2 while m_H descends."""
    t = np.linspace(20, 60, 41)
    ds = simulate(MacrospinBatch.from_angle(CHI, f0=0.05, omega=1.0), None, t)
    R = np.array([[np.cos(CHI), 0, -np.sin(CHI)], [0, 1, 0], [np.sin(CHI), 0, np.cos(CHI)]])  # C1
    mp = ds.m.values[0] @ R.T
    lag = np.angle(np.exp(1j * (np.arctan2(mp[:, 1], mp[:, 0]) - t)))
    np.testing.assert_allclose(lag, -np.pi / 2, atol=0.06)


@pytest.mark.parametrize("chi", [0.0, np.pi / 2])
@pytest.mark.parametrize("method", ["dopri", "geometric"])
def test_no_effect_for_field_along_or_perpendicular_to_the_normal(chi, method):
    """sin(2 chi) = 0: m stays along H (m x m_perp = 0 there), even at resonance."""
    b = MacrospinBatch.from_angle(chi, f0=0.1, omega=1.0, alpha_g=0.005)
    ds = simulate(b, None, np.linspace(0, 200, 21), method=method, dt=0.05)
    np.testing.assert_allclose(ds.m_H.values, 1.0, atol=1e-12)


@pytest.mark.parametrize("method", ["dopri", "geometric"])
def test_free_precession_is_a_rotation_at_omega0(method):
    """f = 0, alpha = 0: m(t) = R(omega0 t about H) m0 exactly; m_H and |m| conserved."""
    w0 = 1.7
    h = np.array([np.sin(0.4), 0.0, np.cos(0.4)])
    m0 = np.array([0.3, -0.5, 0.8]) / np.linalg.norm([0.3, -0.5, 0.8])
    t = np.linspace(0, 30, 61)
    b = MacrospinBatch(omega_h=w0 * h)
    ds = simulate(b, m0, t, method=method, rtol=1e-10, atol=1e-12, dt=0.01)
    exact = np.array([_rotate(m0, h, w0 * tt) for tt in t])
    np.testing.assert_allclose(ds.m.values[0], exact, atol=1e-7)
    np.testing.assert_allclose(ds.m_H.values[0], m0 @ h, atol=1e-9)
    drift = 1e-15 * 100 if method == "geometric" else 1e-8
    assert ds.norm_drift.item() < drift
    # the time average of a rotation is its axis component: (m0 . h) h + sin/cos integrals
    T = t[-1]
    perp = m0 - (m0 @ h) * h
    mean = (m0 @ h) * h + (perp * np.sin(w0 * T) + np.cross(h, perp) * (1 - np.cos(w0 * T))) / (
        w0 * T
    )
    np.testing.assert_allclose(ds.m_mean.values[0], mean, atol=1e-8)


@pytest.mark.parametrize("axis", ["normal", "field", "isotropic"])
def test_damping_lowers_the_energy_monotonically(axis):
    """f = 0: E = -omega_h . m decreases at every output and relaxes to -omega0."""
    h = np.array([np.sin(1.0), 0.0, np.cos(1.0)])
    kw = {
        "normal": {"alpha_g": 0.05},
        "field": {"alpha_g": 0.05, "damping_axis": h},
        "isotropic": {"alpha_iso": 0.05},
    }[axis]
    b = MacrospinBatch(omega_h=h, **kw)
    t = np.linspace(0, 400, 801)
    ds = simulate(b, [0.0, 0.6, -0.8], t)
    energy = -ds.m_H.values[0]
    assert np.all(np.diff(energy) < 1e-10)
    assert energy[-1] < -0.999


@pytest.mark.parametrize(
    ("damping_axis", "kappa"), [((0, 0, 1), 1 - np.sin(CHI) ** 2 / 2), ("field", 1.0)]
)
def test_settled_cone_follows_the_averaged_equations(damping_axis, kappa):
    """Resonance with damping: m_H settles at 1/sqrt(2) for alpha_G < alpha_c and at
    1/sqrt(1 + (alpha_c/alpha_G)^2) above, alpha_c = f0 sin(2 chi) / (4 kappa omega0)
    (phase-averaged Eq. 18, derived in docs/theory-notes.md; kappa = 1 - sin^2(chi)/2 for the
    projection on the TI normal of Eq. 18, 1 for the projection on H of Eq. C2)."""
    f0 = 0.1
    alphas = np.array([0.005, 0.05, 0.1])
    axis = np.array([np.sin(CHI), 0, np.cos(CHI)]) if damping_axis == "field" else damping_axis
    b = MacrospinBatch.from_angle(CHI, f0=f0, omega=1.0, alpha_g=alphas, damping_axis=axis)
    ds = simulate(b, None, np.linspace(0, 3000, 301), averages=(2000, 3000), rtol=1e-7)
    alpha_c = f0 * np.sin(2 * CHI) / (4 * kappa)
    expected = np.where(alphas < alpha_c, 1 / np.sqrt(2), 1 / np.sqrt(1 + (alpha_c / alphas) ** 2))
    np.testing.assert_allclose(ds.m_H_mean.values, expected, atol=0.012)


def test_parametric_resonance_at_twice_omega0_for_in_plane_field():
    """chi = pi/2: f m_z (m x z) is an oscillating uniaxial anisotropy; it pumps a small tilt
    parametrically at omega = 2 omega0 (growth rate f0/4 for small f0), not at omega0."""
    f0 = 0.1
    b = MacrospinBatch.from_angle(np.pi / 2, f0=f0, omega=[1.0, 2.0])
    m0 = np.array([1.0, 0.0, 1e-4])
    ds = simulate(b, m0 / np.linalg.norm(m0), [0.0, 100.0])
    tilt = np.sqrt(1 - np.clip(ds.m_H.values[:, -1], -1, 1) ** 2)
    assert tilt[0] < 1e-3  # omega0: stays tiny
    growth = np.log(tilt[1] / 1e-4) / 100.0
    assert 0.6 * f0 / 4 < growth < 1.2 * f0 / 4, growth


def test_detuned_drive_pumps_less():
    """Top panel of Fig. 3: away from omega0 the first dip of m_H is shallower."""
    omegas = np.array([0.9, 0.95, 1.0, 1.05, 1.1])
    b = MacrospinBatch.from_angle(CHI, f0=0.1, omega=omegas, alpha_g=0.005)
    ds = simulate(b, None, np.linspace(0, 300, 301), rtol=1e-7)
    dip = ds.m_H_min.values
    assert np.argmin(dip) == 2
    assert dip[2] < 0.3 and np.all(dip[[0, 4]] > dip[[1, 3]])


def test_settled_precession_phase_follows_the_averaged_equations():
    """The direction m ends along: a cone about H precessing at omega0 with a phase lag psi
    behind the drive, sin(psi) = -kappa alpha_G omega0 / F (psi near -pi) below alpha_c and
    psi = -pi/2 above (F = f0 sin(2 chi)/4, kappa = 1 - sin^2(chi)/2; docs/theory-notes.md)."""
    f0, alphas = 0.1, np.array([0.005, 0.05])
    b = MacrospinBatch.from_angle(CHI, f0=f0, omega=1.0, alpha_g=alphas)
    t = np.linspace(2800, 3000, 2001)
    ds = simulate(b, None, np.concatenate([[0.0], t]), rtol=1e-7)
    R = np.array([[np.cos(CHI), 0, -np.sin(CHI)], [0, 1, 0], [np.sin(CHI), 0, np.cos(CHI)]])
    mp = ds.m.values[:, 1:] @ R.T
    lag = np.angle(np.mean(np.exp(1j * (np.arctan2(mp[..., 1], mp[..., 0]) - t)), axis=1))
    F, kappa = f0 * np.sin(2 * CHI) / 4, 1 - np.sin(CHI) ** 2 / 2
    expected = [-np.pi + np.arcsin(kappa * alphas[0] / F), -np.pi / 2]
    np.testing.assert_allclose(lag, expected, atol=0.05)
