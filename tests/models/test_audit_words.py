"""The audit log in people's words, as the pages show it."""

from models.audit import WHEN, audit_frame, change_in_words


def test_changed_fields_only_in_words():
    before = '{"owner": "", "status": "Not started", "notes": "x"}'
    after = '{"owner": "Sam Patel", "status": "In progress", "notes": "x"}'
    assert change_in_words(before, after) == "owner: (blank) → Sam Patel; status: Not started → In progress"


def test_added_and_removed_records_and_plain_values():
    assert change_in_words(None, '{"value": 230.0, "illustrative": 0, "source": "Log"}') == "value: 230; illustrative: 0; source: Log"
    assert change_in_words('{"action_id": "CON-C1"}', None) == "action id: CON-C1 (removed)"
    assert change_in_words(None, None) == ""
    assert change_in_words('"a"', '"b"') == "a → b"


def test_audit_frame_shows_london_time():
    entries = [{"at": "2026-07-01T14:30:00+00:00", "who": "Sam", "entity_id": "INF-C1", "action": "edit",
                "before_json": '{"status": "Done"}', "after_json": '{"status": "On hold"}', "reason": None}]
    frame = audit_frame(entries, record_label="Action")
    assert list(frame.columns) == [WHEN, "Who", "Action", "What", "Change", "Reason"]
    assert frame.iloc[0][WHEN] == "01/07/2026 15:30"
    assert frame.iloc[0]["Change"] == "status: Done → On hold"
