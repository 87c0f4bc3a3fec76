"""The common-KPI submission workbook: written by kansa, read back, and refused with the sheet and cell at fault."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kansa.fd.kpi_template import build, fill, write_template
from kansa.fd.kpi_workbook import BANDS, SHEETS, read_submission
from kansa.fd.messages import FdError, FdErrors

GOOD = dict(zip(BANDS, (1.0, 2.5, 8.0, 12.5, 30.0, 28.0, 10.0, 8.0), strict=True))
FUNDS = [(f"ファンド{k}", 1000.0 - k * 40, 1.0 + k * 0.05, 6.0 + k * 0.1, 12.0) for k in range(20)]


def _weighted(funds: list[tuple[str, float, float, float, float]]) -> tuple[float, float, float]:
    total = sum(f[1] for f in funds)
    return tuple(round(sum(f[c] * f[1] for f in funds) / total, 2) for c in (2, 3, 4))  # type: ignore[return-value]


def _write(path: Path, lang: str = "ja", bands: dict[str, Any] | None = None, positive: Any = 76.0,
           funds: list[Any] | None = None, weighted: Any = None, as_of: date | None = date(2025, 3, 31),
           firm_type: str = "regional_bank") -> Path:
    funds = FUNDS if funds is None else funds
    wb = fill(build(lang, "みどり銀行", firm_type, as_of), lang, GOOD if bands is None else bands, positive, funds,
              _weighted(funds) if weighted is None else weighted)
    wb.save(path)
    return path


def _errors(path: Path) -> list[FdError]:
    with pytest.raises(FdErrors) as err:
        read_submission(path)
    return err.value.errors


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_a_filled_template_reads_back(tmp_path: Path, lang: str) -> None:
    s = read_submission(_write(tmp_path / "ok.xlsx", lang))
    assert (s.firm, s.firm_type, s.as_of, s.positive_share) == ("みどり銀行", "regional_bank", date(2025, 3, 31), 76.0)
    assert s.bands == GOOD and len(s.top20) == 20
    assert s.weighted == dict(zip(("cost", "return", "risk"), _weighted(FUNDS), strict=True))


def test_the_template_is_protected_and_validated(tmp_path: Path) -> None:
    path = write_template(tmp_path / "t.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[:4] == list(SHEETS["ja"]) and wb["_meta"].sheet_state == "veryHidden"
    assert wb.security.lockStructure
    firm = wb[SHEETS["ja"][1]]
    assert firm.protection.sheet and not firm["B3"].protection.locked
    formulas = {dv.formula1 for dv in firm.data_validations.dataValidation}
    assert "AND(MONTH(B5)=3,DAY(B5)=31)" in formulas


def test_bands_that_do_not_add_up_are_refused_naming_the_cells(tmp_path: Path) -> None:
    bands = dict(GOOD, m10_0=15.5)   # adds up to 103
    [err] = _errors(_write(tmp_path / "bad.xlsx", bands=bands))
    assert err.code == "kpi_bands_sum"
    assert "シート「運用損益別顧客比率」セル B4:B11" in err.message("ja") and "103" in err.message("ja")
    assert "sheet 'Return bands' cell B4:B11" in _errors(_write(tmp_path / "bad_en.xlsx", "en", bands=bands))[0] \
        .message("en")


def test_rounding_within_half_a_point_is_accepted(tmp_path: Path) -> None:
    bands = dict(GOOD, ge_50=8.4)   # 100.4
    assert read_submission(_write(tmp_path / "r.xlsx", bands=bands, positive=76.4)).positive_share == 76.4


def test_each_inconsistency_names_its_cell(tmp_path: Path) -> None:
    cases = {
        "positive": (dict(positive=70.0), "kpi_positive_mismatch", "B13"),
        "weighted": (dict(weighted=(1.9, 6.9, 12.0)), "kpi_weighted_mismatch", "D25"),
        "april": (dict(as_of=date(2025, 4, 1)), "kpi_not_march", "B5"),
        "order": (dict(funds=[FUNDS[1], FUNDS[0], *FUNDS[2:]]), "kpi_top20_order", "C5"),
        "text": (dict(bands=dict(GOOD, lt_m50="abc")), "kpi_not_number", "B4"),
        "range": (dict(bands=dict(GOOD, lt_m50=-1.0)), "kpi_range", "B4"),
        "blank": (dict(as_of=None), "kpi_required", "B5"),
    }
    for name, (kwargs, code, cell) in cases.items():
        errors = _errors(_write(tmp_path / f"{name}.xlsx", **kwargs))
        assert any(e.code == code and e.fields["cell"] == cell for e in errors), (name, [e.code for e in errors])


def test_percent_formatted_cells_and_text_percentages_are_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "p.xlsx")
    wb = load_workbook(path)
    ws = wb[SHEETS["ja"][2]]
    ws["B4"] = 0.01
    ws["B4"].number_format = "0.0%"
    ws["B5"] = "２.５％"
    wb.save(path)
    assert read_submission(path).bands["lt_m50"] == 1.0 and read_submission(path).bands["m50_m30"] == 2.5


def test_an_edited_meta_sheet_or_a_foreign_file_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "m.xlsx")
    wb = load_workbook(path)
    wb["_meta"]["B4"] = "0" * 64
    wb.save(path)
    with pytest.raises(FdError) as err:
        read_submission(path)
    assert err.value.code == "kpi_seal"
    (tmp_path / "x.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(FdError) as err:
        read_submission(tmp_path / "x.xlsx")
    assert err.value.code == "kpi_not_workbook" and "x.xlsx" in err.value.message("ja")


cell_values = st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**6, 10**6),
                        st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12), st.booleans(),
                        st.datetimes(min_value=datetime(1990, 1, 1)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(cell_values, min_size=8, max_size=8), positive=cell_values, as_of=cell_values)
def test_any_cell_values_give_a_submission_or_named_errors(tmp_path: Path, values: list[Any], positive: Any,
                                                           as_of: Any) -> None:
    path = _write(tmp_path / "f.xlsx", bands=dict(zip(BANDS, values, strict=True)), positive=positive)
    wb = load_workbook(path)
    wb[SHEETS["ja"][1]]["B5"] = as_of
    wb.save(path)
    try:
        s = read_submission(path)
    except FdErrors as exc:
        assert exc.errors and all(e.fields.get("cell") or e.code == "kpi_top20_count" for e in exc.errors)
        assert all(e.message("ja") and e.message("en") for e in exc.errors)
    else:
        assert abs(sum(s.bands.values()) - 100) <= 0.5 and s.as_of.month == 3
