"""`python -m models users`: the command line goes through the same policy as the pages,
for every role."""

from __future__ import annotations

import json

import pytest

from models import policy, store, users, versioned
from models.commands.users import ROLES as CLI_ROLES

SECRETS = """
[auth]
redirect_uri = "https://dashboard.example/oauth2callback"
cookie_secret = "not-a-real-secret-only-for-this-test"
[dashboard]
admins = ["boss@council.example"]
"""


@pytest.fixture
def signed_in_install(db_path, tmp_path, monkeypatch):
    """An installation with sign-in on, one configured admin and one person per role."""
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(SECRETS)
    monkeypatch.setenv(users.SECRETS_ENV_VAR, str(secrets))
    monkeypatch.delenv(users.ADMINS_ENV_VAR, raising=False)
    boss = policy.Actor(subject="sub-boss", name="Boss", email="boss@council.example",
                        roles=frozenset({policy.ADMIN}), signed_in=True)
    with store.opened(db_path) as db:
        for role in policy.ROLES:
            users.add_user(db, f"{role}@council.example", name=role.title(), roles=[role], actor=boss)
        users.add_user(db, "new@council.example", actor=boss)
    return db_path


def roles_of(db_path, email):
    with store.opened(db_path) as db:
        return users.get_user(db, email).roles


@pytest.mark.parametrize("role", policy.ROLES)
@pytest.mark.parametrize("verb", ["grant", "revoke", "add", "unlink", "list"])
def test_every_role_on_every_users_command(signed_in_install, role, verb, run_cli):
    args = {
        "grant": ["grant", "new@council.example", "evaluator"],
        "revoke": ["revoke", "viewer@council.example", "viewer"],
        "add": ["add", "another@council.example", "--role", "viewer"],
        "unlink": ["unlink", "new@council.example"],
        "list": ["list"],
    }[verb]
    result = run_cli("users", *args, "--as", f"{role}@council.example")
    if role == policy.ADMIN:
        assert result.exit_code == 0, result.stderr
    else:
        assert result.exit_code == 1 and "needs the admin role" in result.stderr and role in result.stderr


def test_the_command_line_knows_every_role():
    assert CLI_ROLES == policy.ROLES


def test_admin_grants_and_revokes_and_the_audit_shows_them(signed_in_install, run_cli):
    assert run_cli("users", "grant", "new@council.example", "evaluator", "commissioner",
                   "--as", "boss@council.example").exit_code == 0
    assert roles_of(signed_in_install, "new@council.example") == {"evaluator", "commissioner"}
    assert run_cli("users", "revoke", "new@council.example", "commissioner", "--as", "admin@council.example").exit_code == 0
    assert roles_of(signed_in_install, "new@council.example") == {"evaluator"}
    with store.opened(signed_in_install) as db:
        entry = versioned.audit_entries(db, "user", "new@council.example")[0]
    assert entry["email"] == "admin@council.example" and entry["who"] == "Admin <admin@council.example>"
    result = run_cli("users", "list", "--format", "json", "--as", "boss@council.example")
    assert result.exit_code == 0
    listed = json.loads(result.stdout)
    assert listed["sign_in"] is True
    boss = next(p for p in listed["people"] if p["email"] == "boss@council.example")
    assert boss["roles"] == ["admin"] and boss["admin_from_configuration"]


def test_sign_in_on_needs_as(signed_in_install, run_cli):
    result = run_cli("users", "grant", "new@council.example", "viewer")
    assert result.exit_code == 1 and "--as EMAIL" in result.stderr
    result = run_cli("users", "grant", "new@council.example", "viewer", "--as", "stranger@council.example")
    assert result.exit_code == 1 and "Nobody with the email" in result.stderr


def test_local_mode_command_line_has_every_role(db_path, tmp_path, monkeypatch, run_cli):
    monkeypatch.setenv(users.SECRETS_ENV_VAR, str(tmp_path / "none.toml"))
    result = run_cli("users", "add", "ann@council.example", "--role", "evaluator")
    assert result.exit_code == 0 and "ann@council.example: evaluator" in result.stdout
    with store.opened(db_path) as db:
        assert versioned.audit_entries(db, "user")[0]["who"].endswith("(command line)")
