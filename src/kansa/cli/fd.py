"""`kansa fd`: firms' customer-oriented conduct policies (取組方針), the say-do gap, and the common-KPI comparison.

The only fd module that imports Typer or Rich; the work is done in kansa.fd.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from kansa.cli.handler import new_app
from kansa.cli.options import LANG, parse_date
from kansa.cli.terminal import shown
from kansa.i18n import check_lang
from kansa.messages import UsageError

app = new_app(no_args_is_help=True, rich_markup_mode="markdown")
console = Console(stderr=True)
_FORMATS_HELP = "Report formats, comma-separated: html,pdf,xlsx (a PDF of many firms takes about 0.7 s a firm)"


def _formats(value: str) -> tuple[str, ...]:
    chosen = tuple(f.strip() for f in value.split(",") if f.strip())
    if not chosen or any(f not in ("html", "pdf", "xlsx") for f in chosen):
        raise typer.BadParameter(f"--formats: html, pdf, xlsx / not {value!r}")
    return chosen


@app.callback()
def _fd() -> None:
    """顧客本位の業務運営の「見える化」: read firms' policies and progress reports against the principles,
    check what they promise against the conduct data, and compare firms' common KPIs (supervisor)."""


@contextmanager
def _reporter() -> Iterator[Any]:
    from kansa.cli.terminal import RichReporter, progress_bar

    with progress_bar() as bar:
        yield RichReporter(bar)


@contextmanager
def _errors(lang: str) -> Iterator[None]:
    """Bad input -> its messages (file, sheet, cell, row, value) and exit 1."""
    from kansa.fd.messages import FdError, FdErrors

    try:
        yield
    except FdErrors as exc:
        for m in exc.messages(lang):  # type: ignore[arg-type]
            console.print(f"[red]{shown(m)}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    except FdError as exc:
        console.print(f"[red]{shown(exc.message(lang))}[/red]", highlight=False)  # type: ignore[arg-type]
        raise typer.Exit(1) from exc


def _files(files: dict[str, Path]) -> None:
    for name, path in files.items():
        console.print(f"  {name}: {path}", highlight=False)


def _analyse(docs: Path, principles_file: Path | None, lang: str) -> tuple[Any, list[Any]]:
    from kansa.fd.analysis import analyse_folder
    from kansa.fd.principles import load_principles

    principles = load_principles(principles_file)
    with _reporter() as rep:
        firms = analyse_folder(docs, principles, rep)
    return principles, firms


def _summary(firms: list[Any], lang: str) -> None:
    from collections import Counter

    ja = lang == "ja"
    for f in firms:
        latest = f.latest
        if latest is None or latest.coverage is None:
            continue
        counts = Counter(r.verdict for i, r in latest.coverage.items.items() if i not in ("P1", "P1-N"))
        text = (f"{f.firm} {latest.year}: 具体的 {counts['concrete']} / 言い換えのみ {counts['restated']} / "
                f"実施しない {counts['not_applicable']} / 記載なし {counts['not_addressed']}" if ja else
                f"{f.firm} {latest.year}: concrete {counts['concrete']} / restated {counts['restated']} / "
                f"not applicable {counts['not_applicable']} / not addressed {counts['not_addressed']}")
        kept = Counter(r.final for r in f.saydo)
        if f.saydo:
            text += (f"；約束 {len(f.saydo)}件（守られていない {kept['not_kept']}）" if ja else
                     f"; {len(f.saydo)} promises ({kept['not_kept']} not kept)")
        console.print(text, highlight=False)


@app.command("read")
def read_command(
    docs: Path = typer.Argument(..., help="Folder of a firm's documents, or one subfolder per firm / 文書フォルダ"),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder / 出力先"),
    principles: Path | None = typer.Option(None, "--principles",
                                           help="The principles' official text (text, PDF, DOCX, HTML) / 原則の本文"),
    lang: str = LANG,
    formats: str = typer.Option("html,pdf,xlsx", "--formats", help=_FORMATS_HELP),
) -> None:
    """Read policies (取組方針) and progress reports (取組状況) and judge each principle item.

    DOCS holds PDF, DOCX, HTML or text files with the year in their names (2024, 令和6年度) or in their
    dates, and optionally the firm's correspondence table (Excel); documents.csv (file, year, kind) overrides.
    Writes coverage.csv, sections.csv, years.csv and report.html / .pdf / .xlsx into OUT.
    Example: `kansa fd read policies/ --out out/fd/`.
    """
    language = check_lang(lang)
    from kansa.fd.outputs import write_outputs
    from kansa.fd.report import write_report

    with _errors(language):
        p, firms = _analyse(docs, principles, language)
        files = write_outputs(firms, p, out, language)
        files.update(write_report(firms, p, out, lang=language, formats=_formats(formats)))
    _summary(firms, language)
    _files(files)


def _saydo(docs: Path, scan: Path, workspace: Path | None, decisions: Path | None, out: Path,
           principles: Path | None, language: Any, formats: tuple[str, ...] = ("html", "pdf", "xlsx")) -> None:
    from kansa.fd.analysis import with_saydo
    from kansa.fd.decisions import read_decisions, write_template
    from kansa.fd.outputs import write_outputs
    from kansa.fd.report import write_report
    from kansa.fd.saydo import propose
    from kansa.fd.scan_evidence import load_scan

    with _errors(language):
        evidence = load_scan(scan, workspace)
        p, firms = _analyse(docs, principles, language)
        proposed = [row for f in firms for row in propose(f.promises, evidence)]
        chosen = read_decisions(decisions, proposed) if decisions is not None else {}
        for f in firms:
            with_saydo(f, evidence, chosen)
        files = write_outputs(firms, p, out, language)
        files["decisions.csv"] = write_template([r for f in firms for r in f.saydo], out / "decisions.csv")
        files.update(write_report(firms, p, out, lang=language, scan_given=True, formats=formats))
    _summary(firms, language)
    _files(files)


@app.command("say-do")
def saydo_command(
    docs: Path = typer.Argument(..., help="Folder of policy documents / 文書フォルダ"),
    scan: Path = typer.Option(..., "--scan", help="Output folder of `kansa conduct scan` / スキャン結果フォルダ"),
    workspace: Path | None = typer.Option(None, "--workspace", "-w",
                                          help="The scanned workspace, for sales after a promised stop "
                                          "/ ワークスペース"),
    decisions: Path | None = typer.Option(None, "--decisions",
                                          help="The auditor's decisions CSV (from a previous run's decisions.csv)"),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder / 出力先"),
    principles: Path | None = typer.Option(None, "--principles", help="The principles' official text / 原則の本文"),
    lang: str = LANG,
    formats: str = typer.Option("html,pdf,xlsx", "--formats", help=_FORMATS_HELP),
) -> None:
    """Check what the policy promises against a conduct scan: promise -> evidence -> proposed verdict.

    Each promise the data can test (in-house or high-fee skews, explanation records, elderly rules, switching,
    complaints, the common KPIs) is linked to the scan's flags and KPIs and proposed as kept, not kept or
    cannot tell. decisions.csv lists them: fill `verdict` (confirm, kept, not_kept, cannot_tell) and `reason`
    (needed to override), then run again with --decisions decisions.csv.
    """
    language = check_lang(lang)
    _saydo(docs, scan, workspace, decisions, out, principles, language, _formats(formats))


@app.command("audit")
def audit_command(
    docs: Path = typer.Argument(..., help="Folder of policy documents / 文書フォルダ"),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder / 出力先"),
    workspace: Path | None = typer.Option(None, "--workspace", "-w", help="A conduct workspace (kansa load)"),
    data: Path | None = typer.Option(None, "--data", help="A folder of conduct tables instead of a workspace"),
    scan: Path | None = typer.Option(None, "--scan", help="An existing conduct scan output (skips the scan)"),
    decisions: Path | None = typer.Option(None, "--decisions", help="The auditor's decisions CSV"),
    principles: Path | None = typer.Option(None, "--principles", help="The principles' official text / 原則の本文"),
    as_of: str | None = typer.Option(None, "--as-of", help="Evaluation date of the conduct scan (ISO or 令和)"),
    lang: str = LANG,
    formats: str = typer.Option("html,pdf,xlsx", "--formats", help=_FORMATS_HELP),
) -> None:
    """One command from a folder of documents and the conduct data to the auditor's report.

    Runs the conduct scan on --workspace or --data (into OUT/conduct/) unless --scan gives one, then reads
    the policies and checks the say-do gap. Example: `kansa fd audit policies/ --workspace ws/ --out out/fd/`.
    """
    language = check_lang(lang)
    chosen = _formats(formats)
    if scan is None and (workspace is None) == (data is None):
        raise UsageError("cli_fd_source_one_of")
    if scan is None:
        scan = _run_scan(data, workspace, out / "conduct", as_of, language)
    _saydo(docs, scan, workspace, decisions, out, principles, language, chosen)


def _run_scan(data: Path | None, workspace: Path | None, out: Path, as_of: str | None, lang: Any) -> Path:
    """The conduct scan (through kansa.services) into `out`; its errors exit the kansa way (handler)."""
    from kansa.cli.terminal import RichReporter, progress_bar
    from kansa.services import run_conduct_scan

    with progress_bar() as bar:
        run_conduct_scan(data, workspace, out=out, as_of=parse_date(as_of), lang=lang, reporter=RichReporter(bar, lang),
                         formats=("csv", "parquet", "html"))
    return out



@app.command("kpi-template")
def kpi_template_command(
    out: Path = typer.Option(..., "--out", "-o", help="The workbook to write (.xlsx) / 出力ファイル"),
    firm: str = typer.Option("", "--firm", help="Firm name to fill in / 金融機関名"),
    firm_type: str = typer.Option("", "--type", help="major_bank, regional_bank, cooperative, securities, "
                                  "online_securities, other / 業態"),
    as_of: str | None = typer.Option(None, "--as-of", help="Base date, a 31 March / 基準日"),
    lang: str = LANG,
) -> None:
    """Write the common-KPI submission workbook a firm fills in (return bands, top-20 funds).

    Input cells are yellow and unlocked; the firm type is a drop-down; the base date must be a 31 March.
    Read back with `kansa fd kpi-check` or `kansa fd compare`.
    """
    from kansa.fd.kpi_template import write_template
    from kansa.fd.kpi_workbook import FIRM_TYPES

    language = check_lang(lang)
    if firm_type and firm_type not in FIRM_TYPES:
        raise typer.BadParameter(f"--type: {', '.join(FIRM_TYPES)}")
    when = parse_date(as_of)
    if when is not None and (when.month, when.day) != (3, 31):
        raise UsageError("cli_fd_as_of_march_31", when=str(when))
    console.print(str(write_template(out, language, firm, firm_type, when)), highlight=False)


@app.command("kpi-check")
def kpi_check_command(
    files: list[Path] = typer.Argument(..., help="Submission workbooks / 報告様式"),
    lang: str = LANG,
) -> None:
    """Check submission workbooks: every problem with its sheet and cell; exit 1 if any is refused."""
    from kansa.fd.kpi_workbook import read_submission
    from kansa.fd.messages import FdError, FdErrors

    language = check_lang(lang)
    bad = 0
    for path in files:
        try:
            s = read_submission(path)
            console.print(f"OK {path}: {s.firm} {s.as_of} {s.positive_share:g}%", highlight=False)
        except FdErrors as exc:
            bad += 1
            for m in exc.messages(language):
                console.print(f"[red]{shown(m)}[/red]", highlight=False)
        except FdError as exc:
            bad += 1
            console.print(f"[red]{shown(exc.message(language))}[/red]", highlight=False)
    if bad:
        raise typer.Exit(1)


@app.command("compare")
def compare_command(
    submissions: list[Path] = typer.Argument(None, help="Submission workbooks (.xlsx) or folders of them"),
    out: Path = typer.Option(..., "--out", "-o", help="Output folder / 出力先"),
    published: Path | None = typer.Option(None, "--published", help="Published figures CSV "
                                          "(institution, institution_type, as_of_date, positive_share_pct, ...)"),
    policies: Path | None = typer.Option(None, "--policies", help="Firms' policy folders: adds the coverage heat map"),
    lang: str = LANG,
) -> None:
    """Compare firms' common KPIs by firm type and base date (supervisor), HTML / PDF / Excel.

    Refused workbooks are listed with the sheet and cell at fault and left out; the others are compared.
    Firms are placed within their type at each base date, never in one table across types or dates.
    """
    from kansa.fd.compare import from_submissions, read_published
    from kansa.fd.compare_report import write_compare
    from kansa.fd.kpi_workbook import read_submission
    from kansa.fd.messages import FdError, FdErrors

    language = check_lang(lang)
    paths = [p for s in submissions or [] for p in (sorted(s.glob("*.xlsx")) if s.is_dir() else [s])]
    if not paths and published is None:
        raise UsageError("cli_fd_compare_input")
    subs, rejected = [], []
    with _reporter() as rep:
        task = rep.task("報告様式 / workbooks", len(paths))
        for path in paths:
            try:
                subs.append(read_submission(path))
            except FdErrors as exc:
                rejected += exc.errors
            except FdError as exc:
                rejected.append(exc)
            task.advance(1)
    with _errors(language):
        records = from_submissions(subs) + (read_published(published) if published is not None else [])
        heat = ""
        if policies is not None:
            from kansa.fd.report import heatmap

            p, firms = _analyse(policies, None, language)
            heat = heatmap(firms, p, language)
        files = write_compare(records, out, lang=language, rejected=rejected, heatmap=heat)
    for e in rejected:
        console.print(f"[yellow]{shown(e.message(language))}[/yellow]", highlight=False)
    console.print(f"{len(subs)} / {len(paths)} workbooks, {len(records)} records", highlight=False)
    _files(files)


@app.command("synth")
def synth_command(
    out: Path = typer.Option(..., "--out", "-o", help="Folder for the synthetic corpus / 出力先"),
    firms: int = typer.Option(50, "--firms", min=1, help="Firms (every 10: 7 dev, 3 held out)"),
    seed: int = typer.Option(0, "--seed", help="Random seed"),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="PDF where a firm publishes PDF (slower)"),
    kpis: int = typer.Option(0, "--kpi-firms", min=0, help="Also write this many firms' KPI workbooks into OUT/kpis"),
) -> None:
    """Synthetic firms' policies and progress reports with truth.json (coverage, restatement, promises,
    unchanged years), for evaluation and demos; principles.txt is the text their writers restate."""
    from kansa.fd.kpi_synth import write_submissions
    from kansa.fd.synth import principles_text, write_corpus

    with _reporter() as rep:
        task = rep.task("synth fd", None)
        folders = write_corpus(out, firms=firms, seed=seed, pdf=pdf)
        principles_text(out / "principles.txt")
        if kpis:
            write_submissions(out / "kpis", firms=kpis, seed=seed)
        task.advance(len(folders))
    console.print(f"{out}: {len(folders)} firms", highlight=False)


@app.command("evaluate")
def evaluate_command(
    corpus: Path = typer.Argument(..., help="A corpus written by `kansa fd synth`"),
    split: str = typer.Option("heldout", "--split", help="dev, heldout or all"),
    principles: Path | None = typer.Option(None, "--principles", help="The principles' text / 原則の本文"),
) -> None:
    """Precision and recall of the policy reader against the corpus's truth, per verdict."""
    from kansa.fd.evaluate import evaluate
    from kansa.fd.principles import load_principles

    if split not in ("dev", "heldout", "all"):
        raise typer.BadParameter("--split: dev, heldout or all")
    with _errors("en"):
        result = evaluate(corpus, None if split == "all" else split, load_principles(principles))
    summary = result.summary()
    console.print(f"firms: {summary['firms']}", highlight=False)
    for part in ("items", "sections", "unchanged", "promises"):
        for row in summary[part]:
            console.print(f"{part:10} {row['label']:24} n={row['support']:5} precision={row['precision']:.3f} "
                          f"recall={row['recall']:.3f}", highlight=False)
