"""Imports point down only (ARCHITECTURE §2). Walks every import, including function-local ones."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Top to bottom; names in one tuple are peers and may not import each other.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("__main__",),
    ("ui", "eval", "cli", "http"),
    ("bench",),
    ("api",),
    ("pipeline",),
    ("understand", "retrieval", "sql", "gate", "answer"),
    ("access", "audit"),
    ("semantic",),
    ("warehouse", "appstate"),
    ("types", "errors", "config", "clock", "pii", "words", "asker"),
    ("messages",),  # the error catalogue: errors renders from it
)
UI_MAY_IMPORT = {"api", "types", "errors", "config", "clock", "asker"}
LEVEL = {name: i for i, names in enumerate(LAYERS) for name in names}


def component(module: str) -> str | None:
    """The layer component of a dotted module name, or None when it is not ours."""
    parts = module.split(".")
    if parts[0] in ("ui", "eval"):
        return parts[0]
    if parts[0] != "asker":
        return None
    return parts[1] if len(parts) > 1 else "asker"


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool) -> list[tuple[int, str]]:
    package = module if is_package else module.rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found += [(node.lineno, _from_import(base, alias.name)) for alias in node.names]
    return found


def _from_import(base: str, name: str) -> str:
    """`from asker import api` imports the module asker.api; `from asker import __version__`
    imports a name of the package itself."""
    if base != "asker":
        return base
    module = ROOT / "asker" / name
    return f"asker.{name}" if module.with_suffix(".py").exists() or module.is_dir() else "asker"


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    src = component(module)
    assert src is not None and src in LEVEL, f"{module}: no layer for {src!r}; add it to LAYERS"
    bad = []
    for line, target in imported_modules(source, module, is_package):
        dst = component(target)
        if dst is None or dst == src:
            continue
        assert dst in LEVEL, f"{module}:{line} imports {target}: no layer for {dst!r}"
        if LEVEL[dst] <= LEVEL[src] or (src == "ui" and dst not in UI_MAY_IMPORT):
            bad.append(f"{module}:{line}: {src} -> {dst} ({target})")
    return bad


def our_files() -> list[Path]:
    return sorted(p for d in ("asker", "ui", "eval") for p in (ROOT / d).rglob("*.py"))


def test_imports_point_down() -> None:
    bad = [
        v
        for path in our_files()
        for v in violations(
            path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py"
        )
    ]
    assert not bad, "imports against the layer order (ARCHITECTURE §2):\n" + "\n".join(bad)


def test_the_check_catches_upward_and_sideways_arrows() -> None:
    wrong = {
        "asker.warehouse.x": "from asker.semantic import model\n",  # upward
        "asker.sql.x": "import asker.gate\n",  # sideways between peers
        "asker.access.x": "from asker.audit import log\n",  # sideways between peers
        "asker.appstate.x": "from asker.warehouse import engine\n",  # sideways between peers
        "ui.x": "from asker.warehouse import engine\n",  # the UI skipping the facade
        "asker.types": "from asker import api\n",  # the bottom reaching the top
        "asker.gate.x": "from ..understand import terms\n",  # relative, sideways
    }
    for module, source in wrong.items():
        assert violations(source, module), f"{module}: {source.strip()} should be refused"


def test_the_check_allows_downward_arrows() -> None:
    right = {
        "asker.api": "from asker.warehouse.engine import open_warehouse\n",
        "ui.chat": "from asker import api\nfrom asker.types import Answer\n",
        "asker.gate": "from . import statement\nfrom asker.errors import InvalidSql\n",
    }
    for module, source in right.items():
        assert not violations(source, module), module
