"""Find providers and overlap: rank the organisations most likely able to deliver a
service specification (with the words that matched), show how many could bid in each
district and theme (market depth), and list organisations whose services overlap."""

import streamlit as st

from models import matching
from models.errors import DomainError
from ui import directory as directory_ui
from ui.charts import show_chart
from ui.data import data_version, database_path
from ui.downloads import download_table
from ui import show_problems

st.title("Find providers and overlap")
st.write(
    "Commissioners: describe the service you want and see which organisations in the directory "
    "look most able to deliver it, and why. Officers: see where organisations' services overlap, "
    "to start conversations about working together."
)

db_path, version = database_path(), data_version()
model = directory_ui.match_model(db_path, directory_ui.directory_version(db_path, version))
options = directory_ui.filter_options(db_path, version)
directory_ui.fictional_banner(bool(model.organisations["is_demo"].any()) if model.size else False)
if not model.size:
    st.info("The directory is empty. Import the Charity Commission register or add organisations first.")
    st.stop()

st.header("Who could deliver this service?")
with st.form("providers.match_form"):
    spec = st.text_area(
        "Service specification",
        key="providers.spec",
        height=140,
        max_chars=matching.MAX_SPEC_CHARACTERS,
        placeholder="e.g. A befriending service for older people living alone, with a weekly luncheon club and transport.",
        help="Paste the service description from the specification, or write a few sentences.",
    )
    first, second, third = st.columns(3)
    district = first.selectbox("District", options["districts"], index=None, key="providers.district", placeholder="Any district")
    theme = second.selectbox("Theme", options["themes"], index=None, key="providers.theme", placeholder="Any theme")
    top = third.number_input("How many providers", min_value=1, max_value=100, value=10, step=1, key="providers.top")
    if st.form_submit_button("Find providers", type="primary"):
        st.session_state["providers.submitted"] = {"spec": spec, "district": district, "theme": theme, "top": int(top)}

asked = st.session_state.get("providers.submitted")
if asked:
    try:
        ranked = matching.match(model, asked["spec"], district=asked["district"], theme=asked["theme"], top=asked["top"])
    except DomainError as error:
        show_problems(error)
        ranked = None
    if ranked is not None and ranked.empty:
        st.warning("No organisation's description shares any words with this specification. Try plainer words, or remove the district or theme.")
    elif ranked is not None:
        where = " in " + asked["district"] if asked["district"] else ""
        st.subheader(f"The {len(ranked)} organisations{where} most like the specification")
        st.caption(
            "Score: how alike the specification and the organisation's description and themes are, from 0 "
            "(no words in common) to 1 (the same words in the same proportions). Matched words: the words "
            "and phrases that contributed most. A high score means worth a conversation, not proof of capacity."
        )
        table = directory_ui.matches_table(ranked)
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            key="providers.results",
            column_config={
                "rank": st.column_config.NumberColumn("Rank", width="small"),
                "name": st.column_config.TextColumn("Name", width="medium"),
                "profile": st.column_config.LinkColumn("Profile", display_text="Open profile"),
                "score": st.column_config.ProgressColumn("Score", min_value=0.0, max_value=1.0, format="%.2f"),
                "matched_terms": st.column_config.TextColumn("Matched words", width="large"),
                "districts": "Districts served",
                "org_type": "Type",
                "fictional": "Demo data",
                "org_id": "Identifier",
            },
        )
        download_table(
            table.drop(columns=["profile"]),
            file_stem="provider-matches",
            key="providers.download",
            label="these matches",
            notes=[f"Provider matches for: {asked['spec'][:500]}"]
            + ([directory_ui.FICTIONAL_NOTE] if ranked["is_demo"].any() else []),
        )

        st.subheader("Market depth: how many providers could bid")
        threshold = st.slider(
            "Counts an organisation as a possible bidder when its score is at least",
            min_value=0.02, max_value=0.6, value=matching.DEFAULT_BID_THRESHOLD, step=0.01, key="providers.bid_threshold",
        )
        depth = matching.market_depth(model, asked["spec"], threshold=threshold)
        per_theme = depth[depth["theme"] != "All themes"]
        totals = depth[depth["theme"] == "All themes"].set_index("district")["providers"]
        columns = st.columns(len(totals))
        for column, (name, count) in zip(columns, totals.items()):
            column.metric(f"Could bid in {name}", f"{count:,}")
        empty = [name for name, count in totals.items() if count == 0]
        if empty:
            st.error(
                f"No organisation could bid in {', '.join(empty)}. The framework asks: if there is no market, "
                "what steps are we taking to create one?"
            )
        elif totals.min() < 3:
            st.warning("Fewer than three possible bidders in some districts: a thin market. Consider market development before tendering.")
        show_chart(
            directory_ui.depth_heatmap(per_theme, "providers", "Possible bidders"),
            title="Possible bidders by district and Local Area Agreement theme",
            description=(
                f"Grid of possible bidders (score at least {threshold:.2f}) for the specification: "
                + "; ".join(f"{name} {count}" for name, count in totals.items())
                + " in all. Each cell counts those with that theme; an organisation can have several themes."
            ),
            table=depth.rename(columns={"district": "District", "theme": "Theme", "providers": "Possible bidders"}),
            key="providers.depth",
        )

st.header("The directory's depth by theme and district")
depth_all = directory_ui.directory_depth(db_path, version)
show_chart(
    directory_ui.depth_heatmap(depth_all, "organisations", "Organisations"),
    title="Organisations by Local Area Agreement theme and district served",
    description=(
        "Grid counting the organisations in the directory that work on each Local Area Agreement theme in each "
        f"district. The thinnest cell has {int(depth_all['organisations'].min())} and the fullest "
        f"{int(depth_all['organisations'].max())}."
    ),
    table=depth_all.rename(columns={"district": "District", "theme": "Theme", "organisations": "Organisations"}),
    key="providers.directory_depth",
)

st.header("Where services overlap")
st.write(
    "Pairs of organisations working in a district in common whose services look alike, each pair once, most alike "
    "first. Only what they say they do is compared: not their names or places. The words they share say why they "
    "pair. Organisations linked by pairs form a group: a possible starting point for collaboration or a consortium."
)


@st.fragment
def overlap_finder() -> None:
    """The overlap controls and what they show: changing one reruns only this part of the
    page (the matching model, the search above and the depth grid are left as they are)."""
    first, second, third = st.columns(3)
    overlap_district = first.selectbox("District", options["districts"], index=None, key="providers.overlap_district", placeholder="All districts")
    overlap_theme = second.selectbox("Theme", options["themes"], index=None, key="providers.overlap_theme", placeholder="Any theme")
    overlap_threshold = third.slider(
        "Show pairs whose services overlap by at least", min_value=0.2, max_value=0.95, value=matching.DEFAULT_OVERLAP_THRESHOLD,
        step=0.05, key="providers.overlap_threshold",
        help="0 = no service words in common, 1 = the same service words in the same proportions.",
    )
    try:
        pairs = directory_ui.overlap_pairs(db_path, directory_ui.directory_version(db_path, version),
                                           overlap_district, overlap_theme, overlap_threshold)
    except DomainError as error:
        show_problems(error)
        return
    if pairs.empty:
        st.info("No pairs this alike. Lower the overlap to see looser ones.")
    else:
        groups = matching.clusters(pairs)
        first, second = st.columns(2)
        total = pairs.attrs.get("total_pairs", len(pairs))
        first.metric("Pairs whose services overlap", f"{total:,}")
        second.metric("Groups of similar organisations", f"{len(groups):,}")
        if total > len(pairs):
            st.caption(f"The {len(pairs):,} that overlap most are listed; raise the overlap to see fewer, closer pairs.")
        shown = directory_ui.overlap_table(pairs)
        st.dataframe(
            shown,
            hide_index=True,
            width="stretch",
            key="providers.overlap_pairs",
            column_order=["score", "pair", "shared_terms", "shared_districts", "cluster"],
            column_config={
                "score": st.column_config.ProgressColumn("Overlap", min_value=0.0, max_value=1.0, format="%.2f", width="small"),
                "pair": st.column_config.TextColumn("Organisations", width="medium"),
                "shared_terms": st.column_config.TextColumn("Why: services both describe", width="large"),
                "shared_districts": "Districts both serve", "cluster": "Group",
                "org_id_a": "Identifier A", "org_id_b": "Identifier B",
            },
        )
        st.dataframe(
            groups.assign(organisations=[", ".join(n) for n in groups["organisations"]],
                          districts=[", ".join(d) for d in groups["districts"]])[
                ["cluster", "size", "organisations", "districts", "best_score"]],
            hide_index=True,
            width="stretch",
            key="providers.overlap_groups",
            column_config={"cluster": "Group", "organisations": "Organisations", "size": "How many",
                           "districts": "Districts", "best_score": st.column_config.NumberColumn("Best overlap", format="%.2f")},
        )
        download_table(
            shown.drop(columns=["pair"]),
            file_stem="service-overlap",
            key="providers.overlap_download",
            label="overlapping pairs",
            notes=[f"Service overlap (services text only, names and places left out), at least {overlap_threshold:.2f}."]
            + ([directory_ui.FICTIONAL_NOTE] if model.organisations["is_demo"].any() else []),
        )


overlap_finder()
