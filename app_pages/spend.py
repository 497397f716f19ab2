"""Spend explorer: what councils spend on the voluntary and community sector, by
authority, district, department and funding type. Filters live in the URL."""

import streamlit as st

from models import spend
from ui import spend as spend_ui
from ui.charts import show_chart
from ui.data import data_version, database_path
from ui.downloads import download_table
from ui.format import money, percent

st.title("Spend explorer")
st.write(
    "What councils in Cheshire East spend on voluntary and community organisations, "
    "by administering authority, district, department and funding type. Share a view by "
    "copying the page address: the filters are kept in it."
)

db_path, version = database_path(), data_version()

with st.container(border=True):
    st.markdown("**Filters**")
    spend_filter, filters_note = spend_ui.filter_controls("spend", db_path, version, districts=True)

screen = spend_ui.spend_screen(db_path, version, spend_filter)
view = screen.view
figures = view.headline
in_districts = ", ".join(spend_filter.districts)
total, contract, grant = st.columns(3)
total.metric(f"Total spend in {in_districts}" if in_districts else "Total spend", money(figures.total_pence))
contract.metric("Contracts", money(figures.contract_pence))
contract.caption(f"{percent(figures.contract_share)} of the total" if figures.total_pence else "")
grant.metric("Grants", money(figures.grant_pence))
grant.caption(f"{percent(1 - figures.contract_share)} of the total" if figures.total_pence else "")

if view.area_wide is not None and view.area_wide.total_pence:
    with st.container(border=True):
        st.metric("Area-wide spend, not in the total above", money(view.area_wide.total_pence))
        st.caption(
            f"Spend filed as covering a whole area ('{spend.COUNTY_WIDE}': Cheshire County Council's, "
            f"and the PCT's when Health is chosen) reached {in_districts} and every other district. It is "
            "shown on its own line, not added to the district's figure, and not shared out between "
            "districts: a split by population would be an estimate, not spend recorded. The Spend map "
            "shows spend per head by former borough and ward."
        )

if figures.records == 0:
    st.warning("No spend matches these filters. Clear a filter to see more.")
    st.stop()

if not spend_filter.districts:
    st.info(
        "Cheshire County Council's spend covered the whole of what became Cheshire East, so it "
        f"is shown as '{spend.COUNTY_WIDE}', not as spend in any one borough. Choose a district "
        "to see its spend, with area-wide spend on a line of its own.",
        icon=":material/info:",
    )

notes = [
    "Third-sector spend, Cheshire East. Source: 'Inform, Consult, Involve, Devolve' (August 2008) and any files imported.",
    filters_note,
]
for part in screen.breakdowns:
    show_chart(part.chart, title=part.title, description=part.description, table=part.table,
               key=f"spend.by_{part.category}", table_column_config=part.config)
    title_word = part.table.columns[0]
    download_table(
        lambda table=part.table: table, file_stem=f"third-sector-spend-by-{part.category}",
        key=f"spend.by_{part.category}.download", label=f"spend by {title_word.lower()}", notes=notes,
        money_columns=["Total (£)", "Contract (£)", "Grant (£)"],
    )

st.subheader("Spend by authority and department")
st.caption(
    "Laid out as the framework document's table, with a total for each authority and a grand "
    "total. Blank cells had no spend of that type. The downloads keep the document's column order."
)
st.dataframe(screen.document, hide_index=True, width="stretch", column_config=screen.document_config,
             key="spend.document_table")
download_table(
    lambda: spend.in_pounds(view.document.drop(columns=["row_kind"]), ["Contract", "Grant", "Grand Total"]),
    file_stem="third-sector-spend",
    key="spend.download",
    label="this table",
    notes=notes,
    money_columns=["Contract", "Grant", "Grand Total"],
)
