"""The commissioning self-assessment: the framework's eight principles of good
commissioning and its Appendix 1 challenge questions, answered and scored 0-4.

Each item counts towards one principle: a principle's own statement counts towards
itself; each challenge question is linked to the principle it tests most directly (the
document lists the questions under three headings, so the link is editorial and says so
in ``data/seed/challenge_questions.csv``). An assessment is saved under a name and a date;
saving the same name and date again replaces it (audited)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import policy, store, versioned
from .errors import DomainError
from .formatting import uk_date
from .outcomes import SEED_DIR, insert_missing, parse_date, read_csv_rows, require_choice

SEED_FILE = SEED_DIR / "challenge_questions.csv"
MAX_SCORE = 4
SCORE_DESCRIPTORS = {
    0: "Not in place: no arrangements and no evidence.",
    1: "Starting: some awareness, little in practice yet.",
    2: "Developing: in place in some services or some of the time.",
    3: "Established: consistent practice across the service, with evidence.",
    4: "Leading: embedded, reviewed and improved, with evidence of better outcomes.",
}
MAX_TEXT = 4000


@dataclass(frozen=True)
class Answer:
    item_id: str
    answer: str = ""
    score: int | None = None
    evidence: str = ""


def read_seed() -> list[dict]:
    """The principles and challenge questions, checked (row and column named on error)."""
    rows = []
    for line, row in read_csv_rows(SEED_FILE):
        where = f"{SEED_FILE.name}, row {line}"
        require_choice(row, "kind", ("principle", "question"), where)
        if not row["source"].strip():
            raise DomainError(f"{where}, column 'source': every item needs its source in the document")
        rows.append({**row, "position": int(row["position"])})
    principle_ids = {r["item_id"] for r in rows if r["kind"] == "principle"}
    for line, row in enumerate(rows, start=2):
        if row["principle_id"] not in principle_ids:
            raise DomainError(f"{SEED_FILE.name}, row {line}, column 'principle_id': unknown '{row['principle_id']}'")
    return rows


def seed(db: store.Database) -> int:
    """Load the items (idempotent)."""
    with store.transaction(db):
        return insert_missing(db, "assessment_items", "item_id", read_seed())


def list_items(db: store.Database) -> pd.DataFrame:
    """Every item in order: principles first, then the challenge questions by heading."""
    columns = ["item_id", "kind", "position", "section", "principle_id", "title", "text", "source", "link"]
    return pd.DataFrame(list(db.query("SELECT * FROM assessment_items ORDER BY position, item_id")), columns=columns)


def principles(db: store.Database) -> pd.DataFrame:
    """The eight principles: id and title."""
    items = list_items(db)
    return items[items["kind"] == "principle"][["item_id", "title"]].reset_index(drop=True)


def _clean_answer(item_id: str, answer: Answer) -> Answer:
    where = f"Question {item_id}"
    score = answer.score
    if score is not None and not (isinstance(score, float) and pd.isna(score)):
        try:
            number = float(score)
        except (TypeError, ValueError):
            raise DomainError(f"{where}, field 'score': '{score}' is not a score from 0 to {MAX_SCORE}.") from None
        if not number.is_integer() or not 0 <= number <= MAX_SCORE:
            raise DomainError(f"{where}, field 'score': {score} should be a whole number from 0 to {MAX_SCORE}.")
        score = int(number)
    else:
        score = None
    for field in ("answer", "evidence"):
        if len(getattr(answer, field) or "") > MAX_TEXT:
            raise DomainError(f"{where}, field '{field}': keep it under {MAX_TEXT:,} characters.")
    return Answer(item_id, (answer.answer or "").strip(), score, (answer.evidence or "").strip())


def save_assessment(
    db: store.Database,
    *,
    name: str,
    assessed_on,
    answers: list[Answer],
    who: str | None = None,
    service: str = "",
    actor: policy.Actor | None = None,
    expected_version: int | None = None,
) -> int:
    """Save (or replace, for the same name and date) an assessment; all-or-nothing,
    audited with the "before" read in the same transaction. Returns its id. Raises
    DomainError naming the question and field. ``expected_version``: the version of the
    assessment with this name and date that the person loaded, 0 if they started a new
    one; ``StaleEdit`` if someone saved it since (None: replace without checking)."""
    actor = policy.actor_or_name(actor, who)
    name = (name or "").strip()
    if not name:
        raise DomainError("Give the assessment a name, e.g. 'Adult social care 2026'.")
    if not (actor.signed_in or actor.name.strip()):
        raise DomainError("Say who is saving the assessment (your name).")
    policy.require(actor, "self_assessment.edit")
    who = actor.label
    day = parse_date(assessed_on, where="Assessment, field 'date'")
    known = set(list_items(db)["item_id"])
    problems, cleaned = [], []
    for answer in answers:
        if answer.item_id not in known:
            problems.append(f"Question {answer.item_id} is not one of the challenge questions.")
            continue
        try:
            cleaned.append(_clean_answer(answer.item_id, answer))
        except DomainError as error:
            problems.append(str(error))
    if problems:
        raise DomainError("Nothing was saved. " + " ".join(problems), problems=problems)
    with store.transaction(db):
        existing = versioned.check_version(
            db, "assessments", {"name": name, "assessed_on": day.isoformat()}, expected_version, {"service": service.strip()},
            entity="self_assessment", changed_by=("saved_by", "saved_at"),
            label=f"The assessment '{name}' for {uk_date(day)}")
        before = None
        if existing:
            assessment_id = existing["assessment_id"]
            before = _answers_json(db, assessment_id)
            db.execute("DELETE FROM assessment_answers WHERE assessment_id = :id", {"id": assessment_id})
            db.execute("UPDATE assessments SET service = :service, saved_at = :at, saved_by = :who, version = version + 1 "
                       "WHERE assessment_id = :id",
                       {"service": service.strip(), "at": store.now_iso(), "who": who.strip(), "id": assessment_id})
        else:
            assessment_id = db["assessments"].insert({
                "name": name, "service": service.strip(), "assessed_on": day.isoformat(),
                "saved_at": store.now_iso(), "saved_by": who.strip(),
            }).last_pk
        db["assessment_answers"].insert_all(
            [{"assessment_id": assessment_id, "item_id": a.item_id, "answer": a.answer, "score": a.score,
              "evidence": a.evidence} for a in cleaned]
        )
        versioned.record_audit(db, entity="self_assessment", entity_id=assessment_id,
                           action="replace assessment" if existing else "save assessment", who=who.strip(),
                           before=before, after=_answers_json(db, assessment_id))
    return int(assessment_id)


def _answers_json(db: store.Database, assessment_id: int) -> dict:
    return {r["item_id"]: {"score": r["score"], "answer": r["answer"], "evidence": r["evidence"]}
            for r in db.query("SELECT * FROM assessment_answers WHERE assessment_id = :id ORDER BY item_id", {"id": assessment_id})}


def list_assessments(db: store.Database) -> pd.DataFrame:
    """Saved assessments, newest date first, with how many items were scored."""
    sql = (
        "SELECT a.assessment_id, a.name, a.service, a.assessed_on, a.saved_at, a.saved_by, "
        "COUNT(x.score) AS scored, a.version FROM assessments a "
        "LEFT JOIN assessment_answers x USING (assessment_id) "
        "GROUP BY a.assessment_id, a.name, a.service, a.assessed_on, a.saved_at, a.saved_by, a.version "
        "ORDER BY a.assessed_on DESC, a.assessment_id DESC"
    )
    columns = ["assessment_id", "name", "service", "assessed_on", "saved_at", "saved_by", "scored", "version"]
    return pd.DataFrame(list(db.query(sql)), columns=columns)


def load_answers(db: store.Database, assessment_id: int) -> dict[str, Answer]:
    """A saved assessment's answers by item id."""
    if not db.execute("SELECT 1 FROM assessments WHERE assessment_id = :id", {"id": assessment_id}).fetchone():
        raise DomainError(f"Saved assessment {assessment_id} does not exist.")
    return {r["item_id"]: Answer(r["item_id"], r["answer"], r["score"], r["evidence"])
            for r in db.query("SELECT * FROM assessment_answers WHERE assessment_id = :id ORDER BY item_id", {"id": assessment_id})}


def results_by_principle(items: pd.DataFrame, answers: dict[str, Answer]) -> pd.DataFrame:
    """Per principle: items, how many scored, mean score (0-4) and as % of the maximum.
    Unscored items are left out of the mean (and counted as not scored)."""
    rows = []
    for principle in items[items["kind"] == "principle"].itertuples():
        own = items[items["principle_id"] == principle.item_id]["item_id"]
        scores = [answers[i].score for i in own if i in answers and answers[i].score is not None]
        mean = sum(scores) / len(scores) if scores else None
        rows.append({
            "Principle": principle.item_id,
            "Title": principle.title,
            "Items": len(own),
            "Scored": len(scores),
            "Mean score (0-4)": None if mean is None else round(mean, 2),
            "% of maximum": None if mean is None else round(mean / MAX_SCORE * 100, 1),
        })
    return pd.DataFrame(rows)


def comparison(db: store.Database, assessment_ids: list[int]) -> pd.DataFrame:
    """Mean score per principle for each chosen saved assessment, in long form:
    Assessment ('name, 24 November 2026'), Principle, Title, Mean score (0-4)."""
    items = list_items(db)
    saved = list_assessments(db).set_index("assessment_id")
    frames = []
    for assessment_id in assessment_ids:
        result = results_by_principle(items, load_answers(db, assessment_id))
        meta = saved.loc[assessment_id]
        result.insert(0, "Assessment", f"{meta['name']}, {uk_date(meta['assessed_on'])}")
        frames.append(result[["Assessment", "Principle", "Title", "Mean score (0-4)"]])
    if not frames:
        return pd.DataFrame(columns=["Assessment", "Principle", "Title", "Mean score (0-4)"])
    return pd.concat(frames, ignore_index=True)


def answers_table(items: pd.DataFrame, answers: dict[str, Answer]) -> pd.DataFrame:
    """Every item with its answer, score, descriptor and evidence (for export)."""
    rows = []
    for item in items.itertuples():
        answer = answers.get(item.item_id, Answer(item.item_id))
        rows.append({
            "Item": item.item_id,
            "Principle": item.principle_id,
            "Heading": item.section,
            "Question or principle": item.text,
            "Answer": answer.answer,
            "Score (0-4)": answer.score,
            "Descriptor": SCORE_DESCRIPTORS.get(answer.score, "Not scored"),
            "Evidence": answer.evidence,
            "Source": item.source,
        })
    return pd.DataFrame(rows)
