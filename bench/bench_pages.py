"""Benchmark: how long each page takes, at the seeded size and with many spend rows.

Two measurements, never asserted in tests:

- ``server``: each page's script run through Streamlit's AppTest (the router and frame
  included), wall and CPU time, on a cold process (first visitor after a start: caches
  empty) and warm (the median of later runs). ``--profile PAGE`` prints where that page's
  run spends its time (cProfile, cumulative).
- ``browser``: headless Chromium (Debian's /usr/bin/chromium through Playwright) against a
  real ``streamlit run``: the time from navigation to the end of the page's script run
  (``stApp`` script state back to notRunning and steady), per page: the first visit after
  the server starts, in a browser with an empty cache, and p50 / p95 of ``--repeat`` later
  visits, each a new tab (a new Streamlit session) of a browser that has been to the app
  before (its static files cached, as they are for a year: Streamlit marks them immutable).
  ``--quiet-below L`` waits (up to ``--quiet-wait`` s) before each page until the 1-minute
  load average is below L; the load during each page is in the table.

    .venv/bin/python -m bench.bench_pages server [--spend-rows 1000000] [--repeat 5] [--profile spend]
    .venv/bin/python -m bench.bench_pages browser [--spend-rows 1000000] [--repeat 10] [--pages home,spend]

The database is built once per size in ``--folder`` (default /tmp/bench_pages) and reused.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import platform
import pstats
import re
import signal
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# Query strings some pages need to show their main content.
PAGE_QUERY = {"organisation": "?org=DEMO-0001"}


def pages() -> list[tuple[str, str]]:
    """(url path, page file) for every page in app.py's list, in its order ('' = Home)."""
    text = (ROOT / "app.py").read_text(encoding="utf-8")
    found = []
    for match in re.finditer(r'st\.Page\("(app_pages/[a-z_]+\.py)"(.*)', text):
        path = re.search(r'url_path="([^"]+)"', match.group(2))
        found.append((path.group(1) if path else "", match.group(1)))
    return found


def database(folder: Path, spend_rows: int) -> Path:
    """A seeded database with ``spend_rows`` generated spend rows added (built once)."""
    from models import store
    from models.database import init_database

    from bench.generate import SHAPE

    path = folder / f"pages_{spend_rows}_shape{SHAPE}.db"
    if path.exists():
        init_database(path)  # migrations added since it was built
        return path
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    init_database(partial)
    if spend_rows:
        from bench.generate import spend_rows as generated

        with store.opened(partial) as db:
            with store.transaction(db):
                db["spend"].insert_all(generated(spend_rows), batch_size=10_000)
            db.execute("ANALYZE")
    partial.rename(path)
    return path


def machine() -> str:
    load1, load5, _ = os.getloadavg()
    return (f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {load1:.1f} (5 min {load5:.1f})")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# ------------------------------------------------------------------ server side (AppTest)

@contextlib.contextmanager
def profiled_threads():
    """cProfile every thread started inside (AppTest runs the script in a thread of its own)."""
    profiles: list[cProfile.Profile] = []

    def start(*_):
        sys.setprofile(None)
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.enable()

    threading.setprofile(start)
    try:
        yield profiles
    finally:
        threading.setprofile(None)


def run_page(url_path: str, page_file: str, profile: bool = False) -> tuple[float, float, str]:
    """One AppTest run of the app switched to a page: (wall s, CPU s, profile text)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    app.run()
    app.switch_page(page_file)
    for key, value in re.findall(r"(\w+)=([^&]+)", PAGE_QUERY.get(url_path, "")):
        app.query_params[key] = value
    text = ""
    wall, cpu = time.perf_counter(), time.process_time()
    if profile:
        with profiled_threads() as profiles:
            app.run()
        out = io.StringIO()
        stats = pstats.Stats(profiles[0], stream=out)
        for extra in profiles[1:]:
            stats.add(extra)
        stats.sort_stats("cumulative").print_stats(30)
        text = out.getvalue()
    else:
        app.run()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if app.exception:
        raise SystemExit(f"{page_file} raised: {app.exception[0].message}")
    return wall, cpu, text


def server(args) -> None:
    db_path = database(Path(args.folder), args.spend_rows)
    os.environ["DASHBOARD_DB"] = str(db_path)
    sys.path.insert(0, str(ROOT))
    print(f"Machine: {machine()}; database {db_path.name} ({args.spend_rows:,} generated spend rows)")
    chosen = [p for p in pages() if not args.pages or (p[0] or "home") in args.pages.split(",")]
    print("| page | cold run wall / CPU | warm run p50 wall / CPU | warm p95 wall / CPU |")
    print("|---|---|---|---|")
    for url_path, page_file in chosen:
        cold_wall, cold_cpu, _ = run_page(url_path, page_file)
        warm = [run_page(url_path, page_file) for _ in range(max(1, args.repeat))]
        walls, cpus = [w for w, _, _ in warm], [c for _, c, _ in warm]
        print(f"| {url_path or 'home'} | {cold_wall * 1000:,.0f} / {cold_cpu * 1000:,.0f} ms | "
              f"{statistics.median(walls) * 1000:,.0f} / {statistics.median(cpus) * 1000:,.0f} ms | "
              f"{percentile(walls, 0.95) * 1000:,.0f} / {percentile(cpus, 0.95) * 1000:,.0f} ms |", flush=True)
    if args.profile:
        for url_path, page_file in pages():
            if (url_path or "home") == args.profile:
                run_page(url_path, page_file)  # warm the caches first, as a returning visitor
                print(f"\nProfile of a warm run of {args.profile}:")
                print(run_page(url_path, page_file, profile=True)[2])


# ------------------------------------------------------------------ browser (Playwright)

# Records, in the page, each time Streamlit's script state changes (performance.now()).
WATCH_SCRIPT_STATE = """
window.__runs = [];
new MutationObserver(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (app) window.__runs.push([app.getAttribute('data-test-script-state'), performance.now()]);
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-test-script-state']});
"""


def finished_at(page, since: float, settle_ms: int = 600, timeout_s: float = 120) -> tuple[float, float]:
    """performance.now() when the first script run after ``since`` started, and when the
    run(s) finished: the state went to notRunning with a title on the page and stayed so for
    ``settle_ms`` (a rerun restarts it)."""
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        runs = page.evaluate("window.__runs")
        ran = [t for state, t in runs if t >= since and state == "running"]
        done = [t for state, t in runs if t >= since and state == "notRunning"]
        state = runs[-1][0] if runs else None
        titled = page.evaluate("!!document.querySelector('[data-testid=\"stMain\"] h1')")
        if ran and done and state == "notRunning" and titled and done[-1] > ran[-1]:
            now = page.evaluate("performance.now()")
            if now - done[-1] >= settle_ms:
                return ran[0], done[-1]
        page.wait_for_timeout(50)
    raise TimeoutError("the page did not finish its run")


def _processes() -> dict[int, tuple[int, str, float]]:
    """Every process: pid -> (parent pid, name, CPU seconds used so far), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as stat:
                text = stat.read().decode(errors="replace")
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text[text.rindex(")") + 2:].split()
        found[int(entry)] = (int(fields[1]), name, (int(fields[11]) + int(fields[12])) / ticks)
    return found


def app_cpu() -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by this run's streamlit server and Chromium (every process
    descended from this one except Playwright's own driver): their sum over a visit is the
    work the visit cost, whatever else the machine is doing."""
    table = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    used, todo = {}, list(children.get(os.getpid(), []))
    while todo:
        pid = todo.pop()
        if table[pid][1] != "node":
            used[pid] = table[pid][1:]
        todo.extend(children.get(pid, []))
    return used


def cpu_since(before: dict[int, tuple[str, float]]) -> tuple[float, float]:
    """CPU seconds (server, browser) used since ``before`` (an ``app_cpu()``)."""
    server = browser = 0.0
    for pid, (name, seconds) in app_cpu().items():
        used = seconds - before.get(pid, (name, 0.0))[1]
        if name.startswith("python"):
            server += used
        else:
            browser += used
    return server, browser


def visit(browser, url: str, width: int, context=None) -> tuple[float, float, float, float]:
    """Seconds from navigation start to the end of the page's run, in a new tab (a new
    Streamlit session), to the start of that run (the browser's own share: loading and
    starting the app), and the CPU seconds the server and the browser used meanwhile. In ``context`` if given (a browser that has been here before, its
    cached static files reused, as for anyone who uses the app daily), else in a new
    browser context with an empty cache (a first visit)."""
    own = context is None
    if own:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    page = context.new_page()
    try:
        page.add_init_script(WATCH_SCRIPT_STATE)
        cpu = app_cpu()
        page.goto(url, wait_until="commit")
        started, finished = finished_at(page, 0.0)
        # less the settling wait's own CPU (the page idle, the bench polling it) is not
        # subtracted: a slight overestimate of what the visit costs
        return (finished / 1000, started / 1000, *cpu_since(cpu))
    finally:
        page.close()
        if own:
            context.close()


def quiet(below: float, longest_s: float) -> None:
    """Wait (up to ``longest_s``) until the 1-minute load average is below ``below``: on a
    shared machine, measure in its quiet spells."""
    deadline = time.time() + longest_s
    while os.getloadavg()[0] >= below and time.time() < deadline:
        time.sleep(5)


def browser_bench(args) -> None:
    from playwright.sync_api import sync_playwright

    from tests.e2e.conftest import streamlit_server  # the journeys' own server start

    db_path = database(Path(args.folder), args.spend_rows)
    chosen = [p for p in pages() if not args.pages or (p[0] or "home") in args.pages.split(",")]
    print(f"Machine: {machine()}; database {db_path.name} ({args.spend_rows:,} generated spend rows); "
          f"{args.width} px; {args.repeat} visits a page after the first")
    print("| page | first visit, empty browser cache | p50 | p95 | run starts at (p50) | "
          "CPU used by the server / the browser (p50) | load average (1 min) during the page |")
    print("|---|---|---|---|---|---|---|")
    with streamlit_server(db_path) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"])
        visit(browser, url + "/privacy", args.width)  # the app's own first-start work, not a page's
        returning = browser.new_context(viewport={"width": args.width, "height": 900}, locale="en-GB")
        for url_path, _ in chosen:
            address = f"{url}/{url_path}{PAGE_QUERY.get(url_path, '')}"
            if args.quiet_below:
                quiet(args.quiet_below, args.quiet_wait)
            loads = [os.getloadavg()[0]]
            first = visit(browser, address, args.width)[0]
            visit(browser, address, args.width, returning)  # this page's parts of the app now cached too
            visits = []
            for _ in range(args.repeat):
                visits.append(visit(browser, address, args.width, returning))
                loads.append(os.getloadavg()[0])
            times, starts, servers, browsers = ([v[i] for v in visits] for i in range(4))
            print(f"| {url_path or 'home'} | {first:.2f} s | {statistics.median(times):.2f} s | "
                  f"{percentile(times, 0.95):.2f} s | {statistics.median(starts):.2f} s | "
                  f"{statistics.median(servers):.2f} / {statistics.median(browsers):.2f} s | "
                  f"{min(loads):.1f}–{max(loads):.1f} |", flush=True)
        returning.close()
        browser.close()
    print(f"Load at the end: {machine()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["server", "browser"])
    parser.add_argument("--spend-rows", type=int, default=0, help="generated spend rows added to the seeded data")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", default="", help="comma-separated url paths (home for the home page)")
    parser.add_argument("--profile", default="", help="print where this page's warm run spends its time")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--folder", default="/tmp/bench_pages")
    parser.add_argument("--quiet-below", type=float, default=0.0,
                        help="browser: before each page, wait until the 1-minute load average is below this")
    parser.add_argument("--quiet-wait", type=float, default=600, help="longest wait for --quiet-below, seconds")
    args = parser.parse_args()
    # A stopped run still stops its streamlit server (the context managers' cleanup runs).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    (server if args.mode == "server" else browser_bench)(args)


if __name__ == "__main__":
    main()
