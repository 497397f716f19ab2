"""Saved scenarios keep every version; bad JSON gets a clear error."""

import pytest

from models import scenarios
from models.errors import ScenarioError


def test_save_versions_and_load(db):
    scenarios.save(db, "sroi", "Befriending", {"investment": 1})
    scenarios.save(db, "sroi", "Befriending", {"investment": 2})
    scenarios.save(db, "tender", "Befriending", {"x": 1})
    latest = scenarios.list_saved(db, "sroi")
    assert [(s.name, s.version, s.body) for s in latest] == [("Befriending", 2, {"investment": 2})]
    assert scenarios.load(db, "sroi", "Befriending", version=1).body == {"investment": 1}
    with pytest.raises(ScenarioError, match="No saved sroi scenario called 'Other'"):
        scenarios.load(db, "sroi", "Other")


def test_name_required(db):
    with pytest.raises(ScenarioError, match="name"):
        scenarios.save(db, "sroi", "  ", {})


@pytest.mark.parametrize("text, words", [(b"{", "line 1, column 2"), (b"[1]", "JSON object"),
                                         (b"\xff\xfe", "not UTF-8"), (b" " * 2_000_001, "larger than")])
def test_parse_errors(text, words):
    with pytest.raises(ScenarioError, match=words):
        scenarios.parse_json(text, source="x.json")
