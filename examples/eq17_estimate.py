"""The paper's estimate below Eq. (17), link by link (run: python examples/eq17_estimate.py).

The paper: for a 1 um grating and v = 1e6 m/s, hbar q v ~ 4 meV; Delta_sd/hbar q v "may reach"
1e3 and sigma0 ~ 10, so the diffusive torque may exceed the fieldlike one by 1e3. First the
paper's chain with the numbers it needs, then the same ratio for a self-consistent surface
(eps = 100 meV, Delta_sd = 40 meV, m at 45 degrees, sigma0 ~ 10) whose D, tau_tr come from the
model. docs/theory-notes.md says why the paper's links do not hold together.
"""

import math

from tisot import SurfaceModel
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
q = q_si / model.scales.wavevector
dq2 = si.diffusion_constant * q_si**2
print("\nSelf-consistent surface: eps = 100 meV, Delta_sd = 40 meV, alpha = 0.0315, m at 45 deg")
numbers = {
    "sigma0 (e^2/h)": si.sigma0,
    "D (cm^2/s)": si.diffusion_constant * 1e4,
    "tau_tr (ps)": si.transport_time * 1e12,
    "D q^2 (1/ns)": dq2 * 1e-9,
    "D q^2 tau_tr = (q ell)^2": dq2 * si.transport_time,
    f"omega / D q^2 at f = {f_ghz} GHz": 2 * math.pi * f_ghz * 1e9 / dq2,
    "Delta_sd / hbar q v": model.exchange_energy / q,
    "T_diff / T_FL, Eq. (17)": torque_ratio(model, q),
}
print(format_estimate(numbers))
