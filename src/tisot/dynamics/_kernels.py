"""Compiled integrators for batches of macrospins (numba, ``cache=True``, no fastmath).

``error_model="numpy"`` (a zero division gives inf instead of raising; every denominator here
is >= 1) lets LLVM vectorize the stage loops over trajectories without changing a single bit of
the IEEE results.

Layout: state and parameters are structure-of-arrays, ``m[3, N]``, ``par[NPAR, N]`` (rows below),
so the loop over trajectories is contiguous. Every kernel integrates one *chunk* [t_a, t_b] and
updates its state in place; :mod:`tisot.dynamics.simulate` calls them chunk by chunk (progress,
breakpoints). Nothing but the requested outputs and running sums is stored.

* :func:`rk4_chunk` - fixed step, classical RK4 (order 4) projected on |m| = 1 after each step,
  FSAL derivative kept for the next step; independent trajectories in blocks of up to
  ``BLOCK`` whose private state stays in L1 through all the steps of a chunk, one fused,
  vectorised loop per step (:func:`_rk4_steps`).
* :func:`dopri_chunk` - Dormand-Prince 5(4) with per-trajectory step control and the quartic
  dense output (Hairer, Norsett & Wanner I, II.6; Shampine 1986), independent trajectories;
  each accepted step (and dense output) optionally projected on |m| = 1.
* :func:`rk4_coupled_chunk`, :func:`dopri_coupled_chunk` - the same schemes for an exchange
  coupled grid and/or the dipolar kernel (one global step, error norm over the whole grid).

The effective field of Eq. (M1) (:mod:`tisot.dynamics.equation`: anisotropy rows KX, KY, KZ
and the cubic rate KC) is evaluated inside every rate call; the dipolar field of Eq. (D2) of
:class:`~tisot.dynamics.batch.DipolarKernel` in :func:`coupled_rate`. Threads are started
once per chunk, and only when there is more than one block of work (a start can cost a
scheduler time slice on a loaded machine).

Time averages use the end-corrected trapezoid rule per step,
int_0^h y = h (y0 + y1) / 2 + h^2 (y0' - y1') / 12 + O(h^5), which needs only the FSAL
derivatives, so it is as accurate as the schemes themselves.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from .equation import rate

# rows of the parameter table (MacrospinBatch.parameter_table)
(WX, WY, WZ, F0, OMEGA, PHASE, BX, BY, BZ, BPHASE, AG, AH, AI, NX, NY, NZ, HX, HY, HZ,
 KX, KY, KZ, KC) = range(23)  # fmt: skip
NPAR = 23
BLOCK = 256  # lanes per block: ~20 private arrays of BLOCK doubles stay in L1 (48 KiB)
SMALL_BATCH = 8
RESYNC = 128

# Dormand-Prince 5(4) tableau
C2, C3, C4, C5 = 1 / 5, 3 / 10, 4 / 5, 8 / 9
A21 = 1 / 5
A31, A32 = 3 / 40, 9 / 40
A41, A42, A43 = 44 / 45, -56 / 15, 32 / 9
A51, A52, A53, A54 = 19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729
A61, A62, A63, A64, A65 = 9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656
B1, B3, B4, B5, B6 = 35 / 384, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84
# error coefficients (5th minus embedded 4th order), stage 7 = f(y_new)
E1, E3, E4, E5, E6, E7 = (
    -71 / 57600,
    71 / 16695,
    -71 / 1920,
    17253 / 339200,
    -22 / 525,
    1 / 40,
)
# dense output: y(t + s h) = y + h sum_k K_k (P_k1 s + P_k2 s^2 + P_k3 s^3 + P_k4 s^4)
DENSE = np.array(
    [
        [1, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
        [0, 0, 0, 0],
        [
            0,
            131558114200 / 32700410799,
            -68118460800 / 10900136933,
            87487479700 / 32700410799,
        ],
        [0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
        [
            0,
            127303824393 / 49829197408,
            -318862633887 / 49829197408,
            701980252875 / 199316789632,
        ],
        [0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
        [0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423],
    ]
)


@njit(cache=True, error_model="numpy", inline="always")
def _tabulated(tab, i, t, t0, dt):
    """Linear interpolation of tab[i] on the grid t0 + k dt; zero outside."""
    x = (t - t0) / dt
    nt = tab.shape[1]
    if x < 0.0 or x > nt - 1:
        return 0.0
    k = min(int(x), nt - 2)
    w = x - k
    return (1.0 - w) * tab[i, k] + w * tab[i, k + 1]


@njit(cache=True, error_model="numpy", inline="always")
def _drive(par, tab, has_tab, t0, dt, i, t):
    """f(t) and b(t) of trajectory i."""
    f = par[F0, i] * math.cos(par[OMEGA, i] * t + par[PHASE, i])
    if has_tab:
        f += _tabulated(tab, i, t, t0, dt)
    cb = math.cos(par[OMEGA, i] * t + par[BPHASE, i])
    return f, par[BX, i] * cb, par[BY, i] * cb, par[BZ, i] * cb


@njit(cache=True, error_model="numpy", inline="always")
def _rate_i(par, i, mx, my, mz, wx, wy, wz, f, bx, by, bz):
    return rate(
        mx, my, mz, wx, wy, wz, par[KX, i], par[KY, i], par[KZ, i], par[KC, i], f, bx, by, bz,
        par[AG, i], par[AH, i], par[AI, i], par[NX, i], par[NY, i], par[NZ, i],
    )  # fmt: skip


@njit(cache=True, error_model="numpy", parallel=True)
def initial_rate(m, par, tab, has_tab, t0, dt, t, k):
    """k[:, i] = dm/dt at time t (independent trajectories)."""
    for i in prange(m.shape[1]):
        f, bx, by, bz = _drive(par, tab, has_tab, t0, dt, i, t)
        k[0, i], k[1, i], k[2, i] = _rate_i(
            par, i, m[0, i], m[1, i], m[2, i], par[WX, i], par[WY, i], par[WZ, i], f, bx, by, bz
        )


@njit(cache=True, error_model="numpy")
def rk4_chunk(
    m, k, par, tab, has_tab, has_fl, t0, dt, t_a, h, nsteps, acc, mhmin, err, accumulate, defect,
    threads,
):  # fmt: skip
    """``nsteps`` projected RK4 steps of size ``h`` from ``t_a`` for every trajectory.

    m, k: (3, N) state and its derivative (FSAL), updated. acc: (3, N) += int m dt,
    mhmin: (N,) running min of m_H, both only when ``accumulate``. err: (N,) += local error
    indicator h/6 |k4 - f(y_new)| (an O(h^4) defect, a conservative bound on the RK4 error).
    defect: (N,) running max of | |y_new| - 1 | before the projection.
    has_fl: False when every fieldlike amplitude is zero (skips its phasor). threads: the
    number of numba threads (blocks are made small enough to give each one work).

    The harmonic drives cos(omega t + phase) are advanced by rotating their phasors by
    omega h / 2 (two products per half step) and recomputed exactly every ``RESYNC`` steps,
    which keeps the phase error at the rounding level (~RESYNC * 1e-16).

    Threads are started only when there is more than one block of work: a chunk is often
    short (one output interval), and a thread start costs up to a scheduler time slice on a
    loaded machine.
    """
    n = m.shape[1]
    if n < SMALL_BATCH:  # a few trajectories: the fused scalar loop has less overhead
        for i in range(n):
            _rk4_one(
                i, m, k, par, tab, has_tab, t0, dt, t_a, h, nsteps, acc, mhmin, err, accumulate,
                defect,
            )  # fmt: skip
        return
    # blocks of at most BLOCK lanes, at least one per thread
    size = min(BLOCK, max(SMALL_BATCH, -(-n // max(threads, 1))))
    nblock = -(-n // size)
    if nblock == 1:
        _rk4_block(
            0, n, m, k, par, tab, has_tab, has_fl, t0, dt, t_a, h, nsteps, acc, mhmin, err,
            accumulate, defect,
        )  # fmt: skip
    else:
        _rk4_blocks_threads(
            size, nblock, m, k, par, tab, has_tab, has_fl, t0, dt, t_a, h, nsteps, acc, mhmin,
            err, accumulate, defect,
        )  # fmt: skip


@njit(cache=True, error_model="numpy", parallel=True)
def _rk4_blocks_threads(
    size, nblock, m, k, par, tab, has_tab, has_fl, t0, dt, t_a, h, nsteps, acc, mhmin, err,
    accumulate, defect,
):  # fmt: skip
    n = m.shape[1]
    for blk in prange(nblock):
        lo = blk * size
        hi = min(n, lo + size)
        _rk4_block(
            lo, hi, m, k, par, tab, has_tab, has_fl, t0, dt, t_a, h, nsteps, acc, mhmin, err,
            accumulate, defect,
        )  # fmt: skip


@njit(cache=True, error_model="numpy")
def _rk4_block(
    lo, hi, m, k, par, tab, has_tab, has_fl, t0, dt, t_a, h, nsteps, acc, mhmin, err, accumulate,
    defect,
):  # fmt: skip
    """The steps of :func:`rk4_chunk` for trajectories lo..hi-1 (one thread).

    The block's state, parameters and running sums are copied into small private arrays once
    per chunk and stay in L1 for all ``nsteps`` steps; each step is one vectorised loop over the
    block (:func:`_rk4_steps`), and the global arrays are written once at the end.
    """
    nb = hi - lo
    h2 = 0.5 * h
    P = np.empty((NPAR, nb))  # the block's parameters, contiguous
    for r in range(NPAR):
        for il in range(nb):
            P[r, il] = par[r, lo + il]
    cd = np.empty(nb)  # cos, sin of the drive phase at the step start
    sd = np.empty(nb)
    cb = np.zeros(nb)  # same for the fieldlike phase
    sb = np.zeros(nb)
    cr = np.empty(nb)  # cos, sin of omega h / 2
    sr = np.empty(nb)
    drv = np.zeros((4, nb))  # f(t + h/2), f(t + h), fieldlike factor at t + h/2, t + h
    y0, y1, y2 = np.empty(nb), np.empty(nb), np.empty(nb)
    k0, k1, k2 = np.empty(nb), np.empty(nb), np.empty(nb)
    a0, a1, a2 = np.zeros(nb), np.zeros(nb), np.zeros(nb)
    ea = np.zeros(nb)
    mhm = np.empty(nb)
    dfm = np.empty(nb)
    wacc = 1.0 if accumulate else 0.0
    skip = 0.0 if accumulate else np.inf  # m_H_min ignores steps outside the window
    for il in range(nb):
        i = lo + il
        cr[il] = math.cos(P[OMEGA, il] * h2)
        sr[il] = math.sin(P[OMEGA, il] * h2)
        mhm[il] = mhmin[i]
        dfm[il] = defect[i]
        y0[il], y1[il], y2[il] = m[0, i], m[1, i], m[2, i]
        k0[il], k1[il], k2[il] = k[0, i], k[1, i], k[2, i]
    for step in range(nsteps):
        t = t_a + step * h
        if step % RESYNC == 0:
            for il in range(nb):
                ph = P[OMEGA, il] * t + P[PHASE, il]
                cd[il] = math.cos(ph)
                sd[il] = math.sin(ph)
            if has_fl:
                for il in range(nb):
                    ph = P[OMEGA, il] * t + P[BPHASE, il]
                    cb[il] = math.cos(ph)
                    sb[il] = math.sin(ph)
        # drives at t + h/2 and t + h: rotate the phasors twice by omega h / 2
        for il in range(nb):
            c_r = cr[il]
            s_r = sr[il]
            ch = cd[il] * c_r - sd[il] * s_r
            sh = sd[il] * c_r + cd[il] * s_r
            c1 = ch * c_r - sh * s_r
            s1 = sh * c_r + ch * s_r
            cd[il] = c1
            sd[il] = s1
            drv[0, il] = P[F0, il] * ch
            drv[1, il] = P[F0, il] * c1
        if has_tab:
            for il in range(nb):
                drv[0, il] += _tabulated(tab, lo + il, t + h2, t0, dt)
                drv[1, il] += _tabulated(tab, lo + il, t + h, t0, dt)
        if has_fl:
            for il in range(nb):
                c_r = cr[il]
                s_r = sr[il]
                ch = cb[il] * c_r - sb[il] * s_r
                sh = sb[il] * c_r + cb[il] * s_r
                c1 = ch * c_r - sh * s_r
                s1 = sh * c_r + ch * s_r
                cb[il] = c1
                sb[il] = s1
                drv[2, il] = ch
                drv[3, il] = c1
        _rk4_steps(
            nb, P, drv, h, wacc, skip, y0, y1, y2, k0, k1, k2, a0, a1, a2, ea, mhm, dfm
        )  # fmt: skip
    for il in range(nb):
        i = lo + il
        err[i] += ea[il]
        mhmin[i] = mhm[il]
        defect[i] = dfm[il]
        m[0, i], m[1, i], m[2, i] = y0[il], y1[il], y2[il]
        k[0, i], k[1, i], k[2, i] = k0[il], k1[il], k2[il]
        acc[0, i] += a0[il]
        acc[1, i] += a1[il]
        acc[2, i] += a2[il]


@njit(cache=True, error_model="numpy", inline="always")
def _rate_p(P, il, mx, my, mz, f, bc):
    """dm/dt of lane il of a block parameter table P (fieldlike factor bc)."""
    return rate(
        mx, my, mz, P[WX, il], P[WY, il], P[WZ, il], P[KX, il], P[KY, il], P[KZ, il], P[KC, il],
        f, P[BX, il] * bc, P[BY, il] * bc, P[BZ, il] * bc,
        P[AG, il], P[AH, il], P[AI, il], P[NX, il], P[NY, il], P[NZ, il],
    )  # fmt: skip


@njit(cache=True, error_model="numpy")
def _rk4_steps(nb, P, drv, h, wacc, skip, y0, y1, y2, k0, k1, k2, a0, a1, a2, ea, mhm, dfm):
    """One projected RK4 step of every lane of a block, fused into one loop over lanes.

    Every lane is independent and the state is one 1D array per component, so LLVM vectorises
    the whole step across lanes (after runtime checks that the arrays do not overlap; compiled
    once, with the options of ``_FUSED_OPTIONS``, for ``_FUSED_SIGNATURE``). The FSAL
    derivative k = f(t + h, y_new) is kept for the next step.
    """
    h2 = 0.5 * h
    h6 = h / 6.0
    h12 = h * h / 12.0
    for il in range(nb):
        mx, my, mz = y0[il], y1[il], y2[il]
        ax, ay, az = k0[il], k1[il], k2[il]
        fh, f1, bh, b1 = drv[0, il], drv[1, il], drv[2, il], drv[3, il]
        bx, by, bz = _rate_p(P, il, mx + h2 * ax, my + h2 * ay, mz + h2 * az, fh, bh)
        cx, cy, cz = _rate_p(P, il, mx + h2 * bx, my + h2 * by, mz + h2 * bz, fh, bh)
        dx, dy, dz = _rate_p(P, il, mx + h * cx, my + h * cy, mz + h * cz, f1, b1)
        nx = mx + h6 * (ax + 2.0 * (bx + cx) + dx)
        ny = my + h6 * (ay + 2.0 * (by + cy) + dy)
        nz = mz + h6 * (az + 2.0 * (bz + cz) + dz)
        nrm = math.sqrt(nx * nx + ny * ny + nz * nz)
        dfm[il] = max(dfm[il], abs(nrm - 1.0))
        inv = 1.0 / nrm  # projection on |m| = 1
        nx *= inv
        ny *= inv
        nz *= inv
        ex, ey, ez = _rate_p(P, il, nx, ny, nz, f1, b1)  # FSAL: f(t + h, y_new)
        ea[il] += h6 * math.sqrt((dx - ex) ** 2 + (dy - ey) ** 2 + (dz - ez) ** 2)
        a0[il] += wacc * (h2 * (mx + nx) + h12 * (ax - ex))
        a1[il] += wacc * (h2 * (my + ny) + h12 * (ay - ey))
        a2[il] += wacc * (h2 * (mz + nz) + h12 * (az - ez))
        mhm[il] = min(mhm[il], nx * P[HX, il] + ny * P[HY, il] + nz * P[HZ, il] + skip)
        y0[il], y1[il], y2[il] = nx, ny, nz
        k0[il], k1[il], k2[il] = ex, ey, ez


# LLVM options for compiling the fused step alone. It reads and writes ~18 separate arrays, and
# LLVM vectorises a loop over them only after checking at run time that they do not overlap;
# by default it gives up beyond 8 such checks. Two vectors of lanes per iteration
# (interleave 2) hide the latency of the long chain of dependent operations of one step
# (measured +18 %). These only change how LLVM schedules the same IEEE operations: results
# are bit-identical. They are set for this one compilation and put back to LLVM's defaults,
# inside numba's compiler lock (see _compile_fused_step).
_FUSED_OPTIONS = {
    "runtime-memory-check-threshold": (512, 8),
    "vectorize-memory-check-threshold": (512, 128),
    "force-vector-interleave": (2, 0),
}
_FUSED_SIGNATURE = (
    "void(int64, float64[:, ::1], float64[:, ::1], float64, float64, float64, "
    + ", ".join(["float64[::1]"] * 12)
    + ")"
)


def _compile_fused_step() -> None:
    """Compile ``_rk4_steps`` with ``_FUSED_OPTIONS``, holding numba's compiler lock.

    LLVM options are process-wide globals that LLVM reads while it optimises. Every numba
    compilation runs under ``global_compiler_lock`` (a re-entrant lock, so the compile below
    takes it again), so holding it from setting the options to putting them back means no
    other thread (a dask worker thread, say) compiles with them or while they change.
    """
    import llvmlite.binding as llvm
    from numba.core.compiler_lock import global_compiler_lock

    def put(which: int) -> None:
        for option, values in _FUSED_OPTIONS.items():
            llvm.set_option("", f"--{option}={values[which]}")

    with global_compiler_lock:
        put(0)
        try:
            _rk4_steps.compile(_FUSED_SIGNATURE)  # a cache hit when compiled before
        finally:
            put(1)


_compile_fused_step()


@njit(cache=True, error_model="numpy")
def _rk4_one(
    i, m, k, par, tab, has_tab, t0, dt, t_a, h, nsteps, acc, mhmin, err, accumulate, defect
):
    """The steps of :func:`rk4_chunk` for trajectory i alone (fused stages, for small N)."""
    h2 = 0.5 * h
    h6 = h / 6.0
    h12 = h * h / 12.0
    om = par[OMEGA, i]
    cr = math.cos(om * h2)
    sr = math.sin(om * h2)
    wx, wy, wz = par[WX, i], par[WY, i], par[WZ, i]
    bx, by, bz = par[BX, i], par[BY, i], par[BZ, i]
    mx, my, mz = m[0, i], m[1, i], m[2, i]
    k1x, k1y, k1z = k[0, i], k[1, i], k[2, i]
    cd = sd = cb = sb = 0.0
    for step in range(nsteps):
        t = t_a + step * h
        if step % RESYNC == 0:
            cd = math.cos(om * t + par[PHASE, i])
            sd = math.sin(om * t + par[PHASE, i])
            cb = math.cos(om * t + par[BPHASE, i])
            sb = math.sin(om * t + par[BPHASE, i])
        ch = cd * cr - sd * sr
        sh = sd * cr + cd * sr
        cd = ch * cr - sh * sr
        sd = sh * cr + ch * sr
        bch = cb * cr - sb * sr
        bsh = sb * cr + cb * sr
        cb = bch * cr - bsh * sr
        sb = bsh * cr + bch * sr
        fh = par[F0, i] * ch
        f1 = par[F0, i] * cd
        if has_tab:
            fh += _tabulated(tab, i, t + h2, t0, dt)
            f1 += _tabulated(tab, i, t + h, t0, dt)
        k2x, k2y, k2z = _rate_i(
            par, i, mx + h2 * k1x, my + h2 * k1y, mz + h2 * k1z,
            wx, wy, wz, fh, bx * bch, by * bch, bz * bch,
        )  # fmt: skip
        k3x, k3y, k3z = _rate_i(
            par, i, mx + h2 * k2x, my + h2 * k2y, mz + h2 * k2z,
            wx, wy, wz, fh, bx * bch, by * bch, bz * bch,
        )  # fmt: skip
        k4x, k4y, k4z = _rate_i(
            par, i, mx + h * k3x, my + h * k3y, mz + h * k3z,
            wx, wy, wz, f1, bx * cb, by * cb, bz * cb,
        )  # fmt: skip
        nx = mx + h6 * (k1x + 2.0 * (k2x + k3x) + k4x)
        ny = my + h6 * (k1y + 2.0 * (k2y + k3y) + k4y)
        nz = mz + h6 * (k1z + 2.0 * (k2z + k3z) + k4z)
        nrm = math.sqrt(nx * nx + ny * ny + nz * nz)
        defect[i] = max(defect[i], abs(nrm - 1.0))
        inv = 1.0 / nrm
        nx *= inv
        ny *= inv
        nz *= inv
        k5x, k5y, k5z = _rate_i(par, i, nx, ny, nz, wx, wy, wz, f1, bx * cb, by * cb, bz * cb)
        err[i] += h6 * math.sqrt((k4x - k5x) ** 2 + (k4y - k5y) ** 2 + (k4z - k5z) ** 2)
        if accumulate:
            acc[0, i] += h2 * (mx + nx) + h12 * (k1x - k5x)
            acc[1, i] += h2 * (my + ny) + h12 * (k1y - k5y)
            acc[2, i] += h2 * (mz + nz) + h12 * (k1z - k5z)
            mhmin[i] = min(mhmin[i], nx * par[HX, i] + ny * par[HY, i] + nz * par[HZ, i])
        mx, my, mz = nx, ny, nz
        k1x, k1y, k1z = k5x, k5y, k5z
    m[0, i], m[1, i], m[2, i] = mx, my, mz
    k[0, i], k[1, i], k[2, i] = k1x, k1y, k1z


@njit(cache=True, error_model="numpy", inline="always")
def _project(v):
    """v /= |v| for one 3-vector (in place)."""
    inv = 1.0 / math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    for c in range(3):
        v[c] *= inv


@njit(cache=True, error_model="numpy", inline="always")
def _dense(y, h, K, s):
    """Quartic dense output of DOPRI5 at fraction s of the step, one component."""
    out = y
    for st in range(7):
        q = s * (DENSE[st, 0] + s * (DENSE[st, 1] + s * (DENSE[st, 2] + s * DENSE[st, 3])))
        out += h * K[st] * q
    return out


# ----------------------------------------------------------------------------- DOPRI5 step logic
# shared by dopri_chunk (per trajectory) and dopri_coupled_chunk (one step for the grid); inlined
# by numba (inline="always") so the compiled loops are the same as when they were written out


@njit(cache=True, error_model="numpy", inline="always")
def _clip_step(t, h, t_b):
    """(h, last): the step from t shortened to land on the chunk end t_b when it would pass it."""
    if t + h >= t_b:
        return t_b - t, True
    return h, False


@njit(cache=True, error_model="numpy", inline="always")
def _unit(x, y, z, defect, renorm):
    """(x, y, z, defect) of an accepted y5: | |y5| - 1 | folded into the running max ``defect``,
    y5 / |y5| when ``renorm`` (projection on |m| = 1, Eq. 18 conserves |m|)."""
    nrm = math.sqrt(x * x + y * y + z * z)
    defect = max(defect, abs(nrm - 1.0))
    if renorm:
        return x / nrm, y / nrm, z / nrm, defect
    return x, y, z, defect


@njit(cache=True, error_model="numpy", inline="always")
def _next_step(h, en, t, last, h_prop, hmax):
    """(h_new, underflow) after a step h with error norm en (accepted when en <= 1).

    Hairer, Norsett & Wanner I, Sec. II.4, Eq. (4.13): h_new = h min(facmax, max(facmin,
    0.9 en^(-1/5))) with facmin = 0.2 and facmax = 10 (h_new <= hmax). A step shortened by
    :func:`_clip_step` (``last``) does not shrink the next one below its proposal h_prop.
    After a rejection, ``underflow`` flags a step below 1e-14 |t| (no progress possible).
    """
    if en <= 1.0:
        fac = 10.0 if en == 0.0 else min(10.0, max(0.2, 0.9 * en**-0.2))
        h = min(h * fac, hmax)
        if last:
            h = max(h, min(h_prop, hmax))
        return h, False
    h = h * max(0.2, 0.9 * en**-0.2)
    return h, h < 1e-14 * max(abs(t), 1e-300)


@njit(cache=True, error_model="numpy")
def dopri_chunk(
    m, k, hnext, par, tab, has_tab, t0, dt, t_a, t_b, t_out, j0, j1, out,
    rtol, atol, hmax, max_steps, acc, mhmin, err, counts, accumulate, renorm, defect,
):  # fmt: skip
    """Integrate every trajectory from t_a to t_b with DOPRI5 and its own step size.

    Outputs t_out[j0:j1] (sorted, inside (t_a, t_b]) go to out[:, j, :] by dense output.
    hnext: (N,) proposed step, updated. counts: (N, 3) int64 accepted, rejected steps, and a
    failure flag (1: max_steps exceeded, 2: step size underflow). err: (N,) += |y5 - y4| per
    accepted step (absolute local error estimate). defect: (N,) running max of | |y5| - 1 |
    over accepted steps. ``renorm``: project every accepted y5 (and every dense output) on
    |m| = 1, so that the O(rtol) norm error of each step does not accumulate (the FSAL
    derivative f(y5) is kept: it differs from f(y5 / |y5|) by O(defect), below the local
    error the controller accepted).
    """
    if m.shape[1] == 1:  # no thread start for one trajectory (see rk4_chunk)
        _dopri_one(
            0, m, k, hnext, par, tab, has_tab, t0, dt, t_a, t_b, t_out, j0, j1, out,
            rtol, atol, hmax, max_steps, acc, mhmin, err, counts, accumulate, renorm, defect,
        )  # fmt: skip
    else:
        _dopri_threads(
            m, k, hnext, par, tab, has_tab, t0, dt, t_a, t_b, t_out, j0, j1, out,
            rtol, atol, hmax, max_steps, acc, mhmin, err, counts, accumulate, renorm, defect,
        )  # fmt: skip


@njit(cache=True, error_model="numpy", parallel=True)
def _dopri_threads(
    m, k, hnext, par, tab, has_tab, t0, dt, t_a, t_b, t_out, j0, j1, out,
    rtol, atol, hmax, max_steps, acc, mhmin, err, counts, accumulate, renorm, defect,
):  # fmt: skip
    for i in prange(m.shape[1]):
        _dopri_one(
            i, m, k, hnext, par, tab, has_tab, t0, dt, t_a, t_b, t_out, j0, j1, out,
            rtol, atol, hmax, max_steps, acc, mhmin, err, counts, accumulate, renorm, defect,
        )  # fmt: skip


@njit(cache=True, error_model="numpy")
def _dopri_one(
    i, m, k, hnext, par, tab, has_tab, t0, dt, t_a, t_b, t_out, j0, j1, out,
    rtol, atol, hmax, max_steps, acc, mhmin, err, counts, accumulate, renorm, defect,
):  # fmt: skip
    """The DOPRI5 steps of :func:`dopri_chunk` for trajectory i."""
    y = np.empty(3)
    K = np.empty((7, 3))
    yt = np.empty(3)
    y5 = np.empty(3)
    for c in range(3):
        y[c] = m[c, i]
        K[0, c] = k[c, i]
    wx = par[WX, i]
    wy = par[WY, i]
    wz = par[WZ, i]
    t = t_a
    h = hnext[i]
    j = j0
    steps = 0
    while t < t_b:
        h_prop = h
        h, last = _clip_step(t, h, t_b)
        # stages 2..6
        for st in range(1, 6):
            if st == 1:
                cs = C2
                for c in range(3):
                    yt[c] = y[c] + h * A21 * K[0, c]
            elif st == 2:
                cs = C3
                for c in range(3):
                    yt[c] = y[c] + h * (A31 * K[0, c] + A32 * K[1, c])
            elif st == 3:
                cs = C4
                for c in range(3):
                    yt[c] = y[c] + h * (A41 * K[0, c] + A42 * K[1, c] + A43 * K[2, c])
            elif st == 4:
                cs = C5
                for c in range(3):
                    yt[c] = y[c] + h * (
                        A51 * K[0, c] + A52 * K[1, c] + A53 * K[2, c] + A54 * K[3, c]
                    )
            else:
                cs = 1.0
                for c in range(3):
                    yt[c] = y[c] + h * (
                        A61 * K[0, c]
                        + A62 * K[1, c]
                        + A63 * K[2, c]
                        + A64 * K[3, c]
                        + A65 * K[4, c]
                    )
            f, bx, by, bz = _drive(par, tab, has_tab, t0, dt, i, t + cs * h)
            K[st, 0], K[st, 1], K[st, 2] = _rate_i(
                par, i, yt[0], yt[1], yt[2], wx, wy, wz, f, bx, by, bz
            )
        for c in range(3):
            y5[c] = y[c] + h * (
                B1 * K[0, c] + B3 * K[2, c] + B4 * K[3, c] + B5 * K[4, c] + B6 * K[5, c]
            )
        t_new = t_b if last else t + h
        f, bx, by, bz = _drive(par, tab, has_tab, t0, dt, i, t_new)
        K[6, 0], K[6, 1], K[6, 2] = _rate_i(par, i, y5[0], y5[1], y5[2], wx, wy, wz, f, bx, by, bz)
        en = 0.0
        ea = 0.0
        for c in range(3):
            e = h * (
                E1 * K[0, c]
                + E3 * K[2, c]
                + E4 * K[3, c]
                + E5 * K[4, c]
                + E6 * K[5, c]
                + E7 * K[6, c]
            )
            sc = atol + rtol * max(abs(y[c]), abs(y5[c]))
            en += (e / sc) ** 2
            ea += e * e
        en = math.sqrt(en / 3.0)
        steps += 1
        if en <= 1.0:
            y5[0], y5[1], y5[2], defect[i] = _unit(y5[0], y5[1], y5[2], defect[i], renorm)
            # dense output for t_out in (t, t_new]
            while j < j1 and t_out[j] <= t_new:
                if t_out[j] == t_new:
                    for c in range(3):
                        out[i, j, c] = y5[c]
                else:
                    s = (t_out[j] - t) / h
                    for c in range(3):
                        out[i, j, c] = _dense(y[c], h, K[:, c], s)
                    if renorm:
                        _project(out[i, j])
                j += 1
            if accumulate:
                mh = 0.0
                for c in range(3):
                    acc[c, i] += 0.5 * h * (y[c] + y5[c]) + h * h / 12.0 * (K[0, c] - K[6, c])
                    mh += y5[c] * par[HX + c, i]
                mhmin[i] = min(mhmin[i], mh)
            err[i] += math.sqrt(ea)
            counts[i, 0] += 1
            for c in range(3):
                y[c] = y5[c]
                K[0, c] = K[6, c]
            t = t_new
        else:
            counts[i, 1] += 1
        h, underflow = _next_step(h, en, t, last, h_prop, hmax)
        if underflow:
            counts[i, 2] = 2
            break
        if steps >= max_steps:
            counts[i, 2] = 1
            break
    for c in range(3):
        m[c, i] = y[c]
        k[c, i] = K[0, c]
    hnext[i] = h


# ----------------------------------------------------------------------------- coupled grid
#: work (sites x terms) of one coupled right-hand side above which it runs on all threads; below,
#: starting the threads (and waiting for a descheduled one on a loaded machine) costs more
PARALLEL_WORK = 1 << 21


@njit(cache=True, error_model="numpy", inline="always")
def _coupled_site(i, y, t, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, out):
    n = y.shape[1]
    deg = nbr.shape[1]
    ex = 0.0
    ey = 0.0
    ez = 0.0
    for q in range(deg):
        jn = nbr[i, q]
        ex += y[0, jn]
        ey += y[1, jn]
        ez += y[2, jn]
    J = coupling[i]
    wx = par[WX, i] + J * (ex - deg * y[0, i])
    wy = par[WY, i] + J * (ey - deg * y[1, i])
    wz = par[WZ, i] + J * (ez - deg * y[2, i])
    if has_dip:
        sx = 0.0
        sz = 0.0
        base = n - 1 - i
        for jn in range(n):
            c = dip[base + jn]
            sx += c * y[0, jn]
            sz += c * y[2, jn]
        wx -= sx
        wz += sz
    f, bx, by, bz = _drive(par, tab, has_tab, t0, dt, i, t)
    out[0, i], out[1, i], out[2, i] = _rate_i(
        par, i, y[0, i], y[1, i], y[2, i], wx, wy, wz, f, bx, by, bz
    )


@njit(cache=True, error_model="numpy", parallel=True)
def _coupled_rate_threads(y, t, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, out):
    for i in prange(y.shape[1]):
        _coupled_site(i, y, t, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, out)


@njit(cache=True, error_model="numpy")
def coupled_rate(y, t, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, out):
    """out = dm/dt for all sites, with the exchange field J (sum_nn m_j - z m_i) added and,
    when ``has_dip``, the dipolar field of Eq. (D2) (DipolarKernel): h_x = -sum_j C m_x,j,
    h_z = +sum_j C m_z,j with row i of omega_M C the slice dip[N - 1 - i : 2N - 1 - i].
    Threads only when the work exceeds ``PARALLEL_WORK``."""
    n = y.shape[1]
    work = n * (n if has_dip else nbr.shape[1])
    if work >= PARALLEL_WORK:
        _coupled_rate_threads(y, t, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, out)
    else:
        for i in range(n):
            _coupled_site(i, y, t, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, out)


@njit(cache=True, error_model="numpy")
def rk4_coupled_chunk(
    m, k, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, t_a, h, nsteps, acc, mhmin,
    err, accumulate, defect,
):  # fmt: skip
    """Projected RK4 on an exchange-coupled grid (arguments as :func:`rk4_chunk`)."""
    n = m.shape[1]
    k2 = np.empty_like(m)
    k3 = np.empty_like(m)
    k4 = np.empty_like(m)
    yt = np.empty_like(m)
    for step in range(nsteps):
        t = t_a + step * h
        _axpy(yt, m, 0.5 * h, k)
        coupled_rate(yt, t + 0.5 * h, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, k2)
        _axpy(yt, m, 0.5 * h, k2)
        coupled_rate(yt, t + 0.5 * h, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, k3)
        _axpy(yt, m, h, k3)
        coupled_rate(yt, t + h, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, k4)
        _rk4_combine(yt, m, k, k2, k3, k4, h, defect)
        coupled_rate(
            yt, t + h, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, k2
        )  # k2 := f(y_new)
        for i in range(n):
            d = 0.0
            for c in range(3):
                d += (k4[c, i] - k2[c, i]) ** 2
            err[i] += h / 6.0 * math.sqrt(d)
            if accumulate:
                mh = 0.0
                for c in range(3):
                    acc[c, i] += 0.5 * h * (m[c, i] + yt[c, i]) + h * h / 12.0 * (
                        k[c, i] - k2[c, i]
                    )
                    mh += yt[c, i] * par[HX + c, i]
                mhmin[i] = min(mhmin[i], mh)
            for c in range(3):
                m[c, i] = yt[c, i]
                k[c, i] = k2[c, i]


@njit(cache=True, error_model="numpy")
def _axpy(out, y, a, x):
    for i in range(y.shape[1]):
        for c in range(3):
            out[c, i] = y[c, i] + a * x[c, i]


@njit(cache=True, error_model="numpy")
def _rk4_combine(out, y, k1, k2, k3, k4, h, defect):
    for i in range(y.shape[1]):
        s = 0.0
        for c in range(3):
            v = y[c, i] + h / 6.0 * (k1[c, i] + 2.0 * (k2[c, i] + k3[c, i]) + k4[c, i])
            out[c, i] = v
            s += v * v
        nrm = math.sqrt(s)
        defect[i] = max(defect[i], abs(nrm - 1.0))
        inv = 1.0 / nrm
        for c in range(3):
            out[c, i] *= inv


@njit(cache=True, error_model="numpy")
def dopri_coupled_chunk(
    m, k, hstate, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, t_a, t_b, t_out,
    j0, j1, out, rtol, atol, hmax, max_steps, acc, mhmin, err, counts, accumulate, renorm,
    defect,
):  # fmt: skip
    """DOPRI5 on an exchange-coupled grid with one global step (RMS error over all sites).

    hstate: (1,) proposed step, updated; counts: (3,) accepted, rejected, failure flag.
    Other arguments as :func:`dopri_chunk`.
    """
    n = m.shape[1]
    K = np.empty((7, 3, n))
    yt = np.empty((3, n))
    y5 = np.empty((3, n))
    K[0] = k
    t = t_a
    h = hstate[0]
    j = j0
    steps = 0
    while t < t_b:
        h_prop = h
        h, last = _clip_step(t, h, t_b)
        yt[:] = m + h * A21 * K[0]
        coupled_rate(yt, t + C2 * h, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, K[1])
        yt[:] = m + h * (A31 * K[0] + A32 * K[1])
        coupled_rate(yt, t + C3 * h, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, K[2])
        yt[:] = m + h * (A41 * K[0] + A42 * K[1] + A43 * K[2])
        coupled_rate(yt, t + C4 * h, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, K[3])
        yt[:] = m + h * (A51 * K[0] + A52 * K[1] + A53 * K[2] + A54 * K[3])
        coupled_rate(yt, t + C5 * h, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, K[4])
        yt[:] = m + h * (A61 * K[0] + A62 * K[1] + A63 * K[2] + A64 * K[3] + A65 * K[4])
        coupled_rate(yt, t + h, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, K[5])
        y5[:] = m + h * (B1 * K[0] + B3 * K[2] + B4 * K[3] + B5 * K[4] + B6 * K[5])
        t_new = t_b if last else t + h
        coupled_rate(y5, t_new, par, tab, has_tab, t0, dt, nbr, coupling, dip, has_dip, K[6])
        e = h * (E1 * K[0] + E3 * K[2] + E4 * K[3] + E5 * K[4] + E6 * K[5] + E7 * K[6])
        sc = atol + rtol * np.maximum(np.abs(m), np.abs(y5))
        en = math.sqrt(np.mean((e / sc) ** 2))
        steps += 1
        if en <= 1.0:
            for i in range(n):
                y5[0, i], y5[1, i], y5[2, i], defect[i] = _unit(
                    y5[0, i], y5[1, i], y5[2, i], defect[i], renorm
                )
            while j < j1 and t_out[j] <= t_new:
                s = (t_out[j] - t) / h
                for i in range(n):
                    for c in range(3):
                        if t_out[j] == t_new:
                            out[i, j, c] = y5[c, i]
                        else:
                            out[i, j, c] = _dense(m[c, i], h, K[:, c, i], s)
                    if renorm and t_out[j] != t_new:
                        _project(out[i, j])
                j += 1
            for i in range(n):
                ea = 0.0
                for c in range(3):
                    ea += e[c, i] ** 2
                err[i] += math.sqrt(ea)
                if accumulate:
                    mh = 0.0
                    for c in range(3):
                        acc[c, i] += 0.5 * h * (m[c, i] + y5[c, i]) + h * h / 12.0 * (
                            K[0, c, i] - K[6, c, i]
                        )
                        mh += y5[c, i] * par[HX + c, i]
                    mhmin[i] = min(mhmin[i], mh)
            counts[0] += 1
            m[:] = y5
            K[0] = K[6]
            t = t_new
        else:
            counts[1] += 1
        h, underflow = _next_step(h, en, t, last, h_prop, hmax)
        if underflow:
            counts[2] = 2
            break
        if steps >= max_steps:
            counts[2] = 1
            break
    k[:] = K[0]
    hstate[0] = h
