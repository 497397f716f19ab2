"""Sign-in with a real OpenID Connect flow: the PyPI package oidc-provider-mock runs on
loopback inside the test run, the app's [auth] settings point at it (a secrets.toml written
in a temporary folder for this server only), and each person signs in through the
provider's own form. What each role can see and do is checked, with axe after each step."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import policy, store, users, versioned
from models.database import init_database
from tests.e2e.conftest import _need_browser, assert_accessible, streamlit_server, wait_until_idle

ADMIN_EMAIL = "bea.boss@council.example"
PEOPLE = {
    # provider subject: (email, name)
    "bea": (ADMIN_EMAIL, "Bea Boss"),
    "chris": ("chris.chair@council.example", "Chris Chair"),
    "ann": ("ann.evans@council.example", "Ann Evans"),
    "raj": ("raj.rao@council.example", "Raj Rao"),
    "vic": ("vic.viewer@council.example", "Vic Viewer"),
    "sam": ("sam.stranger@council.example", "Sam Stranger"),
}
ROLES = {"chris": ["commissioner"], "ann": ["evaluator"], "raj": ["evaluator"]}


@pytest.fixture(scope="module")
def signed_in_app(tmp_path_factory):
    """The app with sign-in on, pointed at a mock OpenID Connect provider on loopback."""
    _need_browser()
    from oidc_provider_mock import run_server_in_thread
    from oidc_provider_mock._storage import User

    folder = tmp_path_factory.mktemp("signin")
    db_path = folder / "dashboard.db"
    init_database(db_path)
    setup = policy.Actor(subject="test-setup", name="Test set-up", roles=frozenset({policy.ADMIN}), signed_in=True)
    with store.opened(db_path) as db:
        for sub, roles in ROLES.items():
            email, name = PEOPLE[sub]
            users.add_user(db, email, name=name, roles=roles, actor=setup)
    accounts = [User(sub=sub, claims={"email": email, "name": name}) for sub, (email, name) in PEOPLE.items()]
    with run_server_in_thread(user_claims=accounts) as provider:
        secrets = folder / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            'cookie_secret = "only-for-this-test-server-0123456789abcdef"\n'
            'client_id = "dashboard-test"\n'
            'client_secret = "only-for-this-test"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n'
            "[dashboard]\n"
            f'admins = ["{ADMIN_EMAIL}"]\n'
        )
        with streamlit_server(db_path, extra_args=("--secrets.files", str(secrets)),
                              # plain http on loopback: the provider and the app are on this machine
                              extra_env={"AUTHLIB_INSECURE_TRANSPORT": "1"}) as url:
            yield url, db_path


def sign_in(browser, url: str, subject: str, width: int = 1280):
    """A fresh browser (no cookies) signing in as ``subject`` through the provider's form."""
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.get_by_role("heading", name="Sign in").wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator("input[name=sub]").fill(subject)  # the provider's own form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{url}/**")
    wait_until_idle(page)
    email, name = PEOPLE[subject]
    page.get_by_test_id("stSidebar").get_by_text(f"{name} <{email}>").wait_for()
    return page


def go(page, url: str, path: str) -> None:
    page.goto(f"{url}/{path}")
    wait_until_idle(page)


def menu(page) -> str:
    return page.get_by_test_id("stSidebar").inner_text()


def test_admin_from_configuration_gives_a_role(browser, signed_in_app):
    url, db_path = signed_in_app
    page = sign_in(browser, url, "bea")
    assert "Roles: admin" in menu(page)
    assert_accessible(page)
    go(page, url, "admin")
    page.get_by_role("heading", name="People and roles", exact=True).wait_for()
    assert_accessible(page)
    # Found by its text, not its button's role: while a list is open, everything else on the
    # page (the button too) is aria-hidden, and a role locator would no longer find the form.
    form = page.get_by_test_id("stForm").filter(has_text="Add person")
    form.get_by_label("Email").fill(PEOPLE["vic"][0])
    form.get_by_label("Name").fill(PEOPLE["vic"][1])
    roles = form.get_by_role("combobox").last
    roles.click()
    roles.fill("viewer")
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    form.get_by_role("button", name="Add person").click()
    wait_until_idle(page)
    page.get_by_text(f"Added {PEOPLE['vic'][0]}.").wait_for()
    assert_accessible(page)
    # The audit log shows the signed-in identity, with its subject and email.
    with store.opened(db_path) as db:
        entry = versioned.audit_entries(db, "user", PEOPLE["vic"][0])[0]
    assert entry["who"] == f"Bea Boss <{ADMIN_EMAIL}>" and entry["subject"] == "bea" and entry["email"] == ADMIN_EMAIL
    assert f"Bea Boss <{ADMIN_EMAIL}>" in page.get_by_test_id("stDataFrame").last.text_content()
    page.context.close()


def test_viewer_reaches_no_write_action(browser, signed_in_app):
    url, db_path = signed_in_app
    with store.opened(db_path) as db:  # the admin's step above may run alone (pytest -k)
        if users.get_user(db, PEOPLE["vic"][0]) is None:
            users.add_user(db, PEOPLE["vic"][0], name=PEOPLE["vic"][1], roles=["viewer"],
                           actor=policy.Actor(subject="x", name="set-up", roles=frozenset({"admin"}), signed_in=True))
    page = sign_in(browser, url, "vic", width=390)
    sidebar = menu(page)
    for hidden in ("Import data", "Action plan", "Commissioning self-assessment", "Tender evaluation", "People and roles"):
        assert hidden not in sidebar, hidden
    for shown in ("Spend explorer", "Organisation directory", "Outcomes and gaps", "Social return (SROI)", "Full cost recovery"):
        assert shown in sidebar, shown
    assert_accessible(page)
    write_buttons = ["Add organisation", "Save setting", "Add observation", "Save target", "Save scenario",
                     "Save changes", "Import", "Create tender", "Add person", "Save roles"]
    for path in ("", "spend", "directory", "organisation?org=DEMO-0001", "outcomes", "sroi", "full-cost"):
        go(page, url, path)
        assert page.get_by_test_id("stException").count() == 0, f"an error on /{path}"
        panel = page.get_by_text("Save or load a scenario", exact=True)  # drawn once opened
        if panel.count():
            panel.click()
            page.get_by_role("button", name="Download scenario (JSON)").wait_for()
            wait_until_idle(page)
        for label in write_buttons:
            assert page.get_by_role("button", name=label, exact=True).count() == 0, f"{label} on /{path}"
        assert_accessible(page)
    # A page the role may not open is not reachable by its address either.
    for path in ("tender", "admin", "data"):
        go(page, url, path)
        assert page.get_by_role("heading", name="Tender evaluation", exact=True).count() == 0
        assert page.get_by_role("heading", name="People and roles", exact=True).count() == 0
        assert page.get_by_role("heading", name="Import data", exact=True).count() == 0
    page.context.close()


def test_someone_without_a_role_sees_nothing_but_how_to_get_one(browser, signed_in_app):
    url, _db_path = signed_in_app
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.locator("input[name=sub]").fill("sam")
    page.get_by_role("button", name="Authorize").click()
    page.get_by_role("heading", name="No role yet").wait_for()
    assert "Spend explorer" not in menu(page)
    assert_accessible(page)
    context.close()


# ------------------------------------------------------------------ sealed evaluation

SEALED = "Befriending service (sealed)"
OTHER = "Day opportunities (Raj only)"
RAJ_REASON = "RAJSECRET staffing plan weighed against the specification"


def person(sub: str, *roles: str) -> policy.Actor:
    email, name = PEOPLE[sub]
    return policy.Actor(subject=sub, name=name, email=email, roles=frozenset(roles), signed_in=True)


def seed_tenders(db_path: Path) -> None:
    """Chris (commissioner) has set up two tenders and assigned evaluators; Raj has declared
    no conflict and scored: what the browser steps start from."""
    from models import tender, tender_access, tender_records

    chris, raj = person("chris", "commissioner"), person("raj", "evaluator")
    with store.opened(db_path) as db:
        if any(t.name == SEALED for t in tender_records.list_tenders(db)):
            return
        criteria = tender.template_criteria("Quality 60 / price 30 / social value 10")
        gates = {"insurance": "pass", "safeguarding": "pass"}
        for name, evaluators in ((SEALED, ("ann", "raj")), (OTHER, ("raj",))):
            tender_id = tender_records.create_tender(db, {"name": name, "criteria": criteria, "bids": []}, actor=chris)
            for bidder, price in (("Alpha Trust", 100_000), ("Beta CIC", 125_000)):
                tender_records.save_bid(db, tender_id, {"bidder": bidder, "price": price, "scores": gates}, actor=chris)
            for sub in evaluators:
                tender_access.assign(db, tender_id, PEOPLE[sub][0], actor=chris)
            tender_access.declare(db, tender_id, has_conflict=False, details="", actor=raj)
            tender_records.record_scores(db, tender_id, "Alpha Trust", {"quality": (2, RAJ_REASON), "social_value": (3, RAJ_REASON)},
                                         evaluator=raj.key, actor=raj)


def choose(page, label: str, option: str) -> None:
    box = page.get_by_role("combobox", name=label)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_until_idle(page)


def open_tab(page, name: str) -> None:
    page.get_by_role("tab", name=name, exact=True).click()
    wait_until_idle(page)


def page_text(page) -> str:
    """Everything the page shows, tables included (their cells are in the DOM)."""
    return page.get_by_test_id("stMain").text_content()


def test_sealed_evaluation(browser, signed_in_app):
    url, db_path = signed_in_app
    seed_tenders(db_path)

    # Ann, an evaluator: only her tender; declares before seeing any bid; scores.
    ann = sign_in(browser, url, "ann")
    go(ann, url, "tender")
    assert OTHER not in page_text(ann)
    ann.get_by_role("heading", name="Declare your interests").wait_for()
    assert "Alpha Trust" not in page_text(ann)  # no bid before the declaration
    assert_accessible(ann)
    ann.get_by_text("No conflict of interest").click()
    ann.get_by_role("button", name="Record my declaration").click()
    wait_until_idle(ann)
    ann.get_by_text("Declaration recorded.").wait_for()
    open_tab(ann, "Score")
    choose(ann, "Bid to score", "Alpha Trust")
    choose(ann, "Quality: score (0 to 5)", "4 – good")
    ann.get_by_label("Quality: reason", exact=True).fill("ANNOWN route coverage is complete")
    choose(ann, "Social value: score (0 to 5)", "3 – acceptable")
    ann.get_by_label("Social value: reason", exact=True).fill("ANNOWN local volunteers named")
    ann.get_by_role("button", name="Save my scores").click()
    wait_until_idle(ann)
    ann.get_by_text("Saved your scores for Alpha Trust.").wait_for()
    assert "ANNOWN" in page_text(ann)
    assert_accessible(ann)

    # Sealed: none of Raj's scores or reasons in the page, the audit tab or the downloads.
    for tab in ("Score", "Moderate", "Results", "Audit", "Evaluators"):
        open_tab(ann, tab)
        assert "RAJSECRET" not in page_text(ann), tab
        assert_accessible(ann)
    open_tab(ann, "Moderate")
    ann.get_by_text("sealed until a commissioner opens moderation").first.wait_for()
    # Opening the panel reruns the page; a download pressed mid-run can be lost, so let the
    # run end first, as a person waits for the page to settle.
    ann.get_by_text("Save or load a scenario").click()
    ann.get_by_role("button", name="Download scenario (JSON)").wait_for()
    wait_until_idle(ann)
    with ann.expect_download() as download:
        ann.get_by_role("button", name="Download scenario (JSON)").click()
    saved = download.value.path().read_text(encoding="utf-8")
    assert "ANNOWN" in saved and "RAJSECRET" not in saved and PEOPLE["raj"][0] not in saved
    # Nor can Ann write a score for a tender she is not assigned to (the policy refuses it).
    from models import tender_records

    with store.opened(db_path) as db:
        other = next(t.id for t in tender_records.list_tenders(db) if t.name == OTHER)
        with pytest.raises(policy.PermissionRefused, match="not assigned"):
            tender_records.record_scores(db, other, "Alpha Trust", {"quality": (5, "x"), "social_value": (5, "x")},
                                         evaluator=PEOPLE["ann"][0], actor=person("ann", "evaluator"))
        with pytest.raises(policy.PermissionRefused, match="someone else"):
            tender_records.record_scores(db, next(t.id for t in tender_records.list_tenders(db) if t.name == SEALED),
                                         "Beta CIC", {"quality": (5, "x"), "social_value": (5, "x")},
                                         evaluator=PEOPLE["raj"][0], actor=person("ann", "evaluator"))

    # Chris, the commissioner: sees progress, not scores, until he opens moderation.
    chris = sign_in(browser, url, "chris")
    go(chris, url, "tender")
    choose(chris, "Tender", SEALED)
    open_tab(chris, "Moderate")
    assert "RAJSECRET" not in page_text(chris) and "ANNOWN" not in page_text(chris)
    assert_accessible(chris)
    chris.get_by_role("button", name="Open moderation").click()
    wait_until_idle(chris)
    chris.get_by_text("Moderation is open.").wait_for()
    assert_accessible(chris)
    # The audit log shows the signed-in identities.
    open_tab(chris, "Audit")
    audit = page_text(chris)
    for sub in ("chris", "ann", "raj"):
        assert f"{PEOPLE[sub][1]} <{PEOPLE[sub][0]}>" in audit, sub
    assert_accessible(chris)
    with store.opened(db_path) as db:
        emails = {e["email"] for e in versioned.audit_entries(db, "tender")}
    assert {PEOPLE["chris"][0], PEOPLE["ann"][0], PEOPLE["raj"][0]} <= emails

    # After moderation opens, Ann sees everyone's scores and reasons.
    go(ann, url, "tender")
    open_tab(ann, "Moderate")
    ann.get_by_role("combobox", name="Bid and criterion to agree").wait_for()
    assert "RAJSECRET" in page_text(ann)
    assert_accessible(ann)
    ann.context.close()
    chris.context.close()
