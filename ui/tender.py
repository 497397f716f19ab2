"""Charts and small drawing helpers for the tender evaluation page."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from models import tender

from .charts import PALETTE
from .entry import narrow_screen

SECTIONS = ("Set up", "Evaluators", "Score", "Moderate", "Results", "Award", "Audit")


@dataclass(frozen=True)
class Section:
    """A section shown on its own (the phone's stand-in for a tab): ``with`` it like a tab;
    ``open`` says whether it is the chosen one."""

    open: bool

    def __enter__(self) -> "Section":
        return self

    def __exit__(self, *_) -> bool:
        return False


def sections(key: str = "tender.tab") -> list:
    """The page's seven sections, only the chosen one run, the choice kept in the page
    address (``?tender.tab=Award``). Tabs on a desktop; on a phone a horizontal choice that
    wraps onto a second line, so no section is off screen (seven tabs scroll sideways at
    390 px, hiding Award and Audit)."""
    if not narrow_screen():
        return list(st.tabs(list(SECTIONS), key=key, bind="query-params"))
    chosen = st.radio("Section", SECTIONS, key=key, bind="query-params", horizontal=True)
    return [Section(open=label == chosen) for label in SECTIONS]


def score_label(criterion: tender.Criterion, score: float) -> str:
    """'4 – good' for a score on a scale with descriptors, else '4'."""
    descriptor = criterion.descriptor(score)
    return f"{score:g} – {descriptor}" if descriptor else f"{score:g}"


def score_options(criterion: tender.Criterion) -> list[float]:
    """The whole-number scores 0..max_score an evaluator chooses from."""
    return [float(s) for s in range(int(criterion.max_score) + 1)]


def criteria_frame(scenario: tender.Scenario) -> pd.DataFrame:
    """Each criterion with its type and weight as a percentage of the total (for the bar)."""
    shares = dict(zip((c.id for c in scenario.weighted), scenario.shares()))
    return pd.DataFrame([
        {"Criterion": c.name, "Type": c.type.replace("_", " "), "Weight (%)": round(shares.get(c.id, 0.0) * 100, 2)}
        for c in scenario.criteria
    ])


def weights_chart(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: each criterion's share of the weight."""
    return alt.Chart(frame).mark_bar(color=PALETTE[0]).encode(
        x=alt.X("Weight (%):Q", scale=alt.Scale(domain=[0, 100]), title="Weight (% of 100)"),
        y=alt.Y("Criterion:N", sort=None, title=None, axis=alt.Axis(labelLimit=260)),
        tooltip=["Criterion", "Type", alt.Tooltip("Weight (%):Q", format=".2f")],
    ).properties(height=_bar_height(len(frame)))


# Streamlit 1.67 takes a titled chart's height as including about 120 px of title and
# axes (show_chart adds the title), so bar charts get that on top of their bars.
CHART_FRAME_PX = 120


def _bar_height(bars: int, per_bar: int = 34) -> int:
    return CHART_FRAME_PX + per_bar * max(bars, 1)


def _colour(field: str, values: list[str]) -> alt.Color:
    return alt.Color(f"{field}:N", scale=alt.Scale(domain=values, range=[PALETTE[i % len(PALETTE)] for i in range(len(values))]))


def points_chart(frame: pd.DataFrame, criteria: list[str], bidders: list[str]) -> alt.Chart:
    """Stacked bars: each bidder's points by criterion (bidders in rank order)."""
    return alt.Chart(frame).mark_bar().encode(
        x=alt.X("sum(Points):Q", scale=alt.Scale(domain=[0, 100]), title="Points (out of 100)"),
        y=alt.Y("Bidder:N", sort=bidders, title=None, axis=alt.Axis(labelLimit=260)),
        color=_colour("Criterion", criteria),
        order=alt.Order("criterion_order:Q"),
        tooltip=["Bidder", "Criterion", alt.Tooltip("Points:Q", format=".2f")],
    ).transform_calculate(
        criterion_order=f"indexof({criteria!r}, datum.Criterion)"
    ).properties(height=_bar_height(len(bidders)))


def sensitivity_chart(frame: pd.DataFrame, point: tender.TippingPoint, bidders: list[str]) -> alt.Chart:
    """Each bidder's total against the criterion's weight (straight lines), with the
    current weight as a dashed rule and each winner change as a labelled rule."""
    lines = alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("Weight (%):Q", scale=alt.Scale(domain=[0, 100]), title=f"Weight of {point.criterion_name} (%)"),
        y=alt.Y("Total:Q", scale=alt.Scale(domain=[0, 100]), title="Total points"),
        # one legend below for colour and dash together (with the dash's legend switched off
        # Vega-Lite drew none at all, so the lines could not be told apart)
        color=_colour("Bidder", bidders).legend(orient="bottom", title="Bidder", columns=1, labelLimit=300),
        strokeDash=alt.StrokeDash("Bidder:N", legend=alt.Legend(orient="bottom", title="Bidder", columns=1, labelLimit=300)),
        tooltip=["Bidder", alt.Tooltip("Weight (%):Q", format=".2f"), alt.Tooltip("Total:Q", format=".2f")],
    )
    marks = pd.DataFrame(
        [{"Weight (%)": point.current_weight, "Label": f"Now {point.current_weight:.1f}%"}]
        + [{"Weight (%)": start, "Label": f"{winner} wins from {start:.1f}%"} for start, _, winner in point.segments[1:]]
    )
    rules = alt.Chart(marks).mark_rule(color="#0b0c0c", strokeDash=[4, 4]).encode(
        x="Weight (%):Q", tooltip=["Label", alt.Tooltip("Weight (%):Q", format=".2f")]
    )
    labels = alt.Chart(marks).mark_text(align="left", dx=4, dy=-6, color="#0b0c0c", angle=0).encode(
        x="Weight (%):Q", y=alt.value(12), text="Label"
    )
    return (lines + rules + labels).properties(height=CHART_FRAME_PX + 300 + 20 * len(bidders))


def probability_chart(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal bars: each bidder's probability of winning."""
    return alt.Chart(frame).mark_bar(color=PALETTE[2]).encode(
        x=alt.X("Probability of winning:Q", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"), title="Probability of winning"),
        y=alt.Y("Bidder:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260)),
        tooltip=["Bidder", alt.Tooltip("Probability of winning:Q", format=".1%")],
    ).properties(height=_bar_height(len(frame)))


def _number_text(value) -> str:
    return "" if pd.isna(value) else f"{value:g}"


def moderation_view(moderation: pd.DataFrame, criteria: dict[str, tender.Criterion]) -> pd.DataFrame:
    """The moderation table as the panel reads it (scores as typed, blanks for none yet),
    flagging agreed reasons that only repeat the descriptor."""
    weak = [
        "Reason only repeats the descriptor" if isinstance(reason, str) and tender.reason_repeats_descriptor(reason, criteria[cid].descriptors) else ""
        for cid, reason in zip(moderation["criterion"], moderation["agreed_reason"])
    ]
    return pd.DataFrame({
        "Bidder": moderation["bidder"],
        "Criterion": moderation["criterion_name"],
        "Evaluators' scores": moderation["scores"].fillna("none yet"),
        "Spread": moderation["spread"].map(_number_text),
        "Disagreement": moderation["disagreement"].map({True: "Yes: 2 points or more", False: ""}),
        "Agreed score": moderation["agreed_score"].map(_number_text),
        "Agreed reason": moderation["agreed_reason"].fillna(""),
        "Flag": weak,
    })


def evaluator_reasons(scores: pd.DataFrame, bidder: str, criterion_id: str) -> pd.DataFrame:
    """Each evaluator's score and reason for one bid and criterion (for the moderation meeting)."""
    mine = scores[(scores["bidder"] == bidder) & (scores["criterion"] == criterion_id)]
    return pd.DataFrame({"Evaluator": mine["evaluator"], "Score": mine["score"].map(_number_text), "Reason": mine["reason"]})


def agreed_so_far(moderation: pd.DataFrame, bidder: str, criterion_id: str) -> str:
    """'Agreed so far: 4 (reason)' for a bid and criterion already moderated, else ''."""
    row = moderation[(moderation["bidder"] == bidder) & (moderation["criterion"] == criterion_id)]
    if row.empty or pd.isna(row["agreed_score"].iloc[0]):
        return ""
    return f"Agreed so far: {row['agreed_score'].iloc[0]:g} ({row['agreed_reason'].iloc[0]}). Recording again changes it; the audit log keeps both."


def audit_frame(entries: list[dict], names: dict[str, str] | None = None) -> pd.DataFrame:
    """The audit log as people read it: when, who, what, the change and the reason.
    ``names`` maps criterion ids to their names."""
    from models.formatting import uk_datetime

    rows = []
    for entry in entries:
        rows.append({
            "When": uk_datetime(entry["at"]),
            "Who": entry["who"],
            "What": entry["action"],
            "Change": _change(entry, names or {}),
            "Reason": entry.get("reason") or "",
        })
    return pd.DataFrame(rows, columns=["When", "Who", "What", "Change", "Reason"])


def _change(entry: dict, names: dict[str, str]) -> str:
    import json

    before = json.loads(entry["before_json"]) if entry.get("before_json") else None
    after = json.loads(entry["after_json"]) if entry.get("after_json") else None
    if isinstance(after, dict) and "score" in after:
        criterion = names.get(after.get("criterion_id"), after.get("criterion_id"))
        subject = f"{after.get('bidder')}, {criterion}" + (f" ({after['evaluator']})" if after.get("evaluator") else "")
        was = f"{before['score']:g} → " if before else ""
        return f"{subject}: {was}{after['score']:g}"
    if isinstance(after, dict) and "criteria" in after:
        return "Set-up: " + ", ".join(f"{c.get('name', c.get('id'))} {c.get('weight', 0)}" for c in after["criteria"])
    return ""


# ------------------------------------------------------------------ sealed evaluation

STAGE_TEXT = {
    "setup": "Set-up: assign the evaluators; each declares their interests before seeing any bid.",
    "scoring": "Scoring: each evaluator scores on their own. Scores are sealed until a commissioner opens moderation.",
    "moderation": "Moderation is open: independent scoring has closed and every evaluator's scores can be read.",
    "awarded": "Awarded: the contract award notice is published and this tender's record is locked.",
}


def stage_note(stage: str, signed_in: bool) -> None:
    """Where the tender is in its sealed evaluation."""
    import streamlit as st

    if signed_in or stage in ("moderation", "awarded"):
        st.caption(STAGE_TEXT[stage])


def _declaration_form(record, actor, who: str, run_write, key: str) -> None:
    import streamlit as st

    from models import tender_access

    with st.form(key):
        choice = st.radio("Do you have a conflict of interest in this procurement?",
                          ["No conflict of interest", "Yes, I declare a conflict of interest"], index=None,
                          key=f"{key}.choice")
        details = st.text_area("If yes: who or what, and how you are connected", key=f"{key}.details", height=80)
        submitted = st.form_submit_button("Record my declaration", type="primary")
    if submitted:
        if choice is None:
            st.error("Choose whether you have a conflict of interest.")
            return
        conflict = choice.startswith("Yes")
        if run_write(lambda db: tender_access.declare(db, record.id, has_conflict=conflict, details=details, actor=actor,
                                                      evaluator=who),
                     "Declaration recorded." + (" A commissioner must record how the conflict is managed before you "
                                                "can see the bids." if conflict else "")):
            st.rerun()


def declaration_gate(record, access: dict, declaration: dict | None, actor, who: str, run_write) -> None:
    """For an assigned evaluator who may not see the bids yet: declare, or wait for the
    commissioner to record how a declared conflict is managed."""
    import streamlit as st

    from models import policy

    st.subheader("Declare your interests")
    if declaration is None and policy.decide(actor, "tender.declare", {**access, "evaluator": who}):
        st.write(
            "Before you see any bid, declare whether you have a conflict of interest in this procurement: a personal, "
            "financial or professional link with a bidder, or anything that could look like one (Procurement Act 2023, "
            "sections 81 to 83). Your declaration goes into the tender's conflicts record."
        )
        _declaration_form(record, actor, who, run_write, "tender.declare_form")
    elif declaration is not None and declaration["has_conflict"] and not declaration["managed_how"]:
        st.info("You declared a conflict of interest. A commissioner must record how it is managed before you can see "
                "or score the bids.", icon=":material/pending:")
    else:
        st.info(policy.decide(actor, "tender.read_bids", {**access, "evaluator": who}).reason)


def evaluators_tab(record, access: dict, conflicts: pd.DataFrame, declaration: dict | None, actor, who: str,
                   run_write) -> None:
    """The Evaluators tab: the conflicts record, assigning evaluators, managing declared
    conflicts (commissioners) and the evaluator's own declaration."""
    import streamlit as st

    from models import policy, tender_access, users

    from .auth import sign_in_config
    from .data import database
    from .downloads import download_table

    st.subheader("Evaluators and the conflicts record")
    st.write("Each evaluator is assigned by a commissioner and declares their interests before seeing any bid; a "
             "declared conflict blocks them until a commissioner records how it is managed.")
    if conflicts.empty:
        st.caption("No evaluator assigned yet.")
    else:
        st.dataframe(conflicts, hide_index=True, width="stretch", key="tender.conflicts")
        download_table(conflicts, file_stem=f"tender-{record.id}-conflicts-record", key="tender.conflicts_download",
                       label="the conflicts record", notes=[f"Conflicts record of the tender '{record.name}'."])

    record_for = {**access, "evaluator": who}
    if who in access["assigned"] and policy.decide(actor, "tender.declare", record_for):
        with st.expander("Your declaration" + (" (change it)" if declaration else ""), expanded=declaration is None):
            _declaration_form(record, actor, who, run_write, "tender.redeclare_form")

    if not policy.decide(actor, "tender.assign", access):
        return
    st.markdown("**Assign an evaluator**")
    config = sign_in_config()
    with st.form("tender.assign_form"):
        if config.enabled:
            with database() as db:
                people = users.people_with_role(db, policy.EVALUATOR, config.admins)
            options = [p.email for p in people if p.email not in access["assigned"]]
            labels = {p.email: f"{p.name} <{p.email}>" if p.name else p.email for p in people}
            evaluator = st.selectbox("Evaluator (people with the evaluator role)", options, index=None,
                                     format_func=labels.get, key="tender.assign_who", placeholder="Choose a person")
        else:
            evaluator = st.text_input("Evaluator's name", key="tender.assign_name")
        assign = st.form_submit_button("Assign")
    if assign and run_write(lambda db: tender_access.assign(db, record.id, evaluator or "", actor=actor),
                            f"Assigned {evaluator}."):
        st.rerun()

    pending = conflicts[(conflicts["Declaration"] == "conflict declared") & (conflicts["How it is managed"] == "not yet managed")]
    if not pending.empty:
        st.markdown("**Record how a declared conflict is managed**")
        with st.form("tender.manage_form"):
            person = st.selectbox("Evaluator", list(pending["Evaluator"]), key="tender.manage_who")
            how = st.text_area("How the conflict is managed", key="tender.manage_how", height=80,
                               placeholder="e.g. does not score Bidder X; a second evaluator added")
            manage = st.form_submit_button("Record how it is managed")
        if manage and run_write(lambda db: tender_access.manage_conflict(db, record.id, person, how, actor=actor),
                                f"Recorded how {person}'s conflict is managed."):
            st.rerun()


def open_moderation_control(record, access: dict, progress: pd.DataFrame, actor, run_write) -> None:
    """The commissioner's view while scores are sealed: how many each evaluator has
    recorded (not what), and the button that opens moderation."""
    import streamlit as st

    from models import policy, tender_access

    if access["stage"] in ("moderation", "awarded") or not policy.decide(actor, "tender.open_moderation", access):
        return
    if not progress.empty:
        st.dataframe(progress, hide_index=True, width="stretch", key="tender.progress")
    st.caption("Opening moderation closes independent scoring and shows every evaluator's scores and reasons to the "
               "panel. It cannot be undone.")
    if st.button("Open moderation", key="tender.open_moderation", type="primary") and run_write(
            lambda db: tender_access.open_moderation(db, record.id, actor=actor), "Moderation is open."):
        st.rerun()
