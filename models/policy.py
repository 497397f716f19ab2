"""Who may do what: the one policy function every write path calls.

``decide(actor, action, record)`` is pure: it looks only at the actor's roles and, for
record-level rules, at the record it is given. Pages and the command line call
``require`` before every write, so hiding a button is never the only guard.

When sign-in is off (local single-user mode) the actor is ``local_actor(name)``: it holds
every role, and every page says so in a banner. When sign-in is on, the actor comes from
the signed-in identity and the roles stored in the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .errors import DomainError

VIEWER = "viewer"
OFFICER = "officer"
COMMISSIONER = "commissioner"
EVALUATOR = "evaluator"
ADMIN = "admin"
ROLES = (VIEWER, OFFICER, COMMISSIONER, EVALUATOR, ADMIN)

# Action -> the roles that may take it. Actions are named "<concept>.<verb>".
# Record-level rules (an evaluator scores only tenders assigned to them, a locked record
# cannot change) are decided in ``decide`` from the record passed in.
ACTIONS: dict[str, frozenset[str]] = {
    "data.import": frozenset({OFFICER, ADMIN}),
    "data.remove_import": frozenset({OFFICER, ADMIN}),
    "organisation.edit": frozenset({OFFICER, ADMIN}),
    "action_plan.edit": frozenset({OFFICER, ADMIN}),
    "self_assessment.edit": frozenset({OFFICER, ADMIN}),
    "indicator.edit": frozenset({OFFICER, ADMIN}),
    "agreement.edit": frozenset({OFFICER, COMMISSIONER, ADMIN}),
    "agreement.create": frozenset({OFFICER, COMMISSIONER, ADMIN}),
    "monitoring.record": frozenset({OFFICER, COMMISSIONER, ADMIN}),
    "consultation.edit": frozenset({OFFICER, COMMISSIONER, ADMIN}),
    "boundaries.import": frozenset({OFFICER, ADMIN}),
    "tender.create": frozenset({COMMISSIONER, ADMIN}),
    "tender.edit": frozenset({COMMISSIONER, ADMIN}),
    "tender.award": frozenset({COMMISSIONER, ADMIN}),
    "tender.clarify": frozenset({OFFICER, COMMISSIONER, ADMIN}),
    "tender.score": frozenset({EVALUATOR, ADMIN}),
    "tender.moderate": frozenset({EVALUATOR, COMMISSIONER, ADMIN}),
    "scenario.save": frozenset({VIEWER, OFFICER, COMMISSIONER, EVALUATOR, ADMIN}),
    "users.manage": frozenset({ADMIN}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting. ``subject`` is the OpenID Connect subject (or ``local:<name>``
    in local mode); ``label`` is what the audit log and pages show."""

    subject: str
    name: str
    email: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    signed_in: bool = False

    @property
    def label(self) -> str:
        if self.signed_in:
            return f"{self.name} <{self.email}>" if self.email else self.name
        return self.name or "unnamed (sign-in off)"


def local_actor(name: str = "") -> Actor:
    """The actor when sign-in is off: a typed name (may be empty) holding every role."""
    name = (name or "").strip()
    return Actor(subject=f"local:{name}", name=name, roles=frozenset(ROLES), signed_in=False)


def actor_or_name(actor: Actor | None, who: str | None = None) -> Actor:
    """The actor taking an action. Callers that do not pass one yet give the typed name
    (``who``) instead, which means ``local_actor(who)``."""
    return actor if actor is not None else local_actor(who or "")


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str


class PermissionRefused(DomainError):
    """An action the actor's role does not allow; the message says why in words."""


def decide(actor: Actor, action: str, record: Mapping[str, Any] | None = None) -> Decision:
    """May ``actor`` take ``action`` (on ``record``, where the rule depends on it)?"""
    allowed_roles = ACTIONS.get(action)
    if allowed_roles is None:
        return Decision(False, f"'{action}' is not an action this app knows.")
    if not actor.roles & allowed_roles:
        need = ", ".join(sorted(allowed_roles))
        have = ", ".join(sorted(actor.roles)) or "no role"
        return Decision(False, f"You are signed in as {actor.label} with {have}; this needs one of: {need}.")
    return Decision(True, "allowed")


def require(actor: Actor, action: str, record: Mapping[str, Any] | None = None) -> None:
    """Raise ``PermissionRefused`` with the reason unless ``decide`` allows the action."""
    decision = decide(actor, action, record)
    if not decision.allowed:
        raise PermissionRefused(decision.reason)
