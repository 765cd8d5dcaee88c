"""Where the sets of one live session are saved: every set in files of its own, never over another set's.

Without ``--report`` a set goes to ``formcheck-live-<exercise>-<start time>.json``. With ``--report out.json`` the
first set saved takes that name and each later one goes beside it as ``out.<exercise>-<start time>.json`` (every
format asked for, the same way). A name already used in this session, or a generated name that already exists on
disk, gets ``-2``, ``-3``, ... so no set ever replaces another.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

STAMP = "%Y%m%d-%H%M%S"


@dataclass
class SavedSet:
    """One set of the session as it stands on disk."""

    exercise: str
    paths: list[Path]
    reps: int
    complete: bool


class SetFiles:
    """Hands out the file names of a session's sets and remembers what was saved."""

    def __init__(self, requested: list[Path]) -> None:
        self.requested = list(requested)
        self.sets: list[SavedSet] = []
        self._taken: set[Path] = set()

    def claim(self, exercise_id: str, started: dt.datetime) -> list[Path]:
        """Fresh paths for a new set of ``exercise_id`` that started at ``started`` (local time)."""
        stamp = started.strftime(STAMP)
        if not self.requested:
            base = [Path(f"formcheck-live-{exercise_id}-{stamp}.json")]
        elif not self._taken:
            base = list(self.requested)               # the first set: the names the user gave
            self._taken.update(base)
            return base
        else:
            base = [p.with_name(f"{p.stem}.{exercise_id}-{stamp}{p.suffix}") for p in self.requested]
        paths, n = base, 1
        while any(p in self._taken or p.exists() for p in paths):
            n += 1
            paths = [p.with_name(f"{p.stem}-{n}{p.suffix}") for p in base]
        self._taken.update(paths)
        return paths

    def record(self, paths: list[Path], exercise_id: str, reps: int, complete: bool) -> None:
        """Note that a set was written to ``paths`` (a set saved again replaces its earlier entry)."""
        entry = SavedSet(exercise_id, list(paths), reps, complete)
        for i, saved in enumerate(self.sets):
            if saved.paths == entry.paths:
                self.sets[i] = entry
                return
        self.sets.append(entry)

    @property
    def paths(self) -> list[Path]:
        """Every file written this session, in the order the sets were first saved."""
        return [path for saved in self.sets for path in saved.paths]
