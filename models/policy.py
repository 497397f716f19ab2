"""Who may do what: the one policy function every write path calls.

``decide(actor, action, record)`` is pure: it looks only at the actor (roles, identity)
and, for record-level rules, at the record it is given as a plain mapping. Pages and the
command line call ``require`` before every write, so hiding a button is never the only
guard; pages also ask ``decide`` before drawing a form, so people are not offered what
they cannot do.

Two modes:

- **Sign-in on.** The actor is the signed-in identity (OpenID Connect subject and email)
  with the roles stored in the database. Role rules and record rules both apply.
- **Sign-in off** (local single-user mode). The actor is ``local_actor(name)``: it holds
  every role and the name is only typed, so rules about *who* someone is (assigned to a
  tender, scoring only their own scores, seeing only their own sealed scores) cannot mean
  anything and are not applied. Rules about the *record's state* (nothing changes after
  award, no agreed score before moderation opens) still are. Every page says so in a banner.

Tender records passed to ``decide`` (``models.tender_access.policy_record`` builds them):

    stage      "setup" | "scoring" | "moderation" | "awarded"
    assigned   the evaluator keys (``Actor.key``: lower-case email) assigned to the tender
    declared   keys of assigned evaluators who have declared their interests
    cleared    keys free to score: declared no conflict, or a conflict a commissioner has managed
    evaluator  whose score or declaration the action is about (a key), where it matters
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from .errors import DomainError

VIEWER = "viewer"
OFFICER = "officer"
COMMISSIONER = "commissioner"
EVALUATOR = "evaluator"
ADMIN = "admin"
ROLES = (VIEWER, OFFICER, COMMISSIONER, EVALUATOR, ADMIN)

ROLE_DESCRIPTIONS = {
    VIEWER: "sees the published views: spend, outcomes, directory, SROI, full cost",
    OFFICER: "imports data, edits the directory, action plan, self-assessment and indicators",
    COMMISSIONER: "creates tenders, assigns evaluators, manages conflicts, opens moderation, moderates, awards",
    EVALUATOR: "scores only the tenders they are assigned to, after declaring their interests",
    ADMIN: "gives people roles",
}

# Action -> the roles that may take it. Actions are named "<concept>.<verb>".
# Record-level rules (an evaluator scores only tenders assigned to them, a locked record
# cannot change) are in RECORD_RULES below and need the record passed to ``decide``.
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
    # Tenders: procurement roles only. An admin who must run a tender gives themself the
    # commissioner role, which the audit log records.
    "tender.view": frozenset({COMMISSIONER, EVALUATOR}),
    "tender.create": frozenset({COMMISSIONER}),
    "tender.edit": frozenset({COMMISSIONER}),
    "tender.assign": frozenset({COMMISSIONER}),
    "tender.declare": frozenset({EVALUATOR}),
    "tender.manage_conflict": frozenset({COMMISSIONER}),
    "tender.score": frozenset({EVALUATOR}),
    "tender.read_bids": frozenset({COMMISSIONER, EVALUATOR}),
    "tender.read_scores": frozenset({COMMISSIONER, EVALUATOR}),
    "tender.open_moderation": frozenset({COMMISSIONER}),
    "tender.moderate": frozenset({COMMISSIONER}),
    "tender.award": frozenset({COMMISSIONER}),
    "tender.clarify": frozenset({OFFICER, COMMISSIONER, ADMIN}),
    # Saved scenarios are shared with everyone using the database, so viewers (who only
    # read) download and upload scenario files instead.
    "scenario.save": frozenset({OFFICER, COMMISSIONER, EVALUATOR, ADMIN}),
    "users.manage": frozenset({ADMIN}),
    "retention.apply": frozenset({ADMIN}),
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
    def label(self) -> "Label":
        """What the audit log and pages show, e.g. ``Ann Evans <ann@council.gov.uk>``.
        It is a string that also carries the subject and email, so ``record_audit(...,
        who=actor.label)`` records the identity, not only the words."""
        if self.signed_in:
            text = f"{self.name} <{self.email}>" if self.email and self.name else (self.email or self.name or self.subject)
        else:
            text = self.name or "unnamed (sign-in off)"
        return Label(text, subject=self.subject, email=self.email)

    @property
    def key(self) -> str:
        """How records name this person (an evaluator's scores, an assignment): the
        lower-case email when signed in, the typed name in local mode."""
        if self.signed_in:
            return (self.email or self.subject).strip().lower()
        return self.name

    def has(self, role: str) -> bool:
        return role in self.roles


class Label(str):
    """An actor's label: the text shown, plus the identity behind it."""

    subject: str | None
    email: str | None

    def __new__(cls, text: str, *, subject: str | None = None, email: str | None = None) -> "Label":
        label = super().__new__(cls, text)
        label.subject, label.email = subject, email
        return label


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

    def __bool__(self) -> bool:
        return self.allowed


class PermissionRefused(DomainError):
    """An action the actor's role does not allow; the message says why in words."""


ALLOWED = Decision(True, "allowed")


def decide(actor: Actor, action: str, record: Mapping[str, Any] | None = None) -> Decision:
    """May ``actor`` take ``action`` (on ``record``, where the rule depends on it)?"""
    allowed_roles = ACTIONS.get(action)
    if allowed_roles is None:
        return Decision(False, f"'{action}' is not an action this app knows.")
    if not actor.roles & allowed_roles:
        need = " or ".join(sorted(allowed_roles))
        have = ", ".join(sorted(actor.roles)) or "no role yet"
        return Decision(False, f"{_who(actor)} ({have}) cannot {_VERBS.get(action, action)}: "
                               f"that needs the {need} role. Ask an administrator if you need it.")
    rule = RECORD_RULES.get(action)
    if rule is not None and record is not None:
        refusal = rule(actor, record)
        if refusal:
            return Decision(False, refusal)
    return ALLOWED


def require(actor: Actor, action: str, record: Mapping[str, Any] | None = None) -> None:
    """Raise ``PermissionRefused`` with the reason unless ``decide`` allows the action."""
    decision = decide(actor, action, record)
    if not decision.allowed:
        raise PermissionRefused(decision.reason)


def _who(actor: Actor) -> str:
    return f"You are signed in as {actor.label}" if actor.signed_in else f"'{actor.label}'"


# Words for refusals: "<who> cannot <verb>".
_VERBS = {
    "data.import": "import data",
    "data.remove_import": "remove an import",
    "organisation.edit": "edit organisations",
    "action_plan.edit": "edit the action plan",
    "self_assessment.edit": "save a self-assessment",
    "indicator.edit": "edit indicators or record observations",
    "agreement.edit": "edit agreements",
    "agreement.create": "create agreements",
    "monitoring.record": "record monitoring",
    "consultation.edit": "edit consultations",
    "boundaries.import": "import boundaries",
    "tender.view": "open tenders",
    "tender.create": "create a tender",
    "tender.edit": "change a tender's criteria or bids",
    "tender.assign": "assign evaluators",
    "tender.declare": "declare interests for a tender",
    "tender.manage_conflict": "record how a conflict of interest is managed",
    "tender.score": "score bids",
    "tender.read_bids": "see the bids",
    "tender.read_scores": "read evaluators' scores",
    "tender.open_moderation": "open moderation",
    "tender.moderate": "record agreed (moderated) scores",
    "tender.award": "award a tender",
    "tender.clarify": "record clarifications",
    "scenario.save": "save scenarios to the shared database",
    "users.manage": "give people roles",
}


# ------------------------------------------------------------------ record-level rules
# Each returns None when the record allows the action, else the refusal in words.

def _awarded(record: Mapping[str, Any]) -> str | None:
    if record.get("stage") == "awarded":
        return "This tender has been awarded, so its record is locked: nothing in it can change."
    return None


def _assigned(actor: Actor, record: Mapping[str, Any]) -> str | None:
    if actor.key not in (record.get("assigned") or ()):
        return (f"{_who(actor)} but are not assigned to evaluate this tender. "
                "A commissioner assigns evaluators on the tender's Evaluators tab.")
    return None


def _own(actor: Actor, record: Mapping[str, Any], what: str) -> str | None:
    whose = record.get("evaluator")
    if whose is not None and whose != actor.key:
        return f"Nobody can {what} for someone else: {_who(actor)}, and this is {whose}'s."
    return None


def _tender_write(actor: Actor, record: Mapping[str, Any]) -> str | None:
    return _awarded(record)


def _view(actor: Actor, record: Mapping[str, Any]) -> str | None:
    if not actor.signed_in or actor.has(COMMISSIONER):
        return None
    return _assigned(actor, record)


def _declare(actor: Actor, record: Mapping[str, Any]) -> str | None:
    if refusal := _awarded(record):
        return refusal
    if not actor.signed_in:
        return None
    return _assigned(actor, record) or _own(actor, record, "declare interests")


def _manage_conflict(actor: Actor, record: Mapping[str, Any]) -> str | None:
    if refusal := _awarded(record):
        return refusal
    if actor.signed_in and record.get("evaluator") == actor.key:
        return "You cannot manage your own conflict of interest: another commissioner must record how it is managed."
    return None


def _score(actor: Actor, record: Mapping[str, Any]) -> str | None:
    if refusal := _awarded(record):
        return refusal
    if record.get("stage") == "moderation":
        return ("Moderation has opened, so independent scores are closed. The agreed score is recorded "
                "on the Moderate tab.")
    if not actor.signed_in:
        return None
    return _assigned(actor, record) or _own(actor, record, "write a score") or _cleared(actor, record)


def _cleared(actor: Actor, record: Mapping[str, Any]) -> str | None:
    if actor.key not in (record.get("declared") or ()):
        return "Declare your interests for this tender (none, or what they are) before you see or score any bid."
    if actor.key not in (record.get("cleared") or ()):
        return ("You declared a conflict of interest for this tender. You cannot see or score bids until a "
                "commissioner records how the conflict is managed.")
    return None


def _read_bids(actor: Actor, record: Mapping[str, Any]) -> str | None:
    if not actor.signed_in or actor.has(COMMISSIONER):
        return None
    return _assigned(actor, record) or _cleared(actor, record)


def _read_scores(actor: Actor, record: Mapping[str, Any]) -> str | None:
    if record.get("stage") in ("moderation", "awarded") or not actor.signed_in:
        return None
    whose = record.get("evaluator")
    if whose is not None and whose == actor.key:
        return _view(actor, record)
    return ("Evaluators' scores are sealed until a commissioner opens moderation: until then each evaluator "
            "sees only their own.")


def _open_moderation(actor: Actor, record: Mapping[str, Any]) -> str | None:
    if refusal := _awarded(record):
        return refusal
    if record.get("stage") == "moderation":
        return "Moderation is already open."
    return None


def _moderation_open(actor: Actor, record: Mapping[str, Any]) -> str | None:
    # With sign-in off one person plays every part, so nothing is sealed and moderation
    # need not be opened first.
    if actor.signed_in and record.get("stage") not in ("moderation", "awarded"):
        return "Moderation has not opened yet: a commissioner opens it once the evaluators have scored."
    return None


def _moderate(actor: Actor, record: Mapping[str, Any]) -> str | None:
    return _awarded(record) or _moderation_open(actor, record)


RECORD_RULES: dict[str, Callable[[Actor, Mapping[str, Any]], str | None]] = {
    "tender.view": _view,
    "tender.edit": _tender_write,
    "tender.assign": _tender_write,
    "tender.declare": _declare,
    "tender.manage_conflict": _manage_conflict,
    "tender.score": _score,
    "tender.read_bids": _read_bids,
    "tender.read_scores": _read_scores,
    "tender.open_moderation": _open_moderation,
    "tender.moderate": _moderate,
    "tender.award": _moderation_open,  # the award's own steps (notice, contract) follow award
}
