"""Where the paper's theory holds, and a warning for where it does not."""

from __future__ import annotations

import warnings


class RegimeWarning(UserWarning):
    """A parameter set leaves the regime of the theory (alpha << 1, omega tau_tr << 1, D q^2 tau_tr << 1)."""


#: The paper expands in alpha, omega*tau_tr and D q^2 tau_tr; beyond this value we warn.
REGIME_THRESHOLD = 0.1


def warn_if_outside(
    checks: dict[str, float], *, threshold: float = REGIME_THRESHOLD, stacklevel: int = 3
) -> list[str]:
    """Warn once for every small parameter in ``checks`` that exceeds ``threshold``.

    ``checks`` maps a human-readable name (e.g. ``"omega*tau_tr"``) to its largest value.
    Returns the names that failed.
    """
    failed = [name for name, value in checks.items() if value > threshold]
    for name in failed:
        warnings.warn(
            f"{name} = {checks[name]:.3g} > {threshold}: outside the regime of the paper's "
            f"closed forms (they expand in {name} << 1); use method='ladder' for the exact "
            "noncrossing response or reduce it",
            RegimeWarning,
            stacklevel=stacklevel,
        )
    return failed
