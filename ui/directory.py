"""Cached directory readers, the fitted matching model, the fictional-data banner and the
organisation form shared by the directory, profile and providers pages."""

from __future__ import annotations

from urllib.parse import urlencode

import altair as alt
import pandas as pd
import streamlit as st

from models import directory_search, organisations, policy, store
from models.errors import DomainError, StaleEdit

from .charts import PALETTE, wrapped_labels
from .auth import current_actor
from .data import data_changed, database, reader
from .edits import show_error
from .format import uk_datetime
from .problems import plain, show_problems  # noqa: F401 (directory_ui.plain, used by pages)

PROFILE_PAGE = "app_pages/organisation.py"
FICTIONAL_NOTE = "Includes fictional demonstration organisations (ids starting DEMO-): invented, not real bodies."


directory_version = reader(organisations.directory_version)


filter_options = reader(organisations.filter_options)


counts = reader(organisations.counts)


demo_shown = reader(organisations.demo_shown)


search = reader(directory_search.search)


profile = reader(organisations.get)


@reader
def funding(db, org_id: str) -> pd.DataFrame:
    record = organisations.get(db, org_id)
    return organisations.funding_records(db, record) if record else pd.DataFrame()


changes = reader(organisations.changes)


directory_depth = reader(organisations.directory_depth)


# models.matching loads scikit-learn (about a second): imported where a model is needed, so
# the directory and profile pages, which share this module, do not pay for it.
@st.cache_resource(max_entries=4, show_spinner="Reading the directory for matching (once per change)…")
def match_model(db_path: str, directory_version_key: str) -> "matching.MatchModel":  # noqa: F821
    """The fitted matching model for this directory version: fitted once, shared by all
    sessions until the directory changes (a few versions kept: models.matching.CACHE_SIZE)."""
    from models import matching

    with store.opened(db_path) as db:
        return matching.model_for(db)


@st.cache_data(ttl=600, max_entries=32, show_spinner=False)
def overlap_pairs(db_path: str, directory_version_key: str, district: str | None, theme: str | None,
                  threshold: float) -> pd.DataFrame:
    """Overlapping pairs (``matching.overlap``) for this directory version and these choices:
    computed once, not on every rerun of the page."""
    from models import matching

    return matching.overlap(match_model(db_path, directory_version_key), district=district, theme=theme, threshold=threshold)


def overlap_table(pairs: pd.DataFrame) -> pd.DataFrame:
    """Overlap pairs as the providers page shows and downloads them: the overlap first and
    the two names in one column (so a 390 px phone shows both beside the overlap), lists as
    text; the names and identifiers also apart, for the download."""
    return pairs.assign(
        pair=[f"{a} / {b}" for a, b in zip(pairs["name_a"], pairs["name_b"])],
        shared_terms=_joined(pairs["shared_terms"]), shared_districts=_joined(pairs["shared_districts"]),
    )[["score", "pair", "shared_terms", "shared_districts", "cluster", "name_a", "name_b", "org_id_a", "org_id_b"]]


def profile_url(org_id: str) -> str:
    """The profile page's address for an organisation (relative, for table link columns)."""
    return "./organisation?" + urlencode({"org": org_id})


def _joined(lists) -> list[str]:
    return [", ".join(items) for items in lists]


def results_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Search results as the directory table shows them: profile links, lists as text,
    LAA themes only, income in pounds, a 'Fictional' marker. Income comes straight after the
    name, so a 390 px phone shows the money without scrolling sideways."""
    return rows.assign(
        profile=[profile_url(o) for o in rows["org_id"]],
        districts=_joined(rows["districts"]),
        themes=_joined([[t for t in ts if t in organisations.LAA_THEMES] for ts in rows["themes"]]),
        income=[None if pd.isna(v) else v / 100 for v in rows["latest_income_pence"]],
        fictional=["Fictional" if d else "" for d in rows["is_demo"]],
    )[["name", "income", "profile", "districts", "org_type", "themes", "size_band", "role", "fictional", "org_id"]]


def matches_table(ranked: pd.DataFrame) -> pd.DataFrame:
    """Provider matches as the providers page shows them."""
    return ranked.assign(
        profile=[profile_url(o) for o in ranked["org_id"]],
        districts=_joined(ranked["districts"]),
        matched_terms=_joined(ranked["matched_terms"]),
        fictional=["Fictional" if d else "" for d in ranked["is_demo"]],
    )[["rank", "name", "profile", "score", "matched_terms", "districts", "org_type", "fictional", "org_id"]]


def fictional_banner(demo_in_view: bool) -> None:
    """The notice every page showing demonstration organisations carries."""
    if demo_in_view:
        st.warning(
            "**Fictional demonstration data.** Organisations with ids starting DEMO- are invented "
            "to show how the directory works; they do not exist. Import the Charity Commission "
            "register (Import data) to use real organisations, and switch the demonstration data "
            "off on the directory page.",
            icon=":material/science:",
        )


def when(stamp: str | None) -> str:
    """'24/11/2026 22:08 (London time)' from a stored ISO time (UTC); the text as stored if it
    is not one."""
    try:
        return f"{uk_datetime(stamp)} (London time)" if stamp else "not recorded"
    except ValueError:
        return str(stamp)


def organisation_form(key: str, values: dict, *, adding: bool) -> tuple[dict, str, str, bool]:
    """Draw the add/edit form; returns (form values, who, reason, submitted)."""
    options = organisations
    with st.form(key):
        name = st.text_input("Name", value=values.get("name") or "", key=f"{key}.name", max_chars=200)
        first, second, third = st.columns(3)
        org_id = first.text_input(
            "Organisation identifier (org-id)", value="", key=f"{key}.org_id", disabled=not adding,
            help="e.g. GB-CHC-1164883. Leave blank to use the charity or company number, or to be given a local id.",
        ) if adding else None
        charity = second.text_input("Charity number", value=values.get("charity_number") or "", key=f"{key}.charity_number")
        company = third.text_input("Company number", value=values.get("company_number") or "", key=f"{key}.company_number")
        other_ids = st.text_input("Other identifiers (org-ids, separated by commas)", value=values.get("other_ids") or "", key=f"{key}.other_ids")
        org_type = st.selectbox(
            "Type", options.ORG_TYPES, index=options.ORG_TYPES.index(values["org_type"]) if values.get("org_type") in options.ORG_TYPES else None,
            key=f"{key}.org_type", placeholder="Choose a type",
        )
        districts = st.multiselect("Districts served", options.DISTRICTS, default=[d for d in values.get("districts") or [] if d in options.DISTRICTS], key=f"{key}.districts")
        themes = st.multiselect(
            "Themes (Local Area Agreement themes and Charity Commission classifications)", options.KNOWN_THEMES,
            default=[t for t in values.get("themes") or [] if t in options.KNOWN_THEMES], key=f"{key}.themes",
        )
        description = st.text_area("Description of services", value=values.get("description") or "", key=f"{key}.description", max_chars=5000)
        first, second, third = st.columns(3)
        income = first.text_input("Latest annual income (£)", value=values.get("latest_income") or "", key=f"{key}.income")
        staff = second.text_input("Staff", value="" if values.get("staff") is None else str(values["staff"]), key=f"{key}.staff")
        volunteers = third.text_input("Volunteers", value="" if values.get("volunteers") is None else str(values["volunteers"]), key=f"{key}.volunteers")
        first, second = st.columns(2)
        infrastructure = first.checkbox("Infrastructure (support) organisation", value=bool(values.get("is_infrastructure")), key=f"{key}.infrastructure")
        public = second.checkbox("Delivers public services", value=bool(values.get("delivers_public_services")), key=f"{key}.public")
        first, second = st.columns(2)
        postcode = first.text_input("Postcode", value=values.get("postcode") or "", key=f"{key}.postcode")
        website = second.text_input("Website", value=values.get("website") or "", key=f"{key}.website")
        who = current_actor().label
        reason = st.text_input("Reason for the change (optional)", key=f"{key}.reason") if not adding else ""
        submitted = st.form_submit_button("Add organisation" if adding else "Save changes", type="primary")
    form = {
        "name": name, "org_id": org_id, "charity_number": charity, "company_number": company, "other_ids": other_ids,
        "org_type": org_type, "districts": districts, "themes": themes, "description": description,
        "latest_income": income, "staff": staff, "volunteers": volunteers, "is_infrastructure": infrastructure,
        "delivers_public_services": public, "postcode": postcode, "website": website,
    }
    return form, who, reason, submitted


def acting(who: str) -> policy.Actor:
    """Who acts on the directory pages: the signed-in person (ui.auth), or with sign-in off
    the name typed in the sidebar. ``who`` is kept for callers that still pass it."""
    return current_actor()


def save_organisation(form: dict, who: str, *, org_id: str | None = None, reason: str = "",
                      expected_version: int | None = None) -> str | None:
    """Add (``org_id`` None) or update an organisation; show problems; returns the org-id
    saved, or None when the form had problems or the organisation changed since it was
    opened (``expected_version``): then what changed is shown beside the input, which the
    form keeps."""
    try:
        with database() as db:
            if org_id is None:
                saved = organisations.add(db, form, actor=acting(who))
            else:
                organisations.update(db, org_id, form, actor=acting(who), reason=reason or None,
                                     expected_version=expected_version)
                saved = org_id
    except StaleEdit as error:
        show_error(error, _as_stored(form), key="directory.stale")
        return None
    except DomainError as error:
        show_problems(error)
        return None
    data_changed()
    return saved


def _as_stored(form: dict) -> dict:
    """The person's input under the stored column names (for the stale-save table)."""
    try:
        return organisations.validate(form, adding=False)
    except DomainError:
        return form


def set_demo_shown(shown: bool, who: str) -> bool:
    """Switch the demonstration data on or off; False (with a message) if it could not."""
    try:
        with database() as db:
            organisations.set_demo_shown(db, shown, actor=acting(who))
    except DomainError as error:
        show_problems(error)
        return False
    data_changed()
    return True


HEATMAP_FRAME = 230  # px for the title, axis and legend around the cells


def depth_heatmap(depth: pd.DataFrame, value: str, value_title: str) -> alt.Chart:
    """Theme by district grid, darker where more providers; numbers printed in each cell."""
    # Short district labels under the cells, theme labels cut at 150 px and the legend below,
    # so the cells keep their width (and their numbers stay legible) on a 390 px phone.
    base = alt.Chart(depth).encode(
        x=alt.X("district:N", title="District", axis=alt.Axis(
            labelAngle=0, labelOverlap=False, labelExpr=wrapped_labels(depth["district"], 12, lambda d: d.replace(" and ", " & ")))),
        y=alt.Y("theme:N", title=None, sort=list(dict.fromkeys(depth["theme"])),
                axis=alt.Axis(labelOverlap=False, labelLimit=160, labelExpr=wrapped_labels(depth["theme"], 22))),
    )
    cells = base.mark_rect(stroke="#505a5f").encode(
        color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(orient="bottom", direction="horizontal", gradientLength=160)),
        tooltip=[alt.Tooltip("theme:N", title="Theme"), alt.Tooltip("district:N", title="District"), alt.Tooltip(f"{value}:Q", title=value_title)],
    )
    text = base.mark_text(fontSize=14).encode(
        text=alt.Text(f"{value}:Q"),
        color=alt.condition(f"datum.{value} > {max(1, depth[value].max() * 0.5)}", alt.value("white"), alt.value("black")),
    )
    # Streamlit fits the whole chart (a two-line title, the district axis and the legend
    # too) into this height: without room for them the cells were squashed to slivers.
    return (cells + text).properties(height=44 * depth["theme"].nunique() + HEATMAP_FRAME)


def funding_bars(by_year: pd.DataFrame) -> alt.Chart:
    """Funding per financial year, stacked by contract and grant."""
    data = by_year.assign(**{"Funding type": by_year["funding_type"].str.capitalize(), "Amount (£)": by_year["amount_pence"] / 100})
    return alt.Chart(data).mark_bar().encode(
        x=alt.X("financial_year:N", title="Financial year", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(Amount (£)):Q", title="Amount (£)", axis=alt.Axis(format=",.0f")),
        color=alt.Color("Funding type:N", scale=alt.Scale(domain=["Contract", "Grant"], range=PALETTE[:2]), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("financial_year:N", title="Financial year"), alt.Tooltip("Funding type:N"),
                 alt.Tooltip("sum(Amount (£)):Q", title="Amount (£)", format=",.2f")],
    ).properties(height=260)
