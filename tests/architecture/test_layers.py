"""The architecture holds: imports point down the layers, no module imports itself round a circle, and the
faces' libraries (Typer, Rich, Django) stay in the faces."""

from __future__ import annotations

from tests.architecture.imports import graph

# Lowest first; a package may import its own layer's packages (acyclically) and any lower layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("kansa", "kansa.i18n", "kansa.jpdate", "kansa.spreadsheet", "kansa.messages", "kansa.progress", "kansa.yamlio",
     "kansa.cache",
     "kansa.outputs", "kansa.safepath", "kansa.limits"),
    ("kansa.contract",),
    ("kansa.engine", "kansa.reports", "kansa.workspace"),
    ("kansa.conduct", "kansa.cyber", "kansa.assessment"),
    ("kansa.fd", "kansa.audit", "kansa.synth"),
    ("kansa.services",),
    ("kansa.cli", "kansa.web", "kansa.__main__"),
)
FACE_ONLY = {"typer": "kansa.cli", "rich": "kansa.cli", "django": "kansa.web"}


def _package(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "kansa" or len(parts) == 1 or parts[1] == "__version__":
        return "kansa"
    return ".".join(parts[:2])


def _layer(package: str) -> int:
    for i, members in enumerate(LAYERS):
        if package in members:
            return i
    raise AssertionError(f"{package} is in no layer: add it to LAYERS in {__file__}")


def _kansa_modules(imports: set[str], known: set[str]) -> set[str]:
    """The kansa modules among imported names (`from kansa.x import y` names y, which may be an attribute)."""
    return {i for i in imports if i in known}


def test_every_import_points_down_the_layers() -> None:
    g = graph()
    upward = []
    for module, imports in g.items():
        for target in imports:
            if target.startswith("kansa") and _layer(_package(target)) > _layer(_package(module)):
                upward.append(f"{module} -> {target}")
    assert not upward, "imports that run up the layers:\n" + "\n".join(sorted(upward))


def test_no_module_imports_itself_round_a_circle() -> None:
    g = graph()
    known = set(g)
    edges = {m: _kansa_modules(i, known) - {m} for m, i in g.items()}
    # a package's __init__ re-exporting its modules is not a circle of meaning: leave package -> child out
    edges = {m: {t for t in ts if not t.startswith(m + ".")} for m, ts in edges.items()}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt):], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(edges):
        if start not in state:
            visit(start, [start])
    assert not cycles, "import circles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_face_libraries_stay_in_their_face() -> None:
    g = graph()
    leaks = [
        f"{module} imports {target}"
        for module, imports in g.items()
        for target in imports
        for lib, home in FACE_ONLY.items()
        if target.split(".")[0] == lib and not (module == home or module.startswith(home + "."))
    ]
    assert not leaks, "\n".join(sorted(leaks))
