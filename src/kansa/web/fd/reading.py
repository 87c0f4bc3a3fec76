"""The web app's side of kansa.fd: an institution's uploaded documents read as one firm, the say-do table
against its latest conduct scan (from the database), and the stored KPI submissions as comparison records."""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.conf import settings

from kansa.fd.analysis import FirmAnalysis, analyse_firm, with_saydo
from kansa.fd.compare import KpiRecord, read_published
from kansa.fd.correspondence import read_table
from kansa.fd.documents import collect
from kansa.fd.messages import FdError
from kansa.fd.principles import Principles, default_principles
from kansa.fd.readers import SUFFIXES, read_document
from kansa.fd.saydo import Decision
from kansa.fd.scan_evidence import Flag as EvidenceFlag
from kansa.fd.scan_evidence import ScanEvidence
from kansa.web.fd.models import KpiSubmission, PolicyDocument, SayDoDecision
from kansa.web.org.models import Institution
from kansa.web.scans.models import Scan

TABLE_SUFFIXES = (".xlsx",)
ACCEPTED = tuple(sorted({*SUFFIXES, *TABLE_SUFFIXES}))


def documents_dir(inst: Institution) -> Path:
    """Where an institution's policy documents are kept (one folder per institution)."""
    return Path(settings.KANSA_UPLOAD_DIR) / "fd" / inst.code


def max_document_bytes() -> int:
    """The largest policy document accepted (policies are a few MB at most)."""
    return int(getattr(settings, "KANSA_FD_MAX_DOCUMENT_BYTES", 20 * 1024**2))


def check_document(name: str, kind: str, data: bytes) -> None:
    """Type and size checked, then the document read through kansa.fd: FdError when it cannot be read."""
    suffix = Path(name).suffix.lower()
    if suffix not in ACCEPTED or (kind == PolicyDocument.TABLE) != (suffix in TABLE_SUFFIXES):
        raise FdError("doc_unsupported", path=name, suffix=suffix or "(none)")
    if len(data) > max_document_bytes():
        raise FdError("doc_unreadable", path=name, detail=f"{len(data)} bytes > {max_document_bytes()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            if kind == PolicyDocument.TABLE:
                read_table(path)
            else:
                read_document(path)
        except FdError as exc:
            raise as_uploaded(exc, path, name) from exc


def as_uploaded(exc: FdError, path: Path, name: str) -> FdError:
    """The error naming the file as the user uploaded it, not the temporary copy the reader saw."""
    fields = {k: v.replace(str(path), name) if isinstance(v, str) else v for k, v in exc.fields.items()}
    return FdError(exc.code, **fields)


def store_document(inst: Institution, doc: PolicyDocument, data: bytes) -> None:
    """Write the checked file under the institution's folder (name from the row's id, never the user's)."""
    folder = documents_dir(inst)
    folder.mkdir(parents=True, exist_ok=True)
    doc.stored = f"{doc.pk}{Path(doc.name).suffix.lower()}"
    doc.sha256 = hashlib.sha256(data).hexdigest()
    (folder / doc.stored).write_bytes(data)


def analyse(inst: Institution, principles: Principles | None = None) -> FirmAnalysis | None:
    """The institution's documents read as one firm (None when it has uploaded none)."""
    docs = list(PolicyDocument.objects.filter(institution=inst))
    if not docs:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "firm"
        folder.mkdir()
        rows = []
        for d in docs:
            shutil.copyfile(documents_dir(inst) / d.stored, folder / d.stored)
            rows.append((d.stored, str(d.year), d.kind))
        with (folder / "documents.csv").open("w", encoding="utf-8", newline="") as fh:
            fh.write("file,year,kind\n" + "".join(f"{f},{y},{k}\n" for f, y, k in rows))
        firm = collect(folder)[0]
        firm.firm = inst.name
        return analyse_firm(firm, principles or default_principles())


def latest_scan(inst: Institution) -> Scan | None:
    """The institution's latest finished conduct scan."""
    return Scan.objects.filter(institution=inst, status=Scan.DONE).order_by("-id").first()


def scan_evidence(scan: Scan) -> ScanEvidence:
    """What the say-do table needs from a stored scan: its flags by rule and its KPIs by date."""
    flags: dict[str, list[EvidenceFlag]] = {}
    for f in scan.flags.all().only("rule_id", "entity_type", "entity_id", "event_date", "reason"):
        flags.setdefault(f.rule_id, []).append(EvidenceFlag(f.rule_id, f.entity_type, f.entity_id, f.event_date,
                                                            f.reason))
    kpis = sorted(scan.kpis or [], key=lambda k: str(k.get("as_of_date")))
    return ScanEvidence(Path(f"scan-{scan.pk}"), flags, kpis, {})


def decisions(inst: Institution) -> dict[str, Decision]:
    """The latest decision per promise of the institution."""
    out: dict[str, Decision] = {}
    for d in SayDoDecision.objects.filter(institution=inst).select_related("author"):
        out[d.promise_id] = Decision(d.promise_id, d.verdict, d.reason, d.author.username, d.at.isoformat())
    return out


def with_scan(analysis: FirmAnalysis, inst: Institution) -> Scan | None:
    """Attach the say-do table against the latest scan (and the auditor's decisions); the scan used."""
    scan = latest_scan(inst)
    if scan is not None:
        with_saydo(analysis, scan_evidence(scan), decisions(inst))
    return scan


def records(subs: Iterable[KpiSubmission]) -> list[KpiRecord]:
    """Comparison records from the stored submissions."""
    return [KpiRecord(s.firm, s.firm_type, s.as_of, s.positive_share, s.top20_cost, s.top20_return, s.top20_risk,
                      source=s.source_name) for s in subs]


def published_records() -> list[KpiRecord]:
    """The published figures when settings.KANSA_FD_PUBLISHED names the file (public figures), else none."""
    path = getattr(settings, "KANSA_FD_PUBLISHED", None)
    return read_published(Path(path)) if path else []


def all_records() -> list[KpiRecord]:
    """Stored submissions and the published figures together."""
    return records(KpiSubmission.objects.all()) + published_records()


def firms_with_policies() -> Sequence[Institution]:
    """Institutions that uploaded at least one policy (for the supervisor's heat map)."""
    return list(Institution.objects.filter(policy_documents__kind=PolicyDocument.POLICY).distinct().order_by("code"))
