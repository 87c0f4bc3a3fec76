"""kansa never overwrites its inputs and never writes outside the folder it was given."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from kansa.cli import app
from kansa.messages import OutputError
from kansa.safepath import check_output, safe_name


def test_parse_logs_refuses_out_over_its_input(hostile_auth_log: Path) -> None:
    victim = hostile_auth_log.with_name("events.csv")  # a syslog saved as .csv: read by content
    victim.write_bytes(hostile_auth_log.read_bytes())
    before = victim.read_bytes()
    same = CliRunner().invoke(app, ["cyber", "parse-logs", str(victim), "--out",
                                    str(victim.parent / "x" / ".." / "events.csv"), "--lang", "en"])
    assert same.exit_code == 4, same.output
    assert "events.csv" in same.output
    assert victim.read_bytes() == before


def test_parse_logs_refuses_errors_file_over_an_input(tmp_path: Path, hostile_auth_log: Path) -> None:
    # events.csv -> events.errors.csv: an input called events.errors.csv would be overwritten
    victim = hostile_auth_log.parent / "events.errors.csv"
    victim.write_bytes(hostile_auth_log.read_bytes())
    before = victim.read_bytes()
    result = CliRunner().invoke(app, ["cyber", "parse-logs", str(hostile_auth_log), str(victim), "--out",
                                      str(victim.parent / "events.csv"), "--lang", "en"])
    assert result.exit_code == 4, result.output
    assert "events.errors.csv" in result.output
    assert victim.read_bytes() == before
    assert not (victim.parent / "events.csv").exists()


def test_scan_refuses_out_inside_the_data_folder(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    result = CliRunner().invoke(app, ["conduct", "scan", str(data), "--out", str(data / "results"), "--lang", "en"])
    assert result.exit_code == 4, result.output
    assert "results" in result.output
    assert not (data / "results").exists()


def test_check_output_codes(tmp_path: Path) -> None:
    data = tmp_path / "a"
    data.mkdir()
    (data / "b.csv").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        check_output(data / "x" / ".." / "b.csv", inputs=[data / "b.csv"])
    assert caught.value.code == "output_is_input"
    with pytest.raises(OutputError) as inside:
        check_output(data / "out", inputs=[data])
    assert inside.value.code == "output_inside_input"
    with pytest.raises(OutputError) as holds:
        check_output(tmp_path, inputs=[data], folder=True)
    assert holds.value.code == "output_contains_input"
    check_output(tmp_path / "out", inputs=[data, data / "b.csv"], folder=True)
    check_output(data.parent / "events.csv", inputs=[data / "b.csv"])  # a file beside the input's folder


@pytest.mark.parametrize("hostile", ["../../etc/passwd", "/etc/passwd", "a/b", "a\\b", "..", ".", "",
                                     "CON", "nul", "com1.txt", "x\x00y", "ＡＢ:?*", " trailing. "])
def test_safe_name_never_steers_a_path(hostile: str, tmp_path: Path) -> None:
    name = safe_name(hostile)
    assert name and "/" not in name and "\\" not in name and "\x00" not in name
    assert name not in (".", "..")
    assert name.split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX", "COM1", "LPT1"}
    assert (tmp_path / name).resolve().parent == tmp_path.resolve()


def test_safe_name_keeps_distinct_ids_distinct() -> None:
    assert safe_name("a/b") != safe_name("a_b")
    assert safe_name("BK001") == "BK001"
    assert safe_name("信用金庫-01") == "信用金庫-01"


class _Renderer:
    """Just enough of FeedbackRenderer: institutions whose ids are hostile."""

    def __init__(self, ids: list[str]) -> None:
        self.b = type("B", (), {"scores": {i: {} for i in ids}})()

    def overview_html(self) -> str:
        return "<p>overview</p>"

    def feedback_html(self, iid: str) -> str:
        return f"<p>{iid}</p>"


def test_feedback_reports_stay_inside_out_whatever_the_institution_id(tmp_path: Path) -> None:
    from typing import Any, cast

    from kansa.assessment.feedback import write_reports

    out = tmp_path / "deep" / "out"
    ids = ["../../escaped", "/tmp/abs", "a/b", "CON", "BK001"]
    written = write_reports(cast(Any, _Renderer(ids)), out)
    assert not (tmp_path / "escaped.html").exists() and not (tmp_path / "deep" / "escaped.html").exists()
    for path in written.values():
        assert out.resolve() in path.resolve().parents
    assert (out / "feedback" / "BK001.html").read_text(encoding="utf-8") == "<p>BK001</p>"
    assert len({p.name for p in written.values()}) == len(ids) + 1
