"""`kansa rules list|show|lint`: the catalog on screen, a rule as a working paper, lint exit codes."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from kansa.cli.rules import app

RUNNER = CliRunner()


def test_list_shows_every_conduct_rule_in_english() -> None:
    result = RUNNER.invoke(app, ["list", "--domain", "conduct", "--lang", "en"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "household_concentration" in result.output and "Household assets concentrated" in result.output
    assert "branch_sales_spike" in result.output


def test_show_prints_the_working_paper_with_parameters_and_sql() -> None:
    result = RUNNER.invoke(app, ["show", "elderly_caution_no_approval"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for part in ("役席者の事前承認", "趣旨", "根拠", "金融商品取引法", "min_age", "75", "60..120", "SQL",
                 "age_years(c.birth_date, t.trade_date)"):
        assert part in result.output


def test_show_an_unknown_rule_fails_clearly() -> None:
    result = RUNNER.invoke(app, ["show", "no_such_rule"])
    assert result.exit_code == 2 and "no_such_rule" in result.output


def test_lint_passes_the_catalog_and_fails_a_bad_file(tmp_path: Path) -> None:
    assert RUNNER.invoke(app, ["lint"]).exit_code == 0
    bad = tmp_path / "bad_rule.yaml"
    bad.write_text(
        "id: bad_rule\ndomain: conduct\nentity_type: customer\nseverity: high\narea: elderly\n"
        "summary: {ja: 悪い, en: bad}\n"
        "title: {ja: 悪い, en: bad}\nrationale: {ja: 悪い, en: bad}\nreferences: [x]\ntables: [customers]\n"
        "sql: SELECT customer_id AS entity_id, date_diff('year', birth_date, :as_of) AS score, "
        ":as_of AS event_date FROM customers\nreason: {ja: x, en: x}\n",
        encoding="utf-8",
    )
    result = RUNNER.invoke(app, ["lint", str(bad)])
    assert result.exit_code == 1
    assert "bad_rule.yaml" in result.output and "age_years" in result.output


def test_show_an_unknown_rule_speaks_the_readers_language() -> None:
    english = RUNNER.invoke(app, ["show", "no_such_rule", "--lang", "en"])
    japanese = RUNNER.invoke(app, ["show", "no_such_rule", "--lang", "ja"])
    assert english.exit_code == japanese.exit_code == 2
    assert "no rule no_such_rule" in english.output and "ルール no_such_rule はありません" in japanese.output


def test_a_reader_that_stops_early_is_not_reported_as_a_bug() -> None:
    """`kansa ... --help | head`: a write to the closed pipe exits 1 quietly, with no crash file (it is no bug)."""
    from kansa.cli.handler import new_app

    demo = new_app()

    @demo.command()
    def talk() -> None:
        raise BrokenPipeError(32, "Broken pipe")

    @demo.command()
    def other() -> None:
        """A second command, so that `talk` is a subcommand as every kansa command is."""

    result = RUNNER.invoke(demo, ["talk"])
    assert result.exit_code == 1
    assert "kansa-crash" not in result.output and "内部エラー" not in result.output
