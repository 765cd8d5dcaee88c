"""Where the history database lives: ``$FORMCHECK_DATA_DIR``, else the user data directory (XDG_DATA_HOME)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DATA_DIR_ENV = "FORMCHECK_DATA_DIR"
DATABASE_NAME = "history.sqlite3"
PENDING_DIR = "pending"  # sets that could not be recorded, kept as files to import


def data_dir() -> Path:
    """The folder of formcheck's data: ``$FORMCHECK_DATA_DIR`` or e.g. ``~/.local/share/formcheck``."""
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(override).expanduser() if override else platformdirs.user_data_path("formcheck", appauthor=False)


def database_path() -> Path:
    """The history database file."""
    return data_dir() / DATABASE_NAME
