"""The dashboard's domain: plain Python, no Streamlit. See README (Architecture)."""
