"""The DOPRI5 step helpers shared by the batched and the coupled kernel, with values worked
out by hand, and the compiler-lock guard around the LLVM options of the fused RK4 step."""

from __future__ import annotations

import math

import pytest

from tisot.dynamics import _kernels as K


def test_clip_step_lands_on_the_chunk_end_only_when_the_step_would_pass_it():
    assert K._clip_step(0.0, 0.25, 1.0) == (0.25, False)
    assert K._clip_step(0.75, 0.5, 1.0) == (0.25, True)  # 0.75 + 0.5 > 1: cut to 0.25
    assert K._clip_step(0.5, 0.5, 1.0) == (0.5, True)  # lands exactly: still the last step


def test_unit_projects_a_3_4_5_vector_and_records_its_norm_defect():
    x, y, z, d = K._unit(3.0, 0.0, 4.0, 0.0, True)  # |(3, 0, 4)| = 5, defect 4
    assert (x, y, z) == (0.6, 0.0, 0.8)
    assert d == 4.0
    # without projection the vector is kept; the running max keeps the larger defect
    assert K._unit(3.0, 0.0, 4.0, 7.0, False) == (3.0, 0.0, 4.0, 7.0)


@pytest.mark.parametrize(
    ("en", "expected"),
    [
        (2.0**-5, 1.8),  # 0.9 * (2^-5)^(-1/5) = 0.9 * 2
        (0.0, 10.0),  # exact step: largest growth
        (1e-10, 10.0),  # 0.9 * 100 capped at facmax = 10
        (1.0, 0.9),  # on the tolerance: the safety factor alone
    ],
)
def test_next_step_after_an_accepted_step_follows_hairer_eq_4_13(en, expected):
    h, underflow = K._next_step(1.0, en, 0.0, False, 1.0, math.inf)
    assert h == pytest.approx(expected, rel=1e-15)
    assert not underflow


def test_next_step_caps_at_hmax_and_keeps_the_proposal_after_a_clipped_step():
    assert K._next_step(1.0, 2.0**-5, 0.0, False, 1.0, 1.5) == (1.5, False)
    # a last step cut from 1.0 to 0.1 proposes max(0.1 * 1.8, 1.0) = 1.0 for the next chunk
    h, _ = K._next_step(0.1, 2.0**-5, 0.0, True, 1.0, math.inf)
    assert h == 1.0


def test_next_step_after_a_rejection_shrinks_and_flags_underflow():
    h, underflow = K._next_step(1.0, 32.0, 5.0, False, 1.0, math.inf)  # 0.9 * 32^(-1/5)
    assert h == pytest.approx(0.45, rel=1e-15)
    assert not underflow
    assert K._next_step(1.0, 1e10, 5.0, False, 1.0, math.inf) == (0.2, False)  # facmin
    # 1e-14 * 0.2 = 2e-15 is below 1e-14 |t| at t = 1: no progress possible
    assert K._next_step(1e-14, 1e10, 1.0, False, 1.0, math.inf)[1]


def test_fused_step_llvm_options_are_set_inside_numbas_compiler_lock(monkeypatch):
    import llvmlite.binding as llvm
    from numba.core.compiler_lock import global_compiler_lock

    seen = []
    monkeypatch.setattr(
        llvm, "set_option", lambda *a: seen.append(global_compiler_lock.is_locked())
    )

    class Fake:
        def compile(self, sig):
            seen.append(global_compiler_lock.is_locked())

    monkeypatch.setattr(K, "_rk4_steps", Fake())
    K._compile_fused_step()
    assert len(seen) == 2 * len(K._FUSED_OPTIONS) + 1  # set, compile, put back
    assert all(seen)
    assert not global_compiler_lock.is_locked()
