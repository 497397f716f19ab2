"""Stored award state: lots, the award pack's issue, the contract award notice and the
standstill, the contract's entry, and the clarification log.

The documents themselves are made on demand by ``models.award_pack`` from the stored
tender (its scores and moderated reasons) and the rows kept here; nothing here scores.
Every write takes ``actor`` and asks ``policy.require`` first; records people edit carry a
version and are saved through ``versioned.update_versioned`` inside one transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from . import award_pack, policy, store, tender, tender_access, tender_records, versioned
from .errors import DomainError
from .formatting import LONDON, money, pounds_to_pence, uk_date
from .standstill import Standstill, check_contract_entry, standstill

ENTITY = "tender"
CLARIFICATION_ENTITY = "tender clarification"
MAX_TEXT = 5000


def today() -> dt.date:
    """Today in England (Europe/London), the day a notice is published or a contract entered."""
    return dt.datetime.now(LONDON).date()


# ---------------------------------------------------------------------------- lots


@dataclass(frozen=True)
class LotInfo:
    procurement_id: int
    procurement: str
    reference: str
    number: int
    title: str


def lot_of(db: store.Database, tender_id: int) -> LotInfo | None:
    """The procurement and lot this tender is, or None for a tender without lots."""
    row = db.execute(
        "SELECT p.id, p.name, p.reference, l.lot_number, l.title FROM tender_lots l "
        "JOIN procurements p ON p.id = l.procurement_id WHERE l.tender_id = :tender_id", {"tender_id": tender_id}).fetchone()
    return LotInfo(*row) if row else None


def lots_in_procurement(db: store.Database, procurement_id: int) -> pd.DataFrame:
    """Every lot of a procurement: lot number, title, tender id and name, winner if issued."""
    rows = db.execute(
        "SELECT l.lot_number, l.title, t.id, t.name, a.winner FROM tender_lots l JOIN tenders t ON t.id = l.tender_id "
        "LEFT JOIN tender_awards a ON a.tender_id = t.id WHERE l.procurement_id = :procurement_id ORDER BY l.lot_number",
        {"procurement_id": procurement_id}).fetchall()
    return pd.DataFrame(rows, columns=["Lot", "Title", "Tender id", "Tender", "Winner"])


def set_lot(db: store.Database, tender_id: int, *, procurement: str, lot_number: int, title: str,
            reference: str = "", actor: policy.Actor) -> LotInfo:
    """Make the tender lot ``lot_number`` of ``procurement`` (created if new). Each lot keeps
    its own bids, scores and winner; the lot number must be free in the procurement."""
    procurement, title, reference = (procurement or "").strip(), (title or "").strip(), (reference or "").strip()
    if not procurement:
        raise DomainError("Lot: give the procurement's name (the lots of one procurement share it)")
    if not title:
        raise DomainError("Lot: give the lot a title, e.g. 'Lot 1: Crewe and Nantwich'")
    if isinstance(lot_number, bool) or not isinstance(lot_number, int) or lot_number < 1:
        raise DomainError(f"Lot: the lot number must be a whole number from 1, not {lot_number!r}")
    with store.transaction(db):
        record = tender_records.get_tender(db, tender_id)
        policy.require(actor, "tender.edit", {**tender_access.policy_record(db, tender_id), "name": record.name})
        if _award_row(db, tender_id):
            raise DomainError(f"Tender '{record.name}': the award pack has been issued, so its lot cannot change")
        found = db.execute("SELECT id FROM procurements WHERE name = :procurement", {"procurement": procurement}).fetchone()
        if found:
            procurement_id = found[0]
            if reference:
                db.execute("UPDATE procurements SET reference = :reference WHERE id = :procurement_id",
                           {"reference": reference, "procurement_id": procurement_id})
        else:
            table = db["procurements"]
            table.insert({"name": procurement, "reference": reference, "created_at": store.now_iso(),
                          "created_by": actor.label})
            procurement_id = table.last_pk
        taken = db.execute("SELECT tender_id FROM tender_lots WHERE procurement_id = :procurement_id "
                           "AND lot_number = :lot_number AND tender_id != :tender_id",
                           {"procurement_id": procurement_id, "lot_number": lot_number, "tender_id": tender_id}).fetchone()
        if taken:
            other = tender_records.get_tender(db, taken[0]).name
            raise DomainError(f"Lot {lot_number} of '{procurement}' is already the tender '{other}'; choose another number")
        before = lot_of(db, tender_id)
        db.execute(
            "INSERT INTO tender_lots (tender_id, procurement_id, lot_number, title) "
            "VALUES (:tender_id, :procurement_id, :lot_number, :title) "
            "ON CONFLICT (tender_id) DO UPDATE SET procurement_id = excluded.procurement_id, "
            "lot_number = excluded.lot_number, title = excluded.title",
            {"tender_id": tender_id, "procurement_id": procurement_id, "lot_number": lot_number, "title": title})
        after = lot_of(db, tender_id)
        versioned.record_audit(db, entity=ENTITY, entity_id=tender_id, action="lot set", who=actor.label,
                           before=before.__dict__ if before else None, after=after.__dict__)
    return after


# ---------------------------------------------------------------------------- clarifications


def _day(value: Any, what: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    try:
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
            return dt.datetime.strptime(text, "%d/%m/%Y").date()
        return dt.date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"{what}: '{value}' is not a date (write it as DD/MM/YYYY, e.g. 21/12/2026)") from None


def _text(value: str, what: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(f"{what}: write it before saving")
    if len(text) > MAX_TEXT:
        raise DomainError(f"{what}: {len(text):,} characters is too long (at most {MAX_TEXT:,})")
    return text


def add_clarification(db: store.Database, tender_id: int, *, question: str, asked_on: dt.date,
                      answer: str = "", answered_on: dt.date | None = None, actor: policy.Actor) -> int:
    """Record a question (and its answer, if already given); returns its number."""
    question = _text(question, "The question")
    answer = _text(answer, "The answer", required=False)
    asked_on = _day(asked_on, "The date asked")
    answered_on = _day(answered_on, "The date answered") if answer and answered_on else (today() if answer else None)
    if answered_on and answered_on < asked_on:
        raise DomainError(f"The answer's date ({uk_date(answered_on)}) is before the question's ({uk_date(asked_on)})")
    with store.transaction(db):
        record = tender_records.get_tender(db, tender_id)
        policy.require(actor, "tender.clarify", {"tender_id": tender_id, "name": record.name})
        number = db.execute("SELECT COALESCE(MAX(number), 0) + 1 FROM tender_clarifications WHERE tender_id = :tender_id",
                            {"tender_id": tender_id}).fetchone()[0]
        row = {"tender_id": tender_id, "number": number, "question": question, "answer": answer,
               "asked_on": asked_on.isoformat(), "answered_on": answered_on.isoformat() if answered_on else None,
               "recorded_at": store.now_iso(), "recorded_by": actor.label}
        db["tender_clarifications"].insert(row)
        versioned.record_audit(db, entity=ENTITY, entity_id=tender_id, action="clarification recorded", who=actor.label,
                           after={k: row[k] for k in ("number", "question", "answer", "asked_on", "answered_on")})
    return number


def answer_clarification(db: store.Database, tender_id: int, number: int, *, answer: str, answered_on: dt.date,
                         expected_version: int, actor: policy.Actor) -> dict:
    """Give or change the answer to question ``number`` (refused if someone else changed it
    since ``expected_version`` was read)."""
    answer = _text(answer, "The answer")
    answered_on = _day(answered_on, "The date answered")
    with store.transaction(db):
        record = tender_records.get_tender(db, tender_id)
        policy.require(actor, "tender.clarify", {"tender_id": tender_id, "name": record.name})
        row = db.execute("SELECT id, asked_on FROM tender_clarifications WHERE tender_id = :tender_id AND number = :number",
                         {"tender_id": tender_id, "number": number}).fetchone()
        if row is None:
            raise DomainError(f"Tender '{record.name}' has no clarification question {number}")
        if answered_on < dt.date.fromisoformat(row[1]):
            raise DomainError(f"Question {number}: the answer's date is before the question was asked ({uk_date(row[1])})")
        return versioned.update_versioned(
            db, "tender_clarifications", {"id": row[0]}, expected_version,
            {"answer": answer, "answered_on": answered_on.isoformat()},
            entity=CLARIFICATION_ENTITY, who=actor.label, action="clarification answered")


def clarifications(db: store.Database, tender_id: int) -> list[award_pack.Clarification]:
    return [
        award_pack.Clarification(number=r[0], question=r[1], answer=r[2], asked_on=dt.date.fromisoformat(r[3]),
                                 answered_on=dt.date.fromisoformat(r[4]) if r[4] else None)
        for r in db.execute("SELECT number, question, answer, asked_on, answered_on FROM tender_clarifications "
                            "WHERE tender_id = :tender_id ORDER BY number", {"tender_id": tender_id}).fetchall()
    ]


def clarification_versions(db: store.Database, tender_id: int) -> dict[int, int]:
    """Question number -> the version a person's edit is based on."""
    return dict(db.execute("SELECT number, version FROM tender_clarifications WHERE tender_id = :tender_id",
                           {"tender_id": tender_id}).fetchall())


# ---------------------------------------------------------------------------- the award


@dataclass(frozen=True)
class AwardState:
    tender_id: int
    winner: str
    value_pence: int
    buyer: str
    buyer_id: str
    pack_issued_at: str
    pack_issued_by: str
    pack_sha256: str
    notice_published_on: dt.date | None
    contract_entered_on: dt.date | None
    version: int

    @property
    def standstill(self) -> Standstill | None:
        return standstill(self.notice_published_on) if self.notice_published_on else None

    @property
    def value(self) -> str:
        return money(self.value_pence)


def _award_row(db, tender_id: int) -> dict | None:
    return next(db.query("SELECT * FROM tender_awards WHERE tender_id = :tender_id", {"tender_id": tender_id}), None)


def award_state(db: store.Database, tender_id: int) -> AwardState | None:
    """The tender's award, or None until its award pack is issued."""
    row = _award_row(db, tender_id)
    if row is None:
        return None
    dates = {k: dt.date.fromisoformat(row[k]) if row[k] else None for k in ("notice_published_on", "contract_entered_on")}
    return AwardState(**{**row, **dates})


def _fingerprint(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")).hexdigest()


def _evaluation(db, tender_id: int) -> tuple[tender.Evaluation, dict]:
    """The stored tender evaluated; every judged score must be moderated first."""
    record = tender_records.get_tender(db, tender_id)
    waiting = tender_records.unmoderated(db, tender_id)
    if waiting:
        first = ", ".join(f"{b} / {c}" for b, c in waiting[:3])
        raise DomainError(f"Tender '{record.name}': {len(waiting)} score(s) are not moderated yet ({first}); "
                          "agree every score before the award pack is issued.")
    body = tender_records.scenario_body(db, tender_id)
    return tender.evaluate(tender.parse_scenario(body)), body


def changed_since_issue(db: store.Database, tender_id: int) -> bool:
    """True when the scores, reasons or bids changed after the award pack was issued."""
    state = award_state(db, tender_id)
    return bool(state) and _fingerprint(tender_records.scenario_body(db, tender_id)) != state.pack_sha256


def issue_pack(db: store.Database, tender_id: int, *, actor: policy.Actor,
               buyer: str = award_pack.DEFAULT_BUYER, buyer_id: str = award_pack.DEFAULT_BUYER_ID,
               expected_version: int | None = None) -> AwardState:
    """Issue the award pack: every score moderated, no weak reason, every abnormally low
    price explained (``award_pack.check_can_issue``). Records the winner and value; can be
    issued again (pass the version read) until the contract award notice is published."""
    buyer, buyer_id = _text(buyer, "The buyer's name"), _text(buyer_id, "The buyer's org-id")
    with store.transaction(db):
        record = tender_records.get_tender(db, tender_id)
        policy.require(actor, "tender.award", {**tender_access.policy_record(db, tender_id), "name": record.name})
        evaluation, body = _evaluation(db, tender_id)
        award_pack.check_can_issue([award_pack.Lot(evaluation)])
        winner = next(r for r in evaluation.results if r.bidder == evaluation.winner)
        values = {"winner": winner.bidder, "value_pence": pounds_to_pence(str(winner.price)), "buyer": buyer,
                  "buyer_id": buyer_id, "pack_issued_at": store.now_iso(), "pack_issued_by": actor.label,
                  "pack_sha256": _fingerprint(body)}
        current = _award_row(db, tender_id)
        if current is None:
            db["tender_awards"].insert({"tender_id": tender_id, **values})
            versioned.record_audit(db, entity=ENTITY, entity_id=tender_id, action="award pack issued", who=actor.label,
                               after={k: values[k] for k in ("winner", "value_pence", "buyer")})
        else:
            if current["notice_published_on"]:
                raise DomainError(f"Tender '{record.name}': the contract award notice was published on "
                                  f"{uk_date(current['notice_published_on'])}; the award pack cannot be issued again.")
            versioned.update_versioned(db, "tender_awards", {"tender_id": tender_id},
                                   current["version"] if expected_version is None else expected_version, values,
                                   entity=ENTITY, who=actor.label, action="award pack issued again")
    return award_state(db, tender_id)


def publish_notice(db: store.Database, tender_id: int, *, published_on: dt.date, expected_version: int,
                   actor: policy.Actor) -> AwardState:
    """Record the day the contract award notice was published: the standstill starts."""
    published_on = _day(published_on, "The notice's publication date")
    if published_on > today():
        raise DomainError(f"The notice's publication date ({uk_date(published_on)}) is in the future; "
                          "record it on the day it is published")
    with store.transaction(db):
        record = tender_records.get_tender(db, tender_id)
        policy.require(actor, "tender.award", {**tender_access.policy_record(db, tender_id), "name": record.name})
        current = _award_row(db, tender_id)
        if current is None:
            raise DomainError(f"Tender '{record.name}': issue the award pack before publishing the contract award notice")
        if current["contract_entered_on"]:
            raise DomainError(f"Tender '{record.name}': the contract was entered into on "
                              f"{uk_date(current['contract_entered_on'])}; the notice date cannot change now")
        if published_on < dt.date.fromisoformat(current["pack_issued_at"][:10]):
            raise DomainError(f"The notice cannot be published ({uk_date(published_on)}) before the award pack was issued "
                              f"({uk_date(current['pack_issued_at'])})")
        versioned.update_versioned(db, "tender_awards", {"tender_id": tender_id}, expected_version,
                               {"notice_published_on": published_on.isoformat()},
                               entity=ENTITY, who=actor.label, action="contract award notice published")
    return award_state(db, tender_id)


def enter_contract(db: store.Database, tender_id: int, *, entered_on: dt.date, expected_version: int,
                   actor: policy.Actor) -> AwardState:
    """Record that the contract was entered into on ``entered_on``: refused until the
    standstill period has passed (``standstill.check_contract_entry``)."""
    entered_on = _day(entered_on, "The date the contract was entered into")
    if entered_on > today():
        raise DomainError(f"{uk_date(entered_on)} is in the future; record the contract on the day it is entered into")
    with store.transaction(db):
        record = tender_records.get_tender(db, tender_id)
        policy.require(actor, "tender.award", {**tender_access.policy_record(db, tender_id), "name": record.name})
        current = _award_row(db, tender_id)
        if current is None:
            raise DomainError(f"Tender '{record.name}': issue the award pack and publish the contract award notice first")
        published = dt.date.fromisoformat(current["notice_published_on"]) if current["notice_published_on"] else None
        check_contract_entry(published, entered_on)
        versioned.update_versioned(db, "tender_awards", {"tender_id": tender_id}, expected_version,
                               {"contract_entered_on": entered_on.isoformat()},
                               entity=ENTITY, who=actor.label, action="contract entered into")
    return award_state(db, tender_id)


# ---------------------------------------------------------------------------- the pack


def details_for(db: store.Database, tender_id: int, *, prepared_on: dt.date | None = None) -> tuple[award_pack.Lot, award_pack.AwardDetails]:
    """The lot (evaluation, lot title and number) and the award details of a stored tender."""
    evaluation, _body = _evaluation(db, tender_id)
    record = tender_records.get_tender(db, tender_id)
    lot = lot_of(db, tender_id)
    state = award_state(db, tender_id)
    details = award_pack.AwardDetails(
        procurement=lot.procurement if lot else record.name,
        reference=(lot.reference if lot and lot.reference else "") or f"tender-{tender_id}",
        buyer=state.buyer if state else award_pack.DEFAULT_BUYER,
        buyer_id=state.buyer_id if state else award_pack.DEFAULT_BUYER_ID,
        notice_published=state.notice_published_on if state else None,
        prepared_on=prepared_on or today(),
        conflicts=conflicts_record(db, tender_id),
        fictional=evaluation.scenario.fictional,
    )
    pack_lot = award_pack.Lot(evaluation, title=lot.title if lot else "", number=lot.number if lot else 1)
    return pack_lot, details


def conflicts_record(db: store.Database, tender_id: int) -> tuple[award_pack.Conflict, ...] | None:
    """The tender's conflicts record (models.tender_access), or None when no evaluator was assigned."""
    record = tender_access.conflicts_record(db, tender_id)
    if record.empty:
        return None
    return tuple(
        award_pack.Conflict(person=row["Evaluator"],
                            declaration=row["Details"] or row["Declaration"],
                            management=row["How it is managed"])
        for _, row in record.iterrows())


def pack_files(db: store.Database, tender_id: int, *, draws: int = tender.DEFAULT_SIMULATIONS,
               prepared_on: dt.date | None = None) -> dict[str, bytes]:
    """Every document of the tender's award pack (see ``award_pack.pack_files``)."""
    lot, details = details_for(db, tender_id, prepared_on=prepared_on)
    state = award_state(db, tender_id)
    return award_pack.pack_files(
        [lot], details, draws=draws, clarifications={lot.number: clarifications(db, tender_id)},
        contract_entered=state.contract_entered_on if state else None,
    )


def bidder_documents(db: store.Database, tender_id: int, bidder: str, *, prepared_on: dt.date | None = None) -> tuple[bytes, bytes]:
    """One bidder's assessment summary as (PDF, DOCX), for a single download."""
    from . import documents

    lot, details = details_for(db, tender_id, prepared_on=prepared_on)
    award_pack.check_can_issue([lot])
    summary = award_pack.bidder_summary(lot, bidder, details)
    return documents.pdf_bytes(summary), documents.docx_bytes(summary)
