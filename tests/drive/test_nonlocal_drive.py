"""The nonlocal drive f(r, t): Fourier path vs real-space path, pulses, kernel, bad input."""

import math

import numpy as np
import pytest
from scipy import integrate

from tisot.drive import (
    DiffusiveMedium,
    GratingGate,
    SurfaceField,
    current_amplitude,
    diffusion_kernel,
    drive_amplitude,
    fourier_drive,
    line_kernel,
    realspace_drive,
)

L = 1.0e-6  # m
D = 0.01  # m^2/s: D q^2 = 3.9e11 1/s for the 1 um period
ETA = -2.0e5  # 1/(V s)


def medium(tau_leak=math.inf):
    return DiffusiveMedium(diffusion_constant=D, strength=ETA, leakage_time=tau_leak)


@pytest.mark.parametrize("tau_leak", [math.inf, 3e-12])
def test_fourier_and_realspace_agree_for_a_harmonic_gate(tau_leak):
    # A 10 GHz gate with 3 harmonics; the real-space run starts from f = 0, and after the
    # transient (~ 1/(D q^2) = 2.5 ps) the two paths must coincide.
    gate = GratingGate(period=L, distance=0.1 * L, voltage=1.0, frequency=10e9, harmonics=3)
    med = medium(tau_leak)
    period_t = 1 / gate.frequency
    t = np.linspace(0, 2 * period_t, 401)
    da = realspace_drive(med, length=L, points=256, times=t, field=gate.field(), substeps=4)
    x = da.x.values
    ref = fourier_drive(gate.field(), med).evaluate(np.stack([x, 0 * x], -1), t)
    late = t > period_t
    err = np.max(np.abs(da.values[late] - ref[late]))
    assert err < 2e-3 * np.max(np.abs(ref))
    assert da.attrs["units"] == "1/s"


def test_realspace_pulse_matches_kernel_convolution_and_spreads_as_sqrt_Dt():
    # E_x is a smooth bump (div E = two Gaussians of width w at x1, x2), switched on for a
    # short Gaussian pulse in time. Reference: quadrature of the analytic line kernel.
    med = medium(5e-12)
    length, w, x1, x2 = 20 * L, 0.3 * L, 6 * L, 14 * L
    E0, t_p, s_p = 1e5, 0.5e-12, 0.1e-12

    def pulse(t):
        return np.exp(-0.5 * ((t - t_p) / s_p) ** 2)

    def gauss(x, var):
        # periodic images are negligible (domain >> widths)
        return np.exp(-0.5 * x**2 / var) / np.sqrt(2 * math.pi * var)

    def field(x, t):
        from scipy.special import ndtr

        return E0 * (ndtr((x - x1) / w) - ndtr((x - x2) / w)) * pulse(t)

    t = np.linspace(0, 20e-12, 81)
    da = realspace_drive(med, length=length, points=800, times=t, field=field, substeps=10)
    x = da.x.values

    def reference(tk):
        def integrand(tp):
            tau = tk - tp
            var = w**2 + 2 * D * tau
            return (
                pulse(tp)
                * math.exp(-tau / med.leakage_time)
                * (gauss(x - x1, var) - gauss(x - x2, var))
            )

        val, _ = integrate.quad_vec(integrand, 0.0, tk, epsabs=0, epsrel=1e-9)
        return -ETA * D * E0 * val  # f = -eta (kernel * div E), tisot's sign

    for k in (20, 40, 80):
        ref = reference(t[k])
        assert np.max(np.abs(da.values[k] - ref)) < 2e-3 * np.max(np.abs(ref))

    # width^2 of the left lobe grows as w^2 + 2 D (t - t_p): slope 2D, width ~ sqrt(D t)
    left = x < length / 2
    ks = np.arange(30, 81, 10)
    var = []
    for k in ks:
        prof = da.values[k, left]
        var.append(np.sum(prof * (x[left] - x1) ** 2) / np.sum(prof))
    slope = np.polyfit(t[ks], var, 1)[0]
    assert slope == pytest.approx(2 * D, rel=2e-3)


def test_free_relaxation_decays_at_the_leakage_rate():
    med = medium(2e-12)
    t = np.linspace(0, 4e-12, 5)
    exact = 3.0 * np.exp(-t / 2e-12)
    errors = []
    for substeps in (25, 50):
        da = realspace_drive(
            med, length=L, points=16, times=t, initial=np.full(16, 3.0), substeps=substeps
        )
        np.testing.assert_allclose(da.values[:, 0], exact, rtol=1e-4)
        errors.append(np.max(np.abs(da.values[:, 0] - exact)))
    # Crank-Nicolson is second order in time: halving dt quarters the error
    assert errors[0] / errors[1] == pytest.approx(4.0, rel=0.02)


def test_line_kernel_is_the_y_integral_of_the_spec_kernel():
    med = medium(1e-11)
    tau, x = 2e-12, 0.1 * L
    ell = math.sqrt(D * tau)
    val, _ = integrate.quad(
        lambda y: diffusion_kernel(math.hypot(x, y), tau, med), -30 * ell, 30 * ell, points=[0.0]
    )
    assert line_kernel(x, tau, med) == pytest.approx(val, rel=1e-8)


def test_kernel_transform_gives_the_fourier_denominator():
    # -eta * int dx dtau K(x, tau) e^{-iqx + i omega tau} (i q E) must equal drive_amplitude
    # (Eq. 4): this ties the real-space sign to the Fourier sign without any PDE solver.
    med = medium(4e-12)
    q, omega, E = 2 * math.pi / L, 2 * math.pi * 10e9, 1.0 + 0.5j
    # x-integral analytically: int K e^{-iqx} dx = D e^{-D q^2 tau - tau/tau_L}; check it at one tau
    tau = 1e-12
    xs = np.linspace(-20 * math.sqrt(D * tau), 20 * math.sqrt(D * tau), 20001)
    fx = integrate.simpson(line_kernel(xs, tau, med) * np.exp(-1j * q * xs), x=xs)
    assert fx == pytest.approx(D * math.exp(-D * q * q * tau - tau / 4e-12), rel=1e-8)
    re = integrate.quad(
        lambda s: D * math.exp(-(D * q * q + 1 / 4e-12) * s) * math.cos(omega * s),
        0,
        1e-10,
        limit=200,
    )[0]
    im = integrate.quad(
        lambda s: D * math.exp(-(D * q * q + 1 / 4e-12) * s) * math.sin(omega * s),
        0,
        1e-10,
        limit=200,
    )[0]
    f_kernel = -ETA * (re + 1j * im) * 1j * q * E
    f_fourier = drive_amplitude(med, [q, 0.0], omega, [E, 0.0])
    assert f_fourier == pytest.approx(f_kernel, rel=1e-7)


def test_leakage_cuts_off_the_dc_singularity():
    q = np.array([[1e3, 0.0], [1e4, 0.0]])  # long wavelengths
    E = np.array([[1.0, 0.0], [1.0, 0.0]])
    f_clean = drive_amplitude(medium(), q, 0.0, E)
    # without leakage (or screening) the dc drive per fixed |E| grows as 1/q
    assert abs(f_clean[0] / f_clean[1]) == pytest.approx(10.0)
    f_leak = drive_amplitude(medium(1e-9), q, 0.0, E)
    # with it, f -> -eta i D q.E tau_L for D q^2 tau_L << 1 (the limit worked by hand):
    # 2e5 1/(V s) x 0.01 m^2/s x 1e3 1/m x 1 V/m x 1e-9 s = 2e-3 1/s, and 2e-2 1/s at 1e4 1/m;
    # D q^2 tau_L = 1e-5 and 1e-3 bound the next order, so f vanishes linearly with q
    # (at omega = 0 the drive is in quadrature with a real q.E: purely imaginary)
    np.testing.assert_array_equal(f_leak.real, 0.0)
    assert f_leak.imag == pytest.approx([2e-3, 2e-2], rel=2e-3)
    assert f_leak[0].imag == pytest.approx(2e-3, rel=2e-5)


def test_leaking_charge_and_current_obey_continuity():
    # d rho/dt + div J = -rho/tau_L per harmonic, rho = -chi phi from the medium's own response
    med = DiffusiveMedium(
        diffusion_constant=D, strength=ETA, sheet_conductance=2e-4, leakage_time=5e-12
    )
    q, omega = np.array([2 * math.pi / L, 0.0]), 2 * math.pi * 30e9
    E = np.array([3.0 - 1.0j, 0.0])
    phi = 1j * (q @ E) / (q @ q)  # E = -i q phi
    rho = -med.polarizability(np.linalg.norm(q), omega) * phi
    J = current_amplitude(med, q, omega, E)
    residual = -1j * omega * rho + 1j * (q @ J) + rho / med.leakage_time
    assert abs(residual) < 1e-12 * abs(q @ J)
    # and f stays locked to the charge: f = eta D rho / sigma
    f = drive_amplitude(med, q, omega, E)
    assert f == pytest.approx(ETA * D * rho / med.sheet_conductance, rel=1e-12)


@pytest.mark.parametrize("tau", [1e-12, 1.0, 0.0, -1e-12, float("nan")])
def test_finite_dephasing_is_refused_and_points_to_leakage(tau):
    # dephasing conserves particle number: it cannot cut off the charge diffuson of Eq. (4)
    with pytest.raises(ValueError, match="leakage_time"):
        DiffusiveMedium(diffusion_constant=D, strength=ETA, dephasing_time=tau)
    # the old callers' inf still constructs
    assert DiffusiveMedium(diffusion_constant=D, strength=ETA, dephasing_time=math.inf)


def test_uniform_field_drives_nothing():
    field = SurfaceField(np.zeros((1, 2)), np.array([[1.0, 2.0]]), 0.0)
    assert fourier_drive(field, medium()).drive[0] == 0


def test_amplitude_and_phase_reproduce_evaluate():
    gate = GratingGate(period=L, distance=0.05 * L, frequency=8e9, harmonics=4)
    hd = fourier_drive(gate.field(), medium(1e-11))
    r = np.array([[0.1 * L, 0.0], [0.37 * L, 0.0]])
    a, phi = hd.amplitude_and_phase(r)
    t = np.linspace(0, 2e-10, 7)
    np.testing.assert_allclose(
        hd.evaluate(r, t), a * np.cos(gate.omega * t[:, None] + phi), atol=1e-9 * np.max(a)
    )


@pytest.mark.parametrize("tau", [0.0, -1e-12, float("nan")])
def test_bad_leakage_time(tau):
    with pytest.raises(ValueError, match=r"leakage_time \(tau_L\) must be > 0"):
        DiffusiveMedium(diffusion_constant=D, strength=ETA, leakage_time=tau)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, complex(math.nan, 1.0)])
@pytest.mark.parametrize("amplitude", [drive_amplitude, current_amplitude])
def test_non_finite_field_is_refused_by_name(amplitude, bad):
    # a NaN/inf field must not come back as a NaN drive or current: ValueError naming the input
    q = np.array([[2 * math.pi / L, 0.0], [0.0, 2 * math.pi / L]])
    E = np.array([[1.0, 0.0], [bad, 0.0]])
    with pytest.raises(ValueError, match="field_amplitude must be finite"):
        amplitude(medium(), q, 2 * math.pi * 1e9, E)


def test_bad_realspace_input():
    med = medium()
    with pytest.raises(ValueError, match="length must be > 0"):
        realspace_drive(med, length=0.0, points=16, times=[0, 1e-12])
    with pytest.raises(ValueError, match="uniformly spaced"):
        realspace_drive(med, length=L, points=16, times=[0, 1e-12, 3e-12])
    with pytest.raises(ValueError, match="points"):
        realspace_drive(med, length=L, points=4, times=[0, 1e-12])
    with pytest.raises(ValueError, match="diffusion_constant"):
        DiffusiveMedium(diffusion_constant=0.0, strength=ETA)


def test_chunked_marching_equals_one_pass(monkeypatch):
    # the source table is built in chunks; the result must not depend on the chunk size
    import tisot.drive.nonlocal_drive as nd

    gate = GratingGate(period=L, distance=0.1 * L, frequency=10e9, harmonics=2)
    t = np.linspace(0, 50e-12, 41)

    def run():
        return realspace_drive(
            medium(1e-11), length=L, points=32, times=t, field=gate.field(), substeps=3
        ).values

    whole = run()
    monkeypatch.setattr(nd, "SOURCE_CHUNK_STEPS", 7)
    np.testing.assert_allclose(run(), whole, rtol=0, atol=1e-12 * np.max(np.abs(whole)))
    # a callable field takes the same path as a SurfaceField
    r = np.stack([np.arange(32) * L / 32, np.zeros(32)], -1)
    called = realspace_drive(
        medium(1e-11), length=L, points=32, times=t,
        field=lambda x, tt: gate.field().evaluate(r, tt)[:, 0], substeps=3,
    )  # fmt: skip
    np.testing.assert_allclose(called.values, whole, rtol=0, atol=1e-12 * np.max(np.abs(whole)))
