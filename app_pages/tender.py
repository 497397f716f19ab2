"""Tender evaluation: set up a tender from published criteria, score bids independently
with reasons, moderate, and see the result with its sensitivity to the weights."""

import json

import pandas as pd
import streamlit as st

from models import policy, tender, tender_access, tender_records
from models.errors import DomainError, ScenarioError
from models.export import file_stem
from models.formatting import percent, uk_datetime
from ui import agreements as agreements_ui
from ui import plain, show_problems
from ui import award as award_ui
from ui import tender as tender_ui
from ui.auth import can, current_actor
from ui.charts import show_chart
from ui.data import data_changed, database, project_path
from ui.downloads import XLSX_MIME
from ui.edits import opened_version, show_error
from ui.format import money_column_config
from ui.scenarios import save_load_panel

EXAMPLE_FILE = project_path("data", "examples", "tender_example.json")
NEW_TENDER = "Start a new tender"

st.title("Tender evaluation")
st.write(
    "Score bids for a contract on quality, price and social value against criteria published in "
    "advance; evaluators score on their own with a written reason, then agree a moderated score. "
    "The result shows how safe the decision is if the weights were set differently."
)

actor = current_actor()  # the one place this page says who acts
who = actor.key  # how scores name the evaluator: the email when signed in, the typed name when not


def run_write(action, success: str, mine: dict | None = None) -> bool:
    """Run a database write; show the domain error (for a stale save, what changed beside
    ``mine``, the person's input), or the success message, and refresh."""
    try:
        with database() as db:
            action(db)
    except DomainError as error:
        show_error(error, mine, key="tender.stale")
        return False
    data_changed()
    st.session_state["tender.flash"] = success
    return True


# ---------------------------------------------------------------- choose or start a tender

with database() as db:
    all_tenders = tender_records.list_tenders(db)
    tenders = tender_access.visible_tenders(db, actor, all_tenders)  # an evaluator: only those assigned to them
names = [t.name for t in all_tenders]
if pending := st.session_state.pop("tender.pending_name", None):
    st.session_state["tender.name"] = pending  # set before the widget exists (Streamlit's rule)
may_create = can("tender.create", actor=actor)
choice = st.selectbox("Tender", [t.name for t in tenders] + ([NEW_TENDER] if may_create else []), key="tender.name",
                      bind="query-params", index=None if not tenders and not may_create else 0,
                      placeholder="No tender is assigned to you yet")

if choice is None:
    st.info("No tender is assigned to you yet: a commissioner assigns evaluators to each tender.")
    st.stop()

if flash := st.session_state.pop("tender.flash", None):
    st.success(plain(flash))

if choice == NEW_TENDER or not tenders:
    st.subheader("Start a new tender")
    with st.form("tender.new_form"):
        new_name = st.text_input("Name of the tender", key="tender.new_name", placeholder="e.g. Carers' support service 2027")
        template = st.selectbox(
            "Criteria", list(tender.TEMPLATES) + [tender.FROM_SCRATCH], key="tender.template",
            help="Each template has quality (minimum score 2), price scored by lowest price ÷ bid price, "
                 "social value, and pass/fail gates for insurance and safeguarding. Change them under Set up.",
        )
        create = st.form_submit_button("Create tender", type="primary")
    if create:
        criteria = tender.template_criteria(template)
        if run_write(lambda db: tender_records.create_tender(db, {"name": new_name, "criteria": criteria, "bids": []}, actor=actor),
                     f"Created '{new_name.strip()}'. Add the bids under Set up."):
            st.session_state["tender.pending_name"] = new_name.strip()
            st.rerun()
    st.write("Or look at a fictional worked example first:")
    if st.button("Open the fictional worked example", key="tender.load_example"):
        body = json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))
        name = tender.unused_name(body["name"], names)
        if run_write(lambda db: tender_records.import_scenario(db, body, actor=actor, name=name), f"Opened '{name}'."):
            st.session_state["tender.pending_name"] = name
            st.rerun()
    st.stop()

record = next(t for t in tenders if t.name == choice)
with database() as db:
    body = tender_records.scenario_body(db, record.id)
    moderation = tender_records.moderation_table(db, record.id)
    scores = tender_records.evaluator_scores(db, record.id)
    access = tender_access.policy_record(db, record.id)
    my_declaration = tender_access.declaration(db, record.id, who)
# The audit log, conflicts and scoring progress are read in the section that shows them.
# Sealed until moderation opens: each evaluator sees only their own scores and reasons, in
# the page, the downloads, the audit tab and the saved scenario.
scores = tender_access.visible_scores(actor, access, scores)
body = tender_access.visible_body(actor, access, body)
all_unsealed = can("tender.read_scores", access, actor=actor)

tender_ui.stage_note(access["stage"], actor.signed_in)
if not can("tender.read_bids", {**access, "evaluator": who}, actor=actor):
    # An assigned evaluator declares their interests before seeing any bid.
    tender_ui.declaration_gate(record, access, my_declaration, actor, who, run_write)
    st.stop()
setup = tender.parse_scenario(record.setup, setup_only=True)
criteria_by_id = {c.id: c for c in setup.criteria}
# The versions drawn on the previous run: what the person saw when they filled a form in.
seen_setup = opened_version(f"tender.setup.{record.id}", record.version)
seen_bids = opened_version(f"tender.bids.{record.id}", dict(record.bid_versions))
seen_explanations = opened_version(f"tender.explanations.{record.id}", dict(record.explanation_versions))
seen_agreed = opened_version(f"tender.agreed.{record.id}", {
    (r.bidder, r.criterion): (0 if pd.isna(r.agreed_version) else int(r.agreed_version)) for r in moderation.itertuples()})
seen_scores = opened_version(f"tender.scores.{record.id}.{who}", {
    (r.bidder, r.criterion): int(r.version) for r in scores[scores["evaluator"] == who].itertuples()})

if setup.fictional:
    st.warning("Fictional worked example: the bidders, prices and scores are invented.", icon=":material/science:")
award_ui.standstill_note(record.id)
if record.locked:
    st.info(
        f"Scoring started {uk_datetime(record.locked_at)} (by {record.locked_by}): the criteria are locked. "
        "A change now needs a reason, kept in the audit log.", icon=":material/lock:",
    )

loaded = save_load_panel("tender", body, key="tender.scenario", default_name=record.name)
if loaded is not None:
    loaded_name = f"{loaded.get('name') or 'Loaded tender'}"
    if loaded_name in names:
        loaded_name = f"{loaded_name} (loaded {len(names) + 1})"
    if run_write(lambda db: tender_records.import_scenario(db, loaded, actor=actor, name=loaded_name), f"Loaded as '{loaded_name}'."):
        st.session_state["tender.pending_name"] = loaded_name
        st.rerun()

# Tabs on a desktop, a wrapping choice on a phone; either way only the chosen section runs.
set_up_tab, evaluators_tab, score_tab, moderate_tab, results_tab, award_tab, audit_tab = tender_ui.sections()

# ---------------------------------------------------------------- evaluators and conflicts

with evaluators_tab:
    if evaluators_tab.open:  # only the chosen tab runs
        with database() as db:
            conflicts = tender_access.conflicts_record(db, record.id)
        tender_ui.evaluators_tab(record, access, conflicts, my_declaration, actor, who, run_write)

# ---------------------------------------------------------------- set up

with set_up_tab:
    if set_up_tab.open:  # only the chosen tab runs
        st.subheader("Criteria and weights")
        frame = tender_ui.criteria_frame(setup)
        show_chart(
            tender_ui.weights_chart(frame[frame["Type"] != "pass fail"]),
            title="Published weights",
            description="Bar chart of each criterion's share of the 100 points: "
            + "; ".join(f"{r['Criterion']} {r['Weight (%)']:g}%" for _, r in frame.iterrows() if r["Type"] != "pass fail")
            + ". Pass/fail gates carry no points.",
            table=frame,
            key="tender.weights",
        )
        gate_names = [c.name for c in setup.criteria if c.type == "pass_fail"]
        if gate_names:
            st.caption("Pass/fail gates (a fail disqualifies the bid): " + ", ".join(gate_names) + ".")
        st.markdown("**Publication check**")
        checks = pd.DataFrame(tender.publication_check(setup)).rename(columns={"check": "Check", "ok": "Passed", "detail": "Detail"})
        checks["Passed"] = checks["Passed"].map({True: "Yes", False: "No – review"})
        st.dataframe(checks, hide_index=True, width="stretch", key="tender.publication_check")

        with st.expander("Change the criteria" + (" (locked: a reason is needed)" if record.locked else "")):
            st.caption(
                "Types: quality, price, social_value, pass_fail. Price methods: lowest_price_ratio, "
                "linear_deduction, budget_linear (needs floor price and budget). Save to apply."
            )
            editable = pd.DataFrame(tender.criteria_rows(setup))
            edited = st.data_editor(
                editable, num_rows="dynamic", hide_index=True, width="stretch", key="tender.criteria_editor",
                column_config={
                    "type": st.column_config.SelectboxColumn("type", options=list(tender.CRITERION_TYPES), required=True),
                    "method": st.column_config.SelectboxColumn("method", options=list(tender.PRICE_METHODS)),
                    "floor_price": money_column_config("floor price (£)"),
                    "budget": money_column_config("budget (£)"),
                },
            )
            criteria_reason = st.text_input("Reason for the change", key="tender.criteria_reason") if record.locked else ""
            if st.button("Save criteria", key="tender.save_criteria"):
                new_criteria = tender.criteria_from_rows(edited.to_dict(orient="records"), setup)
                if run_write(lambda db: tender_records.update_criteria(db, record.id, new_criteria, actor=actor, reason=criteria_reason, expected_version=seen_setup), "Criteria saved."):
                    st.rerun()

        social = [c for c in setup.criteria if c.type == "social_value"]
        if social:
            with st.expander("Social value proxies (your own values)"):
                st.write(
                    "Score social value from what each bidder commits (for example jobs, volunteer hours), valued "
                    "with your own proxy values in pounds per unit. Proxy tables such as the National TOMs are "
                    "licensed, so none is supplied: load the values your council is licensed to use."
                )
                target = social[0]
                if target.proxies:
                    st.dataframe(
                        pd.DataFrame({"Measure": list(target.proxies), "Value per unit (£)": list(target.proxies.values())}),
                        hide_index=True, key="tender.proxies_table",
                        column_config={"Value per unit (£)": money_column_config("Value per unit (£)")},
                    )
                proxy_file = st.file_uploader(
                    "Proxy values (CSV with columns 'measure' and 'value', up to 1 MB)", type=["csv"],
                    key="tender.proxy_upload", max_upload_size=1,
                )
                proxy_reason = st.text_input("Reason for the change", key="tender.proxy_reason") if record.locked else ""
                if proxy_file is not None and st.button("Use these proxy values", key="tender.use_proxies"):
                    try:
                        values = tender.proxies_from_csv(proxy_file.getvalue(), source=proxy_file.name)
                    except ScenarioError as error:
                        show_problems(error)
                    else:
                        new_criteria = tender.criteria_with_proxies(record.setup["criteria"], target.id, values)
                        if run_write(lambda db: tender_records.update_criteria(db, record.id, new_criteria, actor=actor, reason=proxy_reason, expected_version=seen_setup),
                                     f"{len(values)} proxy values loaded for {target.name}."):
                            st.rerun()

        st.subheader("Bids")
        gates = [c for c in setup.criteria if c.type == "pass_fail"]
        proxy_criteria = [c for c in setup.criteria if c.proxies]
        if setup.bids:
            bid_rows, money_columns = tender.bids_frame(setup)
            st.dataframe(bid_rows, hide_index=True, width="stretch", key="tender.bids_table",
                         column_config={c: money_column_config(c) for c in money_columns})
        else:
            st.caption("No bids yet.")
        with st.form("tender.bid_form"):  # not cleared on submit: a refused save keeps the input
            st.markdown("**Add a bid, or change one (same bidder name)**")
            bidder = st.text_input("Bidder", key="tender.bid_bidder")
            price = st.number_input("Price (£)", min_value=0.0, step=1000.0, format="%.2f", key="tender.bid_price")
            gate_results = {g.id: st.radio(g.name, ["Pass", "Fail"], horizontal=True, key=f"tender.bid_gate.{g.id}") for g in gates}
            quantities = {
                c.id: {m: st.number_input(f"{c.name}: {m} (committed quantity)", min_value=0.0, key=f"tender.bid_qty.{c.id}.{m}")
                       for m in c.proxies}
                for c in proxy_criteria
            }
            bid_reason = st.text_input("Reason (needed to change a bid once scoring has started)", key="tender.bid_reason")
            add = st.form_submit_button("Save bid")
        if add:
            new_bid = tender.bid_body(bidder, price, gate_results, quantities)
            save = lambda db: tender_records.save_bid(db, record.id, new_bid, actor=actor, reason=bid_reason,  # noqa: E731
                                                      expected_version=seen_bids.get(bidder.strip(), 0))
            if run_write(save, f"Saved the bid from {bidder.strip()}.", mine={"bid_json": json.dumps(new_bid)}):
                st.rerun()

# ---------------------------------------------------------------- score

judged = [c for c in setup.criteria if c.is_judged]
with score_tab:
    if score_tab.open:  # only the chosen tab runs
        st.subheader("Score the bids (independently)")
        st.write(
            "Score each bid on your own before moderation, with a written reason for every score. You see only "
            "your own scores here. A reason that only repeats the descriptor ('good') will be flagged."
        )
        if not setup.bids or not judged:
            st.caption("Add bids (and criteria scored by evaluators) under Set up first.")
        elif not who:
            st.warning("Enter your name in the sidebar: it is recorded as the evaluator.")
        elif not (decision := policy.decide(actor, "tender.score", {**access, "evaluator": who})):
            st.info(decision.reason)
        else:
            score_bidder = st.selectbox("Bid to score", [b.bidder for b in setup.bids], key="tender.score_bidder")
            mine = scores[(scores["evaluator"] == who) & (scores["bidder"] == score_bidder)].set_index("criterion")
            bidder_index = [b.bidder for b in setup.bids].index(score_bidder)
            with st.form(f"tender.score_form.{bidder_index}"):
                entries = {}
                for criterion in judged:
                    options = tender_ui.score_options(criterion)
                    current = mine["score"].get(criterion.id)
                    score_value = st.selectbox(
                        f"{criterion.name}: score (0 to {criterion.max_score:g})", options,
                        index=options.index(current) if current in options else None,
                        format_func=lambda s, c=criterion: tender_ui.score_label(c, s),
                        key=f"tender.score.{bidder_index}.{criterion.id}", placeholder="Choose a score",
                    )
                    reason = st.text_area(
                        f"{criterion.name}: reason", value=mine["reason"].get(criterion.id, ""),
                        key=f"tender.reason.{bidder_index}.{criterion.id}", height=80,
                    )
                    entries[criterion.id] = (score_value, reason)
                submitted = st.form_submit_button("Save my scores", type="primary")
            if submitted:
                weak = []

                def save_scores(db):
                    weak.extend(tender_records.record_scores(
                        db, record.id, score_bidder, entries, evaluator=who, actor=actor,
                        expected_versions={c: v for (b, c), v in seen_scores.items() if b == score_bidder}))

                if run_write(save_scores, f"Saved your scores for {score_bidder}."):
                    if weak:
                        st.session_state["tender.flash"] += (
                            " Flagged: the reason for " + ", ".join(weak) + " only repeats the descriptor; say what in the bid earned the score."
                        )
                    st.rerun()
            mine_all = scores[scores["evaluator"] == who]
            if not mine_all.empty:
                st.markdown("**Your scores so far**")
                shown = mine_all.assign(
                    criterion=mine_all["criterion"].map(lambda c: criteria_by_id[c].name if c in criteria_by_id else c),
                    flag=[("Only repeats the descriptor" if tender.reason_repeats_descriptor(r, criteria_by_id[c].descriptors) else "")
                          if c in criteria_by_id else "" for c, r in zip(mine_all["criterion"], mine_all["reason"])],
                    scored_at=mine_all["scored_at"].map(uk_datetime),
                ).rename(columns={"bidder": "Bidder", "criterion": "Criterion", "score": "Score", "reason": "Reason", "flag": "Flag", "scored_at": "Scored"})
                st.dataframe(shown.drop(columns=["evaluator"]), hide_index=True, width="stretch", key="tender.my_scores")

# ---------------------------------------------------------------- moderate

with moderate_tab:
    if moderate_tab.open:  # only the chosen tab runs
        st.subheader("Moderation")
        with database() as db:
            progress = tender_access.score_counts(db, record.id)
        tender_ui.open_moderation_control(record, access, progress, actor, run_write)
        if not all_unsealed:
            st.info("Evaluators' scores are sealed until a commissioner opens moderation: until then each evaluator "
                    "sees only their own (Score tab).", icon=":material/lock:")
        elif moderation.empty:
            st.caption("Nothing to moderate yet.")
        else:
            disagreements = int(moderation["disagreement"].sum())
            waiting = int(moderation["agreed_score"].isna().sum())
            st.write(
                f"{len(moderation)} scores to agree; {waiting} still without an agreed score; "
                f"{disagreements} where evaluators are 2 points or more apart (discuss these first)."
            )
            view = tender_ui.moderation_view(moderation, criteria_by_id)
            st.dataframe(
                view.style.apply(lambda row: ["background-color: #fce8d8" if row["Disagreement"] else "" for _ in row], axis=1),
                hide_index=True, width="stretch", key="tender.moderation_table",
            )
            pairs = list(zip(moderation["bidder"], moderation["criterion"]))
            pair = st.selectbox(
                "Bid and criterion to agree", pairs, format_func=lambda p: f"{p[0]} – {criteria_by_id[p[1]].name}", key="tender.moderate_pair"
            )
            criterion = criteria_by_id[pair[1]]
            reasons = tender_ui.evaluator_reasons(scores, *pair)
            if reasons.empty:
                st.caption("No evaluator has scored this yet.")
            else:
                st.dataframe(reasons, hide_index=True, width="stretch", key="tender.pair_reasons")
            if so_far := tender_ui.agreed_so_far(moderation, *pair):
                st.caption(so_far)
            if not (may_moderate := policy.decide(actor, "tender.moderate", access)):
                st.caption(may_moderate.reason)
            else:
                with st.form("tender.moderate_form"):
                    agreed = st.selectbox("Agreed score", tender_ui.score_options(criterion), format_func=lambda s: tender_ui.score_label(criterion, s),
                                          key=f"tender.moderate_score.{pairs.index(pair)}", index=None, placeholder="Choose a score")
                    agreed_reason = st.text_area("Reason for the agreed score", key="tender.moderate_reason", height=80)
                    moderate = st.form_submit_button("Record agreed score", type="primary")
                if moderate:
                    weak_flag = []

                    def save_moderation(db):
                        if agreed is None:
                            raise ScenarioError("Choose the agreed score")
                        weak_flag.append(tender_records.record_moderation(
                            db, record.id, pair[0], pair[1], score=agreed, reason=agreed_reason, actor=actor,
                            expected_version=seen_agreed.get(pair, 0)))

                    label = f"Recorded the agreed score for {pair[0]}, {criteria_by_id[pair[1]].name}."
                    if run_write(save_moderation, label, mine={"score": agreed, "reason": agreed_reason}):
                        if weak_flag and weak_flag[0]:
                            st.session_state["tender.flash"] += " Flagged: the reason only repeats the descriptor; say what in the bid earned the score."
                        st.rerun()

# ---------------------------------------------------------------- results

with results_tab:
    if results_tab.open:  # only the chosen tab runs
        st.subheader("Results")
        evaluation = None
        waiting = int(moderation["agreed_score"].isna().sum()) if not moderation.empty else 0
        if not setup.bids:
            st.caption("Add bids under Set up first.")
        elif waiting:
            st.info(f"{waiting} scores still need an agreed (moderated) score before the result can be worked out.")
        else:
            try:
                evaluation = tender.evaluate(tender.parse_scenario(body))
            except ScenarioError as error:
                show_problems(error)
        if evaluation is not None:
            scenario = evaluation.scenario
            if evaluation.winner:
                st.success(f"Most advantageous tender: **{plain(evaluation.winner)}**", icon=":material/emoji_events:")
            else:
                st.error("Every bid was disqualified.")
            for flag in evaluation.flags:
                (st.warning if flag["needs_action"] else st.info)(flag["message"])
                if flag["kind"] == "abnormally_low_price":
                    with st.form(f"tender.explanation_form.{flag['bidder']}"):
                        explanation = st.text_area(
                            f"{flag['bidder']}'s explanation of the price", value=flag["explanation"] or "",
                            key=f"tender.explanation.{flag['bidder']}", height=80,
                        )
                        if st.form_submit_button("Record the explanation"):
                            if run_write(lambda db, b=flag["bidder"], e=explanation: tender_records.record_explanation(db, record.id, b, e, actor=actor, expected_version=seen_explanations.get(b, 0)),
                                         f"Recorded {flag['bidder']}'s explanation."):
                                st.rerun()

            ranking = tender.ranking_frame(evaluation)
            st.dataframe(tender.as_text(ranking), hide_index=True, width="stretch", key="tender.ranking")

            criteria_names = [c.name for c in scenario.weighted]
            ranked_bidders = [r.bidder for r in evaluation.ranked]
            points = tender.points_frame(evaluation)
            if not points.empty:
                show_chart(
                    tender_ui.points_chart(points, criteria_names, ranked_bidders),
                    title="Points by criterion for each bidder",
                    description="Stacked bar chart of each qualifying bidder's points out of 100, split by criterion: "
                    + "; ".join(f"{r.bidder} {r.total:.2f}" for r in evaluation.ranked) + ".",
                    table=points, key="tender.points",
                )

            if len(evaluation.qualifying) > 1:
                st.markdown("**Sensitivity: would another weighting change the winner?**")
                points_table = pd.DataFrame([
                    {"Criterion": p.criterion_name, "Weight now (%)": round(p.current_weight, 2), "Where the winner changes": p.summary}
                    for p in tender.tipping_points(evaluation)
                ])
                st.dataframe(points_table, hide_index=True, width="stretch", key="tender.tipping_table")
                sensitivity_name = st.selectbox("Criterion to vary", criteria_names, key="tender.sensitivity_criterion")
                sensitivity_id = scenario.weighted[criteria_names.index(sensitivity_name)].id
                point = tender.tipping_point(evaluation, sensitivity_id)
                show_chart(
                    tender_ui.sensitivity_chart(tender.sensitivity_frame(evaluation, sensitivity_id), point, ranked_bidders),
                    title=f"Total points as the weight of {sensitivity_name} changes",
                    description=f"Line chart of each bidder's total as {sensitivity_name}'s weight goes from 0% to 100%, "
                    f"the other weights rescaled in proportion. Now {point.current_weight:.1f}%. {point.summary}.",
                    table=tender.sensitivity_frame(evaluation, sensitivity_id), key="tender.sensitivity",
                )

                left, right = st.columns(2)
                spread = left.slider("How far each weight might vary (±%)", 0, 50, int(round(scenario.weight_spread * 100)), step=5, key="tender.spread")
                draws = right.select_slider("Simulations", [1_000, 10_000, 100_000], value=10_000, key="tender.draws", format_func=lambda n: f"{n:,}")
                probabilities = tender.win_probabilities(evaluation, draws=draws, spread=spread / 100)
                probability_table = pd.DataFrame({"Bidder": list(probabilities), "Probability of winning": list(probabilities.values())})
                show_chart(
                    tender_ui.probability_chart(probability_table),
                    title="Probability of winning if the weights were uncertain",
                    description=f"Bar chart from {draws:,} random weightings, each weight varied by up to ±{spread}%: "
                    + "; ".join(f"{b} {percent(p)}" for b, p in probabilities.items()) + ".",
                    table=probability_table, key="tender.probabilities",
                    table_column_config={"Probability of winning": st.column_config.NumberColumn(format="percent")},
                )
            else:
                probabilities = {}

            comparison = tender.price_method_comparison(scenario)
            if not comparison.empty:
                st.markdown("**The ranking under each price method**")
                st.caption("The same bids and quality scores, with price scored each way. Budget linear needs a floor price and a budget.")
                st.dataframe(tender.as_text(comparison), hide_index=True, width="stretch", key="tender.price_methods")

            st.markdown("**Assessment summary**")
            stem = file_stem(record.name, "tender")
            left, right = st.columns(2)
            left.download_button(
                "Download assessment summary (Excel)", data=tender.assessment_xlsx(evaluation, probabilities),
                file_name=f"{stem}-assessment.xlsx", mime=XLSX_MIME, key="tender.download_xlsx", width="stretch",
            )
            right.download_button(
                "Download printable summary (Markdown)", data=tender.assessment_markdown(evaluation).encode("utf-8"),
                file_name=f"{stem}-assessment.md", mime="text/markdown", key="tender.download_md", width="stretch",
            )

        # Bidders' delivery record on agreements monitored here (ui/agreements.py): evidence for the
        # commissioner, with the Act's rules on its use; never part of the score.
        agreements_ui.delivery_record_panel(record.bidders, key="tender.delivery_record")

# ---------------------------------------------------------------- award (ui/award.py)

with award_tab:
    if award_tab.open:  # only the chosen tab runs
        award_ui.award_tab(record, body, int(moderation["agreed_score"].isna().sum()) if not moderation.empty else 0,
                           actor, run_write)

# ---------------------------------------------------------------- audit

with audit_tab:
    if audit_tab.open:  # only the chosen tab runs
        st.subheader("Audit log")
        st.caption("Every change to this tender: who, when (London time), what changed and why.")
        with database() as db:
            audit_entries = tender_access.visible_audit(actor, access, tender_records.audit(db, record.id))
        st.dataframe(tender_ui.audit_frame(audit_entries, {c.id: c.name for c in setup.criteria}), hide_index=True, width="stretch", key="tender.audit")
