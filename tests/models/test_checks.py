"""The one rule for reading a number or an amount of money (models/checks.py), and every
engine reading money text alike."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models import checks


@pytest.mark.parametrize(("text", "expected"), [
    ("£1,200", "1200"), ("1,200", "1200"), (" 1 200 ", "1200"), ("(1,200)", "-1200"),
    ("(£1,200.50)", "-1200.50"), ("-1,200", "-1200"), ("1,200 CR", "-1200"), ("0.035", "0.035"),
    (1200, "1200"), (12.5, "12.5"),
])
def test_one_rule_for_numbers_and_money(text, expected):
    assert checks.parse_number(text) == Decimal(expected)


@pytest.mark.parametrize("value", [True, float("nan"), float("inf"), "lots", "£", "1.2.3", "Infinity"])
def test_what_is_not_a_number(value):
    problems: list[str] = []
    assert checks.number(value, "Bid 'A', 'price'", problems) is None
    assert problems == [f"Bid 'A', 'price': {value!r} is not a number"]


def test_missing_number_says_so_and_every_engine_reads_money_text_alike():
    from models import cost_recovery, sroi, tender

    problems: list[str] = []
    assert checks.exact_number("  ", "Project 'A': direct costs", problems) is None
    assert problems == ["Project 'A': direct costs: missing; give a number"]
    bids = [{"bidder": "A", "price": "£1,200", "scores": {"quality": 3}}]
    criteria = [{"id": "quality", "name": "Quality", "type": "quality", "weight": 60},
                {"id": "price", "name": "Price", "type": "price", "weight": 40, "method": "lowest_price_ratio"}]
    assert tender.parse_scenario({"name": "t", "criteria": criteria, "bids": bids}).bids[0].price == 1200.0
    assert sroi.parse_scenario({"name": "s", "investment": "£1,200", "outcomes": [
        {"name": "O", "stakeholder": "S", "quantity": 1, "proxy_value": "£10", "proxy_source": "x"}]}).investment == 1200.0
    costing = cost_recovery.parse_costing({"projects": [{"name": "A", "direct_costs": "£1,200"}], "overheads": []})
    assert costing.projects[0].direct_pence == 120_000


def test_uploaded_text_one_size_limit_and_one_encoding_rule():
    """Proxy tables, saved scenarios and tender proxy files are read by this one helper."""
    from models.checks import uploaded_text
    from models.errors import DomainError, ScenarioError

    def read(data, **kw):
        return uploaded_text(data, "x.csv", max_bytes=kw.pop("max_bytes", 10), too_large="split it",
                             not_text="save it as CSV UTF-8", **kw)

    assert read("already text") == "already text"
    assert read("\ufeffa,b".encode("utf-8")) == "a,b"          # a spreadsheet's byte-order mark goes
    assert read(b"0123456789") == "0123456789"                   # exactly the limit is allowed
    with pytest.raises(DomainError, match=r"^x.csv: the file is larger than 0 MB; split it$"):
        read(b"01234567890")
    with pytest.raises(ScenarioError, match="not UTF-8 text; save it as CSV UTF-8"):
        read(b"\xff\xfe", error=ScenarioError)
    assert read(b"x" * 100, max_bytes=None) == "x" * 100
