"""Compiled workflow code kept in memory for the sandbox's per-run imports.

The sandbox imports a workflow's module afresh for every workflow run it starts. Without a
.pyc beside the source (PYTHONDONTWRITEBYTECODE, as containers often set, with an editable or
source checkout), each of those imports compiles the source again: a few milliseconds per
journey participant. This finder hands the import system the code compiled the first time,
for the modules of the packages it is given; the source's modification time and size are
part of the key, so an edited file is compiled anew.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from importlib.abc import MetaPathFinder
from importlib.machinery import ModuleSpec, PathFinder, SourceFileLoader
from types import CodeType, ModuleType
from typing import ClassVar


class _CachingSourceLoader(SourceFileLoader):
    _code: ClassVar[dict[tuple[str, int, int], CodeType]] = {}

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns, stat.st_size)
        code = self._code.get(key)
        if code is None:
            compiled = super().get_code(fullname)
            if compiled is None:  # only for a loader without source, which this is not
                raise ImportError(f"no code for {fullname}", name=fullname)
            code = self._code[key] = compiled
        return code


class WorkflowCodeCache(MetaPathFinder):
    def __init__(self) -> None:
        self.packages: set[str] = set()

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname.partition(".")[0] not in self.packages:
            return None
        spec = PathFinder.find_spec(fullname, path, target)
        if spec is None or type(spec.loader) is not SourceFileLoader:
            return spec
        loader = _CachingSourceLoader(spec.loader.name, spec.loader.path)
        spec.loader = loader
        return spec


def install(*packages: str) -> None:
    """Serve these packages' modules from the cache, from now on in this process."""
    finder = next((f for f in sys.meta_path if isinstance(f, WorkflowCodeCache)), None)
    if finder is None:
        finder = WorkflowCodeCache()
        sys.meta_path.insert(0, finder)
    finder.packages.update(packages)
