"""The sweep's wait loop on fake futures: it sleeps on their done callbacks instead of polling
every pending future, yields each chunk once, and waits again for a chunk dask computes anew."""

from __future__ import annotations

import threading
import time

import pytest

from tisot.sweeps import runner


class FakeFuture:
    """A dask-like future: done callbacks, a status whose reads are counted, a result."""

    def __init__(self, chunk: int, *, lost_first: bool = False):
        self.chunk = chunk
        self._status = "finished"
        self.lost_first = lost_first  # its worker dies: the first result() hangs, then recompute
        self.callbacks = []
        self.status_reads = 0

    @property
    def status(self):
        self.status_reads += 1
        return self._status

    def add_done_callback(self, fn):
        if self._status == "pending":
            self.callbacks.append(fn)
        else:
            fn(self)

    def result(self):
        if self.lost_first:
            self.lost_first = False
            self._status = "pending"  # dask sends the task back to be computed again
            # finished again well after _fetch's 4 POLL = 0.2 s wait gives up (a race at 0.2 s)
            threading.Timer(0.6, self._finish).start()
            time.sleep(60)  # never answers (runs in _fetch's daemon thread)
        return {"chunk": self.chunk}

    def _finish(self):
        self._status = "finished"
        for fn in self.callbacks:
            fn(self)

    def release(self):
        pass


class FakeClient:
    status = "running"

    def __init__(self, lost=()):
        self.lost = set(lost)
        self.futures = []

    def submit(self, fn, job, config, chunk, *, key, pure):
        future = FakeFuture(chunk, lost_first=chunk in self.lost)
        self.futures.append(future)
        return future

    def scheduler_info(self):
        return {"workers": {"tcp://fake:1": {}}}

    def cancel(self, futures):
        pass


class FakeConfig:
    def fingerprint(self):
        return "0123456789abcdef"


def test_finished_chunks_come_from_callbacks_without_reading_every_status():
    client = FakeClient()
    out = list(runner._execute(client, None, FakeConfig(), list(range(50)), timeout=5.0))
    assert sorted(chunk for chunk, _ in out) == list(range(50))
    assert all(result == {"chunk": chunk} for chunk, result in out)
    # every future reported itself: the loop never had to look at one
    assert sum(f.status_reads for f in client.futures) == 0


def test_a_chunk_computed_again_is_waited_for_and_yielded_once(monkeypatch):
    monkeypatch.setattr(runner, "POLL", 0.05)
    client = FakeClient(lost={1})
    out = list(runner._execute(client, None, FakeConfig(), [0, 1, 2], timeout=5.0))
    assert [chunk for chunk, _ in out] == [0, 2, 1]  # the recomputed one comes last
    assert out[-1][1] == {"chunk": 1}


def test_drain_returns_everything_queued_or_nothing_after_its_wait():
    import queue

    q = queue.SimpleQueue()
    assert runner._drain(q, 0.01) == []
    for item in "abc":
        q.put(item)
    assert runner._drain(q, 0.01) == ["a", "b", "c"]


def test_run_sweep_refuses_a_zero_worker_timeout():
    with pytest.raises(ValueError, match=r"worker_timeout must be a number in \(0\.0, 86400"):
        runner.run_sweep(None, worker_timeout=0)
