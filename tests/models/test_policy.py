"""The one policy function: every role against every action, and the record-level rules
of sealed tender evaluation. Expected answers are written out here from the issue's role
descriptions, not read from models/policy.py."""

from __future__ import annotations

import pytest

from models import policy
from models.policy import Actor, decide, local_actor

V, O, C, E, A = "viewer", "officer", "commissioner", "evaluator", "admin"

# Who may take each action (role level only), as the issue describes the roles.
EXPECTED = {
    "data.import": {O, A},
    "data.remove_import": {O, A},
    "organisation.edit": {O, A},
    "action_plan.edit": {O, A},
    "self_assessment.edit": {O, A},
    "indicator.edit": {O, A},
    "agreement.edit": {O, C, A},
    "agreement.create": {O, C, A},
    "monitoring.record": {O, C, A},
    "consultation.edit": {O, C, A},
    "boundaries.import": {O, A},
    "tender.view": {C, E},
    "tender.create": {C},
    "tender.edit": {C},
    "tender.assign": {C},
    "tender.declare": {E},
    "tender.manage_conflict": {C},
    "tender.score": {E},
    "tender.read_bids": {C, E},
    "tender.read_scores": {C, E},
    "tender.open_moderation": {C},
    "tender.moderate": {C},
    "tender.award": {C},
    "tender.clarify": {O, C, A},
    "scenario.save": {O, C, E, A},
    "users.manage": {A},
    "retention.apply": {A},
}


def person(*roles: str, email: str = "ann@council.example") -> Actor:
    return Actor(subject=f"sub-{email}", name=email.split("@")[0].title(), email=email,
                 roles=frozenset(roles), signed_in=True)


def test_every_action_has_an_expectation():
    """A new action must be added here too, with the roles the issue gives it."""
    assert set(policy.ACTIONS) >= set(EXPECTED)
    missing = set(policy.ACTIONS) - set(EXPECTED)
    assert not missing, f"add these actions to EXPECTED in this test: {sorted(missing)}"


@pytest.mark.parametrize("role", policy.ROLES)
@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_every_role_and_action(role, action):
    decision = decide(person(role), action)
    assert decision.allowed == (role in EXPECTED[action]), decision.reason
    if not decision.allowed:
        # Refusals say why in words: who, which role they have, which one it needs.
        assert "ann@council.example" in decision.reason and role in decision.reason
        assert "needs the" in decision.reason


def test_no_role_is_refused_everything():
    for action in EXPECTED:
        assert not decide(person(), action)
    assert "no role yet" in decide(person(), "data.import").reason


def test_local_mode_holds_every_role():
    actor = local_actor("Ann")
    assert actor.roles == set(policy.ROLES) and not actor.signed_in
    assert all(decide(actor, action) for action in EXPECTED)


def test_unknown_action_is_refused():
    assert not decide(local_actor("Ann"), "tender.delete_everything")


def test_label_carries_the_identity():
    label = person(E).label
    assert label == "Ann <ann@council.example>"
    assert label.subject == "sub-ann@council.example" and label.email == "ann@council.example"
    assert local_actor("Raj").label == "Raj" and local_actor("").label == "unnamed (sign-in off)"


# ------------------------------------------------------------------ tender record rules

ANN, RAJ = "ann@council.example", "raj@council.example"


def tender(stage="scoring", assigned=(ANN, RAJ), declared=(ANN, RAJ), cleared=(ANN, RAJ), evaluator=None):
    return {"stage": stage, "assigned": frozenset(assigned), "declared": frozenset(declared),
            "cleared": frozenset(cleared), "evaluator": evaluator}


def test_evaluator_scores_only_assigned_tenders_and_only_their_own_scores():
    ann = person(E, email=ANN)
    assert decide(ann, "tender.score", tender(evaluator=ANN))
    refused = decide(ann, "tender.score", tender(assigned=(RAJ,), evaluator=ANN))
    assert not refused and "not assigned" in refused.reason
    refused = decide(ann, "tender.score", tender(evaluator=RAJ))
    assert not refused and "someone else" in refused.reason
    assert not decide(ann, "tender.view", tender(assigned=(RAJ,)))
    assert decide(ann, "tender.view", tender(assigned=(ANN,)))


def test_declaration_comes_first_and_a_declared_conflict_blocks_until_managed():
    ann = person(E, email=ANN)
    undeclared = tender(declared=(RAJ,), cleared=(RAJ,), evaluator=ANN)
    assert "Declare your interests" in decide(ann, "tender.score", undeclared).reason
    assert not decide(ann, "tender.read_bids", undeclared)
    assert decide(ann, "tender.declare", {**undeclared, "evaluator": ANN})
    assert not decide(ann, "tender.declare", {**undeclared, "evaluator": RAJ})
    conflicted = tender(cleared=(RAJ,), evaluator=ANN)
    assert "conflict" in decide(ann, "tender.score", conflicted).reason
    assert not decide(ann, "tender.read_bids", conflicted)
    # A commissioner records how it is managed, but never their own conflict.
    assert decide(person(C, email=RAJ), "tender.manage_conflict", conflicted)
    own = decide(person(C, E, email=ANN), "tender.manage_conflict", conflicted)
    assert not own and "your own" in own.reason


def test_scores_are_sealed_until_moderation_opens():
    ann, chair = person(E, email=ANN), person(C, email="chair@council.example")
    assert decide(ann, "tender.read_scores", tender(evaluator=ANN))
    sealed = decide(ann, "tender.read_scores", tender(evaluator=RAJ))
    assert not sealed and "sealed" in sealed.reason
    assert not decide(chair, "tender.read_scores", tender(evaluator=RAJ))
    for stage in ("moderation", "awarded"):
        assert decide(ann, "tender.read_scores", tender(stage=stage, evaluator=RAJ))
        assert decide(chair, "tender.read_scores", tender(stage=stage, evaluator=RAJ))


def test_moderation_and_award_follow_the_stages():
    chair, ann = person(C, email="chair@council.example"), person(E, email=ANN)
    assert not decide(chair, "tender.moderate", tender(stage="scoring"))
    assert decide(chair, "tender.open_moderation", tender(stage="scoring"))
    assert not decide(chair, "tender.open_moderation", tender(stage="moderation"))
    assert decide(chair, "tender.moderate", tender(stage="moderation"))
    closed = decide(ann, "tender.score", tender(stage="moderation", evaluator=ANN))
    assert not closed and "Moderation has opened" in closed.reason
    assert decide(chair, "tender.award", tender(stage="moderation"))


@pytest.mark.parametrize("action", ["tender.edit", "tender.assign", "tender.declare", "tender.manage_conflict",
                                    "tender.score", "tender.open_moderation", "tender.moderate"])
def test_awarded_tender_is_locked_even_in_local_mode(action):
    everyone = person(*policy.ROLES, email=ANN)
    for actor in (everyone, local_actor("Ann")):
        refused = decide(actor, action, tender(stage="awarded", evaluator=ANN))
        assert not refused and "locked" in refused.reason


def test_local_mode_skips_identity_rules_but_keeps_state_rules():
    """With sign-in off the name is only typed, so 'who' rules cannot hold; the banner says so."""
    local = local_actor("Ann")
    nobody_assigned = tender(assigned=(), declared=(), cleared=(), evaluator="Raj")
    assert decide(local, "tender.score", nobody_assigned)
    assert decide(local, "tender.read_scores", nobody_assigned)
    assert decide(local, "tender.moderate", nobody_assigned)  # one person plays every part
    assert not decide(local, "tender.score", {**nobody_assigned, "stage": "moderation"})


def test_require_raises_permission_refused_as_a_domain_error():
    from models.errors import DomainError

    with pytest.raises(policy.PermissionRefused, match="needs the admin role") as caught:
        policy.require(person(V), "users.manage")
    assert isinstance(caught.value, DomainError)
