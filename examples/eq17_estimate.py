"""The paper's estimate below Eq. (17), link by link (run: python examples/eq17_estimate.py).

The paper: for a 1 um grating and v = 1e6 m/s, hbar q v ~ 4 meV; Delta_sd/hbar q v "may reach"
1e3 and sigma0 ~ 10, so the diffusive torque may exceed the fieldlike one by 1e3. Printed below:
the same chain with the numbers it needs, then a self-consistent example (Delta_sd = 40 meV,
sigma0 = 10). See docs/theory-notes.md for why the paper's links do not hold together.
"""

from tisot.torques import eq17_estimate, format_estimate

print("The paper's chain (Delta_sd chosen so that Delta_sd / hbar q v = 1e3):")
print(format_estimate(eq17_estimate()))
print()
print("Self-consistent example: Delta_sd = 40 meV, sigma0 = 10, tau_tr = 0.05 ps:")
print(format_estimate(eq17_estimate(exchange_energy_mev=40.0, transport_time=0.05e-12)))
