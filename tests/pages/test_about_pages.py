"""The accessibility statement and the privacy notice: what a council must publish before
it adopts the app (Public Sector Bodies Accessibility Regulations 2018; UK GDPR)."""

from __future__ import annotations

from tests.pages.conftest import run_page


def _page_text(app) -> str:
    return " ".join([m.value for m in app.markdown] + [h.value for h in app.header] + [c.value for c in app.caption])


def test_accessibility_statement_has_the_gov_uk_sections(db_path, monkeypatch):
    monkeypatch.setenv("DASHBOARD_CONTACT", "digital@example.gov.uk")
    app = run_page("accessibility.py")
    assert not app.exception
    headers = [h.value for h in app.header]
    for heading in ("How accessible this app is", "Feedback and reporting problems",
                    "Enforcement procedure", "How we tested this app"):
        assert heading in headers
    text = _page_text(app)
    assert "WCAG" in text and "2.2" in text
    assert "digital@example.gov.uk" in text
    assert "Equality and Human Rights Commission" in text


def test_privacy_notice_names_what_is_stored_and_for_how_long(db_path, monkeypatch):
    monkeypatch.delenv("DASHBOARD_CONTACT", raising=False)
    app = run_page("privacy.py")
    assert not app.exception
    text = _page_text(app)
    for stored in ("audit trail", "conflict-of-interest declaration", "Email addresses", "Charity Commission"):
        assert stored in text
    assert "How long it is kept" in [h.value for h in app.header]
    # The promise and the command agree (tests/models/test_retention.py checks the command).
    from models import retention
    assert f"by default {retention.DEFAULT_RETENTION_YEARS} years" in text and retention.RETENTION_ENV_VAR in text
    assert "python -m models retention" in text and "--apply" in text and "Evaluator 1" in text
    assert "the team that runs this app for your council" in text
