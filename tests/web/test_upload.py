"""Uploaded data folders: `..` paths, links, bombs, wrong types and sizes are refused with clear messages."""

from __future__ import annotations

import contextlib
import io
import shutil
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kansa.messages import InputError
from kansa.web.scans.upload import Limits, extract_zip


def _zip(members: dict[str, bytes], link: str | None = None) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if link:
            info = zipfile.ZipInfo(link)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, "/etc/passwd")
    buf.seek(0)
    return buf


def _extract(buf: io.BytesIO, dest: Path, limits: Limits = Limits()) -> Path:
    return extract_zip("upload.zip", buf, len(buf.getvalue()), dest, limits)


def test_it_extracts_a_clean_data_folder(tmp_path: Path) -> None:
    out = _extract(_zip({"conduct/customers.csv": "顧客ID\nC1\n".encode(), "conduct/trades.csv": b"a\n1\n"}),
                   tmp_path / "x")
    assert (out / "conduct" / "customers.csv").read_text(encoding="utf-8") == "顧客ID\nC1\n"


@pytest.mark.parametrize("member", ["../evil.csv", "a/../../evil.csv", "/etc/evil.csv", "C:/evil.csv"])
def test_it_refuses_paths_outside_the_folder(tmp_path: Path, member: str) -> None:
    with pytest.raises(InputError) as e:
        _extract(_zip({member: b"x"}), tmp_path / "x")
    assert e.value.code == "web_upload_unsafe_path" and member in e.value.render("en")
    assert "安全でないパス" in e.value.render("ja")
    assert not (tmp_path / "x").exists() and not (tmp_path / "evil.csv").exists()


def test_it_refuses_symbolic_links(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        _extract(_zip({"ok.csv": b"a"}, link="data/passwd.csv"), tmp_path / "x")
    assert e.value.code == "web_upload_link" and "data/passwd.csv" in e.value.render("en")


def test_it_refuses_a_compression_bomb(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        _extract(_zip({"zeros.csv": b"0" * 50_000_000}), tmp_path / "x")
    assert e.value.code == "web_upload_bomb" and "zeros.csv" in e.value.render("en")
    assert not (tmp_path / "x").exists()


def test_a_plain_text_file_at_ten_to_one_is_not_a_bomb(tmp_path: Path) -> None:
    rows = "".join(f"C{i:06d},{i * 37 % 1000},東京支店\n" for i in range(20000)).encode()
    out = _extract(_zip({"customers.csv": rows}), tmp_path / "x")
    assert (out / "customers.csv").stat().st_size == len(rows)


def test_it_refuses_what_is_not_a_zip_and_what_is_too_large(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        _extract(io.BytesIO(b"PK not really"), tmp_path / "x")
    assert e.value.code == "web_upload_not_zip"
    with pytest.raises(InputError) as e:
        _extract(_zip({"a.csv": b"a" * 1000}), tmp_path / "y", Limits(upload_bytes=100))
    assert e.value.code == "web_upload_too_large"


def test_it_refuses_executables_inside(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        _extract(_zip({"data/a.csv": b"a", "data/run.exe": b"MZ"}), tmp_path / "x")
    assert e.value.code == "web_upload_bad_type" and "run.exe" in e.value.render("en")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text(alphabet="ab./\\:.c-_顧客", min_size=1, max_size=12).map(lambda s: s + ".csv"),
                      min_size=1, max_size=4, unique=True))
def test_whatever_the_names_nothing_lands_outside_the_folder(tmp_path: Path, names: list[str]) -> None:
    dest = tmp_path / "fuzz"
    with contextlib.suppress(InputError, IsADirectoryError, NotADirectoryError, FileExistsError):
        _extract(_zip({n: b"x" for n in names}), dest)
    outside = [p for p in tmp_path.rglob("*") if not p.is_relative_to(dest)]
    assert outside == []
    shutil.rmtree(dest, ignore_errors=True)
