"""Errors that reach the user as one line, each with its exit code."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_BAD_INPUT = 2
EXIT_NO_PERSON = 3
EXIT_HISTORY = 4
EXIT_INTERRUPTED = 130

EXIT_CODES_HELP = (
    "Exit codes: 0 done; 1 failure (e.g. no pose model); 2 bad input (missing, empty, damaged or unsupported "
    "video, bad option, broken rule file, unwritable report path); 3 nobody in view in the whole video (the "
    "report is still written); 4 history database unusable (damaged, locked, or from a newer formcheck; reports "
    "are still written and the set is kept in a file to import); 130 interrupted with Ctrl-C (the report of what "
    'was analysed is written, marked "complete": false).'
)


class FormcheckError(Exception):
    """An error the user can act on; its message is shown as one line."""

    exit_code = EXIT_FAILURE


class BadInputError(FormcheckError):
    """A missing, unreadable or unsupported video, camera, folder or option."""

    exit_code = EXIT_BAD_INPUT


class RuleFileError(BadInputError):
    """A rule file that cannot be loaded; the message names the file and the key."""


class PlanFileError(BadInputError):
    """A plan file that cannot be loaded; the message names the file and the key."""


class ModelError(FormcheckError):
    """No usable pose model."""


class BadModelError(ModelError):
    """A model the user named (``--model``, ``$FORMCHECK_MODEL``) that is missing or not a pose model: bad input."""

    exit_code = EXIT_BAD_INPUT


class NoPersonError(FormcheckError):
    """Nobody was seen in the whole video."""

    exit_code = EXIT_NO_PERSON


class InterruptedAnalysis(FormcheckError):
    """Ctrl-C during an analysis: what was analysed has been reported, marked incomplete."""

    exit_code = EXIT_INTERRUPTED


class HistoryError(FormcheckError):
    """The history database cannot be used: damaged, locked, or written by a newer formcheck."""

    exit_code = EXIT_HISTORY
