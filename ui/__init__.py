"""Streamlit pieces the pages share: cached readers, charts, formatting, downloads."""
