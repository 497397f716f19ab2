"""The tender page's rules, now in models/: starting criteria, unused names, proxy values
on a criterion, a bid from the form, the bids table, and download file names."""

from __future__ import annotations

from models import tender
from models.export import file_stem


def test_from_scratch_is_quality_and_price_only():
    criteria = tender.template_criteria(tender.FROM_SCRATCH)
    assert [(c["id"], c["weight"]) for c in criteria] == [("quality", 60), ("price", 40)]
    assert tender.FROM_SCRATCH not in tender.TEMPLATES


def test_unused_name_counts_up_from_two():
    assert tender.unused_name("Transport", []) == "Transport"
    assert tender.unused_name("Transport", ["Transport"]) == "Transport (2)"
    assert tender.unused_name("Transport", ["Transport", "Transport (2)", "Transport (3)"]) == "Transport (4)"


def test_proxies_replace_the_score_scale_of_that_criterion_only():
    criteria = tender.template_criteria("Quality 60 / price 30 / social value 10")
    updated = tender.criteria_with_proxies(criteria, "social_value", {"volunteer hours": 14.0})
    social = next(c for c in updated if c["id"] == "social_value")
    assert social["proxies"] == {"volunteer hours": 14.0} and "max_score" not in social
    assert next(c for c in updated if c["id"] == "quality")["max_score"] == 5
    assert "proxies" not in next(c for c in criteria if c["id"] == "social_value")  # input untouched


def test_bid_from_the_form_parses_and_shows_in_the_bids_table():
    criteria = tender.criteria_with_proxies(
        tender.template_criteria("Quality 60 / price 30 / social value 10"), "social_value", {"volunteer hours": 14.0})
    bid = tender.bid_body("Dane Ride", 165_000.0, {"insurance": "Pass", "safeguarding": "Fail"},
                          {"social_value": {"volunteer hours": 100.0}})
    setup = tender.parse_scenario({"name": "t", "criteria": criteria, "bids": [bid]}, setup_only=True)
    frame, money_columns = tender.bids_frame(setup)
    row = frame.iloc[0].to_dict()
    assert row["Insurance"] == "Pass" and row["Safeguarding"] == "Fail"
    assert row["Social value (£)"] == 1_400.0  # 100 hours x £14
    assert money_columns == ["Price (£)", "Social value (£)"]


def test_file_stem():
    assert file_stem("Dane Ride CIC (fictional)", "bidder") == "dane-ride-cic-fictional"
    assert file_stem("  ", "tender") == "tender" and file_stem(None, "costing") == "costing"
    assert len(file_stem("x" * 100, "t")) == 60
