"""Entering rows one at a time: the "Form / Grid" choice a page offers above its grids, and
a form for one row (add or edit a project, a cost pool, an outcome, an action) that checks
what is typed as it is typed, by the same models/ rules as the grid.

The form is the default on a phone (Streamlit cannot read the screen width, so the
browser's own "Mobile" user agent decides); the choice is kept in the page address
(``?fcr.entry=Form``), so a person who prefers the grid can keep it, or share it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
import streamlit as st

from models.checks import parse_number

from .problems import plain

FORM, GRID = "Form", "Grid"
MODES = (FORM, GRID)
MOBILE_AGENTS = ("Mobi", "Android", "iPhone", "iPad")


def narrow_screen() -> bool:
    """Whether the browser says it is a phone or tablet (its User-Agent)."""
    try:
        agent = st.context.headers.get("User-Agent") or ""
    except Exception:  # noqa: BLE001 (no browser: AppTest)
        agent = ""
    return any(word in agent for word in MOBILE_AGENTS)


def entry_mode(page: str) -> str:
    """The "Enter rows with: Form / Grid" choice, keyed ``<page>.entry`` and kept in the URL."""
    return st.radio(
        "Enter rows with",
        MODES,
        index=0 if narrow_screen() else 1,
        key=f"{page}.entry",
        horizontal=True,
        bind="query-params",
        help="Form: one row at a time, checked as you type (easiest on a phone). "
             "Grid: every row at once, like a spreadsheet (you can paste rows in).",
    )


@dataclass(frozen=True)
class Field:
    """One box of a row form: the grid ``column`` it fills, how it is asked."""

    column: str
    label: str = ""
    kind: str = "text"  # "text", "number" (typed, '£1,200' allowed), "choice", "long"
    options: tuple = ()
    help: str | None = None
    labels: dict = field(default_factory=dict)  # choice -> words shown

    @property
    def shown(self) -> str:
        return self.label or self.column


def blank(value: Any) -> bool:
    """An empty cell: None, NaN/NA or blank text."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and value != value:
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: Any) -> str:
    """A grid cell as the text a form box starts with ('' when empty; 12.0 -> '12')."""
    if blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def typed_value(text: str, kind: str) -> Any:
    """What a form box holds, as a grid cell: None when empty, a number when it reads as
    one (so '£1,200' is 1200.0), else the text as typed (the models' check names it)."""
    if blank(text):
        return None
    if kind == "number":
        try:
            return float(parse_number(text))
        except ValueError:
            return str(text).strip()
    return str(text).strip() if isinstance(text, str) else text


def row_form(
    key: str,
    frame: pd.DataFrame,
    fields: list[Field],
    *,
    noun: str,
    row_label: Callable[[dict], str],
    check: Callable[[dict, int | None], list[str]],
) -> pd.DataFrame | None:
    """Add a row to ``frame`` or edit one, one row at a time. The person picks "Add a new
    <noun>" or a row (``row_label`` names it), fills the boxes and sees ``check(values,
    row_index)``'s problems as they type; Save returns the frame with the row added or
    replaced (or removed, with Delete) when there are no problems, else None."""
    rows = frame.to_dict(orient="records")
    new = f"Add a new {noun}"
    choices = [new] + [f"{number}. {row_label(row)}" for number, row in enumerate(rows, start=1)]
    round_key = f"{key}.round"
    st.session_state.setdefault(round_key, 0)
    picked = st.selectbox(f"{noun.capitalize()} to add or edit", choices, key=f"{key}.row.{st.session_state[round_key]}")
    index = None if picked == new else choices.index(picked) - 1
    start = rows[index] if index is not None else {}
    token = f"{st.session_state[round_key]}.{'new' if index is None else index}"
    values: dict[str, Any] = {}
    for spec in fields:
        box_key = f"{key}.{spec.column}.{token}"
        if spec.kind == "choice":
            options = list(spec.options)
            current = start.get(spec.column)
            if not blank(current) and current not in options:
                options.append(current)
            chosen = st.selectbox(
                spec.shown, options, index=options.index(current) if not blank(current) else None,
                format_func=lambda o, s=spec: s.labels.get(o, o), key=box_key, help=spec.help, placeholder="Choose",
            )
            values[spec.column] = chosen
        elif spec.kind == "long":
            values[spec.column] = typed_value(st.text_area(spec.shown, cell_text(start.get(spec.column)), key=box_key, help=spec.help), "text")
        else:
            text = st.text_input(spec.shown, cell_text(start.get(spec.column)), key=box_key, help=spec.help)
            values[spec.column] = typed_value(text, spec.kind)
    touched = any(not blank(v) for v in values.values())
    problems = check(values, index) if touched else []
    if problems:
        st.warning(
            "To put right before saving:\n\n" + "\n".join(f"- {plain(p)}" for p in problems),
            icon=":material/edit_note:",
        )
    elif touched:
        st.success(f"This {noun} is complete.", icon=":material/check:")
    save_column, delete_column = st.columns(2)
    label = f"Add this {noun}" if index is None else f"Save this {noun}"
    saved = save_column.button(label, key=f"{key}.save", type="primary", width="stretch")
    deleted = index is not None and delete_column.button(f"Delete this {noun}", key=f"{key}.delete", width="stretch")
    if saved:
        if not touched:
            st.error(f"Fill in the {noun} first.", icon=":material/error:")
            return None
        if problems:
            st.error(f"The {noun} was not saved: put right what is listed above.", icon=":material/error:")
            return None
        row = {**start, **values}
        updated = rows[:index] + [row] + rows[index + 1:] if index is not None else rows + [row]
    elif deleted:
        updated = rows[:index] + rows[index + 1:]
    else:
        return None
    st.session_state[round_key] += 1
    return pd.DataFrame(updated, columns=frame.columns).astype(frame.dtypes.to_dict(), errors="ignore")


def cards(frame: pd.DataFrame, *, title: str, lines: Callable[[dict], list[str]], empty: str, flags: dict[int, str] | None = None) -> None:
    """Rows as short cards, readable on a phone: the ``title`` column in bold, then
    ``lines(row)`` (plain text), and any flag for the row (by position) as a warning."""
    rows = frame.to_dict(orient="records")
    if not rows:
        st.caption(empty)
        return
    for number, row in enumerate(rows, start=1):
        with st.container(border=True):
            name = cell_text(row.get(title)) or "(no name yet)"
            details = [plain(line) for line in lines(row) if line]
            st.markdown(f"**{number}. {plain(name)}**" + ("  \n" + "  \n".join(details) if details else ""))
            if flags and number - 1 in flags:
                st.warning(plain(flags[number - 1]), icon=":material/warning:")
