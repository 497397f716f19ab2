"""Accessibility statement, on the GOV.UK model (Public Sector Bodies (Websites and Mobile
Applications) (No. 2) Accessibility Regulations 2018)."""

import streamlit as st

from models.about import ACCESSIBILITY_STATEMENT, contact_line

st.title("Accessibility statement")
st.caption(contact_line())
for heading, paragraphs in ACCESSIBILITY_STATEMENT:
    st.header(heading, divider=False)
    for paragraph in paragraphs:
        st.markdown(paragraph)
