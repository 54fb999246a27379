"""Experiments built on the dynamics engine (Fig. 3, films, spin-torque resonance)."""
