"""Unpack an uploaded data folder (zip) safely: size, type, `..` paths, links and compression bombs refused."""

from __future__ import annotations

import os
import shutil
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from kansa.messages import InputError

ACCEPTED_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".parquet", ".json", ".jsonl", ".evtx", ".log", ".yaml",
                     ".yml"}


@dataclass(frozen=True)
class Limits:
    """Upload limits; defaults fit a branch network's monthly exports."""

    upload_bytes: int = 200 * 1024**2
    expanded_bytes: int = 2 * 1024**3
    max_ratio: int = 200            # text exports compress ~10x; 200x is a bomb, not a CSV
    max_files: int = 2000


def _check_member(name: str, info: zipfile.ZipInfo) -> None:
    member = info.filename
    p = PurePosixPath(member.replace("\\", "/"))
    if p.is_absolute() or ".." in p.parts or (p.parts and ":" in p.parts[0]):
        raise InputError("web_upload_unsafe_path", name=name, member=member)
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise InputError("web_upload_link", name=name, member=member)
    if not info.is_dir() and p.suffix.lower() not in ACCEPTED_SUFFIXES:
        raise InputError("web_upload_bad_type", name=name, member=member)


def check_zip(name: str, stream: BinaryIO, size: int, limits: Limits = Limits()) -> list[zipfile.ZipInfo]:
    """Every member's header checked before a byte is written; the members to extract."""
    if size > limits.upload_bytes:
        raise InputError("web_upload_too_large", name=name, size=size, limit=limits.upload_bytes)
    if not zipfile.is_zipfile(stream):
        raise InputError("web_upload_not_zip", name=name)
    stream.seek(0)
    with zipfile.ZipFile(stream) as zf:
        infos = zf.infolist()
    if len(infos) > limits.max_files:
        raise InputError("web_upload_too_many_files", name=name, count=len(infos), limit=limits.max_files)
    total = 0
    for info in infos:
        _check_member(name, info)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_ratio or total > limits.expanded_bytes:
            raise InputError("web_upload_bomb", name=name, member=info.filename, ratio=f"{ratio:.0f}",
                             total=total, limit=limits.expanded_bytes)
    return infos


def extract_zip(name: str, stream: BinaryIO, size: int, dest: Path, limits: Limits = Limits()) -> Path:
    """Extract into `dest` (must not exist); counts real bytes as written, since headers can lie."""
    infos = check_zip(name, stream, size, limits)
    dest.mkdir(parents=True)
    written = 0
    try:
        with zipfile.ZipFile(stream) as zf:
            for info in infos:
                target = dest.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
                if info.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, target.open("wb") as out:
                    while chunk := src.read(1 << 20):
                        written += len(chunk)
                        if written > limits.expanded_bytes or written > limits.max_ratio * max(size, 1):
                            raise InputError("web_upload_bomb", name=name, member=info.filename, ratio="?",
                                             total=written, limit=limits.expanded_bytes)
                        out.write(chunk)
                os.utime(target, (mtime := time.mktime((*info.date_time, 0, 0, -1)), mtime))  # logs date by it
    except BaseException:
        shutil.rmtree(dest, ignore_errors=True)   # nothing half-extracted
        raise
    return dest
