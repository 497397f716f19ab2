"""Compact dashboard: the Compact checks computed from the consultation log, tenders and
funding records, per department and over time, beside the commissioning self-assessment's
scores for the same principles; the standards with their rule and source; funding entered
here for the funding checks."""

import datetime as dt

import streamlit as st

from models import compact
from models.errors import DomainError
from ui.auth import can, current_actor, name_missing
from ui.problems import show_problems
from ui import consultations as consult_ui
from ui import outcomes as outcomes_ui
from ui.charts import show_chart
from ui.data import data_version, database, database_path
from ui.downloads import download_table
from ui.format import money
from models.formatting import uk_short_date

PAGE = "compact"
db_path, version = database_path(), data_version()
today = dt.date.today()
standards = compact.load_standards()

st.title("Compact dashboard")
st.markdown(
    "Compliance with the Compact **measured from records** (the consultation log, tenders and funding), per "
    "department and over time, beside what services **self-assessed** for the same principles of good "
    "commissioning. Each check's rule and source are stated below; the standards are set in one table "
    "(`data/reference/compact_standards.csv`)."
)
outcomes_ui.show_flash(PAGE)

results = consult_ui.compact_results(db_path, version, today)
overall = compact.overall(results, standards)

st.subheader("Council-wide")
columns = st.columns(2)
for index, row in enumerate(overall.to_dict(orient="records")):
    columns[index % 2].metric(row["Check"], consult_ui.headline(row),
                              help=f"Standard: {row['Standard']}. Records judged: {row['Judged']}; "
                                   f"not yet due: {row['Not yet due']}.")
st.caption("For the two shares the percentage is of the funding's value; for the other checks, of the records judged. "
           "Records not yet due are not counted.")
st.dataframe(consult_ui.shown(overall), hide_index=True, width="stretch", key=f"{PAGE}.overall")
download_table(lambda: consult_ui.shown(overall), file_stem="compact-council-wide", key=f"{PAGE}.overall_download", label="council-wide results")

st.subheader("The standards: rule and source")
rules = compact.standards_table(standards)
st.caption("; ".join(f"{row['Check']}: {row['Standard']}" for row in rules.to_dict(orient="records")) + ".")
# One expander for every check's rule and source, drawn once opened (eight drawn closed cost a
# visitor's browser about fifty elements on every visit).
standards_box = st.expander("Each check's rule, source and local choice", key=f"{PAGE}.standards_open",
                            on_change="rerun")
with standards_box:
    if standards_box.open:
        for row in rules.to_dict(orient="records"):
            st.markdown(f"**{row['Check']}: {row['Standard']} (principle {row['Principle']})**")
            st.text(f"Rule: {row['Rule']}\nSource: {row['Source']}"
                    + (f"\nLocal choice: {row['Local choice']}" if row["Local choice"] else ""))
download_table(lambda: rules, file_stem="compact-standards", key=f"{PAGE}.rules_download", label="the standards")

st.subheader("Measured against self-assessed")
assessed = consult_ui.self_assessed(db_path, version)
if assessed.empty:
    st.info("No commissioning self-assessment saved yet: the measured figures stand alone. Save one on the "
            "Commissioning self-assessment page to see them side by side.")
beside = compact.measured_beside_assessed(results, assessed, None, standards)
show_chart(
    consult_ui.beside_chart(beside),
    title="Measured compliance beside the self-assessed score, per check",
    description=consult_ui.beside_description(beside),
    table=consult_ui.shown(beside),
    key=f"{PAGE}.beside",
    lazy_table=True,
)
download_table(lambda: consult_ui.shown(beside), file_stem="compact-measured-beside-self-assessed", key=f"{PAGE}.beside_download",
               label="measured beside self-assessed")

departments = sorted(set(results["department"])) if not results.empty else []
# Only the chosen tab runs and is drawn; the choice is kept in the address (?compact.tab=Over+time).
tab_department, tab_time, tab_records = st.tabs(["Per department", "Over time", "Every record"],
                                                key=f"{PAGE}.tab", bind="query-params")
with tab_department:
    if tab_department.open:  # only the chosen tab runs
        chosen = st.multiselect("Department", departments, key=f"{PAGE}.department", bind="query-params",
                                placeholder="All departments")
        picked = results[results["department"].isin(chosen)] if chosen else results
        per_department = compact.summarise(picked, "department", standards)
        if per_department.empty:
            st.info("No records yet for these departments.")
        else:
            st.dataframe(consult_ui.shown(per_department), hide_index=True, width="stretch", key=f"{PAGE}.per_department")
            download_table(lambda: consult_ui.shown(per_department), file_stem="compact-per-department", key=f"{PAGE}.per_department_download",
                           label="results per department")
            st.markdown("**Beside each department's own self-assessment** (an assessment whose service names the department)")
            beside_department = compact.measured_beside_assessed(picked, assessed, "department", standards)
            st.dataframe(consult_ui.shown(beside_department), hide_index=True, width="stretch", key=f"{PAGE}.beside_department")
            download_table(lambda: consult_ui.shown(beside_department), file_stem="compact-per-department-beside-self-assessed",
                           key=f"{PAGE}.beside_department_download", label="per department beside self-assessed")
with tab_time:
    if tab_time.open:  # only the chosen tab runs
        over_time = compact.summarise(results, "period", standards)
        if over_time.empty:
            st.info("No records yet.")
        else:
            show_chart(
                consult_ui.over_time_chart(over_time),
                title="Share meeting each Compact standard, by financial year",
                description="Line chart, one line per check, of the percentage meeting the standard in each financial "
                            "year (consultations by the year they close; tenders by notice; funding by start or change). "
                            + "; ".join(f"{r['Check']} {r['Financial year']}: {r['% met']}%"
                                        for r in over_time.dropna(subset=['% met']).to_dict(orient="records")),
                table=consult_ui.shown(over_time),
                key=f"{PAGE}.over_time",
                lazy_table=True,
            )
            download_table(lambda: consult_ui.shown(over_time), file_stem="compact-over-time", key=f"{PAGE}.over_time_download",
                           label="results by year")
            beside_time = compact.measured_beside_assessed(results, assessed, "period", standards)
            st.markdown("**Beside the self-assessment made in the same financial year**")
            st.dataframe(consult_ui.shown(beside_time), hide_index=True, width="stretch", key=f"{PAGE}.beside_time")
            download_table(lambda: consult_ui.shown(beside_time), file_stem="compact-over-time-beside-self-assessed",
                           key=f"{PAGE}.beside_time_download", label="by year beside self-assessed")
with tab_records:
    if tab_records.open:  # only the chosen tab runs
        records = compact.results_table(results)
        if records.empty:
            st.info("No records yet: log a consultation, link tenders, or enter funding below.")
        else:
            st.dataframe(records, hide_index=True, width="stretch", key=f"{PAGE}.records")
            download_table(lambda: records, file_stem="compact-records", key=f"{PAGE}.records_download", label="every record")

st.subheader("Funding for the funding checks")
if compact.agreements_available():
    st.caption("Agreements from the Agreements feature are read automatically; enter here only funding it does not hold.")
else:
    st.caption("The agreements feature is not installed, so the notice and share checks read the funding entered here.")
funding = consult_ui.funding_rows(db_path, version)
if funding.empty:
    st.info("No funding entered yet.")
else:
    shown = funding.drop(columns=["funding_id", "version"]).rename(columns={
        "source": "Source", "ref": "Reference", "provider": "Provider", "department": "Department",
        "start_date": "Starts", "end_date": "Ends", "value_pence": "Value", "full_cost": "At full cost",
        "change": "Change", "change_on": "Ends or cut on", "notice_given_on": "Notice given on"})
    shown["Value"] = [money(int(v)) for v in funding["value_pence"]]
    for column in ("Starts", "Ends", "Ends or cut on", "Notice given on"):
        shown[column] = [uk_short_date(v) if isinstance(v, str) else "" for v in shown[column]]
    shown["At full cost"] = shown["At full cost"].map({True: "Yes", False: "No"}).fillna("Not known")
    shown["Change"] = shown["Change"].map({"continues": "Continues", "ends": "Ends", "cut": "Is cut"})
    st.dataframe(shown, hide_index=True, width="stretch", key=f"{PAGE}.funding")
    download_table(lambda: shown, file_stem="compact-funding", key=f"{PAGE}.funding_download", label="the funding")

actor = current_actor()
if not can("consultation.edit", actor=actor):
    st.caption("Officers, commissioners and administrators can enter funding here.")
    st.stop()
funding_box = st.expander("Enter funding", key=f"{PAGE}.funding_open", on_change="rerun")  # drawn once opened
with funding_box:
    if funding_box.open:
        with st.form(f"{PAGE}.funding_form"):
            first, second = st.columns(2)
            entered = {
                "provider": first.text_input("Provider", key=f"{PAGE}.funding.provider"),
                "department": second.text_input("Department", key=f"{PAGE}.funding.department"),
                "start_date": first.date_input("Starts", value=None, format="DD/MM/YYYY", key=f"{PAGE}.funding.start"),
                "end_date": second.date_input("Ends", value=None, format="DD/MM/YYYY", key=f"{PAGE}.funding.end"),
                "value": first.text_input("Value over the whole term (£)", key=f"{PAGE}.funding.value"),
                "full_cost": second.checkbox("Funded at full cost (overheads included)", key=f"{PAGE}.funding.full_cost"),
                "change": first.selectbox("Change", ["continues", "ends", "cut"], key=f"{PAGE}.funding.change",
                                          format_func={"continues": "Continues", "ends": "Ends", "cut": "Is cut"}.get),
                "change_on": second.date_input("Ends or is cut on", value=None, format="DD/MM/YYYY",
                                               key=f"{PAGE}.funding.change_on"),
                "notice_given_on": first.date_input("Written notice given on", value=None, format="DD/MM/YYYY",
                                                    key=f"{PAGE}.funding.notice"),
                "agreement_ref": second.text_input("Agreement reference (optional)", key=f"{PAGE}.funding.ref"),
            }
            submitted = st.form_submit_button("Save funding", type="primary")
        if submitted and not name_missing(actor):
            try:
                with database() as db:
                    funding_id = compact.save_funding(db, entered, actor=actor)
                outcomes_ui.rerun_with_flash(PAGE, f"Saved funding F{funding_id}.")
            except DomainError as error:
                show_problems(error)
