"""Social return on investment (SROI) (placeholder until issue 7 lands: replace this file)."""

import streamlit as st

st.title("Social return on investment (SROI)")
st.info("This tool is being built and is not available yet.")
