"""Subcommands of ``python -m models``: one module per command, each with
``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int`` (the exit code).

Modules are discovered, so adding a command is adding a file."""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType


def command_modules() -> list[ModuleType]:
    """Every command module in this package, sorted by command name."""
    modules = [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    ]
    return sorted(modules, key=lambda m: m.NAME)
