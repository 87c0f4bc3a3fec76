"""The machine cache of linted and compiled rules: used when the inputs are the same, never otherwise."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from kansa import cache as machine_cache
from kansa.engine import SpecError, load_spec, resolve_params
from kansa.engine.compile import compile_rule

from .test_loader import SPEC, _write


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("KANSA_CACHE_DIR", str(folder))
    return folder


def test_a_compiled_rule_comes_back_from_the_cache_for_the_same_inputs_only(tmp_path: Path, own_cache: Path) -> None:
    spec = load_spec(_write(tmp_path, SPEC))
    values = resolve_params(spec, None)
    first = compile_rule(spec, values, date(2026, 3, 31))
    assert "10.0" in first and "2026-03-31" in first
    (name,) = [p.name for p in own_cache.glob("rule-sql-*.json")]
    entries = machine_cache.read(name)
    (key,) = entries
    machine_cache.write(name, {key: "SELECT 'planted'"})
    assert compile_rule(spec, values, date(2026, 3, 31)) == "SELECT 'planted'"  # read back, not recompiled
    other = compile_rule(spec, {**values, "floor": 20.0}, date(2026, 3, 31))
    assert "20.0" in other and "planted" not in other
    assert "2025-03-31" in compile_rule(spec, values, date(2025, 3, 31))
    assert "planted" not in compile_rule(spec, values, date(2026, 3, 31), dialect="spark")


def test_a_clean_rule_is_linted_once_and_a_bad_one_every_time(tmp_path: Path, own_cache: Path) -> None:
    load_spec(_write(tmp_path, SPEC))
    (name,) = [p.name for p in own_cache.glob("rule-lint-*.json")]
    assert list(machine_cache.read(name).values()) == [True]
    bad = dict(SPEC, sql="SELECT trade_id AS entity_id FROM trades WHERE")
    for _ in range(2):
        with pytest.raises(SpecError):
            load_spec(_write(tmp_path, bad, name="bad_rule"))
    assert len(machine_cache.read(name)) == 1  # only the clean file


def test_an_edited_rule_is_linted_again(tmp_path: Path) -> None:
    path = _write(tmp_path, SPEC)
    load_spec(path)
    path.write_text(yaml.safe_dump(dict(SPEC, sql="SELECT nonsense FROM"), allow_unicode=True), encoding="utf-8")
    with pytest.raises(SpecError):
        load_spec(path)


def test_an_unwritable_cache_only_costs_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("KANSA_CACHE_DIR", str(blocker / "sub"))
    spec = load_spec(_write(tmp_path, SPEC))
    assert "2026-03-31" in compile_rule(spec, resolve_params(spec, None), date(2026, 3, 31))
