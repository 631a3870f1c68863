"""A name that starts with an underscore stays in its module: no ``from balises.x import _y`` and no ``x._y`` on
an imported Balises module, in the package or the app. What another module needs is given a public name (and a
docstring), so that a reader sees what a module offers from its names alone. (The folders' own stack is
import-linter's: pyproject.toml's [tool.importlinter], run by scripts/test.sh.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _sources() -> list[Path]:
    files = sorted((ROOT / "balises").rglob("*.py")) + sorted(ROOT.glob("app*.py"))
    if (ROOT / "app").is_dir():  # the app as a folder of modules
        files += sorted((ROOT / "app").rglob("*.py"))
    return files


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imported_from(node: ast.ImportFrom, path: Path, me: str) -> str:
    if not node.level:
        return node.module or ""
    package = me.split(".") if path.name == "__init__.py" else me.split(".")[:-1]
    package = package[:len(package) - node.level + 1]
    return ".".join(package + ([node.module] if node.module else []))


def private_imports(path: Path, text: str | None = None) -> list[str]:
    """Where ``path`` (or ``text`` as if it were that file) takes another module's private name:
    ``file:line: module._name``."""
    me = _module_name(path)
    tree = ast.parse(path.read_text(encoding="utf-8") if text is None else text, str(path))
    ours = {me.split(".")[0], "balises", "app"}
    modules: dict[str, str] = {}  # local name -> the Balises module it is bound to
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _imported_from(node, path, me)
            if source.split(".")[0] not in ours:
                continue
            for alias in node.names:
                if _is_module(f"{source}.{alias.name}"):
                    modules[alias.asname or alias.name] = f"{source}.{alias.name}"
                elif alias.name.startswith("_") and source != me:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {source}.{alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ours and alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
                and node.attr.startswith("_") and not node.attr.startswith("__")
                and modules[node.value.id] != me):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {modules[node.value.id]}.{node.attr}")
    return found


def test_no_private_name_is_imported_from_another_module():
    found = [line for path in _sources() for line in private_imports(path)]
    assert found == [], "private names used outside their module (give them a public name):\n" + "\n".join(found)


@pytest.mark.parametrize("source,caught", [
    ("from balises.engine.compose import _plan\n", True),
    ("from balises.services import batch\nbatch._WORKER.get('pack')\n", True),
    ("from ..engine.compose import _plan\n", True),
    ("from balises.engine.compose import compose\n", False),
    ("from balises.services import batch\nbatch.__name__\n", False),
])
def test_the_check_sees_both_forms(source, caught):
    assert bool(private_imports(ROOT / "balises" / "render" / "probe.py", source)) is caught
