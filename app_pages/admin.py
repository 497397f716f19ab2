"""People and roles: who may do what in the dashboard (administrators only)."""

import pandas as pd
import streamlit as st

from models import policy, users
from models.errors import DomainError, StaleEdit
from ui.auth import current_actor, sign_in_config
from ui.data import data_changed, database
from ui.format import uk_datetime
from ui.problems import plain
from ui import show_problems

st.title("People and roles")
actor = current_actor()
config = sign_in_config()

if not config.enabled:
    st.info(
        "Sign-in is off, so these roles do not apply yet: everyone has full rights. You can prepare them now; "
        "they take effect when sign-in is configured (see the README)."
    )
st.write(
    "A person is known by their email address. Give roles before or after their first sign-in; their sign-in "
    "account is linked to the email the first time they sign in. Administrators listed in the configuration "
    "(`[dashboard] admins`) are administrators whatever this page says."
)
st.dataframe(
    pd.DataFrame({"Role": list(policy.ROLE_DESCRIPTIONS), "What it allows": list(policy.ROLE_DESCRIPTIONS.values())}),
    hide_index=True, width="stretch", key="admin.roles_explained",
)

if flash := st.session_state.pop("admin.flash", None):
    st.success(plain(flash))


def run_write(action, success: str) -> bool:
    """Run a write; show a refusal or a stale save in words, else the success message."""
    try:
        with database() as db:
            action(db)
    except StaleEdit as error:
        show_problems(error)
        current = error.current or {}
        st.caption(f"Roles now saved for {plain(current.get('email', ''))}: {plain(current.get('roles', ''))}. "
                   "Your choice is kept above: save again if it still applies.")
        for key in [k for k in st.session_state if str(k).startswith("admin.opened.")]:
            del st.session_state[key]  # the next save starts from the version just shown
        return False
    except DomainError as error:
        show_problems(error)
        return False
    data_changed()
    st.session_state["admin.flash"] = success
    return True


with database() as db:
    people = users.list_users(db, config.admins)

st.subheader("Everyone known")
table = pd.DataFrame([
    {
        "Email": p.email,
        "Name": p.name,
        "Roles": ", ".join(r for r in policy.ROLES if r in p.all_roles) or "none",
        "Admin from configuration": "yes" if p.admin_from_configuration else "",
        "Has signed in": "yes" if p.subject else "not yet",
        "Last sign-in": uk_datetime(p.last_signed_in_at) if p.last_signed_in_at else "",
    }
    for p in people
], columns=["Email", "Name", "Roles", "Admin from configuration", "Has signed in", "Last sign-in"])
st.dataframe(table, hide_index=True, width="stretch", key="admin.people")

if not policy.decide(actor, "users.manage"):
    st.stop()

st.subheader("Add a person")
with st.form("admin.add_form", clear_on_submit=True):
    new_email = st.text_input("Email", key="admin.new_email", placeholder="name@council.gov.uk")
    new_name = st.text_input("Name", key="admin.new_name")
    new_roles = st.multiselect("Roles", list(policy.ROLES), key="admin.new_roles", placeholder="Choose roles")
    add = st.form_submit_button("Add person", type="primary")
if add and run_write(lambda db: users.add_user(db, new_email, name=new_name, roles=new_roles, actor=actor),
                     f"Added {new_email.strip()}."):
    st.rerun()

stored = [p for p in people if p.version]
if stored:
    st.subheader("Change someone's roles")
    email = st.selectbox("Person", [p.email for p in stored], key="admin.person",
                         format_func=lambda e: next(f"{p.name} <{e}>" if p.name else e for p in stored if p.email == e))
    chosen = next(p for p in stored if p.email == email)
    # The version the person opened: a save after someone else changed the roles is refused.
    opened_key = f"admin.opened.{email}"
    opened = st.session_state.setdefault(opened_key, chosen.version)
    with st.form("admin.roles_form"):
        roles = st.multiselect("Roles", list(policy.ROLES), default=sorted(chosen.roles, key=policy.ROLES.index),
                               key=f"admin.roles.{email}")
        reason = st.text_input("Reason (kept in the audit log)", key="admin.reason")
        save = st.form_submit_button("Save roles", type="primary")
    if chosen.admin_from_configuration:
        st.caption("This person is an administrator from the configuration whatever roles are saved here.")
    if save and run_write(lambda db: users.set_roles(db, email, roles, expected_version=opened, actor=actor,
                                                     reason=reason or None), f"Saved the roles of {email}."):
        st.session_state.pop(opened_key, None)
        st.rerun()
    if chosen.subject:
        st.caption("If this person has a new sign-in account (for example after a change of tenant), unlink the old "
                   "one: their next sign-in links again.")
        if st.button("Unlink sign-in account", key="admin.unlink") and run_write(
                lambda db: users.unlink_account(db, email, actor=actor), f"Unlinked the sign-in account of {email}."):
            st.rerun()

st.subheader("Changes to people and roles")
with database() as db:
    entries = users.audit(db)
st.dataframe(
    pd.DataFrame([{"When": uk_datetime(e["at"]), "Who": e["who"], "Person": e["entity_id"], "What": e["action"],
                   "Before": e["before_json"] or "", "After": e["after_json"] or "", "Reason": e["reason"] or ""}
                  for e in entries], columns=["When", "Who", "Person", "What", "Before", "After", "Reason"]),
    hide_index=True, width="stretch", key="admin.audit",
)
