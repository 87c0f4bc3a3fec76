"""Policy reading speed: documents per second by format, tokenising speed, and whole-command times.

Usage: `.venv/bin/python bench/fd_read.py [--firms 40] [--repeat 3]`
Builds a synthetic corpus (`kansa fd synth`, PDF/DOCX/HTML/text) in a temporary folder and measures:
- text extraction alone per format (pypdf / python-docx / the HTML parser / decoding), documents/s;
- the whole reading of a document (extraction, sections, item mapping, concreteness, restatement), documents/s,
  against what a user would otherwise do: extract the text and grep it for the principle numbers (baseline);
- SudachiPy content words, characters/s, against str.split on the same text (the cost of the analyser);
- `kansa fd read` over the whole corpus and `kansa fd audit` on five firms with a synthetic conduct institution
  (wall-clock, subprocess, including start-up and the PDF report).
Times are the best of --repeat runs (the machine is shared).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from kansa.fd.documents import collect
from kansa.fd.policy import read_sections
from kansa.fd.principles import default_principles
from kansa.fd.readers import read_document, read_text
from kansa.fd.tokens import content_words

KANSA = str(Path(sys.executable).parent / "kansa")


def _best(fn: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def _run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([KANSA, *args], check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    """Print the figures."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--firms", type=int, default=40)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from kansa.fd.coverage import coverage
    from kansa.fd.synth import write_corpus

    with tempfile.TemporaryDirectory(prefix="kansa-fd-bench-") as tmp:
        corpus = Path(tmp) / "corpus"
        t = time.perf_counter()
        write_corpus(corpus, firms=args.firms, seed=5, pdf=True)
        print(f"corpus: {args.firms} firms written in {time.perf_counter() - t:.1f} s")
        docs: dict[str, list[Path]] = defaultdict(list)
        for firm in collect(corpus):
            for year in firm.years.values():
                for p in year.policy + year.progress:
                    docs[p.suffix.lstrip(".")].append(p)
        principles = default_principles()
        print(f"{'format':6} {'docs':>5} {'extract docs/s':>15} {'full read docs/s':>17} {'grep baseline docs/s':>21}")
        total_docs, total_full = 0, 0.0
        for fmt, paths in sorted(docs.items()):
            extract = _best(lambda paths=paths: [read_document(p) for p in paths], args.repeat)

            def full(paths: list[Path] = paths) -> None:
                for p in paths:
                    doc = read_sections([p])
                    assert doc is not None
                    coverage(doc.sections, principles)

            whole = _best(full, args.repeat)
            grep = _best(lambda paths=paths: [re.findall(r"原則\s*[1-7]", read_text(p)) for p in paths], args.repeat)
            n = len(paths)
            total_docs, total_full = total_docs + n, total_full + whole
            print(f"{fmt:6} {n:5} {n / extract:15.1f} {n / whole:17.1f} {n / grep:21.1f}")
        print(f"all    {total_docs:5} {'':15} {total_docs / total_full:17.1f}")
        text = "\n".join(read_text(p) for p in docs.get("txt", [])[:20])
        sudachi = _best(lambda: content_words(text), args.repeat)
        split = _best(lambda: text.split(), args.repeat)
        print(f"tokenising: SudachiPy {len(text) / sudachi:,.0f} chars/s; str.split {len(text) / split:,.0f} chars/s "
              f"({len(text):,} chars)")
        out = Path(tmp) / "out"
        from kansa.fd.analysis import analyse_folder
        from kansa.fd.report import write_report

        t = time.perf_counter()
        firms = analyse_folder(corpus, principles)
        analysed = time.perf_counter() - t
        parts = {}
        for fmt in ("html", "xlsx", "pdf"):
            t = time.perf_counter()
            write_report(firms, principles, Path(tmp) / "parts", formats=(fmt,))
            parts[fmt] = time.perf_counter() - t
        print(f"in process: analysis {analysed:.1f} s; report html {parts['html']:.1f} s, xlsx {parts['xlsx']:.1f} s, "
              f"pdf {parts['pdf']:.1f} s")
        read = _run(["fd", "read", str(corpus), "--out", str(out)])
        print(f"kansa fd read ({args.firms} firms, report PDF included): {read:.1f} s")
        five = Path(tmp) / "five"
        five.mkdir()
        for firm in sorted(corpus.iterdir())[:5]:
            if firm.is_dir():
                (five / firm.name).symlink_to(firm)
        data = Path(tmp) / "conduct"
        subprocess.run([KANSA, "synth", "conduct", "--out", str(data), "--customers", "2000"], check=True,
                       capture_output=True)
        audit = _run(["fd", "audit", str(five), "--data", str(data), "--out", str(Path(tmp) / "audit")])
        print(f"kansa fd audit (5 firms + conduct scan of 2,000 customers, reports included): {audit:.1f} s")


if __name__ == "__main__":
    main()
