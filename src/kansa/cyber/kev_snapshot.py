"""The KEV snapshot shipped with kansa (kev_data/kev_snapshot.json.gz) and its refresh (`kansa kev update`).

CISA's catalogue is CC0. The snapshot keeps only the facts the check needs (CVE id, vendorProject, product,
the short vulnerability name, dateAdded, dueDate, known ransomware use), not CISA's descriptions and actions,
so a first run and the demo include the check without a download.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from kansa.cyber.kev import BUNDLED_KEV, KevCatalog, KevFileError, load_kev

__all__ = ["BUNDLED_KEV", "bundled_kev", "write_snapshot"]
FIELDS = ("cveID", "vendorProject", "product", "vulnerabilityName", "dateAdded", "dueDate",
          "knownRansomwareCampaignUse")


def bundled_kev() -> KevCatalog:
    """The shipped snapshot as a catalogue (its version and release date come from CISA's file)."""
    return load_kev(BUNDLED_KEV)


def write_snapshot(source: Path, dest: Path = BUNDLED_KEV) -> KevCatalog:
    """Keep the needed facts of CISA's KEV JSON `source` in a gzip file `dest`; returns the new catalogue.

    The file is checked first (load_kev names the file when it is not CISA's format); nothing is written then.
    """
    source = Path(source)
    if source.suffix.lower() == ".csv":
        raise KevFileError("kev_snapshot_json", path=str(source))
    load_kev(source)
    doc = json.loads(source.read_text(encoding="utf-8-sig"))
    slim = {
        "title": "CISA Known Exploited Vulnerabilities (CC0), facts kept by kansa",
        "catalogVersion": doc.get("catalogVersion", ""), "dateReleased": doc.get("dateReleased", ""),
        "count": len(doc["vulnerabilities"]),
        "vulnerabilities": [{k: v.get(k) for k in FIELDS} for v in doc["vulnerabilities"]],
    }
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(slim, fh, ensure_ascii=False, separators=(",", ":"))
    tmp.replace(dest)  # all or nothing
    return load_kev(dest)
