"""Engines run the per-video function over many videos: ``local`` (worker processes) or ``ray`` (a Ray cluster).

An engine gets plain-data VideoTasks and reports back through BatchEvents: frames done, and each video's outcome
(see ``worker.analyze_one``). It writes nothing itself: the driver does, so both engines give the same files.
Ctrl-C stops the engine's workers and propagates as KeyboardInterrupt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from formcheck.batch.worker import analyze_one
from formcheck.errors import BadInputError

FRAMES_PER_UPDATE = 10  # a worker reports its progress every this many frames (and at the last one)


@dataclass(frozen=True)
class VideoTask:
    """One video to analyse, as plain data: ``path`` is where the video is read, ``name`` how reports name it."""

    key: str
    path: str
    name: str
    sha256: str
    exercise: str | None
    formats: tuple[str, ...]
    model: str
    model_sha256: str
    rules: dict[str, str] | None = None


class BatchEvents(Protocol):
    """What an engine tells the driver."""

    def frames(self, key: str, done: int, total: int | None) -> None: ...

    def finished(self, key: str, outcome: dict[str, Any]) -> None: ...


class Engine(Protocol):
    """Runs every task, reporting through ``events``; returns when all are finished."""

    def run(self, tasks: Sequence[VideoTask], events: BatchEvents) -> None: ...


def run_task(task: VideoTask, on_frame: Callable[[int, int | None], None] | None = None,
             *, path: str | None = None, model: str | None = None) -> dict[str, Any]:  # fmt: skip
    """The per-video function applied to a task (``path``/``model``: local copies to use instead)."""
    return analyze_one(path or task.path, task.exercise, formats=task.formats, model=model or task.model,
                       rules=task.rules, name=task.name, on_frame=on_frame)  # fmt: skip


def throttled(report: Callable[[int, int | None], None]) -> Callable[[int, int | None], None]:
    """An ``on_frame`` that passes on every FRAMES_PER_UPDATE-th frame and the last one."""

    def on_frame(done: int, total: int | None) -> None:
        if done % FRAMES_PER_UPDATE == 0 or done == total:
            report(done, total)

    return on_frame


ENGINES = ("local", "ray")


def make_engine(name: str, *, jobs: int = 1, address: str | None = None) -> Engine:
    """The engine called ``name``; an unknown name is bad input listing the valid ones."""
    if name == "local":
        from formcheck.batch.local import LocalEngine

        return LocalEngine(jobs)
    if name == "ray":
        from formcheck.batch.ray_engine import RayEngine

        return RayEngine(address)
    raise BadInputError(f"unknown engine {name!r}; choose one of: {', '.join(ENGINES)}")
