"""The one door into the library: every face (CLI, web, worker, demo) opens a source, runs a pillar, writes outputs.

    source = open_source(data_dir=DIR)            # or workspace=WS; always with its load manifest
    run = run_conduct(source, reporter=reporter)  # the evaluation date by the pillar's policy, results in memory
    files = write_conduct_outputs(run, out)       # a separate step: the web stores results, the CLI writes files
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names as the type checker sees them; at run time each pillar loads on first use
    from kansa.services.conduct import ConductRun, run_conduct, run_conduct_scan, write_conduct_outputs
    from kansa.services.cyber import run_cyber, run_cyber_scan, write_cyber_outputs
    from kansa.services.dates import conduct_as_of, cyber_as_of
    from kansa.services.source import Source, open_source

# A conduct scan need not import the cyber pillar (nor a cyber scan the conduct reports): a tenth or two of a
# second at every start of the CLI.
_HOME = {
    "ConductRun": "conduct", "run_conduct": "conduct", "run_conduct_scan": "conduct",
    "write_conduct_outputs": "conduct", "run_cyber": "cyber", "run_cyber_scan": "cyber",
    "write_cyber_outputs": "cyber", "conduct_as_of": "dates", "cyber_as_of": "dates", "Source": "source",
    "open_source": "source",
}

__all__ = [
    "ConductRun", "Source", "conduct_as_of", "cyber_as_of", "open_source", "run_conduct", "run_conduct_scan",
    "run_cyber", "run_cyber_scan", "write_conduct_outputs", "write_cyber_outputs",
]


def __getattr__(name: str) -> Any:
    """The door's names, each imported from its module when first asked for (PEP 562)."""
    if name in _HOME:
        return getattr(importlib.import_module(f"kansa.services.{_HOME[name]}"), name)
    raise AttributeError(f"module 'kansa.services' has no attribute {name!r}")
