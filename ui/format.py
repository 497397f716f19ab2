"""Formatting for pages: the same functions the command line uses (models.formatting)."""

from models.formatting import (  # noqa: F401  (re-exported for pages)
    count_of,
    money,
    money_from_pounds,
    percent,
    uk_date,
    uk_datetime,
    uk_short_date,
    uk_stored_date,
)


def money_column_config(label: str, help: str | None = None, width: int | None = None):
    """A dataframe column showing an amount in pounds as '£1,234.56' (``width`` in pixels
    where a short title heads amounts in millions, which the table would otherwise clip)."""
    import streamlit as st

    return st.column_config.NumberColumn(label, help=help, format="£%,.2f", width=width)


def count_column_config(label: str, help: str | None = None):
    """A dataframe column showing a count with thousands separators, as '270,374'."""
    import streamlit as st

    return st.column_config.NumberColumn(label, help=help, format="%,d")


def leading(frame, first: list[str]):
    """``frame`` with the ``first`` columns (those it has) leading, the rest in their order:
    what a row is and the figure a person came for, so a 390 px phone shows them without
    scrolling sideways."""
    first = [c for c in first if c in frame.columns]
    return frame[first + [c for c in frame.columns if c not in first]]
