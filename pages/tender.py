"""Tender evaluation (placeholder until issue 6 lands: replace this file)."""

import streamlit as st

st.title("Tender evaluation")
st.info("This tool is being built and is not available yet.")
