"""Linear-response spectra (tisot.experiments.spectra) against independent physics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tisot.device import Device
from tisot.experiments import spectra
from tisot.experiments.resonance import spectrum as time_integrated
from tisot.magnet import MU0, FilmMagnet, driven_response, field_vector

GAMMA_E = 1.76085963e11  # g = 2 electron, rad/(s T), for hand numbers only


@pytest.fixture(scope="module")
def device():
    return Device.from_presets(
        "Bi2Se3",
        "EuS",
        overrides={
            "gate.screening": False,
            "fm.damping": 0.01,
            "surface.disorder_alpha": 0.05,
            "environment.field_theta_deg": 60.0,
        },
    )


def _isotropic(ms=1.0e6):
    """A film whose shape anisotropy is cancelled (Meff = 0): a free macrospin."""
    return FilmMagnet(ms=ms, ku=0.5 * MU0 * ms**2)


# --------------------------------------------------------------------------- second method
def test_power_and_cone_match_time_integration():
    """Uniform diffusive drive f m_z (m x z) of a macrospin: the linear response equals the
    steady state of the time-integrated Eq. (18) (tisot.experiments.resonance.spectrum)."""
    chi, f0, alpha_g = math.pi / 4, 2e-3, 0.02
    magnet = _isotropic()
    b = 0.2
    w0 = magnet.gamma * b
    omegas = np.array([0.97, 1.0, 1.02])
    ref = time_integrated("omega", omegas, omega0=1.0, chi=chi, f0=f0, alpha_g=alpha_g)
    direction = np.array([math.sin(chi), 0.0, math.cos(chi)])
    out = {k: [] for k in ("power", "cone_deg")}
    for w in omegas:
        r = spectra.uniform_drive(
            magnet, b * direction[None], w * w0 / (2e9 * math.pi),
            lambda m: f0 * w0 * m[2] * np.cross(m, [0.0, 0.0, 1.0]),
            alpha_g=alpha_g, thickness_nm=1.0, observables=("power", "cone_deg"),
        )  # fmt: skip
        out["power"].append(r["power"].real[0] / (magnet.ms * 1e-9 / magnet.gamma) / w0**2)
        out["cone_deg"].append(r["cone_deg"][0])
    np.testing.assert_allclose(out["power"], ref["absorbed_power"], rtol=2e-3)
    # the engine's mean cone angle vs the rms cone of the linear response (same to O(theta^3))
    np.testing.assert_allclose(np.radians(out["cone_deg"]), ref["cone_angle"], rtol=2e-2)


def _cartesian_response(magnet, b, m0, freq, T, alpha, alpha_g, k, az, d, a_ex):
    """Eq. (18) linearised in Cartesian components (independent of the tangent-plane solver):
    (-i w + gamma [m0 x](J - h0) + i w [m0 x](alpha + alpha_g P_z)) dm = T, J = dH_eff/dm with
    the thin-film dynamic dipolar field at k (Kalinikos & Slavin) and exchange."""
    w = 2 * math.pi * freq
    heff = magnet.effective_field(m0, b)
    h0 = heff @ m0
    J = -magnet.energy_hessian(m0) / magnet.ms
    kd = k * d
    nk = 1 - (1 - math.exp(-kd)) / kd if kd > 0 else 0.0
    kh = np.array([math.cos(math.radians(az)), math.sin(math.radians(az)), 0.0])
    zz = np.diag([0.0, 0.0, 1.0])
    J = J + MU0 * magnet.ms * nk * (zz - np.outer(kh, kh)) - 2 * a_ex * k**2 / magnet.ms * np.eye(3)
    C = np.array([np.cross(m0, e) for e in np.eye(3)]).T  # C v = m0 x v
    P = np.eye(3) - zz
    M = (
        -1j * w * np.eye(3)
        + magnet.gamma * C @ (J - h0 * np.eye(3))
        + 1j * w * C @ (alpha * np.eye(3) + alpha_g * P)
    )
    # restrict to the tangent plane (M is singular along m0)
    e1 = np.cross(m0, [0.3, 0.5, 0.7])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(m0, e1)
    E = np.stack([e1, e2], axis=1)
    u = np.linalg.solve(E.T @ M @ E, E.T @ T)
    return E @ u


def test_harmonics_use_the_spin_wave_response(device):
    """Each gate harmonic's dm equals an independent Cartesian solution of linearised Eq. (18)
    with the dynamic dipolar field and exchange at k_n, and the power obeys energy balance."""
    b_mt, f_ghz = 150.0, 10.0
    env = device.environment
    b = field_vector(b_mt * 1e-3, env.field_theta_deg, env.field_phi_deg)
    m0 = spectra._EQUILIBRIA(device.magnet, b, None)
    dev = device.with_values({"gate.frequency_ghz": f_ghz})
    st = spectra._make_drive(dev, m0, spectra.Probe(), need_mixing=False)
    fm, magnet = dev.fm, dev.magnet
    dm = spectra._respond(magnet, fm, st, b[None], np.array([f_ghz * 1e9]), st["torque"], st["k"],
                          st["k_azimuth_deg"])[0]  # fmt: skip
    for n in (0, 5, st["k"].shape[1] - 1):
        ref = _cartesian_response(
            magnet, b, m0, f_ghz * 1e9, st["torque"][0, n], fm.damping, st["alpha_g"][0],
            st["k"][0, n], st["k_azimuth_deg"][0, n], fm.thickness, fm.exchange_stiffness,
        )  # fmt: skip
        np.testing.assert_allclose(dm[n], ref, rtol=1e-8, atol=1e-12 * np.abs(ref).max())
    # energy balance: pumped (drive side) = dissipated (damping side), summed over harmonics
    obs = spectra._observables(
        magnet, fm, st, b[None], np.array([f_ghz * 1e9]), spectra.Probe(), {"power"}
    )
    w = 2 * math.pi * f_ghz * 1e9
    P = np.diag([1.0, 1.0, 0.0])
    dis = 0.5 * w**2 * np.sum(np.real(np.conj(dm) * (fm.damping * dm + st["alpha_g"][0] * dm @ P)))
    dis *= magnet.ms * fm.thickness / magnet.gamma
    assert obs["power"].real[0] == pytest.approx(dis, rel=1e-9)
    assert dis > 0


def test_broadening_is_the_lorentzian_average(device):
    """fm.inhomogeneous_broadening_mt = the average over a Lorentzian distribution (HWHM Gamma) of a
    local field along m0, done here by brute-force quadrature with the magnet's response."""
    gamma_mt = 2.0
    dev = device.with_values({"fm.inhomogeneous_broadening_mt": gamma_mt})
    b_mt, f_ghz = 120.0, 10.0
    ds = spectra.spectrum(
        dev, field_mt=[b_mt], frequency_ghz=f_ghz, observables=["power", "mz_shift"]
    )
    env = dev.environment
    b = field_vector(b_mt * 1e-3, env.field_theta_deg, env.field_phi_deg)
    m0 = ds.m0.values[0]
    st = spectra._make_drive(
        dev.with_values({"gate.frequency_ghz": f_ghz}), m0, spectra.Probe(), need_mixing=False
    )
    torque, k, az = st["torque"][0], st["k"][0], st["k_azimuth_deg"][0]
    theta = (np.arange(20000) + 0.5) / 20000 * math.pi - math.pi / 2  # delta = Gamma tan(theta)
    delta = gamma_mt * 1e-3 * np.tan(theta)
    fm = dev.fm
    field = b[None, None, :] + delta[:, None, None] * m0
    dm = driven_response(
        dev.magnet, np.broadcast_to(field, (delta.size, len(k), 3)), m0, f_ghz * 1e9,
        torque[None], k=k[None], k_azimuth_deg=az[None],
        thickness=fm.thickness, exchange_stiffness=fm.exchange_stiffness, alpha=fm.damping,
        alpha_g=st["alpha_g"][0],
    )  # fmt: skip
    beff = np.cross(torque, m0)
    w = 2 * math.pi * f_ghz * 1e9
    power = 0.5 * w * np.imag(np.sum(beff[None] * np.conj(dm), axis=(-1, -2)))
    power *= dev.magnet.ms * fm.thickness / dev.magnet.gamma
    assert ds.power.values[0] == pytest.approx(power.mean(), rel=1e-4)  # mean over theta = average
    sq = 0.5 * np.sum(np.abs(dm) ** 2, axis=(-1, -2)).mean()
    assert ds.mz_shift.values[0] == pytest.approx(-m0[2] * sq / 2, rel=1e-3)
    # and the line is broader: HWHM grows by about Gamma
    x = np.linspace(60, 200, 141)
    w0 = spectra.decompose(
        spectra.spectrum(device, field_mt=x, frequency_ghz=f_ghz, observables=["power"])
    ).width
    w1 = spectra.decompose(
        spectra.spectrum(dev, field_mt=x, frequency_ghz=f_ghz, observables=["power"])
    ).width
    assert 0.6 * gamma_mt < w1 - w0 < 1.4 * gamma_mt


# --------------------------------------------------------------------------- lineshape symmetry
def _in_plane_lines(torque_of_m, observable="moke"):
    ms, alpha, f_ghz = 8.0e5, 0.005, 10.0
    magnet = FilmMagnet(ms=ms)
    w = 2 * math.pi * f_ghz * 1e9
    m_t = MU0 * ms
    b_r = -m_t / 2 + math.sqrt(m_t**2 / 4 + (w / magnet.gamma) ** 2)  # Kittel, in plane
    width = alpha * w / magnet.gamma  # HWHM in field
    x = b_r + width * np.linspace(-10, 10, 161)
    fields = x[:, None] * np.array([1.0, 0.0, 0.0])
    r = spectra.uniform_drive(
        magnet, fields, f_ghz, torque_of_m, damping=alpha, observables=(observable,)
    )
    return x * 1e3, r, b_r * 1e3, width * 1e3


def test_fieldlike_drive_is_symmetric_dampinglike_antisymmetric():
    """In-plane macrospin (m0 = x) read through dm_z (the Hall response of the TI, sigma_H(m_z)):
    a fieldlike torque m x b y-hat gives a symmetric line, a damping-like m x (m x y-hat) an
    antisymmetric one, centred on Kittel's field with HWHM alpha omega / gamma."""
    y = np.array([0.0, 1.0, 0.0])
    x, fl, b_r, width = _in_plane_lines(lambda m: 1e3 * np.cross(m, y))
    _, dl, _, _ = _in_plane_lines(lambda m: 1e3 * np.cross(m, np.cross(m, y)))
    s_fl = spectra.lineshape(x, fl["moke"].real)
    s_dl = spectra.lineshape(x, dl["moke"].real)
    assert abs(s_fl.antisymmetric) < 1e-2 * abs(s_fl.symmetric)
    assert abs(s_dl.symmetric) < 1e-2 * abs(s_dl.antisymmetric)
    for s in (s_fl, s_dl):
        assert s.centre == pytest.approx(b_r, abs=2e-3 * width)
        assert s.width == pytest.approx(width, rel=1e-2)


def test_susceptibility_absorptive_and_dispersive():
    """chi'' is a symmetric Lorentzian and chi' an antisymmetric one (Kramers-Kronig pair), with
    Polder's peak chi''(B_r) = M (B_r + M) ... evaluated here to leading order in alpha."""
    x, r, b_r, width = _in_plane_lines(np.zeros(3), observable="chi_re")
    chi = r["chi"]
    s_im = spectra.lineshape(x, chi.imag)
    s_re = spectra.lineshape(x, chi.real)
    assert abs(s_im.antisymmetric) < 2e-2 * s_im.symmetric
    assert abs(s_re.symmetric) < 2e-2 * abs(s_re.antisymmetric)
    # Polder tensor, in plane, h along y: chi_yy'' at resonance = M (B_r + M) / (alpha w/gamma (2 B_r + M))
    m_t = MU0 * 8.0e5
    br, wd = b_r * 1e-3, width * 1e-3
    peak = m_t * (br + m_t) / (wd * (2 * br + m_t))
    assert s_im.symmetric == pytest.approx(peak, rel=2e-2)


# --------------------------------------------------------------------------- observables
@pytest.mark.parametrize("m0", [(0.6, 0.0, 0.8), (0.0, 0.0, 1.0), (0.0, 0.0, -1.0)])
def test_mixing_conductivity_derivative_is_eq9(device, m0):
    """d sigma / d m_z equals the derivative of Eq. (9)'s closed forms (hand-differentiated),
    also at the poles m_z = +-1, where the difference is one-sided."""
    from tisot.constants import CONDUCTANCE_QUANTUM as G

    m0 = np.array(m0)
    ds = spectra._dsigma_dmz(device, m0)
    eps = device.fermi_energy_mev(m0)
    a = device.disorder(m0)
    dsd = device.interface.exchange_mev
    dz = dsd * m0[2]
    den = eps**2 + 3 * dz**2
    d_s0 = -8 * dz * eps**2 / (math.pi * a * den**2) * dsd
    d_sh = 24 * eps * dz**2 * (eps**2 - dz**2) / den**3 * dsd
    scale = abs(d_s0) + abs(d_sh)
    np.testing.assert_allclose(ds / G, [[d_s0, d_sh], [-d_sh, d_s0]], rtol=1e-6, atol=1e-9 * scale)


def test_dpdh_is_the_field_derivative(device):
    """dP/dH (a central difference at each field) against the Richardson-extrapolated numerical
    derivative of the power along the sweep."""
    x = np.linspace(90, 150, 121)
    ds = spectra.spectrum(device, field_mt=x, frequency_ghz=10.0, observables=["power", "dpdh"])
    p = ds.power.values
    g1 = (p[2:] - p[:-2]) / (x[2:] - x[:-2])  # step h, at x[1:-1]
    g2 = (p[4:] - p[:-4]) / (x[4:] - x[:-4])  # step 2h, at x[2:-2]
    rich = (4 * g1[1:-1] - g2) / 3
    scale = np.abs(rich).max()
    np.testing.assert_allclose(ds.dpdh.values[2:-2], rich, atol=1e-3 * scale)


def test_s21_consistent_with_absorbed_power():
    """Under a uniform rf field, the power lost from the waveguide, (1 - |S21|^2) |I|^2 Z0 / 2
    with mu0 h = mu0 I / 2w, equals the absorbed power per area times the film area w l
    (to first order in the film's load: a short sample, so that reflection is negligible)."""
    dev = Device.from_presets("Bi2Se3", "YIG", overrides={"gate.screening": False, "interface.exchange_mev": 5.0,
                                                          "environment.field_theta_deg": 90.0})  # fmt: skip
    probe = spectra.Probe(drive="rf", rf_field_ut=1.0, sample_length_mm=1e-3)
    x = np.linspace(200, 330, 27)
    ds = spectra.spectrum(
        dev, field_mt=x, frequency_ghz=10.0, probe=probe, observables=["power", "s21_db"]
    )
    w, ell = probe.waveguide_width_um * 1e-6, probe.sample_length_mm * 1e-3
    current = 2 * w * probe.rf_field_ut * 1e-6 / MU0
    lost = (1 - 10 ** (ds.s21_db.values / 10)) * current**2 * probe.impedance_ohm / 2
    np.testing.assert_allclose(lost, ds.power.values * w * ell, rtol=2e-3)
    assert ds.power.values.max() > 0


def test_spectrum_dataset_and_errors(device):
    ds = spectra.spectrum(device, frequency_ghz=np.linspace(5, 15, 5), field_mt=150.0)
    assert ds.power.dims == ("frequency_ghz",)
    assert ds.frequency_ghz.attrs["units"] == "GHz"
    expected = {"power": "W m-2", "dpdh": "W m-2 mT-1", "chi_re": "1", "chi_im": "1",
                "s21_db": "dB", "mixing_voltage": "V", "mixing_voltage_xx": "V", "mz_shift": "1",
                "cone_deg": "degree", "moke": "1"}  # fmt: skip
    assert {name: ds[name].attrs["units"] for name in expected} == expected
    assert ds.attrs["device_fingerprint"] == device.fingerprint()
    np.testing.assert_allclose(np.linalg.norm(ds.m0.values, axis=-1), 1.0)
    with pytest.raises(ValueError, match="unknown observable"):
        spectra.spectrum(device, field_mt=[100.0], observables=["powr"])
    with pytest.raises(ValueError, match="sweeps one axis"):
        spectra.spectrum(device, field_mt=[100.0, 110.0], frequency_ghz=[9.0, 10.0])
    with pytest.raises(ValueError, match="probe drive"):
        spectra.Probe(drive="laser")
    with pytest.raises(ValueError, match="no phase"):
        spectra.signal(ds, "cone_deg", phase_deg=10.0)


def test_drive_interpolated_in_mz_equals_direct(device):
    """A long sweep interpolates the drive between Chebyshev nodes in m_z (it depends on m only
    through Delta_z = Delta_sd m_z); it matches the drive computed at each point."""
    x = np.linspace(60.0, 400.0, 3 * spectra.MZ_NODES)
    ds = spectra.spectrum(
        device, field_mt=x, frequency_ghz=10.0, observables=["power", "mixing_voltage"]
    )
    for i in (1, 20, 40):
        one = spectra.spectrum(
            device, field_mt=[x[i]], frequency_ghz=10.0, observables=["power", "mixing_voltage"]
        )
        assert ds.power.values[i] == pytest.approx(one.power.values[0], rel=1e-8)
        assert ds.mixing_voltage.values[i] == pytest.approx(one.mixing_voltage.values[0], rel=1e-6)


def test_large_cone_warns(device):
    from tisot.model import RegimeWarning

    loud = device.with_values({"gate.voltage_v": 500.0, "fm.damping": 1e-4})
    with pytest.warns(RegimeWarning, match="linear response is no longer accurate"):
        spectra.spectrum(
            loud, field_mt=np.linspace(95, 150, 56), frequency_ghz=10.0, observables=["power"]
        )


def test_film_spectrum_matches_time_integrated_film():
    """The harmonic-by-harmonic linear response of the film against the time integration of
    Eq. (18) on a grid of macrospins over one gate period, coupled by exchange and the dipolar
    field (tisot.experiments.device_dynamics.steady_state), in the linear regime."""
    from tisot.experiments.device_dynamics import steady_state

    dev = Device.from_presets("Bi2Se3", "EuS", overrides={
        "gate.screening": False, "fm.damping": 0.02, "surface.disorder_alpha": 0.05,
        "environment.field_theta_deg": 60.0, "gate.harmonics": 3, "gate.voltage_v": 0.01,
        "environment.field_mt": 120.0,
    })  # fmt: skip
    ss = steady_state(dev, points=16)
    lin = spectra.spectrum(dev, field_mt=[120.0], frequency_ghz=10.0, observables=["power"])
    assert float(ss.absorbed_power.mean()) == pytest.approx(float(lin.power[0]), rel=1e-3)


def test_frequency_sweep_relaxes_its_field_once(device, monkeypatch):
    """The equilibrium does not depend on the drive frequency: a frequency sweep at one field
    finds it once (and the two dP/dH side fields once each) and equals the spectra computed one
    frequency at a time."""
    calls = {"equilibrium": 0, "relax": 0}

    def counted(name, solver):
        def run(*args, **kwargs):
            calls[name] += 1
            return solver(*args, **kwargs)

        return run

    monkeypatch.setattr(spectra, "_EQUILIBRIA", spectra._EquilibriumCache())  # no earlier hits
    monkeypatch.setattr(spectra, "equilibrium", counted("equilibrium", spectra.equilibrium))
    monkeypatch.setattr(spectra, "relax", counted("relax", spectra.relax))
    freqs = np.linspace(6.0, 14.0, 7)
    ds = spectra.spectrum(device, field_mt=150.0, frequency_ghz=freqs)
    assert calls == {"equilibrium": 1, "relax": 2}
    for j, f in enumerate(freqs):
        one = spectra.spectrum(device, field_mt=[150.0], frequency_ghz=f)
        for name in [*spectra.OBSERVABLES, "m0"]:
            got, want = ds[name].values[j], one[name].values[0]
            scale = np.abs(ds[name].values).max()
            np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12 * scale, err_msg=name)


def test_mixing_voltage_is_the_rectified_average_of_sigma_times_e(device):
    """V_mix by its definition, by brute force: the sheet current j = sigma(m(x, t)) E_ec(x, t)
    with sigma taken from the device's surface model (Eq. 9) at each instantaneous, normalised m
    of the precessing film (no derivative; each harmonic's dm from the independent Cartesian
    solve above), averaged over one gate period and one drive period on a grid; then the
    open-circuit dc field E_dc = -sigma(m0)^-1 <j> across W (Hall) and along l (longitudinal)."""
    from tisot.constants import CONDUCTANCE_QUANTUM as G

    b_mt, f_ghz = 95.0, 10.0
    # a weak gate (cone ~ 1e-5 rad): the direct average's higher orders, ~ (dm / m0_z)^2 for the
    # Hall part (sigma_H ~ m_z^3), stay below the tolerance
    dev = device.with_values({"gate.frequency_ghz": f_ghz, "gate.voltage_v": 0.01,
                              "fm.inhomogeneous_broadening_mt": 0.0})  # fmt: skip
    probe = spectra.Probe()
    ds = spectra.spectrum(dev, field_mt=[b_mt], frequency_ghz=f_ghz, probe=probe,
                          observables=["mixing_voltage", "mixing_voltage_xx"])  # fmt: skip
    m0 = ds.m0.values[0]
    env = dev.environment
    b = field_vector(b_mt * 1e-3, env.field_theta_deg, env.field_phi_deg)
    st = spectra._make_drive(dev, m0, probe, need_mixing=False)  # the torques, the input
    fm, w = dev.fm, 2 * math.pi * f_ghz * 1e9
    dm = np.array([
        _cartesian_response(
            dev.magnet, b, m0, f_ghz * 1e9, st["torque"][0, n], fm.damping, st["alpha_g"][0],
            st["k"][0, n], st["k_azimuth_deg"][0, n], fm.thickness, fm.exchange_stiffness,
        )
        for n in range(st["k"].shape[1])
    ])  # fmt: skip

    def sigma(m):
        s = dev.surface_model(m)
        return G * np.array([[s.sigma0, s.sigma_hall], [-s.sigma_hall, s.sigma0]])

    drive = dev.drive(m0)
    kx = drive.wavevectors[:, 0]
    assert np.all(drive.wavevectors[:, 1] == 0)  # the grating's k_n = n q x
    e_ec = np.linalg.solve(sigma(m0), drive.current.T).T  # J_n = sigma E_ec,n
    period = 2 * math.pi / np.abs(kx).min()
    xs = (np.arange(96) + 0.5) / 96 * period  # > 2 n_max points: exact for the products
    ts = np.arange(8) / 8 * 2 * math.pi / w
    phase = np.exp(1j * (kx[None, None, :] * xs[:, None, None] - w * ts[None, :, None]))
    m = m0 + np.real(np.einsum("xtn,ni->xti", phase, dm))
    e = np.real(np.einsum("xtn,ni->xti", phase, e_ec))
    s0 = sigma(m0)
    ds_e = [
        (sigma(mi) - s0) @ ei for mi, ei in zip(m.reshape(-1, 3), e.reshape(-1, 2), strict=True)
    ]
    j_dc = np.mean(ds_e, axis=0)  # s0 <E> = 0: subtracted only to spare the rounding
    e_dc = -np.linalg.solve(s0, j_dc)
    hall = e_dc[1] * probe.strip_width_um * 1e-6
    longitudinal = e_dc[0] * probe.strip_length_um * 1e-6
    assert abs(longitudinal) > 1e-14 and abs(hall) > 1e-17  # a signal, not two zeros
    assert ds.mixing_voltage.values[0] == pytest.approx(hall, rel=1e-5)
    assert ds.mixing_voltage_xx.values[0] == pytest.approx(longitudinal, rel=1e-5)
