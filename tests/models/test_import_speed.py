"""The import's shortcuts for speed (issue 15) change no verdict: a column's values that a
rule's "plain" pattern passes in bulk (pyarrow, a whole column at once) are exactly values
the rule's own check passes, so problems and repairs are the same as checking every value."""

from __future__ import annotations

from models.importers import columns, threesixtygiving_rules

VALUES = [
    "", "0", "00", "7", "12.5", "1234.56", "999999999999", "999999999999.99", "1000000000000", "99999999999999",
    "-1", "-0.5", "1e5", "1E+3", "£1,200", "(1,200.00)", "1,234.56-", " 12", "12 ", "1.", ".5", "0.000", "٣",
    "2024-04-01", "2024-02-29", "2023-02-29", "2024-02-30", "2024-13-01", "2024-04-31", "2024-04-28", "2024-4-1",
    "01/04/2024", "2024-04-01T09:30:00Z", "2024-04", "2024", "=SUM(A1:A2)", "12\n", "１２",
]


def checks_with_a_plain_pattern():
    rules = threesixtygiving_rules.field_rules().values()
    found = [(rule.title, rule.checker(), (rule.repairer() or (None,))[0]) for rule in rules]
    return [(title, check, fix) for title, check, fix in found if getattr(check, "plain", None)]


def test_both_number_and_date_rules_have_a_plain_pattern():
    titles = {title for title, _check, _fix in checks_with_a_plain_pattern()}
    assert {"Amount Awarded", "Award Date"} <= titles


def test_values_passed_in_bulk_are_values_the_rule_passes():
    for title, check, fix in checks_with_a_plain_pattern():
        column = VALUES * 5  # long enough for the bulk path
        assert columns.to_check(column, check) <= set(column) - {""}
        passed = set(column) - {""} - columns.to_check(column, check)
        assert all(check(value) is None for value in passed), title
        # so the problems found are those of checking every value one by one
        by_one = sorted((p, check(v)) for p, v in enumerate(column) if v and check(v) and not v.startswith("="))
        assert sorted(columns.column_problems(column, check)) == by_one, title
        if fix is not None:
            assert all(fix(value) is None for value in passed), title
