"""Synthetic data folders for the web tests (session fixtures), and zipping them as a user would upload them."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest


def zip_folder(folder: Path, leave_out: tuple[str, ...] = ()) -> bytes:
    """The folder's files (sub-folders kept, e.g. logs/), zipped; the answer key never reaches the app."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and p.name != "answer_key.csv" and p.name not in leave_out:
                zf.write(p, p.relative_to(folder).as_posix())
    return buf.getvalue()


@pytest.fixture(scope="session")
def conduct_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic institution's conduct exports."""
    from kansa.synth.conduct import generate_conduct
    folder = tmp_path_factory.mktemp("conduct-q")
    generate_conduct(folder, customers=300, seed=7)
    return folder


@pytest.fixture(scope="session")
def cyber_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic institution's cyber registers and logs."""
    from kansa.synth.cyber import generate_cyber
    folder = tmp_path_factory.mktemp("cyber-q")
    generate_cyber(folder, assets=60, seed=3)
    return folder
