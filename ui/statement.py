"""A page of the product's own prose: headed sections of paragraphs (accessibility
statement, privacy notice). The text is ours, never from data, so Markdown is safe."""

from __future__ import annotations

import streamlit as st

from models.about import contact_line


def show_statement(title: str, sections: list[tuple[str, list[str]]]) -> None:
    st.title(title)
    st.caption(contact_line())
    for heading, paragraphs in sections:
        st.header(heading, divider=False)
        for paragraph in paragraphs:
            st.markdown(paragraph)
