"""The message catalogue: it loads, every code used in src exists, every text is bilingual, the docs match."""

from __future__ import annotations

import ast
import importlib.util
import re
from pathlib import Path
from types import ModuleType

from kansa.messages import EXIT_CODES, CatalogueError, InputError, catalogue, has_code, placeholders, render

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "kansa"
ERROR_ROOTS = {"KansaError", "InputError", "UsageError", "ConfigError", "OutputError", "PartialError"}
CODE_CALLS = {"render", "Message"}
CODE_SHAPE = re.compile(r"^[a-z][a-z0-9_]*$")


def _gen_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _trees() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(SRC.rglob("*.py"))]


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _is_method_render(func: ast.expr) -> bool:
    """`error.render("en")` takes a language, not a code; only `render(...)`/`messages.render(...)` take codes."""
    return (isinstance(func, ast.Attribute) and func.attr == "render"
            and not (isinstance(func.value, ast.Name) and func.value.id == "messages"))


def _kansa_error_classes(trees: list[tuple[Path, ast.Module]]) -> set[str]:
    """Names of every class in src that derives (at any depth) from KansaError."""
    known = set(ERROR_ROOTS)
    classes = [node for _p, tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    grew = True
    while grew:
        grew = False
        for cls in classes:
            if cls.name not in known and any(_name(base) in known for base in cls.bases):
                known.add(cls.name)
                grew = True
    return known


def _literal_codes() -> list[tuple[str, str]]:
    """(where, code) for every string literal given as the code of a KansaError subclass, render() or Message()."""
    trees = _trees()
    callers = _kansa_error_classes(trees) | CODE_CALLS
    found = []
    for path, tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or _name(node.func) not in callers or _is_method_render(node.func):
                continue
            args = [kw.value for kw in node.keywords if kw.arg == "code"] or node.args[:1]
            for arg in args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.append((f"{path.relative_to(ROOT)}:{node.lineno}", arg.value))
    return found


def test_the_catalogue_loads_with_codes_from_several_packages() -> None:
    entries = catalogue()
    assert len({entry.package for entry in entries.values()}) >= 3
    assert all(CODE_SHAPE.match(code) for code in entries), [c for c in entries if not CODE_SHAPE.match(c)]


def test_every_code_has_japanese_and_english_text() -> None:
    for code, entry in catalogue().items():
        assert entry.ja.strip() and entry.en.strip(), code


def test_every_code_used_in_src_is_in_the_catalogue() -> None:
    used = _literal_codes()
    assert len(used) >= 20  # the scan finds the calls (it would pass vacuously if it found none)
    missing = [(where, code) for where, code in used if not has_code(code)]
    assert not missing, missing


def test_the_scan_sees_error_subclasses_and_render_calls() -> None:
    codes = {code for _where, code in _literal_codes()}
    assert codes & {code for code, e in catalogue().items() if e.package == "kansa.engine"}
    assert codes & {code for code, e in catalogue().items() if e.package == "kansa.services"}


def test_an_error_renders_in_both_languages_with_its_fields() -> None:
    code = next(c for c, e in catalogue().items() if "{" in e.ja)
    fields = {name: "XYZ" for name in placeholders(catalogue()[code].ja)}
    error = InputError(code, **fields)
    assert "XYZ" in error.render("ja") and "XYZ" in error.render("en")
    assert error.render("ja") != error.render("en")
    assert str(error) == render(code, "en", fields)


def test_an_unknown_code_prints_as_itself_not_a_crash() -> None:
    assert render("no_such_code_anywhere", "ja", {"row": 3}) == "no_such_code_anywhere: row=3"


def test_docs_error_codes_is_up_to_date_with_the_catalogue() -> None:
    gen = _gen_docs()
    current = (ROOT / "docs" / "error-codes.md").read_text(encoding="utf-8")
    assert current == gen.generate(), "docs/error-codes.md is stale: run python scripts/gen_docs.py"
    for code, entry in catalogue().items():
        assert f"`{code}`" in current and entry.package in current
    for status, _ja, _en in EXIT_CODES:
        assert f"| {status} |" in current


def test_catalogue_error_is_a_bug_class_not_a_user_error() -> None:
    assert not issubclass(CatalogueError, InputError)
