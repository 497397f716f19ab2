"""The accessibility statement and the privacy notice: the product's own words, kept in one
place so the pages, the README and the tests read the same text.

The council that runs the app names its contact with ``$DASHBOARD_CONTACT`` (an email
address or a web page); the statements say who to contact in words when it is not set."""

from __future__ import annotations

import os

CONTACT_ENV_VAR = "DASHBOARD_CONTACT"
STATEMENT_PREPARED = "1 December 2026"


def contact() -> str:
    """Where to report a problem or ask about personal data: the council's setting, or a
    plain description when none is set."""
    return (os.environ.get(CONTACT_ENV_VAR) or "").strip() or "the team that runs this app for your council"


def contact_line() -> str:
    return f"Contact: {contact()}. Statement prepared on {STATEMENT_PREPARED}."


ACCESSIBILITY_STATEMENT: list[tuple[str, list[str]]] = [
    ("Using this app", [
        "This app is for council officers, councillors, commissioners, evaluators and people "
        "working in the voluntary and community sector. We want as many people as possible to be "
        "able to use it. You should be able to:",
        "- zoom in up to 400% without the text spilling off the screen, and use it on a phone "
        "390 pixels wide;\n"
        "- reach every page, filter, form and download with a keyboard alone;\n"
        "- read every chart's figures in a table beside it, and download them;\n"
        "- use it with a screen reader (the charts have text alternatives and titles).",
    ]),
    ("How accessible this app is", [
        "We know some parts are not fully accessible:",
        "- the editable grids (full cost recovery, SROI impact map, action plan, tender scoring) "
        "are drawn on a canvas and are hard to use with a screen reader or on a small screen; "
        "their contents can be downloaded as a spreadsheet, and forms for one row at a time are "
        "being added;\n"
        "- charts can be explored with a mouse only; their figures are always in the table beneath;\n"
        "- maps cannot be read without sight; the same figures are in the table beneath each map;\n"
        "- documents you download (spreadsheets, award packs) follow the app's headings and tables, "
        "but a spreadsheet you change yourself may lose them.",
    ]),
    ("Feedback and reporting problems", [
        f"If you find a problem not listed here, or need information in another format, contact "
        f"{contact()}. Say which page, what you were trying to do and what happened. We aim to "
        "reply within 5 working days.",
    ]),
    ("Enforcement procedure", [
        "The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public "
        "Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 "
        "(the 'accessibility regulations'). If you are not happy with how we respond to your "
        "complaint, contact the Equality Advisory and Support Service (EASS).",
    ]),
    ("Technical information about this app's accessibility", [
        "This app is partially compliant with the Web Content Accessibility Guidelines version 2.2 "
        "AA standard, because of the non-compliances listed above.",
    ]),
    ("How we tested this app", [
        "Every change is tested automatically in a real browser (Chromium) against the running "
        "app. Each user's task is walked from start to finish at 1,280 and 390 pixels wide, and "
        "the axe-core checker (WCAG 2.0, 2.1 and 2.2, levels A and AA) runs after every step, "
        "not only on the first page. Any serious or critical finding fails the test. Colour "
        "contrast, headings, labels, link names and the menu's list structure are checked this "
        "way. Automated checks find only part of what a person would; the app has not yet been "
        "tested by disabled users or audited by a specialist, and we will publish the result "
        "when it has.",
        f"This statement was prepared on {STATEMENT_PREPARED}.",
    ]),
]

PRIVACY_NOTICE: list[tuple[str, list[str]]] = [
    ("Who is responsible", [
        "The council that runs this app is the data controller for what is stored in it. The "
        "lawful basis is the council's public task (UK GDPR Article 6(1)(e)): spending public money "
        f"well and keeping records of how procurement decisions were made. Questions: {contact()}.",
    ]),
    ("What personal data the app stores, and why", [
        "- **Who changed what.** Every change (an import, an edit, a score, a moderation, a role "
        "change) is logged with the person's name, or with their sign-in identity (a subject "
        "identifier and email address) when sign-in is on, and the time. This is the audit trail "
        "public bodies must keep.\n"
        "- **Evaluators.** For a tender: who was asked to evaluate it, their conflict-of-interest "
        "declaration and how any conflict was managed, and the scores and reasons each gave. The "
        "Procurement Act 2023 (sections 50 and 81 to 83) and PCR 2015 regulation 84 require these "
        "records.\n"
        "- **Sign-in and roles.** Email addresses and the role each person holds.\n"
        "- **Organisations.** The directory holds organisations, not people, but published "
        "registers (such as the Charity Commission's) can include a contact name, address, "
        "telephone number or email address. Only what the register publishes is stored.\n"
        "- **Consultations and agreements.** Who took part is recorded as organisations or as "
        "groups described in words, never as named members of the public. Notes and links only: "
        "the app takes no uploads of documents about people.",
    ]),
    ("What the app does not do", [
        "It sets no advertising or tracking cookies, sends no usage statistics and makes no "
        "request to any other website: every font, icon and script is served by the app itself. "
        "Sign-in uses a session cookie set by the app after your council's identity provider "
        "(for example Microsoft Entra ID) has confirmed who you are.",
    ]),
    ("How long it is kept", [
        "Audit entries and bid records are kept for the retention period the council sets "
        "(by default 7 years after the record's last change, the usual period for contract "
        "records; the setting is DASHBOARD_RETENTION_YEARS). After that an administrator runs "
        "the command line's retention command (`python -m models retention` lists what is past "
        "the period; `--apply` acts on it): the audit entries of those records are removed, and "
        "each such tender is anonymised: evaluators become \"Evaluator 1\", \"Evaluator 2\" and "
        "so on, everyone else who acted on it \"anonymised\", and conflict-of-interest details "
        "are removed, while the bids, scores and award figures the contract register relies on "
        "are kept. Each run is itself recorded in the audit log, with counts only, without the "
        "personal data it removed.",
    ]),
    ("Your rights", [
        "You can ask to see the personal data the app holds about you, ask for it to be "
        "corrected, and in some cases ask for it to be deleted (records the council must keep by "
        "law, such as an evaluation's audit trail, are kept for their retention period). You can "
        "complain to the Information Commissioner's Office (ICO).",
    ]),
]
