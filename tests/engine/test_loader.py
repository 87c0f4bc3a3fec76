"""Spec loading and parameter files: clear errors naming the file and field; typed overrides."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from kansa.engine import SpecError, load_catalog, load_params, load_spec, resolve_params

SPEC = {
    "id": "tiny_rule", "domain": "conduct", "entity_type": "trade", "severity": "low",
    "title": {"ja": "小さなルール", "en": "Tiny rule"},
    "rationale": {"ja": "試験用", "en": "For tests"},
    "area": "sales_pattern",
    "summary": {"ja": "試験用の要約", "en": "test summary"},
    "references": ["none"],
    "tables": ["trades"],
    "params": {"floor": {"type": "float", "default": 10.0, "min": 0, "max": 100,
                         "description": {"ja": "下限", "en": "floor"}}},
    "sql": "SELECT trade_id AS entity_id, amount_jpy AS score, trade_date AS event_date, amount_jpy FROM trades "
           "WHERE amount_jpy > :floor AND trade_date <= :as_of",
    "reason": {"ja": "{amount_jpy:,.0f}円", "en": "{amount_jpy:,.0f} JPY"},
}


def _write(tmp_path: Path, spec: dict, name: str = "tiny_rule") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path


def test_the_conduct_catalog_has_exactly_the_issue_rule_ids() -> None:
    assert [s.id for s in load_catalog("conduct")] == sorted([
        "elderly_caution_no_approval", "elderly80_same_day_order", "elderly80_post_trade_contact",
        "elderly_long_maturity", "suitability_mismatch", "missing_explanation_record", "household_concentration",
        "short_term_switch", "churning_customer", "structured_bond_resolicitation", "branch_sales_spike",
        "staff_affiliated_skew", "staff_high_fee_skew", "complaint_cluster"])


def test_every_conduct_rule_cites_and_explains_in_both_languages() -> None:
    for spec in load_catalog("conduct"):
        assert spec.references and all(spec.title[k] and spec.rationale[k] and spec.reason[k] for k in ("ja", "en"))
        # YAML folding must not leave spaces between Japanese characters
        assert not re.search(r"[^\x00-\x7F]\s+[^\x00-\x7F]", spec.rationale["ja"]), spec.id


def test_a_good_spec_loads_with_typed_defaults(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path, SPEC))
    assert spec.param("floor").default == 10.0 and spec.param("floor").range_text() == "0.0..100.0"


@pytest.mark.parametrize(("change", "field"), [
    ({"severity": "urgent"}, "severity"),
    ({"entity_type": "planet"}, "entity_type"),
    ({"title": {"ja": "だけ"}}, "title"),
    ({"references": []}, "references"),
    ({"colour": "red"}, "colour"),
    ({"id": "other_name"}, "id"),
    ({"params": {"floor": {"type": "float", "default": 500, "max": 100, "description": {"ja": "a", "en": "b"}}}},
     "params.floor.default"),
    ({"params": {"floor": {"type": "decimal", "default": 1, "description": {"ja": "a", "en": "b"}}}},
     "params.floor.type"),
    ({"params": {"as_of": {"type": "date", "default": "2026-01-01", "description": {"ja": "a", "en": "b"}}}},
     "params.as_of"),
    ({"sql": "SELECT * FROM read_csv('x.csv')"}, "sql"),
])
def test_a_bad_spec_names_the_file_and_the_field(tmp_path: Path, change: dict, field: str) -> None:
    path = _write(tmp_path, {**SPEC, **change})
    with pytest.raises(SpecError) as err:
        load_spec(path)
    assert err.value.field_name == field and str(path) in str(err.value)


def test_a_reason_naming_a_column_the_sql_lacks_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="age"):
        load_spec(_write(tmp_path, {**SPEC, "reason": {"ja": "{age}歳", "en": "{age}"}}))


def test_toml_and_yaml_parameter_files_give_typed_values(tmp_path: Path) -> None:
    toml = tmp_path / "bank.toml"
    toml.write_text("[global]\nmin_age = 70\n[household_concentration]\nmin_share_pct = 75\n"
                    "product_types = ['structured_bond', 'foreign_currency_insurance']\n", encoding="utf-8")
    params = load_params(toml)
    assert params["household_concentration"] == {"min_share_pct": 75.0,
                                                  "product_types": ("structured_bond", "foreign_currency_insurance")}
    assert params["global"] == {"min_age": 70}
    yml = tmp_path / "bank.yaml"
    yml.write_text("elderly80_same_day_order:\n  min_age: 85\n", encoding="utf-8")
    assert load_params(yml) == {"elderly80_same_day_order": {"min_age": 85}}


def test_global_values_apply_to_every_rule_with_that_parameter_and_rule_sections_win(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text("[global]\nmin_age = 70\n[elderly80_same_day_order]\nmin_age = 85\n", encoding="utf-8")
    params = load_params(path)
    by_id = {s.id: s for s in load_catalog("conduct")}
    assert resolve_params(by_id["elderly_caution_no_approval"], params)["min_age"] == 70
    assert resolve_params(by_id["elderly80_same_day_order"], params)["min_age"] == 85
    assert resolve_params(by_id["elderly_long_maturity"], params)["min_years"] == 10


@pytest.mark.parametrize(("text", "field"), [
    ("[no_such_rule]\nx = 1\n", "no_such_rule"),
    ("[elderly_long_maturity]\nmin_agee = 80\n", "elderly_long_maturity.min_agee"),
    ("[elderly_long_maturity]\nmin_age = 'eighty'\n", "elderly_long_maturity.min_age"),
    ("[elderly_long_maturity]\nmin_age = 200\n", "elderly_long_maturity.min_age"),
    ("[global]\nnobody_has_this = 1\n", "global.nobody_has_this"),
    ("not toml at all [", "(file)"),
])
def test_unknown_rules_parameters_and_bad_values_are_errors(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as err:
        load_params(path)
    assert err.value.field_name == field and "p.toml" in str(err.value)


def test_date_parameters_accept_iso_text(tmp_path: Path) -> None:
    spec_dict = {**SPEC, "params": {"since": {"type": "date", "default": "2025-04-01",
                                              "description": {"ja": "開始", "en": "since"}}},
                 "sql": SPEC["sql"].replace(":floor", "0 AND trade_date >= :since")}
    spec = load_spec(_write(tmp_path, spec_dict))
    assert spec.param("since").default == date(2025, 4, 1)
