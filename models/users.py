"""People and their roles, stored in the database, and who is acting.

A person is known by their email address: an administrator gives roles to an email
(before or after that person first signs in). At first sign-in their OpenID Connect
subject is linked to the email; a later sign-in with the same email but another subject
is refused, so a second account cannot borrow someone's roles. The first administrators
come from configuration (a list of emails: ``[dashboard] admins`` in
``.streamlit/secrets.toml``, or ``$DASHBOARD_ADMINS``); they are administrators whatever
the database says, so an installation can never lock itself out.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping


from . import policy, store, versioned
from .errors import DomainError
from .policy import ADMIN, ROLES, Actor

ENTITY = "user"
ADMINS_ENV_VAR = "DASHBOARD_ADMINS"
SECRETS_ENV_VAR = "DASHBOARD_SECRETS"
DEFAULT_SECRETS_PATH = store.PROJECT_ROOT / ".streamlit" / "secrets.toml"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class User:
    email: str
    name: str
    roles: frozenset[str]
    subject: str | None = None
    version: int = 0                 # 0: not stored (an administrator from configuration only)
    admin_from_configuration: bool = False
    last_signed_in_at: str | None = None

    @property
    def all_roles(self) -> frozenset[str]:
        return self.roles | ({ADMIN} if self.admin_from_configuration else frozenset())


@dataclass(frozen=True)
class SignInConfig:
    """What the deployment's configuration says: is sign-in on, who are the first admins."""

    enabled: bool
    admins: frozenset[str]


# ------------------------------------------------------------------ configuration

def normalise_email(email: Any) -> str:
    """The email in lower case, stripped; a DomainError if it does not look like one."""
    text = str(email or "").strip().lower()
    if not _EMAIL.match(text):
        raise DomainError(f"'{email}' is not an email address (like name@council.gov.uk).")
    return text


def sign_in_config(secrets: Mapping[str, Any] | None, env: Mapping[str, str] | None = None) -> SignInConfig:
    """Read the configuration from a secrets mapping (``st.secrets`` or the parsed
    secrets.toml). Sign-in is on when ``[auth]`` names a redirect URI and a cookie secret
    (Streamlit's own settings for ``st.login``). Admins: ``[dashboard] admins`` (a list of
    emails) plus ``$DASHBOARD_ADMINS`` (comma-separated)."""
    secrets = secrets or {}
    env = os.environ if env is None else env
    auth = secrets.get("auth") or {}
    enabled = bool(auth.get("redirect_uri") and auth.get("cookie_secret"))
    listed = (secrets.get("dashboard") or {}).get("admins") or []
    if isinstance(listed, str):
        listed = listed.split(",")
    listed = [*listed, *(env.get(ADMINS_ENV_VAR) or "").split(",")]
    return SignInConfig(enabled=enabled, admins=frozenset(normalise_email(e) for e in listed if str(e).strip()))


def read_secrets(path: str | os.PathLike | None = None) -> dict:
    """The deployment's secrets.toml as a dict (``$DASHBOARD_SECRETS`` or
    ``.streamlit/secrets.toml`` in the project); empty when there is none."""
    path = Path(path or os.environ.get(SECRETS_ENV_VAR) or DEFAULT_SECRETS_PATH)
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise DomainError(f"{path} is not valid TOML: {error}") from error


# ------------------------------------------------------------------ reading

def _row(db: store.Database, sql: str, params: dict) -> dict | None:
    rows = list(db.query(sql, params))
    return rows[0] if rows else None


def _user(row: Mapping[str, Any], admins: frozenset[str]) -> User:
    return User(
        email=row["email"], name=row["name"], roles=frozenset(json.loads(row["roles"])), subject=row["subject"],
        version=row["version"], admin_from_configuration=row["email"] in admins,
        last_signed_in_at=row["last_signed_in_at"],
    )


def list_users(db: store.Database, admins: Iterable[str] = ()) -> list[User]:
    """Everyone known, by email: stored people and the administrators from configuration."""
    admins = frozenset(admins)
    users = {row["email"]: _user(row, admins) for row in db.query("SELECT * FROM users ORDER BY email")}
    for email in admins - set(users):
        users[email] = User(email=email, name="", roles=frozenset(), admin_from_configuration=True)
    return [users[email] for email in sorted(users)]


def get_user(db: store.Database, email: str, admins: Iterable[str] = ()) -> User | None:
    email = normalise_email(email)
    admins = frozenset(admins)
    rows = list(db.query("SELECT * FROM users WHERE email = :email", {"email": email}))
    if rows:
        return _user(rows[0], admins)
    if email in admins:
        return User(email=email, name="", roles=frozenset(), admin_from_configuration=True)
    return None


def audit(db: store.Database) -> list[dict]:
    """Changes to people and roles (and first sign-ins), newest first."""
    return versioned.audit_entries(db, ENTITY)


def people_with_role(db: store.Database, role: str, admins: Iterable[str] = ()) -> list[User]:
    """Everyone holding ``role`` (e.g. the evaluators a commissioner can assign)."""
    return [u for u in list_users(db, admins) if role in u.all_roles]


# ------------------------------------------------------------------ who is acting

def signed_in_actor(db: store.Database, *, subject: str, email: str | None, name: str | None,
                    admins: Iterable[str] = ()) -> Actor:
    """The actor for an OpenID Connect identity, with the roles stored for its email.

    First sign-in links the subject to the email (and records a person with no role if an
    administrator has not added them yet, so they appear on the admin page). A sign-in
    whose email is linked to another subject is refused."""
    admins = frozenset(admins)
    subject = str(subject or "").strip()
    if not subject:
        raise policy.PermissionRefused("The sign-in service did not say who you are (no subject). Try signing in again.")
    if not email:
        raise policy.PermissionRefused(
            "The sign-in service did not give your email address, which this app uses to find your roles. "
            "Ask your administrator to release the 'email' claim (Entra ID: add the optional claim 'email').")
    email = normalise_email(email)
    name = str(name or "").strip()
    stamp = store.now_iso()
    with store.transaction(db):
        row = _row(db, "SELECT * FROM users WHERE email = :email", {"email": email})
        other = _row(db, "SELECT email FROM users WHERE subject = :subject AND email != :email",
                     {"subject": subject, "email": email})
        if other:
            raise policy.PermissionRefused(
                f"This account is already linked to {other['email']}; it cannot also sign in as {email}. "
                "Ask an administrator.")
        if row is None:
            db["users"].insert({"email": email, "name": name, "subject": subject, "roles": "[]",
                                "created_at": stamp, "created_by": "first sign-in", "last_signed_in_at": stamp})
            row = _row(db, "SELECT * FROM users WHERE email = :email", {"email": email})
            versioned.record_audit(db, entity=ENTITY, entity_id=email, action="first sign-in",
                               who=policy.Label(f"{name} <{email}>" if name else email, subject=subject, email=email))
        elif row["subject"] is None:
            db.execute("UPDATE users SET subject = :subject, name = CASE WHEN :name != '' THEN :name ELSE name END, "
                       "last_signed_in_at = :stamp WHERE email = :email",
                       {"subject": subject, "name": name, "stamp": stamp, "email": email})
            versioned.record_audit(db, entity=ENTITY, entity_id=email, action="first sign-in (account linked)",
                               who=policy.Label(f"{name} <{email}>" if name else email, subject=subject, email=email))
        elif row["subject"] != subject:
            raise policy.PermissionRefused(
                f"{email} is linked to another sign-in account. If this is really you (a new account), an "
                "administrator can unlink the old one on the Administration page.")
        else:
            db.execute("UPDATE users SET last_signed_in_at = :stamp WHERE email = :email", {"stamp": stamp, "email": email})
        user = _user(_row(db, "SELECT * FROM users WHERE email = :email", {"email": email}), admins)
    return Actor(subject=subject, name=name or user.name, email=email, roles=user.all_roles, signed_in=True)


def command_line_actor(db: store.Database, as_email: str | None, config: SignInConfig) -> Actor:
    """Who runs a command-line write. ``--as EMAIL`` acts as that person with their stored
    roles. Without it: when sign-in is off, the local actor named after the operating
    system account (every role, as in the app); when sign-in is on, refused."""
    if as_email:
        user = get_user(db, as_email, config.admins)
        if user is None:
            raise policy.PermissionRefused(f"Nobody with the email {as_email} is known: an administrator adds "
                                           "people on the Administration page or with `users add`.")
        return Actor(subject=user.subject or f"email:{user.email}", name=user.name, email=user.email,
                     roles=user.all_roles, signed_in=True)
    if config.enabled:
        raise policy.PermissionRefused("Sign-in is on for this installation: say who you are with --as EMAIL.")
    return policy.local_actor(f"{getpass.getuser()} (command line)")


# ------------------------------------------------------------------ changing roles

def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = sorted({str(r).strip().lower() for r in roles if str(r).strip()})
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise DomainError(f"Unknown role {', '.join(unknown)}: the roles are {', '.join(ROLES)}.")
    return roles


def add_user(db: store.Database, email: str, *, name: str = "", roles: Iterable[str] = (), actor: Actor) -> User:
    """Add a person (by email) with roles, before or after their first sign-in."""
    policy.require(actor, "users.manage")
    email = normalise_email(email)
    roles = _check_roles(roles)
    with store.transaction(db):
        if _row(db, "SELECT 1 AS found FROM users WHERE email = :email", {"email": email}):
            raise DomainError(f"{email} is already known: change their roles instead.")
        db["users"].insert({"email": email, "name": name.strip(), "roles": json.dumps(roles), "created_at": store.now_iso(),
                            "created_by": str(actor.label)})
        versioned.record_audit(db, entity=ENTITY, entity_id=email, action="added", who=actor.label,
                           after={"name": name.strip(), "roles": roles})
    return get_user(db, email)


def set_roles(db: store.Database, email: str, roles: Iterable[str], *, expected_version: int,
              actor: Actor, reason: str | None = None) -> User:
    """Replace a person's roles (an explicit Save on a record someone else may be editing:
    a stale save raises StaleEdit). Administrators cannot take the admin role from themselves."""
    policy.require(actor, "users.manage")
    email = normalise_email(email)
    roles = _check_roles(roles)
    if email == actor.key and ADMIN not in roles and ADMIN in actor.roles:
        raise policy.PermissionRefused("You cannot remove your own admin role: another administrator must.")
    with store.transaction(db):
        versioned.update_versioned(db, "users", {"email": email}, expected_version, {"roles": json.dumps(roles)},
                               entity=ENTITY, who=actor.label, reason=reason, action="roles changed")
    return get_user(db, email)


def change_roles(db: store.Database, email: str, *, grant: Iterable[str] = (), revoke: Iterable[str] = (),
                 actor: Actor, admins: Iterable[str] = ()) -> User:
    """Give and take roles from the current ones (the command line's grant/revoke); adds
    the person if they are not known yet."""
    policy.require(actor, "users.manage")
    user = get_user(db, email, admins)
    if user is None or user.version == 0:
        return add_user(db, email, name=user.name if user else "", roles=set(_check_roles(grant)), actor=actor)
    roles = (user.roles | set(_check_roles(grant))) - set(_check_roles(revoke))
    return set_roles(db, email, roles, expected_version=user.version, actor=actor)


def unlink_account(db: store.Database, email: str, *, actor: Actor) -> None:
    """Forget the sign-in account linked to an email, so the person's next sign-in links anew."""
    policy.require(actor, "users.manage")
    email = normalise_email(email)
    with store.transaction(db):
        row = _row(db, "SELECT subject FROM users WHERE email = :email", {"email": email})
        if row is None:
            raise DomainError(f"Nobody with the email {email} is known.")
        db.execute("UPDATE users SET subject = NULL, version = version + 1 WHERE email = :email", {"email": email})
        versioned.record_audit(db, entity=ENTITY, entity_id=email, action="sign-in account unlinked", who=actor.label,
                           before={"subject": row["subject"]})
