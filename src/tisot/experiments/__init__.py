"""Experiments built on the model, the drive and the dynamics engine.

fig3, paper            the paper's Fig. 3, Eq. (19) and its reproduction (``tisot paper``)
resonance, steady      steady-state observables of Eq. (18) and the one steady-state window
film                   a film of macrospins along the grating (low level)
device_dynamics        a device's FM under its gate, time-integrated (``tisot film``)
device_torques         both torques at the real equilibrium, against the field angle
spectra, fitting, analysis   what an instrument records, and fits of measured spectra
"""
