"""The paper's estimate below Eq. (17), link by link (run: python examples/eq17_estimate.py).

The paper: for a 1 um grating and v = 1e6 m/s, hbar q v ~ 4 meV; Delta_sd/hbar q v "may reach"
1e3 and sigma0 ~ 10, so the diffusive torque may exceed the fieldlike one by 1e3. First the
paper's chain in its one consistent reading (7-12 GHz and "D q^2 ~ 100 GHz" both cyclic), then
the same ratio for a self-consistent surface (eps = 100 meV, Delta_sd = 40 meV, m at 45 degrees,
sigma0 ~ 10) whose D, tau_tr come from the model, with the two factors Eq. (17) drops, and what
the surface's screening of the gate field does (docs/screening.md). docs/theory-notes.md says
which links hold.
"""

import math

from tisot import SurfaceModel
from tisot.drive import screening_factor, screening_wavevector
from tisot.torques import eq17_estimate, format_estimate, torque_ratio

print("The paper's chain (Delta_sd chosen so that Delta_sd / hbar q v = 1e3):")
print(format_estimate(eq17_estimate()))

period, f_ghz = 1e-6, 10.0
m = (math.sqrt(0.5), 0.0, math.sqrt(0.5))
model = SurfaceModel.from_physical(
    fermi_energy_mev=100.0, exchange_energy_mev=40.0, magnetization=m, disorder=0.0315
)
si = model.transport("si")
q_si = 2 * math.pi / period
omega_si = 2 * math.pi * f_ghz * 1e9
q, omega = q_si / model.scales.wavevector, omega_si / model.scales.rate
dq2 = si.diffusion_constant * q_si**2
k = complex(
    screening_factor(model, q_si, omega_si, distance=50e-9, eps_gate=9.0, eps_substrate=100.0)
)
print("\nSelf-consistent surface: eps = 100 meV, Delta_sd = 40 meV, alpha = 0.0315, m at 45 deg")
numbers = {
    "sigma0 (e^2/h)": si.sigma0,
    "D (cm^2/s)": si.diffusion_constant * 1e4,
    "tau_tr (ps)": si.transport_time * 1e12,
    "D q^2 (1/ns)": dq2 * 1e-9,
    "D q^2 tau_tr = (q ell)^2": dq2 * si.transport_time,
    f"omega / D q^2 at f = {f_ghz} GHz": omega_si / dq2,
    "Delta_sd / hbar q v": model.exchange_energy / q,
    "T_diff / T_FL, Eq. (17) as printed": torque_ratio(model, q),
    "T_diff / T_FL, q || m_par (x D q^2/omega, x 1/2)": torque_ratio(model, q, omega),
    "T_diff / T_FL, q perp m_par (x 1/sqrt 2)": torque_ratio(model, q, omega, q_angle_deg=90),
    "q_s / q (eps_bar = 54.5)": screening_wavevector(model, 54.5) / q_si,
    "|E_total / E_gate| (d = 50 nm, eps 9 / 100), both torques": abs(k),
}
print(format_estimate(numbers))
