"""Who is using the app.

When sign-in is configured (``[auth]`` in ``.streamlit/secrets.toml``: Streamlit's own
``st.login``, OpenID Connect, e.g. Microsoft Entra ID) the actor is the signed-in identity
(``st.user``) with the roles stored in the database. When it is not, the app runs in local
single-user mode: the actor is ``policy.local_actor`` with the name typed in the sidebar,
holding every role, and every page says so in a banner.

Pages call ``current_actor()`` once and pass the actor to every models/ write; they ask
``can(action, record)`` before drawing a form, so nobody is offered what they cannot do
(models/ refuses it anyway).
"""

from __future__ import annotations

from typing import Any, Mapping

import streamlit as st

from models import policy, store, users
from models.policy import Actor

from .data import database_path
from .problems import plain

NAME_KEY = "auth.name"
_LINKED_KEY = "auth.linked_subject"
LOCAL_BANNER = "Sign-in is off: everyone using this app has full rights. Do not use it for live procurements."


def _secrets() -> dict:
    return st.secrets.to_dict() if st.secrets.load_if_toml_exists() else {}


def sign_in_config() -> users.SignInConfig:
    """Is sign-in on, and who are the administrators from configuration."""
    return users.sign_in_config(_secrets())


def _provider() -> str | None:
    """The ``[auth.<name>]`` provider to sign in with, or None for settings directly in ``[auth]``."""
    auth = _secrets().get("auth") or {}
    if auth.get("client_id"):
        return None
    named = [name for name, value in auth.items() if isinstance(value, dict) and value.get("client_id")]
    return named[0] if named else None


def current_actor() -> Actor:
    """The person using the app now (see the module docstring)."""
    config = sign_in_config()
    if not config.enabled:
        return policy.local_actor(st.session_state.get(NAME_KEY, ""))
    if not st.user.is_logged_in:
        return Actor(subject="", name="", roles=frozenset(), signed_in=True)
    subject, email, name = st.user.get("sub"), _email(), st.user.get("name")
    with store.opened(database_path()) as db:
        if st.session_state.get(_LINKED_KEY) != subject:
            actor = users.signed_in_actor(db, subject=subject, email=email, name=name, admins=config.admins)
            st.session_state[_LINKED_KEY] = subject
            return actor
        user = users.get_user(db, email, config.admins)
    roles = user.all_roles if user is not None and user.subject == subject else frozenset()
    return Actor(subject=subject, name=name or (user.name if user else ""), email=email, roles=roles, signed_in=True)


def acting_as(typed_name: str = "") -> Actor:
    """For pages that still ask for a name: the signed-in person when sign-in is on (the
    typed name is ignored), else the local actor with the typed name (or the sidebar's)."""
    if sign_in_config().enabled:
        return current_actor()
    return policy.local_actor(typed_name or st.session_state.get(NAME_KEY, ""))


def name_missing(actor: Actor) -> bool:
    """True (after saying so on the page) when sign-in is off and no name has been typed in
    the sidebar: every change is recorded with who made it."""
    if actor.signed_in or actor.name:
        return False
    st.error("Type your name in the sidebar ('Your name (recorded in the audit log)') first: "
             "every change is recorded with who made it.")
    return True


def _email() -> str | None:
    # Entra ID sends `email` only when the account has one and the claim is released;
    # `preferred_username` is then the sign-in name, usually the same address.
    return st.user.get("email") or st.user.get("preferred_username")


def can(action: str, record: Mapping[str, Any] | None = None, actor: Actor | None = None) -> bool:
    """Whether to offer ``action`` to the current actor (the write itself checks again)."""
    return policy.decide(actor or current_actor(), action, record).allowed


def identity_frame() -> Actor:
    """Top of every page: the sign-in gate and who is signed in, or the local-mode banner
    and name field. Stops the page when nobody is signed in, or the person has no role."""
    config = sign_in_config()
    if not config.enabled:
        st.warning(LOCAL_BANNER, icon=":material/lock_open:")
        with st.sidebar:
            st.text_input("Your name (recorded in the audit log)", key=NAME_KEY,
                          help="Sign-in is off, so the name you type here is what the audit log shows.")
        return current_actor()
    if not st.user.is_logged_in:
        st.title("Sign in")
        st.write("This dashboard holds procurement and partnership records: sign in with your organisation's account.")
        st.button("Sign in", type="primary", key="auth.sign_in", on_click=st.login, args=(_provider(),),
                  icon=":material/login:")
        st.stop()
    try:
        actor = current_actor()
    except policy.PermissionRefused as refusal:
        st.title("Sign-in refused")
        st.error(str(refusal))
        st.button("Sign out", key="auth.sign_out_refused", on_click=st.logout)
        st.stop()
    with st.sidebar:
        st.markdown("**Signed in**")
        st.text(str(actor.label))
        st.caption("Roles: " + (", ".join(r for r in policy.ROLES if r in actor.roles) or "none yet"))
        st.button("Sign out", key="auth.sign_out", on_click=st.logout, icon=":material/logout:")
        st.divider()
    if not actor.roles:
        st.title("No role yet")
        admins = ", ".join(sorted(config.admins))
        st.info(f"You are signed in as {plain(actor.label)}, but nobody has given you a role in this dashboard yet. "
                "Ask an administrator" + (f" (" + plain(admins) + ")" if admins else "") + " to give you one.")
        st.stop()
    return actor
