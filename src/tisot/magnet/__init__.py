"""Magnetostatics and small-angle dynamics of the FM film (docs/magnetostatics.md).

:class:`FilmMagnet` (Ms, anisotropies, g) gives the energy and the effective field;
:func:`equilibrium` minimises the energy (all minima, hysteresis, ambiguity);
:func:`resonance_frequency` (Smit–Beljers) and :func:`kittel_field` the uniform mode;
:func:`driven_response`, :func:`susceptibility`, :func:`absorbed_power_density` the linearised
driven LLG (its operator: :func:`dynamic_matrix`); :func:`spin_wave_frequency` the thin-film dispersion; :func:`field_sweep` and
:func:`resonance_sweep` the lab's sweeps as xarray Datasets (mT, GHz, degrees). SI inside: fields mu0 H in T,
frequencies in Hz, energies in J/m^3, lengths in m; angles in degrees.
"""

from .equilibrium import Equilibrium as Equilibrium
from .equilibrium import Minimum as Minimum
from .equilibrium import check_equilibrium as check_equilibrium
from .equilibrium import equilibrium as equilibrium
from .equilibrium import equilibrium_at as equilibrium_at
from .equilibrium import relax as relax
from .film import MU0 as MU0
from .film import FilmMagnet as FilmMagnet
from .film import angles_deg as angles_deg
from .film import field_vector as field_vector
from .film import local_frame as local_frame
from .linear import absorbed_power_density as absorbed_power_density
from .linear import dipolar_factor as dipolar_factor
from .linear import driven_response as driven_response
from .linear import dynamic_matrix as dynamic_matrix
from .linear import stiffness as stiffness
from .linear import susceptibility as susceptibility
from .resonance import kittel_field as kittel_field
from .resonance import resonance_frequency as resonance_frequency
from .spinwaves import spin_wave_frequency as spin_wave_frequency
from .sweep import field_sweep as field_sweep
from .sweep import resonance_sweep as resonance_sweep

__all__ = [
    "MU0",
    "Equilibrium",
    "FilmMagnet",
    "Minimum",
    "absorbed_power_density",
    "angles_deg",
    "check_equilibrium",
    "dipolar_factor",
    "driven_response",
    "dynamic_matrix",
    "equilibrium",
    "equilibrium_at",
    "field_sweep",
    "field_vector",
    "kittel_field",
    "local_frame",
    "relax",
    "resonance_frequency",
    "resonance_sweep",
    "spin_wave_frequency",
    "stiffness",
    "susceptibility",
]
