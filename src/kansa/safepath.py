"""Paths kansa writes: never over an input, never inside the input folder, never steered by an id."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from kansa.messages import OutputError

# Names Windows reserves whatever the extension (CON.txt is CON); a share or a USB stick may be NTFS/FAT.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


def check_output(out: Path, inputs: Iterable[Path], *, folder: bool = False) -> None:
    """Refuse an output that is an input file or lies inside an input folder (OutputError, before any work).

    `folder=True` for an output folder, which kansa replaces whole: it may not hold an input either.
    """
    target = out.expanduser().resolve()
    for given in inputs:
        source = given.expanduser().resolve()
        if target == source:
            raise OutputError("output_is_input", path=str(out), input=str(given))
        if source.is_dir() and source in target.parents:
            raise OutputError("output_inside_input", path=str(out), input=str(given))
        if folder and target in source.parents:
            raise OutputError("output_contains_input", path=str(out), input=str(given))


def safe_name(identifier: str, *, limit: int = 80) -> str:
    """A file name made from an id (institution, asset): no separators, dots-only, reserved or empty names.

    An id that had to change gets a short hash of the original, so two ids never collide on one file.
    """
    text = unicodedata.normalize("NFC", str(identifier))
    cleaned = _UNSAFE.sub("_", text).strip(" .")
    stem = cleaned.split(".")[0].upper()
    if not cleaned or (set(cleaned) <= {".", "_"} and "_" not in text) or stem in _RESERVED:
        cleaned = "_" + cleaned if cleaned else "_"
    cleaned = cleaned[:limit]
    if cleaned != text:
        cleaned += "~" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return cleaned


def inside(folder: Path, name: str) -> Path:
    """folder / a safe name made from `name`, checked to stay inside folder."""
    path = folder / safe_name(name)
    if folder.resolve() not in path.resolve().parents:
        raise OutputError("output_outside_folder", path=str(path), folder=str(folder))
    return path
