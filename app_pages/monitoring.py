"""Monitoring: each agreement's KPIs and social-value commitments period by period, the
returns due or late, what was delivered against what was promised in pounds, and a
realised social return; forms to record a return and to add a KPI."""

import datetime as dt

import pandas as pd
import streamlit as st

from models import agreements, monitoring, sroi
from models.errors import DomainError, StaleEdit
from ui import agreements as agreements_ui
from ui.auth import can
from ui.data import database, database_path, data_version
from ui.format import money, uk_date

st.title("Monitoring")
st.write(
    "What each agreement delivered against its KPIs and social-value commitments, period by period, and the "
    "social value promised at tender against what was delivered, in pounds with the same proxies. The chosen "
    "agreement and statuses are kept in the page address."
)
agreements_ui.show_flash("monitoring")
actor = agreements_ui.actor("monitoring")  # the one place this page learns who is acting
db_path, version = database_path(), data_version()

with st.expander("How status is decided", expanded=False):
    st.write(monitoring.STATUS_RULE)

st.subheader("Returns due or late")
due = agreements_ui.returns_due(db_path, version)
if due.empty:
    st.caption("No returns are due or late.")
else:
    agreements_ui.show_table(pd.DataFrame({
        "Agreement": due["reference"] + " " + due["title"], "Provider": due["provider_name"], "Period": due["period"],
        "Period ended": due["end_date"].map(uk_date), "Return due": due["due_date"].map(uk_date),
        "Measures outstanding": due["outstanding"], "Status": due["status"]}),
        key="monitoring.due", file_stem="returns-due", label="returns due",
        notes=[f"Returns due or late on {uk_date(dt.date.today())}. " + agreements.TIER_RULE])

frame = agreements_ui.list_frame(db_path, version, agreements.AgreementFilter())
if frame.empty:
    st.info("No agreements yet: add one on the Agreements page.")
    st.stop()
by_reference = frame.set_index("reference")
reference = st.selectbox("Agreement (its reference, as on the Agreements page)", list(by_reference.index),
                         key="monitoring.agreement", bind="query-params")
record = agreements_ui.get(db_path, version, int(by_reference.loc[reference, "id"]))
st.text(f"{record['reference']} {record['title']}")
st.text(f"{record['provider_name']}: {uk_date(record['start_date'])} to {uk_date(record['end_date'])}, "
           f"{money(record['total_pence'])}; {record['tier'].name} monitoring tier, {record['reporting']} returns, "
           f"partly met from {record['tier'].partly_met_from:.0%} of target.")
rule = monitoring.kpi_rule(record)
if not rule["ok"]:
    st.warning(rule["message"], icon=":material/rule:")
else:
    st.caption(rule["message"])

statuses = agreements_ui.status_frame(db_path, version, record["id"])
if not record["measures"]:
    st.info("This agreement has no KPIs or social-value commitments yet: add them below.")
else:
    counts = monitoring.status_counts(statuses)
    for column, status in zip(st.columns(5), (monitoring.MET, monitoring.PARTLY_MET, monitoring.MISSED,
                                               monitoring.LATE, monitoring.NOT_YET_DUE)):
        column.metric(status.capitalize(), counts[status])
    chosen = st.multiselect("Show statuses", list(monitoring.STATUSES), key="monitoring.status", bind="query-params",
                            placeholder="All statuses")
    shown = statuses[statuses["status"].isin(chosen)] if chosen else statuses
    agreements_ui.status_chart(shown, key="monitoring.status_chart")
    agreements_ui.show_table(agreements_ui.status_table(shown), key="monitoring.status_table",
                             file_stem=f"monitoring-{reference}", label="monitoring table",
                             notes=[f"Monitoring of {reference} {record['title']}.", monitoring.STATUS_RULE])

st.subheader("Social value promised against delivered")
money_frame = agreements_ui.promised_against_delivered(db_path, version, record["id"])
if money_frame.empty:
    st.caption("This agreement has no social-value commitments.")
else:
    whole, to_date, delivered, difference = st.columns(4)
    whole.metric("Promised over the agreement", money(int(money_frame["promised_pence"].sum())))
    to_date.metric("Promised for periods reported", money(int(money_frame["promised_to_date_pence"].sum())))
    delivered.metric("Delivered", money(int(money_frame["delivered_pence"].sum())))
    difference.metric("Difference", money(int(money_frame["difference_pence"].sum())))
    agreements_ui.promised_chart(money_frame, key="monitoring.promised_chart")
    agreements_ui.show_table(agreements_ui.promised_table(money_frame), key="monitoring.promised",
                             file_stem=f"social-value-{reference}", label="promised against delivered",
                             notes=[f"Social value of {reference}: promised at tender against delivered, in pounds with "
                                    "the tender's own proxies (quantity x proxy)."])
    result = agreements_ui.realised_sroi(db_path, version, record["id"])
    if result is None:
        st.caption("The realised SROI appears once a period's return is recorded.")
    else:
        realised, promised, invested = st.columns(3)
        realised.metric("Realised SROI", sroi.ratio_text(result["realised"].sroi_ratio))
        promised.metric("Promised SROI, same periods", sroi.ratio_text(result["promised"].sroi_ratio))
        invested.metric("Invested in those periods", money(result["investment_pence"]))
        st.caption(f"Periods {', '.join(map(str, result['periods']))}. The SROI engine with the tender's proxies: "
                   f"{result['convention']}, discount rate {result['discount_rate']:.1%}; investment is the agreement's "
                   "value for the periods reported (each year's value shared across its periods by days).")
        if result["warnings"]:
            with st.expander(f"Checks on this SROI ({len(result['warnings'])})"):
                for warning in result["warnings"]:
                    st.text(f"• {warning}")

st.subheader("Record a return")
ended = [p for p in record["periods"] if dt.date.fromisoformat(p["end_date"]) < dt.date.today()]
may_record = can("monitoring.record", actor=actor)
if not may_record:
    st.caption("Officers, commissioners and administrators record returns and add measures here.")
elif not record["measures"]:
    st.caption("Add a KPI or commitment first.")
elif not ended:
    st.caption(f"No period has ended yet: the first ends on {uk_date(record['periods'][0]['end_date'])}.")
else:
    measures = {m["id"]: m for m in record["measures"]}
    periods = {p["id"]: p for p in ended}
    with st.form("monitoring.return_form"):
        measure_id = st.selectbox("Measure", list(measures), key="monitoring.measure",
                                  format_func=lambda i: f"{measures[i]['name']} (target {measures[i]['target_per_period']:g} "
                                                        f"{measures[i]['unit']} a period)")
        period_id = st.selectbox("Period", list(periods), key="monitoring.period",
                                 format_func=lambda i: f"Period {periods[i]['number']}: {uk_date(periods[i]['start_date'])} "
                                                       f"to {uk_date(periods[i]['end_date'])}")
        delivered = st.text_input("Delivered in the period", key="monitoring.delivered")
        evidence = st.text_area("Evidence (report, register, link or document name; no personal data)",
                                key="monitoring.evidence")
        submitted = st.form_submit_button("Record the return", type="primary")
    if submitted:
        seen = statuses[(statuses["measure_id"] == measure_id) & (statuses["period_id"] == period_id)]
        seen_version = int(seen["return_version"].iloc[0]) if not seen.empty else 0
        try:
            with database() as db:
                monitoring.record_return(db, measure_id, period_id, delivered=delivered, evidence=evidence, actor=actor,
                                         expected_version=seen_version or None)
            agreements_ui.after_write("monitoring", f"Recorded the return for period {periods[period_id]['number']}.")
        except StaleEdit as error:
            agreements_ui.show_error(error)
            st.text(f"Now recorded: {error.current.get('delivered')} ({error.current.get('evidence')}) by "
                    f"{error.current.get('recorded_by')}")
        except DomainError as error:
            agreements_ui.show_error(error)

if may_record:
    st.subheader("Add a KPI or social-value commitment")
    with st.form("monitoring.measure_form"):
        kind = st.radio("Kind", list(agreements.MEASURE_KINDS), format_func=agreements.MEASURE_KINDS.get, horizontal=True,
                        key="monitoring.new_kind")
        left, right = st.columns(2)
        name = left.text_input("Name", key="monitoring.new_name", placeholder="e.g. Journeys provided")
        unit = right.text_input("Unit", key="monitoring.new_unit", placeholder="e.g. journeys")
        target = left.text_input("Target per period", key="monitoring.new_target")
        direction = right.selectbox("Better when", ["higher", "lower"], key="monitoring.new_direction")
        proxy = left.text_input("Proxy, £ a unit (social value only)", key="monitoring.new_proxy")
        proxy_source = right.text_input("Where the proxy comes from", key="monitoring.new_proxy_source")
        add = st.form_submit_button("Add")
    if add:
        try:
            with database() as db:
                agreements.add_measure(db, record["id"], {"kind": kind, "name": name, "unit": unit, "target_per_period": target,
                                                          "direction": direction, "proxy": proxy or None,
                                                          "proxy_source": proxy_source}, actor=actor)
            agreements_ui.after_write("monitoring", f"Added the measure to {reference}.")
        except DomainError as error:
            agreements_ui.show_error(error)

agreements_ui.delivery_record_panel([record["provider_name"]], key="monitoring.record")
