"""Cached readers, the consultation form and the Compact charts shared by the consultation
log, the Compact dashboard and the managers' toolkit (drawing only; the meaning is in
models/consultations.py and models/compact.py)."""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import streamlit as st

from models import action_plan, compact, consultations, organisations, tender_records
from models.formatting import uk_date, uk_short_date

from .charts import PALETTE
from .data import reader

LOG_PAGE = "app_pages/consultations.py"
COMPACT_PAGE = "app_pages/compact.py"
TOOLKIT_PAGE = "app_pages/consultation_toolkit.py"


# --------------------------------------------------------------------------- readers


consultation_list = reader(consultations.list_consultations)
consultation = reader(consultations.get)
participants = reader(consultations.participants)
consultation_audit = reader(consultations.audit_trail)
departments = reader(consultations.departments)
funding_rows = reader(compact.funding_rows)
self_assessed = reader(compact.self_assessed)
actions = reader(action_plan.list_actions)
organisation_names = reader(organisations.names)


@reader
def compact_results(db, today: dt.date) -> pd.DataFrame:
    return compact.assess(db, today)


@reader
def tender_choices(db) -> dict[int, str]:
    """Stored tenders as {id: 'name (id 3)'} for the link picker."""
    return {t.id: f"{t.name} (tender {t.id})" for t in tender_records.list_tenders(db)}


# --------------------------------------------------------------------------- tables


LOG_COLUMNS = {
    "consultation_id": "Id", "subject": "Subject", "department": "Department", "service": "Service",
    "status": "Status", "start_date": "Starts", "end_date": "Ends", "method": "Method", "invited": "Invited",
    "took_part": "Took part", "responses": "Responses", "feedback_published_on": "Feedback published",
    "decision_kind": "Decision informed", "tenders": "Tenders", "actions": "Actions",
}


def log_table(log: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """The consultation log as shown and downloaded: users' column names, UK dates."""
    table = log.copy()
    table["status"] = [consultations.status(r, today) for r in log.to_dict(orient="records")]
    for column in ("start_date", "end_date", "feedback_published_on"):
        table[column] = [uk_date(v) if isinstance(v, str) else "" for v in log[column]]
    table["responses"] = table["responses"].astype("Int64")
    return table[list(LOG_COLUMNS)].rename(columns=LOG_COLUMNS)


def filter_log(table: pd.DataFrame, departments: list[str], statuses: list[str]) -> pd.DataFrame:
    """The log's rows in the chosen departments and statuses (all when none chosen)."""
    keep = pd.Series(True, index=table.index)
    if departments:
        keep &= table["Department"].isin(departments)
    if statuses:
        keep &= table["Status"].isin(statuses)
    return table[keep]


# --------------------------------------------------------------------------- the form


def _shown_date(value) -> str:
    """A stored ISO date (or a date) as the form shows it: '05/01/2026'."""
    return uk_short_date(value) if value else ""


def consultation_form(prefix: str, values: dict, *, db_path: str, version: int, show_outcome: bool = True) -> dict:
    """Draw the consultation's fields (inside an ``st.form``) from ``values`` and return
    what was entered, in the shape ``models.consultations.validate`` reads."""
    first, second = st.columns(2)
    entered = {
        "subject": first.text_input("Subject", value=values.get("subject", ""), key=f"{prefix}.subject",
                                    max_chars=consultations.MAX_SHORT),
        "department": second.text_input("Department", value=values.get("department", ""), key=f"{prefix}.department",
                                        max_chars=consultations.MAX_SHORT, help="e.g. Adult Social Care"),
        "service": first.text_input("Service", value=values.get("service", ""), key=f"{prefix}.service",
                                    max_chars=consultations.MAX_SHORT),
    }
    methods = list(consultations.METHODS)
    entered["method"] = second.selectbox("Method", methods, key=f"{prefix}.method",
                                         index=methods.index(values["method"]) if values.get("method") in methods else 0)
    entered["start_date"] = first.text_input("Start date (DD/MM/YYYY)", value=_shown_date(values.get("start_date")),
                                             key=f"{prefix}.start_date", placeholder="05/01/2026")
    entered["end_date"] = second.text_input("End date (DD/MM/YYYY)", value=_shown_date(values.get("end_date")),
                                            key=f"{prefix}.end_date", placeholder="10/04/2026")
    entered["shorter_reason"] = st.text_input(
        "Reason it is shorter than the Compact's 12 weeks (only if it is)", value=values.get("shorter_reason", ""),
        key=f"{prefix}.shorter_reason")

    options = st.session_state.get(f"{prefix}.org_options") or sorted(
        set(values.get("invited_orgs", [])) | set(values.get("took_part_orgs", [])))
    names = organisation_names(db_path, version, tuple(sorted(set(options) | set(values.get("invited_orgs", []))
                                                               | set(values.get("took_part_orgs", [])))))
    invited_options = sorted(set(options) | set(values.get("invited_orgs", [])), key=lambda o: names.get(o, o))
    entered["invited_orgs"] = st.multiselect(
        "Directory organisations invited", invited_options, default=values.get("invited_orgs", []),
        format_func=lambda o: f"{names.get(o, o)} ({o})", key=f"{prefix}.invited_orgs",
        help="Choose from organisations found by theme and district on the toolkit page, or type to search.")
    entered["invited_groups"] = st.text_area(
        "Groups invited that are not in the directory (one a line)", value="\n".join(values.get("invited_groups", [])),
        key=f"{prefix}.invited_groups", height=80)
    if show_outcome:
        took_part_options = sorted(set(invited_options) | set(values.get("took_part_orgs", [])),
                                   key=lambda o: names.get(o, o))
        entered["took_part_orgs"] = st.multiselect(
            "Directory organisations that took part", took_part_options, default=values.get("took_part_orgs", []),
            format_func=lambda o: f"{names.get(o, o)} ({o})", key=f"{prefix}.took_part_orgs")
        entered["took_part_groups"] = st.text_area(
            "Groups that took part, not in the directory (one a line)",
            value="\n".join(values.get("took_part_groups", [])), key=f"{prefix}.took_part_groups", height=80)
        first, second = st.columns(2)
        responses = values.get("responses")
        entered["responses"] = first.text_input("Number of responses", value="" if responses is None else str(responses),
                                                key=f"{prefix}.responses")
        entered["feedback_published_on"] = second.text_input(
            "Feedback ('you said, we did') published on (DD/MM/YYYY)",
            value=_shown_date(values.get("feedback_published_on")), key=f"{prefix}.feedback_published_on")
        entered["summary"] = st.text_area("Summary of responses", value=values.get("summary", ""),
                                          key=f"{prefix}.summary", max_chars=consultations.MAX_TEXT)
        entered["feedback_text"] = st.text_area("Feedback text ('you said, we did')", value=values.get("feedback_text", ""),
                                                key=f"{prefix}.feedback_text", max_chars=consultations.MAX_TEXT)

    st.markdown("**The decision it informed**")
    first, second = st.columns(2)
    kinds = list(consultations.DECISION_KINDS)
    entered["decision_kind"] = first.selectbox(
        "Kind of decision", kinds, index=kinds.index(values.get("decision_kind") or ""),
        format_func=lambda k: k or "Not yet known", key=f"{prefix}.decision_kind")
    entered["decision"] = second.text_input("The decision, in words", value=values.get("decision", ""),
                                            key=f"{prefix}.decision")
    tenders = tender_choices(db_path, version)
    linked = {t["tender_id"]: t.get("tender_notice_on") for t in values.get("tenders", [])}
    chosen = first.multiselect("Tenders it informed", list(tenders), default=[t for t in linked if t in tenders],
                               format_func=tenders.get, key=f"{prefix}.tenders",
                               placeholder="No tender" if tenders else "No tenders in the app yet")
    notice = second.text_input("Tender notice published (or planned) on (DD/MM/YYYY)",
                               value=_shown_date(next((d for d in linked.values() if d), None)),
                               key=f"{prefix}.tender_notice_on",
                               help="For the 'providers consulted before a tender notice' check.")
    entered["tenders"] = [{"tender_id": t, "tender_notice_on": notice} for t in chosen]
    plan = actions(db_path, version, action_plan.ActionFilter())
    action_labels = {r.action_id: f"{r.action_id}: {r.proposal[:70]}" for r in plan.itertuples(index=False)}
    entered["actions"] = first.multiselect("Action-plan rows it informed", list(action_labels),
                                           default=values.get("actions", []), format_func=action_labels.get,
                                           key=f"{prefix}.actions")
    entered["agreement_ref"] = second.text_input("Agreement it informed (id or reference)",
                                                 value=values.get("agreement_ref", ""), key=f"{prefix}.agreement_ref")
    return entered


# --------------------------------------------------------------------------- charts


def over_time_chart(summary: pd.DataFrame) -> alt.Chart:
    """% met per check per financial year: one line per check, with points and tooltips."""
    data = summary.dropna(subset=["% met"])
    return alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=70, filled=True)).encode(
        x=alt.X("Financial year:N", title="Financial year", sort="ascending"),
        y=alt.Y("% met:Q", title="% meeting the standard", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("Check:N", title="Check", scale=alt.Scale(range=PALETTE),
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=400)),
        tooltip=[alt.Tooltip("Check:N"), alt.Tooltip("Financial year:N"), alt.Tooltip("% met:Q", format=".1f"),
                 alt.Tooltip("Judged:Q", title="Records judged")],
    ).properties(height=320)


def beside_chart(beside: pd.DataFrame) -> alt.Chart:
    """Measured % met beside self-assessed % of maximum, per check (grouped bars)."""
    long = beside.melt(id_vars=["Check", "Principle"], value_vars=["Measured (% met)", "Self-assessed (% of maximum)"],
                       var_name="Measure", value_name="Percent").dropna(subset=["Percent"])
    long["Check"] = long["Check"] + " (" + long["Principle"] + ")"
    return alt.Chart(long).mark_bar().encode(
        y=alt.Y("Check:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
        yOffset="Measure:N",
        x=alt.X("Percent:Q", title="Percent", scale=alt.Scale(domain=[0, 100])),
        color=alt.Color("Measure:N", title=None, scale=alt.Scale(range=["#1d70b8", "#b35c00"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("Check:N"), alt.Tooltip("Measure:N"), alt.Tooltip("Percent:Q", format=".1f")],
    ).properties(height=alt.Step(14))


def _percent(value) -> str:
    return "no records" if value is None or value != value else f"{value:.1f}%"


def beside_description(beside: pd.DataFrame) -> str:
    """The measured-beside-self-assessed chart in words."""
    return ("Grouped bars per check: the percentage meeting the Compact standard, measured from records, beside the "
            "latest self-assessment's score for the principle the check measures (as a percentage of the maximum "
            "score). " + "; ".join(
                f"{r['Check']}: measured {_percent(r['Measured (% met)'])}, self-assessed "
                f"{_percent(r['Self-assessed (% of maximum)'])}" for r in beside.to_dict(orient="records")) + ".")


PERCENT_COLUMNS = ("% met", "Measured (% met)", "Self-assessed (% of maximum)")


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """A results table for the page and downloads: percentages as '50.0%', differences as
    '+12.5', and a dash where there is nothing to show (never 'None')."""
    table = frame.copy()
    for column in table.columns:
        if column in PERCENT_COLUMNS:
            table[column] = [_percent(v).replace("no records", "–") for v in frame[column]]
        elif column == "Difference (points)":
            table[column] = ["–" if v is None or v != v else f"{v:+.1f}" for v in frame[column]]
        elif column == "Met":
            table[column] = ["–" if v is None or v != v else f"{int(v)}" for v in frame[column]]
    return table


def headline(row: dict) -> str:
    """A check's council-wide figure for its metric: '50.0%', 'Not yet due' or 'No records'."""
    if row["% met"] is not None and row["% met"] == row["% met"]:
        return f"{row['% met']:.1f}%"
    return "Not yet due" if row["Not yet due"] else "No records"
