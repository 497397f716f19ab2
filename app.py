"""Router and frame: page config, sign-in, navigation and the sidebar data banner. Nothing else."""

from pathlib import Path

import streamlit as st

from ui.auth import identity_frame
from ui.frame import data_banner, pages_for, sidebar_navigation

st.set_page_config(
    page_title="Third Sector Partnership Dashboard – Cheshire East",
    # A local file, not a ":material/..." name: Streamlit fetches those favicons from
    # fonts.gstatic.com, a request to another origin from every page load.
    page_icon=str(Path(__file__).parent / "ui" / "assets" / "favicon.png"),
    layout="wide",
)

PAGES = {
    "Overview": [
        st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    ],
    "Spend and data": [
        st.Page("app_pages/spend.py", title="Spend explorer", icon=":material/payments:", url_path="spend"),
        st.Page("app_pages/map.py", title="Spend map", icon=":material/map:", url_path="map"),
        st.Page("app_pages/data.py", title="Import data", icon=":material/upload_file:", url_path="data"),
    ],
    "The sector": [
        st.Page("app_pages/directory.py", title="Organisation directory", icon=":material/groups:", url_path="directory"),
        st.Page("app_pages/providers.py", title="Find providers and overlap", icon=":material/join_inner:", url_path="providers"),
        st.Page("app_pages/organisation.py", title="Organisation profile", icon=":material/badge:", url_path="organisation", visibility="hidden"),
    ],
    "Strategy": [
        st.Page("app_pages/outcomes.py", title="Outcomes and gaps", icon=":material/flag:", url_path="outcomes"),
        st.Page("app_pages/action_plan.py", title="Action plan", icon=":material/checklist:", url_path="action-plan"),
        st.Page("app_pages/self_assessment.py", title="Commissioning self-assessment", icon=":material/fact_check:", url_path="self-assessment"),
        st.Page("app_pages/consultations.py", title="Consultation log", icon=":material/forum:", url_path="consultations"),
        st.Page("app_pages/consultation_toolkit.py", title="Compact toolkit", icon=":material/event_note:", url_path="compact-toolkit"),
        st.Page("app_pages/compact.py", title="Compact dashboard", icon=":material/verified:", url_path="compact"),
    ],
    "Tools": [
        st.Page("app_pages/tender.py", title="Tender evaluation", icon=":material/gavel:", url_path="tender"),
        st.Page("app_pages/agreements.py", title="Agreements", icon=":material/contract:", url_path="agreements"),
        st.Page("app_pages/monitoring.py", title="Monitoring", icon=":material/monitoring:", url_path="monitoring"),
        st.Page("app_pages/sroi.py", title="Social return (SROI)", icon=":material/trending_up:", url_path="sroi"),
        st.Page("app_pages/cost_recovery.py", title="Full cost recovery", icon=":material/calculate:", url_path="full-cost"),
    ],
    "About": [
        st.Page("app_pages/accessibility.py", title="Accessibility statement", icon=":material/accessibility:", url_path="accessibility"),
        st.Page("app_pages/privacy.py", title="Privacy", icon=":material/shield_person:", url_path="privacy"),
    ],
    "Administration": [
        st.Page("app_pages/admin.py", title="People and roles", icon=":material/admin_panel_settings:", url_path="admin"),
    ],
}

# Pages only some roles may open (url path -> policy action); the rest are open to every
# role, viewers included. The writes inside every page are checked by the policy again.
PAGE_ACTIONS = {
    "data": "data.import",
    "action-plan": "action_plan.edit",
    "self-assessment": "self_assessment.edit",
    "tender": "tender.view",
    "admin": "users.manage",
}

# Streamlit's own sectioned sidebar menu nests <div>s directly in a <ul>, which fails
# WCAG 1.3.1 (axe: list, listitem); we hide it and draw the same menu with page links.
actor = identity_frame()  # the sign-in gate, or the local-mode banner
pages = pages_for(PAGES, actor, PAGE_ACTIONS)
page = st.navigation(pages, position="hidden")
sidebar_navigation(pages)
data_banner()
page.run()
