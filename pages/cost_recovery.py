"""Full cost recovery (placeholder until issue 8 lands: replace this file)."""

import streamlit as st

st.title("Full cost recovery")
st.info("This tool is being built and is not available yet.")
