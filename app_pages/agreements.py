"""Agreements: the grants, contracts and investments in capacity the council's money goes
through; the money behind each outcome and the Devolve measures computed from data; and
adding (from an awarded tender, from imported spend, by hand) and editing agreements."""

import pandas as pd
import streamlit as st

from models import agreement_sources, agreements, monitoring, scenarios, tender_records
from models.errors import DomainError, StaleEdit
from ui import agreements as agreements_ui
from ui.auth import can
from ui.data import database, database_path, data_version
from ui.format import money, percent, uk_date
from ui import plain, show_problems

st.title("Agreements")
st.write(
    "Every grant, contract and investment in the sector's capacity: who provides it, for how long, what it is "
    "worth each financial year, how it was awarded, whether it pays the full cost, and which outcomes it serves. "
    "Filters are kept in the page address, so a view can be shared."
)
agreements_ui.show_flash("agreements")
actor = agreements_ui.actor("agreements")  # the one place this page learns who is acting
db_path, version = database_path(), data_version()

with st.container(border=True):
    st.markdown("**Filters**")
    first, second, third, fourth = st.columns(4)
    types = first.multiselect("Type", list(agreements.TYPES), format_func=agreements.TYPES.get, key="agreements.type",
                              bind="query-params", placeholder="All types")
    years = second.multiselect("Financial year", agreements_ui.years_used(db_path, version), key="agreements.year", bind="query-params",
                               placeholder="All years")
    outcome_labels = {k: v for k, v in agreements_ui.outcome_choices(db_path, version).items() if ":" not in k}
    outcome = third.selectbox("Outcome served", [""] + list(outcome_labels), key="agreements.outcome",
                              bind="query-params", format_func=lambda o: outcome_labels.get(o, "Any outcome"))
    provider = fourth.text_input("Provider (name or id)", key="agreements.provider", bind="query-params")
agreement_filter = agreements.AgreementFilter(types=tuple(types), years=tuple(years), provider=provider.strip(),
                                              outcome=outcome or "")
scope_note = (f"Filters: type {', '.join(types) or 'all'}; years {', '.join(years) or 'all'}; "
              f"outcome {outcome or 'any'}; provider {provider.strip() or 'any'}.")

list_tab, outcomes_tab, add_tab, edit_tab = st.tabs(
    ["Agreements", "Investment and outcomes", "Add an agreement", "Edit an agreement"],
    key="agreements.tab", bind="query-params")

with list_tab:
    if list_tab.open:
        frame = agreements_ui.list_frame(db_path, version, agreement_filter)
        total = int(frame["value_pence"].sum()) if not frame.empty else 0
        count, value, multi = st.columns(3)
        count.metric("Agreements", f"{len(frame):,}")
        value.metric("Agreed value" + (" in the years chosen" if years else ""), money(total))
        multi_value = int(frame.loc[frame["multi_year"].astype(bool), "value_pence"].sum()) if total else 0
        multi.metric("In multi-year agreements", percent(multi_value / total) if total else "–")
        if frame.empty:
            st.info("No agreements match these filters yet. Add one under 'Add an agreement'.")
        else:
            agreements_ui.value_by_type_chart(db_path, version, agreement_filter)
            agreements_ui.show_table(agreements_ui.agreements_table(frame), key="agreements.list",
                                     file_stem="agreements", label="agreements",
                                     notes=["Agreements (grants, contracts, investment in capacity).", scope_note])
            references = list(frame["reference"])
            chosen = st.selectbox("Open an agreement (its reference, as in the table)", references, index=None,
                                  key="agreements.ref", bind="query-params", placeholder="Choose an agreement")
            if chosen:
                record = agreements_ui.get(db_path, version, int(frame.set_index("reference").loc[chosen, "id"]))
                st.subheader(f"{record['reference']}: details")
                st.text(f"{record['title']}\nProvider: {record['provider_name']} ({record['provider_org_id']})\n"
                        f"{record['body']}{', ' + record['department'] if record['department'] else ''}\n"
                        f"{uk_date(record['start_date'])} to {uk_date(record['end_date'])}; "
                        f"{agreements.TYPES[record['agreement_type']]}; {agreements.ROUTES[record['award_route']]}"
                        f"{' – ' + record['award_detail'] if record['award_detail'] else ''}\n"
                        f"Monitoring: {record['tier'].name} tier, {record['reporting']} returns")
                values = pd.DataFrame({"Financial year": list(record["values"]),
                                       "Value (£)": [p / 100 for p in record["values"].values()]})
                st.dataframe(values, hide_index=True, column_config=agreements_ui.money_config(values),
                             key="agreements.values")
                with database() as db:
                    share = agreements.full_cost_share(db, record)
                if share is None:
                    st.caption("Not linked to a full cost recovery costing.")
                else:
                    st.metric("Share of full cost paid", percent(share["share"]) if share["share"] is not None else "–",
                              help=f"{money(share['value_pence'])} of {money(share['full_cost_pence'])} over "
                                   f"{share['years']} year(s): {share['costing']}")
                rule = monitoring.kpi_rule(record)
                (st.warning if not rule["ok"] else st.caption)(rule["message"])
                choices = agreements_ui.outcome_choices(db_path, version)
                st.caption("Outcomes served: " + ("; ".join(choices.get(f"{o}:{i}" if i else o, o)
                                                              for o, i in record["outcomes"]) or "none recorded"))
                if record["notes"]:
                    st.text(f"Notes: {record['notes']}")
                for link in record["links"]:
                    st.text(f"Document: {link}")
                st.caption("Monitoring (KPIs, returns, promised against delivered) is on the Monitoring page.")
                st.page_link("app_pages/monitoring.py", label=f"Monitor {record['reference']}", icon=":material/monitoring:",
                             query_params={"monitoring.agreement": record["reference"]})
                change_log = st.expander("Change log", key="agreements.log_open", on_change="rerun")  # read once opened
                with change_log:
                    if change_log.open:
                        log = agreements_ui.audit(db_path, version, record["id"])
                        st.dataframe(pd.DataFrame([{"When": e["at"], "Who": e["who"], "What": e["action"],
                                                    "Before": e["before_json"] or "", "After": e["after_json"] or "",
                                                    "Reason": e["reason"] or ""} for e in log]),
                                     hide_index=True, width="stretch", key="agreements.audit")

with outcomes_tab:
    if outcomes_tab.open:
        st.subheader("The Devolve measures, computed from the agreements")
        shares = agreements_ui.devolve_shares(db_path, version, tuple(years))
        if shares["denominator_pence"].max() == 0:
            st.info("No agreements yet: the measures appear once agreements are added.")
        else:
            agreements_ui.shares_chart(shares)
        shown = pd.DataFrame({"Measure": shares["measure"], "Share": shares["share"].map(lambda s: percent(s) if s == s and s is not None else "–"),
                              "Numerator (£)": shares["numerator_pence"] / 100, "Denominator (£)": shares["denominator_pence"] / 100,
                              "Source": shares["source"]})
        agreements_ui.show_table(shown, key="agreements.shares_table", file_stem="devolve-measures",
                                 notes=["Devolve measures computed from the agreements stored in this app.", scope_note])
        st.subheader("Money behind each outcome")
        per_outcome, per_indicator = agreements_ui.outcome_investment(db_path, version, tuple(years))
        st.caption(f"Agreements counted under every outcome they serve. Agreed value not linked to any outcome: "
                   f"{money(per_outcome.attrs.get('unlinked_pence', 0))} of {money(per_outcome.attrs.get('total_pence', 0))}.")
        outcome_table = pd.DataFrame({"Outcome": per_outcome["outcome_id"] + " " + per_outcome["title"],
                                      "Status": per_outcome["status"], "Agreements": per_outcome["agreements"],
                                      "Agreed value (£)": per_outcome["agreed_pence"] / 100,
                                      "Paid (£)": per_outcome["paid_pence"] / 100})
        agreements_ui.show_table(outcome_table, key="agreements.per_outcome", file_stem="money-per-outcome",
                                 notes=["Agreed value and imported payments per outcome.", scope_note])
        st.subheader("Each indicator: the money behind it and the gap")
        indicator_table = pd.DataFrame({
            "Outcome": per_indicator["outcome_id"], "Indicator": per_indicator["indicator"],
            "Status": per_indicator["status"], "Latest": per_indicator["latest"], "Target": per_indicator["target"],
            "Gap to target": per_indicator["gap"], "Unit": per_indicator["unit"],
            "Agreements naming it": per_indicator["agreements"], "Agreed value (£)": per_indicator["agreed_pence"] / 100})
        agreements_ui.show_table(indicator_table, key="agreements.per_indicator", file_stem="money-per-indicator",
                                 notes=["Indicators, their gap to target and the agreements naming them.", scope_note])
        st.subheader("Indicators computed from stored data")
        computed = agreements_ui.computed_indicators(db_path, version)
        computed_table = pd.DataFrame({
            "Indicator": computed["indicator_id"] + " " + computed["indicator"], "Financial year": computed["financial_year"],
            "Computed (%)": computed["computed_percent"], "Numerator (£)": computed["numerator_pence"] / 100,
            "Denominator (£)": computed["denominator_pence"] / 100, "Stored latest value": computed["stored_latest"],
            "Source": computed["source"]})
        agreements_ui.show_table(computed_table, key="agreements.computed", file_stem="computed-indicators",
                                 notes=["Outcome indicators computed from the spend table and the agreements."])

with add_tab:
    if add_tab.open and not can("agreement.create", actor=actor):
        st.caption("Officers, commissioners and administrators can add agreements.")
    elif add_tab.open:
        with database() as db:
            costings = [s.name for s in scenarios.list_saved(db, "cost_recovery")]
            tenders = tender_records.list_tenders(db)
        source = st.radio("Start from", ["An awarded tender", "Imported spend", "A blank form"], horizontal=True,
                          key="agreements.add_from")
        initial, spend_ids, origin = {}, [], "hand"
        if source == "An awarded tender":
            if not tenders:
                st.info("No tenders yet: evaluate one on the Tender evaluation page first.")
                st.stop()
            names = {t.id: t.name for t in tenders}
            tender_id = st.selectbox("Tender", list(names), format_func=names.get, key="agreements.tender")
            record = next(t for t in tenders if t.id == tender_id)
            try:
                with database() as db:
                    winner, _, how = agreement_sources.tender_award(db, tender_id)
                st.caption(f"Awarded to: {plain(how)}.")
            except DomainError as error:
                st.warning(str(error))
                winner = None
            bidders = record.bidders
            bidder = st.selectbox("Awarded to", bidders, index=bidders.index(winner) if winner in bidders else 0,
                                  key="agreements.bidder", help="The winner of the evaluation, unless you choose another.")
            provider_id = agreements_ui.provider_picker("agreements.tender_provider", initial_name=bidder)
            with st.container(border=True):
                dates = st.columns(2)
                start = dates[0].text_input("Start date (DD/MM/YYYY)", key="agreements.tender_start")
                end = dates[1].text_input("End date (DD/MM/YYYY)", key="agreements.tender_end")
                if st.button("Prepare the agreement from this award", key="agreements.prepare", type="primary"):
                    try:
                        with database() as db:
                            st.session_state["agreements.prepared"] = agreement_sources.form_from_tender(
                                db, tender_id, bidder=bidder, provider=provider_id, body="Cheshire East Council",
                                start=start, end=end)
                    except DomainError as error:
                        agreements_ui.show_error(error)
            prepared = st.session_state.get("agreements.prepared")
            if prepared and prepared.get("tender_id") == tender_id and prepared.get("tender_bidder") == bidder:
                initial, origin = {**prepared, "provider": provider_id}, "tender"
                offer = [m for m in prepared["measures"] if m["kind"] == "social_value"]
                st.caption(f"Carried from the tender: the price as the value per year (shared by days) and "
                           f"{len(offer)} social-value commitment(s) with the tender's proxies. Add the KPIs on the "
                           "Monitoring page once the agreement is saved.")
            else:
                st.caption("Enter the dates and press 'Prepare' to carry the award's price and social-value offer.")
                st.stop()
        elif source == "Imported spend":
            suggestions = agreements_ui.spend_suggestions(db_path, version)
            if suggestions.empty:
                st.info("No imported payments to directory organisations are waiting to be grouped into agreements.")
                st.stop()
            table = pd.DataFrame({"Provider": suggestions["provider_name"], "Paid to (as published)": suggestions["recipient"],
                                  "Body": suggestions["authority"], "Department": suggestions["department"],
                                  "Type": suggestions["funding_type"], "Payments": suggestions["payments"],
                                  "Years": suggestions["first_year"] + " to " + suggestions["last_year"],
                                  "Paid (£)": suggestions["total_pence"] / 100})
            st.caption("Suggested groupings: a provider's payments from one body and department by one funding type. "
                       "Choose one, check the form and confirm.")
            agreements_ui.show_table(table, key="agreements.suggestions", file_stem="suggested-agreements",
                                     notes=["Imported payments suggested as agreements (not yet confirmed)."])
            key = st.selectbox("Grouping to confirm", list(suggestions["key"]), key="agreements.suggestion")
            with database() as db:
                initial, spend_ids = agreement_sources.form_from_spend(db, key)
            origin = "spend"
            provider_id = initial["provider"]
            st.text(f"Provider: {provider_id}")
        else:
            provider_id = agreements_ui.provider_picker("agreements.hand_provider")
        with st.form(f"agreements.add_form.{origin}"):
            form = agreements_ui.agreement_fields(f"agreements.add.{origin}", initial, costings=costings)
            submitted = st.form_submit_button(
                "Confirm and save the agreement" if origin == "spend" else "Save the agreement", type="primary")
        if submitted:
            try:
                with database() as db:
                    new_id = agreements.create(db, {**agreements_ui.with_values(form), "provider": provider_id},
                                               actor=actor, origin=origin, spend_ids=spend_ids)
                    reference = agreements.get(db, new_id)["reference"]
                st.session_state.pop("agreements.prepared", None)
                agreements_ui.after_write("agreements", f"Saved {reference}.")
            except DomainError as error:
                agreements_ui.show_error(error)

with edit_tab:
    if edit_tab.open and not can("agreement.edit", actor=actor):
        st.caption("Officers, commissioners and administrators can edit agreements.")
    elif edit_tab.open:
        frame = agreements_ui.list_frame(db_path, version, agreements.AgreementFilter())
        if frame.empty:
            st.info("No agreements to edit yet.")
            st.stop()
        by_reference = frame.set_index("reference")
        reference = st.selectbox("Agreement", list(by_reference.index), key="agreements.edit_ref",
                                 format_func=lambda r: f"{r} {by_reference.loc[r, 'title']}")
        record = agreements_ui.get(db_path, version, int(by_reference.loc[reference, "id"]))
        opened_key = f"agreements.opened.{reference}"
        opened = st.session_state.get(opened_key, {}).get("version", record["version"])
        st.caption(f"You opened version {opened}. If someone saves a change before you, your save is refused and "
                   "your input is kept, with what changed; saving again applies only the fields you changed.")
        with database() as db:
            costings = [s.name for s in scenarios.list_saved(db, "cost_recovery")]
        provider_id = agreements_ui.provider_picker(f"agreements.edit.{reference}.provider", initial_id=record["provider_org_id"])
        with st.form(f"agreements.edit_form.{reference}"):
            form = agreements_ui.agreement_fields(f"agreements.edit.{reference}", agreements.form_of(record), costings=costings)
            reason = st.text_input("Reason for the change", key=f"agreements.edit.{reference}.reason")
            saved = st.form_submit_button("Save changes", type="primary")
        mine = {**form, "provider": provider_id}
        # What the person first saw (the widgets' values on the first run): their edits are diffed against it.
        st.session_state.setdefault(opened_key, {"version": record["version"], "form": mine})
        if saved:
            try:
                with database() as db:
                    started = st.session_state[opened_key]
                    current = agreements.form_of(agreements.get(db, record["id"]))
                    merged = agreements.merge_edit(agreements_ui.with_values(dict(started["form"])),
                                                   agreements_ui.with_values(dict(mine)), current)
                    agreements.update(db, record["id"], started["version"], merged, actor=actor, reason=reason or None)
                st.session_state.pop(opened_key, None)
                agreements_ui.after_write("agreements", f"Saved the changes to {reference}.")
            except StaleEdit as error:
                show_problems(error)
                st.text("As it now stands:\n" + "\n".join(f"{k}: {v}" for k, v in error.current.items()
                                                          if k not in ("links_json",)))
                st.session_state[opened_key]["version"] = error.current.get("version", opened)
            except DomainError as error:
                agreements_ui.show_error(error)
