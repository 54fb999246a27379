"""One disorder realisation of the continuum surface (Eq. 1 with Eq. 5) in a periodic box.

Basis: plane waves p = 2 pi n / L, |p| < p_c, times the two spin states: no lattice, so no
fermion doubling, and the same cutoff as the ladder (every momentum inside |p| < p_c, the
convention of :mod:`tisot.response.selfenergy` and :mod:`tisot.response.crossed`).

H = (p x sigma)_z - Delta_z sigma_z + P V P (hbar = v = 1; P the projector on the basis),
with Gaussian white noise <V(r) V(r')> = W delta(r - r'), W = 2 pi alpha (Eq. 5): the matrix
elements <p|V|p'> = V~(p - p')/L^2 with <|V~(k)|^2> = W L^2, so that the Born self-energy of
this H is the ladder's Sigma = W Int d^2p/(2 pi)^2 G_p over |p| < p_c exactly.

V is drawn in Fourier space for |k| < 2 p_c (no other component couples two basis states) and
applied in position space by FFT on an N x N grid with N > 4 n_c (n_c = p_c L / 2 pi), which
makes P V P psi exact (no aliasing into |p| < p_c).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import scipy.fft as sfft


def _fft_size(n: int) -> int:
    """Smallest 2^a 3^b 5^c >= n (fast FFT sizes)."""
    best = 1 << math.ceil(math.log2(max(n, 1)))
    for a in range(best.bit_length() + 1):
        for b in range(12):
            for c in range(8):
                m = 2**a * 3**b * 5**c
                if n <= m < best:
                    best = m
    return best


@dataclass
class PlaneWaveBox:
    """The plane-wave basis |p| < p_c of an L x L periodic box, and H applied to vectors."""

    length: float  #: L, in hbar v / E0
    cutoff: float  #: p_c, in E0 / (hbar v) (absolute)
    delta_z: float  #: Delta_z in E0
    grid: int = field(init=False)  #: FFT grid N
    px: np.ndarray = field(init=False, repr=False)
    py: np.ndarray = field(init=False, repr=False)
    index: tuple = field(init=False, repr=False)  #: grid indices of the basis momenta

    def __post_init__(self) -> None:
        nc = self.cutoff * self.length / (2 * math.pi)
        if nc < 2:
            raise ValueError(
                f"box too small for the cutoff: p_c L / 2 pi = {nc:.3g} < 2 plane waves; raise "
                "box_length"
            )
        m = math.floor(nc)
        n = np.arange(-m, m + 1)
        nx, ny = np.meshgrid(n, n, indexing="ij")
        px, py = 2 * math.pi * nx / self.length, 2 * math.pi * ny / self.length
        keep = px * px + py * py < self.cutoff * self.cutoff
        self.grid = _fft_size(4 * m + 2)
        self.px, self.py = px[keep], py[keep]
        self.index = (nx[keep] % self.grid, ny[keep] % self.grid)

    @property
    def size(self) -> int:
        """Dimension of the Hilbert space (2 spin states per plane wave)."""
        return 2 * self.px.size

    def kinetic(self) -> np.ndarray:
        """(np, 2, 2) blocks of (p x sigma)_z - Delta_z sigma_z = p_x sigma_y - p_y sigma_x - ..."""
        h = np.zeros((self.px.size, 2, 2), dtype=complex)
        h[:, 0, 0], h[:, 1, 1] = -self.delta_z, self.delta_z
        h[:, 0, 1] = -1j * self.px - self.py  # p_x (-i) - p_y (1)
        h[:, 1, 0] = 1j * self.px - self.py
        return h

    def potential(self, alpha: float, rng: np.random.Generator) -> np.ndarray:
        """One white-noise realisation V(r) on the N x N grid (real), band-limited to 2 p_c.

        Normalised so that the matrix elements <p|V|p'> = (1/N^2) sum_r V(r) e^{-i(p-p')r}
        obey <|V_pp'|^2> = W / L^2 (W = 2 pi alpha, Eq. 5).
        """
        N = self.grid
        k = 2 * math.pi * sfft.fftfreq(N, d=1.0 / N) / self.length
        kx, ky = np.meshgrid(k, k, indexing="ij")
        W = 2 * math.pi * alpha
        noise = rng.standard_normal((N, N))  # real white noise: <|fft|^2> = N^2
        vk = sfft.fft2(noise) * math.sqrt(W) / self.length
        vk[kx * kx + ky * ky >= 4 * self.cutoff * self.cutoff] = 0.0
        # apply() gives <p'|V|p> = fft2(V)(p' - p) / N^2, and fft2(N ifft2(vk)) = N vk, whose
        # variance is N^2 |vk|^2 = N^4 W / L^2: the N^4 cancels the 1/N^4 of the square
        return np.real(sfft.ifft2(vk)) * N

    def apply(self, psi: np.ndarray, potential: np.ndarray, kinetic: np.ndarray) -> np.ndarray:
        """H psi for psi (..., np, 2): kinetic blocks plus P V P by FFT (no aliasing)."""
        out = np.einsum("kab,...kb->...ka", kinetic, psi)
        N = self.grid
        shape = psi.shape[:-2]
        field_k = np.zeros((*shape, 2, N, N), dtype=complex)
        field_k[..., :, self.index[0], self.index[1]] = np.moveaxis(psi, -1, -2)
        field_r = sfft.ifft2(field_k, workers=-1)
        back = sfft.fft2(field_r * potential, workers=-1)
        out += np.moveaxis(back[..., :, self.index[0], self.index[1]], -2, -1)
        return out

    def dense(self, potential: np.ndarray) -> np.ndarray:
        """H as a dense (2 np, 2 np) matrix, index 2 k + s: <p'|V|p> = V~(p' - p)/N^2 written
        out element by element (the baseline the FFT path is checked and timed against)."""
        N = self.grid
        vk = np.fft.fft2(potential) / (N * N)
        ix, iy = self.index
        dv = vk[(ix[:, None] - ix[None, :]) % N, (iy[:, None] - iy[None, :]) % N]
        n = self.px.size
        H = np.zeros((n, 2, n, 2), dtype=complex)
        H[:, 0, :, 0] = dv
        H[:, 1, :, 1] = dv
        kin = self.kinetic()
        k = np.arange(n)
        H[k, :, k, :] += kin
        return H.reshape(2 * n, 2 * n)
