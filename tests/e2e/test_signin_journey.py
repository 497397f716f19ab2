"""Sign-in with a real OpenID Connect flow: the PyPI package oidc-provider-mock runs on
loopback inside the test run, the app's [auth] settings point at it (a secrets.toml written
in a temporary folder for this server only), and each person signs in through the
provider's own form. What each role can see and do is checked, with axe after each step."""

from __future__ import annotations

from pathlib import Path

import pytest

from models import policy, store, users
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
    form = page.get_by_test_id("stForm").filter(has=page.get_by_role("button", name="Add person"))
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
        entry = store.audit_entries(db, "user", PEOPLE["vic"][0])[0]
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
