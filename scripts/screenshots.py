"""Screenshots of the app's pages for the README and for looking at what we build.

Starts `streamlit run app.py` on a free loopback port with a fresh database (or uses
--url), opens each page in headless Chromium at 1280 px wide and writes PNGs.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--url URL] [page ...]
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["", "spend", "data", "directory", "providers", "outcomes", "action-plan",
         "self-assessment", "tender", "sroi", "full-cost"]


def start_app(db_path: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=dict(os.environ, DASHBOARD_DB=str(db_path)),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=2)
            return process, url
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise SystemExit("streamlit did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--url")
    parser.add_argument("--height", type=int, default=1800)
    parser.add_argument("pages", nargs="*", default=PAGES)
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    process = None
    with tempfile.TemporaryDirectory() as folder:
        url = args.url
        if not url:
            process, url = start_app(Path(folder) / "dashboard.db")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium",
                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
                )
                page = browser.new_page(viewport={"width": 1280, "height": args.height})
                for path in args.pages:
                    page.goto(f"{url}/{path}")
                    page.wait_for_selector('[data-testid="stMainBlockContainer"]')
                    page.wait_for_timeout(1500)
                    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=60_000)
                    page.wait_for_timeout(1500)
                    name = (path.split("?")[0] or "home").replace("/", "_")
                    page.screenshot(path=str(out / f"{name}.png"))
                    print(out / f"{name}.png")
                browser.close()
        finally:
            if process:
                process.terminate()


if __name__ == "__main__":
    main()
