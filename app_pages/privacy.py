"""Privacy notice: what personal data the app stores, why, and for how long."""

import streamlit as st

from models.about import PRIVACY_NOTICE, contact_line

st.title("Privacy: what this app stores about people")
st.caption(contact_line())
for heading, paragraphs in PRIVACY_NOTICE:
    st.header(heading, divider=False)
    for paragraph in paragraphs:
        st.markdown(paragraph)
