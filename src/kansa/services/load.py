"""Load a data folder into a workspace, all or nothing, through the one door."""

from __future__ import annotations

from pathlib import Path

from kansa.contract.load import LoadFailed, LoadResult
from kansa.contract.schema import Domain
from kansa.i18n import Lang
from kansa.progress import NULL_REPORTER, Reporter
from kansa.workspace import Workspace, load_staged


def load_into_workspace(
    data_dir: Path,
    workspace: Path,
    *,
    mapping: Path | None = None,
    domain: Domain | None = None,
    lang: Lang = "ja",
    reporter: Reporter = NULL_REPORTER,
) -> LoadResult:
    """Validate every table in `data_dir` and, only if all are good, replace the workspace's tables in one go.

    Returns the LoadResult (its issues include warnings); raises LoadFailed (nothing written) on any error.
    """
    with load_staged(data_dir, mapping=mapping, lang=lang, domain=domain, reporter=reporter,
                     near=Path(workspace).parent) as (result, staged):
        if not result.ok:
            raise LoadFailed(result.issues)
        Workspace(workspace).replace(result, staged=staged)
    return result
