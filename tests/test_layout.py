"""The house rules of DESIGN.md, checked: who may import whom."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE_DOMAIN = {"workflows", "activities", "worker"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_domain_never_imports_the_temporal_rooms() -> None:
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "herald").rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in OUTSIDE_DOMAIN
    ]
    assert offenders == []


def test_workflows_import_only_models_and_the_workflow_api() -> None:
    # temporalio.exceptions: a workflow that reports each send's failure (transactional
    # messages) catches ActivityError instead of failing as a whole.
    allowed_prefixes = (
        "herald.models",
        "temporalio.workflow",
        "temporalio.common",
        "temporalio.exceptions",
        "workflows",
    )
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in (ROOT / "workflows").rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] not in stdlib
        and module != "temporalio"
        and not module.startswith(allowed_prefixes)
    ]
    assert offenders == []
