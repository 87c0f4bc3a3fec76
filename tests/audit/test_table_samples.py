"""Samples of any loaded table: a contract table of a data folder, read through kansa.services and DuckDB."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from kansa.audit.errors import AuditUsageError
from kansa.contract.load import LoadFailed
from kansa.services.audit_tables import folder_table_sample


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic institution's data folder (as a scan upload holds it)."""
    from kansa.synth.conduct import generate_conduct
    out = tmp_path_factory.mktemp("data")
    generate_conduct(out, customers=300, seed=11)
    (out / "answer_key.csv").unlink(missing_ok=True)
    return out


def _rows(folder: Path, table: str) -> dict[str, dict[str, str]]:
    with (folder / f"{table}.csv").open(encoding="utf-8-sig", newline="") as fh:
        key = f"{table[:-1]}_id"
        return {r[key]: r for r in csv.DictReader(fh)}


def test_a_random_sample_is_sized_by_attribute_sampling_and_repeats_with_its_seed(folder: Path) -> None:
    trades = _rows(folder, "trades")
    first = folder_table_sample(folder, "trades", "E-01-S1", seed=42, confidence=0.95, tolerable_rate=0.05)
    again = folder_table_sample(folder, "trades", "E-01-S1", seed=42, confidence=0.95, tolerable_rate=0.05)
    other = folder_table_sample(folder, "trades", "E-01-S1", seed=43, confidence=0.95, tolerable_rate=0.05)
    assert first.population == len(trades) and len(first.items) == 59 and first.seed == 42
    assert [i.key for i in first.items] == [i.key for i in again.items] != [i.key for i in other.items]
    assert len({i.key for i in first.items}) == 59 and all(i.key in trades for i in first.items)
    sha = hashlib.sha256((folder / "trades.csv").read_bytes()).hexdigest()
    assert first.source == f"trades (trades.csv SHA-256 {sha})" and first.method == "random"


def test_each_sampled_item_carries_its_row_as_the_file_has_it(folder: Path) -> None:
    trades = _rows(folder, "trades")
    sample = folder_table_sample(folder, "trades", "S", seed=1, confidence=0.9, tolerable_rate=0.1)
    for item in sample.items:
        source = trades[item.key]
        assert item.row["trade_id"] == item.key and item.row["branch_id"] == source["branch_id"]
        assert item.row["customer_id"] == source["customer_id"] and item.result == "untested"


def test_a_stratified_sample_takes_every_branch_and_channel_at_least_once(folder: Path) -> None:
    trades = _rows(folder, "trades").values()
    strata = {f"{t['branch_id']} / {t['channel']}" for t in trades}
    sample = folder_table_sample(folder, "trades", "S", seed=5, strata=("branch_id", "channel"))
    assert {i.stratum for i in sample.items} == strata
    assert sample.method == "stratified by trades.branch_id, channel"
    for item in sample.items:
        assert item.stratum == f"{item.row['branch_id']} / {item.row['channel']}"


def test_a_table_the_folder_lacks_or_a_column_it_lacks_is_refused_by_name(folder: Path) -> None:
    with pytest.raises(AuditUsageError) as exc:
        folder_table_sample(folder, "assets", "S", seed=1)
    assert "assets" in exc.value.render("en") and "trades" in exc.value.render("en")
    with pytest.raises(AuditUsageError) as exc:
        folder_table_sample(folder, "trades", "S", seed=1, strata=("branch",))
    assert "branch" in exc.value.render("ja") and "branch_id" in exc.value.render("ja")


def test_a_folder_that_fails_the_contract_is_never_sampled(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "trades.csv").write_bytes((folder / "trades.csv").read_bytes())   # trades without their branches
    with pytest.raises(LoadFailed) as exc:
        folder_table_sample(tmp_path, "trades", "S", seed=1)
    assert "branches" in exc.value.render("ja")
