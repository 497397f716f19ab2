"""Cached readers, tables and charts for the Agreements and Monitoring pages, and the
delivery-record panel the tender page shows for its bidders (drawing only; the meaning is
in models/agreements.py, models/monitoring.py and models/investment.py)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from models import agreement_sources, agreements, investment, monitoring, policy, sroi

from .auth import current_actor
from .charts import PALETTE, POUNDS_AXIS_LABELS, show_chart
from .data import data_version, database_path, reader
from .downloads import download_table
from .flash import rerun_with_flash as after_write, show_flash  # noqa: F401 (pages call agreements_ui.*)
from .format import money, money_column_config, percent, uk_date, uk_short_date
from .problems import show_problems

list_frame = reader(agreements.list_frame)
years_used = reader(agreements.years_used)
value_by_year_and_type = reader(agreements.value_by_year_and_type)
get = reader(agreements.get)
audit = reader(agreements.audit)
devolve_shares = reader(investment.devolve_shares)
outcome_investment = reader(investment.outcome_investment)
computed_indicators = reader(investment.computed_indicators)
status_frame = reader(monitoring.status_frame)
promised_against_delivered = reader(monitoring.promised_against_delivered)
realised_sroi = reader(monitoring.realised_sroi)
returns_due = reader(monitoring.returns_due)
delivery_record = reader(monitoring.delivery_record)
provider_ids_for = reader(monitoring.provider_ids_for)
spend_suggestions = reader(agreement_sources.spend_suggestions)
provider_candidates = reader(agreement_sources.provider_candidates)

STATUS_COLOURS = alt.Scale(
    domain=list(monitoring.STATUSES), range=["#00703c", "#b35c00", "#d4351c", "#1d70b8", "#912b88", "#505a5f"])
TYPE_COLOURS = alt.Scale(domain=["Contract", "Grant", "Investment in capacity"], range=PALETTE[:3])  # as the spend explorer


def actor(page_key: str) -> policy.Actor:
    """Who is acting on this page: the signed-in person, or with sign-in off the name typed
    in the sidebar (``page_key`` is kept for callers; the identity is the app's, not the page's)."""
    return current_actor()



def show_error(error: Exception) -> None:
    """A domain error in words, with each listed problem (never a traceback): ``ui.show_problems``."""
    show_problems(error, "Nothing was saved." if len(getattr(error, "problems", []) or []) > 1 else None)


def pounds(pence_series) -> pd.Series:
    return pd.Series(pence_series, dtype="float64") / 100


# --------------------------------------------------------------------------- tables


def agreements_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The agreements list as shown and downloaded (value in pounds)."""
    return pd.DataFrame({
        "Reference": frame["reference"], "Title": frame["title"],
        "Type": frame["agreement_type"].map(agreements.TYPES), "Provider": frame["provider_name"],
        "Provider id": frame["provider_org_id"], "Body": frame["body"], "Department": frame["department"],
        "Start": frame["start_date"].map(uk_date), "End": frame["end_date"].map(uk_date),
        "Value (£)": pounds(frame["value_pence"]).values, "Multi-year": frame["multi_year"].map({True: "Yes", False: "No"}),
        "Awarded by": frame["award_route"].map(agreements.ROUTES),
        "Full cost costing": frame["costing_name"].fillna(""), "Reporting": frame["reporting"],
        "Created": frame["origin"].map(agreements.ORIGINS),
    })


def status_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Measure": frame["measure"], "Kind": frame["kind"].map(agreements.MEASURE_KINDS), "Unit": frame["unit"],
        "Period": frame["period"], "From": frame["start_date"].map(uk_date), "To": frame["end_date"].map(uk_date),
        "Return due": frame["due_date"].map(uk_date), "Target": frame["target"].round(2),
        "Delivered": frame["delivered"], "Achieved (%)": (frame["achieved"].astype(float) * 100).round(1),
        "Status": frame["status"], "Evidence": frame["evidence"], "Recorded by": frame["recorded_by"],
    })


def promised_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Commitment": frame["measure"], "Proxy (£ a unit)": pounds(frame["proxy_pence"]).values,
        "Promised over the agreement": frame["promised_quantity"].round(2),
        "Promised value (£)": pounds(frame["promised_pence"]).values,
        "Promised for periods reported": frame["promised_to_date_quantity"].round(2),
        "Promised to date (£)": pounds(frame["promised_to_date_pence"]).values,
        "Delivered": frame["delivered_quantity"], "Delivered value (£)": pounds(frame["delivered_pence"]).values,
        "Difference (£)": pounds(frame["difference_pence"]).values,
    })


MONEY = ["Value (£)", "Proxy (£ a unit)", "Promised value (£)", "Promised to date (£)", "Delivered value (£)",
         "Difference (£)", "Agreed value (£)", "Paid (£)", "Numerator (£)", "Denominator (£)"]


def money_config(frame: pd.DataFrame) -> dict:
    return {c: money_column_config(c) for c in frame.columns if c in MONEY}


def show_table(frame: pd.DataFrame, *, key: str, file_stem: str, notes: list[str], label: str = "table") -> None:
    """A table with its money columns as £ and CSV/Excel downloads of exactly it (the files
    made when a button is pressed, not on every run)."""
    st.dataframe(frame, hide_index=True, width="stretch", column_config=money_config(frame), key=f"{key}.table")
    download_table(lambda: frame, file_stem=file_stem, key=f"{key}.download", label=label, notes=notes,
                   money_columns=[c for c in frame.columns if c in MONEY])


# --------------------------------------------------------------------------- charts


def value_by_type_chart(db_path: str, version: int, agreement_filter: agreements.AgreementFilter) -> None:
    """Stacked bars: agreed value per financial year by agreement type, with its table."""
    values = value_by_year_and_type(db_path, version, agreement_filter)
    table = pd.DataFrame({"Financial year": values["financial_year"],
                          "Type": values["agreement_type"].map(agreements.TYPES),
                          "Value (£)": pounds(values["value_pence"]).values})
    if table.empty:
        return
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("Financial year:N", title="Financial year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("Value (£):Q", title="Agreed value (£)", axis=alt.Axis(labelExpr=POUNDS_AXIS_LABELS)),
        color=alt.Color("Type:N", scale=TYPE_COLOURS, title="Type"),
        tooltip=["Financial year:N", "Type:N", alt.Tooltip("Value (£):Q", format=",.2f")],
    ).properties(height=260)
    words = "; ".join(f"{year} {agreements.TYPES[kind]} {money(int(pence))}"
                      for year, kind, pence in values.itertuples(index=False))
    show_chart(chart, title="Agreed value per financial year, by type", table=table, key="agreements.by_type",
               description=f"Stacked bar chart of the value of the agreements shown, per financial year and type: {words}.",
               table_column_config=money_config(table), lazy_table=True)


def shares_chart(shares: pd.DataFrame) -> None:
    table = pd.DataFrame({"Measure": shares["measure"], "Share (%)": (shares["share"].astype(float) * 100).round(1)})
    chart = alt.Chart(table).mark_bar(color=PALETTE[0]).encode(
        y=alt.Y("Measure:N", sort=None, title=None, axis=alt.Axis(labelLimit=360)),
        x=alt.X("Share (%):Q", scale=alt.Scale(domain=[0, 100]), title="Share of agreed value (%)"),
        tooltip=["Measure:N", alt.Tooltip("Share (%):Q", format=".1f")],
    ).properties(height=alt.Step(30))
    words = "; ".join(f"{m} {percent(s) if s == s and s is not None else 'no data'}"
                      for m, s in zip(shares["measure"], shares["share"]))
    show_chart(chart, title="The Devolve measures, computed from the agreements", table=table,
               key="agreements.shares", description=f"Bar chart of each Devolve measure as a share of agreed value: {words}.",
               lazy_table=True)


def promised_chart(frame: pd.DataFrame, *, key: str) -> None:
    """Grouped bars: social value promised for the periods reported against delivered (£)."""
    long = pd.concat([
        pd.DataFrame({"Commitment": frame["measure"], "Series": "Promised to date",
                      "Value (£)": pounds(frame["promised_to_date_pence"]).values}),
        pd.DataFrame({"Commitment": frame["measure"], "Series": "Delivered",
                      "Value (£)": pounds(frame["delivered_pence"]).values}),
    ])
    chart = alt.Chart(long).mark_bar().encode(
        y=alt.Y("Commitment:N", title=None, axis=alt.Axis(labelLimit=300)),
        yOffset="Series:N",
        x=alt.X("Value (£):Q", title="Social value (£, the tender's proxies)"),
        color=alt.Color("Series:N", scale=alt.Scale(domain=["Promised to date", "Delivered"], range=[PALETTE[5], PALETTE[0]])),
        tooltip=["Commitment:N", "Series:N", alt.Tooltip("Value (£):Q", format=",.2f")],
    ).properties(height=alt.Step(18))
    words = "; ".join(f"{r.measure}: promised {money(r.promised_to_date_pence)}, delivered {money(r.delivered_pence)}"
                      for r in frame.itertuples(index=False))
    show_chart(chart, title="Social value promised against delivered, periods reported", table=long, key=key,
               description=f"Grouped bar chart, in pounds with the same proxies as the tender: {words}.",
               table_column_config={"Value (£)": money_column_config("Value (£)")}, lazy_table=True)


def status_chart(frame: pd.DataFrame, *, key: str) -> None:
    """Status of every measure in every period, as a grid of coloured cells with the status
    written in each (colour is never the only cue)."""
    data = pd.DataFrame({"Measure": frame["measure"], "Period": frame["period"].astype(str), "Status": frame["status"]})
    base = alt.Chart(data).encode(
        x=alt.X("Period:O", title="Reporting period", axis=alt.Axis(labelAngle=0)), y=alt.Y("Measure:N", title=None, axis=alt.Axis(labelLimit=300)))
    chart = alt.layer(
        base.mark_rect(stroke="white").encode(color=alt.Color("Status:N", scale=STATUS_COLOURS),
                                               tooltip=["Measure:N", "Period:O", "Status:N"]),
        base.mark_text(fontSize=11, color="white").encode(text="Status:N"),
    ).properties(height=alt.Step(34))
    counts = monitoring.status_counts(frame)
    words = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
    show_chart(chart, title="Status of each measure, period by period", table=data, key=key,
               description=f"Grid of {len(data)} measure-periods coloured and labelled by status: {words}.",
               lazy_table=True)


# --------------------------------------------------------------------------- delivery record (tender hook)


def delivery_record_panel(bidders: list[str], *, key: str) -> None:
    """For a tender's evaluation view: each bidder's delivery record on agreements in this
    app (matched by name), with what the Procurement Act 2023 allows it to be used for."""
    db_path, version = database_path(), data_version()
    st.subheader("Bidders' delivery record on past agreements")
    st.info(monitoring.ACT_RULES, icon=":material/gavel:")
    found = False
    for bidder in bidders:
        for org_id in provider_ids_for(db_path, version, bidder):
            found = True
            record = delivery_record(db_path, version, org_id)
            summary = record["agreements"]
            st.text(f"{bidder} (directory organisation {org_id})")
            table = pd.DataFrame({
                "Agreement": summary["reference"] + " " + summary["title"], "Periods reported": summary["periods_reported"],
                "Met": summary["met"], "Partly met": summary["partly met"], "Missed": summary["missed"],
                "Late returns": summary["late"], "Promised to date (£)": pounds(summary["promised_to_date_pence"]).values,
                "Delivered value (£)": pounds(summary["delivered_pence"]).values,
                "Realised SROI": summary["realised_ratio"].map(lambda r: sroi.ratio_text(r) if r == r and r is not None else "–"),
            })
            st.dataframe(table, hide_index=True, width="stretch", column_config=money_config(table),
                         key=f"{key}.{org_id}.summary")
            shortfalls = record["shortfalls"]
            if not shortfalls.empty:
                st.caption("Targets missed, partly met or late, with the evidence recorded:")
                st.dataframe(pd.DataFrame({
                    "Agreement": shortfalls["reference"], "Measure": shortfalls["measure"],
                    "Period": shortfalls["period"], "Target": shortfalls["target"].round(2),
                    "Delivered": shortfalls["delivered"], "Status": shortfalls["status"], "Evidence": shortfalls["evidence"],
                }), hide_index=True, width="stretch", key=f"{key}.{org_id}.shortfalls")
    if not found:
        st.caption("No bidder in this tender has an agreement monitored in this app.")



# --------------------------------------------------------------------------- the agreement form


def outcome_choices(db_path: str, version: int) -> dict[str, str]:
    """'O2' and 'O2:I3' -> their labels, for the outcomes-served choice."""
    from .outcomes import outcome_summaries

    choices = {}
    for summary in outcome_summaries(db_path, version):
        choices[summary.outcome.outcome_id] = f"{summary.outcome.outcome_id} {summary.outcome.title} (the outcome as a whole)"
        for status in summary.indicators:
            indicator = status.indicator
            choices[f"{indicator.outcome_id}:{indicator.indicator_id}"] = f"{indicator.outcome_id} – {indicator.name}"
    return choices


def provider_picker(key: str, initial_name: str = "", initial_id: str = "") -> str:
    """Find the provider in the directory by name (outside any form, so it answers as you
    type); returns the chosen org-id ('' if none)."""
    db_path, version = database_path(), data_version()
    query = st.text_input("Find the provider in the organisation directory (name)", value=initial_name,
                          key=f"{key}.provider_query")
    candidates = provider_candidates(db_path, version, query) if query.strip() else []
    options = [o for o, _ in candidates]
    if initial_id and initial_id not in options:
        options.insert(0, initial_id)
    names = dict(candidates)
    if not options:
        st.caption("No directory organisation matches that name. Add it on the Organisation directory page first.")
        return ""
    return st.selectbox("Provider", options, key=f"{key}.provider",
                        format_func=lambda o: f"{names.get(o, 'current provider')} ({o})")


def agreement_fields(key: str, initial: dict, *, costings: list[str]) -> dict:
    """The agreement's fields (call inside a form); returns the form dict for models/.
    Value per year is typed one a line; the parsing and every check are in models/."""
    db_path, version = database_path(), data_version()
    title = st.text_input("Title", value=initial.get("title") or "", key=f"{key}.title")
    left, right = st.columns(2)
    kinds = list(agreements.TYPES)
    kind = left.selectbox("Type", kinds, index=kinds.index(initial.get("type") or "grant"), key=f"{key}.type",
                          format_func=agreements.TYPES.get)
    routes = list(agreements.ROUTES)
    route = right.selectbox("How it was awarded", routes, index=routes.index(initial.get("award_route") or "grant_round"),
                            key=f"{key}.route", format_func=agreements.ROUTES.get)
    body = left.text_input("Commissioning body", value=initial.get("body") or "Cheshire East Council", key=f"{key}.body")
    department = right.text_input("Department", value=initial.get("department") or "", key=f"{key}.department")
    start = left.text_input("Start date (DD/MM/YYYY)", value=_uk(initial.get("start")), key=f"{key}.start")
    end = right.text_input("End date (DD/MM/YYYY)", value=_uk(initial.get("end")), key=f"{key}.end")
    values = st.text_area("Value per financial year (one a line, e.g. 2027/28: 90,000)", key=f"{key}.values",
                          value="\n".join(f"{y}: {v}" for y, v in (initial.get("values") or {}).items()))
    award_detail = st.text_input("Grant round, or why it was a direct award", value=initial.get("award_detail") or "",
                                 key=f"{key}.award_detail")
    reporting_options = ["(by value)"] + list(agreements.REPORTING_MONTHS)
    reporting = st.selectbox("Reporting", reporting_options, key=f"{key}.reporting",
                             index=reporting_options.index(initial.get("reporting") or "(by value)"),
                             help=agreements.TIER_RULE)
    choices = outcome_choices(db_path, version)
    served = st.multiselect("Outcomes and indicators it serves", list(choices), format_func=choices.get,
                            default=[o for o in initial.get("outcomes") or [] if o in choices], key=f"{key}.outcomes")
    costing = initial.get("costing") or {}
    costing_options = ["(none)"] + costings
    costing_name = st.selectbox("Full cost recovery costing it pays for", costing_options, key=f"{key}.costing",
                                index=costing_options.index(costing.get("name")) if costing.get("name") in costings else 0)
    project = st.text_input("Project in that costing", value=costing.get("project") or "", key=f"{key}.project")
    notes = st.text_area("Notes", value=initial.get("notes") or "", key=f"{key}.notes",
                         help="No personal data: the register of agreements is shared.")
    links = st.text_area("Documents: web links, one a line (no uploads)", key=f"{key}.links",
                         value="\n".join(initial.get("links") or []))
    return {
        **{k: initial.get(k) for k in ("tender_id", "tender_name", "tender_bidder", "measures") if initial.get(k)},
        "title": title, "type": kind, "award_route": route, "body": body, "department": department,
        "start": start, "end": end, "values_text": values, "award_detail": award_detail,
        "reporting": None if reporting == "(by value)" else reporting, "outcomes": served,
        "costing": {"name": costing_name, "project": project} if costing_name != "(none)" else None,
        "notes": notes, "links": links.split(),
    }


def _uk(value) -> str:
    return uk_short_date(value) if value else ""


def with_values(form: dict) -> dict:
    """The form with its typed values parsed (raises DomainError naming the line)."""
    text = form.pop("values_text", "")
    return {**form, "values": agreements.parse_values_text(text)}
