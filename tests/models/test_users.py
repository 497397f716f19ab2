"""People, roles and the identity behind every audit entry."""

from __future__ import annotations

import pytest

from models import policy, users, versioned
from models.errors import DomainError, StaleEdit

ADMINS = frozenset({"boss@council.example"})


def admin(db):
    return users.signed_in_actor(db, subject="sub-boss", email="Boss@Council.example", name="Bea Boss", admins=ADMINS)


def test_configuration_gives_first_admins_and_says_if_sign_in_is_on():
    config = users.sign_in_config(
        {"auth": {"redirect_uri": "https://x/oauth2callback", "cookie_secret": "s"},
         "dashboard": {"admins": ["Boss@Council.example"]}},
        env={"DASHBOARD_ADMINS": "two@council.example, "})
    assert config.enabled and config.admins == {"boss@council.example", "two@council.example"}
    assert not users.sign_in_config({}, env={}).enabled
    with pytest.raises(DomainError, match="not an email"):
        users.sign_in_config({"dashboard": {"admins": ["nobody"]}}, env={})


def test_first_sign_in_links_the_account_and_gives_no_role(db):
    stranger = users.signed_in_actor(db, subject="sub-x", email="x@council.example", name="Xan", admins=ADMINS)
    assert stranger.roles == frozenset() and stranger.signed_in
    assert users.get_user(db, "x@council.example").subject == "sub-x"
    # Same email, another account: refused; the same account again: fine.
    with pytest.raises(policy.PermissionRefused, match="linked to another"):
        users.signed_in_actor(db, subject="sub-y", email="x@council.example", name="Xan", admins=ADMINS)
    assert users.signed_in_actor(db, subject="sub-x", email="x@council.example", name="Xan", admins=ADMINS)
    entry = versioned.audit_entries(db, "user", "x@council.example")[0]
    assert entry["action"] == "first sign-in" and entry["subject"] == "sub-x" and entry["email"] == "x@council.example"


def test_admin_from_configuration_gives_roles_audited_with_identity(db):
    boss = admin(db)
    assert policy.ADMIN in boss.roles
    users.add_user(db, "ann@council.example", name="Ann Evans", roles=["evaluator"], actor=boss)
    ann = users.signed_in_actor(db, subject="sub-ann", email="ann@council.example", name="Ann Evans", admins=ADMINS)
    assert ann.roles == {"evaluator"}
    user = users.get_user(db, "ann@council.example")
    users.set_roles(db, "ann@council.example", ["evaluator", "commissioner"], expected_version=user.version, actor=boss)
    with pytest.raises(StaleEdit):
        users.set_roles(db, "ann@council.example", ["viewer"], expected_version=user.version, actor=boss)
    entry = versioned.audit_entries(db, "user", "ann@council.example")[0]
    assert entry["who"] == "Bea Boss <boss@council.example>"
    assert entry["subject"] == "sub-boss" and entry["email"] == "boss@council.example"


def test_only_admins_give_roles_and_not_their_own_admin_away(db):
    boss = admin(db)
    users.add_user(db, "ann@council.example", roles=["commissioner"], actor=boss)
    ann = users.signed_in_actor(db, subject="sub-ann", email="ann@council.example", name="Ann", admins=ADMINS)
    with pytest.raises(policy.PermissionRefused, match="needs the admin role"):
        users.change_roles(db, "ann@council.example", grant=["admin"], actor=ann, admins=ADMINS)
    users.change_roles(db, "ann@council.example", grant=["admin"], actor=boss, admins=ADMINS)
    ann = users.signed_in_actor(db, subject="sub-ann", email="ann@council.example", name="Ann", admins=ADMINS)
    with pytest.raises(policy.PermissionRefused, match="your own admin"):
        users.change_roles(db, "ann@council.example", revoke=["admin"], actor=ann, admins=ADMINS)
    with pytest.raises(DomainError, match="Unknown role"):
        users.change_roles(db, "ann@council.example", grant=["superuser"], actor=boss, admins=ADMINS)


def test_command_line_actor(db):
    on = users.SignInConfig(enabled=True, admins=ADMINS)
    with pytest.raises(policy.PermissionRefused, match="--as EMAIL"):
        users.command_line_actor(db, None, on)
    assert policy.ADMIN in users.command_line_actor(db, "boss@council.example", on).roles
    with pytest.raises(policy.PermissionRefused, match="Nobody"):
        users.command_line_actor(db, "who@council.example", on)
    local = users.command_line_actor(db, None, users.SignInConfig(enabled=False, admins=frozenset()))
    assert not local.signed_in and local.roles == set(policy.ROLES)


def test_local_mode_audit_records_the_typed_name(db):
    versioned.record_audit(db, entity="thing", entity_id=1, action="edit", who=policy.local_actor("Raj").label)
    versioned.record_audit(db, entity="thing", entity_id=1, action="edit", who="plain text still works")
    plain, local = versioned.audit_entries(db, "thing")
    assert local["who"] == "Raj" and local["subject"] == "local:Raj" and local["email"] is None
    assert plain["who"] == "plain text still works" and plain["subject"] is None
