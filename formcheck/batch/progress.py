"""The batch's progress bars: one over the videos, one per video being analysed (its frames and fps)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text


class _RateColumn(ProgressColumn):
    """Frames per second on a video's bar; nothing on the bar of the videos."""

    def render(self, task: Task) -> Text:
        if not task.fields.get("frames"):
            return Text("")
        return Text(f"{task.speed:5.1f} fps" if task.speed else "  ... fps", style="progress.data.speed")


class BatchProgress:
    """Rich progress on ``console``: ``frames`` moves a video's bar, ``finished`` removes it and counts the video."""

    def __init__(self, console: Console, videos: int, *, disable: bool = False) -> None:
        columns = [TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(), _RateColumn(),
                   TimeRemainingColumn()]  # fmt: skip
        self._progress = Progress(*columns, console=console, transient=True, disable=disable)
        self._videos = self._progress.add_task("videos", total=videos)
        self._bars: dict[str, TaskID] = {}

    def __enter__(self) -> BatchProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._progress.stop()

    def frames(self, key: str, done: int, total: int | None) -> None:
        if key not in self._bars:
            self._bars[key] = self._progress.add_task(f"  {key}", total=total, frames=True)
        self._progress.update(self._bars[key], completed=done, total=total)

    def finished(self, key: str) -> None:
        bar = self._bars.pop(key, None)
        if bar is not None:
            self._progress.remove_task(bar)
        self._progress.advance(self._videos)
