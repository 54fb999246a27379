"""Physical constants (CODATA, via :mod:`scipy.constants`) used by tisot.

The paper's electron charge is negative: ``E_CHARGE = e = -|e|`` (Eq. 1).
"""

from __future__ import annotations

import scipy as _scipy
import scipy.constants as _sc

HBAR: float = _sc.hbar  #: J s
H_PLANCK: float = _sc.h  #: J s
E_CHARGE: float = -_sc.e  #: C, the electron's charge e = -|e| (paper's convention)
ELEMENTARY_CHARGE: float = _sc.e  #: C, |e|
MEV: float = 1e-3 * _sc.e  #: J per meV
CONDUCTANCE_QUANTUM: float = _sc.e**2 / _sc.h  #: e^2/h in S, the unit of sigma in Eq. (9)
EPSILON_0: float = _sc.epsilon_0  #: F/m, vacuum permittivity (gate electrostatics)
GAMMA_ELECTRON: float = _sc.physical_constants["electron gyromag. ratio"][0]  #: rad s^-1 T^-1 (<0)
CONSTANTS_SOURCE: str = (
    f"scipy.constants (SciPy {_scipy.__version__})"  #: for provenance attributes
)
