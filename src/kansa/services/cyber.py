"""The cyber pillar through the one door: registers, logs and KEV into flags; outputs written as a separate step."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa

from kansa.cyber.kev_review import write_kev_review
from kansa.cyber.report import write_reports
from kansa.cyber.scan import CyberScan, scan_connection
from kansa.engine import RuleParams, load_params
from kansa.engine.coverage import coverage_table, mark_not_evaluated, write_coverage
from kansa.engine.flags import write_flags
from kansa.i18n import Lang
from kansa.messages import PartialError
from kansa.outputs import relocate, staged_folder
from kansa.progress import NULL_REPORTER, Reporter
from kansa.safepath import check_output
from kansa.services.conduct import FORMATS, check_formats
from kansa.services.dates import cyber_as_of
from kansa.services.source import Source, open_source


def run_cyber(
    source: Source,
    *,
    logs: Sequence[Path] = (),
    kev: Path | None = None,
    params: RuleParams | Mapping[str, Mapping[str, Any]] | Path | None = None,
    as_of: date | None = None,
    lang: Lang = "ja",
    year: int | None = None,
    tz: str = "Asia/Tokyo",
    reporter: Reporter = NULL_REPORTER,
    kev_aliases: Sequence[Path] = (),
) -> CyberScan:
    """Evaluate the cyber catalog at the evaluation date (given, else the registers' latest date).

    `kev` is a KEV file, "bundled" for the snapshot shipped with kansa, or None (the KEV rule is then skipped
    and says so). KEV aliases: the source's own `kev_aliases.yaml` if it has one, then `kev_aliases`.
    """
    when, inferred = cyber_as_of(source.con, as_of)
    if isinstance(params, Path):
        params = load_params(params)
    scan = scan_connection(source.con, logs=logs, kev=kev, params=params, as_of=when, as_of_inferred=inferred,
                           lang=lang, year=year, tz=tz, reporter=reporter,
                           kev_aliases=[*local_kev_aliases(source), *kev_aliases])
    scan.coverage = cyber_coverage(source, scan)
    return scan


def cyber_coverage(source: Source, scan: CyberScan) -> pa.Table:
    """Per rule: evaluated, or not and why (a table not supplied or empty, no KEV catalogue).

    The KEV rule is judged on the software it matches (no match at all is a finding of nothing, not a rule
    that did not run); access_events count as supplied when they came from the data or from parsed logs.
    """
    supplied = source.supplied_tables()
    if supplied is not None and scan.logs.paths:
        supplied = supplied | {"access_events"}
    specs = [replace(s, tables=tuple("software" if t == "kev_matches" else t for t in s.tables)) for s in scan.rules]
    table = coverage_table(source.con, specs, as_of=scan.as_of, date_columns={}, present=supplied,
                           params=scan.params)
    return mark_not_evaluated(table, scan.skipped)


def local_kev_aliases(source: Source) -> list[Path]:
    """The institution's alias file kept beside its data (`kev_aliases.yaml` in the folder or workspace)."""
    path = source.origin / "kev_aliases.yaml"
    return [path] if path.is_file() else []


def write_cyber_outputs(scan: CyberScan, out: Path, *, formats: Sequence[str] = FORMATS) -> dict[str, Path]:
    """Write the outputs into a stage beside `out`, moved into place once all are written; PartialError (exit 5)
    afterwards when some logs could not be read (the report names them)."""
    check_formats(formats)
    with staged_folder(out) as stage:
        _write_cyber_outputs_into(scan, stage, formats=formats)
    files = relocate(scan.files, stage, out)
    scan.files.clear()
    scan.files.update(files)
    scan.out_dir = out
    if scan.logs.unreadable:
        raise PartialError("logs_unreadable", files=", ".join(scan.logs.unreadable))
    return scan.files


def _write_cyber_outputs_into(scan: CyberScan, out: Path, *, formats: Sequence[str] = FORMATS) -> dict[str, Path]:
    """Write flags (csv, parquet) and the reports (html, pdf, xlsx) named in `formats` into `out`."""

    chosen = check_formats(formats)
    out.mkdir(parents=True, exist_ok=True)
    scan.out_dir = out
    scan.files.update(write_flags(scan.flags, out, chosen))
    if scan.coverage is not None:
        scan.files["coverage.csv"] = write_coverage(scan.coverage, out / "coverage.csv")
    if scan.kev is not None and "csv" in chosen:
        scan.files["kev_review.csv"] = write_kev_review(scan.kev_review, out)
    scan.files.update(write_reports(scan, out, formats=[f for f in chosen if f in ("html", "pdf", "xlsx")]))
    return scan.files


def run_cyber_scan(
    data_dir: Path | None = None,
    workspace: Path | None = None,
    *,
    out: Path,
    logs: Sequence[Path] = (),
    kev: Path | None = None,
    params: Path | Mapping[str, Mapping[str, Any]] | None = None,
    as_of: date | None = None,
    lang: Lang = "ja",
    year: int | None = None,
    tz: str = "Asia/Tokyo",
    reporter: Reporter = NULL_REPORTER,
    pdf: bool = True,
    formats: Sequence[str] | None = None,
    kev_aliases: Sequence[Path] = (),
) -> CyberScan:
    """`kansa cyber scan` in one call (also for `kansa demo`): open, evaluate, write flags and reports."""
    inputs = [p for p in (data_dir, workspace, kev, params if isinstance(params, Path) else None) if p is not None]
    check_output(out, [*inputs, *logs], folder=True)
    source = open_source(data_dir, workspace, lang=lang, reporter=reporter)
    try:
        scan = run_cyber(source, logs=logs, kev=kev, params=params, as_of=as_of, lang=lang, year=year, tz=tz,
                         reporter=reporter, kev_aliases=kev_aliases)
        chosen = formats if formats is not None else [f for f in FORMATS if pdf or f != "pdf"]
        write_cyber_outputs(scan, out, formats=chosen)
        return scan
    finally:
        source.close()
