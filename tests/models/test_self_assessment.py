"""The commissioning self-assessment: the document's principles and questions, saving and
reloading, replacing, rejecting bad scores, results per principle, comparison, export."""

from __future__ import annotations

import io

import openpyxl
import pytest

from models import self_assessment as sa
from models import versioned
from models.errors import DomainError
from models.export import xlsx_bytes
from tests.conftest import SHARED_SEED

DOCUMENT = SHARED_SEED / "000_f5eb6f90384de5b3.txt"


def test_eight_principles_and_fifteen_questions_with_sources(db):
    items = sa.list_items(db)
    assert (items["kind"] == "principle").sum() == 8
    assert (items["kind"] == "question").sum() == 15
    assert items["source"].str.contains("Inform, Consult, Involve, Devolve").all()
    assert set(items[items["kind"] == "question"]["section"]) == {
        "Understanding service needs", "Understanding the market", "Effective procurement"}
    # Every principle has at least its own statement to score.
    assert set(items["principle_id"]) == set(sa.principles(db)["item_id"])


def test_items_are_the_documents_words(db):
    if not DOCUMENT.exists():
        pytest.skip(f"framework document not found at {DOCUMENT}: this test needs ../shared/seed")
    text = " ".join(DOCUMENT.read_text(encoding="utf-8").replace("**", "").split())
    for item in sa.list_items(db).itertuples():
        assert item.text in text, item.text


def answers(score_for: dict[str, int | None]) -> list[sa.Answer]:
    return [sa.Answer(item_id, f"answer {item_id}", score, f"evidence {item_id}") for item_id, score in score_for.items()]


def test_save_and_reload(db):
    assessment_id = sa.save_assessment(
        db, name="Adult social care", assessed_on="24/11/2026", service="Adults",
        answers=answers({"P1": 3, "Q1": 1, "Q2": 2, "P7": None}), who="Manager",
    )
    loaded = sa.load_answers(db, assessment_id)
    assert loaded["P1"] == sa.Answer("P1", "answer P1", 3, "evidence P1")
    assert loaded["P7"].score is None
    saved = sa.list_assessments(db).iloc[0]
    assert (saved["name"], saved["assessed_on"], saved["scored"]) == ("Adult social care", "2026-11-24", 3)
    assert versioned.audit_entries(db, "self_assessment", assessment_id)[0]["action"] == "save assessment"


def test_results_per_principle(db):
    assessment_id = sa.save_assessment(
        db, name="A", assessed_on="2026-11-24", answers=answers({"P1": 3, "Q1": 1, "Q2": 2, "P7": 4}), who="M")
    results = sa.results_by_principle(sa.list_items(db), sa.load_answers(db, assessment_id)).set_index("Principle")
    assert results.loc["P1", "Items"] == 3 and results.loc["P1", "Scored"] == 3
    assert results.loc["P1", "Mean score (0-4)"] == 2.0
    assert results.loc["P1", "% of maximum"] == 50.0
    assert results.loc["P7", "Mean score (0-4)"] == 4.0
    assert results["Mean score (0-4)"].isna().sum() == 6  # P2-P6, P8 not scored


def test_same_name_and_date_replaces_and_compare_over_time(db):
    first = sa.save_assessment(db, name="Children", assessed_on="01/04/2026", answers=answers({"P1": 1}), who="M")
    again = sa.save_assessment(db, name="Children", assessed_on="01/04/2026", answers=answers({"P1": 2}), who="M")
    assert first == again and len(sa.list_assessments(db)) == 1
    assert versioned.audit_entries(db, "self_assessment", first)[0]["action"] == "replace assessment"
    later = sa.save_assessment(db, name="Children", assessed_on="01/10/2026", answers=answers({"P1": 4}), who="M")
    compared = sa.comparison(db, [first, later])
    p1 = compared[compared["Principle"] == "P1"]
    assert list(p1["Assessment"]) == ["Children, 1 April 2026", "Children, 1 October 2026"]
    assert list(p1["Mean score (0-4)"]) == [2.0, 4.0]


@pytest.mark.parametrize("score, message", [(5, "0 to 4"), (-1, "0 to 4"), (2.5, "whole number"), ("good", "not a score")])
def test_bad_score_saves_nothing(db, score, message):
    with pytest.raises(DomainError, match=message) as error:
        sa.save_assessment(db, name="X", assessed_on="2026-11-24", answers=answers({"P1": 2, "Q3": score}), who="M")
    assert "Q3" in str(error.value)
    assert sa.list_assessments(db).empty


def test_needs_name_date_and_known_questions(db):
    with pytest.raises(DomainError, match="name"):
        sa.save_assessment(db, name=" ", assessed_on="2026-11-24", answers=[], who="M")
    with pytest.raises(DomainError, match="not a date"):
        sa.save_assessment(db, name="X", assessed_on="2026-24-11", answers=[], who="M")
    with pytest.raises(DomainError, match="Q99"):
        sa.save_assessment(db, name="X", assessed_on="2026-11-24", answers=answers({"Q99": 1}), who="M")


def test_export_has_every_item_with_descriptor(db):
    assessment_id = sa.save_assessment(db, name="E", assessed_on="2026-11-24", answers=answers({"Q15": 4}), who="M")
    table = sa.answers_table(sa.list_items(db), sa.load_answers(db, assessment_id))
    assert len(table) == 23
    row = table[table["Item"] == "Q15"].iloc[0]
    assert row["Descriptor"] == sa.SCORE_DESCRIPTORS[4]
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"Answers": table})))
    assert workbook["Answers"].max_row == 24
