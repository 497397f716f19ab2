"""The tender page's Award tab: issue the award pack, download each bidder's assessment
summary, the decision report and the award notice (OCDS), record the contract award
notice and the contract (standstill enforced), lots and the clarification log.

Kept apart from the rest of the tender page (app_pages/tender.py calls ``award_tab`` and
``standstill_note``) so the sign-in and concurrency work on that page does not collide
with it. Every write goes through ``models.award_records`` with the page's actor."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from models import award_pack, award_records, policy, tender, tender_records
from models.errors import DomainError
from models.formatting import uk_date, uk_datetime
from ui.data import database_path, data_version, reader
from ui.edits import show_error
from ui.edits import opened_version
from ui.problems import plain

PDF_MIME = "application/pdf"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ZIP_MIME = "application/zip"

RunWrite = Callable[..., bool]


def standstill_note(tender_id: int) -> None:
    """One line on the tender: where the award stands, with the standstill dates."""
    state = reader(award_records.award_state)(database_path(), data_version(), tender_id)
    if state is None:
        return
    if state.contract_entered_on:
        st.success(f"Contract entered into on {uk_date(state.contract_entered_on)} with {plain(state.winner)}.",
                   icon=":material/task_alt:")
    elif state.standstill:
        period = state.standstill
        passed = period.has_passed(award_records.today())
        st.info(
            f"Standstill ends at the end of {period.ends:%A} {uk_date(period.ends)}"
            + (" (passed): the contract may now be entered into." if passed
               else f"; the contract may be entered into from {period.contract_from:%A} {uk_date(period.contract_from)}."),
            icon=":material/hourglass_top:",
        )
    else:
        st.info(f"Award pack issued {uk_datetime(state.pack_issued_at)}: publish the contract award notice to start the standstill.",
                icon=":material/outgoing_mail:")


def award_tab(record: tender_records.TenderRecord, body: dict, waiting: int, actor: policy.Actor, run_write: RunWrite) -> None:
    """Everything on the Award tab, for the stored tender ``record`` (``body`` its scenario,
    ``waiting`` the number of scores still to moderate)."""
    st.subheader("Award")
    st.caption(
        "The Procurement Act 2023 asks for an assessment summary for every bidder, a contract award notice, and a "
        "standstill of eight working days from the notice before the contract is entered into."
    )
    state = reader(award_records.award_state)(database_path(), data_version(), record.id)
    seen_award = opened_version(f"award.state.{record.id}", state.version if state else 0)
    _lot_panel(record, state, actor, run_write)
    _clarifications_panel(record, actor, run_write)

    st.markdown("**1. Issue the award pack**")
    evaluation = None
    if waiting:
        st.info(f"{waiting} scores still need an agreed (moderated) score before the award pack can be issued.")
    elif record.setup.get("bids"):
        evaluation = tender.evaluate(tender.parse_scenario(body))
    if evaluation is None:
        return
    problems = award_pack.issue_problems([award_pack.Lot(evaluation)])
    if problems:
        st.warning("Put these right before the award pack can be issued:", icon=":material/rule:")
        for problem in problems:
            st.text(f"• {problem}")
    if state is None or not state.notice_published_on:
        label = "Issue the award pack" if state is None else "Issue the award pack again (scores changed)"
        if st.button(label, key="award.issue", type="primary", disabled=bool(problems)):
            if run_write(lambda db: award_records.issue_pack(db, record.id, actor=actor, expected_version=seen_award or None),
                         "Award pack issued: download the documents below, then publish the contract award notice."):
                st.rerun()
    if state is None:
        return
    st.write(f"Issued {uk_datetime(state.pack_issued_at)} by {plain(state.pack_issued_by)}: {plain(state.winner)} at {state.value}.")
    if reader(award_records.changed_since_issue)(database_path(), data_version(), record.id):
        st.warning("Scores, reasons or bids changed after the pack was issued: issue it again so the documents match.")

    try:
        _downloads(record, evaluation)
    except DomainError as error:
        show_error(error, key="award.download_error")
    _notice_and_contract(record, state, seen_award, actor, run_write)


def _downloads(record: tender_records.TenderRecord, evaluation: tender.Evaluation) -> None:
    st.markdown("**2. Download the documents**")
    st.caption("Each summary is an accessible PDF (tagged, with headings and tables) and a Word file you can edit.")
    stem = award_pack.slug(record.name)
    bidders = [b.bidder for b in evaluation.scenario.bids]
    bidder = st.selectbox("Bidder", bidders, key="award.bidder")
    pdf, docx = reader(award_records.bidder_documents)(database_path(), data_version(), record.id, bidder)
    left, right = st.columns(2)
    left.download_button(f"Download {bidder}'s summary (PDF)", data=pdf, mime=PDF_MIME, width="stretch",
                         file_name=f"assessment-summary-{award_pack.slug(bidder)}.pdf", key="award.bidder_pdf")
    right.download_button(f"Download {bidder}'s summary (Word)", data=docx, mime=DOCX_MIME, width="stretch",
                          file_name=f"assessment-summary-{award_pack.slug(bidder)}.docx", key="award.bidder_docx")
    if st.toggle("Prepare the whole pack (every bidder, the decision report, the OCDS notice)", key="award.prepare"):
        files = reader(award_records.pack_files)(database_path(), data_version(), record.id)
        left, middle, right = st.columns(3)
        left.download_button("Download the whole pack (ZIP)", data=award_pack.zip_bytes(files), mime=ZIP_MIME,
                             file_name=f"{stem}-award-pack.zip", key="award.zip", width="stretch")
        decision = next(name for name in files if name.endswith("award-decision.pdf"))
        middle.download_button("Download the award decision report (PDF)", data=files[decision], mime=PDF_MIME,
                               file_name=f"{stem}-award-decision.pdf", key="award.decision", width="stretch")
        right.download_button("Download the award notice (OCDS JSON)", data=files["award-notice-ocds.json"],
                              mime="application/json", file_name=f"{stem}-award-notice-ocds.json", key="award.ocds",
                              width="stretch")
        st.caption("Import the OCDS file on the Data page to see the award in the spend explorer.")


def _date_field(label: str, key: str, where=st) -> str:
    """A date typed as DD/MM/YYYY, today by default. (Streamlit's date input draws the day and
    month as targets too small for WCAG 2.2's 24 px minimum, so a text field is used.)"""
    return where.text_input(f"{label} (DD/MM/YYYY)", value=f"{award_records.today():%d/%m/%Y}", key=key, max_chars=10)


def _notice_and_contract(record, state: award_records.AwardState, seen_award: int, actor, run_write: RunWrite) -> None:
    st.markdown("**3. Contract award notice and standstill**")
    if state.standstill is None:
        with st.form("award.notice_form"):
            published = _date_field("Date the contract award notice was published", "award.published")
            if st.form_submit_button("Record the notice and start the standstill"):
                if run_write(lambda db: award_records.publish_notice(db, record.id, published_on=published,
                                                                     expected_version=seen_award, actor=actor),
                             "Notice recorded: the standstill has started."):
                    st.rerun()
        return
    period = state.standstill
    st.text(period.summary)
    skipped = [f"{uk_date(day)} ({why})" for day, why in period.skipped if why not in ("Saturday", "Sunday")]
    if skipped:
        st.caption("Bank holidays skipped: " + "; ".join(skipped))
    st.markdown("**4. Contract entered into**")
    if state.contract_entered_on:
        st.write(f"Entered into on {uk_date(state.contract_entered_on)}.")
        return
    with st.form("award.contract_form"):
        entered = _date_field("Date the contract was entered into", "award.entered")
        if st.form_submit_button("Record the contract as entered into"):
            if run_write(lambda db: award_records.enter_contract(db, record.id, entered_on=entered,
                                                                 expected_version=seen_award, actor=actor),
                         "Contract recorded as entered into."):
                st.rerun()


def _lot_panel(record, state, actor, run_write: RunWrite) -> None:
    lot = reader(award_records.lot_of)(database_path(), data_version(), record.id)
    title = f"Lot: {lot.title} of {lot.procurement}" if lot else "Lots: this tender is not a lot of a larger procurement"
    with st.expander(title):
        st.caption("A procurement split into lots has one tender here per lot: each keeps its own bids, scores and winner, "
                   "and its own award pack.")
        if lot:
            lots = reader(award_records.lots_in_procurement)(database_path(), data_version(), lot.procurement_id)
            st.dataframe(lots.drop(columns=["Tender id"]), hide_index=True, width="stretch", key="award.lots")
        if state is not None:
            st.caption("The award pack has been issued, so the lot cannot change.")
            return
        with st.form("award.lot_form"):
            procurement = st.text_input("Procurement", value=lot.procurement if lot else "", key="award.procurement")
            left, right = st.columns([1, 3])
            number = left.number_input("Lot number", min_value=1, step=1, value=lot.number if lot else 1, key="award.lot_number")
            lot_title = right.text_input("Lot title", value=lot.title if lot else "", key="award.lot_title",
                                         placeholder="e.g. Lot 1: Crewe and Nantwich")
            reference = st.text_input("Your reference (optional)", value=lot.reference if lot else "", key="award.reference")
            if st.form_submit_button("Save the lot"):
                if run_write(lambda db: award_records.set_lot(db, record.id, procurement=procurement, lot_number=int(number),
                                                              title=lot_title, reference=reference, actor=actor),
                             "Lot saved."):
                    st.rerun()


def _clarifications_panel(record, actor, run_write: RunWrite) -> None:
    questions = reader(award_records.clarifications)(database_path(), data_version(), record.id)
    versions = reader(award_records.clarification_versions)(database_path(), data_version(), record.id)
    seen = opened_version(f"award.clarifications.{record.id}", versions)
    with st.expander(f"Clarification log ({len(questions)} question{'s' if len(questions) != 1 else ''})"):
        st.caption("Questions bidders asked and the answers shared with every bidder. The asker's name is not kept.")
        if questions:
            st.dataframe(award_pack.clarification_frame(questions), hide_index=True, width="stretch", key="award.clarifications")
        with st.form("award.question_form", clear_on_submit=True):
            question = st.text_area("Question", key="award.question", height=80)
            left, right = st.columns(2)
            asked = _date_field("Asked on", "award.asked", left)
            answer = right.text_area("Answer (if already given)", key="award.answer", height=80)
            if st.form_submit_button("Add to the log"):
                if run_write(lambda db: award_records.add_clarification(db, record.id, question=question, asked_on=asked,
                                                                        answer=answer, actor=actor),
                             "Question added to the clarification log."):
                    st.rerun()
        unanswered = [q.number for q in questions if not q.answer]
        if unanswered:
            with st.form("award.answer_form"):
                number = st.selectbox("Question to answer", unanswered, key="award.answer_number")
                reply = st.text_area("Answer", key="award.reply", height=80)
                answered = _date_field("Answered on", "award.answered")
                if st.form_submit_button("Save the answer"):
                    if run_write(lambda db: award_records.answer_clarification(
                            db, record.id, number, answer=reply, answered_on=answered,
                            expected_version=seen.get(number, versions.get(number, 1)), actor=actor),
                            f"Answer to question {number} saved.", {"answer": reply}):
                        st.rerun()

