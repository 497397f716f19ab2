"""Find providers and overlap (placeholder until issue 4 lands: replace this file)."""

import streamlit as st

st.title("Find providers and overlap")
st.info("This tool is being built and is not available yet.")
