"""People's names and notes as typed on the command line: normalised, and refused with a clear reason."""

from __future__ import annotations

import getpass
import unicodedata

from formcheck.errors import BadInputError

MAX_NAME = 60
MAX_NOTE = 2000
NAME_PUNCTUATION = set(" .'’-_")
FALLBACK_PERSON = "me"


def person_name(raw: str) -> str:
    """A person's name in any script (letters, digits, marks, spaces and . ' - _), NFC-normalised and trimmed."""
    name = " ".join(unicodedata.normalize("NFC", raw).split())
    shown = ascii(raw) if any(unicodedata.category(c)[0] == "C" for c in raw) else repr(raw)
    if not name:
        raise BadInputError("--person: the name is empty")
    if len(name) > MAX_NAME:
        raise BadInputError(f"--person: the name has {len(name)} characters; at most {MAX_NAME}")
    odd = sorted({c for c in unicodedata.normalize("NFC", raw).strip() if not _name_character(c)})
    if odd:
        listed = " ".join(ascii(c) if unicodedata.category(c)[0] == "C" else c for c in odd)
        raise BadInputError(f"--person {shown}: {listed} not allowed in a name; use letters, digits, spaces, . ' - _")
    if not any(c.isalnum() for c in name):
        raise BadInputError(f"--person {shown}: a name needs at least one letter or digit")
    return name


def _name_character(c: str) -> bool:
    return c in NAME_PUNCTUATION or unicodedata.category(c)[0] in "LMN"


def default_person() -> str:
    """The operating system's user name when it makes a valid name, else "me"."""
    try:
        return person_name(getpass.getuser())
    except (BadInputError, KeyError, OSError):
        return FALLBACK_PERSON


def note_text(raw: str | None) -> str | None:
    """A free-text note: trimmed, at most MAX_NOTE characters, no control characters but line breaks and tabs."""
    if raw is None:
        return None
    note = unicodedata.normalize("NFC", raw).strip()
    if not note:
        return None
    if len(note) > MAX_NOTE:
        raise BadInputError(f"--note: {len(note)} characters; at most {MAX_NOTE}")
    bad = sorted({c for c in note if unicodedata.category(c)[0] == "C" and c not in "\n\t"})
    if bad:
        raise BadInputError(f"--note: control characters {' '.join(ascii(c) for c in bad)} not allowed")
    return note
