"""The Ray engine: the same per-video function as Ray tasks (1 CPU each) on an existing Ray cluster.

Tasks read the video at its path when the node sees the same file (shared storage: same path, same SHA-256);
otherwise the driver ships the video's bytes through the object store and the task analyses a private copy. The
pose model travels the same way (its bytes are put once). Results come back as plain data (the report dict and
the report files' bytes); the driver writes them. Every node needs the same formcheck version as the driver.
"""

from __future__ import annotations

import logging
import tempfile
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from formcheck.batch.engines import FRAMES_PER_UPDATE, BatchEvents, VideoTask, run_task
from formcheck.batch.records import file_sha256, formcheck_version
from formcheck.batch.worker import failed_outcome
from formcheck.errors import FormcheckError

POLL_S = 0.25
TASK_RETRIES = 2  # a task whose worker or node dies is run again this many times
NEEDS_VIDEO = "needs_video"  # a task's answer when its node cannot see the video


def import_ray() -> Any:
    """The ray module, or a clear error naming the extra to install."""
    try:
        import ray
    except ImportError:
        raise FormcheckError("the ray engine needs Ray: pip install 'formcheck[ray]'") from None
    return ray


class RayEngine:
    """Runs the tasks on the Ray cluster at ``address`` (None: RAY_ADDRESS, a cluster on this machine, or a
    new local instance); an already initialised Ray (``ray.init`` in this process) is used as it is."""

    def __init__(self, address: str | None = None) -> None:
        self.address = address

    def run(self, tasks: Sequence[VideoTask], events: BatchEvents) -> None:
        ray = import_ray()
        started_here = not ray.is_initialized()
        if started_here:
            try:
                ray.init(address=self.address, logging_level=logging.WARNING, log_to_driver=False)
            except Exception as error:  # ConnectionError, ValueError, RuntimeError depending on the failure
                where = self.address or "RAY_ADDRESS / this machine"
                raise FormcheckError(f"cannot connect to the Ray cluster at {where}: {error}") from None
        try:
            _Run(ray, events).run(tasks)
        finally:
            if started_here:
                ray.shutdown()


class _Run:
    """One batch on Ray: submit in a bounded window, follow progress, collect outcomes."""

    def __init__(self, ray: Any, events: BatchEvents) -> None:
        self.ray, self.events = ray, events
        self.remote = ray.remote(num_cpus=1, max_retries=TASK_RETRIES)(_ray_task)
        self.progress = ray.remote(num_cpus=0)(_ProgressLog).remote()
        self.models: dict[str, Any] = {}
        self.window = max(2, 2 * int(ray.cluster_resources().get("CPU", 1)))  # bounds shipped bytes in flight

    def run(self, tasks: Sequence[VideoTask]) -> None:
        pending: deque[tuple[VideoTask, bool]] = deque((task, False) for task in tasks)
        inflight: dict[Any, VideoTask] = {}
        try:
            while pending or inflight:
                while pending and len(inflight) < self.window:
                    task, ship = pending.popleft()
                    inflight[self._submit(task, ship)] = task
                ready, _ = self.ray.wait(list(inflight), num_returns=1, timeout=POLL_S)
                self._drain_progress()
                for ref in ready:
                    task = inflight.pop(ref)
                    outcome = self._outcome(ref)
                    if outcome.get("status") == NEEDS_VIDEO:
                        pending.appendleft((task, True))
                    else:
                        self.events.finished(task.key, outcome)
            self._drain_progress()
        except BaseException:
            for ref in inflight:
                self.ray.cancel(ref, force=True)
            raise
        finally:
            self.ray.kill(self.progress)

    def _submit(self, task: VideoTask, ship_video: bool) -> Any:
        if task.model_sha256 not in self.models:
            self.models[task.model_sha256] = self.ray.put(Path(task.model).read_bytes())
        video = [self.ray.put(Path(task.path).read_bytes())] if ship_video else []
        # refs inside lists are not fetched by Ray before the task starts: a node with the files never pulls them
        return self.remote.remote(task, video, [self.models[task.model_sha256]], self.progress)

    def _outcome(self, ref: Any) -> dict[str, Any]:
        try:
            outcome = self.ray.get(ref)
        except self.ray.exceptions.RayError as error:
            lines = str(error).strip().splitlines() or [""]
            return failed_outcome(f"the Ray task failed: {type(error).__name__}: {lines[-1].strip()}")
        if outcome.get("status") != NEEDS_VIDEO and outcome["formcheck_version"] != formcheck_version():
            return failed_outcome(f"node {outcome['host']} runs formcheck {outcome['formcheck_version']}, this "
                                  f"driver {formcheck_version()}: install the same version on every node")  # fmt: skip
        return outcome

    def _drain_progress(self) -> None:
        for key, done, total in self.ray.get(self.progress.drain.remote()):
            self.events.frames(key, done, total)


class _ProgressLog:
    """A tiny actor the tasks post their frame counts to; the driver drains it."""

    def __init__(self) -> None:
        self.updates: list[tuple[str, int, int | None]] = []

    def add(self, key: str, done: int, total: int | None) -> None:
        self.updates.append((key, done, total))

    def drain(self) -> list[tuple[str, int, int | None]]:
        updates, self.updates = self.updates, []
        return updates


def _ray_task(task: VideoTask, video: list, model: list, progress: Any) -> dict[str, Any]:
    """Runs on a Ray worker: find or materialise the video and the model, then the per-video function."""
    import ray

    def on_frame(done: int, total: int | None) -> None:
        if done % FRAMES_PER_UPDATE == 0 or done == total:
            progress.add.remote(task.key, done, total)

    with tempfile.TemporaryDirectory(prefix="formcheck-ray-") as tmp:
        model_path = task.model
        if not _same_file(task.model, task.model_sha256):
            model_path = str(Path(tmp) / Path(task.model).name)
            Path(model_path).write_bytes(ray.get(model[0]))
        if _same_file(task.path, task.sha256):
            return run_task(task, on_frame, model=model_path)
        if not video:
            return {"status": NEEDS_VIDEO}
        copy = Path(tmp) / "video" / Path(task.path).name
        copy.parent.mkdir()
        copy.write_bytes(ray.get(video[0]))
        return run_task(task, on_frame, path=str(copy), model=model_path)


def _same_file(path: str, sha256: str) -> bool:
    """True when this node has the file at ``path`` with the expected content."""
    try:
        return Path(path).is_file() and file_sha256(Path(path)) == sha256
    except OSError:
        return False
