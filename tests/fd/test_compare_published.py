"""The comparison over the real published common-KPI figures (../shared/data/fd): counts per firm type and each
firm's figure reproduced, disagreeing sources both kept, firms placed within their type and date only."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pytest

from kansa.fd.compare import PUBLISHED_TYPES, places, read_published, type_stats, year_on_year
from kansa.fd.compare_report import write_compare
from kansa.fd.kpi_synth import write_submissions
from kansa.fd.kpi_workbook import read_submission
from kansa.fd.messages import FdError, FdErrors


@pytest.fixture(scope="module")
def published(shared_data: Path) -> Path:
    return shared_data / "fd" / "common_kpi_published.csv"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_it_reproduces_the_published_counts_per_firm_type(published: Path) -> None:
    firms: dict[tuple[str, str], set[str]] = defaultdict(set)
    rows: dict[tuple[str, str], int] = defaultdict(int)
    for r in _rows(published):
        if r["positive_share_pct"] and r["institution_type"] != "aggregate":
            key = (PUBLISHED_TYPES[r["institution_type"]], r["as_of_date"])
            firms[key].add(r["institution"])
            rows[key] += 1
    stats = {(s.firm_type, s.as_of.isoformat()): s for s in type_stats(read_published(published))}
    assert set(stats) == set(firms)
    for key, names in firms.items():
        assert (stats[key].firms, stats[key].rows) == (len(names), rows[key]), key
    # the 2025 lists as published: 15 major banks, 47 cooperatives
    assert stats[("major_bank", "2025-03-31")].firms == 15
    assert stats[("cooperative", "2025-03-31")].firms == 47


def test_every_firm_figure_is_kept_with_its_source_and_disagreements_are_shown(published: Path) -> None:
    records = read_published(published)
    found = {(p.firm, p.as_of.isoformat(), p.value, p.source) for p in places(records)}
    for r in _rows(published):
        if r["positive_share_pct"] and r["institution_type"] != "aggregate":
            assert (r["institution"], r["as_of_date"], float(r["positive_share_pct"]), r["source"]) in found
    mizuho = [p for p in places(records) if p.firm == "みずほ信託銀行" and p.as_of.year == 2025]
    assert sorted(p.value for p in mizuho) == [92.0, 92.3] and all(p.disagreement for p in mizuho)


def test_firms_are_placed_within_their_type_and_date_never_across(published: Path) -> None:
    records = read_published(published)
    stats = {(s.firm_type, s.as_of): s.firms for s in type_stats(records)}
    for p in places(records):
        assert 1 <= p.rank <= p.of == stats[(p.firm_type, p.as_of)]
        assert 0.0 <= p.percentile <= 100.0
    top = [p for p in places(records) if p.rank == 1 and p.as_of.year == 2025]
    assert len({p.firm_type for p in top}) == 5   # a first place in every type, none overall
    assert not any(p.firm.startswith("ALL") for p in places(records))   # averages are reference lines
    nomura = [y for y in year_on_year(records) if y.firm == "野村證券"]
    assert [(y.as_of.year, y.after) for y in nomura] == [(2021, 92.0), (2023, 85.0), (2024, 95.8), (2025, 86.5)]


def test_the_comparison_report_reads_back(published: Path, tmp_path: Path) -> None:
    files = write_compare(read_published(published), tmp_path, lang="ja")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(str(files["compare.pdf"])).pages)
    for words in ("共通KPIの比較", "業態内の順位", "大川信用金庫", "順位付けは行いません", "出所により値が異なる"):
        assert words.replace(" ", "") in text.replace(" ", "").replace("\n", ""), words
    en = write_compare(read_published(published), tmp_path / "en", lang="en", formats=("html",))
    assert "Place in its type" in en["compare.html"].read_text(encoding="utf-8")


def test_submissions_are_compared_and_bad_ones_refused(tmp_path: Path) -> None:
    paths = write_submissions(tmp_path / "subs", firms=12, bad=2)
    good, refused = [], []
    for p in paths:
        try:
            good.append(read_submission(p))
        except FdErrors as exc:
            refused += exc.errors
    assert len(refused) == 2 and all(e.code == "kpi_bands_sum" for e in refused)
    from kansa.fd.compare import from_submissions

    files = write_compare(from_submissions(good), tmp_path / "out", rejected=refused, formats=("html", "xlsx"))
    html = files["compare.html"].read_text(encoding="utf-8")
    assert "受け付けなかった報告様式" in html and "B4:B11" in html


def test_a_bad_published_row_names_its_row_and_column(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("institution,institution_type,as_of_date,band,share_pct,positive_share_pct,top20_cost,"
                    "top20_return,top20_risk,source\nA銀行,regional bank,2025-03-31,,,七十,,,,x\n", encoding="utf-8")
    with pytest.raises(FdError) as err:
        read_published(path)
    assert err.value.fields == {"path": str(path), "row": 2, "column": "positive_share_pct", "value": "七十"}
