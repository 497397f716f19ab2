"""Check uploaded files in a separate process with memory and time limits, so that one
hostile upload cannot exhaust a shared server: the Data page's Check button.

``check_isolated(db_path, files, options)`` writes the files to a private temporary folder,
runs a dry-run import of them in ``python -m models.importers.sandbox`` with its address
space (RLIMIT_AS) and CPU time (RLIMIT_CPU) capped by ``resource.setrlimit``, and a wall-clock
timeout, and returns the results. A child that runs out of memory or time, or dies, becomes a
rejected result saying so in words; never a traceback."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .report import Problem, ValidationReport

MEMORY_LIMIT_MB = 1536  # address space of the checking process (Python and its libraries need ~600 MB)
CPU_SECONDS = 120
WALL_SECONDS = 180


def check_isolated(db_path: str | os.PathLike, files: list[tuple[str, bytes]], options, *,
                   memory_mb: int = MEMORY_LIMIT_MB, cpu_seconds: int = CPU_SECONDS,
                   wall_seconds: int = WALL_SECONDS) -> list:
    """Dry-run import results for ``files`` ((name, bytes) pairs), checked in a child
    process under the limits. ``options`` is an ImportOptions (dry_run is forced on)."""
    from .runner import ImportResult

    with tempfile.TemporaryDirectory(prefix="dashboard-check-") as folder:
        paths = []
        for index, (name, data) in enumerate(files):
            path = Path(folder) / f"{index}" / Path(name).name
            path.parent.mkdir()
            path.write_bytes(data)
            paths.append(str(path))
        job = {"db": str(db_path), "files": paths, "options": dataclasses.asdict(dataclasses.replace(options, dry_run=True))}

        def limits() -> None:  # runs in the child, before it starts Python
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024**2, memory_mb * 1024**2))
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))

        try:
            completed = subprocess.run(
                [sys.executable, "-m", "models.importers.sandbox"], input=json.dumps(job), capture_output=True,
                text=True, timeout=wall_seconds, preexec_fn=limits, cwd=Path(__file__).resolve().parents[2],
            )
        except subprocess.TimeoutExpired:
            return [_stopped(name, f"checking it took longer than {wall_seconds} seconds, so it was stopped") for name, _ in files]
        try:
            answers = json.loads(completed.stdout.strip().splitlines()[-1]) if completed.stdout.strip() else None
        except ValueError:
            answers = None
        if completed.returncode != 0 or not isinstance(answers, list):
            if completed.returncode < 0 or any(w in completed.stderr for w in ("emory", "failed to map", "Cannot allocate")):
                # killed by a limit, or out of memory (even while loading its libraries)
                why = f"checking it needed more than {memory_mb:,} MB of memory or {cpu_seconds} seconds, so it was stopped"
            else:
                why = "the check stopped unexpectedly; the file may be damaged"
            return [_stopped(name, why) for name, _ in files]
        return [ImportResult.from_dict(answer) for answer in answers]


def _stopped(name: str, why: str):
    from .runner import ImportResult

    report = ValidationReport(name)
    report.error("", "", why + ". A file this demanding cannot be imported here; split it or check it with the "
                 "command line (python -m models import --dry-run)")
    return ImportResult(file_name=name, format=None, report=report)


def report_from_dict(data: dict) -> ValidationReport:
    """A report rebuilt from ``ValidationReport.as_dict()`` (after crossing a process)."""
    report = ValidationReport(data["file"])
    report.errors = [Problem(**p) for p in data["errors"]]
    report.warnings = [Problem(**p) for p in data["warnings"]]
    report.error_count, report.warning_count = data["error_count"], data["warning_count"]
    report.repair_count = data.get("repair_count", 0)
    report.notes, report.unmapped_columns = list(data["notes"]), list(data["unmapped_columns"])
    report.publisher = data.get("publisher")
    report._bad_rows = set(data.get("skipped", []))
    return report


def main() -> int:
    """The child: read the job from stdin, print the results as one line of JSON."""
    from .. import store
    from .runner import ImportOptions, import_sources
    from .sources import Source

    job = json.loads(sys.stdin.read())
    options = ImportOptions(**job["options"])
    sources = [Source.from_path(p) for p in job["files"]]
    try:
        with store.opened(job["db"]) as db:
            results = import_sources(db, sources, options)
    except MemoryError:
        print("MemoryError", file=sys.stderr)
        return 3
    print(json.dumps([r.as_dict() for r in results], default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
