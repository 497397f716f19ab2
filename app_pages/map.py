"""Spend map: spend by Cheshire East ward, former borough or local authority, in total or
per head, placed where the benefit lands or where the recipient is based. Map, table and
download show the same numbers; every choice is kept in the URL."""

import pandas as pd
import streamlit as st

from models import geography
from ui import maps, plain
from ui.charts import titled
from ui import spend as spend_ui
from ui.data import data_version, database_path
from ui.downloads import download_table
from ui.format import count_column_config, leading, money, money_column_config, uk_stored_date

st.title("Spend map")
st.write(
    "Where spend on the voluntary and community sector goes, by ward, former borough or local "
    "authority. Choose an area to see the spend behind its figure. Share a view by copying the page "
    "address: every choice is kept in it."
)

db_path, version = database_path(), data_version()
GAPS_LISTED = 1_000  # rows of the last table shown on the page

with st.container(border=True):
    first, second, third = st.columns(3)
    level = first.radio(
        "Geography", list(geography.LEVELS), format_func=geography.LEVELS.get, index=1,
        key="map.geo", bind="query-params", horizontal=False,
    )
    basis = second.radio(
        "Place spend", list(geography.BASES), format_func=geography.BASES.get,
        key="map.place", bind="query-params",
        help="Where the benefit lands: the 360Giving beneficiary location (else the council's own area). "
        "Where the recipient is based: the recipient's location code as published.",
    )
    measure = third.radio(
        "Show", ["total", "per_head"], format_func={"total": "Total spend", "per_head": "Spend per head"}.get,
        key="map.measure", bind="query-params",
    )
    with st.expander("Filter the spend"):
        spend_filter, filters_note = spend_ui.filter_controls("map", db_path, version)

figures = maps.spend_by_area(db_path, version, level, spend_filter, basis)
level_label, basis_label = geography.LEVELS[level], geography.BASES[basis]
areas = figures[figures["kind"] == "area"]
elsewhere = figures[figures["kind"] != "area"]
total = int(figures["amount_pence"].sum())

left, middle, right = st.columns(3)
left.metric("Spend in this view", money(total))
middle.metric(f"On the map ({level_label.lower()})", money(int(areas["amount_pence"].sum())))
right.metric("Not on the map", money(int(elsewhere["amount_pence"].sum())))
if not elsewhere.empty:
    right.caption("County-wide spend is shown as county-wide, never spread over areas; the table lists each part.")

per_head = measure == "per_head"
if per_head and areas["per_head_pence"].isna().all():
    st.info(
        "Per head needs each area's population, and none of the areas in this view has a cited population "
        "(data/reference/ holds local authorities and Cheshire East's wards and former boroughs), so totals are shown.",
        icon=":material/info:",
    )
    per_head = False

shapes = maps.boundaries(db_path, version, level)
title = f"{'Spend per head' if per_head else 'Spend'} by {level_label.lower()}, {basis_label.lower()}"
description = maps.describe(figures, level_label, basis_label, per_head)
if shapes.empty:
    st.info(
        f"No {level_label.lower()} boundaries yet: import the ONS "
        f"{'ward' if level != 'local_authority' else 'local authority district'} boundaries (GeoJSON) on the "
        f"Import data page or with `python -m models import FILE`, from the [ONS Open Geography Portal]"
        f"({geography.ONS_WARDS if level != 'local_authority' else geography.ONS_DISTRICTS}).",
        icon=":material/map:",
    )
else:
    st.altair_chart(
        titled(maps.choropleth(shapes, figures, per_head=per_head), title, description),
        width="stretch",
        key="map.chart",
    )
    st.caption(description)
if per_head:
    st.caption(
        "Per head divides by ONS mid-2020 populations (a former borough's is the sum of its wards'), "
        "whichever year the spend is from."
    )

st.subheader("The same numbers as a table")
table = figures.assign(
    Kind=figures["kind"].map(geography.KIND_LABELS),
    amount=figures["amount_pence"] / 100,
    per_head=[None if v is None or v != v else round(v) / 100 for v in figures["per_head_pence"]],
)[["name", "amount", "per_head", "Kind", "code", "records", "population"]].rename(
    columns={"name": "Area", "code": "Code", "amount": "Spend (£)", "records": "Records",
             "population": "Population (mid-2020)", "per_head": "Spend per head (£)"}
)
if table["Population (mid-2020)"].isna().all():
    table = table.drop(columns=["Population (mid-2020)", "Spend per head (£)"])
shown_table = table.copy()
if "Spend per head (£)" in shown_table:
    # an area without a population (county-wide spend, outside the county) says so, never 'None'
    shown_table["Spend per head (£)"] = [
        "no population held" if pd.isna(v) else money(round(v * 100)) for v in table["Spend per head (£)"]]
    shown_table["Population (mid-2020)"] = [
        "" if pd.isna(v) else f"{int(v):,}" for v in table["Population (mid-2020)"]]
st.dataframe(shown_table, hide_index=True, width="stretch",
             column_config={"Spend (£)": money_column_config("Spend (£)"), "Records": count_column_config("Records")}, key="map.table")
st.caption(
    f"Total: {money(total)}, the same as the spend explorer's total for these filters."
    + ("" if "Spend per head (£)" in table else " No population is held for these areas, so there is no per head column.")
)
credits = [geography.POPULATION_CREDIT]
if not shapes.empty:
    credits.insert(0, "Boundaries: " + "; ".join(sorted(set(shapes["source"]))) + ". " + shapes["licence"].iloc[0])
download_table(
    table, file_stem=f"spend-by-{level.replace('_', '-')}", key="map.download", label="this table",
    notes=[title, filters_note, *credits], money_columns=[c for c in ("Spend (£)", "Spend per head (£)") if c in table],
)

st.subheader("Spend in one area")
choices = [f"{row['kind']}|{row['code']}" for row in figures.to_dict(orient="records")]
names = {f"{row['kind']}|{row['code']}": row["name"] for row in figures.to_dict(orient="records")}
chosen = st.selectbox(
    "Area", choices, format_func=lambda c: names.get(c, c), index=None, placeholder="Choose an area",
    key="map.area", bind="query-params",
)
if chosen:
    kind, code = chosen.split("|", 1)
    records, count, pence = maps.area_records(db_path, version, level, spend_filter, basis, kind, code)
    st.write(f"{plain(names[chosen])}: {count:,} records, {money(pence)}.")
    shown = records.assign(amount=records["amount_pence"] / 100, date=records["date"].map(uk_stored_date)).drop(
        columns=["amount_pence"]).rename(columns={
        "financial_year": "Year", "date": "Date", "authority": "Funder or authority", "department": "Department",
        "funding_type": "Funding type", "recipient": "Recipient", "benefit_place": "Benefit location",
        "beneficiary_code": "Benefit code", "recipient_area_code": "Recipient area code", "amount": "Amount (£)",
        "source": "Source",
    })
    # who and how much first, so a 390 px phone shows the money without scrolling sideways
    shown = leading(shown, ["Recipient", "Amount (£)"])
    if count > len(records):
        st.caption(f"The {len(records):,} largest of {count:,} records are listed.")
    st.dataframe(shown, hide_index=True, width="stretch", column_config={"Amount (£)": money_column_config("Amount (£)")}, key="map.records")
    # up to 5,000 rows: the files are made when a button is pressed, not on every rerun
    download_table(lambda: shown, file_stem="spend-in-area", key="map.records_download", label="these records",
                   notes=[f"Spend in {names[chosen]} ({level_label}, {basis_label.lower()})", filters_note], money_columns=["Amount (£)"])

st.subheader("Where the recipient is based and where the benefit lands")
gaps, counts = maps.differences(db_path, version, level, spend_filter)
st.write(
    f"Both places are known for {counts['both_rows']:,} records ({money(counts['both_pence'])}); they differ for "
    f"{counts['differ_rows']:,} ({money(counts['differ_pence'])}). For {counts['unknown_rows']:,} records "
    f"({money(counts['unknown_pence'])}) the source does not say where the recipient is based, or where the benefit lands."
)
if not gaps.empty:
    gap_table = gaps.assign(amount=gaps["amount_pence"] / 100).drop(columns=["amount_pence"]).rename(columns={
        "recipient": "Recipient", "recipient_place": "Where based", "benefit_place": "Where the benefit lands",
        "amount": "Amount (£)", "records": "Records"}).pipe(leading, ["Recipient", "Amount (£)"])
    # by local authority on national data tens of thousands of rows: the largest listed, every one downloaded,
    # the files made when a button is pressed
    st.dataframe(gap_table.head(GAPS_LISTED), hide_index=True, width="stretch",
                 column_config={"Amount (£)": money_column_config("Amount (£)", width=130),
                                "Records": count_column_config("Records")},
                 key="map.differences")
    if len(gap_table) > GAPS_LISTED:
        st.caption(f"The {GAPS_LISTED:,} largest of {len(gap_table):,} are listed; the downloads hold every one.")
    download_table(lambda: gap_table, file_stem="recipient-vs-benefit", key="map.differences_download", label="these differences",
                   notes=[f"Recipient location against benefit location, by {level_label.lower()}", filters_note], money_columns=["Amount (£)"])
