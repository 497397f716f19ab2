"""Browser journeys: a real `streamlit run app.py` on loopback, driven by Playwright in
Debian's Chromium, with an axe-core accessibility check (WCAG 2.2 AA).

When $REQUIRE_BROWSER is set (as .ci/run does), a missing Chromium is a failure, not a skip."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


# The journeys that also run on PostgreSQL (scripts/test.sh's second pass, marker
# `postgresql`): the five users' tasks end to end at 1280 px (the 390 px runs exercise the
# same store calls), and two app servers sharing one database.
POSTGRESQL_JOURNEYS = {
    "test_district_journey.py", "test_three_bid_tender_journey.py", "test_costing_form_journey.py",
    "test_status_review_journey.py", "test_sroi_partial_journey.py", "test_two_servers_journey.py",
}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)
            params = getattr(getattr(item, "callspec", None), "params", {})
            desktop = params.get("screen") != "phone" and params.get("width") != 390
            if Path(str(item.fspath)).name in POSTGRESQL_JOURNEYS and desktop:
                item.add_marker(pytest.mark.postgresql)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A journey that fails says what its browser pages showed at that moment (each page's
    address, the app's script state, its alerts and the start of its text), in the report's
    "What the browser showed" section: a CI log then tells a refused save from a slow one."""
    report = yield
    browser = getattr(item, "funcargs", {}).get("browser")
    if report.when == "call" and report.failed and browser is not None:
        try:
            shown = _what_the_pages_show(browser)
        except Exception as error:  # the browser itself may be what failed
            shown = f"(could not read the pages: {error})"
        report.sections.append(("What the browser showed", shown))
    return report


def _what_the_pages_show(browser) -> str:
    lines = []
    for context in browser.contexts:
        for page in context.pages:
            state = page.evaluate("() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState ?? ''")
            lines.append(f"{page.url} (script {state or 'not started'}):")
            alerts = page.locator('[data-testid="stAlert"], [data-testid="stException"], [data-testid="stToast"]')
            lines += [f"  alert: {' '.join(text.split())}" for text in alerts.all_inner_texts()]
            main = page.locator('[data-testid="stMain"]')
            text = main.inner_text(timeout=5_000) if main.count() else page.inner_text("body", timeout=5_000)
            lines.append("  page text: " + " | ".join(line for line in text.splitlines() if line.strip())[:3_000])
    return "\n".join(lines) or "(no page open)"


def _expect_patiently() -> None:
    """Assertions retry for up to 30 s: a loaded CI machine can take a while to rerun."""
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)


_expect_patiently()


def _need_browser() -> None:
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    message = f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package (apt-get install chromium)"
    if os.environ.get("REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(db_path, *, extra_args: tuple[str, ...] = (), extra_env: dict | None = None):
    """Run `streamlit run app.py` on a free loopback port with the database at ``db_path`` (a
    SQLite file or a PostgreSQL URL) and any extra streamlit options (e.g. ``--secrets.files``);
    yield its URL; stop it afterwards. Its log goes beside a file database, else to a new
    temporary folder. A port taken between choosing it and the server binding it (another
    test run alongside, scripts/test.sh) is given up for another, up to three times."""
    env = dict(os.environ, DASHBOARD_DB=str(db_path), PYTHONUNBUFFERED="1", **(extra_env or {}))
    folder = Path(tempfile.mkdtemp(prefix="streamlit-log-")) if isinstance(db_path, str) else Path(db_path).parent
    for attempt in range(3):
        port = _free_port()
        log_path = folder / f"streamlit-{port}.log"
        with open(log_path, "w") as log:
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                    "--server.address", "127.0.0.1", "--server.port", str(port),
                    "--server.headless", "true", "--browser.gatherUsageStats", "false",
                    "--server.fileWatcherType", "none", *extra_args,
                ],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            if not _wait_for_health(process, url, log_path, give_up_if_port_taken=attempt < 2):
                continue
            yield url
            return
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for_health(process: subprocess.Popen, url: str, log_path: Path, *, give_up_if_port_taken: bool) -> bool:
    """Wait up to 90 s for the server to answer; False if it exited because its port was
    taken and ``give_up_if_port_taken`` (the caller tries another), else fail the test."""
    deadline = time.time() + 90
    while time.time() < deadline:
        if process.poll() is not None:
            log = log_path.read_text()
            if give_up_if_port_taken and f"Port {url.rsplit(':', 1)[1]} is not available" in log:
                return False
            pytest.fail(f"streamlit exited; log: {log}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"streamlit did not start in 90 s; log: {log_path.read_text()}")


@pytest.fixture(scope="module")
def app_server(tmp_path_factory, seeded_template):
    """The app on a free loopback port with a fresh seeded database of its own, for one
    journey (one test module): no journey sees another's imports or edits, so each can
    assert exact figures."""
    from tests.conftest import copy_database

    _need_browser()
    path = copy_database(seeded_template, tmp_path_factory.mktemp("e2e") / "dashboard.db")
    with streamlit_server(path) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield browser
        browser.close()


PHONE_AGENT = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
               "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1")


@contextlib.contextmanager
def two_people(browser):
    """Two people at once, each in a browser of their own: Ann at 1280 px, Raj at 390 px
    (yields their two pages; closed afterwards)."""
    ann_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    raj_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="en-GB")
    try:
        ann, raj = ann_context.new_page(), raj_context.new_page()
        for page in (ann, raj):
            page.set_default_timeout(30_000)
        yield ann, raj
    finally:
        ann_context.close()
        raj_context.close()


@pytest.fixture(params=["desktop", "phone"])
def screen(request, browser, app_server):
    """A page at 1280 px (a desktop browser) or 390 px (a phone's browser)."""
    if request.param == "phone":
        context = browser.new_context(viewport={"width": 390, "height": 844}, user_agent=PHONE_AGENT, locale="en-GB")
    else:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield request.param, page
    context.close()


@pytest.fixture
def page(browser, app_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def open_page(page, app_server: str, path: str = "") -> None:
    """Go to an app page and wait until Streamlit has finished running it."""
    page.goto(f"{app_server}/{path}")
    wait_until_idle(page)


# The app has stopped running and no element is left over from the previous run. Streamlit's
# root element carries the script's state, set to 'rerunRequested' in the browser the moment
# a widget sends its change and to 'notRunning' only when the server says the run has ended;
# the 'Running...' status widget is gone; and no element is marked data-stale (Streamlit marks
# those until the run that replaces them ends; a loaded machine shows them longer).
RUN_ENDED = ("() => !!document.querySelector('[data-testid=\"stApp\"][data-test-script-state=\"notRunning\"]')"
             " && !document.querySelector('[data-testid=\"stStatusWidget\"]')"
             " && !document.querySelector('[data-testid=\"stElementContainer\"][data-stale=\"true\"]')")


def wait_until_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the page has rendered (every page starts with a title) and the app has
    stopped running, twice, as a rerun can follow a run (a query-parameter binding, a
    ``st.rerun``). The pause before each look lets a press that was just made reach the app,
    and the page settle after a run (a sidebar closing, the elements of the run replaced
    leaving): with 150 ms instead of 400, a CI run saved 2 minutes but three journeys failed
    on exactly that."""
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    for _ in range(2):
        page.wait_for_timeout(400)
        page.wait_for_function(RUN_ENDED, timeout=timeout_ms)


def assert_accessible(page, *, context: str | None = None) -> None:
    """Run axe-core on the page (WCAG 2.0-2.2 A and AA rules); fail on any serious or
    critical violation, listing each rule and the elements it found."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    # The pointer is moved off the app first: where a press left it over a chart or table,
    # Streamlit shows that element's hover toolbar (fullscreen, download, search), whose
    # icons are closer together than WCAG 2.5.8 asks; that is Streamlit's own chrome, shown
    # only on hover, and the page is checked as it stands.
    page.mouse.move(0, 0)

    def serious() -> list[dict]:
        results = Axe().run(page, context=context, options=options)
        return [v for v in results.response["violations"] if v.get("impact") in ("serious", "critical")]

    violations = serious()
    if violations:
        # Looked at again once the app is still: an element caught mid-fade (Streamlit dims
        # the elements of a run being replaced and fades them back; a toast fades out) has
        # its full colour a moment later, and a real fault is still there.
        page.wait_for_timeout(1_000)
        page.wait_for_function(RUN_ENDED, timeout=60_000)
        violations = serious()
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(str(node.get("target")) for node in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"Accessibility violations on {page.url}:\n{report}"
    if os.environ.get("E2E_SCREENSHOTS"):
        screenshot(page, Path(os.environ["E2E_SCREENSHOTS"]))


def screenshot(page, folder: Path) -> Path:
    """Save the whole page as a PNG in ``folder`` (named by test, width and step), to look
    at what each journey step shows: set $E2E_SCREENSHOTS to a folder and every axe check
    also takes one. Streamlit scrolls inside its own container, so the window is made as
    tall as the page for the picture, then put back."""
    test = re.sub(r"[^\w.-]", "_", os.environ.get("PYTEST_CURRENT_TEST", "journey").split(" ")[0].split("::")[-1])
    size = page.viewport_size or {"width": 1280, "height": 900}
    folder.mkdir(parents=True, exist_ok=True)
    step = len(list(folder.glob(f"{test}-{size['width']}-*.png"))) + 1
    path = folder / f"{test}-{size['width']}-{step:02d}.png"
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], section')].map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], height + 100), 12_000)})
    page.wait_for_timeout(1_500)
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSkeleton\"]')", timeout=20_000)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    page.mouse.move(0, 0)  # not left hovering over a button the resize moved under it
    page.wait_for_timeout(500)
    return path


# ---------------------------------------------------------------- form helpers for journeys


def fill(page, label: str, value: str) -> None:
    page.get_by_label(label, exact=True).and_(page.locator("input, textarea")).fill(value)
    page.keyboard.press("Tab")


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in a select box by typing it and choosing the one match."""
    box = page.get_by_role("combobox", name=label)
    if box.input_value() == option:
        return
    wanted = page.get_by_role("option", name=option, exact=True)
    open_list(page, box, wanted, typed=option)
    wanted.wait_for()
    page.keyboard.press("Enter")
    wait_until_idle(page)


def click(page, name: str) -> None:
    page.get_by_role("button", name=name).click()
    wait_until_idle(page)


def open_tab(page, name: str) -> None:
    """Open a page's section: its tab, or on a phone the wrapping choice that stands for the
    tabs where seven would not fit (the tender page's "Section")."""
    tab = page.get_by_role("tab", name=name)
    choice = page.get_by_test_id("stRadio").filter(has=page.get_by_text("Section", exact=True)).get_by_text(name, exact=True)
    tab.or_(choice).first.click()
    page.wait_for_timeout(300)


def open_list(page, box, wanted, typed: str | None = None) -> None:
    """Open the list of ``box`` (a Streamlit selectbox or multiselect, or its combobox) by
    clicking its input, and type ``typed`` into it if given, until ``wanted`` (an option
    locator) is listed. A click that only moves focus from a text field, or lands while the
    page reruns, does not open the list, so it is tried again, waiting a little longer each
    time; it clicks the input itself, as the middle of the whole widget can be its label."""
    inner = box.get_by_role("combobox")
    control = inner.first if inner.count() else box
    for wait_ms in (3_000, 5_000, 8_000, 12_000):
        control.scroll_into_view_if_needed()
        control.click()
        if typed is not None:
            control.fill(typed)
        try:
            wanted.wait_for(timeout=wait_ms)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            wait_until_idle(page)
    raise AssertionError(f"the list of {box} never showed {wanted}")


def click_option(page, box, wanted, typed: str | None = None) -> None:
    """Open ``box``'s list (``open_list``) and click ``wanted``. A rerun that lands meanwhile
    (a text field's Tab just before) can redraw the list, or close it, so the option leaves
    the page before the click: then the list is opened again (CI saw a click wait 30 s on
    an option that had left)."""
    for _ in range(3):
        open_list(page, box, wanted, typed=typed)
        try:
            wanted.click(timeout=5_000)
            return
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            wait_until_idle(page)
    raise AssertionError(f"could not click {wanted} in the list of {box}")


def type_name(page, name: str) -> None:
    """Sign-in off: type the person's name in the sidebar (opening it first on a phone,
    where Streamlit starts it collapsed), then let the app rerun."""
    field = page.get_by_label("Your name (recorded in the audit log)", exact=True)
    if not field.is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
        field.wait_for()
    field.fill(name)
    field.press("Tab")
    wait_until_idle(page)
    close = page.get_by_test_id("stSidebarCollapseButton").locator("button")
    if page.viewport_size and page.viewport_size["width"] < 640 and close.is_visible():
        close.click()  # on a phone the open sidebar covers the page
        wait_until_idle(page)


# ------------------------------------------------- one-row forms (ui/entry.py) and figures


def type_into(page, box, label: str, value: str) -> None:
    box.get_by_label(label, exact=True).and_(box.locator("input, textarea")).fill(value)
    page.keyboard.press("Tab")
    wait_until_idle(page)


def pick(page, box, label: str, option: str) -> None:
    wanted = page.get_by_role("option", name=option, exact=True)
    # on a phone the list opens without a text box to type into: pick from it
    click_option(page, box.get_by_role("combobox", name=label), wanted)
    wait_until_idle(page)


def press(page, box, name: str) -> None:
    box.get_by_role("button", name=name).click()
    wait_until_idle(page)


GRID_ROW_HEIGHT = 35  # Streamlit's data editor: the header and each row are 35 px high
ACTIVE_CELL = "() => (document.activeElement && document.activeElement.id) || ''"  # a selected cell: glide-cell-COLUMN-ROW
EDITING_CELL = "() => ['INPUT', 'TEXTAREA'].includes(document.activeElement && document.activeElement.tagName)"


def select_cell(page, editor, *, row: int, x: float | None = None, from_right: float | None = None) -> None:
    """Click the data editor's cell in data row ``row`` (0 is the first, under the header) at
    ``x`` px from its left edge or ``from_right`` px from its right edge, until the grid has
    a cell selected: the first click into another grid may only give it the focus."""
    editor.evaluate("element => element.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(300)
    box = editor.bounding_box()
    across = box["x"] + (x if x is not None else box["width"] - from_right)
    down = box["y"] + GRID_ROW_HEIGHT * (row + 1) + GRID_ROW_HEIGHT / 2
    for _ in range(3):
        page.mouse.click(across, down)
        page.wait_for_timeout(400)
        wait_until_idle(page)
        if page.evaluate(ACTIVE_CELL).startswith("glide-cell"):
            return
    raise AssertionError(f"could not select row {row} of the grid")


def type_cells(page, editor, values: list[str]) -> None:
    """Fill the selected cell of the data editor ``editor`` and those to its right: Enter
    opens a cell's editor (waited for: typed before it opens, Ctrl+A would select the whole
    grid), Tab saves it and moves on ('' skips a cell); each saved cell reruns the page, which
    is waited for. Each cell is then read back from the grid's accessible
    table (``glide-cell-COLUMN-ROW``): a keystroke that lands while a rerun redraws the grid
    is lost (CI once saved '10' for '10000'), so the cell is typed again over what it holds,
    up to three times."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    for value in values:
        cell = page.evaluate(ACTIVE_CELL)
        assert cell.startswith("glide-cell"), f"no grid cell is selected to type {value!r} into"
        for _ in range(3):
            if value:
                page.keyboard.press("Enter")
                try:  # the cell's editor (a text box) takes the focus once open
                    page.wait_for_function(EDITING_CELL, timeout=10_000)
                except PlaywrightTimeoutError:
                    page.keyboard.press("Escape")
                else:
                    page.keyboard.press("ControlOrMeta+a")  # replace what the cell holds
                    page.keyboard.type(value, delay=20)
            page.keyboard.press("Tab")
            page.wait_for_timeout(300)
            wait_until_idle(page)
            held = editor.locator(f'[data-testid="{cell}"]').inner_text().strip() if value else value
            if held == value:
                break
            if page.evaluate(ACTIVE_CELL) != cell:  # Tab moved on (it stays put in the last column)
                page.keyboard.press("Shift+Tab")
                page.wait_for_timeout(300)
            assert page.evaluate(ACTIVE_CELL) == cell, f"could not go back to grid cell {cell} to type {value!r} again"
        else:
            raise AssertionError(f"grid cell {cell} reads {held!r} after three tries at {value!r}")


def metric_locator(page, label: str):
    """The value of the first metric whose text holds ``label``, as a locator (use it with
    ``expect``, which retries until the app has finished rerunning)."""
    metric = page.locator('[data-testid="stMetric"]', has_text=label).first
    return metric.locator('[data-testid="stMetricValue"]')


def metric_value(page, label: str) -> str:
    """The text of the first metric whose text holds ``label``, as shown now."""
    return metric_locator(page, label).inner_text().strip()
