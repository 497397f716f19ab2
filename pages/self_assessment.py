"""Commissioning self-assessment (placeholder until issue 5 lands: replace this file)."""

import streamlit as st

st.title("Commissioning self-assessment")
st.info("This tool is being built and is not available yet.")
