"""A throwaway PostgreSQL cluster for tests, through scripts/postgres.sh.

``start(tmpdir)`` creates a cluster on a free loopback port and returns its URL
(``postgresql://dashboard@127.0.0.1:PORT/postgres``); ``stop(tmpdir)`` stops it and removes
it. The cluster itself lives in a new directory under the system temporary directory (as
root the server runs as the ``postgres`` user, which cannot reach pytest's private
temporary directories); ``tmpdir`` only remembers where it is.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "postgres.sh"
POINTER = "postgres-cluster.txt"
INSTALL = "install Debian's PostgreSQL with: bash scripts/system_packages.sh test"


class ClusterError(RuntimeError):
    """The cluster could not be started or stopped (the message says why)."""


def binaries_present() -> bool:
    """Whether PostgreSQL's server programs (initdb, pg_ctl) are installed."""
    if shutil.which("initdb") and shutil.which("pg_ctl"):
        return True
    return any(Path("/usr/lib/postgresql").glob("*/bin/initdb"))


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(tmpdir) -> str:
    """Start a new cluster (its place recorded in ``tmpdir``); return its URL."""
    if not binaries_present():
        raise ClusterError(f"PostgreSQL server binaries (initdb, pg_ctl) are not installed: {INSTALL}")
    cluster = Path(tempfile.mkdtemp(prefix="dashboard-pg-"))
    Path(tmpdir, POINTER).write_text(str(cluster), encoding="utf-8")
    last_error = ""
    for _ in range(3):  # another process may take the free port before the server does
        result = subprocess.run(["bash", str(SCRIPT), "start", str(cluster), str(free_port())],
                                capture_output=True, text=True, timeout=180)
        if result.returncode == 0:
            return result.stdout.strip().splitlines()[-1]
        last_error = result.stderr.strip()
        _clear(cluster)
    shutil.rmtree(cluster, ignore_errors=True)
    raise ClusterError(f"PostgreSQL did not start: {last_error}")


def stop(tmpdir) -> None:
    """Stop the cluster ``start(tmpdir)`` started and remove its files."""
    pointer = Path(tmpdir, POINTER)
    if not pointer.exists():
        return
    cluster = Path(pointer.read_text(encoding="utf-8").strip())
    try:
        if (cluster / "data" / "PG_VERSION").exists():
            result = subprocess.run(["bash", str(SCRIPT), "stop", str(cluster)],
                                    capture_output=True, text=True, timeout=120)
            if result.returncode != 0:
                raise ClusterError(f"PostgreSQL did not stop: {result.stderr.strip()}")
    finally:
        shutil.rmtree(cluster, ignore_errors=True)
        pointer.unlink(missing_ok=True)


def _clear(cluster: Path) -> None:
    """Empty a directory after a failed start, so the next attempt can use it."""
    subprocess.run(["bash", str(SCRIPT), "stop", str(cluster)], capture_output=True, timeout=120)
    for child in cluster.iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
