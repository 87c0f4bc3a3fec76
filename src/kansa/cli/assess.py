"""`kansa assess`: self-assessment templates, imports, scoring, benchmark and feedback reports."""

from __future__ import annotations

import json
from pathlib import Path

import typer
import yaml
from rich.console import Console
from rich.table import Table

from kansa.assessment.errors import AssessmentError, Problem
from kansa.assessment.model import Framework
from kansa.cli.handler import new_app
from kansa.cli.options import LANG
from kansa.cli.terminal import shown
from kansa.i18n import Lang, check_lang
from kansa.outputs import printable

app = new_app(
    no_args_is_help=True,
    help=(
        "サイバーセキュリティ セルフアセスメント: 回答票の作成、回答の取込、採点、ピア比較、結果還元レポート。\n\n"
        "Cybersecurity self-assessment. Flow: `kansa assess template` (one workbook per institution) -> "
        "institutions fill it in -> `kansa assess import *.xlsx --into answers/` -> "
        "`kansa assess benchmark --answers answers/ --institutions institutions.csv --out out/`."
    ),
)
err = Console(stderr=True, soft_wrap=True)
out = Console(soft_wrap=True)

FRAMEWORK_HELP = ("組込みフレームワークid(kansa-regional 等)か YAML ファイル / a built-in framework id "
                  "(kansa-regional, ...) or a framework YAML file.")


def _fail(exc: AssessmentError, lang: Lang, limit: int = 50) -> None:
    for message in exc.messages(lang)[:limit]:
        err.print(f"[red]✗[/red] {shown(message)}", highlight=False, markup=True)
    if len(exc.problems) > limit:
        err.print(f"... {len(exc.problems) - limit} more")
    raise typer.Exit(1)


def _framework(spec: str) -> Framework:
    from kansa.assessment.registry import resolve_framework

    return resolve_framework(spec)


@app.command("frameworks")
def frameworks_command(lang: str = LANG) -> None:
    """組込みフレームワークの一覧 / List the built-in frameworks."""
    from kansa.assessment.loader import question_set_checksum
    from kansa.assessment.registry import builtin_frameworks
    from kansa.i18n import pick

    lg = check_lang(lang)
    table = Table("id", "version", "title", "questions", "checksum")
    for key, fw in builtin_frameworks().items():
        if "@" not in key:
            table.add_row(fw.id, fw.version, pick(fw.title, lg), str(len(fw.refs())), question_set_checksum(fw)[:12])
    out.print(table)


@app.command("import-framework")
def import_framework_command(
    source: str = typer.Argument(..., help="nist-csf (CPRT JSON) | ffiec-cat (declarative statements CSV)"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="元データ / the source file."),
    out_path: Path = typer.Option(..., "--out", help="書き出す framework YAML / the framework YAML to write."),
    lang: str = LANG,
) -> None:
    """公開資料からフレームワークを生成 / Build a framework YAML from NIST's CPRT JSON or the FFIEC CAT CSV."""
    from kansa.assessment.importers import IMPORTERS
    from kansa.assessment.loader import dump_framework, parse_framework, question_set_checksum

    lg = check_lang(lang)
    if source not in IMPORTERS:
        raise typer.BadParameter(f"{source}: use {', '.join(IMPORTERS)}")
    try:
        doc = IMPORTERS[source](file)
        fw = parse_framework(doc, str(file))
    except AssessmentError as exc:
        _fail(exc, lg)
    dump_framework(doc, out_path)
    reqs = sum(len(d.requirements) for d in fw.domains)
    out.print(f"{out_path}: {fw.id} {fw.version}: {len(fw.domains)} domains, {reqs} requirements, "
              f"{len(fw.refs())} questions, checksum {question_set_checksum(fw)[:12]}")


@app.command("template")
def template_command(
    framework: str = typer.Option("kansa-regional", "--framework", help=FRAMEWORK_HELP),
    institution: str = typer.Option(..., "--institution", help="金融機関ID / the institution's id."),
    out_path: Path = typer.Option(..., "--out", help="回答票 .xlsx / the workbook to write."),
    name: str = typer.Option("", "--name", help="金融機関名(表示用) / the institution's name, shown on the sheet."),
    lang: str = LANG,
) -> None:
    """回答票(Excel)を作成: 記入方法、ドロップダウン、保護、隠しメタデータ / Write the answer workbook."""
    from kansa.assessment.template import write_template

    lg = check_lang(lang)
    try:
        fw = _framework(framework)
    except AssessmentError as exc:
        _fail(exc, lg)
    write_template(fw, institution, out_path, lg, name or None)
    out.print(f"{out_path}: {fw.id} {fw.version}, {len(fw.refs())} questions, {institution}")


@app.command("import")
def import_command(
    files: list[Path] = typer.Argument(..., exists=True, dir_okay=False,
                                       help="回答ファイル(.xlsx 回答票 / .csv / .json) / answer files."),
    into: Path = typer.Option(..., "--into", help="回答の保存先フォルダ / the answer store folder."),
    framework: str = typer.Option("", "--framework", help=FRAMEWORK_HELP + " 既定: 保存先のもの、なければ"
                                  "回答票のもの / default: the store's, else the workbook's."),
    lang: str = LANG,
) -> None:
    """回答を検証して保存(不備のあるファイルは一切保存しない) / Check answer files and store the good ones.

    Rejected: wrong framework or version, edited or deleted question rows, answers outside the options,
    edited metadata, a file name naming another institution, one institution in two files of the batch,
    checksum mismatch. A blank answer cell means "not answered" (scored 0, listed as a note).
    A resubmission replaces the earlier one, which stays in the history (index.csv).
    Exit code 1 when any file was rejected.
    """
    from kansa.assessment.importing import import_answers
    from kansa.assessment.store import AnswerStore

    lg = check_lang(lang)
    store = AnswerStore(into)
    try:
        if framework:
            fw = _framework(framework)
        elif store.exists():
            fw = store.framework()
        else:
            fw = _framework(_workbook_framework(files) or "kansa-regional")
        report = import_answers(files, store, fw, lg)
    except AssessmentError as exc:
        _fail(exc, lg)
    for row in report.stored:
        out.print(f"[green]✓[/green] {row.source}: {row.institution_id} → {row.submission_id}")
    for res in report.results:
        for note in res.notes:
            out.print(f"[yellow]![/yellow] {shown(note.message(lg))}", highlight=False, markup=True)
    rejected = [r for r in report.results if r.problems]
    for res in rejected:
        err.print(f"[red]✗ {res.path}[/red]: " + ("取り込みませんでした" if lg == "ja" else "rejected, nothing stored"))
        for p in res.problems[:30]:
            err.print(f"   {printable(p.message(lg))}", highlight=False, markup=False)
        if len(res.problems) > 30:
            err.print(f"   ... {len(res.problems) - 30} more")
    if rejected:
        raise typer.Exit(1)


def _workbook_framework(files: list[Path]) -> str | None:
    """The framework id named in the first workbook's metadata, so a first import needs no --framework."""
    from openpyxl import load_workbook

    from kansa.assessment.template import META_SHEET

    for f in files:
        if f.suffix.lower() != ".xlsx":
            continue
        try:
            wb = load_workbook(f, read_only=True)
            if META_SHEET in wb.sheetnames:
                meta = {r[0]: r[1] for r in wb[META_SHEET].iter_rows(values_only=True) if r and len(r) > 1}
                return f"{meta.get('framework_id')}@{meta.get('framework_version')}"
        except Exception:  # an unreadable file is reported by the import itself
            continue
    return None


@app.command("score")
def score_command(
    answers: Path = typer.Option(..., "--answers", help="回答の保存先フォルダ、または回答ファイル1つ / "
                                 "an answer store or one answer file."),
    institution: str = typer.Option("", "--institution", help="金融機関ID(保存先から読むとき) / "
                                    "the institution (with a store)."),
    framework: str = typer.Option("", "--framework", help=FRAMEWORK_HELP + " 既定: 保存先のもの / "
                                  "default: the store's."),
    inherent_risk: str = typer.Option("", "--inherent-risk", help="固有リスク(例 moderate)→目標成熟度 / inherent-risk "
                                      "profile name, sets the target level per domain."),
    targets: Path | None = typer.Option(None, "--targets", help="YAML {領域id: レベルid} / target level per domain."),
    json_out: Path | None = typer.Option(None, "--json", help="結果を JSON でも書き出す / "
                                         "also write the result as JSON."),
    lang: str = LANG,
) -> None:
    """1機関の採点: 領域別・総合の評点、成熟度、回答率、基本事項の充足率、目標との差 / Score one institution."""
    from dataclasses import asdict

    from kansa.assessment.answers import read_answer_file
    from kansa.assessment.scoring import score_institution, targets_for_risk
    from kansa.assessment.store import AnswerStore
    from kansa.i18n import pick

    lg = check_lang(lang)
    try:
        if answers.is_dir():
            store = AnswerStore(answers)
            fw = _framework(framework) if framework else store.framework()
            current = store.current()
            if institution not in current:
                raise AssessmentError([Problem(str(answers), "assess_no_answers_from", {"institution": institution})])
            sub = current[institution]
        else:
            fw = _framework(framework or "kansa-regional")
            res = read_answer_file(answers, fw, lg)
            if res.problems:
                raise AssessmentError(res.problems)
            matching = [s for s in res.submissions if not institution or s.institution_id == institution]
            if len(matching) != 1:
                raise AssessmentError([Problem(str(answers), "assess_choose_institution_institution", {})])
            sub = matching[0]
        goal = targets_for_risk(fw, inherent_risk or None)
        if targets is not None:
            goal = {str(k): str(v) for k, v in (yaml.safe_load(targets.read_text(encoding="utf-8")) or {}).items()}
        result = score_institution(fw, sub.values(), sub.institution_id, goal)
    except (AssessmentError, ValueError) as exc:
        if isinstance(exc, AssessmentError):
            _fail(exc, lg)
        err.print(str(exc))
        raise typer.Exit(1) from exc
    levels = {lv.id: pick(lv.label, lg) for lv in fw.levels}
    table = Table(*(["領域", "評点", "成熟度", "目標", "回答率", "基本事項充足率"] if lg == "ja" else
                    ["Domain", "Score", "Maturity", "Target", "Answered", "Basic met"]))
    for d, ds in zip(fw.domains, result.domains, strict=True):
        table.add_row(f"{d.id} {pick(d.title, lg)}", _f(ds.score), levels.get(ds.level or "", "—"),
                      levels.get(ds.target or "", "—"), _p(ds.answered_share), _p(ds.basic_coverage))
    table.add_row("総合" if lg == "ja" else "Overall", _f(result.score), levels.get(result.level or "", "—"), "",
                  _p(result.answered_share), _p(result.basic_coverage))
    out.print(f"{sub.institution_id} · {fw.id} {fw.version}")
    out.print(table)
    if json_out:
        json_out.write_text(json.dumps(asdict(result), ensure_ascii=False, indent=1), encoding="utf-8")


def _f(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}"


def _p(v: float | None) -> str:
    return "—" if v is None else f"{100 * v:.0f}%"


@app.command("benchmark")
def benchmark_command(
    answers: Path = typer.Option(..., "--answers", help="今回の回答の保存先 / the answer store of this round."),
    institutions: Path = typer.Option(..., "--institutions", exists=True, dir_okay=False,
                                      help="対象金融機関 CSV: institution_id,name,type,total_assets_jpy|size_band"
                                           "[,inherent_risk] / the institutions expected to answer."),
    out_dir: Path = typer.Option(..., "--out", help="出力フォルダ / output folder."),
    k: int = typer.Option(5, "--k", min=1, help="これ未満の比較群の統計は秘匿 / suppress every statistic of a "
                          "peer group smaller than k."),
    previous: Path | None = typer.Option(None, "--previous", help="前回の回答の保存先(比較可能な質問のみで"
                                         "変化を算出) / last round's store, for the trend on comparable questions."),
    pdf: bool = typer.Option(False, "--pdf", help="PDF も作成(1件あたり約1秒) / "
                             "also write PDFs (about a second each)."),
    feedback: bool = typer.Option(True, "--feedback/--no-feedback", help="機関別の結果還元レポート / the feedback "
                                  "report per institution."),
    lang: str = LANG,
) -> None:
    """ピア比較: 比較群(業態×規模)別の統計、質問別の回答割合、順位、前回からの変化、未回答機関、結果還元レポート。

    Writes CSV + JSON + benchmark.xlsx, overview.html (for the supervisor) and feedback/<id>.html per institution.
    No statistic of a peer group with fewer than k respondents appears in any output.
    """
    from kansa.assessment.benchmark import Round, run_benchmark
    from kansa.assessment.feedback import FeedbackRenderer, write_reports
    from kansa.assessment.institutions import read_institutions
    from kansa.assessment.outputs import write_outputs
    from kansa.assessment.store import AnswerStore
    from kansa.cli.terminal import progress_bar

    lg = check_lang(lang)
    try:
        store = AnswerStore(answers)
        current = Round(store.framework(), store.current())
        prev = None
        if previous is not None:
            pstore = AnswerStore(previous)
            prev = Round(pstore.framework(), pstore.current())
        population = read_institutions(institutions)
        bench = run_benchmark(current, population, k, prev)
    except AssessmentError as exc:
        _fail(exc, lg)
    written = write_outputs(bench, out_dir)
    renderer = FeedbackRenderer(bench, lg)
    with progress_bar() as bar:
        task = bar.add_task("feedback", total=len(bench.scores) if feedback else 0)
        written.update(write_reports(renderer, out_dir, pdf=pdf, feedback=feedback,
                                     advance=lambda: bar.advance(task)))
    hidden = sum(1 for c in bench.cohorts.values() if not c.published and c.n)
    out.print(f"{out_dir}: {len(bench.scores)} institutions scored, {len(bench.non_respondents)} not answered, "
              f"{hidden} peer groups suppressed (k={k}), {len(written)} files")


def synth_assessments_command(
    institutions: int = typer.Option(500, "--institutions", min=1, help="機関数(地銀:信金:信組 = 99:254:145) / "
                                     "number of institutions, in the real proportions."),
    out_dir: Path = typer.Option(..., "--out", help="出力フォルダ / output folder."),
    seed: int = typer.Option(1, "--seed", help="乱数の種 / random seed."),
    framework: str = typer.Option("kansa-regional", "--framework", help=FRAMEWORK_HELP),
    published_shares: Path | None = typer.Option(None, "--published-shares", exists=True, dir_okay=False,
                                                 help="公表された回答割合 CSV(cssa_published_shares.csv)を再現 / "
                                                      "reproduce the published shares for matching questions."),
    lang: str = LANG,
) -> None:
    """合成の金融機関群と2回分の回答 / A synthetic population with answers in two rounds.

    Writes institutions.csv, answers/ (this round's store), previous/ (last round's store) and
    answers_current.csv. Then: `kansa assess benchmark --answers DIR/answers --previous DIR/previous
    --institutions DIR/institutions.csv --out OUT`.
    """
    from kansa.assessment.synth import read_published_shares, synth_assessments
    from kansa.cli.terminal import progress_bar

    lg = check_lang(lang)
    try:
        fw = _framework(framework)
        published = read_published_shares(published_shares) if published_shares else None
        with progress_bar() as bar:
            task = bar.add_task("synth", total=2 * institutions)
            result = synth_assessments(fw, out_dir, institutions, seed, published,
                                       progress=lambda n: bar.advance(task, n))
    except AssessmentError as exc:
        _fail(exc, lg)
    out.print(f"{out_dir}: {len(result.institutions)} institutions, {result.respondents} answered; "
              f"previous round: {'yes' if result.previous else 'none (no question has replaces)'}; "
              f"{len(result.calibrated)} questions calibrated to published shares")
