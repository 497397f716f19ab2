"""`python -m models users`: the command line goes through the same policy as the pages,
for every role."""

from __future__ import annotations

import json

import pytest

from models import policy, store, users
from models.__main__ import main

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
def test_every_role_on_every_users_command(signed_in_install, role, verb, capsys):
    args = {
        "grant": ["grant", "new@council.example", "evaluator"],
        "revoke": ["revoke", "viewer@council.example", "viewer"],
        "add": ["add", "another@council.example", "--role", "viewer"],
        "unlink": ["unlink", "new@council.example"],
        "list": ["list"],
    }[verb]
    code = main(["users", *args, "--as", f"{role}@council.example"])
    err = capsys.readouterr().err
    if role == policy.ADMIN:
        assert code == 0, err
    else:
        assert code == 1 and "needs the admin role" in err and role in err


def test_admin_grants_and_revokes_and_the_audit_shows_them(signed_in_install, capsys):
    assert main(["users", "grant", "new@council.example", "evaluator", "commissioner",
                 "--as", "boss@council.example"]) == 0
    assert roles_of(signed_in_install, "new@council.example") == {"evaluator", "commissioner"}
    assert main(["users", "revoke", "new@council.example", "commissioner", "--as", "admin@council.example"]) == 0
    assert roles_of(signed_in_install, "new@council.example") == {"evaluator"}
    with store.opened(signed_in_install) as db:
        entry = store.audit_entries(db, "user", "new@council.example")[0]
    assert entry["email"] == "admin@council.example" and entry["who"] == "Admin <admin@council.example>"
    capsys.readouterr()
    assert main(["users", "list", "--format", "json", "--as", "boss@council.example"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["sign_in"] is True
    boss = next(p for p in listed["people"] if p["email"] == "boss@council.example")
    assert boss["roles"] == ["admin"] and boss["admin_from_configuration"]


def test_sign_in_on_needs_as(signed_in_install, capsys):
    assert main(["users", "grant", "new@council.example", "viewer"]) == 1
    assert "--as EMAIL" in capsys.readouterr().err
    assert main(["users", "grant", "new@council.example", "viewer", "--as", "stranger@council.example"]) == 1
    assert "Nobody with the email" in capsys.readouterr().err


def test_local_mode_command_line_has_every_role(db_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(users.SECRETS_ENV_VAR, str(tmp_path / "none.toml"))
    assert main(["users", "add", "ann@council.example", "--role", "evaluator"]) == 0
    assert "ann@council.example: evaluator" in capsys.readouterr().out
    with store.opened(db_path) as db:
        assert store.audit_entries(db, "user")[0]["who"].endswith("(command line)")
