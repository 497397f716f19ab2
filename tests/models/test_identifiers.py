"""Org-ids, charity and company numbers, postcodes and name normalisation."""

import pytest

from models.identifiers import (
    clean_charity_number, clean_company_number, clean_postcode, normalise_name, org_id_prefix, validate_org_id,
)


@pytest.mark.parametrize("org_id", ["GB-CHC-1164883", "GB-CHC-505969", "GB-COH-04196767", "GB-COH-SC123456",
                                    "GB-LAE-CHE", "GB-SC-SC012345", "GB-NIC-100002", "360G-trafford-abc"])
def test_valid_org_ids(org_id):
    assert validate_org_id(org_id) == []


@pytest.mark.parametrize("org_id, words", [("GB-CHC-12345", "6 or 7 digits"), ("GB-COH-4196767", "8 characters"),
                                          ("XX-FOO-1", "recognised org-id prefix"), ("", "empty")])
def test_invalid_org_ids(org_id, words):
    assert words in validate_org_id(org_id)[0]


def test_clean_numbers_and_postcodes():
    assert clean_charity_number("GB 1164883") == "1164883"
    assert clean_charity_number("12345") is None
    assert clean_company_number("4196767") == "04196767"
    assert clean_company_number("SC12345") is None
    assert clean_postcode("cw12bj") == "CW1 2BJ"
    assert clean_postcode("M1 1AE") == "M1 1AE"
    assert clean_postcode("not a postcode") is None
    assert org_id_prefix("GB-COH-04196767") == "GB-COH"


def test_normalise_name():
    assert normalise_name("The Crewe Foodbank Ltd.") == "crewe foodbank"
    assert normalise_name("Age UK Cheshire East (CIO)") == "age uk cheshire east"
    assert normalise_name("Arts & Crafts Café CIC") == "arts and crafts cafe"
