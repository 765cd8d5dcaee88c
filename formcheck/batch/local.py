"""The local engine: ``jobs`` worker processes (spawned, so no MediaPipe state is inherited), one video at a time each.

Each worker has its own inbox, so the driver always knows which video a worker holds: a worker that dies (a crash
in native code, the out-of-memory killer) fails that video only, and a new worker takes its place. Workers ignore
Ctrl-C; the driver stops them and nothing half-written stays behind (reports are written by the driver).
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import signal
import sys
from collections import deque
from collections.abc import Sequence
from typing import Any

from formcheck.batch.engines import BatchEvents, VideoTask, run_task, throttled
from formcheck.batch.worker import failed_outcome

POLL_S = 0.25
STOP_TIMEOUT_S = 10.0


class LocalEngine:
    """Runs the tasks in ``jobs`` spawned worker processes on this machine."""

    def __init__(self, jobs: int = 1) -> None:
        if jobs < 1:
            raise ValueError("jobs must be at least 1")
        self.jobs = jobs

    def run(self, tasks: Sequence[VideoTask], events: BatchEvents) -> None:
        context = mp.get_context("spawn")
        results = context.Queue()
        pending = deque(tasks)
        workers: list[_Worker] = []
        try:
            while pending or any(worker.task for worker in workers):
                while pending and len(workers) < self.jobs:
                    workers.append(_Worker(context, results))
                for worker in workers:
                    if worker.task is None and pending:
                        worker.give(pending.popleft())
                if not _handle(results, workers, events, timeout=POLL_S):
                    self._replace_dead(context, results, workers, events)
        except BaseException:
            for worker in workers:
                worker.terminate()
            raise
        finally:
            for worker in workers:
                worker.stop()
            results.close()
            results.join_thread()

    @staticmethod
    def _replace_dead(context: Any, results: Any, workers: list[_Worker], events: BatchEvents) -> None:
        """A worker that died while holding a video: that video fails, a fresh worker takes the place."""
        for index, worker in enumerate(workers):
            if worker.task is None or worker.process.is_alive():
                continue
            while _handle(results, workers, events, timeout=0):  # it may have finished just before
                pass
            if worker.task is not None:
                code = worker.process.exitcode
                why = f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"
                events.finished(worker.task.key, failed_outcome(f"the worker process died ({why}) on this video"))
            worker.stop()
            workers[index] = _Worker(context, results)


def _handle(results: Any, workers: list[_Worker], events: BatchEvents, timeout: float) -> bool:
    """Take one message from the workers; False when none came within ``timeout``."""
    try:
        message = results.get(timeout=timeout) if timeout else results.get_nowait()
    except queue.Empty:
        return False
    kind, key, *payload = message
    if kind == "frames":
        events.frames(key, *payload)
    elif kind == "done":
        for worker in workers:
            if worker.task is not None and worker.task.key == key:
                worker.task = None
        events.finished(key, payload[0])
    return True


class _Worker:
    """One spawned worker process and the task it holds."""

    def __init__(self, context: Any, results: Any) -> None:
        self.inbox = context.Queue()
        self.task: VideoTask | None = None
        self.process = context.Process(target=_worker_main, args=(self.inbox, results), daemon=True)
        self.process.start()

    def give(self, task: VideoTask) -> None:
        self.task = task
        self.inbox.put(task)

    def terminate(self) -> None:
        if self.process.is_alive():
            self.process.terminate()  # SIGTERM: the worker exits through its clean-up (temporary files)

    def stop(self) -> None:
        """Ask the worker to finish, then make sure it is gone."""
        if self.process.is_alive():
            with contextlib.suppress(OSError, ValueError):  # a broken pipe: the worker is going anyway
                self.inbox.put(None)
            self.process.join(STOP_TIMEOUT_S)
            if self.process.is_alive():
                self.process.kill()
                self.process.join(STOP_TIMEOUT_S)
        self.inbox.close()
        self.inbox.cancel_join_thread()


def _worker_main(inbox: Any, results: Any) -> None:
    """A worker process: analyse the videos sent to it until it is sent None or the driver is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the driver's business
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    results.cancel_join_thread()  # never hang at exit flushing to a driver that stopped reading
    driver = mp.parent_process()
    while (task := _next_task(inbox, driver)) is not None:

        def report(done: int, total: int | None, key: str = task.key) -> None:
            if driver is not None and not driver.is_alive():
                sys.exit(1)  # the driver was killed: stop this video too
            results.put(("frames", key, done, total))

        try:
            outcome = run_task(task, throttled(report))
        except Exception as error:  # e.g. an interrupted analysis: still one outcome per task
            outcome = failed_outcome(f"{type(error).__name__}: {error}")
        results.put(("done", task.key, outcome))


def _next_task(inbox: Any, driver: Any) -> VideoTask | None:
    """The next task, or None when told to stop or when the driver process is gone."""
    while True:
        try:
            return inbox.get(timeout=POLL_S * 4)
        except queue.Empty:
            if driver is not None and not driver.is_alive():
                return None


def _exit_on_sigterm(signum: int, frame: object) -> None:
    sys.exit(128 + signum)
