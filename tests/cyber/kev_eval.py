"""Score a KEV matcher on the hand-labelled inventory in tests/data/kev_inventory (see its README).

The unit is the pair (inventory row, KEV `vendorProject|product`). Precision and recall are counted over those
pairs; a row is fully right when the matcher returns exactly its expected pairs. KEV entries whose product is only
'Multiple Products' / 'Multiple Devices' / 'Multiple Chipsets' name no product: they are neither expected nor
counted as false matches, only listed as unscored. Run as a script to print a table:

    .venv/bin/python tests/cyber/kev_eval.py --split dev

The held-out split is for the final figure only: do not look at it (or its misses) while tuning a matcher.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "tests" / "data" / "kev_inventory" / "inventory.csv"
COLUMNS = ("row_id", "split", "form", "asset_id", "vendor", "product", "version", "cpe", "expected", "note")
SPLITS = ("dev", "heldout")
FORMS = (
    "windows_arp", "sccm", "windows_feature_ja", "appliance_model", "renamed_vendor", "ja_vendor", "ja_product",
    "linux_pkg", "sca", "multi_name", "negative",
)
CATALOGUE_VERSION = "2025.08.25"  # the KEV catalogue the labels were checked against
UNSCORED_PRODUCTS = frozenset({"Multiple Products", "Multiple Devices", "Multiple Chipsets"})

# A matcher takes software rows (asset_id, vendor, product, version, cpe) and returns match rows carrying at least
# asset_id, kev_vendor and kev_product (kansa's `kev_matches` table has these columns).
Matcher = Callable[[list[dict[str, Any]]], pa.Table | Iterable[Mapping[str, Any]]]


def kev_file() -> Path:
    """The real KEV catalogue in the shared data folder (KANSA_SHARED_DATA overrides, as in tests/conftest.py)."""
    env = os.environ.get("KANSA_SHARED_DATA")
    data = Path(env) if env else ROOT.parent / "shared" / "data"
    return data / "cisa_kev" / "known_exploited_vulnerabilities.json"


def pair(vendor: str, product: str) -> str:
    """The scoring key of a KEV product: `vendorProject|product`, stripped (KEV has 'Windows ' and 'Windows')."""
    return f"{vendor.strip()}|{product.strip()}"


@dataclass(frozen=True)
class InventoryRow:
    """One labelled inventory row."""

    row_id: str
    split: str
    form: str
    asset_id: str
    vendor: str
    product: str
    version: str
    cpe: str
    expected: frozenset[str]
    note: str

    @property
    def family(self) -> str:
        """The product family (row ids are `family-NN`); a family is never split between dev and held-out."""
        return self.row_id.rsplit("-", 1)[0]

    def software(self) -> dict[str, Any]:
        """The row as a `software` table row; asset_id carries the row id so matches map back to their row."""
        return {"asset_id": self.row_id, "vendor": self.vendor, "product": self.product, "version": self.version,
                "cpe": self.cpe or None}


def load_inventory(path: Path = INVENTORY, split: str | None = None) -> list[InventoryRow]:
    """Read the inventory (optionally one split: 'dev' or 'heldout')."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: expected one of {SPLITS}")
    with Path(path).open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise ValueError(f"{path}: columns {reader.fieldnames} are not {list(COLUMNS)}")
        rows = [
            InventoryRow(**{k: v for k, v in raw.items() if k != "expected"},
                         expected=frozenset(p.strip() for p in raw["expected"].split(";") if p.strip()))
            for raw in reader
        ]
    return [r for r in rows if split is None or r.split == split]


def kansa_matcher(kev_path: Path | None = None) -> Matcher:
    """kansa's current matcher: `match_software` over `load_kev` of the real catalogue."""
    from kansa.cyber.kev import load_kev
    from kansa.cyber.kev_match import match_software

    catalog = load_kev(kev_path or kev_file())
    return lambda rows: match_software(rows, catalog)


@dataclass
class Counts:
    """Pair and row counts of one slice (overall, a form, with or without CPE)."""

    rows: int = 0
    expected: int = 0
    found: int = 0
    right: int = 0
    rows_fully_right: int = 0
    rows_with_kev: int = 0
    rows_detected: int = 0  # rows with a KEV product of which the matcher found at least one

    @property
    def precision(self) -> float | None:
        """Right pairs / found pairs (None when nothing was found)."""
        return self.right / self.found if self.found else None

    @property
    def recall(self) -> float | None:
        """Right pairs / expected pairs (None when nothing was expected)."""
        return self.right / self.expected if self.expected else None

    def add(self, expected: frozenset[str], found: frozenset[str]) -> None:
        """Count one row."""
        self.rows += 1
        self.expected += len(expected)
        self.found += len(found)
        self.right += len(expected & found)
        self.rows_fully_right += expected == found
        if expected:
            self.rows_with_kev += 1
            self.rows_detected += bool(expected & found)


@dataclass
class Score:
    """The result of one evaluation."""

    overall: Counts
    by_form: dict[str, Counts]
    by_cpe: dict[str, Counts]
    misses: list[tuple[InventoryRow, str]] = field(default_factory=list)
    false_matches: list[tuple[InventoryRow, str]] = field(default_factory=list)
    unscored: list[tuple[InventoryRow, str]] = field(default_factory=list)


def _found_pairs(rows: Sequence[InventoryRow], matcher: Matcher) -> dict[str, set[str]]:
    result = matcher([r.software() for r in rows])
    matches = result.to_pylist() if isinstance(result, pa.Table) else list(result)
    ids = {r.row_id for r in rows}
    found: dict[str, set[str]] = {r.row_id: set() for r in rows}
    for m in matches:
        row_id = str(m["asset_id"])
        if row_id not in ids:
            raise ValueError(f"the matcher returned a match for an unknown row: {row_id!r}")
        found[row_id].add(pair(str(m["kev_vendor"]), str(m["kev_product"])))
    return found


def score(rows: Sequence[InventoryRow], matcher: Matcher) -> Score:
    """Run `matcher` on `rows` and count pairs, rows fully right, per form and with/without CPE."""
    found = _found_pairs(rows, matcher)
    result = Score(overall=Counts(), by_form={f: Counts() for f in FORMS}, by_cpe={"with cpe": Counts(),
                                                                                   "without cpe": Counts()})
    for row in rows:
        got = found[row.row_id]
        unscored = {p for p in got if p.split("|", 1)[1] in UNSCORED_PRODUCTS and p not in row.expected}
        scored = frozenset(got - unscored)
        result.unscored += [(row, p) for p in sorted(unscored)]
        result.misses += [(row, p) for p in sorted(row.expected - scored)]
        result.false_matches += [(row, p) for p in sorted(scored - row.expected)]
        for counts in (result.overall, result.by_form.setdefault(row.form, Counts()),
                       result.by_cpe["with cpe" if row.cpe else "without cpe"]):
            counts.add(row.expected, scored)
    return result


def evaluate(split: str | None = "dev", matcher: Matcher | None = None, inventory: Path = INVENTORY) -> Score:
    """Score `matcher` (default: kansa's) on one split of the inventory (None = both)."""
    return score(load_inventory(inventory, split), matcher or kansa_matcher())


def _pct(value: float | None) -> str:
    return "   -  " if value is None else f"{value * 100:5.1f}%"


def format_table(result: Score, title: str) -> str:
    """A plain-text table: overall, per form, with/without CPE."""
    head = (f"{'slice':<20}{'rows':>6}{'exp':>7}{'found':>7}{'right':>7}{'precision':>11}{'recall':>9}"
            f"{'fully right':>13}{'detected':>10}")
    lines = [title, head, "-" * len(head)]

    def line(name: str, c: Counts) -> str:
        detected = f"{c.rows_detected}/{c.rows_with_kev}" if c.rows_with_kev else "-"
        return (f"{name:<20}{c.rows:>6}{c.expected:>7}{c.found:>7}{c.right:>7}{_pct(c.precision):>11}"
                f"{_pct(c.recall):>9}{f'{c.rows_fully_right}/{c.rows}':>13}{detected:>10}")

    lines.append(line("ALL", result.overall))
    lines += [line(form, c) for form, c in result.by_form.items() if c.rows]
    lines += [line(name, c) for name, c in result.by_cpe.items() if c.rows]
    lines.append(f"unscored 'Multiple ...' matches: {len(result.unscored)}")
    return "\n".join(lines)


def _listing(kind: str, items: list[tuple[InventoryRow, str]]) -> str:
    out = [f"{kind} ({len(items)}):"]
    out += [f"  {row.row_id:<26} {row.vendor} / {row.product}  ->  {p}" for row, p in items]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the table for one split (dev by default), optionally misses and false matches."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="dev")
    parser.add_argument("--inventory", type=Path, default=INVENTORY)
    parser.add_argument("--kev", type=Path, default=None, help="KEV JSON (default: the shared data folder)")
    parser.add_argument("--show", choices=["none", "misses", "false", "all"], default="none",
                        help="also list missed pairs and/or false matches")
    args = parser.parse_args(argv)
    split = None if args.split == "all" else args.split
    result = score(load_inventory(args.inventory, split), kansa_matcher(args.kev))
    print(format_table(result, f"KEV matching on the labelled inventory, split={args.split}"))
    if args.show in ("misses", "all"):
        print(_listing("missed pairs", result.misses))
    if args.show in ("false", "all"):
        print(_listing("false matches", result.false_matches))
    return 0


if __name__ == "__main__":
    sys.exit(main())
