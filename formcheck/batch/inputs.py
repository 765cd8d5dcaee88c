"""What a batch analyses: video files, folders (searched recursively), globs and manifest CSVs, as BatchItems."""

from __future__ import annotations

import csv
import glob
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from formcheck.errors import BadInputError

VIDEO_SUFFIXES = frozenset(
    {".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp", ".ts", ".mts", ".ogv"}
)
MANIFEST_COLUMNS = ("path", "exercise", "person")
_GLOB_CHARS = "*?["


@dataclass(frozen=True)
class BatchItem:
    """One video of the batch.

    ``key`` names its reports under the output folder (a relative POSIX path without suffix, unique in the batch);
    ``exercise`` and ``person`` come from a manifest row (``exercise`` None: the batch default, else recognised).
    """

    path: Path
    key: str
    exercise: str | None = None
    person: str | None = None


def is_video(path: Path) -> bool:
    """A visible file whose suffix is a video container's."""
    return path.suffix.lower() in VIDEO_SUFFIXES and not path.name.startswith(".")


def expand_inputs(inputs: Iterable[str | Path], *, exclude: Path | None = None) -> list[BatchItem]:
    """Every video named by ``inputs``, in a stable order, each once, with unique report keys.

    A file is taken as given (a ``.csv`` is read as a manifest); a folder is searched recursively for videos; a
    pattern with ``*``, ``?`` or ``[`` is a glob (``**`` crosses folders) keeping the videos it matches. Files
    under ``exclude`` (the output folder) are left out. A missing input or one with no videos is bad input.
    """
    found: list[BatchItem] = []
    for spec in inputs:
        items = list(_expand_one(str(spec), exclude.resolve() if exclude else None))
        if not items:
            raise BadInputError(f"{spec}: no videos found ({', '.join(sorted(VIDEO_SUFFIXES))})")
        found.extend(items)
    return _unique(found)


def _expand_one(spec: str, exclude: Path | None) -> Iterator[BatchItem]:
    path = Path(spec)
    if path.is_file():
        if path.suffix.lower() == ".csv":
            yield from read_manifest(path)
        else:
            yield BatchItem(path, path.stem)
    elif path.is_dir():
        yield from _videos_under(path, path, exclude)
    elif any(char in spec for char in _GLOB_CHARS):
        root = _glob_root(spec)
        for match in sorted(glob.glob(spec, recursive=True)):
            candidate = Path(match)
            if candidate.is_file() and is_video(candidate) and not _inside(candidate, exclude):
                yield BatchItem(candidate, _key(candidate, root))
    else:
        raise BadInputError(f"{spec}: no such file or folder")


def _videos_under(folder: Path, root: Path, exclude: Path | None) -> Iterator[BatchItem]:
    for candidate in sorted(folder.rglob("*")):
        hidden = any(part.startswith(".") for part in candidate.relative_to(root).parts)
        if not hidden and candidate.is_file() and is_video(candidate) and not _inside(candidate, exclude):
            yield BatchItem(candidate, _key(candidate, root))


def read_manifest(manifest: Path) -> Iterator[BatchItem]:
    """Rows of a manifest CSV with a header: ``path`` (relative to the manifest's folder), ``exercise``, ``person``.

    Empty cells mean "not given". A video that does not exist is kept: the batch reports it as failed.
    """
    try:
        with open(manifest, newline="", encoding="utf-8-sig") as file:
            rows = list(csv.reader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise BadInputError(f"{manifest}: not a readable manifest CSV ({error})") from None
    if not rows:
        raise BadInputError(f"{manifest}: the manifest is empty (it needs a header row: path,exercise,person)")
    header = [cell.strip().lower() for cell in rows[0]]
    if "path" not in header:
        raise BadInputError(f"{manifest}: no 'path' column in the header (found: {', '.join(header) or 'nothing'})")
    unknown = [name for name in header if name and name not in MANIFEST_COLUMNS]
    if unknown:
        raise BadInputError(f"{manifest}: unknown column(s) {', '.join(unknown)}; use {', '.join(MANIFEST_COLUMNS)}")
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        if not cells["path"]:
            raise BadInputError(f"{manifest}, line {line}: empty path")
        written = Path(cells["path"])
        path = written if written.is_absolute() else manifest.parent / written
        key = _key(written, Path()) if not written.is_absolute() and ".." not in written.parts else path.stem
        yield BatchItem(path, key, cells.get("exercise") or None, cells.get("person") or None)


def _glob_root(pattern: str) -> Path:
    """The folder part of a glob before its first wildcard (report keys are relative to it)."""
    parts: list[str] = []
    for part in Path(pattern).parts[:-1]:
        if any(char in part for char in _GLOB_CHARS):
            break
        parts.append(part)
    return Path(*parts) if parts else Path()


def _key(path: Path, root: Path) -> str:
    try:
        relative = path.relative_to(root)
    except ValueError:
        relative = Path(path.name)
    return str(PurePosixPath(*relative.parts).with_suffix(""))


def _inside(path: Path, folder: Path | None) -> bool:
    return folder is not None and path.resolve().is_relative_to(folder)


def _unique(items: list[BatchItem]) -> list[BatchItem]:
    """Drop repeated videos (the first mention wins) and make report keys unique (``x.mov`` beside ``x.mp4``)."""
    seen_paths: set[Path] = set()
    keys: set[str] = set()
    unique: list[BatchItem] = []
    for item in items:
        resolved = item.path.resolve()
        if resolved in seen_paths:
            continue
        seen_paths.add(resolved)
        key = item.key
        if key.casefold() in keys:
            key = f"{key}_{item.path.suffix.lstrip('.').lower()}" if item.path.suffix else key
        base, number = key, 2
        while key.casefold() in keys:
            key, number = f"{base}-{number}", number + 1
        keys.add(key.casefold())
        unique.append(BatchItem(item.path, key, item.exercise, item.person))
    return unique
