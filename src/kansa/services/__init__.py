"""The one door into the library: every face (CLI, web, worker, demo) opens a source, runs a pillar, writes outputs.

    source = open_source(data_dir=DIR)            # or workspace=WS; always with its load manifest
    run = run_conduct(source, reporter=reporter)  # the evaluation date by the pillar's policy, results in memory
    files = write_conduct_outputs(run, out)       # a separate step: the web stores results, the CLI writes files
"""

from __future__ import annotations

from kansa.services.conduct import ConductRun, run_conduct, run_conduct_scan, write_conduct_outputs
from kansa.services.cyber import run_cyber, run_cyber_scan, write_cyber_outputs
from kansa.services.dates import conduct_as_of, cyber_as_of
from kansa.services.source import Source, open_source

__all__ = [
    "ConductRun", "Source", "conduct_as_of", "cyber_as_of", "open_source", "run_conduct", "run_conduct_scan",
    "run_cyber", "run_cyber_scan", "write_conduct_outputs", "write_cyber_outputs",
]
