"""Organisation profile (?org=<org-id>): details, funding history from the spend data,
source, an edit form and the change log."""

import streamlit as st

from models import organisations
from models.formatting import money
from ui import directory as directory_ui
from ui.auth import can
from ui.charts import show_chart
from ui.data import data_version, database_path
from ui.downloads import download_table
from ui.edits import opened_version
from ui.flash import rerun_with_flash, show_flash
from ui.format import money_column_config, uk_stored_date

db_path, version = database_path(), data_version()
org_id = st.query_params.get("org", "")

st.page_link("app_pages/directory.py", label="Back to the directory", icon=":material/arrow_back:")
record = directory_ui.profile(db_path, version, org_id) if org_id else None
if record is None:
    st.title("Organisation profile")
    if org_id:
        st.error(f"There is no organisation with the identifier {directory_ui.plain(org_id)} in the directory.")
    else:
        st.info("Choose an organisation in the directory to see its profile.")
    st.stop()

st.title(directory_ui.plain(record["name"]))
show_flash("organisation")
directory_ui.fictional_banner(bool(record["is_demo"]))
if record["hidden"]:
    st.info("Demonstration data is switched off, so this fictional organisation is left out of searches and matching.")

st.write(directory_ui.plain(record["description"]) or "*No description of services yet.*")

first, second, third, fourth = st.columns(4)
first.metric("Latest annual income", money(record["latest_income_pence"], whole_pounds=True) or "Not known", help=money(record["latest_income_pence"]) or None)
second.metric("Size", record["size_band"].split(" (")[0])
third.metric("Staff", "Not known" if record["staff"] is None else f"{record['staff']:,}")
fourth.metric("Volunteers", "Not known" if record["volunteers"] is None else f"{record['volunteers']:,}")

details = [
    ("Organisation identifier", record["org_id"] + ("  (fictional)" if record["is_demo"] else "")),
    ("Type", record["org_type"] or "Not known"),
    ("Charity number", record["charity_number"] or "None"),
    ("Company number", record["company_number"] or "None"),
    ("Other identifiers", ", ".join(record["other_ids"]) or "None"),
    ("Districts served", ", ".join(record["districts"]) or "Not known"),
    ("Local Area Agreement themes", ", ".join(record["laa_themes"]) or "None recorded"),
    ("Charity Commission classifications", ", ".join(record["classifications"]) or "None recorded"),
    ("Role", record["role"]),
    ("Delivers public services", "Yes" if record["delivers_public_services"] else "No"),
    ("Postcode", record["postcode"] or "Not recorded"),
    ("Website", record["website"] or "Not recorded"),
]
st.subheader("Details")
st.table({"Field": [d[0] for d in details], "Value": [d[1] for d in details]})

st.subheader("Funding history")
records = directory_ui.funding(db_path, version, record["org_id"])
if records.empty:
    st.info(
        "No grants or contracts for this organisation in the spend data (matched by its identifiers, "
        "or by name). Import 360Giving grants or council spend files to fill this in."
    )
else:
    by_year = organisations.funding_by_year(records)
    total = int(records["amount_pence"].sum())
    show_chart(
        directory_ui.funding_bars(by_year),
        title=f"Grants and contracts to {record['name']} by financial year",
        description=(
            f"Bar chart of {money(total)} paid in {len(records):,} grants and contracts across "
            f"{by_year['financial_year'].nunique()} financial years, split into contracts and grants."
        ),
        table=by_year.assign(amount=by_year["amount_pence"] / 100).drop(columns=["amount_pence"]),
        key="organisation.funding",
        table_column_config={"amount": money_column_config("Amount (£)")},
    )
    detail = records.assign(amount=records["amount_pence"] / 100, date=records["date"].map(uk_stored_date)).drop(
        columns=["amount_pence"])
    download_table(
        detail,
        file_stem=f"funding-{record['org_id']}",
        key="organisation.funding_download",
        label="funding records",
        notes=[f"Grants and contracts to {record['name']} ({record['org_id']}), from the spend table."]
        + ([directory_ui.FICTIONAL_NOTE] if record["is_demo"] else []),
        money_columns=["amount"],
    )

st.subheader("Source")
st.write(
    directory_ui.plain(record["source"])
    + (f" — file {directory_ui.plain(record['source_file'])}" if record["source_file"] else "")
    + f". Last updated: {directory_ui.when(record['updated_at'])}."
)

if can("organisation.edit"):  # viewers are not offered the form (models refuse it too)
    seen_version = opened_version(f"organisation.{record['org_id']}", record["version"])  # what the person saw
    with st.expander("Edit this organisation"):
        st.caption("Every change is recorded in the change log below with your name, the time and the values before and after.")
        form, who, reason, submitted = directory_ui.organisation_form(
            "organisation.edit", {**organisations.form_values(record), "districts": record["districts"], "themes": record["themes"]}, adding=False
        )
        if submitted and directory_ui.save_organisation(form, who, org_id=record["org_id"], reason=reason,
                                                        expected_version=seen_version):
            rerun_with_flash("organisation", "Saved. The change is in the change log.")

st.subheader("Change log")
entries = directory_ui.changes(db_path, version, record["org_id"])
if not entries:
    st.caption("No changes made in the dashboard yet.")
else:
    st.dataframe(
        [
            {
                "When": directory_ui.when(e["at"]),
                "Who": e["who"],
                "What": e["action"],
                "Fields": ", ".join(sorted((e["after"] or {}).keys())),
                "Before": ", ".join(f"{k}: {v}" for k, v in (e["before"] or {}).items()),
                "After": ", ".join(f"{k}: {v}" for k, v in (e["after"] or {}).items()),
                "Reason": e["reason"] or "",
            }
            for e in entries
        ],
        hide_index=True,
        width="stretch",
        key="organisation.changes",
    )
