"""The device file's vocabulary: every key, its unit and its allowed range.

A device file is TOML with five tables, one per part of the device (:mod:`tisot.device.parts`).
Keys carry their unit in the name (``_mev``, ``_nm``, ``_um``, ``_ghz``, ``_mt``, ``_deg``,
``_ps``, ``_ka_per_m``, ...). Alternatives (the Fermi level as an energy, a carrier density
or a back-gate voltage; the disorder as a mobility, a transport time or alpha) are keys whose
default is *unset* (:data:`UNSET`, NaN): exactly one of each group is given, by the file or by
the material preset.

``[surface]``      the TI surface: Fermi level, disorder, Dirac velocity, permittivity
``[fm]``           the ferromagnetic insulator film: Ms, thickness, g, anisotropies, damping
``[interface]``    the sd exchange Delta_sd between them (one name, one sign; see below)
``[gate]``         the grated top gate: period, distance, duty, dielectric, voltage, frequency
``[environment]``  the applied field (magnitude and direction) and the temperature

Sign of Delta_sd (``interface.exchange_mev``): tisot's m is the FM *moment* direction and the
surface Hamiltonian is Eq. (1), H = v (p x sigma)_z - Delta_sd m . sigma (docs/theory-notes.md:
with the localized spins S = -S m this is Delta_sd = -J_sd S). Every magnitude depends on
|Delta_sd| and m_z; the sign fixes the sign of the Hall response and of the diffusive torque.
"""

from __future__ import annotations

import math
from dataclasses import replace

from ..io.schema import Parameter, Schema

#: Default of a key that belongs to a group of alternatives: "not given".
UNSET = math.nan


def _p(kind, default, units, long_name, **kw) -> Parameter:
    return Parameter(kind=kind, default=default, units=units, long_name=long_name, **kw)


SURFACE = {
    "material": _p(
        str, "custom", "1", "TI preset (Bi2Se3, Bi2Te3, Sb2Te3, BST) filling the keys left out, "
        "or custom",
    ),
    "fermi_energy_mev": _p(
        float, UNSET, "meV", "Fermi energy above the Dirac point (one of fermi_energy_mev, "
        "carrier_density_per_cm2, backgate_voltage_v)", low=0.0, low_open=True,
    ),
    "carrier_density_per_cm2": _p(
        float, UNSET, "cm-2", "surface carrier density n (one Dirac cone; with a back gate: "
        "the density at 0 V)", low=0.0, low_open=True,
    ),
    "backgate_voltage_v": _p(
        float, UNSET, "V", "back-gate voltage: n = carrier_density + C V / |e|",
    ),
    "backgate_capacitance_nf_per_cm2": _p(
        float, UNSET, "nF cm-2", "back-gate capacitance per area C", low=0.0, low_open=True,
    ),
    "mobility_cm2_per_vs": _p(
        float, UNSET, "cm2 V-1 s-1", "surface mobility mu (one of mobility_cm2_per_vs, "
        "tau_tr_ps, disorder_alpha)", low=0.0, low_open=True,
    ),
    "tau_tr_ps": _p(
        float, UNSET, "ps", "transport time tau_tr of Eq. (9) (D = v^2 tau_tr)",
        low=0.0, low_open=True,
    ),
    "disorder_alpha": _p(
        float, UNSET, "1", "disorder strength alpha of Eq. (5)", low=0.0, high=1.0,
        low_open=True, high_open=True,
    ),
    "velocity_m_per_s": _p(
        float, 1.0e6, "m s-1", "Dirac velocity v (the paper's 1e6 m/s; presets set their own)",
        low=1.0e3, high=1.0e7,
    ),
    "permittivity": _p(
        float, 100.0, "1", "relative permittivity of the TI below the surface", low=1.0,
    ),
    "leakage_time_ps": _p(
        float, math.inf, "ps", "relaxation time of the surface charge into the bulk or the "
        "gate (inf: none)", low=0.0, low_open=True, high=math.inf,
    ),
}  # fmt: skip

FM = {
    "material": _p(
        str, "custom", "1", "FM preset (EuS, YIG, TmIG, CGT) filling the keys left out, or custom",
    ),
    "ms_ka_per_m": _p(
        float, None, "kA m-1", "saturation magnetization Ms (at 0 K if curie_temperature_k "
        "is given)", low=0.0, low_open=True, high=1.0e4,
    ),
    "thickness_nm": _p(float, None, "nm", "FM film thickness d", low=0.0, low_open=True),
    "monolayer_nm": _p(
        float, None, "nm", "thickness of one FM monolayer (the interface torque is shared by "
        "thickness / monolayer layers)", low=0.0, low_open=True,
    ),
    "g_factor": _p(float, 2.0, "1", "Lande g factor", low=0.0, low_open=True, high=10.0),
    "ku_kj_per_m3": _p(
        float, 0.0, "kJ m-3", "uniaxial anisotropy Ku along the film normal (> 0 favours "
        "the normal)", low=-1.0e5, high=1.0e5,
    ),
    "kc_kj_per_m3": _p(
        float, 0.0, "kJ m-3", "cubic anisotropy K1, cubic axes along x, y, z",
        low=-1.0e5, high=1.0e5,
    ),
    "damping": _p(
        float, None, "1", "intrinsic (isotropic) Gilbert damping of the FM", low=0.0, high=1.0,
        high_open=True,
    ),
    "inhomogeneous_broadening_mt": _p(
        float, 0.0, "mT", "inhomogeneous linewidth mu0 dH0 (half width at half maximum)",
        low=0.0,
    ),
    "exchange_stiffness_pj_per_m": _p(
        float, 0.0, "pJ m-1", "exchange stiffness A_ex", low=0.0, high=1.0e3,
    ),
    "spin": _p(float, None, "1", "spin S per FM cell at the interface", low=0.0, low_open=True),
    "cell_area_nm2": _p(
        float, None, "nm2", "area A per FM cell at the interface", low=0.0, low_open=True,
    ),
    "curie_temperature_k": _p(
        float, math.inf, "K", "Curie temperature (inf: Ms does not depend on temperature)",
        low=0.0, low_open=True, high=math.inf,
    ),
}  # fmt: skip

INTERFACE = {
    "exchange_mev": _p(
        float, None, "meV", "sd exchange Delta_sd of Eq. (1) (m the moment direction; "
        "Delta_sd = -J_sd S)", low=-1000.0, high=1000.0,
    ),
}  # fmt: skip

GATE = {
    "period_um": _p(float, 1.0, "um", "grating period L", low=1.0e-3, high=1.0e4),
    "distance_nm": _p(
        float, 50.0, "nm", "gate-to-surface distance d", low=0.0, high=1.0e6,
    ),
    "duty_cycle": _p(
        float, 0.5, "1", "fraction of the period under the biased strips", low=0.0, high=1.0,
        low_open=True, high_open=True,
    ),
    "permittivity": _p(
        float, 9.0, "1", "relative permittivity of the gate dielectric", low=1.0,
    ),
    "voltage_v": _p(float, 0.1, "V", "ac voltage amplitude on the biased strips"),
    "frequency_ghz": _p(
        float, 10.0, "GHz", "drive frequency f of the gate", low=0.0, low_open=True,
        high=1.0e4,
    ),
    "harmonics": _p(int, 15, "1", "gate harmonics n = 1..N kept", low=1, high=4096),
    "screening": _p(
        bool, True, "1", "screen the gate field by the surface electrons (false: the "
        "paper's unscreened drive)",
    ),
    "screening_method": _p(
        str, "analytic", "1", "density response of the screening: the closed forms or the "
        "exact ladder (as for K)", choices=("analytic", "ladder"),
    ),
}  # fmt: skip

ENVIRONMENT = {
    "field_mt": _p(float, 100.0, "mT", "applied field mu0 H", low=0.0, high=1.0e5),
    "field_theta_deg": _p(
        float, 45.0, "degree", "polar angle of the field from the TI normal", low=0.0,
        high=180.0,
    ),
    "field_phi_deg": _p(
        float, 0.0, "degree", "azimuth of the field from the grating wavevector",
        low=-360.0, high=360.0,
    ),
    "temperature_k": _p(float, 2.0, "K", "temperature", low=0.0),
}  # fmt: skip

#: Upper bounds far beyond any device, so that every number stays in floating-point range
#: (a Fermi level of 10 eV, 10^16 carriers per cm^2, a permittivity of 10^5, ...).
_CAPS = {
    "surface": {"fermi_energy_mev": 1.0e4, "carrier_density_per_cm2": 1.0e16,
                "backgate_capacitance_nf_per_cm2": 1.0e6, "mobility_cm2_per_vs": 1.0e8,
                "tau_tr_ps": 1.0e6, "permittivity": 1.0e5},
    "fm": {"thickness_nm": 1.0e5, "monolayer_nm": 1.0e3, "inhomogeneous_broadening_mt": 1.0e5,
           "spin": 100.0, "cell_area_nm2": 1.0e4},
    "gate": {"permittivity": 1.0e5},
    "environment": {"temperature_k": 1.0e4},
}  # fmt: skip
#: Lower bounds far below any device, for the same reason (a transport time of 1 attosecond...).
_FLOORS = {
    "surface": {"fermi_energy_mev": 1.0e-3, "carrier_density_per_cm2": 1.0e6,
                "backgate_capacitance_nf_per_cm2": 1.0e-6, "mobility_cm2_per_vs": 1.0e-3,
                "tau_tr_ps": 1.0e-6, "disorder_alpha": 1.0e-6},
    "fm": {"ms_ka_per_m": 1.0e-3, "thickness_nm": 1.0e-3, "monolayer_nm": 1.0e-3,
           "g_factor": 1.0e-3, "spin": 1.0e-3, "cell_area_nm2": 1.0e-4},
    "gate": {"frequency_ghz": 1.0e-6},
}  # fmt: skip
#: Symmetric bounds |value| <= cap for signed quantities.
_SIGNED = {("surface", "backgate_voltage_v"): 1.0e4, ("gate", "voltage_v"): 1.0e4}

for _section, _caps in _CAPS.items():
    _table = {"surface": SURFACE, "fm": FM, "gate": GATE, "environment": ENVIRONMENT}[_section]
    for _key, _cap in _caps.items():
        _table[_key] = replace(_table[_key], high=_cap)
for _section, _floors in _FLOORS.items():
    _table = {"surface": SURFACE, "fm": FM, "gate": GATE}[_section]
    for _key, _floor in _floors.items():
        _table[_key] = replace(_table[_key], low=_floor, low_open=False)
for (_section, _key), _cap in _SIGNED.items():
    _table = {"surface": SURFACE, "gate": GATE}[_section]
    _table[_key] = replace(_table[_key], low=-_cap, high=_cap)

#: ``{section: {key: Parameter}}`` of a device file.
DEVICE_SCHEMA: Schema = {
    "surface": SURFACE,
    "fm": FM,
    "interface": INTERFACE,
    "gate": GATE,
    "environment": ENVIRONMENT,
}

#: Groups of alternative keys: exactly one member must be set.
ALTERNATIVES = {
    "surface.Fermi level": ("fermi_energy_mev", "carrier_density_per_cm2"),
    "surface.disorder": ("mobility_cm2_per_vs", "tau_tr_ps", "disorder_alpha"),
}
