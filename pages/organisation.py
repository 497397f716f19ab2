"""Organisation profile (placeholder until issue 4 lands: replace this file)."""

import streamlit as st

st.title("Organisation profile")
st.info("This tool is being built and is not available yet.")
