"""|Q| and sigma_yy from the diffusive to the ballistic regime: exact ladder vs the paper.

eps = 1, Delta_z = 0.3, alpha = 0.02 (ell = v tau_tr ~ 10 hbar v/eps), cutoff 5 eps, q along x.
Top: against q ell at omega tau_tr = 0.01. Bottom: against omega tau_tr at q ell = 0.1.
Lines: ``ladder_dataset`` (exact noncrossing, Eqs. 10-13) and, thin green, its leading order in
alpha (``fermi_surface_response``, closed form); dashed: Eq. (14)/(B4a) for Q and
(B3b) for sigma_yy (``analytic_response``, with the O(omega tau_tr) terms as printed, and without).
sigma_yy is the paper's label for K_yy (Eq. 8); with x along q it is the *longitudinal*
physical conductivity (``tisot.response.conductivity``), the one with the diffusion pole.

Run: ``.venv/bin/python examples/ladder_crossover.py [--out ladder_crossover.png]``
(about a second; writes the PNG atomically).
"""

from __future__ import annotations

import argparse
import os
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from tisot.model import SurfaceModel
from tisot.response import analytic_response
from tisot.response.ladder import fermi_surface_response, ladder_dataset

MODEL = SurfaceModel(exchange_energy=0.3, disorder=0.02)
TAU, D = MODEL.transport_time, MODEL.diffusion_constant
ELL = MODEL.mean_free_path


def curves(q_ell, omega_tau):
    """Ladder and closed-form K on a line of (q ell, omega tau_tr) (q along x)."""
    q_ell, omega_tau = np.broadcast_arrays(q_ell, omega_tau)
    q = np.stack([q_ell / ELL, np.zeros_like(q_ell)], axis=-1)
    w = omega_tau / TAU
    ds = ladder_dataset(MODEL, q, w, rtol=1e-8)
    paper = analytic_response(MODEL, q, w, corrections="paper", check_regime=False)
    leading = analytic_response(MODEL, q, w, corrections=False, check_regime=False)
    surface = fermi_surface_response(MODEL, q, w)
    return ds, paper, leading, surface


def panel_pair(axes, x, xlabel, ds, paper, leading, surface):
    ax_q, ax_s = axes
    s0 = MODEL.sigma0
    ax_q.loglog(x, np.abs(ds.Q.values[:, 0]), "k-", label="exact ladder")
    ax_q.loglog(x, np.abs(surface[:, 1, 2]), "C2-", lw=0.8, label=r"ladder, leading in $\alpha$")
    ax_q.loglog(x, np.abs(paper[:, 1, 2]), "C0--", label="Eq. (B4a)")
    ax_q.loglog(x, np.abs(leading[:, 1, 2]), "C1:", label="Eq. (14), leading")
    ax_q.set_xlabel(xlabel)
    ax_q.set_ylabel(r"$|Q_x|$ (dimensionless)")
    ax_q.legend(fontsize=8)
    syy = ds.K.values[:, 1, 1] / s0  # the paper's sigma_yy (Eq. 8) = physical sigma_xx
    ax_s.semilogx(x, syy.real, "k-", label=r"Re, exact ladder")
    ax_s.semilogx(x, syy.imag, "k-.", label=r"Im, exact ladder")
    fs = surface[:, 1, 1] / s0
    ax_s.semilogx(x, fs.real, "C2-", lw=0.8, label=r"Re, Im: leading in $\alpha$")
    ax_s.semilogx(x, fs.imag, "C2-.", lw=0.8)
    ax_s.semilogx(x, (paper[:, 1, 1] / s0).real, "C0--", label="Re, Eq. (B3b)")
    ax_s.semilogx(x, (paper[:, 1, 1] / s0).imag, "C3--", label="Im, Eq. (B3b)")
    ax_s.set_xlabel(xlabel)
    ax_s.set_ylabel(r"paper's $\sigma_{yy} = K_{yy}$, over $\sigma_0$")
    ax_s.legend(fontsize=8)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="ladder_crossover.png")
    args = parser.parse_args()

    q_ell = np.logspace(-2.5, np.log10(8.0), 120)
    omega_tau = np.logspace(-4, 1, 120)
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), constrained_layout=True)
    panel_pair(axes[0], q_ell, r"$q\ell$  ($\omega\tau_{tr} = 0.01$)", *curves(q_ell, 0.01))
    panel_pair(axes[1], omega_tau, r"$\omega\tau_{tr}$  ($q\ell = 0.1$)", *curves(0.1, omega_tau))
    fig.suptitle(
        r"$\varepsilon = 1$, $\Delta_z = 0.3$, $\alpha = 0.02$, cutoff $5\varepsilon$: "
        "exact ladder vs App. B"
    )
    folder = os.path.dirname(os.path.abspath(args.out))
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".png", delete=False) as tmp:
        fig.savefig(tmp.name, dpi=110)
    os.replace(tmp.name, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
