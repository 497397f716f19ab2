"""Spend explorer: what councils spend on the voluntary and community sector, by
authority, district, department and funding type. Filters live in the URL."""

import streamlit as st

from models import spend
from ui import spend as spend_ui
from ui.charts import show_chart
from ui.data import data_version, database_path
from ui.downloads import download_table
from ui.format import count_of, money, money_column_config, percent

st.title("Spend explorer")
st.write(
    "What councils in Cheshire East spend on voluntary and community organisations, "
    "by administering authority, department and funding type. Share a view by copying "
    "the page address: the filters are kept in it."
)

db_path, version = database_path(), data_version()

with st.container(border=True):
    st.markdown("**Filters**")
    all_suppliers = st.toggle(
        "Include suppliers not recognised as third-sector (imported spend files)",
        key="spend.all_suppliers",
        bind="query-params",
    )
    options = spend_ui.filter_options(db_path, version, not all_suppliers)
    first, second, third = st.columns(3)
    years = first.multiselect("Financial year", options["years"], key="spend.year", bind="query-params", placeholder="All years")
    body_types = second.multiselect(
        "Body type",
        options["body_types"],
        default=[b for b in ["local_government"] if b in options["body_types"]],
        format_func=lambda v: spend.BODY_TYPE_LABELS.get(v, v),
        key="spend.body",
        bind="query-params",
        help="Health (the PCT) is kept apart from local government unless you add it here.",
    )
    funding_types = third.multiselect(
        "Funding type",
        options["funding_types"],
        format_func=lambda v: spend.FUNDING_TYPE_LABELS.get(v, v),
        key="spend.funding",
        bind="query-params",
        placeholder="Contracts and grants",
    )
    fourth, fifth = st.columns(2)
    authorities = fourth.multiselect(
        "Administering authority", options["authorities"], key="spend.authority", bind="query-params", placeholder="All authorities"
    )
    departments = fifth.multiselect(
        "Department", options["departments"], key="spend.department", bind="query-params", placeholder="All departments"
    )

spend_filter = spend.SpendFilter(
    years=tuple(years),
    body_types=tuple(body_types),
    authorities=tuple(authorities),
    departments=tuple(departments),
    funding_types=tuple(funding_types),
    third_sector_only=not all_suppliers,
)

view = spend_ui.cube(db_path, version, spend_filter)
figures = spend.headline_of(view)
total, contract, grant = st.columns(3)
total.metric("Total spend", money(figures.total_pence))
contract.metric("Contracts", money(figures.contract_pence))
contract.caption(f"{percent(figures.contract_share)} of the total" if figures.total_pence else "")
grant.metric("Grants", money(figures.grant_pence))
grant.caption(f"{percent(1 - figures.contract_share)} of the total" if figures.total_pence else "")

if figures.records == 0:
    st.warning("No spend matches these filters. Clear a filter to see more.")
    st.stop()

st.info(
    "Cheshire County Council's spend covered the whole of what became Cheshire East, so it "
    f"is shown as '{spend.COUNTY_WIDE}', not as spend in any one borough.",
    icon=":material/info:",
)

by_authority = spend.rollup(view, ["authority", "district", "funding_type"])
authority_table = spend.in_pounds(by_authority.drop(columns=["rows"]), ["amount_pence"]).rename(
    columns={"authority": "Administering authority", "district": "District", "funding_type": "Funding type", "amount_pence": "Amount (£)"}
)
show_chart(
    spend_ui.stacked_bar(by_authority, "authority", "Administering authority"),
    title="Spend by administering authority, contract and grant",
    description=(
        f"Bar chart of {money(figures.total_pence)} of spend across "
        f"{count_of(figures.authorities, 'administering authority', 'administering authorities')}, "
        "each bar split into contracts and grants."
    ),
    table=authority_table,
    key="spend.by_authority",
    table_column_config={"Amount (£)": money_column_config("Amount (£)")},
)

by_department = spend.rollup(view, ["department", "funding_type"])
department_table = spend.in_pounds(by_department.drop(columns=["rows"]), ["amount_pence"]).rename(
    columns={"department": "Department", "funding_type": "Funding type", "amount_pence": "Amount (£)"}
)
show_chart(
    spend_ui.stacked_bar(by_department, "department", "Department"),
    title="Spend by department, contract and grant",
    description=(
        f"Bar chart of spend by department ({by_department['department'].nunique()} departments), "
        "split into contracts and grants. Departments with the same name in different authorities are added together."
    ),
    table=department_table,
    key="spend.by_department",
    table_column_config={"Amount (£)": money_column_config("Amount (£)")},
)

st.subheader("Spend by authority and department")
st.caption("Laid out as the framework document's table, with a total for each authority and a grand total.")
layout = spend.document_table_of(view)
shown = spend.in_pounds(layout.drop(columns=["row_kind"]), ["Contract", "Grant", "Grand Total"])
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config={c: money_column_config(c) for c in ["Contract", "Grant", "Grand Total"]},
    key="spend.document_table",
)
filters_note = "Filters: " + "; ".join(
    f"{name}: {', '.join(values) if values else 'all'}"
    for name, values in (
        ("financial year", years),
        ("body type", [spend.BODY_TYPE_LABELS.get(b, b) for b in body_types]),
        ("authority", authorities),
        ("department", departments),
        ("funding type", funding_types),
    )
)
download_table(
    shown,
    file_stem="third-sector-spend",
    key="spend.download",
    label="this table",
    notes=[
        "Third-sector spend, Cheshire East. Source: 'Inform, Consult, Involve, Devolve' (August 2008) and any files imported.",
        filters_note,
    ],
    money_columns=["Contract", "Grant", "Grand Total"],
)
