"""Optional spoken cues (`live --voice`): offline text-to-speech with espeak-ng, in a background thread.

Speaking never blocks the video loop: ``say`` only queues the text; a newer message replaces one not yet spoken.
espeak-ng exits 0 even when it finds no sound card (it only prints ALSA errors), so a message counts as spoken
only when the command exits 0 *and* reports no error; the first failure is kept in ``problem`` for the caller
to tell the user once.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
from collections.abc import Sequence

from formcheck.errors import BadInputError

ESPEAK = "espeak-ng"


def require_espeak() -> str:
    """The espeak-ng program; a one-line error when it is not installed (only asked for with --voice)."""
    program = shutil.which(ESPEAK)
    if program is None:
        raise BadInputError("--voice needs espeak-ng (install it: apt-get install espeak-ng)")
    return program


class Speaker:
    """Speaks short messages one at a time with an external command (espeak-ng by default)."""

    def __init__(self, command: Sequence[str] | None = None) -> None:
        if command is None:
            command = [require_espeak(), "-s", "165"]
        self.command = list(command)
        self.spoken: list[str] = []
        self.failures = 0
        self.problem: str | None = None    # why the first message could not be spoken
        self._pending: str | None = None
        self._cond = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="formcheck-voice", daemon=True)
        self._thread.start()

    def say(self, text: str) -> None:
        """Queue ``text`` (replacing any message still waiting); returns at once."""
        with self._cond:
            self._pending = text
            self._cond.notify()

    def close(self, timeout_s: float = 5.0) -> None:
        """Finish the message being spoken (and the one waiting), then stop."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._pending is not None or self._closed)
                text, self._pending = self._pending, None
                if text is None:
                    return
            try:
                done = subprocess.run([*self.command, text], capture_output=True, text=True, timeout=30,
                                      check=False)  # fmt: skip
                problem = speech_problem(done.returncode, done.stderr)
            except (OSError, subprocess.TimeoutExpired) as error:
                problem = f"{self.command[0]} failed ({error})"
            self.spoken.append(text)
            if problem is not None:
                self.failures += 1
                self.problem = self.problem or problem


def speech_problem(returncode: int, stderr: str) -> str | None:
    """Why a speech command said nothing (None when it worked): a non-zero exit, or errors on stderr (espeak-ng
    reports a missing sound device there and still exits 0)."""
    lines = [line.strip() for line in (stderr or "").splitlines() if line.strip()]
    if returncode == 0 and not any("error" in line.lower() for line in lines):
        return None
    sound = [line for line in lines if any(word in line.lower() for word in ("pcm", "card", "audio", "sound"))]
    detail = (sound or lines or [f"exit code {returncode}"])[-1]
    return f"no sound could be played (no audio output device?): {detail[:120]}"
