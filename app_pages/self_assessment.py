"""Commissioning self-assessment: the eight principles of good commissioning and the
Appendix 1 challenge questions, answered and scored 0-4 with evidence; results per
principle; saved by name and date, compared over time and exported."""

import datetime as dt

import streamlit as st

from models import self_assessment as sa
from models.errors import DomainError
from ui.auth import acting_as
from ui import outcomes as outcomes_ui
from ui.charts import show_chart
from ui.data import data_version, database, database_path
from ui.downloads import download_table
from ui.edits import show_error
from ui.format import uk_date

st.title("Commissioning self-assessment")
st.markdown(
    "For service managers: the framework's **eight principles of good commissioning** and its "
    "**Appendix 1 challenge questions**. Give each an answer, a score from 0 to 4 and the evidence; "
    "save the assessment under a name and date, then compare it with earlier ones."
)

outcomes_ui.show_flash("self_assessment")

db_path, version = database_path(), data_version()
items = outcomes_ui.assessment_items(db_path, version)
saved = outcomes_ui.saved_assessments(db_path, version)
titles = dict(zip(items["item_id"], items["title"]))

with st.expander("What the scores mean", expanded=True):
    st.markdown("\n".join(f"- **{score}**: {words}" for score, words in sa.SCORE_DESCRIPTORS.items()))
    st.caption(
        "A principle's result is the mean score of its own statement and the challenge questions linked to it. "
        "The document lists the questions under three headings; the link of each question to a principle is the "
        "dashboard's reading, shown under each question."
    )


def saved_label(assessment_id: int) -> str:
    row = saved[saved["assessment_id"] == assessment_id].iloc[0]
    service = f" ({row['service']})" if row["service"] else ""
    return f"{row['name']}, {uk_date(row['assessed_on'])}{service}"


def load_into_form(assessment_id: int) -> None:
    """Callback: fill the form's widgets with a saved assessment."""
    with database() as db:
        answers = sa.load_answers(db, assessment_id)
    row = saved[saved["assessment_id"] == assessment_id].iloc[0]
    st.session_state["self_assessment.name"] = row["name"]
    st.session_state["self_assessment.service"] = row["service"]
    st.session_state["self_assessment.date"] = dt.date.fromisoformat(row["assessed_on"]).strftime("%d/%m/%Y")
    for item_id in items["item_id"]:
        answer = answers.get(item_id, sa.Answer(item_id))
        st.session_state[f"self_assessment.score.{item_id}"] = answer.score
        st.session_state[f"self_assessment.answer.{item_id}"] = answer.answer
        st.session_state[f"self_assessment.evidence.{item_id}"] = answer.evidence
    # The version loaded: saving under the same name and date replaces exactly this one.
    st.session_state["self_assessment.loaded"] = (row["name"], row["assessed_on"], int(row["version"]))
    st.session_state["self_assessment.flash"] = f"Loaded '{saved_label(assessment_id)}' into the form."


def version_loaded(name: str, assessed_on: str) -> int:
    """The version of the assessment with this name and date that was loaded into the
    form, or 0 (a new assessment: one saved meanwhile under the same name and date is
    then not overwritten)."""
    loaded_name, loaded_on, loaded_version = st.session_state.get("self_assessment.loaded", ("", "", 0))
    try:
        day = sa.parse_date(assessed_on, where="Assessment, field 'date'").isoformat()
    except DomainError:
        return 0
    return loaded_version if (name.strip(), day) == (loaded_name, loaded_on) else 0


if not saved.empty:
    open_column, button_column = st.columns([3, 1])
    to_open = open_column.selectbox("Open a saved assessment", list(saved["assessment_id"]), format_func=saved_label,
                                    key="self_assessment.open")
    button_column.write("")
    button_column.button("Load into the form", key="self_assessment.load", on_click=load_into_form, args=(to_open,))

st.header("Assessment")
with st.form("self_assessment.form"):
    first, second, third = st.columns(3)
    name = first.text_input("Name of this assessment", key="self_assessment.name",
                            placeholder="e.g. Adult social care commissioning")
    service = second.text_input("Service", key="self_assessment.service")
    assessed_on = third.text_input("Date (DD/MM/YYYY)", key="self_assessment.date",
                                   value=dt.date.today().strftime("%d/%m/%Y"))
    for section in items["section"].drop_duplicates():
        st.subheader(section)
        for item in items[items["section"] == section].itertuples():
            with st.container(border=True):
                # The document prints principles as list items ending in ';': shown as sentences.
                st.markdown(f"**{item.item_id}.** {item.text.rstrip(';')}")
                if item.kind == "question":
                    st.caption(f"Counts towards {item.principle_id}: {titles.get(item.principle_id, '')}")
                left, middle, right = st.columns([1, 2, 2])
                left.selectbox(
                    f"Score ({item.item_id})",
                    [None, 0, 1, 2, 3, 4],
                    format_func=lambda v: "Not scored" if v is None else f"{v}: {sa.SCORE_DESCRIPTORS[v].split(':')[0]}",
                    key=f"self_assessment.score.{item.item_id}",
                )
                middle.text_area(f"Answer ({item.item_id})", key=f"self_assessment.answer.{item.item_id}", height=80)
                right.text_area(f"Evidence ({item.item_id})", key=f"self_assessment.evidence.{item.item_id}",
                                height=80)
    who = st.text_input("Your name", key="self_assessment.who")
    submitted = st.form_submit_button("Save assessment", type="primary", key="self_assessment.save")

if submitted:
    answers = [
        sa.Answer(
            item_id,
            st.session_state.get(f"self_assessment.answer.{item_id}", ""),
            st.session_state.get(f"self_assessment.score.{item_id}"),
            st.session_state.get(f"self_assessment.evidence.{item_id}", ""),
        )
        for item_id in items["item_id"]
    ]
    try:
        with database() as db:
            assessment_id = sa.save_assessment(db, name=name, assessed_on=assessed_on, service=service,
                                               answers=answers, actor=acting_as(who),
                                               expected_version=version_loaded(name, assessed_on))
            saved_now = sa.list_assessments(db)
        row = saved_now[saved_now["assessment_id"] == assessment_id].iloc[0]
        st.session_state["self_assessment.loaded"] = (row["name"], row["assessed_on"], int(row["version"]))
        st.session_state["self_assessment.results_for"] = assessment_id
        outcomes_ui.rerun_with_flash("self_assessment", f"Saved '{name.strip()}' for {assessed_on.strip()}.")
    except DomainError as error:
        show_error(error, key="self_assessment.stale")

st.header("Results")
if saved.empty:
    st.info("Save an assessment to see its results per principle and compare it over time.")
    st.stop()

ids = list(saved["assessment_id"])
if st.session_state.get("self_assessment.results_for") not in ids:
    st.session_state["self_assessment.results_for"] = ids[0]
chosen = st.selectbox("Results for", ids, format_func=saved_label, key="self_assessment.results_for")
answers = outcomes_ui.saved_answers(db_path, version, int(chosen))
results = sa.results_by_principle(items, answers)
scored = results.dropna(subset=["Mean score (0-4)"])
if scored.empty:
    st.warning("No item of this assessment has a score yet.")
else:
    show_chart(
        outcomes_ui.principle_chart(results),
        title=f"Mean score per principle: {saved_label(int(chosen))}",
        description=(
            f"Bar chart of the mean score (0 to 4) for {len(scored)} of 8 principles with at least one score. "
            f"Highest: {scored.loc[scored['Mean score (0-4)'].idxmax(), 'Title']}; "
            f"lowest: {scored.loc[scored['Mean score (0-4)'].idxmin(), 'Title']}."
        ),
        table=results,
        key="self_assessment.results",
    )
download_table(
    sa.answers_table(items, answers),
    file_stem="commissioning-self-assessment",
    key="self_assessment.download",
    label="this assessment",
    notes=[f"Commissioning self-assessment: {saved_label(int(chosen))}.",
           "Principles and challenge questions from 'Inform, Consult, Involve, Devolve' (August 2008), Appendix 1."],
)

st.subheader("Compare over time")
compare = st.multiselect("Assessments to compare", ids, default=ids[:3], format_func=saved_label,
                         key="self_assessment.compare")
if compare:
    compared = outcomes_ui.assessment_comparison(db_path, version, tuple(int(i) for i in compare))
    show_chart(
        outcomes_ui.principle_chart(compared, colour_field="Assessment"),
        title="Mean score per principle, assessments compared",
        description=f"Grouped bar chart of the mean score (0 to 4) per principle for {len(compare)} saved assessments.",
        table=compared,
        key="self_assessment.compare_chart",
    )
