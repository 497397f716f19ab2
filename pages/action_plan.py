"""Action plan (placeholder until issue 5 lands: replace this file)."""

import streamlit as st

st.title("Action plan")
st.info("This tool is being built and is not available yet.")
