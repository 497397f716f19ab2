"""Home: the framework's vision in a line, headline figures and a card per tool."""

import streamlit as st

from models import overview
from ui.data import data_version, database_path, reader
from ui import outcomes as outcomes_ui
from ui.format import money, percent
from ui.frame import page_open


@reader
def _headline(db):
    return overview.headline_spend(db), overview.data_summary(db)


@reader
def _outcome_headline(db):
    return overview.outcome_headline(db)


st.title("Third Sector Partnership Dashboard")
st.markdown(
    "*“A responsive, sustainable, innovative, distinctive and independent Third Sector, which "
    "represents and supports the community and plays a vital role in improving the quality of life "
    "of the people in Cheshire East.”* — Inform, Consult, Involve, Devolve: a partnership framework "
    "for Cheshire East Council, 2008"
)

spend_figures, summary = _headline(database_path(), data_version())
first, second, third, fourth = st.columns(4)
first.metric("Council spend on the sector", money(spend_figures.total_pence, whole_pounds=True))
second.metric("Through contracts", percent(spend_figures.contract_share, 0) if spend_figures.total_pence else "–")
third.metric("Through grants", percent(1 - spend_figures.contract_share, 0) if spend_figures.total_pence else "–")
organisations = summary.demo_organisations + summary.real_organisations
fourth.metric("Organisations in the directory", f"{organisations:,}")
if summary.demo_organisations:
    fourth.caption(f"{summary.demo_organisations:,} are fictional demonstration entries.")

st.subheader("The framework's outcomes")
outcomes_ui.show_headline(_outcome_headline(database_path(), data_version()))
st.caption("The framework's six outcomes, from their indicators; the Outcomes and gaps page states the rule.")

st.subheader("Tools")
TOOLS = [
    ("app_pages/spend.py", "Spend explorer", "Council members: what is spent, by authority, department and funding type."),
    ("app_pages/map.py", "Spend map", "Council members: spend by ward, former borough and council, and where the benefit lands."),
    ("app_pages/data.py", "Import data", "Officers: load 360Giving grants, spend over £500, the charity register and contract notices."),
    ("app_pages/directory.py", "Organisation directory", "Search the sector's organisations by service, district and theme."),
    ("app_pages/providers.py", "Find providers and overlap", "Commissioners: who could deliver a service; where services overlap."),
    ("app_pages/outcomes.py", "Outcomes and gaps", "Strategy officers: the six outcomes, on or off track, and the gaps."),
    ("app_pages/action_plan.py", "Action plan", "The Inform, Consult, Involve and Devolve proposals and their progress."),
    ("app_pages/self_assessment.py", "Commissioning self-assessment", "Service managers: the eight principles and the challenge questions."),
    ("app_pages/consultation_toolkit.py", "Compact toolkit", "Managers: plan a Compact-compliant consultation and save it."),
    ("app_pages/consultations.py", "Consultation log", "Record who took part, the responses and the 'you said, we did' feedback."),
    ("app_pages/compact.py", "Compact dashboard", "Strategy officers: Compact compliance measured from records, beside the self-assessment."),
    ("app_pages/tender.py", "Tender evaluation", "Commissioners: score bids on quality, price and social value."),
    ("app_pages/agreements.py", "Agreements", "Grants, contracts and capacity investment; the money behind each outcome."),
    ("app_pages/monitoring.py", "Monitoring", "What each agreement delivered against what was promised, in pounds."),
    ("app_pages/sroi.py", "Social return (SROI)", "Estimate the social value created for each pound invested."),
    ("app_pages/cost_recovery.py", "Full cost recovery", "Sector managers: the full cost of each project, overheads included."),
]
TOOLS = [tool for tool in TOOLS if page_open(tool[0])]  # only the tools this person may open
for row_start in range(0, len(TOOLS), 3):
    columns = st.columns(3)
    for column, (path, title, blurb) in zip(columns, TOOLS[row_start : row_start + 3]):
        with column.container(border=True):
            st.page_link(path, label=title)
            st.caption(blurb)
