"""How the response tensor K(q, omega) is computed: closed forms (App. B), the exact ladder, the
crossed diagrams beyond it (``crossed``) and an exact disorder average (``exact``)."""

from .analytic import analytic_response as analytic_response
from .analytic import conductivity as conductivity
from .analytic import diffusion_factor as diffusion_factor
from .analytic import rotated_response as rotated_response
from .analytic import rotation_matrix as rotation_matrix
from .analytic import torque_vector_Q as torque_vector_Q
from .crossed import crossed_kernel as crossed_kernel
from .crossed import crossed_response as crossed_response

METHODS = ("analytic", "ladder")


def response_tensor(model, q, omega, *, method: str = "analytic", **options):
    """K(q, omega) of Eq. (8) by ``method``: "analytic" (App. B closed forms) or "ladder".

    q (..., 2) and omega (...) in model units (hbar = v = 1). Options go to the method.
    """
    if method == "analytic":
        return analytic_response(model, q, omega, **options)
    if method == "ladder":
        try:
            from .ladder import ladder_response
        except ImportError:  # pragma: no cover - until the ladder lands
            raise NotImplementedError("method='ladder' is not available in this build") from None
        return ladder_response(model, q, omega, **options)
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")
