"""Dask sweeps: 2-worker LocalCluster, external scheduler, kill-and-resume, failures, progress."""

from __future__ import annotations

import io
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
import tomllib

import numpy as np
import pytest
import xarray as xr
from rich.console import Console
from typer.testing import CliRunner

from tisot.cli import app
from tisot.io import load_dataset, parse_config
from tisot.model import SurfaceModel
from tisot.response import analytic_response
from tisot.sweeps import chunk_progress, run_sweep
from tisot.sweeps.chunks import ChunkStore

CONFIG = """
calculation = "response"
[model]
fermi_energy_mev = 100.0
exchange_mev = 30.0
disorder = 0.02
[drive]
period_um = 5.0
[sweep]
chunk_size = 4
[sweep.axes]
"drive.frequency_ghz" = { start = 1.0, stop = 10.0, num = 6 }
"model.m_z" = [0.2, 0.5, 0.8]
[execution]
processes = false
"""


def _config(text=CONFIG, **kw):
    return parse_config(tomllib.loads(text), **kw)


def _expected_K(ds: xr.Dataset) -> np.ndarray:
    """K on the whole grid in one vectorised call per m_z, units converted by hand."""
    hbar_over_e0 = 6.582119569e-16 / 0.1  # hbar / (100 meV) in s (hbar = 6.582e-16 eV s)
    q = 2 * math.pi / 5e-6 * hbar_over_e0 * 1e6  # q hbar v / E0, v = 1e6 m/s
    out = np.empty(ds.K.shape, dtype=complex)
    for j, mz in enumerate(ds.m_z.values):
        model = SurfaceModel(
            exchange_energy=0.3,
            magnetization=(math.sqrt(1 - mz**2), 0.0, mz),
            disorder=0.02,
        )
        omega = 2 * math.pi * ds.frequency_ghz.values * 1e9 * hbar_over_e0
        qv = np.broadcast_to([q, 0.0], (*omega.shape, 2))
        out[:, j] = analytic_response(model, qv, omega, check_regime=False)
    return out


def _strip_date(ds: xr.Dataset) -> xr.Dataset:
    """Drop when and from which tree state a run was made (the tree is shared and edited while
    the tests run); everything else, data and config included, must be identical."""
    return ds.assign_attrs(date_created=None, git_commit=None, code_versions=None)


def test_local_cluster_two_workers(tmp_path):
    from distributed import Client, LocalCluster, get_task_stream

    cfg = _config()
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as c,
        Client(c) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        with get_task_stream(client) as stream:
            ds = run_sweep(cfg, out=tmp_path / "k.nc", client=client, progress=False)
    assert len(stream.data) == cfg.sweep.n_chunks  # one task per chunk
    assert len({task["worker"] for task in stream.data}) == 2  # both workers took part
    assert ds.K.dims == ("frequency_ghz", "m_z", "row", "col")
    assert ds.frequency_ghz.attrs == {
        "units": "GHz",
        "long_name": "drive frequency f = omega / 2 pi",
    }
    np.testing.assert_allclose(ds.K.values, _expected_K(ds), rtol=1e-8)
    xr.testing.assert_identical(load_dataset(tmp_path / "k.nc"), ds)
    assert not ChunkStore.next_to(tmp_path / "k.nc").folder.exists()  # cleaned up


def test_external_scheduler_gives_the_same_dataset(tmp_path):
    from distributed import LocalCluster

    cfg = _config()
    local = run_sweep(cfg, out=tmp_path / "a.nc", workers=2, progress=False)
    with LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        remote = run_sweep(
            cfg, out=tmp_path / "b.nc", scheduler=cluster.scheduler_address, progress=False
        )
    # the stored configs differ only in [execution] and [output]
    drop = {"config": None, "date_created": None}
    xr.testing.assert_identical(local.assign_attrs(drop), remote.assign_attrs(drop))


def test_unreachable_scheduler_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setattr("tisot.sweeps.runner.CONNECT_TIMEOUT", "0.5s")
    with pytest.raises(ValueError, match=r"cannot reach the dask scheduler .*`dask scheduler`"):
        run_sweep(_config(), out=tmp_path / "x.nc", scheduler="tcp://127.0.0.1:9", progress=False)
    assert not (tmp_path / "x.nc").exists()


SLOW_RUN = """
import sys, time
from tisot.io import load_config
from tisot.sweeps import register_job, run_sweep
from tisot.sweeps.jobs import ResponseJob

class SlowResponse(ResponseJob):
    def compute(self, params):
        time.sleep(float(sys.argv[3]) if len(sys.argv) > 3 else 0.1)
        return super().compute(params)

register_job(SlowResponse(), replace=True)  # same name, same numbers, only slower
run_sweep(load_config(sys.argv[1]), out=sys.argv[2], workers=1, progress=False)
"""


def test_killed_sweep_resumes_and_matches_uninterrupted_run(tmp_path, monkeypatch):
    (tmp_path / "c.toml").write_text(CONFIG)
    (tmp_path / "slow.py").write_text(textwrap.dedent(SLOW_RUN))
    out = tmp_path / "sweep.nc"
    uninterrupted = run_sweep(_config(), out=out, workers=2, progress=False)
    from_disk = load_dataset(out)
    out.unlink()

    store = ChunkStore.next_to(out)
    n_chunks = _config().sweep.n_chunks  # 18 points / 4 = 5 chunks, 0.4 s each
    proc = subprocess.Popen(
        [sys.executable, str(tmp_path / "slow.py"), str(tmp_path / "c.toml"), str(out)],
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(store.done(n_chunks)) < 2:
            assert proc.poll() is None, "the sweep ended before it could be killed"
            assert time.monotonic() < deadline, "no chunk written within 60 s"
            time.sleep(0.02)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    before = store.done(n_chunks)
    assert 2 <= len(before) < n_chunks
    assert not out.exists()  # no half-written dataset
    assert store.holder()["pid"] == proc.pid  # the dead sweep's lock file: taken over below

    written = []
    original = ChunkStore.write
    monkeypatch.setattr(
        ChunkStore, "write", lambda self, i, data: (written.append(i), original(self, i, data))
    )
    # allow_mixed: the shared tree may be edited between the two runs (a code change)
    resumed = run_sweep(_config(), out=out, workers=2, progress=False, allow_mixed=True)
    assert sorted(written) == sorted(set(range(n_chunks)) - before)  # only the missing ones
    assert not store.folder.exists()  # removed once the dataset is in place
    xr.testing.assert_identical(_strip_date(resumed), _strip_date(uninterrupted))
    xr.testing.assert_identical(_strip_date(load_dataset(out)), _strip_date(from_disk))


def test_failed_sweep_leaves_no_dataset_and_resumes(tmp_path):
    # m_z = 1 with Delta_sd = 120 meV > eps: the model rejects the last m_z only
    text = CONFIG.replace("exchange_mev = 30.0", "exchange_mev = 120.0")
    text = text.replace('"model.m_z" = [0.2, 0.5, 0.8]', '"model.m_z" = [0.2, 0.5, 1.0]')
    out = tmp_path / "bad.nc"
    with pytest.raises(ValueError, match=r"failed at drive\.frequency_ghz = .*model\.m_z = 1\.0"):
        run_sweep(_config(text), out=out, workers=1, progress=False)
    assert not out.exists()
    assert not list(tmp_path.glob(".bad.nc.tmp*"))
    # chunks of another config are refused, not mixed in
    clash = text.replace("exchange_mev = 120.0", "exchange_mev = 30.0")
    with pytest.raises(ValueError, match=r"different sweep .* --fresh"):
        run_sweep(_config(clash), out=out, workers=1, progress=False)
    ds = run_sweep(_config(clash), out=out, workers=1, progress=False, fresh=True)
    assert ds.sizes == {"frequency_ghz": 6, "m_z": 3, "row": 3, "col": 3}


def test_sweep_without_output_stays_in_memory():
    ds = run_sweep(_config(), workers=1, progress=False)
    np.testing.assert_allclose(ds.K.values, _expected_K(ds), rtol=1e-8)


def test_progress_bar_counts_chunks_and_is_silent_off_terminal():
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    bar, task = chunk_progress(5, done=2, console=console)
    with bar:
        bar.advance(task)
    assert "3/5" in buffer.getvalue() and "chunks" in buffer.getvalue()
    quiet = io.StringIO()
    bar, task = chunk_progress(5, console=Console(file=quiet))  # a StringIO is no terminal
    with bar:
        bar.advance(task)
    assert quiet.getvalue() == ""


def test_cli_sweep_and_its_errors(tmp_path):
    (tmp_path / "c.toml").write_text(CONFIG)
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["sweep", str(tmp_path / "c.toml"), "--out", str(tmp_path / "s.zarr"), "--workers", "2"],
    )
    assert result.exit_code == 0, result.output
    ds = load_dataset(tmp_path / "s.zarr")
    np.testing.assert_allclose(ds.K.values, _expected_K(ds), rtol=1e-8)

    (tmp_path / "bad.toml").write_text(CONFIG.replace("disorder = 0.02", "disorder = 2"))
    result = runner.invoke(app, ["sweep", str(tmp_path / "bad.toml"), "--out", "x.nc"])
    assert result.exit_code == 2 and "model.disorder must be" in result.output
    result = runner.invoke(app, ["sweep", str(tmp_path / "missing.toml"), "--out", "x.nc"])
    assert result.exit_code == 2 and "does not exist" in result.output
    result = runner.invoke(app, ["sweep", str(tmp_path / "c.toml")])
    assert result.exit_code == 2 and "no output path" in result.output
    result = runner.invoke(
        app, ["sweep", str(tmp_path / "c.toml"), "--scheduler", "tcp://h:1", "--workers", "2"]
    )
    assert result.exit_code == 2 and "--workers sizes the local cluster" in result.output
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = runner.invoke(app, ["sweep", str(tmp_path / "c.toml"), "--out", str(blocker / "o.nc")])
    assert result.exit_code == 2 and "not writable" in result.output


def test_cli_run_and_template(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["template", "transport"])
    assert result.exit_code == 0 and 'calculation = "transport"' in result.output
    (tmp_path / "t.toml").write_text(result.output)
    result = runner.invoke(app, ["run", str(tmp_path / "t.toml"), "--out", str(tmp_path / "t.nc")])
    assert result.exit_code == 0, result.output
    assert "sigma0" in result.output and "e^2/h" in result.output
    ds = load_dataset(tmp_path / "t.nc")
    m = SurfaceModel.from_physical(
        fermi_energy_mev=100.0,
        exchange_energy_mev=30.0,
        magnetization=(math.sqrt(0.5), 0.0, math.sqrt(0.5)),
        disorder=0.02,
    )
    assert float(ds.sigma0) == pytest.approx(m.sigma0, rel=1e-12)
    result = runner.invoke(app, ["run", str(tmp_path / "c.toml")])
    assert result.exit_code == 2 and "does not exist" in result.output
    (tmp_path / "s.toml").write_text(CONFIG)
    result = runner.invoke(app, ["run", str(tmp_path / "s.toml")])
    assert result.exit_code == 2 and "tisot sweep" in result.output
    result = runner.invoke(app, ["template", "nope"])
    assert result.exit_code == 2 and "calculation must be one of" in result.output


def test_cli_interrupt_says_how_to_resume(tmp_path, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("tisot.sweeps.run_sweep", interrupted)
    (tmp_path / "c.toml").write_text(CONFIG)
    result = CliRunner().invoke(
        app, ["sweep", str(tmp_path / "c.toml"), "--out", str(tmp_path / "s.nc")]
    )
    assert result.exit_code == 130
    assert "s.nc.chunks" in result.output and "run the same command again" in result.output


# ---------------------------------------------------------------- concurrency and faults
def _start_slow(tmp_path, out, seconds_per_point="0.3"):
    """A sweep of CONFIG in another process, slowed down; returns it once a chunk is written."""
    (tmp_path / "c.toml").write_text(CONFIG)
    (tmp_path / "slow.py").write_text(textwrap.dedent(SLOW_RUN))
    proc = subprocess.Popen(
        [sys.executable, str(tmp_path / "slow.py"), str(tmp_path / "c.toml"), str(out),
         seconds_per_point],
        start_new_session=True,
    )  # fmt: skip
    store = ChunkStore.next_to(out)
    deadline = time.monotonic() + 60
    while not store.done(_config().sweep.n_chunks):
        assert proc.poll() is None, "the first sweep ended too early"
        assert time.monotonic() < deadline, "no chunk written within 60 s"
        time.sleep(0.02)
    return proc


def test_two_sweeps_on_one_output_refuse_then_wait(tmp_path):
    """Before the lock both ran the whole grid and the second crashed (FileNotFoundError); a
    --fresh run over a running one left a file mixing two configs."""
    out = tmp_path / "same.nc"
    proc = _start_slow(tmp_path, out)
    try:
        with pytest.raises(ValueError, match=rf"another sweep \(process {proc.pid} .*--wait"):
            run_sweep(_config(), out=out, workers=1, progress=False)
        other = CONFIG.replace("disorder = 0.02", "disorder = 0.03")
        (tmp_path / "other.toml").write_text(other)
        result = CliRunner().invoke(
            app, ["sweep", str(tmp_path / "other.toml"), "--out", str(out), "--fresh"]
        )
        assert result.exit_code == 2, result.output
        assert f"process {proc.pid}" in result.output and len(result.output.splitlines()) == 1
        assert ChunkStore.next_to(out).done(5)  # the first run's chunks are untouched
        waited = []
        second = run_sweep(_config(), out=out, workers=1, progress=False, wait=True,
                           on_wait=waited.append)  # fmt: skip
        assert waited and waited[0]["pid"] == proc.pid
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    ds = load_dataset(out)
    assert tomllib.loads(ds.attrs["config"])["model"]["disorder"] == 0.02
    np.testing.assert_allclose(ds.K.values, _expected_K(ds), rtol=1e-8)
    xr.testing.assert_identical(_strip_date(second), _strip_date(ds))


def _leave_half_the_chunks(tmp_path, monkeypatch, out):
    """A finished sweep whose chunk folder is kept, with every other chunk file deleted."""
    monkeypatch.setattr(ChunkStore, "remove", lambda self: None)
    run_sweep(_config(), out=out, workers=1, progress=False)
    monkeypatch.undo()
    out.unlink()
    store = ChunkStore.next_to(out)
    for i in range(0, 5, 2):
        store.path(i).unlink()
    return store


def test_resume_with_another_code_version_refuses_unless_allowed(tmp_path, monkeypatch):
    out = tmp_path / "v.nc"
    store = _leave_half_the_chunks(tmp_path, monkeypatch, out)
    from tisot.io.dataset import code_version

    old = code_version()
    monkeypatch.setattr("tisot.sweeps.chunks.code_version", lambda: "9.9+src.changed")
    with pytest.raises(ValueError, match=r"another code version .*--allow-mixed"):
        run_sweep(_config(), out=out, workers=1, progress=False)
    assert store.done(5) == {1, 3} and not out.exists()
    ds = run_sweep(_config(), out=out, workers=1, progress=False, allow_mixed=True)
    # chunks 0, 2, 4 by the new version, 1 and 3 by the old one
    assert ds.attrs["code_versions"] == f"9.9+src.changed, {old}"
    np.testing.assert_allclose(ds.K.values, _expected_K(ds), rtol=1e-8)


def test_chunk_of_another_config_is_refused_at_assembly(tmp_path, monkeypatch):
    out = tmp_path / "c.nc"
    store = _leave_half_the_chunks(tmp_path, monkeypatch, out)
    intruder = tmp_path / "intruder.nc"
    other = _config(CONFIG.replace("disorder = 0.02", "disorder = 0.03"))
    monkeypatch.setattr(ChunkStore, "remove", lambda self: None)
    run_sweep(other, out=intruder, workers=1, progress=False)
    monkeypatch.undo()
    os.replace(ChunkStore.next_to(intruder).path(0), store.path(0))  # a copied-in file
    with pytest.raises(ValueError, match=r"belongs to another config"):
        run_sweep(_config(), out=out, workers=1, progress=False)
    assert not out.exists()


def test_no_worker_left_stops_keeps_chunks_and_resumes(tmp_path, monkeypatch):
    """Before: with every worker gone the sweep waited forever."""
    import threading

    from distributed import Client, LocalCluster

    from tisot.sweeps import registry
    from tisot.sweeps.jobs import ResponseJob

    class Slow(ResponseJob):
        def compute(self, params):
            time.sleep(0.05)
            return super().compute(params)

    monkeypatch.setitem(registry._JOBS, "response", Slow())
    out = tmp_path / "w.nc"
    store = ChunkStore.next_to(out)
    with (
        LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):

        def lose_the_workers():
            while len(store.done(5)) < 2:
                time.sleep(0.01)
            cluster.scale(0)

        threading.Thread(target=lose_the_workers, daemon=True).start()
        with pytest.raises(ValueError, match=r"no dask worker left for 0.5 s .*run the same"):
            run_sweep(_config(), out=out, client=client, progress=False, worker_timeout=0.5)
    kept = store.done(5)
    assert 2 <= len(kept) < 5 and not out.exists()
    monkeypatch.undo()
    ds = run_sweep(_config(), out=out, workers=1, progress=False)
    np.testing.assert_allclose(ds.K.values, _expected_K(ds), rtol=1e-8)


def _external_cluster(tmp_path):
    """A `dask scheduler` and one `dask worker` (no nanny) as separate processes."""
    port = 20000 + os.getpid() % 20000
    address = f"tcp://127.0.0.1:{port}"
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", str(port),
         "--no-dashboard"], stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
         "--no-nanny", "--no-dashboard"], stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    return address, scheduler, worker


@pytest.mark.slow
@pytest.mark.parametrize("lost", ["scheduler", "worker"])
def test_external_cluster_loss_says_how_to_resume(tmp_path, lost):
    """A killed scheduler ended in a FutureCancelledError traceback; all workers gone: a hang.
    Now one message, the chunks kept, and the resumed result identical to an uninterrupted one."""
    import threading

    import dask
    import distributed  # noqa: F401  (its config defaults, before dask.config.set)

    address, scheduler, worker = _external_cluster(tmp_path)
    text = CONFIG.replace("chunk_size = 4", "chunk_size = 1")
    out = tmp_path / "x.nc"
    store = ChunkStore.next_to(out)
    try:

        def kill():
            while len(store.done(18)) < 2:
                time.sleep(0.005)
            (scheduler if lost == "scheduler" else worker).kill()

        threading.Thread(target=kill, daemon=True).start()
        message = "lost the dask scheduler" if lost == "scheduler" else "no dask worker left"
        with (
            dask.config.set({"distributed.comm.timeouts.connect": "3s"}),
            pytest.raises(ValueError, match=rf"{message}.*run the same"),
        ):
            run_sweep(_config(text), out=out, scheduler=address, progress=False,
                      worker_timeout=2)  # fmt: skip
    finally:
        for proc in (scheduler, worker):
            proc.kill()
            proc.wait()
    kept = store.done(18)
    assert kept and len(kept) < 18
    resumed = run_sweep(_config(text), out=out, workers=1, progress=False)
    whole = run_sweep(_config(text), out=tmp_path / "whole.nc", workers=1, progress=False)
    xr.testing.assert_identical(_strip_date(resumed), _strip_date(whole).assign_attrs(
        config=resumed.attrs["config"]))  # fmt: skip


CTRL_C = """
import signal, subprocess, sys, time
from pathlib import Path

chunks = Path(sys.argv[2] + ".chunks")
proc = subprocess.Popen(
    [sys.executable, "-c", "from tisot.cli import app; app()", "sweep", sys.argv[1], "--out",
     sys.argv[2], "--workers", "1", "--no-progress"],
    start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
)
deadline = time.monotonic() + 90
while not list(chunks.glob("chunk-*.npz")) and time.monotonic() < deadline:
    time.sleep(0.02)
import os
os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C at a terminal does: the whole group
out, err = proc.communicate(timeout=60)
print(proc.returncode)
print(err, end="")
"""


@pytest.mark.slow
def test_ctrl_c_prints_one_line_and_resumes(tmp_path):
    """Before: 4 worker tracebacks (71 lines) ahead of tisot's message."""
    text = CONFIG.replace("processes = false", "processes = true").replace(
        "chunk_size = 4", "chunk_size = 1"
    )
    (tmp_path / "c.toml").write_text(text)
    (tmp_path / "ctrl_c.py").write_text(CTRL_C)
    out = tmp_path / "i.nc"
    run = subprocess.run(
        [sys.executable, str(tmp_path / "ctrl_c.py"), str(tmp_path / "c.toml"), str(out)],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    code, *lines = run.stdout.splitlines()
    if code == "0":
        pytest.skip("the sweep finished before the interrupt")
    assert code == "130", run.stdout + run.stderr
    assert len(lines) == 1 and "run the same command again" in lines[0], lines
    # allow_mixed: the shared tree may be edited between the two runs (a code change)
    ds = run_sweep(_config(text), out=out, workers=1, progress=False, allow_mixed=True)
    np.testing.assert_allclose(ds.K.values, _expected_K(ds), rtol=1e-8)


# ------------------------------------------- issue 14: `tisot run` failures, one line each
def _run_cli(tmp_path, text, *extra):
    (tmp_path / "r.toml").write_text(text)
    return CliRunner().invoke(app, ["run", str(tmp_path / "r.toml"), *extra])


@pytest.mark.parametrize(
    ("text", "named"),
    [
        # K was written as all NaN, D as inf, without a word: now refused by the schema's caps
        ('calculation = "response"\n[model]\nfermi_energy_mev = 1e300\n',
         "model.fermi_energy_mev must be a number in (0.0, 10000.0], got 1e+300"),
        ('calculation = "transport"\n[model]\nvelocity = 1e300\n',
         "model.velocity must be a number in (0.0, 10000000.0], got 1e+300"),
    ],
)  # fmt: skip
def test_run_names_the_key_behind_a_non_finite_output(tmp_path, text, named):
    result = _run_cli(tmp_path, text, "--out", str(tmp_path / "o.nc"))
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and named in result.output
    assert not (tmp_path / "o.nc").exists()


def test_run_reports_any_job_failure_in_one_line(tmp_path, monkeypatch):
    """Only ValueError was caught: an OverflowError or a failed integration was a traceback."""
    from tisot.sweeps.jobs import TransportJob

    def boom(self, params):
        raise OverflowError("(34, 'Numerical result out of range')")

    monkeypatch.setattr(TransportJob, "compute", boom)
    text = 'calculation = "transport"\n[model]\ndisorder = 1e-9\n'  # 7 decades off
    result = _run_cli(tmp_path, text)
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert line.startswith("error: RuntimeError: transport failed at the base point")
    assert "model.disorder = 1e-09" in line  # the suspect, named


def test_run_refuses_an_output_too_large_before_starting(tmp_path, monkeypatch):
    """A huge `samples` ran out of memory (killed by the kernel): now an estimate refuses it."""
    monkeypatch.setattr("tisot._validation.physical_memory", lambda: 2**20)  # a 1 MiB machine
    monkeypatch.setattr("tisot.cli.run.RUN_MEMORY_FRACTION", 64.0 * 2**10)  # (no rlimit)
    text = 'calculation = "macrospin"\n[dynamics]\nsamples = 1000000\nt_max = 1.0\n'
    result = _run_cli(tmp_path, text)
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert "would need about" in line and "lower the number of samples" in line


def test_out_equal_to_the_config_is_refused(tmp_path):
    """`--out` equal to the config file overwrote the config."""
    text = 'calculation = "transport"\n'
    result = _run_cli(tmp_path, text, "--out", str(tmp_path / "r.toml"))
    assert result.exit_code == 2 and "is an input of this command" in result.output
    assert (tmp_path / "r.toml").read_text() == text
    (tmp_path / "s.toml").write_text(CONFIG)
    result = CliRunner().invoke(app, ["sweep", str(tmp_path / "s.toml"), "--out",
                                      str(tmp_path / "s.toml")])  # fmt: skip
    assert result.exit_code == 2 and "is an input of this command" in result.output
    assert (tmp_path / "s.toml").read_text() == CONFIG


def test_the_suspect_is_a_key_the_config_changed(tmp_path):
    """Found by tests/fuzz: a torques overflow blamed drive.leakage_time_ps = inf, its default."""
    result = _run_cli(tmp_path, 'calculation = "torques"\n[model]\nvelocity = 1e300\n')
    assert result.exit_code == 2, result.output
    (line,) = result.output.strip().splitlines()
    assert "model.velocity must be a number" in line  # refused by its cap, the changed key
