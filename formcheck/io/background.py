"""Build something slow (the pose model) in a background thread while the caller keeps the window alive."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class InBackground(Generic[T]):
    """Runs ``build()`` in a thread at once; ``ready`` says when it is done, ``result`` returns it (or raises
    the error it raised)."""

    def __init__(self, build: Callable[[], T], name: str = "formcheck-loading") -> None:
        self._build = build
        self._value: T | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def ready(self) -> bool:
        """True once ``build`` has returned or failed."""
        return not self._thread.is_alive()

    def result(self, timeout_s: float | None = None) -> T:
        """Wait for ``build`` and return what it built; its error is raised here, in the caller's thread."""
        self._thread.join(timeout_s)
        if self._thread.is_alive():
            raise TimeoutError("still loading")
        if self._error is not None:
            raise self._error
        return self._value  # type: ignore[return-value]

    def _run(self) -> None:
        try:
            self._value = self._build()
        except BaseException as error:  # handed to the caller by result()
            self._error = error
