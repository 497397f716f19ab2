"""Import data (placeholder until issue 3 lands: replace this file)."""

import streamlit as st

st.title("Import data")
st.info("This tool is being built and is not available yet.")
